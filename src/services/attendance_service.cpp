#include "services/attendance_service.hpp"

#include <map>

#include <boost/json.hpp>

#include "domain/attendance.hpp"
#include "infra/crypto.hpp"
#include "services/session_service.hpp"

namespace lc::services {

using namespace lc::domain;

Status AttendanceService::run_job(const std::string& job_tenant_id, const std::string& payload) {
    boost::json::error_code ec;
    auto v = boost::json::parse(payload, ec);
    const boost::json::value* sid = (!ec && v.is_object()) ? v.as_object().if_contains("session_id") : nullptr;
    if (!sid || !sid->is_string()) return Error::invalid("calculate_attendance needs {\"session_id\": \"...\"}");
    std::string tenant = job_tenant_id;
    if (auto* t = v.as_object().if_contains("tenant_id"); t && t->is_string()) tenant = std::string(t->as_string());
    return calculate(tenant, std::string(sid->as_string()));
}

Status AttendanceService::calculate(const std::string& tenant_id, const std::string& session_id) {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        auto s = store::find_session(tx.sql(), tenant_id, session_id);
        if (!s) return Error::not_found("session " + session_id + " no longer exists");
        EffectivePolicy policy = sessions_.effective_policy(tx.sql(), *s);
        std::map<std::string, std::vector<PresenceInterval>> by_user;
        for (const auto& p : store::list_participants(tx.sql(), session_id))
            by_user[p.user_id].push_back({p.joined_at, p.left_at});
        SessionWindow w{s->scheduled_start, s->scheduled_end, s->actual_start, s->actual_end};
        std::vector<AttendanceSummary> rows;
        for (const auto& [user, intervals] : by_user) {
            AttendanceSummary a = summarize_attendance(intervals, w, policy);
            a.id = infra::new_uuid();
            a.session_id = session_id;
            a.user_id = user;
            rows.push_back(a);
        }
        store::replace_attendance_summaries(tx.sql(), session_id, rows);
        tx.commit();
        return ok_status();
    });
}

}  // namespace lc::services
