#include "store/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/url/parse.hpp>

namespace lc::store {

namespace {
std::string conninfo_quote(std::string_view v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}
}  // namespace

Result<std::string> postgres_conninfo(const std::string& url) {
    // libpq accepts URIs itself, but SOCI reads its own options out of the connection string and
    // mangles URI query parameters; the keyword=value form passes through intact.
    auto u = boost::urls::parse_uri(url);
    if (!u) return Error::invalid("LIVE_DATABASE_URL is not a valid postgresql:// URL");
    std::string out;
    auto add = [&](const char* k, std::string_view v) {
        if (v.empty()) return;
        if (!out.empty()) out += ' ';
        out += std::string(k) + "=" + conninfo_quote(v);
    };
    add("host", u->host_address().empty() ? std::string() : std::string(u->encoded_host().decode()));
    add("port", u->port());
    std::string db(u->encoded_path().decode());
    if (!db.empty() && db.front() == '/') db.erase(0, 1);
    add("dbname", db);
    add("user", std::string(u->encoded_user().decode()));
    add("password", std::string(u->encoded_password().decode()));
    for (auto p : u->params()) add(std::string(p.key).c_str(), p.value);
    return out;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, std::size_t pool_size,
                                                 int sqlite_busy_timeout_ms) {
    Dialect dialect;
    std::string conn;
    if (url.rfind("sqlite:", 0) == 0) {
        dialect = Dialect::kSqlite;
        std::string path = url.substr(7);
        if (path.rfind("//", 0) == 0) path = path.substr(2);  // accept sqlite://PATH too
        if (path.empty()) return Error::invalid("LIVE_DATABASE_URL: sqlite: needs a file path");
        conn = "db=" + path + " timeout=" + std::to_string((sqlite_busy_timeout_ms + 999) / 1000);
    } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        dialect = Dialect::kPostgres;
        auto ci = postgres_conninfo(url);
        if (!ci) return ci.take_error();
        conn = ci.value();
    } else {
        return Error::invalid("LIVE_DATABASE_URL must start with sqlite: or postgresql://");
    }
    if (pool_size == 0) pool_size = 1;
    if (dialect == Dialect::kSqlite) {
        // SQLite's memory statistics take a process-wide mutex on every allocation, which serialises
        // all connections under load. Must precede the first open; later calls are harmless no-ops.
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
    std::unique_ptr<Database> db(new Database(dialect, pool_size));
    try {
        for (std::size_t i = 0; i < pool_size; ++i) {
            soci::session& s = db->pool_->at(i);
            if (dialect == Dialect::kSqlite) {
                s.open(soci::sqlite3, conn);
                // WAL: readers never block the writer; NORMAL sync is durable across app crashes
                // (an OS crash may lose the last commits, which WAL makes safe to recover).
                s << "PRAGMA journal_mode=WAL";
                s << "PRAGMA synchronous=NORMAL";
                s << "PRAGMA foreign_keys=ON";
                s << "PRAGMA busy_timeout=" + std::to_string(sqlite_busy_timeout_ms);
                // No memory map: each connection would map the file on its own, and the RSS counts
                // every connection's mapped pages (bench/join: 25-57 MB of it). The join path reads
                // from in-process caches, so the map no longer paid for itself (bench/join measured it
                // slower, too).
                s << "PRAGMA mmap_size=0";
                // No connection checkpoints the WAL in its own commit: that copies pages and fsyncs the
                // database file while this process's write lock is held, stalling every other writer
                // (webhook intake waited on the drain's checkpoints). The join writer's checkpointer
                // thread does it every 250 ms with PASSIVE checkpoints instead.
                s << "PRAGMA wal_autocheckpoint=0";
            } else {
                s.open(soci::postgresql, conn);
                s << "SET TIME ZONE 'UTC'";
            }
        }
    } catch (const std::exception& e) {
        return Error::unavailable("cannot open the database", e.what());
    }
    return db;
}

bool Database::ping() {
    try {
        soci::session s(*pool_);
        int one = 0;
        try {
            s << "SELECT 1", soci::into(one);
        } catch (const std::exception&) {
            heal(s, dialect_);
            throw;
        }
        return one == 1;
    } catch (const std::exception&) {
        return false;  // reported as "database unreachable" by the caller
    }
}

bool is_unavailable(const std::exception& e) {
    if (auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
        int primary = lite->result() & 0xff;  // extended result codes keep the primary code in the low byte
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
    }
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        // Class 08: connection exception; 57P01-03: shutting down or starting up; 53300: too many connections.
        std::string state = pg->sqlstate();
        if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" || state == "53300")
            return true;
        if (pg->get_error_category() == soci::soci_error::connection_error) return true;
    }
    if (auto* soci_e = dynamic_cast<const soci::soci_error*>(&e)) {
        if (soci_e->get_error_category() == soci::soci_error::connection_error) return true;
        // libpq reports a dropped connection without a SQLSTATE; SOCI may wrap SQLite's busy errors.
        const std::string what = soci_e->what();
        for (const char* lost : {"server closed the connection", "no connection to the server",
                                 "could not connect to server", "connection to server", "terminating connection",
                                 "database is locked", "database table is locked", "Session is not connected"})
            if (what.find(lost) != std::string::npos) return true;
    }
    return false;
}

