#include "store/migrations.hpp"

#include <set>

#include "store/database.hpp"

namespace lc::store {

namespace {
// Splits a migration file into statements on ';' at line ends (our SQL has no procedural bodies).
std::vector<std::string> split_statements(const std::string& sql) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
            cur += '\n';
            continue;
        }
        if (sql[i] == ';') {
            if (cur.find_first_not_of(" \n\t\r") != std::string::npos) out.push_back(cur);
            cur.clear();
            continue;
        }
        cur += sql[i];
    }
    if (cur.find_first_not_of(" \n\t\r") != std::string::npos) out.push_back(cur);
    return out;
}
}  // namespace

Result<std::vector<std::string>> migrate(Database& db) {
    const char* dialect = db.dialect() == Dialect::kSqlite ? "sqlite" : "postgres";
    std::vector<std::string> applied;
    try {
        soci::session sql(db.pool());
        sql << "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)";
        if (db.dialect() == Dialect::kPostgres) {
            // Several processes may start at once: serialise migrations with an advisory lock.
            sql << "SELECT pg_advisory_lock(7355608)";
        }
        std::set<std::string> done;
        {
            soci::rowset<std::string> rs = (sql.prepare << "SELECT name FROM schema_migrations");
            for (const auto& n : rs) done.insert(n);
        }
        for (const auto& m : embedded_migrations()) {
            if (std::string(m.dialect) != dialect || done.count(m.name)) continue;
            sql << (db.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
            try {
                for (const auto& stmt : split_statements(m.sql)) sql << stmt;
                long long now = static_cast<long long>(std::time(nullptr));
                std::string name = m.name;
                sql << "INSERT INTO schema_migrations(name, applied_at) VALUES(:n, :t)", soci::use(name),
                    soci::use(now);
                sql << "COMMIT";
            } catch (...) {
                sql << "ROLLBACK";
                throw;
            }
            applied.emplace_back(m.name);
        }
        if (db.dialect() == Dialect::kPostgres) sql << "SELECT pg_advisory_unlock(7355608)";
    } catch (const std::exception& e) {
        return Error::unavailable("database migration failed", e.what());
    }
    return applied;
}

}  // namespace lc::store
