#pragma once
// Strict reading of JSON request bodies: wrong types, unknown fields and missing required
// fields become per-field errors (422); malformed JSON is a 400. Nothing is written on error.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::http {

/// Parses `body` as a JSON object (empty body = {} when allow_empty).
Result<boost::json::object> parse_json_object(const std::string& body, bool allow_empty = false);

class BodyReader {
public:
    /// prefix: dotted path of this object inside the body ("" at the top, "policy." inside it).
    explicit BodyReader(const boost::json::object& o, std::string prefix = "") : o_(o), prefix_(std::move(prefix)) {}

    std::optional<std::string> string(const char* name, std::size_t max_chars = 10000);
    std::optional<bool> boolean(const char* name);
    std::optional<long long> integer(const char* name, long long min, long long max);
    std::optional<UnixTime> datetime(const char* name);
    std::optional<std::string> uuid(const char* name);
    std::optional<std::vector<std::string>> uuid_list(const char* name, std::size_t max_items = 100);
    std::optional<std::vector<std::string>> string_list(const char* name, std::size_t max_items = 100);
    /// A nested object; read it with its own BodyReader and merge errors with absorb().
    const boost::json::object* object(const char* name);
    /// nullptr when absent; true if present and null.
    bool is_null(const char* name) const;
    void require(const char* name);
    /// Marks a field as read without checking its type (e.g. an explicit null that means "inherit").
    void skip(const char* name) { seen_.insert(name); }
    void add_error(const std::string& field, const std::string& detail) { errors_.push_back({prefix_ + field, detail}); }
    void absorb(BodyReader& nested);

    /// Adds an "unknown field" error for every key not read; returns all errors.
    std::vector<FieldError> finish();

private:
    const boost::json::value* get(const char* name);
    const boost::json::object& o_;
    std::string prefix_;
    std::set<std::string> seen_;
    std::vector<FieldError> errors_;
};

}  // namespace lc::http
