// Live sessions, moderators, participants, policies, provider configs and the audit log.
#include "store/repositories.hpp"
#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;
using detail::Params;
using namespace lc::domain;

namespace {

constexpr const char* kSessionCols =
    "id, tenant_id, course_id, content_id, created_by, title, description, type, status, scheduled_start, "
    "scheduled_end, actual_start, actual_end, provider, room_id, room_url, room_password, max_participants, "
    "recording_enabled, auto_recording, waiting_room_enabled, participant_count, peak_participants, "
    "total_duration_minutes, created_at, updated_at, series_id, recurrence_start, sequence, schedule_set_at";

struct SessionRow {
    LiveSession s;
    Nullable<std::string> content, created_by;
    std::string type, status, provider;
    long long start = 0, end = 0, created = 0, updated = 0;
    Nullable<long long> actual_start, actual_end;
    int rec = 1, auto_rec = 0, waiting = 1;
    Nullable<std::string> series;
    Nullable<long long> recurrence, schedule_set;

    void into(soci::statement& st) {
        st.exchange(soci::into(s.id));
        st.exchange(soci::into(s.tenant_id));
        st.exchange(soci::into(s.course_id));
        st.exchange(soci::into(content.value, content.ind));
        st.exchange(soci::into(created_by.value, created_by.ind));
        st.exchange(soci::into(s.title));
        st.exchange(soci::into(s.description));
        st.exchange(soci::into(type));
        st.exchange(soci::into(status));
        st.exchange(soci::into(start));
        st.exchange(soci::into(end));
        st.exchange(soci::into(actual_start.value, actual_start.ind));
        st.exchange(soci::into(actual_end.value, actual_end.ind));
        st.exchange(soci::into(provider));
        st.exchange(soci::into(s.room_id));
        st.exchange(soci::into(s.room_url));
        st.exchange(soci::into(s.room_password));
        st.exchange(soci::into(s.max_participants));
        st.exchange(soci::into(rec));
        st.exchange(soci::into(auto_rec));
        st.exchange(soci::into(waiting));
        st.exchange(soci::into(s.participant_count));
        st.exchange(soci::into(s.peak_participants));
        st.exchange(soci::into(s.total_duration_minutes));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
        st.exchange(soci::into(series.value, series.ind));
        st.exchange(soci::into(recurrence.value, recurrence.ind));
        st.exchange(soci::into(s.sequence));
        st.exchange(soci::into(schedule_set.value, schedule_set.ind));
    }
    LiveSession finish() const {
        LiveSession out = s;
        out.content_id = content.get();
        out.created_by = created_by.get();
        out.type = parse_session_type(type).value_or(SessionType::kScheduled);
        out.status = parse_session_status(status).value_or(SessionStatus::kDraft);
        out.provider = parse_provider_kind(provider).value_or(ProviderKind::kJitsi);
        out.scheduled_start = start;
        out.scheduled_end = end;
        if (auto v = actual_start.get()) out.actual_start = *v;
        if (auto v = actual_end.get()) out.actual_end = *v;
        out.recording_enabled = rec != 0;
        out.auto_recording = auto_rec != 0;
        out.waiting_room_enabled = waiting != 0;
        out.created_at = created;
        out.updated_at = updated;
        out.series_id = series.get();
        if (auto v = recurrence.get()) out.recurrence_start = *v;
        if (auto v = schedule_set.get()) out.schedule_set_at = *v;
        return out;
    }
};

std::vector<std::string> moderators_of(soci::session& sql, const std::string& session_id) {
    std::vector<std::string> out;
    soci::rowset<std::string> rs =
        (sql.prepare << "SELECT user_id FROM live_session_moderators WHERE session_id = :s ORDER BY user_id",
         soci::use(session_id));
    for (const auto& id : rs) out.push_back(id);
    return out;
}

std::vector<LiveSession> query_sessions(soci::session& sql, const std::string& query, Params& p) {
    std::vector<LiveSession> out;
    SessionRow row;
    detail::for_each_row(sql, query, p, row, [&] {
        out.push_back(row.finish());
        row.content.ind = row.created_by.ind = soci::i_null;
        row.actual_start.ind = row.actual_end.ind = row.recurrence.ind = row.schedule_set.ind = soci::i_null;
        row.series.ind = soci::i_null;
    });
    for (auto& s : out) s.moderator_ids = moderators_of(sql, s.id);
    return out;
}

// Binds every column of a session in kSessionCols order (for INSERT and UPDATE).
struct SessionBind {
    explicit SessionBind(const LiveSession& s) : s(s) {
        content.set(s.content_id);
        created_by.set(s.created_by);
        type = to_string(s.type);
        status = to_string(s.status);
        provider = to_string(s.provider);
        start = s.scheduled_start;
        end = s.scheduled_end;
        actual_start.set(s.actual_start ? std::optional<long long>(*s.actual_start) : std::nullopt);
        actual_end.set(s.actual_end ? std::optional<long long>(*s.actual_end) : std::nullopt);
        rec = s.recording_enabled;
        auto_rec = s.auto_recording;
        waiting = s.waiting_room_enabled;
        created = s.created_at;
        updated = s.updated_at;
        series.set(s.series_id);
        recurrence.set(s.recurrence_start ? std::optional<long long>(*s.recurrence_start) : std::nullopt);
        schedule_set.set(s.schedule_set_at ? std::optional<long long>(*s.schedule_set_at) : std::nullopt);
    }
    const LiveSession& s;
    Nullable<std::string> content, created_by;
    std::string type, status, provider;
    long long start, end, created, updated;
    Nullable<long long> actual_start, actual_end;
    int rec, auto_rec, waiting;
    Nullable<std::string> series;
    Nullable<long long> recurrence, schedule_set;
};

constexpr const char* kPolicyCols =
    "recording_required, auto_recording, recording_retention_days, attendance_threshold_percent, "
    "minimum_duration_minutes, late_join_tolerance_minutes, early_leave_tolerance_minutes, lobby_enabled, "
    "require_authentication, allow_guests, students_can_share_screen, students_can_use_whiteboard, "
    "students_can_unmute_self, students_start_muted, students_video_off, transcribe_recordings, summarize_recordings";

// The policy columns as nullable ints, in kPolicyCols order.
struct PolicyRow {
    static constexpr int kColumns = 17;
    Nullable<int> v[kColumns];
    void from(const PolicyOverrides& p) {
        auto b = [](const std::optional<bool>& x) { return x ? std::optional<int>(*x ? 1 : 0) : std::nullopt; };
        v[0].set(b(p.recording_required));
        v[1].set(b(p.auto_recording));
        v[2].set(p.recording_retention_days);
        v[3].set(p.attendance_threshold_percent);
        v[4].set(p.minimum_duration_minutes);
        v[5].set(p.late_join_tolerance_minutes);
        v[6].set(p.early_leave_tolerance_minutes);
        v[7].set(b(p.lobby_enabled));
        v[8].set(b(p.require_authentication));
        v[9].set(b(p.allow_guests));
        v[10].set(b(p.students_can_share_screen));
        v[11].set(b(p.students_can_use_whiteboard));
        v[12].set(b(p.students_can_unmute_self));
        v[13].set(b(p.students_start_muted));
        v[14].set(b(p.students_video_off));
        v[15].set(b(p.transcribe_recordings));
        v[16].set(b(p.summarize_recordings));
    }
    PolicyOverrides to() const {
        auto b = [](const Nullable<int>& x) {
            auto g = x.get();
            return g ? std::optional<bool>(*g != 0) : std::nullopt;
        };
        PolicyOverrides p;
        p.recording_required = b(v[0]);
        p.auto_recording = b(v[1]);
        p.recording_retention_days = v[2].get();
        p.attendance_threshold_percent = v[3].get();
        p.minimum_duration_minutes = v[4].get();
        p.late_join_tolerance_minutes = v[5].get();
        p.early_leave_tolerance_minutes = v[6].get();
        p.lobby_enabled = b(v[7]);
        p.require_authentication = b(v[8]);
        p.allow_guests = b(v[9]);
        p.students_can_share_screen = b(v[10]);
        p.students_can_use_whiteboard = b(v[11]);
        p.students_can_unmute_self = b(v[12]);
        p.students_start_muted = b(v[13]);
        p.students_video_off = b(v[14]);
        p.transcribe_recordings = b(v[15]);
        p.summarize_recordings = b(v[16]);
        return p;
    }
};

std::optional<PolicyOverrides> find_policy(soci::session& sql, const std::string& where, const std::string& arg) {
    PolicyRow row;
    soci::statement st(sql);
    for (auto& c : row.v) st.exchange(soci::into(c.value, c.ind));
    std::string a = arg;
    st.exchange(soci::use(a));
    st.alloc();
    st.prepare(std::string("SELECT ") + kPolicyCols + " FROM live_session_policies WHERE " + where);
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return row.to();
}

}  // namespace

