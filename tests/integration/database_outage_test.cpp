// A database that cannot serve answers 503 application/problem+json with Retry-After, never 500,
// and never writes half a request: SQLite held by another process's lock beyond the busy timeout,
// and PostgreSQL connections that the server drops (terminated backends, as in a restart or
// failover), or a server that is stopped and started again -- after which the pooled connections
// are opened again and requests succeed.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "infra/crypto.hpp"
#include "services/context.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

::testing::AssertionResult is_503_retry(const HttpResult& r) {
    if (r.status != 503u) return ::testing::AssertionFailure() << r.status << " " << r.body;
    if (r.headers.count("content-type") == 0 || r.headers.at("content-type") != "application/problem+json")
        return ::testing::AssertionFailure() << "not a problem document: " << r.body;
    if (r.headers.count("retry-after") == 0) return ::testing::AssertionFailure() << "no Retry-After";
    if (!r.json.is_object() || r.obj().at("status") != 503) return ::testing::AssertionFailure() << r.body;
    if (r.body.find("locked") != std::string::npos || r.body.find("SQL") != std::string::npos)
        return ::testing::AssertionFailure() << "the internal cause leaked: " << r.body;
    return ::testing::AssertionSuccess();
}

Config short_busy_timeout() {
    Config c;
    c.sqlite_busy_timeout_ms = 200;
    return c;
}

TEST(DatabaseOutage, LockedSqliteAnswers503WithRetryAfterAndWritesNothing) {
    TestServer srv(Engine::kSqlite, true, short_busy_timeout());
    auto s = srv.make_school("locked", 1);
    std::string session = js(srv.create_session(s).at("id"));
    long long courses = srv.count_rows("courses"), sessions = srv.count_rows("live_sessions");
    const std::string path = srv.database_url().substr(std::string("sqlite:").size());
    {
        // Another process's writer holds the lock. In WAL mode nothing keeps readers out while the server's
        // connections are open, so reads go on; every write waits out the busy timeout and answers 503.
        soci::session other(soci::sqlite3, "db=" + path + " timeout=1");
        other << "BEGIN EXCLUSIVE";
        other << "UPDATE courses SET title = title";
        EXPECT_TRUE(is_503_retry(srv.post_json("/api/v1/courses/", json::object{{"title", "Blocked"}}, s.admin_token)));
        EXPECT_TRUE(is_503_retry(srv.patch_json("/api/v1/live-sessions/" + session + "/",
                                                json::object{{"title", "Blocked"}}, s.instructor_token)));
        EXPECT_TRUE(is_503_retry(srv.post("/api/v1/live-sessions/" + session + "/start/", "", s.instructor_token)));
        auto read = srv.get("/api/v1/courses/", s.admin_token);
        EXPECT_EQ(read.status, 200u) << read.body;
        other << "ROLLBACK";
    }
    EXPECT_EQ(srv.count_rows("courses"), courses);
    EXPECT_EQ(srv.count_rows("live_sessions"), sessions);
    auto detail = srv.get("/api/v1/live-sessions/" + session + "/", s.admin_token);
    ASSERT_EQ(detail.status, 200u) << detail.body;
    EXPECT_EQ(detail.obj().at("status"), "scheduled");
    EXPECT_NE(detail.obj().at("title"), "Blocked");
    // The lock is gone: the same requests succeed.
    EXPECT_EQ(srv.post_json("/api/v1/courses/", json::object{{"title", "Unblocked"}}, s.admin_token).status, 201u);
    EXPECT_EQ(srv.post("/api/v1/live-sessions/" + session + "/start/", "", s.instructor_token).status, 200u);
}

TEST(DatabaseOutage, DroppedPostgresConnectionsAnswer503ThenReconnect) {
    const char* admin_url = std::getenv("LIVE_TEST_POSTGRES_URL");
    if (!admin_url || !*admin_url) GTEST_SKIP() << "no PostgreSQL server (LIVE_TEST_POSTGRES_URL)";
    TestServer srv(Engine::kPostgres);
    auto s = srv.make_school("pgdown", 1);
    long long courses = srv.count_rows("courses");
    // The backends of this server's pooled connections (not other tests' connections on the same server).
    std::vector<int> pids;
    auto& pool = srv.app().db().pool();
    for (std::size_t i = 0; i < srv.app().db().pool_size(); ++i) {
        int pid = 0;
        pool.at(i) << "SELECT pg_backend_pid()", soci::into(pid);
        pids.push_back(pid);
    }
    {
        soci::session admin(soci::postgresql, store::postgres_conninfo(admin_url).value());
        for (int pid : pids) {
            int done = 0;
            admin << "SELECT CASE WHEN pg_terminate_backend(:p) THEN 1 ELSE 0 END", soci::use(pid), soci::into(done);
            EXPECT_EQ(done, 1) << pid;
        }
    }
    // Each dead connection fails its next request with 503 (never 500) and is opened again after that.
    int unavailable = 0, created = 0;
    for (int i = 0; i < 3 * static_cast<int>(pids.size()) && created < 3; ++i) {
        auto r =
            srv.post_json("/api/v1/courses/", json::object{{"title", "After " + std::to_string(i)}}, s.admin_token);
        if (r.status == 201u) {
            ++created;
            continue;
        }
        EXPECT_TRUE(is_503_retry(r)) << "request " << i;
        ++unavailable;
    }
    EXPECT_GE(unavailable, 1) << "the terminated connections were noticed";
    EXPECT_EQ(created, 3) << "the pool recovered";
    EXPECT_EQ(srv.count_rows("courses"), courses + created) << "a failed request wrote nothing";
    EXPECT_EQ(srv.get("/health").status, 200u);
}

