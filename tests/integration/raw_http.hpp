#pragma once
// Raw bytes to the test server over a plain socket, for requests a well-behaved client library
// refuses to build (smuggling, bad framing, oversize or malformed headers).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace lc::testing {

struct RawExchange {
    std::string received;            // every byte the server sent before closing (or the timeout)
    std::vector<unsigned> statuses;  // one per complete response in `received`, in order
    bool timed_out = false;
};

/// Parses the responses in `data` (each has a Content-Length: the server always sets one).
inline std::vector<unsigned> response_statuses(const std::string& data) {
    std::vector<unsigned> out;
    std::size_t pos = 0;
    while (pos < data.size() && data.compare(pos, 5, "HTTP/") == 0) {
        auto sp = data.find(' ', pos);
        auto end = data.find("\r\n\r\n", pos);
        if (sp == std::string::npos || end == std::string::npos) break;
        out.push_back(static_cast<unsigned>(std::atoi(data.c_str() + sp + 1)));
        std::size_t len = 0;
        std::string head = data.substr(pos, end - pos);
        for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (auto cl = head.find("\r\ncontent-length:"); cl != std::string::npos)
            len = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
        pos = end + 4 + len;
    }
    return out;
}

/// Sends `bytes`, half-closes (so an incomplete request ends in EOF rather than the read timeout),
/// and reads until the server closes or `timeout_ms` passes.
inline RawExchange raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms = 8000) {
    RawExchange ex;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return ex;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return ex;
    }
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may close early (e.g. after answering 400 to the headers)
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[16384];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ex.timed_out = true;
            break;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        ex.received.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    ex.statuses = response_statuses(ex.received);
    return ex;
}

/// A client that sends one request, reads the response's header and then stops reading, with a small
/// receive buffer: the server's stream stays open (blocked on a full socket) until close().
class StalledReader {
public:
    StalledReader(unsigned short port, const std::string& request, int timeout_ms = 8000) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) return;
        int small = 4096;
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
            close();
            return;
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        char c = 0;
        while (head_.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            if (::recv(fd_, &c, 1, 0) != 1) break;  // one byte at a time: nothing past the header is read
            head_ += c;
        }
    }
    ~StalledReader() { close(); }
    StalledReader(const StalledReader&) = delete;
    StalledReader& operator=(const StalledReader&) = delete;
    /// The response's status line and fields, as received.
    const std::string& head() const { return head_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    std::string head_;
};

}  // namespace lc::testing
