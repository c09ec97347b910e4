#!/usr/bin/env bash
# The paper's tables with the generation-2 defaults and the shipped prior: the ablation in the paper's order (image only,
# + depth conditioning, + global pre-alignment, + local patch masking = "full", configs/train/default.json), a second
# training seed of the full recipe and the 400-scene run. Each of configs/train/gen2/ is default.json with one setting
# changed; about 35 minutes of training each on 2 cores, then both held-out sets of experiments/defaults/evaluate.sh.
# Resumable: rerun after any interruption; a finished run is not retrained.
# Usage (repository root): [GEN2_RUNS=runs/gen2] experiments/gen2/run.sh [NAME...]   (default: all, in this order;
# GEN2_RUNS is the folder of the runs, so a rerun on another prior keeps the earlier one's)
set -euo pipefail
cd "$(dirname "$0")/../.."
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(image-only depth-conditioning pre-alignment full seed8 full-400)
./betterdepth info > /dev/null   # setup + build once
root=${GEN2_RUNS:-runs/gen2}
mkdir -p "$root"
for name in "${names[@]}"; do
  run="$root/$name"
  config="configs/train/gen2/$name.json"; [ "$name" = full ] && config=configs/train/default.json
  if [ ! -f "$run/final/refiner.json" ]; then
    resume=(); [ -d "$run/checkpoint" ] && resume=(--resume)
    echo "train $name: start $(date -Iseconds) load $(cut -d' ' -f1-3 /proc/loadavg) ${resume[*]}" | tee -a "$root.times"
    ./betterdepth train --config "$config" -o "$run" "${resume[@]}" >> "$run.log" 2>&1 || { tail -n 5 "$run.log"; exit 1; }
    echo "train $name: end $(date -Iseconds) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$root.times"
  fi
  for seed in 777 888; do
    out="$run/eval-seed$seed"
    [ -f "$out/refined_summary.json" ] && continue
    ./betterdepth demo --count 100 --seed "$seed" --refiner "$run/final" -o "$out" > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
    tail -n 9 "$out.log"
  done
done
