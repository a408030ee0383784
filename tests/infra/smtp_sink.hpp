#pragma once
// A real SMTP server for tests: tests/support/smtp_sink.py (aiosmtpd) as a child process on loopback.
// Each accepted message is parsed by Python's `email` package, a MIME parser independent of ours, and
// read back here as a ReceivedMail. Header-only (gtest, Boost.JSON and the standard library) so that
// infra and integration tests can both include it.
//
//     lc::testing::SmtpSink sink;                       // or SmtpSink({.auth = "user:pass"})
//     settings.url = sink.url();                        // smtp://127.0.0.1:<port>
//     ... send ...
//     auto mails = sink.wait_for(1);
//     ASSERT_EQ(mails.size(), 1U);
//
// Needs LIVECLASS_SOURCE_DIR (the test targets define it) and Debian's /usr/bin/python3 with aiosmtpd.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../support/spawned_server.hpp"

namespace lc::testing {

struct ReceivedAttachment {
    std::optional<std::string> filename;        // decoded (RFC 2231 / encoded-words)
    std::string content_type;                   // "text/calendar" (lowercase, no parameters)
    std::string content_type_header;            // the whole header value, parameters included
    std::map<std::string, std::string> params;  // Content-Type parameters (names lowercase)
    std::string disposition;                    // "attachment", "inline"
    std::string content;                        // the decoded bytes, exactly
};

struct ReceivedMail {
    std::string helo;       // the name the client gave in EHLO/HELO
    std::string mail_from;  // envelope
    std::vector<std::string> rcpt_tos;
    bool tls = false;                       // the message came over TLS (STARTTLS or implicit)
    std::optional<std::string> auth_login;  // who signed in, when AUTH was used
    std::string subject;                    // decoded
    std::string from, to;                   // decoded, e.g. "Ayşe Öğretmen <ayse@example.com>"
    std::string from_display_name, to_display_name;
    std::string content_type;  // of the whole message, e.g. "multipart/mixed"
    /// Every header as Python decoded it, by lowercase name, in order of appearance.
    std::map<std::string, std::vector<std::string>> headers;
    std::vector<std::string> defects;  // what Python's parser found wrong (should be empty)
    std::string text, html;            // decoded bodies, line breaks as "\n"
    std::vector<ReceivedAttachment> attachments;
    std::string raw;  // the message as received (after SMTP dot-unstuffing)

