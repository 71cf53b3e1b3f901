#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:${EDUPLAN_PG_PORT:-55432} for the store's tests and
# prints the URL to use as EDUPLAN_TEST_PG. Needs Debian's postgresql package (.ci/run installs it).
set -euo pipefail
port=${EDUPLAN_PG_PORT:-55432}
dir=${EDUPLAN_PG_DIR:-/tmp/eduplan-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgresql is not installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir" -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp" -l "$dir/log" -w start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
