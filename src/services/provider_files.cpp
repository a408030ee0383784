#include "services/provider_files.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "infra/download.hpp"

namespace lc::services {

std::optional<std::string> read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

Result<std::string> fetch_small_file(infra::BlobStore& scratch, const SmallFileRequest& q) {
    auto path = scratch.scratch_path(q.scratch_name + ".part");
    if (!path) return path.take_error();
    infra::DownloadRequest d;
    d.url = q.url;
    d.headers = q.headers;
    d.to_path = *path;
    d.max_bytes = q.max_bytes;
    d.public_only = !q.allow_private_sources;
    d.total_timeout = std::chrono::seconds(300);
    auto got = infra::download_to_file(d);
    std::optional<std::string> text = got ? read_small_file(*path) : std::nullopt;
    std::remove(path->c_str());
    if (!got) {
        if (got.error().code == Code::kInvalidArgument) return Error::give_up(got.take_error());
        return got.take_error();
    }
    if (!text) return Error::unavailable("a downloaded file could not be read back");
    return std::move(*text);
}

}  // namespace lc::services
