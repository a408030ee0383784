#include "infra/sigv4.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/time.hpp"
#include "infra/crypto.hpp"

namespace lc::infra::sigv4 {

const char* const kEmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

namespace {
constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

std::string scope(const Credentials& c, const std::string& date) {
    std::string s = date;
    s += '/';
    s += c.region;
    s += '/';
    s += c.service;
    s += "/aws4_request";
    return s;
}

/// Header values are trimmed and runs of spaces inside them folded to one, as SigV4 canonicalises them.
std::string fold_spaces(std::string_view v) {
    std::string out;
    bool space = false;
    for (char ch : v) {
        if (ch == ' ' || ch == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += ch;
    }
    return out;
}

/// Lower-cased names, folded values, sorted by name: what both the canonical request and
/// SignedHeaders are built from.
Pairs canonical_headers(const Request& r, const Pairs& extra) {
    Pairs out;
    out.emplace_back("host", r.host);
    for (const auto* list : {&r.headers, &extra})
        for (const auto& [name, value] : *list) out.emplace_back(ascii_lower(name), fold_spaces(value));
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

std::string signed_header_names(const Pairs& headers) {
    std::string out;
    for (const auto& h : headers) {
        if (!out.empty()) out += ';';
        out += h.first;
    }
    return out;
}

std::string string_to_sign(const Credentials& c, const std::string& stamp, const std::string& canonical) {
    std::string s = kAlgorithm;
    s += '\n';
    s += stamp;
    s += '\n';
    s += scope(c, stamp.substr(0, 8));
    s += '\n';
    s += sha256_hex(canonical);
    return s;
}
}  // namespace

std::string amz_date(UnixTime t) {
    std::string iso = format_iso8601(t);  // 2013-05-24T00:00:00Z -> 20130524T000000Z
    std::erase_if(iso, [](char c) { return c == '-' || c == ':'; });
    return iso;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size() + s.size() / 2);
    for (unsigned char ch : s) {
        const bool unreserved = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                                ch == '-' || ch == '_' || ch == '.' || ch == '~';
        if (unreserved || (keep_slash && ch == '/')) {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 0x0F];
        }
    }
    return out;
}

std::string canonical_query(const Pairs& query) {
    Pairs encoded;
    encoded.reserve(query.size());
    for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
    std::sort(encoded.begin(), encoded.end());  // by encoded name, then value
    std::string out;
    for (const auto& [name, value] : encoded) {
        if (!out.empty()) out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

std::string canonical_request(const Request& r, const Pairs& headers) {
    std::string out = r.method;
    out += '\n';
    out += uri_encode(r.path.empty() ? "/" : r.path, true);
    out += '\n';
    out += canonical_query(r.query);
    out += '\n';
    for (const auto& [name, value] : headers) {
        out += name;
        out += ':';
        out += value;
        out += '\n';
    }
    out += '\n';
    out += signed_header_names(headers);
    out += '\n';
    out += r.payload_sha256.empty() ? std::string(kEmptyPayloadSha256) : r.payload_sha256;
    return out;
}

std::string signature(const Credentials& c, const std::string& date, const std::string& to_sign) {
    std::string key = hmac_sha256("AWS4" + c.secret_access_key, date);
    key = hmac_sha256(key, c.region);
    key = hmac_sha256(key, c.service);
    key = hmac_sha256(key, "aws4_request");
    return hmac_sha256_hex(key, to_sign);
}

Pairs sign_headers(const Request& request, const Credentials& c, UnixTime now) {
    const std::string stamp = amz_date(now);
    Request r = request;
    if (r.payload_sha256.empty()) r.payload_sha256 = kEmptyPayloadSha256;
    const Pairs amz = {{"x-amz-content-sha256", r.payload_sha256}, {"x-amz-date", stamp}};
    const Pairs headers = canonical_headers(r, amz);
    const std::string sig = signature(c, stamp.substr(0, 8), string_to_sign(c, stamp, canonical_request(r, headers)));

    Pairs out = request.headers;
    out.insert(out.end(), amz.begin(), amz.end());
    std::string auth = kAlgorithm;
    auth += " Credential=";
    auth += c.access_key_id;
    auth += '/';
    auth += scope(c, stamp.substr(0, 8));
    auth += ", SignedHeaders=";
    auth += signed_header_names(headers);
    auth += ", Signature=";
    auth += sig;
    out.emplace_back("Authorization", std::move(auth));
    return out;
}

std::string presign_url(const std::string& scheme_and_host, const Request& request, const Credentials& c, UnixTime now,
                        long expires_seconds) {
    const std::string stamp = amz_date(now);
    Request r = request;
    r.headers.clear();  // a browser follows the address with headers of its own: only Host is signed
    r.payload_sha256 = "UNSIGNED-PAYLOAD";
    r.query.emplace_back("X-Amz-Algorithm", kAlgorithm);
    r.query.emplace_back("X-Amz-Credential", c.access_key_id + "/" + scope(c, stamp.substr(0, 8)));
    r.query.emplace_back("X-Amz-Date", stamp);
    r.query.emplace_back("X-Amz-Expires", std::to_string(std::clamp(expires_seconds, 1L, 604800L)));
    r.query.emplace_back("X-Amz-SignedHeaders", "host");
    const Pairs headers = canonical_headers(r, {});
    const std::string sig = signature(c, stamp.substr(0, 8), string_to_sign(c, stamp, canonical_request(r, headers)));
    r.query.emplace_back("X-Amz-Signature", sig);
    return scheme_and_host + uri_encode(r.path.empty() ? "/" : r.path, true) + "?" + canonical_query(r.query);
}

}  // namespace lc::infra::sigv4
