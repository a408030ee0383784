#include "store/privacy_repo.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <set>
#include <vector>

namespace lc::store {

namespace json = boost::json;

namespace {

/// The rows of one query as an array of objects keyed by column name; `params` bind to :p1, :p2, ...
json::array rows_of(soci::session& sql, const std::string& query, std::vector<std::string> params) {
    json::array out;
    soci::row r;
    soci::statement st(sql);
    st.exchange(soci::into(r));
    for (std::size_t i = 0; i < params.size(); ++i) st.exchange(soci::use(params[i], "p" + std::to_string(i + 1)));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        json::object o;
        for (std::size_t i = 0; i < r.size(); ++i) {
            const auto& p = r.get_properties(i);
            if (r.get_indicator(i) == soci::i_null) {
                o[p.get_name()] = nullptr;
                continue;
            }
            switch (p.get_data_type()) {
                case soci::dt_string:
                    o[p.get_name()] = r.get<std::string>(i);
                    break;
                case soci::dt_integer:
                    o[p.get_name()] = r.get<int>(i);
                    break;
                case soci::dt_long_long:
                    o[p.get_name()] = r.get<long long>(i);
                    break;
                case soci::dt_unsigned_long_long:
                    o[p.get_name()] = static_cast<long long>(r.get<unsigned long long>(i));
                    break;
                case soci::dt_double:
                    o[p.get_name()] = r.get<double>(i);
                    break;
                default:
                    o[p.get_name()] = nullptr;  // no other column types are exported
            }
        }
        out.push_back(std::move(o));
    }
    return out;
}

long long affected(soci::statement& st) { return st.get_affected_rows(); }

}  // namespace

json::object export_user_data(soci::session& sql, const std::string& tenant_id, const std::string& user_id) {
    json::object out;
    auto profile = rows_of(sql,
                           "SELECT id, email, full_name, role, locale, external_id, is_active, created_at, updated_at "
                           "FROM users WHERE id = :p1 AND tenant_id = :p2",
                           {user_id, tenant_id});
    out["user"] = profile.empty() ? json::value(nullptr) : profile[0];
    out["enrollments"] = rows_of(sql,
                                 "SELECT e.course_id, c.title AS course_title, e.created_at FROM enrollments e "
                                 "JOIN courses c ON c.id = e.course_id WHERE e.user_id = :p1 ORDER BY e.created_at",
                                 {user_id});
    out["courses_taught"] = rows_of(sql,
                                    "SELECT c.id AS course_id, c.title AS course_title FROM course_instructors ci "
                                    "JOIN courses c ON c.id = ci.course_id WHERE ci.user_id = :p1 ORDER BY c.title",
                                    {user_id});
    out["participations"] = rows_of(sql,
                                    "SELECT p.id, p.session_id, s.title AS session_title, p.role, p.joined_at, "
                                    "p.left_at, p.duration_seconds, p.background_duration, p.device_type, p.browser, "
                                    "p.ip_hash, p.end_reason, p.kicked, p.kick_reason FROM live_session_participants p "
                                    "JOIN live_sessions s ON s.id = p.session_id WHERE p.user_id = :p1 "
                                    "ORDER BY p.joined_at, p.id",
                                    {user_id});
    out["background_spans"] = rows_of(sql,
                                      "SELECT session_id, participant_id, started_at, ended_at FROM "
                                      "live_session_background_spans WHERE user_id = :p1 ORDER BY started_at",
                                      {user_id});
    out["activity"] = rows_of(sql,
                              "SELECT session_id, chat_messages, talk_seconds FROM live_session_activity "
                              "WHERE user_id = :p1 ORDER BY session_id",
                              {user_id});
    out["attendance"] = rows_of(sql,
                                "SELECT session_id, total_duration_seconds, join_count, first_join, last_leave, "
                                "attended, attendance_percent, late_join, early_leave, background_duration_seconds, "
                                "engagement_score FROM live_session_attendance_summaries WHERE user_id = :p1 "
                                "ORDER BY session_id",
                                {user_id});
    out["audit"] = rows_of(sql,
                           "SELECT id, actor_id, action, resource_type, resource_id, "
                           "CASE WHEN actor_id = :p4 THEN ip_hash ELSE '' END AS ip_hash, details, created_at, "
                           "request_id FROM audit_logs WHERE tenant_id = :p1 AND (actor_id = :p2 OR resource_id = :p3) "
                           "ORDER BY created_at, id",
                           {tenant_id, user_id, user_id, user_id});
    out["notification_preferences"] =
        rows_of(sql,
                "SELECT email_enabled, push_enabled, reminders_enabled, locale, timezone, "
                "updated_at FROM notification_preferences WHERE user_id = :p1",
                {user_id});
    out["push_subscriptions"] = rows_of(sql,
                                        "SELECT id, endpoint, user_agent, created_at, last_success_at FROM "
                                        "push_subscriptions WHERE user_id = :p1 ORDER BY created_at, id",
                                        {user_id});
    // The feed's secret is stored only as a hash, and that hash is not the person's data.
    out["calendar_feeds"] = rows_of(sql,
                                    "SELECT id, created_at, revoked_at, last_used_at FROM calendar_feeds "
                                    "WHERE user_id = :p1 ORDER BY created_at, id",
                                    {user_id});
    out["notifications"] = rows_of(sql,
                                   "SELECT id, session_id, kind, channel, status, attempts, created_at, sent_at FROM "
                                   "notification_deliveries WHERE user_id = :p1 ORDER BY created_at, id",
                                   {user_id});
    return out;
}

