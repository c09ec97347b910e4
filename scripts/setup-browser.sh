#!/usr/bin/env bash
# What the browser tests need (tests/BetterDepth.Tests/Serve): Debian's chromium (apt) and node with
# playwright-core (npm, web/package.json). Idempotent; called by test.sh. Playwright's own browser download does not
# work on these machines, so the tests drive /usr/bin/chromium (override: BETTERDEPTH_CHROMIUM).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[setup-browser] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
apt_install() {
  log "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq "$@" >/dev/null
}

chromium="${BETTERDEPTH_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then apt_install chromium; fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi

cd "$root/web"
if [ ! -f node_modules/playwright-core/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing web/ npm packages (playwright-core, three, esbuild)"
  npm ci --no-audit --no-fund >/dev/null
fi
