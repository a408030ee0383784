#pragma once
// Seed 10.5: the "check_webhook_health" job. Every minute it counts the webhook deliveries of the
// last window (every school): when at least `min_events` arrived and more than `threshold` of them
// failed (rejected at intake: bad signature, unknown room, malformed; or failed when applied), it
// opens an incident and posts an alert to a Slack-style incoming webhook ({"text": ...}). The open
// incident is a database row (one open per kind, enforced by a unique index), so several workers and
// restarts alert once per incident; a failed post is retried by the next round. When the rate is back
// under the threshold (or the window is too quiet to tell), the incident is closed and a "resolved"
// message goes out (once, best effort).
#include <string>

#include "infra/http_client.hpp"
#include "services/context.hpp"
#include "store/ops_repo.hpp"

namespace lc::services {

struct AlertOptions {
    std::string webhook_url;  // LIVE_ALERT_WEBHOOK_URL; empty: incidents are recorded, nothing is posted
                              // (the App does not schedule the job then)
    int window_seconds = 600;
    long long min_events = 20;
    double threshold = 0.10;  // alert when failures / total > threshold
    int every_seconds = 60;
};

struct WebhookHealthReport {
    store::WebhookCounts counts;
    double failure_rate = 0;  // 0 when nothing arrived
    bool unhealthy = false;
    bool incident_open = false;  // after this round
    bool alert_sent = false;     // this round posted the alert
    bool resolved_sent = false;  // this round posted the "resolved" message
    std::string send_error;      // why a post failed (retried next round for the alert)
};

class WebhookHealthService {
public:
    static constexpr const char* kJob = "check_webhook_health";
    static constexpr const char* kIncidentKind = "webhook_failure_rate";

    WebhookHealthService(ServiceContext& ctx, const infra::HttpClient& http, AlertOptions options)
        : ctx_(ctx), http_(http), opt_(std::move(options)) {}

    /// One round: count, open or close the incident, post what is due.
    Result<WebhookHealthReport> check();
    /// The job: queues the next round (in every_seconds) first, then runs check(). A round that fails
    /// is an error for the caller to log; the next round is queued regardless.
    Result<WebhookHealthReport> run_job();
    /// Queues a round now unless one is queued (server start-up).
    Status schedule();

private:
    Status post(const std::string& text) const;
    ServiceContext& ctx_;
    const infra::HttpClient& http_;
    AlertOptions opt_;
};

}  // namespace lc::services
