#!/usr/bin/env bash
# Times the Izhikevich 2007 distal-reward network (60 s simulated, plasticity on) in spikegym and
# in Brian2 (cython runtime and C++ standalone, compile steps excluded), one after the other on
# the same machine, and prints the speed ratios. Needs a Release build in build/ and Debian's
# python3-brian (installed here if missing).
#   usage: bash bench/compare_brian2.sh [SIM_S]
set -euo pipefail
cd "$(dirname "$0")/.."
sim_s=${1:-60}
bash .ci/install-deps python3-brian
ours=$(build/spikegym bench snn --sim-s "$sim_s" | awk '/^realtime_factor:/ {print $2}')
cython=$(/usr/bin/python3 bench/brian2_distal_reward.py --mode cython --sim-s "$sim_s" |
         awk '/^realtime_factor:/ {print $2}')
standalone=$(/usr/bin/python3 bench/brian2_distal_reward.py --mode cpp_standalone --sim-s "$sim_s" |
             awk '/^realtime_factor:/ {print $2}')
echo "spikegym_realtime_factor: $ours"
echo "brian2_cython_realtime_factor: $cython"
echo "brian2_standalone_realtime_factor: $standalone"
awk -v o="$ours" -v c="$cython" -v s="$standalone" \
  'BEGIN {printf "ratio_vs_cython: %.1f\nratio_vs_standalone: %.1f\n", o / c, o / s}'
