#pragma once
// Who the client is when a reverse proxy stands in front (seed 9.2 rate limits, 9.4 ip_hash).
// X-Forwarded-For is believed only when the connection comes from a configured trusted proxy, and
// then read from the right: the first address that is not itself a trusted proxy is the client.
// A client cannot forge its address by sending the header itself, through the proxy or not.
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lc::http {

class TrustedProxies {
public:
    TrustedProxies() = default;
    /// A comma-separated list of addresses and CIDR networks ("127.0.0.1, 10.0.0.0/8, ::1").
    static Result<TrustedProxies> parse(std::string_view list);
    bool empty() const { return v4_.empty() && v6_.empty(); }
    bool contains(const boost::asio::ip::address& a) const;
    bool contains(std::string_view ip) const;
    /// The client's address for a connection from `peer` carrying these X-Forwarded-For values.
    std::string client_ip(const std::string& peer, std::string_view forwarded_for) const;

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace lc::http
