#include "infra/webpush.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/text.hpp"
#include "infra/crypto.hpp"

namespace lc::infra {

namespace {

constexpr std::size_t kPointBytes = 65;  // 0x04 | x | y
constexpr std::size_t kScalarBytes = 32;
constexpr std::size_t kAuthBytes = 16;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 16;  // AES-128
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::uint32_t kRecordSize = 4096;
constexpr char kPaddingDelimiter = 0x02;  // RFC 8188 §2: the last (here: only) record
constexpr UnixTime kVapidLifetimeSeconds = 12 * 3600;
constexpr std::size_t kMaxTopicLength = 32;
constexpr const char* kCurveName = "prime256v1";

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct KdfFree {
    void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
};
struct KdfCtxFree {
    void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
struct BnFree {
    void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct BnCtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
struct GroupFree {
    void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
struct PointFree {
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct ParamBldFree {
    void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamsFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

/// OpenSSL failing on inputs already checked means it is out of memory or broken: not the caller's error.
[[noreturn]] void openssl_failed(const char* what) { throw std::runtime_error(std::string("webpush: ") + what); }

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(bytes_of(out), static_cast<int>(n)) != 1) openssl_failed("RAND_bytes");
    return out;
}

/// An EC key built from OSSL_PARAMs (OpenSSL 3 has no other non-deprecated way to import raw keys).
Pkey ec_key_from_params(const OSSL_PARAM* params, int selection) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) openssl_failed("EVP_PKEY_fromdata_init");
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, const_cast<OSSL_PARAM*>(params)) != 1) return nullptr;
    return Pkey(raw);
}

/// The peer key of a 65-byte uncompressed point; null unless it is a valid point on P-256.
Pkey public_key_from_raw(std::string_view point) {
    if (point.size() != kPointBytes || point[0] != 0x04) return nullptr;
    std::string copy(point);  // OSSL_PARAM wants a mutable pointer
    std::array<OSSL_PARAM, 3> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(kCurveName), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, copy.data(), copy.size()),
        OSSL_PARAM_construct_end(),
    };
    Pkey key = ec_key_from_params(params.data(), EVP_PKEY_PUBLIC_KEY);
    if (!key) return nullptr;
    // Import already refuses points off the curve; the explicit check keeps that from being an assumption.
    PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
    return key;
}

struct KeyPair {
    Pkey key;
    std::string public_raw;  // 65-byte uncompressed point
};

/// The key pair of a raw 32-byte scalar; nullopt unless 1 <= d < n. The public point is computed
/// here because OpenSSL 3.0 does not derive it when a private key is imported.
std::optional<KeyPair> key_pair_from_scalar(std::string_view d_raw) {
    if (d_raw.size() != kScalarBytes) return std::nullopt;
    std::unique_ptr<EC_GROUP, GroupFree> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    std::unique_ptr<BN_CTX, BnCtxFree> bn_ctx(BN_CTX_new());
    Bn d(BN_bin2bn(bytes_of(d_raw), static_cast<int>(d_raw.size()), nullptr));
    if (!group || !bn_ctx || !d) openssl_failed("EC_GROUP/BIGNUM allocation");
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) return std::nullopt;

    std::unique_ptr<EC_POINT, PointFree> point(EC_POINT_new(group.get()));
    if (!point || EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1)
        openssl_failed("EC_POINT_mul");
    std::string pub(kPointBytes, '\0');
    if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, bytes_of(pub), pub.size(),
                           bn_ctx.get()) != kPointBytes)
        openssl_failed("EC_POINT_point2oct");

    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kCurveName, 0) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()) != 1)
        openssl_failed("OSSL_PARAM_BLD_push");
    std::unique_ptr<OSSL_PARAM, ParamsFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) openssl_failed("OSSL_PARAM_BLD_to_param");
    Pkey key = ec_key_from_params(params.get(), EVP_PKEY_KEYPAIR);
    if (!key) openssl_failed("EVP_PKEY_fromdata (key pair)");
    return KeyPair{std::move(key), std::move(pub)};
}

/// A fresh random key pair (the sender's ephemeral ECDH key, one per message).
KeyPair generate_key_pair() {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) openssl_failed("EVP_PKEY_Q_keygen");
    // Uncompressed is OpenSSL's default form for EC keys; the length check below would catch another.
    std::string pub(kPointBytes, '\0');
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, bytes_of(pub), pub.size(), &len) != 1 ||
        len != kPointBytes || pub[0] != 0x04)
        openssl_failed("EVP_PKEY_get_octet_string_param");
    return KeyPair{std::move(key), std::move(pub)};
}

