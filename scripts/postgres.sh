# Sourced by test-all.sh: makes sure a PostgreSQL server answers and exports
# HUB_TEST_DATABASE_URL (an admin URL; each test creates its own database there).
# Uses the machine's server on 127.0.0.1:5432 (trust auth, user postgres); if none
# answers, tries to start the installed cluster, then a throwaway one on 5433.

pg_admin_url="${HUB_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_port="$(sed -E 's#.*:([0-9]+)/.*#\1#' <<<"$pg_admin_url")"

if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start 2>/dev/null || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.5; done
  fi
fi
if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | tail -1)"
  pg_dir="${HUB_PG_DIR:-$HOME/.cache/hub-pg}"
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir" && chown postgres "$pg_dir" 2>/dev/null || true
    runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir" --auth=trust -U postgres >/dev/null
  fi
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir" -o "-p 5433 -k $pg_dir -c listen_addresses=127.0.0.1" -w start >/dev/null
  psql -h 127.0.0.1 -p 5433 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -p 5433 -U postgres -c "CREATE DATABASE test" >/dev/null
  pg_admin_url="postgres://postgres@127.0.0.1:5433/test"
  pg_port=5433
fi
export HUB_TEST_DATABASE_URL="$pg_admin_url"

# Drops the per-test databases a run leaves behind.
drop_test_databases() {
  psql "$HUB_TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'hub_test_%'" \
    | while read -r db; do psql "$HUB_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null; done
}
