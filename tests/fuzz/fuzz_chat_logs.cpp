// Fuzzes the chat readers of seed 7.3 (providers/chat_logs) on any bytes: Zoom's chat file and
// BigBlueButton's playback XML come from outside (a provider, or whatever a download URL answered).
// Invariants: no crash or sanitizer report; every message read has a non-negative offset, valid UTF-8
// in its sender (at most 200 characters) and its message (at most 20 000), and (Zoom) a sender.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/text.hpp"
#include "providers/chat_logs.hpp"

namespace {
[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool zoom = (data[0] & 1) == 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto messages = zoom ? lc::providers::parse_zoom_chat(text) : lc::providers::parse_bbb_chat(text);
    if (!messages) return 0;
    for (const auto& m : *messages) {
        if (m.offset_seconds < 0) fail("a negative offset");
        if (!lc::is_valid_utf8(m.message) || !lc::is_valid_utf8(m.sender)) fail("text that is not UTF-8");
        if (lc::utf8_length(m.message) > 20000) fail("a message longer than the cap");
        if (lc::utf8_length(m.sender) > 200) fail("a sender longer than the cap");
        if (zoom && m.sender.empty()) fail("a Zoom message without a sender");
    }
    return 0;
}