/// The 32-byte x coordinate of the shared point (the ECDH secret RFC 8291 §3.1 uses).
std::string ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1)
        openssl_failed("EVP_PKEY_derive setup");
    std::string secret(len, '\0');
    if (EVP_PKEY_derive(ctx.get(), bytes_of(secret), &len) != 1) openssl_failed("EVP_PKEY_derive");
    secret.resize(len);
    return secret;
}

/// HKDF-SHA256 (RFC 5869), extract then expand.
std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info, std::size_t length) {
    std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    if (!kdf) openssl_failed("EVP_KDF_fetch(HKDF)");
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx) openssl_failed("EVP_KDF_CTX_new");
    std::string ikm_copy(ikm), salt_copy(salt), info_copy(info);  // OSSL_PARAM wants mutable pointers
    std::array<OSSL_PARAM, 5> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm_copy.data(), ikm_copy.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info_copy.data(), info_copy.size()),
        OSSL_PARAM_construct_end(),
    };
    std::string out(length, '\0');
    if (EVP_KDF_derive(ctx.get(), bytes_of(out), out.size(), params.data()) != 1) openssl_failed("EVP_KDF_derive");
    return out;
}

/// AES-128-GCM without associated data: ciphertext || 16-byte tag.
std::string aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext) {
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes_of(key), bytes_of(nonce)) != 1)
        openssl_failed("EVP_EncryptInit_ex(aes-128-gcm)");
    std::string out(plaintext.size() + kTagBytes, '\0');
    int len = 0, fin = 0;
    if (EVP_EncryptUpdate(ctx.get(), bytes_of(out), &len, bytes_of(plaintext), static_cast<int>(plaintext.size())) !=
            1 ||
        EVP_EncryptFinal_ex(ctx.get(), bytes_of(out) + len, &fin) != 1)
        openssl_failed("EVP_EncryptUpdate/Final");
    const auto body = static_cast<std::size_t>(len + fin);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), bytes_of(out) + body) != 1)
        openssl_failed("EVP_CTRL_GCM_GET_TAG");
    out.resize(body + kTagBytes);
    return out;
}

void append_u32_be(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

/// RFC 8291 §3.3-3.4 and RFC 8188 §2, with the keys already checked.
std::string seal_payload(EVP_PKEY* receiver, std::string_view receiver_raw, std::string_view auth_secret,
                         const KeyPair& sender, std::string_view salt, std::string_view plaintext) {
    const std::string ecdh_secret = ecdh(sender.key.get(), receiver);
    std::string key_info = "WebPush: info";
    key_info += '\0';
    key_info.append(receiver_raw);
    key_info.append(sender.public_raw);
    const std::string ikm = hkdf_sha256(ecdh_secret, auth_secret, key_info, 32);
    const std::string cek = hkdf_sha256(ikm, salt, std::string_view("Content-Encoding: aes128gcm\0", 28), kKeyBytes);
    const std::string nonce = hkdf_sha256(ikm, salt, std::string_view("Content-Encoding: nonce\0", 24), kNonceBytes);

    std::string padded(plaintext);
    padded += kPaddingDelimiter;  // no further padding: message length is not hidden (RFC 8291 §6 leaves it to us)

    std::string out;
    out.reserve(kSaltBytes + 4 + 1 + kPointBytes + padded.size() + kTagBytes);
    out.append(salt);
    append_u32_be(out, kRecordSize);
    out += static_cast<char>(kPointBytes);
    out.append(sender.public_raw);
    out += aes128gcm_seal(cek, nonce, padded);
    return out;
}

/// The subscription's keys decoded and checked, or InvalidArgument naming the field.
struct ReceiverKeys {
    Pkey key;
    std::string raw;
    std::string auth;
};

Result<ReceiverKeys> receiver_keys(const PushSubscription& s) {
    auto raw = base64url_decode(s.p256dh);
    Pkey key = raw ? public_key_from_raw(*raw) : nullptr;
    if (!key)
        return Error::invalid("the push subscription's key is not a P-256 public key",
                              {{"keys.p256dh", "not a base64url uncompressed P-256 point"}});
    auto auth = base64url_decode(s.auth);
    if (!auth || auth->size() != kAuthBytes)
        return Error::invalid("the push subscription's auth secret is not 16 bytes",
                              {{"keys.auth", "not 16 base64url-encoded bytes"}});
    return ReceiverKeys{std::move(key), std::move(*raw), std::move(*auth)};
}

Error too_long_payload(std::size_t size) {
    return Error::invalid("the push message is " + std::to_string(size) + " bytes; at most " +
                              std::to_string(kMaxPushPlaintext) + " fit in one push",
                          {{"payload", "longer than " + std::to_string(kMaxPushPlaintext) + " bytes"}});
}

/// A JWS ES256 signature is r || s, each left-padded to 32 bytes; OpenSSL produces DER.
std::string der_to_raw_signature(std::string_view der) {
    const unsigned char* p = bytes_of(der);
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) openssl_failed("d2i_ECDSA_SIG");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * kScalarBytes, '\0');
    if (BN_bn2binpad(r, bytes_of(out), kScalarBytes) != static_cast<int>(kScalarBytes) ||
        BN_bn2binpad(s, bytes_of(out) + kScalarBytes, kScalarBytes) != static_cast<int>(kScalarBytes))
        openssl_failed("BN_bn2binpad");
    return out;
}

