#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace lc::store {

class Database;

struct EmbeddedMigration {
    const char* dialect;  // "sqlite" | "postgres"
    const char* name;     // "0001_initial.sql"
    const char* sql;
};
/// Every migration compiled into the binary (generated from migrations/<dialect>/*.sql).
const std::vector<EmbeddedMigration>& embedded_migrations();

/// Applies, in order and each in its own transaction, the migrations of the database's dialect
/// not yet recorded in schema_migrations. Returns the names applied.
Result<std::vector<std::string>> migrate(Database& db);

}  // namespace lc::store
