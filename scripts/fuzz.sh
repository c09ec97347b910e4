#!/usr/bin/env bash
# Bounded coverage-guided fuzzing of one reader (or all) with libFuzzer + SharpFuzz; see docs/reliability.md.
#   scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh png 60
#   scripts/fuzz.sh all SECONDS        every target, SECONDS each (CI: scripts/fuzz.sh all 15, about 3 minutes)
# The working corpus grows in fuzz/work/TARGET (seeded from fuzz/corpus/TARGET), crashes land in fuzz/findings/TARGET.
# Oracle (fuzz/BetterDepth.Fuzz/Targets.cs): only errors the CLI maps to exit 2, one line, naming the file.
# Memory: the .NET child's managed heap is capped (DOTNET_GCHeapHardLimit, 1.5 GB) and the driver kills it past
# FUZZ_CHILD_RSS_LIMIT_MB (2048) RSS, reporting the input as a crash; each input has -timeout=10 s.
# Exit status: 0 if no target crashed, 1 otherwise. Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 -workers=2" etc.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ $# -eq 2 ] || { echo "usage: scripts/fuzz.sh TARGET|all SECONDS" >&2; exit 2; }
./scripts/fuzz-setup.sh
bin=fuzz/out/bin/BetterDepth.Fuzz
if [ "$1" = all ]; then targets=$($bin list | awk '{print $1}'); else targets=$1; fi
status=0
for target in $targets; do
  work=fuzz/work/$target findings=fuzz/findings/$target
  mkdir -p "$work" "$findings"
  log=fuzz/work/$target.log
  set +e
  DOTNET_GCHeapHardLimit=0x60000000 FUZZ_CHILD_RSS_LIMIT_MB=${FUZZ_CHILD_RSS_LIMIT_MB:-2048} \
    fuzz/out/libfuzzer-dotnet-driver --target_path="$root/$bin" --target_arg="$target" \
    -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$findings/" ${FUZZ_FLAGS:-} "$work" "fuzz/corpus/$target" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || true)
  [ -n "$runs" ] || runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if [ $rc -eq 0 ]; then
    echo "fuzz $target: ${runs} inputs in $2 s, no crash (corpus $(ls "$work" | wc -l) files)"
  else
    status=1
    echo "fuzz $target: CRASH after ${runs:-?} inputs; see $log and $findings/ (replay with the uninstrumented build, since instrumented code needs the driver: dotnet build fuzz/BetterDepth.Fuzz -c Release && fuzz/BetterDepth.Fuzz/bin/Release/net10.0/BetterDepth.Fuzz replay $target FILE)"
    grep -m 3 -E 'CRASH|==driver==|deadly signal|Test unit written' "$log" || true
  fi
done
exit $status
