#include "store/attendance_repo.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "store/repositories.hpp"
#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;
using detail::Params;
using namespace lc::domain;

std::vector<Participant> open_participations(soci::session& sql, const std::string& session_id,
                                             const std::string& user_id) {
    std::vector<Participant> out;
    for (auto& p : list_participants(sql, session_id, user_id))
        if (p.is_active) out.push_back(std::move(p));
    return out;
}

bool record_heartbeat(soci::session& sql, const Participant& row, UnixTime at, bool visible,
                      const std::string& span_id) {
    long long t = at;
    const bool hidden_now = row.hidden_since.has_value();
    const bool back = visible && hidden_now;  // back in the foreground: the hidden stretch ends now
    long long from = row.hidden_since.value_or(0), to = std::max<long long>(t, from), add = to - from;
    std::optional<soci::statement> st;
    if (back) {
        st.emplace((sql.prepare << "UPDATE live_session_participants SET last_seen_at = :t, hidden_since = NULL, "
                                   "background_duration = background_duration + :d WHERE id = :i AND is_active = 1",
                    soci::use(t), soci::use(add), soci::use(row.id)));
    } else if (!visible && !hidden_now) {
        st.emplace((sql.prepare << "UPDATE live_session_participants SET last_seen_at = :t, hidden_since = :h "
                                   "WHERE id = :i AND is_active = 1",
                    soci::use(t), soci::use(t), soci::use(row.id)));
    } else {
        st.emplace((sql.prepare << "UPDATE live_session_participants SET last_seen_at = :t WHERE id = :i AND "
                                   "is_active = 1",
                    soci::use(t), soci::use(row.id)));
    }
    st->execute(true);
    if (st->get_affected_rows() == 0) return false;  // closed meanwhile (the class ended, a kick)
    if (back)                                        // the stretch becomes a span: it explains the report
        sql << "INSERT INTO live_session_background_spans(id, participant_id, session_id, user_id, started_at, "
               "ended_at) VALUES(:i, :p, :s, :u, :b, :e)",
            soci::use(span_id), soci::use(row.id), soci::use(row.session_id), soci::use(row.user_id), soci::use(from),
            soci::use(to);
    return true;
}

