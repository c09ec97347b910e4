#!/usr/bin/env bash
# Evaluation throughput: `betterdepth eval` on an NYU-sized (640x480) set of N samples made from the real NYU sample,
# disparity predictions (.npy) aligned with least_square_disparity. Records images per second in results/eval-throughput.json.
# usage: bench/eval-throughput.sh [N=200] [JOBS=all cores]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
n="${1:-200}"
jobs="${2:-$(nproc)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

real="${BETTERDEPTH_REAL_RGBD:-$root/../shared/data/real-rgbd}/nyu-crop"
(cd "$here" && dotnet run make-eval-set.cs -- "$real" "$work" "$n" >/dev/null)
"$root/betterdepth" info >/dev/null   # build outside the timing

load_before="$(cut -d' ' -f1 /proc/loadavg)"
start=$(date +%s.%N)
"$root/betterdepth" eval --dataset nyu --data-dir "$work/data" --predictions "$work/predictions" \
  --alignment least-square-disparity --jobs "$jobs" --output "$work/out" >/dev/null 2>&1
end=$(date +%s.%N)

evaluated=$(grep -o '"count_evaluated": [0-9]*' "$work/out/summary.json" | grep -o '[0-9]*$')
[ "$evaluated" = "$n" ] || { echo "expected $n evaluated samples, got $evaluated" >&2; exit 1; }
wall=$(echo "$end - $start" | bc -l)
inner=$(grep -o '"samples_per_second": [0-9.eE+-]*' "$work/out/summary.json" | grep -o '[0-9.eE+-]*$')
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
mkdir -p "$here/results"
cat > "$here/results/eval-throughput.json" <<JSON
{
  "benchmark": "betterdepth eval --dataset nyu (640x480, disparity .npy predictions, least_square_disparity)",
  "samples": $n,
  "jobs": $jobs,
  "wall_seconds_including_startup": $(printf '%.2f' "$wall"),
  "images_per_second_wall": $(echo "$n / $wall" | bc -l | xargs printf '%.1f'),
  "images_per_second_evaluation": $(printf '%.1f' "$inner"),
  "machine": "$cpu, $(nproc) cores",
  "load_average_1min_before": $load_before,
  "note": "a shared machine: the load average says how many other processes competed for its cores",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
JSON
cat "$here/results/eval-throughput.json"
