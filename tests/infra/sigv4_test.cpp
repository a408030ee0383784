// AWS Signature Version 4 against the examples AWS publishes for S3 ("Examples of signature
// calculations", sig-v4-header-based-auth.html and sigv4-query-string-auth.html): the same
// credentials, times and requests must give the same signatures.
#include "infra/sigv4.hpp"

#include <gtest/gtest.h>

#include <string>

#include "infra/crypto.hpp"

namespace lc::infra::sigv4 {
namespace {

constexpr UnixTime k20130524 = 1369353600;  // 2013-05-24T00:00:00Z, the examples' time

Credentials example_credentials() {
    return Credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"};
}

std::string header(const Pairs& headers, const std::string& name) {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return {};
}

std::string signature_of(const Pairs& headers) {
    const std::string auth = header(headers, "Authorization");
    const auto at = auth.find("Signature=");
    return at == std::string::npos ? "" : auth.substr(at + 10);
}

TEST(SigV4, GetObjectExample) {
    Request r;
    r.method = "GET";
    r.host = "examplebucket.s3.amazonaws.com";
    r.path = "/test.txt";
    r.headers = {{"Range", "bytes=0-9"}};
    r.payload_sha256 = kEmptyPayloadSha256;
    const Pairs h = sign_headers(r, example_credentials(), k20130524);
    EXPECT_EQ(header(h, "x-amz-date"), "20130524T000000Z");
    EXPECT_EQ(header(h, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
              "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PutObjectExampleEncodesThePathOnce) {
    Request r;
    r.method = "PUT";
    r.host = "examplebucket.s3.amazonaws.com";
    r.path = "/test$file.text";
    r.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    r.payload_sha256 = sha256_hex("Welcome to Amazon S3.");
    EXPECT_EQ(r.payload_sha256, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    const std::string canonical = canonical_request(r, {{"date", "Fri, 24 May 2013 00:00:00 GMT"},
                                                        {"host", r.host},
                                                        {"x-amz-content-sha256", r.payload_sha256},
                                                        {"x-amz-date", "20130524T000000Z"},
                                                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}});
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 4)), "PUT\n/test%24file.text");
    EXPECT_EQ(signature_of(sign_headers(r, example_credentials(), k20130524)),
              "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, SubresourceAndQueryExamples) {
    Request lifecycle;
    lifecycle.host = "examplebucket.s3.amazonaws.com";
    lifecycle.query = {{"lifecycle", ""}};
    EXPECT_EQ(signature_of(sign_headers(lifecycle, example_credentials(), k20130524)),
              "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

    Request list;
    list.host = "examplebucket.s3.amazonaws.com";
    list.query = {{"prefix", "J"}, {"max-keys", "2"}};  // sorted by the signer
    EXPECT_EQ(canonical_query(list.query), "max-keys=2&prefix=J");
    EXPECT_EQ(signature_of(sign_headers(list, example_credentials(), k20130524)),
              "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, PresignedGetExample) {
    Request r;
    r.host = "examplebucket.s3.amazonaws.com";
    r.path = "/test.txt";
    const std::string url =
        presign_url("https://examplebucket.s3.amazonaws.com", r, example_credentials(), k20130524, 86400);
    EXPECT_EQ(url,
              "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
              "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
              "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
              "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
              "&X-Amz-SignedHeaders=host");  // AWS's signature; the parameters in sorted order, as S3 accepts
}

TEST(SigV4, EncodingFollowsTheS3Rules) {
    EXPECT_EQ(uri_encode("a b/c~d_e.f-g", true), "a%20b/c~d_e.f-g");
    EXPECT_EQ(uri_encode("a b/c", false), "a%20b%2Fc");
    EXPECT_EQ(uri_encode("ç=&+", false), "%C3%A7%3D%26%2B");
    // Header values are trimmed and inner runs of spaces folded before signing.
    Request a, b;
    a.host = b.host = "h";
    a.headers = {{"X-Amz-Meta-Note", "  two   words "}};
    b.headers = {{"x-amz-meta-note", "two words"}};
    EXPECT_EQ(signature_of(sign_headers(a, example_credentials(), k20130524)),
              signature_of(sign_headers(b, example_credentials(), k20130524)));
    EXPECT_EQ(amz_date(0), "19700101T000000Z");
}

}  // namespace
}  // namespace lc::infra::sigv4
