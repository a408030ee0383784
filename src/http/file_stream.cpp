#include "http/file_stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <charconv>

#include "core/text.hpp"

namespace lc::http {

namespace {

/// A non-negative decimal, whole: "" and anything else is nullopt.
std::optional<long long> decimal(std::string_view s) {
    if (s.empty()) return std::nullopt;
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

constexpr long long kChunkBytes = 256 * 1024;

class FileSource final : public StreamSource, public std::enable_shared_from_this<FileSource> {
public:
    FileSource(std::shared_ptr<OpenFile> file, long long first, long long last, Offload offload)
        : file_(std::move(file)), next_(first), last_(last), offload_(std::move(offload)) {}

    void start(std::shared_ptr<StreamSink> sink) override {
        sink_ = std::move(sink);
        read_next();
    }
    void stop() override {
        stopped_ = true;
        sink_.reset();
    }

private:
    void read_next() {
        if (stopped_) return;
        if (next_ > last_) {
            auto sink = sink_;
            stop();
            if (sink) sink->end();
            return;
        }
        // Disk reads may block: they run on the handler pool, the write on the event loop.
        offload_([self = shared_from_this(), ex = sink_->executor()] {
            std::string chunk = self->read_chunk();
            boost::asio::post(ex, [self, chunk = std::move(chunk)]() mutable { self->on_chunk(std::move(chunk)); });
        });
    }

    std::string read_chunk() {
        std::string buf(static_cast<std::size_t>(std::min(kChunkBytes, last_ - next_ + 1)), '\0');
        std::size_t got = 0;
        while (got < buf.size()) {
            ssize_t n = ::pread(file_->fd(), buf.data() + got, buf.size() - got, static_cast<off_t>(next_) + got);
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        buf.resize(got);
        return buf;
    }

    void on_chunk(std::string chunk) {
        if (stopped_) return;
        if (chunk.empty()) {  // a read error: the promised length cannot be kept, so the client must see a cut
            auto sink = sink_;
            stop();
            if (sink) sink->end();  // closes the connection short of Content-Length
            return;
        }
        next_ += static_cast<long long>(chunk.size());
        sink_->write(std::move(chunk), [self = shared_from_this()](bool ok) {
            if (ok) self->read_next();
        });
    }

    std::shared_ptr<OpenFile> file_;
    long long next_, last_;
    Offload offload_;
    std::shared_ptr<StreamSink> sink_;
    bool stopped_ = false;
};

}  // namespace

ByteRange parse_byte_range(std::string_view header, long long size) {
    ByteRange whole{ByteRange::Kind::kWhole, 0, size - 1};
    header = trim_blanks(header);
    constexpr std::string_view kUnit = "bytes=";
    if (header.size() < kUnit.size()) return whole;
    for (std::size_t i = 0; i < kUnit.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != kUnit[i]) return whole;
    std::string_view spec = trim_blanks(header.substr(kUnit.size()));
    if (spec.find(',') != std::string_view::npos) return whole;  // several ranges: the whole file instead
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    auto from = trim_blanks(spec.substr(0, dash)), to = trim_blanks(spec.substr(dash + 1));
    if (from.empty()) {  // the last N bytes
        auto n = decimal(to);
        if (!n) return whole;
        if (*n == 0 || size == 0) return {ByteRange::Kind::kUnsatisfiable, 0, -1};
        return {ByteRange::Kind::kPartial, std::max(0LL, size - *n), size - 1};
    }
    auto first = decimal(from);
    if (!first) return whole;
    std::optional<long long> last = to.empty() ? std::optional<long long>(size - 1) : decimal(to);
    if (!last) return whole;
    if (*first >= size) return {ByteRange::Kind::kUnsatisfiable, 0, -1};
    if (*last < *first) return whole;  // malformed: ignored, as RFC 9110 says
    return {ByteRange::Kind::kPartial, *first, std::min(*last, size - 1)};
}

std::shared_ptr<OpenFile> OpenFile::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return nullptr;
    }
    return std::shared_ptr<OpenFile>(new OpenFile(fd, static_cast<long long>(st.st_size)));
}

OpenFile::~OpenFile() { ::close(fd_); }

std::shared_ptr<StreamSource> file_stream_source(std::shared_ptr<OpenFile> file, long long first, long long last,
                                                 Offload offload) {
    return std::make_shared<FileSource>(std::move(file), first, last, std::move(offload));
}

}  // namespace lc::http
