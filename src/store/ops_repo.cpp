#include "store/ops_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;

long long count_live_sessions(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM live_sessions WHERE status = 'live'", soci::into(n);
    return n;
}

long long count_active_participants(soci::session& sql) {
    long long n = 0;
    // Through the live classes: (session_id, is_active) is indexed, is_active alone is not, and this
    // runs on every scrape of every process.
    sql << "SELECT COUNT(*) FROM live_session_participants WHERE is_active = 1 AND session_id IN "
           "(SELECT id FROM live_sessions WHERE status IN ('scheduled', 'live'))",
        soci::into(n);
    return n;
}

std::vector<std::pair<std::string, long long>> queued_jobs_by_type(soci::session& sql) {
    std::vector<std::pair<std::string, long long>> out;
    std::string type;
    long long n = 0;
    soci::statement st = (sql.prepare << "SELECT type, COUNT(*) FROM jobs WHERE status = 'queued' GROUP BY type "
                                         "ORDER BY type",
                          soci::into(type), soci::into(n));
    st.execute();
    while (st.fetch()) out.emplace_back(type, n);
    return out;
}

std::vector<LiveSessionOps> live_sessions_of(soci::session& sql, const std::string& tenant_id, int limit) {
    std::vector<LiveSessionOps> out;
    LiveSessionOps s;
    Nullable<long long> start;
    soci::statement st =
        (sql.prepare << "SELECT s.id, s.title, s.provider, s.room_id, s.actual_start, s.peak_participants, "
                        "(SELECT COUNT(*) FROM live_session_participants p WHERE p.session_id = s.id AND "
                        "p.is_active = 1) FROM live_sessions s WHERE s.tenant_id = :t AND s.status = 'live' "
                        "ORDER BY s.actual_start, s.id LIMIT :n",
         soci::into(s.id), soci::into(s.title), soci::into(s.provider), soci::into(s.room_id),
         soci::into(start.value, start.ind), soci::into(s.peak_participants), soci::into(s.participant_count),
         soci::use(tenant_id), soci::use(limit));
    st.execute();
    while (st.fetch()) {
        s.actual_start = start.get();
        out.push_back(s);
    }
    return out;
}

std::vector<WebhookEvent> recent_webhook_events(soci::session& sql, const std::string& tenant_id, int limit,
                                                const std::vector<std::string>& statuses) {
    detail::Params p;
    std::string q =
        "SELECT id, provider, session_id, event_type, status, reason, received_at, processed_at FROM webhook_events "
        "WHERE tenant_id = " +
        p.add(tenant_id);
    if (!statuses.empty()) {
        q += " AND status IN (";
        for (std::size_t i = 0; i < statuses.size(); ++i) q += (i ? ", " : "") + p.add(statuses[i]);
        q += ")";
    }
    q += " ORDER BY received_at DESC, id DESC LIMIT " + p.add(static_cast<long long>(limit));
    std::vector<WebhookEvent> out;
    WebhookEvent e;
    Nullable<std::string> session;
    Nullable<long long> processed;
    long long received = 0;
    soci::statement st(sql);
    st.exchange(soci::into(e.id));
    st.exchange(soci::into(e.provider));
    st.exchange(soci::into(session.value, session.ind));
    st.exchange(soci::into(e.event_type));
    st.exchange(soci::into(e.status));
    st.exchange(soci::into(e.reason));
    st.exchange(soci::into(received));
    st.exchange(soci::into(processed.value, processed.ind));
    p.bind(st);
    st.alloc();
    st.prepare(q);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        e.tenant_id = tenant_id;
        e.session_id = session.get();
        e.received_at = received;
        e.processed_at = processed.get();
        out.push_back(e);
    }
    return out;
}

std::vector<Job> failed_jobs(soci::session& sql, const std::string& tenant_id, int limit) {
    std::vector<Job> out;
    Job j;
    long long run_at = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, type, status, attempts, max_attempts, run_at, public_error FROM jobs "
                        "WHERE tenant_id = :t AND (status = 'dead' OR (status = 'queued' AND last_error <> '')) "
                        "ORDER BY updated_at DESC, id DESC LIMIT :n",
         soci::into(j.id), soci::into(j.type), soci::into(j.status), soci::into(j.attempts), soci::into(j.max_attempts),
         soci::into(run_at), soci::into(j.public_error), soci::use(tenant_id), soci::use(limit));
    st.execute();
    while (st.fetch()) {
        j.tenant_id = tenant_id;
        j.run_at = run_at;
        out.push_back(j);
    }
    return out;
}

WebhookCounts webhook_counts_since(soci::session& sql, UnixTime since) {
    // One count per status: each is a range scan of the (status, received_at) index.
    WebhookCounts c;
    long long t = since;
    for (const char* status : {"received", "processed", "ignored", "rejected", "failed"}) {
        long long n = 0;
        std::string s = status;
        sql << "SELECT COUNT(*) FROM webhook_events WHERE status = :s AND received_at >= :t", soci::into(n),
            soci::use(s), soci::use(t);
        c.total += n;
        if (s == "failed") c.failed = n;
        if (s == "rejected") c.rejected = n;
    }
    return c;
}

std::optional<Incident> open_incident(soci::session& sql, const std::string& kind) {
    Incident i;
    long long opened = 0;
    Nullable<long long> sent;
    soci::indicator ind = soci::i_null;
    sql << "SELECT id, kind, status, detail, opened_at, alert_sent_at FROM ops_incidents WHERE kind = :k AND "
           "status = 'open'",
        soci::into(i.id, ind), soci::into(i.kind), soci::into(i.status), soci::into(i.detail), soci::into(opened),
        soci::into(sent.value, sent.ind), soci::use(kind);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    i.opened_at = opened;
    i.alert_sent_at = sent.get();
    return i;
}

bool open_incident_once(soci::session& sql, const std::string& id, const std::string& kind, const std::string& detail,
                        UnixTime now) {
    long long t = now;
    // Both engines take the partial unique index's predicate as the conflict target.
    soci::statement st = (sql.prepare << "INSERT INTO ops_incidents(id, kind, status, detail, opened_at) "
                                         "VALUES(:i, :k, 'open', :d, :t) ON CONFLICT (kind) WHERE status = 'open' "
                                         "DO NOTHING",
                          soci::use(id), soci::use(kind), soci::use(detail), soci::use(t));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

bool claim_alert(soci::session& sql, const std::string& id, UnixTime now) {
    long long t = now;
    soci::statement st =
        (sql.prepare << "UPDATE ops_incidents SET alert_sent_at = :t WHERE id = :i AND alert_sent_at IS NULL",
         soci::use(t), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

void release_alert(soci::session& sql, const std::string& id) {
    sql << "UPDATE ops_incidents SET alert_sent_at = NULL WHERE id = :i", soci::use(id);
}

bool resolve_incident(soci::session& sql, const std::string& id, UnixTime now) {
    long long t = now;
    soci::statement st = (sql.prepare << "UPDATE ops_incidents SET status = 'resolved', resolved_at = :t "
                                         "WHERE id = :i AND status = 'open'",
                          soci::use(t), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

void mark_resolved_sent(soci::session& sql, const std::string& id, UnixTime now) {
    long long t = now;
    sql << "UPDATE ops_incidents SET resolved_sent_at = :t WHERE id = :i", soci::use(t), soci::use(id);
}

}  // namespace lc::store
