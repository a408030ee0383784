#include "store/join_writer.hpp"

#include <chrono>
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/repositories.hpp"

namespace lc::store {

// The batch's statements, prepared once on the writer's own connection and re-executed with new
// values (re-parsing SQL per join cost more than the writes themselves).
struct JoinWriter::Statements {
    explicit Statements(soci::session& sql, Dialect dialect)
        : session_state(
              (sql.prepare << std::string("SELECT status, participant_count FROM live_sessions WHERE id = :s") +
                                  (dialect == Dialect::kPostgres ? " FOR UPDATE" : ""),
               soci::into(status), soci::into(current), soci::use(session_id))),
          has_active((sql.prepare << kHasActiveParticipationSql, soci::into(count), soci::use(session_id),
                      soci::use(user_id))),
          insert_participant((sql.prepare << "INSERT INTO live_session_participants(id, session_id, user_id, role, "
                                             "joined_at, duration_seconds, device_type, browser, ip_hash, is_active, "
                                             "kicked, kick_reason) VALUES(:a, :b, :c, :d, :e, 0, :h, :i, :j, 1, 0, '')",
                              soci::use(participant_id), soci::use(session_id), soci::use(user_id), soci::use(role),
                              soci::use(joined_at), soci::use(device_type), soci::use(browser), soci::use(ip_hash))),
          count_in((sql.prepare << "UPDATE live_sessions SET participant_count = participant_count + 1, "
                                   "peak_participants = CASE WHEN participant_count + 1 > peak_participants "
                                   "THEN participant_count + 1 ELSE peak_participants END WHERE id = :s",
                    soci::use(session_id))),
          insert_audit((sql.prepare << "INSERT INTO audit_logs(id, tenant_id, actor_id, action, resource_type, "
                                       "resource_id, ip_hash, details, created_at, request_id) "
                                       "VALUES(:i, :t, :a, :ac, :rt, :ri, :ip, :d, :c, :rq)",
                        soci::use(audit_id), soci::use(tenant_id), soci::use(actor_id, actor_ind), soci::use(action),
                        soci::use(resource_type), soci::use(resource_id), soci::use(audit_ip_hash), soci::use(details),
                        soci::use(created_at), soci::use(request_id))) {}

    /// Writes one join, or says why not. The session row is read (and on PostgreSQL locked) first:
    /// the join was decided from a cached copy, and the session may have ended or filled up since.
    JoinOutcome write(const JoinWrite& w) {
        const auto& p = w.participant;
        session_id = p.session_id;
        user_id = p.user_id;
        // Within one transaction the row cannot change under us (SQLite: the write lock; PostgreSQL:
        // FOR UPDATE), so it is read once per batch and then kept in step with our own updates.
        auto seen = batch_sessions.find(session_id);
        if (seen == batch_sessions.end()) {
            status.clear();
            query(session_state);
            seen = batch_sessions.emplace(session_id, SessionState{status, current}).first;
        }
        auto& session = seen->second;
        if (!(session.status == "live" || (w.moderator && session.status == "scheduled"))) return JoinOutcome::kClosed;
        query(has_active);
        bool newly_active = count == 0;
        if (newly_active && w.enforce_capacity && session.participants >= w.max_participants) return JoinOutcome::kFull;
        participant_id = p.id;
        role = domain::to_string(p.role);
        joined_at = p.joined_at;
        device_type = p.device_type;
        browser = p.browser;
        ip_hash = p.ip_hash;
        insert_participant.execute(true);
        if (newly_active) {
            count_in.execute(true);
            ++session.participants;
        }
        const auto& a = w.audit;
        audit_id = a.id;
        tenant_id = a.tenant_id;
        actor_id = a.actor_id.value_or("");
        actor_ind = a.actor_id ? soci::i_ok : soci::i_null;
        action = a.action;
        resource_type = a.resource_type;
        resource_id = a.resource_id;
        audit_ip_hash = a.ip_hash;
        details = a.details;
        created_at = a.created_at;
        request_id = a.request_id;
        insert_audit.execute(true);
        return JoinOutcome::kRecorded;
    }

    /// Runs a one-row SELECT and steps it to the end: an SQLite statement left mid-result keeps a read
    /// snapshot open after COMMIT, and the next BEGIN IMMEDIATE would fail on that stale snapshot.
    static void query(soci::statement& st) {
        st.execute(true);
        while (st.fetch()) {
        }
    }

