// Bad input over HTTP (issue 2, item 9): every rejection is an RFC 9457 problem document with the
// right status and per-field errors, and a rejected write changes nothing. Also 404/405/413, bad
// path UUIDs, unknown query filters and invalid status transitions (409). SQLite and PostgreSQL.
#include <soci/soci.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "core/time.hpp"
#include "harness.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

/// Asserts the response is a problem document with `status` and returns whether it was.
::testing::AssertionResult is_problem(const HttpResult& r, unsigned status) {
    if (r.status != status)
        return ::testing::AssertionFailure() << "status " << r.status << " != " << status << ": " << r.body;
    auto ct = r.headers.find("content-type");
    if (ct == r.headers.end() || ct->second != "application/problem+json")
        return ::testing::AssertionFailure() << "content-type is not application/problem+json: " << r.body;
    if (!r.json.is_object()) return ::testing::AssertionFailure() << "body is not a JSON object: " << r.body;
    const auto& o = r.json.as_object();
    for (const char* k : {"type", "title", "detail"}) {
        auto* v = o.if_contains(k);
        if (!v || !v->is_string() || v->as_string().empty())
            return ::testing::AssertionFailure() << "problem lacks a non-empty string '" << k << "': " << r.body;
    }
    auto* st = o.if_contains("status");
    if (!st || !st->is_number() || st->to_number<long long>() != static_cast<long long>(status))
        return ::testing::AssertionFailure() << "problem 'status' is not " << status << ": " << r.body;
    return ::testing::AssertionSuccess();
}

/// The `field` names of the problem's `errors` array (empty when there is none).
std::set<std::string> error_fields(const HttpResult& r) {
    std::set<std::string> out;
    if (!r.json.is_object()) return out;
    auto* e = r.json.as_object().if_contains("errors");
    if (!e || !e->is_array()) return out;
    for (const auto& item : e->as_array()) {
        if (!item.is_object()) continue;
        if (auto* f = item.as_object().if_contains("field"); f && f->is_string())
            out.insert(std::string(f->as_string()));
    }
    return out;
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

class ApiErrors : public ::testing::TestWithParam<Engine> {
protected:
    TestServer srv{GetParam()};
    TestServer::School s = srv.make_school("err", 1);

    long long count_rows(const std::string& table) { return srv.count_rows(table); }
    /// Sessions visible to the school admin, through the API.
    long long listed_sessions() {
        auto r = srv.get("/api/v1/live-sessions/", s.admin_token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.obj().at("count").as_int64();
    }
    json::object valid_body() {
        UnixTime start = srv.clock().now() + 3600;
        return json::object{{"course_id", s.course.id},
                            {"title", "Valid"},
                            {"scheduled_start", format_iso8601(start)},
                            {"scheduled_end", format_iso8601(start + 3600)}};
    }
    HttpResult post_raw(const std::string& target, const std::string& body, const std::string& token,
                        const std::map<std::string, std::string>& headers = {}) {
        return http_request(srv.port(), "POST", target, body, token, headers);
    }
    /// Asserts that a POST of `body` to /live-sessions/ is rejected and that no row was written anywhere.
    void expect_create_rejected(const json::object& body, unsigned status, const std::set<std::string>& fields) {
        long long sessions = count_rows("live_sessions"), policies = count_rows("live_session_policies"),
                  audits = count_rows("audit_logs");
        auto r = srv.post_json("/api/v1/live-sessions/", body, s.instructor_token);
        EXPECT_TRUE(is_problem(r, status)) << json::serialize(body);
        auto got = error_fields(r);
        for (const auto& f : fields) EXPECT_TRUE(got.count(f)) << "errors should name " << f << ": " << r.body;
        EXPECT_EQ(count_rows("live_sessions"), sessions) << json::serialize(body);
        EXPECT_EQ(count_rows("live_session_policies"), policies);
        EXPECT_EQ(count_rows("audit_logs"), audits);
    }
};

TEST_P(ApiErrors, MalformedJsonIs400ProblemAndWritesNothing) {
    long long before = listed_sessions();
    for (const std::string& body :
         std::vector<std::string>{"{\"title\": ", "{title: 1}", "not json", "{\"a\":1,}", "{\"a\":1}}", "\"\xff\xfe\"",
                                  "{\"title\":\"bad \xff utf8\"}"}) {
        auto r = post_raw("/api/v1/live-sessions/", body, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 400)) << body;
    }
    // Nesting deeper than the parser allows is a 400 too, not a crash.
    auto deep = post_raw("/api/v1/live-sessions/", repeat("[", 5000) + repeat("]", 5000), s.instructor_token);
    EXPECT_TRUE(is_problem(deep, 400));
    // An empty body is not an object.
    EXPECT_TRUE(is_problem(post_raw("/api/v1/live-sessions/", "", s.instructor_token), 400));
    EXPECT_EQ(listed_sessions(), before);
    EXPECT_EQ(count_rows("live_sessions"), 0);
}

TEST_P(ApiErrors, BodyThatIsNotAnObjectIs400) {
    for (const std::string& body : std::vector<std::string>{"[]", "[1,2]", "42", "\"text\"", "null", "true"}) {
        auto r = post_raw("/api/v1/live-sessions/", body, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 400)) << body;
    }
    // The same for the other write endpoints.
    EXPECT_TRUE(is_problem(post_raw("/api/v1/users/", "[]", s.admin_token), 400));
    EXPECT_TRUE(is_problem(post_raw("/api/v1/courses/", "[]", s.admin_token), 400));
    EXPECT_TRUE(is_problem(post_raw("/api/v1/auth/login/", "[]", ""), 400));
    EXPECT_EQ(count_rows("live_sessions"), 0);
}

