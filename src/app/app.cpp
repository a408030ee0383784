#include "app/app.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "infra/redis_store.hpp"
#include "infra/s3_blob_store.hpp"
#include "infra/timezone.hpp"
#include "services/notices.hpp"
#include "store/migrations.hpp"
#include "store/recording_repo.hpp"

namespace lc::app {

namespace json = boost::json;

namespace {
/// "lms.school.edu" from LIVE_PUBLIC_URL (empty when unset or unreadable).
std::string host_of(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return {};
    std::string h(u->encoded_host());
    for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return h;
}
}  // namespace

Result<std::string> resolve_secret_key(const Config& cfg) {
    if (!cfg.secret_key.empty()) return cfg.secret_key;
    if (cfg.database_url.rfind("sqlite:", 0) != 0)
        return Error::invalid(
            "LIVE_SECRET_KEY is required with PostgreSQL (at least 32 characters; "
            "e.g. `openssl rand -hex 32`)");
    std::string path = cfg.database_url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    path += ".key";
    std::ifstream in(path);
    std::string key;
    if (in && std::getline(in, key) && key.size() >= 32) return key;
    key = infra::random_hex(32);
    {
        std::ofstream out(path, std::ios::trunc);
        if (!out) return Error::unavailable("cannot write the generated secret key file " + path);
        out << key << "\n";
    }
    ::chmod(path.c_str(), 0600);
    return key;
}

Result<std::unique_ptr<App>> App::create(const Config& cfg, const Clock& clock, const infra::Logger& log,
                                         bool migrate) {
    auto key = resolve_secret_key(cfg);
    if (!key) return key.take_error();
    std::unique_ptr<App> a(new App(cfg, clock, log));
    // Every handler thread, job worker, the join writer and its checkpointer may hold a connection at once.
    int pool = std::max(cfg.db_pool_size, cfg.handler_threads + cfg.job_workers + 3);
    auto db = store::Database::open(cfg.database_url, static_cast<std::size_t>(pool), cfg.sqlite_busy_timeout_ms);
    if (!db) return db.take_error();
    a->db_ = std::move(db.value());
    if (migrate) {
        auto m = store::migrate(*a->db_);
        if (!m) return m.take_error();
        for (const auto& name : m.value()) log.info("migration applied", {{"name", name}});
    }
    // Rate limits and used launch links: in this process, or in Redis so every process agrees.
    if (cfg.redis_url.empty()) {
        a->shared_ = std::make_unique<MemorySharedStore>(clock);
        if (cfg.join_single_use && cfg.database_url.rfind("postgresql", 0) == 0)
            log.warn(
                "LIVE_JOIN_SINGLE_USE without LIVE_REDIS_URL: each server process remembers used links "
                "on its own, so with several processes a link can open once in each; set LIVE_REDIS_URL");
    } else {
        auto addr = infra::parse_redis_url(cfg.redis_url);
        if (!addr) return addr.take_error();
        auto redis = std::make_unique<infra::RedisSharedStore>(addr.value());
        if (auto st = redis->ping(); !st)
            return Error::unavailable("cannot reach Redis at LIVE_REDIS_URL: " + st.error().internal);
        a->shared_ = std::move(redis);
    }
    auto proxies = http::TrustedProxies::parse(cfg.trusted_proxies);
    if (!proxies) return proxies.take_error();
    services::RateLimits limits;
    limits.join_per_user.limit = cfg.rate_join_per_user;
    limits.join_per_ip.limit = cfg.rate_join_per_ip;
    limits.login_per_account.limit = cfg.rate_login_per_account;
    limits.login_failures_per_ip.limit = cfg.rate_login_failures_per_ip;
    a->limiter_ = std::make_unique<services::RateLimiter>(*a->shared_, clock, log, limits,
                                                          infra::derive_key(*key, "rate-limit-subjects"));
    a->http_client_ = std::make_unique<infra::CurlHttpClient>();
    // Every provider call goes through one circuit breaker per destination (seed 12.4).
    a->provider_http_ = std::make_unique<infra::CircuitBreakerHttpClient>(
        *a->http_client_, clock,
        infra::CircuitBreakerHttpClient::Options{cfg.provider_breaker_failures, cfg.provider_breaker_open_seconds});
    a->metered_http_ = std::make_unique<infra::MeteredHttpClient>(*a->provider_http_, a->metrics_);
    // Made even without a bucket, so /metrics always names the storage families (with no samples
    // until a bucket is used) and the dashboard's queries refer to families that exist.
    a->storage_http_ =
        std::make_unique<infra::MeteredHttpClient>(*a->http_client_, a->metrics_, infra::MeteredHttpClient::kStorage);
    a->providers_ = std::make_unique<providers::ProviderFactory>(
        providers::EnvJitsiDefaults{cfg.jitsi_domain, cfg.jitsi_app_id, cfg.jitsi_jwt_secret, cfg.join_token_ttl},
        clock, *a->metered_http_, cfg.public_url, providers::ZoomEndpoints{cfg.zoom_api_url, cfg.zoom_oauth_url});
    a->joins_ = std::make_unique<store::JoinWriter>(*a->db_);
    a->inbox_ = std::make_unique<store::GroupCommit>(*a->db_);
    a->ctx_ = std::make_unique<services::ServiceContext>(services::ServiceContext{
        *a->db_, clock, services::Keys::derive(*key), *a->providers_, *a->joins_, cfg.access_token_ttl});
    a->ctx_->inbox = a->inbox_.get();
    // A key of its own for address hashes (seed 9.4): rotating it unlinks old hashes from new ones
    // without touching sign-in or stored secrets.
    if (!cfg.ip_hash_key.empty()) a->ctx_->keys.ip_salt = infra::derive_key(cfg.ip_hash_key, "ip-hash");
    a->ctx_->metrics = &a->metrics_;
    if (cfg.cheap_password_hashes_for_tests) a->ctx_->password_cost = infra::PasswordCost::minimum();
    a->auth_ = std::make_unique<services::AuthService>(*a->ctx_, a->limiter_.get());
    a->directory_ = std::make_unique<services::DirectoryService>(*a->ctx_, host_of(cfg.public_url));
    a->launch_ = std::make_unique<services::LaunchLinks>(
        a->ctx_->keys.launch, clock, *a->shared_,
        services::LaunchOptions{cfg.join_token_ttl, cfg.join_single_use, cfg.public_url});
    a->sessions_ = std::make_unique<services::SessionService>(*a->ctx_, *a->launch_, a->limiter_.get());
    // Seed 5.3: recordings are copied to an S3 bucket when LIVE_S3_BUCKET is set, else to local disk
    // unless LIVE_STORAGE_DIR is "off".
    const bool keep_copies = !cfg.s3_bucket.empty() || cfg.storage_dir != "off";
    if (cfg.s3_bucket.empty() &&
        (!cfg.s3_endpoint.empty() || !cfg.s3_access_key_id.empty() || !cfg.s3_secret_access_key.empty()))
        return Error::invalid(
            "LIVE_S3_ENDPOINT or the LIVE_S3 keys are set but LIVE_S3_BUCKET is empty: set the "
            "bucket to keep recordings in S3, or unset them to keep them on local disk");
    if (cfg.s3_bucket.empty()) {
        a->blobs_ = std::make_unique<infra::LocalBlobStore>(cfg.storage_dir);
    } else {
        infra::S3Options s3;
        s3.bucket = cfg.s3_bucket;
        s3.endpoint = cfg.s3_endpoint;
        s3.region = cfg.s3_region;
        s3.access_key_id = cfg.s3_access_key_id;
        s3.secret_access_key = cfg.s3_secret_access_key;
        s3.prefix = cfg.s3_prefix;
        s3.path_style = cfg.s3_path_style < 0 ? !cfg.s3_endpoint.empty() : cfg.s3_path_style == 1;
        s3.link_seconds = cfg.s3_link_seconds;
        s3.part_bytes = static_cast<long long>(cfg.s3_part_mb) << 20;
        s3.scratch_dir = cfg.storage_dir + "/.scratch";
        if (cfg.storage_dir == "off") {
            // A private directory of this process (0700): a shared, predictable name in /tmp could be
            // planted by another user of the machine.
            std::string dir = (std::filesystem::temp_directory_path() / "liveclass-scratch-XXXXXX").string();
            if (!::mkdtemp(dir.data()))
                return Error::unavailable("cannot make a scratch directory for recordings", dir);
            s3.scratch_dir = dir;
        }
        if (auto st = infra::validate_s3_options(s3); !st) return st.take_error();
        // Not through the providers' circuit breaker and metrics: the bucket is ours, and a part upload
        // must not be cut short because a conferencing provider is failing on another address. Its
        // calls have metrics of their own (liveclass_storage_*).
        auto store = std::make_unique<infra::S3BlobStore>(s3, *a->storage_http_, clock);
        log.info("recordings are kept in S3", {{"bucket", store->describe()}});
        a->blobs_ = std::move(store);
    }
    a->recording_storage_ = std::make_unique<services::RecordingStorageService>(
        *a->ctx_, *a->blobs_,
        services::RecordingStorageOptions{keep_copies, static_cast<long long>(cfg.recording_max_mb) << 20,
                                          cfg.storage_allow_private_sources, cfg.ffmpeg, !cfg.transcribe_url.empty()});
    a->recordings_ = std::make_unique<services::RecordingService>(
        *a->ctx_, *a->sessions_, *a->recording_storage_, a->ctx_->keys.recording,
        services::RecordingLinkOptions{cfg.recording_link_ttl, cfg.public_url});
    a->artifacts_ = std::make_unique<services::ArtifactService>(
        *a->ctx_, *a->sessions_, *a->blobs_, a->ctx_->keys.artifact,
        services::ArtifactOptions{cfg.recording_link_ttl, cfg.public_url, cfg.storage_allow_private_sources,
                                  cfg.rsvg_convert});
    a->boards_ = std::make_unique<services::BoardService>(*a->ctx_, *a->sessions_, *a->blobs_, cfg.rsvg_convert);
    // Seed 13.1: through the provider metrics (provider="speech_to_text") and a circuit breaker of its own
    // destination, like any service we call that is not ours.
    a->transcripts_ = std::make_unique<services::TranscriptService>(
        *a->ctx_, *a->recordings_, *a->recording_storage_, *a->metered_http_,
        services::TranscriptOptions{
            infra::SpeechToText{cfg.transcribe_url, cfg.transcribe_api_key, cfg.transcribe_model,
                                // a slow self-hosted server may take as long as the piece plays
                                std::chrono::seconds(std::max(600, 2 * cfg.transcribe_piece_seconds))},
            cfg.ffmpeg, cfg.transcribe_piece_seconds, !cfg.ai_url.empty()});
    // Seeds 13.2, 13.3: the AI service's calls go through the provider metrics (provider="ai") and a circuit
    // breaker of their own destination too.
    a->lesson_notes_ = std::make_unique<services::LessonNotesService>(
        *a->ctx_, *a->recordings_, *a->metered_http_,
        services::LessonNotesOptions{infra::LanguageModel{cfg.ai_url, cfg.ai_api_key, cfg.ai_model},
                                     static_cast<std::size_t>(cfg.ai_part_chars)});
    a->config_ = std::make_unique<services::ConfigService>(*a->ctx_);
    a->attendance_ = std::make_unique<services::AttendanceService>(*a->ctx_, *a->sessions_, cfg.heartbeat_seconds);
    a->webhooks_ = std::make_unique<services::WebhookService>(*a->ctx_, cfg.public_url, &log);
    a->provider_health_ = std::make_unique<services::ProviderHealthService>(*a->ctx_);
    a->audit_ = std::make_unique<services::AuditService>(*a->ctx_);
    a->privacy_ = std::make_unique<services::PrivacyService>(
        *a->ctx_,
        store::RetentionDays{cfg.retention_participant_days, cfg.retention_webhook_days, cfg.retention_audit_days});
    a->ops_ = std::make_unique<services::OpsService>(*a->ctx_, *a->provider_health_);
    a->webhook_health_ = std::make_unique<services::WebhookHealthService>(
        *a->ctx_, *a->http_client_, services::AlertOptions{cfg.alert_webhook_url});
    // Notifications (issue 6): e-mail when a mail server is configured, Web Push always (its VAPID
    // key is derived from the secret key unless one is given, so an install needs no extra setting).
    if (!infra::to_local_time(0, cfg.default_timezone))
        return Error::invalid("LIVE_DEFAULT_TIMEZONE: unknown time zone \"" + cfg.default_timezone +
                              "\"; use an IANA name such as Europe/Istanbul");
    if (!cfg.smtp_url.empty()) {
        infra::SmtpSettings smtp;
        smtp.url = cfg.smtp_url;
        smtp.username = cfg.smtp_username;
        smtp.password = cfg.smtp_password;
        auto tls = infra::parse_smtp_tls(cfg.smtp_tls);
        if (!tls) return tls.take_error();
        smtp.tls = tls.value();
        smtp.ca_file = cfg.smtp_ca_file;
        a->mailer_ = std::make_unique<infra::CurlSmtpMailer>(smtp);
    }
    std::optional<infra::VapidKeys> vapid;
    if (cfg.vapid_private_key.empty()) {
        vapid = infra::VapidKeys::derive(*key);
    } else {
        auto k = infra::VapidKeys::from_private_key(cfg.vapid_private_key);
        if (!k) return Error::invalid("LIVE_VAPID_PRIVATE_KEY: " + k.error().message);
        vapid = k.value();
    }
    const std::string vapid_public = vapid->public_key();
    a->push_sender_ = std::make_unique<infra::WebPushSender>(
        *a->http_client_, std::move(*vapid), cfg.vapid_subject.empty() ? "mailto:" + cfg.mail_from : cfg.vapid_subject,
        a->wall_clock_, /*public_only=*/!cfg.push_allow_http);
    const std::string base_url =
        cfg.public_url.empty() ? "http://" + cfg.http_host + ":" + std::to_string(cfg.http_port) : cfg.public_url;
    a->calendars_ = std::make_unique<services::CalendarService>(
        *a->ctx_, *a->sessions_,
        services::CalendarServiceOptions{.public_url = base_url, .organizer_email = cfg.mail_from});
    a->series_ =
        std::make_unique<services::SeriesService>(*a->ctx_, *a->sessions_, *a->calendars_, cfg.default_timezone);
    services::NotificationOptions notify;
    notify.public_url = base_url;
    notify.default_timezone = cfg.default_timezone;
    notify.mail_from_address = cfg.mail_from;
    notify.mail_from_name = cfg.mail_from_name;
    notify.push_allow_http = cfg.push_allow_http;
    a->notifications_ = std::make_unique<services::NotificationService>(
        *a->ctx_, a->mailer_.get(), a->push_sender_.get(), vapid_public, infra::derive_key(*key, "notification-links"),
        notify,
        [self = a.get()](const domain::LiveSession& s, const std::string& course_title, const std::string& series_id) {
            return series_id.empty() ? self->calendars_->notice_calendar(s, course_title)
                                     : self->series_->notice_calendar(s.tenant_id, series_id);
        });
    std::string web_error;
    auto web = http::StaticSite::load(cfg.web_root, web_error);
    if (!web_error.empty())
        log.warn("web front end not served", {{"error", web_error}});
    else
        log.info("web front end", {{"root", cfg.web_root}, {"files", static_cast<std::int64_t>(web->size())}});
    std::vector<std::string> media_origins;  // the bucket captioned videos play from (S3 copies)
    if (a->blobs_ && !a->blobs_->link_origin().empty()) media_origins.push_back(a->blobs_->link_origin());
    a->api_ = std::make_unique<http::Api>(http::Services{*a->auth_,
                                                         *a->directory_,
                                                         *a->sessions_,
                                                         *a->config_,
                                                         *a->webhooks_,
                                                         *a->provider_health_,
                                                         *a->attendance_,
                                                         *a->db_,
                                                         *a->limiter_,
                                                         *a->audit_,
                                                         *a->privacy_,
                                                         a->ops_.get(),
                                                         a->notifications_.get(),
                                                         a->calendars_.get(),
                                                         a->series_.get(),
                                                         a->recordings_.get(),
                                                         a->artifacts_.get(),
                                                         a->boards_.get(),
                                                         a->transcripts_.get(),
                                                         a->lesson_notes_.get()},
                                          log,
                                          http::ApiOptions{.proxies = std::move(proxies.value()),
                                                           .public_https = cfg.public_url.rfind("https://", 0) == 0,
                                                           .metrics = &a->metrics_,
                                                           .metrics_token = cfg.metrics_token,
                                                           .web = web->has_index() ? std::move(web) : nullptr,
                                                           .sse_poll_ms = cfg.sse_poll_ms,
                                                           .sse_max_streams = cfg.sse_max_streams,
                                                           .max_file_streams = cfg.max_file_streams,
                                                           .media_origins = media_origins});

    // Job types (the seed's Celery tasks keep their names).
    App* self = a.get();
    a->registry_.add("calculate_attendance",
                     [self](const store::Job& job) { return self->attendance_->run_job(job.tenant_id, job.payload); });
    a->registry_.add(services::WebhookService::kDrainJob,
                     [self](const store::Job& job) { return self->webhooks_->run_job(job.payload); });
    a->registry_.add(providers::kBbbHookJob, [self](const store::Job&) -> Status {
        // A periodic job: a failed round is logged, never retried (the next round is queued already).
        if (auto st = self->webhooks_->register_hooks_job(); !st)
            self->log_.warn("BigBlueButton hook registration",
                            {{"error", st.error().message + ": " + st.error().internal}});
        return ok_status();
    });
    a->registry_.add(services::PrivacyService::kPurgeJob, [self](const store::Job&) -> Status {
        // Periodic: the next round is queued first; a failed round is logged, never retried.
        auto n = self->privacy_->purge();
        if (!n)
            self->log_.warn("retention purge", {{"error", n.error().message + ": " + n.error().internal}});
        else
            self->log_.info("retention purge", {{"participations_anonymised", n->participations},
                                                {"webhook_events_deleted", n->webhook_events},
                                                {"notification_records_deleted", n->notifications},
                                                {"audit_rows_deleted", n->audit_rows}});
        return ok_status();
    });
    a->registry_.add(services::AttendanceService::kSweepJob, [self](const store::Job&) -> Status {
        // Periodic like the hook job: a failed round is logged; the next one is queued while classes run.
        if (auto closed = self->attendance_->sweep_stale(); !closed)
            self->log_.warn("closing participations with stopped heartbeats",
                            {{"error", closed.error().message + ": " + closed.error().internal}});
        return ok_status();
    });
    a->registry_.add(services::WebhookHealthService::kJob, [self](const store::Job&) -> Status {
        // Periodic: a failed round is logged; the next one is queued already.
        auto r = self->webhook_health_->run_job();
        if (!r)
            self->log_.warn("webhook health check", {{"error", r.error().message + ": " + r.error().internal}});
        else if (!r->send_error.empty())
            self->log_.warn("webhook failure alert not delivered", {{"error", r->send_error}});
        return ok_status();
    });
    // Reminders (seed 8.1): each kind is a periodic round every minute; a failed round is logged and
    // the next one is queued already.
    for (domain::NoticeKind kind : domain::kReminders)
        a->registry_.add(services::NotificationService::reminder_job(kind), [self, kind](const store::Job&) -> Status {
            auto n = self->notifications_->run_reminders(kind);
            if (!n)
                self->log_.warn("reminder round", {{"kind", domain::to_string(kind)},
                                                   {"error", n.error().message + ": " + n.error().internal}});
            return ok_status();
        });
    for (const char* type : {services::kNotifyStartedJob, services::kNotifyCancelledJob, services::kNotifyRecordingJob,
                             services::kNotifyScheduledJob})
        a->registry_.add(type,
                         [self](const store::Job& job) { return self->notifications_->run_notice_job(job.payload); });
    a->registry_.add(services::NotificationService::kDeliverJob,
                     [self](const store::Job& job) { return self->notifications_->deliver(job); });
    a->registry_.add(services::ArtifactService::kChatExportJob,
                     [self](const store::Job& job) { return self->artifacts_->run_chat_export_job(job); });
    a->registry_.add(services::ArtifactService::kWhiteboardExportJob,
                     [self](const store::Job& job) { return self->artifacts_->run_whiteboard_export_job(job); });
    a->registry_.add(services::BoardService::kExportJob,
                     [self](const store::Job& job) { return self->boards_->run_export_job(job); });
    a->registry_.add(services::RecordingService::kProcessJob,
                     [self](const store::Job& job) { return self->recordings_->run_process_job(job); });
    a->registry_.add(services::RecordingStorageService::kDeleteCopiesJob,
                     [self](const store::Job& job) { return self->recording_storage_->run_delete_copies_job(job); });
    a->registry_.add(services::RecordingStorageService::kCopyJob,
                     [self](const store::Job& job) { return self->recording_storage_->run_copy_job(job); });
    a->registry_.add(services::RecordingStorageService::kThumbnailJob,
                     [self](const store::Job& job) { return self->recording_storage_->run_thumbnail_job(job); });
    a->registry_.add(services::TranscriptService::kJob,
                     [self](const store::Job& job) { return self->transcripts_->run_job(job); });
    a->registry_.add(services::TranscriptService::kImportJob,
                     [self](const store::Job& job) { return self->transcripts_->run_import_job(job); });
    a->registry_.add(services::LessonNotesService::kJob,
                     [self](const store::Job& job) { return self->lesson_notes_->run_job(job); });
    a->registry_.add(services::RecordingService::kCleanupJob, [self](const store::Job&) -> Status {
        // Periodic: the next round is queued first; a failed round is logged, never retried.
        auto n = self->recordings_->cleanup_expired();
        if (!n)
            self->log_.warn("recording retention cleanup", {{"error", n.error().message + ": " + n.error().internal}});
        else if (*n > 0)
            self->log_.info("recording retention cleanup", {{"recordings_deleted", *n}});
        return ok_status();
    });
    for (const char* type : {"provider_sync_room", "provider_delete_room"})
        a->registry_.add(
            type, [self, type](const store::Job& job) { return self->sessions_->run_room_job(type, job.payload); });
    a->workers_ = std::make_unique<jobs::WorkerPool>(*a->db_, clock, a->registry_, log, "worker", cfg.job_lease_seconds,
                                                     &a->metrics_);
    a->metrics_.add_collector([self] { return self->ops_->collect(self->registry_.types()); });
    a->ctx_->jobs_enqueued = [self] { self->workers_->notify(); };
    return a;
}

void App::start_workers(int threads) {
    // Daily housekeeping belongs to whichever process runs jobs (serve's own workers or `liveclass worker`).
    if (auto st = privacy_->schedule_purge(); !st)
        log_.warn("could not schedule the retention purge", {{"error", st.error().internal}});
    if (auto st = recordings_->schedule_cleanup(); !st)
        log_.warn("could not schedule the recording retention cleanup", {{"error", st.error().internal}});
    if (auto st = notifications_->schedule_reminders(); !st)
        log_.warn("could not schedule the reminder rounds", {{"error", st.error().internal}});
    workers_->start(threads);
}

unsigned short App::serve() {
    http::ServerOptions so;
    so.host = cfg_.http_host;
    so.port = static_cast<unsigned short>(cfg_.http_port);
    so.io_threads = cfg_.http_threads;
    so.handler_threads = cfg_.handler_threads;
    so.body_limit_for = [api = api_.get()](std::string_view target) { return api->body_limit_for(target); };
    so.largest_body_limit = http::Api::kLargestBodyLimit;
    server_ = std::make_unique<http::Server>(
        so,
        [this](std::shared_ptr<const http::Request> r, const http::ConnInfo& c, const http::Offload& offload,
               http::Respond respond, http::RespondStream respond_stream) {
            api_->handle_async(std::move(r), c, offload, std::move(respond), std::move(respond_stream));
        },
        log_);
    unsigned short port = server_->start();
    if (auto st = webhooks_->schedule_hook_registration(); !st)
        log_.warn("could not schedule BigBlueButton hook registration", {{"error", st.error().internal}});
    if (auto st = attendance_->schedule_sweep(); !st)
        log_.warn("could not schedule the heartbeat sweep", {{"error", st.error().internal}});
    // Alerting is on when there is somewhere to send alerts (a round re-queues the next one itself).
    if (!cfg_.alert_webhook_url.empty())
        if (auto st = webhook_health_->schedule(); !st)
            log_.warn("could not schedule the webhook health check", {{"error", st.error().internal}});
    if (cfg_.job_workers > 0) start_workers(cfg_.job_workers);
    return port;
}

void App::shutdown(int grace_seconds) {
    if (server_) server_->stop(grace_seconds);
    joins_->stop();  // drain queued joins while the API objects their answers go through still exist
    inbox_->stop();
    workers_->stop();
}

Result<std::string> App::apply_s3_lifecycle(int archive_days, int expire_days, bool force) {
    auto* s3 = dynamic_cast<infra::S3BlobStore*>(blobs_.get());
    if (!s3) return Error::invalid("recordings are kept on local disk: set LIVE_S3_BUCKET (and its keys) first");
    if (expire_days < 1 || expire_days > 36500 || archive_days < 0 || archive_days >= expire_days)
        return Error::invalid("--expire-days must be 1-36500 and --archive-days below it (0: never archive)");
    if (!force) {
        store::Conn c(*db_);
        const auto needs = store::recording_retention_needs(c.sql(), clock_.now() + expire_days * 86400LL);
        const std::string days = std::to_string(expire_days);
        if (needs.keeps_forever)
            return Error::invalid(
                "a class policy keeps recordings for ever (recording_retention_days 0), but the "
                "bucket would delete them after " +
                days + " days: use --force to delete them then anyway");
        if (needs.longest_days >= expire_days)
            return Error::invalid("a class policy keeps recordings for " + std::to_string(needs.longest_days) +
                                  " days, but the bucket would delete them after " + days + ": use --expire-days " +
                                  std::to_string(needs.longest_days + 1) + " or more, or --force to delete them at " +
                                  days + " anyway");
        if (needs.stored_past > 0)
            return Error::invalid(std::to_string(needs.stored_past) +
                                  " stored recordings have no expiry or expire later than " + days +
                                  " days from now: use a larger --expire-days, or --force");
    }
    auto xml = s3->merge_lifecycle(infra::s3_lifecycle_xml(cfg_.s3_prefix, archive_days, expire_days));
    if (!xml) return xml.take_error();
    return xml;
}

Result<std::vector<std::string>> App::seed_demo() {
    return services::guarded([&]() -> Result<std::vector<std::string>> {
        {
            store::Conn c(*db_);
            if (store::count_tenants(c.sql()) > 0) return std::vector<std::string>{};
        }
        const std::string password = "demo1234";
        auto tenant = directory_->create_tenant({"demo", "Demo Okulu", {"localhost", "127.0.0.1"}, ""});
        if (!tenant) return tenant.take_error();
        struct Person {
            const char* email;
            const char* name;
            domain::UserRole role;
        };
        const Person people[] = {{"admin@demo.test", "Ayşe Yönetici", domain::UserRole::kAdmin},
                                 {"instructor@demo.test", "Mehmet Öğretmen", domain::UserRole::kInstructor},
                                 {"student1@demo.test", "Ali Öğrenci", domain::UserRole::kStudent},
                                 {"student2@demo.test", "Zeynep Öğrenci", domain::UserRole::kStudent},
                                 {"student3@demo.test", "Can Öğrenci", domain::UserRole::kStudent}};
        std::vector<domain::User> users;
        for (const auto& p : people) {
            services::NewUser nu;
            nu.email = p.email;
            nu.password = password;
            nu.full_name = p.name;
            nu.role = p.role;
            auto u = directory_->create_user_in("demo", nu);
            if (!u) return u.take_error();
            users.push_back(u.value());
        }
        services::Principal admin{users[0], tenant.value()};
        // The demo uses the operator's JITSI_* settings when given, else the public meet.jit.si
        // (which ignores our token but opens the room, so the demo works without a Jitsi server).
        services::ProviderConfigInput jitsi;
        jitsi.provider = domain::ProviderKind::kJitsi;
        jitsi.is_default = true;
        jitsi.jitsi_domain = cfg_.jitsi_domain.empty() ? "meet.jit.si" : cfg_.jitsi_domain;
        jitsi.jitsi_app_id = cfg_.jitsi_app_id.empty() ? "liveclass-demo" : cfg_.jitsi_app_id;
        jitsi.jitsi_jwt_secret = cfg_.jitsi_jwt_secret.empty() ? infra::random_hex(32) : cfg_.jitsi_jwt_secret;
        if (auto r = config_->put_live_config(admin, tenant->id, jitsi); !r) return r.take_error();
        auto course = directory_->create_course(admin, {"Matematik 101", "Demo dersi", {users[1].id}});
        if (!course) return course.take_error();
        for (std::size_t i = 2; i < users.size(); ++i)
            if (auto r = directory_->enroll(admin, course->id, users[i].id); !r) return r.take_error();
        services::Principal instructor{users[1], tenant.value()};
        services::SessionInput s;
        s.course_id = course->id;
        s.title = "Türev ve İntegral — Canlı Ders";
        s.description = "Demo canlı dersi";
        UnixTime start = (clock_.now() / 3600 + 24) * 3600;  // tomorrow, on the hour
        s.scheduled_start = start;
        s.scheduled_end = start + 3600;
        auto session = sessions_->create(instructor, s, {});
        if (!session) return session.take_error();
        std::vector<std::string> lines = {"Demo school 'demo' created. Logins (password: " + password + "):"};
        for (const auto& p : people) lines.push_back(std::string("  ") + domain::to_string(p.role) + ": " + p.email);
        lines.push_back("  course: Matematik 101, session '" + session->session.title + "' at " +
                        format_iso8601(start));
        return lines;
    });
}

}  // namespace lc::app
