#!/usr/bin/env bash
# Plug-and-play (paper, Table 3 in spirit): the shipped refiner on a prior it was never trained with. The other prior is
# the previous default prior (stage 1: the same architecture after 9000 of the current prior's 20,000 steps, before the
# desk scenes; models/prior-cnn at commit 5974a8f), a weaker network with different errors. Same held-out sets as
# experiments/defaults/evaluate.sh.
# Usage (repository root): experiments/plug-and-play/run.sh [OUT=runs/plug-and-play]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/plug-and-play}
mkdir -p "$out"
other="$out/prior-previous.safetensors"
[ -f "$other" ] || git show 5974a8f:models/prior-cnn/prior.safetensors > "$other"
./betterdepth info > /dev/null   # setup + build once
for seed in 777 888; do
  ./betterdepth demo --count 100 --seed "$seed" --prior "learned:$other" -o "$out/seed$seed" > "$out/seed$seed.log" 2>&1 \
    || { cat "$out/seed$seed.log"; exit 1; }
  tail -n 12 "$out/seed$seed.log"
done
