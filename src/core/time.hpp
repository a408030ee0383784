#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace lc {

/// "2026-11-26T10:00:00Z"
std::string format_iso8601(UnixTime t);
/// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"; returns nullopt on anything else.
std::optional<UnixTime> parse_iso8601(std::string_view s);

}  // namespace lc
