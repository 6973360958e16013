#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for SECONDS (default
# 60) on one core, starting from the project's own inputs (experiments, the bad and hostile
# corpora, a real episodes.csv and checkpoint). Findings (crashes, hangs over 10 s, more than
# 2 GB) go to fuzz/findings/ and fail the script; turn each into a regression test.
#   usage: bash fuzz/run.sh [SECONDS] [TARGET...]     targets: experiment checkpoint results numbers prices
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=${*:-experiment checkpoint results numbers prices}
bash .ci/install-deps clang libfuzzer-14-dev
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DSPIKEGYM_FUZZ=ON -DSPIKEGYM_VIEWER=OFF > /dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(for t in $TARGETS; do echo -n "fuzz_$t "; done) spikegym
mkdir -p fuzz/findings
seed() {  # seed corpus per target, built from the project's own files
  local dir=build-fuzz/corpus/$1
  rm -rf "$dir"; mkdir -p "$dir"
  case $1 in
    experiment) for f in experiments/*.yaml tests/bad_experiments/*.yaml tests/hostile/*.yaml; do
                  cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    prices) printf 'name: mychip\nsource: "a datasheet"\nac_pj: 2.1\nmac_pj: 4.6\nplasticity_pj: 30\nneuron_active_pj: 10\nneuron_inactive_pj: 1\n' > "$dir/good.yaml"
            printf 'name: x\nac_pj: -1\nplastcity_pj: [1]\n' > "$dir/bad.yaml" ;;
    numbers) printf '%s' 0 1.5 -2e-3 nan inf 1e400 0x10 "" " 1" 12a > "$dir/n1"
             for v in 0 1.5 -2e-3 nan inf 1e400 0x10 12a; do printf '%s' "$v" > "$dir/$v"; done ;;
    checkpoint|results)
      local work=build-fuzz/seedwork_$1
      rm -rf "$work"; mkdir -p "$work"
      printf 'name: s\nenv: {id: CartPole-v1}\nagent: {type: snn, output_size: 4}\ntrain: {episodes: 3}\n' > "$work/s.yaml"
      build-fuzz/spikegym run "$work/s.yaml" -j 1 --out "$work/r" > /dev/null 2>&1
      local run; run=$(find "$work/r/s" -mindepth 1 -maxdepth 1 -type d | head -1)
      if [ "$1" = checkpoint ]; then cp "$run/agent.ckpt" "$dir/"
      else cat "$run/episodes.csv" <(printf '\0') "$run/run.json" <(printf '\0') "$run/config.yaml" > "$dir/run"; fi ;;
  esac
}
status=0
for t in $TARGETS; do
  seed "$t"
  echo "== fuzz_$t for ${SECONDS_EACH} s"
  if ! build-fuzz/fuzz_$t build-fuzz/corpus/$t -max_total_time="$SECONDS_EACH" -timeout=10 \
       -rss_limit_mb=2048 -max_len=8192 -artifact_prefix=fuzz/findings/"$t"- \
       -print_final_stats=1 2> build-fuzz/fuzz_$t.log; then
    status=1
    echo "fuzz_$t: a finding, see fuzz/findings/ and build-fuzz/fuzz_$t.log"
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/fuzz_$t.log || true
done
exit $status
