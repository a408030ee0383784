#include "infra/s3_blob_store.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "infra/crypto.hpp"

namespace lc::infra {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
constexpr long long kMinPartBytes = 5LL * 1024 * 1024;    // S3: every part but the last
constexpr long long kMaxPartBytes = 512LL * 1024 * 1024;  // ours: a part is held in memory
constexpr int kMaxParts = 10000;                          // S3: parts per upload
constexpr int kPartAttempts = 3;
constexpr const char* kS3Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr const char* kStoreUnavailable = "the recordings store is not available right now; try again in a few minutes";

struct SplitEndpoint {
    std::string scheme, host, port;
};

/// "https://host[:port]" with nothing after it.
std::optional<SplitEndpoint> split_endpoint(const std::string& endpoint) {
    SplitEndpoint out;
    std::string rest;
    if (endpoint.rfind("https://", 0) == 0) {
        out.scheme = "https";
        rest = endpoint.substr(8);
    } else if (endpoint.rfind("http://", 0) == 0) {
        out.scheme = "http";
        rest = endpoint.substr(7);
    } else {
        return std::nullopt;
    }
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) return std::nullopt;
    if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
        out.port = rest.substr(colon + 1);
        rest.resize(colon);
        if (out.port.empty() || out.port.size() > 5 || out.port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(out.port) < 1 || std::stoi(out.port) > 65535)
            return std::nullopt;
    }
    out.host = rest;
    return out.host.empty() ? std::nullopt : std::optional(out);
}

/// S3's bucket naming rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
bool valid_bucket(const std::string& b) {
    if (b.size() < 3 || b.size() > 63) return false;
    for (char c : b)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
    auto edge = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return edge(b.front()) && edge(b.back()) && b.find("..") == std::string::npos;
}

std::string content_type_for(const std::string& key) {
    auto ends = [&](const char* ext) {
        const std::string e = ext;
        return key.size() >= e.size() && key.compare(key.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".mp4")) return "video/mp4";
    if (ends(".jpg")) return "image/jpeg";
    if (ends(".json")) return "application/json";
    return "application/octet-stream";
}

/// S3's <Error><Code/><Message/></Error>, when the body is one.
std::pair<std::string, std::string> error_of(const std::string& body) {
    if (body.find("<Error") == std::string::npos) return {};
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) return {};
    pugi::xml_node e = doc.child("Error");
    return {e.child_value("Code"), e.child_value("Message")};
}

/// Whether sending the same request again may succeed: S3 busy (5xx, 429, SlowDown) or a request
/// that timed out on its side; not a refusal (4xx) or a redirect to another region (3xx).
bool worth_retrying(long status, const std::string& code) {
    return status >= 500 || status == 429 || code == "RequestTimeout" || code == "SlowDown" || code == "InternalError";
}

/// 1 s, then 2 s, or what S3's Retry-After asks for (at most 10 s: a job worker waits meanwhile).
void pause_before_retry(int attempt, long retry_after_seconds) {
    if (attempt >= kPartAttempts) return;
    const long wait = retry_after_seconds > 0 ? std::min(retry_after_seconds, 10L) : attempt;
    std::this_thread::sleep_for(std::chrono::seconds(wait));
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

bool read_exactly(std::FILE* f, std::string& into, long long n) {
    into.resize(static_cast<std::size_t>(n));
    return std::fread(into.data(), 1, into.size(), f) == into.size();
}
}  // namespace

