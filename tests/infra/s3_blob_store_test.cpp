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
#include "infra/metered_http_client.hpp"
#include "infra/metrics.hpp"

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
    EXPECT_EQ(store.link_origin(), s3.endpoint()) << "where the web page's videos play from";
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

/// The value of one series in Prometheus text ("name{labels}"), -1 when it is not there.
double series(const std::string& text, const std::string& name) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
    return -1;
}

TEST_F(S3Store, EveryCallIsMeasuredUnderTheStoresOwnMetricNames) {
    metrics::Registry registry;
    MeteredHttpClient metered(http, registry, MeteredHttpClient::kStorage);
    S3BlobStore store(options(), metered, clock);
    s3.fail_next("PUT", 503, "SlowDown", 1, "partNumber=2");
    ASSERT_TRUE(store.put_file("recordings/t1/m.mp4", local_file(store, "m.part", pattern(12 * 1024 * 1024))));
    ASSERT_TRUE(store.remove("recordings/t1/m.mp4"));
    const std::string text = registry.render();
    auto count = [&](const char* op) {
        return series(text, std::string("liveclass_storage_request_duration_seconds_count{store=\"s3\",operation=\"") +
                                op + "\"}");
    };
    EXPECT_EQ(count("multipart_start"), 1) << text;
    EXPECT_EQ(count("multipart_part"), 4) << "three parts, one of them sent twice: each attempt counts";
    EXPECT_EQ(count("multipart_complete"), 1);
    EXPECT_EQ(count("delete"), 1);
    EXPECT_EQ(series(text, R"(liveclass_storage_errors_total{store="s3",operation="multipart_part"})"), 1)
        << "the 503 S3 answered once";
}

TEST_F(S3Store, AnUploadThatCannotFinishIsAbortedAndTheLocalFileKeptForTheNextAttempt) {
    S3BlobStore store(options(), http, clock);
    const std::string local = local_file(store, "big.part", pattern(11 * 1024 * 1024));
    s3.fail_next("PUT", 400, "InvalidArgument", 1, "partNumber=2");
    auto st = store.put_file("recordings/t1/big.mp4", local);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Code::kUnavailable) << "the copy job retries it";
    EXPECT_NE(st.error().internal.find("part 2"), std::string::npos) << st.error().internal;
    EXPECT_NE(st.error().internal.find("InvalidArgument"), std::string::npos) << st.error().internal;
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
    EXPECT_NE(st.error().internal.find("InvalidPart"), std::string::npos) << st.error().internal;
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
        EXPECT_NE(st.error().internal.find("SignatureDoesNotMatch"), std::string::npos) << st.error().internal;
        EXPECT_NE(st.error().internal.find("LIVE_S3_SECRET_ACCESS_KEY"), std::string::npos);
        // The part an API client may read names no setting, bucket or S3 detail.
        EXPECT_EQ(st.error().message, "the recordings store is not available right now; try again in a few minutes");
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
        EXPECT_NE(st.error().internal.find("LIVE_S3_REGION"), std::string::npos) << st.error().internal;
    }
    {
        FixedClock an_hour_behind(clock.now() - 3600);
        S3BlobStore store(options(), http, an_hour_behind);
        auto st = store.remove("recordings/t1/x.mp4");
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().internal.find("RequestTimeTooSkewed"), std::string::npos) << st.error().internal;
        EXPECT_NE(st.error().internal.find("clock"), std::string::npos);
    }
    {
        S3Options o = options();
        o.bucket = "no-such-bucket";
        S3BlobStore store(o, http, clock);
        auto st = store.put_file("recordings/t1/x.mp4", local_file(store, "y.part", "bytes"));
        ASSERT_FALSE(st);
        EXPECT_NE(st.error().internal.find("LIVE_S3_BUCKET"), std::string::npos) << st.error().internal;
    }
    S3Options down = options();
    down.endpoint = "http://127.0.0.1:1";
    S3BlobStore store(down, http, clock);
    auto st = store.remove("recordings/t1/x.mp4");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_NE(st.error().internal.find("could not be reached"), std::string::npos) << st.error().internal;
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

