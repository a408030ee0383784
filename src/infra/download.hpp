#pragma once
// Large downloads straight to a file (recordings): streamed, never held in memory, with a size cap and
// progress reports. Over libcurl like every other outbound request.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace lc::infra {

struct DownloadRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string to_path;      // written from the start (truncated); left in place on failure for the caller
    long long max_bytes = 0;  // a larger file is refused (0: no limit)
    bool public_only = true;  // refuse private and loopback addresses (after resolution, redirects too)
    std::chrono::seconds connect_timeout{10};
    /// Given up when fewer than 16 KiB/s arrive for this long, or when the whole download takes longer
    /// than `total_timeout`: a download holds a job worker, and a server that trickles must not keep it.
    std::chrono::seconds stall_timeout{60};
    std::chrono::seconds total_timeout{2 * 3600};
    /// Called every `progress_every` bytes with the total so far.
    std::function<void(long long bytes)> on_progress;
    long long progress_every = 8LL * 1024 * 1024;
};

/// Downloads with GET, following up to 5 redirects (http and https only). Returns the bytes written.
/// Errors: Invalid when retrying cannot help (a private address refused, not https, larger than
/// max_bytes, a 4xx other than 404/408/429); Unavailable otherwise (the transport, a 5xx, a file not
/// there yet, an empty answer).
Result<long long> download_to_file(const DownloadRequest& request);

}  // namespace lc::infra
