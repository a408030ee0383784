#pragma once
// Integration-test harness: a real liveclass App serving HTTP on an ephemeral loopback port,
// on SQLite (a fresh file per test) or PostgreSQL (a fresh schema per test on the server that
// `make test` starts; LIVE_TEST_POSTGRES_URL). Requests go over real sockets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "app/app.hpp"

namespace lc::testing {

/// A JSON value as text: the string itself, or its serialisation (for comparing with std::string).
inline std::string js(const boost::json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

struct HttpResult {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    boost::json::value json;  // null when the body is not JSON
    const boost::json::object& obj() const { return json.as_object(); }
    std::string str(const char* key) const;
};

/// Sends one HTTP/1.1 request to 127.0.0.1:port and reads the response.
HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& token = "",
                        const std::map<std::string, std::string>& headers = {});

/// Which engine a test runs on: "sqlite" always; "postgres" when LIVE_TEST_POSTGRES_URL is set.
enum class Engine { kSqlite, kPostgres };
std::string engine_name(const ::testing::TestParamInfo<Engine>& info);
/// The engines to instantiate parameterised tests with (PostgreSQL only when a server is configured).
std::vector<Engine> available_engines();

/// A fresh database (SQLite file or PostgreSQL schema) that is removed again in the destructor.
class TestDatabase {
public:
    explicit TestDatabase(Engine e);
    ~TestDatabase();
    const std::string& url() const { return url_; }

private:
    Engine engine_;
    std::string url_, path_, schema_, admin_url_;
};

/// An App with a running server. The clock is a ManualClock starting at the real current time.
class TestServer {
public:
    explicit TestServer(Engine e, bool serve = true, Config overrides = {});
    ~TestServer();

    app::App& app() { return *app_; }
    ManualClock& clock() { return clock_; }
    unsigned short port() const { return port_; }
    const std::string& database_url() const { return db_.url(); }
    const std::string& storage_dir() const { return storage_dir_; }

    HttpResult get(const std::string& target, const std::string& token = "") {
        return http_request(port_, "GET", target, "", token);
    }
    HttpResult post(const std::string& target, const std::string& body, const std::string& token = "") {
        return http_request(port_, "POST", target, body, token);
    }
    HttpResult post_json(const std::string& target, const boost::json::value& body, const std::string& token = "") {
        return post(target, boost::json::serialize(body), token);
    }
    HttpResult patch_json(const std::string& target, const boost::json::value& body, const std::string& token = "") {
        return http_request(port_, "PATCH", target, boost::json::serialize(body), token);
    }
    HttpResult put_json(const std::string& target, const boost::json::value& body, const std::string& token = "") {
        return http_request(port_, "PUT", target, boost::json::serialize(body), token);
    }
    HttpResult del(const std::string& target, const std::string& token = "") {
        return http_request(port_, "DELETE", target, "", token);
    }

    /// SELECT COUNT(*) FROM <from_where> straight from the database (tests only; the text is trusted).
    long long count_rows(const std::string& from_where);

    // ---- fixtures, made through the services (fast; the HTTP and CLI paths have tests of their own) ----
    struct School {
        domain::Tenant tenant;
        domain::User admin, instructor;
        std::vector<domain::User> students;
        domain::Course course;
        std::string admin_token, instructor_token;
        std::vector<std::string> student_tokens;
    };
    /// A school with Jitsi configured, an admin, an instructor teaching one course and n enrolled students.
    School make_school(const std::string& slug, int students = 2);
    std::string token_for(const domain::User& u, const domain::Tenant& t);
    /// Creates a scheduled session via the API as the instructor; returns its JSON.
    boost::json::object create_session(const School& s, boost::json::object extra = {});

private:
    TestDatabase db_;
    std::string storage_dir_;  // LIVE_STORAGE_DIR: a fresh directory per server, removed with it
    ManualClock clock_;
    infra::Logger log_;
    std::unique_ptr<app::App> app_;
    unsigned short port_ = 0;
};

}  // namespace lc::testing
