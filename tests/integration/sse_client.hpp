#pragma once
// An event-stream (Server-Sent Events) client for integration tests, on a plain socket, so that the
// framing the server writes is what is read.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace lc::testing {

/// One event (or comment block) of an event stream as a client reads it.
struct SseEvent {
    std::string event, id, data, comment;
    int retry = -1;
};

/// An event-stream client on a plain socket: sends the request, then reads the header, undoes the chunked
/// framing and splits the body into events. Every read waits at most `timeout_ms` (generous: the server
/// polls every 200 ms in these tests, so a change shows up long before it).
class SseClient {
public:
    SseClient(unsigned short port, const std::string& target, const std::string& token, int timeout_ms = 15000)
        : timeout_ms_(timeout_ms) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            close();
            return;
        }
        std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
        if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
        req += "\r\n";
        if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) close();
    }
    ~SseClient() { close(); }
    SseClient(const SseClient&) = delete;
    SseClient& operator=(const SseClient&) = delete;

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    /// Reads until the header is complete; its status (0: none).
    unsigned status() {
        while (!head_done_ && fill()) parse();
        if (!head_done_) return 0;
        return static_cast<unsigned>(std::atoi(head_.c_str() + head_.find(' ') + 1));
    }
    /// A header of the answer, lower-case name ("" when absent).
    std::string header(const std::string& name) {
        status();
        std::string lower = head_;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto at = lower.find("\r\n" + name + ":");
        if (at == std::string::npos) return "";
        auto start = at + 3 + name.size();
        auto end = lower.find("\r\n", start);
        std::string v = head_.substr(start, end - start);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        return v;
    }
    /// The body of a non-streamed answer (Content-Length).
    std::string plain_body() {
        status();
        auto len = static_cast<std::size_t>(std::atol(header("content-length").c_str()));
        while (raw_.size() < len && fill()) {
        }
        return raw_.substr(0, len);
    }

    /// The next event block (comments and retry-only blocks included); nullopt when the stream ended or
    /// the wait ran out.
    std::optional<SseEvent> next() {
        for (;;) {
            auto blank = body_.find("\n\n");
            if (blank != std::string::npos) {
                std::string block = body_.substr(0, blank);
                body_.erase(0, blank + 2);
                return parse_block(block);
            }
            if (last_chunk_ || !fill()) return std::nullopt;
            parse();
        }
    }
    /// The next event named `name` (others skipped).
    std::optional<SseEvent> next_named(const std::string& name) {
        while (auto e = next())
            if (e->event == name) return e;
        return std::nullopt;
    }
    /// True when the server ends the body (last chunk) and closes the connection within the wait.
    bool ends() {
        while (!last_chunk_ && fill()) parse();
        if (!last_chunk_) return false;
        while (fill()) {
        }
        return closed_;
    }
    /// Every byte of the body seen so far and not yet returned as an event.
    const std::string& pending_body() const { return body_; }

private:
    static SseEvent parse_block(const std::string& block) {
        SseEvent e;
        std::size_t pos = 0;
        bool first_data = true;
        while (pos <= block.size()) {
            auto nl = block.find('\n', pos);
            std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            pos = nl == std::string::npos ? block.size() + 1 : nl + 1;
            if (line.rfind(":", 0) == 0) {
                e.comment = line.substr(1);
                if (!e.comment.empty() && e.comment[0] == ' ') e.comment.erase(0, 1);
                continue;
            }
            auto colon = line.find(':');
            std::string field = line.substr(0, colon);
            std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            if (field == "event") e.event = value;
            if (field == "id") e.id = value;
            if (field == "retry") e.retry = std::atoi(value.c_str());
            if (field == "data") {
                e.data += (first_data ? "" : "\n") + value;
                first_data = false;
            }
        }
        return e;
    }

    /// Reads more bytes; false when the socket closed or nothing came within the wait.
    bool fill() {
        if (fd_ < 0 || closed_) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms_) <= 0) return false;
        char buf[16384];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            closed_ = true;
            return false;
        }
        raw_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    /// Moves complete pieces from raw_: the header, then chunks into body_.
    void parse() {
        if (!head_done_) {
            auto end = raw_.find("\r\n\r\n");
            if (end == std::string::npos) return;
            head_ = raw_.substr(0, end);
            raw_.erase(0, end + 4);
            head_done_ = true;
            std::string te = header("transfer-encoding");
            chunked_ = te.find("chunked") != std::string::npos;
        }
        if (!chunked_) return;
        for (;;) {
            auto eol = raw_.find("\r\n");
            if (eol == std::string::npos) return;
            std::size_t size = std::strtoul(raw_.substr(0, eol).c_str(), nullptr, 16);
            if (size == 0) {
                if (raw_.size() < eol + 4) return;  // "0\r\n\r\n"
                last_chunk_ = true;
                raw_.erase(0, eol + 4);
                return;
            }
            if (raw_.size() < eol + 2 + size + 2) return;
            body_ += raw_.substr(eol + 2, size);
            raw_.erase(0, eol + 2 + size + 2);
        }
    }

    int fd_ = -1;
    int timeout_ms_;
    std::string raw_, head_, body_;
    bool head_done_ = false, chunked_ = false, last_chunk_ = false, closed_ = false;
};

}  // namespace lc::testing