void insert_session(soci::session& sql, const LiveSession& s) {
    SessionBind b(s);
    sql << "INSERT INTO live_sessions(" << kSessionCols
        << ") VALUES(:a1, :a2, :a3, :a4, :a5, :a6, :a7, :a8, :a9, :a10, :a11, :a12, :a13, :a14, :a15, :a16, :a17, "
           ":a18, :a19, :a20, :a21, :a22, :a23, :a24, :a25, :a26, :a27, :a28, :a29, :a30)",
        soci::use(s.id), soci::use(s.tenant_id), soci::use(s.course_id), soci::use(b.content.value, b.content.ind),
        soci::use(b.created_by.value, b.created_by.ind), soci::use(s.title), soci::use(s.description),
        soci::use(b.type), soci::use(b.status), soci::use(b.start), soci::use(b.end),
        soci::use(b.actual_start.value, b.actual_start.ind), soci::use(b.actual_end.value, b.actual_end.ind),
        soci::use(b.provider), soci::use(s.room_id), soci::use(s.room_url), soci::use(s.room_password),
        soci::use(s.max_participants), soci::use(b.rec), soci::use(b.auto_rec), soci::use(b.waiting),
        soci::use(s.participant_count), soci::use(s.peak_participants), soci::use(s.total_duration_minutes),
        soci::use(b.created), soci::use(b.updated), soci::use(b.series.value, b.series.ind),
        soci::use(b.recurrence.value, b.recurrence.ind), soci::use(s.sequence),
        soci::use(b.schedule_set.value, b.schedule_set.ind);
    set_session_moderators(sql, s.id, s.moderator_ids);
}

