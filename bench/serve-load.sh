#!/usr/bin/env bash
# Load test of `betterdepth serve` from a second process on loopback: starts the server (extra arguments go to
# `serve`, e.g. --prior/--refiner/--concurrency/--queue), runs bench/serve-load.mjs against it, writes
# bench/results/serve-load.json and stops the server. Bounded by LOAD_N uploads and LOAD_TIMEOUT seconds.
#   LOAD_N=40 LOAD_CLIENTS=16 LOAD_RES=128 LOAD_STEPS=2 bench/serve-load.sh --concurrency 2 --queue 8
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${LOAD_PORT:-5391}"
url="http://127.0.0.1:$port"
out="${LOAD_JSON:-$root/bench/results/serve-load.json}"
log="$(mktemp "${TMPDIR:-/tmp}/serve-load.XXXXXX.log")"
"$root/betterdepth" serve --urls "$url" "$@" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "$url/api/info" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
status=0
node "$root/bench/serve-load.mjs" --url "$url" --image "${LOAD_IMAGE:-$root/../shared/data/real-rgbd/nyu-crop/rgb.jpg}" \
  --n "${LOAD_N:-40}" --concurrency "${LOAD_CLIENTS:-16}" --res "${LOAD_RES:-128}" --steps "${LOAD_STEPS:-2}" \
  --ensemble "${LOAD_ENSEMBLE:-1}" --timeout "${LOAD_TIMEOUT:-600}" --json "$out" || status=$?
kill -0 "$server" 2>/dev/null && echo "[serve-load] server still up after the load" >&2 || { echo "[serve-load] the server died" >&2; status=1; }
grep -c ' done' "$log" | xargs -I{} echo "[serve-load] server log: {} jobs done" >&2
exit $status
