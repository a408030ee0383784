#pragma once
// What the BigBlueButton recording tests share: an ended class on the fake BBB server whose recording
// BigBlueButton calls ready through its signed recording-ready callback.
#include <boost/json.hpp>
#include <string>

#include "fake_bbb.hpp"
#include "harness.hpp"
#include "infra/crypto.hpp"
#include "infra/jwt.hpp"

namespace lc::testing {

/// Makes `fake` (shared secret `secret`) the school's BigBlueButton, holds and ends a class there, lists
/// `rec` for it (its meeting id is filled in) and posts BBB's signed recording-ready callback. Runs no
/// job. Returns the class's id ("" when the callback was refused).
inline std::string bbb_recording_ready(TestServer& srv, const TestServer::School& s, FakeBbb& fake,
                                       const std::string& secret, FakeBbb::Recording rec) {
    namespace json = boost::json;
    auto config = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/",
                               json::object{{"provider", "bbb"},
                                            {"is_default", true},
                                            {"bbb_server_url", fake.server_url()},
                                            {"bbb_shared_secret", secret}},
                               s.admin_token);
    EXPECT_EQ(config.status, 200u) << config.body;
    auto created = srv.create_session(s);
    const std::string id(created.at("id").as_string()), room(created.at("room_id").as_string());
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    rec.meeting_id = room;
    const std::string record = rec.record_id;
    fake.add_recording(std::move(rec));
    const std::string jwt = infra::jwt_sign_hs256(json::object{{"meeting_id", room}, {"record_id", record}}, secret);
    auto ready = http_request(
        srv.port(), "POST", "/api/v1/live-sessions/webhooks/bbb/?tenant=" + s.tenant.id + "&event=recording-ready",
        infra::form_encode({{"signed_parameters", jwt}}), "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(ready.status, 200u) << ready.body;
    return ready.status == 200 ? id : "";
}

}  // namespace lc::testing
