#!/usr/bin/env bash
# Runs one libFuzzer target for FUZZ_SECONDS (default 15) from its seed corpus.
# Usage: run.sh <fuzzer binary> <seed corpus dir> <work dir>
# New interesting inputs go to <work dir>/corpus (the seeds stay as committed); a crash leaves its
# input in <work dir>/ (crash-*, leak-*, timeout-*) and fails the run.
set -euo pipefail
bin=$1 seeds=$2 work=$3
mkdir -p "$work/corpus"
exec "$bin" -max_total_time="${FUZZ_SECONDS:-15}" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$seeds"
