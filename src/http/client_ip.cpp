#include "http/client_ip.hpp"

#include <boost/system/error_code.hpp>

#include "core/text.hpp"

namespace lc::http {

namespace ip = boost::asio::ip;

namespace {
/// An address, unwrapping IPv4-mapped IPv6 ("::ffff:10.0.0.1") so one rule covers both spellings.
bool parse_address(std::string_view text, ip::address& out) {
    boost::system::error_code ec;
    out = ip::make_address(std::string(text), ec);
    if (ec) return false;
    if (out.is_v6() && out.to_v6().is_v4_mapped()) out = ip::make_address_v4(ip::v4_mapped, out.to_v6());
    return true;
}
}  // namespace

Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
    TrustedProxies t;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = trim_blanks(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item.empty()) continue;
        auto slash = item.find('/');
        ip::address addr;
        if (!parse_address(item.substr(0, slash), addr))
            return Error::invalid(
                "invalid configuration",
                {{"LIVE_TRUSTED_PROXIES", "'" + std::string(item) + "' is not an IP address or CIDR"}});
        int bits = addr.is_v4() ? 32 : 128;
        if (slash != std::string_view::npos) {
            auto len = item.substr(slash + 1);
            bits = -1;
            if (!len.empty() && len.size() <= 3 && len.find_first_not_of("0123456789") == std::string_view::npos)
                bits = std::stoi(std::string(len));
            if (bits < 0 || bits > (addr.is_v4() ? 32 : 128))
                return Error::invalid(
                    "invalid configuration",
                    {{"LIVE_TRUSTED_PROXIES", "'" + std::string(item) + "' has an invalid prefix length"}});
        }
        if (addr.is_v4())
            t.v4_.push_back(ip::make_network_v4(addr.to_v4(), static_cast<unsigned short>(bits)).canonical());
        else
            t.v6_.push_back(ip::make_network_v6(addr.to_v6(), static_cast<unsigned short>(bits)).canonical());
    }
    return t;
}

bool TrustedProxies::contains(const ip::address& a) const {
    if (a.is_v4()) {
        for (const auto& n : v4_)
            if (ip::make_network_v4(a.to_v4(), n.prefix_length()).canonical() == n) return true;
    } else {
        for (const auto& n : v6_)
            if (ip::make_network_v6(a.to_v6(), n.prefix_length()).canonical() == n) return true;
    }
    return false;
}

bool TrustedProxies::contains(std::string_view text) const {
    ip::address a;
    return parse_address(text, a) && contains(a);
}

std::string TrustedProxies::client_ip(const std::string& peer, std::string_view forwarded_for) const {
    if (forwarded_for.empty() || !contains(peer)) return peer;
    // Walk from the right: each hop appended the address it saw. Stop at the first address that is
    // not a trusted proxy; an unparsable entry means the chain cannot be followed further, so the
    // last trusted hop's view (the address to its right) is the best answer.
    std::string client = peer;
    while (!forwarded_for.empty()) {
        auto comma = forwarded_for.rfind(',');
        auto item = trim_blanks(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
        ip::address a;
        if (!parse_address(item, a)) break;
        client = a.to_string();
        if (!contains(a)) break;
    }
    return client;
}

}  // namespace lc::http
