#!/usr/bin/env bash
# `pip install --no-build-isolation .` into a fresh venv (Debian's python3 with its system
# packages, no network: --no-index), reusing the configured build folder (SPIKEGYM_CMAKE_BUILD_DIR,
# so nothing compiles twice); then the installed package, imported from elsewhere, trains a run
# equal to the CLI's. Usage: pip_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
SPIKEGYM_CMAKE_BUILD_DIR="$build" "$tmp/venv/bin/pip" install --quiet --no-build-isolation \
  --no-index "$src"
cd "$tmp"
want=$("$build/spikegym" train --agent random --episodes 4 --seed 2 2>/dev/null | cut -d, -f2 | tail -n +2 | paste -sd' ')
got=$("$tmp/venv/bin/python" -c "
import spikegym
assert spikegym.__file__.startswith('$tmp/venv/'), spikegym.__file__
print(' '.join('%g' % r for r in spikegym.train(agent='random', episodes=4, seed=2)['return']))")
echo "CLI:    $want"
echo "pip'd:  $got"
[ "$want" = "$got" ]
