// Fuzzes JWT parsing and verification (infra/jwt): jwt_peek_claims and jwt_verify_hs256 on any
// bytes, with and without a required exp and with leeway. Invariants: no crash or sanitizer report;
// a token is accepted only with a header saying HS256 and exactly our HMAC-SHA256 of its first two
// segments, in canonical base64url (no other algorithm, key or encoding of the signature), with the
// claims peek reads, and never with another key.
// The first input byte picks the mode, so seeds can also start from a validly signed token.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "infra/crypto.hpp"
#include "infra/jwt.hpp"

namespace {
constexpr lc::UnixTime kNow = 1790000000;
const std::string kKey = "fuzz-jwt-key-0123456789abcdef0123456789";
[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    std::string token(reinterpret_cast<const char*>(data + 1), size - 1);
    if (mode & 1) {
        // The bytes are claims: sign them, then let later bits damage the token in one place.
        boost::system::error_code ec;
        auto v = boost::json::parse(token, ec);
        if (ec || !v.is_object()) return 0;
        token = lc::infra::jwt_sign_hs256(v.as_object(), kKey);
        if ((mode & 2) && !token.empty()) token[(mode >> 2) % token.size()] ^= static_cast<char>(mode);
    }
    auto peek = lc::infra::jwt_peek_claims(token);
    const bool require_exp = mode & 0x10;
    const int leeway = (mode & 0x20) ? 60 : 0;
    auto verified = lc::infra::jwt_verify_hs256(token, kKey, kNow, leeway, require_exp);
    if (!verified) {
        if (verified.error().code != lc::Code::kUnauthenticated) fail("a rejection that is not Unauthenticated");
        return 0;
    }
    if (!peek) fail("verified a token that peek calls malformed");
    if (*peek != *verified) fail("verified claims differ from the payload");
    // Accepted means: three segments, a header that says HS256, and exactly our HMAC in canonical base64url.
    const auto dot1 = token.find('.'), dot2 = token.rfind('.');
    if (dot1 == std::string::npos || dot1 == dot2) fail("accepted without three segments");
    auto header = lc::infra::base64url_decode(std::string_view(token).substr(0, dot1));
    boost::system::error_code ec;
    auto hv = boost::json::parse(header ? *header : std::string(), ec);
    if (ec || !hv.is_object() || !hv.as_object().contains("alg") || hv.as_object().at("alg") != "HS256")
        fail("accepted a header that does not say HS256");
    const std::string mac = lc::infra::hmac_sha256(kKey, std::string_view(token).substr(0, dot2));
    if (token.substr(dot2 + 1) != lc::infra::base64url_encode(mac)) fail("accepted a signature other than ours");
    if (lc::infra::jwt_verify_hs256(token, kKey + "x", kNow, leeway, require_exp)) fail("accepted with a wrong key");
    if (require_exp && !verified->contains("exp")) fail("accepted without exp");
    return 0;
}
