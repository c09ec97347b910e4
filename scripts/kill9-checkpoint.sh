#!/usr/bin/env bash
# kill -9 a train-prior run mid-way, several times at different moments, then --resume each; records what was found.
#   scripts/kill9-checkpoint.sh CLI_DLL_DIR [TRIALS]     (CLI_DLL_DIR holds BetterDepth.Cli.dll)
# For each trial: start the run, SIGKILL it after a random KILL_MIN_S (15) + 0..KILL_SPREAD_S (25) s, list the out folder (checkpoint, leftovers),
# then `--resume` to the end and check it exits 0 with a checkpoint at step 200 and no .tmp-/.old- leftovers.
set -uo pipefail
cli="$1"; trials="${2:-5}"
work=$(mktemp -d /tmp/kill9.XXXXXX)
# The uninterrupted run's last log line: every killed-and-resumed run must end on the same loss.
nice -n 19 dotnet "$cli/BetterDepth.Cli.dll" train-prior --synthetic-count 8 --size 64x64 --steps 200 --checkpoint-every 5 -o "$work/reference" >"$work/reference.log" 2>&1
reference=$(tail -n 1 "$work/reference/train_log.csv" | cut -d, -f1,2)
echo "uninterrupted: step,loss $reference"
for i in $(seq 1 "$trials"); do
  out="$work/run$i"
  delay=$(( ${KILL_MIN_S:-15} + RANDOM % ${KILL_SPREAD_S:-25} ))
  nice -n 19 dotnet "$cli/BetterDepth.Cli.dll" train-prior --synthetic-count 8 --size 64x64 --steps 200 --checkpoint-every 5 -o "$out" >"$work/run$i.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  left=$(ls -a "$out" 2>/dev/null | grep -E '\.(tmp|old)-' | tr '\n' ' ')
  step=$(grep -o '"step": *[0-9]*' "$out"/checkpoint/*.json 2>/dev/null | head -n 1 | grep -o '[0-9]*$')
  nice -n 19 dotnet "$cli/BetterDepth.Cli.dll" train-prior --synthetic-count 8 --size 64x64 --steps 200 --checkpoint-every 5 -o "$out" --resume >"$work/resume$i.log" 2>&1
  rc=$?
  after=$(ls -a "$out" | grep -E '\.(tmp|old)-' | tr '\n' ' ')
  final=$(tail -n 1 "$out/train_log.csv" | cut -d, -f1,2)
  same=$([ "$final" = "$reference" ] && echo yes || echo NO)
  echo "trial $i: killed after ${delay}s at checkpoint step ${step:-none}; out: $(ls "$out" | tr '\n' ' ')| leftovers: ${left:-none} | resume exit $rc | leftovers after: ${after:-none} | final step,loss $final, same as uninterrupted: $same"
done
echo "logs in $work"
