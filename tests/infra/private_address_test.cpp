// The destinations public_only requests (push endpoints, recording downloads) refuse, after name
// resolution: every private, local and reserved range, and IPv6 forms that carry such an address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>

#include "infra/http_client.hpp"

namespace lc::infra {
namespace {

bool private_v4(const std::string& text) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text.c_str(), &a.sin_addr), 1) << text;
    return is_private_address(reinterpret_cast<const sockaddr*>(&a));
}

bool private_v6(const std::string& text) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &a.sin6_addr), 1) << text;
    return is_private_address(reinterpret_cast<const sockaddr*>(&a));
}

TEST(PrivateAddress, Ipv4) {
    for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                          "100.64.0.1", "0.0.0.0", "192.0.0.8", "198.18.0.1", "224.0.0.1", "255.255.255.255"})
        EXPECT_TRUE(private_v4(a)) << a;
    for (const char* a : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "93.184.216.34"})
        EXPECT_FALSE(private_v4(a)) << a;
}

TEST(PrivateAddress, Ipv6AndTheFormsThatCarryAnIpv4Address) {
    for (const char* a :
         {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
          "::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:a00:1::1", "2002:c0a8:101::", "64:ff9b:1::1"})
        EXPECT_TRUE(private_v6(a)) << a;
    for (const char* a :
         {"2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
        EXPECT_FALSE(private_v6(a)) << a;
}

}  // namespace
}  // namespace lc::infra