Status validate_s3_options(const S3Options& o) {
    if (!valid_bucket(o.bucket))
        return Error::invalid("LIVE_S3_BUCKET must be an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'");
    if (o.region.empty() || o.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
        return Error::invalid("LIVE_S3_REGION must be a region name such as eu-central-1");
    if (!o.endpoint.empty() && !split_endpoint(o.endpoint))
        return Error::invalid(
            "LIVE_S3_ENDPOINT must be http(s)://host[:port] with no path, e.g. https://minio.example.org:9000");
    if (o.access_key_id.empty() || o.secret_access_key.empty())
        return Error::invalid(
            "LIVE_S3_ACCESS_KEY_ID and LIVE_S3_SECRET_ACCESS_KEY must both be set with LIVE_S3_BUCKET");
    if (!o.prefix.empty() && (o.prefix.back() != '/' || !BlobStore::valid_key(o.prefix.substr(0, o.prefix.size() - 1))))
        return Error::invalid("LIVE_S3_PREFIX must be lowercase path parts ending with '/', e.g. liveclass/");
    if (o.prefix.size() > 200) return Error::invalid("LIVE_S3_PREFIX must be at most 200 characters");
    if (o.part_bytes < kMinPartBytes) return Error::invalid("the S3 part size must be at least 5 MiB");
    if (o.part_bytes > kMaxPartBytes)
        return Error::invalid("the S3 part size must be at most 512 MiB (held in memory)");
    // A dotted name in the host breaks TLS: the store's certificate covers *.host, one label only.
    if (!o.path_style && o.bucket.find('.') != std::string::npos &&
        (o.endpoint.empty() || o.endpoint.rfind("https://", 0) == 0))
        return Error::invalid("LIVE_S3_BUCKET with dots needs LIVE_S3_PATH_STYLE=true over https");
    if (o.link_seconds < 1 || o.link_seconds > 604800)
        return Error::invalid("LIVE_S3_LINK_SECONDS must be between 1 and 604800 (7 days)");
    return ok_status();
}

S3BlobStore::S3BlobStore(S3Options options, const HttpClient& http, const Clock& clock)
    : opt_(std::move(options)), http_(http), clock_(clock) {
    credentials_.access_key_id = opt_.access_key_id;
    credentials_.secret_access_key = opt_.secret_access_key;
    credentials_.region = opt_.region;
    std::string endpoint = opt_.endpoint.empty() ? "https://s3." + opt_.region + ".amazonaws.com" : opt_.endpoint;
    auto e = split_endpoint(endpoint).value_or(SplitEndpoint{"https", "invalid.invalid", ""});
    std::string host = opt_.path_style ? e.host : opt_.bucket + "." + e.host;
    // The Host header as curl would send it: the port only when it is not the scheme's own.
    host_ = host;
    if (!e.port.empty() && !((e.scheme == "https" && e.port == "443") || (e.scheme == "http" && e.port == "80")))
        host_ += ":" + e.port;
    origin_ = e.scheme + "://" + host_;
}

std::string S3BlobStore::describe() const { return "s3://" + opt_.bucket + "/" + opt_.prefix; }

std::string S3BlobStore::object_path(const std::string& key) const {
    std::string path = "/";
    if (opt_.path_style) {
        path += opt_.bucket;
        if (!key.empty()) path += "/";
    }
    if (!key.empty()) path += opt_.prefix + key;
    return path;
}

HttpRequest S3BlobStore::signed_request(const std::string& method, const std::string& key, sigv4::Pairs query,
                                        std::string body, sigv4::Pairs headers, std::chrono::milliseconds timeout,
                                        const char* endpoint_label) const {
    sigv4::Request r;
    r.method = method;
    r.host = host_;
    r.path = object_path(key);
    r.query = std::move(query);
    r.headers = std::move(headers);
    r.payload_sha256 = sha256_hex(body);
    HttpRequest req;
    req.method = method;
    req.url = origin_ + sigv4::uri_encode(r.path, true);
    if (const std::string q = sigv4::canonical_query(r.query); !q.empty()) req.url += "?" + q;
    req.headers = sigv4::sign_headers(r, credentials_, clock_.now());
    req.headers.emplace_back("Host", host_);
    req.body = std::move(body);
    req.timeout = timeout;
    req.provider = "s3";
    req.endpoint = endpoint_label;
    return req;
}

Result<S3BlobStore::Sent> S3BlobStore::exchange(const HttpRequest& req) const {
    auto res = http_.send(req);
    if (!res) {
        // What a person using the API may read stays general; the operator's detail goes to `internal`
        // (logs, the job's last error, the CLI).
        Error e = res.take_error();
        e.internal = "the file store (" + describe() + ") could not be reached: " + e.message +
                     (e.internal.empty() ? "" : " (" + e.internal + ")");
        e.message = kStoreUnavailable;
        return e;
    }
    Sent out;
    auto [code, message] = error_of(res->body);
    out.code = std::move(code);
    out.message = std::move(message);
    out.response = std::move(*res);
    return out;
}

Result<S3BlobStore::Sent> S3BlobStore::send(const std::string& method, const std::string& key, sigv4::Pairs query,
                                            std::string body, sigv4::Pairs headers, std::chrono::milliseconds timeout,
                                            const char* endpoint_label) const {
    return exchange(
        signed_request(method, key, std::move(query), std::move(body), std::move(headers), timeout, endpoint_label));
}

Error S3BlobStore::refused(const std::string& what, const Sent& sent) const {
    std::string why =
        "the file store (" + describe() + ") refused to " + what + ": HTTP " + std::to_string(sent.response.status);
    if (!sent.code.empty()) why += " " + sent.code;
    if (!sent.message.empty()) why += " (" + sent.message + ")";
    if (sent.code == "SignatureDoesNotMatch" || sent.code == "InvalidAccessKeyId")
        why += "; check LIVE_S3_ACCESS_KEY_ID and LIVE_S3_SECRET_ACCESS_KEY";
    else if (sent.code == "NoSuchBucket")
        why += "; check LIVE_S3_BUCKET";
    else if (sent.code == "AuthorizationHeaderMalformed" || sent.code == "PermanentRedirect" ||
             sent.code == "TemporaryRedirect" || sent.response.status == 301 || sent.response.status == 307)
        why += "; the bucket is elsewhere: check LIVE_S3_REGION and LIVE_S3_ENDPOINT";
    else if (sent.code == "RequestTimeTooSkewed")
        why += "; this machine's clock is off";
    // Unavailable, so jobs retry: a store that is down or misconfigured now may be fixed in an hour.
    Error e = Error::unavailable(kStoreUnavailable, why);
    e.retry_after_seconds = sent.response.retry_after_seconds;
    return e;
}

Result<std::string> S3BlobStore::scratch_path(const std::string& name) { return scratch_file(opt_.scratch_dir, name); }

Status S3BlobStore::put_file(const std::string& key, const std::string& local_path) {
    if (!valid_key(key)) return Error::invalid("not a storage key: " + key);
    std::error_code ec;
    const auto size = fs::file_size(local_path, ec);
    if (ec) return Error::unavailable("the file to store is not there", local_path + ": " + ec.message());
    const long long n = static_cast<long long>(size);
    Status st = n > opt_.part_bytes ? put_multipart(key, local_path, n) : put_whole(key, local_path, n);
    if (st) fs::remove(local_path, ec);
    return st;
}

Status S3BlobStore::put_whole(const std::string& key, const std::string& local_path, long long size) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(local_path.c_str(), "rb"));
    std::string body;
    if (!f || !read_exactly(f.get(), body, size))
        return Error::unavailable("the file to store could not be read", local_path);
    auto sent = send("PUT", key, {}, std::move(body), {{"Content-Type", content_type_for(key)}}, 10min, "put");
    if (!sent) return sent.take_error();
    if (sent->response.status != 200) return refused("store " + key, *sent);
    return ok_status();
}

