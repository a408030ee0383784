#pragma once
// Seed 9.1 join tokens: every join also yields a launch link, /api/v1/launch/{token}/, that opens the
// class (a page embedding the provider's room, or a redirect to it). The token is opaque: the
// provider's join URL inside it (a credential of its own, e.g. a BigBlueButton URL that never
// expires by itself) is sealed with AES-256-GCM under a key derived from LIVE_SECRET_KEY, so nothing
// can be read from it or changed in it. It lives LIVE_JOIN_TOKEN_TTL seconds. With
// LIVE_JOIN_SINGLE_USE it opens once: its id (jti) is marked used in the SharedStore for the rest of
// its lifetime (in Redis when configured, so a second process refuses it too), and the join answer
// then carries only this link, not the provider's URL or token.
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/shared_store.hpp"
#include "domain/entities.hpp"

namespace lc::services {

struct LaunchTicket {
    std::string jti;  // random, 128 bits
    std::string tenant_id;
    std::string session_id;
    std::string user_id;
    domain::ProviderKind provider = domain::ProviderKind::kJitsi;
    std::string url;  // the provider's join URL
    UnixTime expires_at = 0;
};

struct LaunchOptions {
    int ttl_seconds = 300;    // LIVE_JOIN_TOKEN_TTL
    bool single_use = false;  // LIVE_JOIN_SINGLE_USE
    std::string base_url;     // LIVE_PUBLIC_URL: links are absolute when set, else paths on this server
};

class LaunchLinks {
public:
    LaunchLinks(std::string key, const Clock& clock, SharedStore& used, LaunchOptions opt)
        : key_(std::move(key)), clock_(clock), used_(used), opt_(opt) {}

    const LaunchOptions& options() const { return opt_; }
    bool checks_remote_store() const { return opt_.single_use && used_.remote(); }

    /// The link that opens a token.
    std::string url_for(const std::string& token) const { return opt_.base_url + "/api/v1/launch/" + token + "/"; }
    /// Seals a ticket (its jti and expiry are set here) into a URL-safe token.
    std::string issue(LaunchTicket t) const;
    /// Reads a token: NotFound when it is not one of ours or was altered, Gone when it expired.
    Result<LaunchTicket> open(std::string_view token) const;
    /// With single use: marks the ticket used; Gone when it was used before, Unavailable when the
    /// shared store cannot be asked. Called last, once every other check passed, so a refused
    /// opening (class over, database down) does not use the link up. Without single use: nothing.
    Status consume(const LaunchTicket& t);
    /// open + consume.
    Result<LaunchTicket> redeem(std::string_view token);

private:
    std::string key_;
    const Clock& clock_;
    SharedStore& used_;
    LaunchOptions opt_;
};

}  // namespace lc::services
