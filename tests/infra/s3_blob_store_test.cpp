// The S3 file store against a fake S3 on loopback (tests/support/fake_s3.py) that checks every
// signature with AWS's own SigV4 code (botocore) and answers as S3 documents it, failures included:
// whole and multipart uploads, a part retried, an upload aborted, presigned addresses that work and
// expire, wrong keys and a wrong clock reported so an operator can act, and the lifecycle rules.
#include "infra/s3_blob_store.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "fake_s3.hpp"
#include "infra/crypto.hpp"
#include "infra/http_client.hpp"

namespace lc::infra {
namespace {

namespace fs = std::filesystem;
using testing::FakeS3;

class FixedClock final : public Clock {
public:
    explicit FixedClock(UnixTime t) : t_(t) {}
    UnixTime now() const override { return t_; }

private:
    UnixTime t_;
};

/// `n` bytes that differ position by position (a part stitched in the wrong place shows).
std::string pattern(std::size_t n, unsigned seed = 7) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4099 + seed) & 0xff);
    return s;
}

class S3Store : public ::testing::Test {
protected:
    FakeS3 s3;
    CurlHttpClient http;
    SystemClock clock;
    std::string scratch = make_scratch();

    ~S3Store() override { fs::remove_all(scratch); }

    static std::string make_scratch() {
        std::string t = (fs::temp_directory_path() / "liveclass-s3-test-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        return t;
    }

    S3Options options() const {
        S3Options o;
        o.endpoint = s3.endpoint();
        o.bucket = s3.bucket();
        o.region = s3.region();
        o.access_key_id = s3.access_key();
        o.secret_access_key = s3.secret_key();
        o.part_bytes = 5LL * 1024 * 1024;  // S3's smallest part, so a few MiB make several parts
        o.scratch_dir = scratch;
        return o;
    }

    /// A scratch file holding `bytes`, as a download would leave it.
    std::string local_file(S3BlobStore& store, const std::string& name, const std::string& bytes) {
        auto path = store.scratch_path(name);
        EXPECT_TRUE(path) << path.error().message;
        std::ofstream(*path, std::ios::binary) << bytes;
        return *path;
    }

    HttpResponse get(const std::string& url) const {
        HttpRequest r;
        r.url = url;
        r.timeout = std::chrono::seconds(10);
        auto res = http.send(r);
        EXPECT_TRUE(res) << res.error().internal;
        return res ? *res : HttpResponse{};
    }

    int count(const std::string& method, const std::string& query_part) const {
        int n = 0;
        for (const auto& r : s3.requests())
            if (r.method == method && r.query.find(query_part) != std::string::npos) ++n;
        return n;
    }
};

TEST_F(S3Store, ASmallFileGoesUpInOnePutAndIsReadBackThroughASignedAddress) {
    S3BlobStore store(options(), http, clock);
    const std::string bytes = pattern(300 * 1024);
    const std::string local = local_file(store, "a.part", bytes);
    ASSERT_TRUE(store.put_file("recordings/t1/r1.mp4", local));
    EXPECT_FALSE(fs::exists(local)) << "the local file is gone once stored";
    EXPECT_EQ(s3.object("recordings/t1/r1.mp4"), bytes);
    EXPECT_EQ(count("PUT", ""), 1);
    EXPECT_EQ(count("POST", "uploads"), 0) << "no multipart upload for one part";
    for (const auto& r : s3.requests()) {
        EXPECT_EQ(r.auth, "header") << r.method << " " << r.path;
        EXPECT_LT(r.status, 300) << r.method << " " << r.path << " " << r.code;
    }

    auto found = store.find("recordings/t1/r1.mp4", {"video/mp4", "inline; filename=\"recording-r1.mp4\""});
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_TRUE(found->path.empty());
    EXPECT_EQ(found->size, static_cast<long long>(bytes.size()));
    EXPECT_EQ(found->url.rfind(s3.endpoint() + "/" + s3.bucket() + "/recordings/t1/r1.mp4?", 0), 0u) << found->url;
    auto fetched = get(found->url);  // what a browser does: no credentials of its own
    EXPECT_EQ(fetched.status, 200);
    EXPECT_TRUE(fetched.body == bytes);
    EXPECT_EQ(fetched.content_type, "video/mp4");
    EXPECT_EQ(s3.requests().back().auth, "query");

    auto read = store.read("recordings/t1/r1.mp4", 1024 * 1024);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(*read == bytes);
    EXPECT_EQ(store.read("recordings/t1/r1.mp4", 1000).error().code, Code::kNotFound) << "larger than asked for";

    ASSERT_TRUE(store.remove("recordings/t1/r1.mp4"));
    EXPECT_FALSE(s3.object("recordings/t1/r1.mp4"));
    EXPECT_TRUE(store.remove("recordings/t1/r1.mp4")) << "a file that is not there counts as deleted";
    EXPECT_EQ(store.find("recordings/t1/r1.mp4").error().code, Code::kNotFound);
    EXPECT_EQ(store.read("recordings/t1/r1.mp4", 1024).error().code, Code::kNotFound);
}

TEST_F(S3Store, ALargeFileGoesUpInPartsAndAFailedPartIsRetried) {
    S3BlobStore store(options(), http, clock);
    const std::string bytes = pattern(12 * 1024 * 1024 + 17);  // 5 + 5 + 2 MiB and a bit
    s3.fail_next("PUT", 503, "SlowDown", 1, "partNumber=2");
    ASSERT_TRUE(store.put_file("recordings/t1/big.mp4", local_file(store, "big.part", bytes)));
    auto stored = s3.object("recordings/t1/big.mp4");
    ASSERT_TRUE(stored);
    EXPECT_TRUE(*stored == bytes) << "the parts in order, byte for byte";
    EXPECT_EQ(count("POST", "uploads"), 1);
    EXPECT_EQ(count("PUT", "partNumber=1"), 1);
    EXPECT_EQ(count("PUT", "partNumber=2"), 2) << "the part S3 refused once was sent again";
    EXPECT_EQ(count("PUT", "partNumber=3"), 1);
    EXPECT_TRUE(s3.open_uploads().empty());
}

TEST_F(S3Store, AnUploadThatCannotFinishIsAbortedAndTheLocalFileKeptForTheNextAttempt) {
    S3BlobStore store(options(), http, clock);
    const std::string local = local_file(store, "big.part", pattern(11 * 1024 * 1024));
    s3.fail_next("PUT", 400, "InvalidArgument", 1, "partNumber=2");
    auto st = store.put_file("recordings/t1/big.mp4", local);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Code::kUnavailable) << "the copy job retries it";
    EXPECT_NE(st.error().message.find("part 2"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("InvalidArgument"), std::string::npos) << st.error().message;
    EXPECT_EQ(count("PUT", "partNumber=2"), 1) << "a 400 is not retried";
    EXPECT_EQ(count("PUT", "partNumber=3"), 0);
    EXPECT_EQ(count("DELETE", "uploadId="), 1) << "aborted";
    EXPECT_TRUE(s3.open_uploads().empty());
    EXPECT_FALSE(s3.object("recordings/t1/big.mp4"));
    EXPECT_TRUE(fs::exists(local));

    // A completion S3 refuses (a part missing from under us) is aborted as well.
    s3.fail_next("POST", 400, "InvalidPart", 1, "uploadId=");
    st = store.put_file("recordings/t1/big.mp4", local);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("InvalidPart"), std::string::npos) << st.error().message;
    EXPECT_TRUE(s3.open_uploads().empty());