void update_session(soci::session& sql, const LiveSession& s) {
    SessionBind b(s);
    sql << "UPDATE live_sessions SET content_id = :a4, title = :a6, description = :a7, status = :a9, "
           "scheduled_start = :a10, scheduled_end = :a11, actual_start = :a12, actual_end = :a13, room_url = :a16, "
           "room_password = :a17, max_participants = :a18, recording_enabled = :a19, auto_recording = :a20, "
           "waiting_room_enabled = :a21, total_duration_minutes = :a24, updated_at = :a26, series_id = :a27, "
           "recurrence_start = :a28, sequence = :a29, schedule_set_at = :a30 WHERE id = :a1 AND tenant_id = :a2",
        soci::use(b.content.value, b.content.ind), soci::use(s.title), soci::use(s.description), soci::use(b.status),
        soci::use(b.start), soci::use(b.end), soci::use(b.actual_start.value, b.actual_start.ind),
        soci::use(b.actual_end.value, b.actual_end.ind), soci::use(s.room_url), soci::use(s.room_password),
        soci::use(s.max_participants), soci::use(b.rec), soci::use(b.auto_rec), soci::use(b.waiting),
        soci::use(s.total_duration_minutes), soci::use(b.updated), soci::use(b.series.value, b.series.ind),
        soci::use(b.recurrence.value, b.recurrence.ind), soci::use(s.sequence),
        soci::use(b.schedule_set.value, b.schedule_set.ind), soci::use(s.id), soci::use(s.tenant_id);
    set_session_moderators(sql, s.id, s.moderator_ids);
}