bool close_participation(soci::session& sql, const std::string& participant_id, UnixTime at, const char* end_reason) {
    soci::statement st =
        (sql.prepare << "UPDATE live_session_participants SET " + detail::close_participation_set(at, end_reason) +
                            " WHERE id = :i AND is_active = 1",
         soci::use(participant_id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

bool close_stale_participation(soci::session& sql, const std::string& participant_id, UnixTime at, UnixTime cutoff) {
    long long c = cutoff;
    soci::statement st = (sql.prepare << "UPDATE live_session_participants SET " +
                                             detail::close_participation_set(at, "heartbeat_timeout") +
                                             " WHERE id = :i AND is_active = 1 AND last_seen_at < :c",
                          soci::use(participant_id), soci::use(c));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::vector<StaleParticipation> stale_participations(soci::session& sql, UnixTime cutoff, int limit) {
    std::vector<StaleParticipation> out;
    StaleParticipation r;
    long long seen = 0, c = cutoff;
    // Live sessions are few and their open rows are the people in the room right now: the
    // (session_id, is_active) index finds them without touching closed rows.
    soci::statement st =
        (sql.prepare << "SELECT p.id, p.session_id, p.last_seen_at FROM live_sessions s "
                        "JOIN live_session_participants p ON p.session_id = s.id AND p.is_active = 1 "
                        "WHERE s.status = 'live' AND p.last_seen_at < :c ORDER BY p.session_id, p.id LIMIT :n",
         soci::into(r.id), soci::into(r.session_id), soci::into(seen), soci::use(c), soci::use(limit));
    st.execute();
    while (st.fetch()) {
        r.last_seen = seen;
        out.push_back(r);
    }
    return out;
}

bool any_live_session(soci::session& sql) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM live_sessions WHERE status = 'live' LIMIT 1) AS a", soci::into(n);
    return n > 0;
}

std::vector<RosterEntry> live_roster(soci::session& sql, const std::string& tenant_id, const std::string& session_id) {
    std::vector<RosterEntry> out;
    std::string user, name, role, device, browser;
    long long joined = 0;
    Nullable<long long> seen, hidden;
    // Rows of one user come together, oldest first; the users are sorted below (in C++, so that both
    // engines give the same order whatever the database's collation).
    soci::statement st =
        (sql.prepare << "SELECT p.user_id, u.full_name, p.role, p.joined_at, p.last_seen_at, p.hidden_since, "
                        "p.device_type, p.browser FROM live_session_participants p "
                        "JOIN users u ON u.id = p.user_id AND u.tenant_id = :t "
                        "WHERE p.session_id = :s AND p.is_active = 1 ORDER BY p.user_id, p.joined_at, p.id",
         soci::into(user), soci::into(name), soci::into(role), soci::into(joined), soci::into(seen.value, seen.ind),
         soci::into(hidden.value, hidden.ind), soci::into(device), soci::into(browser), soci::use(tenant_id),
         soci::use(session_id));
    st.execute();
    while (st.fetch()) {
        const UnixTime last = std::max<UnixTime>(joined, seen.get().value_or(joined));
        if (out.empty() || out.back().user_id != user) {
            RosterEntry e;
            e.user_id = user;
            e.full_name = name;
            e.joined_at = joined;
            e.last_seen_at = last;
            e.in_background = true;
            out.push_back(std::move(e));
        }
        RosterEntry& e = out.back();  // rows in join order: the latest row's role and device win
        e.role = parse_participant_role(role).value_or(ParticipantRole::kParticipant);
        e.device_type = device;
        e.browser = browser;
        e.last_seen_at = std::max(e.last_seen_at, last);
        e.in_background = e.in_background && hidden.get().has_value();
        ++e.devices;
        seen.ind = hidden.ind = soci::i_null;
    }
    std::sort(out.begin(), out.end(), [](const RosterEntry& a, const RosterEntry& b) {
        return a.full_name != b.full_name ? a.full_name < b.full_name : a.user_id < b.user_id;
    });
    return out;
}

std::vector<BackgroundSpan> background_spans(soci::session& sql, const std::string& session_id,
                                             const std::optional<std::string>& user_id) {
    std::vector<BackgroundSpan> out;
    BackgroundSpan b;
    long long from = 0, to = 0;
    const std::string user = user_id.value_or("");
    soci::statement st =
        (sql.prepare << std::string("SELECT participant_id, started_at, ended_at FROM live_session_background_spans "
                                    "WHERE session_id = :s") +
                            (user_id ? " AND user_id = :u" : " AND :u = ''") + " ORDER BY started_at",
         soci::into(b.participant_id), soci::into(from), soci::into(to), soci::use(session_id), soci::use(user));
    st.execute();
    while (st.fetch()) {
        b.started_at = from;
        b.ended_at = to;
        out.push_back(b);
    }
    return out;
}

std::vector<std::string> enrolled_student_ids(soci::session& sql, const std::string& course_id) {
    std::vector<std::string> out;
    std::string id;
    soci::statement st = (sql.prepare << "SELECT e.user_id FROM enrollments e JOIN users u ON u.id = e.user_id "
                                         "WHERE e.course_id = :c AND u.role = 'student' ORDER BY e.user_id",
                          soci::into(id), soci::use(course_id));
    st.execute();
    while (st.fetch()) out.push_back(id);
    return out;
}

std::map<std::string, ProviderActivity> provider_activity(soci::session& sql, const std::string& session_id) {
    std::map<std::string, ProviderActivity> out;
    std::string user;
    ProviderActivity a;
    soci::statement st =
        (sql.prepare << "SELECT user_id, chat_messages, talk_seconds FROM live_session_activity "
                        "WHERE session_id = :s",
         soci::into(user), soci::into(a.chat_messages), soci::into(a.talk_seconds), soci::use(session_id));
    st.execute();
    while (st.fetch()) out[user] = a;
    return out;
}

void add_provider_activity(soci::session& sql, const std::string& session_id, const std::string& user_id,
                           int chat_messages, int talk_seconds) {
    sql << "INSERT INTO live_session_activity(session_id, user_id, chat_messages, talk_seconds) "
           "VALUES(:s, :u, :c, :t) ON CONFLICT (session_id, user_id) DO UPDATE SET "
           // Capped far below the column's limit: a flood of reports must not overflow it.
           "chat_messages = CASE WHEN live_session_activity.chat_messages + excluded.chat_messages > 1000000000 "
           "THEN 1000000000 ELSE live_session_activity.chat_messages + excluded.chat_messages END, "
           "talk_seconds = CASE WHEN live_session_activity.talk_seconds + excluded.talk_seconds > 1000000000 "
           "THEN 1000000000 ELSE live_session_activity.talk_seconds + excluded.talk_seconds END",
        soci::use(session_id), soci::use(user_id), soci::use(chat_messages), soci::use(talk_seconds);
}

void for_each_user_presence(
    soci::session& sql, const std::string& session_id,
    const std::function<void(const std::string& user_id, std::vector<PresenceInterval>& intervals)>& fn) {
    // One pass over the class's rows in user order, each with its closed background stretches
    // (joined on the (session_id, user_id) index of the stretches).
    std::string user, participant, current_user, current_participant;
    long long joined = 0;
    Nullable<long long> left, hidden, from, to;
    soci::statement st =
        (sql.prepare << "SELECT p.user_id, p.id, p.joined_at, p.left_at, p.hidden_since, b.started_at, b.ended_at "
                        "FROM live_session_participants p LEFT JOIN live_session_background_spans b "
                        "ON b.session_id = p.session_id AND b.user_id = p.user_id AND b.participant_id = p.id "
                        "WHERE p.session_id = :s ORDER BY p.user_id, p.joined_at, p.id, b.started_at",
         soci::into(user), soci::into(participant), soci::into(joined), soci::into(left.value, left.ind),
         soci::into(hidden.value, hidden.ind), soci::into(from.value, from.ind), soci::into(to.value, to.ind),
         soci::use(session_id));
    std::vector<PresenceInterval> intervals;
    st.execute();
    while (st.fetch()) {
        if (user != current_user) {
            if (!intervals.empty()) fn(current_user, intervals);
            intervals.clear();
            current_user = user;
            current_participant.clear();
        }
        if (participant != current_participant) {
            current_participant = participant;
            PresenceInterval iv{joined, left.get(), {}};
            if (auto h = hidden.get())  // still hidden when the row closed (or now): to its end
                iv.hidden.emplace_back(*h, iv.left_at.value_or(std::numeric_limits<UnixTime>::max()));
            intervals.push_back(std::move(iv));
        }
        if (auto f = from.get(); f && to.get()) intervals.back().hidden.emplace_back(*f, *to.get());
        left.ind = hidden.ind = from.ind = to.ind = soci::i_null;
    }
    if (!intervals.empty()) fn(current_user, intervals);
}

SummaryWriter::SummaryWriter(soci::session& sql, const std::string& session_id)
    : sql_(sql), postgres_(sql.get_backend_name() == "postgresql") {
    sql_ << "DELETE FROM live_session_attendance_summaries WHERE session_id = :s", soci::use(session_id);
    if (postgres_) return;
    insert_.emplace(
        (sql_.prepare << "INSERT INTO live_session_attendance_summaries(id, session_id, user_id, "
                         "total_duration_seconds, join_count, first_join, last_leave, attended, attendance_percent, "
                         "late_join, early_leave, background_duration_seconds, engagement_score) "
                         "VALUES(:i, :s, :u, :t, :j, :f, :l, :a, :p, :lj, :el, :bg, :en)",
         soci::use(row_.id), soci::use(row_.session_id), soci::use(row_.user_id),
         soci::use(row_.total_duration_seconds), soci::use(row_.join_count), soci::use(first_, first_ind_),
         soci::use(last_, last_ind_), soci::use(attended_), soci::use(pct_), soci::use(late_), soci::use(early_),
         soci::use(row_.background_duration_seconds), soci::use(row_.engagement_score)));
}

void SummaryWriter::add(const AttendanceSummary& a) {
    if (postgres_) {
        pending_.push_back(a);
        if (pending_.size() >= 250) flush();
        return;
    }
    row_ = a;
    first_ = a.first_join.value_or(0);
    first_ind_ = a.first_join ? soci::i_ok : soci::i_null;
    last_ = a.last_leave.value_or(0);
    last_ind_ = a.last_leave ? soci::i_ok : soci::i_null;
    attended_ = a.attended;
    late_ = a.late_join;
    early_ = a.early_leave;
    pct_ = a.attendance_percent;
    insert_->execute(true);
}

void SummaryWriter::finish() {
    if (postgres_) flush();
}

void SummaryWriter::flush() {
    if (pending_.empty()) return;
    // The numbers are our own computed values, written as literals; the ids are bound.
    auto number = [](std::optional<UnixTime> v) { return v ? std::to_string(*v) : std::string("NULL"); };
    Params p;
    std::string values;
    for (const auto& a : pending_) {
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.2f", a.attendance_percent);
        values += (values.empty() ? "(" : ", (") + p.add(a.id) + ", " + p.add(a.session_id) + ", " + p.add(a.user_id) +
                  ", " + std::to_string(a.total_duration_seconds) + ", " + std::to_string(a.join_count) + ", " +
                  number(a.first_join) + ", " + number(a.last_leave) + ", " + (a.attended ? "1" : "0") + ", " + pct +
                  ", " + (a.late_join ? "1" : "0") + ", " + (a.early_leave ? "1" : "0") + ", " +
                  std::to_string(a.background_duration_seconds) + ", " + std::to_string(a.engagement_score) + ")";
    }
    soci::statement st(sql_);
    p.bind(st);
    st.alloc();
    st.prepare(
        "INSERT INTO live_session_attendance_summaries(id, session_id, user_id, total_duration_seconds, "
        "join_count, first_join, last_leave, attended, attendance_percent, late_join, early_leave, "
        "background_duration_seconds, engagement_score) VALUES " +
        values);
    st.define_and_bind();
    st.execute(true);
    pending_.clear();
}

void replace_attendance_summaries(soci::session& sql, const std::string& session_id,
                                  const std::vector<AttendanceSummary>& rows) {
    SummaryWriter w(sql, session_id);
    for (const auto& a : rows) w.add(a);
    w.finish();
}

std::vector<AttendanceReportRow> attendance_rows(soci::session& sql, const std::string& tenant_id,
                                                 const std::string& session_id, const AttendanceFilter& f,
                                                 long long* total) {
    Params p;
    std::string where = "s.tenant_id = " + p.add(tenant_id);
    if (!session_id.empty()) where += " AND s.id = " + p.add(session_id);
    if (!f.course_id.empty()) where += " AND s.course_id = " + p.add(f.course_id);
    if (!f.user_id.empty()) where += " AND a.user_id = " + p.add(f.user_id);
    const std::string start = "COALESCE(s.actual_start, s.scheduled_start)";
    if (f.from) where += " AND " + start + " >= " + p.add(static_cast<long long>(*f.from));
    if (f.to) where += " AND " + start + " < " + p.add(static_cast<long long>(*f.to));
    if (f.status == "attended")
        where += " AND a.attended = 1";
    else if (f.status == "partial")
        where += " AND a.attended = 0 AND a.join_count > 0";
    else if (f.status == "absent")
        where += " AND a.join_count = 0";
    else if (f.status == "late")
        where += " AND a.late_join = 1";
    else if (f.status == "early_leave")
        where += " AND a.early_leave = 1";
    const std::string from_where =
        "live_session_attendance_summaries a JOIN live_sessions s ON s.id = a.session_id "
        "JOIN users u ON u.id = a.user_id WHERE " +
        where;
    if (total) *total = p.count(sql, from_where);
    std::vector<AttendanceReportRow> out;
    AttendanceReportRow r;
    AttendanceSummary& a = r.summary;
    Nullable<long long> first, last;
    int attended = 0, late = 0, early = 0;
    double pct = 0;
    long long started = 0;
    soci::statement st(sql);
    st.exchange(soci::into(a.id));
    st.exchange(soci::into(a.session_id));
    st.exchange(soci::into(a.user_id));
    st.exchange(soci::into(a.total_duration_seconds));
    st.exchange(soci::into(a.join_count));
    st.exchange(soci::into(first.value, first.ind));
    st.exchange(soci::into(last.value, last.ind));
    st.exchange(soci::into(attended));
    st.exchange(soci::into(pct));
    st.exchange(soci::into(late));
    st.exchange(soci::into(early));
    st.exchange(soci::into(a.background_duration_seconds));
    st.exchange(soci::into(a.engagement_score));
    st.exchange(soci::into(r.full_name));
    st.exchange(soci::into(r.email));
    st.exchange(soci::into(r.course_id));
    st.exchange(soci::into(r.session_title));
    st.exchange(soci::into(started));
    st.exchange(soci::into(r.session_status));
    p.bind(st);
    st.alloc();
    st.prepare(
        "SELECT a.id, a.session_id, a.user_id, a.total_duration_seconds, a.join_count, a.first_join, "
        "a.last_leave, a.attended, a.attendance_percent, a.late_join, a.early_leave, "
        "a.background_duration_seconds, a.engagement_score, u.full_name, u.email, s.course_id, s.title, " +
        start + ", s.status FROM " + from_where + " ORDER BY " + start + " DESC, s.id, u.full_name, u.email LIMIT " +
        std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset));
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        AttendanceReportRow o = r;
        o.summary.first_join = first.get();
        o.summary.last_leave = last.get();
        o.summary.attended = attended;
        o.summary.attendance_percent = pct;
        o.summary.late_join = late;
        o.summary.early_leave = early;
        o.session_start = started;
        out.push_back(std::move(o));
        first.ind = last.ind = soci::i_null;
    }
    return out;
}

}  // namespace lc::store
