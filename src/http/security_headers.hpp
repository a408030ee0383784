#pragma once
// Seed 9.3: the headers every response carries, error answers of the socket layer included. API
// answers are never framed, never sniffed, never cached and never leak the URL as a referrer; a
// page that embeds a provider's room gets its own policy (room_page_csp).
#include <string>
#include <vector>

#include "http/types.hpp"

namespace lc::http {

/// The API's Content-Security-Policy: nothing may load, nothing may frame it.
inline constexpr const char* kApiCsp =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Sets the common headers. A Content-Security-Policy or Cache-Control that the handler set (a page,
/// a cacheable file) is kept. `https`: the client reached us over TLS (HSTS is only sent then).
void apply_security_headers(Response& res, bool https);

/// The policy of a page that embeds a provider's room: frames only from `provider_origin`, and only
/// the school's own sites (`school_domains`, host names) and this server may frame the page.
std::string room_page_csp(const std::string& provider_origin, const std::vector<std::string>& school_domains);

/// The policy of the web app's page (web/dist/index.html): scripts, styles and API calls from this
/// server only; the Jitsi IFrame API script from `script_origins` and provider rooms from
/// `frame_origins` (origins, as origin_of gives them; anything else is dropped); our own launch pages
/// (single-use links) in frames too; framed only by this server and the school's sites.
/// Styles may be inline (the calendar injects its own). Videos play from this server, object URLs (a
/// recording's captions) and `media_origins` (the bucket our copies are signed out of).
std::string app_page_csp(const std::vector<std::string>& script_origins, const std::vector<std::string>& frame_origins,
                         const std::vector<std::string>& school_domains,
                         const std::vector<std::string>& media_origins = {});

/// "https://meet.example.org:8443" from a URL; empty when it has no http(s) origin.
std::string origin_of(const std::string& url);

}  // namespace lc::http
