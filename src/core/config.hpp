#pragma once
// 12-factor configuration: every setting comes from an environment variable (see .env.example).
#include <functional>
#include <string>

#include "core/result.hpp"

namespace lc {

struct Config {
    std::string database_url = "sqlite:liveclass.db";  // LIVE_DATABASE_URL
    std::string http_host = "127.0.0.1";               // LIVE_HTTP_HOST
    int http_port = 8080;                              // LIVE_HTTP_PORT
    std::string secret_key;                            // LIVE_SECRET_KEY (required outside --demo/dev)
    int http_threads = 2;                              // LIVE_HTTP_THREADS: I/O threads
    int handler_threads = 16;                          // LIVE_HANDLER_THREADS: blocking handler pool
    int db_pool_size = 16;                             // LIVE_DB_POOL_SIZE
    int job_workers = 1;                               // LIVE_JOB_WORKERS: in-process workers in serve (0 = none)
    int job_lease_seconds = 60;                        // LIVE_JOB_LEASE_SECONDS: a dead worker's job is retried after
    int access_token_ttl = 3600;                       // LIVE_ACCESS_TOKEN_TTL seconds
    int heartbeat_seconds = 30;      // LIVE_HEARTBEAT_SECONDS: room pages send one this often; 2 missed close the row
    std::string redis_url;           // LIVE_REDIS_URL (rate limits/replay cache; later)
    std::string log_level = "info";  // LIVE_LOG_LEVEL
    bool trust_proxy = false;        // LIVE_TRUST_PROXY: take client IP from X-Forwarded-For
    std::string web_root = "web/dist";       // LIVE_WEB_ROOT
    std::string public_url;                  // LIVE_PUBLIC_URL: how providers reach us (callbacks)
    int provider_breaker_failures = 5;       // LIVE_PROVIDER_BREAKER_FAILURES: failures in a row that open it
    int provider_breaker_open_seconds = 30;  // LIVE_PROVIDER_BREAKER_OPEN_SECONDS: how long calls pause
    std::string zoom_api_url;                // LIVE_ZOOM_API_URL (default https://api.zoom.us/v2)
    std::string zoom_oauth_url;              // LIVE_ZOOM_OAUTH_URL (default https://zoom.us/oauth/token)
    std::string metrics_token;               // LIVE_METRICS_TOKEN: bearer for GET /metrics (empty: loopback peers only)
    std::string alert_webhook_url;           // LIVE_ALERT_WEBHOOK_URL: Slack-style incoming webhook for alerts
    std::string jitsi_domain;                // JITSI_DOMAIN
    std::string jitsi_app_id;                // JITSI_APP_ID
    std::string jitsi_jwt_secret;            // JITSI_JWT_SECRET
};

/// Reads the environment through `getenv` (tests pass their own). Invalid numbers are errors.
Result<Config> load_config(const std::function<const char*(const char*)>& getenv);

}  // namespace lc
