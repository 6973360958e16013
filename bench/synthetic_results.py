#!/usr/bin/env python3
"""Writes a synthetic results folder for timing `spikegym compare` at scale.

usage: bench/synthetic_results.py OUT_DIR [--runs 1000] [--episodes 1000] [--groups 10]
Makes OUT_DIR/synthetic/ with a manifest, and per run a complete run.json, a config.yaml
(env.id CartPole-v1, agent.type snn, agent.learning_rule g<k>) and an episodes.csv with the
columns spikegym writes (return rising towards a group-dependent plateau, plus noise). The
numbers are made up: this is for speed, not for statistics. Deterministic (random.Random(1)).
"""
import argparse
import json
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=10)
    a = ap.parse_args()
    rng = random.Random(1)
    root = os.path.join(a.out, "synthetic")
    os.makedirs(root, exist_ok=True)
    manifest = ["run_id,status,seed,agent.learning_rule"]
    for r in range(a.runs):
        group = r % a.groups
        seed = r // a.groups + 1
        run_id = "%016x" % (0x5eed0000 + r)
        d = os.path.join(root, run_id)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.yaml"), "w") as f:
            f.write("agent:\n  learning_rule: g%d\n  type: snn\nenv:\n  id: CartPole-v1\n"
                    "name: synthetic\nrun_id: %s\nseed: %d\n" % (group, run_id, seed))
        plateau = 100 + 35 * group
        rows = ["run_id,seed,episode,return,length,wall_s,truncated,cart_out_of_bounds,pole_fell"]
        for e in range(a.episodes):
            ret = max(1.0, plateau * (1 - 0.995 ** e) + rng.gauss(0, 20))
            rows.append("%s,%d,%d,%.10g,%d,%.4f,0,1,0" % (run_id, seed, e, ret, int(ret), e * 0.01))
        with open(os.path.join(d, "episodes.csv"), "w") as f:
            f.write("\n".join(rows) + "\n")
        with open(os.path.join(d, "run.json"), "w") as f:
            json.dump({"run_id": run_id, "status": "complete", "seed": seed, "episodes": a.episodes,
                       "env_dynamics_version": 2, "git_commit": "synthetic"}, f, indent=2)
        manifest.append("%s,complete,%d,g%d" % (run_id, seed, group))
    with open(os.path.join(root, "manifest.csv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    print(root)


if __name__ == "__main__":
    main()