bool is_b64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool valid_subject(std::string_view subject) {
    return (subject.starts_with("mailto:") && subject.size() > 7) ||
           (subject.starts_with("https://") && subject.size() > 8);
}

/// Enough of a push service's answer to tell what it objected to, without flooding the log.
std::string answer_excerpt(const HttpResponse& res) {
    constexpr std::size_t kMax = 200;
    std::string body = res.body.substr(0, kMax);
    std::replace_if(
        body.begin(), body.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return "HTTP " + std::to_string(res.status) + (body.empty() ? "" : ": " + body);
}

}  // namespace

namespace {
bool is_public_push_host(const boost::urls::url_view& url) {
    if (url.host_type() != boost::urls::host_type::name) return false;  // IPv4/IPv6 literals
    std::string host = ascii_lower(url.host());
    while (!host.empty() && host.back() == '.') host.pop_back();
    if (host.find('.') == std::string::npos) return false;  // "localhost", intranet single labels
    for (const char* local : {".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain"}) {
        const std::string suffix(local);
        if (host.size() >= suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0)
            return false;
    }
    // A name made of digits and dots only is an address in disguise (e.g. "127.1").
    return host.find_first_not_of("0123456789.") != std::string::npos;
}
}  // namespace

Status validate_subscription(const PushSubscription& s, bool allow_http) {
    std::vector<FieldError> fields;

    if (s.endpoint.empty()) {
        fields.push_back({"endpoint", "is missing"});
    } else if (s.endpoint.size() > kMaxPushEndpointLength) {
        fields.push_back({"endpoint", "is longer than " + std::to_string(kMaxPushEndpointLength) + " characters"});
    } else {
        auto url = boost::urls::parse_uri(s.endpoint);
        const std::string scheme = url ? ascii_lower(url->scheme()) : "";
        if (!url) {
            fields.push_back({"endpoint", "is not an absolute URL"});
        } else if (scheme != "https" && !(allow_http && scheme == "http")) {
            fields.push_back({"endpoint", "must be an https:// URL"});
        } else if (url->encoded_host().empty()) {
            fields.push_back({"endpoint", "has no host"});
        } else if (url->has_userinfo()) {
            fields.push_back({"endpoint", "must not contain a user name or password"});
        } else if (!allow_http && !is_public_push_host(*url)) {
            // The server POSTs to whatever endpoint a user registers: never let that be the server's own
            // network (SSRF). Push services are public host names (fcm.googleapis.com, *.push.apple.com,
            // updates.push.services.mozilla.com, *.notify.windows.com).
            fields.push_back({"endpoint",
                              "must name a public push service by host name, not an address or a "
                              "local name"});
        }
    }

    if (s.p256dh.empty()) {
        fields.push_back({"keys.p256dh", "is missing"});
    } else if (auto raw = base64url_decode(s.p256dh); !raw) {
        fields.push_back({"keys.p256dh", "is not base64url"});
    } else if (raw->size() != kPointBytes || (*raw)[0] != 0x04) {
        fields.push_back({"keys.p256dh", "must be a 65-byte uncompressed P-256 point (got " +
                                             std::to_string(raw->size()) + " bytes)"});
    } else if (!public_key_from_raw(*raw)) {
        fields.push_back({"keys.p256dh", "is not a point on the P-256 curve"});
    }

    if (s.auth.empty()) {
        fields.push_back({"keys.auth", "is missing"});
    } else if (auto auth = base64url_decode(s.auth); !auth) {
        fields.push_back({"keys.auth", "is not base64url"});
    } else if (auth->size() != kAuthBytes) {
        fields.push_back({"keys.auth", "must be 16 bytes (got " + std::to_string(auth->size()) + ")"});
    }

    if (fields.empty()) return ok_status();
    std::string detail;
    for (const auto& f : fields) detail += (detail.empty() ? "" : "; ") + f.field + " " + f.detail;
    return Error::invalid("this push subscription cannot be used (" + detail +
                              "); turn notifications off and on again in the browser to send a new one",
                          std::move(fields));
}

