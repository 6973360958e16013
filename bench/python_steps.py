#!/usr/bin/python3
"""Env steps per second from Python (issue 28): one env, and make_vec batches of 1 and 1024.
   PYTHONPATH=build/python /usr/bin/python3 bench/python_steps.py"""
import time

import numpy as np

import spikegym


def timed(fn, seconds=2.0):
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        steps += fn()
    return steps / (time.perf_counter() - start)


for n in (1, 1024):
    vec = spikegym.make_vec("CartPole-v1", num_envs=n)
    vec.reset(seed=1)
    rng = np.random.default_rng(0)
    actions = [rng.integers(2, size=n) for _ in range(64)]

    def views():
        for a in actions:
            vec.step_float64(a)
        return 64 * n

    def copies():
        for a in actions:
            vec.step(a)
        return 64 * n

    print(f"make_vec num_envs={n}: step_float64 (views) {timed(views):.3g} steps/s, "
          f"step (float32 copies) {timed(copies):.3g} steps/s")

env = spikegym.make("CartPole-v1")
env.reset(seed=1)
count = [0]


def single():
    for _ in range(1000):
        _, _, terminated, truncated, _ = env.step(count[0] % 2)
        count[0] += 1
        if terminated or truncated:
            env.reset()
    return 1000


print(f"make (one env): {timed(single):.3g} steps/s")