TEST_P(ApiErrors, NonJsonContentTypeIs400) {
    for (const char* type : {"text/plain", "application/jsonx", "application/json-seq", "text/json+x", "json"}) {
        auto r = post_raw("/api/v1/live-sessions/", json::serialize(valid_body()), s.instructor_token,
                          {{"Content-Type", type}});
        EXPECT_TRUE(is_problem(r, 400)) << type;
    }
    EXPECT_EQ(count_rows("live_sessions"), 0);
    // Media types compare without case, parameters aside, and structured +json types are JSON.
    for (const char* type : {"APPLICATION/JSON", "application/json; charset=utf-8", "application/vnd.api+json"}) {
        auto r = post_raw("/api/v1/live-sessions/", json::serialize(valid_body()), s.instructor_token,
                          {{"Content-Type", type}});
        EXPECT_EQ(r.status, 201u) << type << " " << r.body;
    }
}

TEST_P(ApiErrors, WrongTypesAre422NamingEachField) {
    auto body = valid_body();
    body["title"] = 5;
    body["scheduled_start"] = "tomorrow";
    body["max_participants"] = "x";
    body["recording_enabled"] = "yes";
    body["moderator_ids"] = json::array{"not-a-uuid"};
    expect_create_rejected(body, 422,
                           {"title", "scheduled_start", "max_participants", "recording_enabled", "moderator_ids"});
    auto r = srv.post_json("/api/v1/live-sessions/", body, s.instructor_token);
    ASSERT_TRUE(is_problem(r, 422));
    // The per-field entries carry a JSON pointer and a human-readable detail.
    for (const auto& e : r.obj().at("errors").as_array()) {
        const auto& o = e.as_object();
        EXPECT_EQ(js(o.at("pointer")), "/" + js(o.at("field")));
        EXPECT_FALSE(js(o.at("detail")).empty());
    }

    // One field at a time, each alone is enough to reject the request.
    std::vector<std::pair<std::string, json::value>> single{
        {"title", 5},
        {"title", json::array{"x"}},
        {"title", nullptr},
        {"course_id", "not-a-uuid"},
        {"course_id", 12},
        {"scheduled_start", "tomorrow"},
        {"scheduled_start", "2026-11-26 10:00"},  // no time zone
        {"scheduled_start", 1790000000},
        {"scheduled_end", "2026-13-40T99:00:00Z"},
        {"max_participants", "x"},
        {"max_participants", 1.5},
        {"max_participants", 0},
        {"max_participants", 10001},
        {"max_participants", json::value(std::uint64_t{18446744073709551615ULL})},
        {"max_participants", 1e30},
        {"recording_enabled", "yes"},
        {"recording_enabled", 1},
        {"auto_recording", nullptr},
        {"waiting_room_enabled", "true"},
        {"moderator_ids", json::array{"not-a-uuid"}},
        {"moderator_ids", "00000000-0000-4000-8000-000000000000"},
        {"moderator_ids", json::array{1}},
        {"type", "lecture"},
        {"status", "live"},
        {"description", 3},
        {"policy", "strict"},
    };
    for (const auto& [field, value] : single) {
        auto b = valid_body();
        b[field] = value;
        SCOPED_TRACE(field + " = " + json::serialize(value));
        expect_create_rejected(b, 422, {field});
    }
    EXPECT_EQ(listed_sessions(), 0);
}

