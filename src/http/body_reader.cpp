#include "http/body_reader.hpp"

#include <boost/json.hpp>

#include "core/text.hpp"
#include "core/time.hpp"
#include "infra/crypto.hpp"

namespace lc::http {

namespace json = boost::json;

Result<json::object> parse_json_object(const std::string& body, bool allow_empty) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allow_empty) return json::object{};
        return Error::bad_request("the request body must be a JSON object");
    }
    json::error_code ec;
    json::parse_options opt;
    opt.max_depth = 32;
    json::value v = json::parse(body, ec, {}, opt);
    if (ec) return Error::bad_request("the request body is not valid JSON: " + ec.message());
    if (!v.is_object()) return Error::bad_request("the request body must be a JSON object");
    return std::move(v.as_object());
}


const json::value* BodyReader::get(const char* name) {
    seen_.insert(name);
    return o_.if_contains(name);
}

bool BodyReader::is_null(const char* name) const {
    auto* v = o_.if_contains(name);
    return v && v->is_null();
}

void BodyReader::require(const char* name) {
    if (!o_.if_contains(name)) add_error(name, "is required");
}

std::optional<std::string> BodyReader::string(const char* name, std::size_t max_chars) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        add_error(name, "must be a string");
        return std::nullopt;
    }
    std::string s(v->as_string());
    if (s.find('\0') != std::string::npos) {  // PostgreSQL text cannot hold it; libpq would cut the string there
        add_error(name, "must not contain NUL (U+0000) characters");
        return std::nullopt;
    }
    if (utf8_length(s) > max_chars) {
        add_error(name, "must be at most " + std::to_string(max_chars) + " characters");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> BodyReader::boolean(const char* name) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
        add_error(name, "must be true or false");
        return std::nullopt;
    }
    return v->as_bool();
}

std::optional<long long> BodyReader::integer(const char* name, long long min, long long max) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    long long n;
    if (v->is_int64()) {
        n = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
        n = static_cast<long long>(v->as_uint64());
    } else {
        add_error(name, v->is_uint64() ? "must be at most " + std::to_string(max) : "must be an integer");
        return std::nullopt;
    }
    if (n < min || n > max) {
        add_error(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<UnixTime> BodyReader::datetime(const char* name) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        add_error(name, "must be an ISO 8601 date-time string like 2026-11-26T10:00:00Z");
        return std::nullopt;
    }
    auto t = parse_iso8601(std::string(v->as_string()));
    if (!t) add_error(name, "must be an ISO 8601 date-time with a time zone, like 2026-11-26T10:00:00Z");
    return t;
}

std::optional<std::string> BodyReader::uuid(const char* name) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    if (!v->is_string() || !infra::is_uuid(v->as_string())) {
        add_error(name, "must be a UUID");
        return std::nullopt;
    }
    std::string s(v->as_string());
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<std::vector<std::string>> BodyReader::string_list(const char* name, std::size_t max_items) {
    auto* v = get(name);
    if (!v) return std::nullopt;
    if (!v->is_array() || v->as_array().size() > max_items) {
        add_error(name, "must be a list of at most " + std::to_string(max_items) + " strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : v->as_array()) {
        if (!item.is_string() || item.as_string().find('\0') != boost::json::string::npos) {
            add_error(name, "must contain only strings (without NUL characters)");
            return std::nullopt;
        }
        out.emplace_back(item.as_string());
    }
    return out;
}

std::optional<std::vector<std::string>> BodyReader::uuid_list(const char* name, std::size_t max_items) {
    auto list = string_list(name, max_items);
    if (!list) return std::nullopt;
    std::vector<std::string> out;
    for (auto s : *list) {
        if (!infra::is_uuid(s)) {
            add_error(name, "must contain only UUIDs");
            return std::nullopt;
        }
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    return out;
}

const json::object* BodyReader::object(const char* name) {
    auto* v = get(name);
    if (!v) return nullptr;
    if (!v->is_object()) {
        add_error(name, "must be an object");
        return nullptr;
    }
    return &v->as_object();
}

void BodyReader::absorb(BodyReader& nested) {
    for (auto& e : nested.finish()) errors_.push_back(std::move(e));
}

std::vector<FieldError> BodyReader::finish() {
    for (const auto& kv : o_)
        if (!seen_.count(std::string(kv.key())))
            errors_.push_back({prefix_ + std::string(kv.key()), "is not a known field"});
    seen_.clear();
    for (const auto& kv : o_) seen_.insert(std::string(kv.key()));  // finish() twice adds nothing new
    return std::move(errors_);
}

}  // namespace lc::http
