#pragma once
// Seed 6.3/6.4: after a session ends, one summary row per user from their participation rows.
// This is the `calculate_attendance` job; reports and webhooks come with the attendance issue.
#include <string>

#include "services/context.hpp"

namespace lc::services {

class SessionService;

class AttendanceService {
public:
    AttendanceService(ServiceContext& ctx, SessionService& sessions) : ctx_(ctx), sessions_(sessions) {}
    /// Recomputes every summary of the session (idempotent: safe to retry).
    Status calculate(const std::string& tenant_id, const std::string& session_id);
    /// The `calculate_attendance` job: payload {"session_id": "...", "tenant_id": "..."}.
    Status run_job(const std::string& job_tenant_id, const std::string& payload);

private:
    ServiceContext& ctx_;
    SessionService& sessions_;
};

}  // namespace lc::services
