#!/usr/bin/env bash
# Overhead and scaling of sharded `betterdepth predict` (issue 17), on the same inputs:
#  1. fixed cost: a shard that holds none of the inputs (--shard 0/100003): process start, model load, the walk of
#     the whole input tree and its hashing, the manifest; what every task of an array pays once;
#  2. unsharded: `predict IN` over all COUNT images;
#  3. one shard: `predict IN --shard 0/N --skip-existing` (manifest kept) over about COUNT/N images;
#     per-image seconds after the fixed cost, against the unsharded run's: the overhead of sharding per image;
#  4. the array on this machine: N shards at once, each with nproc/N threads (DOTNET_PROCESSOR_COUNT), wall time
#     of the whole array against the unsharded run.
# Inputs: COUNT synthetic scenes (`betterdepth synth`, SIZE). Models: whatever models/ holds (prior `learned`,
# refiner models/refiner); when the shipped prior does not load, the scenes' own depth maps stand in as a file
# prior (recorded in the JSON as prior_used). Writes bench/results/shard-throughput.json.
# Usage: bench/shard-throughput.sh [COUNT=48] [N=4] [SIZE=128x96] [PROCESSING_RES=128]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count=${1:-48}; shards=${2:-4}; size=${3:-128x96}; res=${4:-128}
tmp="$root/bench/results/tmp/shards"
out="$root/bench/results/shard-throughput.json"
"$root/betterdepth" info > /dev/null   # build first, so the timings are predict only
dll="$root/src/BetterDepth.Cli/bin/Release/net10.0/BetterDepth.Cli.dll"
bd() { dotnet "$dll" "$@"; }

rm -rf "$tmp"; mkdir -p "$tmp"
bd synth -o "$tmp/scenes" --count "$count" --size "$size" --seed 11 --kind mixed > /dev/null 2>&1
input="$tmp/scenes/rgb"

prior=(--prior learned); prior_used=learned
if ! bd predict "$input/000000.png" -o "$tmp/probe" --processing-res "$res" > /dev/null 2>"$tmp/probe.err"; then
  echo "[bench] the shipped prior did not load ($(tail -n 1 "$tmp/probe.err")); using the scenes' depth as a file prior" >&2
  prior=(--prior "file:$tmp/scenes/depth"); prior_used="file (synthetic ground truth; the shipped learned prior did not load)"
fi
common=("${prior[@]}" --processing-res "$res")

timed() { # label, then predict's arguments: leaves "wall user sys" in $tmp/label.time
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/$label.time" dotnet "$dll" predict "$@" > "$tmp/$label.log" 2>&1 \
    || { echo "[bench] $label failed:" >&2; tail -n 5 "$tmp/$label.log" >&2; exit 1; }
}
entries() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["entries"]))' "$1"; }

timed fixed "$input" -o "$tmp/empty" "${common[@]}" --shard 0/100003
read -r w0 u0 s0 < "$tmp/fixed.time"
n0=$(entries "$tmp/empty/.shards/shard-0-of-100003.json")
timed unsharded "$input" -o "$tmp/single" "${common[@]}"
read -r w1 u1 s1 < "$tmp/unsharded.time"
timed one-shard "$input" -o "$tmp/one" "${common[@]}" --shard "0/$shards" --skip-existing
read -r w2 u2 s2 < "$tmp/one-shard.time"
n2=$(entries "$tmp/one/.shards/shard-0-of-$shards.json")

threads=$(( $(nproc) / shards )); [ "$threads" -ge 1 ] || threads=1
start=$(date +%s.%N)
pids=()
for ((k = 0; k < shards; k++)); do
  DOTNET_PROCESSOR_COUNT=$threads OMP_NUM_THREADS=$threads /usr/bin/time -f "%U %S" -o "$tmp/array-$k.time" dotnet "$dll" predict "$input" -o "$tmp/array" "${common[@]}" --shard "$k/$shards" --skip-existing > "$tmp/array-$k.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "[bench] a shard of the array failed; see $tmp/array-*.log" >&2; exit 1; }; done
end=$(date +%s.%N)
bd shards summarize "$tmp/array" --inputs "$input" > "$tmp/summary.log"
wa=$(python3 -c "print(round($end - $start, 3))")
ca=$(cat "$tmp"/array-*.time | awk '{ t += $1 + $2 } END { printf "%.2f", t }')

python3 - "$out" "$count" "$shards" "$size" "$res" "$prior_used" "$threads" "$w0" "$u0" "$s0" "$n0" "$w1" "$u1" "$s1" "$w2" "$u2" "$s2" "$n2" "$wa" "$ca" <<'PY'
import json, os, sys, datetime, platform
(out, count, shards, size, res, prior, threads, w0, u0, s0, n0, w1, u1, s1, w2, u2, s2, n2, wa, ca) = sys.argv[1:]
count, shards, threads, n0, n2 = int(count), int(shards), int(threads), int(n0), int(n2)
w0, w1, w2, wa = float(w0), float(w1), float(w2), float(wa)
cpu = lambda u, s: round(float(u) + float(s), 2)
per_image_single = (w1 - w0) / count
per_image_shard = (w2 - w0) / n2 if n2 else None
# CPU time is the stable figure on a shared machine (wall time depends on the other load); note that the per-image
# figure also carries the first image's warm-up (JIT, allocator), spread over fewer images in a shard
cpu_single = (cpu(u1, s1) - cpu(u0, s0)) / count
cpu_shard = (cpu(u2, s2) - cpu(u0, s0)) / n2 if n2 else None
result = {
    "benchmark": "sharded betterdepth predict: fixed cost per task, one shard against the unsharded run, the array on this machine",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"processors": os.cpu_count(), "load_average_1min": os.getloadavg()[0], "platform": platform.platform()},
    "inputs": {"images": count, "size": size, "processing_res": res, "prior_used": prior},
    "fixed_cost_per_task": {"wall_seconds": w0, "cpu_seconds": cpu(u0, s0), "images_in_shard": n0,
                            "note": "process start, model load, walk and hash of the whole input list, manifest"},
    "unsharded": {"images": count, "wall_seconds": w1, "cpu_seconds": cpu(u1, s1), "images_per_second": round(count / w1, 3),
                  "seconds_per_image_after_fixed_cost": round(per_image_single, 4),
                  "cpu_seconds_per_image_after_fixed_cost": round(cpu_single, 4)},
    "one_shard": {"shard": f"0/{shards}", "images": n2, "wall_seconds": w2, "cpu_seconds": cpu(u2, s2),
                  "images_per_second": round(n2 / w2, 3) if w2 else None,
                  "seconds_per_image_after_fixed_cost": round(per_image_shard, 4) if per_image_shard else None,
                  "overhead_per_image": round(per_image_shard / per_image_single - 1, 3) if per_image_shard and per_image_single > 0 else None,
                  "cpu_seconds_per_image_after_fixed_cost": round(cpu_shard, 4) if cpu_shard else None,
                  "cpu_overhead_per_image": round(cpu_shard / cpu_single - 1, 3) if cpu_shard and cpu_single > 0 else None},
    "array_on_this_machine": {"shards": shards, "threads_per_shard": threads, "wall_seconds": wa, "cpu_seconds_all_tasks": float(ca),
                              "cpu_seconds_of_the_fixed_costs": round(shards * cpu(u0, s0), 2),
                              "speedup_over_unsharded": round(w1 / wa, 3),
                              "note": "all shards at once on this machine's cores: the partition's scaling is bounded by cores, and each task pays the fixed cost"},
}
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f: json.dump(result, f, indent=2); f.write("\n")
print(json.dumps(result, indent=2))
PY
