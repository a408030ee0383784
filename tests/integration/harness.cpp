#include "harness.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "core/time.hpp"
#include "infra/crypto.hpp"

namespace lc::testing {

namespace json = boost::json;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

std::string HttpResult::str(const char* key) const {
    if (!json.is_object()) return {};
    auto* v = json.as_object().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& token,
                        const std::map<std::string, std::string>& headers) {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == "HEAD");  // the answer to HEAD has a Content-Length but no body
    bhttp::read(stream, buf, parser);
    auto res = parser.release();
    HttpResult out;
    out.status = res.result_int();
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    json::error_code ec;
    auto v = json::parse(out.body, ec);
    if (!ec) out.json = std::move(v);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return out;
}

std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
    return info.param == Engine::kSqlite ? "SQLite" : "PostgreSQL";
}

std::vector<Engine> available_engines() {
    std::vector<Engine> v{Engine::kSqlite};
    if (const char* pg = std::getenv("LIVE_TEST_POSTGRES_URL"); pg && *pg) v.push_back(Engine::kPostgres);
    return v;
}

TestDatabase::TestDatabase(Engine e) : engine_(e) {
    if (e == Engine::kSqlite) {
        auto dir = std::filesystem::temp_directory_path() / "liveclass-tests";
        std::filesystem::create_directories(dir);
        path_ = (dir / ("t-" + infra::random_hex(8) + ".db")).string();
        url_ = "sqlite:" + path_;
        return;
    }
    admin_url_ = std::getenv("LIVE_TEST_POSTGRES_URL");
    schema_ = "t_" + infra::random_hex(8);
    soci::session s(soci::postgresql, store::postgres_conninfo(admin_url_).value());
    s << "CREATE SCHEMA " + schema_;
    url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
}

TestDatabase::~TestDatabase() {
    if (engine_ == Engine::kSqlite) {
        for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(path_ + suffix);
        return;
    }
    try {
        soci::session s(soci::postgresql, store::postgres_conninfo(admin_url_).value());
        s << "SET client_min_messages TO warning";
        s << "DROP SCHEMA " + schema_ + " CASCADE";
    } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop test schema " << schema_ << ": " << e.what();
    }
}

TestServer::TestServer(Engine e, bool serve, Config cfg)
    : db_(e),
      clock_(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count()),
      log_(infra::Logger::quiet()) {
    cfg.database_url = db_.url();
    if (cfg.storage_dir == Config{}.storage_dir) {
        char tmpl[] = "/tmp/liveclass-storage-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed for the storage directory");
        storage_dir_ = tmpl;
        cfg.storage_dir = storage_dir_;
        cfg.storage_allow_private_sources = true;  // the test servers a recording is fetched from are on loopback
    }
    cfg.http_host = "127.0.0.1";
    cfg.http_port = 0;
    if (cfg.secret_key.empty()) cfg.secret_key = "test-secret-key-0123456789abcdef0123456789";
    cfg.db_pool_size = 4;
    cfg.handler_threads = 4;
    cfg.job_workers = 0;  // tests run jobs explicitly with workers().run_due()
    cfg.cheap_password_hashes_for_tests = true;
    // The web app only where a test asks for it (web_test.cpp): the API tests must not depend on
    // whether web/dist happens to be built.
    if (cfg.web_root == Config{}.web_root) cfg.web_root.clear();
    if (cfg.jitsi_domain.empty()) cfg.jitsi_domain = "meet.example.test";
    if (cfg.jitsi_app_id.empty()) cfg.jitsi_app_id = "liveclass-test";
    if (cfg.jitsi_jwt_secret.empty()) cfg.jitsi_jwt_secret = "jitsi-env-secret-0123456789abcdef";
    auto a = app::App::create(cfg, clock_, log_, true);
    if (!a) throw std::runtime_error("App::create failed: " + a.error().message + " " + a.error().internal);
    app_ = std::move(a.value());
    if (serve) port_ = app_->serve();
}

TestServer::~TestServer() {
    if (app_) app_->shutdown(5);
    app_.reset();
    if (!storage_dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(storage_dir_, ec);
    }
}

long long TestServer::count_rows(const std::string& from_where) {
    soci::session sql(app_->db().pool());
    long long n = -1;
    sql << "SELECT COUNT(*) FROM " + from_where, soci::into(n);
    return n;
}

std::string TestServer::token_for(const domain::User& u, const domain::Tenant& t) {
    return app_->auth().issue_access_token(u, t);
}

TestServer::School TestServer::make_school(const std::string& slug, int students) {
    School s;
    auto& dir = app_->directory();
    auto t = dir.create_tenant({slug, "School " + slug, {}, ""});
    if (!t) throw std::runtime_error("create_tenant: " + t.error().message);
    s.tenant = t.value();
    auto mk = [&](const std::string& email, domain::UserRole role) {
        services::NewUser nu;
        nu.email = email;
        nu.password = "password-" + slug;
        nu.full_name = "Name " + email;
        nu.role = role;
        auto u = dir.create_user_in(slug, nu);
        if (!u) throw std::runtime_error("create_user: " + u.error().message);
        return u.value();
    };
    s.admin = mk("admin@" + slug + ".test", domain::UserRole::kAdmin);
    s.instructor = mk("teacher@" + slug + ".test", domain::UserRole::kInstructor);
    services::Principal admin{s.admin, s.tenant};
    services::ProviderConfigInput jitsi;
    jitsi.provider = domain::ProviderKind::kJitsi;
    jitsi.is_default = true;
    jitsi.jitsi_domain = "meet." + slug + ".test";
    jitsi.jitsi_app_id = slug + "-app";
    jitsi.jitsi_jwt_secret = "jitsi-secret-of-" + slug + "-0123456789";
    if (auto r = app_->config_service().put_live_config(admin, s.tenant.id, jitsi); !r)
        throw std::runtime_error("put_live_config: " + r.error().message);
    auto c = dir.create_course(admin, {"Course of " + slug, "", {s.instructor.id}});
    if (!c) throw std::runtime_error("create_course: " + c.error().message);
    s.course = c.value();
    for (int i = 0; i < students; ++i) {
        auto u = mk("student" + std::to_string(i + 1) + "@" + slug + ".test", domain::UserRole::kStudent);
        if (auto r = dir.enroll(admin, s.course.id, u.id); !r) throw std::runtime_error("enroll failed");
        s.students.push_back(u);
        s.student_tokens.push_back(token_for(u, s.tenant));
    }
    s.admin_token = token_for(s.admin, s.tenant);
    s.instructor_token = token_for(s.instructor, s.tenant);
    return s;
}

json::object TestServer::create_session(const School& s, json::object extra) {
    UnixTime start = clock_.now() + 3600;
    json::object body{{"course_id", s.course.id},
                      {"title", "Session"},
                      {"scheduled_start", format_iso8601(start)},
                      {"scheduled_end", format_iso8601(start + 3600)}};
    for (auto& kv : extra) body[kv.key()] = kv.value();
    auto r = post_json("/api/v1/live-sessions/", body, s.instructor_token);
    if (r.status != 201) throw std::runtime_error("create_session failed: " + std::to_string(r.status) + " " + r.body);
    return r.obj();
}

}  // namespace lc::testing