std::optional<LiveSession> find_session(soci::session& sql, const std::string& tenant_id, const std::string& id,
                                        bool for_update) {
    Params p;
    auto v = query_sessions(sql,
                            std::string("SELECT ") + kSessionCols +
                                " FROM live_sessions WHERE tenant_id = " + p.add(tenant_id) + " AND id = " + p.add(id) +
                                // SQLite has no row locks: its writers are serialised by the write lock.
                                (for_update && sql.get_backend_name() == "postgresql" ? " FOR UPDATE" : ""),
                            p);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<LiveSession> list_sessions(soci::session& sql, const std::string& tenant_id, const SessionFilter& f,
                                       long long* total) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id);
    if (!f.course_id.empty()) where += " AND course_id = " + p.add(f.course_id);
    if (!f.series_id.empty()) where += " AND series_id = " + p.add(f.series_id);
    if (f.status) where += " AND status = " + p.add(std::string(to_string(*f.status)));
    if (f.type) where += " AND type = " + p.add(std::string(to_string(*f.type)));
    if (f.from) where += " AND scheduled_start >= " + p.add(static_cast<long long>(*f.from));
    if (f.to) where += " AND scheduled_start < " + p.add(static_cast<long long>(*f.to));
    if (!f.visible_to.empty()) {
        where += " AND (course_id IN (SELECT course_id FROM enrollments WHERE user_id = " + p.add(f.visible_to) +
                 ") OR course_id IN (SELECT course_id FROM course_instructors WHERE user_id = " + p.add(f.visible_to) +
                 ") OR id IN (SELECT session_id FROM live_session_moderators WHERE user_id = " + p.add(f.visible_to) +
                 "))";
    }
    if (total) *total = p.count(sql, "live_sessions WHERE " + where);
    return query_sessions(sql,
                          std::string("SELECT ") + kSessionCols + " FROM live_sessions WHERE " + where +
                              " ORDER BY scheduled_start DESC, id LIMIT " + std::to_string(f.limit) + " OFFSET " +
                              std::to_string(f.offset),
                          p);
}

void update_session_counts(soci::session& sql, const std::string& session_id, int participant_count, int peak) {
    sql << "UPDATE live_sessions SET participant_count = :c, peak_participants = :p WHERE id = :i",
        soci::use(participant_count), soci::use(peak), soci::use(session_id);
}

std::string course_tenant(soci::session& sql, const std::string& course_id) {
    std::string tenant_id;
    soci::indicator ind = soci::i_null;
    sql << "SELECT tenant_id FROM courses WHERE id = :c", soci::into(tenant_id, ind), soci::use(course_id);
    return sql.got_data() && ind == soci::i_ok ? tenant_id : std::string();
}

void set_session_moderators(soci::session& sql, const std::string& session_id, const std::vector<std::string>& ids) {
    sql << "DELETE FROM live_session_moderators WHERE session_id = :s", soci::use(session_id);
    for (const auto& id : ids) {
        std::string u = id;
        sql << "INSERT INTO live_session_moderators(session_id, user_id) VALUES(:s, :u)", soci::use(session_id),
            soci::use(u);
    }
}

long long count_distinct_participants(soci::session& sql, const std::string& session_id) {
    long long n = 0;
    sql << "SELECT COUNT(DISTINCT user_id) FROM live_session_participants WHERE session_id = :s", soci::into(n),
        soci::use(session_id);
    return n;
}

long long count_recordings(soci::session& sql, const std::string& session_id, bool published_only) {
    long long n = 0;
    sql << std::string("SELECT COUNT(*) FROM live_session_recordings WHERE session_id = :s AND ") +
               (published_only ? "status = 'published'" : "status <> 'deleted'"),
        soci::into(n), soci::use(session_id);
    return n;
}

// ---- participants ----

void insert_participant(soci::session& sql, const Participant& p) {
    std::string role = to_string(p.role);
    long long joined = p.joined_at;
    int active = p.is_active ? 1 : 0, kicked = p.kicked ? 1 : 0;
    Nullable<long long> left;
    left.set(p.left_at ? std::optional<long long>(*p.left_at) : std::nullopt);
    sql << "INSERT INTO live_session_participants(id, session_id, user_id, role, joined_at, left_at, "
           "duration_seconds, device_type, browser, ip_hash, is_active, kicked, kick_reason) "
           "VALUES(:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l, :m)",
        soci::use(p.id), soci::use(p.session_id), soci::use(p.user_id), soci::use(role), soci::use(joined),
        soci::use(left.value, left.ind), soci::use(p.duration_seconds), soci::use(p.device_type), soci::use(p.browser),
        soci::use(p.ip_hash), soci::use(active), soci::use(kicked), soci::use(p.kick_reason);
}

void reset_participant_count(soci::session& sql, const std::string& session_id) {
    sql << "UPDATE live_sessions SET participant_count = 0 WHERE id = :i", soci::use(session_id);
}

bool has_active_participation(soci::session& sql, const std::string& session_id, const std::string& user_id) {
    int n = 0;
    sql << kHasActiveParticipationSql, soci::into(n), soci::use(session_id), soci::use(user_id);
    return n > 0;
}

