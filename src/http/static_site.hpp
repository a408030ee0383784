#pragma once
// The web front end (web/dist, LIVE_WEB_ROOT) served from memory: every file is read once at start-up
// and a request never touches the file system — no path from a client is ever joined to a directory, so
// there is nothing to traverse. A file the build compressed (file.gz) is kept only compressed: every
// browser takes gzip, and the rare client that does not gets it inflated on the way out. That keeps
// the app's lazily loaded parts (the whiteboard's Excalidraw is megabytes) small in the server's memory.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lc::http {

struct StaticFile {
    std::string body;  // empty when the file is kept as `gzip`
    std::string gzip;  // the build's precompressed copy (file.gz), empty when there is none
    std::string content_type;
    std::string etag;        // strong, from the content's SHA-256
    bool immutable = false;  // content-hashed name under /assets/: cached for a year
};

class StaticSite {
public:
    /// Reads every regular file under `root` (symbolic links are skipped). A missing root gives an
    /// empty site; `error` then says why, for the start-up log.
    static std::shared_ptr<const StaticSite> load(const std::filesystem::path& root, std::string& error);

    bool has_index() const { return files_.count("/index.html") > 0; }
    std::size_t size() const { return files_.size(); }

    /// The file at URL path `path`; "/" and client-side routes (a last segment without a dot) give
    /// index.html so the app's router can take over. nullptr when there is no such file.
    const StaticFile* find(std::string_view path) const;
    /// Whether `file` is the app's HTML shell (which gets the page's CSP).
    bool is_index(const StaticFile* file) const;

private:
    std::map<std::string, StaticFile, std::less<>> files_;
};

/// The bytes a gzip member holds; nullopt when `gz` is not one (or holds more than 64 MiB).
std::optional<std::string> gunzip(std::string_view gz);
/// How many bytes `gz` inflates to, without keeping them; nullopt as for gunzip().
std::optional<std::uintmax_t> gunzip_size(std::string_view gz);

/// The MIME type for a file name's extension (application/octet-stream when unknown).
std::string mime_type_for(std::string_view name);

/// Whether a request path belongs to the web app rather than the API or the operations endpoints.
bool is_web_path(std::string_view path);

}  // namespace lc::http
