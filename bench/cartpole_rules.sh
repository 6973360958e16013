#!/usr/bin/env bash
# Rule comparison on CartPole-v1: score = mean return over the last 100 of 1000 training
# episodes, seeds 1-10, for the SNN agent under rstdp / mstdpet / mstdp / none and for the
# non-spiking REINFORCE baseline. Prints one line per configuration: all ten scores and the median.
#   usage: bash bench/cartpole_rules.sh [EPISODES] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
episodes=${1:-1000}
jobs=${2:-2}
score() {  # agent, extra args...
  local agent=$1; shift
  seq 1 10 | xargs -P "$jobs" -I{} sh -c \
    "build/spikegym train --env CartPole-v1 --agent $agent --episodes $episodes --seed {} $* |
     awk -F, -v s={} 'NR > 1 && \$1 >= $episodes - 100 {t += \$2; n++} END {printf \"%s %.1f\\n\", s, t / n}'" |
    sort -n > /tmp/spikegym_scores.$$
  local median
  median=$(cut -d' ' -f2 /tmp/spikegym_scores.$$ | sort -g | awk '{v[NR] = $1} END {printf "%.1f", (v[5] + v[6]) / 2}')
  echo "$(awk '{printf "%s ", $2}' /tmp/spikegym_scores.$$)| median $median"
  rm -f /tmp/spikegym_scores.$$
}
echo "snn rstdp:   $(score snn --set learning_rule=rstdp)"
echo "snn mstdpet: $(score snn --set learning_rule=mstdpet)"
echo "snn mstdp:   $(score snn --set learning_rule=mstdp)"
echo "snn none:    $(score snn --set learning_rule=none)"
echo "reinforce:   $(score reinforce)"