long long close_active_participants(soci::session& sql, const std::string& session_id, UnixTime now) {
    long long t = now, n = 0;
    sql << "SELECT COUNT(*) FROM live_session_participants WHERE session_id = :s AND is_active = 1", soci::into(n),
        soci::use(session_id);
    sql << "UPDATE live_session_participants SET " + detail::close_participation_set(t, "session_end") +
               " WHERE session_id = :s AND is_active = 1",
        soci::use(session_id);
    return n;
}

std::vector<Participant> list_participants(soci::session& sql, const std::string& session_id,
                                           const std::optional<std::string>& user_id) {
    std::vector<Participant> out;
    Participant p;
    std::string role;
    long long joined = 0;
    Nullable<long long> left, seen, hidden;
    int active = 0, kicked = 0;
    const std::string user = user_id.value_or("");
    soci::statement st =
        (sql.prepare << std::string("SELECT id, session_id, user_id, role, joined_at, left_at, duration_seconds, "
                                    "device_type, browser, ip_hash, is_active, kicked, kick_reason, source, "
                                    "connection_id, last_seen_at, hidden_since, background_duration, end_reason "
                                    "FROM live_session_participants WHERE session_id = :s") +
                            (user_id ? " AND user_id = :u" : " AND :u = ''") + " ORDER BY joined_at, id",
         soci::into(p.id), soci::into(p.session_id), soci::into(p.user_id), soci::into(role), soci::into(joined),
         soci::into(left.value, left.ind), soci::into(p.duration_seconds), soci::into(p.device_type),
         soci::into(p.browser), soci::into(p.ip_hash), soci::into(active), soci::into(kicked),
         soci::into(p.kick_reason), soci::into(p.source), soci::into(p.connection_id), soci::into(seen.value, seen.ind),
         soci::into(hidden.value, hidden.ind), soci::into(p.background_duration), soci::into(p.end_reason),
         soci::use(session_id), soci::use(user));
    st.execute();
    while (st.fetch()) {
        Participant q = p;
        q.role = parse_participant_role(role).value_or(ParticipantRole::kParticipant);
        q.joined_at = joined;
        q.left_at = left.get();
        q.last_seen_at = seen.get();
        q.hidden_since = hidden.get();
        q.is_active = active != 0;
        q.kicked = kicked != 0;
        out.push_back(q);
        left.ind = seen.ind = hidden.ind = soci::i_null;
    }
    return out;
}

// ---- attendance ----

std::vector<AttendanceSummary> list_attendance_summaries(soci::session& sql, const std::string& session_id) {
    std::vector<AttendanceSummary> out;
    AttendanceSummary a;
    Nullable<long long> first, last;
    int attended = 0, late = 0, early = 0;
    double pct = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, session_id, user_id, total_duration_seconds, join_count, first_join, last_leave, "
                        "attended, attendance_percent, late_join, early_leave, background_duration_seconds, "
                        "engagement_score FROM live_session_attendance_summaries "
                        "WHERE session_id = :s ORDER BY first_join, user_id",
         soci::into(a.id), soci::into(a.session_id), soci::into(a.user_id), soci::into(a.total_duration_seconds),
         soci::into(a.join_count), soci::into(first.value, first.ind), soci::into(last.value, last.ind),
         soci::into(attended), soci::into(pct), soci::into(late), soci::into(early),
         soci::into(a.background_duration_seconds), soci::into(a.engagement_score), soci::use(session_id));
    st.execute();
    while (st.fetch()) {
        AttendanceSummary o = a;
        o.first_join = first.get();
        o.last_leave = last.get();
        o.attended = attended;
        o.attendance_percent = pct;
        o.late_join = late;
        o.early_leave = early;
        out.push_back(o);
        first.ind = last.ind = soci::i_null;
    }
    return out;
}

// ---- policies ----

std::optional<PolicyOverrides> find_tenant_policy(soci::session& sql, const std::string& tenant_id) {
    return find_policy(sql, "tenant_id = :a AND course_id IS NULL AND session_id IS NULL", tenant_id);
}
std::optional<PolicyOverrides> find_course_policy(soci::session& sql, const std::string& course_id) {
    return find_policy(sql, "course_id = :a AND session_id IS NULL", course_id);
}
std::optional<PolicyOverrides> find_session_policy(soci::session& sql, const std::string& session_id) {
    return find_policy(sql, "session_id = :a", session_id);
}

