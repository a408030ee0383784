#include "store/recording_repo.hpp"

#include <algorithm>

#include "store/sql_util.hpp"

namespace lc::store {

using detail::Nullable;
using detail::Params;
using domain::Recording;

namespace {
constexpr const char* kSelectRecordings =
    "SELECT id, tenant_id, session_id, provider_recording_id, provider_url, storage_url, storage_path, "
    "duration_seconds, file_size_bytes, format, resolution, thumbnail_url, transcript_status, status, is_public, "
    "published_at, expires_at, created_at, storage_status, storage_bytes, transcript_progress, transcript_language, "
    "transcript_url, started_at FROM live_session_recordings WHERE ";

struct RecordingRow {
    Recording r;
    int duration = 0, is_public = 0;
    long long size = 0, created = 0, storage_bytes = 0;
    std::string status;
    Nullable<long long> published, expires, started;

    void into(soci::statement& st) {
        st.exchange(soci::into(r.id));
        st.exchange(soci::into(r.tenant_id));
        st.exchange(soci::into(r.session_id));
        st.exchange(soci::into(r.provider_recording_id));
        st.exchange(soci::into(r.provider_url));
        st.exchange(soci::into(r.storage_url));
        st.exchange(soci::into(r.storage_path));
        st.exchange(soci::into(duration));
        st.exchange(soci::into(size));
        st.exchange(soci::into(r.format));
        st.exchange(soci::into(r.resolution));
        st.exchange(soci::into(r.thumbnail_url));
        st.exchange(soci::into(r.transcript_status));
        st.exchange(soci::into(status));
        st.exchange(soci::into(is_public));
        st.exchange(soci::into(published.value, published.ind));
        st.exchange(soci::into(expires.value, expires.ind));
        st.exchange(soci::into(created));
        st.exchange(soci::into(r.storage_status));
        st.exchange(soci::into(storage_bytes));
        st.exchange(soci::into(r.transcript_progress));
        st.exchange(soci::into(r.transcript_language));
        st.exchange(soci::into(r.transcript_url));
        st.exchange(soci::into(started.value, started.ind));
    }
    Recording finish() {
        Recording out = r;
        out.duration_seconds = duration;
        out.file_size_bytes = size;
        out.status = domain::parse_recording_status(status).value_or(domain::RecordingStatus::kProcessing);
        out.is_public = is_public != 0;
        out.published_at = published.get();
        out.expires_at = expires.get();
        out.created_at = created;
        out.storage_bytes = storage_bytes;
        out.started_at = started.get();
        published.ind = expires.ind = started.ind = soci::i_null;
        return out;
    }
};

std::vector<Recording> query_recordings(soci::session& sql, const std::string& where, Params& p) {
    std::vector<Recording> out;
    RecordingRow row;
    std::string query = kSelectRecordings;
    query += where;
    detail::for_each_row(sql, query, p, row, [&] { out.push_back(row.finish()); });
    return out;
}

std::string lock_clause(soci::session& sql, bool for_update) {
    // SQLite has no row locks: its writers are serialised by the write lock.
    return for_update && sql.get_backend_name() == "postgresql" ? " FOR UPDATE" : "";
}
}  // namespace

std::vector<Recording> list_recordings(soci::session& sql, const std::string& tenant_id,
                                       const std::string& session_id) {
    Params p;
    return query_recordings(sql,
                            "tenant_id = " + p.add(tenant_id) + " AND session_id = " + p.add(session_id) +
                                " AND status <> 'deleted' ORDER BY created_at DESC, id",
                            p);
}

std::optional<Recording> find_recording(soci::session& sql, const std::string& tenant_id, const std::string& session_id,
                                        const std::string& id, bool for_update) {
    Params p;
    auto v = query_recordings(sql,
                              "tenant_id = " + p.add(tenant_id) + " AND session_id = " + p.add(session_id) +
                                  " AND id = " + p.add(id) + lock_clause(sql, for_update),
                              p);
    if (v.empty()) return std::nullopt;
    return v.front();
}

RetentionNeeds recording_retention_needs(soci::session& sql, UnixTime keep_until) {
    RetentionNeeds out;
    int longest = 0, forever = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(recording_retention_days) FROM live_session_policies", soci::into(longest, ind);
    out.longest_days = std::max(ind == soci::i_ok ? longest : 0, out.longest_days);
    sql << "SELECT COUNT(*) FROM live_session_policies WHERE recording_retention_days = 0", soci::into(forever);
    out.keeps_forever = forever > 0;
    long long stored = 0;
    sql << "SELECT COUNT(*) FROM live_session_recordings WHERE status <> 'deleted' AND storage_status = 'stored' "
           "AND (expires_at IS NULL OR expires_at > :until)",
        soci::use(static_cast<long long>(keep_until)), soci::into(stored);
    out.stored_past = stored;
    return out;
}

std::optional<Recording> find_recording_by_id(soci::session& sql, const std::string& tenant_id, const std::string& id,
                                              bool for_update) {
    Params p;
    auto v = query_recordings(
        sql, "tenant_id = " + p.add(tenant_id) + " AND id = " + p.add(id) + lock_clause(sql, for_update), p);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<std::pair<Recording, domain::ProviderKind>> list_course_recordings(soci::session& sql,
                                                                               const std::string& tenant_id,
                                                                               const std::string& course_id) {
    Params p;
    std::string where = "tenant_id = " + p.add(tenant_id) + " AND status <> 'deleted' AND session_id IN (SELECT id ";
    where += "FROM live_sessions WHERE tenant_id = " + p.add(tenant_id) + " AND course_id = " + p.add(course_id) + ")";
    std::vector<std::pair<Recording, domain::ProviderKind>> out;
    for (auto& r : query_recordings(sql, where, p)) {
        std::string provider;
        sql << "SELECT provider FROM live_sessions WHERE tenant_id = :t AND id = :i", soci::into(provider),
            soci::use(tenant_id), soci::use(r.session_id);
        out.emplace_back(std::move(r), domain::parse_provider_kind(provider).value_or(domain::ProviderKind::kJitsi));
    }
    return out;
}

std::vector<Recording> list_expired_recordings(soci::session& sql, long long now, int limit) {
    Params p;
    std::string where = "expires_at IS NOT NULL AND expires_at <= " + p.add(now);
    where += " AND status <> 'deleted' ORDER BY expires_at, id LIMIT ";
    where += p.add(static_cast<long long>(limit));
    return query_recordings(sql, where, p);
}

void save_storage_progress(soci::session& sql, const std::string& tenant_id, const std::string& id, long long bytes) {
    sql << "UPDATE live_session_recordings SET storage_bytes = :b WHERE tenant_id = :t AND id = :i "
           "AND storage_status = 'copying'",
        soci::use(bytes), soci::use(tenant_id), soci::use(id);
}

void save_recording(soci::session& sql, const Recording& r) {
    std::string status = domain::to_string(r.status);
    int duration = static_cast<int>(r.duration_seconds);
    long long size = r.file_size_bytes;
    int is_public = r.is_public ? 1 : 0;
    Nullable<long long> published, expires, started;
    published.set(r.published_at ? std::optional<long long>(*r.published_at) : std::nullopt);
    expires.set(r.expires_at ? std::optional<long long>(*r.expires_at) : std::nullopt);
    started.set(r.started_at ? std::optional<long long>(*r.started_at) : std::nullopt);
    long long storage_bytes = r.storage_bytes;
    sql << "UPDATE live_session_recordings SET status = :st, provider_url = :u, duration_seconds = :d, "
           "file_size_bytes = :z, format = :f, is_public = :pub, published_at = :pa, expires_at = :ea, "
           "storage_path = :sp, storage_status = :ss, storage_bytes = :sb, thumbnail_url = :th, "
           "transcript_status = :ts, transcript_progress = :tp, transcript_language = :tl, transcript_url = :tu, "
           "started_at = :sa WHERE tenant_id = :t AND id = :i",
        soci::use(status), soci::use(r.provider_url), soci::use(duration), soci::use(size), soci::use(r.format),
        soci::use(is_public), soci::use(published.value, published.ind), soci::use(expires.value, expires.ind),
        soci::use(r.storage_path), soci::use(r.storage_status), soci::use(storage_bytes), soci::use(r.thumbnail_url),
        soci::use(r.transcript_status), soci::use(r.transcript_progress), soci::use(r.transcript_language),
        soci::use(r.transcript_url), soci::use(started.value, started.ind), soci::use(r.tenant_id), soci::use(r.id);
}

}  // namespace lc::store
