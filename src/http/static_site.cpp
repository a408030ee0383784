#include "http/static_site.hpp"

#include <zlib.h>

#include <fstream>
#include <sstream>

#include "infra/crypto.hpp"

namespace lc::http {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string mime_type_for(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
        {".wav", "audio/wav"},
    };
    for (const auto& [ext, type] : kTypes)
        if (ends_with(name, ext)) return std::string(type);
    return "application/octet-stream";
}

bool is_web_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return false;
    if (path == "/api" || path.rfind("/api/", 0) == 0) return false;
    if (path == "/health" || path.rfind("/health/", 0) == 0) return false;
    if (path == "/metrics" || path.rfind("/metrics/", 0) == 0) return false;
    return true;
}

std::shared_ptr<const StaticSite> StaticSite::load(const fs::path& root, std::string& error) {
    auto site = std::make_shared<StaticSite>();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        error = "no web front end at " + root.string() + " (build it with `make web`)";
        return site;
    }
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_symlink() || !it->is_regular_file()) continue;
        std::string rel = "/" + fs::relative(it->path(), root, ec).generic_string();
        if (ec) break;
        if (ends_with(rel, ".gz")) continue;  // read with the file it is a copy of
        StaticFile f;
        // The build's compressed copy stands for the file when it is that file: it inflates to the
        // file's size and is not older. The file itself is then never read, so that start-up does not
        // hold (and the allocator keep) both.
        std::error_code gz_error;
        const fs::path gz_path = it->path().string() + ".gz";
        if (fs::is_regular_file(fs::symlink_status(gz_path, gz_error)) &&
            fs::last_write_time(gz_path, gz_error) >= it->last_write_time(gz_error) && !gz_error) {
            std::string gz = read_file(gz_path);
            if (gunzip_size(gz) == it->file_size(gz_error) && !gz_error) f.gzip = std::move(gz);
        }
        if (f.gzip.empty()) f.body = read_file(it->path());
        f.content_type = mime_type_for(rel);
        f.etag = "\"" + infra::sha256_hex(f.gzip.empty() ? f.body : f.gzip).substr(0, 32) + "\"";
        f.immutable = rel.rfind("/assets/", 0) == 0;
        site->files_.emplace(std::move(rel), std::move(f));
    }
    if (ec) error = "could not read the web front end at " + root.string() + ": " + ec.message();
    if (!site->has_index() && error.empty()) error = "the web front end at " + root.string() + " has no index.html";
    return site;
}

const StaticFile* StaticSite::find(std::string_view path) const {
    if (path.empty() || path == "/") path = "/index.html";
    if (auto it = files_.find(path); it != files_.end()) return &it->second;
    // A client-side route (/sessions/3f2a…/room): its last segment has no extension. A missing file
    // with an extension (an old /assets/x.js) stays a 404, never HTML in place of a script.
    auto last = path.substr(path.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos || path.rfind("/assets/", 0) == 0) return nullptr;
    auto index = files_.find(std::string_view("/index.html"));
    return index == files_.end() ? nullptr : &index->second;
}

bool StaticSite::is_index(const StaticFile* file) const {
    auto index = files_.find(std::string_view("/index.html"));
    return index != files_.end() && file == &index->second;
}

namespace {
/// Inflates a gzip member, handing each piece to `sink`; false when `gz` is not one whole member or
/// inflates to more than `max_bytes`.
template <class Sink>
bool inflate_gzip(std::string_view gz, std::size_t max_bytes, Sink&& sink) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;  // 16: a gzip header, not zlib's
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    std::size_t total = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        char buf[65536];
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        const std::size_t n = sizeof buf - z.avail_out;
        total += n;
        if (total > max_bytes)
            rc = Z_DATA_ERROR;
        else
            sink(std::string_view(buf, n));
        if (rc == Z_BUF_ERROR && z.avail_in > 0) rc = Z_OK;  // no progress this round only for want of room
    }
    const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    return whole;
}
constexpr std::size_t kMaxInflated = 64U << 20;
}  // namespace

std::optional<std::string> gunzip(std::string_view gz) {
    std::string out;
    if (!inflate_gzip(gz, kMaxInflated, [&](std::string_view piece) { out.append(piece); })) return std::nullopt;
    return out;
}

std::optional<std::uintmax_t> gunzip_size(std::string_view gz) {
    std::uintmax_t n = 0;
    if (!inflate_gzip(gz, kMaxInflated, [&](std::string_view piece) { n += piece.size(); })) return std::nullopt;
    return n;
}

}  // namespace lc::http
