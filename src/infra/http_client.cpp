#include "infra/http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "core/text.hpp"
#include "infra/download.hpp"

namespace lc::infra {

namespace {

constexpr std::size_t kMaxResponseBytes = std::size_t{8} * 1024 * 1024;

struct EasyFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

/// "Name: value" lines for CURLOPT_HTTPHEADER, plus `extra` when given; nullopt when out of memory.
std::optional<HeaderList> header_list(const std::vector<std::pair<std::string, std::string>>& headers,
                                      const char* extra) {
    HeaderList list;
    auto append = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(list.get(), line.c_str());
        if (!next) return false;
        (void)list.release();
        list.reset(next);
        return true;
    };
    for (const auto& [name, value] : headers)
        if (!append(name + ": " + value)) return std::nullopt;
    if (extra && !append(extra)) return std::nullopt;
    return list;
}

struct Sink {
    std::string body;
    std::string content_type;
    std::string etag;
    long long content_length = -1;
    long retry_after = 0;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const size_t bytes = size * n;
    if (sink->body.size() + bytes > kMaxResponseBytes) {
        sink->too_large = true;
        return 0;  // aborts the transfer
    }
    sink->body.append(data, bytes);
    return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const size_t bytes = size * n;
    std::string line(data, bytes);
    auto colon = line.find(':');
    if (colon == std::string::npos) return bytes;
    std::string name = ascii_lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    if (name == "content-type") sink->content_type = value;
    if (name == "etag") sink->etag = value;
    if (name == "content-length") {
        char* end = nullptr;
        long long v = std::strtoll(value.c_str(), &end, 10);
        if (!value.empty() && end && *end == '\0' && v >= 0) sink->content_length = v;
    }
    if (name == "retry-after") {
        long v = 0;
        bool digits = !value.empty() && value.size() < 10;
        for (char c : value) {
            if (c < '0' || c > '9')
                digits = false;
            else
                v = v * 10 + (c - '0');
        }
        if (digits) sink->retry_after = v;
    }
    return bytes;
}

/// True for addresses a user-supplied URL must never reach: loopback, private, link-local, CGNAT,
/// unspecified, multicast and reserved ranges, and IPv6 unique-local and mapped forms of those.
/// libcurl's socket opener for public_only requests: refuses private destinations after resolution.
curl_socket_t open_public_socket(void* refused, curlsocktype purpose, curl_sockaddr* address) {
    if (purpose != CURLSOCKTYPE_IPCXN || is_private_address(&address->addr)) {
        *static_cast<bool*>(refused) = true;
        return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype, address->protocol);
}

/// "5 s", "1.5 s", "0.25 s": a timeout as a person reads it.
std::string seconds_text(long ms) {
    std::string out = std::to_string(ms / 1000);
    if (long frac = ms % 1000; frac != 0) {
        std::string f = std::to_string(1000 + frac).substr(1);
        f.erase(f.find_last_not_of('0') + 1);
        out += "." + f;
    }
    return out + " s";
}

}  // namespace

CurlHttpClient::CurlHttpClient() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) const {
    std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
    if (!easy) return Error::unavailable("could not start an outbound HTTP request", "curl_easy_init failed");
    CURL* c = easy.get();
    Sink sink;
    // "Expect: 100-continue" would add a round trip to every POST larger than 1 KiB.
    auto headers = header_list(request.headers, "Expect:");
    if (!headers) return Error::unavailable("could not start an outbound HTTP request", "curl_slist_append failed");
    const long timeout_ms = static_cast<long>(request.timeout.count());
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    bool refused = false;
    if (request.public_only) {
        curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &refused);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers->get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "liveclass/0.1");
    if (request.method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (request.method != "DELETE" || !request.body.empty()) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        }
    }
    CURLcode rc = curl_easy_perform(c);
    if (refused) {  // permanent: retrying will not make the address public
        Error e = Error::invalid("the destination is not a public address");
        e.internal = "refused a private address for " + url_origin(request.url);
        return e;
    }
    if (sink.too_large) return Error::unavailable("the provider's answer was too large", request.url);
    if (rc != CURLE_OK) {
        std::string reason = curl_easy_strerror(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            return Error::unavailable("the provider did not answer within " + seconds_text(timeout_ms), reason);
        return Error::unavailable("the provider could not be reached", reason);
    }
    HttpResponse res;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.status);
    res.body = std::move(sink.body);
    res.content_type = std::move(sink.content_type);
    res.retry_after_seconds = sink.retry_after;
    res.etag = std::move(sink.etag);
    res.content_length = sink.content_length;
    return res;
}

