#pragma once
// Where the files we keep live (recordings copied from the providers). The embedded default keeps
// them on local disk under LIVE_STORAGE_DIR; the interface is what an S3-compatible store would
// implement to take its place.
#include <string>

#include "core/result.hpp"

namespace lc::infra {

class BlobStore {
public:
    virtual ~BlobStore() = default;
    /// A file to download into before `put_file` (on the same file system, so putting is a rename).
    virtual Result<std::string> scratch_path(const std::string& name) = 0;
    /// Moves a finished file in under `key`, replacing what was there; the file is durable on return.
    virtual Status put_file(const std::string& key, const std::string& local_path) = 0;
    /// Where to read `key` from, with its size; NotFound when it is not there.
    struct Found {
        std::string path;
        long long size = 0;
    };
    virtual Result<Found> find(const std::string& key) const = 0;
    /// Deletes `key`; one that is not there counts as deleted.
    virtual Status remove(const std::string& key) = 0;
};

/// Files under one directory: key "recordings/<tenant>/<id>.mp4" is <root>/recordings/<tenant>/<id>.mp4.
class LocalBlobStore final : public BlobStore {
public:
    explicit LocalBlobStore(std::string root) : root_(std::move(root)) {}
    Result<std::string> scratch_path(const std::string& name) override;
    Status put_file(const std::string& key, const std::string& local_path) override;
    Result<Found> find(const std::string& key) const override;
    Status remove(const std::string& key) override;

    /// Keys are made by us, but checked anyway: lowercase letters, digits, '-', '_', '.', and '/'
    /// between non-empty parts that are not "." or "..".
    static bool valid_key(const std::string& key);

private:
    std::string root_;
};

}  // namespace lc::infra
