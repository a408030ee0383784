#include "services/launch_links.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "infra/crypto.hpp"

namespace lc::services {

namespace json = boost::json;

namespace {
constexpr std::string_view kPrefix = "lt1.";

Error not_ours() { return Error::not_found("this join link is not valid; open the class page and join again"); }
}  // namespace

std::string LaunchLinks::issue(LaunchTicket t) const {
    t.jti = infra::new_uuid();  // unique, from the pooled CSPRNG (it is an id, not a secret)
    t.expires_at = clock_.now() + opt_.ttl_seconds;
    json::object o{
        {"j", t.jti}, {"t", t.tenant_id}, {"s", t.session_id}, {"u", t.user_id}, {"p", domain::to_string(t.provider)},
        {"l", t.url}, {"e", t.expires_at}};
    return std::string(kPrefix) + infra::base64url_encode(infra::aes_gcm_seal(key_, json::serialize(o)));
}

Result<LaunchTicket> LaunchLinks::redeem(std::string_view token) {
    auto t = open(token);
    if (!t) return t;
    if (auto st = consume(*t); !st) return st.take_error();
    return t;
}

Result<LaunchTicket> LaunchLinks::open(std::string_view token) const {
    if (token.size() > 8192 || token.substr(0, kPrefix.size()) != kPrefix) return not_ours();
    auto raw = infra::base64url_decode(token.substr(kPrefix.size()));
    if (!raw) return not_ours();
    auto plain = infra::aes_gcm_open(key_, *raw);
    if (!plain) return not_ours();
    LaunchTicket t;
    try {
        auto o = json::parse(*plain).as_object();
        t.jti = std::string(o.at("j").as_string());
        t.tenant_id = std::string(o.at("t").as_string());
        t.session_id = std::string(o.at("s").as_string());
        t.user_id = std::string(o.at("u").as_string());
        auto kind = domain::parse_provider_kind(o.at("p").as_string());
        if (!kind) return not_ours();
        t.provider = *kind;
        t.url = std::string(o.at("l").as_string());
        t.expires_at = o.at("e").as_int64();
    } catch (const std::exception&) {
        return not_ours();  // sealed by us, so only a key mix-up between versions could get here
    }
    const UnixTime now = clock_.now();
    if (now >= t.expires_at)
        return Error::gone("this join link has expired (links last " + std::to_string(opt_.ttl_seconds) +
                           " seconds); open the class page and join again");
    return t;
}

Status LaunchLinks::consume(const LaunchTicket& t) {
    if (!opt_.single_use) return ok_status();
    const UnixTime now = clock_.now();
    auto first = used_.set_once("jti:" + t.jti, static_cast<int>(std::max<UnixTime>(t.expires_at - now, 0)) + 1);
    if (!first)
        return Error::unavailable("the join link cannot be checked right now; try again", first.error().internal);
    if (!*first)
        return Error::gone("this join link was already used; open the class page and join again for a new one");
    return ok_status();
}

}  // namespace lc::services