PolicyChain find_policy_chain(soci::session& sql, const std::string& tenant_id, const std::string& course_id,
                              const std::string& session_id) {
    PolicyChain chain;
    PolicyRow row;
    Nullable<std::string> course, session;
    soci::statement st(sql);
    st.exchange(soci::into(course.value, course.ind));
    st.exchange(soci::into(session.value, session.ind));
    for (auto& c : row.v) st.exchange(soci::into(c.value, c.ind));
    std::string t = tenant_id, c = course_id, s = session_id;
    st.exchange(soci::use(t, "t"));
    st.exchange(soci::use(c, "c"));
    st.exchange(soci::use(s, "s"));
    st.alloc();
    st.prepare(std::string("SELECT course_id, session_id, ") + kPolicyCols +
               " FROM live_session_policies WHERE tenant_id = :t AND (session_id = :s OR "
               "(session_id IS NULL AND (course_id IS NULL OR course_id = :c)))");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
        if (session.ind == soci::i_ok)
            chain.session = row.to();
        else if (course.ind == soci::i_ok)
            chain.course = row.to();
        else
            chain.tenant = row.to();
        course.ind = session.ind = soci::i_null;
        for (auto& col : row.v) col.ind = soci::i_null;
    }
    return chain;
}

void upsert_policy(soci::session& sql, const std::string& id_if_new, const std::string& tenant_id,
                   const std::string& course_id, const std::string& session_id, const PolicyOverrides& p) {
    Nullable<std::string> course, session;
    if (!course_id.empty()) course.set(course_id);
    if (!session_id.empty()) session.set(session_id);
    // One atomic upsert per level (SQLite >= 3.24 and PostgreSQL share the syntax): concurrent PUTs of
    // the same level take turns on the partial unique index instead of one failing on it.
    std::string conflict = !session_id.empty()  ? "(session_id) WHERE session_id IS NOT NULL"
                           : !course_id.empty() ? "(course_id) WHERE course_id IS NOT NULL AND session_id IS NULL"
                                                : "(tenant_id) WHERE course_id IS NULL AND session_id IS NULL";
    PolicyRow row;
    row.from(p);
    soci::statement st(sql);
    std::string id = id_if_new, tenant = tenant_id;
    st.exchange(soci::use(id));
    st.exchange(soci::use(tenant));
    st.exchange(soci::use(course.value, course.ind));
    st.exchange(soci::use(session.value, session.ind));
    for (auto& c : row.v) st.exchange(soci::use(c.value, c.ind));
    st.alloc();
    std::string q = std::string("INSERT INTO live_session_policies(id, tenant_id, course_id, session_id, ") +
                    kPolicyCols + ") VALUES(:i, :t, :c, :s";
    for (int i = 0; i < PolicyRow::kColumns; ++i) q += ", :v" + std::to_string(i);
    q += ") ON CONFLICT " + conflict + " DO UPDATE SET ";
    std::string cols = kPolicyCols;
    std::size_t start = 0;
    bool first = true;
    while (start < cols.size()) {
        std::size_t end = cols.find(',', start);
        if (end == std::string::npos) end = cols.size();
        std::string col = cols.substr(start, end - start);
        col.erase(0, col.find_first_not_of(' '));
        q += (first ? "" : ", ") + col + " = excluded." + col;
        first = false;
        start = end + 1;
    }
    st.prepare(q);
    st.define_and_bind();
    st.execute(true);
}

// ---- provider configs ----

