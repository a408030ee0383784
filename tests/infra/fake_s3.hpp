#pragma once
// An S3 on loopback for tests: runs tests/support/fake_s3.py, which serves one bucket path-style, checks
// every request's AWS Signature Version 4 with AWS's own code (botocore) and answers as S3 does, errors
// included. What it stores is read back here straight from its data directory, so a test can look
// without signing anything; every request it answered is one line of its log (requests()). Header-only so
// the integration tests can include it too. Needs LIVECLASS_SOURCE_DIR (both test targets define it),
// /usr/bin/python3 with python3-botocore, and libcurl (fail_next).
//
//   lc::testing::FakeS3 s3;
//   settings.endpoint = s3.endpoint(); settings.bucket = s3.bucket(); ...access_key(), secret_key()
//   s3.fail_next("PUT", 503, "SlowDown", 1, "partNumber=2");  // the next PUT of part 2 answers 503
//   ... upload ...
//   EXPECT_EQ(s3.object("recordings/1.mp4"), expected_bytes);
//   EXPECT_TRUE(s3.open_uploads().empty());
#include <curl/curl.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "../support/spawned_server.hpp"

#ifndef LIVECLASS_SOURCE_DIR
#error "fake_s3.hpp needs LIVECLASS_SOURCE_DIR to find tests/support/fake_s3.py"
#endif

namespace lc::testing {

class FakeS3 {
public:
    /// One request as the fake answered it (a line of its log).
    struct Request {
        std::string method, path, query;  ///< path and query as received (still percent-encoded)
        std::string code;                 ///< the S3 error code answered ("" on success)
        std::string auth;                 ///< "header", "query" (presigned) or "none"
        int status = 0;
        std::vector<std::string> signed_headers;  ///< as the request named them
        long long content_length = 0;             ///< bytes of body received
        /// The whole line: also "message" on errors, "canonical_request" and "string_to_sign" on
        /// SignatureDoesNotMatch.
        boost::json::object raw;
    };

    /// Starts the fake and waits (at most `startup`) for it to say where it listens. Throws
    /// std::runtime_error when it cannot start, which fails the test that made it.
    explicit FakeS3(std::chrono::milliseconds startup = std::chrono::seconds(20))
        : server_("the fake S3", "fake_s3_"), data_dir_(server_.dir() / "data"), log_path_(server_.dir() / "s3.log") {
        const boost::json::object hello = server_.start_json(
            {std::string(LIVECLASS_SOURCE_DIR) + "/tests/support/fake_s3.py", data_dir_.string(), log_path_.string()},
            startup);
        auto text = [&](const char* key) { return std::string(hello.at(key).as_string()); };
        port_ = static_cast<unsigned short>(hello.at("port").to_number<int>());
        endpoint_ = text("endpoint");
        bucket_ = text("bucket");
        region_ = text("region");
        access_key_ = text("access_key");
        secret_key_ = text("secret_key");
    }

    FakeS3(const FakeS3&) = delete;
    FakeS3& operator=(const FakeS3&) = delete;

    unsigned short port() const { return port_; }
    /// "http://127.0.0.1:PORT"; objects are at endpoint/bucket/key (path style).
    const std::string& endpoint() const { return endpoint_; }
    const std::string& bucket() const { return bucket_; }
    const std::string& region() const { return region_; }
    const std::string& access_key() const { return access_key_; }
    const std::string& secret_key() const { return secret_key_; }
    /// DATA_DIR: objects/<key> holds an object's bytes; uploads/<upload id>/key an open upload's key.
    const std::filesystem::path& data_dir() const { return data_dir_; }

    /// The bytes stored under `key`, read straight from the fake's data directory (nullopt: none).
    std::optional<std::string> object(const std::string& key) const {
        const auto path = object_path(key);
        std::error_code ec;
        if (!path || !std::filesystem::is_regular_file(*path, ec)) return std::nullopt;
        return read_file(*path);
    }

    /// Keys of the stored objects, sorted.
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        const auto root = data_dir_ / "objects";
        std::error_code ec;
        for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec)) out.push_back(it->path().lexically_relative(root).generic_string());
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    /// The keys of the open multipart uploads (neither completed nor aborted), sorted; a key twice when
    /// two uploads for it are open.
    std::vector<std::string> open_uploads() const {
        std::vector<std::string> out;
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(data_dir_ / "uploads", ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
            if (auto key = read_file(it->path() / "key")) out.push_back(*key);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    /// Makes the next `times` requests with this method (whose path?query contains `match`, if given) fail
    /// with `status` and an S3 error document of `code` (503 also carries Retry-After: 1), doing nothing
    /// else.
    void fail_next(const std::string& method, int status, const std::string& code, int times = 1,
                   const std::string& match = "") {
        control("/_fake/fail",
                boost::json::serialize(boost::json::object{
                    {"method", method}, {"status", status}, {"code", code}, {"times", times}, {"match", match}}));
    }

    /// Forgets what fail_next asked for.
    void reset_failures() { control("/_fake/reset-failures", ""); }

    /// The log, in order: the S3 requests (fail_next's and reset_failures' own are left out). The fake logs
    /// a request before answering it, so what a finished call caused is already here.
    std::vector<Request> requests() const {
        std::vector<Request> out;
        const std::string text = read_file(log_path_).value_or("");
        std::size_t start = 0;
        for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
            Request r = parse_line(text.substr(start, nl - start));
            if (!r.raw.contains("control")) out.push_back(std::move(r));
            start = nl + 1;  // a line without its '\n' is still being written: left for the next look
        }
        return out;
    }

private:
    /// DATA_DIR/objects/<key>; nullopt for a key the fake cannot have stored (it refuses those).
    std::optional<std::filesystem::path> object_path(const std::string& key) const {
        std::size_t start = 0;
        for (;;) {
            const std::size_t slash = key.find('/', start);
            const std::string segment = key.substr(start, slash == std::string::npos ? slash : slash - start);
            if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        return data_dir_ / "objects" / key;
    }

    static std::optional<std::string> read_file(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::nullopt;
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    static Request parse_line(const std::string& line) {
        Request r;
        r.raw = boost::json::parse(line).as_object();
        auto text = [&](const char* key) {
            const boost::json::value* v = r.raw.if_contains(key);
            return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        r.method = text("method");
        r.path = text("path");
        r.query = text("query");
        r.code = text("code");
        r.auth = text("auth");
        if (const auto* v = r.raw.if_contains("status"); v && v->is_int64()) r.status = static_cast<int>(v->as_int64());
        if (const auto* v = r.raw.if_contains("content_length"); v && v->is_int64()) r.content_length = v->as_int64();
        if (const auto* v = r.raw.if_contains("signed_headers"); v && v->is_array())
            for (const auto& h : v->as_array())
                if (h.is_string()) r.signed_headers.emplace_back(h.as_string());
        return r;
    }

    /// POST `body` to one of the fake's unsigned control paths; it must answer 204.
    void control(const std::string& path, const std::string& body) const {
        CURL* curl = curl_easy_init();
        if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
        curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
        const std::string url = endpoint_ + path;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(
            curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
        const CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        if (rc != CURLE_OK || status != 204)
            throw std::runtime_error("fake S3 " + path + " failed: " +
                                     (rc != CURLE_OK ? std::string(curl_easy_strerror(rc)) : std::to_string(status)));
    }

    SpawnedServer server_;  // first: constructed before, destroyed (child stopped, dir removed) after the rest
    std::filesystem::path data_dir_, log_path_;
    unsigned short port_ = 0;
    std::string endpoint_, bucket_, region_, access_key_, secret_key_;
};

}  // namespace lc::testing
