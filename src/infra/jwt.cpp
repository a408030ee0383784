#include "infra/jwt.hpp"

#include <jwt.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "infra/crypto.hpp"

namespace lc::infra {

namespace {

namespace json = boost::json;

/// Far above any token we issue or accept; keeps hostile input from costing much.
constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;

struct JwtFree {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

struct Segments {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
};

bool is_b64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// Exactly three '.'-separated segments of base64url characters (no padding); header and payload non-empty.
std::optional<Segments> split_token(std::string_view token) {
    if (token.size() > kMaxTokenBytes) return std::nullopt;
    std::array<std::string_view, 3> parts;
    std::size_t count = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= token.size(); ++i) {
        if (i == token.size() || token[i] == '.') {
            if (count == parts.size()) return std::nullopt;
            parts[count++] = token.substr(start, i - start);
            start = i + 1;
        } else if (!is_b64url_char(token[i])) {
            return std::nullopt;
        }
    }
    if (count != 3 || parts[0].empty() || parts[1].empty()) return std::nullopt;
    return Segments{parts[0], parts[1], parts[2]};
}

std::optional<json::object> decode_json_object(std::string_view segment) {
    auto raw = base64url_decode(segment);
    if (!raw) return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {  // b >= 0
    if (a > std::numeric_limits<std::int64_t>::max() - b) return std::numeric_limits<std::int64_t>::max();
    return a + b;
}

/// A NumericDate claim as an integer that compares with integer times exactly like the original value does
/// under ">=" (t >= x  <=>  t >= ceil(x) for integer t); out-of-range values saturate. nullopt if not a number.
std::optional<std::int64_t> numeric_date(const json::value& v) {
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) {
        const std::uint64_t u = v.get_uint64();
        return u > static_cast<std::uint64_t>(kMax) ? kMax : static_cast<std::int64_t>(u);
    }
    if (v.is_double()) {
        const double d = v.get_double();
        if (!std::isfinite(d)) return std::nullopt;
        const double c = std::ceil(d);
        constexpr double kTwo63 = 9223372036854775808.0;
        if (c >= kTwo63) return kMax;
        if (c < -kTwo63) return kMin;
        return static_cast<std::int64_t>(c);
    }
    return std::nullopt;
}

Error reject(const char* reason) { return Error::unauthenticated(reason); }

}  // namespace

// Signing is composed here from OpenSSL's HMAC and a JSON serializer instead of going through libjwt:
// libjwt re-parses the claims into jansson and dumps them again, which bench/join measured at a fifth
// of the server's CPU per join. Nothing is parsed on this path, so nothing is lost in safety;
// verification (which parses hostile input) stays with libjwt, and the tests check that libjwt
// accepts what this produces.
std::string jwt_sign_hs256(const boost::json::object& claims, std::string_view secret) {
    if (secret.empty()) throw std::invalid_argument("jwt_sign_hs256: empty secret");
    if (secret.size() > static_cast<std::size_t>(INT_MAX))
        throw std::invalid_argument("jwt_sign_hs256: secret too long");
    // base64url of {"alg":"HS256","typ":"JWT"}
    static constexpr std::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    std::string token;
    const std::string payload = base64url_encode(json::serialize(claims));
    token.reserve(kHeader.size() + payload.size() + 48);
    token.append(kHeader).append(1, '.').append(payload);
    const std::string signature = base64url_encode(hmac_sha256(secret, token));
    token.append(1, '.').append(signature);
    return token;
}

std::string jwt_sign_hs512(const boost::json::object& claims, std::string_view secret) {
    if (secret.empty()) throw std::invalid_argument("jwt_sign_hs512: empty secret");
    // base64url of {"alg":"HS512","typ":"JWT"}
    std::string token = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9." + base64url_encode(json::serialize(claims));
    const std::string signature = base64url_encode(hmac_sha512(secret, token));  // before the '.' is appended
    return token.append(1, '.').append(signature);
}

Result<boost::json::object> jwt_peek_claims(std::string_view token) {
    auto seg = split_token(token);
    if (!seg) return reject("malformed token");
    auto claims = decode_json_object(seg->payload);
    if (!claims) return reject("malformed token");
    return std::move(*claims);
}

namespace {
/// One HMAC algorithm a verifier pins: its header name, libjwt's id and the MAC itself.
struct HmacAlg {
    const char* name;
    jwt_alg_t libjwt;
    std::string (*mac)(std::string_view, std::string_view);
};

Result<boost::json::object> verify_hmac_jwt(const HmacAlg& algorithm, std::string_view token, std::string_view secret,
                                            UnixTime now, int leeway_seconds, bool require_exp) {
    if (secret.empty() || secret.size() > static_cast<std::size_t>(INT_MAX)) {
        return reject("no verification key");  // libjwt 1.10 skips the signature check for an empty key
    }
    auto seg = split_token(token);
    if (!seg) return reject("malformed token");
    if (seg->signature.empty()) return reject("missing signature");

    // Algorithm pinning happens here, before libjwt sees the token.
    auto header = decode_json_object(seg->header);
    if (!header) return reject("malformed token header");
    const json::value* alg = header->if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->get_string() != algorithm.name)
        return reject("unsupported algorithm");
    if (const json::value* typ = header->if_contains("typ"); typ != nullptr) {
        if (!typ->is_string() || typ->get_string() != "JWT") return reject("unsupported token type");
    }
    if (header->contains("crit")) return reject("unsupported critical header");

