#include "store/webhook_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;

namespace {

void insert_event(soci::session& sql, const WebhookEvent& e, const char* conflict_clause) {
    Nullable<std::string> tenant, session;
    tenant.set(e.tenant_id);
    session.set(e.session_id);
    long long received = e.received_at;
    sql << std::string(
               "INSERT INTO webhook_events(id, provider, tenant_id, session_id, dedupe_key, event_type, status, "
               "reason, body, normalized, received_at) "
               "VALUES(:i, :p, :t, :s, :k, :e, :st, :r, :b, :n, :at)") +
               conflict_clause,
        soci::use(e.id), soci::use(e.provider), soci::use(tenant.value, tenant.ind),
        soci::use(session.value, session.ind), soci::use(e.dedupe_key), soci::use(e.event_type), soci::use(e.status),
        soci::use(e.reason), soci::use(e.body), soci::use(e.normalized), soci::use(received);
}

}  // namespace

bool insert_webhook_event(soci::session& sql, const WebhookEvent& e) {
    // Both engines accept the partial index's predicate as the conflict target.
    insert_event(sql, e, " ON CONFLICT (provider, dedupe_key) WHERE status <> 'rejected' DO NOTHING");
    int n = 0;
    std::string id = e.id;
    sql << "SELECT COUNT(*) FROM webhook_events WHERE id = :i", soci::into(n), soci::use(id);
    return n > 0;
}

void insert_rejected_webhook(soci::session& sql, const WebhookEvent& e) { insert_event(sql, e, ""); }

void finish_webhook_event(soci::session& sql, const std::string& id, const std::string& status,
                          const std::string& reason, UnixTime at) {
    long long t = at;
    std::string r = reason.substr(0, 1000);
    sql << "UPDATE webhook_events SET status = :s, reason = :r, processed_at = :t WHERE id = :i", soci::use(status),
        soci::use(r), soci::use(t), soci::use(id);
}

long long count_webhook_events(soci::session& sql, const std::string& provider, const std::string& status) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM webhook_events WHERE provider = :p AND status = :s", soci::into(n),
        soci::use(provider), soci::use(status);
    return n;
}

std::optional<std::string> session_tenant(soci::session& sql, const std::string& session_id) {
    std::string tenant;
    soci::indicator ind = soci::i_null;
    sql << "SELECT tenant_id FROM live_sessions WHERE id = :i", soci::into(tenant, ind), soci::use(session_id);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    return tenant;
}

std::optional<std::string> session_by_room(soci::session& sql, const std::string& tenant_id,
                                           const std::string& room_id) {
    std::string id;
    soci::indicator ind = soci::i_null;
    sql << "SELECT id FROM live_sessions WHERE tenant_id = :t AND room_id = :r", soci::into(id, ind),
        soci::use(tenant_id), soci::use(room_id);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    return id;
}

std::vector<std::string> live_rooms(soci::session& sql, const std::string& tenant_id, const std::string& provider) {
    std::vector<std::string> out;
    std::string room;
    soci::statement st = (sql.prepare << "SELECT room_id FROM live_sessions WHERE tenant_id = :t AND provider = :p "
                                         "AND status = 'live' ORDER BY room_id",
                          soci::into(room), soci::use(tenant_id), soci::use(provider));
    st.execute();
    while (st.fetch()) out.push_back(room);
    return out;
}

bool any_live_rooms(soci::session& sql, const std::string& provider) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM live_sessions WHERE provider = :p AND status = 'live' LIMIT 1) AS a",
        soci::into(n), soci::use(provider);
    return n > 0;
}

std::vector<WebhookEvent> received_webhook_events(soci::session& sql, int limit) {
    std::vector<WebhookEvent> out;
    WebhookEvent e;
    Nullable<std::string> tenant;
    long long received = 0;
    const bool pg = sql.get_backend_name() == "postgresql";
    soci::statement st =
        (sql.prepare << std::string("SELECT id, provider, tenant_id, event_type, normalized, received_at "
                                    "FROM webhook_events WHERE status = 'received' ORDER BY received_at LIMIT :n") +
                            (pg ? " FOR UPDATE SKIP LOCKED" : ""),
         soci::into(e.id), soci::into(e.provider), soci::into(tenant.value, tenant.ind), soci::into(e.event_type),
         soci::into(e.normalized), soci::into(received), soci::use(limit));
    st.execute();
    while (st.fetch()) {
        e.tenant_id = tenant.get();
        e.received_at = received;
        e.status = "received";
        out.push_back(e);
    }
    return out;
}

bool job_queued(soci::session& sql, const std::string& type) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE type = :t AND status = 'queued' LIMIT 1) AS a",
        soci::into(n), soci::use(type);
    return n > 0;
}

bool job_pending(soci::session& sql, const std::string& type) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE type = :t AND status IN ('queued', 'running')", soci::into(n),
        soci::use(type);
    return n > 0;
}