    struct SessionState {
        std::string status;
        int participants = 0;
    };
    /// Session rows already read in the current transaction; cleared when a batch begins.
    std::unordered_map<std::string, SessionState> batch_sessions;

    // Bound values (declared before the statements that bind them).
    int count = 0;
    int current = 0;
    std::string status;
    std::string session_id, user_id, participant_id, role, device_type, browser, ip_hash;
    long long joined_at = 0;
    std::string audit_id, tenant_id, actor_id, action, resource_type, resource_id, audit_ip_hash, details, request_id;
    soci::indicator actor_ind = soci::i_null;
    long long created_at = 0;

    soci::statement session_state;
    soci::statement has_active;
    soci::statement insert_participant;
    soci::statement count_in;
    soci::statement insert_audit;
};

JoinWriter::JoinWriter(Database& db, std::size_t max_batch) : db_(db), max_batch_(max_batch) {
    thread_ = std::thread([this] { loop(); });
    if (db_.dialect() == Dialect::kSqlite) checkpointer_ = std::thread([this] { checkpoint_loop(); });
}

void JoinWriter::checkpoint_loop() {
    std::unique_lock lk(mu_);
    while (!stopping_) {
        stop_cv_.wait_for(lk, std::chrono::milliseconds(250));
        if (stopping_) break;
        lk.unlock();
        try {
            // PASSIVE: copies what no reader still needs, never waits for the writer or blocks it.
            soci::session sql(db_.pool());
            sql << "PRAGMA wal_checkpoint(PASSIVE)";
        } catch (const std::exception&) {
            // Retried at the next tick; a failed checkpoint only leaves the WAL longer for a while.
        }
        lk.lock();
    }
}

JoinWriter::~JoinWriter() { stop(); }

void JoinWriter::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (checkpointer_.joinable()) checkpointer_.join();
}

void JoinWriter::submit(JoinWrite w, Done done) {
    {
        std::lock_guard lk(mu_);
        if (!stopping_) {
            queue_.push_back(Pending{std::move(w), std::move(done)});
            cv_.notify_one();
            return;
        }
    }
    done(JoinOutcome::kFailed, "the server is shutting down");
}

void JoinWriter::loop() {
    while (true) {
        std::vector<Pending> batch;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) break;
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        std::string error;
        if (write_batch(batch, error)) {
            for (auto& p : batch) p.done(p.outcome, "");
            continue;
        }
        if (batch.size() == 1) {
            batch[0].done(JoinOutcome::kFailed, error);
            continue;
        }
        // One bad row must not fail its neighbours: write them one at a time to isolate it.
        for (auto& p : batch) {
            std::vector<Pending> one;
            one.push_back(std::move(p));
            std::string e;
            bool ok = write_batch(one, e);
            one[0].done(ok ? one[0].outcome : JoinOutcome::kFailed, ok ? "" : e);
        }
    }
    st_.reset();
    sql_.reset();
}

bool JoinWriter::write_batch(std::vector<Pending>& batch, std::string& error) {
    try {
        if (!sql_) {
            // The writer keeps one pooled connection for its life: its prepared statements live there.
            // Leased before taking the write mutex (see Tx: lock order mutex -> pool only for Tx).
            sql_.emplace(db_.pool());
            if (db_.dialect() == Dialect::kSqlite) *sql_ << "PRAGMA wal_autocheckpoint=0";
            st_ = std::make_unique<Statements>(*sql_, db_.dialect());
        }
        std::unique_lock<std::mutex> lock(db_.write_mutex(), std::defer_lock);
        if (db_.dialect() == Dialect::kSqlite) lock.lock();  // take turns with this process's other writers
        *sql_ << (db_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
        try {
            st_->batch_sessions.clear();
            for (auto& p : batch) p.outcome = st_->write(p.w);
            *sql_ << "COMMIT";
        } catch (...) {
            *sql_ << "ROLLBACK";
            throw;
        }
        return true;
    } catch (const std::exception& e) {
        error = e.what();
        // The connection may be broken: prepare afresh on a new one next time.
        st_.reset();
        sql_.reset();
        return false;
    }
}

}  // namespace lc::store