TEST_P(ApiErrors, UnknownFieldsAre422) {
    auto body = valid_body();
    body["titel"] = "typo";
    body["is_admin"] = true;
    expect_create_rejected(body, 422, {"titel", "is_admin"});
    // Inside the nested policy object the path is dotted.
    auto nested = valid_body();
    nested["policy"] = json::object{{"lobby", true}};
    expect_create_rejected(nested, 422, {"policy.lobby"});
    // Other endpoints are just as strict.
    auto u = srv.post_json("/api/v1/users/", json::object{{"email", "x@err.test"}, {"admin", true}}, s.admin_token);
    EXPECT_TRUE(is_problem(u, 422));
    EXPECT_TRUE(error_fields(u).count("admin")) << u.body;
    auto login = srv.post_json("/api/v1/auth/login/",
                               json::object{{"email", s.admin.email}, {"password", "password-err"}, {"otp", "1"}});
    EXPECT_TRUE(is_problem(login, 422));
    EXPECT_TRUE(error_fields(login).count("otp"));
    auto users = srv.get("/api/v1/users/?search=x%40err.test", s.admin_token);
    ASSERT_EQ(users.status, 200u);
    EXPECT_EQ(users.obj().at("count").as_int64(), 0);
}

TEST_P(ApiErrors, MissingRequiredFieldsAre422) {
    expect_create_rejected(json::object{}, 422, {"course_id", "title", "scheduled_start", "scheduled_end"});
    for (const char* field : {"course_id", "title", "scheduled_start", "scheduled_end"}) {
        auto b = valid_body();
        b.erase(field);
        SCOPED_TRACE(field);
        expect_create_rejected(b, 422, {field});
    }
    // Users, courses, memberships and provider settings name their required fields too.
    auto u = srv.post_json("/api/v1/users/", json::object{{"full_name", "No Mail"}}, s.admin_token);
    EXPECT_TRUE(is_problem(u, 422));
    EXPECT_TRUE(error_fields(u).count("email"));
    auto c = srv.post_json("/api/v1/courses/", json::object{{"description", "untitled"}}, s.admin_token);
    EXPECT_TRUE(is_problem(c, 422));
    EXPECT_TRUE(error_fields(c).count("title"));
    auto e = srv.post_json("/api/v1/courses/" + s.course.id + "/enrollments/", json::object{}, s.admin_token);
    EXPECT_TRUE(is_problem(e, 422));
    EXPECT_TRUE(error_fields(e).count("user_id"));
    auto lc = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-config/", json::object{{"jitsi_app_id", "x"}},
                           s.admin_token);
    EXPECT_TRUE(is_problem(lc, 422));
    EXPECT_TRUE(error_fields(lc).count("provider"));
    EXPECT_EQ(count_rows("courses"), 1);
    EXPECT_EQ(count_rows("enrollments"), 1);
}

TEST_P(ApiErrors, ScheduledEndNotAfterStartIs422NamingScheduledEnd) {
    UnixTime start = srv.clock().now() + 3600;
    auto b = valid_body();
    b["scheduled_end"] = format_iso8601(start);  // equal
    expect_create_rejected(b, 422, {"scheduled_end"});
    b["scheduled_end"] = format_iso8601(start - 60);  // before
    expect_create_rejected(b, 422, {"scheduled_end"});
    // The same check on PATCH, against the stored start; the session keeps its times.
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    auto before = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(before.status, 200u);
    auto p = srv.patch_json("/api/v1/live-sessions/" + id + "/",
                            json::object{{"scheduled_end", created.at("scheduled_start")}}, s.instructor_token);
    EXPECT_TRUE(is_problem(p, 422));
    EXPECT_TRUE(error_fields(p).count("scheduled_end")) << p.body;
    auto p2 = srv.patch_json("/api/v1/live-sessions/" + id + "/",
                             json::object{{"scheduled_start", format_iso8601(start + 7200 + 60)}}, s.instructor_token);
    EXPECT_TRUE(is_problem(p2, 422));
    EXPECT_TRUE(error_fields(p2).count("scheduled_end")) << p2.body;
    auto after = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(after.json, before.json);
}

TEST_P(ApiErrors, TitleLengthCountsCharactersNotBytes) {
    // "ş" is two bytes in UTF-8: 200 of them (400 bytes) is fine, 201 is not.
    auto b = valid_body();
    b["title"] = repeat("ş", 201);
    expect_create_rejected(b, 422, {"title"});
    b["title"] = repeat("ş", 200);
    auto ok = srv.post_json("/api/v1/live-sessions/", b, s.instructor_token);
    ASSERT_EQ(ok.status, 201u) << ok.body;
    EXPECT_EQ(js(ok.obj().at("title")), repeat("ş", 200));
    std::string id = ok.str("id");
    auto stored = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(js(stored.obj().at("title")), repeat("ş", 200));
    // Blank titles are rejected as well.
    b["title"] = "   ";
    expect_create_rejected(b, 422, {"title"});

    // PATCH: too long or blank is refused and the title stays as it was.
    for (const std::string& bad : {repeat("ş", 201), std::string(" \t ")}) {
        auto p = srv.patch_json("/api/v1/live-sessions/" + id + "/", json::object{{"title", bad}}, s.instructor_token);
        EXPECT_TRUE(is_problem(p, 422));
        EXPECT_TRUE(error_fields(p).count("title"));
    }
    auto after = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(after.json, stored.json);
    // Course titles follow the same rule.
    auto c = srv.post_json("/api/v1/courses/", json::object{{"title", repeat("ş", 201)}}, s.admin_token);
    EXPECT_TRUE(is_problem(c, 422));
    EXPECT_TRUE(error_fields(c).count("title"));
    EXPECT_EQ(count_rows("courses"), 1);
}

