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
LIVE_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh start "$pgdir" "$port")
export LIVE_TEST_POSTGRES_URL
echo "run-tests: PostgreSQL on $LIVE_TEST_POSTGRES_URL"
# Redis for the rate-limit and single-use-link tests across several server processes.
LIVE_TEST_REDIS_URL=$(bash scripts/test-redis.sh start "$redisdir" "$redisport")
export LIVE_TEST_REDIS_URL
echo "run-tests: Redis on 127.0.0.1:$redisport"

export LIVECLASS_BIN="$root/$build/liveclass"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 "$@"
