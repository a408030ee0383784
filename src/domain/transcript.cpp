#include "domain/transcript.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/text.hpp"

namespace lc::domain {

namespace {

/// "HH:MM:SS.mmm" (WebVTT) or "HH:MM:SS,mmm" (SubRip); hours may exceed 99 in neither in practice.
std::string timestamp(double seconds, char decimal) {
    if (!(seconds > 0)) seconds = 0;  // also NaN
    const long long ms = std::llround(seconds * 1000.0);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                  decimal, ms % 1000);
    return buf;
}

// Not core's html_escape: quotes stay as they are. Older WebVTT readers know only a handful of character
// references (&amp; &lt; &gt; among them), and a quote needs none in cue text.
std::string escape_cue(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

std::string caption_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u) || u < 0x20 || u == 0x7f) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

void append_segments(std::vector<TranscriptSegment>& all, const std::vector<TranscriptSegment>& piece, double offset,
                     double length, std::size_t max_segments) {
    if (!(offset > 0) || !std::isfinite(offset)) offset = 0;
    if (!(length > 0) || !std::isfinite(length)) length = 0;
    // Into [0, length], NaN and infinities included (std::clamp would keep a NaN).
    auto within = [&](double t) { return t > 0 ? (t < length ? t : length) : 0.0; };
    std::vector<TranscriptSegment> kept;
    for (const auto& s : piece) {
        if (kept.size() >= max_segments) break;
        std::string text = caption_line(s.text);
        if (text.empty()) continue;
        if (text.size() > kMaxSegmentBytes) {
            std::size_t cut = kMaxSegmentBytes;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
            text.resize(cut);
        }
        const double start = offset + within(s.start);
        const double end = offset + within(s.end);
        kept.push_back({start, end > start ? end : start + 0.001, std::move(text)});
    }
    std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    for (auto& s : kept) all.push_back(std::move(s));
}

namespace {

/// "[hh:]mm:ss.ttt" in seconds; none when it is not one.
std::optional<double> vtt_time(std::string_view t) {
    int parts[3] = {0, 0, 0}, n = 0;
    std::size_t at = 0;
    for (;;) {
        std::size_t digits = 0;
        long long v = 0;
        while (at < t.size() && t[at] >= '0' && t[at] <= '9' && digits < 9) v = v * 10 + (t[at++] - '0'), ++digits;
        if (digits == 0 || n == 3) return std::nullopt;
        parts[n++] = static_cast<int>(v);
        if (at < t.size() && t[at] == ':') {
            ++at;
            continue;
        }
        break;
    }
    if (n < 2 || at + 4 != t.size() || t[at] != '.') return std::nullopt;
    int millis = 0;
    for (std::size_t i = at + 1; i < t.size(); ++i) {
        if (t[i] < '0' || t[i] > '9') return std::nullopt;
        millis = millis * 10 + (t[i] - '0');
    }
    const int h = n == 3 ? parts[0] : 0, m = parts[n - 2], s = parts[n - 1];
    if (m > 59 || s > 59) return std::nullopt;
    return h * 3600.0 + m * 60.0 + s + millis / 1000.0;
}

/// A cue's text without its tags, a voice span's name kept, character references read.
std::string cue_text(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size();) {
        if (raw[i] == '<') {
            const auto close = raw.find('>', i);
            if (close == std::string_view::npos) break;
            std::string_view tag = raw.substr(i + 1, close - i - 1);
            if (tag.size() > 2 && tag[0] == 'v' && (tag[1] == ' ' || tag[1] == '.' || tag[1] == '\t')) {
                const auto name_at = tag.find_first_of(" \t");
                if (name_at != std::string_view::npos) {
                    std::string name = caption_line(tag.substr(name_at + 1));
                    if (!name.empty()) out += name + ": ";
                }
            }
            i = close + 1;
            continue;
        }
        if (raw[i] == '&') {
            static const std::pair<std::string_view, std::string_view> kRefs[] = {
                {"&amp;", "&"},  {"&lt;", "<"},    {"&gt;", ">"},   {"&nbsp;", " "}, {"&lrm;", ""},
                {"&rlm;", ""},   {"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"},  {"&#x27;", "'"},
                {"&#34;", "\""}, {"&#x22;", "\""}, {"&#38;", "&"},  {"&#x26;", "&"}};
            bool read = false;
            for (const auto& [ref, text] : kRefs)
                if (raw.substr(i, ref.size()) == ref) {
                    out += text;
                    i += ref.size();
                    read = true;
                    break;
                }
            if (read) continue;
        }
        out += raw[i++];
    }
    return out;
}

}  // namespace

