"""Foraging-v0 learning curves of a finished sweep: per run, the first training episode at which
the food fraction of the last 20 episodes (food / (food + poison) of every item eaten in them)
reaches 0.9, then the median, quartiles and worst over runs (a run that never reaches it counts
as its episode count + 1, said). And the mean food and poison per episode in blocks of 50.
    /usr/bin/python3 bench/foraging_curve.py results/<name> [--window 20] [--target 0.9]"""
import argparse
import csv
import os
import statistics

p = argparse.ArgumentParser()
p.add_argument("folder")
p.add_argument("--window", type=int, default=20)
p.add_argument("--target", type=float, default=0.9)
a = p.parse_args()

firsts, never, blocks = [], 0, {}
with open(os.path.join(a.folder, "manifest.csv")) as f:
    manifest = [r for r in csv.DictReader(f) if r["status"] == "complete"]
for r in manifest:
    with open(os.path.join(a.folder, r["run_id"], "episodes.csv")) as f:
        rows = [x for x in csv.DictReader(f) if x.get("eval", "0") in ("0", "")]
    food = [float(x["food_eaten"]) for x in rows]
    poison = [float(x["poison_eaten"]) for x in rows]
    first = None
    for e in range(a.window, len(rows) + 1):
        fo, po = sum(food[e - a.window:e]), sum(poison[e - a.window:e])
        if fo + po > 0 and fo / (fo + po) >= a.target:
            first = e
            break
    if first is None:
        never += 1
        first = len(rows) + 1
    firsts.append(first)
    print(f"seed {r['seed']}: trailing-{a.window} food fraction >= {a.target} at episode {first}")
    for b in range(0, len(rows), 50):
        blocks.setdefault(b, []).append((statistics.mean(food[b:b + 50]),
                                         statistics.mean(poison[b:b + 50])))
q = statistics.quantiles(firsts, n=4)
print(f"{len(firsts)} runs: episodes to {a.target}: median {statistics.median(firsts):g}, "
      f"IQR [{q[0]:g}, {q[2]:g}], worst {max(firsts)}"
      + (f" ({never} never reached it: counted as episodes + 1)" if never else ""))
for b, v in sorted(blocks.items()):
    print(f"episodes {b}-{b + 49}: food/ep {statistics.mean(x for x, _ in v):.2f}, "
          f"poison/ep {statistics.mean(y for _, y in v):.2f}")
