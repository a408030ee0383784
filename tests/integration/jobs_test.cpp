// The durable job queue on SQLite and PostgreSQL: outbox atomicity (a job exists only if the
// transaction that wrote it committed), claiming, retries with exponential backoff, the dead-letter
// state, stale-lock recovery, exactly-once claiming under concurrent workers, and the attendance
// job that POST .../end/ commits together with the state change.
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "harness.hpp"
#include "infra/crypto.hpp"
#include "jobs/worker.hpp"
#include "services/attendance_service.hpp"
#include "services/notices.hpp"
#include "store/job_repo.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

class Jobs : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};

    store::Database& db() { return srv.app().db(); }
    UnixTime now() { return srv.clock().now(); }

    store::Job make(const std::string& type, int max_attempts = 5, UnixTime run_at = 0,
                    const std::string& payload = "{}") {
        store::Job j;
        j.id = infra::new_uuid();
        j.tenant_id = "";
        j.type = type;
        j.payload = payload;
        j.max_attempts = max_attempts;
        j.run_at = run_at;
        return j;
    }
    /// Enqueues in its own committed transaction; returns the id.
    std::string enqueue(const std::string& type, int max_attempts = 5, UnixTime run_at = 0,
                        const std::string& payload = "{}") {
        auto j = make(type, max_attempts, run_at, payload);
        store::Tx tx(db());
        store::enqueue_job(tx.sql(), j, now());
        tx.commit();
        return j.id;
    }
    store::Job get(const std::string& id) {
        store::Conn c(db());
        auto j = store::find_job(c.sql(), id);
        if (!j) throw std::runtime_error("job " + id + " not found");
        return *j;
    }
    bool exists(const std::string& id) {
        store::Conn c(db());
        return store::find_job(c.sql(), id).has_value();
    }
    std::string locked_by(const std::string& id) {
        store::Conn c(db());
        std::string w;
        c.sql() << "SELECT locked_by FROM jobs WHERE id = :i", soci::into(w), soci::use(id);
        return w;
    }
    long long count(const std::string& type, const std::string& status) {
        store::Conn c(db());
        return store::count_jobs(c.sql(), type, status);
    }
    long long count_all_jobs() {
        store::Conn c(db());
        long long n = 0;
        c.sql() << "SELECT COUNT(*) FROM jobs", soci::into(n);
        return n;
    }
    jobs::WorkerPool& workers() { return srv.app().workers(); }
    jobs::JobRegistry& registry() { return srv.app().job_registry(); }
};

// ---- outbox atomicity ----

TEST_P(Jobs, EnqueueInRolledBackTransactionLeavesNoJob) {
    auto j = make("outbox_test");
    {
        store::Tx tx(db());
        store::enqueue_job(tx.sql(), j, now());
        // Visible inside its own transaction...
        auto inside = store::find_job(tx.sql(), j.id);
        ASSERT_TRUE(inside.has_value());
        EXPECT_EQ(inside->status, "queued");
        // ... and the transaction ends without commit (the destructor rolls back).
    }
    EXPECT_FALSE(exists(j.id));
    EXPECT_EQ(count_all_jobs(), 0);
    EXPECT_FALSE(store::claim_job(db(), "w1", now()).has_value());
    int calls = 0;
    registry().add("outbox_test", [&](const store::Job&) -> Status {
        ++calls;
        return ok_status();
    });
    EXPECT_EQ(workers().run_due(), 0);
    EXPECT_EQ(calls, 0);
}

TEST_P(Jobs, EnqueueRolledBackByExceptionAfterTheStateChange) {
    // The use-case shape: a state change and its job in one Tx; a failure after both undoes both.
    auto s = srv.make_school("rb", 0);
    auto j = make("outbox_test");
    try {
        store::Tx tx(db());
        store::enqueue_job(tx.sql(), j, now());
        tx.sql() << "UPDATE tenants SET name = 'changed' WHERE id = :i", soci::use(s.tenant.id);
        throw std::runtime_error("use case failed after writing");
    } catch (const std::runtime_error&) {
    }
    EXPECT_FALSE(exists(j.id));
    store::Conn c(db());
    std::string name;
    c.sql() << "SELECT name FROM tenants WHERE id = :i", soci::into(name), soci::use(s.tenant.id);
    EXPECT_EQ(name, "School rb");
}

