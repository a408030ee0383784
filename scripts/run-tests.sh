#!/usr/bin/env bash
# Runs the whole test suite with CTest: starts a throw-away PostgreSQL server on loopback so the
# storage and API integration tests run on PostgreSQL as well as SQLite, and a Redis server for the
# tests of limits and single-use links shared by several processes; stops both afterwards.
set -euo pipefail
build=${1:-build}
shift || true  # remaining arguments go to ctest (e.g. -L "unit|integration")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

pgdir=$(mktemp -d /tmp/liveclass-pg.XXXXXX)
port=55432
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
redisdir=$(mktemp -d /tmp/liveclass-redis.XXXXXX)
redisport=56379
while (exec 3<>/dev/tcp/127.0.0.1/$redisport) 2>/dev/null; do redisport=$((redisport + 1)); done
cleanup() {
  bash scripts/test-postgres.sh stop "$pgdir" || true
  bash scripts/test-redis.sh stop "$redisdir" || true
  rm -rf "$pgdir" "$pgdir.initdb.log" "$redisdir"
}
trap cleanup EXIT
# A port nobody listens on can still be taken: a connection of an earlier run (a benchmark's client
# side, say) may hold it in TIME_WAIT. Then the next ports are tried.
for attempt in 1 2 3 4 5; do
  if LIVE_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh start "$pgdir" "$port"); then break; fi
  [[ $attempt == 5 ]] && { echo "run-tests: PostgreSQL did not start (last port $port)" >&2; exit 1; }
  port=$((port + 1))
  while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
done
export LIVE_TEST_POSTGRES_URL
echo "run-tests: PostgreSQL on $LIVE_TEST_POSTGRES_URL"
# Redis for the rate-limit and single-use-link tests across several server processes.
LIVE_TEST_REDIS_URL=$(bash scripts/test-redis.sh start "$redisdir" "$redisport")
export LIVE_TEST_REDIS_URL
echo "run-tests: Redis on 127.0.0.1:$redisport"

export LIVECLASS_BIN="$root/$build/liveclass"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 "$@"
