#include "infra/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace lc::infra {

namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kB64Std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kB64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::string_view kEnvelopePrefix = "v1:";
constexpr std::size_t kGcmKeyBytes = 32;
constexpr std::size_t kGcmNonceBytes = 12;
constexpr std::size_t kGcmTagBytes = 16;

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void fill_random(unsigned char* out, std::size_t n) {
    while (n > 0) {
        const int chunk = n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
        if (RAND_bytes(out, chunk) != 1) throw std::runtime_error("RAND_bytes failed");
        out += chunk;
        n -= static_cast<std::size_t>(chunk);
    }
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    fill_random(bytes_of(out), n);
    return out;
}

std::string b64_encode(std::string_view in, std::string_view alphabet, bool pad) {
    // Written into a presized buffer: tokens and launch links are encoded on every join.
    const std::size_t full = in.size() / 3, rest = in.size() % 3;
    std::string out(full * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '\0');
    char* o = out.data();
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    for (std::size_t k = 0; k < full; ++k, p += 3) {
        const std::uint32_t v = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | std::uint32_t{p[2]};
        *o++ = alphabet[(v >> 18) & 0x3F];
        *o++ = alphabet[(v >> 12) & 0x3F];
        *o++ = alphabet[(v >> 6) & 0x3F];
        *o++ = alphabet[v & 0x3F];
    }
    if (rest != 0) {
        const std::uint32_t v = (std::uint32_t{p[0]} << 16) | (rest == 2 ? std::uint32_t{p[1]} << 8 : 0u);
        *o++ = alphabet[(v >> 18) & 0x3F];
        *o++ = alphabet[(v >> 12) & 0x3F];
        if (rest == 2) *o++ = alphabet[(v >> 6) & 0x3F];
        if (pad) {
            *o++ = '=';
            if (rest == 1) *o++ = '=';
        }
    }
    return out;
}

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable make_decode_table(std::string_view alphabet) {
    DecodeTable t{};
    for (auto& e : t) e = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}

constexpr DecodeTable kStdTable = make_decode_table(kB64Std);
constexpr DecodeTable kUrlTable = make_decode_table(kB64Url);

