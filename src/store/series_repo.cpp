#include "store/series_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;

void insert_series(soci::session& sql, const Series& s) {
    Nullable<std::string> by;
    by.set(s.created_by);
    long long first = s.first_start, created = s.created_at, updated = s.updated_at;
    sql << "INSERT INTO live_session_series(id, tenant_id, course_id, created_by, title, description, rrule, timezone, "
           "first_start, duration_seconds, sequence, created_at, updated_at) "
           "VALUES(:i, :t, :c, :b, :ti, :d, :r, :z, :f, :du, :sq, :ca, :ua)",
        soci::use(s.id), soci::use(s.tenant_id), soci::use(s.course_id), soci::use(by.value, by.ind),
        soci::use(s.title), soci::use(s.description), soci::use(s.rrule), soci::use(s.timezone), soci::use(first),
        soci::use(s.duration_seconds), soci::use(s.sequence), soci::use(created), soci::use(updated);
}

void update_series(soci::session& sql, const Series& s) {
    long long first = s.first_start, updated = s.updated_at;
    sql << "UPDATE live_session_series SET title = :ti, description = :d, rrule = :r, timezone = :z, "
           "first_start = :f, duration_seconds = :du, sequence = :sq, updated_at = :ua WHERE id = :i AND tenant_id = "
           ":t",
        soci::use(s.title), soci::use(s.description), soci::use(s.rrule), soci::use(s.timezone), soci::use(first),
        soci::use(s.duration_seconds), soci::use(s.sequence), soci::use(updated), soci::use(s.id),
        soci::use(s.tenant_id);
}

std::optional<Series> find_series(soci::session& sql, const std::string& tenant_id, const std::string& id,
                                  bool for_update) {
    Series s;
    Nullable<std::string> by;
    long long first = 0, created = 0, updated = 0;
    soci::indicator ind = soci::i_null;
    sql << std::string(
               "SELECT id, tenant_id, course_id, created_by, title, description, rrule, timezone, "
               "first_start, duration_seconds, sequence, created_at, updated_at FROM live_session_series "
               "WHERE tenant_id = :t AND id = :i") +
               (for_update && sql.get_backend_name() == "postgresql" ? " FOR UPDATE" : ""),
        soci::into(s.id, ind), soci::into(s.tenant_id), soci::into(s.course_id), soci::into(by.value, by.ind),
        soci::into(s.title), soci::into(s.description), soci::into(s.rrule), soci::into(s.timezone), soci::into(first),
        soci::into(s.duration_seconds), soci::into(s.sequence), soci::into(created), soci::into(updated),
        soci::use(tenant_id), soci::use(id);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    s.created_by = by.get();
    s.first_start = first;
    s.created_at = created;
    s.updated_at = updated;
    return s;
}

}  // namespace lc::store