namespace {

/// A user's participation rows in a session over one provider connection, plus the rows our join
/// endpoint opened (connection ""): everything a provider join or leave is paired with, in one read.
struct ConnectionRow {
    std::string id;
    std::string source;
    std::string connection_id;
    long long joined_at = 0;
    std::optional<long long> left_at;
    bool active = false;
};

std::vector<ConnectionRow> connection_rows(soci::session& sql, const std::string& session_id,
                                           const std::string& user_id, const std::string& connection_id) {
    std::vector<ConnectionRow> out;
    ConnectionRow r;
    Nullable<long long> left;
    int active = 0;
    const std::string endpoint;  // our join endpoint's rows have no connection id
    soci::statement st =
        (sql.prepare
             << "SELECT id, source, connection_id, joined_at, left_at, is_active FROM live_session_participants "
                "WHERE session_id = :s AND user_id = :u AND connection_id IN (:c, :e)",
         soci::into(r.id), soci::into(r.source), soci::into(r.connection_id), soci::into(r.joined_at),
         soci::into(left.value, left.ind), soci::into(active), soci::use(session_id), soci::use(user_id),
         soci::use(connection_id), soci::use(endpoint));
    st.execute();
    while (st.fetch()) {
        r.left_at = left.get();
        r.active = active != 0;
        out.push_back(r);
    }
    return out;
}

/// The row `better` prefers among those `match` accepts (the first such when several tie).
template <class Match, class Better>
const ConnectionRow* pick(const std::vector<ConnectionRow>& rows, Match match, Better better) {
    const ConnectionRow* best = nullptr;
    for (const auto& r : rows)
        if (match(r) && (!best || better(r, *best))) best = &r;
    return best;
}

/// Our join endpoint's latest row for the user still open at `at` (it cannot know the connection id).
const ConnectionRow* open_endpoint_row(const std::vector<ConnectionRow>& rows, long long at) {
    return pick(
        rows,
        [&](const ConnectionRow& r) {
            return r.connection_id.empty() && r.source == "join" && r.active && r.joined_at <= at;
        },
        [](const ConnectionRow& a, const ConnectionRow& b) { return a.joined_at > b.joined_at; });
}

void insert_row(soci::session& sql, const std::string& id, const std::string& session_id, const std::string& user_id,
                const std::string& role, const std::string& connection_id, long long joined,
                std::optional<long long> left, const char* source) {
    Nullable<long long> l;
    l.set(left);
    int active = left ? 0 : 1;
    int duration = 0;
    std::string src = source;
    sql << "INSERT INTO live_session_participants(id, session_id, user_id, role, joined_at, left_at, duration_seconds, "
           "device_type, browser, ip_hash, is_active, kicked, kick_reason, source, connection_id) "
           "VALUES(:i, :s, :u, :r, :j, :l, :d, '', '', '', :a, 0, '', :src, :c)",
        soci::use(id), soci::use(session_id), soci::use(user_id), soci::use(role), soci::use(joined),
        soci::use(l.value, l.ind), soci::use(duration), soci::use(active), soci::use(src), soci::use(connection_id);
}

void close_row(soci::session& sql, const std::string& id, long long at, const char* source,
               const std::string& connection_id) {
    std::string src = source;
    sql << "UPDATE live_session_participants SET " + detail::close_participation_set(at, "provider") +
               ", source = :src, connection_id = :c WHERE id = :i",
        soci::use(src), soci::use(connection_id), soci::use(id);
}

}  // namespace

// Rows are keyed by (session, user, connection): a provider that names each connection (BBB, Zoom,
// Jitsi occupants) gets exact join/leave pairs in any order. Without a connection id the key is
// (session, user, ""), and a leave pairs with the user's latest open row.
bool provider_join(soci::session& sql, const std::string& new_id, const std::string& session_id,
                   const std::string& user_id, const std::string& role, const std::string& connection_id, UnixTime at) {
    long long t = at;
    const auto rows = connection_rows(sql, session_id, user_id, connection_id);
    auto ours = [&](const ConnectionRow& r) { return r.connection_id == connection_id; };
    // The same join delivered again.
    if (pick(
            rows, [&](const ConnectionRow& r) { return ours(r) && r.source == "provider" && r.joined_at == t; },
            [](const ConnectionRow&, const ConnectionRow&) { return false; }))
        return false;
    // Its leave came first: complete that row.
    if (auto* row = pick(
            rows,
            [&](const ConnectionRow& r) {
                return ours(r) && r.source == "provider_leave_first" && r.left_at && *r.left_at >= t;
            },
            [](const ConnectionRow& a, const ConnectionRow& b) { return *a.left_at < *b.left_at; })) {
        sql << "UPDATE live_session_participants SET joined_at = :t, duration_seconds = CASE WHEN left_at > :t2 "
               "THEN left_at - :t3 ELSE 0 END, source = 'provider' WHERE id = :i",
            soci::use(t), soci::use(t), soci::use(t), soci::use(row->id);
        return true;
    }
    // The user came in through our join endpoint: the provider's time is when they really entered.
    if (auto* row = open_endpoint_row(rows, t)) {
        sql << "UPDATE live_session_participants SET joined_at = :t, source = 'provider', connection_id = :c "
               "WHERE id = :i",
            soci::use(t), soci::use(connection_id), soci::use(row->id);
        return true;
    }
    insert_row(sql, new_id, session_id, user_id, role, connection_id, t, std::nullopt, "provider");
    return true;
}

