#pragma once
// Seed 7.2: the elements of a class's own whiteboard, in Excalidraw's scene format
// (https://docs.excalidraw.com, packages/element/src/types.ts): what a room page sends is checked
// field by field and only the fields this module knows are kept, so nothing a page sends reaches the
// other pages of the class, or the PDF renderer, unchecked.
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace lc::providers {

/// One element of a board, as kept.
struct BoardElement {
    std::string id;
    std::string type;
    long long version = 0;
    long long nonce = 0;   // versionNonce
    bool deleted = false;  // isDeleted: an erased element stays as a tombstone
    std::string index;     // Excalidraw's fractional drawing-order index ("" when the page sent none)
    std::string json;      // the element's kept fields as a JSON object
};

/// The element kinds a board keeps. Images need a file store of their own and embedded pages would
/// frame other sites in every student's page: the room page hides those tools.
bool is_board_element_type(std::string_view type);

inline constexpr std::size_t kMaxBoardPoints = 10'000;
inline constexpr std::size_t kMaxBoardText = 20'000;
inline constexpr double kMaxBoardCoordinate = 99'999;  // within what the renderer draws (svg_draw.hpp)

/// Reads one element a page sent. Problems are added to `errors` under `at` ("elements.3.") plus the
/// field's name; nullopt when there was any.
std::optional<BoardElement> read_board_element(const boost::json::value& v, const std::string& at,
                                               std::vector<FieldError>& errors);

/// Drawing order: Excalidraw's fractional index (plain byte order), then id.
void sort_board_elements(std::vector<BoardElement>& elements);

/// The board as a file that opens in Excalidraw (.excalidraw, its "excalidraw" JSON document).
std::string excalidraw_file(const std::vector<BoardElement>& elements);

/// The board as one SVG page fitted around what is drawn (a margin around it), rebuilt from numbers and
/// text as BigBlueButton's annotations are (providers/whiteboard.hpp). Elements of kinds not drawn
/// (frames) count as skipped.
struct BoardDrawing {
    std::string svg;  // empty when nothing is drawn
    std::size_t shapes = 0;
    std::size_t skipped_shapes = 0;
};
BoardDrawing board_svg(const std::vector<BoardElement>& elements);

}  // namespace lc::providers
