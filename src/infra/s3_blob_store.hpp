#pragma once
// Seed 5.3 "S3/MinIO'ya yükle": our copies of recordings in an S3-compatible bucket (AWS S3, MinIO,
// Ceph RGW, ...), so that every API and worker process, on any machine, reads and writes the same
// files. Requests are signed with AWS Signature Version 4 (infra/sigv4.hpp) and sent with libcurl.
// Files larger than one part go up as a multipart upload, part by part from disk (a part in memory
// at a time), each part retried; a failed upload is aborted so no half-object stays billed.
// Readers get a presigned GET address (seed 5.6: "Signed URL ile time-limited erişim") instead of
// streaming through us.
#include <string>

#include "core/clock.hpp"
#include "infra/blob_store.hpp"
#include "infra/http_client.hpp"
#include "infra/sigv4.hpp"

namespace lc::infra {

struct S3Options {
    /// scheme://host[:port] of the S3 API, no path. Empty: AWS's own, https://s3.<region>.amazonaws.com.
    std::string endpoint;
    std::string bucket;
    std::string region = "us-east-1";
    std::string access_key_id, secret_access_key;
    /// https://endpoint/bucket/key (MinIO, Ceph and most self-hosted stores) rather than
    /// https://bucket.endpoint/key (AWS's preferred form).
    bool path_style = true;
    /// Prepended to every key, e.g. "liveclass/" to share a bucket.
    std::string prefix;
    /// How long a presigned address works (seconds).
    long link_seconds = 300;
    /// Files larger than this go up as a multipart upload in parts of this size (5-512 MiB; one part is
    /// held in memory at a time).
    long long part_bytes = 16LL * 1024 * 1024;
    /// Local directory for scratch files (downloads land here before they are uploaded).
    std::string scratch_dir;
};

/// Parses and checks the options a process was configured with: the endpoint's form, the bucket's
/// name (S3's rules), the region, that both keys are set, and a part size of at least 5 MiB.
Status validate_s3_options(const S3Options& options);

/// Seed 11.5: the bucket's lifecycle rules (the same as infra/s3/lifecycle.json, under `prefix`):
/// recordings move to Glacier Instant Retrieval after `archive_days` (0: never), which still serves a
/// signed link at once (plain Glacier would need a restore before every play), and recordings and
/// thumbnails are deleted after `expire_days`; abandoned multipart uploads are removed after a day.
/// The rules' IDs name the prefix, so deployments sharing a bucket each keep their own.
std::string s3_lifecycle_xml(const std::string& prefix, int archive_days, int expire_days);

class S3BlobStore final : public BlobStore {
public:
    S3BlobStore(S3Options options, const HttpClient& http, const Clock& clock);

    Result<std::string> scratch_path(const std::string& name) override;
    Status put_file(const std::string& key, const std::string& local_path) override;
    using BlobStore::find;
    /// HEADs the object, then signs a GET address for it (valid for `link_seconds`).
    Result<Found> find(const std::string& key, const Presentation& as) const override;
    Result<std::string> read(const std::string& key, long long max_bytes) const override;
    Status remove(const std::string& key) override;

    /// Replaces the bucket's lifecycle rules with `xml` (a LifecycleConfiguration document).
    Status put_lifecycle(const std::string& xml) const;
    /// The bucket's lifecycle rules ("" when it has none).
    Result<std::string> get_lifecycle() const;
    /// Puts `ours` (from s3_lifecycle_xml) in place of the rules with the same IDs, keeping the bucket's
    /// other rules (S3 replaces the whole set on every put). Returns the rules the bucket now has.
    Result<std::string> merge_lifecycle(const std::string& ours) const;
    /// "s3://bucket/prefix" for logs and the ops view.
    std::string describe() const;
    std::string link_origin() const override { return origin_; }

private:
    struct Sent {
        HttpResponse response;
        std::string code;     // S3's error code, when the answer is an <Error>
        std::string message;  // and its message
    };
    /// One signed request for `key` ("" for the bucket itself), to send (and resend) with exchange().
    HttpRequest signed_request(const std::string& method, const std::string& key, sigv4::Pairs query, std::string body,
                               sigv4::Pairs headers, std::chrono::milliseconds timeout,
                               const char* endpoint_label) const;
    Result<Sent> exchange(const HttpRequest& request) const;
    /// signed_request, then exchange.
    Result<Sent> send(const std::string& method, const std::string& key, sigv4::Pairs query, std::string body,
                      sigv4::Pairs headers, std::chrono::milliseconds timeout, const char* endpoint_label) const;
    /// The error for an answer that is not what we asked for.
    Error refused(const std::string& what, const Sent& sent) const;
    Status put_whole(const std::string& key, const std::string& local_path, long long size);
    Status put_multipart(const std::string& key, const std::string& local_path, long long size);

    std::string object_path(const std::string& key) const;

    S3Options opt_;
    std::string origin_;  // scheme://host[:port] requests go to (the bucket's own host unless path style)
    std::string host_;    // the Host header
    sigv4::Credentials credentials_;
    const HttpClient& http_;
    const Clock& clock_;
};

}  // namespace lc::infra
