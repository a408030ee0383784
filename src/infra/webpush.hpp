#pragma once
// Web Push: delivery to a browser's push service (RFC 8030), the payload encrypted for the browser
// (RFC 8291, "aes128gcm" of RFC 8188) and the request signed for the push service (RFC 8292 VAPID).
// All primitives are OpenSSL 3's EVP APIs; this file only composes them the way the RFCs say.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "infra/http_client.hpp"

namespace lc::infra {

/// What a browser's PushSubscription.toJSON() gives: where to POST and the keys to encrypt for.
struct PushSubscription {
    std::string endpoint;
    std::string p256dh;  ///< base64url, 65-byte uncompressed P-256 point (the browser's ECDH key)
    std::string auth;    ///< base64url, 16 bytes (the browser's auth secret)
};

/// Longest endpoint URL validate_subscription accepts (real ones are a few hundred characters).
inline constexpr std::size_t kMaxPushEndpointLength = 2048;
/// Largest plaintext a push message may carry: a push service need not take a body over 4096 bytes
/// (RFC 8030 §7.2), and the body also holds the 86-byte header, the padding delimiter and the
/// 16-byte tag (RFC 8291 §4).
inline constexpr std::size_t kMaxPushPlaintext = 3993;

/// Checks a subscription a browser sent: endpoint is an absolute https URL (http allowed only when
/// allow_http, for loopback tests), at most 2048 chars; p256dh decodes to a valid point on P-256;
/// auth decodes to 16 bytes. InvalidArgument with FieldError entries ("endpoint", "keys.p256dh",
/// "keys.auth") and a message a person can act on.
Status validate_subscription(const PushSubscription& s, bool allow_http);

/// The application server's P-256 key pair (VAPID, RFC 8292). Copyable; holds the raw key bytes.
class VapidKeys {
public:
    /// From the base64url raw 32-byte private scalar (the format `web-push generate-vapid-keys` prints).
    /// InvalidArgument if it does not decode to 32 bytes or is not in [1, n-1].
    static Result<VapidKeys> from_private_key(std::string_view base64url_d);
    /// Deterministic key from a master secret, so an embedded install needs no extra setting: the
    /// scalar is derive_key(master, "vapid"), re-hashed in the (2^-32 likely) case it is 0 or >= n.
    /// Changing the master secret changes the key, and browsers then need to subscribe again.
    static VapidKeys derive(std::string_view master_secret);

    /// base64url uncompressed point (65 bytes): what the browser's applicationServerKey needs.
    std::string public_key() const;
    /// base64url raw 32 bytes.
    std::string private_key() const;
    /// JWS ES256 signature of `data`: raw r||s, 64 bytes (RFC 7518 §3.4), not DER.
    std::string sign_es256(std::string_view data) const;

private:
    VapidKeys(std::string d, std::string pub) : d_(std::move(d)), pub_(std::move(pub)) {}
    std::string d_;    // raw scalar, 32 bytes big-endian
    std::string pub_;  // uncompressed point, 65 bytes
};

/// RFC 8291 aes128gcm body: header salt(16) | rs(4, = 4096) | idlen(1, = 65) | keyid (the sender's
/// ephemeral public key, 65), then one record: AES-128-GCM(plaintext | 0x02) with its 16-byte tag.
/// A fresh salt and ephemeral key per message. InvalidArgument if the subscription's keys do not decode
/// or the plaintext is longer than kMaxPushPlaintext.
Result<std::string> encrypt_push_payload(const PushSubscription& s, std::string_view plaintext);
/// The same with the salt and the sender's ephemeral private key given (the worked example of RFC 8291
/// Appendix A is reproduced with this; nothing else should choose its own salt or key).
Result<std::string> encrypt_push_payload(const PushSubscription& s, std::string_view plaintext, std::string_view salt16,
                                         std::string_view ephemeral_private_raw32);

/// The origin of a URL as RFC 6454 serializes it (lowercase scheme and host, no default port):
/// the "aud" of a VAPID token. "" when the URL does not parse.
std::string push_audience(std::string_view endpoint);

/// "vapid t=<ES256 JWT {aud: origin of endpoint, exp: now+12h, sub: subject}>, k=<public key>"
/// (RFC 8292 §3). 12 hours: well inside the 24 h a push service must accept, with room for clock skew.
std::string vapid_authorization(const VapidKeys& keys, std::string_view endpoint, std::string_view subject,
                                UnixTime now);

enum class PushOutcome {
    kDelivered,  ///< the push service accepted the message (it may still expire undelivered: TTL)
    kGone,       ///< 404/410: the subscription no longer exists; remove it and do not send again
};

struct PushMessage {
    std::string payload;  ///< at most kMaxPushPlaintext bytes; the service worker reads it as text
    /// How long the push service keeps the message for an offline browser (RFC 8030 §5.2); 0: only now.
    int ttl_seconds = 3600;
    std::string urgency = "normal";  ///< very-low | low | normal | high (RFC 8030 §5.3)
    /// Optional: a newer message with the same topic replaces an undelivered older one (RFC 8030 §5.4).
    /// At most 32 characters of the base64url alphabet.
    std::string topic;
};

class PushSender {
public:
    virtual ~PushSender() = default;
    /// Delivered on 201/202/200; kGone on 404/410; 429/5xx/transport -> Unavailable (retry, with the
    /// push service's Retry-After when it sent one); other 4xx (400, 403 bad VAPID, 413 too large) ->
    /// InvalidArgument. A message that breaks the rules (too long, bad urgency or topic, negative TTL)
    /// or a subscription whose keys do not decode is InvalidArgument without any request.
    virtual Result<PushOutcome> send(const PushSubscription& s, const PushMessage& m) const = 0;
};

class WebPushSender final : public PushSender {
public:
    /// `subject` is the VAPID "sub": a mailto: or https: URI where the push service's operator can reach
    /// us. Another subject makes every send fail (Internal: a configuration error, not the message's).
    /// `public_only`: connect only to public addresses (false only for loopback test push services).
    WebPushSender(const HttpClient& http, VapidKeys keys, std::string subject, const Clock& clock,
                  bool public_only = true);
    Result<PushOutcome> send(const PushSubscription& s, const PushMessage& m) const override;

private:
    const HttpClient& http_;
    VapidKeys keys_;
    std::string subject_;
    const Clock& clock_;
    bool public_only_;
};

}  // namespace lc::infra