TEST_P(Jobs, CommittedJobIsClaimedExactlyOnce) {
    auto j = make("claim_test", 7, 0, R"({"k":"v"})");
    j.tenant_id = "tenant-x";
    {
        store::Tx tx(db());
        store::enqueue_job(tx.sql(), j, now());
        tx.commit();
    }
    auto stored = get(j.id);
    EXPECT_EQ(stored.status, "queued");
    EXPECT_EQ(stored.attempts, 0);
    EXPECT_EQ(stored.max_attempts, 7);
    EXPECT_EQ(stored.run_at, now());  // run_at 0 means "now"

    auto c1 = store::claim_job(db(), "worker-a", now());
    ASSERT_TRUE(c1.has_value());
    EXPECT_EQ(c1->id, j.id);
    EXPECT_EQ(c1->type, "claim_test");
    EXPECT_EQ(c1->tenant_id, "tenant-x");
    EXPECT_EQ(c1->payload, R"({"k":"v"})");
    EXPECT_EQ(c1->attempts, 1);
    EXPECT_EQ(c1->max_attempts, 7);
    EXPECT_EQ(c1->status, "running");
    EXPECT_EQ(get(j.id).status, "running");
    EXPECT_EQ(locked_by(j.id), "worker-a");

    EXPECT_FALSE(store::claim_job(db(), "worker-b", now()).has_value());
    srv.clock().advance(3600);
    EXPECT_FALSE(store::claim_job(db(), "worker-b", now()).has_value()) << "a running job is not claimed again";

    store::complete_job(db(), j.id, now());
    EXPECT_EQ(get(j.id).status, "done");
    EXPECT_FALSE(store::claim_job(db(), "worker-b", now()).has_value());
}

TEST_P(Jobs, JobIsNotDueBeforeRunAtAndOldestDueRunsFirst) {
    UnixTime t0 = now();
    std::string later = enqueue("order", 5, t0 + 60);
    std::string second = enqueue("order", 5, t0 - 10);
    std::string first = enqueue("order", 5, t0 - 20);
    auto a = store::claim_job(db(), "w", t0);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->id, first);
    auto b = store::claim_job(db(), "w", t0);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->id, second);
    EXPECT_FALSE(store::claim_job(db(), "w", t0 + 59).has_value());
    auto c = store::claim_job(db(), "w", t0 + 60);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->id, later);
}

TEST_P(Jobs, SuccessfulHandlerCompletesJob) {
    std::vector<std::string> seen;
    registry().add("ok_job", [&](const store::Job& j) -> Status {
        seen.push_back(j.payload);
        return ok_status();
    });
    std::string id = enqueue("ok_job", 5, 0, R"({"n":1})");
    EXPECT_EQ(workers().run_due(), 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], R"({"n":1})");
    auto j = get(id);
    EXPECT_EQ(j.status, "done");
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.last_error, "");
    EXPECT_EQ(workers().run_due(), 0);
}

// ---- retries, backoff, dead letters ----

TEST_P(Jobs, FailingHandlerIsRetriedWithExponentialBackoffThenDead) {
    int calls = 0;
    registry().add("flaky", [&](const store::Job& j) -> Status {
        ++calls;
        EXPECT_EQ(j.attempts, calls);
        return Error::unavailable("provider down", "attempt " + std::to_string(j.attempts));
    });
    std::string id = enqueue("flaky", 3);

    // Attempt 1 fails: back in the queue, due in backoff_seconds(1) = 10 s.
    UnixTime t = now();
    EXPECT_EQ(workers().run_due(), 1);
    auto j = get(id);
    EXPECT_EQ(j.status, "queued");
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.run_at, t + jobs::backoff_seconds(1));
    EXPECT_EQ(j.run_at, t + 10);
    EXPECT_NE(j.last_error.find("provider down"), std::string::npos) << j.last_error;
    EXPECT_NE(j.last_error.find("attempt 1"), std::string::npos) << j.last_error;
    // The school sees the error's public message only; the internal detail stays with the operator.
    EXPECT_EQ(j.public_error, "provider down");
    EXPECT_EQ(locked_by(id), "");

    // Not due until the clock reaches run_at.
    EXPECT_EQ(workers().run_due(), 0);
    srv.clock().advance(9);
    EXPECT_EQ(workers().run_due(), 0);
    EXPECT_EQ(calls, 1);
    srv.clock().advance(1);

    // Attempt 2 fails: due in 20 s.
    t = now();
    EXPECT_EQ(workers().run_due(), 1);
    j = get(id);
    EXPECT_EQ(j.status, "queued");
    EXPECT_EQ(j.attempts, 2);
    EXPECT_EQ(j.run_at, t + 20);
    srv.clock().advance(19);
    EXPECT_EQ(workers().run_due(), 0);
    srv.clock().advance(1);

    // Attempt 3 = max_attempts: dead, with the last error kept.
    EXPECT_EQ(workers().run_due(), 1);
    j = get(id);
    EXPECT_EQ(j.status, "dead");
    EXPECT_EQ(j.attempts, 3);
    EXPECT_NE(j.last_error.find("attempt 3"), std::string::npos) << j.last_error;
    EXPECT_EQ(count("flaky", "dead"), 1);

    // A dead job is never picked up again.
    srv.clock().advance(100000);
    EXPECT_EQ(workers().run_due(), 0);
    EXPECT_EQ(calls, 3);
    EXPECT_FALSE(store::claim_job(db(), "w", now()).has_value());
}

