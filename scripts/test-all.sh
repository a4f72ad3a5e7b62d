#!/usr/bin/env bash
# Runs every test of Hub: formatting and lints, the schema check, backend tests
# on SQLite and then on PostgreSQL, the release SPA build, and the browser e2e
# tests in Chromium. Installs what it needs first. `.ci/run` calls this.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUB_ROOT"

bash scripts/install-tools.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

step "schema.graphql is current"
cargo build --locked -p backend
"$HUB_BIN" export-schema | diff -u schema.graphql - || { echo "schema.graphql is stale: run \`hub export-schema > schema.graphql\`"; exit 1; }

step "backend tests on SQLite, frontend unit tests"
env -u HUB_TEST_DATABASE_URL cargo test --locked
cargo test --locked -p frontend

step "backend tests on PostgreSQL"
source scripts/postgres.sh
drop_test_databases
trap drop_test_databases EXIT
cargo test --locked

step "SPA release build (trunk)"
trunk build --release --offline

step "browser end-to-end tests (Chromium)"
(cd e2e && npm test)
