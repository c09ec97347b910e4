#!/usr/bin/env bash
# The paper's experiments in miniature (docs/REPRODUCTION.md): trains every refiner of the ablation, the seed repeat,
# the 400-scene run and the degraded-prior run, then evaluates each on two held-out synthetic test sets.
# Resumable: a finished run (runs/miniature/NAME/final) is skipped, a stopped one continues from its checkpoint,
# a finished evaluation is kept. Usage: experiments/miniature/run.sh [NAME ...]   (default: all, in the table's order)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out=runs/miniature
mkdir -p "$out"

./betterdepth info > /dev/null   # setup + build once
# Run from a copy of the build, so rebuilding the source tree cannot swap DLLs under a long run.
rm -rf "$out/bin" && cp -r src/BetterDepth.Cli/bin/Release/net10.0 "$out/bin"
bd() { dotnet "$root/$out/bin/BetterDepth.Cli.dll" "$@"; }

if [ ! -f data/synth-160/dataset.json ]; then
  bd synth -o data/synth-160 --count 1000 --size 160x120 --seed 7 --kind mixed --test-fraction 0.1
fi

runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(image-only depth-conditioning pre-alignment full-seed7 full-seed8 full-400 full-degraded-prior full-eta0.2 full-eta0.3 full-skip)

for name in "${runs[@]}"; do
  run="$out/$name"
  if [ -d "$run/final" ]; then echo "[miniature] $name: trained"; continue; fi
  resume=(); [ -d "$run/checkpoint" ] && resume=(--resume)
  echo "[miniature] training $name ${resume[*]}"
  bd train --config "configs/train/miniature/$name.json" -o "$run" "${resume[@]}"
done

# evaluate NAME PRIOR TESTSEED: 100 held-out scenes (training scenes use seed 7), 2 DDIM steps, disparity least squares
evaluate() {
  local name=$1 prior=$2 seed=$3 refiner=$4
  local dir="$out/eval/$name/${prior//:/-}/seed$seed"
  [ -f "$dir/refined_summary.json" ] && return 0
  echo "[miniature] evaluating $name with prior $prior on test seed $seed"
  bd demo --count 100 --seed "$seed" --prior "$prior" --refiner "$refiner" --output "$dir" > "$dir.log" 2>&1 \
    || { cat "$dir.log"; return 1; }
}
mkdir -p "$out/eval"
for seed in 2026 2027; do
  for name in "${runs[@]}"; do
    prior=learned; [ "$name" = full-degraded-prior ] && prior=degraded:0
    mkdir -p "$out/eval/$name/${prior//:/-}"
    evaluate "$name" "$prior" "$seed" "$out/$name/final"
  done
  # plug-and-play: each refiner with the prior it was not trained with
  mkdir -p "$out/eval/full-seed7/degraded-0" "$out/eval/full-degraded-prior/learned" "$out/eval/full-skip/degraded-0" "$out/eval/default-skip-5k/learned"
  [ -d "$out/full-seed7/final" ] && evaluate full-seed7 degraded:0 "$seed" "$out/full-seed7/final"
  [ -d "$out/full-degraded-prior/final" ] && evaluate full-degraded-prior learned "$seed" "$out/full-degraded-prior/final"
  [ -d "$out/full-skip/final" ] && evaluate full-skip degraded:0 "$seed" "$out/full-skip/final"
  # the shipped refiner (models/refiner: configs/train/default.json, 5000 iterations, condition skip)
  evaluate default-skip-5k learned "$seed" models/refiner
done
dotnet run experiments/miniature/table.cs -- "$out/eval" | tee "$out/tables.md"
