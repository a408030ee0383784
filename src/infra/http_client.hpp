#pragma once
// Outbound HTTP for the provider adapters (BigBlueButton, Zoom), over libcurl. An interface so that
// services can be handed a client; tests use the real one against fake servers on loopback.
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// The whole exchange (connect, send, wait, read) must finish within this.
    std::chrono::milliseconds timeout{5000};
    /// For metrics: who is called and which kind of call (a fixed word such as "create" or "oauth",
    /// never an id). Empty: "other".
    std::string provider, endpoint;
    /// Connect only to public addresses (checked on the address the name resolved to, so a public name
    /// pointing into the private network is refused too): for URLs that users supply (push endpoints).
    bool public_only = false;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    /// Retry-After from the answer (seconds), when the server sent one.
    long retry_after_seconds = 0;
    /// ETag and Content-Length as sent (object stores: a part's ETag, a HEAD's size); -1: no length.
    std::string etag;
    long long content_length = -1;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// Any HTTP status is a response. "HEAD" asks for the headers only. Failing to get one (refused, DNS, TLS, timeout,
    /// an answer larger than 8 MiB) is Unavailable, with the transport's reason as the internal detail.
    virtual Result<HttpResponse> send(const HttpRequest& request) const = 0;
};

class CurlHttpClient final : public HttpClient {
public:
    CurlHttpClient();
    Result<HttpResponse> send(const HttpRequest& request) const override;
};

/// A circuit breaker in front of another client, per destination (scheme://host:port): after
/// `failures_to_open` transport failures or 5xx answers in a row it stops calling that destination for
/// `open_seconds` and fails at once (Unavailable with Retry-After), then lets one probe through; a
/// success closes it again. This keeps a dead provider from holding every request for its timeout.
class CircuitBreakerHttpClient final : public HttpClient {
public:
    struct Options {
        int failures_to_open = 5;
        int open_seconds = 30;
    };
    struct State {
        int failures = 0;
        UnixTime open_until = 0;
        bool probing = false;
    };
    CircuitBreakerHttpClient(const HttpClient& inner, const Clock& clock, Options options);
    Result<HttpResponse> send(const HttpRequest& request) const override;
    /// Destinations whose breaker is open now, with the seconds left.
    std::map<std::string, int> open_destinations() const;

private:
    const HttpClient& inner_;
    const Clock& clock_;
    Options options_;
    mutable std::mutex mu_;
    mutable std::map<std::string, State> states_;
};

/// scheme://host[:port] of a URL ("" when it does not parse).
std::string url_origin(std::string_view url);

/// True for every destination a public_only request refuses: loopback, private, link-local, shared
/// (CGNAT), multicast, reserved, IPv6 unique-local, and IPv6 forms that embed such an IPv4 address.
bool is_private_address(const sockaddr* sa);

/// Percent-encodes everything but RFC 3986 unreserved characters (for query strings and form bodies).
std::string url_encode(std::string_view s);
/// Joins name=value pairs, each side url_encode'd, with '&'.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace lc::infra
