#include "providers/excalidraw.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <numbers>

#include "core/text.hpp"
#include "domain/board.hpp"
#include "providers/svg_draw.hpp"

namespace lc::providers {

namespace json = boost::json;
using namespace draw;

namespace {

// Excalidraw's numbers are JavaScript numbers: integers are exact up to 2^53.
constexpr double kMaxSafeInteger = 9007199254740991.0;

/// A number of any JSON kind, when it is one.
std::optional<double> number_of(const json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return std::nullopt;
}

/// An integral number (JavaScript writes 3 and 3.0 alike).
std::optional<long long> integer_of(const json::value& v) {
    auto d = number_of(v);
    if (!d || !std::isfinite(*d) || std::trunc(*d) != *d || std::fabs(*d) > kMaxSafeInteger) return std::nullopt;
    return static_cast<long long>(*d);
}

bool id_ok(std::string_view s) {
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

/// CSS colours as Excalidraw's palette and colour picker write them: #rgb, #rrggbb, #rrggbbaa,
/// "transparent" or a colour name.
bool colour_ok(std::string_view s) {
    if (s.starts_with('#'))
        return (s.size() == 4 || s.size() == 5 || s.size() == 7 || s.size() == 9) &&
               std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isxdigit(c); });
    return !s.empty() && s.size() <= 20 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c); });
}

bool one_of(std::string_view s, const std::vector<std::string_view>& allowed) {
    return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
}

const std::vector<std::string_view> kArrowheads{"arrow",
                                                "bar",
                                                "dot",
                                                "circle",
                                                "circle_outline",
                                                "triangle",
                                                "triangle_outline",
                                                "diamond",
                                                "diamond_outline",
                                                "crowfoot_one",
                                                "crowfoot_many",
                                                "crowfoot_one_or_many"};

/// Reads the fields of one element into `kept`, field by field.
class ElementReader {
public:
    ElementReader(const json::object& in, const std::string& at, std::vector<FieldError>& errors)
        : in_(in), at_(at), errors_(errors) {}

    json::object kept;
    bool failed = false;

    void fail(std::string_view field, std::string detail) {
        errors_.push_back({at_ + std::string(field), std::move(detail)});
        failed = true;
    }
    const json::value* get(std::string_view field) { return in_.if_contains(field); }