TEST_P(ApiErrors, PolicyValuesOutOfRangeAre422WithDottedField) {
    auto b = valid_body();
    b["policy"] = json::object{{"attendance_threshold_percent", 101}};
    expect_create_rejected(b, 422, {"policy.attendance_threshold_percent"});
    b["policy"] = json::object{{"attendance_threshold_percent", -1}, {"lobby_enabled", "no"}};
    expect_create_rejected(b, 422, {"policy.attendance_threshold_percent", "policy.lobby_enabled"});
    b["policy"] = json::object{{"attendance_threshold_percent", 100}};
    auto ok = srv.post_json("/api/v1/live-sessions/", b, s.instructor_token);
    ASSERT_EQ(ok.status, 201u) << ok.body;
    EXPECT_EQ(ok.obj().at("policy").at("attendance_threshold_percent").as_int64(), 100);
    std::string id = ok.str("id");

    // PATCH with a bad policy keeps the stored one.
    auto p = srv.patch_json(
        "/api/v1/live-sessions/" + id + "/",
        json::object{{"title", "Changed"}, {"policy", json::object{{"attendance_threshold_percent", 101}}}},
        s.instructor_token);
    EXPECT_TRUE(is_problem(p, 422));
    EXPECT_TRUE(error_fields(p).count("policy.attendance_threshold_percent")) << p.body;
    auto d = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(d.obj().at("policy").at("attendance_threshold_percent").as_int64(), 100);
    EXPECT_EQ(d.obj().at("title"), "Valid");

    // The tenant and course policy endpoints (top-level field names there).
    auto t = srv.put_json("/api/v1/tenants/" + s.tenant.id + "/live-policy/",
                          json::object{{"attendance_threshold_percent", 101}}, s.admin_token);
    EXPECT_TRUE(is_problem(t, 422));
    EXPECT_TRUE(error_fields(t).count("attendance_threshold_percent"));
    auto c = srv.put_json("/api/v1/courses/" + s.course.id + "/live-policy/",
                          json::object{{"minimum_duration_minutes", 1441}}, s.admin_token);
    EXPECT_TRUE(is_problem(c, 422));
    EXPECT_TRUE(error_fields(c).count("minimum_duration_minutes"));
    auto tg = srv.get("/api/v1/tenants/" + s.tenant.id + "/live-policy/", s.admin_token);
    ASSERT_EQ(tg.status, 200u);
    EXPECT_TRUE(tg.obj().at("overrides").at("attendance_threshold_percent").is_null());
    EXPECT_EQ(count_rows("live_session_policies"), 1);  // only the session's
}

TEST_P(ApiErrors, StringsWithNulCharactersAreRejectedNotStored) {
    // PostgreSQL text cannot hold U+0000; it must be a 422, never a 500 or a silently cut string.
    auto b = valid_body();
    b["title"] = std::string("before\0after", 12);
    expect_create_rejected(b, 422, {"title"});
    auto u =
        srv.post_json("/api/v1/users/", json::object{{"email", "nul@err.test"}, {"full_name", std::string("a\0b", 3)}},
                      s.admin_token);
    EXPECT_TRUE(is_problem(u, 422));
    EXPECT_TRUE(error_fields(u).count("full_name")) << u.body;
    EXPECT_EQ(count_rows("users"), 3);
}