    auto claims = decode_json_object(seg->payload);
    if (!claims) return reject("malformed token payload");

    auto sig = base64url_decode(seg->signature);
    const std::size_t signed_len = seg->header.size() + 1 + seg->payload.size();
    if (!sig || !secure_equals(*sig, algorithm.mac(secret, token.substr(0, signed_len)))) {
        return reject("bad signature");
    }
    // libjwt verifies the same HMAC again; this also keeps its view of the token in step with ours.
    const std::string token_str(token);
    jwt_t* raw = nullptr;
    const int rc = jwt_decode(&raw, token_str.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                              static_cast<int>(secret.size()));
    JwtPtr jwt(raw);
    if (rc != 0 || !jwt) return reject("malformed token");  // our HMAC check passed: libjwt could not parse it
    if (jwt_get_alg(jwt.get()) != algorithm.libjwt) return reject("unsupported algorithm");

    const std::int64_t leeway = leeway_seconds > 0 ? leeway_seconds : 0;
    const json::value* exp_v = claims->if_contains("exp");
    if (exp_v == nullptr && require_exp) return reject("missing exp");
    if (exp_v != nullptr) {
        const auto exp = numeric_date(*exp_v);
        if (!exp) return reject("invalid exp");
        if (now >= saturating_add(*exp, leeway)) return reject("token expired");
    }
    if (const json::value* nbf_v = claims->if_contains("nbf"); nbf_v != nullptr) {
        const auto nbf = numeric_date(*nbf_v);
        if (!nbf) return reject("invalid nbf");
        if (saturating_add(now, leeway) < *nbf) return reject("token not yet valid");
    }
    if (const json::value* iat_v = claims->if_contains("iat"); iat_v != nullptr && !numeric_date(*iat_v)) {
        return reject("invalid iat");
    }
    return std::move(*claims);
}

}  // namespace

Result<boost::json::object> jwt_verify_hs256(std::string_view token, std::string_view secret, UnixTime now,
                                             int leeway_seconds, bool require_exp) {
    static const HmacAlg kHs256{"HS256", JWT_ALG_HS256, &hmac_sha256};
    return verify_hmac_jwt(kHs256, token, secret, now, leeway_seconds, require_exp);
}

Result<boost::json::object> jwt_verify_hs512(std::string_view token, std::string_view secret, UnixTime now,
                                             int leeway_seconds, bool require_exp) {
    static const HmacAlg kHs512{"HS512", JWT_ALG_HS512, &hmac_sha512};
    return verify_hmac_jwt(kHs512, token, secret, now, leeway_seconds, require_exp);
}

}  // namespace lc::infra