namespace {
struct FileSink {
    std::FILE* file = nullptr;
    long long written = 0, max_bytes = 0, next_report = 0, every = 0;
    bool too_large = false, write_failed = false;
    const std::function<void(long long)>* on_progress = nullptr;
};

size_t on_file_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<FileSink*>(user);
    const size_t len = size * n;
    if (sink->max_bytes > 0 && sink->written + static_cast<long long>(len) > sink->max_bytes) {
        sink->too_large = true;
        return 0;  // aborts the transfer
    }
    if (std::fwrite(data, 1, len, sink->file) != len) {
        sink->write_failed = true;
        return 0;
    }
    sink->written += static_cast<long long>(len);
    if (*sink->on_progress && sink->written >= sink->next_report) {
        (*sink->on_progress)(sink->written);
        sink->next_report = sink->written + sink->every;
    }
    return len;
}

struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

Result<long long> download_to_file(const DownloadRequest& request) {
    if (request.public_only && request.url.rfind("https://", 0) != 0) {
        Error e = Error::invalid("only https:// addresses are downloaded from");
        e.internal = "refused " + url_origin(request.url) +
                     " (set LIVE_STORAGE_ALLOW_PRIVATE_SOURCES for a server "
                     "on the school's own network)";
        return e;
    }
    std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
    if (!easy) return Error::unavailable("could not start a download", "curl_easy_init failed");
    std::unique_ptr<std::FILE, FileClose> file(std::fopen(request.to_path.c_str(), "wb"));
    if (!file) return Error::unavailable("could not write the downloaded file", "fopen failed: " + request.to_path);
    CURL* c = easy.get();
    FileSink sink;
    sink.file = file.get();
    sink.max_bytes = request.max_bytes;
    sink.every = std::max(1LL, request.progress_every);
    sink.next_report = sink.every;
    sink.on_progress = &request.on_progress;
    auto headers = header_list(request.headers, nullptr);
    if (!headers) return Error::unavailable("could not start a download", "curl_slist_append failed");
    bool refused = false;
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, request.public_only ? "https" : "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, request.public_only ? "https" : "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count() * 1000));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 16L * 1024);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.stall_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count() * 1000));
    // Never through a proxy from the environment: the address check must see the real destination.
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    if (request.max_bytes > 0)  // refused from the Content-Length already, before any body arrives
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
    if (request.public_only) {
        curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &refused);
    }
    if (*headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers->get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_file_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "liveclass/0.1");
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    CURLcode rc = curl_easy_perform(c);
    const std::string origin = url_origin(request.url);
    auto permanent = [](std::string message, std::string why) {
        Error e = Error::invalid(std::move(message));
        e.internal = std::move(why);
        return e;
    };
    // A refused address matters only when no other address of the name worked.
    if (refused && rc != CURLE_OK)
        return permanent("the recording's address is not a public address", "refused a private address for " + origin);
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return permanent("the file is larger than " + std::to_string(request.max_bytes) + " bytes", origin);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL)  // e.g. a redirect to http:// when only https is allowed
        return permanent("the recording's address is not https", origin + ": " + curl_easy_strerror(rc));
    if (sink.write_failed || std::fflush(file.get()) != 0)
        return Error::unavailable("could not write the downloaded file", "write failed: " + request.to_path);
    if (rc != CURLE_OK)
        return Error::unavailable("the download did not finish", origin + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        const std::string why = origin + " answered HTTP " + std::to_string(status);
        const bool may_come = status == 404 || status == 408 || status == 429 || status >= 500;
        return may_come ? Error::unavailable("the file could not be downloaded yet", why)
                        : permanent("the file could not be downloaded", why);
    }
    if (sink.written == 0) return Error::unavailable("the file could not be downloaded yet", origin + " sent no bytes");
    if (*sink.on_progress) (*sink.on_progress)(sink.written);
    return sink.written;
}

