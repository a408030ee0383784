#pragma once
// Wiring: builds every dependency once, in order, and owns them. No globals: main() and the
// integration tests create an App and pass it what they want (database URL, clock, logger).
#include <memory>

#include "core/config.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "infra/metered_http_client.hpp"
#include "jobs/worker.hpp"
#include "services/attendance_service.hpp"
#include "services/calendar_service.hpp"
#include "services/launch_links.hpp"
#include "services/lesson_notes_service.hpp"
#include "services/notification_service.hpp"
#include "services/ops_service.hpp"
#include "services/privacy_service.hpp"
#include "services/rate_limiter.hpp"
#include "services/recording_service.hpp"
#include "services/series_service.hpp"
#include "services/webhook_health.hpp"

namespace lc::app {

class App {
public:
    /// Opens the database (and migrates it when `migrate` is true) and wires the services.
    static Result<std::unique_ptr<App>> create(const Config& cfg, const Clock& clock, const infra::Logger& log,
                                               bool migrate);

    store::Database& db() { return *db_; }
    services::ServiceContext& context() { return *ctx_; }
    services::AuthService& auth() { return *auth_; }
    services::DirectoryService& directory() { return *directory_; }
    services::SessionService& sessions() { return *sessions_; }
    services::ConfigService& config_service() { return *config_; }
    services::AttendanceService& attendance() { return *attendance_; }
    services::WebhookService& webhooks() { return *webhooks_; }
    services::WebhookHealthService& webhook_health() { return *webhook_health_; }
    infra::metrics::Registry& metrics() { return metrics_; }
    http::Api& api() { return *api_; }
    jobs::JobRegistry& job_registry() { return registry_; }
    jobs::WorkerPool& workers() { return *workers_; }
    const Config& config() const { return cfg_; }
    services::RateLimiter& limiter() { return *limiter_; }
    services::PrivacyService& privacy() { return *privacy_; }
    services::LaunchLinks& launch_links() { return *launch_; }
    services::RecordingService& recordings() { return *recordings_; }
    services::NotificationService& notifications() { return *notifications_; }
    services::CalendarService& calendars() { return *calendars_; }
    services::SeriesService& series() { return *series_; }

    /// Listens and starts in-process job workers (cfg.job_workers); returns the bound port.
    unsigned short serve();
    /// Queues the periodic jobs (retention purge) and starts `threads` job workers in this process.
    void start_workers(int threads);
    void shutdown(int grace_seconds = 30);

    /// Seeds the demo school on an empty database; returns the login lines to print (empty if not seeded).
    Result<std::vector<std::string>> seed_demo();

    /// `liveclass admin s3-lifecycle` (seed 11.5): puts the bucket's lifecycle rules, after checking that
    /// no class policy keeps recordings longer than the bucket would (unless `force`). Returns the rules.
    Result<std::string> apply_s3_lifecycle(int archive_days, int expire_days, bool force);
    /// The file store in use (local disk or S3).
    infra::BlobStore& blobs() { return *blobs_; }

private:
    App(Config cfg, const Clock& clock, const infra::Logger& log) : cfg_(std::move(cfg)), clock_(clock), log_(log) {}
    Config cfg_;
    const Clock& clock_;
    const infra::Logger& log_;
    // Transport credentials checked by other parties against their own clocks (VAPID tokens) use the
    // wall clock even when the services run on an injected one.
    SystemClock wall_clock_;
    infra::metrics::Registry metrics_;  // before everything that records into it
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<SharedStore> shared_;  // rate limits and used launch links (memory or Redis)
    std::unique_ptr<services::RateLimiter> limiter_;
    std::unique_ptr<services::AuditService> audit_;
    std::unique_ptr<services::PrivacyService> privacy_;
    std::unique_ptr<services::LaunchLinks> launch_;
    std::unique_ptr<infra::HttpClient> http_client_;
    std::unique_ptr<infra::CircuitBreakerHttpClient> provider_http_;
    std::unique_ptr<infra::MeteredHttpClient> metered_http_;
    std::unique_ptr<infra::MeteredHttpClient> storage_http_;  // the S3 store's calls
    std::unique_ptr<providers::ProviderFactory> providers_;
    std::unique_ptr<store::JoinWriter> joins_;
    std::unique_ptr<store::GroupCommit> inbox_;
    std::unique_ptr<services::ServiceContext> ctx_;
    std::unique_ptr<services::AuthService> auth_;
    std::unique_ptr<services::DirectoryService> directory_;
    std::unique_ptr<services::SessionService> sessions_;
    std::unique_ptr<infra::BlobStore> blobs_;
    std::unique_ptr<services::RecordingStorageService> recording_storage_;
    std::unique_ptr<services::RecordingService> recordings_;
    std::unique_ptr<services::ArtifactService> artifacts_;
    std::unique_ptr<services::BoardService> boards_;
    std::unique_ptr<services::TranscriptService> transcripts_;
    std::unique_ptr<services::LessonNotesService> lesson_notes_;
    std::unique_ptr<services::ConfigService> config_;
    std::unique_ptr<services::AttendanceService> attendance_;
    std::unique_ptr<services::WebhookService> webhooks_;
    std::unique_ptr<services::ProviderHealthService> provider_health_;
    std::unique_ptr<services::OpsService> ops_;
    std::unique_ptr<services::WebhookHealthService> webhook_health_;
    std::unique_ptr<infra::Mailer> mailer_;  // null without LIVE_SMTP_URL
    std::unique_ptr<infra::PushSender> push_sender_;
    std::unique_ptr<services::CalendarService> calendars_;
    std::unique_ptr<services::NotificationService> notifications_;
    std::unique_ptr<services::SeriesService> series_;
    std::unique_ptr<http::Api> api_;
    jobs::JobRegistry registry_;
    std::unique_ptr<jobs::WorkerPool> workers_;
    std::unique_ptr<http::Server> server_;
};

/// LIVE_SECRET_KEY, or for an SQLite database without one, a key kept in "<db file>.key"
/// (created once, mode 0600) so `make run` works with no configuration. PostgreSQL requires the variable.
Result<std::string> resolve_secret_key(const Config& cfg);

}  // namespace lc::app