    ASSERT_TRUE(store.put_file("recordings/t1/big.mp4", local)) << "and the next attempt succeeds";
    EXPECT_EQ(s3.object("recordings/t1/big.mp4")->size(), 11u * 1024 * 1024);
}

TEST_F(S3Store, WrongKeysARegionOrAClockOffAreReportedInWordsAnOperatorCanActOn) {
    {
        S3Options o = options();
        o.secret_access_key = "not-the-secret";
        S3BlobStore store(o, http, clock);
        auto st = store.put_file("recordings/t1/x.mp4", local_file(store, "x.part", "bytes"));
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().message.find("SignatureDoesNotMatch"), std::string::npos) << st.error().message;
        EXPECT_NE(st.error().message.find("LIVE_S3_SECRET_ACCESS_KEY"), std::string::npos);
        EXPECT_FALSE(s3.object("recordings/t1/x.mp4"));
    }
    {
        S3Options o = options();
        o.access_key_id = "AKIDNOBODY";
        S3BlobStore store(o, http, clock);
        auto found = store.find("recordings/t1/x.mp4");
        ASSERT_FALSE(found);
        EXPECT_EQ(found.error().code, Code::kUnavailable) << "not NotFound: the store did not say it is missing";
    }
    {
        S3Options o = options();
        o.region = "eu-central-1";
        S3BlobStore store(o, http, clock);
        auto st = store.remove("recordings/t1/x.mp4");
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().message.find("LIVE_S3_REGION"), std::string::npos) << st.error().message;
    }
    {
        FixedClock an_hour_behind(clock.now() - 3600);
        S3BlobStore store(options(), http, an_hour_behind);
        auto st = store.remove("recordings/t1/x.mp4");
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().message.find("RequestTimeTooSkewed"), std::string::npos) << st.error().message;
        EXPECT_NE(st.error().message.find("clock"), std::string::npos);
    }
    {
        S3Options o = options();
        o.bucket = "no-such-bucket";
        S3BlobStore store(o, http, clock);
        auto st = store.put_file("recordings/t1/x.mp4", local_file(store, "y.part", "bytes"));
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().message.find("LIVE_S3_BUCKET"), std::string::npos) << st.error().message;
    }
    S3Options down = options();
    down.endpoint = "http://127.0.0.1:1";
    S3BlobStore store(down, http, clock);
    auto st = store.remove("recordings/t1/x.mp4");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_NE(st.error().message.find("could not be reached"), std::string::npos) << st.error().message;
}

