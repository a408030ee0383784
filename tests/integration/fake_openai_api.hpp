#pragma once
// What the fakes of services in OpenAI's API dialect (speech-to-text, chat completions) share: an HTTP
// server on loopback whose answers are a status and a JSON body, a rate limit's with Retry-After as
// OpenAI's, and the error document those APIs answer with.
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "http/server.hpp"
#include "infra/log.hpp"

namespace lc::testing {

class FakeOpenAiApi {
public:
    using Answer = std::function<std::pair<int, std::string>(const http::Request&)>;

    /// Serves `answer` on an ephemeral loopback port; a 429 says to come back in `retry_after` seconds.
    FakeOpenAiApi(Answer answer, int retry_after, std::size_t body_limit = 1024 * 1024)
        : answer_(std::move(answer)), log_(infra::Logger::quiet()) {
        namespace bhttp = boost::beast::http;
        http::ServerOptions so;
        so.port = 0;
        so.io_threads = 1;
        so.handler_threads = 2;
        so.body_limit = body_limit;
        server_ = std::make_unique<http::Server>(
            so,
            [this, retry_after](std::shared_ptr<const http::Request> req, const http::ConnInfo&, const http::Offload&,
                                http::Respond respond, http::RespondStream) {
                http::Response res{bhttp::status::ok, req->version()};
                auto [status, body] = answer_(*req);
                res.result(static_cast<bhttp::status>(status));
                res.set(bhttp::field::content_type, "application/json");
                if (status == 429) res.set(bhttp::field::retry_after, std::to_string(retry_after));
                res.body() = std::move(body);
                res.keep_alive(false);
                res.prepare_payload();
                respond(std::move(res));
            },
            log_);
        port_ = server_->start();
    }
    ~FakeOpenAiApi() { server_->stop(1); }
    FakeOpenAiApi(const FakeOpenAiApi&) = delete;
    FakeOpenAiApi& operator=(const FakeOpenAiApi&) = delete;

    /// The API's base, as LIVE_..._URL names it.
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

    /// {"error": {"message", "type", "param", "code"}}; an empty param or code is null.
    static std::string error_doc(const std::string& message, const char* type, const std::string& param = {},
                                 const std::string& code = {}) {
        boost::json::object e{{"message", message}, {"type", type}};
        e["param"] = param.empty() ? boost::json::value(nullptr) : boost::json::value(param);
        e["code"] = code.empty() ? boost::json::value(nullptr) : boost::json::value(code);
        return boost::json::serialize(boost::json::object{{"error", std::move(e)}});
    }

private:
    Answer answer_;
    infra::Logger log_;
    std::unique_ptr<http::Server> server_;
    unsigned short port_ = 0;
};

}  // namespace lc::testing