/// A PostgreSQL server of this test's own (scripts/test-postgres.sh), so that it can be stopped.
class OwnPostgres {
public:
    OwnPostgres() {
        dir_ = (std::filesystem::temp_directory_path() / ("liveclass-pg-own-" + infra::random_hex(4))).string();
        for (int attempt = 0; attempt < 3 && url_.rfind("postgresql://", 0) != 0; ++attempt) {
            port_ = 56000 + static_cast<int>(std::stoul(infra::random_hex(2), nullptr, 16) % 4000);
            url_ = run("start " + dir_ + " " + std::to_string(port_));
        }
        if (url_.rfind("postgresql://", 0) != 0) {
            std::ifstream log(dir_ + "/server.log");
            url_.clear();
            for (std::string line; std::getline(log, line);) error_ += line + "\n";
        }
    }
    /// Why the server did not start (its log), or empty.
    const std::string& error() const { return error_; }
    ~OwnPostgres() {
        run("stop " + dir_);
        std::filesystem::remove_all(dir_);
        std::filesystem::remove(dir_ + ".initdb.log");
    }
    const std::string& url() const { return url_; }
    void stop() { run("stop " + dir_); }
    void start() { run("start " + dir_ + " " + std::to_string(port_)); }

private:
    static std::string run(const std::string& args) {
        std::string cmd = "bash " LIVECLASS_SOURCE_DIR "/scripts/test-postgres.sh " + args;
        std::string out;
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[512];
            while (std::fgets(buf, sizeof buf, p)) out += buf;
            ::pclose(p);
        }
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }
    std::string dir_, url_, error_;
    int port_ = 0;
};

TEST(DatabaseOutage, StoppedPostgresAnswers503AndRecoversWhenItIsBack) {
    const char* shared = std::getenv("LIVE_TEST_POSTGRES_URL");
    if (!shared || !*shared) GTEST_SKIP() << "no PostgreSQL server binaries in use (LIVE_TEST_POSTGRES_URL)";
    OwnPostgres pg;
    // A second server needs its own shared memory; a host that cannot give it is not this test's subject.
    if (pg.url().empty()) GTEST_SKIP() << "could not start a private PostgreSQL server:\n" << pg.error();
    ::setenv("LIVE_TEST_POSTGRES_URL", pg.url().c_str(), 1);  // TestServer makes its schema there
    std::unique_ptr<TestServer> srv;
    try {
        srv = std::make_unique<TestServer>(Engine::kPostgres);
    } catch (...) {
        ::setenv("LIVE_TEST_POSTGRES_URL", shared, 1);
        throw;
    }
    ::setenv("LIVE_TEST_POSTGRES_URL", shared, 1);
    auto s = srv->make_school("pgstop", 1);
    std::string session = js(srv->create_session(s).at("id"));
    long long courses = srv->count_rows("courses");

    pg.stop();
    for (int i = 0; i < 12; ++i) {  // more requests than pooled connections: every one meets the outage
        EXPECT_TRUE(is_503_retry(srv->post_json("/api/v1/courses/", json::object{{"title", "Down"}}, s.admin_token)))
            << "write " << i;
        // Reads of a cached caller still need the database for the class itself.
        EXPECT_TRUE(is_503_retry(srv->get("/api/v1/live-sessions/" + session + "/", s.admin_token))) << "read " << i;
    }
    EXPECT_EQ(srv->get("/health").status, 503u);

    pg.start();
    int created = 0;
    for (int i = 0; i < 30 && created < 3; ++i) {
        auto r = srv->post_json("/api/v1/courses/", json::object{{"title", "Back"}}, s.admin_token);
        if (r.status == 201u)
            ++created;
        else
            EXPECT_TRUE(is_503_retry(r)) << "while reconnecting, request " << i;
    }
    EXPECT_EQ(created, 3) << "the pool reconnected";
    EXPECT_EQ(srv->count_rows("courses"), courses + created) << "nothing was written while the server was down";
    EXPECT_EQ(srv->get("/health").status, 200u);
}

// A unique index refusing a row (another request wrote it between our check and our insert) is the
// client's 409, not a 500 bug; any other database error stays a 500. On the engine the build tests.
void expect_unique_violation_is_409(Engine engine) {
    TestServer srv(engine, false);
    auto s = srv.make_school("uniq", 0);
    auto duplicate = services::guarded([&]() -> Status {
        soci::session sql(srv.app().db().pool());
        sql << "INSERT INTO courses (id, tenant_id, title, created_at) VALUES (:i, :t, 'Kopya', 0)",
            soci::use(s.course.id), soci::use(s.tenant.id);
        return ok_status();
    });
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, Code::kAlreadyExists)
        << duplicate.error().message << " / " << duplicate.error().internal;
    EXPECT_EQ(duplicate.error().message.find("INSERT"), std::string::npos) << "the statement stays internal";
    auto other = services::guarded([&]() -> Status {
        soci::session sql(srv.app().db().pool());
        sql << "INSERT INTO no_such_table (x) VALUES (1)";
        return ok_status();
    });
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, Code::kInternal);
}

TEST(DatabaseErrors, AUniqueViolationIsAConflictOnSqlite) { expect_unique_violation_is_409(Engine::kSqlite); }

TEST(DatabaseErrors, AUniqueViolationIsAConflictOnPostgres) {
    if (!std::getenv("LIVE_TEST_POSTGRES_URL")) GTEST_SKIP() << "LIVE_TEST_POSTGRES_URL not set";
    expect_unique_violation_is_409(Engine::kPostgres);
}

}  // namespace
}  // namespace lc::testing