/// Strict RFC 4648 decoding: only alphabet characters, correct padding when present (required when
/// `padding_required`), and zero trailing bits, so every byte string has exactly one accepted encoding.
std::optional<std::string> b64_decode(std::string_view s, const DecodeTable& table, bool padding_required) {
    std::size_t pad = 0;
    while (pad < 2 && !s.empty() && s.back() == '=') {
        s.remove_suffix(1);
        ++pad;
    }
    const std::size_t rem = s.size() % 4;
    if (rem == 1) return std::nullopt;
    const std::size_t needed_pad = rem == 0 ? 0 : 4 - rem;
    if (pad != 0 && pad != needed_pad) return std::nullopt;
    if (padding_required && pad != needed_pad) return std::nullopt;

    std::string out;
    out.reserve(s.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : s) {
        const std::int8_t v = table[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    if ((acc & ((1U << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
    return out;
}

std::string digest_raw(const EVP_MD* md, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
        throw std::runtime_error("EVP_Digest failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string digest_hex(const EVP_MD* md, std::string_view data) { return hex_encode(digest_raw(md, data)); }

/// A per-thread AES-256-GCM context that keeps its key schedule. A new context per call, with the
/// cipher looked up by name and the key expanded each time, cost more than sealing a launch link
/// itself (one per join); with the same key, each call now only sets the nonce.
class GcmContext {
public:
    explicit GcmContext(bool encrypt)
        : cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)), ctx_(EVP_CIPHER_CTX_new()), encrypt_(encrypt) {}
    ~GcmContext() {
        OPENSSL_cleanse(key_.data(), key_.size());
        EVP_CIPHER_CTX_free(ctx_);
        EVP_CIPHER_free(cipher_);
    }
    GcmContext(const GcmContext&) = delete;
    GcmContext& operator=(const GcmContext&) = delete;

    /// Starts one operation with `key` (32 bytes) and a 12-byte nonce (GCM's default IV length).
    bool begin(std::string_view key, const unsigned char* nonce) {
        if (!cipher_ || !ctx_) return false;
        const bool same_key = keyed_ && CRYPTO_memcmp(key_.data(), key.data(), key_.size()) == 0;
        keyed_ = false;  // until this init succeeds: a failed one leaves the context unusable
        if (EVP_CipherInit_ex2(ctx_, same_key ? nullptr : cipher_, same_key ? nullptr : bytes_of(key), nonce,
                               encrypt_ ? 1 : 0, nullptr) != 1)
            return false;
        std::memcpy(key_.data(), key.data(), key_.size());
        keyed_ = true;
        return true;
    }
    /// An operation failed half-way: the next one starts from a full initialisation.
    void forget() { keyed_ = false; }
    EVP_CIPHER_CTX* get() const { return ctx_; }

private:
    EVP_CIPHER* cipher_;
    EVP_CIPHER_CTX* ctx_;
    bool encrypt_;
    bool keyed_ = false;
    std::array<unsigned char, kGcmKeyBytes> key_{};
};

/// libsodium declares its password arguments nonnull, even when the length is zero.
const char* non_null(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

void ensure_sodium() {
    static const int rc = sodium_init();  // thread-safe one-time initialisation
    if (rc < 0) throw std::runtime_error("sodium_init failed");
}

}  // namespace

namespace {
/// n <= 64 random bytes from a per-thread buffer filled by one RAND_bytes call per 4 KiB: a
/// RAND_bytes call per id was 3% of a join's CPU (bench/join). Still the CSPRNG's output, each
/// byte handed out once and wiped from the buffer.
void pooled_random(unsigned char* out, std::size_t n) {
    thread_local std::array<unsigned char, 4096> pool{};
    thread_local std::size_t pool_used = pool.size();
    if (pool_used + n > pool.size()) {
        fill_random(pool.data(), pool.size());
        pool_used = 0;
    }
    std::memcpy(out, pool.data() + pool_used, n);
    OPENSSL_cleanse(pool.data() + pool_used, n);
    pool_used += n;
}
}  // namespace

std::string new_uuid() {
    std::array<unsigned char, 16> b{};
    pooled_random(b.data(), b.size());
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    for (int i = 0; i < 6; ++i) b[static_cast<std::size_t>(i)] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x70);  // version 7
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHexDigits[b[i] >> 4];
        out += kHexDigits[b[i] & 0x0F];
    }
    return out;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

std::string random_hex(std::size_t n) {
    // Request ids take 8 bytes per request: from the per-thread pool, as ids and nonces do (a direct
    // RAND_bytes call also costs a getpid() system call for OpenSSL's fork check).
    if (n > 256) return hex_encode(random_bytes(n));
    std::array<unsigned char, 256> b{};
    pooled_random(b.data(), n);
    std::string out = hex_encode(std::string_view(reinterpret_cast<const char*>(b.data()), n));
    OPENSSL_cleanse(b.data(), n);
    return out;
}

std::string hex_encode(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        out += kHexDigits[c >> 4];
        out += kHexDigits[c & 0x0F];
    }
    return out;
}

std::string base64url_encode(std::string_view bytes) { return b64_encode(bytes, kB64Url, false); }

std::optional<std::string> base64url_decode(std::string_view s) { return b64_decode(s, kUrlTable, false); }

std::string base64_encode(std::string_view bytes) { return b64_encode(bytes, kB64Std, true); }

std::optional<std::string> base64_decode(std::string_view s) { return b64_decode(s, kStdTable, true); }

// OpenSSL 3's one-shot HMAC() looks HMAC and SHA-256 up by name on every call; with two HMACs per
// join that lookup was 7% of the join's CPU (bench/join). Each thread keeps a few contexts with the
// digest set, each remembering its key: a join signs with its school's Jitsi secret and hashes the
// address with the server's key, and a context called again with its own key skips the key set-up
// (two SHA-256 blocks and OpenSSL's parameter handling).
namespace {
class MacSlot {
public:
    MacSlot() {
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (mac_) ctx_ = EVP_MAC_CTX_new(mac_);
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
        if (ctx_ && EVP_MAC_CTX_set_params(ctx_, params) != 1) {
            EVP_MAC_CTX_free(ctx_);
            ctx_ = nullptr;
        }
    }
    ~MacSlot() {
        OPENSSL_cleanse(key_.data(), key_.size());
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }
    MacSlot(const MacSlot&) = delete;
    MacSlot& operator=(const MacSlot&) = delete;

    bool holds(std::string_view key) const {
        return keyed_ && key_.size() == key.size() && CRYPTO_memcmp(key_.data(), key.data(), key.size()) == 0;
    }
    /// HMAC-SHA256 of `data` into out[32]; `rekey` false: the key this slot already holds.
    bool sign(std::string_view key, bool rekey, std::string_view data, unsigned char* out) {
        if (!ctx_) throw std::runtime_error("HMAC-SHA256 is not available from OpenSSL");
        static const unsigned char kEmpty = 0;  // OpenSSL wants a non-null key pointer even for an empty key
        if (rekey) {
            keyed_ = false;
            OPENSSL_cleanse(key_.data(), key_.size());
            key_.assign(key);
        }
        const unsigned char* k = rekey ? (key.empty() ? &kEmpty : bytes_of(key)) : nullptr;
        std::size_t len = 0;
        const bool ok = EVP_MAC_init(ctx_, k, rekey ? key.size() : 0, nullptr) == 1 &&
                        EVP_MAC_update(ctx_, bytes_of(data), data.size()) == 1 &&
                        EVP_MAC_final(ctx_, out, &len, 32) == 1 && len == 32;
        keyed_ = ok;
        return ok;
    }

private:
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* ctx_ = nullptr;
    std::string key_;
    bool keyed_ = false;
};
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
    struct Slots {
        std::array<MacSlot, 4> slot;
        std::size_t next = 0;  // replaced next when no slot holds the key (round robin)
    };
    thread_local Slots local;
    MacSlot* use = nullptr;
    bool rekey = false;
    for (auto& s : local.slot)
        if (s.holds(key)) use = &s;
    if (!use) {
        use = &local.slot[local.next];
        local.next = (local.next + 1) % local.slot.size();
        rekey = true;
    }
    std::string out(32, '\0');
    if (!use->sign(key, rekey, data, bytes_of(out))) throw std::runtime_error("HMAC-SHA256 failed");
    return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) { return hex_encode(hmac_sha256(key, data)); }

std::string sha256_hex(std::string_view data) { return digest_hex(EVP_sha256(), data); }

std::string sha1_hex(std::string_view data) { return digest_hex(EVP_sha1(), data); }

std::string md5_raw(std::string_view data) { return digest_raw(EVP_md5(), data); }

std::string sha512_hex(std::string_view data) { return digest_hex(EVP_sha512(), data); }

std::string hmac_sha512(std::string_view key, std::string_view data) {
    // One-shot: a rare call (one per class), so no per-thread keyed context as for HMAC-SHA256.
    std::string out(64, '\0');
    std::size_t len = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA512", nullptr, key.data(), key.size(),
                   reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                   reinterpret_cast<unsigned char*>(out.data()), out.size(), &len) ||
        len != out.size())
        throw std::runtime_error("HMAC-SHA512 failed");
    return out;
}

bool secure_equals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string derive_key(std::string_view master, std::string_view purpose) {
    std::string label = "liveclass:";
    label += purpose;
    return hmac_sha256(master, label);
}

std::string aes_gcm_encrypt(std::string_view key, std::string_view plaintext) {
    return std::string(kEnvelopePrefix) + base64_encode(aes_gcm_seal(key, plaintext));
}

std::string aes_gcm_seal(std::string_view key, std::string_view plaintext) {
    if (key.size() != kGcmKeyBytes) throw std::invalid_argument("aes_gcm_encrypt: key must be 32 bytes");
    if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - kGcmNonceBytes - kGcmTagBytes) {
        throw std::invalid_argument("aes_gcm_encrypt: plaintext too large");
    }
    std::string raw(kGcmNonceBytes + plaintext.size() + kGcmTagBytes, '\0');
    unsigned char* nonce = bytes_of(raw);
    unsigned char* ct = nonce + kGcmNonceBytes;
    unsigned char* tag = ct + plaintext.size();
    pooled_random(nonce, kGcmNonceBytes);

    thread_local GcmContext gcm(/*encrypt=*/true);
    if (!gcm.begin(key, nonce)) throw std::runtime_error("AES-GCM init failed");
    EVP_CIPHER_CTX* ctx = gcm.get();
    int len = 0;
    if (!plaintext.empty() &&
        (EVP_EncryptUpdate(ctx, ct, &len, bytes_of(plaintext), static_cast<int>(plaintext.size())) != 1 ||
         static_cast<std::size_t>(len) != plaintext.size())) {
        gcm.forget();
        throw std::runtime_error("AES-GCM encrypt failed");
    }
    if (EVP_EncryptFinal_ex(ctx, ct + plaintext.size(), &len) != 1 || len != 0 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes), tag) != 1) {
        gcm.forget();
        throw std::runtime_error("AES-GCM finalise failed");
    }
    return raw;
}

