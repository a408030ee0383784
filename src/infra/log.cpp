#include "infra/log.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <ctime>

namespace lc::infra {

namespace {
std::string now_iso_ms() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}
bool token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%' ||
           c == '@' || c == ':';
}

bool is_ip(std::string_view w) {
    boost::system::error_code ec;
    std::string s(w);
    if (s.find(':') == std::string::npos || s.find('.') != std::string::npos) {
        // IPv4, maybe with a port ("10.0.0.1:5432").
        auto colon = s.find(':');
        boost::asio::ip::make_address_v4(s.substr(0, colon), ec);
        if (!ec) return true;
    }
    if (std::count(s.begin(), s.end(), ':') >= 2) {
        boost::asio::ip::make_address_v6(s, ec);
        if (!ec) return true;
    }
    return false;
}

std::string redact_word(std::string_view w, bool after_bearer) {
    if (after_bearer) return "[token]";
    if (auto at = w.find('@'); at != std::string_view::npos && at > 0 && w.find('.', at) != std::string_view::npos)
        return std::string(w.substr(0, 1)) + "***" + std::string(w.substr(at));
    if (w.size() > 20 && w.substr(0, 3) == "eyJ" && std::count(w.begin(), w.end(), '.') == 2) return "[token]";
    if (is_ip(w)) return "[ip]";
    return std::string(w);
}

void redact_value(boost::json::value& v) {
    if (v.is_string()) {
        auto& s = v.as_string();
        v = redact_personal_data(std::string_view(s.data(), s.size()));
    } else if (v.is_object()) {
        for (auto& kv : v.as_object()) redact_value(kv.value());
    } else if (v.is_array()) {
        for (auto& e : v.as_array()) redact_value(e);
    }
}
}  // namespace

std::string redact_personal_data(std::string_view text) {
    // SOCI's errors end with every bound value (`... while executing "INSERT ..." with :a="...", ...`):
    // names, password hashes, secrets. The statement is worth keeping, the values never are.
    constexpr std::string_view kBoundValues = "\" with :";
    if (auto at = text.find(kBoundValues); at != std::string_view::npos) {
        std::string kept = redact_personal_data(text.substr(0, at + 1));
        return kept + " with [bound values withheld]";
    }
    // PostgreSQL's DETAIL of a NOT NULL or CHECK violation quotes the whole row the same way.
    constexpr std::string_view kFailingRow = "Failing row contains (";
    if (auto at = text.find(kFailingRow); at != std::string_view::npos) {
        const auto line_end = text.find('\n', at);
        std::string out = redact_personal_data(text.substr(0, at)) + "Failing row contains [values withheld]";
        if (line_end != std::string_view::npos) out += redact_personal_data(text.substr(line_end));
        return out;
    }
    // Fast path (every access-log line passes here): nothing that could be an address or a token.
    if (text.find_first_of("@.:") == std::string_view::npos && text.find("earer") == std::string_view::npos)
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    bool after_bearer = false;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!token_char(text[i])) {
            out += text[i++];
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && token_char(text[j])) ++j;
        std::string_view w = text.substr(i, j - i);
        // Trailing punctuation of a sentence is not part of an address.
        while (!w.empty() && (w.back() == '.' || w.back() == ':')) w.remove_suffix(1);
        out += redact_word(w, after_bearer);
        out.append(text.substr(i + w.size(), j - i - w.size()));
        after_bearer = w == "Bearer" || w == "bearer";
        i = j;
    }
    return out;
}

Logger Logger::to_stderr(std::string_view level) {
    auto l = std::make_shared<spdlog::logger>("liveclass", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::from_str(std::string(level)));
    l->flush_on(spdlog::level::info);
    return Logger(l);
}

Logger Logger::quiet() {
    auto l = std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
    l->set_level(spdlog::level::err);
    return Logger(l);
}

bool Logger::debug_enabled() const { return l_->should_log(spdlog::level::debug); }
bool Logger::info_enabled() const { return l_->should_log(spdlog::level::info); }

void Logger::write(spdlog::level::level_enum lvl, std::string_view msg, boost::json::object&& fields) const {
    if (!l_->should_log(lvl)) return;
    boost::json::object o;
    o["ts"] = now_iso_ms();
    o["level"] = spdlog::level::to_string_view(lvl).data();
    o["msg"] = redact_personal_data(msg);
    for (auto& kv : fields) {
        redact_value(kv.value());
        o[kv.key()] = std::move(kv.value());
    }
    l_->log(lvl, "{}", boost::json::serialize(o));
}

void Logger::debug(std::string_view m, boost::json::object f) const { write(spdlog::level::debug, m, std::move(f)); }
void Logger::info(std::string_view m, boost::json::object f) const { write(spdlog::level::info, m, std::move(f)); }
void Logger::warn(std::string_view m, boost::json::object f) const { write(spdlog::level::warn, m, std::move(f)); }
void Logger::error(std::string_view m, boost::json::object f) const { write(spdlog::level::err, m, std::move(f)); }

}  // namespace lc::infra
