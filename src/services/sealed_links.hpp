#pragma once
// Links that carry their own credential (recording and artifact downloads): a JSON object sealed with
// AES-256-GCM under a purpose's key, base64url-encoded behind a short version prefix. Whoever holds
// the link may open it until the expiry inside; nothing is stored server-side.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lc::services {

std::string seal_link_token(const std::string& key, std::string_view prefix, const boost::json::object& claims);
/// The claims, or nullopt for a token that is not ours (wrong prefix, tampered, another key, too long).
std::optional<boost::json::object> open_link_token(const std::string& key, std::string_view prefix,
                                                   std::string_view token);

}  // namespace lc::services
