#pragma once
// Small files a provider keeps with a class (a chat log, a transcript, whiteboard data), fetched whole
// through a scratch file, with the errors a job needs: a file that may yet come (not there yet, the
// provider down) is Unavailable, retried; one that cannot (a private address, plain http, too large, a
// 4xx) is permanent.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "infra/blob_store.hpp"

namespace lc::services {

struct SmallFileRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  // the provider's credential, when it needs one
    long long max_bytes = 0;                                   // the caller's cap
    std::string scratch_name;                                  // names the scratch file
    bool allow_private_sources = false;                        // LIVE_STORAGE_ALLOW_PRIVATE_SOURCES
};

Result<std::string> fetch_small_file(infra::BlobStore& scratch, const SmallFileRequest& request);

/// A local file's bytes (a scratch file written by a download or a program); none when it cannot be read.
std::optional<std::string> read_small_file(const std::string& path);

}  // namespace lc::services
