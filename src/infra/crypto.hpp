#pragma once
// Cryptographic primitives over OpenSSL 3 and libsodium. No hand-rolled crypto.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace lc::infra {

/// UUID version 7 (RFC 9562 §5.7), lowercase canonical form: 48 bits of Unix time in milliseconds,
/// then 74 random bits. Ids made later sort later, so new rows land at the right edge of every
/// primary-key index (one dirty page per batch instead of one random page per row). The time comes
/// from the system clock on purpose: it only orders ids, no rule reads it back.
std::string new_uuid();
/// Canonical 8-4-4-4-12 hex form (either case).
bool is_uuid(std::string_view s);

/// n random bytes, hex-encoded (2n characters).
std::string random_hex(std::size_t n);

std::string hex_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);             // no padding
std::optional<std::string> base64url_decode(std::string_view s);  // accepts missing padding
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view s);

/// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
/// Raw 64-byte HMAC-SHA512 (BigBlueButton signs its analytics callback with HS512).
std::string hmac_sha512(std::string_view key, std::string_view data);
std::string sha256_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
/// MD5 as raw bytes: only where a protocol demands it as a checksum (S3's Content-MD5), never for security.
std::string md5_raw(std::string_view data);
std::string sha512_hex(std::string_view data);
/// Constant-time comparison.
bool secure_equals(std::string_view a, std::string_view b);

/// Derive a 32-byte subkey for one purpose from the master key (HMAC-SHA256(master, "liveclass:" + purpose)).
std::string derive_key(std::string_view master, std::string_view purpose);

/// AES-256-GCM. Output: "v1:" + base64(12-byte nonce || ciphertext || 16-byte tag). key must be 32 bytes.
std::string aes_gcm_encrypt(std::string_view key, std::string_view plaintext);
/// Fails (InvalidArgument/Internal) on a wrong key, tampering or a malformed envelope.
Result<std::string> aes_gcm_decrypt(std::string_view key, std::string_view envelope);
/// The same without the text envelope: raw nonce || ciphertext || tag (for callers that encode it themselves).
std::string aes_gcm_seal(std::string_view key, std::string_view plaintext);
Result<std::string> aes_gcm_open(std::string_view key, std::string_view sealed);

/// How much work and memory one Argon2id password hash costs. Each hash records its own cost, so
/// verification needs no setting and hashes of different costs live side by side.
struct PasswordCost {
    unsigned long long ops;
    std::size_t mem;
    /// libsodium's interactive limits (~64 MiB, a few hundred ms here): what the service uses.
    static PasswordCost interactive();
    /// libsodium's minimum: for the test servers only, which create thousands of accounts (the way
    /// Django's test settings switch to a fast hasher). Never read from the environment.
    static PasswordCost minimum();
};

/// Argon2id (libsodium crypto_pwhash_str).
std::string hash_password(std::string_view password, PasswordCost cost = PasswordCost::interactive());
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace lc::infra
