# Shared environment for Hub's scripts (sourced, not run). Keeps cargo's target
# directory and installed tools outside the clone so later runs are warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hub-target}"
export HUB_TOOLS="${HUB_TOOLS:-$HOME/.cache/hub-tools}"
export TRUNK_SKIP_VERSION_CHECK=true
HUB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HUB_ROOT
export PATH="$HUB_TOOLS/bin:$HUB_ROOT/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export HUB_BIN="$CARGO_TARGET_DIR/debug/hub"

step() { printf '\n==> %s\n' "$*"; }
