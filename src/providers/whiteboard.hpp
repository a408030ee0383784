#pragma once
// Seed 7.1: BigBlueButton's whiteboard as it stood at the end of the class, read from the
// "presentation" playback's data directory (https://host/presentation/{record id}/):
//  * shapes.svg lists every showing of a slide (<image class="slide" in out xlink:href width height>)
//    and, up to BBB 2.5, the annotations drawn on it: <g class="canvas" image="imageN"> holds one
//    <g class="shape" timestamp undo shape="..."> per version of each annotation;
//  * from BBB 2.6 the whiteboard is tldraw and its slides are SVGs (presentation/<id>/svgs/slideN.svg).
//    tldraw.json then holds, per showing ("N" for imageN), every version of every shape
//    ({id, timestamp, undo, shape_data}), shape_data being tldraw's own record: tldraw v1 up to BBB 2.7
//    (point, size, style), v2 from BBB 3.0 (x, y, props). Its coordinates put the slide, scaled to fit
//    1440x1080 (2048x1536 before BBB 2.6.1), at the origin.
// Each slide that carries annotations becomes one page: its last showing, with the annotations that were
// visible when that showing ended. The annotations are rebuilt here from numbers and text; none of the
// provider's annotation markup is copied through, so nothing in it can make the renderer fetch or run
// anything.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace lc::providers {

/// One SVG element of a page, built by us.
struct SvgElement {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;
    std::vector<SvgElement> children;
};

struct WhiteboardPage {
    std::string slide_path;        // the slide's image, relative to the playback data directory
    double width = 0, height = 0;  // the page in the annotations' coordinates; the slide fills it
    std::vector<SvgElement> annotations;
};

struct Whiteboard {
    std::vector<WhiteboardPage> pages;  // in the order the slides were first shown
    std::size_t shapes = 0;             // annotations drawn on the pages
    std::size_t skipped_shapes = 0;     // annotations of kinds not drawn (poll charts, images, unknown kinds)
    bool tldraw = false;
};

/// Limits on what one playback may make us build.
inline constexpr std::size_t kMaxWhiteboardPages = 300;
inline constexpr std::size_t kMaxWhiteboardShapes = 50'000;

/// True when shapes.svg comes from a tldraw whiteboard (BBB 2.6 and later): its annotations are in
/// tldraw.json.
bool bbb_whiteboard_uses_tldraw(std::string_view shapes_svg);

/// The pages of a playback. `tldraw_json` is read only when bbb_whiteboard_uses_tldraw(shapes_svg).
/// Invalid when the files are not what the playback writes.
Result<Whiteboard> parse_bbb_whiteboard(std::string_view shapes_svg, std::string_view tldraw_json);

/// A slide path is used to build a URL and a local file name: only plain relative paths are accepted.
bool safe_slide_path(std::string_view path);

/// A page's slide: an SVG document (BBB 2.6 and later), nested in the page so that it stays vector
/// graphics, or a bitmap file (PNG, JPEG) in the page's directory. Neither: a white page.
struct SlideImage {
    std::string file;  // a file name next to the page
    std::string svg;   // the slide's SVG document
};

/// True when `bytes` is an XML document whose root is <svg>.
bool is_svg_document(std::string_view bytes);

/// The page as an SVG document: the slide (or white) with the annotations over it, clipped to it.
/// Everything but an SVG slide is built by us; an SVG slide is the school's own BigBlueButton's
/// conversion of its presentation, which the renderer reads under its usual rules (no files outside
/// the page's directory, no network, no scripts).
std::string whiteboard_page_svg(const WhiteboardPage& page, const SlideImage& slide);

}  // namespace lc::providers
