#!/usr/bin/env bash
# What counting operations costs (issue: "What it costs"): the same work timed with the counters
# on and off, interleaved, 9 times each; prints the medians and the overhead.
#   bash bench/cost_overhead.sh [BUILD_DIR]
# 1. The Izhikevich 2007 distal-reward network (1000 neurons, 100k synapses, rstdp), 60 s
#    simulated: `spikegym bench snn` vs `spikegym bench snn --count` (real-time factor).
# 2. The closed loop: the solving preset on CartPole-v1, 300 training episodes, seed 1:
#    `spikegym train --preset cartpole_solve` vs the same with --no-cost (env steps per second of
#    wall time; the results are the same, which the golden-hash test checks).
set -euo pipefail
BIN=${1:-build}/spikegym
REPS=9
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
snn_off=(); snn_on=(); loop_off=(); loop_on=()
for ((i = 0; i < REPS; i++)); do
  snn_off+=("$("$BIN" bench snn --sim-s 60 | awk '/^realtime_factor/ {print $2}')")
  snn_on+=("$("$BIN" bench snn --sim-s 60 --count | awk '/^realtime_factor/ {print $2}')")
  for mode in off on; do
    flag=--no-cost
    [[ $mode == on ]] && flag=
    start=$(date +%s.%N)
    steps=$("$BIN" train --preset cartpole_solve --episodes 300 --seed 1 $flag 2>/dev/null |
      awk -F, 'NR > 1 {s += $3} END {print s}')
    end=$(date +%s.%N)
    rate=$(awk -v s="$steps" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", s / (b - a)}')
    if [[ $mode == on ]]; then loop_on+=("$rate"); else loop_off+=("$rate"); fi
  done
done
m_snn_off=$(printf '%s\n' "${snn_off[@]}" | median)
m_snn_on=$(printf '%s\n' "${snn_on[@]}" | median)
m_loop_off=$(printf '%s\n' "${loop_off[@]}" | median)
m_loop_on=$(printf '%s\n' "${loop_on[@]}" | median)
echo "distal-reward network, real-time factor: off ${snn_off[*]}"
echo "                                          on  ${snn_on[*]}"
echo "closed loop (cartpole_solve), env steps/s: off ${loop_off[*]}"
echo "                                            on  ${loop_on[*]}"
# This machine's speed drifts by up to 30% over seconds (a shared VM): the overhead is the median
# of the ratios of adjacent runs (off, then on), which see the same conditions.
ratio() { local -n off=$1 on=$2; for ((i = 0; i < REPS; i++)); do
  awk -v a="${off[i]}" -v b="${on[i]}" 'BEGIN {printf "%.4f\n", 100 * (a / b - 1)}'; done | median; }
echo "medians: network ${m_snn_off}x off, ${m_snn_on}x on; closed loop $m_loop_off steps/s off, $m_loop_on on"
echo "overhead (median of paired ratios): network $(ratio snn_off snn_on)%, closed loop $(ratio loop_off loop_on)%"
