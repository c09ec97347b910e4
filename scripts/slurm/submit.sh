#!/usr/bin/env bash
# Submits a sharded `betterdepth predict` as a Slurm job array of N tasks, for CPU nodes or GPU nodes.
#
#   scripts/slurm/submit.sh [--gpu] [--dry-run] N OUTPUT INPUT... [predict options]
#
# Resources (environment variables; empty means "do not ask"):
#   CPU (default):   BD_CPUS=8  BD_MEM=16G  BD_TIME=12:00:00  (predict --device cpu)
#   GPU (--gpu):     BD_CPUS=4  BD_MEM=16G  BD_TIME=12:00:00  BD_GRES=gpu:1  (predict --device cuda)
#   BD_PARTITION, BD_ACCOUNT, BD_MAX_PARALLEL (at most this many tasks at once: --array=0-(N-1)%M),
#   BD_SBATCH_EXTRA (more sbatch options, split on spaces).
# Builds the CLI once here (tasks must not build in parallel) and runs it as `dotnet BetterDepth.Cli.dll`; set
# BETTERDEPTH to use another binary. Records the submission in OUTPUT/.shards/submit.env for resubmit-failed.sh.
# Prints the job id.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
gpu=0; dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gpu) gpu=1; shift ;;
    --dry-run) dry=1; shift ;;
    *) break ;;
  esac
done
if [ $# -lt 3 ]; then sed -n '2,13p' "$0" >&2; exit 2; fi
shards=$1; output=$2; shift 2
case "$shards" in ''|*[!0-9]*|0) echo "N must be a positive integer, got '$shards'" >&2; exit 2 ;; esac
output="$(mkdir -p "$output" && cd "$output" && pwd)"

if [ "$gpu" = 1 ]; then
  cpus=${BD_CPUS-4}; mem=${BD_MEM-16G}; gres=${BD_GRES-gpu:1}; device=(--device cuda)
else
  cpus=${BD_CPUS-8}; mem=${BD_MEM-16G}; gres=${BD_GRES-}; device=()
fi
time_limit=${BD_TIME-12:00:00}

if [ -z "${BETTERDEPTH:-}" ]; then
  "$root/betterdepth" info >/dev/null   # sets up and builds once, before any task starts
  BETTERDEPTH="dotnet $root/src/BetterDepth.Cli/bin/Release/net10.0/BetterDepth.Cli.dll"
fi
export BETTERDEPTH

array="0-$((shards - 1))"
if [ -n "${BD_MAX_PARALLEL:-}" ]; then array="$array%$BD_MAX_PARALLEL"; fi
resources=()
[ -n "$cpus" ] && resources+=(--cpus-per-task="$cpus")
[ -n "$mem" ] && resources+=(--mem="$mem")
[ -n "$time_limit" ] && resources+=(--time="$time_limit")
[ -n "$gres" ] && resources+=(--gres="$gres")
[ -n "${BD_PARTITION:-}" ] && resources+=(--partition="$BD_PARTITION")
[ -n "${BD_ACCOUNT:-}" ] && resources+=(--account="$BD_ACCOUNT")
if [ -n "${BD_SBATCH_EXTRA:-}" ]; then read -r -a extra <<< "$BD_SBATCH_EXTRA"; resources+=("${extra[@]}"); fi
mkdir -p "$output/.shards/logs"
resources+=(--output="$output/.shards/logs/task-%a.out")
predict_args=("${device[@]}" "$@")

if [ "$dry" = 1 ]; then
  printf 'sbatch --parsable --array=%s' "$array"; printf ' %q' "${resources[@]}" "$here/predict-array.sbatch" "$shards" "$output" "${predict_args[@]}"; echo
  exit 0
fi
job=$(sbatch --parsable --export=ALL --array="$array" "${resources[@]}" "$here/predict-array.sbatch" "$shards" "$output" "${predict_args[@]}")
job=${job%%;*}
{
  echo "# written by scripts/slurm/submit.sh; read by resubmit-failed.sh"
  printf 'BD_JOB_ID=%q\n' "$job"
  printf 'BD_SHARDS=%q\n' "$shards"
  printf 'BD_OUTPUT=%q\n' "$output"
  printf 'BETTERDEPTH=%q\n' "$BETTERDEPTH"
  printf 'BD_RESOURCES=('; printf ' %q' "${resources[@]}"; echo ' )'
  printf 'BD_PREDICT_ARGS=('; printf ' %q' "${predict_args[@]}"; echo ' )'
} > "$output/.shards/submit.env.tmp"
mv "$output/.shards/submit.env.tmp" "$output/.shards/submit.env"
echo "$job"
