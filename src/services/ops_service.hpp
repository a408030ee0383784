#pragma once
// Seed 10.1 and 10.4: what operators look at. The scrape-time gauges of /metrics (every school's
// totals, read from the database), and a school admin's live ops view: the school's live classes with
// their participant counts, the status of the conferencing services the school uses, its last 100
// webhook events and its latest errors (failed jobs, failed or rejected webhook deliveries).
#include <string>
#include <vector>

#include "infra/metrics.hpp"
#include "services/context.hpp"
#include "services/provider_health.hpp"
#include "store/ops_repo.hpp"

namespace lc::services {

struct OpsView {
    UnixTime generated_at = 0;
    std::vector<store::LiveSessionOps> sessions;
    std::vector<ProviderHealth> providers;
    std::string providers_error;                       // set when the provider checks could not run at all
    std::vector<store::WebhookEvent> webhook_events;   // newest first, at most kRecentEvents
    std::vector<store::Job> failed_jobs;               // newest first, at most kRecentErrors
    std::vector<store::WebhookEvent> failed_webhooks;  // failed or rejected, newest first, at most kRecentErrors
};

class OpsService {
public:
    static constexpr int kRecentEvents = 100;
    static constexpr int kRecentErrors = 20;
    static constexpr int kMaxSessions = 500;

    OpsService(ServiceContext& ctx, ProviderHealthService& health) : ctx_(ctx), health_(health) {}

    /// The caller's school only; PermissionDenied for anyone but a school admin.
    Result<OpsView> live_view(const Principal& p);

    /// Gauges read at scrape time: liveclass_concurrent_sessions, liveclass_active_participants,
    /// liveclass_job_queue_depth{type} (every type in `job_types` appears, 0 when none is queued) and
    /// liveclass_database_up (0 and nothing else when the database cannot be read).
    std::vector<infra::metrics::Collected> collect(const std::vector<std::string>& job_types);

private:
    ServiceContext& ctx_;
    ProviderHealthService& health_;
};

}  // namespace lc::services
