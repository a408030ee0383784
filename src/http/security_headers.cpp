#include "http/security_headers.hpp"

#include <boost/url/parse.hpp>
#include <cctype>

namespace lc::http {

void apply_security_headers(Response& res, bool https) {
    if (res.find("Content-Security-Policy") == res.end()) res.set("Content-Security-Policy", kApiCsp);
    if (res.find(bhttp::field::cache_control) == res.end()) res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    if (https) res.set(bhttp::field::strict_transport_security, "max-age=31536000; includeSubDomains");
}

std::string origin_of(const std::string& url) {
    auto u = boost::urls::parse_uri(url);  // a URI with its fragment (Jitsi puts config there)
    if (!u || (u->scheme() != "https" && u->scheme() != "http") || u->encoded_host().empty()) return {};
    std::string o = std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port());
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

namespace {

/// "'self' https://school.edu ...": domains are validated host names when saved; anything that could
/// break out of the header value is skipped all the same.
std::string frame_ancestors(const std::vector<std::string>& school_domains) {
    std::string ancestors = "'self'";
    for (const auto& d : school_domains) {
        if (d.empty() || d.find_first_of(" ;,'\"\r\n") != std::string::npos) continue;
        ancestors += " https://" + d;
    }
    return ancestors;
}

bool is_clean_origin(const std::string& o) {
    if (o.rfind("https://", 0) != 0 && o.rfind("http://", 0) != 0) return false;
    for (char c : o.substr(o.find("//") + 2))
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return false;
    return true;
}

}  // namespace

std::string room_page_csp(const std::string& provider_origin, const std::vector<std::string>& school_domains) {
    return "default-src 'none'; style-src 'unsafe-inline'; frame-src " +
           (provider_origin.empty() ? std::string("'none'") : provider_origin) + "; frame-ancestors " +
           frame_ancestors(school_domains) + "; base-uri 'none'; form-action 'none'";
}

std::string app_page_csp(const std::vector<std::string>& script_origins, const std::vector<std::string>& frame_origins,
                         const std::vector<std::string>& school_domains,
                         const std::vector<std::string>& media_origins) {
    auto list = [](const std::vector<std::string>& origins) {
        std::string out;
        for (const auto& o : origins)
            if (is_clean_origin(o) && (out + " ").find(" " + o + " ") == std::string::npos) out += " " + o;
        return out;
    };
    return "default-src 'self'; script-src 'self'" + list(script_origins) +
           "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:" +
           list(media_origins) + "; connect-src 'self'; frame-src 'self'" + list(frame_origins) + "; frame-ancestors " +
           frame_ancestors(school_domains) + "; base-uri 'none'; form-action 'self'; object-src 'none'";
}

}  // namespace lc::http
