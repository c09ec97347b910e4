#!/usr/bin/env bash
# Resubmits only the indices of a sharded predict that are not done: shards without a finished manifest (never
# ran, killed, cancelled, out of time) and shards with failed inputs, as `betterdepth shards summarize
# OUTPUT --rerun-indices` lists them, with the resources and options of the original submit.sh.
#
#   scripts/slurm/resubmit-failed.sh [--force] OUTPUT
#
# Refuses while tasks of the previous job are still queued or running (their manifests say "running" too), unless
# --force. Prints the new job id, or nothing when everything is done (exit 0 either way).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
if [ $# -ne 1 ]; then sed -n '2,9p' "$0" >&2; exit 2; fi
output="$(cd "$1" && pwd)"
env_file="$output/.shards/submit.env"
[ -f "$env_file" ] || { echo "$env_file: not found (was the job submitted with scripts/slurm/submit.sh?)" >&2; exit 2; }
# shellcheck disable=SC1090
. "$env_file"
export BETTERDEPTH
if [ "$force" = 0 ] && [ -n "$(squeue -h -j "$BD_JOB_ID" 2>/dev/null || true)" ]; then
  echo "job $BD_JOB_ID still has tasks queued or running; wait for them, or pass --force" >&2
  exit 1
fi
read -r -a cli <<< "$BETTERDEPTH"
status=0
if ! compgen -G "$output/.shards/shard-*-of-$BD_SHARDS.json" >/dev/null; then
  # no task of this layout got as far as writing its manifest: all of them again
  indices="0-$((BD_SHARDS - 1))"; status=3
else
  indices=$("${cli[@]}" shards summarize "$output" --rerun-indices) || status=$?
fi
if [ "$status" = 0 ]; then echo "all shards are complete" >&2; exit 0; fi
if [ "$status" != 3 ] || [ -z "$indices" ]; then echo "shards summarize failed (exit $status)" >&2; exit 1; fi
echo "resubmitting indices $indices of $BD_SHARDS" >&2
job=$(sbatch --parsable --export=ALL --array="$indices" "${BD_RESOURCES[@]}" "$here/predict-array.sbatch" "$BD_SHARDS" "$BD_OUTPUT" "${BD_PREDICT_ARGS[@]}")
job=${job%%;*}
sed -i "s/^BD_JOB_ID=.*/BD_JOB_ID=$job/" "$env_file"
echo "$job"