bool is_private_address(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        const std::uint32_t a = ntohl(in->sin_addr.s_addr);
        auto in_net = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
        return in_net(0x00000000, 8) || in_net(0x0A000000, 8) || in_net(0x64400000, 10) || in_net(0x7F000000, 8) ||
               in_net(0xA9FE0000, 16) || in_net(0xAC100000, 12) || in_net(0xC0000000, 24) || in_net(0xC0A80000, 16) ||
               in_net(0xC6120000, 15) || in_net(0xE0000000, 3);
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        const unsigned char* b = in6->sin6_addr.s6_addr;
        // Forms that carry an IPv4 address inside: judged by that address. ::ffff:a.b.c.d (mapped),
        // ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64, RFC 6052) and 2002:aabb:ccdd:: (6to4).
        auto embedded = [](const unsigned char* v4bytes) {
            sockaddr_in v4{};
            v4.sin_family = AF_INET;
            std::memcpy(&v4.sin_addr, v4bytes, 4);
            return is_private_address(reinterpret_cast<const sockaddr*>(&v4));
        };
        static constexpr unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) || IN6_IS_ADDR_V4COMPAT(&in6->sin6_addr) ||
            std::memcmp(b, kNat64, sizeof kNat64) == 0)
            return embedded(b + 12);
        if (b[0] == 0x20 && b[1] == 0x02) return embedded(b + 2);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01)
            return true;  // 64:ff9b:1::/48, NAT64 for local use (RFC 8215)
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ||
               IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_SITELOCAL(&in6->sin6_addr) ||
               IN6_IS_ADDR_MULTICAST(&in6->sin6_addr) || (b[0] & 0xFE) == 0xFC;  // fc00::/7 unique local
    }
    return true;  // anything else (Unix sockets...) is not a public destination
}

std::string url_origin(std::string_view url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return {};
    std::string out = std::string(u->scheme()) + "://" + std::string(u->encoded_host());
    if (u->has_port()) out += ":" + std::string(u->port());
    return out;
}

CircuitBreakerHttpClient::CircuitBreakerHttpClient(const HttpClient& inner, const Clock& clock, Options options)
    : inner_(inner), clock_(clock), options_(options) {}

Result<HttpResponse> CircuitBreakerHttpClient::send(const HttpRequest& request) const {
    const std::string key = url_origin(request.url);
    {
        std::lock_guard lk(mu_);
        State& st = states_[key];
        UnixTime now = clock_.now();
        if (st.open_until > now || (st.open_until != 0 && st.probing)) {
            int left = static_cast<int>(std::max<UnixTime>(1, st.open_until - now));
            Error e = Error::unavailable(
                "the conferencing service is not answering; we pause calls to it for a moment so it can recover. "
                "Try again in " +
                    std::to_string(left) + " s",
                key + ": circuit open after " + std::to_string(st.failures) + " failures in a row");
            e.retry_after_seconds = left;
            return e;
        }
        if (st.open_until != 0) st.probing = true;  // half-open: this request is the probe
    }
    auto res = inner_.send(request);
    bool failed = !res || res->status >= 500;
    std::lock_guard lk(mu_);
    State& st = states_[key];
    st.probing = false;
    if (!failed) {
        st = State{};
        return res;
    }
    if (++st.failures >= options_.failures_to_open) st.open_until = clock_.now() + options_.open_seconds;
    return res;
}

std::map<std::string, int> CircuitBreakerHttpClient::open_destinations() const {
    std::map<std::string, int> out;
    std::lock_guard lk(mu_);
    UnixTime now = clock_.now();
    for (const auto& [key, st] : states_)
        if (st.open_until > now) out[key] = static_cast<int>(st.open_until - now);
    return out;
}

std::string url_encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += url_encode(name);
        out += '=';
        out += url_encode(value);
    }
    return out;
}

}  // namespace lc::infra
