// Fuzzes the chat readers of seed 7.3 (providers/chat_logs) on any bytes: Zoom's chat file and
// BigBlueButton's playback XML come from outside (a provider, or whatever a download URL answered).
// Invariants: no crash or sanitizer report; every message read has a non-negative offset, a message
// of at most 20 000 bytes, and (Zoom) a sender.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

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
        if (m.message.size() > 20000) fail("a message longer than the cap");
        if (zoom && m.sender.empty()) fail("a Zoom message without a sender");
    }
    return 0;
}
