#!/usr/bin/env bash
# The paper's inference setting (10 ensemble members x 10 DDIM steps, median) against the project's default (1 x 2), on
# the held-out sets of experiments/defaults/evaluate.sh, with the shipped prior and refiner.
# Usage (repository root): experiments/ensemble/run.sh [OUT=runs/ensemble] [COUNT=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/ensemble}
count=${2:-100}
mkdir -p "$out"
./betterdepth info > /dev/null   # setup + build once
for seed in 777 888; do
  for setting in "10 10" "1 2"; do
    set -- $setting
    dir="$out/seed$seed-${1}x$2"
    start=$(date +%s)
    ./betterdepth demo --count "$count" --seed "$seed" --ensemble "$1" --steps "$2" -o "$dir" > "$dir.log" 2>&1 \
      || { cat "$dir.log"; exit 1; }
    echo "seed $seed, $1 members x $2 steps: $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
    tail -n 12 "$dir.log"
  done
done
