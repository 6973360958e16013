#!/usr/bin/env bash
# Foraging-v0 scores of a finished sweep, per run (seed) and per cell: over the last 20% of the
# training episodes, food eaten per episode, poison eaten per episode, the food fraction
# food / (food + poison) of all items eaten in those episodes ("frac", the score), and the mean
# of the per-episode fractions over the episodes that ate anything ("ep_frac").
#   usage: bench/foraging_score.sh results/<name>
# Prints one line per run ("<swept values> seed S: ..."), then one summary line per cell:
# median food/ep, median fraction, and how many seeds reach a fraction >= 0.9.
set -euo pipefail
dir=$1
tail -n +2 "$dir/manifest.csv" | while IFS=, read -r id status seed rest; do
  [ "$status" = complete ] || continue
  awk -F, -v cell="$rest" -v seed="$seed" '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "food_eaten") fc = i; if ($i == "poison_eaten") pc = i; if ($i == "eval") ec = i }; next }
    ec && $ec == 1 { next }
    { n++; f[n] = $fc; p[n] = $pc }
    END { k = int(n * 0.8); for (i = k + 1; i <= n; i++) { F += f[i]; P += p[i]; if (f[i] + p[i] > 0) { E += f[i] / (f[i] + p[i]); e++ } }; m = n - k;
          printf "%s seed %s: food/ep %.2f poison/ep %.2f frac %.3f ep_frac %.3f\n", cell, seed, F / m, P / m, (F + P > 0 ? F / (F + P) : 0), (e ? E / e : 0) }' \
    "$dir/$id/episodes.csv"
done | sort -s -t: -k1,1 | tee /dev/stderr | awk '
  { split($0, a, " seed "); cell = a[1]; fo = ""; fr = ""
    # By name, not position: an experiment without a sweep has no cell values before "seed".
    for (i = 1; i < NF; i++) { if ($i == "food/ep") fo = $(i + 1); if ($i == "frac") fr = $(i + 1) }
    food[cell] = food[cell] " " fo; frac[cell] = frac[cell] " " fr; n[cell]++; if (fr >= 0.9) ok[cell]++ }
  END { for (c in n) { printf "%s: %d seeds, food/ep median %s, fraction median %s, seeds >= 0.9: %d\n", c, n[c], med(food[c]), med(frac[c]), ok[c] + 0 } }
  function med(s,   v, k, i, j, t) { k = split(s, v, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }; return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }'
