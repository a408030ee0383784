#pragma once
// Group commit: many small writes from concurrent requests share one transaction. Each write runs
// in its own SAVEPOINT (one failing write does not undo the others) and its caller returns only
// after COMMIT, so an acknowledged write is durable. On SQLite this turns N lock acquisitions and
// N commits into one; on PostgreSQL it saves N-1 commits.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "store/database.hpp"

namespace lc::store {

class WriteBatcher {
public:
    using Op = std::function<void(soci::session&)>;
    explicit WriteBatcher(Database& db, std::size_t max_batch = 128);
    ~WriteBatcher();
    WriteBatcher(const WriteBatcher&) = delete;
    WriteBatcher& operator=(const WriteBatcher&) = delete;

    using Done = std::function<void(std::exception_ptr)>;

    /// Runs `op` inside the next batch; returns after the batch committed. Rethrows the op's own
    /// exception (its savepoint was rolled back) or the commit's.
    void run(Op op);
    /// Non-blocking: `done` is called on the writer thread after the batch committed, with nullptr,
    /// or with the op's own exception / the commit's exception. Keep `done` short.
    void submit(Op op, Done done);

private:
    struct Pending {
        Op op;
        Done done;
    };
    void loop();
    Database& db_;
    std::size_t max_batch_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Pending> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lc::store
