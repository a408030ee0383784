#pragma once
// Job workers: claim due jobs from the durable queue, run the handler registered for the job's
// type, and complete, retry with exponential backoff, or move to the dead-letter state.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "infra/log.hpp"
#include "infra/metrics.hpp"
#include "store/database.hpp"
#include "store/job_repo.hpp"

namespace lc::jobs {

using JobHandler = std::function<Status(const store::Job&)>;

/// Job types and their handlers, registered explicitly at wiring time.
class JobRegistry {
public:
    void add(const std::string& type, JobHandler h) { handlers_[type] = std::move(h); }
    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (const auto& [name, handler] : handlers_) out.push_back(name);
        return out;
    }
    const JobHandler* find(const std::string& type) const {
        auto it = handlers_.find(type);
        return it == handlers_.end() ? nullptr : &it->second;
    }

private:
    std::map<std::string, JobHandler> handlers_;
};

/// Delay before retry n (1-based): base * 2^(n-1), capped at `cap` seconds.
std::int64_t backoff_seconds(int attempt, std::int64_t base = 10, std::int64_t cap = 3600);

/// Delay before retrying a job whose attempt n failed with `retry_after` seconds (the Retry-After of a
/// 429 or 503, an open circuit breaker; 0 = none): the later of that and our own backoff, so a busy
/// service is not asked again before it said, and a day at most, so a wrong header cannot park a job.
std::int64_t retry_delay_seconds(int attempt, std::int64_t retry_after);

class WorkerPool {
public:
    /// lease_seconds: a running job's lock is a lease this process renews every lease/4 seconds; a
    /// job whose lease ran out lost its worker (the process died) and goes back to the queue (or to
    /// 'dead' once its attempts are used up).
    /// With `metrics`, failed runs are counted in liveclass_job_failures_total{type}.
    WorkerPool(store::Database& db, const Clock& clock, const JobRegistry& registry, const infra::Logger& log,
               std::string name, std::int64_t lease_seconds = 60, infra::metrics::Registry* metrics = nullptr);
    ~WorkerPool() { stop(); }

    /// Starts n threads that poll every `poll_ms` or when notify() is called.
    void start(int n, int poll_ms = 1000);
    /// Asks the threads to finish their current job and stop; waits for them.
    void stop();
    /// Wakes idle workers (a job was just committed).
    void notify();
    /// Re-queues stale jobs, then runs due jobs on the calling thread until none is due; returns
    /// how many ran (tests, CLI).
    int run_due();
    /// Puts jobs whose worker died back in the queue; returns how many.
    long long requeue_stale();

private:
    bool run_one(const std::string& worker_id);
    store::Database& db_;
    const Clock& clock_;
    const JobRegistry& registry_;
    const infra::Logger& log_;
    std::string name_;  // e.g. "worker@3f9c0a12": unique per process, so leases are told apart
    std::int64_t stale_after_;
    infra::metrics::Family<infra::metrics::Counter>* failures_ = nullptr;
    std::vector<std::thread> threads_;
    std::thread lease_keeper_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::uint64_t wakeups_ = 0;
};

}  // namespace lc::jobs
