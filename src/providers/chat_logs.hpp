#pragma once
// Seed 7.3: the chat of a class, read from what its provider keeps after the class.
//  * Zoom: the recording's CHAT file (recording.completed lists it next to the MP4), plain text, one
//    message per "HH:MM:SS" line: "00:01:02\tName:\tText" in cloud recordings, "00:01:02 From Name to
//    Everyone:" followed by tab-indented text lines in the newer layout.
//  * BigBlueButton: the "presentation" playback's slides_new.xml, whose <chattimeline in="seconds"
//    name="..." message="..."/> elements are the chat the playback replays beside the slides.
// Both parsers are pure functions over the file's text.
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "domain/artifacts.hpp"

namespace lc::providers {

/// Public messages only: Zoom lines addressed to one person ("to Name (Direct Message)") are left out.
/// Text that is not a chat file at all (no line starting with a time) is Invalid.
Result<std::vector<domain::ChatMessage>> parse_zoom_chat(std::string_view text);

/// Messages lose the HTML BigBlueButton adds (links), keeping their text. Invalid when the text is not
/// XML; a playback without chat gives an empty list.
Result<std::vector<domain::ChatMessage>> parse_bbb_chat(std::string_view xml);

}  // namespace lc::providers