ErasureCounts erase_user(soci::session& sql, const std::string& tenant_id, const std::string& user_id,
                         const std::vector<std::string>& needles) {
    ErasureCounts n;
    // A unique, obviously invalid address keeps the (tenant, email) index satisfied.
    const std::string placeholder = "erased-" + user_id + "@invalid";
    sql << "UPDATE users SET email = :e, full_name = '', password_hash = '', external_id = NULL, locale = 'tr', "
           "is_active = 0 WHERE id = :u AND tenant_id = :t",
        soci::use(placeholder), soci::use(user_id), soci::use(tenant_id);
    soci::statement parts = (sql.prepare << "UPDATE live_session_participants SET ip_hash = '', device_type = '', "
                                            "browser = '', kick_reason = '' WHERE user_id = :u",
                             soci::use(user_id));
    parts.execute(true);
    n.participations = affected(parts);
    soci::statement audit = (sql.prepare << "UPDATE audit_logs SET ip_hash = '' WHERE tenant_id = :t AND actor_id = :u",
                             soci::use(tenant_id), soci::use(user_id));
    audit.execute(true);
    n.audit_rows = affected(audit);
    // Where notices went: the browsers' push endpoints, the calendar feed and the settings go; the
    // delivery records stay (kind, channel, times: no address), like the attendance figures.
    sql << "DELETE FROM push_subscriptions WHERE user_id = :u", soci::use(user_id);
    sql << "DELETE FROM calendar_feeds WHERE user_id = :u", soci::use(user_id);
    sql << "DELETE FROM notification_preferences WHERE user_id = :u", soci::use(user_id);
    // Provider deliveries name people: Jitsi and Zoom send the e-mail, BigBlueButton the name and
    // our user id. Blank every processed delivery that mentions any of them (compared without case;
    // LIKE only narrows the candidates, '_' and '%' in a value widen it, the exact test is here).
    // Deliveries still waiting to be applied are left to be applied; the retention purge removes them.
    std::set<std::string> hits;
    for (std::string needle : needles) {
        for (auto& ch : needle) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string id, body, pattern = "%" + needle + "%";
        soci::statement find = (sql.prepare << "SELECT id, body FROM webhook_events WHERE tenant_id = :t AND "
                                               "status <> 'received' AND lower(body) LIKE :p",
                                soci::into(id), soci::into(body), soci::use(tenant_id), soci::use(pattern));
        find.execute();
        while (find.fetch()) {
            for (auto& ch : body) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (body.find(needle) != std::string::npos) hits.insert(id);
        }
    }
    for (const auto& h : hits)
        sql << "UPDATE webhook_events SET body = '{\"erased\":true}', normalized = '[]' WHERE id = :i", soci::use(h);
    n.webhook_events = static_cast<long long>(hits.size());
    return n;
}

PurgeCounts purge_expired(soci::session& sql, const RetentionDays& days, UnixTime now) {
    PurgeCounts n;
    if (days.participants > 0) {
        long long cutoff = now - static_cast<long long>(days.participants) * 86400;
        soci::statement st = (sql.prepare << "UPDATE live_session_participants SET ip_hash = '', device_type = '', "
                                             "browser = '' WHERE left_at IS NOT NULL AND left_at < :c AND "
                                             "(ip_hash <> '' OR device_type <> '' OR browser <> '')",
                              soci::use(cutoff));
        st.execute(true);
        n.participations = affected(st);
        // Who was told what, and the fan-out marks, of classes long past: the at-most-once records are
        // only needed until the class is over.
        soci::statement notices =
            (sql.prepare << "DELETE FROM notification_deliveries WHERE created_at < :c AND status <> 'pending'",
             soci::use(cutoff));
        notices.execute(true);
        n.notifications = affected(notices);
        sql << "DELETE FROM notification_rounds WHERE created_at < :c", soci::use(cutoff);
    }
    if (days.webhook_events > 0) {
        long long cutoff = now - static_cast<long long>(days.webhook_events) * 86400;
        // Never an event still waiting to be applied: that would lose data a provider was promised.
        soci::statement st =
            (sql.prepare << "DELETE FROM webhook_events WHERE received_at < :c AND status <> 'received'",
             soci::use(cutoff));
        st.execute(true);
        n.webhook_events = affected(st);
    }
    if (days.audit > 0) {
        long long cutoff = now - static_cast<long long>(days.audit) * 86400;
        soci::statement st = (sql.prepare << "DELETE FROM audit_logs WHERE created_at < :c", soci::use(cutoff));
        st.execute(true);
        n.audit_rows = affected(st);
    }
    return n;
}

}  // namespace lc::store