namespace {
// Column order shared by the SELECT and the writes below.
constexpr const char* kProviderConfigColumns =
    "id, tenant_id, provider, is_active, is_default, jitsi_domain, jitsi_app_id, jitsi_jwt_secret, bbb_server_url, "
    "bbb_shared_secret, bbb_checksum_algorithm, zoom_account_id, zoom_client_id, zoom_client_secret, zoom_user_id, "
    "zoom_webhook_secret, webhook_secret, max_concurrent_rooms, default_room_duration_minutes";

std::vector<ProviderConfig> read_provider_configs(soci::session& sql, const std::string& where, const std::string& arg,
                                                  const SecretBox& box) {
    std::vector<ProviderConfig> out;
    ProviderConfig c;
    std::string provider, jitsi_secret, bbb_secret, zoom_secret, zoom_hook_secret, hook_secret;
    int active = 0, is_default = 0;
    soci::statement st =
        (sql.prepare << std::string("SELECT ") + kProviderConfigColumns + " FROM live_provider_configs WHERE " + where +
                            " ORDER BY tenant_id, provider",
         soci::into(c.id), soci::into(c.tenant_id), soci::into(provider), soci::into(active), soci::into(is_default),
         soci::into(c.jitsi_domain), soci::into(c.jitsi_app_id), soci::into(jitsi_secret), soci::into(c.bbb_server_url),
         soci::into(bbb_secret), soci::into(c.bbb_checksum_algorithm), soci::into(c.zoom_account_id),
         soci::into(c.zoom_client_id), soci::into(zoom_secret), soci::into(c.zoom_user_id),
         soci::into(zoom_hook_secret), soci::into(hook_secret), soci::into(c.max_concurrent_rooms),
         soci::into(c.default_room_duration_minutes), soci::use(arg));
    st.execute();
    while (st.fetch()) {
        ProviderConfig o = c;
        o.provider = parse_provider_kind(provider).value_or(ProviderKind::kJitsi);
        o.is_active = active != 0;
        o.is_default = is_default != 0;
        o.jitsi_jwt_secret = box.open(jitsi_secret);
        o.bbb_shared_secret = box.open(bbb_secret);
        o.zoom_client_secret = box.open(zoom_secret);
        o.zoom_webhook_secret = box.open(zoom_hook_secret);
        o.webhook_secret = box.open(hook_secret);
        out.push_back(o);
    }
    return out;
}
}  // namespace

std::vector<ProviderConfig> list_provider_configs(soci::session& sql, const std::string& tenant_id,
                                                  const SecretBox& box) {
    return read_provider_configs(sql, "tenant_id = :t", tenant_id, box);
}

std::vector<ProviderConfig> list_provider_configs_of_kind(soci::session& sql, ProviderKind kind, const SecretBox& box) {
    return read_provider_configs(sql, "provider = :p AND is_active = 1", to_string(kind), box);
}

void upsert_provider_config(soci::session& sql, const ProviderConfig& c, const SecretBox& box, UnixTime now) {
    std::string provider = to_string(c.provider);
    std::string js = box.seal(c.jitsi_jwt_secret), bs = box.seal(c.bbb_shared_secret),
                zs = box.seal(c.zoom_client_secret), zws = box.seal(c.zoom_webhook_secret),
                ws = box.seal(c.webhook_secret);
    int active = c.is_active, is_default = c.is_default;
    long long t = now;
    if (c.is_default) {
        sql << "UPDATE live_provider_configs SET is_default = 0 WHERE tenant_id = :t AND provider <> :p",
            soci::use(c.tenant_id), soci::use(provider);
    }
    int exists = 0;
    sql << "SELECT COUNT(*) FROM live_provider_configs WHERE tenant_id = :t AND provider = :p", soci::into(exists),
        soci::use(c.tenant_id), soci::use(provider);
    if (exists) {
        sql << "UPDATE live_provider_configs SET is_active = :a, is_default = :d, jitsi_domain = :jd, "
               "jitsi_app_id = :ja, jitsi_jwt_secret = :js, bbb_server_url = :bu, bbb_shared_secret = :bs, "
               "bbb_checksum_algorithm = :bc, zoom_account_id = :za, zoom_client_id = :zc, zoom_client_secret = :zs, "
               "zoom_user_id = :zu, zoom_webhook_secret = :zw, webhook_secret = :ws, max_concurrent_rooms = :m, "
               "default_room_duration_minutes = :r, updated_at = :u WHERE tenant_id = :t AND provider = :p",
            soci::use(active), soci::use(is_default), soci::use(c.jitsi_domain), soci::use(c.jitsi_app_id),
            soci::use(js), soci::use(c.bbb_server_url), soci::use(bs), soci::use(c.bbb_checksum_algorithm),
            soci::use(c.zoom_account_id), soci::use(c.zoom_client_id), soci::use(zs), soci::use(c.zoom_user_id),
            soci::use(zws), soci::use(ws), soci::use(c.max_concurrent_rooms),
            soci::use(c.default_room_duration_minutes), soci::use(t), soci::use(c.tenant_id), soci::use(provider);
    } else {
        sql << "INSERT INTO live_provider_configs(id, tenant_id, provider, is_active, is_default, jitsi_domain, "
               "jitsi_app_id, jitsi_jwt_secret, bbb_server_url, bbb_shared_secret, bbb_checksum_algorithm, "
               "zoom_account_id, zoom_client_id, zoom_client_secret, zoom_user_id, zoom_webhook_secret, "
               "webhook_secret, max_concurrent_rooms, default_room_duration_minutes, created_at, updated_at) "
               "VALUES(:i, :t, :p, :a, :d, :jd, :ja, :js, :bu, :bs, :bc, :za, :zc, :zs, :zu, :zw, :ws, :m, :r, :c, :u)",
            soci::use(c.id), soci::use(c.tenant_id), soci::use(provider), soci::use(active), soci::use(is_default),
            soci::use(c.jitsi_domain), soci::use(c.jitsi_app_id), soci::use(js), soci::use(c.bbb_server_url),
            soci::use(bs), soci::use(c.bbb_checksum_algorithm), soci::use(c.zoom_account_id),
            soci::use(c.zoom_client_id), soci::use(zs), soci::use(c.zoom_user_id), soci::use(zws), soci::use(ws),
            soci::use(c.max_concurrent_rooms), soci::use(c.default_room_duration_minutes), soci::use(t), soci::use(t);
    }
}

