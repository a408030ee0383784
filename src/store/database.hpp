#pragma once
// The database: a SOCI connection pool over SQLite (embedded default) or PostgreSQL.
#include <soci/soci.h>

#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/ttl_cache.hpp"

namespace lc::store {

enum class Dialect { kSqlite, kPostgres };

class Database {
public:
    /// url: "sqlite:PATH" or "postgresql://..." / "postgres://...". SQLite runs in WAL mode with
    /// foreign keys on and a busy timeout, so several pooled connections can share the file.
    static Result<std::unique_ptr<Database>> open(const std::string& url, std::size_t pool_size,
                                                  int sqlite_busy_timeout_ms = 30000);

    Dialect dialect() const { return dialect_; }
    soci::connection_pool& pool() { return *pool_; }
    std::size_t pool_size() const { return size_; }

    /// True when a trivial query succeeds (health check).
    bool ping();

    /// SQLite allows one writer at a time and its busy handler waits by sleeping; writers of this
    /// process take turns on this mutex instead (other processes still meet the busy timeout).
    std::mutex& write_mutex() { return write_mu_; }

    /// Bumped by every committed Tx (except the join writer's): read caches compare against it.
    WriteGeneration& generation() { return generation_; }

private:
    Database(Dialect d, std::size_t n) : dialect_(d), size_(n), pool_(std::make_unique<soci::connection_pool>(n)) {}
    Dialect dialect_;
    std::size_t size_;
    std::unique_ptr<soci::connection_pool> pool_;
    std::mutex write_mu_;
    WriteGeneration generation_;
};

/// True for a database that is there but cannot serve now: SQLite locked by another process beyond the
/// busy timeout, PostgreSQL unreachable, restarting, shutting down or out of connections. Callers answer
/// 503 with Retry-After (the request may be repeated) instead of 500.
bool is_unavailable(const std::exception& e);
/// The 503 for such an exception (Retry-After: 5); its text is logged only.
Error unavailable_error(const std::exception& e);
/// True when a unique index refused a row: usually another request wrote the same row a moment
/// earlier, between our check and our insert (SQLite's UNIQUE/PRIMARY KEY constraint, PostgreSQL 23505).
bool is_unique_violation(const std::exception& e);
/// What to answer for a database exception that is no bug: the 503 above, or a 409 for a unique
/// violation (the client may look again and retry). nullopt for anything else (a 500).
std::optional<Error> expected_database_error(const std::exception& e);

/// "postgresql://user:pw@host:port/db?sslmode=require&options=..." -> libpq keyword/value string.
Result<std::string> postgres_conninfo(const std::string& url);

/// An explicit write transaction on one pooled connection. SQLite takes the write lock up front
/// (BEGIN IMMEDIATE) so a read-then-write transaction cannot fail on a stale snapshot.
/// Rolls back in the destructor unless commit() was called.
class Tx {
public:
    /// bump_generation=false for writes that cached reads do not depend on (participation rows).
    explicit Tx(Database& db, bool bump_generation = true);
    ~Tx();
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

    soci::session& sql() { return sql_; }
    Dialect dialect() const { return dialect_; }
    /// For a Tx opened with bump_generation=false that turned out to change cached reads after all.
    void bump_generation_on_commit() { bump_ = true; }
    void commit();

private:
    std::unique_lock<std::mutex> write_lock_;
    WriteGeneration& generation_;
    bool bump_;
    soci::session sql_;
    Dialect dialect_;
    bool done_ = false;
};

/// A read on one pooled connection, no explicit transaction.
/// After a failed statement: opens a pooled PostgreSQL connection again if it died (server restart,
/// failover, terminated backend), so only the request that met the dead connection answers 503.
/// Never throws; a server that is still away leaves it for the next failure to try again.
void heal(soci::session& s, Dialect d) noexcept;

class Conn {
public:
    explicit Conn(Database& db) : sql_(db.pool()), dialect_(db.dialect()) {}
    ~Conn() {
        if (std::uncaught_exceptions() > uncaught_) heal(sql_, dialect_);
    }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    soci::session& sql() { return sql_; }
    Dialect dialect() const { return dialect_; }

private:
    soci::session sql_;
    Dialect dialect_;
    int uncaught_ = std::uncaught_exceptions();
};

}  // namespace lc::store