TEST_P(Jobs, AServiceThatSaysWhenToComeBackIsNotAskedSooner) {
    // A 429 or 503 with Retry-After (an open circuit breaker says the same): the job waits that long
    // when it is longer than our backoff, and our backoff when it is longer than what was asked.
    std::vector<int> asked = {600, 3, 10'000'000};
    int calls = 0;
    registry().add("busy_service", [&](const store::Job&) -> Status {
        Error e = Error::unavailable("the service is busy");
        e.retry_after_seconds = asked.at(static_cast<std::size_t>(calls++));
        return e;
    });
    std::string id = enqueue("busy_service", 4);

    UnixTime t = now();
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(get(id).run_at, t + 600) << "Retry-After: 600 wins over the first backoff (10 s)";
    srv.clock().advance(599);
    EXPECT_EQ(workers().run_due(), 0) << "not before the service said";
    srv.clock().advance(1);

    t = now();
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(get(id).run_at, t + jobs::backoff_seconds(2)) << "Retry-After: 3 is shorter than our 20 s";
    srv.clock().advance(jobs::backoff_seconds(2));

    t = now();
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(get(id).run_at, t + 24 * 3600) << "an absurd Retry-After is held to a day";
    EXPECT_EQ(get(id).status, "queued");
    EXPECT_EQ(calls, 3);
}

TEST_P(Jobs, JobSucceedingOnRetryIsDoneAndClearsError) {
    int calls = 0;
    registry().add("second_time_lucky", [&](const store::Job&) -> Status {
        return ++calls == 1 ? Status(Error::unavailable("try again")) : ok_status();
    });
    std::string id = enqueue("second_time_lucky");
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(get(id).status, "queued");
    EXPECT_FALSE(get(id).last_error.empty());
    srv.clock().advance(10);
    EXPECT_EQ(workers().run_due(), 1);
    auto j = get(id);
    EXPECT_EQ(j.status, "done");
    EXPECT_EQ(j.attempts, 2);
    EXPECT_EQ(j.last_error, "");
    EXPECT_EQ(j.public_error, "");
}

TEST_P(Jobs, ThrowingHandlerCountsAsFailure) {
    registry().add("throws", [](const store::Job&) -> Status { throw std::runtime_error("kaboom in handler"); });
    registry().add("throws_other", [](const store::Job&) -> Status { throw 42; });
    std::string a = enqueue("throws", 2);
    std::string b = enqueue("throws_other", 1);
    EXPECT_EQ(workers().run_due(), 2);
    auto ja = get(a);
    EXPECT_EQ(ja.status, "queued");
    EXPECT_EQ(ja.attempts, 1);
    EXPECT_EQ(ja.run_at, now() + 10);
    EXPECT_NE(ja.last_error.find("kaboom in handler"), std::string::npos) << ja.last_error;
    EXPECT_EQ(ja.public_error, "internal error");  // an exception's text is for the logs
    // A non-std exception does not take the worker (or the process) down either.
    auto jb = get(b);
    EXPECT_EQ(jb.status, "dead");
    EXPECT_FALSE(jb.last_error.empty());
    srv.clock().advance(10);
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(get(a).status, "dead");
}

