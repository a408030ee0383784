#pragma once
// Where the files we keep live (recordings copied from the providers, their thumbnails). The
// embedded default keeps them on local disk under LIVE_STORAGE_DIR (LocalBlobStore); at scale they
// go to an S3-compatible bucket (S3BlobStore, infra/s3_blob_store.hpp), which every process reaches.
#include <string>

#include "core/result.hpp"

namespace lc::infra {

class BlobStore {
public:
    virtual ~BlobStore() = default;
    /// A local file to download into before `put_file` (local disk either way: on the same file
    /// system as the store for LocalBlobStore, so putting is a rename).
    virtual Result<std::string> scratch_path(const std::string& name) = 0;
    /// Moves a finished local file in under `key`, replacing what was there; the file is durable and
    /// the local file gone on return.
    virtual Status put_file(const std::string& key, const std::string& local_path) = 0;
    /// How a reader gets at a stored file: a local `path` to open, or (S3) a signed `url` that anyone
    /// holding it may GET for a few minutes; and its size.
    struct Found {
        std::string path;
        std::string url;
        long long size = 0;
    };
    /// What a signed address makes the store answer with (S3's response-content-* overrides), and how
    /// much longer than the store's own link lifetime it must work (a video's length: players keep asking
    /// for ranges while it plays).
    struct Presentation {
        std::string content_type;
        std::string content_disposition;
        long long extra_seconds = 0;
    };
    /// The origin (scheme://host[:port]) of the signed addresses find() hands out, so the web page may
    /// play videos from there; "" when readers get local paths (we stream those ourselves).
    virtual std::string link_origin() const { return {}; }
    /// Where to read `key` from; NotFound when it is not there.
    virtual Result<Found> find(const std::string& key, const Presentation& as) const = 0;
    Result<Found> find(const std::string& key) const { return find(key, Presentation{}); }
    /// The whole of a small file (thumbnails); NotFound when it is not there or larger than `max_bytes`.
    virtual Result<std::string> read(const std::string& key, long long max_bytes) const = 0;
    /// Deletes `key`; one that is not there counts as deleted.
    virtual Status remove(const std::string& key) = 0;

    /// Keys are made by us, but checked anyway: lowercase letters, digits, '-', '_', '.', and '/'
    /// between non-empty parts that are not "." or "..".
    static bool valid_key(const std::string& key);
};

/// Files under one directory: key "recordings/<tenant>/<id>.mp4" is <root>/recordings/<tenant>/<id>.mp4.
class LocalBlobStore final : public BlobStore {
public:
    explicit LocalBlobStore(std::string root) : root_(std::move(root)) {}
    Result<std::string> scratch_path(const std::string& name) override;
    Status put_file(const std::string& key, const std::string& local_path) override;
    using BlobStore::find;
    Result<Found> find(const std::string& key, const Presentation& as) const override;
    Result<std::string> read(const std::string& key, long long max_bytes) const override;
    Status remove(const std::string& key) override;

private:
    std::string root_;
};

/// <dir>/<name> for scratch files, creating <dir>; `name` must be a valid key without '/'.
Result<std::string> scratch_file(const std::string& dir, const std::string& name);

}  // namespace lc::infra
