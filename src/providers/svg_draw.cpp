#include "providers/svg_draw.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "core/text.hpp"

namespace lc::providers::draw {

bool usable(double v) { return std::isfinite(v) && std::fabs(v) < kMaxCoordinate; }

/// A number as SVG writes it: at most three decimals, no trailing zeros.
std::string num(double v) {
    if (!usable(v)) v = 0;
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
    std::string s(buf, ec == std::errc() ? end : buf);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s == "-0" || s.empty() ? "0" : s;
}

SvgElement element(std::string name, std::vector<std::pair<std::string, std::string>> attributes) {
    return SvgElement{std::move(name), std::move(attributes), {}, {}};
}

/// Text the page shows: valid UTF-8, one line without control characters, of a bounded length.
std::string clean_line(std::string_view raw) {
    std::string s = clean_text(raw);
    std::replace(s.begin(), s.end(), '\t', ' ');
    std::erase(s, '\n');
    // U+FFFE and U+FFFF are valid UTF-8 but no XML characters: the renderer refuses a page with one.
    for (std::string_view nonchar : {"\xEF\xBF\xBE", "\xEF\xBF\xBF"})
        for (std::size_t at = s.find(nonchar); at != std::string::npos; at = s.find(nonchar, at)) s.erase(at, 3);
    return utf8_prefix(s, kMaxLineCharacters);
}

std::vector<std::string> text_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size() && lines.size() < kMaxTextLines) {
        std::size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(clean_line(line));
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

/// A block of text whose first line's top is at `y`; `anchor` is start, middle or end of the lines at `x`.
std::optional<SvgElement> text_block(double x, double y, double font_size, const std::string& color,
                                     const std::vector<std::string>& lines, std::string_view anchor,
                                     double line_height) {
    if (lines.empty() || !usable(font_size) || font_size <= 0) return std::nullopt;
    font_size = std::min(font_size, kMaxFontSize);
    SvgElement t = element(
        "text",
        {{"font-family", kFont}, {"font-size", num(font_size)}, {"fill", color}, {"text-anchor", std::string(anchor)}});
    for (std::size_t i = 0; i < lines.size(); ++i) {
        SvgElement span =
            element("tspan", {{"x", num(x)}, {"y", num(y + font_size * (0.9 + static_cast<double>(i) * line_height))}});
        span.text = lines[i];
        t.children.push_back(std::move(span));
    }
    return t;
}

std::string hex(Rgb c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r & 0xff, c.g & 0xff, c.b & 0xff);
    return buf;
}

Rgb rgb(unsigned v) {
    return Rgb{static_cast<int>(v >> 16 & 0xff), static_cast<int>(v >> 8 & 0xff), static_cast<int>(v & 0xff)};
}

/// Stroke attributes for an outline in `l`'s colour, width and dash.
std::vector<std::pair<std::string, std::string>> outline(const Look& l, double width, bool filled) {
    std::vector<std::pair<std::string, std::string>> a{{"stroke", l.stroke},
                                                       {"stroke-width", num(width)},
                                                       {"stroke-linecap", "round"},
                                                       {"stroke-linejoin", "round"},
                                                       {"fill", filled ? l.fill : "none"}};
    if (l.dash == "dashed") a.emplace_back("stroke-dasharray", num(width * 2) + " " + num(width * 2));
    if (l.dash == "dotted") a.emplace_back("stroke-dasharray", "0 " + num(width * 2));
    return a;
}

std::string polyline_path(const std::vector<Point>& points, bool closed) {
    std::string d;
    for (std::size_t i = 0; i < points.size(); ++i) {
        d += i == 0 ? "M" : "L";
        d += num(points[i].first) + " " + num(points[i].second);
    }
    if (closed && !d.empty()) d += "Z";
    return d;
}

/// A freehand stroke: its points as a path, or a dot for a single point.
std::optional<SvgElement> freehand(const std::vector<Point>& points, const Look& l, double width, bool closed,
                                   const std::string& colour) {
    if (points.empty()) return std::nullopt;
    if (points.size() == 1)
        return element(
            "circle",
            {{"cx", num(points[0].first)}, {"cy", num(points[0].second)}, {"r", num(width / 2)}, {"fill", colour}});
    SvgElement p = element("path", {{"d", polyline_path(points, closed)}});
    Look drawn = l;
    drawn.stroke = colour;
    for (auto& a : outline(drawn, width, closed && l.fill != "none")) p.attributes.push_back(std::move(a));
    return p;
}

/// An open arrowhead at `tip`, coming from `from`.
SvgElement arrowhead(Point from, Point tip, const Look& l) {
    const double dx = tip.first - from.first, dy = tip.second - from.second;
    const double length = std::hypot(dx, dy);
    const double size = std::min(length / 3, l.stroke_width * 4 + 8);
    const double angle = std::atan2(dy, dx);
    auto wing = [&](double turn) {
        return Point{tip.first - size * std::cos(angle + turn), tip.second - size * std::sin(angle + turn)};
    };
    constexpr double kSpread = std::numbers::pi / 6;
    SvgElement p = element("path", {{"d", polyline_path({wing(kSpread), tip, wing(-kSpread)}, false)}});
    for (auto& a : outline(Look{l.stroke, "none", "", l.stroke_width, 0, 0, "solid", "", 1}, l.stroke_width, false))
        p.attributes.push_back(std::move(a));
    return p;
}

}  // namespace lc::providers::draw