TEST_P(ApiErrors, BadUuidsInThePathAre400) {
    auto created = srv.create_session(s);
    std::string id(created.at("id").as_string());
    std::vector<std::pair<std::string, std::string>> cases{
        {"GET", "/api/v1/live-sessions/not-a-uuid/"},
        {"PATCH", "/api/v1/live-sessions/123/"},
        {"DELETE", "/api/v1/live-sessions/" + id + "x/"},
        {"POST", "/api/v1/live-sessions/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz/start/"},
        {"POST", "/api/v1/live-sessions/%27%20OR%201%3D1%20--/end/"},
        {"POST", "/api/v1/live-sessions/" + id.substr(0, 35) + "/join/"},
        {"GET", "/api/v1/users/me/"},
        {"PATCH", "/api/v1/users/1/"},
        {"GET", "/api/v1/courses/abc/"},
        {"DELETE", "/api/v1/courses/abc/"},
        {"GET", "/api/v1/courses/abc/enrollments/"},
        {"GET", "/api/v1/courses/abc/live-policy/"},
        {"GET", "/api/v1/tenants/err/"},
        {"GET", "/api/v1/tenants/err/live-config/"},
        {"PUT", "/api/v1/tenants/err/live-policy/"},
    };
    for (const auto& [method, target] : cases) {
        std::string body = method == "PATCH" || method == "PUT" ? "{}" : "";
        auto r = http_request(srv.port(), method, target, body, s.admin_token);
        EXPECT_TRUE(is_problem(r, 400)) << method << " " << target;
    }
    // The second path parameter is named in the error.
    auto r = srv.del("/api/v1/courses/" + s.course.id + "/enrollments/nope/", s.admin_token);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_TRUE(error_fields(r).count("user_id")) << r.body;
    EXPECT_EQ(count_rows("enrollments"), 1);
    // An upper-case UUID is still a UUID.
    std::string upper = id;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto ok = srv.get("/api/v1/live-sessions/" + upper + "/", s.instructor_token);
    EXPECT_EQ(ok.status, 200u) << ok.body;
    // A well-formed id that does not exist is a 404.
    EXPECT_TRUE(is_problem(srv.get("/api/v1/live-sessions/00000000-0000-4000-8000-000000000000/", s.admin_token), 404));
    // Nothing above changed the session.
    auto after = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(after.obj().at("status"), "scheduled");
    EXPECT_EQ(after.obj().at("updated_at"), created.at("updated_at"));
}

TEST_P(ApiErrors, BodyOverOneMebibyteIs413) {
    auto b = valid_body();
    b["description"] = std::string(1024 * 1024, 'a');
    std::string body = json::serialize(b);
    ASSERT_GT(body.size(), 1024u * 1024u);
    auto r = post_raw("/api/v1/live-sessions/", body, s.instructor_token);
    EXPECT_TRUE(is_problem(r, 413)) << r.status;
    EXPECT_EQ(listed_sessions(), 0);
    // The server keeps serving after that.
    auto ok = srv.post_json("/api/v1/live-sessions/", valid_body(), s.instructor_token);
    EXPECT_EQ(ok.status, 201u) << ok.body;
    // Far over the limit, with the body sent in full: still a 413.
    auto big = post_raw("/api/v1/users/", std::string(4 * 1024 * 1024, ' '), s.admin_token);
    EXPECT_TRUE(is_problem(big, 413)) << big.status;
    EXPECT_EQ(listed_sessions(), 1);
}

TEST_P(ApiErrors, NamesAndTitlesAreOneLineWithoutControlCharacters) {
    for (const char* title : {"Ders\x1b[31m kırmızı", "Satır\nbölünmüş", "Sekme\tli", "Zil\x07"}) {
        auto b = valid_body();
        b["title"] = title;
        auto r = srv.post_json("/api/v1/live-sessions/", b, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 422)) << r.status << " " << r.body;
        EXPECT_TRUE(error_fields(r).count("title")) << r.body;
    }
    auto user = srv.post_json("/api/v1/users/",
                              json::object{{"email", "ctl@errors.test"}, {"full_name", "Ayşe\rYılmaz"}}, s.admin_token);
    EXPECT_TRUE(is_problem(user, 422)) << user.body;
    EXPECT_TRUE(error_fields(user).count("full_name")) << user.body;
    auto course = srv.post_json("/api/v1/courses/", json::object{{"title", "Fizik\x7f"}}, s.admin_token);
    EXPECT_TRUE(is_problem(course, 422)) << course.body;
    EXPECT_EQ(count_rows("live_sessions"), 0);
    // Letters of any script are of course fine.
    auto b = valid_body();
    b["title"] = "Ders — Çağdaş Türk Edebiyatı 🙂";
    EXPECT_EQ(srv.post_json("/api/v1/live-sessions/", b, s.instructor_token).status, 201u);
}

TEST_P(ApiErrors, RoutesWithoutQueryParametersRefuseThemToo) {
    std::string id(srv.create_session(s).at("id").as_string());
    for (const std::string& target :
         {"/api/v1/live-sessions/" + id + "/participants/?zzz=1",
          "/api/v1/live-sessions/" + id + "/participants/stream/?zzz=1",
          std::string("/health/live-provider/?tenant=bad"),
          "/api/v1/launch/lt_" + std::string(32, 'a') + "/?redirect=1",
          "/api/v1/launch/lt_" + std::string(32, 'a') + "/?redirect=https://evil.example/"}) {
        auto r = srv.get(target, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 400)) << target << " " << r.status << " " << r.body.substr(0, 200);
    }
}

