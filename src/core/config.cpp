#include "core/config.hpp"

#include <charconv>

namespace lc {

Result<Config> load_config(const std::function<const char*(const char*)>& getenv) {
    Config c;
    std::vector<FieldError> errors;
    auto str = [&](const char* name, std::string& out) {
        if (const char* v = getenv(name); v && *v) out = v;
    };
    auto num = [&](const char* name, int& out, int min, int max) {
        const char* v = getenv(name);
        if (!v || !*v) return;
        int n = 0;
        std::string_view s(v);
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || p != s.data() + s.size() || n < min || n > max)
            errors.push_back(
                {name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max)});
        else
            out = n;
    };
    str("LIVE_DATABASE_URL", c.database_url);
    str("LIVE_HTTP_HOST", c.http_host);
    num("LIVE_HTTP_PORT", c.http_port, 0, 65535);
    str("LIVE_SECRET_KEY", c.secret_key);
    num("LIVE_HTTP_THREADS", c.http_threads, 1, 256);
    num("LIVE_HANDLER_THREADS", c.handler_threads, 1, 1024);
    num("LIVE_DB_POOL_SIZE", c.db_pool_size, 1, 1024);
    num("LIVE_SQLITE_BUSY_TIMEOUT_MS", c.sqlite_busy_timeout_ms, 0, 600000);
    num("LIVE_JOB_WORKERS", c.job_workers, 0, 64);
    num("LIVE_JOB_LEASE_SECONDS", c.job_lease_seconds, 2, 3600);
    num("LIVE_ACCESS_TOKEN_TTL", c.access_token_ttl, 60, 86400);
    num("LIVE_HEARTBEAT_SECONDS", c.heartbeat_seconds, 5, 600);
    num("LIVE_SSE_POLL_MS", c.sse_poll_ms, 200, 60000);
    num("LIVE_SSE_MAX_STREAMS", c.sse_max_streams, 1, 1000000);
    num("LIVE_MAX_FILE_STREAMS", c.max_file_streams, 1, 100000);
    str("LIVE_REDIS_URL", c.redis_url);
    str("LIVE_LOG_LEVEL", c.log_level);
    str("LIVE_WEB_ROOT", c.web_root);
    str("LIVE_PUBLIC_URL", c.public_url);
    str("LIVE_ZOOM_API_URL", c.zoom_api_url);
    num("LIVE_PROVIDER_BREAKER_FAILURES", c.provider_breaker_failures, 1, 1000);
    num("LIVE_PROVIDER_BREAKER_OPEN_SECONDS", c.provider_breaker_open_seconds, 1, 3600);
    str("LIVE_ZOOM_OAUTH_URL", c.zoom_oauth_url);
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    if (!c.public_url.empty() && c.public_url.rfind("https://", 0) != 0 && c.public_url.rfind("http://", 0) != 0)
        errors.push_back({"LIVE_PUBLIC_URL", "must be an http(s) URL such as https://lms.school.edu"});
    auto flag = [&](const char* name, bool& out) {
        const char* v = getenv(name);
        if (!v || !*v) return;
        std::string s = v;
        if (s == "1" || s == "true" || s == "yes")
            out = true;
        else if (s == "0" || s == "false" || s == "no")
            out = false;
        else
            errors.push_back({name, "must be true or false"});
    };
    str("LIVE_TRUSTED_PROXIES", c.trusted_proxies);
    // The older switch: a proxy on this machine (nginx in front on the same host).
    bool trust_local_proxy = false;
    flag("LIVE_TRUST_PROXY", trust_local_proxy);
    if (trust_local_proxy && c.trusted_proxies.empty()) c.trusted_proxies = "127.0.0.1, ::1";
    num("LIVE_JOIN_TOKEN_TTL", c.join_token_ttl, 120, 300);
    flag("LIVE_JOIN_SINGLE_USE", c.join_single_use);
    num("LIVE_RECORDING_LINK_TTL", c.recording_link_ttl, 30, 86400);
    str("LIVE_STORAGE_DIR", c.storage_dir);
    num("LIVE_RECORDING_MAX_MB", c.recording_max_mb, 1, 1048576);
    flag("LIVE_STORAGE_ALLOW_PRIVATE_SOURCES", c.storage_allow_private_sources);
    str("LIVE_FFMPEG", c.ffmpeg);
    str("LIVE_RSVG_CONVERT", c.rsvg_convert);
    str("LIVE_TRANSCRIBE_URL", c.transcribe_url);
    str("LIVE_TRANSCRIBE_API_KEY", c.transcribe_api_key);
    str("LIVE_TRANSCRIBE_MODEL", c.transcribe_model);
    num("LIVE_TRANSCRIBE_PIECE_SECONDS", c.transcribe_piece_seconds, 5, 1800);
    if (c.transcribe_url == "off") c.transcribe_url.clear();
    if (!c.transcribe_url.empty() && c.transcribe_url.rfind("https://", 0) != 0 &&
        c.transcribe_url.rfind("http://", 0) != 0)
        errors.push_back({"LIVE_TRANSCRIBE_URL", "must be an http(s) URL such as https://api.openai.com/v1"});
    if (c.transcribe_model.empty()) errors.push_back({"LIVE_TRANSCRIBE_MODEL", "must name a model, such as whisper-1"});
    str("LIVE_AI_URL", c.ai_url);
    str("LIVE_AI_API_KEY", c.ai_api_key);
    str("LIVE_AI_MODEL", c.ai_model);
    num("LIVE_AI_PART_CHARS", c.ai_part_chars, 2000, 2000000);
    if (c.ai_url == "off") c.ai_url.clear();
    if (!c.ai_url.empty() && c.ai_url.rfind("https://", 0) != 0 && c.ai_url.rfind("http://", 0) != 0)
        errors.push_back({"LIVE_AI_URL", "must be an http(s) URL such as https://api.openai.com/v1"});
    if (c.ai_model.empty()) errors.push_back({"LIVE_AI_MODEL", "must name a model, such as gpt-4o-mini"});
    str("LIVE_S3_BUCKET", c.s3_bucket);
    str("LIVE_S3_ENDPOINT", c.s3_endpoint);
    str("LIVE_S3_REGION", c.s3_region);
    str("LIVE_S3_ACCESS_KEY_ID", c.s3_access_key_id);
    str("LIVE_S3_SECRET_ACCESS_KEY", c.s3_secret_access_key);
    str("LIVE_S3_PREFIX", c.s3_prefix);
    if (getenv("LIVE_S3_PATH_STYLE") && *getenv("LIVE_S3_PATH_STYLE")) {
        bool path_style = true;
        flag("LIVE_S3_PATH_STYLE", path_style);
        c.s3_path_style = path_style ? 1 : 0;
    }
    num("LIVE_S3_LINK_SECONDS", c.s3_link_seconds, 1, 604800);
    num("LIVE_S3_PART_MB", c.s3_part_mb, 5, 512);
    num("LIVE_RATE_JOIN_PER_USER", c.rate_join_per_user, 0, 1000000000);
    num("LIVE_RATE_JOIN_PER_IP", c.rate_join_per_ip, 0, 1000000000);
    num("LIVE_RATE_LOGIN_PER_ACCOUNT", c.rate_login_per_account, 0, 1000000000);
    num("LIVE_RATE_LOGIN_FAILURES_PER_IP", c.rate_login_failures_per_ip, 0, 1000000000);
    str("LIVE_IP_HASH_KEY", c.ip_hash_key);
    if (!c.ip_hash_key.empty() && c.ip_hash_key.size() < 32)
        errors.push_back({"LIVE_IP_HASH_KEY", "must be at least 32 characters"});
    num("LIVE_RETENTION_PARTICIPANT_DAYS", c.retention_participant_days, 0, 36500);
    num("LIVE_RETENTION_WEBHOOK_DAYS", c.retention_webhook_days, 0, 36500);
    num("LIVE_RETENTION_AUDIT_DAYS", c.retention_audit_days, 0, 36500);
    str("LIVE_METRICS_TOKEN", c.metrics_token);
    str("LIVE_SMTP_URL", c.smtp_url);
    if (!c.smtp_url.empty() && c.smtp_url.rfind("smtp://", 0) != 0 && c.smtp_url.rfind("smtps://", 0) != 0)
        errors.push_back({"LIVE_SMTP_URL", "must start with smtp:// (STARTTLS per LIVE_SMTP_TLS) or smtps://"});
    str("LIVE_SMTP_USERNAME", c.smtp_username);
    str("LIVE_SMTP_PASSWORD", c.smtp_password);
    str("LIVE_SMTP_TLS", c.smtp_tls);
    if (c.smtp_tls != "none" && c.smtp_tls != "try" && c.smtp_tls != "required")
        errors.push_back({"LIVE_SMTP_TLS", "must be none, try or required"});
    str("LIVE_SMTP_CA_FILE", c.smtp_ca_file);
    str("LIVE_MAIL_FROM", c.mail_from);
    if (c.mail_from.find('@') == std::string::npos || c.mail_from.find_first_of("<>\r\n ") != std::string::npos)
        errors.push_back({"LIVE_MAIL_FROM", "must be a plain e-mail address such as liveclass@school.example"});
    str("LIVE_MAIL_FROM_NAME", c.mail_from_name);
    str("LIVE_VAPID_PRIVATE_KEY", c.vapid_private_key);
    str("LIVE_VAPID_SUBJECT", c.vapid_subject);
    if (!c.vapid_subject.empty() && c.vapid_subject.rfind("mailto:", 0) != 0 &&
        c.vapid_subject.rfind("https://", 0) != 0)
        errors.push_back({"LIVE_VAPID_SUBJECT", "must be a mailto: or https: URL (RFC 8292)"});
    flag("LIVE_PUSH_ALLOW_HTTP", c.push_allow_http);
    str("LIVE_DEFAULT_TIMEZONE", c.default_timezone);
    str("LIVE_ALERT_WEBHOOK_URL", c.alert_webhook_url);
    if (!c.alert_webhook_url.empty() && c.alert_webhook_url.rfind("https://", 0) != 0 &&
        c.alert_webhook_url.rfind("http://", 0) != 0)
        errors.push_back({"LIVE_ALERT_WEBHOOK_URL", "must be an http(s) URL such as https://hooks.slack.com/..."});
    str("JITSI_DOMAIN", c.jitsi_domain);
    str("JITSI_APP_ID", c.jitsi_app_id);
    str("JITSI_JWT_SECRET", c.jitsi_jwt_secret);
    if (!c.secret_key.empty() && c.secret_key.size() < 32)
        errors.push_back({"LIVE_SECRET_KEY", "must be at least 32 characters"});
    if (!errors.empty()) return Error::invalid("invalid configuration", std::move(errors));
    return c;
}

}  // namespace lc
