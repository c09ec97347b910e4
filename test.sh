#!/usr/bin/env bash
# Sets up the machine, builds, runs the whole test suite. Extra arguments go to `dotnet test`
# (for example: ./test.sh --filter FullyQualifiedName~Imaging).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
./scripts/setup.sh
# the Slurm end-to-end test needs a real Slurm: installed here, never skipped
./scripts/setup-slurm.sh
# chromium and playwright-core for the serve page's browser tests: installed when missing, never skipped
./scripts/setup-browser.sh
dotnet build BetterDepth.slnx -c Release -nologo -v q
results="$root/tests/BetterDepth.Tests/TestResults"
rm -rf "$results"
# The tests' temporary folders (hundreds of MB per run) go under one folder that is removed however the run ends.
# A run killed before its trap ran (kill -9, a closed session) left its folder: its process id is in the name.
for old in "${TMPDIR:-/tmp}"/betterdepth-tests.*.*; do
  owner=${old##*/betterdepth-tests.}; owner=${owner%%.*}
  [ -d "$old" ] && [[ $owner =~ ^[0-9]+$ ]] && ! kill -0 "$owner" 2>/dev/null && rm -rf "$old"
done
scratch="$(mktemp -d "${TMPDIR:-/tmp}/betterdepth-tests.$$.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
status=0
BETTERDEPTH_TEST_TEMP="$scratch" dotnet test BetterDepth.slnx -c Release --no-build -nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
# One plain closing line that any CI reader understands.
trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -n "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n 1 | tr -dc 0-9)
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n 1 | tr -dc 0-9)
  echo "tests: ${passed:-0} passed, ${failed:-0} failed"
fi
exit $status
