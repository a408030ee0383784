#include "infra/crypto.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace lc::infra {
namespace {

using namespace std::string_literals;

bool is_lower_hex(std::string_view s) {
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// ---------------------------------------------------------------- UUID / random

TEST(InfraCryptoUuid, NewUuidIsCanonicalLowercaseV7) {
    for (int i = 0; i < 200; ++i) {
        const std::string u = new_uuid();
        ASSERT_EQ(u.size(), 36U) << u;
        EXPECT_TRUE(is_uuid(u)) << u;
        EXPECT_EQ(u[8], '-');
        EXPECT_EQ(u[13], '-');
        EXPECT_EQ(u[18], '-');
        EXPECT_EQ(u[23], '-');
        EXPECT_EQ(u[14], '7') << "version nibble: " << u;
        EXPECT_NE(std::string_view("89ab").find(u[19]), std::string_view::npos) << "variant nibble: " << u;
        std::string hex = u;
        std::erase(hex, '-');
        EXPECT_TRUE(is_lower_hex(hex)) << u;
    }
}

TEST(InfraCryptoUuid, NewUuidCarriesTheCurrentTimeAndSortsByIt) {
    const auto now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    const long long before = now_ms();
    const std::string first = new_uuid();
    const long long after = now_ms();
    std::string hex = first.substr(0, 8) + first.substr(9, 4);
    const long long stamped = std::stoll(hex, nullptr, 16);
    EXPECT_GE(stamped, before);
    EXPECT_LE(stamped, after);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_LT(first, new_uuid()) << "an id made later must sort later";
}

TEST(InfraCryptoUuid, NewUuidIsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) seen.insert(new_uuid());
    EXPECT_EQ(seen.size(), 5000U);
}

TEST(InfraCryptoUuid, IsUuid) {
    EXPECT_TRUE(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
    EXPECT_TRUE(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
    EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
    EXPECT_FALSE(is_uuid(""));
    EXPECT_FALSE(is_uuid("123e4567e89b12d3a456426614174000"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-4266141740000"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456_426614174000"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
    EXPECT_FALSE(is_uuid("{23e4567-e89b-12d3-a456-42661417400}"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-426614174000 "));
}

TEST(InfraCryptoRandom, RandomHexHasRequestedLength) {
    EXPECT_EQ(random_hex(0), "");
    const std::string a = random_hex(16);
    const std::string b = random_hex(16);
    EXPECT_EQ(a.size(), 32U);
    EXPECT_TRUE(is_lower_hex(a));
    EXPECT_NE(a, b);
    EXPECT_EQ(random_hex(1).size(), 2U);
}

// ---------------------------------------------------------------- encodings

TEST(InfraCryptoEncoding, HexEncode) {
    EXPECT_EQ(hex_encode(""), "");
    EXPECT_EQ(hex_encode("\x00\x01\x7f\x80\xff"s), "00017f80ff");
    EXPECT_EQ(hex_encode("abc"), "616263");
}

struct B64Vector {
    std::string plain;
    std::string std_enc;
    std::string url_enc;
};

// RFC 4648 section 10, plus bytes that differ between the two alphabets.
const B64Vector kB64Vectors[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {"\xfb\xff"s, "+/8=", "-_8"},
    {"\xfb\xef\xbe"s, "++++", "----"},
    {"\xff\xff\xff"s, "////", "____"},
    {"\x00\x00\x00\x00"s, "AAAAAA==", "AAAAAA"},
};

TEST(InfraCryptoEncoding, Base64Rfc4648Vectors) {
    for (const auto& v : kB64Vectors) {
        EXPECT_EQ(base64_encode(v.plain), v.std_enc);
        const auto dec = base64_decode(v.std_enc);
        ASSERT_TRUE(dec.has_value()) << v.std_enc;
        EXPECT_EQ(*dec, v.plain);
    }
}

TEST(InfraCryptoEncoding, Base64UrlRfc4648Vectors) {
    for (const auto& v : kB64Vectors) {
        EXPECT_EQ(base64url_encode(v.plain), v.url_enc);
        const auto dec = base64url_decode(v.url_enc);
        ASSERT_TRUE(dec.has_value()) << v.url_enc;
        EXPECT_EQ(*dec, v.plain);
    }
}

TEST(InfraCryptoEncoding, Base64UrlAcceptsPaddingWhenPresent) {
    EXPECT_EQ(base64url_decode("Zg==").value_or("?"), "f");
    EXPECT_EQ(base64url_decode("Zm8=").value_or("?"), "fo");
    EXPECT_EQ(base64url_decode("-_8=").value_or("?"), "\xfb\xff"s);
}

TEST(InfraCryptoEncoding, RoundTripAllByteValues) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string s = all.substr(0, len) + all.substr(0, len % 3);
        EXPECT_EQ(base64_decode(base64_encode(s)).value_or("?"), s);
        EXPECT_EQ(base64url_decode(base64url_encode(s)).value_or("?"), s);
    }
}

TEST(InfraCryptoEncoding, Base64RejectsMalformed) {
    EXPECT_FALSE(base64_decode("Zg"));        // standard alphabet requires padding
    EXPECT_FALSE(base64_decode("Zg="));       // wrong amount of padding
    EXPECT_FALSE(base64_decode("Zg==="));     // too much padding
    EXPECT_FALSE(base64_decode("Z"));         // impossible length
    EXPECT_FALSE(base64_decode("Zh=="));      // non-zero trailing bits (non-canonical)
    EXPECT_FALSE(base64_decode("Zm9v!A=="));  // character outside the alphabet
    EXPECT_FALSE(base64_decode("Zm 9v"));
    EXPECT_FALSE(base64_decode("-_8="));  // url alphabet is not standard
    EXPECT_FALSE(base64_decode("Zg==Zg=="));
    EXPECT_FALSE(base64_decode("Zm9v\nYmFy"));
    EXPECT_FALSE(base64_decode("Zm9v\0YmFy"s));
}

TEST(InfraCryptoEncoding, Base64UrlRejectsMalformed) {
    EXPECT_FALSE(base64url_decode("Z"));
    EXPECT_FALSE(base64url_decode("Zg="));
    EXPECT_FALSE(base64url_decode("Zh"));    // non-zero trailing bits
    EXPECT_FALSE(base64url_decode("+/8="));  // standard alphabet is not url
    EXPECT_FALSE(base64url_decode("Zm9v.Zg"));
    EXPECT_FALSE(base64url_decode("Zg==Zg"));
    EXPECT_FALSE(base64url_decode("ZmZmZ"));
}

// ---------------------------------------------------------------- MAC / digests

TEST(InfraCryptoHmac, Rfc4231TestCase1) {
    const std::string key(20, '\x0b');
    EXPECT_EQ(hmac_sha256_hex(key, "Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    const std::string raw = hmac_sha256(key, "Hi There");
    EXPECT_EQ(raw.size(), 32U);
    EXPECT_EQ(hex_encode(raw), hmac_sha256_hex(key, "Hi There"));
}

TEST(InfraCryptoHmac, Rfc4231TestCase2) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(InfraCryptoHmac, EmptyKeyAndData) {
    EXPECT_EQ(hmac_sha256_hex(std::string_view{}, std::string_view{}),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// Each thread keeps a few keyed HMAC contexts (crypto.cpp): answers must not depend on which keys
// came before, including more keys than there are contexts and keys that share a prefix.
TEST(InfraCryptoHmac, KeyedContextsGiveTheSameAnswersInAnyOrder) {
    const std::string k1(20, '\x0b');
    const std::string v1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    const std::string v2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    std::vector<std::string> others;
    for (int i = 0; i < 9; ++i) others.push_back("key-" + std::to_string(i));
    const std::string expected_other = hmac_sha256_hex(others[0], "data");
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(hmac_sha256_hex(k1, "Hi There"), v1);
        EXPECT_EQ(hmac_sha256_hex(k1, "Hi There"), v1);  // the same key again: its context is reused
        EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"), v2);
        EXPECT_EQ(hmac_sha256_hex("Jef", "what do ya want for nothing?"),
                  hmac_sha256_hex(std::string("Jef"), std::string("what do ya want for nothing?")));
        EXPECT_NE(hmac_sha256_hex("Jef", "what do ya want for nothing?"), v2);
        for (const auto& k : others) (void)hmac_sha256(k, "data");  // more keys than contexts
        EXPECT_EQ(hmac_sha256_hex(others[0], "data"), expected_other);
        EXPECT_EQ(hmac_sha256_hex(std::string_view{}, std::string_view{}),
                  "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    }
}

TEST(InfraCryptoDigest, ShaOfAbc) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(InfraCryptoCompare, SecureEquals) {
    EXPECT_TRUE(secure_equals("", ""));
    EXPECT_TRUE(secure_equals("abc", "abc"));
    EXPECT_TRUE(secure_equals("a\0b"s, "a\0b"s));
    EXPECT_FALSE(secure_equals("abc", "abd"));
    EXPECT_FALSE(secure_equals("abc", "ab"));
    EXPECT_FALSE(secure_equals("", "a"));
    EXPECT_FALSE(secure_equals("a\0b"s, "a\0c"s));
}

TEST(InfraCryptoKeys, DeriveKeyIsHmacOfPurpose) {
    const std::string master = "master-key-material";
    const std::string k = derive_key(master, "jwt");
    EXPECT_EQ(k.size(), 32U);
    EXPECT_EQ(k, hmac_sha256(master, "liveclass:jwt"));
    EXPECT_EQ(k, derive_key(master, "jwt"));
    EXPECT_NE(k, derive_key(master, "encryption"));
    EXPECT_NE(k, derive_key("other-master", "jwt"));
}

// ---------------------------------------------------------------- AES-256-GCM

class InfraCryptoAesGcm : public ::testing::Test {
protected:
    const std::string key_ = derive_key("test-master", "encryption");
};

TEST_F(InfraCryptoAesGcm, RoundTrip) {
    const std::string plaintexts[] = {"", "x", "provider secret \xc3\xa7\xc4\x9f", std::string(1000, 'z'),
                                      "\x00\x01\x02\xff"s};
    for (const auto& p : plaintexts) {
        const std::string env = aes_gcm_encrypt(key_, p);
        ASSERT_EQ(env.rfind("v1:", 0), 0U) << env;
        const auto raw = base64_decode(std::string_view(env).substr(3));
        ASSERT_TRUE(raw.has_value());
        EXPECT_EQ(raw->size(), 12 + p.size() + 16);
        const auto dec = aes_gcm_decrypt(key_, env);
        ASSERT_TRUE(dec.ok()) << dec.error().message;
        EXPECT_EQ(dec.value(), p);
    }
}

TEST_F(InfraCryptoAesGcm, FreshNonceEveryTime) {
    const std::string a = aes_gcm_encrypt(key_, "same");
    const std::string b = aes_gcm_encrypt(key_, "same");
    EXPECT_NE(a, b);
    EXPECT_NE(base64_decode(a.substr(3))->substr(0, 12), base64_decode(b.substr(3))->substr(0, 12));
}

TEST_F(InfraCryptoAesGcm, DetectsTamperingAnywhere) {
    const std::string env = aes_gcm_encrypt(key_, "attack at dawn");
    const std::string raw = *base64_decode(env.substr(3));
    for (std::size_t i = 0; i < raw.size(); ++i) {  // nonce, ciphertext and tag bytes
        std::string bad = raw;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        const auto r = aes_gcm_decrypt(key_, "v1:" + base64_encode(bad));
        ASSERT_FALSE(r.ok()) << "flipped byte " << i;
        EXPECT_TRUE(r.error().code == Code::kInvalidArgument || r.error().code == Code::kInternal);
    }
    EXPECT_FALSE(aes_gcm_decrypt(key_, "v1:" + base64_encode(raw.substr(0, raw.size() - 1))).ok());
    EXPECT_FALSE(aes_gcm_decrypt(key_, "v1:" + base64_encode(raw + "x")).ok());
}

TEST_F(InfraCryptoAesGcm, WrongKeyFails) {
    const std::string env = aes_gcm_encrypt(key_, "secret");
    const auto r = aes_gcm_decrypt(derive_key("test-master", "other"), env);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::kInvalidArgument);
    EXPECT_EQ(r.error().message.find("secret"), std::string::npos);
}

// Sealing keeps a per-thread context keyed with the last key (crypto.cpp): switching keys, and a
// failed opening in between, must not leave either key's operations wrong.
TEST_F(InfraCryptoAesGcm, AlternatingKeysAndFailuresKeepEveryKeyRight) {
    const std::string other = derive_key("test-master", "other");
    for (int round = 0; round < 3; ++round) {
        const std::string a = aes_gcm_seal(key_, "for key one");
        const std::string b = aes_gcm_seal(other, "for key two");
        const std::string a2 = aes_gcm_seal(key_, "for key one, again");
        EXPECT_FALSE(aes_gcm_open(other, a).ok());  // the wrong key fails ...
        ASSERT_TRUE(aes_gcm_open(key_, a).ok());    // ... and the right one still works after it
        EXPECT_EQ(aes_gcm_open(key_, a).value(), "for key one");
        EXPECT_EQ(aes_gcm_open(other, b).value(), "for key two");
        EXPECT_EQ(aes_gcm_open(key_, a2).value(), "for key one, again");
        std::string tampered = a;
        tampered[14] = static_cast<char>(tampered[14] ^ 0x20);
        EXPECT_FALSE(aes_gcm_open(key_, tampered).ok());
        EXPECT_EQ(aes_gcm_open(key_, a2).value(), "for key one, again");
    }
}

TEST_F(InfraCryptoAesGcm, BadKeySize) {
    EXPECT_THROW((void)aes_gcm_encrypt("short", "x"), std::invalid_argument);
    EXPECT_THROW((void)aes_gcm_encrypt(std::string(33, 'k'), "x"), std::invalid_argument);
    const std::string env = aes_gcm_encrypt(key_, "x");
    const auto r = aes_gcm_decrypt(key_.substr(0, 16), env);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Code::kInternal);
}

TEST_F(InfraCryptoAesGcm, GarbageInputsFailWithoutThrowing) {
    const std::string valid = aes_gcm_encrypt(key_, "hello");
    const std::string garbage[] = {
        "",
        "v1:",
        "v1",
        "hello",
        "v2:" + valid.substr(3),
        "V1:" + valid.substr(3),
        valid.substr(3),                              // no prefix
        "v1:!!!!",                                    // not base64
        "v1:" + valid.substr(3, 10),                  // truncated base64
        "v1:" + base64_encode(std::string(27, 'a')),  // shorter than nonce + tag
        "v1:" + base64_encode(std::string(28, 'a')),  // right size, not authentic
        "v1: " + valid.substr(3),
        valid + "A",
        "\0v1:"s + valid.substr(3),
    };
    for (const auto& g : garbage) {
        Result<std::string> r = std::string{};
        EXPECT_NO_THROW(r = aes_gcm_decrypt(key_, g));
        ASSERT_FALSE(r.ok()) << g;
        EXPECT_EQ(r.error().code, Code::kInvalidArgument) << g;
        EXPECT_FALSE(r.error().message.empty());
    }
}

// ---------------------------------------------------------------- Argon2id

TEST(InfraCryptoPassword, HashAndVerify) {
    const std::string h = hash_password("correct horse battery staple");
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0U) << h;
    EXPECT_TRUE(verify_password(h, "correct horse battery staple"));
    EXPECT_FALSE(verify_password(h, "correct horse battery stapl"));
    EXPECT_FALSE(verify_password(h, "Correct horse battery staple"));
    EXPECT_FALSE(verify_password(h, ""));

    const std::string h2 = hash_password("correct horse battery staple");
    EXPECT_NE(h, h2) << "salt must be random";
    EXPECT_TRUE(verify_password(h2, "correct horse battery staple"));
}

TEST(InfraCryptoPassword, TheServiceCostIsInteractiveAndEachHashCarriesItsOwnCost) {
    // The default is libsodium's interactive cost (64 MiB, 2 passes), written into the hash.
    const std::string service = hash_password("pw");
    EXPECT_NE(service.find("$m=65536,t=2,p=1$"), std::string::npos) << service;
    // The test servers' cheap hashes verify with the same function: no setting is needed to read
    // either, so both can live in one table.
    const std::string cheap = hash_password("pw", PasswordCost::minimum());
    EXPECT_NE(cheap.find("$m=8,t=1,p=1$"), std::string::npos) << cheap;
    EXPECT_TRUE(verify_password(cheap, "pw"));
    EXPECT_FALSE(verify_password(cheap, "pW"));
    EXPECT_TRUE(verify_password(service, "pw"));
}

TEST(InfraCryptoPassword, EmptyAndBinaryPasswords) {
    const std::string h = hash_password(std::string_view{});
    EXPECT_TRUE(verify_password(h, ""));
    EXPECT_FALSE(verify_password(h, "a"));
    const std::string h2 = hash_password("p\0w"s);
    EXPECT_TRUE(verify_password(h2, "p\0w"s));
    EXPECT_FALSE(verify_password(h2, "p"));
}

TEST(InfraCryptoPassword, MalformedHashIsFalse) {
    const std::string h = hash_password("pw");
    const std::string bad[] = {
        "",
        "pw",
        "$argon2id$",
        "$argon2id$v=19$m=65536,t=2,p=1$",
        h.substr(0, h.size() - 5),
        h.substr(0, 20),
        "$argon2i$" + h.substr(10),
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        h + std::string(200, 'A'),
        h.substr(0, 10) + "\0"s + h.substr(10),
        sha256_hex("pw"),
    };
    for (const auto& b : bad) {
        bool ok = true;
        EXPECT_NO_THROW(ok = verify_password(b, "pw"));
        EXPECT_FALSE(ok) << b;
    }
}

}  // namespace
}  // namespace lc::infra
