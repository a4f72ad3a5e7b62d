#!/usr/bin/env bash
# Installs what building and testing Hub needs, skipping whatever is already
# there: the wasm32 target, trunk, wasm-bindgen-cli, Chromium, the e2e npm
# packages (which bring wasm-opt through binaryen). Safe to run any number of times.
set -euo pipefail
source "$(dirname "$0")/env.sh"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  step "cargo install trunk $TRUNK_VERSION (takes several minutes once)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --root "$HUB_TOOLS"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$HUB_TOOLS"
fi

if [ ! -x /usr/bin/chromium ]; then
  step "apt-get install chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

lock_sum="$(sha256sum "$HUB_ROOT/e2e/package-lock.json" | cut -d' ' -f1)"
stamp="$HUB_ROOT/e2e/node_modules/.hub-lock-sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  step "npm ci (e2e: playwright-core, graphql-ws, binaryen for wasm-opt)"
  (cd "$HUB_ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi
