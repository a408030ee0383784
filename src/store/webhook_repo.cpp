#include "store/webhook_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;

namespace {

/// Inserts the row; returns how many rows the statement inserted (0: the conflict clause skipped it).
long long insert_event(soci::session& sql, const WebhookEvent& e, const char* conflict_clause) {
    Nullable<std::string> tenant, session;
    tenant.set(e.tenant_id);
    session.set(e.session_id);
    long long received = e.received_at;
    soci::statement st =
        (sql.prepare << std::string("INSERT INTO webhook_events(id, provider, tenant_id, session_id, dedupe_key, "
                                    "event_type, status, reason, body, normalized, received_at) "
                                    "VALUES(:i, :p, :t, :s, :k, :e, :st, :r, :b, :n, :at)") +
                            conflict_clause,
         soci::use(e.id), soci::use(e.provider), soci::use(tenant.value, tenant.ind),
         soci::use(session.value, session.ind), soci::use(e.dedupe_key), soci::use(e.event_type), soci::use(e.status),
         soci::use(e.reason), soci::use(e.body), soci::use(e.normalized), soci::use(received));
    st.execute(true);
    return st.get_affected_rows();
}

}  // namespace

bool insert_webhook_event(soci::session& sql, const WebhookEvent& e) {
    // Both engines accept the partial index's predicate as the conflict target; a duplicate inserts
    // nothing, which the statement's row count says without another query.
    return insert_event(sql, e, " ON CONFLICT (provider, dedupe_key) WHERE status <> 'rejected' DO NOTHING") > 0;
}

void insert_rejected_webhook(soci::session& sql, const WebhookEvent& e) { insert_event(sql, e, ""); }

InboxMarker::InboxMarker(soci::session& sql)
    : st_((sql.prepare << "UPDATE webhook_events SET status = :s, reason = :r, processed_at = :t WHERE id = :i",
           soci::use(status_), soci::use(reason_), soci::use(at_), soci::use(id_))) {}

void InboxMarker::finish(const std::string& id, const std::string& status, const std::string& reason, UnixTime at) {
    id_ = id;
    status_ = status;
    reason_ = reason.substr(0, 1000);
    at_ = at;
    st_.execute(true);
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
                                           const std::string& provider, const std::string& room_id) {
    std::string id;
    soci::indicator ind = soci::i_null;
    sql << "SELECT id FROM live_sessions WHERE tenant_id = :t AND room_id = :r AND provider = :p", soci::into(id, ind),
        soci::use(tenant_id), soci::use(room_id), soci::use(provider);
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

/// The row `better` prefers among those `match` accepts (the first such when several tie).
template <class Match, class Better>
const ConnectionRow* pick(const std::vector<ConnectionRow>& rows, Match match, Better better) {
    const ConnectionRow* best = nullptr;
    for (const auto& r : rows)
        if (match(r) && (!best || better(r, *best))) best = &r;
    return best;
}

bool never_better(const ConnectionRow&, const ConnectionRow&) { return false; }

/// Our join endpoint's latest row for the user still open at `at` (it cannot know the connection id).
const ConnectionRow* open_endpoint_row(const std::vector<ConnectionRow>& rows, long long at) {
    return pick(
        rows,
        [&](const ConnectionRow& r) {
            return r.connection_id.empty() && r.source == "join" && r.active && r.joined_at <= at;
        },
        [](const ConnectionRow& a, const ConnectionRow& b) { return a.joined_at > b.joined_at; });
}

}  // namespace

// Every statement is prepared once, bound to these members, and run with new values each time.
struct ProviderParticipation::Statements {
    explicit Statements(soci::session& sql)
        : select_rows((sql.prepare << "SELECT id, source, connection_id, joined_at, left_at, is_active "
                                      "FROM live_session_participants WHERE session_id = :s AND user_id = :u AND "
                                      "connection_id IN (:c, :e)",
                       soci::into(row.id), soci::into(row.source), soci::into(row.connection_id),
                       soci::into(row.joined_at), soci::into(left.value, left.ind), soci::into(active),
                       soci::use(session_id), soci::use(user_id), soci::use(connection_id), soci::use(endpoint))),
          insert((sql.prepare << "INSERT INTO live_session_participants(id, session_id, user_id, role, joined_at, "
                                 "left_at, duration_seconds, device_type, browser, ip_hash, is_active, kicked, "
                                 "kick_reason, source, connection_id, end_reason) "
                                 "VALUES(:i, :s, :u, :r, :j, :l, 0, '', '', '', :a, 0, '', :src, :c, :er)",
                  soci::use(row_id), soci::use(session_id), soci::use(user_id), soci::use(role), soci::use(at),
                  soci::use(leave_at.value, leave_at.ind), soci::use(insert_active), soci::use(source),
                  soci::use(connection_id), soci::use(end_reason))),
          complete_leave_first((sql.prepare << "UPDATE live_session_participants SET joined_at = :t, "
                                               "duration_seconds = CASE WHEN left_at > :t2 THEN left_at - :t3 "
                                               "ELSE 0 END, source = 'provider' WHERE id = :i",
                                soci::use(at), soci::use(at), soci::use(at), soci::use(row_id))),
          adopt((sql.prepare << "UPDATE live_session_participants SET joined_at = :t, source = 'provider', "
                                "connection_id = :c WHERE id = :i",
                 soci::use(at), soci::use(connection_id), soci::use(row_id))),
          close((sql.prepare << "UPDATE live_session_participants SET is_active = 0, left_at = :t, "
                                "duration_seconds = CASE WHEN :t2 > joined_at THEN :t3 - joined_at ELSE 0 END, "
                                "background_duration = background_duration + CASE WHEN hidden_since IS NOT NULL "
                                "AND :t4 > hidden_since THEN :t5 - hidden_since ELSE 0 END, end_reason = 'provider', "
                                "source = :src, connection_id = :c WHERE id = :i",
                 soci::use(at), soci::use(at), soci::use(at), soci::use(at), soci::use(at), soci::use(source),
                 soci::use(connection_id), soci::use(row_id))) {}

    /// Sets the event's key and time for every statement, and reads the rows it pairs with.
    std::vector<ConnectionRow> rows_for(const std::string& session, const std::string& user,
                                        const std::string& connection, UnixTime when) {
        session_id = session;
        user_id = user;
        connection_id = connection;
        at = when;
        std::vector<ConnectionRow> out;
        select_rows.execute();
        while (select_rows.fetch()) {
            ConnectionRow r = row;
            r.left_at = left.get();
            r.active = active != 0;
            out.push_back(std::move(r));
            left.ind = soci::i_null;
        }
        return out;
    }

    // Bound values (set before each execute).
    std::string session_id, user_id, connection_id, role, row_id, source, end_reason;
    const std::string endpoint;  // our join endpoint's rows have no connection id
    long long at = 0;
    Nullable<long long> leave_at;
    int insert_active = 1;
    // Read values.
    ConnectionRow row;
    Nullable<long long> left;
    int active = 0;
    soci::statement select_rows, insert, complete_leave_first, adopt, close;
};

ProviderParticipation::ProviderParticipation(soci::session& sql) : st_(std::make_unique<Statements>(sql)) {}
ProviderParticipation::~ProviderParticipation() = default;

// Rows are keyed by (session, user, connection): a provider that names each connection (BBB, Zoom,
// Jitsi occupants) gets exact join/leave pairs in any order. Without a connection id the key is
// (session, user, ""), and a leave pairs with the user's latest open row.
bool ProviderParticipation::join(const std::string& new_id, const std::string& session_id, const std::string& user_id,
                                 const std::string& role, const std::string& connection_id, UnixTime at) {
    Statements& s = *st_;
    const long long t = at;
    const auto rows = s.rows_for(session_id, user_id, connection_id, at);
    auto ours = [&](const ConnectionRow& r) { return r.connection_id == connection_id; };
    // The same join delivered again.
    if (pick(
            rows, [&](const ConnectionRow& r) { return ours(r) && r.source == "provider" && r.joined_at == t; },
            never_better))
        return false;
    // Its leave came first: complete that row.
    if (auto* row = pick(
            rows,
            [&](const ConnectionRow& r) {
                return ours(r) && r.source == "provider_leave_first" && r.left_at && *r.left_at >= t;
            },
            [](const ConnectionRow& a, const ConnectionRow& b) { return *a.left_at < *b.left_at; })) {
        s.row_id = row->id;
        s.complete_leave_first.execute(true);
        return true;
    }
    // The user came in through our join endpoint: the provider's time is when they really entered.
    if (auto* row = open_endpoint_row(rows, t)) {
        s.row_id = row->id;
        s.adopt.execute(true);
        return true;
    }
    s.row_id = new_id;
    s.role = role;
    s.leave_at.set(std::nullopt);
    s.insert_active = 1;
    s.source = "provider";
    s.end_reason.clear();
    s.insert.execute(true);
    return true;
}

