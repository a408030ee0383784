#include "store/artifact_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using domain::Artifact;

namespace {

struct ArtifactRow {
    bool with_content = false;
    Artifact a;
    std::string type;
    long long created = 0;

    void into(soci::statement& st) {
        st.exchange(soci::into(a.id));
        st.exchange(soci::into(a.tenant_id));
        st.exchange(soci::into(a.session_id));
        st.exchange(soci::into(type));
        st.exchange(soci::into(a.title));
        st.exchange(soci::into(a.metadata));
        st.exchange(soci::into(a.source_id));
        st.exchange(soci::into(created));
        if (with_content) st.exchange(soci::into(a.content));
    }
    Artifact finish() const {
        Artifact out = a;
        out.type = domain::parse_artifact_type(type).value_or(domain::ArtifactType::kFile);
        out.created_at = created;
        return out;
    }
};

constexpr const char* kColumns = "id, tenant_id, session_id, type, title, metadata, source_id, created_at";

}  // namespace

bool insert_artifact(soci::session& sql, const Artifact& a) {
    const std::string type = domain::to_string(a.type);
    long long created = a.created_at;
    // ON CONFLICT: a second export of the same source (another worker, a re-queued job) writes nothing
    // instead of failing on the (session_id, source_id) unique index; both engines read it the same way.
    soci::statement st =
        (sql.prepare << "INSERT INTO live_session_artifacts(id, tenant_id, session_id, type, title, content, metadata, "
                        "source_id, created_at) VALUES(:i, :t, :s, :y, :n, :c, :m, :o, :at) ON CONFLICT DO NOTHING",
         soci::use(a.id), soci::use(a.tenant_id), soci::use(a.session_id), soci::use(type), soci::use(a.title),
         soci::use(a.content), soci::use(a.metadata), soci::use(a.source_id), soci::use(created));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::vector<Artifact> list_artifacts(soci::session& sql, const std::string& tenant_id, const std::string& session_id) {
    detail::Params p;
    std::string query = "SELECT ";
    query += kColumns;
    query += " FROM live_session_artifacts WHERE tenant_id = ";
    query += p.add(tenant_id);
    query += " AND session_id = ";
    query += p.add(session_id);
    query += " ORDER BY created_at, id";
    std::vector<Artifact> out;
    ArtifactRow row;
    detail::for_each_row(sql, query, p, row, [&] { out.push_back(row.finish()); });
    return out;
}

namespace {
/// One artifact, with or without its content: by id (optionally within a session), or by its source.
std::optional<Artifact> find_one(soci::session& sql, const std::string& tenant_id, const std::string* session_id,
                                 const std::string& key, const char* key_column, bool with_content,
                                 bool for_update = false) {
    detail::Params p;
    std::string query = "SELECT ";
    query += kColumns;
    if (with_content) query += ", content";
    query += " FROM live_session_artifacts WHERE tenant_id = ";
    query += p.add(tenant_id);
    if (session_id) {
        query += " AND session_id = ";
        query += p.add(*session_id);
    }
    query += " AND ";
    query += key_column;
    query += " = ";
    query += p.add(key);
    if (for_update && sql.get_backend_name() == "postgresql") query += " FOR UPDATE";
    std::optional<Artifact> out;
    ArtifactRow row{with_content};
    detail::for_each_row(sql, query, p, row, [&] { out = row.finish(); });
    return out;
}
}  // namespace

std::optional<Artifact> find_artifact_by_source(soci::session& sql, const std::string& tenant_id,
                                                const std::string& session_id, const std::string& source_id,
                                                bool for_update) {
    return find_one(sql, tenant_id, &session_id, source_id, "source_id", /*with_content=*/true, for_update);
}

void update_artifact_content(soci::session& sql, const Artifact& a) {
    sql << "UPDATE live_session_artifacts SET content = :c, metadata = :m WHERE tenant_id = :t AND id = :i",
        soci::use(a.content), soci::use(a.metadata), soci::use(a.tenant_id), soci::use(a.id);
}

std::optional<Artifact> find_artifact(soci::session& sql, const std::string& tenant_id, const std::string& session_id,
                                      const std::string& id) {
    return find_one(sql, tenant_id, &session_id, id, "id", /*with_content=*/false);
}

std::optional<Artifact> find_artifact_by_id(soci::session& sql, const std::string& tenant_id, const std::string& id) {
    return find_one(sql, tenant_id, nullptr, id, "id", /*with_content=*/true);
}

bool has_artifact_from(soci::session& sql, const std::string& session_id, const std::string& source_id) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM live_session_artifacts WHERE session_id = :s AND source_id = :o", soci::into(n),
        soci::use(session_id), soci::use(source_id);
    return n > 0;
}

bool delete_artifact(soci::session& sql, const std::string& tenant_id, const std::string& id) {
    soci::statement st = (sql.prepare << "DELETE FROM live_session_artifacts WHERE tenant_id = :t AND id = :i",
                          soci::use(tenant_id), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

}  // namespace lc::store