TEST_P(ApiErrors, UnknownQueryFiltersAre400) {
    srv.create_session(s);
    for (const std::string& q : std::vector<std::string>{
             "?colour=red", "?course=not-a-uuid", "?status=bogus", "?type=lecture", "?from=yesterday", "?to=2026-01-01",
             "?page=0", "?page=x", "?page_size=101", "?page_size=-1", "?status=scheduled&sort=title"}) {
        auto r = srv.get("/api/v1/live-sessions/" + q, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 400)) << q;
        EXPECT_FALSE(error_fields(r).empty()) << q << ": " << r.body;
    }
    auto r = srv.get("/api/v1/live-sessions/?colour=red", s.instructor_token);
    EXPECT_TRUE(error_fields(r).count("colour"));
    // The other list endpoints do not ignore unknown filters either.
    auto users = srv.get("/api/v1/users/?rol=student", s.admin_token);
    EXPECT_TRUE(is_problem(users, 400));
    EXPECT_TRUE(error_fields(users).count("rol")) << users.body;
    EXPECT_TRUE(is_problem(srv.get("/api/v1/users/?role=superuser", s.admin_token), 400));
    auto courses = srv.get("/api/v1/courses/?titel=x", s.admin_token);
    EXPECT_TRUE(is_problem(courses, 400));
    EXPECT_TRUE(error_fields(courses).count("titel")) << courses.body;
    // Known filters still work.
    auto known = srv.get("/api/v1/users/?role=student&page=1&page_size=5", s.admin_token);
    ASSERT_EQ(known.status, 200u) << known.body;
    EXPECT_EQ(known.obj().at("count").as_int64(), 1);
}

TEST_P(ApiErrors, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
    for (const std::string& target :
         std::vector<std::string>{"/api/v1/nothing/", "/api/v2/live-sessions/", "/api/v1/live-sessions/x/y/z/", "/",
                                  "/api/v1/live-sessions/" + s.course.id + "/explode/"}) {
        auto r = srv.get(target, s.admin_token);
        EXPECT_TRUE(is_problem(r, 404)) << target;
    }
    struct Case {
        std::string method, target;
        std::set<std::string> allow;
    };
    std::vector<Case> cases{
        {"PUT", "/api/v1/live-sessions/", {"GET", "HEAD", "POST"}},
        {"DELETE", "/api/v1/live-sessions/", {"GET", "HEAD", "POST"}},
        {"PUT", "/api/v1/live-sessions/" + s.course.id + "/", {"GET", "HEAD", "PATCH", "DELETE"}},
        {"GET", "/api/v1/live-sessions/" + s.course.id + "/start/", {"POST"}},
        {"GET", "/api/v1/auth/login/", {"POST"}},
        {"POST", "/api/v1/tenants/" + s.tenant.id + "/live-config/", {"GET", "HEAD", "PUT"}},
        {"DELETE", "/api/v1/courses/" + s.course.id + "/live-policy/", {"GET", "HEAD", "PUT"}},
    };
    for (const auto& c : cases) {
        auto r = http_request(srv.port(), c.method, c.target, "", s.admin_token);
        EXPECT_TRUE(is_problem(r, 405)) << c.method << " " << c.target;
        ASSERT_TRUE(r.headers.count("allow")) << c.method << " " << c.target;
        std::set<std::string> allow;
        std::string a = r.headers["allow"];
        for (std::size_t i = 0; i < a.size();) {
            auto j = a.find(',', i);
            std::string m = a.substr(i, j == std::string::npos ? std::string::npos : j - i);
            m.erase(0, m.find_first_not_of(' '));
            m.erase(m.find_last_not_of(' ') + 1);
            allow.insert(m);
            if (j == std::string::npos) break;
            i = j + 1;
        }
        EXPECT_EQ(allow, c.allow) << c.method << " " << c.target << ": " << a;
    }
    EXPECT_EQ(count_rows("live_sessions"), 0);
}

