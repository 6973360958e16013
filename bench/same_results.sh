#!/usr/bin/env bash
# Are two spikegym binaries' results the same? Runs one experiment file with each binary and
# compares every episodes.csv byte for byte, with the run_id and wall_s columns cut (run ids
# change whenever the resolved configuration gains keys; wall_s is the clock).
#   usage: bench/same_results.sh OLD_BINARY NEW_BINARY EXPERIMENT.yaml
# Prints "identical" (exit 0) or the differing digests (exit 1).
set -euo pipefail
old_bin=$1 new_bin=$2 file=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$old_bin" run "$file" --out "$work/old" >/dev/null 2>&1
"$new_bin" run "$file" --out "$work/new" >/dev/null 2>&1
digest() { for f in "$1"/*/*/episodes.csv; do cut -d, -f2-5,7- "$f"; done | sort | sha256sum; }
a=$(digest "$work/old") b=$(digest "$work/new")
n=$(ls "$work"/new/*/*/episodes.csv | wc -l)
if [ "$a" = "$b" ]; then echo "identical ($n runs)"; else echo "differ: $a vs $b"; exit 1; fi
