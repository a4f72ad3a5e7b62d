#!/usr/bin/env bash
# Builds everything and runs Hub on the embedded SQLite with demo data at
# http://127.0.0.1:8080 (override with HUB_BIND). Installs what it needs first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUB_ROOT"

bash scripts/install-tools.sh
step "building the backend"
cargo build --locked -p backend
step "building the SPA"
trunk build --release --offline
step "starting Hub (Ctrl-C stops it)"
export HUB_BIND="${HUB_BIND:-127.0.0.1:8080}"
export HUB_SPA_DIR="${HUB_SPA_DIR:-$HUB_ROOT/dist}"
echo "Open http://$HUB_BIND and sign in with a demo account below."
exec "$HUB_BIN" serve --demo