Status S3BlobStore::put_multipart(const std::string& key, const std::string& local_path, long long size) {
    // Larger parts when 10 000 would not hold the file.
    long long part = opt_.part_bytes;
    while ((size + part - 1) / part > kMaxParts) part *= 2;
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(local_path.c_str(), "rb"));
    if (!f) return Error::unavailable("the file to store could not be read", local_path);

    auto started =
        send("POST", key, {{"uploads", ""}}, "", {{"Content-Type", content_type_for(key)}}, 30s, "multipart_start");
    if (!started) return started.take_error();
    std::string upload_id;
    if (started->response.status == 200) {
        pugi::xml_document doc;
        if (doc.load_buffer(started->response.body.data(), started->response.body.size()))
            upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
    }
    if (upload_id.empty()) return refused("start an upload of " + key, *started);

    auto abort = [&](Error e) -> Status {
        // Best effort: the bucket's lifecycle rule (infra/s3/lifecycle.json) removes what this misses.
        (void)send("DELETE", key, {{"uploadId", upload_id}}, "", {}, 30s, "multipart_abort");
        return e;
    };
    std::string completion = "<CompleteMultipartUpload xmlns=\"" + std::string(kS3Xmlns) + "\">";
    const int parts = static_cast<int>((size + part - 1) / part);
    for (int number = 1; number <= parts; ++number) {
        const long long n = std::min(part, size - (number - 1) * part);
        std::string bytes;
        if (!read_exactly(f.get(), bytes, n))
            return abort(Error::unavailable("the file to store could not be read", local_path));
        // Signed once: a retry a few seconds later sends the same request (signatures last 15 minutes).
        const HttpRequest req =
            signed_request("PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
                           std::move(bytes), {}, 10min, "multipart_part");
        std::string etag;
        Error last = Error::unavailable(kStoreUnavailable);
        for (int attempt = 1; attempt <= kPartAttempts && etag.empty(); ++attempt) {
            auto sent = exchange(req);
            if (sent && sent->response.status == 200 && !sent->response.etag.empty()) {
                etag = sent->response.etag;
                break;
            }
            last = sent ? refused("store part " + std::to_string(number) + " of " + key, *sent) : sent.take_error();
            if (sent && !worth_retrying(sent->response.status, sent->code)) break;  // the same bytes again cannot help
            pause_before_retry(attempt, sent ? sent->response.retry_after_seconds : 0);
        }
        if (etag.empty()) return abort(last);
        completion += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag + "</ETag></Part>";
    }
    completion += "</CompleteMultipartUpload>";
    // AWS: a CompleteMultipartUpload that fails (a 5xx, or a 200 whose body is an error) should be retried;
    // aborting would throw away every part already uploaded.
    const HttpRequest complete = signed_request("POST", key, {{"uploadId", upload_id}}, completion,
                                                {{"Content-Type", "application/xml"}}, 10min, "multipart_complete");
    Error last = Error::unavailable(kStoreUnavailable);
    for (int attempt = 1; attempt <= kPartAttempts; ++attempt) {
        auto done = exchange(complete);
        if (done && done->response.status == 200 && done->code.empty() &&
            done->response.body.find("CompleteMultipartUploadResult") != std::string::npos)
            return ok_status();
        last = done ? refused("finish the upload of " + key, *done) : done.take_error();
        if (done && !worth_retrying(done->response.status == 200 ? 500 : done->response.status, done->code)) break;
        pause_before_retry(attempt, done ? done->response.retry_after_seconds : 0);
    }
    return abort(last);
}

