#pragma once
// Provider callbacks (seed 4.2): POST /api/v1/live-sessions/webhooks/{jitsi|bbb|zoom}/.
// receive() checks the provider's signature over the raw bytes, finds the school and the session,
// and stores the delivery in the webhook inbox (with a "process_webhooks" drain job when none is
// waiting) in one commit before answering 2xx; a delivery seen before is acknowledged again and changes nothing.
// Rejected deliveries (bad signature, stale, unknown room, malformed, too large) get a 4xx and are kept with the
// reason. run_job() applies the stored events (seed 3.6, 5.2, 6.1), idempotently and in any order.
#include <array>
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "infra/log.hpp"
#include "providers/provider.hpp"
#include "services/context.hpp"
#include "store/webhook_repo.hpp"

namespace lc::services {

struct WebhookDelivery {
    std::string provider;                        // the {provider} path segment
    std::string method;                          // GET (BigBlueButton's end-of-meeting callback) or POST
    std::string raw_query;                       // as received, without '?'
    std::map<std::string, std::string> query;    // decoded
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // raw bytes
};

struct WebhookAnswer {
    int status = 200;
    boost::json::object body;
};

class WebhookService {
public:
    static constexpr std::size_t kMaxBodyBytes = 256 * 1024;
    /// BigBlueButton's analytics callback describes a whole class in one post (every attendee with their
    /// joins, leaves and engagement, ~0.5-1.5 KiB each): the server lets this one route send more than
    /// its usual 1 MiB (Api::body_limit_for), enough for kMaxAnalyticsAttendees.
    static constexpr std::size_t kMaxAnalyticsBodyBytes = 8 * 1024 * 1024;
    /// Attendees one analytics callback may report (each becomes one activity event).
    static constexpr std::size_t kMaxAnalyticsAttendees = 5000;
    static constexpr int kToleranceSeconds = 300;  // signed timestamps older or newer than this are refused

    /// `log` (optional) receives what a school's admin must not read in the ops view: the internal
    /// cause of a rejected delivery, the exception that failed an event.
    WebhookService(ServiceContext& ctx, std::string public_url, const infra::Logger* log = nullptr)
        : ctx_(ctx),
          public_url_(std::move(public_url)),
          log_(log),
          homes_(ctx.clock, ctx.db.generation(), kCacheSeconds, 10000),
          configs_(ctx.clock, ctx.db.generation(), kCacheSeconds, 10000) {
        register_metrics();
    }

    Result<WebhookAnswer> receive(const WebhookDelivery& d);
    static constexpr const char* kDrainJob = "process_webhooks";
    static constexpr int kDrainBatch = 32;
    /// The "process_webhooks" job: applies every received inbox event, in batches, oldest first.
    Status run_job(const std::string& payload);

    /// bbb-webhooks drops a hook after repeated failed deliveries, and forgets hooks when it restarts:
    /// the "bbb_register_hooks" job registers ours again for every live BigBlueButton class (hooks/create
    /// is idempotent), then queues its next run in 5 minutes while any such class is live. Starting a
    /// BigBlueButton class queues it; so does the server's start-up while classes are live.
    Status register_hooks_job();
    /// Queues a run now unless one is waiting already and no BigBlueButton class is live (start-up).
    Status schedule_hook_registration();

private:
    /// Intake reads the same school settings and class for every delivery of a busy class: they are
    /// cached like the join path's (a write of this process clears them; other processes' after this).
    static constexpr int kCacheSeconds = 2;
    struct SessionHome {
        std::string tenant_id;
        std::string room_id;
        std::string provider;  // the provider the class runs on: only its events may name the class
    };
    /// One drain batch: the rows it read (a batch is mostly events of one class and a few users), and
    /// what it changed, for after its commit.
    struct DrainEffects {
        bool jobs = false;                               // jobs were queued: wake the workers
        bool sessions_changed = false;                   // a session row itself changed: cached reads must be refreshed
        std::set<std::string> touched;                   // sessions whose live participant count must be recounted
        std::map<std::string, std::string> recalculate;  // ended sessions (-> tenant) to summarise again
        /// The session (read for update once per batch; apply() changes it in place as it writes it).
        domain::LiveSession* session(soci::session& sql, const std::string& tenant, const std::string& id);
        std::optional<domain::User> user(soci::session& sql, const std::string& tenant, const std::string& id);
        /// After a rolled-back event: its changes to the rows read here never happened.
        void forget_rows() {
            sessions.clear();
            users.clear();
        }
        /// Provider join/leave pairing, its statements prepared once for the batch.
        store::ProviderParticipation& participation(soci::session& sql) {
            if (!participation_) participation_.emplace(sql);
            return *participation_;
        }

    private:
        std::optional<store::ProviderParticipation> participation_;
        std::map<std::string, std::optional<domain::LiveSession>> sessions;  // tenant|id
        std::map<std::string, std::optional<domain::User>> users;            // tenant|id
    };
    struct Accepted {
        std::string dedupe_key;
        std::vector<providers::NormalizedEvent> events;
        std::optional<WebhookAnswer> answer;  // answered without storing (Zoom's URL validation)
    };
    Result<Accepted> accept_jitsi(const WebhookDelivery& d, std::optional<std::string>& tenant);
    Result<Accepted> accept_bbb(const WebhookDelivery& d, std::optional<std::string>& tenant);
    /// BigBlueButton's analytics callback: one participant_activity event per attendee (see the .cpp).
    Status bbb_analytics_events(const WebhookDelivery& d, const domain::ProviderConfig& cfg, Accepted& a);
    Result<Accepted> accept_zoom(const WebhookDelivery& d, std::optional<std::string>& tenant);
    /// Keeps only events whose room is a session of `tenant` (filling session_id); NotFound if none is.
    Status resolve_sessions(const std::string& tenant, std::vector<providers::NormalizedEvent>& evs);
    /// The school and room of a session id (lower-case), if it exists; cached.
    std::optional<SessionHome> session_home(const std::string& session_id);
    /// A school's provider settings, secrets decrypted; cached.
    std::shared_ptr<const std::vector<domain::ProviderConfig>> provider_configs(const std::string& tenant_id);
    void reject(const WebhookDelivery& d, const std::optional<std::string>& tenant, const Error& why);
    /// Applies one event; returns "" when it changed something, else why not.
    std::string apply(soci::session& sql, const std::string& tenant, const boost::json::object& ev,
                      DrainEffects& effects);

    /// liveclass_webhook_processing_seconds{provider, outcome}: received -> applied, in whole seconds
    /// (the clock's resolution). Children are looked up once here: the drain observes without a lock.
    void register_metrics();
    void observe_latency(const std::string& provider, const char* outcome, UnixTime seconds);

    ServiceContext& ctx_;
    std::string public_url_;
    const infra::Logger* log_;
    std::array<infra::metrics::Histogram*, 9> latency_{};  // provider (jitsi, bbb, zoom) x outcome
    TtlCache<std::string, SessionHome> homes_;
    TtlCache<std::string, std::shared_ptr<const std::vector<domain::ProviderConfig>>> configs_;
};

}  // namespace lc::services