Result<std::string> aes_gcm_decrypt(std::string_view key, std::string_view envelope) {
    if (key.size() != kGcmKeyBytes) return Error::internal_error("aes_gcm_decrypt: key must be 32 bytes");
    if (envelope.substr(0, kEnvelopePrefix.size()) != kEnvelopePrefix) {
        return Error::invalid("unsupported ciphertext format");
    }
    auto raw = base64_decode(envelope.substr(kEnvelopePrefix.size()));
    if (!raw) return Error::invalid("malformed ciphertext");
    return aes_gcm_open(key, *raw);
}

Result<std::string> aes_gcm_open(std::string_view key, std::string_view raw) {
    if (key.size() != kGcmKeyBytes) return Error::internal_error("aes_gcm_decrypt: key must be 32 bytes");
    if (raw.size() < kGcmNonceBytes + kGcmTagBytes) return Error::invalid("ciphertext too short");
    if (raw.size() > static_cast<std::size_t>(INT_MAX)) return Error::invalid("ciphertext too large");

    const unsigned char* nonce = bytes_of(raw);
    const std::size_t ct_len = raw.size() - kGcmNonceBytes - kGcmTagBytes;
    const unsigned char* ct = nonce + kGcmNonceBytes;
    std::array<unsigned char, kGcmTagBytes> tag{};
    std::memcpy(tag.data(), ct + ct_len, kGcmTagBytes);

    thread_local GcmContext gcm(/*encrypt=*/false);
    if (!gcm.begin(key, nonce)) return Error::internal_error("AES-GCM init failed");
    EVP_CIPHER_CTX* ctx = gcm.get();
    std::string plain(ct_len, '\0');
    int len = 0;
    if (ct_len > 0 && (EVP_DecryptUpdate(ctx, bytes_of(plain), &len, ct, static_cast<int>(ct_len)) != 1 ||
                       static_cast<std::size_t>(len) != ct_len)) {
        gcm.forget();
        return Error::internal_error("AES-GCM decrypt failed");
    }
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes), tag.data()) != 1) {
        gcm.forget();
        return Error::internal_error("AES-GCM set tag failed");
    }
    std::array<unsigned char, 16> final_block{};
    if (EVP_DecryptFinal_ex(ctx, final_block.data(), &len) != 1) {
        gcm.forget();
        OPENSSL_cleanse(plain.data(), plain.size());
        return Error::invalid("ciphertext authentication failed");
    }
    return plain;
}

PasswordCost PasswordCost::interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_password(std::string_view password, PasswordCost cost) {
    ensure_sodium();
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), non_null(password), password.size(), cost.ops, cost.mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("crypto_pwhash_str_alg failed (out of memory?)");
    }
    return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
    constexpr std::string_view kPrefix = "$argon2id$";
    // libsodium reads the hash as a C string of at most crypto_pwhash_STRBYTES - 1 characters.
    if (hash.size() >= crypto_pwhash_STRBYTES || hash.substr(0, kPrefix.size()) != kPrefix ||
        hash.find('\0') != std::string_view::npos) {
        return false;
    }
    ensure_sodium();
    std::array<char, crypto_pwhash_STRBYTES> buf{};
    std::memcpy(buf.data(), hash.data(), hash.size());
    return crypto_pwhash_str_verify(buf.data(), non_null(password), password.size()) == 0;
}

}  // namespace lc::infra
