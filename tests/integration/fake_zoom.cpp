#include "fake_zoom.hpp"

#include <boost/url.hpp>
#include <chrono>
#include <thread>

#include "infra/crypto.hpp"

namespace lc::testing {

namespace json = boost::json;

namespace {

std::string error_body(int code, const std::string& message) {
    return json::serialize(json::object{{"code", code}, {"message", message}});
}

/// "/v2/meetings/123/status" -> {"v2", "meetings", "123", "status"}
std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

}  // namespace

FakeZoom::FakeZoom(std::string account_id, std::string client_id, std::string client_secret)
    : account_(std::move(account_id)),
      client_(std::move(client_id)),
      secret_(std::move(client_secret)),
      log_(infra::Logger::quiet()) {
    http::ServerOptions so;
    so.port = 0;
    so.io_threads = 1;
    so.handler_threads = 4;
    server_ = std::make_unique<http::Server>(
        so,
        [this](std::shared_ptr<const http::Request> req, const http::ConnInfo&, const http::Offload& offload,
               http::Respond respond, http::RespondStream) {
            offload([this, req, respond] {
                Mode mode = mode_.load();
                http::Response res{boost::beast::http::status::ok, req->version()};
                res.set(boost::beast::http::field::content_type, "application/json;charset=UTF-8");
                res.keep_alive(req->keep_alive());
                if (mode == Mode::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                if (mode == Mode::kHttp500) {
                    res.result(boost::beast::http::status::internal_server_error);
                    res.body() = error_body(500, "Internal Server Error");
                } else if (mode == Mode::kNotJson) {
                    res.body() = "<html>upstream connect error</html>";
                } else {
                    unsigned status = 200;
                    std::string out;
                    handle(std::string(req->method_string()), std::string(req->target()),
                           std::string((*req)[boost::beast::http::field::authorization]), req->body(), status, out);
                    res.result(status);
                    res.body() = out;
                }
                res.prepare_payload();
                respond(std::move(res));
            });
        },
        log_);
    port_ = server_->start();
}

FakeZoom::~FakeZoom() { server_->stop(1); }

void FakeZoom::revoke_tokens() {
    std::lock_guard lk(mu_);
    valid_tokens_.clear();
}

std::vector<FakeZoom::Request> FakeZoom::requests() const {
    std::lock_guard lk(mu_);
    return requests_;
}

bool FakeZoom::has_meeting(const std::string& id) const {
    std::lock_guard lk(mu_);
    return meetings_.count(id) > 0;
}

json::object FakeZoom::meeting(const std::string& id) const {
    std::lock_guard lk(mu_);
    auto it = meetings_.find(id);
    return it == meetings_.end() ? json::object{} : it->second;
}

bool FakeZoom::ended(const std::string& id) const {
    std::lock_guard lk(mu_);
    auto it = ended_.find(id);
    return it != ended_.end() && it->second;
}

void FakeZoom::set_report(const std::string& meeting_id, json::array participants) {
    std::lock_guard lk(mu_);
    reports_[meeting_id] = std::move(participants);
}

void FakeZoom::set_recordings(const std::string& meeting_id, json::object recordings) {
    std::lock_guard lk(mu_);
    recordings_[meeting_id] = std::move(recordings);
}

void FakeZoom::handle(const std::string& method, const std::string& target, const std::string& auth,
                      const std::string& body, unsigned& status, std::string& out) {
    std::lock_guard lk(mu_);
    requests_.push_back({method, target, body});
    auto u = boost::urls::parse_origin_form(target);
    if (!u) {
        status = 400;
        out = error_body(300, "bad request");
        return;
    }
    std::string path = u->path();
    std::map<std::string, std::string> query;
    for (auto p : u->params()) query[p.key] = p.value;

    if (path == "/oauth/token") {
        // Basic base64(client_id:client_secret); account_credentials grant for our account.
        std::map<std::string, std::string> form;
        const std::string ref = "?" + body;  // the view below points into it
        auto f = boost::urls::parse_relative_ref(ref);
        if (f)
            for (auto p : f->params()) form[p.key] = p.value;
        bool ok = method == "POST" && auth == "Basic " + infra::base64_encode(client_ + ":" + secret_) &&
                  form["grant_type"] == "account_credentials" && form["account_id"] == account_;
        if (!ok) {
            status = 400;
            out = json::serialize(
                json::object{{"reason", "Invalid client_id or client_secret"}, {"error", "invalid_client"}});
            return;
        }
        std::string token = "zoom-token-" + std::to_string(++tokens_issued_);
        valid_tokens_.push_back(token);
        out = json::serialize(json::object{{"access_token", token},
                                           {"token_type", "bearer"},
                                           {"expires_in", 3599},
                                           {"scope", "meeting:write:admin report:read:admin recording:read:admin"}});
        return;
    }
    bool authed = auth.rfind("Bearer ", 0) == 0 &&
                  std::find(valid_tokens_.begin(), valid_tokens_.end(), auth.substr(7)) != valid_tokens_.end();
    if (!authed) {
        status = 401;
        out = error_body(124, "Invalid access token.");
        return;
    }
    auto seg = segments(path);
    auto not_found = [&](const std::string& id) {
        status = 404;
        out = error_body(3001, "Meeting does not exist: " + id + ".");
    };
    boost::system::error_code ec;
    json::value in = body.empty() ? json::value(json::object{}) : json::parse(body, ec);
    if (ec || !in.is_object()) {
        status = 400;
        out = error_body(300, "Request Body should be a valid JSON object.");
        return;
    }
    // POST /v2/users/{userId}/meetings|webinars
    if (method == "POST" && seg.size() == 4 && seg[1] == "users" && (seg[3] == "meetings" || seg[3] == "webinars")) {
        std::string id = std::to_string(next_id_++);
        json::object m = in.get_object();
        m["id"] = std::stoll(id);
        m["uuid"] = "uuid-" + id + "==";
        m["host_id"] = seg[2];
        m["password"] = "pw" + id.substr(id.size() - 4);
        m["join_url"] = "https://zoom.test/j/" + id + "?pwd=abc";
        m["kind"] = seg[3];
        meetings_[id] = m;
        status = 201;
        json::object answer = m;
        answer["start_url"] = "https://zoom.test/s/" + id + "?zak=" + std::to_string(requests_.size());
        out = json::serialize(answer);
        return;
    }
    // /v2/meetings|webinars/{id}[/status|/recordings]
    if (seg.size() >= 3 && (seg[1] == "meetings" || seg[1] == "webinars")) {
        const std::string& id = seg[2];
        if (seg.size() == 4 && seg[3] == "recordings" && method == "GET") {
            auto it = recordings_.find(id);
            if (it == recordings_.end()) {
                status = 404;
                out = error_body(3301, "This recording does not exist.");
                return;
            }
            out = json::serialize(it->second);
            return;
        }
        if (seg.size() == 6 && seg[3] == "recordings" && method == "DELETE") {
            status = 204;
            return;
        }
        auto it = meetings_.find(id);
        if (it == meetings_.end()) return not_found(id);
        if (seg.size() == 3 && method == "GET") {
            json::object answer = it->second;
            answer["start_url"] = "https://zoom.test/s/" + id + "?zak=" + std::to_string(requests_.size());
            out = json::serialize(answer);
            return;
        }
        if (seg.size() == 3 && method == "PATCH") {
            for (auto& [k, v] : in.get_object()) it->second[k] = v;
            status = 204;
            return;
        }
        if (seg.size() == 3 && method == "DELETE") {
            meetings_.erase(it);
            status = 204;
            return;
        }
        if (seg.size() == 4 && seg[3] == "status" && method == "PUT") {
            ended_[id] = in.get_object().contains("action") && in.get_object().at("action") == "end";
            status = 204;
            return;
        }
    }
    // PATCH /v2/live_meetings/{id}/events
    if (method == "PATCH" && seg.size() == 4 && seg[1] == "live_meetings" && seg[3] == "events") {
        if (!meetings_.count(seg[2])) return not_found(seg[2]);
        status = 202;
        return;
    }
    // GET /v2/report/meetings/{id}/participants: two records per page, paged with next_page_token.
    if (method == "GET" && seg.size() == 5 && seg[1] == "report" && seg[4] == "participants") {
        auto it = reports_.find(seg[3]);
        if (it == reports_.end()) return not_found(seg[3]);
        std::size_t from = query["next_page_token"].empty() ? 0 : std::stoul(query["next_page_token"]);
        json::array page;
        for (std::size_t i = from; i < it->second.size() && i < from + 2; ++i) page.push_back(it->second[i]);
        std::string next = from + 2 < it->second.size() ? std::to_string(from + 2) : "";
        out = json::serialize(json::object{
            {"page_size", 2}, {"total_records", it->second.size()}, {"next_page_token", next}, {"participants", page}});
        return;
    }
    status = 404;
    out = error_body(404, "No such API: " + method + " " + path);
}

}  // namespace lc::testing
