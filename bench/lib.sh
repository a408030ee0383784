# Shared by the bench/ scripts (sourced): ports, waiting for a listener, and the nginx baseline that
# every benchmark reports its ratio against. Expects $work (a temp dir), $root, $threads, $conns,
# $duration and a pids array from the caller.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "bench: nothing listening on port $1" >&2
  return 1
}

# nginx (Debian package) answering a fixed 200 to the same kind of POST: the machine's bare HTTP
# limit. Prints wrk's BENCH_RESULT line.
nginx_baseline() {
  local port
  port=$(free_port)
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / { return 200 "ok"; }
  }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >/dev/null 2>&1 &
  local nginx_pid=$!
  wait_http "$port"
  wrk -t"$threads" -c"$conns" -d"$duration" -s "$root/bench/fixed200.lua" "http://127.0.0.1:$port/" |
    grep BENCH_RESULT
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
}

# A field of a BENCH_RESULT line: field rps "$line"
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# Peak VmRSS (kB) of a process, sampled every 0.2 s into $work/rss until it exits.
sample_rss() {
  ( while kill -0 "$1" 2>/dev/null; do
      awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
      sleep 0.2
    done ) >"$work/rss" &
  pids+=($!)
}
