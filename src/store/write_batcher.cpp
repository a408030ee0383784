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
    auto promise = std::make_shared<std::promise<void>>();
    auto f = promise->get_future();
    submit(std::move(op), [promise](std::exception_ptr e) {
        if (e)
            promise->set_exception(e);
        else
            promise->set_value();
    });
    f.get();
}

void WriteBatcher::submit(Op op, Done done) {
    {
        std::lock_guard lk(mu_);
        if (stopping_) {
            done(std::make_exception_ptr(std::runtime_error("the database writer is shutting down")));
            return;
        }
        queue_.push_back(Pending{std::move(op), std::move(done)});
    }
    cv_.notify_one();
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
            for (auto& p : batch) p.done(e);
            continue;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(errors[i]);
    }
}

}  // namespace lc::store