TEST_F(S3Store, ASignedAddressStopsWorkingWhenItExpiresAndCannotBeBent) {
    S3Options o = options();
    S3BlobStore store(o, http, clock);
    ASSERT_TRUE(store.put_file("thumbnails/t1/r1.jpg", local_file(store, "r1.jpg", "jpeg bytes")));
    auto found = store.find("thumbnails/t1/r1.jpg");
    ASSERT_TRUE(found);
    EXPECT_EQ(get(found->url).body, "jpeg bytes");

    // Signed an hour ago for a minute: expired.
    sigv4::Request r;
    r.host = s3.endpoint().substr(7);
    r.path = "/" + s3.bucket() + "/thumbnails/t1/r1.jpg";
    const sigv4::Credentials keys{o.access_key_id, o.secret_access_key, o.region, "s3"};
    auto expired = get(sigv4::presign_url(s3.endpoint(), r, keys, clock.now() - 3600, 60));
    EXPECT_EQ(expired.status, 403);
    EXPECT_NE(expired.body.find("AccessDenied"), std::string::npos) << expired.body;

    // The address names one object: pointing it at another breaks the signature.
    std::string other = found->url;
    other.replace(other.find("r1.jpg"), 6, "r2.jpg");
    EXPECT_EQ(get(other).status, 403);
}

TEST_F(S3Store, KeysGoUnderThePrefixAndVirtualHostedAddressesNameTheBucketInTheHost) {
    S3Options o = options();
    o.prefix = "liveclass/";
    S3BlobStore store(o, http, clock);
    ASSERT_TRUE(store.put_file("recordings/t1/r1.mp4", local_file(store, "p.part", "prefixed")));
    EXPECT_EQ(s3.keys(), std::vector<std::string>{"liveclass/recordings/t1/r1.mp4"});
    EXPECT_EQ(store.describe(), "s3://" + s3.bucket() + "/liveclass/");
    EXPECT_EQ(*store.read("recordings/t1/r1.mp4", 100), "prefixed");

    // AWS's form: the bucket in the host name. (Not served by the fake; the address is what counts.)
    S3Options aws;
    aws.bucket = "school-recordings";
    aws.region = "eu-central-1";
    aws.access_key_id = "AKID";
    aws.secret_access_key = "secret";
    aws.path_style = false;
    ASSERT_TRUE(validate_s3_options(aws));
    S3BlobStore on_aws(aws, http, clock);
    EXPECT_EQ(on_aws.describe(), "s3://school-recordings/");
}

