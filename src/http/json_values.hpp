#pragma once
// Small value conversions shared by the JSON serialisers of the API.
#include <boost/json/value.hpp>
#include <optional>

#include "core/time.hpp"

namespace lc::http {

/// An instant as ISO 8601 UTC text, or null when there is none (never given, not happened yet).
inline boost::json::value opt_time(const std::optional<UnixTime>& t) {
    return t ? boost::json::value(format_iso8601(*t)) : boost::json::value(nullptr);
}

}  // namespace lc::http