TEST_P(Jobs, AJobTypeWithoutAHandlerWaitsForAWorkerThatHasOne) {
    // E.g. a job queued for a pipeline this version does not run yet: it must not be burnt through
    // its attempts and dead-lettered by workers that cannot run it.
    std::string id = enqueue("not_handled_here", 2);
    EXPECT_EQ(workers().run_due(), 0);
    srv.clock().advance(3600);
    EXPECT_EQ(workers().run_due(), 0);
    auto j = get(id);
    EXPECT_EQ(j.status, "queued");
    EXPECT_EQ(j.attempts, 0);
    int calls = 0;
    registry().add("not_handled_here", [&](const store::Job&) -> Status {
        ++calls;
        return ok_status();
    });
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(get(id).status, "done");
}

TEST_P(Jobs, OnlyTheWorkerHoldingAJobCanReportIt) {
    std::string id = enqueue("held");
    ASSERT_TRUE(store::claim_job(db(), "worker-now", now()).has_value());
    // A worker whose lease ran out (the job went to another) reports late: nothing changes.
    store::complete_job(db(), id, now(), "worker-before");
    EXPECT_EQ(get(id).status, "running");
    store::fail_job(db(), get(id), "late", "late", now() + 10, now(), "worker-before");
    EXPECT_EQ(get(id).status, "running");
    store::complete_job(db(), id, now(), "worker-now");
    EXPECT_EQ(get(id).status, "done");
}

TEST_P(Jobs, AJobTypeNameThatIsNotAnIdentifierIsRefusedByClaim) {
    EXPECT_THROW(store::claim_job(db(), "w", now(), {"x' OR '1'='1"}), std::invalid_argument);
}

