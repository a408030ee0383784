-- Shared by the wrk scripts: one machine-readable result line, read by bench/join and bench/webhooks.
-- A script may define extra_result() to append its own " name=value" fields.
function done(summary, latency, requests)
  io.write(string.format("BENCH_RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d non2xx=%d%s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, extra_result and extra_result() or ""))
end
