#!/usr/bin/env bash
# Starts (or stops) a throw-away Redis 7 server on loopback for the test suite: no persistence, its
# own directory, a password so the tests cover AUTH.
#   scripts/test-redis.sh start DIR PORT   -> prints the connection URL
#   scripts/test-redis.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
port=${3:-56379}
command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }
password=liveclass-test

case "$cmd" in
  start)
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
      --requirepass "$password" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 1 100); do
      if redis-cli -h 127.0.0.1 -p "$port" -a "$password" --no-auth-warning ping 2>/dev/null | grep -q PONG; then
        echo "redis://:$password@127.0.0.1:$port/0"
        exit 0
      fi
      sleep 0.1
    done
    echo "Redis did not start; see $dir/redis.log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$dir/redis.pid" ]]; then
      kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