bool ProviderParticipation::leave(const std::string& new_id, const std::string& session_id, const std::string& user_id,
                                  const std::string& role, const std::string& connection_id, UnixTime at) {
    Statements& s = *st_;
    const long long t = at;
    const auto rows = s.rows_for(session_id, user_id, connection_id, at);
    auto ours = [&](const ConnectionRow& r) { return r.connection_id == connection_id; };
    if (pick(
            rows,
            [&](const ConnectionRow& r) {
                return ours(r) && (r.source == "provider" || r.source == "provider_leave_first") && r.left_at == t;
            },
            never_better))
        return false;
    if (auto* row = pick(
            rows,
            [&](const ConnectionRow& r) { return ours(r) && r.source == "provider" && r.active && r.joined_at <= t; },
            [](const ConnectionRow& a, const ConnectionRow& b) { return a.joined_at > b.joined_at; })) {
        s.row_id = row->id;
        s.source = "provider";
        s.close.execute(true);
        return true;
    }
    // Left before the provider's join reached us: close our endpoint's row and let the join, when it
    // arrives, correct the start time.
    if (auto* row = open_endpoint_row(rows, t)) {
        s.row_id = row->id;
        s.source = "provider_leave_first";
        s.close.execute(true);
        return true;
    }
    s.row_id = new_id;
    s.role = role;
    s.leave_at.set(t);
    s.insert_active = 0;
    s.source = "provider_leave_first";
    s.end_reason = "provider";
    s.insert.execute(true);
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
                               const std::string& format, UnixTime now, std::optional<UnixTime> started_at) {
    long long t = now;
    int duration = static_cast<int>(duration_seconds);
    detail::Nullable<long long> started;
    started.set(started_at ? std::optional<long long>(*started_at) : std::nullopt);
    // ON CONFLICT, not a look first: two workers reporting the same recording at once would both find
    // none (migration 0018's unique index; on PostgreSQL the second insert waits for the first to commit).
    soci::statement st =
        (sql.prepare << "INSERT INTO live_session_recordings(id, tenant_id, session_id, provider_recording_id, "
                        "provider_url, duration_seconds, file_size_bytes, format, status, created_at, started_at) "
                        "VALUES(:i, :t, :s, :r, :u, :d, :z, :f, 'processing', :c, :sa) ON CONFLICT DO NOTHING",
         soci::use(id), soci::use(tenant_id), soci::use(session_id), soci::use(provider_recording_id),
         soci::use(provider_url), soci::use(duration), soci::use(size_bytes), soci::use(format), soci::use(t),
         soci::use(started.value, started.ind));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::vector<std::string> ignored_events_of_session(soci::session& sql, const std::string& tenant_id,
                                                   const std::string& session_id, const std::string& provider,
                                                   const std::string& event_type, int limit) {
    std::vector<std::string> out;
    std::string normalized;
    soci::statement st = (sql.prepare << "SELECT normalized FROM webhook_events WHERE tenant_id = :t AND "
                                         "session_id = :s AND provider = :p AND event_type = :e AND "
                                         "status = 'ignored' ORDER BY received_at DESC LIMIT :n",
                          soci::into(normalized), soci::use(tenant_id), soci::use(session_id), soci::use(provider),
                          soci::use(event_type), soci::use(limit));
    st.execute();
    while (st.fetch()) out.push_back(normalized);
    return out;
}

std::optional<std::string> find_recording_by_provider_prefix(soci::session& sql, const std::string& tenant_id,
                                                             const std::string& session_id, const std::string& prefix) {
    // substr, not LIKE: Zoom's meeting uuids are base64 and may hold characters LIKE reads as patterns.
    std::string id;
    const int length = static_cast<int>(prefix.size());
    sql << "SELECT id FROM live_session_recordings WHERE tenant_id = :t AND session_id = :s AND "
           "substr(provider_recording_id, 1, :n) = :p ORDER BY created_at LIMIT 1",
        soci::into(id), soci::use(tenant_id), soci::use(session_id), soci::use(length), soci::use(prefix);
    if (!sql.got_data()) return std::nullopt;
    return id;
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
