#!/usr/bin/env python3
"""Independent float64 reference of Gymnasium CartPole-v1's step, in plain Python.

Python floats are IEEE float64 and Python evaluates each expression exactly in the order written
(no fused multiply-add), which is what Gymnasium's NumPy/`math` code does. This script follows
the published equations in that order, so `spikegym rollout` must agree with it bit for bit.

usage: cartpole_reference.py x,x_dot,theta,theta_dot ACTIONS
ACTIONS: a comma-separated list (0,1,1,...), or pd:N for N steps of a proportional-derivative
         controller that keeps the pole up (long trajectories that visit many states).
prints: one line per state (the initial one first): float.hex of the four state variables,
        terminated as 0/1, and the action that led to the state (-1 for the initial one).
"""
import math
import sys

GRAVITY = 9.8
MASSCART = 1.0
MASSPOLE = 0.1
TOTAL_MASS = MASSPOLE + MASSCART
LENGTH = 0.5
POLEMASS_LENGTH = MASSPOLE * LENGTH
FORCE_MAG = 10.0
TAU = 0.02
THETA_THRESHOLD = 12 * 2 * math.pi / 360
X_THRESHOLD = 2.4


def step(state, action):
    x, x_dot, theta, theta_dot = state
    force = FORCE_MAG if action == 1 else -FORCE_MAG
    costheta = math.cos(theta)
    sintheta = math.sin(theta)
    temp = (force + POLEMASS_LENGTH * (theta_dot * theta_dot)) / TOTAL_MASS
    thetaacc = (GRAVITY * sintheta - costheta * temp) / (
        LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / TOTAL_MASS))
    xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
    x = x + TAU * x_dot
    x_dot = x_dot + TAU * xacc
    theta = theta + TAU * theta_dot
    theta_dot = theta_dot + TAU * thetaacc
    terminated = (x < -X_THRESHOLD or x > X_THRESHOLD or theta < -THETA_THRESHOLD
                  or theta > THETA_THRESHOLD)
    return (x, x_dot, theta, theta_dot), terminated


def main():
    state = tuple(float(v) for v in sys.argv[1].split(","))
    if sys.argv[2].startswith("pd:"):
        steps = int(sys.argv[2][3:])
        policy = lambda t, s: 1 if s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.1 * s[1] > 0 else 0
    else:
        actions = [int(a) for a in sys.argv[2].split(",")]
        steps = len(actions)
        policy = lambda t, s: actions[t]
    print(" ".join(v.hex() for v in state), 0, -1)
    for t in range(steps):
        a = policy(t, state)
        state, terminated = step(state, a)
        print(" ".join(v.hex() for v in state), int(terminated), a)
        if terminated:
            break


if __name__ == "__main__":
    main()