    void number(std::string_view field, double lo, double hi) {
        const json::value* v = get(field);
        if (!v) return;
        auto d = number_of(*v);
        if (!d || !std::isfinite(*d) || *d < lo || *d > hi)
            return fail(field, "must be a number from " + num(lo) + " to " + num(hi));
        kept[field] = *v;  // as the page wrote it (a double would come back as 1.25E2)
    }
    std::optional<long long> integer(std::string_view field, double lo, double hi, bool required = false) {
        const json::value* v = get(field);
        if (!v) {
            if (required) fail(field, "is required");
            return std::nullopt;
        }
        auto i = integer_of(*v);
        if (!i || static_cast<double>(*i) < lo || static_cast<double>(*i) > hi) {
            fail(field, "must be a whole number from " + num(lo) + " to " + num(hi));
            return std::nullopt;
        }
        kept[field] = *i;
        return i;
    }
    std::optional<bool> boolean(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return std::nullopt;
        if (!v->is_bool()) {
            fail(field, "must be true or false");
            return std::nullopt;
        }
        kept[field] = v->get_bool();
        return v->get_bool();
    }
    void choice(std::string_view field, const std::vector<std::string_view>& allowed, bool nullable = false) {
        const json::value* v = get(field);
        if (!v) return;
        if (nullable && v->is_null()) {
            kept[field] = nullptr;
            return;
        }
        if (!v->is_string() || !one_of(v->get_string(), allowed)) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            return fail(field, "must be one of " + list + (nullable ? " or null" : ""));
        }
        kept[field] = v->get_string();
    }
    void colour(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return;
        if (!v->is_string() || !colour_ok(v->get_string()))
            return fail(field, "must be a colour such as #1e1e1e or transparent");
        kept[field] = v->get_string();
    }
    void id(std::string_view field, bool nullable) {
        const json::value* v = get(field);
        if (!v) return;
        if (nullable && v->is_null()) {
            kept[field] = nullptr;
            return;
        }
        if (!v->is_string() || !id_ok(v->get_string()))
            return fail(field, "must be an element id (1 to 64 letters, digits, - or _)");
        kept[field] = v->get_string();
    }
    void text(std::string_view field, std::size_t max_chars, bool nullable = false) {
        const json::value* v = get(field);
        if (!v) return;
        if (nullable && v->is_null()) {
            kept[field] = nullptr;
            return;
        }
        if (!v->is_string() || !is_valid_utf8(v->get_string()) || utf8_length(v->get_string()) > max_chars)
            return fail(field, "must be text of at most " + std::to_string(max_chars) + " characters");
        kept[field] = clean_text(v->get_string());
    }
    void id_list(std::string_view field, std::size_t max) {
        const json::value* v = get(field);
        if (!v) return;
        const bool ok = v->is_array() && v->get_array().size() <= max &&
                        std::all_of(v->get_array().begin(), v->get_array().end(),
                                    [](const json::value& e) { return e.is_string() && id_ok(e.get_string()); });
        if (!ok) return fail(field, "must be a list of at most " + std::to_string(max) + " element ids");
        kept[field] = *v;
    }
    /// A point [x, y] within the board.
    static std::optional<json::array> point(const json::value& v) {
        if (!v.is_array() || v.get_array().size() != 2) return std::nullopt;
        json::array out;
        for (const auto& c : v.get_array()) {
            auto d = number_of(c);
            if (!d || !usable(*d)) return std::nullopt;
            out.push_back(c);
        }
        return out;
    }
    void points(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return;
        if (!v->is_array() || v->get_array().size() > kMaxBoardPoints)
            return fail(field, "must be a list of at most " + std::to_string(kMaxBoardPoints) + " [x, y] points");
        json::array out;
        out.reserve(v->get_array().size());
        for (const auto& p : v->get_array()) {
            auto xy = point(p);
            if (!xy) return fail(field, "must be a list of [x, y] points within the board");
            out.push_back(std::move(*xy));
        }
        kept[field] = std::move(out);
    }
    void optional_point(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return;
        if (v->is_null()) {
            kept[field] = nullptr;
            return;
        }
        auto xy = point(*v);
        if (!xy) return fail(field, "must be an [x, y] point or null");
        kept[field] = std::move(*xy);
    }
    void pressures(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return;
        const bool ok = v->is_array() && v->get_array().size() <= kMaxBoardPoints &&
                        std::all_of(v->get_array().begin(), v->get_array().end(), [](const json::value& e) {
                            auto d = number_of(e);
                            return d && *d >= 0 && *d <= 1;
                        });
        if (!ok) return fail(field, "must be a list of numbers from 0 to 1");
        kept[field] = *v;
    }
    /// An arrow's binding to a shape: {elementId, focus, gap, fixedPoint?}.
    void binding(std::string_view field) {
        const json::value* v = get(field);
        if (!v) return;
        if (v->is_null()) {
            kept[field] = nullptr;
            return;
        }
        const json::object* o = v->is_object() ? &v->get_object() : nullptr;
        const json::value* target = o ? o->if_contains("elementId") : nullptr;
        if (!target || !target->is_string() || !id_ok(target->get_string()))
            return fail(field, "must be null or {elementId, focus, gap}");
        json::object b{{"elementId", target->get_string()}};
        for (const char* n : {"focus", "gap"}) {
            const json::value* x = o->if_contains(n);
            if (!x) continue;
            auto d = number_of(*x);
            if (!d || !usable(*d)) return fail(field, std::string("has a ") + n + " that is not a usable number");
            b[n] = *x;
        }
        if (const json::value* fp = o->if_contains("fixedPoint"); fp && !fp->is_null()) {
            auto xy = point(*fp);
            if (!xy) return fail(field, "has a fixedPoint that is not an [x, y] point");
            b["fixedPoint"] = std::move(*xy);
        }
        kept[field] = std::move(b);
    }
    void roundness() {
        const json::value* v = get("roundness");
        if (!v) return;
        if (v->is_null()) {
            kept["roundness"] = nullptr;
            return;
        }
        const json::object* o = v->is_object() ? &v->get_object() : nullptr;
        const json::value* type = o ? o->if_contains("type") : nullptr;
        auto t = type ? integer_of(*type) : std::nullopt;
        if (!t || *t < 1 || *t > 3) return fail("roundness", "must be null or {type: 1 to 3, value?}");
        json::object r{{"type", *t}};
        if (const json::value* value = o->if_contains("value"); value && !value->is_null()) {
            auto d = number_of(*value);
            if (!d || !usable(*d) || *d < 0) return fail("roundness", "has a value that is not a usable size");
            r["value"] = *value;
        }
        kept["roundness"] = std::move(r);
    }
    void bound_elements() {
        const json::value* v = get("boundElements");
        if (!v) return;
        if (v->is_null()) {
            kept["boundElements"] = nullptr;
            return;
        }
        json::array out;
        const bool ok = v->is_array() && v->get_array().size() <= domain::kMaxBoardChange &&
                        std::all_of(v->get_array().begin(), v->get_array().end(), [&](const json::value& e) {
                            if (!e.is_object()) return false;
                            const json::value* i = e.get_object().if_contains("id");
                            const json::value* t = e.get_object().if_contains("type");
                            if (!i || !i->is_string() || !id_ok(i->get_string()) || !t || !t->is_string() ||
                                !one_of(t->get_string(), {"arrow", "text"}))
                                return false;
                            out.push_back(json::object{{"id", i->get_string()}, {"type", t->get_string()}});
                            return true;
                        });
        if (!ok) return fail("boundElements", "must be null or a list of {id, type: arrow or text}");
        kept["boundElements"] = std::move(out);
    }
    /// Links open from every student's board: web addresses only (never javascript: or data:).
    void link() {
        const json::value* v = get("link");
        if (!v) return;
        if (v->is_null()) {
            kept["link"] = nullptr;
            return;
        }
        if (!v->is_string()) return fail("link", "must be a web address (https://...) or null");
        const std::string_view s = v->get_string();
        const std::string lower = ascii_lower(s.substr(0, 8));
        if (s.size() > 2000 || has_control_characters(s) || !is_valid_utf8(s) ||
            !(lower.starts_with("https://") || lower.starts_with("http://")))
            return fail("link", "must be a web address (https://...) of at most 2000 characters, or null");
        kept["link"] = s;
    }
    /// Excalidraw's fractional index: a short string of base-62 digits.
    void index() {
        const json::value* v = get("index");
        if (!v) return;
        if (v->is_null()) {
            kept["index"] = nullptr;
            return;
        }
        const bool ok = v->is_string() && !v->get_string().empty() && v->get_string().size() <= 100 &&
                        std::all_of(v->get_string().begin(), v->get_string().end(),
                                    [](unsigned char c) { return std::isalnum(c); });
        if (!ok) return fail("index", "must be a fractional index (letters and digits) or null");
        kept["index"] = v->get_string();
    }

