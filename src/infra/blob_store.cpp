#include "infra/blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace lc::infra {

namespace fs = std::filesystem;

namespace {
/// The message says what failed, for anyone; the path (the deployment's layout) goes to `internal`,
/// which only the logs and the jobs table keep.
Error storage_error(const std::string& what, const std::string& where, const std::error_code& ec) {
    return Error::unavailable("the file store could not " + what, where + ": " + ec.message());
}

/// fsync of a file or directory: a rename is durable only once its directory is synced.
bool sync_path(const fs::path& p, bool directory) {
    int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}
}  // namespace

bool BlobStore::valid_key(const std::string& key) {
    if (key.empty() || key.size() > 512 || key.front() == '/' || key.back() == '/') return false;
    std::size_t part_start = 0;
    for (std::size_t i = 0; i <= key.size(); ++i) {
        if (i == key.size() || key[i] == '/') {
            std::string_view part(key.data() + part_start, i - part_start);
            if (part.empty() || part == "." || part == "..") return false;
            part_start = i + 1;
            continue;
        }
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    }
    return true;
}

Result<std::string> scratch_file(const std::string& dir, const std::string& name) {
    if (!BlobStore::valid_key(name) || name.find('/') != std::string::npos)
        return Error::invalid("not a scratch file name");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return storage_error("create its scratch directory", dir, ec);
    return (fs::path(dir) / name).string();
}

Result<std::string> LocalBlobStore::scratch_path(const std::string& name) {
    return scratch_file((fs::path(root_) / ".scratch").string(), name);
}

Status LocalBlobStore::put_file(const std::string& key, const std::string& local_path) {
    if (!valid_key(key)) return Error::invalid("not a storage key: " + key);
    const fs::path to = fs::path(root_) / key;
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (ec) return storage_error("create a directory", to.parent_path().string(), ec);
    if (!sync_path(local_path, false))
        return Error::unavailable("the file store could not sync a file", "fsync failed: " + local_path);
    fs::rename(local_path, to, ec);
    if (ec) return storage_error("move a file into place", to.string(), ec);
    if (!sync_path(to.parent_path(), true))
        return Error::unavailable("the file store could not sync a directory", "fsync failed: " + to.string());
    return ok_status();
}

Result<BlobStore::Found> LocalBlobStore::find(const std::string& key, const Presentation&) const {
    if (!valid_key(key)) return Error::not_found("no such file");
    const fs::path p = fs::path(root_) / key;
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec) return Error::not_found("no such file");
    return Found{p.string(), "", static_cast<long long>(size)};
}

Result<std::string> LocalBlobStore::read(const std::string& key, long long max_bytes) const {
    auto found = find(key);
    if (!found) return found.take_error();
    if (found->size > max_bytes) return Error::not_found("the file is larger than expected");
    std::FILE* f = std::fopen(found->path.c_str(), "rb");
    if (!f) return Error::not_found("no such file");
    std::string bytes(static_cast<std::size_t>(found->size), '\0');
    const bool whole = std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
    std::fclose(f);
    if (!whole) return Error::not_found("the file could not be read whole");
    return bytes;
}

Status LocalBlobStore::remove(const std::string& key) {
    if (!valid_key(key)) return Error::invalid("not a storage key: " + key);
    std::error_code ec;
    fs::remove(fs::path(root_) / key, ec);
    if (ec) return storage_error("delete a file", key, ec);
    return ok_status();
}

}  // namespace lc::infra
