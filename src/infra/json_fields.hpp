#pragma once
// Reading optional fields of JSON documents that other systems (providers, job payloads) send us,
// where a missing field and a field of the wrong type mean the same: not given.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace lc::infra {

/// The string at `key`, or "" when it is absent or not a string.
inline std::string text_at(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace lc::infra
