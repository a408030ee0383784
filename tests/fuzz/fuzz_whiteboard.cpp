// Fuzzes the whiteboard reader of seed 7.1 (providers/whiteboard) on any bytes: a playback's shapes.svg
// and tldraw.json come from the school's BigBlueButton server, or whatever its address answered.
// Input: shapes.svg, a NUL byte, then tldraw.json. Invariants: no crash or sanitizer report; at most
// kMaxWhiteboardPages pages of a positive, finite size, each with a slide path that stays in the
// playback; every page we build is well-formed XML in valid UTF-8 that references nothing but its slide
// file and its own clip path (no script, no foreign object, no other URL), with characters XML allows
// and font sizes under the cap (what makes the renderer refuse or crash on a page).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "providers/whiteboard.hpp"

namespace {
[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}

/// Every attribute that can make a renderer load or run something names only what we put there.
void check_references(const pugi::xml_node& n) {
    const std::string_view name = n.name();
    if (name == "script" || name == "foreignObject" || name == "use" || name == "a" || name == "style")
        fail("an element that can load or run something");
    for (const pugi::xml_attribute a : n.attributes()) {
        const std::string_view key = a.name(), value = a.value();
        if (key.starts_with("on")) fail("an event handler attribute");
        if ((key == "href" || key == "xlink:href") && value != "slide.png") fail("a reference to another file");
        if (value.find("url(") != std::string_view::npos && value != "url(#liveclass-page-clip)") fail("a url() value");
        if (key == "font-size" && std::strtod(a.value(), nullptr) > 1000) fail("a font size over the cap");
    }
    for (const pugi::xml_node c : n.children()) check_references(c);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view shapes = input.substr(0, nul);
    const std::string_view tldraw = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    auto board = lc::providers::parse_bbb_whiteboard(shapes, tldraw);
    if (!board) return 0;
    if (board->pages.size() > lc::providers::kMaxWhiteboardPages) fail("more pages than the cap");
    for (const auto& page : board->pages) {
        if (!(page.width > 0) || !(page.height > 0) || !std::isfinite(page.width) || !std::isfinite(page.height))
            fail("a page without a usable size");
        if (!lc::providers::safe_slide_path(page.slide_path)) fail("a slide path that leaves the playback");
        const std::string svg = lc::providers::whiteboard_page_svg(page, {"slide.png", ""});
        if (!lc::is_valid_utf8(svg)) fail("a page that is not UTF-8");
        // U+FFFE and U+FFFF pass pugixml but not the renderer's XML parser.
        if (svg.find("\xEF\xBF\xBE") != std::string::npos || svg.find("\xEF\xBF\xBF") != std::string::npos)
            fail("a character XML does not allow");
        pugi::xml_document doc;
        if (!doc.load_buffer(svg.data(), svg.size())) fail("a page that is not well-formed XML");
        check_references(doc.document_element());
    }
    return 0;
}
