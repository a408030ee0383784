#pragma once
// A file server on loopback standing in for where a provider keeps a class's files (Jibri's upload
// target, Zoom's download_url, a BigBlueButton playback directory): GET of a known path answers its
// body, anything else 404, and every request 500 while it is told to be down.
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "http/server.hpp"
#include "infra/log.hpp"

namespace lc::testing {

class FileHost {
public:
    explicit FileHost(std::map<std::string, std::string> files)
        : files_(std::move(files)), log_(infra::Logger::quiet()) {
        namespace bhttp = boost::beast::http;
        http::ServerOptions so;
        so.port = 0;
        so.io_threads = 1;
        so.handler_threads = 2;
        server_ = std::make_unique<http::Server>(
            so,
            [this](std::shared_ptr<const http::Request> req, const http::ConnInfo&, const http::Offload&,
                   http::Respond respond, http::RespondStream) {
                ++hits_;
                http::Response res{bhttp::status::ok, req->version()};
                auto file = files_.find(std::string(req->target()));
                if (down_) {
                    res.result(bhttp::status::internal_server_error);
                } else if (file == files_.end()) {
                    res.result(bhttp::status::not_found);
                } else {
                    const std::string& path = file->first;
                    res.set(bhttp::field::content_type, path.ends_with(".mp4")   ? "video/mp4"
                                                        : path.ends_with(".xml") ? "application/xml"
                                                                                 : "text/plain; charset=utf-8");
                    res.body() = file->second;
                }
                res.keep_alive(false);
                res.prepare_payload();
                respond(std::move(res));
            },
            log_);
        port_ = server_->start();
    }
    ~FileHost() { server_->stop(1); }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string url(const std::string& path) const { return origin() + path; }
    void set_down(bool d) { down_ = d; }
    int hits() const { return hits_.load(); }

private:
    const std::map<std::string, std::string> files_;
    infra::Logger log_;
    std::unique_ptr<http::Server> server_;
    unsigned short port_ = 0;
    std::atomic<bool> down_{false};
    std::atomic<int> hits_{0};
};

}  // namespace lc::testing
