#!/usr/bin/env python3
"""Writes a results folder for timing `spikegym compare` at scale: real runs, made-up returns.
usage: bench/synthetic_results.py OUT_DIR [--runs 1000] [--episodes 1000] [--groups 10]
                                  [--spikegym build/spikegym]
Runs a sweep of the random agent on CartPole-v1 (`--groups` cells over env.force_n x runs/groups
seeds, `--episodes` episodes each, no checkpoints) with spikegym itself, so that every run folder
is one that `compare` counts as complete (its config.yaml resolves to its id, run.json and
episodes.csv agree). Then it rewrites the return column of every episodes.csv with a curve rising
towards a group-dependent plateau plus noise, keeping every row. The numbers are made up: this is
for speed, not for statistics. Deterministic (random.Random(1) and the sweep's seeds).
"""
import argparse
import csv
import io
import os
import random
import subprocess


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=10)
    ap.add_argument("--spikegym", default="build/spikegym")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    forces = ", ".join(str(5 + k) for k in range(a.groups))
    yaml_path = os.path.join(a.out, "synthetic.yaml")
    with open(yaml_path, "w") as f:
        f.write("name: synthetic\nenv: {id: CartPole-v1}\nagent: {type: random}\n"
                "train: {episodes: %d, checkpoint: false}\nseeds: %d\n"
                "sweep: {grid: {env.force_n: [%s]}}\n" % (a.episodes, a.runs // a.groups, forces))
    subprocess.run([a.spikegym, "run", yaml_path, "--out", a.out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = os.path.join(a.out, "synthetic")
    rng = random.Random(1)
    for run_id in sorted(os.listdir(root)):
        path = os.path.join(root, run_id, "episodes.csv")
        if not os.path.isfile(path):
            continue
        with open(os.path.join(root, run_id, "config.yaml")) as f:
            force = next(float(l.split(":")[1]) for l in f if l.strip().startswith("force_n:"))
        plateau = 100 + 35 * (force - 5)
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        col = rows[0].index("return")
        for e, row in enumerate(rows[1:]):
            row[col] = "%.10g" % max(1.0, plateau * (1 - 0.995 ** e) + rng.gauss(0, 20))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        with open(path, "w") as f:
            f.write(out.getvalue())
    print(root)


if __name__ == "__main__":
    main()