// ---- audit ----

void insert_audit(soci::session& sql, const AuditEntry& e) {
    Nullable<std::string> actor;
    actor.set(e.actor_id);
    long long t = e.created_at;
    sql << "INSERT INTO audit_logs(id, tenant_id, actor_id, action, resource_type, resource_id, ip_hash, details, "
           "created_at, request_id) VALUES(:i, :t, :a, :ac, :rt, :ri, :ip, :d, :c, :rq)",
        soci::use(e.id), soci::use(e.tenant_id), soci::use(actor.value, actor.ind), soci::use(e.action),
        soci::use(e.resource_type), soci::use(e.resource_id), soci::use(e.ip_hash), soci::use(e.details), soci::use(t),
        soci::use(e.request_id);
}

std::vector<AuditEntry> list_audit(soci::session& sql, const std::string& tenant_id, const AuditFilter& f,
                                   long long* total) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id);
    if (!f.action.empty()) {
        if (f.action.back() == '.')  // a kind of action: compared as a prefix, never as a LIKE pattern
            where += " AND substr(action, 1, " + std::to_string(f.action.size()) + ") = " + p.add(f.action);
        else
            where += " AND action = " + p.add(f.action);
    }
    if (!f.resource_type.empty()) where += " AND resource_type = " + p.add(f.resource_type);
    if (!f.resource_id.empty()) where += " AND resource_id = " + p.add(f.resource_id);
    if (!f.request_id.empty()) where += " AND request_id = " + p.add(f.request_id);
    if (!f.actor_id.empty()) where += " AND actor_id = " + p.add(f.actor_id);
    if (f.from) where += " AND created_at >= " + p.add(static_cast<long long>(*f.from));
    if (f.to) where += " AND created_at < " + p.add(static_cast<long long>(*f.to));
    if (total) *total = p.count(sql, "audit_logs WHERE " + where);
    std::vector<AuditEntry> out;
    AuditEntry e;
    Nullable<std::string> actor;
    long long t = 0;
    soci::statement st(sql);
    st.exchange(soci::into(e.id));
    st.exchange(soci::into(e.tenant_id));
    st.exchange(soci::into(actor.value, actor.ind));
    st.exchange(soci::into(e.action));
    st.exchange(soci::into(e.resource_type));
    st.exchange(soci::into(e.resource_id));
    st.exchange(soci::into(e.ip_hash));
    st.exchange(soci::into(e.details));
    st.exchange(soci::into(t));
    st.exchange(soci::into(e.request_id));
    p.bind(st);
    st.alloc();
    st.prepare(
        "SELECT id, tenant_id, actor_id, action, resource_type, resource_id, ip_hash, details, created_at, request_id "
        "FROM audit_logs WHERE " +
        where + " ORDER BY created_at DESC, id DESC LIMIT " + std::to_string(f.limit) + " OFFSET " +
        std::to_string(f.offset));
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        AuditEntry o = e;
        o.actor_id = actor.get();
        o.created_at = t;
        out.push_back(o);
        actor.ind = soci::i_null;
    }
    return out;
}

}  // namespace lc::store
