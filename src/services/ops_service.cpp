#include "services/ops_service.hpp"

#include <map>

namespace lc::services {

namespace m = infra::metrics;

Result<OpsView> OpsService::live_view(const Principal& p) {
    if (!p.is_admin()) return Error::denied("only a school admin can see the live ops view");
    const std::string& tenant = p.tenant.id;
    auto read = guarded([&]() -> Result<OpsView> {
        OpsView v;
        v.generated_at = ctx_.clock.now();
        store::Conn c(ctx_.db);
        v.sessions = store::live_sessions_of(c.sql(), tenant, kMaxSessions);
        v.webhook_events = store::recent_webhook_events(c.sql(), tenant, kRecentEvents);
        v.failed_jobs = store::failed_jobs(c.sql(), tenant, kRecentErrors);
        v.failed_webhooks = store::recent_webhook_events(c.sql(), tenant, kRecentErrors, {"failed", "rejected"});
        return v;
    });
    if (!read) return read;
    // The provider checks call out (up to 5 s, cached 30 s): a failure there still shows the rest.
    auto providers = health_.check_tenant(tenant);
    if (providers)
        read->providers = std::move(providers.value());
    else
        read->providers_error = providers.error().message;
    return read;
}

std::vector<m::Collected> OpsService::collect(const std::vector<std::string>& job_types) {
    m::Collected up{"liveclass_database_up", "1 when the scrape could read the database, else 0.", m::Type::kGauge};
    try {
        store::Conn c(ctx_.db);
        m::Collected sessions{"liveclass_concurrent_sessions", "Live classes now (every school).", m::Type::kGauge};
        sessions.samples.push_back({{}, static_cast<double>(store::count_live_sessions(c.sql()))});
        m::Collected participants{"liveclass_active_participants",
                                  "Open participation rows now: people in live classes (every school).",
                                  m::Type::kGauge};
        participants.samples.push_back({{}, static_cast<double>(store::count_active_participants(c.sql()))});
        m::Collected depth{"liveclass_job_queue_depth",
                           "Jobs waiting in the queue (due or scheduled), by type.",
                           m::Type::kGauge,
                           {"type"}};
        std::map<std::string, long long> by_type;
        for (const auto& t : job_types) by_type[t] = 0;
        for (const auto& [type, n] : store::queued_jobs_by_type(c.sql())) by_type[type] = n;
        for (const auto& [type, n] : by_type) depth.samples.push_back({{type}, static_cast<double>(n)});
        up.samples.push_back({{}, 1});
        return {std::move(up), std::move(sessions), std::move(participants), std::move(depth)};
    } catch (const std::exception&) {
        // The scrape still answers: a database that cannot be read is what this gauge reports.
        up.samples.push_back({{}, 0});
        return {std::move(up)};
    }
}

}  // namespace lc::services
