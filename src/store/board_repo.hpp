#pragma once
// Seed 7.2: a Jitsi class's own whiteboard and its elements.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "providers/excalidraw.hpp"

namespace lc::store {

struct Board {
    std::string session_id;
    std::string tenant_id;
    std::string board_id;
    long long version = 0;        // grows by one with every change that altered an element
    long long element_count = 0;  // erased elements included
    long long body_bytes = 0;     // the elements' kept JSON together
    UnixTime updated_at = 0;
};

/// The class's board (locked on PostgreSQL when asked, so that changes are numbered one after another).
std::optional<Board> find_board(soci::session& sql, const std::string& tenant_id, const std::string& session_id,
                                bool for_update = false);
/// Creates the class's board unless it has one (another request may have created it a moment ago).
void create_board(soci::session& sql, const Board& b);
/// The board's elements changed after version `since`; erased ones only when `with_deleted`. In no
/// particular order (providers::sort_board_elements orders them).
std::vector<providers::BoardElement> board_elements(soci::session& sql, const std::string& board_id, long long since,
                                                    bool with_deleted);
/// The board's elements with these ids (those it has).
std::vector<providers::BoardElement> board_elements_by_id(soci::session& sql, const std::string& board_id,
                                                          const std::vector<std::string>& ids);
/// Writes these elements (new or replacing the kept ones), stamped with the board's new version, and
/// moves the board to that version.
/// `board` holds the new version, element count and size.
void save_board_elements(soci::session& sql, const Board& board, const std::vector<providers::BoardElement>& changed,
                         UnixTime now);
/// The board's version alone (event streams poll it); nullopt when the class has no board yet.
std::optional<long long> board_version(soci::session& sql, const std::string& tenant_id, const std::string& session_id);

}  // namespace lc::store
