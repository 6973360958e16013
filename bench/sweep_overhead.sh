#!/usr/bin/env bash
# Sweep runner figures for BENCHMARKS.md:
#  1. overhead per run: 200 runs of a single one-episode training each (set-up, files, logging);
#  2. parallel speed-up: 24 small SNN runs (150 episodes each) at -j 1 and at -j 2.
#   usage: bash bench/sweep_overhead.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/overhead.yaml" <<'YAML'
name: overhead
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 1}
seeds: 200
YAML
cat > "$tmp/speedup.yaml" <<'YAML'
name: speedup
env: {id: CartPole-v1}
agent: {type: snn}
train: {episodes: 150}
seeds: 12
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdpet]
YAML
now() { date +%s.%N; }
t0=$(now); build/spikegym run "$tmp/overhead.yaml" -j 1 --out "$tmp/r" > /dev/null 2>&1; t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN {printf "overhead: 200 one-episode runs in %.3f s: %.2f ms per run (including the episode)\n", b - a, (b - a) * 1000 / 200}'
t0=$(now); build/spikegym run "$tmp/speedup.yaml" -j 1 --out "$tmp/j1" > /dev/null 2>&1; t1=$(now)
t2=$(now); build/spikegym run "$tmp/speedup.yaml" -j 2 --out "$tmp/j2" > /dev/null 2>&1; t3=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
  'BEGIN {printf "speedup: 24 runs at -j 1: %.2f s, at -j 2: %.2f s: %.2fx\n", b - a, d - c, (b - a) / (d - c)}'
