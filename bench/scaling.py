#!/usr/bin/python3
"""Time and memory of the distal-reward network against its size (issue 27, goal 3).

Runs `spikegym bench snn` for networks from 1e3 neurons / 1e5 synapses to 1e5 neurons / 1e8
synapses (each neuron with 100 * sqrt(N / 1000) outgoing synapses, weights scaled by 100 / that,
so the rate stays near the published 1.3 Hz), with plasticity on, at 1 and 2 threads, `--reps`
times each, interleaved. Writes every run to CSV, prints a Markdown table of medians with the
fitted log-log slopes, and draws the figure.

    /usr/bin/python3 bench/scaling.py [--reps 5] [--out results/scaling]

Slopes: wall time per simulated second against synaptic events per simulated second (1 means
time linear in the work), and the network's bytes (its own accounting, `footprint_bytes`) and
the process's peak resident memory against the synapse count (1 means linear in synapses).
"""
import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (neurons, synapses per neuron, simulated seconds): about 1-5 s of wall time each.
SIZES = [
    (1000, 100, 60),
    (3162, 178, 30),
    (10000, 316, 10),
    (31623, 562, 4),
    (100000, 1000, 2),
]


def run_one(binary, neurons, per_neuron, sim_s, threads):
    """One `bench snn` run: its key: value lines, plus the process's peak RSS [bytes]."""
    args = [binary, "bench", "snn", "--neurons", str(neurons), "--synapses-per-neuron",
            str(per_neuron), "--sim-s", str(sim_s), "--threads", str(threads)]
    with tempfile.TemporaryFile(mode="w+") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read()
        proc.stderr.close()
        if proc.returncode != 0:
            sys.exit(f"scaling: {' '.join(args)} failed ({proc.returncode}): {err.strip()}")
        out.seek(0)
        values = {}
        for line in out:
            key, sep, value = line.partition(":")
            if sep:
                values[key.strip()] = value.strip()
    values["peak_rss_bytes"] = str(usage.ru_maxrss * 1024)  # Linux reports KiB
    return values