bool provider_leave(soci::session& sql, const std::string& new_id, const std::string& session_id,
                    const std::string& user_id, const std::string& role, const std::string& connection_id,
                    UnixTime at) {
    long long t = at;
    const auto rows = connection_rows(sql, session_id, user_id, connection_id);
    auto ours = [&](const ConnectionRow& r) { return r.connection_id == connection_id; };
    if (pick(
            rows,
            [&](const ConnectionRow& r) {
                return ours(r) && (r.source == "provider" || r.source == "provider_leave_first") && r.left_at == t;
            },
            [](const ConnectionRow&, const ConnectionRow&) { return false; }))
        return false;
    if (auto* row = pick(
            rows,
            [&](const ConnectionRow& r) { return ours(r) && r.source == "provider" && r.active && r.joined_at <= t; },
            [](const ConnectionRow& a, const ConnectionRow& b) { return a.joined_at > b.joined_at; })) {
        close_row(sql, row->id, t, "provider", connection_id);
        return true;
    }
    // Left before the provider's join reached us: close our endpoint's row and let the join, when it
    // arrives, correct the start time.
    if (auto* row = open_endpoint_row(rows, t)) {
        close_row(sql, row->id, t, "provider_leave_first", connection_id);
        return true;
    }
    insert_row(sql, new_id, session_id, user_id, role, connection_id, t, t, "provider_leave_first");
    return true;
}

long long kick_participant(soci::session& sql, const std::string& session_id, const std::string& user_id,
                           const std::string& reason, UnixTime at) {
    long long n = 0, t = at;
    sql << "SELECT COUNT(*) FROM live_session_participants WHERE session_id = :s AND user_id = :u", soci::into(n),
        soci::use(session_id), soci::use(user_id);
    if (n == 0) return 0;
    sql << "UPDATE live_session_participants SET " + detail::close_participation_set(t, "kicked") +
               " WHERE session_id = :s AND user_id = :u AND is_active = 1",
        soci::use(session_id), soci::use(user_id);
    sql << "UPDATE live_session_participants SET kicked = 1, kick_reason = :r, is_active = 0 "
           "WHERE session_id = :s AND user_id = :u",
        soci::use(reason), soci::use(session_id), soci::use(user_id);
    return n;
}

std::vector<std::string> kicked_users(soci::session& sql, const std::string& session_id) {
    std::vector<std::string> out;
    std::string user;
    soci::statement st = (sql.prepare << "SELECT DISTINCT user_id FROM live_session_participants "
                                         "WHERE session_id = :s AND kicked = 1",
                          soci::into(user), soci::use(session_id));
    st.execute();
    while (st.fetch()) out.push_back(user);
    return out;
}

void recount_participants(soci::session& sql, const std::string& session_id) {
    int n = 0;
    sql << "SELECT COUNT(DISTINCT user_id) FROM live_session_participants WHERE session_id = :s AND is_active = 1",
        soci::into(n), soci::use(session_id);
    sql << "UPDATE live_sessions SET participant_count = :n, "
           "peak_participants = CASE WHEN :n2 > peak_participants THEN :n3 ELSE peak_participants END WHERE id = :s",
        soci::use(n), soci::use(n), soci::use(n), soci::use(session_id);
}

bool insert_provider_recording(soci::session& sql, const std::string& id, const std::string& tenant_id,
                               const std::string& session_id, const std::string& provider_recording_id,
                               const std::string& provider_url, long long duration_seconds, long long size_bytes,
                               const std::string& format, UnixTime now) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM live_session_recordings WHERE session_id = :s AND provider_recording_id = :r",
        soci::into(n), soci::use(session_id), soci::use(provider_recording_id);
    if (n > 0) return false;
    long long t = now;
    int duration = static_cast<int>(duration_seconds);
    sql << "INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, provider_url, "
           "duration_seconds, file_size_bytes, format, status, created_at) "
           "VALUES(:i, :t, :s, :r, :u, :d, :z, :f, 'processing', :c)",
        soci::use(id), soci::use(tenant_id), soci::use(session_id), soci::use(provider_recording_id),
        soci::use(provider_url), soci::use(duration), soci::use(size_bytes), soci::use(format), soci::use(t);
    return true;
}

std::optional<std::string> provider_recording_status(soci::session& sql, const std::string& tenant_id,
                                                     const std::string& provider_recording_id) {
    std::string status;
    soci::indicator ind = soci::i_null;
    sql << "SELECT status FROM live_session_recordings WHERE tenant_id = :t AND provider_recording_id = :r",
        soci::into(status, ind), soci::use(tenant_id), soci::use(provider_recording_id);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    return status;
}

}  // namespace lc::store