TEST_P(ApiErrors, NotificationAndSeriesBodiesAreCheckedLikeTheOthers) {
    // A series to edit, and what the checks must leave unchanged.
    UnixTime start = (srv.clock().now() / 86400 + 3) * 86400 + 9 * 3600;
    auto made = srv.post_json("/api/v1/live-series/",
                              {{"course_id", s.course.id},
                               {"title", "Seri"},
                               {"rrule", "FREQ=DAILY;COUNT=2"},
                               {"timezone", "UTC"},
                               {"first_start", format_iso8601(start)},
                               {"duration_minutes", 30}},
                              s.instructor_token);
    ASSERT_EQ(made.status, 201u) << made.body;
    const std::string series = "/api/v1/live-series/" + made.str("id") + "/";
    auto snapshot = [&] {
        return std::vector<long long>{
            count_rows("live_session_series"), count_rows("live_sessions"), count_rows("notification_preferences"),
            count_rows("push_subscriptions"),  count_rows("audit_logs"),    count_rows("jobs")};
    };
    const auto before = snapshot();
    const auto series_json = srv.get(series, s.instructor_token).body;
    struct Target {
        std::string method, path, token;
    };
    const std::vector<Target> targets = {{"POST", "/api/v1/live-series/", s.instructor_token},
                                         {"PATCH", series, s.instructor_token},
                                         {"PATCH", "/api/v1/notifications/preferences/", s.student_tokens[0]},
                                         {"POST", "/api/v1/notifications/push-subscriptions/", s.student_tokens[0]}};
    for (const auto& t : targets) {
        for (const std::string& body :
             std::vector<std::string>{"{\"title\": ", "not json", "[]", "42", "null", "{\"a\":1}}", "\"\xff\""}) {
            auto r = http_request(srv.port(), t.method, t.path, body, t.token);
            EXPECT_TRUE(is_problem(r, 400)) << t.method << " " << t.path << " " << body;
        }
        auto deep = http_request(srv.port(), t.method, t.path, repeat("[", 5000) + repeat("]", 5000), t.token);
        EXPECT_TRUE(is_problem(deep, 400)) << t.path;
        auto text = http_request(srv.port(), t.method, t.path, "{}", t.token, {{"Content-Type", "text/plain"}});
        EXPECT_TRUE(is_problem(text, 400)) << t.path;
        auto unknown = http_request(srv.port(), t.method, t.path, R"({"tenant_id":"x","colour":1})", t.token);
        EXPECT_TRUE(is_problem(unknown, 422)) << t.path << " " << unknown.body;
        EXPECT_TRUE(error_fields(unknown).count("tenant_id")) << unknown.body;
    }
    // Wrong types name each field.
    auto expect_fields = [&](const Target& t, const json::object& body, const std::set<std::string>& fields) {
        auto r = http_request(srv.port(), t.method, t.path, json::serialize(body), t.token);
        EXPECT_TRUE(is_problem(r, 422)) << t.path << " " << r.body;
        auto got = error_fields(r);
        for (const auto& f : fields)
            EXPECT_TRUE(got.count(f)) << t.path << ": errors should name " << f << ": " << r.body;
    };
    expect_fields(targets[0],
                  {{"course_id", "not-a-uuid"},
                   {"title", 5},
                   {"rrule", true},
                   {"first_start", "tomorrow"},
                   {"duration_minutes", "long"}},
                  {"course_id", "title", "rrule", "first_start", "duration_minutes"});
    expect_fields(targets[0],
                  {{"course_id", s.course.id},
                   {"title", "x"},
                   {"rrule", repeat("FREQ=DAILY;", 100)},
                   {"first_start", format_iso8601(start)},
                   {"duration_minutes", 100000}},
                  {"rrule", "duration_minutes"});
    expect_fields(targets[1], {{"from", 5}, {"rrule", 7}, {"duration_minutes", "x"}, {"first_start", "soon"}},
                  {"from", "rrule", "duration_minutes", "first_start"});
    expect_fields(targets[2], {{"email_enabled", "yes"}, {"push_enabled", 1}, {"locale", 3}, {"timezone", false}},
                  {"email_enabled", "push_enabled", "locale", "timezone"});
    expect_fields(targets[2], {{"timezone", "../../../../etc/passwd"}}, {"timezone"});
    expect_fields(targets[3], {{"endpoint", 5}, {"keys", "k"}}, {"endpoint", "keys"});
    expect_fields(targets[3],
                  {{"endpoint", "https://push.example.net/" + repeat("a", 3000)},
                   {"keys", {{"p256dh", repeat("A", 500)}, {"auth", 1}}}},
                  {"endpoint", "keys.p256dh", "keys.auth"});
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(srv.get(series, s.instructor_token).body, series_json);

    // Secret tokens in the path: overlong or garbage is a plain 404, never a crash.
    EXPECT_TRUE(is_problem(srv.get("/api/v1/calendar/feed/" + repeat("a", 5000) + ".ics"), 404));
    EXPECT_TRUE(is_problem(srv.get("/api/v1/notifications/unsubscribe/" + repeat("b", 5000) + "/"), 404));
    EXPECT_TRUE(is_problem(srv.post("/api/v1/notifications/unsubscribe/%FF%FE.%00/", ""), 400));
    EXPECT_TRUE(is_problem(srv.post("/api/v1/notifications/unsubscribe/Li4.Li4/", ""), 404));
}