def slope(xs, ys):
    """Least-squares slope of log10(y) against log10(x)."""
    lx = [math.log10(x) for x in xs]
    ly = [math.log10(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="runs per size and thread count")
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "scaling"),
                        help="folder for runs.csv")
    parser.add_argument("--figure", default=os.path.join(ROOT, "docs", "figures",
                                                         "snn_scaling.png"))
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "spikegym"))
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument("--max-neurons", type=int, default=100000,
                        help="leave out the sizes above this")
    a = parser.parse_args()
    thread_counts = [int(t) for t in a.threads.split(",")]
    sizes = [s for s in SIZES if s[0] <= a.max_neurons]
    if len(sizes) < 2:
        print("scaling: --max-neurons %d leaves %d size; a slope needs at least 2 "
              "(the sizes are %s neurons)"
              % (a.max_neurons, len(sizes), ", ".join(str(s[0]) for s in SIZES)), file=sys.stderr)
        sys.exit(2)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for rep in range(a.reps):
        for neurons, per_neuron, sim_s in sizes:
            for threads in thread_counts:
                v = run_one(a.binary, neurons, per_neuron, sim_s, threads)
                wall_per_sim_s = float(v["wall_s"]) / float(v["sim_s"])
                row = {
                    "rep": rep + 1, "neurons": neurons, "synapses": int(v["synapses"]),
                    "threads": threads, "sim_s": int(v["sim_s"]), "wall_s": float(v["wall_s"]),
                    "wall_s_per_sim_s": wall_per_sim_s,
                    "events_per_sim_s": int(v["synaptic_events"]) / float(v["sim_s"]),
                    "mean_rate_hz": float(v["mean_rate_hz"]),
                    "footprint_bytes": int(v["footprint_bytes"]),
                    "peak_rss_bytes": int(v["peak_rss_bytes"]),
                    "build_s": float(v["build_s"]),
                }
                rows.append(row)
                print(f"rep {rep + 1} neurons {neurons} threads {threads}: "
                      f"{wall_per_sim_s:.4g} s per simulated s", file=sys.stderr)
    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)

    med = {}
    for neurons, _, _ in sizes:
        for threads in thread_counts:
            sel = [r for r in rows if r["neurons"] == neurons and r["threads"] == threads]
            med[neurons, threads] = {k: statistics.median(r[k] for r in sel)
                                     for k in ("synapses", "wall_s_per_sim_s",
                                               "events_per_sim_s", "mean_rate_hz",
                                               "footprint_bytes", "peak_rss_bytes")}
    base = thread_counts[0]
    print(f"| neurons | synapses | rate [Hz] | events per sim s | "
          + " | ".join(f"wall s per sim s, {t} thr" for t in thread_counts)
          + (f" | speed-up, {thread_counts[-1]} thr" if len(thread_counts) > 1 else "")
          + " | ns per event | bytes (own) | bytes per synapse | peak RSS [MB] |")
    print("|" + "---|" * (8 + len(thread_counts) + (1 if len(thread_counts) > 1 else 0)))
    for neurons, _, _ in sizes:
        m = med[neurons, base]
        cells = [f"{neurons}", f"{m['synapses']:.3g}", f"{m['mean_rate_hz']:.2f}",
                 f"{m['events_per_sim_s']:.3g}"]
        cells += [f"{med[neurons, t]['wall_s_per_sim_s']:.4g}" for t in thread_counts]
        if len(thread_counts) > 1:
            last = thread_counts[-1]
            cells.append(f"{m['wall_s_per_sim_s'] / med[neurons, last]['wall_s_per_sim_s']:.2f}x")
        cells += [f"{m['wall_s_per_sim_s'] / m['events_per_sim_s'] * 1e9:.1f}",
                  f"{m['footprint_bytes']:.3g}",
                  f"{m['footprint_bytes'] / m['synapses']:.2f}",
                  f"{m['peak_rss_bytes'] / 1e6:.0f}"]
        print("| " + " | ".join(cells) + " |")
    syn = [med[n, base]["synapses"] for n, _, _ in sizes]
    for t in thread_counts:
        ev = [med[n, t]["events_per_sim_s"] for n, _, _ in sizes]
        wall = [med[n, t]["wall_s_per_sim_s"] for n, _, _ in sizes]
        print(f"slope of time against events ({t} thread{'s' if t > 1 else ''}): "
              f"{slope(ev, wall):.3f}")
    print(f"slope of own bytes against synapses: "
          f"{slope(syn, [med[n, base]['footprint_bytes'] for n, _, _ in sizes]):.3f}")
    print(f"slope of peak RSS against synapses: "
          f"{slope(syn, [med[n, base]['peak_rss_bytes'] for n, _, _ in sizes]):.3f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 5.2))
    markers = "os^vDP*X"
    for i, t in enumerate(thread_counts):
        marker = markers[i % len(markers)]
        ev = [med[n, t]["events_per_sim_s"] for n, _, _ in sizes]
        wall = [med[n, t]["wall_s_per_sim_s"] for n, _, _ in sizes]
        ax1.loglog(ev, wall, marker=marker, label=f"{t} thread{'s' if t > 1 else ''} "
                   f"(slope {slope(ev, wall):.2f})")
    ax1.set_xlabel("synaptic events per simulated second")
    ax1.set_ylabel("wall seconds per simulated second")
    ax1.set_title("Time: R-STDP on, %s" % ("median of %d runs" % a.reps if a.reps > 1
                                            else "1 run"))
    ax1.grid(True, which="both", alpha=0.3)
    # Below the axes: with several thread counts a legend inside covers the lines.
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small")
    own = [med[n, base]["footprint_bytes"] for n, _, _ in sizes]
    rss = [med[n, base]["peak_rss_bytes"] for n, _, _ in sizes]
    ax2.loglog(syn, own, marker="o", label=f"network state (slope {slope(syn, own):.2f})")
    ax2.loglog(syn, rss, marker="s", label=f"process peak RSS (slope {slope(syn, rss):.2f})")
    ax2.set_xlabel("synapses")
    ax2.set_ylabel("bytes")
    ax2.set_title("Memory")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, fontsize="small")
    fig.suptitle("Izhikevich 2007 distal-reward network scaled from {:,} to {:,} neurons"
                 .format(sizes[0][0], sizes[-1][0]))
    fig.tight_layout()
    os.makedirs(os.path.dirname(a.figure), exist_ok=True)
    fig.savefig(a.figure, dpi=110)
    print(f"figure: {a.figure}", file=sys.stderr)


if __name__ == "__main__":
    main()
