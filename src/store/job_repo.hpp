#pragma once
// The durable job queue's SQL. Enqueue inside the caller's transaction (outbox); claim is one
// atomic statement: FOR UPDATE SKIP LOCKED on PostgreSQL so workers never wait on each other,
// and SQLite's single writer makes the same UPDATE ... RETURNING atomic there.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/database.hpp"

namespace lc::store {

struct Job {
    std::string id;
    std::string tenant_id;
    std::string type;
    std::string payload = "{}";
    std::string status = "queued";
    int attempts = 0;
    int max_attempts = 5;
    UnixTime run_at = 0;
    /// Everything about the last failure, for the operator (logs, database).
    std::string last_error;
    /// What a school admin may read about it (the tenant's ops view): the error's public message.
    std::string public_error;
};

void enqueue_job(soci::session& sql, const Job& job, UnixTime now);
/// Queues a job of `type` (no payload, given id) at `run_at` unless one is queued already: how
/// periodic jobs keep one round in the queue. A running round does not count: it may have looked for
/// work before the caller's change and so not queue its successor.
bool enqueue_once(soci::session& sql, const std::string& id, const std::string& type, UnixTime run_at, UnixTime now);
/// Claims the oldest due queued job (attempts is incremented); nullopt when none is due. With
/// `types`, only jobs of those types: a job this process has no handler for (e.g. one a newer
/// version queued) waits for a worker that can run it instead of failing here.
std::optional<Job> claim_job(Database& db, const std::string& worker_id, UnixTime now,
                             const std::vector<std::string>& types = {});
/// Marks a job done, only while `worker_id` still holds it (empty: whoever holds it): a worker whose
/// lease ran out and whose job went to another worker must not report it.
void complete_job(Database& db, const std::string& id, UnixTime now, const std::string& worker_id = {});
/// Schedules a retry at retry_at, or moves the job to 'dead' when attempts reached max_attempts.
/// `error` is the whole story, `public_error` the part the job's school may read.
void fail_job(Database& db, const Job& job, const std::string& error, const std::string& public_error,
              UnixTime retry_at, UnixTime now, const std::string& worker_id = {});
/// Running jobs locked before `stale_before` go back to the queue (their worker died), or to 'dead'
/// when their attempts are used up; returns how many.
long long requeue_stale_jobs(Database& db, UnixTime stale_before, UnixTime now);
/// Keeps the locks of running jobs whose worker id starts with `worker_prefix` fresh (the live
/// process's lease); returns how many.
long long renew_job_leases(Database& db, const std::string& worker_prefix, UnixTime now);
/// Whether a job of `type` for the tenant whose payload names `field` = `value` (a JSON string) is queued or
/// running.
bool job_at_work_for(soci::session& sql, const std::string& type, const std::string& tenant_id,
                     const std::string& field, const std::string& value);
std::optional<Job> find_job(soci::session& sql, const std::string& id);
long long count_jobs(soci::session& sql, const std::string& type, const std::string& status);

}  // namespace lc::store
