#pragma once
// Seed 13.1: a recording's transcript, as timed segments of speech, and the two caption formats
// players and editors read (WebVTT for the browser's <track>, SubRip for everything else).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lc::domain {

/// One stretch of speech: seconds from the start of the recording, and what was said.
struct TranscriptSegment {
    double start = 0;
    double end = 0;
    std::string text;
};

/// The text of a segment as one clean line: whitespace (line breaks included) collapsed, trimmed.
std::string caption_line(std::string_view text);

/// At most this many segments are kept per piece, and this many bytes of text per segment: a broken or
/// hostile service must not fill the database (real speech has a segment every few seconds).
constexpr std::size_t kMaxSegmentsPerPiece = 5000;
constexpr std::size_t kMaxSegmentBytes = 2000;

/// Adds the segments of one piece of the recording that starts `offset` seconds in and lasts `length`
/// seconds. Segments with no text are dropped; times (NaN, negative, past the piece) are clamped into
/// the piece, every cue ends after it starts (WebVTT requires it), and the piece's cues are put in
/// order of their start.
void append_segments(std::vector<TranscriptSegment>& all, const std::vector<TranscriptSegment>& piece, double offset,
                     double length, std::size_t max_segments = kMaxSegmentsPerPiece);

/// The cues of a WebVTT file (W3C WebVTT), as a provider hands its own transcript over (Zoom's audio
/// transcript): the "WEBVTT" signature, then cue blocks of an optional identifier, a timing line
/// ("[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt", settings after it ignored) and the cue's text. NOTE, STYLE and
/// REGION blocks are skipped; a voice span's name is kept ("<v Ayşe>Günaydın" reads "Ayşe: Günaydın"),
/// other tags dropped and character references (&amp; &lt; &gt; &nbsp; ...) read. Cues as they are (the
/// caller cleans and bounds them with append_segments); none when the text is not WebVTT.
std::optional<std::vector<TranscriptSegment>> parse_webvtt(std::string_view file);

/// A WebVTT file (W3C WebVTT): "WEBVTT", then one cue per segment; cue text escaped (&, <, >).
std::string to_webvtt(const std::vector<TranscriptSegment>& segments);
/// A SubRip (.srt) file: numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm", CRLF-free.
std::string to_srt(const std::vector<TranscriptSegment>& segments);
/// All the segments' text, one paragraph.
std::string plain_text(const std::vector<TranscriptSegment>& segments);
/// What was said between `from` and `to` seconds: the text of the segments overlapping [from, to), in
/// order, as one line; longer than max_chars characters, it is cut at the last space that fits (mid-word
/// only when there is none) and ends with "…".
std::string words_between(const std::vector<TranscriptSegment>& segments, double from, double to,
                          std::size_t max_chars);

/// The ISO 639-1 code of a language as a speech-to-text service names it: OpenAI's Whisper answers
/// with English names ("turkish"), self-hosted servers often with the code itself ("tr"). Empty when
/// the name is not one we know.
std::string language_code(std::string_view name);

/// The ISO 639 code of a language tag as providers name a caption file's language (RFC 5646 "tr-TR",
/// "zh-Hant-TW", or "pt_BR"): its primary subtag, lowercased. Empty for none, and for the tags that
/// name no language (und, mul, zxx, mis).
std::string language_of_tag(std::string_view tag);

}  // namespace lc::domain
