#include "store/job_repo.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/text.hpp"

namespace lc::store {

namespace {
/// On SQLite, job writes take their turn on the process's write mutex like every other writer
/// (before leasing a connection, as Tx does) instead of meeting SQLite's sleeping busy handler.
std::unique_lock<std::mutex> write_turn(Database& db) {
    return db.dialect() == Dialect::kSqlite ? std::unique_lock<std::mutex>(db.write_mutex())
                                            : std::unique_lock<std::mutex>();
}
}  // namespace

void enqueue_job(soci::session& sql, const Job& job, UnixTime now) {
    long long run_at = job.run_at ? job.run_at : now, t = now;
    sql << "INSERT INTO jobs(id, tenant_id, type, payload, status, attempts, max_attempts, run_at, created_at, "
           "updated_at) VALUES(:i, :t, :ty, :p, 'queued', 0, :m, :r, :c, :u)",
        soci::use(job.id), soci::use(job.tenant_id), soci::use(job.type), soci::use(job.payload),
        soci::use(job.max_attempts), soci::use(run_at), soci::use(t), soci::use(t);
}

bool enqueue_once(soci::session& sql, const std::string& id, const std::string& type, UnixTime run_at, UnixTime now) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE type = :t AND status = 'queued'", soci::into(n), soci::use(type);
    if (n > 0) return false;
    Job job;
    job.id = id;
    job.type = type;
    job.run_at = run_at;
    enqueue_job(sql, job, now);
    return true;
}

std::optional<Job> claim_job(Database& db, const std::string& worker_id, UnixTime now,
                             const std::vector<std::string>& types) {
    auto turn = write_turn(db);
    soci::session sql(db.pool());
    long long t = now;
    std::string only;
    for (const auto& type : types) {
        // Job type names are identifiers chosen in code; anything else is refused rather than quoted.
        bool plain = !type.empty() && std::all_of(type.begin(), type.end(), [](unsigned char ch) {
            return std::isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
        });
        if (!plain) throw std::invalid_argument("claim_job: unusual job type name '" + type + "'");
        only += (only.empty() ? "'" : ", '") + type + "'";
    }
    std::string filter = only.empty() ? "" : " AND type IN (" + only + ")";
    std::string pick = db.dialect() == Dialect::kPostgres
                           ? "(SELECT id FROM jobs WHERE status = 'queued' AND run_at <= :n" + filter +
                                 " ORDER BY run_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
                           : "(SELECT id FROM jobs WHERE status = 'queued' AND run_at <= :n" + filter +
                                 " ORDER BY run_at, created_at LIMIT 1)";
    Job j;
    long long run_at = 0;
    soci::indicator ind = soci::i_null;
    sql << "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = :w, locked_at = :n2, "
           "updated_at = :n3 WHERE id = " +
               pick + " RETURNING id, tenant_id, type, payload, attempts, max_attempts, run_at",
        soci::use(worker_id), soci::use(t), soci::use(t), soci::use(t), soci::into(j.id, ind), soci::into(j.tenant_id),
        soci::into(j.type), soci::into(j.payload), soci::into(j.attempts), soci::into(j.max_attempts),
        soci::into(run_at);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    j.status = "running";
    j.run_at = run_at;
    return j;
}

void complete_job(Database& db, const std::string& id, UnixTime now, const std::string& worker_id) {
    auto turn = write_turn(db);
    soci::session sql(db.pool());
    long long t = now;
    sql << "UPDATE jobs SET status = 'done', last_error = '', public_error = '', updated_at = :u WHERE id = :i AND "
           "(:w = '' OR (status = 'running' AND locked_by = :w2))",
        soci::use(t), soci::use(id), soci::use(worker_id), soci::use(worker_id);
}

void fail_job(Database& db, const Job& job, const std::string& error, const std::string& public_error,
              UnixTime retry_at, UnixTime now, const std::string& worker_id) {
    auto turn = write_turn(db);
    soci::session sql(db.pool());
    long long t = now, r = retry_at;
    std::string status = job.attempts >= job.max_attempts ? "dead" : "queued";
    // Cut between characters: half a Turkish letter is not valid UTF-8, and PostgreSQL refuses it.
    std::string err = utf8_prefix(error, 2000), shown = utf8_prefix(public_error, 2000);
    sql << "UPDATE jobs SET status = :s, last_error = :e, public_error = :pe, run_at = :r, locked_by = '', "
           "updated_at = :u WHERE id = :i AND (:w = '' OR (status = 'running' AND locked_by = :w2))",
        soci::use(status), soci::use(err), soci::use(shown), soci::use(r), soci::use(t), soci::use(job.id),
        soci::use(worker_id), soci::use(worker_id);
}

long long requeue_stale_jobs(Database& db, UnixTime stale_before, UnixTime now) {
    auto turn = write_turn(db);
    soci::session sql(db.pool());
    long long b = stale_before, t = now;
    // One statement: counting first and updating after could report rows another sweeper took.
    // A job whose attempts are used up goes to 'dead' rather than crash-looping its workers forever.
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, "
                        "last_error = 'worker lost while running the job (lock expired)', "
                        "public_error = 'worker lost while running the job (lock expired)', locked_by = '', "
                        "run_at = :t, updated_at = :t2 WHERE status = 'running' AND locked_at < :b",
         soci::use(t), soci::use(t), soci::use(b));
    st.execute(true);
    return st.get_affected_rows();
}

long long renew_job_leases(Database& db, const std::string& worker_prefix, UnixTime now) {
    auto turn = write_turn(db);
    soci::session sql(db.pool());
    long long t = now;
    std::string like = worker_prefix + "%";
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET locked_at = :t WHERE status = 'running' AND locked_by LIKE :p", soci::use(t),
         soci::use(like));
    st.execute(true);
    return st.get_affected_rows();
}

std::optional<Job> find_job(soci::session& sql, const std::string& id) {
    Job j;
    long long run_at = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT id, tenant_id, type, payload, status, attempts, max_attempts, run_at, last_error, public_error "
           "FROM jobs WHERE id = :i",
        soci::into(j.id, ind), soci::into(j.tenant_id), soci::into(j.type), soci::into(j.payload), soci::into(j.status),
        soci::into(j.attempts), soci::into(j.max_attempts), soci::into(run_at), soci::into(j.last_error),
        soci::into(j.public_error), soci::use(id);
    if (!sql.got_data()) return std::nullopt;
    j.run_at = run_at;
    return j;
}

bool job_at_work_for(soci::session& sql, const std::string& type, const std::string& tenant_id,
                     const std::string& field, const std::string& value) {
    // Payloads are written by boost::json::serialize: "field":"value", no spaces. The values asked about
    // are ids (UUIDs), which hold none of LIKE's pattern characters.
    const std::string pattern = "%\"" + field + "\":\"" + value + "\"%";
    int n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE type = :t AND tenant_id = :tenant AND status IN ('queued', 'running') "
           "AND payload LIKE :p",
        soci::into(n), soci::use(type), soci::use(tenant_id), soci::use(pattern);
    return n > 0;
}

long long count_jobs(soci::session& sql, const std::string& type, const std::string& status) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE type = :t AND status = :s", soci::into(n), soci::use(type),
        soci::use(status);
    return n;
}

}  // namespace lc::store