TEST_F(S3Store, OptionsAreCheckedWithMessagesNamingTheSetting) {
    auto message = [](S3Options o) {
        auto st = validate_s3_options(o);
        return st ? std::string() : st.error().message;
    };
    S3Options good = options();
    EXPECT_EQ(message(good), "");
    S3Options o = good;
    o.bucket = "Has_Capitals";
    EXPECT_NE(message(o).find("LIVE_S3_BUCKET"), std::string::npos);
    o = good;
    o.bucket = "ab";
    EXPECT_NE(message(o).find("LIVE_S3_BUCKET"), std::string::npos);
    o = good;
    o.endpoint = "ftp://store";
    EXPECT_NE(message(o).find("LIVE_S3_ENDPOINT"), std::string::npos);
    o.endpoint = "https://store.example/path";
    EXPECT_NE(message(o).find("LIVE_S3_ENDPOINT"), std::string::npos);
    o.endpoint = "https://store.example:99999";
    EXPECT_NE(message(o).find("LIVE_S3_ENDPOINT"), std::string::npos);
    o = good;
    o.secret_access_key.clear();
    EXPECT_NE(message(o).find("LIVE_S3_SECRET_ACCESS_KEY"), std::string::npos);
    o = good;
    o.region = "EU Central";
    EXPECT_NE(message(o).find("LIVE_S3_REGION"), std::string::npos);
    o = good;
    o.prefix = "no-slash";
    EXPECT_NE(message(o).find("LIVE_S3_PREFIX"), std::string::npos);
    o.prefix = "../up/";
    EXPECT_NE(message(o).find("LIVE_S3_PREFIX"), std::string::npos);
    o = good;
    o.part_bytes = 1024 * 1024;
    EXPECT_NE(message(o).find("5 MiB"), std::string::npos);
}

/// One <Rule> of a LifecycleConfiguration or of the AWS CLI JSON, as the fields both name.
struct Rule {
    std::string id, prefix, status, storage_class;
    long long transition_days = -1, expiration_days = -1, abort_days = -1;
    bool operator==(const Rule&) const = default;
};

TEST_F(S3Store, TheLifecycleRulesAreTakenByTheStoreAndMatchTheFileOperatorsApplyByHand) {
    S3BlobStore store(options(), http, clock);
    const std::string xml = s3_lifecycle_xml("", 90, 180);
    ASSERT_TRUE(store.put_lifecycle(xml)) << "Content-MD5 and the rules' form checked by the fake";
    EXPECT_EQ(s3.requests().back().status, 200);

    // infra/s3/lifecycle.json (for `aws s3api put-bucket-lifecycle-configuration`) says the same.
    std::vector<Rule> from_xml, from_json;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str()));
    for (auto r : doc.child("LifecycleConfiguration").children("Rule")) {
        Rule x{r.child_value("ID"), r.child("Filter").child_value("Prefix"), r.child_value("Status"),
               r.child("Transition").child_value("StorageClass")};
        if (r.child("Transition")) x.transition_days = r.child("Transition").child("Days").text().as_llong();
        if (r.child("Expiration")) x.expiration_days = r.child("Expiration").child("Days").text().as_llong();
        if (auto a = r.child("AbortIncompleteMultipartUpload"))
            x.abort_days = a.child("DaysAfterInitiation").text().as_llong();
        from_xml.push_back(x);
    }
    std::ifstream in(std::string(LIVECLASS_SOURCE_DIR) + "/infra/s3/lifecycle.json");
    std::stringstream text;
    text << in.rdbuf();
    const boost::json::value file = boost::json::parse(text.str());
    for (const auto& v : file.at("Rules").as_array()) {
        const auto& r = v.as_object();
        Rule x{std::string(r.at("ID").as_string()), std::string(r.at("Filter").at("Prefix").as_string()),
               std::string(r.at("Status").as_string())};
        if (auto* t = r.if_contains("Transitions")) {
            x.transition_days = t->at(0).at("Days").as_int64();
            x.storage_class = std::string(t->at(0).at("StorageClass").as_string());
        }
        if (auto* e = r.if_contains("Expiration")) x.expiration_days = e->at("Days").as_int64();
        if (auto* a = r.if_contains("AbortIncompleteMultipartUpload"))
            x.abort_days = a->at("DaysAfterInitiation").as_int64();
        from_json.push_back(x);
    }
    EXPECT_EQ(from_xml, from_json);
    ASSERT_EQ(from_xml.size(), 3u);
    EXPECT_EQ(from_xml[0].storage_class, "GLACIER_IR") << "still playable at once after archiving";

    // With a prefix, and without archiving.
    const std::string shared = s3_lifecycle_xml("liveclass/", 0, 365);
    EXPECT_NE(shared.find("<Prefix>liveclass/recordings/</Prefix>"), std::string::npos);
    EXPECT_EQ(shared.find("Transition"), std::string::npos);
    EXPECT_TRUE(store.put_lifecycle(shared));
}

}  // namespace
}  // namespace lc::infra
