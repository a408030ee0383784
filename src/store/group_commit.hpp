#pragma once
// Group commit for small independent writes that must be durable before their caller answers
// (webhook deliveries): callers on many threads hand in a unit of work and wait; one thread runs
// every waiting unit in a single transaction and commits once. A unit that throws is isolated: the
// batch rolls back and its units run again one transaction each.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "store/database.hpp"

namespace lc::store {

class GroupCommit {
public:
    /// Returns what the caller wants to know about its write (e.g. inserted or already there).
    using Work = std::function<bool(soci::session&)>;

    explicit GroupCommit(Database& db, std::size_t max_batch = 128);
    ~GroupCommit();  // = stop()
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;
    /// Commits what is queued and stops; later calls fail at once.
    void stop();

    /// Runs `work` in the next batch; returns its result once the batch committed, or the error
    /// that kept it from committing.
    Result<bool> run(Work work);

private:
    struct Pending {
        Work work;
        std::promise<Result<bool>> done;
    };
    void loop();
    /// One transaction for the batch; unit_failed tells a unit's own failure from the transaction's.
    bool commit(std::vector<std::shared_ptr<Pending>>& batch, std::vector<bool>& results, std::string& error,
                bool& unit_failed);

    Database& db_;
    std::size_t max_batch_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<Pending>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lc::store