private:
    const json::object& in_;
    const std::string& at_;
    std::vector<FieldError>& errors_;
};

constexpr std::array<std::string_view, 8> kTypes{"rectangle", "ellipse",  "diamond", "line",
                                                 "arrow",     "freedraw", "text",    "frame"};

}  // namespace

bool is_board_element_type(std::string_view type) {
    return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<BoardElement> read_board_element(const json::value& v, const std::string& at,
                                               std::vector<FieldError>& errors) {
    if (!v.is_object()) {
        errors.push_back({at.substr(0, at.size() - 1), "must be an Excalidraw element object"});
        return std::nullopt;
    }
    const json::object& in = v.get_object();
    ElementReader r(in, at, errors);
    const json::value* id = in.if_contains("id");
    const json::value* type = in.if_contains("type");
    if (!id)
        r.fail("id", "is required");
    else
        r.id("id", false);
    std::string kind;
    if (!type) {
        r.fail("type", "is required");
    } else if (!type->is_string() || !is_board_element_type(type->get_string())) {
        r.fail("type",
               "must be one of rectangle, ellipse, diamond, line, arrow, freedraw, text, frame "
               "(images and embedded pages are not kept on this board)");
    } else {
        kind = type->get_string();
        r.kept["type"] = kind;
    }
    auto version = r.integer("version", 1, kMaxSafeInteger, /*required=*/true);
    auto nonce = r.integer("versionNonce", -kMaxSafeInteger, kMaxSafeInteger, /*required=*/true);
    auto deleted = r.boolean("isDeleted");
    r.index();
    for (const char* n : {"x", "y", "width", "height"}) r.number(n, -kMaxBoardCoordinate, kMaxBoardCoordinate);
    r.number("angle", -2 * std::numbers::pi, 2 * std::numbers::pi);
    r.colour("strokeColor");
    r.colour("backgroundColor");
    r.choice("fillStyle", {"hachure", "cross-hatch", "solid", "zigzag"});
    r.number("strokeWidth", 0, 100);
    r.choice("strokeStyle", {"solid", "dashed", "dotted"});
    r.number("roughness", 0, 10);
    r.number("opacity", 0, 100);
    r.id_list("groupIds", 32);
    r.id("frameId", true);
    r.roundness();
    r.integer("seed", -kMaxSafeInteger, kMaxSafeInteger);
    r.bound_elements();
    r.number("updated", 0, kMaxSafeInteger);
    r.link();
    r.boolean("locked");
    if (kind == "line" || kind == "arrow" || kind == "freedraw") {
        r.points("points");
        r.optional_point("lastCommittedPoint");
    }
    if (kind == "line" || kind == "arrow") {
        r.binding("startBinding");
        r.binding("endBinding");
        r.choice("startArrowhead", kArrowheads, true);
        r.choice("endArrowhead", kArrowheads, true);
        r.boolean("elbowed");
        r.boolean("polygon");
    }
    if (kind == "freedraw") {
        r.pressures("pressures");
        r.boolean("simulatePressure");
    }
    if (kind == "text") {
        r.text("text", kMaxBoardText);
        r.text("originalText", kMaxBoardText);
        r.number("fontSize", 1, 1000);
        r.integer("fontFamily", 1, 20);
        r.choice("textAlign", {"left", "center", "right"});
        r.choice("verticalAlign", {"top", "middle", "bottom"});
        r.id("containerId", true);
        r.boolean("autoResize");
        r.number("lineHeight", 0.5, 5);
    }
    if (kind == "frame") r.text("name", 200, true);
    if (r.failed) return std::nullopt;
    BoardElement e;
    e.id = id->get_string();
    e.type = kind;
    e.version = *version;
    e.nonce = *nonce;
    e.deleted = deleted.value_or(false);
    if (const json::value* ix = r.kept.if_contains("index"); ix && ix->is_string()) e.index = ix->get_string();
    if (!deleted) r.kept["isDeleted"] = false;
    e.json = json::serialize(r.kept);
    return e;
}

void sort_board_elements(std::vector<BoardElement>& elements) {
    std::sort(elements.begin(), elements.end(), [](const BoardElement& a, const BoardElement& b) {
        return std::tie(a.index, a.id) < std::tie(b.index, b.id);
    });
}

std::string excalidraw_file(const std::vector<BoardElement>& elements) {
    json::array list;
    for (const auto& e : elements) {
        if (e.deleted) continue;
        boost::system::error_code ec;
        json::value v = json::parse(e.json, ec);
        if (!ec) list.push_back(std::move(v));
    }
    return json::serialize(json::object{{"type", "excalidraw"},
                                        {"version", 2},
                                        {"source", "liveclass"},
                                        {"elements", std::move(list)},
                                        {"appState", json::object{{"viewBackgroundColor", "#ffffff"}}},
                                        {"files", json::object{}}});
}

// ---------------------------------------------------------------------------------------------
// The page: each element rebuilt with clean lines (Excalidraw's rough, hand-drawn strokes are drawn
// straight), in drawing order, the page fitted around them.

namespace {

double number_in(const json::object& o, std::string_view key, double fallback) {
    const json::value* v = o.if_contains(key);
    auto d = v ? number_of(*v) : std::nullopt;
    return d && usable(*d) ? *d : fallback;
}

std::string string_in(const json::object& o, std::string_view key, std::string_view fallback) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

std::vector<Point> points_in(const json::object& o) {
    std::vector<Point> out;
    const json::value* v = o.if_contains("points");
    if (!v || !v->is_array()) return out;
    for (const auto& p : v->get_array()) {
        if (!p.is_array() || p.get_array().size() != 2) continue;
        auto x = number_of(p.get_array()[0]), y = number_of(p.get_array()[1]);
        if (x && y && usable(*x) && usable(*y)) out.emplace_back(*x, *y);
    }
    return out;
}

/// Excalidraw's colours are CSS colours the renderer reads; "transparent" is no paint.
std::string paint(std::string_view colour) {
    return colour == "transparent" || colour.empty() ? "none" : std::string(colour);
}

/// Excalidraw's look of an element.
Look look_of(const json::object& o) {
    Look l;
    l.stroke = paint(string_in(o, "strokeColor", "#1e1e1e"));
    l.fill = paint(string_in(o, "backgroundColor", "transparent"));
    l.stroke_width = std::clamp(number_in(o, "strokeWidth", 2), 0.0, 100.0);
    const std::string style = string_in(o, "strokeStyle", "solid");
    l.dash = style;
    l.font_size = std::clamp(number_in(o, "fontSize", 20), 1.0, kMaxFontSize);
    l.opacity = std::clamp(number_in(o, "opacity", 100), 0.0, 100.0) / 100;
    return l;
}

/// The arrowheads Excalidraw draws are all drawn as an open arrowhead here.
bool has_arrowhead(const json::object& o, std::string_view end) {
    const json::value* v = o.if_contains(end);
    return v && v->is_string();
}

struct Bounds {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    void add(double x, double y) {
        x0 = std::min(x0, x);
        y0 = std::min(y0, y);
        x1 = std::max(x1, x);
        y1 = std::max(y1, y);
    }
    bool empty() const { return x0 > x1; }
};

/// One element in board coordinates; nullopt for kinds not drawn here. Adds what it covers to `b`.
std::optional<SvgElement> board_shape(const json::object& o, const std::string& type, Bounds& b) {
    const double x = number_in(o, "x", 0), y = number_in(o, "y", 0);
    const double w = std::max(0.0, number_in(o, "width", 0)), h = std::max(0.0, number_in(o, "height", 0));
    const Look l = look_of(o);
    auto attrs = outline(l, l.stroke_width, l.fill != "none");
    SvgElement g = element("g");
    if (type == "rectangle") {
        SvgElement r = element("rect", {{"width", num(w)}, {"height", num(h)}});
        const json::value* round = o.if_contains("roundness");
        if (round && round->is_object()) r.attributes.emplace_back("rx", num(std::min(w, h) * 0.25));
        for (auto& a : attrs) r.attributes.push_back(a);
        g.children.push_back(std::move(r));
    } else if (type == "ellipse") {
        SvgElement e =
            element("ellipse", {{"cx", num(w / 2)}, {"cy", num(h / 2)}, {"rx", num(w / 2)}, {"ry", num(h / 2)}});
        for (auto& a : attrs) e.attributes.push_back(a);
        g.children.push_back(std::move(e));
    } else if (type == "diamond") {
        SvgElement d = element("path", {{"d", polyline_path({{w / 2, 0}, {w, h / 2}, {w / 2, h}, {0, h / 2}}, true)}});
        for (auto& a : attrs) d.attributes.push_back(a);
        g.children.push_back(std::move(d));
    } else if (type == "line" || type == "arrow" || type == "freedraw") {
        const auto pts = points_in(o);
        if (pts.empty()) return std::nullopt;
        const bool closed = type == "line" && pts.size() > 2 && pts.front() == pts.back() && l.fill != "none";
        auto path = freehand(pts, l, l.stroke_width, closed, l.stroke);
        if (!path) return std::nullopt;
        g.children.push_back(std::move(*path));
        if (type == "arrow" && pts.size() >= 2) {
            if (has_arrowhead(o, "endArrowhead")) g.children.push_back(arrowhead(pts[pts.size() - 2], pts.back(), l));
            if (has_arrowhead(o, "startArrowhead")) g.children.push_back(arrowhead(pts[1], pts[0], l));
        }
        for (const auto& [px, py] : pts) b.add(x + px, y + py);
    } else if (type == "text") {
        const auto lines = text_lines(string_in(o, "text", ""));
        const std::string align = string_in(o, "textAlign", "left");
        const double anchor_x = align == "center" ? w / 2 : align == "right" ? w : 0;
        const double line_height = std::clamp(number_in(o, "lineHeight", 1.25), 0.5, 5.0);
        auto t = text_block(anchor_x, 0, l.font_size, l.stroke, lines,
                            align == "center"  ? "middle"
                            : align == "right" ? "end"
                                               : "start",
                            line_height);
        if (!t) return std::nullopt;
        g.children.push_back(std::move(*t));
    } else {
        return std::nullopt;  // frames: a working aid, not part of the drawing
    }
    if (type != "line" && type != "arrow" && type != "freedraw") {
        b.add(x, y);
        b.add(x + w, y + h);
    }
    std::string transform = "translate(" + num(x) + " " + num(y) + ")";
    const double angle = number_in(o, "angle", 0);
    if (angle != 0)
        transform += " rotate(" + num(angle * 180 / std::numbers::pi) + " " + num(w / 2) + " " + num(h / 2) + ")";
    g.attributes.emplace_back("transform", transform);
    if (l.opacity < 1) g.attributes.emplace_back("opacity", num(l.opacity));
    return g;
}

}  // namespace

BoardDrawing board_svg(const std::vector<BoardElement>& elements) {
    BoardDrawing out;
    std::vector<SvgElement> drawn;
    Bounds b;
    for (const auto& e : elements) {
        if (e.deleted) continue;
        boost::system::error_code ec;
        json::value v = json::parse(e.json, ec);
        if (ec || !v.is_object()) continue;
        auto shape = board_shape(v.get_object(), e.type, b);
        if (!shape) {
            ++out.skipped_shapes;
            continue;
        }
        ++out.shapes;
        drawn.push_back(std::move(*shape));
    }
    if (drawn.empty() || b.empty()) return out;
    constexpr double kMargin = 40;
    // Elements lie within ±kMaxBoardCoordinate and their points as far again from them, so a board can be
    // wider than the numbers the page may use (draw::kMaxCoordinate): it is then scaled down to fit, and
    // the shift to its corner is made in two halves that each stay within those numbers.
    constexpr double kMaxPageSide = 90'000;
    const double w = std::max(1.0, b.x1 - b.x0), h = std::max(1.0, b.y1 - b.y0);
    const double scale = std::min(1.0, kMaxPageSide / std::max(w, h));
    WhiteboardPage page;
    page.width = w * scale + 2 * kMargin;
    page.height = h * scale + 2 * kMargin;
    const std::string half_shift = "translate(" + num(-b.x0 / 2) + " " + num(-b.y0 / 2) + ")";
    SvgElement layer = element("g", {{"transform", "translate(" + num(kMargin) + " " + num(kMargin) + ") scale(" +
                                                       std::to_string(scale) + ") " + half_shift + " " + half_shift}});
    layer.children = std::move(drawn);
    page.annotations.push_back(std::move(layer));
    out.svg = whiteboard_page_svg(page, SlideImage{});
    return out;
}

}  // namespace lc::providers