Result<BlobStore::Found> S3BlobStore::find(const std::string& key, const Presentation& as) const {
    if (!valid_key(key)) return Error::not_found("no such file");
    auto head = send("HEAD", key, {}, "", {}, 5s, "head");  // a Watch link waits for it
    if (!head) return head.take_error();
    if (head->response.status == 404) return Error::not_found("no such file");
    if (head->response.status != 200) return refused("look up " + key, *head);
    Found out;
    out.size = std::max(0LL, head->response.content_length);
    sigv4::Request r;
    r.method = "GET";
    r.host = host_;
    r.path = object_path(key);
    if (!as.content_type.empty()) r.query.emplace_back("response-content-type", as.content_type);
    if (!as.content_disposition.empty()) r.query.emplace_back("response-content-disposition", as.content_disposition);
    out.url = sigv4::presign_url(origin_, r, credentials_, clock_.now(),
                                 std::min<long long>(opt_.link_seconds + std::max(0LL, as.extra_seconds), 604800));
    return out;
}

Result<std::string> S3BlobStore::read(const std::string& key, long long max_bytes) const {
    if (!valid_key(key)) return Error::not_found("no such file");
    // One byte more than allowed is enough to tell a file that is too large.
    auto got = send("GET", key, {}, "", {{"Range", "bytes=0-" + std::to_string(max_bytes)}}, 30s, "get");
    if (!got) return got.take_error();
    if (got->response.status == 404) return Error::not_found("no such file");
    if (got->response.status == 416) return std::string();  // an empty file: no byte to give
    if (got->response.status != 200 && got->response.status != 206) return refused("read " + key, *got);
    if (static_cast<long long>(got->response.body.size()) > max_bytes)
        return Error::not_found("the file is larger than expected");
    return std::move(got->response.body);
}

