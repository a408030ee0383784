#pragma once
// A fake Zoom on loopback that speaks the documented protocol: Server-to-Server OAuth
// (POST /oauth/token, Basic client credentials, grant_type=account_credentials) issuing bearer tokens,
// and the REST API v2 under /v2 (meetings and webinars, status, in-meeting events, the participant
// report with next_page_token paging, cloud recordings), JSON errors {"code","message"} included.
// It can fail like the real one: HTTP 500, a body that is not JSON, answering too late, and revoking
// every token it issued (the next call gets 401).
#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.hpp"
#include "infra/log.hpp"

namespace lc::testing {

class FakeZoom {
public:
    enum class Mode { kNormal, kHttp500, kNotJson, kSlow };
    struct Request {
        std::string method, target, body;
    };

    FakeZoom(std::string account_id, std::string client_id, std::string client_secret);
    ~FakeZoom();

    std::string api_base() const { return base() + "/v2"; }
    std::string oauth_url() const { return base() + "/oauth/token"; }
    void set_mode(Mode m) { mode_ = m; }
    /// Every token issued so far stops working (as when an app is re-activated).
    void revoke_tokens();
    int tokens_issued() const { return tokens_issued_.load(); }
    std::vector<Request> requests() const;
    bool has_meeting(const std::string& id) const;
    boost::json::object meeting(const std::string& id) const;
    bool ended(const std::string& id) const;
    /// Participant report records for a meeting (Zoom keeps one per join, rejoins included).
    void set_report(const std::string& meeting_id, boost::json::array participants);
    void set_recordings(const std::string& meeting_id, boost::json::object recordings);

private:
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void handle(const std::string& method, const std::string& target, const std::string& auth, const std::string& body,
                unsigned& status, std::string& out);

    std::string account_, client_, secret_;
    std::atomic<Mode> mode_{Mode::kNormal};
    std::atomic<int> tokens_issued_{0};
    infra::Logger log_;
    std::unique_ptr<http::Server> server_;
    unsigned short port_ = 0;
    mutable std::mutex mu_;
    std::vector<Request> requests_;
    std::vector<std::string> valid_tokens_;
    long long next_id_ = 85746352;
    std::map<std::string, boost::json::object> meetings_;
    std::map<std::string, bool> ended_;
    std::map<std::string, boost::json::array> reports_;
    std::map<std::string, boost::json::object> recordings_;
};

}  // namespace lc::testing
