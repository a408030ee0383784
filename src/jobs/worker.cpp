#include "jobs/worker.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "infra/crypto.hpp"

namespace lc::jobs {

std::int64_t backoff_seconds(int attempt, std::int64_t base, std::int64_t cap) {
    if (attempt < 1) attempt = 1;
    std::int64_t d = base;
    for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
    return d < cap ? d : cap;
}

std::int64_t retry_delay_seconds(int attempt, std::int64_t retry_after) {
    constexpr std::int64_t kMostAServiceMayAsk = 24 * 3600;
    return std::max(backoff_seconds(attempt), std::min(retry_after, kMostAServiceMayAsk));
}

WorkerPool::WorkerPool(store::Database& db, const Clock& clock, const JobRegistry& registry, const infra::Logger& log,
                       std::string name, std::int64_t lease_seconds, infra::metrics::Registry* metrics)
    : db_(db),
      clock_(clock),
      registry_(registry),
      log_(log),
      name_(std::move(name) + "@" + infra::random_hex(4)),
      stale_after_(lease_seconds) {
    if (metrics)
        failures_ = &metrics->counter("liveclass_job_failures_total",
                                      "Job runs that failed (retried later or moved to dead), by job type.", {"type"});
}

bool WorkerPool::run_one(const std::string& worker_id) {
    std::optional<store::Job> job;
    try {
        job = store::claim_job(db_, worker_id, clock_.now(), registry_.types());
    } catch (const std::exception& e) {
        log_.error("job claim failed", {{"error", e.what()}});
        return false;
    }
    if (!job) return false;
    Status result = Error::internal_error("no handler for job type '" + job->type + "'");
    if (const JobHandler* h = registry_.find(job->type)) {
        try {
            result = (*h)(*job);
        } catch (const std::exception& e) {
            result = Error::internal_error(e.what());
        } catch (...) {
            // Anything else escaping a worker thread would std::terminate the whole process.
            result = Error::internal_error("the handler threw a non-standard exception");
        }
    }
    try {
        UnixTime now = clock_.now();
        if (result.ok()) {
            store::complete_job(db_, job->id, now, worker_id);
            log_.info("job done", {{"job_id", job->id}, {"type", job->type}, {"tenant_id", job->tenant_id}});
        } else {
            if (failures_) failures_->with({job->type}).inc();
            const Error& e = result.error();
            std::string why = e.internal.empty() ? e.message : e.message + ": " + e.internal;
            store::Job failed = *job;
            if (e.permanent) failed.max_attempts = failed.attempts;  // retrying cannot help: dead now
            store::fail_job(db_, failed, why, e.message,
                            now + retry_delay_seconds(job->attempts, e.retry_after_seconds), now, worker_id);
            log_.warn("job failed", {{"job_id", job->id},
                                     {"type", job->type},
                                     {"attempt", job->attempts},
                                     {"dead", failed.attempts >= failed.max_attempts},
                                     {"error", why}});
        }
    } catch (const std::exception& e) {
        // The job stays 'running' and is re-queued by requeue_stale_jobs after the lock times out.
        log_.error("job bookkeeping failed", {{"job_id", job->id}, {"error", e.what()}});
    }
    return true;
}

long long WorkerPool::requeue_stale() {
    try {
        UnixTime now = clock_.now();
        long long n = store::requeue_stale_jobs(db_, now - stale_after_, now);
        if (n > 0) log_.warn("stale jobs re-queued", {{"count", n}, {"stale_after_seconds", stale_after_}});
        return n;
    } catch (const std::exception& e) {
        log_.error("stale job sweep failed", {{"error", e.what()}});
        return 0;
    }
}

int WorkerPool::run_due() {
    requeue_stale();
    int n = 0;
    while (run_one(name_ + "-inline")) ++n;
    return n;
}

void WorkerPool::start(int n, int poll_ms) {
    // Jobs a dead process left 'running' are picked up as soon as their lease has run out.
    requeue_stale();
    for (int i = 0; i < n; ++i) {
        threads_.emplace_back([this, i, poll_ms] {
            std::string id = name_ + "-" + std::to_string(i);
            std::uint64_t seen = 0;
            while (true) {
                {
                    std::unique_lock lk(mu_);
                    if (stopping_) return;
                }
                bool worked = run_one(id);
                if (worked) continue;
                std::unique_lock lk(mu_);
                cv_.wait_for(lk, std::chrono::milliseconds(poll_ms), [&] { return stopping_ || wakeups_ != seen; });
                seen = wakeups_;
                if (stopping_) return;
            }
        });
    }
    // Renews this process's leases, then sweeps expired ones (never its own, which it just renewed),
    // every quarter lease and at least every 5 s.
    lease_keeper_ = std::thread([this] {
        const auto every = std::chrono::milliseconds(std::clamp<std::int64_t>(stale_after_ * 250, 250, 5000));
        while (true) {
            {
                std::unique_lock lk(mu_);
                if (cv_.wait_for(lk, every, [&] { return stopping_; })) return;
            }
            try {
                store::renew_job_leases(db_, name_ + "-", clock_.now());
            } catch (const std::exception& e) {
                log_.error("job lease renewal failed", {{"error", e.what()}});
            }
            if (requeue_stale() > 0) notify();
        }
    });
}

void WorkerPool::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    if (lease_keeper_.joinable()) lease_keeper_.join();
}

void WorkerPool::notify() {
    {
        std::lock_guard lk(mu_);
        ++wakeups_;
    }
    cv_.notify_all();
}

}  // namespace lc::jobs
