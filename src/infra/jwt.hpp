#pragma once
// HS256 JSON Web Tokens, and HS512 ones for BigBlueButton's analytics callback. Verification goes
// through libjwt and is strict: the header must name the one algorithm the caller expects
// ({"alg":"HS256"}, or "HS512" for jwt_verify_hs512; typ, when present, "JWT"). "none", any other
// algorithm, a bad signature, a missing or non-numeric exp, an expired exp or a future nbf are all
// rejected.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

/// Signs `claims` with HS256 (OpenSSL's HMAC; jwt.cpp says why not libjwt);
/// header is exactly {"alg":"HS256","typ":"JWT"}.
std::string jwt_sign_hs256(const boost::json::object& claims, std::string_view secret);

/// Signs `claims` with HS512 (header {"alg":"HS512","typ":"JWT"}): what BigBlueButton's analytics
/// callback sends; used by the tests and the fuzz target that play BigBlueButton.
std::string jwt_sign_hs512(const boost::json::object& claims, std::string_view secret);

/// Reads the claims without verifying (to find the issuer before choosing the key).
/// Fails on a malformed token. Never trust the result for anything but key selection.
Result<boost::json::object> jwt_peek_claims(std::string_view token);

/// Verifies signature and time claims (leeway seconds allowed on exp/nbf) and returns the claims.
/// Errors are Unauthenticated with a short reason ("token expired", "bad signature", ...).
/// require_exp=false only for peers whose tokens never carry exp (BigBlueButton's recording-ready
/// callback); an exp that is present is still enforced.
Result<boost::json::object> jwt_verify_hs256(std::string_view token, std::string_view secret, UnixTime now,
                                             int leeway_seconds = 0, bool require_exp = true);
/// The same rules for HS512 tokens (header alg "HS512" and nothing else): BigBlueButton's analytics
/// callback authenticates with one.
Result<boost::json::object> jwt_verify_hs512(std::string_view token, std::string_view secret, UnixTime now,
                                             int leeway_seconds = 0, bool require_exp = true);

}  // namespace lc::infra
