#pragma once
// Group commit for joins, the hottest write: one writer thread takes every pending join, writes them
// all in one transaction with statements prepared once, commits, then reports to each caller. On
// SQLite that turns N write-lock acquisitions and N commits into one; on PostgreSQL it saves N-1
// commits. A caller hears back only after COMMIT, so an acknowledged join is durable.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "domain/entities.hpp"
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace lc::store {

struct JoinWrite {
    domain::Participant participant;
    AuditEntry audit;
    /// When set, a user not already present is refused once participant_count reached the limit.
    bool enforce_capacity = false;
    int max_participants = 0;
    /// Hosts and moderators may also join a scheduled session; everybody else only a live one.
    bool moderator = false;
};

/// kClosed: the session ended or was cancelled (or is not open to this role) by the time the write ran.
enum class JoinOutcome { kRecorded, kFull, kClosed, kFailed };

class JoinWriter {
public:
    using Done = std::function<void(JoinOutcome, const std::string& error)>;
    explicit JoinWriter(Database& db, std::size_t max_batch = 64);
    ~JoinWriter();  // = stop()
    /// Writes what is queued, reports it, and stops the threads; later submits fail at once. Call it
    /// while the receivers of `done` (the HTTP layer) still exist.
    void stop();
    JoinWriter(const JoinWriter&) = delete;
    JoinWriter& operator=(const JoinWriter&) = delete;

    /// Queues a join; `done` runs on the writer thread after the batch committed (keep it short).
    void submit(JoinWrite w, Done done);

private:
    struct Pending {
        JoinWrite w;
        Done done;
        JoinOutcome outcome = JoinOutcome::kFailed;
    };
    struct Statements;
    void loop();
    /// Writes the batch in one transaction; false (and rolled back) when a statement failed.
    bool write_batch(std::vector<Pending>& batch, std::string& error);
    Database& db_;
    std::size_t max_batch_;
    std::optional<soci::session> sql_;  // writer thread only
    std::unique_ptr<Statements> st_;    // writer thread only
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Pending> queue_;
    bool stopping_ = false;
    std::thread thread_;
    // SQLite: the writer's connection does not checkpoint the WAL itself (a checkpoint copies pages
    // and fsyncs, stalling every waiting join); this thread does it in the background instead.
    void checkpoint_loop();
    std::condition_variable stop_cv_;
    std::thread checkpointer_;
};

}  // namespace lc::store
