#!/usr/bin/env python3
"""Writes tests/golden/cartpole_v1.csv: CartPole-v1 trajectories as Gymnasium computes them.

Where the numbers come from
- Starting states: Gymnasium's CartPoleEnv.reset(seed=s) draws
  `np.random.Generator(np.random.PCG64(np.random.SeedSequence(s))).uniform(-0.05, 0.05, size=(4,))`
  (gymnasium/utils/seeding.py, cartpole.py reset()); this script calls NumPy itself for them.
- Step: the expressions of CartPoleEnv.step() in Gymnasium 1.x
  (Farama-Foundation/Gymnasium, gymnasium/envs/classic_control/cartpole.py), evaluated on NumPy
  float64 scalars as Gymnasium evaluates them: `theta_dot**2` and `costheta**2` are NumPy/libm
  pow(x, 2.0), which is not always x * x; sin and cos are Python's math module (libm).
- Anchor: before writing anything the script checks itself against one step that Gymnasium's own
  CartPoleEnv computed (reported in issue 8), and stops if any of the four doubles differs.

This is not spikegym's reading of the equations: it was written from the upstream file, not from
envs/cartpole.cpp, and it is anchored to Gymnasium's own output. Needs python3-numpy (Debian).
Run: python3 tests/golden/make_cartpole_golden.py > tests/golden/cartpole_v1.csv
"""
import math

import numpy as np

GRAVITY = 9.8
MASSCART = 1.0
MASSPOLE = 0.1
TOTAL_MASS = MASSPOLE + MASSCART
LENGTH = 0.5
POLEMASS_LENGTH = MASSPOLE * LENGTH
FORCE_MAG = 10.0
TAU = 0.02
THETA_THRESHOLD_RADIANS = 12 * 2 * math.pi / 360
X_THRESHOLD = 2.4


def gymnasium_step(state, action):
    """One step of Gymnasium's CartPoleEnv (kinematics_integrator 'euler')."""
    x, x_dot, theta, theta_dot = state
    force = FORCE_MAG if action == 1 else -FORCE_MAG
    costheta = math.cos(theta)
    sintheta = math.sin(theta)
    temp = (force + POLEMASS_LENGTH * theta_dot**2 * sintheta) / TOTAL_MASS
    thetaacc = (GRAVITY * sintheta - costheta * temp) / (
        LENGTH * (4.0 / 3.0 - MASSPOLE * costheta**2 / TOTAL_MASS))
    xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
    x = x + TAU * x_dot
    x_dot = x_dot + TAU * xacc
    theta = theta + TAU * theta_dot
    theta_dot = theta_dot + TAU * thetaacc
    terminated = bool(x < -X_THRESHOLD or x > X_THRESHOLD or theta < -THETA_THRESHOLD_RADIANS
                      or theta > THETA_THRESHOLD_RADIANS)
    return (x, x_dot, theta, theta_dot), terminated


def gymnasium_reset(seed):
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    return tuple(rng.uniform(low=-0.05, high=0.05, size=(4,)))


def check_anchor():
    # Issue 8: Gymnasium's own CartPoleEnv, from this state with action 1.
    start = tuple(np.float64(v) for v in (-0.02383878657506836, -0.02015088565858767,
                                          0.03142257405942804, -0.04080840578649031))
    expected = (-0.024241804288240115, 0.17450670865398432, 0.030606405943698234,
                -0.323413942046507)
    got, _ = gymnasium_step(start, 1)
    if tuple(float(v) for v in got) != expected:
        raise SystemExit(f"anchor step differs from Gymnasium's: {got} != {expected}")


def rollout(start, policy, max_steps=500):
    """Yields (t, action, state, terminated) until termination or the 500-step limit."""
    state = start
    yield 0, -1, state, False
    for t in range(1, max_steps + 1):
        action = policy(t, state)
        state, terminated = gymnasium_step(state, action)
        yield t, action, state, terminated
        if terminated:
            break


def main():
    check_anchor()
    cases = []
    # Open-loop replays from Gymnasium's reset(seed) states: uniformly random actions (episodes
    # end by termination, mostly the pole falling; large theta_dot exercises the sin(theta) term).
    for seed in range(10):
        action_rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(1000 + seed)))
        actions = action_rng.integers(0, 2, size=500)
        cases.append((f"seed{seed}_random", gymnasium_reset(seed), lambda t, s, a=actions: int(a[t - 1])))
    # A proportional-derivative controller: 500 steps, the full episode (truncated by TimeLimit).
    pd = lambda t, s: 1 if s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.1 * s[1] > 0 else 0
    for seed in (42, 7):
        cases.append((f"seed{seed}_pd", gymnasium_reset(seed), pd))
    # Always push right: the cart runs off, the pole swings fast (theta_dot up to ~3 rad/s).
    cases.append(("seed3_right", gymnasium_reset(3), lambda t, s: 1))
    # The issue-8 anchor state itself.
    cases.append(("issue8_anchor", tuple(np.float64(v) for v in (
        -0.02383878657506836, -0.02015088565858767, 0.03142257405942804,
        -0.04080840578649031)), lambda t, s: 1 if t == 1 else 0))

    print("case,t,action,x,x_dot,theta,theta_dot,terminated")
    for name, start, policy in cases:
        for t, action, state, terminated in rollout(start, policy):
            values = ",".join(repr(float(v)) for v in state)
            print(f"{name},{t},{'' if action < 0 else action},{values},{int(terminated)}")


if __name__ == "__main__":
    main()
