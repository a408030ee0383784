#include "providers/whiteboard.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <numbers>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <tuple>

#include "core/text.hpp"
#include "infra/json_fields.hpp"
#include "providers/svg_draw.hpp"

namespace lc::providers {

namespace json = boost::json;
using namespace draw;

namespace {

constexpr double kMaxScale = 10;
constexpr std::size_t kMaxPathBytes = 4U * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// shapes.svg up to BBB 2.5: the annotations are SVG already; rebuilt from an allow-list.

bool style_value_ok(std::string_view v) {
    if (v.empty() || v.size() > 64) return false;
    return std::all_of(v.begin(), v.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '#' || c == '.' || c == ',' || c == '%' || c == '-' || c == ' ';
    });
}

/// The style of one legacy annotation, keeping what draws it (never visibility, never url()s).
std::map<std::string, std::string> legacy_style(std::string_view style) {
    static const std::vector<std::string_view> kept{"stroke",          "stroke-width",      "stroke-linecap",
                                                    "stroke-linejoin", "stroke-miterlimit", "fill",
                                                    "color",           "font-size",         "opacity"};
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start < style.size()) {
        std::size_t end = style.find(';', start);
        std::string_view decl =
            style.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        start = end == std::string_view::npos ? style.size() : end + 1;
        std::size_t colon = decl.find(':');
        if (colon == std::string_view::npos) continue;
        std::string key(trim_blanks(decl.substr(0, colon)));
        std::string value(trim_blanks(decl.substr(colon + 1)));
        if (std::find(kept.begin(), kept.end(), key) == kept.end() || !style_value_ok(value)) continue;
        if (key == "stroke-width" || key == "stroke-miterlimit" || key == "opacity" || key == "font-size") {
            // Numbers (font sizes in px) within what a slide can show, written by us.
            if (key == "font-size" && value.ends_with("px")) value.resize(value.size() - 2);
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (!end || *end != '\0' || !usable(v) || v < 0) continue;
            value = num(std::min(v, key == "opacity" ? 1.0 : kMaxFontSize));
        }
        out[key] = value;
    }
    return out;
}

bool path_data_ok(std::string_view d) {
    if (d.empty() || d.size() > kMaxPathBytes) return false;
    return std::all_of(d.begin(), d.end(), [](unsigned char c) {
        return std::isdigit(c) || std::strchr("MmLlHhVvCcSsQqTtAaZzEe.,+- \n\t", c) != nullptr;
    });
}

std::optional<std::string> number_attribute(const pugi::xml_node& n, const char* name) {
    const pugi::xml_attribute a = n.attribute(name);
    if (!a) return std::nullopt;
    const double v = a.as_double(NAN);
    if (!usable(v)) return std::nullopt;
    return num(v);
}

/// One drawing element of a legacy annotation, rebuilt; nullopt for what is not drawn here.
std::optional<SvgElement> legacy_primitive(const pugi::xml_node& n) {
    const std::string_view name = n.name();
    auto numbers = [&](std::initializer_list<const char*> names) -> std::optional<SvgElement> {
        SvgElement e = element(std::string(name));
        for (const char* a : names) {
            auto v = number_attribute(n, a);
            if (!v) return std::nullopt;
            e.attributes.emplace_back(a, *v);
        }
        return e;
    };
    if (name == "path") {
        const std::string_view d = n.attribute("d").as_string();
        if (!path_data_ok(d)) return std::nullopt;
        return element("path", {{"d", std::string(d)}});
    }
    if (name == "line") return numbers({"x1", "y1", "x2", "y2"});
    if (name == "circle") return numbers({"cx", "cy", "r"});
    if (name == "ellipse") return numbers({"cx", "cy", "rx", "ry"});
    if (name == "rect") return numbers({"x", "y", "width", "height"});
    return std::nullopt;
}

/// A legacy text annotation: <switch><foreignObject x y width height><p>line<br/>line</p>.
std::optional<SvgElement> legacy_text(const pugi::xml_node& fo, const std::map<std::string, std::string>& style) {
    const double x = fo.attribute("x").as_double(NAN), y = fo.attribute("y").as_double(NAN);
    if (!usable(x) || !usable(y)) return std::nullopt;
    std::vector<std::string> lines{""};
    for (pugi::xml_node p : fo.children())
        for (pugi::xml_node c : p.children()) {
            if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
                lines.back() += c.value();
            else if (std::string_view(c.name()) == "br" && lines.size() < kMaxTextLines)
                lines.emplace_back();
        }
    for (auto& l : lines) l = clean_line(l);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    double font_size = 16;
    if (auto f = style.find("font-size"); f != style.end() && std::strtod(f->second.c_str(), nullptr) > 0)
        font_size = std::strtod(f->second.c_str(), nullptr);
    auto c = style.find("color");
    return text_block(x, y, font_size, c == style.end() ? "#000000" : c->second, lines, "start", 1.2);
}

/// A legacy annotation (<g class="shape" style="...">) rebuilt as a group; nullopt when nothing of it
/// is drawn here (poll charts are images of their own).
std::optional<SvgElement> legacy_annotation(const pugi::xml_node& g) {
    // A poll result is a chart image on a backdrop whose colours sit on its elements: not drawn here.
    if (g.find_node([](const pugi::xml_node& n) { return std::string_view(n.name()) == "image"; })) return std::nullopt;
    const auto style = legacy_style(g.attribute("style").as_string());
    SvgElement out = element("g");
    std::string kept_style;
    for (const auto& [k, v] : style)
        if (k != "color" && k != "font-size") kept_style += k + ":" + v + ";";
    if (!kept_style.empty()) out.attributes.emplace_back("style", kept_style);
    for (pugi::xml_node c : g.children()) {
        if (std::string_view(c.name()) == "switch") {
            for (pugi::xml_node fo : c.children("foreignObject"))
                if (auto t = legacy_text(fo, style)) out.children.push_back(std::move(*t));
        } else if (auto p = legacy_primitive(c)) {
            out.children.push_back(std::move(*p));
        }
    }
    if (out.children.empty()) return std::nullopt;
    return out;
}

