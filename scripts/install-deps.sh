#!/usr/bin/env bash
# Installs every Debian package that building, running and testing liveclass needs (ffmpeg: the
# recording thumbnails; librsvg2-bin's rsvg-convert with fonts-dejavu-core: whiteboard PDFs; both run
# as programs).
# Idempotent: packages already present are skipped, so `make run`/`make test` can call it each time.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libsoci-dev libsqlite3-dev libpq-dev
  libjwt-dev libssl-dev libsodium-dev libjemalloc-dev libpugixml-dev
  libspdlog-dev libfmt-dev libcli11-dev libcurl4-openssl-dev libhiredis-dev libical-dev zlib1g-dev tzdata
  libgtest-dev libgmock-dev
  nodejs
  ffmpeg librsvg2-bin fonts-dejavu-core
)
# Servers and tools the tests and benchmarks start on loopback (prometheus: promtool checks /metrics).
# clang (with libclang-rt-14-dev, its libFuzzer and sanitizer runtimes) builds the fuzz targets.
# chromium is the browser the web end-to-end test drives (playwright-core, never a downloaded browser).
# poppler-utils' pdfinfo reads back the whiteboard PDFs the artifact tests make;
# python3-aiosmtpd is the SMTP server the mail tests deliver to; python3-icalendar is the second parser
# the .ics tests read our files back with; python3-cryptography decrypts Web Push payloads in the push tests;
# python3-botocore (AWS's own SigV4 code) is what the fake S3 of the storage tests checks our signatures with;
# python3-websockets is the WebSocket client the nginx test (tests/deploy) upgrades through infra/nginx/live.conf with;
# docker-compose (without its recommended engine) validates infra's Compose files, python3-yaml reads what it resolved.
TEST_PKGS=(postgresql sqlite3 curl wrk nginx-light python3 procps redis-server prometheus clang libclang-rt-14-dev
           python3-aiosmtpd python3-icalendar python3-cryptography python3-botocore python3-websockets
           docker-compose python3-yaml openssl chromium poppler-utils)

want=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${TEST_PKGS[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm comes with NodeSource's nodejs; with Debian's own nodejs it is a package of its own.
if ! command -v npm >/dev/null 2>&1 && ! printf '%s\n' "${missing[@]}" | grep -qx npm; then
  if dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "install ok installed"; then missing+=(npm); fi
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts nginx and the cluster on install; our scripts start their own instances.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl stop nginx postgresql redis-server prometheus >/dev/null 2>&1 || true
fi
$SUDO service nginx stop >/dev/null 2>&1 || true
$SUDO service postgresql stop >/dev/null 2>&1 || true
$SUDO service redis-server stop >/dev/null 2>&1 || true
$SUDO service prometheus stop >/dev/null 2>&1 || true