TEST_F(S3Store, KeysGoUnderThePrefix) {
    S3Options o = options();
    o.prefix = "liveclass/";
    S3BlobStore store(o, http, clock);
    ASSERT_TRUE(store.put_file("recordings/t1/r1.mp4", local_file(store, "p.part", "prefixed")));
    EXPECT_EQ(s3.keys(), std::vector<std::string>{"liveclass/recordings/t1/r1.mp4"});
    EXPECT_EQ(store.describe(), "s3://" + s3.bucket() + "/liveclass/");
    EXPECT_EQ(*store.read("recordings/t1/r1.mp4", 100), "prefixed");
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
    o.part_bytes = 1024LL * 1024 * 1024;
    EXPECT_NE(message(o).find("512 MiB"), std::string::npos);
}

TEST_F(S3Store, ACompletionS3FailsIsRetriedAndAPartThatKeepsFailingAbortsTheUpload) {
    S3BlobStore store(options(), http, clock);
    const std::string bytes = pattern(11 * 1024 * 1024);
    // S3 documents that CompleteMultipartUpload may answer 200 with an error in the body: sent again.
    s3.fail_next("POST", 200, "InternalError", 1, "uploadId=");
    ASSERT_TRUE(store.put_file("recordings/t1/a.mp4", local_file(store, "a.part", bytes)));
    EXPECT_TRUE(s3.object("recordings/t1/a.mp4") == bytes);
    EXPECT_EQ(count("POST", "uploadId="), 2);
    EXPECT_EQ(count("DELETE", "uploadId="), 0) << "the uploaded parts were kept, not aborted";

    // Busy three times in a row on the same part: given up, aborted, the job retries later.
    s3.fail_next("PUT", 503, "SlowDown", 3, "partNumber=2");
    const std::string local = local_file(store, "b.part", bytes);
    auto st = store.put_file("recordings/t1/b.mp4", local);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_EQ(count("PUT", "partNumber=2"), 1 + 3) << "a.mp4's part, then three tries for b.mp4's";
    EXPECT_EQ(count("DELETE", "uploadId="), 1);
    EXPECT_TRUE(s3.open_uploads().empty());
    EXPECT_TRUE(fs::exists(local));
}

TEST_F(S3Store, ABucketInAnotherRegionIsNamedAndNotRetried) {
    // AWS answers a request for a bucket of another region with 301 PermanentRedirect (no body on HEAD).
    S3BlobStore store(options(), http, clock);
    s3.fail_next("HEAD", 301, "PermanentRedirect");
    auto found = store.find("recordings/t1/x.mp4");
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, Code::kUnavailable);
    EXPECT_NE(found.error().internal.find("LIVE_S3_REGION"), std::string::npos) << found.error().internal;
    s3.fail_next("PUT", 301, "PermanentRedirect", 1, "partNumber=1");
    auto st = store.put_file("recordings/t1/big.mp4", local_file(store, "r.part", pattern(6 * 1024 * 1024)));
    ASSERT_FALSE(st);
    EXPECT_EQ(count("PUT", "partNumber=1"), 1) << "a redirect is not retried";
    EXPECT_TRUE(s3.open_uploads().empty());
}

TEST_F(S3Store, ReadingASmallFileAsksForNoMoreThanItWillKeep) {
    S3BlobStore store(options(), http, clock);
    ASSERT_TRUE(store.put_file("thumbnails/t1/big.jpg", local_file(store, "big.jpg", pattern(2 * 1024 * 1024))));
    auto too_large = store.read("thumbnails/t1/big.jpg", 1000);
    ASSERT_FALSE(too_large);
    EXPECT_EQ(too_large.error().code, Code::kNotFound);
    const auto last = s3.requests().back();  // a copy: requests() returns a fresh vector
    EXPECT_EQ(last.method, "GET");
    EXPECT_EQ(last.status, 206) << "a range of 1001 bytes, not the whole 2 MiB";
    ASSERT_TRUE(store.put_file("thumbnails/t1/empty.jpg", local_file(store, "empty.jpg", "")));
    auto empty = store.read("thumbnails/t1/empty.jpg", 1000);
    ASSERT_TRUE(empty) << empty.error().internal;
    EXPECT_EQ(*empty, "");
}

/// Keeps the requests it is given and answers 200 to each (for addresses no fake can serve).
class RecordingHttp final : public HttpClient {
public:
    Result<HttpResponse> send(const HttpRequest& request) const override {
        sent.push_back(request);
        HttpResponse r;
        r.status = 200;
        r.etag = "\"e\"";
        return r;
    }
    mutable std::vector<HttpRequest> sent;
};

std::string header_of(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return {};
}

