#include "store/board_repo.hpp"

#include "store/sql_util.hpp"

namespace lc::store {

using providers::BoardElement;

namespace {

struct ElementRow {
    BoardElement e;
    int deleted = 0;
    void into(soci::statement& st) {
        st.exchange(soci::into(e.id));
        st.exchange(soci::into(e.type));
        st.exchange(soci::into(e.version));
        st.exchange(soci::into(e.nonce));
        st.exchange(soci::into(deleted));
        st.exchange(soci::into(e.index));
        st.exchange(soci::into(e.json));
    }
    BoardElement finish() const {
        BoardElement out = e;
        out.deleted = deleted != 0;
        return out;
    }
};

constexpr const char* kElementColumns =
    "SELECT element_id, type, version, version_nonce, is_deleted, z_index, body FROM live_whiteboard_elements "
    "WHERE board_id = ";

}  // namespace

std::optional<Board> find_board(soci::session& sql, const std::string& tenant_id, const std::string& session_id,
                                bool for_update) {
    Board b;
    std::string query =
        "SELECT session_id, tenant_id, board_id, version, element_count, body_bytes, updated_at FROM "
        "live_whiteboards "
        "WHERE tenant_id = :t AND session_id = :s";
    if (for_update && sql.get_backend_name() == "postgresql") query += " FOR UPDATE";
    long long updated = 0;
    sql << query, soci::into(b.session_id), soci::into(b.tenant_id), soci::into(b.board_id), soci::into(b.version),
        soci::into(b.element_count), soci::into(b.body_bytes), soci::into(updated), soci::use(tenant_id),
        soci::use(session_id);
    if (!sql.got_data()) return std::nullopt;
    b.updated_at = updated;
    return b;
}

void create_board(soci::session& sql, const Board& b) {
    long long at = b.updated_at;
    sql << "INSERT INTO live_whiteboards(session_id, tenant_id, board_id, version, element_count, created_at, "
           "updated_at) VALUES(:s, :t, :b, 0, 0, :c, :u) ON CONFLICT DO NOTHING",
        soci::use(b.session_id), soci::use(b.tenant_id), soci::use(b.board_id), soci::use(at), soci::use(at);
}

std::vector<BoardElement> board_elements(soci::session& sql, const std::string& board_id, long long since,
                                         bool with_deleted) {
    detail::Params p;
    std::string query = kElementColumns;
    query += p.add(board_id);
    query += " AND board_version > ";
    query += p.add(since);
    if (!with_deleted) query += " AND is_deleted = 0";
    std::vector<BoardElement> out;
    ElementRow row;
    detail::for_each_row(sql, query, p, row, [&] { out.push_back(row.finish()); });
    return out;
}

std::vector<BoardElement> board_elements_by_id(soci::session& sql, const std::string& board_id,
                                               const std::vector<std::string>& ids) {
    std::vector<BoardElement> out;
    if (ids.empty()) return out;
    // Chunks keep each statement's parameters well under both engines' limits.
    constexpr std::size_t kChunk = 100;
    for (std::size_t from = 0; from < ids.size(); from += kChunk) {
        detail::Params p;
        std::string query = kElementColumns;
        query += p.add(board_id);
        query += " AND element_id IN (";
        for (std::size_t i = from; i < std::min(ids.size(), from + kChunk); ++i) {
            if (i > from) query += ", ";
            query += p.add(ids[i]);
        }
        query += ")";
        ElementRow row;
        detail::for_each_row(sql, query, p, row, [&] { out.push_back(row.finish()); });
    }
    return out;
}

void save_board_elements(soci::session& sql, const Board& board, const std::vector<BoardElement>& changed,
                         UnixTime now) {
    std::string id, type, index, body;
    long long version = 0, nonce = 0;
    int deleted = 0;
    // One statement prepared for the whole change. The caller decided which elements win (it holds the
    // board's lock), so the upsert replaces unconditionally.
    soci::statement st =
        (sql.prepare << "INSERT INTO live_whiteboard_elements(board_id, element_id, type, version, version_nonce, "
                        "is_deleted, z_index, board_version, body) VALUES(:b, :i, :t, :v, :n, :d, :z, :bv, :body) "
                        "ON CONFLICT (board_id, element_id) DO UPDATE SET type = excluded.type, version = "
                        "excluded.version, version_nonce = excluded.version_nonce, is_deleted = excluded.is_deleted, "
                        "z_index = excluded.z_index, board_version = excluded.board_version, body = excluded.body",
         soci::use(board.board_id), soci::use(id), soci::use(type), soci::use(version), soci::use(nonce),
         soci::use(deleted), soci::use(index), soci::use(board.version), soci::use(body));
    for (const auto& e : changed) {
        id = e.id;
        type = e.type;
        version = e.version;
        nonce = e.nonce;
        deleted = e.deleted ? 1 : 0;
        index = e.index;
        body = e.json;
        st.execute(true);
    }
    long long at = now;
    sql << "UPDATE live_whiteboards SET version = :v, element_count = :c, body_bytes = :n, updated_at = :u WHERE "
           "board_id = :b",
        soci::use(board.version), soci::use(board.element_count), soci::use(board.body_bytes), soci::use(at),
        soci::use(board.board_id);
}

std::optional<long long> board_version(soci::session& sql, const std::string& tenant_id,
                                       const std::string& session_id) {
    long long v = 0;
    sql << "SELECT version FROM live_whiteboards WHERE tenant_id = :t AND session_id = :s", soci::into(v),
        soci::use(tenant_id), soci::use(session_id);
    if (!sql.got_data()) return std::nullopt;
    return v;
}

}  // namespace lc::store
