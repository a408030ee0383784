#include "services/sealed_links.hpp"

#include <boost/json.hpp>

#include "infra/crypto.hpp"

namespace lc::services {

namespace json = boost::json;

std::string seal_link_token(const std::string& key, std::string_view prefix, const json::object& claims) {
    return std::string(prefix) + infra::base64url_encode(infra::aes_gcm_seal(key, json::serialize(claims)));
}

std::optional<json::object> open_link_token(const std::string& key, std::string_view prefix, std::string_view token) {
    if (token.size() > 4096 || token.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto raw = infra::base64url_decode(token.substr(prefix.size()));
    if (!raw) return std::nullopt;
    auto plain = infra::aes_gcm_open(key, *raw);
    if (!plain) return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(*plain, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

}  // namespace lc::services