TEST_F(S3Store, OnAwsTheBucketIsInTheHostNameAndDefaultPortsAreLeftOut) {
    RecordingHttp aws_http;
    S3Options aws;
    aws.bucket = "school-recordings";
    aws.region = "eu-central-1";
    aws.access_key_id = "AKID";
    aws.secret_access_key = "secret";
    aws.path_style = false;
    aws.scratch_dir = scratch;
    ASSERT_TRUE(validate_s3_options(aws));
    S3BlobStore on_aws(aws, aws_http, clock);
    ASSERT_TRUE(on_aws.remove("recordings/t1/r1.mp4"));
    ASSERT_EQ(aws_http.sent.size(), 1u);
    const HttpRequest& del = aws_http.sent[0];
    EXPECT_EQ(del.url, "https://school-recordings.s3.eu-central-1.amazonaws.com/recordings/t1/r1.mp4");
    EXPECT_EQ(header_of(del, "Host"), "school-recordings.s3.eu-central-1.amazonaws.com");
    EXPECT_NE(header_of(del, "Authorization").find("/eu-central-1/s3/aws4_request"), std::string::npos);
    auto found = on_aws.find("recordings/t1/r1.mp4");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->url.rfind("https://school-recordings.s3.eu-central-1.amazonaws.com/recordings/t1/r1.mp4?", 0), 0u);

    // A port that is the scheme's own is not part of the Host header (as libcurl sends it), others are.
    RecordingHttp minio_http;
    S3Options minio = aws;
    minio.endpoint = "https://minio.school.example:443";
    minio.path_style = true;
    S3BlobStore on_443(minio, minio_http, clock);
    ASSERT_TRUE(on_443.remove("recordings/t1/r1.mp4"));
    EXPECT_EQ(header_of(minio_http.sent.back(), "Host"), "minio.school.example");
    EXPECT_EQ(minio_http.sent.back().url, "https://minio.school.example/school-recordings/recordings/t1/r1.mp4");
    minio.endpoint = "http://minio.school.example:9000";
    S3BlobStore on_9000(minio, minio_http, clock);
    ASSERT_TRUE(on_9000.remove("recordings/t1/r1.mp4"));
    EXPECT_EQ(header_of(minio_http.sent.back(), "Host"), "minio.school.example:9000");

    // A dotted bucket in the host name breaks the store's TLS certificate: refused up front.
    aws.bucket = "school.recordings";
    EXPECT_FALSE(validate_s3_options(aws));
    aws.path_style = true;
    EXPECT_TRUE(validate_s3_options(aws));
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
    EXPECT_NE(shared.find("<ID>liveclass-recordings liveclass/</ID>"), std::string::npos);
    EXPECT_EQ(shared.find("Transition"), std::string::npos);

    // S3 replaces the whole rule set on every put: merging keeps the rules of others on the bucket
    // (here: another team's logs rule and the unprefixed deployment above) and replaces only ours.
    ASSERT_TRUE(store.put_lifecycle(
        "<LifecycleConfiguration><Rule><ID>team-logs</ID><Filter><Prefix>logs/</Prefix></Filter>"
        "<Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule></LifecycleConfiguration>"));
    ASSERT_TRUE(store.merge_lifecycle(s3_lifecycle_xml("", 90, 180)));
    ASSERT_TRUE(store.merge_lifecycle(shared));
    auto merged = store.merge_lifecycle(s3_lifecycle_xml("liveclass/", 30, 400));  // again, changed
    ASSERT_TRUE(merged) << merged.error().internal;
    auto now = store.get_lifecycle();
    ASSERT_TRUE(now);
    pugi::xml_document got;
    ASSERT_TRUE(got.load_string(now->c_str()));
    std::vector<std::string> ids;
    for (auto r : got.child("LifecycleConfiguration").children("Rule")) ids.push_back(r.child_value("ID"));
    EXPECT_EQ(ids,
              (std::vector<std::string>{"team-logs", "liveclass-recordings", "liveclass-thumbnails",
                                        "liveclass-abandoned-uploads", "liveclass-recordings liveclass/",
                                        "liveclass-thumbnails liveclass/", "liveclass-abandoned-uploads liveclass/"}));
    EXPECT_NE(now->find("<Days>400</Days>"), std::string::npos);
    EXPECT_EQ(now->find("<Days>365</Days>"), std::string::npos) << "our earlier rules replaced, not kept";
}

}  // namespace
}  // namespace lc::infra
