#!/usr/bin/env bash
# Are two spikegym binaries' results the same? Runs one experiment file with each binary and
# compares every episodes.csv byte for byte, with the run_id, wall_s and eval_episode columns cut
# by name (run ids change whenever the resolved configuration gains keys; wall_s is the clock;
# eval_episode is a key column added later, absent from older builds' files).
#   usage: bench/same_results.sh OLD_BINARY NEW_BINARY EXPERIMENT.yaml
# Prints "identical" (exit 0) or the differing digests (exit 1).
set -euo pipefail
old_bin=$1 new_bin=$2 file=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$old_bin" run "$file" --out "$work/old" >/dev/null 2>&1
"$new_bin" run "$file" --out "$work/new" >/dev/null 2>&1
digest() {
  for f in "$1"/*/*/episodes.csv; do
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) drop[i] = ($i == "run_id" || $i == "wall_s" || $i == "eval_episode") }
             { line = ""; for (i = 1; i <= NF; i++) if (!drop[i]) line = line $i ","; print line }' "$f"
  done | sort | sha256sum
}
a=$(digest "$work/old") b=$(digest "$work/new")
n=$(ls "$work"/new/*/*/episodes.csv | wc -l)
if [ "$a" = "$b" ]; then echo "identical ($n runs)"; else echo "differ: $a vs $b"; exit 1; fi
