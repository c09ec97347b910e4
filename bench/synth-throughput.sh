#!/usr/bin/env bash
# Scenes per second of `betterdepth synth` at 256x192 and 640x480 (mixed indoor/outdoor, anti-aliased).
# Records wall time and CPU time (user+sys of the process): on a shared machine the wall time depends on
# what else runs, CPU time does not. Writes bench/results/synth-throughput.json.
# Usage: bench/synth-throughput.sh [COUNT_SMALL] [COUNT_LARGE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
small=${1:-60}
large=${2:-15}
tmp="$root/bench/results/tmp/synth"
out="$root/bench/results/synth-throughput.json"
"$root/betterdepth" info > /dev/null   # build first, so the timing is the renderer only

run() { # size count -> "wall user sys" (GNU time)
  rm -rf "$tmp"
  /usr/bin/time -f "%e %U %S" -o "$tmp.time" "$root/betterdepth" synth -o "$tmp" --count "$2" --size "$1" --seed 1 --kind mixed > /dev/null 2>&1
  cat "$tmp.time"
}

read -r w1 u1 s1 <<< "$(run 256x192 "$small")"
read -r w2 u2 s2 <<< "$(run 640x480 "$large")"
rm -rf "$tmp" "$tmp.time"
python3 - "$out" "$small" "$w1" "$u1" "$s1" "$large" "$w2" "$u2" "$s2" <<'PY'
import json, os, sys, datetime, platform
out = sys.argv[1]
def entry(count, wall, user, system):
    count, wall, cpu = int(count), float(wall), float(user) + float(system)
    return {"scenes": count, "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "scenes_per_second_wall": round(count / wall, 2), "scenes_per_cpu_second": round(count / cpu, 2),
            "scenes_per_second_on_2_idle_cores_estimate": round(2 * count / cpu, 2)}
result = {
    "benchmark": "betterdepth synth --kind mixed (anti-aliased RGB, npy + png16 depth, intrinsics)",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"processors": os.cpu_count(), "load_average_1min": os.getloadavg()[0], "platform": platform.platform()},
    "note": "CPU seconds include process start-up and file writing; wall time depends on other load on the machine.",
    "256x192": entry(*sys.argv[2:6]),
    "640x480": entry(*sys.argv[6:10]),
}
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f: json.dump(result, f, indent=2); f.write("\n")
print(json.dumps(result, indent=2))
PY
