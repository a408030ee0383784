#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL 15 server on loopback for the test suite, in its own
# data directory, as the unprivileged `postgres` user (the server refuses to run as root).
#   scripts/test-postgres.sh start DIR PORT   -> prints the connection URL
#   scripts/test-postgres.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?data directory}
port=${3:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[[ -x "$bindir/pg_ctl" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      as_pg "$bindir/initdb" -D "$dir" -U liveclass --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    sockdir="$dir/sock"
    as_pg mkdir -p "$sockdir"
    as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $sockdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U liveclass -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='liveclass_test'" | grep -q 1 \
      || as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U liveclass liveclass_test
    echo "postgresql://liveclass@127.0.0.1:$port/liveclass_test"
    ;;
  stop)
    if [[ -f "$dir/postmaster.pid" ]]; then
      as_pg "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
