#!/usr/bin/env bash
# Makes this machine able to build and run BetterDepth. Idempotent: each step checks first.
#  - the .NET SDK must already be on PATH (we do not install SDKs);
#  - TorchSharp 0.107's native shim needs GLIBCXX_3.4.32 (libstdc++ from GCC >= 13). Debian 12 ships
#    GCC 12's, so there we pull libstdc++6 alone from Debian 13 (trixie), pinned low so that nothing
#    else is upgraded from it by accident.
set -euo pipefail

log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  log "the .NET SDK (dotnet) is not on PATH; install .NET SDK 10 first: https://dot.net"
  exit 1
fi

libstdcxx_ok() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$lib" ] || continue
    # grep -a on the binary avoids needing binutils' `strings`.
    if grep -aq 'GLIBCXX_3\.4\.32' "$lib"; then return 0; fi
  done
  return 1
}

if libstdcxx_ok; then
  exit 0
fi

log "TorchSharp needs libstdc++ with GLIBCXX_3.4.32 (GCC >= 13); this machine's is older."
. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ]; then
  log "automatic fix is only implemented for Debian 12; on ${PRETTY_NAME:-this system} install libstdc++6 from GCC 13 or newer (Ubuntu 24.04 already has it)."
  exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else log "need root (or sudo) to install libstdc++6 from trixie"; exit 1; fi
fi
log "adding Debian trixie at pin priority 100 and installing libstdc++6 from it (about 30 s)"
$SUDO tee /etc/apt/sources.list.d/betterdepth-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
$SUDO tee /etc/apt/preferences.d/betterdepth-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -t trixie libstdc++6 >/dev/null
if libstdcxx_ok; then
  log "libstdc++ now provides GLIBCXX_3.4.32"
else
  log "installing libstdc++6 from trixie did not provide GLIBCXX_3.4.32; see apt's output above"
  exit 1
fi