// ---------------------------------------------------------------------------------------------
// tldraw (BBB 2.6 and later): shapes are tldraw records, drawn here with tldraw's own styles.

/// A number within the drawing's bounds (svg_draw's usable()), or `fallback`.
double number_at(const json::object& o, std::string_view key, double fallback) {
    const double d = infra::number_at(o, key, NAN);
    return usable(d) ? d : fallback;
}

std::string string_at(const json::object& o, std::string_view key, std::string_view fallback = "") {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

using infra::object_at;

unsigned lookup(const std::vector<std::pair<std::string_view, unsigned>>& table, std::string_view key,
                unsigned fallback) {
    for (const auto& [k, v] : table)
        if (k == key) return v;
    return fallback;
}

// tldraw v1's palette (its "light" theme) and v2's (TLColorStyle), as BigBlueButton's players use them.
const std::vector<std::pair<std::string_view, unsigned>> kV1Strokes{
    {"white", 0x1d1d1d},  {"lightGray", 0xc6cbd1}, {"gray", 0x788492},   {"black", 0x1d1d1d},
    {"green", 0x36b24d},  {"cyan", 0x0e98ad},      {"blue", 0x1c7ed6},   {"indigo", 0x4263eb},
    {"violet", 0x7746f1}, {"red", 0xff2133},       {"orange", 0xff9433}, {"yellow", 0xffc936}};
const std::vector<std::pair<std::string_view, unsigned>> kV2Colors{
    {"black", 0x1d1d1d},      {"blue", 0x4263eb},        {"green", 0x099268},     {"grey", 0xadb5bd},
    {"light-blue", 0x4dabf7}, {"light-green", 0x40c057}, {"light-red", 0xff8787}, {"light-violet", 0xe599f7},
    {"orange", 0xf76707},     {"red", 0xe03131},         {"violet", 0xae3ec9},    {"yellow", 0xffc078},
    {"white", 0xffffff}};
const std::vector<std::pair<std::string_view, unsigned>> kV2SemiColors{
    {"black", 0xe8e8e8},      {"blue", 0xdce1f8},        {"green", 0xd3e9e3},     {"grey", 0xeceef0},
    {"light-blue", 0xddedfa}, {"light-green", 0xdbf0e0}, {"light-red", 0xf4dadb}, {"light-violet", 0xf5eafa},
    {"orange", 0xf8e2d4},     {"red", 0xf4dadb},         {"violet", 0xecdcf2},    {"yellow", 0xf9f0e6},
    {"white", 0xffffff}};
const std::vector<std::pair<std::string_view, unsigned>> kV2Highlights{
    {"black", 0xfddd00},      {"blue", 0x10acff},        {"green", 0x00ffc8},     {"grey", 0xcbe7f1},
    {"light-blue", 0x00f4ff}, {"light-green", 0x65f641}, {"light-red", 0xff7fa3}, {"light-violet", 0xff88ff},
    {"orange", 0xffa500},     {"red", 0xff636e},         {"violet", 0xc77cff},    {"yellow", 0xfddd00},
    {"white", 0xffffff}};

Look v1_look(const json::object& shape) {
    Look l;
    const json::object empty;
    const json::object* st = object_at(shape, "style");
    const json::object& s = st ? *st : empty;
    const std::string color = string_at(s, "color", "black");
    const Rgb stroke = rgb(lookup(kV1Strokes, color, 0x1d1d1d));
    l.stroke = hex(stroke);
    // v1 fills blend the stroke colour 82 % towards its canvas (#fafafa).
    auto blend = [](int c, int canvas) { return static_cast<int>(std::lround(c * 0.18 + canvas * 0.82)); };
    if (s.contains("isFilled") && s.at("isFilled").is_bool() && s.at("isFilled").get_bool())
        l.fill =
            color == "white" ? "#fefefe" : hex({blend(stroke.r, 0xfa), blend(stroke.g, 0xfa), blend(stroke.b, 0xfa)});
    const std::string size = string_at(s, "size", "small");
    const double scale = std::clamp(number_at(s, "scale", 1), 0.01, kMaxScale);
    l.stroke_width = (size == "large" ? 5 : size == "medium" ? 3.5 : 2) * scale;
    l.font_size = (size == "large" ? 96 : size == "medium" ? 48 : 28) * scale;
    l.label_font_size = l.font_size;
    l.dash = string_at(s, "dash", "draw");
    l.align = string_at(s, "textAlign", "middle");
    return l;
}

Look v2_look(const json::object& shape, const json::object& props) {
    Look l;
    const std::string color = string_at(props, "color", "black");
    l.stroke = hex(rgb(lookup(kV2Colors, color, 0x1d1d1d)));
    l.highlight = hex(rgb(lookup(kV2Highlights, color, 0xfddd00)));
    const std::string fill = string_at(props, "fill", "none");
    if (fill == "semi")
        l.fill = "#fcfffe";
    else if (fill == "solid" || fill == "pattern")
        l.fill = hex(rgb(lookup(kV2SemiColors, color, 0xe8e8e8)));
    const std::string size = string_at(props, "size", "m");
    const double scale = std::clamp(number_at(props, "scale", 1), 0.01, kMaxScale);
    l.stroke_width = (size == "xl" ? 10 : size == "l" ? 5 : size == "m" ? 3.5 : 2) * scale;
    l.font_size = (size == "xl" ? 44 : size == "l" ? 36 : size == "m" ? 24 : 18) * scale;
    l.label_font_size = (size == "xl" ? 32 : size == "l" ? 26 : size == "m" ? 22 : 18) * scale;
    l.dash = string_at(props, "dash", "draw");
    l.align = string_at(props, "align", "middle");
    l.opacity = std::clamp(number_at(shape, "opacity", 1), 0.0, 1.0);
    return l;
}

std::string anchor_of(std::string_view align) {
    if (align.starts_with("start")) return "start";
    if (align.starts_with("end")) return "end";
    return "middle";
}

/// A geometric shape of size w x h at the origin (tldraw's geo kinds); nullopt for kinds not drawn.
std::optional<SvgElement> geo(std::string_view kind, double w, double h, const Look& l) {
    auto attrs = outline(l, l.stroke_width, l.fill != "none");
    auto with = [&](SvgElement e) {
        for (auto& a : attrs) e.attributes.push_back(a);
        return e;
    };
    auto polygon = [&](const std::vector<Point>& pts) {
        return with(element("path", {{"d", polyline_path(pts, true)}}));
    };
    auto regular = [&](int n, double inner) {
        std::vector<Point> pts;
        const int corners = inner > 0 ? n * 2 : n;
        for (int i = 0; i < corners; ++i) {
            const double t = -std::numbers::pi / 2 + 2 * std::numbers::pi * i / corners;
            const double r = inner > 0 && i % 2 == 1 ? inner : 1.0;
            pts.emplace_back(w / 2 + r * w / 2 * std::cos(t), h / 2 + r * h / 2 * std::sin(t));
        }
        return polygon(pts);
    };
    const double off = std::min(w, h) * 0.38;
    if (kind == "rectangle" || kind == "x-box" || kind == "check-box") {
        SvgElement g = element("g");
        g.children.push_back(with(element("rect", {{"x", "0"}, {"y", "0"}, {"width", num(w)}, {"height", num(h)}})));
        Look line = l;
        line.fill = "none";
        if (kind == "x-box") {
            g.children.push_back(with(element(
                "path", {{"d", polyline_path({{0, 0}, {w, h}}, false) + polyline_path({{w, 0}, {0, h}}, false)}})));
            g.children.back().attributes.back() = {"fill", "none"};
        } else if (kind == "check-box") {
            g.children.push_back(element(
                "path",
                {{"d", polyline_path({{w * 0.25, h * 0.52}, {w * 0.45, h * 0.72}, {w * 0.75, h * 0.3}}, false)}}));
            for (auto& a : outline(line, l.stroke_width, false)) g.children.back().attributes.push_back(std::move(a));
        }
        return g;
    }
    if (kind == "ellipse" || kind == "oval" || kind == "cloud")
        return with(
            element("ellipse", {{"cx", num(w / 2)}, {"cy", num(h / 2)}, {"rx", num(w / 2)}, {"ry", num(h / 2)}}));
    if (kind == "triangle") return polygon({{w / 2, 0}, {w, h}, {0, h}});
    if (kind == "diamond") return polygon({{w / 2, 0}, {w, h / 2}, {w / 2, h}, {0, h / 2}});
    if (kind == "rhombus") return polygon({{off, 0}, {w, 0}, {w - off, h}, {0, h}});
    if (kind == "rhombus-2") return polygon({{0, 0}, {w - off, 0}, {w, h}, {off, h}});
    if (kind == "trapezoid") return polygon({{off, 0}, {w - off, 0}, {w, h}, {0, h}});
    if (kind == "pentagon") return regular(5, 0);
    if (kind == "hexagon") return regular(6, 0);
    if (kind == "octagon") return regular(8, 0);
    if (kind == "star") return regular(5, 0.42);
    if (kind == "arrow-right" || kind == "arrow-left") {
        const double head = std::min(w, h) * 0.38, bar = h * 0.16;
        std::vector<Point> pts{{0, bar},      {w - head, bar},     {w - head, 0}, {w, h / 2},
                               {w - head, h}, {w - head, h - bar}, {0, h - bar}};
        if (kind == "arrow-left")
            for (auto& p : pts) p.first = w - p.first;
        return polygon(pts);
    }
    if (kind == "arrow-down" || kind == "arrow-up") {
        const double head = std::min(w, h) * 0.38, bar = w * 0.16;
        std::vector<Point> pts{{bar, 0},      {bar, h - head},     {0, h - head}, {w / 2, h},
                               {w, h - head}, {w - bar, h - head}, {w - bar, 0}};
        if (kind == "arrow-up")
            for (auto& p : pts) p.second = h - p.second;
        return polygon(pts);
    }
    return std::nullopt;
}

/// A text shape's lines, aligned in a box `w` wide from the shape's origin. Without a known width (tldraw
/// v1 keeps no size) the lines start at the shape's left edge.
void add_free_text(SvgElement& g, std::string_view text, double w, const Look& l) {
    const std::string anchor = w > 0 ? anchor_of(l.align) : "start";
    const double x = anchor == "start" ? 0 : anchor == "end" ? w : w / 2;
    if (auto t = text_block(x, 0, l.font_size, l.stroke, text_lines(text), anchor)) g.children.push_back(std::move(*t));
}

/// A label centred in a w x h box.
void add_label(SvgElement& g, std::string_view text, double w, double h, const Look& l) {
    const auto lines = text_lines(text);
    const double block =
        l.label_font_size * (0.9 + 1.35 * static_cast<double>(lines.size() > 0 ? lines.size() - 1 : 0)) +
        l.label_font_size * 0.3;
    if (auto t = text_block(w / 2, h / 2 - block / 2, l.label_font_size, "#1d1d1d", lines, "middle"))
        g.children.push_back(std::move(*t));
}

/// A v1 [x, y] pair (point, size, radius), when both are usable numbers.
std::optional<Point> pair_at(const json::value* v) {
    if (!v || !v->is_array() || v->get_array().size() < 2) return std::nullopt;
    const auto& a = v->get_array();
    auto at = [&](std::size_t i) { return a[i].is_number() ? a[i].to_number<double>() : NAN; };
    if (!usable(at(0)) || !usable(at(1))) return std::nullopt;
    return Point{at(0), at(1)};
}

std::vector<Point> point_list_v1(const json::value* v) {
    std::vector<Point> out;
    if (!v || !v->is_array()) return out;
    for (const auto& p : v->get_array())
        if (auto pt = pair_at(&p)) out.push_back(*pt);
    return out;
}

Point point_of(const json::object* o) {
    if (!o) return {0, 0};
    return {number_at(*o, "x", 0), number_at(*o, "y", 0)};
}

/// Where a shape sits on the page, for arrows bound to it (v2).
struct Box {
    double x = 0, y = 0, w = 0, h = 0;
    std::string parent;
};

/// The page's v2 shapes by id, placed on the page: a shape inside a group or frame has its position
/// relative to its parent, which may be inside another (the parents' rotation is not applied).
std::map<std::string, Box> page_boxes(const std::vector<const json::object*>& shapes) {
    std::map<std::string, Box> raw;
    for (const json::object* d : shapes) {
        const json::object* props = object_at(*d, "props");
        if (!props) continue;
        raw[string_at(*d, "id")] = Box{number_at(*d, "x", 0), number_at(*d, "y", 0), number_at(*props, "w", 0),
                                       number_at(*props, "h", 0), string_at(*d, "parentId")};
    }
    std::map<std::string, Box> placed;
    for (const auto& [id, box] : raw) {
        Box b = box;
        std::string parent = box.parent;
        for (int depth = 0; depth < 16 && parent.starts_with("shape:") && parent != id; ++depth) {
            auto p = raw.find(parent);
            if (p == raw.end()) break;
            b.x += p->second.x;
            b.y += p->second.y;
            parent = p->second.parent;
        }
        placed[id] = b;
    }
    return placed;
}

/// v1: {point, size, rotation, style, ...}. Returns the shape in page coordinates, or nullopt when its kind
/// is not drawn. `drawn_nothing` is set for kinds that have no look of their own (groups).
std::optional<SvgElement> v1_shape(const json::object& s, bool& no_look) {
    const std::string type = string_at(s, "type");
    no_look = type == "group";  // a group draws nothing itself
    const Look l = v1_look(s);
    const Point at = pair_at(s.if_contains("point")).value_or(Point{0, 0});
    const Point size = pair_at(s.if_contains("size")).value_or(Point{0, 0});
    double w = std::max(0.0, size.first), h = std::max(0.0, size.second);
    // v1 rotates a shape about its centre. Shapes that carry no size have it elsewhere: an ellipse in its
    // radius, a stroke in the bounds of its points.
    const std::optional<Point> radius = pair_at(s.if_contains("radius"));
    const std::vector<Point> points = point_list_v1(s.if_contains("points"));
    Point centre{w / 2, h / 2};
    if (w <= 0 && h <= 0) {
        if (type == "ellipse" && radius) {
            centre = *radius;
        } else if (type == "draw" && !points.empty()) {
            auto [min_x, max_x] = std::minmax_element(points.begin(), points.end(),
                                                      [](const Point& a, const Point& b) { return a.first < b.first; });
            auto [min_y, max_y] = std::minmax_element(
                points.begin(), points.end(), [](const Point& a, const Point& b) { return a.second < b.second; });
            centre = {(min_x->first + max_x->first) / 2, (min_y->second + max_y->second) / 2};
        }
    }
    const double rotation = number_at(s, "rotation", 0) * 180 / std::numbers::pi;
    SvgElement g = element("g");
    std::string transform = "translate(" + num(at.first) + " " + num(at.second) + ")";
    if (rotation != 0)
        transform += " rotate(" + num(rotation) + " " + num(centre.first) + " " + num(centre.second) + ")";
    g.attributes.emplace_back("transform", transform);
    const std::string label = string_at(s, "label");
    if (type == "draw") {
        const bool closed = l.fill != "none";
        if (auto p = freehand(points, l, 1 + l.stroke_width * 1.5, closed, l.stroke))
            g.children.push_back(std::move(*p));
    } else if (type == "rectangle" || type == "triangle") {
        if (auto e = geo(type, w, h, l)) g.children.push_back(std::move(*e));
        add_label(g, label, w, h, l);
    } else if (type == "ellipse") {
        const Point r = radius.value_or(Point{w / 2, h / 2});
        if (auto e = geo("ellipse", r.first * 2, r.second * 2, l)) g.children.push_back(std::move(*e));
        add_label(g, label, r.first * 2, r.second * 2, l);
    } else if (type == "arrow") {
        const json::object* handles = object_at(s, "handles");
        auto handle = [&](std::string_view name) -> Point {
            const json::object* hd = handles ? object_at(*handles, name) : nullptr;
            return pair_at(hd ? hd->if_contains("point") : nullptr).value_or(Point{0, 0});
        };
        const Point a = handle("start"), b = handle("end");
        {
            SvgElement line = element("path", {{"d", polyline_path({a, b}, false)}});
            for (auto& at2 : outline(l, l.stroke_width, false)) line.attributes.push_back(std::move(at2));
            g.children.push_back(std::move(line));
            const json::object* deco = object_at(s, "decorations");
            if (!deco || string_at(*deco, "end") == "arrow") g.children.push_back(arrowhead(a, b, l));
            if (deco && string_at(*deco, "start") == "arrow") g.children.push_back(arrowhead(b, a, l));
        }
    } else if (type == "text") {
        add_free_text(g, string_at(s, "text"), w, l);
    } else if (type == "sticky") {
        if (w <= 0 || h <= 0) w = h = 200;
        Look note = l;
        note.fill = l.fill == "none" ? "#fff9b1" : l.fill;
        note.stroke = "#c6cbd1";
        g.children.push_back(element("rect", {{"x", "0"},
                                              {"y", "0"},
                                              {"width", num(w)},
                                              {"height", num(h)},
                                              {"fill", note.fill},
                                              {"stroke", note.stroke},
                                              {"stroke-width", "1"}}));
        Look text = l;
        text.label_font_size = l.font_size * 0.6;
        add_label(g, string_at(s, "text"), w, h, text);
    }
    if (g.children.empty()) return std::nullopt;
    return g;
}

std::vector<Point> v2_indexed_points(const json::object& props) {
    // tldraw 2.0 keeps a line's points as "handles", later versions as "points": id -> {index, x, y}.
    const json::object* map = object_at(props, "points");
    if (!map) map = object_at(props, "handles");
    std::vector<std::pair<std::string, Point>> keyed;
    if (map)
        for (const auto& [k, v] : *map)
            if (v.is_object()) keyed.emplace_back(string_at(v.get_object(), "index", k), point_of(&v.get_object()));
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Point> out;
    for (auto& [k, p] : keyed) out.push_back(p);
    return out;
}

/// v2: {x, y, rotation, type, props, parentId, opacity}. `boxes`: the page's shapes, for arrow bindings.
std::optional<SvgElement> v2_shape(const json::object& s, const std::map<std::string, Box>& boxes, bool& no_look) {
    const std::string type = string_at(s, "type");
    no_look = type == "group";  // a group draws nothing itself
    const json::object empty;
    const json::object* pp = object_at(s, "props");
    const json::object& props = pp ? *pp : empty;
    const Look l = v2_look(s, props);
    Point at{number_at(s, "x", 0), number_at(s, "y", 0)};
    if (auto placed = boxes.find(string_at(s, "id")); placed != boxes.end()) at = {placed->second.x, placed->second.y};
    const double rotation = number_at(s, "rotation", 0) * 180 / std::numbers::pi;
    SvgElement g = element("g");
    std::string transform = "translate(" + num(at.first) + " " + num(at.second) + ")";
    if (rotation != 0) transform += " rotate(" + num(rotation) + ")";
    g.attributes.emplace_back("transform", transform);
    if (l.opacity < 1) g.attributes.emplace_back("opacity", num(l.opacity));
    const double w = std::max(0.0, number_at(props, "w", 0)), h = std::max(0.0, number_at(props, "h", 0));
    if (type == "draw" || type == "highlight") {
        std::vector<Point> points;
        if (const json::value* segs = props.if_contains("segments"); segs && segs->is_array())
            for (const auto& seg : segs->get_array()) {
                if (!seg.is_object()) continue;
                const json::value* pts = seg.get_object().if_contains("points");
                if (!pts || !pts->is_array()) continue;
                for (const auto& p : pts->get_array())
                    if (p.is_object()) points.push_back(point_of(&p.get_object()));
            }
        const bool highlight = type == "highlight";
        const bool closed = !highlight && props.contains("isClosed") && props.at("isClosed").is_bool() &&
                            props.at("isClosed").get_bool() && l.fill != "none";
        const double width = highlight ? l.stroke_width * 5 : 1 + l.stroke_width * 1.5;
        if (auto p = freehand(points, l, width, closed, highlight ? l.highlight : l.stroke)) {
            if (highlight) p->attributes.emplace_back("opacity", "0.7");
            g.children.push_back(std::move(*p));
        }
    } else if (type == "geo") {
        const double gh = h + std::max(0.0, number_at(props, "growY", 0));
        if (auto e = geo(string_at(props, "geo", "rectangle"), w, gh, l)) g.children.push_back(std::move(*e));
        add_label(g, string_at(props, "text"), w, gh, l);
    } else if (type == "line") {
        const auto pts = v2_indexed_points(props);
        if (pts.size() >= 2) {
            SvgElement line = element("path", {{"d", polyline_path(pts, false)}});
            for (auto& a : outline(l, l.stroke_width, false)) line.attributes.push_back(std::move(a));
            g.children.push_back(std::move(line));
        }
    } else if (type == "arrow") {
        auto terminal = [&](std::string_view name) -> Point {
            const json::object* t = object_at(props, name);
            if (!t) return {0, 0};
            if (string_at(*t, "type") == "binding") {
                auto b = boxes.find(string_at(*t, "boundShapeId"));
                if (b != boxes.end()) {
                    // tldraw aims an imprecise binding at the shape's centre.
                    const json::value* precise = t->if_contains("isPrecise");
                    const Point anchor = precise && precise->is_bool() && precise->get_bool()
                                             ? point_of(object_at(*t, "normalizedAnchor"))
                                             : Point{0.5, 0.5};
                    return {b->second.x + anchor.first * b->second.w - at.first,
                            b->second.y + anchor.second * b->second.h - at.second};
                }
            }
            return point_of(t);
        };
        const Point a = terminal("start"), b = terminal("end");
        SvgElement line = element("path", {{"d", polyline_path({a, b}, false)}});
        for (auto& at2 : outline(l, l.stroke_width, false)) line.attributes.push_back(std::move(at2));
        g.children.push_back(std::move(line));
        if (string_at(props, "arrowheadEnd", "arrow") != "none") g.children.push_back(arrowhead(a, b, l));
        if (string_at(props, "arrowheadStart", "none") != "none") g.children.push_back(arrowhead(b, a, l));
        const std::string text = string_at(props, "text");
        if (!text.empty()) {
            SvgElement label = element("g", {{"transform", "translate(" + num((a.first + b.first) / 2) + " " +
                                                               num((a.second + b.second) / 2) + ")"}});
            add_label(label, text, 0, 0, l);
            g.children.push_back(std::move(label));
        }
    } else if (type == "text") {
        add_free_text(g, string_at(props, "text"), w, l);
    } else if (type == "note") {
        const double side = 200 * std::clamp(number_at(props, "scale", 1), 0.01, kMaxScale);
        const double nh = side + std::max(0.0, number_at(props, "growY", 0));
        const std::string colour = hex(rgb(lookup(kV2SemiColors, string_at(props, "color", "black"), 0xe8e8e8)));
        g.children.push_back(element("rect", {{"x", "0"},
                                              {"y", "0"},
                                              {"width", num(side)},
                                              {"height", num(nh)},
                                              {"rx", "6"},
                                              {"fill", colour},
                                              {"stroke", l.stroke},
                                              {"stroke-width", "1"}}));
        add_label(g, string_at(props, "text"), side, nh, l);
    } else if (type == "frame") {
        g.children.push_back(element("rect", {{"x", "0"},
                                              {"y", "0"},
                                              {"width", num(w)},
                                              {"height", num(h)},
                                              {"fill", "none"},
                                              {"stroke", "#717171"},
                                              {"stroke-width", "1"}}));
    }
    if (g.children.empty()) return std::nullopt;
    return g;
}

// ---------------------------------------------------------------------------------------------

struct Showing {
    std::string id, href;
    double in = 0, out = 0, width = 0, height = 0;
};

struct ParsedSvg {
    std::vector<Showing> showings;
    std::map<std::string, pugi::xml_node> canvases;  // by the image id they draw on
};

/// BBB numbers shown times in seconds with one decimal; a version counts when drawn by then.
constexpr double kTimeSlack = 0.05;

/// Which versions of which annotations were visible at `t`: the newest version of each (by `key`) drawn
/// by then, unless it was undone or cleared by then. Returns their indices in `versions` order.
template <typename V, typename Key, typename Time, typename Undo>
std::vector<std::size_t> visible_at(const std::vector<V>& versions, double t, Key key, Time time, Undo undo) {
    std::map<std::string, std::size_t> newest;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < versions.size(); ++i) {
        if (time(versions[i]) > t + kTimeSlack) continue;
        const std::string k = key(versions[i]);
        if (!newest.contains(k)) order.push_back(k);
        newest[k] = i;
    }
    std::vector<std::size_t> out;
    for (const auto& k : order) {
        const std::size_t i = newest[k];
        const double u = undo(versions[i]);
        if (u < 0 || u > t + kTimeSlack) out.push_back(i);
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The last showing of each slide, in the order slides were first shown (not screen sharing).
std::vector<const Showing*> last_showings(const std::vector<Showing>& showings) {
    std::vector<std::string> order;
    std::map<std::string, const Showing*> last;
    for (const auto& s : showings) {
        if (s.href.find("deskshare") != std::string::npos || !safe_slide_path(s.href)) continue;
        if (!last.contains(s.href)) order.push_back(s.href);
        last[s.href] = &s;
    }
    std::vector<const Showing*> out;
    for (const auto& h : order) out.push_back(last[h]);
    return out;
}

/// tldraw coordinates fit the slide into 1440x1080 (2048x1536 before BBB 2.6.1).
double tldraw_scale(const Showing& s, std::string_view bbb_version) {
    int major = 0, minor = 0, patch = 0;
    const int read = std::sscanf(std::string(bbb_version).c_str(), "%d.%d.%d", &major, &minor, &patch);
    // As BBB's player: 1440x1080 only for a version it knows to be 2.6.1 or later.
    const bool recent =
        read >= 2 && (major > 2 || (major == 2 && (minor > 6 || (minor == 6 && read == 3 && patch >= 1))));
    const double max_w = recent ? 1440 : 2048, max_h = recent ? 1080 : 1536;
    if (s.width <= 0 || s.height <= 0) return 1;
    return std::min(max_w / s.width, max_h / s.height);
}

}  // namespace

bool safe_slide_path(std::string_view path) {
    if (path.empty() || path.size() > 300 || path.front() == '/' || path.find("//") != std::string_view::npos)
        return false;
    if (!std::all_of(path.begin(), path.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/'; }))
        return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part =
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

namespace {
/// Reads shapes.svg into `doc`: the slide showings and the legacy canvases (nodes of `doc`).
Result<ParsedSvg> read_shapes_svg(std::string_view shapes_svg, pugi::xml_document& doc) {
    // No DTD processing and no entities beyond XML's own: pugixml never fetches anything.
    const auto parsed = doc.load_buffer(shapes_svg.data(), shapes_svg.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) return Error::invalid(std::string("the playback's shapes.svg is not XML: ") + parsed.description());
    if (std::string_view(doc.document_element().name()) != "svg")
        return Error::invalid("the playback's shapes.svg is not an SVG document");
    ParsedSvg svg;
    struct Collect : pugi::xml_tree_walker {
        ParsedSvg* svg = nullptr;
        bool for_each(pugi::xml_node& n) override {
            const std::string_view name = n.name();
            const std::string_view cls = n.attribute("class").as_string();
            if (name == "image" && cls == "slide") {
                Showing s;
                s.id = n.attribute("id").as_string();
                s.href = n.attribute("xlink:href").as_string(n.attribute("href").as_string());
                s.in = n.attribute("in").as_double(0);
                s.out = n.attribute("out").as_double(0);
                s.width = n.attribute("width").as_double(0);
                s.height = n.attribute("height").as_double(0);
                if (!usable(s.in) || !usable(s.out) || !usable(s.width) || !usable(s.height) || s.width <= 0 ||
                    s.height <= 0)
                    return true;
                svg->showings.push_back(std::move(s));
            } else if (name == "g" && cls == "canvas") {
                svg->canvases[n.attribute("image").as_string()] = n;
            }
            return true;
        }
    } collect;
    collect.svg = &svg;
    doc.traverse(collect);
    return svg;
}

/// From BBB 2.6 the slides are SVGs under svgs/ and the annotations are in tldraw.json.
bool tldraw_slides(const ParsedSvg& svg) {
    return std::any_of(svg.showings.begin(), svg.showings.end(),
                       [](const Showing& s) { return s.href.find("/svgs/") != std::string::npos; });
}
}  // namespace

bool bbb_whiteboard_uses_tldraw(std::string_view shapes_svg) {
    pugi::xml_document doc;
    auto svg = read_shapes_svg(shapes_svg, doc);
    return svg && tldraw_slides(*svg);
}

Result<Whiteboard> parse_bbb_whiteboard(std::string_view shapes_svg, std::string_view tldraw_json) {
    pugi::xml_document doc;
    auto read = read_shapes_svg(shapes_svg, doc);
    if (!read) return read.take_error();
    const ParsedSvg& svg = *read;

    Whiteboard out;
    out.tldraw = tldraw_slides(svg);
    json::object tldraw;
    std::string bbb_version;
    if (out.tldraw) {
        boost::system::error_code ec;
        json::value v = json::parse(tldraw_json, ec);
        if (ec || !v.is_object()) return Error::invalid("the playback's tldraw.json is not a JSON object");
        tldraw = std::move(v.get_object());
        bbb_version = string_at(tldraw, "bbb_version");
    }

    for (const Showing* s : last_showings(svg.showings)) {
        WhiteboardPage page;
        page.slide_path = s->href;
        page.width = s->width;
        page.height = s->height;
        if (!out.tldraw) {
            auto canvas = svg.canvases.find(s->id);
            if (canvas == svg.canvases.end()) continue;
            std::vector<pugi::xml_node> versions;
            for (pugi::xml_node g : canvas->second.children("g"))
                if (std::string_view(g.attribute("class").as_string()) == "shape") versions.push_back(g);
            for (std::size_t i : visible_at(
                     versions, s->out,
                     [](const pugi::xml_node& g) {
                         return std::string(g.attribute("shape").as_string(g.attribute("id").as_string()));
                     },
                     [](const pugi::xml_node& g) { return g.attribute("timestamp").as_double(0); },
                     [](const pugi::xml_node& g) { return g.attribute("undo").as_double(-1); })) {
                if (out.shapes >= kMaxWhiteboardShapes) break;
                if (auto a = legacy_annotation(versions[i])) {
                    page.annotations.push_back(std::move(*a));
                    ++out.shapes;
                } else {
                    ++out.skipped_shapes;
                }
            }
        } else {
            const std::string key = s->id.starts_with("image") ? s->id.substr(5) : s->id;
            const json::object* entry = object_at(tldraw, key);
            const json::value* shapes = entry ? entry->if_contains("shapes") : nullptr;
            if (!shapes || !shapes->is_array()) continue;
            std::vector<const json::object*> versions;
            for (const auto& v : shapes->get_array()) {
                if (!v.is_object()) continue;
                const json::object* data = object_at(v.get_object(), "shape_data");
                if (data && data->contains("id")) versions.push_back(&v.get_object());
            }
            auto data_of = [](const json::object* v) -> const json::object& {
                return v->at("shape_data").get_object();
            };
            std::vector<const json::object*> visible;
            for (std::size_t i : visible_at(
                     versions, s->out, [&](const json::object* v) { return json::serialize(data_of(v).at("id")); },
                     [](const json::object* v) { return number_at(*v, "timestamp", 0); },
                     [](const json::object* v) { return number_at(*v, "undo", -1); }))
                visible.push_back(&data_of(versions[i]));
            // Drawn in tldraw's stacking order: v1's childIndex, v2's fractional index. One key per shape, so
            // that the order is a strict weak one whatever the file mixes (the sort relies on it).
            auto stacking = [](const json::object* d) {
                const bool v2 = d->contains("props");
                return std::tuple(v2, v2 ? string_at(*d, "index") : std::string(),
                                  v2 ? 0.0 : number_at(*d, "childIndex", 0));
            };
            std::stable_sort(visible.begin(), visible.end(),
                             [&](const json::object* a, const json::object* b) { return stacking(a) < stacking(b); });
            const std::map<std::string, Box> boxes = page_boxes(visible);
            const double scale = tldraw_scale(*s, bbb_version);
            page.width = s->width * scale;
            page.height = s->height * scale;
            for (const json::object* d : visible) {
                if (out.shapes >= kMaxWhiteboardShapes) break;
                bool no_look = false;
                auto e = d->contains("props") ? v2_shape(*d, boxes, no_look) : v1_shape(*d, no_look);
                if (e) {
                    page.annotations.push_back(std::move(*e));
                    ++out.shapes;
                } else if (!no_look) {
                    ++out.skipped_shapes;
                }
            }
        }
        if (page.annotations.empty()) continue;
        if (out.pages.size() >= kMaxWhiteboardPages)
            return Error::invalid("the whiteboard has more than " + std::to_string(kMaxWhiteboardPages) +
                                  " annotated slides");
        out.pages.push_back(std::move(page));
    }
    return out;
}

namespace {
void append(pugi::xml_node parent, const SvgElement& e) {
    pugi::xml_node n = parent.append_child(e.name.c_str());
    for (const auto& [k, v] : e.attributes) n.append_attribute(k.c_str()).set_value(v.c_str());
    if (!e.text.empty()) n.append_child(pugi::node_pcdata).set_value(e.text.c_str());
    for (const auto& c : e.children) append(n, c);
}
}  // namespace

namespace {
/// An SVG length in user units (px): "720pt" is 960.
std::optional<double> svg_length(std::string_view v) {
    char* end = nullptr;
    const std::string text(v);
    const double n = std::strtod(text.c_str(), &end);
    if (!end || end == text.c_str() || !usable(n) || n <= 0) return std::nullopt;
    const std::string_view unit = trim_blanks(std::string_view(end));
    if (unit.empty() || unit == "px") return n;
    if (unit == "pt") return n * 4 / 3;
    if (unit == "pc") return n * 16;
    if (unit == "in") return n * 96;
    if (unit == "cm") return n * 96 / 2.54;
    if (unit == "mm") return n * 96 / 25.4;
    return std::nullopt;
}
}  // namespace

bool is_svg_document(std::string_view bytes) {
    pugi::xml_document doc;
    return doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8) &&
           std::string_view(doc.document_element().name()) == "svg";
}

std::string whiteboard_page_svg(const WhiteboardPage& page, const SlideImage& slide) {
    pugi::xml_document doc;
    pugi::xml_node svg = doc.append_child("svg");
    svg.append_attribute("xmlns").set_value("http://www.w3.org/2000/svg");
    svg.append_attribute("xmlns:xlink").set_value("http://www.w3.org/1999/xlink");
    const std::string w = num(page.width), h = num(page.height);
    svg.append_attribute("width").set_value(w.c_str());
    svg.append_attribute("height").set_value(h.c_str());
    svg.append_attribute("viewBox").set_value(("0 0 " + w + " " + h).c_str());
    append(svg, element("rect", {{"x", "0"}, {"y", "0"}, {"width", w}, {"height", h}, {"fill", "#ffffff"}}));
    pugi::xml_document slide_doc;
    if (!slide.svg.empty() &&
        slide_doc.load_buffer(slide.svg.data(), slide.svg.size(), pugi::parse_default, pugi::encoding_utf8) &&
        std::string_view(slide_doc.document_element().name()) == "svg") {
        // An SVG slide (BBB 2.6 and later) is nested as it is, so that it stays vector graphics in the PDF
        // (librsvg would turn an <image> of it into a bitmap). It is fitted to the page: its own size
        // becomes its viewBox when it has none.
        pugi::xml_node nested = svg.append_copy(slide_doc.document_element());
        if (!nested.attribute("viewBox")) {
            const auto sw = svg_length(nested.attribute("width").as_string());
            const auto sh = svg_length(nested.attribute("height").as_string());
            nested.append_attribute("viewBox").set_value(
                ("0 0 " + num(sw.value_or(page.width)) + " " + num(sh.value_or(page.height))).c_str());
        }
        for (const char* a : {"x", "y", "width", "height"}) nested.remove_attribute(a);
        nested.append_attribute("x").set_value("0");
        nested.append_attribute("y").set_value("0");
        nested.append_attribute("width").set_value(w.c_str());
        nested.append_attribute("height").set_value(h.c_str());
    } else if (!slide.file.empty()) {
        append(svg, element("image", {{"x", "0"},
                                      {"y", "0"},
                                      {"width", w},
                                      {"height", h},
                                      {"preserveAspectRatio", "none"},
                                      {"xlink:href", slide.file}}));
    }
    // The annotations are clipped to the slide, as the player shows them (an id the slide will not use).
    pugi::xml_node defs = svg.append_child("defs");
    append(defs, SvgElement{"clipPath",
                            {{"id", "liveclass-page-clip"}},
                            {},
                            {element("rect", {{"x", "0"}, {"y", "0"}, {"width", w}, {"height", h}})}});
    pugi::xml_node layer = svg.append_child("g");
    layer.append_attribute("clip-path").set_value("url(#liveclass-page-clip)");
    for (const auto& a : page.annotations) append(layer, a);
    std::ostringstream s;
    doc.save(s, "", pugi::format_raw | pugi::format_no_declaration);
    return s.str();
}

}  // namespace lc::providers