    /// The first value of a header ("" when absent).
    std::string header(const std::string& name) const {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto it = headers.find(lower);
        return it == headers.end() || it->second.empty() ? std::string() : it->second.front();
    }
    std::size_t header_count(const std::string& name) const {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto it = headers.find(lower);
        return it == headers.end() ? 0 : it->second.size();
    }
};

struct SmtpSinkOptions {
    std::string auth;               // "user:pass": require AUTH LOGIN/PLAIN
    std::string tls_cert, tls_key;  // offer STARTTLS with this certificate
    bool require_tls = false;       // refuse MAIL before STARTTLS
    bool implicit_tls = false;      // TLS from the first byte (smtps://)
    int reject_rcpt = 0;            // answer RCPT TO with this code for addresses containing "reject"
};

namespace detail {

inline std::string base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    int bits = 0;
    unsigned buffer = 0;
    for (char c : in) {
        const int v = value(c);
        if (v < 0) continue;  // padding
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

inline std::string str(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline std::optional<std::string> opt_str(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
}

inline ReceivedMail parse_mail(const boost::json::object& o) {
    ReceivedMail m;
    m.helo = str(o, "helo");
    m.mail_from = str(o, "mail_from");
    for (const auto& r : o.at("rcpt_tos").as_array()) m.rcpt_tos.emplace_back(r.as_string());
    m.tls = o.at("tls").as_bool();
    m.auth_login = opt_str(o, "auth_login");
    m.subject = str(o, "subject");
    m.from = str(o, "from");
    m.to = str(o, "to");
    m.from_display_name = str(o, "from_display_name");
    m.to_display_name = str(o, "to_display_name");
    m.content_type = str(o, "content_type");
    for (const auto& [name, values] : o.at("headers").as_object())
        for (const auto& v : values.as_array()) m.headers[std::string(name)].emplace_back(v.as_string());
    for (const auto& d : o.at("defects").as_array()) m.defects.emplace_back(d.as_string());
    m.text = str(o, "text");
    m.html = str(o, "html");
    for (const auto& av : o.at("attachments").as_array()) {
        const auto& a = av.as_object();
        ReceivedAttachment att;
        att.filename = opt_str(a, "filename");
        att.content_type = str(a, "content_type");
        att.content_type_header = str(a, "content_type_header");
        for (const auto& [k, v] : a.at("params").as_object()) att.params[std::string(k)] = std::string(v.as_string());
        att.disposition = str(a, "disposition");
        att.content = base64_decode(str(a, "content_base64"));
        m.attachments.push_back(std::move(att));
    }
    m.raw = str(o, "raw");
    return m;
}

/// A fresh private directory under $TMPDIR (or /tmp).
inline std::filesystem::path make_temp_dir(const char* prefix) { return lc::testing::make_temp_dir(prefix); }

/// Runs a program to completion (argv[0] looked up on PATH), its output into `log`; returns the exit code.
inline int run_program(const std::vector<std::string>& args, const std::filesystem::path& log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace detail

/// A self-signed certificate for CN=localhost with subjectAltName DNS:localhost and IP:127.0.0.1, made
/// with openssl in a temporary directory that is removed with the object.
class SelfSignedCert {
public:
    SelfSignedCert() : dir_(detail::make_temp_dir("lc-cert-")) {
        const int rc = detail::run_program(
            {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key_path(), "-out", cert_path()},
            dir_ / "openssl.log");
        if (rc != 0) {
            std::ifstream log(dir_ / "openssl.log");
            std::stringstream text;
            text << log.rdbuf();
            std::filesystem::remove_all(dir_);
            throw std::runtime_error("openssl req failed (" + std::to_string(rc) + "): " + text.str());
        }
    }
    ~SelfSignedCert() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    SelfSignedCert(const SelfSignedCert&) = delete;
    SelfSignedCert& operator=(const SelfSignedCert&) = delete;

    std::string cert_path() const { return (dir_ / "cert.pem").string(); }
    std::string key_path() const { return (dir_ / "key.pem").string(); }

private:
    std::filesystem::path dir_;
};

class SmtpSink {
public:
    /// Starts the sink and waits for it to listen. Throws std::runtime_error (a failed test under gtest)
    /// when it cannot start.
    explicit SmtpSink(SmtpSinkOptions options = {}) : server_("the SMTP sink", "lc-smtp-sink-") { start(options); }
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return port_; }
    /// smtp://127.0.0.1:<port> (smtps:// when implicit_tls).
    std::string url() const {
        return (implicit_tls_ ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_);
    }
    const std::filesystem::path& dir() const { return server_.dir(); }

    /// The messages accepted so far, in order of arrival.
    std::vector<ReceivedMail> messages() const {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(server_.dir())) {
            const std::string name = entry.path().filename().string();
            if (name.starts_with("msg-") && name.ends_with(".json")) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        std::vector<ReceivedMail> out;
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            out.push_back(detail::parse_mail(boost::json::parse(text.str()).as_object()));
        }
        return out;
    }

    /// Polls until at least n messages have arrived or the timeout passes; returns what is there then
    /// (so a test asserts on the size).
    std::vector<ReceivedMail> wait_for(std::size_t n,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto got = messages();
            if (got.size() >= n || std::chrono::steady_clock::now() >= deadline) return got;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

private:
    void start(const SmtpSinkOptions& o) {
        implicit_tls_ = o.implicit_tls;
        std::vector<std::string> args = {"-I", std::string(LIVECLASS_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                                         server_.dir().string()};
        if (!o.auth.empty()) args.insert(args.end(), {"--auth", o.auth});
        if (!o.tls_cert.empty()) args.insert(args.end(), {"--tls", o.tls_cert, o.tls_key});
        if (o.require_tls) args.push_back("--require-tls");
        if (o.implicit_tls) args.push_back("--implicit-tls");
        if (o.reject_rcpt != 0) args.insert(args.end(), {"--reject-rcpt", std::to_string(o.reject_rcpt)});
        // The sink's hello is its bound port alone.
        const std::string line = server_.start(args, std::chrono::seconds(20));
        port_ = std::atoi(line.c_str());
        if (port_ <= 0) throw std::runtime_error("the SMTP sink printed no port: " + line);
    }

    SpawnedServer server_;  // stopped (and its directory removed) when the sink goes away
    int port_ = 0;
    bool implicit_tls_ = false;
};

}  // namespace lc::testing
