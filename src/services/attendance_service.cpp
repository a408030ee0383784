#include "services/attendance_service.hpp"

#include <map>

#include "domain/attendance.hpp"
#include "infra/crypto.hpp"
#include "services/session_service.hpp"

namespace lc::services {

using namespace lc::domain;

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
