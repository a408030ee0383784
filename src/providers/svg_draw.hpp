#pragma once
// Drawing helpers shared by the whiteboard exports (seed 7.1 BigBlueButton, 7.2 the class's own board):
// every page is rebuilt from numbers and text as SvgElements, so the renderer reads only what we wrote.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "providers/whiteboard.hpp"

namespace lc::providers::draw {

// Slides are at most a few thousand units wide: anything far beyond is no drawing, and huge values make
// the renderer slow or fail.
inline constexpr double kMaxCoordinate = 1e5;
inline constexpr double kMaxFontSize = 1000;
inline constexpr std::size_t kMaxTextLines = 200;
inline constexpr std::size_t kMaxLineCharacters = 2000;
inline constexpr const char* kFont = "DejaVu Sans, sans-serif";

/// A finite number within kMaxCoordinate.
bool usable(double v);
/// A number as SVG writes it: at most three decimals, no trailing zeros.
std::string num(double v);
SvgElement element(std::string name, std::vector<std::pair<std::string, std::string>> attributes = {});
/// Text the page shows: valid UTF-8, one line without control characters, of a bounded length.
std::string clean_line(std::string_view raw);
/// `text` split at line breaks into clean lines (at most kMaxTextLines; trailing empty lines dropped).
std::vector<std::string> text_lines(std::string_view text);
/// A block of text whose first line's top is at `y`; `anchor` is start, middle or end of the lines at `x`.
std::optional<SvgElement> text_block(double x, double y, double font_size, const std::string& color,
                                     const std::vector<std::string>& lines, std::string_view anchor,
                                     double line_height = 1.35);

struct Rgb {
    int r, g, b;
};
std::string hex(Rgb c);
Rgb rgb(unsigned v);

/// What a shape looks like (tldraw's styles, Excalidraw's).
struct Look {
    std::string stroke = "#1d1d1d";
    std::string fill = "none";  // a filled shape's inside
    std::string highlight;      // v2 highlighter colour
    double stroke_width = 2;
    double font_size = 24;        // free text
    double label_font_size = 22;  // text inside a shape
    std::string dash = "draw";
    std::string align = "middle";
    double opacity = 1;
};

/// Stroke attributes for an outline in `l`'s colour, width and dash ("dashed", "dotted", else solid).
std::vector<std::pair<std::string, std::string>> outline(const Look& l, double width, bool filled);

using Point = std::pair<double, double>;
std::string polyline_path(const std::vector<Point>& points, bool closed);
/// A freehand stroke: its points as a path, or a dot for a single point.
std::optional<SvgElement> freehand(const std::vector<Point>& points, const Look& l, double width, bool closed,
                                   const std::string& colour);
/// An open arrowhead at `tip`, coming from `from`.
SvgElement arrowhead(Point from, Point tip, const Look& l);

}  // namespace lc::providers::draw
