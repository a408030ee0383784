#pragma once
// Serving a stored file (a recording copy) the way browsers' video players expect: byte ranges
// (RFC 9110 section 14) so a viewer can seek, read from disk in chunks off the event loop, never
// held in memory whole.
#include <memory>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace lc::http {

struct ByteRange {
    enum class Kind { kWhole, kPartial, kUnsatisfiable };
    Kind kind = Kind::kWhole;
    long long first = 0, last = -1;  // inclusive; for kWhole the whole file
};

/// The Range header of a GET for a file of `size` bytes. A header we do not serve ranges for (absent,
/// not "bytes", several ranges, malformed) means the whole file, as RFC 9110 allows; a range that starts
/// past the end (or an empty suffix) is unsatisfiable (416); an end past the file is clipped.
ByteRange parse_byte_range(std::string_view header, long long size);

/// A file opened for streaming: its size is read from the open descriptor, so the length promised in
/// the header is the length of what is read, even if the file is deleted or replaced meanwhile.
class OpenFile {
public:
    static std::shared_ptr<OpenFile> open(const std::string& path);  // null when it cannot be opened
    ~OpenFile();
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    long long size() const { return size_; }
    int fd() const { return fd_; }

private:
    OpenFile(int fd, long long size) : fd_(fd), size_(size) {}
    int fd_;
    long long size_;
};

/// Writes bytes [first, last] of `file` to the stream, reading each chunk on the handler pool
/// (`offload`) and writing it on the connection's event loop.
std::shared_ptr<StreamSource> file_stream_source(std::shared_ptr<OpenFile> file, long long first, long long last,
                                                 Offload offload);

}  // namespace lc::http
