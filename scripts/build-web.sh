#!/usr/bin/env bash
# Rebuilds the serve page's three.js bundle from npm (web/package.json, pinned by web/package-lock.json):
# src/BetterDepth.Cli/Serve/wwwroot/three.bundle.js, tree-shaken to what the page imports (web/three-entry.js) and
# minified. The bundle is committed, so building or running the server needs neither npm nor the internet; run this
# only after changing the three.js version or web/three-entry.js.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/web"
[ -d node_modules/three ] && [ -d node_modules/esbuild ] || npm ci --no-audit --no-fund
out="$root/src/BetterDepth.Cli/Serve/wwwroot/three.bundle.js"
./node_modules/.bin/esbuild three-entry.js --bundle --format=esm --minify --legal-comments=inline --log-level=warning --outfile="$out"
echo "[build-web] wrote $out ($(wc -c <"$out") bytes, three $(node -p "JSON.parse(require('fs').readFileSync('node_modules/three/package.json')).version"))" >&2
