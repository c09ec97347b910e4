#!/usr/bin/env bash
# Installs what the Slurm end-to-end test (tests/BetterDepth.Tests/Cli/SlurmArrayTests.cs) needs: Debian's
# slurm-wlm (slurmctld, slurmd, sbatch, squeue, scontrol) and munge. Idempotent: does nothing when they are there.
# The test starts its own munged, slurmctld and slurmd in a temporary folder (no systemd, no cgroups) and stops them.
set -euo pipefail
log() { printf '[setup-slurm] %s\n' "$*" >&2; }
have_all() {
  for tool in slurmctld slurmd sbatch squeue scontrol scancel munged munge setpriv; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || return 1
  done
  [ -f /etc/munge/munge.key ]
}
if have_all; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "slurm-wlm and munge are missing and this is not a Debian-like system: install Slurm (22.05 or newer) and munge yourself"
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else log "need root (or sudo) to install slurm-wlm and munge"; exit 1; fi
fi
log "installing slurm-wlm and munge (about 35 s)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq slurm-wlm munge util-linux >/dev/null
if [ ! -f /etc/munge/munge.key ]; then
  # the package makes one on install; a container that skipped the postinst gets one here
  $SUDO mkdir -p /etc/munge
  $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
  $SUDO chown munge:munge /etc/munge/munge.key
  $SUDO chmod 400 /etc/munge/munge.key
fi
have_all || { log "slurm-wlm and munge installed but a tool is still missing"; exit 1; }
log "slurm-wlm and munge are installed"
