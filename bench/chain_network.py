#!/usr/bin/env python3
"""Writes an experiment whose network is a chain of N one-neuron populations, its projections
listed in reverse order: the worst case for the network checks (issue 21: the resolver scanned
every key per population, and reachability was a fixpoint over all projections).
usage: bench/chain_network.py OUT.yaml [--populations 3000]
then:  time build/spikegym run OUT.yaml --dry-run
"""
import argparse

NEURON = "{model: lif, tau_m_ms: 20, v_rest_mv: -70, v_reset_mv: -60, v_thresh_mv: -54}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--populations", type=int, default=3000)
    a = ap.parse_args()
    n = a.populations
    lines = ["name: chain", "env: {id: CartPole-v1}", "agent:", "  type: snn", "  network:",
             "    populations:",
             "      input: {encoder: {model: gaussian_rf, cells_per_dim: 12}}",
             "      output: {groups: {count: auto, size: 16}, neuron: %s}" % NEURON]
    for i in range(n):
        lines.append("      h%d: {size: 1, neuron: %s}" % (i, NEURON))
    lines.append("    projections:")
    for i in reversed(range(n)):
        src = "input" if i == 0 else "h%d" % (i - 1)
        lines.append("      p%d: {source: %s, target: h%d, weight: 2}" % (i, src, i))
    lines.append("      last: {source: h%d, target: output, weight: 2, "
                 "plasticity: {rule: rstdp, modulator: dopamine}}" % (n - 1))
    lines += ["    modulators:", "      dopamine: {signal: td_error}",
              "    critic: {features: gaussian_rf}", "    readout: {population: output}"]
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