std::optional<std::vector<TranscriptSegment>> parse_webvtt(std::string_view file) {
    if (file.substr(0, 3) == "\xEF\xBB\xBF") file.remove_prefix(3);
    if (file.substr(0, 6) != "WEBVTT" ||
        (file.size() > 6 && file[6] != '\n' && file[6] != '\r' && file[6] != ' ' && file[6] != '\t'))
        return std::nullopt;
    // Lines one at a time (LF, CRLF or CR end them): a file of a million empty lines costs no memory.
    std::size_t at = 0;
    auto next_line = [&](std::string_view& line) {
        if (at > file.size()) return false;
        std::size_t end = file.find_first_of("\r\n", at);
        if (end == std::string_view::npos) end = file.size();
        line = file.substr(at, end - at);
        if (end < file.size() && file[end] == '\r' && end + 1 < file.size() && file[end + 1] == '\n') ++end;
        at = end + 1;
        return true;
    };
    auto is_timing = [](std::string_view l) { return l.find("-->") != std::string_view::npos; };
    auto word = [](std::string_view l) {
        const auto b = l.find_first_not_of(" \t");
        if (b == std::string_view::npos) return std::string_view{};
        l.remove_prefix(b);
        return l.substr(0, l.find_first_of(" \t"));
    };
    std::vector<TranscriptSegment> cues;
    std::string_view line;
    next_line(line);  // the signature
    // The header runs to a blank line, or to the first cue's timing line.
    bool pending = false;  // `line` holds a line not yet looked at
    while (next_line(line)) {
        if (line.empty()) break;
        if (is_timing(line)) {
            pending = true;
            break;
        }
    }
    std::string_view previous;  // the line before a timing line: the cue's identifier, or the block's start
    while (pending || next_line(line)) {
        pending = false;
        if (!is_timing(line)) {
            previous = line;  // an identifier, or a NOTE / STYLE / REGION block's line: not a cue yet
            continue;
        }
        const auto arrow = line.find("-->");
        const auto start = vtt_time(word(line.substr(0, arrow))), end = vtt_time(word(line.substr(arrow + 3)));
        std::string text;
        // The cue's text runs to a blank line; a line with "-->" ends it too and starts the next cue.
        while (next_line(line)) {
            if (line.empty()) break;
            if (is_timing(line)) {
                pending = true;
                break;
            }
            if (!text.empty()) text += ' ';
            text += cue_text(line);
        }
        if (start && end && !previous.starts_with("NOTE")) cues.push_back({*start, *end, clean_text(text)});
        previous = {};
    }
    return cues;
}

std::string to_webvtt(const std::vector<TranscriptSegment>& segments) {
    std::string out = "WEBVTT\n";
    for (const auto& s : segments) {
        out += '\n';
        out += timestamp(s.start, '.') + " --> " + timestamp(s.end, '.') + '\n';
        out += escape_cue(caption_line(s.text)) + '\n';
    }
    return out;
}

std::string to_srt(const std::vector<TranscriptSegment>& segments) {
    std::string out;
    int n = 0;
    for (const auto& s : segments) {
        std::string line = caption_line(s.text);
        // An arrow in the text would read as a timing line to some parsers.
        for (std::size_t at; (at = line.find("-->")) != std::string::npos;) line.replace(at, 3, "->");
        if (n > 0) out += '\n';
        out += std::to_string(++n) + '\n';
        out += timestamp(s.start, ',') + " --> " + timestamp(s.end, ',') + '\n';
        out += line + '\n';
    }
    return out;
}

std::string plain_text(const std::vector<TranscriptSegment>& segments) {
    std::string out;
    for (const auto& s : segments) {
        std::string line = caption_line(s.text);
        if (line.empty()) continue;
        if (!out.empty()) out += ' ';
        out += line;
    }
    return out;
}

std::string words_between(const std::vector<TranscriptSegment>& segments, double from, double to,
                          std::size_t max_chars) {
    std::vector<TranscriptSegment> inside;
    for (const auto& s : segments)
        if (s.end > from && s.start < to) inside.push_back(s);
    std::string text = plain_text(inside);
    if (utf8_length(text) <= max_chars) return text;
    std::string cut = utf8_prefix(text, max_chars > 0 ? max_chars - 1 : 0);  // room for the ellipsis
    if (auto space = cut.rfind(' '); space != std::string::npos && space > 0) cut.resize(space);
    return cut + "…";
}

std::string language_code(std::string_view name) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Whisper's names (its tokenizer's LANGUAGES table) for the languages a school here is likely to teach in.
    static const std::pair<const char*, const char*> kNames[] = {
        {"turkish", "tr"},  {"english", "en"},    {"german", "de"},      {"french", "fr"},     {"spanish", "es"},
        {"italian", "it"},  {"arabic", "ar"},     {"russian", "ru"},     {"dutch", "nl"},      {"portuguese", "pt"},
        {"persian", "fa"},  {"greek", "el"},      {"azerbaijani", "az"}, {"ukrainian", "uk"},  {"polish", "pl"},
        {"japanese", "ja"}, {"chinese", "zh"},    {"korean", "ko"},      {"hindi", "hi"},      {"kazakh", "kk"},
        {"uzbek", "uz"},    {"bulgarian", "bg"},  {"romanian", "ro"},    {"swedish", "sv"},    {"hebrew", "he"},
        {"georgian", "ka"}, {"armenian", "hy"},   {"bosnian", "bs"},     {"albanian", "sq"},   {"serbian", "sr"},
        {"croatian", "hr"}, {"macedonian", "mk"}, {"czech", "cs"},       {"hungarian", "hu"},  {"finnish", "fi"},
        {"danish", "da"},   {"norwegian", "no"},  {"urdu", "ur"},        {"indonesian", "id"}, {"malay", "ms"},
        {"turkmen", "tk"},  {"tatar", "tt"},      {"vietnamese", "vi"},  {"thai", "th"}};
    for (const auto& [full, code] : kNames)
        if (n == full) return code;
    const bool is_code = (n.size() == 2 || n.size() == 3) &&
                         std::all_of(n.begin(), n.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    return is_code ? n : std::string();
}

std::string language_of_tag(std::string_view tag) {
    const std::string primary = language_code(tag.substr(0, tag.find_first_of("-_")));
    for (const char* none : {"und", "mul", "zxx", "mis"})
        if (primary == none) return {};
    return primary;
}

}  // namespace lc::domain
