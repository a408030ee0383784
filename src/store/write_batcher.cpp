#include "store/write_batcher.hpp"

#include <vector>

namespace lc::store {

WriteBatcher::WriteBatcher(Database& db, std::size_t max_batch) : db_(db), max_batch_(max_batch) {
    thread_ = std::thread([this] { loop(); });
}

WriteBatcher::~WriteBatcher() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void WriteBatcher::run(Op op) {
    std::future<void> f;
    {
        std::lock_guard lk(mu_);
        if (stopping_) throw std::runtime_error("the database writer is shutting down");
        queue_.push_back(Pending{std::move(op), {}});
        f = queue_.back().done.get_future();
    }
    cv_.notify_one();
    f.get();
}

void WriteBatcher::loop() {
    while (true) {
        std::vector<Pending> batch;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        std::vector<std::exception_ptr> errors(batch.size());
        try {
            Tx tx(db_, /*bump_generation=*/false);
            for (std::size_t i = 0; i < batch.size(); ++i) {
                tx.sql() << "SAVEPOINT w";
                try {
                    batch[i].op(tx.sql());
                    tx.sql() << "RELEASE SAVEPOINT w";
                } catch (...) {
                    errors[i] = std::current_exception();
                    tx.sql() << "ROLLBACK TO SAVEPOINT w";
                    tx.sql() << "RELEASE SAVEPOINT w";
                }
            }
            tx.commit();
        } catch (...) {
            // BEGIN or COMMIT failed: nothing of this batch is stored; every caller hears so.
            auto e = std::current_exception();
            for (auto& p : batch) p.done.set_exception(e);
            continue;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (errors[i])
                batch[i].done.set_exception(errors[i]);
            else
                batch[i].done.set_value();
        }
    }
}

}  // namespace lc::store
