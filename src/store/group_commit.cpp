#include "store/group_commit.hpp"

#include <vector>

namespace lc::store {

GroupCommit::GroupCommit(Database& db, std::size_t max_batch) : db_(db), max_batch_(max_batch) {
    thread_ = std::thread([this] { loop(); });
}

GroupCommit::~GroupCommit() { stop(); }

void GroupCommit::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Result<bool> GroupCommit::run(Work work) {
    // Shared with the writer: it may still be inside set_value() when get() below returns.
    auto p = std::make_shared<Pending>(Pending{std::move(work), {}});
    auto answer = p->done.get_future();
    {
        std::lock_guard lk(mu_);
        if (stopping_) return Error::unavailable("the server is shutting down; retry");
        queue_.push_back(p);
    }
    cv_.notify_one();
    return answer.get();
}

bool GroupCommit::commit(std::vector<std::shared_ptr<Pending>>& batch, std::vector<bool>& results, std::string& error,
                         bool& unit_failed) {
    unit_failed = false;
    try {
        // Inbox writes change nothing the read caches hold: no generation bump.
        Tx tx(db_, /*bump_generation=*/false);
        results.clear();
        for (auto& p : batch) {
            try {
                results.push_back(p->work(tx.sql()));
            } catch (...) {
                unit_failed = true;  // this unit's own statement failed, not the transaction
                throw;
            }
        }
        tx.commit();
        return true;
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
}

void GroupCommit::loop() {
    while (true) {
        std::vector<std::shared_ptr<Pending>> batch;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) break;
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(queue_.front());
                queue_.pop_front();
            }
        }
        std::vector<bool> results;
        std::string error;
        bool unit_failed = false;
        if (commit(batch, results, error, unit_failed)) {
            for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(static_cast<bool>(results[i]));
            continue;
        }
        if (!unit_failed) {
            // The transaction itself failed (busy database, lost connection): retrying every unit
            // alone would only repeat the wait; the callers answer 503 and the provider retries.
            for (auto& p : batch)
                p->done.set_value(Error::unavailable("the database is busy; retry", "group commit: " + error));
            continue;
        }
        // One bad unit must not fail its neighbours: run them one transaction each.
        for (auto& p : batch) {
            std::vector<std::shared_ptr<Pending>> one{p};
            std::string e;
            bool own = false;
            if (commit(one, results, e, own))
                p->done.set_value(static_cast<bool>(results[0]));
            else
                p->done.set_value(Error::internal_error("the write could not be committed: " + e));
        }
    }
}

}  // namespace lc::store
