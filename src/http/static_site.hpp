#pragma once
// The web front end (web/dist, LIVE_WEB_ROOT) served from memory: the built app is small (well under
// a few MB), so every file is read once at start-up and a request never touches the file system —
// no path from a client is ever joined to a directory, so there is nothing to traverse.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace lc::http {

struct StaticFile {
    std::string body;
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

/// The MIME type for a file name's extension (application/octet-stream when unknown).
std::string mime_type_for(std::string_view name);

/// Whether a request path belongs to the web app rather than the API or the operations endpoints.
bool is_web_path(std::string_view path);

}  // namespace lc::http