TEST(JobBackoff, RetryAfterIsTheLaterOfWhatTheServiceAskedAndOurBackoff) {
    EXPECT_EQ(jobs::retry_delay_seconds(1, 0), 10);
    EXPECT_EQ(jobs::retry_delay_seconds(1, 120), 120);
    EXPECT_EQ(jobs::retry_delay_seconds(5, 30), 160);
    EXPECT_EQ(jobs::retry_delay_seconds(10, 7200), 7200);
    EXPECT_EQ(jobs::retry_delay_seconds(2, 1'000'000'000), 24 * 3600);
    EXPECT_EQ(jobs::retry_delay_seconds(3, -50), 40) << "a negative value is no request";
}

TEST(JobBackoff, ExponentialAndCapped) {
    EXPECT_EQ(jobs::backoff_seconds(1), 10);
    EXPECT_EQ(jobs::backoff_seconds(2), 20);
    EXPECT_EQ(jobs::backoff_seconds(3), 40);
    EXPECT_EQ(jobs::backoff_seconds(4), 80);
    EXPECT_EQ(jobs::backoff_seconds(5), 160);
    EXPECT_EQ(jobs::backoff_seconds(9), 2560);
    EXPECT_EQ(jobs::backoff_seconds(10), 3600);  // 5120 capped
    EXPECT_EQ(jobs::backoff_seconds(64), 3600);  // no overflow
    EXPECT_EQ(jobs::backoff_seconds(1000000), 3600);
    EXPECT_EQ(jobs::backoff_seconds(0), 10);  // out-of-range attempts count as the first
    EXPECT_EQ(jobs::backoff_seconds(-3), 10);
    EXPECT_EQ(jobs::backoff_seconds(1, 1, 8), 1);
    EXPECT_EQ(jobs::backoff_seconds(4, 1, 8), 8);
    EXPECT_EQ(jobs::backoff_seconds(5, 1, 8), 8);
    EXPECT_EQ(jobs::backoff_seconds(3, 7, 1000), 28);
    for (int n = 1; n < 40; ++n) EXPECT_LE(jobs::backoff_seconds(n), jobs::backoff_seconds(n + 1));
}

// ---- a worker that died while running a job ----

TEST_P(Jobs, RequeueStaleJobsReturnsJobsOfDeadWorkers) {
    std::string a = enqueue("stale"), b = enqueue("stale"), done = enqueue("stale"), one_shot = enqueue("stale", 1);
    UnixTime t0 = now();
    std::set<std::string> claimed;
    for (int i = 0; i < 4; ++i) {
        auto j = store::claim_job(db(), "crashed-worker", t0);
        ASSERT_TRUE(j.has_value());
        claimed.insert(j->id);
    }
    EXPECT_EQ(claimed, (std::set<std::string>{a, b, done, one_shot}));
    store::complete_job(db(), done, t0);

    srv.clock().advance(300);
    EXPECT_EQ(store::requeue_stale_jobs(db(), now() - 600, now()), 0);  // locked only 300 s ago
    EXPECT_EQ(get(a).status, "running");
    srv.clock().advance(301);
    EXPECT_EQ(store::requeue_stale_jobs(db(), now() - 600, now()), 3);
    EXPECT_EQ(get(a).status, "queued");
    EXPECT_EQ(get(b).status, "queued");
    EXPECT_EQ(get(done).status, "done");  // finished jobs are untouched
    EXPECT_EQ(locked_by(a), "");
    // A job whose attempts are used up is not re-run forever (a job that kills its worker).
    auto os = get(one_shot);
    EXPECT_EQ(os.status, "dead");
    EXPECT_FALSE(os.last_error.empty());
    EXPECT_EQ(os.public_error, os.last_error);                          // says nothing about the deployment
    EXPECT_EQ(store::requeue_stale_jobs(db(), now() - 600, now()), 0);  // idempotent

    // Re-claimed, the attempt counts.
    auto again = store::claim_job(db(), "new-worker", now());
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->id == a || again->id == b);
    EXPECT_EQ(again->attempts, 2);
    EXPECT_EQ(locked_by(again->id), "new-worker");
}

TEST_P(Jobs, WorkerPoolSweepsStaleJobsItself) {
    int calls = 0;
    registry().add("stale2", [&](const store::Job&) -> Status {
        ++calls;
        return ok_status();
    });
    std::string id = enqueue("stale2");
    ASSERT_TRUE(store::claim_job(db(), "crashed-worker", now()).has_value());
    EXPECT_EQ(workers().run_due(), 0);  // still locked by the (dead) worker
    srv.clock().advance(59);
    EXPECT_EQ(workers().run_due(), 0);
    srv.clock().advance(2);  // past the pool's 60 s lease
    EXPECT_EQ(workers().run_due(), 1);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(get(id).status, "done");
    EXPECT_EQ(get(id).attempts, 2);
}

TEST_P(Jobs, BackgroundWorkersSweepStaleJobsToo) {
    std::atomic<int> calls{0};
    registry().add("stale3", [&](const store::Job&) -> Status {
        ++calls;
        return ok_status();
    });
    std::string id = enqueue("stale3");
    ASSERT_TRUE(store::claim_job(db(), "crashed-process", now()).has_value());
    workers().start(1, 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(calls.load(), 0) << "a job whose lease has not run out is left alone";
    srv.clock().advance(61);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (get(id).status != "done" && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    workers().stop();
    EXPECT_EQ(get(id).status, "done");
    EXPECT_EQ(calls.load(), 1);
}

TEST_P(Jobs, ALiveWorkersLeaseIsRenewedSoALongJobIsNotRunTwice) {
    std::atomic<int> calls{0};
    std::atomic<bool> release{false};
    registry().add("long", [&](const store::Job&) -> Status {
        ++calls;
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return ok_status();
    });
    std::string id = enqueue("long");
    workers().start(2, 10);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (calls.load() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(calls.load(), 1);
    // Far past the lease while the job still runs: the pool's own keeper renews before it sweeps.
    srv.clock().advance(600);
    std::this_thread::sleep_for(std::chrono::milliseconds(5500));  // > one keeper period (5 s)
    EXPECT_EQ(get(id).status, "running");
    EXPECT_EQ(calls.load(), 1) << "the job was handed to a second worker while its first was alive";
    release = true;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (get(id).status != "done" && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    workers().stop();
    EXPECT_EQ(get(id).status, "done");
    EXPECT_EQ(calls.load(), 1);
}

// ---- concurrency: every job claimed exactly once ----

constexpr int kConcurrentJobs = 200;
constexpr int kThreads = 4;

TEST_P(Jobs, ConcurrentClaimersClaimEachJobExactlyOnce) {
    {
        store::Tx tx(db());
        for (int i = 0; i < kConcurrentJobs; ++i) store::enqueue_job(tx.sql(), make("bulk"), now());
        tx.commit();
    }
    // One connection per claimer, as separate worker processes would have.
    std::vector<std::unique_ptr<store::Database>> dbs;
    for (int i = 0; i < kThreads; ++i) {
        auto d = store::Database::open(srv.database_url(), 1);
        ASSERT_TRUE(d.ok()) << d.error().message << " " << d.error().internal;
        dbs.push_back(std::move(d.value()));
    }
    std::vector<std::vector<std::string>> got(kThreads);
    std::vector<std::string> errors(kThreads);
    std::latch go(kThreads);
    std::vector<std::thread> threads;
    UnixTime t = now();
    for (int w = 0; w < kThreads; ++w) {
        threads.emplace_back([&, w] {
            go.arrive_and_wait();
            try {
                std::string wid = "claimer-" + std::to_string(w);
                while (auto j = store::claim_job(*dbs[w], wid, t)) {
                    got[w].push_back(j->id);
                    store::complete_job(*dbs[w], j->id, t);
                }
            } catch (const std::exception& e) {
                errors[w] = e.what();
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int w = 0; w < kThreads; ++w) EXPECT_EQ(errors[w], "") << "claimer " << w;
    std::map<std::string, int> per_id;
    std::size_t total = 0;
    for (int w = 0; w < kThreads; ++w) {
        total += got[w].size();
        for (const auto& id : got[w]) ++per_id[id];
    }
    EXPECT_EQ(total, static_cast<std::size_t>(kConcurrentJobs));
    EXPECT_EQ(per_id.size(), static_cast<std::size_t>(kConcurrentJobs));
    for (const auto& [id, n] : per_id) EXPECT_EQ(n, 1) << "job " << id << " claimed " << n << " times";
    EXPECT_EQ(count("bulk", "done"), kConcurrentJobs);
    EXPECT_EQ(count("bulk", "queued"), 0);
    EXPECT_EQ(count("bulk", "running"), 0);
    store::Conn c(db());
    long long max_attempts = 0;
    c.sql() << "SELECT MAX(attempts) FROM jobs WHERE type = 'bulk'", soci::into(max_attempts);
    EXPECT_EQ(max_attempts, 1);
}

TEST_P(Jobs, SeveralWorkerPoolsRunEachJobExactlyOnce) {
    std::mutex mu;
    std::map<std::string, int> runs;
    std::atomic<int> total{0};
    jobs::JobRegistry reg;
    reg.add("pooled", [&](const store::Job& j) -> Status {
        {
            std::lock_guard lk(mu);
            ++runs[j.id];
        }
        ++total;
        return ok_status();
    });
    auto quiet = infra::Logger::quiet();
    std::vector<std::unique_ptr<store::Database>> dbs;
    std::vector<std::unique_ptr<jobs::WorkerPool>> pools;
    for (int i = 0; i < kThreads; ++i) {
        auto d = store::Database::open(srv.database_url(), 2);
        ASSERT_TRUE(d.ok()) << d.error().message;
        dbs.push_back(std::move(d.value()));
        pools.push_back(
            std::make_unique<jobs::WorkerPool>(*dbs.back(), srv.clock(), reg, quiet, "pool" + std::to_string(i)));
    }
    for (auto& p : pools) p->start(2, 20);
    {
        store::Tx tx(db());
        for (int i = 0; i < kConcurrentJobs; ++i) store::enqueue_job(tx.sql(), make("pooled"), now());
        tx.commit();
    }
    for (auto& p : pools) p->notify();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (count("pooled", "done") < kConcurrentJobs && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& p : pools) p->stop();
    EXPECT_EQ(count("pooled", "done"), kConcurrentJobs);
    EXPECT_EQ(total.load(), kConcurrentJobs);
    EXPECT_EQ(runs.size(), static_cast<std::size_t>(kConcurrentJobs));
    for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << "job " << id << " ran " << n << " times";
}

// ---- the attendance job and POST .../end/ ----

TEST_P(Jobs, EndCommitsAttendanceJobWithTheStateChange) {
    auto s = srv.make_school("endjob", 1);
    std::string id(srv.create_session(s).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    // Scheduling the class queued its invitation; starting it, the heartbeat sweep that runs while any
    // class is live and the "class started" notice to its students.
    EXPECT_EQ(count(services::kNotifyScheduledJob, "queued"), 1);
    EXPECT_EQ(count(services::AttendanceService::kSweepJob, "queued"), 1);
    EXPECT_EQ(count(services::kNotifyStartedJob, "queued"), 1);
    EXPECT_EQ(count_all_jobs(), 3);
    EXPECT_EQ(workers().run_due(), 3);
    EXPECT_EQ(count(services::AttendanceService::kSweepJob, "queued"), 1) << "re-queued while the class is live";
    const long long before_end = count_all_jobs();
    auto ended = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_EQ(count_all_jobs(), before_end + 1);
    store::Conn c(db());
    std::string job_id, tenant_id, payload, status;
    c.sql() << "SELECT id, tenant_id, payload, status FROM jobs WHERE type = 'calculate_attendance'",
        soci::into(job_id), soci::into(tenant_id), soci::into(payload), soci::into(status);
    EXPECT_EQ(status, "queued");
    EXPECT_EQ(tenant_id, s.tenant.id);
    auto p = json::parse(payload).as_object();
    EXPECT_EQ(js(p.at("session_id")), id);
    EXPECT_EQ(js(p.at("tenant_id")), s.tenant.id);
    // Ending again is an invalid transition and enqueues nothing more.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 409u);
    EXPECT_EQ(count_all_jobs(), before_end + 1);
    srv.clock().advance(60);  // the queued sweep is due too; with no class live it queues no successor
    EXPECT_EQ(workers().run_due(), 2);
    EXPECT_EQ(get(job_id).status, "done");
    EXPECT_EQ(count(services::AttendanceService::kSweepJob, "queued"), 0);
}

TEST_P(Jobs, FailedEndEnqueuesNoJob) {
    auto s = srv.make_school("endfail", 1);
    // Jobs other than the invitation that scheduling the class queues, and the heartbeat sweep and the
    // "class started" notice that starting it queues.
    auto count_all_jobs = [&] {
        return this->count_all_jobs() - count(services::AttendanceService::kSweepJob, "queued") -
               count(services::kNotifyStartedJob, "queued") - count(services::kNotifyScheduledJob, "queued");
    };
    std::string id(srv.create_session(s).at("id").as_string());
    // Not live yet: 409, nothing enqueued.
    auto early = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    EXPECT_EQ(early.status, 409u) << early.body;
    EXPECT_EQ(count_all_jobs(), 0);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    // A student may not end it; an unknown session is 404: no job either way.
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.student_tokens[0]).status, 403u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + infra::new_uuid() + "/end/", "", s.instructor_token).status, 404u);
    EXPECT_EQ(count_all_jobs(), 0);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/join/", "", s.student_tokens[0]).status, 200u);

    // The database refuses the state change after the job was written in the same transaction:
    // the job must vanish with it (outbox), and the session stays live with its participant.
    {
        store::Conn c(db());
        if (GetParam() == Engine::kSqlite) {
            c.sql() << "CREATE TRIGGER test_refuse_end BEFORE UPDATE ON live_sessions WHEN NEW.status = 'ended' "
                       "BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
        } else {
            c.sql() << "CREATE FUNCTION test_refuse_end() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$";
            c.sql() << "CREATE TRIGGER test_refuse_end BEFORE UPDATE ON live_sessions FOR EACH ROW "
                       "WHEN (NEW.status = 'ended') EXECUTE FUNCTION test_refuse_end()";
        }
    }
    auto refused = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    EXPECT_GE(refused.status, 500u) << refused.body;
    EXPECT_EQ(count_all_jobs(), 0);
    auto detail = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(detail.status, 200u);
    EXPECT_EQ(detail.obj().at("status"), "live");
    {
        store::Conn c(db());
        auto parts = store::list_participants(c.sql(), id);
        ASSERT_EQ(parts.size(), 1u);
        EXPECT_TRUE(parts[0].is_active) << "closing participants was rolled back too";
        c.sql() << "DROP TRIGGER test_refuse_end" +
                       std::string(GetParam() == Engine::kSqlite ? "" : " ON live_sessions");
    }
    // Once the database accepts it, the end commits exactly one job.
    auto ended = srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token);
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_EQ(count("calculate_attendance", "queued"), 1);
    EXPECT_EQ(count_all_jobs(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, Jobs, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