Status S3BlobStore::remove(const std::string& key) {
    if (!valid_key(key)) return Error::invalid("not a storage key: " + key);
    auto gone = send("DELETE", key, {}, "", {}, 30s, "delete");
    if (!gone) return gone.take_error();
    const long s = gone->response.status;
    if (s == 204 || s == 200 || s == 404) return ok_status();
    return refused("delete " + key, *gone);
}

std::string s3_lifecycle_xml(const std::string& prefix, int archive_days, int expire_days) {
    // The IDs name the prefix, so deployments sharing a bucket each keep their own rules.
    const std::string id_suffix = prefix.empty() ? "" : " " + prefix;
    auto rule = [&](const std::string& id, const std::string& under, const std::string& actions) {
        return "<Rule><ID>" + id + id_suffix + "</ID><Filter><Prefix>" + prefix + under +
               "</Prefix></Filter><Status>Enabled</Status>" + actions + "</Rule>";
    };
    const std::string expire = "<Expiration><Days>" + std::to_string(expire_days) + "</Days></Expiration>";
    std::string archive;
    if (archive_days > 0)
        archive = "<Transition><Days>" + std::to_string(archive_days) +
                  "</Days><StorageClass>GLACIER_IR</StorageClass></Transition>";
    std::string xml = "<LifecycleConfiguration xmlns=\"" + std::string(kS3Xmlns) + "\">";
    xml += rule("liveclass-recordings", "recordings/", archive + expire);
    xml += rule("liveclass-thumbnails", "thumbnails/", expire);
    xml += rule("liveclass-abandoned-uploads", "",
                "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                "</AbortIncompleteMultipartUpload>");
    xml += "</LifecycleConfiguration>";
    return xml;
}

Result<std::string> S3BlobStore::get_lifecycle() const {
    auto got = send("GET", "", {{"lifecycle", ""}}, "", {}, 30s, "lifecycle");
    if (!got) return got.take_error();
    if (got->response.status == 404 && got->code == "NoSuchLifecycleConfiguration") return std::string();
    if (got->response.status != 200) return refused("show the lifecycle rules", *got);
    return std::move(got->response.body);
}

Result<std::string> S3BlobStore::merge_lifecycle(const std::string& ours) const {
    pugi::xml_document mine, theirs, merged;
    if (!mine.load_string(ours.c_str())) return Error::invalid("the lifecycle rules to apply are not XML");
    auto current = get_lifecycle();
    if (!current) return current.take_error();
    if (!current->empty() && !theirs.load_buffer(current->data(), current->size()))
        return Error::unavailable(kStoreUnavailable, "the bucket's lifecycle rules are not XML: " + *current);
    std::set<std::string> our_ids;
    for (auto rule : mine.child("LifecycleConfiguration").children("Rule")) our_ids.insert(rule.child_value("ID"));
    auto root = merged.append_child("LifecycleConfiguration");
    root.append_attribute("xmlns") = kS3Xmlns;
    // Rules of others on the bucket stay; ours (by ID) are replaced.
    for (auto rule : theirs.child("LifecycleConfiguration").children("Rule"))
        if (!our_ids.count(rule.child_value("ID"))) root.append_copy(rule);
    for (auto rule : mine.child("LifecycleConfiguration").children("Rule")) root.append_copy(rule);
    std::ostringstream out;
    merged.save(out, "", pugi::format_raw | pugi::format_no_declaration);
    if (auto st = put_lifecycle(out.str()); !st) return st.take_error();
    return out.str();
}

Status S3BlobStore::put_lifecycle(const std::string& xml) const {
    // S3 wants the body's MD5 with this call (Content-MD5, base64), as a guard against a cut-off rule set.
    auto put =
        send("PUT", "", {{"lifecycle", ""}}, xml,
             {{"Content-MD5", base64_encode(md5_raw(xml))}, {"Content-Type", "application/xml"}}, 30s, "lifecycle");
    if (!put) return put.take_error();
    if (put->response.status != 200) return refused("take the lifecycle rules", *put);
    return ok_status();
}

}  // namespace lc::infra
