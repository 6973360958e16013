#!/usr/bin/env bash
# CartPole-v1 scores of a finished sweep, per run (seed) and per cell: the score (mean return of
# the last 100 training episodes), how the late episodes (last 100) ended (cart off the track /
# pole fell / time limit), the first episode at which the mean of the last 100 training
# episodes reaches 475 and 500 ("-": never), the lowest such mean after it first reached 475, and
# the mean return of each evaluation block (learning off) if there are any.
#   usage: bench/cartpole_score.sh results/<name>
# Prints one line per run, then one summary line per cell: median score, seeds >= 475, late
# episodes with the cart off the track, median episode of reaching 475 and 500.
set -euo pipefail
dir=$1
tail -n +2 "$dir/manifest.csv" | while IFS=, read -r id status seed rest; do
  [ "$status" = complete ] || continue
  awk -F, -v cell="${rest:-(no-sweep)}" -v seed="$seed" '
    NR == 1 { for (i = 1; i <= NF; i++) { h[$i] = i }; next }
    h["eval"] && $h["eval"] == 1 { b = int(tr / 100); ev[b] += $h["return"]; en[b]++; next }
    { tr++; r[tr] = $h["return"]; co[tr] = $h["cart_out_of_bounds"]; pf[tr] = $h["pole_fell"]; tl[tr] = $h["truncated"] }
    END {
      s = 0; for (i = 1; i <= tr; i++) { s += r[i]; if (i > 100) s -= r[i - 100];
        if (i >= 100) { m = s / 100; if (!a475 && m >= 475) a475 = i; if (!a500 && m >= 500) a500 = i; if (a475 && (lo == "" || m < lo)) lo = m } }
      for (i = tr - 99; i <= tr; i++) { S += r[i]; C += co[i]; P += pf[i]; T += tl[i] }
      evs = ""; for (k in en) bl[k + 0] = 1; for (k = 0; k <= 1000; k++) if (k in en) evs = evs sprintf(" %.0f", ev[k] / en[k]);
      printf "%s seed %s: score %.1f late: cart_out %d pole_fell %d time_limit %d reach475 %s reach500 %s min_after475 %s eval%s\n",
        cell, seed, S / 100, C, P, T, (a475 ? a475 : "-"), (a500 ? a500 : "-"), (lo == "" ? "-" : sprintf("%.1f", lo)), (evs == "" ? " -" : evs) }' \
    "$dir/$id/episodes.csv"
done | sort -s -t: -k1,1 | tee /dev/stderr | awk '
  { split($0, a, " seed "); c = a[1]; n[c]++; sc[c] = sc[c] " " $5; if ($5 >= 475) ok[c]++; out[c] += $8;
    r475[c] = r475[c] " " ($14 == "-" ? 99999 : $14); r500[c] = r500[c] " " ($16 == "-" ? 99999 : $16) }
  END { for (c in n) printf "%s: %d seeds, median score %s, seeds >= 475: %d, late cart_out %d/%d, median reach475 %s, median reach500 %s\n",
          c, n[c], med(sc[c]), ok[c] + 0, out[c], 100 * n[c], med(r475[c]), med(r500[c]) }
  function med(s,   v, k, i, j, t) { k = split(s, v, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }; return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }'