TEST_P(ApiErrors, InvalidTransitionsAre409AndChangeNothing) {
    auto expect_409_unchanged = [&](const std::string& method, const std::string& id, const std::string& action) {
        auto before = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
        ASSERT_EQ(before.status, 200u);
        long long jobs = count_rows("jobs"), audits = count_rows("audit_logs");
        auto r = http_request(srv.port(), method, "/api/v1/live-sessions/" + id + "/" + action, "", s.instructor_token);
        EXPECT_TRUE(is_problem(r, 409)) << method << " " << action << " on " << js(before.obj().at("status"));
        auto after = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
        EXPECT_EQ(after.json, before.json);
        EXPECT_EQ(count_rows("jobs"), jobs);
        EXPECT_EQ(count_rows("audit_logs"), audits);
    };
    std::string scheduled(srv.create_session(s).at("id").as_string());
    // End a session that never started.
    expect_409_unchanged("POST", scheduled, "end/");
    std::string draft(srv.create_session(s, {{"status", "draft"}}).at("id").as_string());
    expect_409_unchanged("POST", draft, "end/");

    // Cancel a live one.
    std::string live(srv.create_session(s).at("id").as_string());
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live + "/start/", "", s.instructor_token).status, 200u);
    expect_409_unchanged("DELETE", live, "");
    expect_409_unchanged("POST", live, "start/");
    // Publishing is only for drafts.
    auto pub = srv.patch_json("/api/v1/live-sessions/" + live + "/", json::object{{"status", "scheduled"}},
                              s.instructor_token);
    EXPECT_TRUE(is_problem(pub, 422));
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + live + "/", s.instructor_token).obj().at("status"), "live");

    // Start, end or cancel an ended one; edit it.
    srv.clock().advance(600);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + live + "/end/", "", s.instructor_token).status, 200u);
    expect_409_unchanged("POST", live, "start/");
    expect_409_unchanged("POST", live, "end/");
    expect_409_unchanged("DELETE", live, "");
    auto edit =
        srv.patch_json("/api/v1/live-sessions/" + live + "/", json::object{{"title", "Too late"}}, s.instructor_token);
    EXPECT_TRUE(is_problem(edit, 409));
    EXPECT_EQ(srv.get("/api/v1/live-sessions/" + live + "/", s.instructor_token).obj().at("title"), "Session");

    // Anything on a cancelled one.
    ASSERT_EQ(srv.del("/api/v1/live-sessions/" + scheduled + "/", s.instructor_token).status, 200u);
    expect_409_unchanged("POST", scheduled, "start/");
    expect_409_unchanged("POST", scheduled, "end/");
    expect_409_unchanged("DELETE", scheduled, "");
    expect_409_unchanged("POST", scheduled, "join/");
}

TEST_P(ApiErrors, RejectedPatchChangesNothing) {
    auto created = srv.create_session(s, {{"max_participants", 30}});
    std::string id(created.at("id").as_string());
    auto before = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    ASSERT_EQ(before.status, 200u);
    std::vector<json::object> bad{
        {{"title", "New"}, {"max_participants", "x"}},                    // one bad field spoils the rest
        {{"title", "New"}, {"unknown", 1}},                               // unknown field
        {{"title", "New"}, {"course_id", s.course.id}},                   // cannot move a session
        {{"title", "New"}, {"type", "webinar"}},                          // type is fixed
        {{"title", "New"}, {"moderator_ids", json::array{s.tenant.id}}},  // not a user of this school
        {{"title", "New"}, {"scheduled_start", "soon"}},
        {{"title", "New"}, {"recording_enabled", nullptr}},
    };
    for (const auto& b : bad) {
        auto r = srv.patch_json("/api/v1/live-sessions/" + id + "/", b, s.instructor_token);
        EXPECT_TRUE(is_problem(r, 422)) << json::serialize(b);
        EXPECT_FALSE(error_fields(r).empty()) << r.body;
    }
    auto malformed =
        http_request(srv.port(), "PATCH", "/api/v1/live-sessions/" + id + "/", "{\"title\":", s.instructor_token);
    EXPECT_TRUE(is_problem(malformed, 400));
    auto after = srv.get("/api/v1/live-sessions/" + id + "/", s.instructor_token);
    EXPECT_EQ(after.json, before.json);
    EXPECT_EQ(count_rows("live_session_moderators"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ApiErrors, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
