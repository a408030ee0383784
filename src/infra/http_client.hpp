#pragma once
// Outbound HTTP for the provider adapters (BigBlueButton, Zoom), over libcurl. An interface so that
// services can be handed a client; tests use the real one against fake servers on loopback.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace lc::infra {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// The whole exchange (connect, send, wait, read) must finish within this.
    std::chrono::milliseconds timeout{5000};
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    /// Retry-After from the answer (seconds), when the server sent one.
    long retry_after_seconds = 0;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// Any HTTP status is a response. Failing to get one (refused, DNS, TLS, timeout, an answer larger
    /// than 8 MiB) is Unavailable, with the transport's reason as the internal detail.
    virtual Result<HttpResponse> send(const HttpRequest& request) const = 0;
};

class CurlHttpClient final : public HttpClient {
public:
    CurlHttpClient();
    Result<HttpResponse> send(const HttpRequest& request) const override;
};

/// Percent-encodes everything but RFC 3986 unreserved characters (for query strings and form bodies).
std::string url_encode(std::string_view s);
/// Joins name=value pairs, each side url_encode'd, with '&'.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace lc::infra
