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
    int sse_poll_ms = 2000;          // LIVE_SSE_POLL_MS: how often a live participant stream re-reads the room
    int sse_max_streams = 500;       // LIVE_SSE_MAX_STREAMS: open event streams per process (then 503)
    int max_file_streams = 128;      // LIVE_MAX_FILE_STREAMS: recordings streamed from local disk at once (then 503)
    std::string redis_url;           // LIVE_REDIS_URL: rate limits and used join links shared by every process
    std::string log_level = "info";  // LIVE_LOG_LEVEL
    std::string trusted_proxies;     // LIVE_TRUSTED_PROXIES: peers whose X-Forwarded-For is believed
    int join_token_ttl = 300;        // LIVE_JOIN_TOKEN_TTL: join token / launch link lifetime, seconds
    bool join_single_use = false;    // LIVE_JOIN_SINGLE_USE: a launch link opens once
    int recording_link_ttl = 600;    // LIVE_RECORDING_LINK_TTL: how long a recording access link opens, seconds
    std::string storage_dir = "storage";  // LIVE_STORAGE_DIR: our copies of recordings ("off": play from providers)
    int recording_max_mb = 8192;          // LIVE_RECORDING_MAX_MB: larger recordings are not copied (MiB)
    std::string ffmpeg = "ffmpeg";        // LIVE_FFMPEG: makes recording thumbnails ("off": none)
    std::string rsvg_convert = "rsvg-convert";  // LIVE_RSVG_CONVERT: renders whiteboard PDFs ("off": none)
    // Seed 13.1: transcripts of recordings, by a service that speaks OpenAI's audio transcription API.
    std::string transcribe_url;                  // LIVE_TRANSCRIBE_URL: the API's base (empty: no transcripts)
    std::string transcribe_api_key;              // LIVE_TRANSCRIBE_API_KEY: its bearer key
    std::string transcribe_model = "whisper-1";  // LIVE_TRANSCRIBE_MODEL
    int transcribe_piece_seconds = 600;          // LIVE_TRANSCRIBE_PIECE_SECONDS: audio sent per request
    // Seeds 13.2 and 13.3: summaries and quiz suggestions from transcripts, by a service that speaks
    // OpenAI's chat completions API with structured outputs.
    std::string ai_url;                          // LIVE_AI_URL: the API's base (empty: no summaries or quizzes)
    std::string ai_api_key;                      // LIVE_AI_API_KEY: its bearer key
    std::string ai_model = "gpt-4o-mini";        // LIVE_AI_MODEL
    int ai_part_chars = 60000;                   // LIVE_AI_PART_CHARS: transcript text sent per request
    bool storage_allow_private_sources = false;  // LIVE_STORAGE_ALLOW_PRIVATE_SOURCES: copy from private addresses
    // Seed 5.3: an S3-compatible bucket for the copies instead of LIVE_STORAGE_DIR (which then only
    // holds scratch files), so that processes on several machines share them.
    std::string s3_bucket;                   // LIVE_S3_BUCKET (empty: local disk)
    std::string s3_endpoint;                 // LIVE_S3_ENDPOINT: http(s)://host[:port] (empty: AWS)
    std::string s3_region = "us-east-1";     // LIVE_S3_REGION
    std::string s3_access_key_id;            // LIVE_S3_ACCESS_KEY_ID
    std::string s3_secret_access_key;        // LIVE_S3_SECRET_ACCESS_KEY
    std::string s3_prefix;                   // LIVE_S3_PREFIX: e.g. "liveclass/" to share a bucket
    int s3_path_style = -1;                  // LIVE_S3_PATH_STYLE (-1: path style when an endpoint is set)
    int s3_link_seconds = 300;               // LIVE_S3_LINK_SECONDS: presigned address lifetime
    int s3_part_mb = 16;                     // LIVE_S3_PART_MB: multipart part size, MiB
    int rate_join_per_user = 10;             // LIVE_RATE_JOIN_PER_USER: joins per user per minute (0 = off)
    int rate_join_per_ip = 100;              // LIVE_RATE_JOIN_PER_IP: joins per client address per minute
    int rate_login_per_account = 10;         // LIVE_RATE_LOGIN_PER_ACCOUNT: sign-in attempts per 15 minutes
    int rate_login_failures_per_ip = 50;     // LIVE_RATE_LOGIN_FAILURES_PER_IP: failed sign-ins per 15 minutes
    std::string ip_hash_key;                 // LIVE_IP_HASH_KEY: key of ip_hash (default: derived from the secret key)
    int retention_participant_days = 365;    // LIVE_RETENTION_PARTICIPANT_DAYS: devices/address hashes kept (0 = ever)
    int retention_webhook_days = 30;         // LIVE_RETENTION_WEBHOOK_DAYS: provider deliveries kept
    int retention_audit_days = 730;          // LIVE_RETENTION_AUDIT_DAYS: audit rows kept
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
    int sqlite_busy_timeout_ms = 30000;      // LIVE_SQLITE_BUSY_TIMEOUT_MS: then a write to a locked file is 503
    // Notifications (issue 6).
    std::string smtp_url;                      // LIVE_SMTP_URL: smtp://host:587 or smtps://host:465 (empty: no e-mail)
    std::string smtp_username, smtp_password;  // LIVE_SMTP_USERNAME / LIVE_SMTP_PASSWORD (empty: no AUTH)
    std::string smtp_tls = "try";              // LIVE_SMTP_TLS: STARTTLS none|try|required on smtp://
    std::string smtp_ca_file;                  // LIVE_SMTP_CA_FILE: extra CA bundle for the mail server
    std::string mail_from = "liveclass@localhost";  // LIVE_MAIL_FROM: sender address
    std::string mail_from_name = "liveclass";       // LIVE_MAIL_FROM_NAME: sender name (the school's name wins)
    std::string vapid_private_key;                  // LIVE_VAPID_PRIVATE_KEY: Web Push key (default: from the secret)
    std::string vapid_subject;                      // LIVE_VAPID_SUBJECT: mailto: or https: contact for push services
    bool push_allow_http = false;                   // LIVE_PUSH_ALLOW_HTTP: accept http:// push endpoints (tests)
    std::string default_timezone = "Europe/Istanbul";  // LIVE_DEFAULT_TIMEZONE: times in notices
    // Not from the environment: the integration-test servers set it (libsodium's minimum Argon2id
    // cost instead of the interactive one), so thousands of test accounts do not cost minutes of CI.
    bool cheap_password_hashes_for_tests = false;
};

/// Reads the environment through `getenv` (tests pass their own). Invalid numbers are errors.
Result<Config> load_config(const std::function<const char*(const char*)>& getenv);

}  // namespace lc
