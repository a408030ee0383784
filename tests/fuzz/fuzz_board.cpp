// Fuzzes the class board of seed 7.2 (providers/excalidraw) on any bytes: the elements come from any room
// page of the class, that is from any student's browser. Input: a JSON array of elements (anything
// else is read as one element). Invariants: no crash or sanitizer report; an element is either refused
// with field errors or kept with only known fields and web links; the board's page is well-formed
// XML in valid UTF-8 that references nothing but its own clip path, with font sizes under the cap;
// the .excalidraw file is JSON.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "providers/excalidraw.hpp"

namespace {
[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}

const std::set<std::string_view> kKnown{"id",
                                        "type",
                                        "version",
                                        "versionNonce",
                                        "isDeleted",
                                        "index",
                                        "x",
                                        "y",
                                        "width",
                                        "height",
                                        "angle",
                                        "strokeColor",
                                        "backgroundColor",
                                        "fillStyle",
                                        "strokeWidth",
                                        "strokeStyle",
                                        "roughness",
                                        "opacity",
                                        "groupIds",
                                        "frameId",
                                        "roundness",
                                        "seed",
                                        "boundElements",
                                        "updated",
                                        "link",
                                        "locked",
                                        "points",
                                        "lastCommittedPoint",
                                        "startBinding",
                                        "endBinding",
                                        "startArrowhead",
                                        "endArrowhead",
                                        "elbowed",
                                        "polygon",
                                        "pressures",
                                        "simulatePressure",
                                        "text",
                                        "originalText",
                                        "fontSize",
                                        "fontFamily",
                                        "textAlign",
                                        "verticalAlign",
                                        "containerId",
                                        "autoResize",
                                        "lineHeight",
                                        "name"};

void check_page(const pugi::xml_node& n) {
    const std::string_view name = n.name();
    if (name == "script" || name == "foreignObject" || name == "use" || name == "a" || name == "style" ||
        name == "image")
        fail("an element that can load or run something");
    for (const pugi::xml_attribute a : n.attributes()) {
        const std::string_view key = a.name(), value = a.value();
        if (key.starts_with("on")) fail("an event handler attribute");
        if (key == "href" || key == "xlink:href") fail("a reference to a file");
        if (value.find("url(") != std::string_view::npos && value != "url(#liveclass-page-clip)") fail("a url() value");
        if (key == "font-size" && std::strtod(a.value(), nullptr) > 1000) fail("a font size over the cap");
    }
    for (const pugi::xml_node c : n.children()) check_page(c);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace json = boost::json;
    boost::system::error_code ec;
    json::value input = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
    if (ec) return 0;
    json::array items = input.is_array() ? input.get_array() : json::array{input};
    std::vector<lc::providers::BoardElement> board;
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::vector<lc::FieldError> errors;
        auto e = lc::providers::read_board_element(items[i], "elements." + std::to_string(i) + ".", errors);
        if (e.has_value() == !errors.empty()) fail("an element both kept and refused, or neither");
        if (!e) continue;
        json::value kept = json::parse(e->json, ec);
        if (ec || !kept.is_object()) fail("a kept element that is not a JSON object");
        for (const auto& [key, value] : kept.get_object()) {
            if (!kKnown.contains(key)) fail("a kept field that is not known");
            if (key == "link" && value.is_string() &&
                lc::ascii_lower(std::string(value.get_string()).substr(0, 4)) != "http")
                fail("a link that is no web address");
        }
        if (!lc::providers::is_board_element_type(e->type)) fail("a kept element of a kind not kept");
        board.push_back(std::move(*e));
    }
    lc::providers::sort_board_elements(board);
    json::parse(lc::providers::excalidraw_file(board), ec);
    if (ec) fail("an .excalidraw file that is not JSON");
    const auto page = lc::providers::board_svg(board);
    if (page.svg.empty()) return 0;
    if (!lc::is_valid_utf8(page.svg)) fail("a page that is not UTF-8");
    if (page.svg.find("\xEF\xBF\xBE") != std::string::npos || page.svg.find("\xEF\xBF\xBF") != std::string::npos)
        fail("a character XML does not allow");
    pugi::xml_document doc;
    if (!doc.load_buffer(page.svg.data(), page.svg.size())) fail("a page that is not well-formed XML");
    check_page(doc.document_element());
    return 0;
}
