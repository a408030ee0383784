#pragma once
// AWS Signature Version 4 for S3-compatible storage (seed 5.3, 5.6): the Authorization header of
// the requests we send, and presigned GET addresses that let a browser fetch one object for a few
// minutes without our credentials. Written to the S3 rules of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html: the path is
// URI-encoded once (S3 does not normalise it), query names and values are encoded and sorted, and
// the payload's SHA-256 travels in x-amz-content-sha256. Pure functions: the time is passed in.
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace lc::infra::sigv4 {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string region = "us-east-1";
    std::string service = "s3";
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

/// What a request is made of, before it is signed. `path` is the object's path as S3 names it
/// ("/bucket/key" or "/key"), not yet encoded; `query` the parameters, not yet encoded.
struct Request {
    std::string method = "GET";
    std::string host;  // the Host header: "bucket.s3.eu-central-1.amazonaws.com" or "127.0.0.1:9000"
    std::string path = "/";
    Pairs query;
    Pairs headers;               // extra headers to sign (Range, Content-Type, Content-MD5, x-amz-*); Host is added
    std::string payload_sha256;  // hex SHA-256 of the body ("UNSIGNED-PAYLOAD" is allowed too)
};

/// The hex SHA-256 of an empty body.
extern const char* const kEmptyPayloadSha256;

/// "20130524T000000Z" for a Unix time.
std::string amz_date(UnixTime t);
/// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case
/// hex); '/' is kept when `keep_slash` (object paths).
std::string uri_encode(std::string_view s, bool keep_slash);
/// The encoded, sorted query string ("a=1&b=2"), the same in the canonical request and on the wire.
std::string canonical_query(const Pairs& query);

/// The headers to send with the request: the caller's, plus Host-independent x-amz-date,
/// x-amz-content-sha256 and Authorization. (Host itself is set by the HTTP client from the URL.)
Pairs sign_headers(const Request& request, const Credentials& credentials, UnixTime now);

/// A presigned address for `request` (method and path; its headers and payload are not signed but
/// Host) valid for `expires_seconds` (1 ..= 604800) from `now`. `scheme_and_host` is the start of
/// the address, e.g. "https://bucket.s3.amazonaws.com" or "http://127.0.0.1:9000".
std::string presign_url(const std::string& scheme_and_host, const Request& request, const Credentials& credentials,
                        UnixTime now, long expires_seconds);

/// The canonical request and string to sign (exposed for tests against AWS's published examples).
std::string canonical_request(const Request& request, const Pairs& signed_headers_lowercase_sorted);
std::string signature(const Credentials& credentials, const std::string& date, const std::string& string_to_sign);

}  // namespace lc::infra::sigv4
