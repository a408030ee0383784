#include "infra/mail.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "core/text.hpp"
#include "infra/crypto.hpp"
#include "infra/http_client.hpp"

namespace lc::infra {

namespace {

// RFC 5322 §2.1.1: lines SHOULD stay within 78 characters and MUST stay within 998.
constexpr std::size_t kFoldAt = 78;
// A run without spaces longer than this cannot be folded into a legal line, whatever the header name.
constexpr std::size_t kMaxUnfoldableRun = 900;
// RFC 2045 §6.7 (quoted-printable) and §6.8 (base64): encoded lines of at most 76 characters.
constexpr std::size_t kQpLine = 75;  // plus the '=' of a soft line break
constexpr std::size_t kBase64Line = 76;
// Bytes of UTF-8 per RFC 2047 encoded-word: 42 bytes are 56 base64 characters, a 68-character word, so
// "Subject: " and one word still fit in 78.
constexpr std::size_t kEncodedWordBytes = 42;
// Percent-encoded characters per RFC 2231 parameter section.
constexpr std::size_t kParamChunk = 60;

constexpr char kHex[] = "0123456789ABCDEF";

bool is_ascii_printable(unsigned char c) { return c >= 0x20 && c < 0x7f; }

bool is_plain_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (!is_ascii_printable(c)) return false;
    return true;
}

std::size_t longest_run_without_space(std::string_view s) {
    std::size_t best = 0, run = 0;
    for (char c : s) {
        run = (c == ' ') ? 0 : run + 1;
        best = std::max(best, run);
    }
    return best;
}

/// Header text from user data: a CR or LF would end the header and start another, so each becomes a
/// space (other control characters too: they have no business in a subject or a name).
std::string flatten(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

/// Folds "Name: value" at spaces, so lines stay within 78 characters wherever a space allows. Unfolding
/// (removing each CRLF) gives back the line unchanged.
std::string fold(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    std::size_t line = out.size();
    bool line_has_token = false;
    std::size_t i = 0;
    bool first = true;
    while (i < value.size() || first) {
        // A token is the spaces before a word and the word; the first one gets the space after the colon.
        std::size_t start = i;
        while (i < value.size() && value[i] == ' ') ++i;
        while (i < value.size() && value[i] != ' ') ++i;
        std::string token = (first ? " " : "") + std::string(value.substr(start, i - start));
        first = false;
        if (line_has_token && line + token.size() > kFoldAt) {
            out += "\r\n";
            line = 0;
        }
        out += token;
        line += token.size();
        line_has_token = true;
    }
    return out + "\r\n";
}

/// RFC 2047 "B" encoded-words, separated by spaces (which decoders drop between encoded-words). A
/// character's UTF-8 bytes never straddle two words, as §5 requires.
std::string encoded_words(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t end = std::min(s.size(), i + kEncodedWordBytes);
        while (end < s.size() && end > i + 1 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += ' ';
        out += "=?UTF-8?B?" + base64_encode(s.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

/// Whether text must go out as encoded-words: non-ASCII, something a decoder would take for an
/// encoded-word, or a run too long to fold.
bool needs_encoding(std::string_view s) {
    return !is_plain_ascii(s) || s.find("=?") != std::string_view::npos || longest_run_without_space(s) > 70;
}

/// A display name as an RFC 5322 phrase: a quoted-string when it is plain ASCII, encoded-words otherwise.
std::string phrase(std::string_view name) {
    if (needs_encoding(name)) return encoded_words(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string mailbox(std::string_view name, std::string_view address) {
    std::string addr = flatten(address);
    std::string display = flatten(name);
    if (display.empty()) return "<" + addr + ">";
    return phrase(display) + " <" + addr + ">";
}

/// Quoted-printable (RFC 2045 §6.7) with CRLF line breaks: any of CRLF, LF or CR in the input is a hard
/// break. A '.' starting a line is encoded too, so the body never depends on SMTP dot-stuffing.
std::string quoted_printable(std::string_view s) {
    std::string out;
    std::size_t col = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out += "\r\n";
            col = 0;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        const bool at_line_end = i + 1 == s.size() || s[i + 1] == '\r' || s[i + 1] == '\n';
        // Trailing spaces are encoded: transports may strip them (§6.7 rule 3).
        const bool literal = (u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !at_line_end);
        char piece[3] = {c, 0, 0};
        std::size_t len = 1;
        if (!literal) {
            piece[0] = '=';
            piece[1] = kHex[u >> 4];
            piece[2] = kHex[u & 0xF];
            len = 3;
        }
        if (col + len > kQpLine) {
            out += "=\r\n";
            col = 0;
        }
        if (col == 0 && len == 1 && c == '.') {
            out += "=2E";
            col = 3;
            continue;
        }
        out.append(piece, len);
        col += len;
    }
    return out;
}

std::string base64_lines(std::string_view data) {
    const std::string b64 = base64_encode(data);
    std::string out;
    out.reserve(b64.size() + b64.size() / kBase64Line * 2 + 2);
    for (std::size_t i = 0; i < b64.size(); i += kBase64Line) {
        if (i > 0) out += "\r\n";
        out.append(b64, i, kBase64Line);
    }
    return out;
}

/// RFC 2231 §7 attribute-char (everything else is percent-encoded).
bool is_attribute_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$&+-.^_`|~", c) != nullptr;
}

/// The filename parameter: a quoted-string when short plain ASCII, otherwise RFC 2231 UTF-8 with
/// continuations ("filename*0*=UTF-8''...; filename*1*=...") so no line grows past what folding allows.
std::string filename_param(std::string_view raw) {
    const std::string name = flatten(raw);
    if (is_plain_ascii(name) && name.size() <= kParamChunk && name.find_first_of("\"\\") == std::string::npos)
        return "filename=\"" + name + "\"";
    std::vector<std::string> chunks(1);
    for (unsigned char c : name) {
        std::string piece =
            is_attribute_char(c) ? std::string(1, static_cast<char>(c)) : std::string{'%', kHex[c >> 4], kHex[c & 0xF]};
        if (chunks.back().size() + piece.size() > kParamChunk) chunks.emplace_back();
        chunks.back() += piece;
    }
    if (chunks.size() == 1) return "filename*=UTF-8''" + chunks[0];
    std::string out;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (i > 0) out += "; ";
        out += "filename*" + std::to_string(i) + "*=" + (i == 0 ? "UTF-8''" : "") + chunks[i];
    }
    return out;
}

bool is_header_name(std::string_view name) {
    if (name.empty()) return false;
    for (unsigned char c : name)
        if (c < 33 || c > 126 || c == ':') return false;
    return true;
}

/// Headers render_mime writes itself: a second copy would make the message ambiguous.
bool is_reserved_header(std::string_view name) {
    const std::string lower = ascii_lower(name);
    static constexpr std::array<std::string_view, 6> kOwn = {"date", "message-id", "mime-version",
                                                             "from", "to",         "subject"};
    for (auto own : kOwn)
        if (lower == own) return true;
    return lower.starts_with("content-");
}

std::optional<std::string> extra_header_problem(const std::string& name, const std::string& value) {
    if (!is_header_name(name)) return "must be printable ASCII without spaces or ':'";
    if (is_reserved_header(name)) return "is written by the mailer itself";
    for (unsigned char c : value)
        if (!is_ascii_printable(c) && c != '\t') return "value must be printable ASCII on one line";
    if (longest_run_without_space(value) > kMaxUnfoldableRun) return "value is too long to fold";
    return std::nullopt;
}

/// A plain addr-spec we can put in SMTP commands and headers as is: ASCII local@domain, nothing that
/// would quote, comment, list or bracket.
bool is_plain_address(std::string_view a) {
    if (a.empty() || a.size() > 254) return false;
    const auto at = a.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == a.size() || a.find('@', at + 1) != a.npos) return false;
    for (unsigned char c : a)
        if (c <= 0x20 || c >= 0x7f || std::strchr("<>()[],;:\\\"", c) != nullptr) return false;
    return true;
}

std::string boundary(const std::string& message_id, std::string_view kind) {
    // "=_" never occurs in quoted-printable or base64 text, so no body line can look like a delimiter.
    return "=_lc_" + sha256_hex(message_id).substr(0, 24) + "_" + std::string(kind);
}

std::string text_part_headers(std::string_view subtype) {
    return "Content-Type: text/" + std::string(subtype) +
           "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
}

std::string attachment_part(const MailAttachment& a) {
    const std::string type = a.content_type.empty() ? "application/octet-stream" : flatten(a.content_type);
    return fold("Content-Type", type) + "Content-Transfer-Encoding: base64\r\n" +
           fold("Content-Disposition", "attachment; " + filename_param(a.filename)) + "\r\n" + base64_lines(a.data);
}

/// One multipart body: each part is its headers, a blank line and its content; the CRLF before each
/// delimiter belongs to the delimiter (RFC 2046 §5.1.1).
std::string multipart(const std::string& bound, const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) out += "--" + bound + "\r\n" + part + "\r\n";
    return out + "--" + bound + "--\r\n";
}

/// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm; proleptic Gregorian).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::string two_digits(unsigned v) {
    return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string("localhost") : std::string(address.substr(at + 1));
}

// ---------------------------------------------------------------- transport

struct EasyFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Upload {
    std::string_view rest;
};

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto* up = static_cast<Upload*>(user);
    const size_t len = std::min(size * n, up->rest.size());
    std::memcpy(buffer, up->rest.data(), len);
    up->rest.remove_prefix(len);
    return len;
}

/// The last refusal (4xx/5xx line) the server sent, for the log: curl's own message says which command
/// failed, the server's says why. Later lines (curl's QUIT and its 221) would hide it. Only incoming lines
/// are looked at: outgoing ones include the AUTH credentials.
struct ServerReplies {
    std::string partial;
    std::string last_refusal;
};

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* replies = static_cast<ServerReplies*>(user);
    replies->partial.append(data, size);
    std::size_t eol;
    while ((eol = replies->partial.find('\n')) != std::string::npos) {
        std::string line = replies->partial.substr(0, eol);
        replies->partial.erase(0, eol + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
        if (line.size() >= 3 && (line[0] == '4' || line[0] == '5'))
            replies->last_refusal = utf8_prefix(flatten(line), 300);
    }
    return 0;
}

/// smtp://host:port with the EHLO name as its path, which is where curl takes it from.
std::string url_with_helo(const std::string& url, const std::string& helo) {
    if (helo.empty()) return url;
    const auto scheme_end = url.find("://");
    const auto host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    return url.substr(0, url.find_first_of("/?#", host_start)) + "/" + url_encode(helo);
}

std::string seconds_text(long ms) {
    std::string out = std::to_string(ms / 1000);
    if (long frac = ms % 1000; frac != 0) {
        std::string f = std::to_string(1000 + frac).substr(1);
        f.erase(f.find_last_not_of('0') + 1);
        out += "." + f;
    }
    return out + " s";
}

Error permanent(std::string message, std::string internal) {
    Error e = Error::invalid(std::move(message));
    e.internal = std::move(internal);
    return e;
}

}  // namespace

Result<SmtpSettings::Tls> parse_smtp_tls(std::string_view s) {
    if (s == "none") return SmtpSettings::Tls::kNone;
    if (s == "try") return SmtpSettings::Tls::kTry;
    if (s == "required") return SmtpSettings::Tls::kRequired;
    return Error::invalid("SMTP TLS mode must be one of none, try, required (got \"" + utf8_prefix(flatten(s), 40) +
                          "\")");
}

std::string rfc5322_date(UnixTime t) {
    static constexpr std::array<const char*, 7> kDays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::int64_t days = t / 86400;
    std::int64_t secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    const auto weekday = static_cast<std::size_t>(((days % 7) + 7) % 7);  // 1970-01-01 was a Thursday
    const auto s = static_cast<unsigned>(secs);
    return std::string(kDays[weekday]) + ", " + two_digits(d) + " " + kMonths[m - 1] + " " + std::to_string(y) + " " +
           two_digits(s / 3600) + ":" + two_digits(s / 60 % 60) + ":" + two_digits(s % 60) + " +0000";
}

Status check_mail_message(const MailMessage& m) {
    std::vector<FieldError> problems;
    if (!is_plain_address(m.from_address)) problems.push_back({"from_address", "must be an ASCII local@domain"});
    if (!is_plain_address(m.to_address)) problems.push_back({"to_address", "must be an ASCII local@domain"});
    const std::pair<const char*, const std::string*> texts[] = {{"from_name", &m.from_name},
                                                                {"to_name", &m.to_name},
                                                                {"subject", &m.subject},
                                                                {"text", &m.text},
                                                                {"html", &m.html}};
    for (const auto& [field, value] : texts)
        if (!is_valid_utf8(*value)) problems.push_back({field, "must be valid UTF-8"});
    for (std::size_t i = 0; i < m.headers.size(); ++i) {
        if (auto problem = extra_header_problem(m.headers[i].first, m.headers[i].second))
            problems.push_back({"headers[" + std::to_string(i) + "]", flatten(m.headers[i].first) + ": " + *problem});
    }
    for (std::size_t i = 0; i < m.attachments.size(); ++i) {
        const auto& a = m.attachments[i];
        const std::string field = "attachments[" + std::to_string(i) + "]";
        if (!is_valid_utf8(a.filename)) problems.push_back({field + ".filename", "must be valid UTF-8"});
        if (!is_plain_ascii(a.content_type) ||
            (!a.content_type.empty() && a.content_type.find('/') == std::string::npos))
            problems.push_back({field + ".content_type", "must be an ASCII type/subtype with parameters"});
        else if (ascii_lower(a.content_type).starts_with("multipart/"))
            problems.push_back({field + ".content_type", "cannot be multipart (attachments are sent base64)"});
    }
    if (!problems.empty()) return Error::invalid("the e-mail cannot be sent as it is", std::move(problems));
    return ok_status();
}

std::string render_mime(const MailMessage& m, UnixTime date, const std::string& message_id) {
    const std::string id = flatten(message_id);
    std::string out = "Date: " + rfc5322_date(date) + "\r\n";
    out += fold("From", mailbox(m.from_name, m.from_address));
    out += fold("To", mailbox(m.to_name, m.to_address));
    const std::string subject = flatten(m.subject);
    out += fold("Subject", needs_encoding(subject) ? encoded_words(subject) : subject);
    out += fold("Message-ID", "<" + id + ">");
    out += "MIME-Version: 1.0\r\n";
    for (const auto& [name, value] : m.headers)
        if (!extra_header_problem(name, value)) out += fold(name, value);

    if (m.html.empty() && m.attachments.empty()) {
        // The body must end with CRLF (SMTP would add one); a soft line break adds it without adding a
        // line break to the text.
        std::string body = quoted_printable(m.text);
        if (!body.ends_with("\r\n")) body += "=\r\n";
        return out + text_part_headers("plain") + "\r\n" + body;
    }

    std::string content;  // the message's own content: text, or text and HTML as alternatives
    std::string content_type;
    if (m.html.empty()) {
        content = text_part_headers("plain") + "\r\n" + quoted_printable(m.text);
    } else {
        const std::string alt = boundary(id, "alt");
        content = "Content-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n" +
                  multipart(alt, {text_part_headers("plain") + "\r\n" + quoted_printable(m.text),
                                  text_part_headers("html") + "\r\n" + quoted_printable(m.html)});
    }
    if (m.attachments.empty()) return out + content;

    std::vector<std::string> parts{content};
    for (const auto& a : m.attachments) parts.push_back(attachment_part(a));
    const std::string mix = boundary(id, "mix");
    return out + "Content-Type: multipart/mixed; boundary=\"" + mix + "\"\r\n\r\n" + multipart(mix, parts);
}

CurlSmtpMailer::CurlSmtpMailer(SmtpSettings s) : settings_(std::move(s)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Status CurlSmtpMailer::send(const MailMessage& m) const {
    if (auto checked = check_mail_message(m); !checked) return checked;
    // The Date is when the message is sent, so it is read here, like the time in new_uuid().
    const UnixTime now = SystemClock{}.now();
    const std::string message = render_mime(m, now, new_uuid() + "@" + domain_of(m.from_address));

    std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
    if (!easy) return Error::unavailable("could not start sending e-mail", "curl_easy_init failed");
    CURL* c = easy.get();
    const std::string rcpt = "<" + m.to_address + ">";
    std::unique_ptr<curl_slist, SlistFree> recipients(curl_slist_append(nullptr, rcpt.c_str()));
    if (!recipients) return Error::unavailable("could not start sending e-mail", "curl_slist_append failed");
    const std::string from = "<" + m.from_address + ">";
    const std::string url = url_with_helo(settings_.url, settings_.helo_domain);
    Upload upload{message};
    ServerReplies replies;
    char errbuf[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, settings_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    // The debug callback is the only way curl hands over the server's reply lines; VERBOSE turns it on.
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &replies);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    switch (settings_.tls) {
        case SmtpSettings::Tls::kNone:
            curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
            break;
        case SmtpSettings::Tls::kTry:
            curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
            break;
        case SmtpSettings::Tls::kRequired:
            curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
            break;
    }
    if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }

    const CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) return ok_status();

    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    std::string reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    if (!replies.last_refusal.empty()) reason += " (server: " + replies.last_refusal + ")";
    // The reply code decides when there is one: 4xx is "try again later", 5xx is "never" (RFC 5321 §4.2.1).
    if (reply >= 400 && reply < 500) return Error::unavailable("the mail server asked to try again later", reason);
    if (reply >= 500 && reply < 600) {
        if (rc == CURLE_LOGIN_DENIED) return permanent("the mail server refused the sign-in", reason);
        return permanent("the mail server refused the message", reason);
    }
    if (rc == CURLE_LOGIN_DENIED) return permanent("the mail server refused the sign-in", reason);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return Error::unavailable("the mail server did not answer within " + seconds_text(settings_.timeout_ms),
                                  reason);
    return Error::unavailable("the mail server could not be reached", reason);
}

}  // namespace lc::infra
