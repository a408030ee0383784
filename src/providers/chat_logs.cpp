#include "providers/chat_logs.hpp"

#include <cmath>
#include <optional>
#include <pugixml.hpp>

#include "core/text.hpp"

namespace lc::providers {

using domain::ChatMessage;

namespace {

// A class's chat can be long, but a file claiming more than this is not a chat we keep whole.
constexpr std::size_t kMaxMessages = 50'000;
constexpr std::size_t kMaxMessageChars = 20'000;  // characters, not bytes

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// "H:MM:SS" or "HH:MM:SS" at the start of `line`: the seconds and how many characters it took.
std::optional<std::pair<long long, std::size_t>> leading_time(std::string_view line) {
    std::size_t i = 0;
    long long hours = 0;
    while (i < line.size() && i < 3 && is_digit(line[i])) hours = hours * 10 + (line[i++] - '0');
    if (i == 0 || i + 6 > line.size() || line[i] != ':') return std::nullopt;
    const std::string_view rest = line.substr(i);  // ":MM:SS"
    if (!is_digit(rest[1]) || !is_digit(rest[2]) || rest[3] != ':' || !is_digit(rest[4]) || !is_digit(rest[5]))
        return std::nullopt;
    const int minutes = (rest[1] - '0') * 10 + (rest[2] - '0'), seconds = (rest[4] - '0') * 10 + (rest[5] - '0');
    if (minutes > 59 || seconds > 59) return std::nullopt;
    if (i + 6 < line.size() && line[i + 6] != ' ' && line[i + 6] != '\t') return std::nullopt;
    return std::pair{hours * 3600 + minutes * 60 + seconds, i + 6};
}

/// Appends a line to a message, up to kMaxMessageChars characters in all (never half a character).
void append_text(std::string& to, std::string_view more) {
    const std::size_t have = utf8_length(to);
    if (have >= kMaxMessageChars) return;
    std::string line = clean_text(more);
    if (!to.empty()) to += '\n';
    to += utf8_prefix(line, kMaxMessageChars - have - (have > 0 ? 1 : 0));
}

/// One Zoom message header after its time: who wrote it, whether everyone saw it, and text on the
/// same line. Empty sender: not a message line.
struct ZoomHeader {
    std::string_view sender, text;
    bool is_public = true;
};

ZoomHeader zoom_header(std::string_view rest) {
    ZoomHeader h;
    if (rest.rfind("From ", 0) == 0) {
        // Three layouts, told apart by where the header ends (a display name may itself hold a colon):
        //   "From Name to Everyone:" with the text on the indented lines below (the header ends the line);
        //   "From  Name : text" and "From  Name  to  Bob(Privately) : text" (older: " : " ends the header);
        //   "From Name to Everyone: text".
        std::string_view body = rest.substr(5), header;
        bool spaced_colon = false;
        if (!body.empty() && body.back() == ':') {
            header = body.substr(0, body.size() - 1);
        } else if (const auto p = body.find(" : "); p != std::string_view::npos) {
            header = body.substr(0, p);
            h.text = trim_blanks(body.substr(p + 3));
            spaced_colon = true;
        } else if (const auto q = body.find(": "); q != std::string_view::npos) {
            header = body.substr(0, q);
            h.text = trim_blanks(body.substr(q + 2));
        } else {
            return h;
        }
        if (const auto to = header.rfind(" to "); to != std::string_view::npos) {
            const std::string_view target = trim_blanks(header.substr(to + 4));
            h.is_public = target == "Everyone" || target == "Herkes";
            header = header.substr(0, to);
        } else {
            // No addressee: only the oldest layout wrote public messages so; anything else may be private.
            h.is_public = spaced_colon;
        }
        h.sender = trim_blanks(header);
        return h;
    }
    // Cloud recordings: "Name:\tText" (a tab after the colon; a plain space in some exports).
    auto colon = rest.find(":\t");
    if (colon == std::string_view::npos) colon = rest.find(": ");
    if (colon == std::string_view::npos) {
        if (!rest.empty() && rest.back() == ':')
            colon = rest.size() - 1;
        else
            return h;
    }
    h.sender = trim_blanks(rest.substr(0, colon));
    h.text = trim_blanks(rest.substr(colon + 1));
    return h;
}

/// BigBlueButton's chat messages carry HTML (links it made clickable): keep the text, drop the tags,
/// and decode the few entities its sanitiser writes.
std::string plain_text(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    bool in_tag = false;
    for (std::size_t i = 0; i < html.size(); ++i) {
        const char c = html[i];
        if (in_tag) {
            if (c == '>') in_tag = false;
            continue;
        }
        if (c == '<') {
            in_tag = true;
            continue;
        }
        if (c == '&') {
            static constexpr std::pair<std::string_view, char> kEntities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
            bool decoded = false;
            for (const auto& [name, ch] : kEntities)
                if (html.substr(i, name.size()) == name) {
                    out += ch;
                    i += name.size() - 1;
                    decoded = true;
                    break;
                }
            if (decoded) continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

Result<std::vector<ChatMessage>> parse_zoom_chat(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte-order mark
    std::vector<ChatMessage> out;
    bool saw_time = false, keeping = false;  // keeping: continuation lines belong to a kept message
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (auto t = leading_time(line)) {
            saw_time = true;
            const ZoomHeader h = zoom_header(trim_blanks(line.substr(t->second)));
            std::string sender = utf8_prefix(clean_text(h.sender), 200);  // a name of control bytes is none
            keeping = !sender.empty() && h.is_public;
            if (!keeping) continue;
            if (out.size() >= kMaxMessages) return Error::invalid("the chat file has more than 50000 messages");
            ChatMessage m;
            m.offset_seconds = t->first;
            m.sender = std::move(sender);
            append_text(m.message, h.text);
            out.push_back(std::move(m));
        } else if (keeping && !trim_blanks(line).empty()) {
            append_text(out.back().message, trim_blanks(line));
        }
    }
    if (!saw_time) return Error::invalid("this is not a Zoom chat file: no line starts with a time (HH:MM:SS)");
    return out;
}

Result<std::vector<ChatMessage>> parse_bbb_chat(std::string_view xml) {
    pugi::xml_document doc;
    // No entity expansion beyond XML's own and no DTD processing: pugixml never fetches anything.
    const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) return Error::invalid(std::string("the playback's chat file is not XML: ") + parsed.description());
    // Wherever the playback's version nests them, every <chattimeline> with target "chat" (or none).
    struct Collect : pugi::xml_tree_walker {
        std::vector<ChatMessage> out;
        bool too_many = false;
        bool for_each(pugi::xml_node& n) override {
            if (std::string_view(n.name()) != "chattimeline") return true;
            if (std::string_view(n.attribute("target").as_string("chat")) != "chat") return true;
            if (out.size() >= kMaxMessages) {
                too_many = true;
                return false;
            }
            ChatMessage m;
            const double in = n.attribute("in").as_double(0);
            m.offset_seconds = std::isfinite(in) && in > 0 && in < 1e9 ? static_cast<long long>(in) : 0;
            m.sender = utf8_prefix(clean_text(n.attribute("name").as_string()), 200);
            append_text(m.message, plain_text(n.attribute("message").as_string()));
            out.push_back(std::move(m));
            return true;
        }
    } collect;
    doc.traverse(collect);
    if (collect.too_many) return Error::invalid("the playback's chat has more than 50000 messages");
    return std::move(collect.out);
}

}  // namespace lc::providers