bool is_unique_violation(const std::exception& e) {
    if (auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
        const int code = lite->result();
        if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) return true;
        // SOCI may hand over only the primary code (SQLITE_CONSTRAINT): then SQLite's own wording says which.
        const std::string what = lite->what();
        return (code & 0xff) == SQLITE_CONSTRAINT && (what.find("UNIQUE constraint failed") != std::string::npos ||
                                                      what.find("PRIMARY KEY constraint failed") != std::string::npos);
    }
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) return pg->sqlstate() == "23505";
    return false;
}

std::optional<Error> expected_database_error(const std::exception& e) {
    if (is_unavailable(e)) return unavailable_error(e);
    if (is_unique_violation(e)) {
        Error err = Error::exists("this was created or changed by another request at the same moment; load it again");
        err.internal = e.what();
        return err;
    }
    return std::nullopt;
}

Error unavailable_error(const std::exception& e) {
    Error err = Error::unavailable("the database is busy or unreachable; retry shortly", e.what());
    err.retry_after_seconds = 5;
    return err;
}

void heal(soci::session& s, Dialect d) noexcept {
    if (d != Dialect::kPostgres) return;
    try {
        if (s.is_connected()) return;  // a ping, on the failure path only
        s.reconnect();
        s << "SET TIME ZONE 'UTC'";
    } catch (const std::exception&) {
        // Still unreachable: the next request on this connection answers 503 and comes here again.
    }
}

// The write mutex is taken BEFORE a connection is leased: a Tx never holds a pooled connection while
// it waits, so waiting writers cannot exhaust the pool (only the join writer holds one and waits).
Tx::Tx(Database& db, bool bump_generation)
    : write_lock_(db.dialect() == Dialect::kSqlite ? std::unique_lock<std::mutex>(db.write_mutex())
                                                   : std::unique_lock<std::mutex>()),
      generation_(db.generation()),
      bump_(bump_generation),
      sql_(db.pool()),
      dialect_(db.dialect()) {
    try {
        sql_ << (dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    } catch (const std::exception&) {
        heal(sql_, dialect_);  // no destructor runs for a Tx that was never begun
        throw;
    }
}

Tx::~Tx() {
    if (!done_) {
        try {
            sql_ << "ROLLBACK";
        } catch (const std::exception&) {
            heal(sql_, dialect_);  // the connection is broken: open it again for the next lease
        }
    }
}

void Tx::commit() {
    sql_ << "COMMIT";
    done_ = true;
    if (bump_) generation_.bump();
}

}  // namespace lc::store
