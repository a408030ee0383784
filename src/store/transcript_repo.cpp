#include "store/transcript_repo.hpp"

namespace lc::store {

std::optional<TranscriptRow> find_transcript(soci::session& sql, const std::string& tenant_id,
                                             const std::string& recording_id) {
    TranscriptRow row;
    long long updated = 0;
    sql << "SELECT recording_id, tenant_id, job_id, piece_seconds, language, pieces_done, pieces_total, segments, "
           "updated_at FROM live_recording_transcripts WHERE tenant_id = :t AND recording_id = :r",
        soci::into(row.recording_id), soci::into(row.tenant_id), soci::into(row.job_id), soci::into(row.piece_seconds),
        soci::into(row.language), soci::into(row.pieces_done), soci::into(row.pieces_total),
        soci::into(row.segments_json), soci::into(updated), soci::use(tenant_id), soci::use(recording_id);
    if (!sql.got_data()) return std::nullopt;
    row.updated_at = updated;
    return row;
}

bool transcript_job_at_work(soci::session& sql, const std::string& tenant_id, const std::string& recording_id) {
    // Two lookups, not a join: jobs.id is a uuid on PostgreSQL and the transcript's job_id text, and a
    // cast in a join would read the whole jobs table.
    std::string job_id;
    sql << "SELECT job_id FROM live_recording_transcripts WHERE tenant_id = :t AND recording_id = :r",
        soci::into(job_id), soci::use(tenant_id), soci::use(recording_id);
    if (!sql.got_data() || job_id.empty()) return false;
    int n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE id = :j AND status IN ('queued', 'running')", soci::into(n),
        soci::use(job_id);
    return n > 0;
}

std::string transcript_job_error(soci::session& sql, const std::string& tenant_id, const std::string& recording_id) {
    std::string job_id;
    sql << "SELECT job_id FROM live_recording_transcripts WHERE tenant_id = :t AND recording_id = :r",
        soci::into(job_id), soci::use(tenant_id), soci::use(recording_id);
    if (!sql.got_data() || job_id.empty()) return "";
    std::string error;
    soci::indicator ind = soci::i_null;
    sql << "SELECT public_error FROM jobs WHERE id = :j", soci::into(error, ind), soci::use(job_id);
    return sql.got_data() && ind == soci::i_ok ? error : "";
}

void save_transcript(soci::session& sql, const TranscriptRow& row) {
    long long updated = row.updated_at;
    sql << "INSERT INTO live_recording_transcripts(recording_id, tenant_id, job_id, piece_seconds, language, "
           "pieces_done, pieces_total, segments, updated_at) VALUES(:r, :t, :j, :p, :l, :d, :n, :s, :u) "
           "ON CONFLICT (recording_id) DO UPDATE SET job_id = excluded.job_id, piece_seconds = excluded.piece_seconds, "
           "language = excluded.language, pieces_done = excluded.pieces_done, pieces_total = excluded.pieces_total, "
           "segments = excluded.segments, updated_at = excluded.updated_at",
        soci::use(row.recording_id), soci::use(row.tenant_id), soci::use(row.job_id), soci::use(row.piece_seconds),
        soci::use(row.language), soci::use(row.pieces_done), soci::use(row.pieces_total), soci::use(row.segments_json),
        soci::use(updated);
}

void delete_transcript(soci::session& sql, const std::string& tenant_id, const std::string& recording_id) {
    sql << "DELETE FROM live_recording_transcripts WHERE tenant_id = :t AND recording_id = :r", soci::use(tenant_id),
        soci::use(recording_id);
}

}  // namespace lc::store