Result<VapidKeys> VapidKeys::from_private_key(std::string_view base64url_d) {
    auto d = base64url_decode(base64url_d);
    if (!d || d->size() != kScalarBytes)
        return Error::invalid("the VAPID private key must be 32 bytes, base64url-encoded (as web-push prints it)",
                              {{"vapid_private_key", "not 32 base64url-encoded bytes"}});
    auto pair = key_pair_from_scalar(*d);
    if (!pair)
        return Error::invalid("the VAPID private key is not a valid P-256 private key",
                              {{"vapid_private_key", "out of range for P-256"}});
    return VapidKeys(std::move(*d), std::move(pair->public_raw));
}

VapidKeys VapidKeys::derive(std::string_view master_secret) {
    std::string candidate = derive_key(master_secret, "vapid");
    // Rejection sampling: a candidate outside [1, n-1] (probability about 2^-32) is hashed again, so the
    // scalar stays uniform and the same secret always gives the same key.
    for (;;) {
        if (auto pair = key_pair_from_scalar(candidate)) return VapidKeys(candidate, std::move(pair->public_raw));
        candidate = hmac_sha256(candidate, "vapid: next candidate");
    }
}

std::string VapidKeys::public_key() const { return base64url_encode(pub_); }

std::string VapidKeys::private_key() const { return base64url_encode(d_); }

std::string VapidKeys::sign_es256(std::string_view data) const {
    auto pair = key_pair_from_scalar(d_);
    if (!pair) openssl_failed("VAPID key import");
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pair->key.get()) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &len, bytes_of(data), data.size()) != 1)
        openssl_failed("EVP_DigestSignInit");
    std::string der(len, '\0');
    if (EVP_DigestSign(md.get(), bytes_of(der), &len, bytes_of(data), data.size()) != 1)
        openssl_failed("EVP_DigestSign");
    der.resize(len);
    return der_to_raw_signature(der);
}

Result<std::string> encrypt_push_payload(const PushSubscription& s, std::string_view plaintext) {
    if (plaintext.size() > kMaxPushPlaintext) return too_long_payload(plaintext.size());
    auto receiver = receiver_keys(s);
    if (!receiver) return receiver.take_error();
    const KeyPair sender = generate_key_pair();
    return seal_payload(receiver->key.get(), receiver->raw, receiver->auth, sender, random_bytes(kSaltBytes),
                        plaintext);
}

Result<std::string> encrypt_push_payload(const PushSubscription& s, std::string_view plaintext, std::string_view salt16,
                                         std::string_view ephemeral_private_raw32) {
    if (plaintext.size() > kMaxPushPlaintext) return too_long_payload(plaintext.size());
    if (salt16.size() != kSaltBytes) return Error::invalid("the salt must be 16 bytes", {{"salt", "not 16 bytes"}});
    auto receiver = receiver_keys(s);
    if (!receiver) return receiver.take_error();
    auto sender = key_pair_from_scalar(ephemeral_private_raw32);
    if (!sender)
        return Error::invalid("the ephemeral key is not a P-256 private key",
                              {{"ephemeral_private_key", "not a 32-byte scalar in [1, n-1]"}});
    return seal_payload(receiver->key.get(), receiver->raw, receiver->auth, *sender, salt16, plaintext);
}

std::string push_audience(std::string_view endpoint) {
    auto url = boost::urls::parse_uri(endpoint);
    if (!url || url->encoded_host().empty()) return {};
    const std::string scheme = ascii_lower(url->scheme());
    std::string out = scheme + "://" + ascii_lower(url->encoded_host());
    const std::string_view port = url->port();
    const bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
    if (url->has_port() && !port.empty() && !default_port) out += ":" + std::string(port);
    return out;
}

