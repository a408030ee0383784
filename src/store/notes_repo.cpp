#include "store/notes_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

std::optional<NotesRow> find_notes(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                                   const std::string& kind) {
    NotesRow row;
    long long created = 0, updated = 0;
    detail::Nullable<long long> made;
    sql << "SELECT recording_id, kind, tenant_id, job_id, status, progress, language, model, parts_total, part_chars, "
           "parts, content, error, created_at, updated_at, made_at FROM live_recording_notes "
           "WHERE tenant_id = :t AND recording_id = :r AND kind = :k",
        soci::into(row.recording_id), soci::into(row.kind), soci::into(row.tenant_id), soci::into(row.job_id),
        soci::into(row.status), soci::into(row.progress), soci::into(row.language), soci::into(row.model),
        soci::into(row.parts_total), soci::into(row.part_chars), soci::into(row.parts_json),
        soci::into(row.content_json), soci::into(row.error), soci::into(created), soci::into(updated),
        soci::into(made.value, made.ind), soci::use(tenant_id), soci::use(recording_id), soci::use(kind);
    if (!sql.got_data()) return std::nullopt;
    row.created_at = created;
    row.updated_at = updated;
    row.made_at = made.get();
    return row;
}

void save_notes(soci::session& sql, const NotesRow& row) {
    long long created = row.created_at, updated = row.updated_at;
    detail::Nullable<long long> made;
    made.set(row.made_at ? std::optional<long long>(*row.made_at) : std::nullopt);
    sql << "INSERT INTO live_recording_notes(recording_id, kind, tenant_id, job_id, status, progress, language, "
           "model, parts_total, part_chars, parts, content, error, created_at, updated_at, made_at) "
           "VALUES(:r, :k, :t, :j, :s, :p, :l, :m, :n, :pc, :parts, :c, :e, :ca, :u, :ma) "
           "ON CONFLICT (recording_id, kind) DO UPDATE SET job_id = excluded.job_id, status = excluded.status, "
           "progress = excluded.progress, language = excluded.language, model = excluded.model, "
           "parts_total = excluded.parts_total, part_chars = excluded.part_chars, parts = excluded.parts, content = "
           "excluded.content, "
           "error = excluded.error, created_at = excluded.created_at, updated_at = excluded.updated_at, "
           "made_at = excluded.made_at",
        soci::use(row.recording_id), soci::use(row.kind), soci::use(row.tenant_id), soci::use(row.job_id),
        soci::use(row.status), soci::use(row.progress), soci::use(row.language), soci::use(row.model),
        soci::use(row.parts_total), soci::use(row.part_chars), soci::use(row.parts_json), soci::use(row.content_json),
        soci::use(row.error), soci::use(created), soci::use(updated), soci::use(made.value, made.ind);
}

std::map<std::string, NotesStatus> notes_statuses(soci::session& sql, const std::string& tenant_id,
                                                  const std::string& session_id, const std::string& kind) {
    std::map<std::string, NotesStatus> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT n.recording_id, CASE WHEN n.status = 'processing' AND NOT EXISTS (SELECT 1 FROM jobs j "
                        "WHERE CAST(j.id AS TEXT) = n.job_id AND j.status IN ('queued', 'running')) "
                        "THEN 'failed' ELSE n.status END, CASE WHEN n.content <> '' THEN 'yes' ELSE 'no' END "
                        "FROM live_recording_notes n "
                        "JOIN live_session_recordings r ON r.id = n.recording_id "
                        "WHERE n.tenant_id = :t AND r.session_id = :s AND n.kind = :k",
         soci::use(tenant_id), soci::use(session_id), soci::use(kind));
    for (const auto& row : rows)
        out[row.get<std::string>(0)] = NotesStatus{row.get<std::string>(1), row.get<std::string>(2) == "yes"};
    return out;
}

void delete_notes(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                  const std::string& kind) {
    sql << "DELETE FROM live_recording_notes WHERE tenant_id = :t AND recording_id = :r AND (:k = '' OR kind = :k2)",
        soci::use(tenant_id), soci::use(recording_id), soci::use(kind), soci::use(kind);
}

}  // namespace lc::store
