#!/usr/bin/env bash
# Measures the shipped default prior and refiner (models/prior-cnn, models/refiner) the way models/*/README.md reports
# them: two held-out synthetic test sets of 100 scenes (seeds 777 and 888; training used 2026 and 4242), 2 DDIM steps,
# one member, least squares in disparity space; the real RGB-D samples; and the latent-grid spectrum of refined - prior.
# Usage (repository root): experiments/defaults/evaluate.sh [OUT=runs/defaults-eval] [REFINER=models/refiner]
# (another REFINER, e.g. a training run's final/ folder, is measured on the default prior the same way; the demo uses the
# folder's defaults.prior_layout_sigma, 8 for models/refiner and none (raw output) for a training run's final/)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/defaults-eval}
refiner=${2:-models/refiner}
mkdir -p "$out"
./betterdepth info > /dev/null   # setup + build once
for seed in 777 888; do
  ./betterdepth demo --count 100 --seed "$seed" --refiner "$refiner" --output "$out/seed$seed" > "$out/seed$seed.log" 2>&1 || { cat "$out/seed$seed.log"; exit 1; }
  tail -n 12 "$out/seed$seed.log"
done
# Refined and prior maps side by side for the spectrum (the demo's scenes of seed 777).
./betterdepth predict "$out/seed777/scenes/rgb" --refiner "$refiner" --prior learned --save-prior --formats npy --output "$out/spectrum" > "$out/spectrum.log" 2>&1
dotnet run experiments/refiner-spectrum/spectrum.cs -- "$out/spectrum" 4 8 | tee "$out/spectrum.md"
dotnet run experiments/real-samples/score.cs -- ramp learned prior-of:$refiner refined:$refiner --json "$out/real-samples.json" | tee "$out/real-samples.md"