std::string vapid_authorization(const VapidKeys& keys, std::string_view endpoint, std::string_view subject,
                                UnixTime now) {
    boost::json::object claims;
    claims["aud"] = push_audience(endpoint);
    claims["exp"] = now + kVapidLifetimeSeconds;
    claims["sub"] = subject;
    const std::string signing_input =
        base64url_encode(R"({"typ":"JWT","alg":"ES256"})") + "." + base64url_encode(boost::json::serialize(claims));
    return "vapid t=" + signing_input + "." + base64url_encode(keys.sign_es256(signing_input)) +
           ", k=" + keys.public_key();
}

WebPushSender::WebPushSender(const HttpClient& http, VapidKeys keys, std::string subject, const Clock& clock,
                             bool public_only)
    : http_(http), keys_(std::move(keys)), subject_(std::move(subject)), clock_(clock), public_only_(public_only) {}

Result<PushOutcome> WebPushSender::send(const PushSubscription& s, const PushMessage& m) const {
    if (!valid_subject(subject_))
        return Error::internal_error("VAPID subject \"" + subject_ + "\" is not a mailto: or https:// URI");

    if (m.payload.size() > kMaxPushPlaintext) return too_long_payload(m.payload.size());
    std::vector<FieldError> fields;
    if (m.ttl_seconds < 0) fields.push_back({"ttl_seconds", "must not be negative"});
    if (m.urgency != "very-low" && m.urgency != "low" && m.urgency != "normal" && m.urgency != "high")
        fields.push_back({"urgency", "must be very-low, low, normal or high"});
    if (m.topic.size() > kMaxTopicLength || !std::all_of(m.topic.begin(), m.topic.end(), is_b64url_char))
        fields.push_back({"topic", "must be at most 32 characters of A-Z a-z 0-9 - _"});
    if (!fields.empty()) return Error::invalid("the push message breaks the Web Push rules", std::move(fields));

    const std::string audience = push_audience(s.endpoint);
    if (audience.empty())
        return Error::invalid("the push subscription's endpoint is not a URL", {{"endpoint", "not a URL"}});
    auto body = encrypt_push_payload(s, m.payload);
    if (!body) return body.take_error();

    HttpRequest req;
    req.method = "POST";
    req.url = s.endpoint;
    req.provider = "webpush";
    req.endpoint = "send";
    req.public_only = public_only_;
    req.headers = {
        {"TTL", std::to_string(m.ttl_seconds)},
        {"Urgency", m.urgency},
        {"Content-Encoding", "aes128gcm"},
        {"Content-Type", "application/octet-stream"},
        {"Authorization", vapid_authorization(keys_, s.endpoint, subject_, clock_.now())},
    };
    if (!m.topic.empty()) req.headers.emplace_back("Topic", m.topic);
    req.body = std::move(*body);

    auto res = http_.send(req);
    // The endpoint URL is a capability (whoever has it can push to that browser): logs get the origin only.
    if (!res) {
        Error e = res.take_error();
        e.internal = audience + ": " + e.internal;
        return e;
    }
    const long status = res->status;
    if (status == 200 || status == 201 || status == 202) return PushOutcome::kDelivered;
    if (status == 404 || status == 410) return PushOutcome::kGone;
    if (status == 429 || status >= 500) {
        Error e = Error::unavailable("the push service is busy; the message can be sent again later",
                                     audience + " answered " + answer_excerpt(*res));
        e.retry_after_seconds = static_cast<int>(std::min<long>(res->retry_after_seconds, 24 * 3600));
        return e;
    }
    if (status >= 400) {
        std::string message = status == 403   ? "the push service refused our VAPID signature; check the VAPID key"
                              : status == 413 ? "the push service refused the message as too large"
                                              : "the push service refused the message";
        Error e = Error::invalid(std::move(message));
        e.internal = audience + " answered " + answer_excerpt(*res);
        return e;
    }
    // 1xx/3xx/other 2xx: nothing RFC 8030 gives; maybe a proxy in the way. Worth another try later.
    return Error::unavailable("the push service gave an unexpected answer",
                              audience + " answered " + answer_excerpt(*res));
}

}  // namespace lc::infra
