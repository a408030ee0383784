#pragma once
// Reading optional fields of JSON documents that other systems (providers, job payloads) send us,
// where a missing field and a field of the wrong type mean the same: not given.
#include <boost/json/object.hpp>
#include <cmath>
#include <string>
#include <string_view>

namespace lc::infra {

/// The string at `key`, or "" when it is absent or not a string.
inline std::string text_at(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

/// The object at `key`, or null when it is absent or not an object.
inline const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v ? v->if_object() : nullptr;
}

/// The number at `key` (a JSON integer or not), or `fallback` when it is absent, not a number or not
/// finite.
inline double number_at(const boost::json::object& o, std::string_view key, double fallback = 0) {
    const auto* v = o.if_contains(key);
    if (!v) return fallback;
    double d = fallback;  // not a number
    if (v->is_double())
        d = v->get_double();
    else if (v->is_int64())
        d = static_cast<double>(v->get_int64());
    else if (v->is_uint64())
        d = static_cast<double>(v->get_uint64());
    return std::isfinite(d) ? d : fallback;
}

}  // namespace lc::infra
