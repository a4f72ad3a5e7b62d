#!/usr/bin/env bash
# Builds the SPA in release and prints the size of its WASM, raw and gzipped
# (gzip -9), the figure docs/benchmarks.md reports.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUB_ROOT"
bash scripts/install-tools.sh >/dev/null
trunk build --release --offline >/dev/null 2>&1
wasm="$(ls dist/*_bg.wasm)"
printf 'raw %s bytes, gzipped %s bytes\n' "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)"
