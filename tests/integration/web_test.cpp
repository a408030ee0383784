// Issue 7: the web front end served by the C++ server at / (LIVE_WEB_ROOT), next to the API: files
// from memory, client-side routes fall back to index.html, hashed assets are cached for a year, the
// build's .gz copies are sent to clients that accept gzip, and the page's CSP names only the
// requesting school's own provider and domains.
#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "raw_http.hpp"

namespace lc::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

void write(const fs::path& p, const std::string& body) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << body;
}

/// A gzip member of `body`, as the build's compress step writes one.
std::string gzip(const std::string& body) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, body.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

/// A built app's shape: index.html, hashed assets (one with a .gz copy, one with a stale .gz from an
/// earlier build), a root file, and a symbolic link that must never be followed.
struct WebRoot {
    fs::path dir = fs::temp_directory_path() / ("lc-web-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    WebRoot() {
        write(dir / "index.html", "<!doctype html><title>app</title><div id=root></div>");
        write(dir / "assets/index-abc123.js", "console.log('app')");
        write(dir / "assets/index-abc123.js.gz", gzip("console.log('app')"));
        write(dir / "assets/stale-abc123.js", "console.log('new')");
        write(dir / "assets/stale-abc123.js.gz", gzip("console.log('an earlier build')"));
        write(dir / "assets/index-abc123.css", "body{}");
        write(dir / "favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write(fs::temp_directory_path() / "lc-web-secret.txt", "TOP-SECRET-CONTENT");
        fs::create_symlink(fs::temp_directory_path() / "lc-web-secret.txt", dir / "secret.txt");
    }
    ~WebRoot() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

/// One directive of a policy ("frame-src 'self' https://a"), with its name; empty when absent.
std::string directive(const std::string& csp, const std::string& name) {
    auto at = csp.find(name + " ");
    if (at == std::string::npos) return {};
    return csp.substr(at, csp.find(';', at) - at);
}

class Web : public ::testing::TestWithParam<Engine> {
protected:
    Web() : srv(GetParam(), true, config(root)) {}
    static Config config(const WebRoot& r) {
        Config c;
        c.web_root = r.dir.string();
        c.public_url = "https://lms.example.test";
        return c;
    }
    HttpResult get(const std::string& target, std::map<std::string, std::string> headers = {}) {
        return http_request(srv.port(), "GET", target, "", "", headers);
    }
    WebRoot root;
    TestServer srv;
};

TEST_P(Web, TheAppShellAnswersEveryClientSideRouteAndIsRevalidated) {
    for (const char* path : {"/", "/login", "/sessions/6a1f0b7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
                             "/sessions/6a1f0b7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f/room", "/admin?tab=users"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 200u) << path;
        EXPECT_NE(r.body.find("<div id=root>"), std::string::npos) << path;
        EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8") << path;
        EXPECT_EQ(r.headers["cache-control"], "no-cache") << path;
        EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
        EXPECT_FALSE(r.headers["etag"].empty());
    }
    // A revalidation with the same ETag is a 304 without a body.
    auto first = get("/");
    auto again = get("/", {{"If-None-Match", first.headers["etag"]}});
    EXPECT_EQ(again.status, 304u);
    EXPECT_TRUE(again.body.empty());
}

TEST_P(Web, HashedAssetsAreImmutableAndGzipIsSentOnlyToClientsThatAcceptIt) {
    auto plain = get("/assets/index-abc123.js");
    EXPECT_EQ(plain.status, 200u);
    EXPECT_EQ(plain.body, "console.log('app')");
    EXPECT_EQ(plain.headers["content-type"], "text/javascript; charset=utf-8");
    EXPECT_EQ(plain.headers["cache-control"], "public, max-age=31536000, immutable");
    EXPECT_EQ(plain.headers["vary"], "Accept-Encoding");
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);

    auto gz = get("/assets/index-abc123.js", {{"Accept-Encoding", "br, gzip;q=0.8, deflate"}});
    EXPECT_EQ(gz.headers["content-encoding"], "gzip");
    EXPECT_EQ(gz.body, gzip("console.log('app')"));
    auto refused = get("/assets/index-abc123.js", {{"Accept-Encoding", "gzip;q=0"}});
    EXPECT_EQ(refused.headers.count("content-encoding"), 0u);
    EXPECT_EQ(refused.body, "console.log('app')");

    // A .gz that is not the file (left from an earlier build) is never sent in its place.
    auto stale = get("/assets/stale-abc123.js", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(stale.headers.count("content-encoding"), 0u);
    EXPECT_EQ(stale.body, "console.log('new')");

    auto css = get("/assets/index-abc123.css");
    EXPECT_EQ(css.headers["content-type"], "text/css; charset=utf-8");
    EXPECT_EQ(get("/favicon.svg").headers["content-type"], "image/svg+xml");
}

TEST_P(Web, AMissingFileIsA404ProblemNeverTheShellAndNothingOutsideTheRootIsReachable) {
    for (const char* path : {"/assets/index-old999.js", "/assets/chunk", "/robots.txt", "/secret.txt", "/index.html.gz",
                             "/assets/index-abc123.js.gz"}) {
        auto r = get(path);
        EXPECT_EQ(r.status, 404u) << path;
        EXPECT_EQ(r.headers["content-type"], "application/problem+json") << path;
    }
    // Dot segments and their encodings never leave the root: they are the shell (a client route) or 404.
    for (const char* path : {"/../../etc/passwd", "/assets/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                             "/..%2f..%2fetc%2fpasswd", "/secret.txt/..", "//etc/passwd"}) {
        auto r = get(path);
        EXPECT_TRUE(r.status == 404u || r.status == 400u ||
                    (r.status == 200u && r.body.find("<div id=root>") != std::string::npos))
            << path << " " << r.status;
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
        EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos) << path;
    }
}

TEST_P(Web, OnlyGetAndHeadReadTheAppAndTheApiIsUntouched) {
    auto post = http_request(srv.port(), "POST", "/sessions/x", "{}");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(post.headers["allow"], "GET, HEAD");
    // HEAD: the headers of the shell (its Content-Length) and no body.
    auto head = raw_exchange(srv.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(head.received.rfind("HTTP/1.1 200", 0), 0u) << head.received;
    EXPECT_EQ(head.received.substr(head.received.find("\r\n\r\n") + 4), "");
    // API paths never fall back to the shell.
    auto api = get("/api/v1/nope/");
    EXPECT_EQ(api.status, 404u);
    EXPECT_EQ(api.headers["content-type"], "application/problem+json");
    EXPECT_EQ(get("/api/v1/auth/me/").status, 401u);
    EXPECT_EQ(get("/health").status, 200u);
}

TEST_P(Web, ThePagesPolicyEmbedsOnlyTheRequestingSchoolsProviderAndLetsOnlyItsSitesFrameIt) {
    auto a = srv.make_school("alpha", 0);
    auto b = srv.make_school("beta", 0);
    // alpha also runs BigBlueButton: framed, but none of its scripts may run in the page.
    services::ProviderConfigInput bbb;
    bbb.provider = domain::ProviderKind::kBbb;
    bbb.bbb_server_url = "https://bbb.alpha.test/bigbluebutton/";
    bbb.bbb_shared_secret = "bbb-secret-of-alpha-0123456789";
    ASSERT_TRUE(srv.app().config_service().put_live_config({a.admin, a.tenant}, a.tenant.id, bbb));
    ASSERT_EQ(srv.patch_json("/api/v1/tenants/" + a.tenant.id + "/",
                             json::object{{"domains", json::array{"alpha.example"}}}, a.admin_token)
                  .status,
              200u);
    auto r = get("/sessions/x", {{"Host", "alpha.example:8080"}});
    ASSERT_EQ(r.status, 200u);
    const auto& csp = r.headers["content-security-policy"];
    EXPECT_NE(csp.find("script-src 'self' https://meet.example.test https://meet.alpha.test;"), std::string::npos)
        << csp;
    auto frame_src = directive(csp, "frame-src");
    for (const char* o : {"'self'", "https://meet.example.test", "https://meet.alpha.test", "https://bbb.alpha.test"})
        EXPECT_NE(frame_src.find(o), std::string::npos) << o << " in " << csp;
    EXPECT_NE(csp.find("img-src 'self' data: blob:;"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'self' https://alpha.example;"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("beta"), std::string::npos) << csp;

    // An unknown host: only the operator's own Jitsi (JITSI_DOMAIN), no school's.
    auto unknown = get("/", {{"Host", "elsewhere.example"}});
    const auto& csp2 = unknown.headers["content-security-policy"];
    EXPECT_NE(csp2.find("frame-src 'self' https://meet.example.test;"), std::string::npos) << csp2;
    EXPECT_EQ(csp2.find("alpha"), std::string::npos) << csp2;
    // Assets carry the API's closed policy (they are never documents).
    EXPECT_EQ(get("/assets/index-abc123.js").headers["content-security-policy"],
              "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    (void)b;
}

TEST_P(Web, ASchoolAdminCannotClaimTheServicesOwnOrALocalAddressAsItsDomain) {
    // The page served on a domain trusts that school's sites and providers; a shared address is the
    // operator's to assign.
    auto a = srv.make_school("gamma", 0);
    for (const char* host : {"lms.example.test", "LMS.example.test", "localhost", "127.0.0.1", "10.0.0.7"}) {
        auto r = srv.patch_json("/api/v1/tenants/" + a.tenant.id + "/", json::object{{"domains", json::array{host}}},
                                a.admin_token);
        EXPECT_EQ(r.status, 422u) << host << " " << r.body;
        EXPECT_NE(r.body.find("only the operator"), std::string::npos) << r.body;
    }
    auto ok = srv.patch_json("/api/v1/tenants/" + a.tenant.id + "/",
                             json::object{{"domains", json::array{"gamma.school.test"}}}, a.admin_token);
    EXPECT_EQ(ok.status, 200u) << ok.body;
    // A domain listed twice, in any case, is one domain (it was a 500: the second insert broke the index).
    auto twice = srv.patch_json(
        "/api/v1/tenants/" + a.tenant.id + "/",
        json::object{{"domains", json::array{"gamma.school.test", "GAMMA.school.test", "g.test"}}}, a.admin_token);
    ASSERT_EQ(twice.status, 200u) << twice.body;
    EXPECT_EQ(twice.obj().at("domains"), (json::array{"gamma.school.test", "g.test"})) << twice.body;
}

INSTANTIATE_TEST_SUITE_P(Engines, Web, ::testing::ValuesIn(available_engines()), engine_name);

TEST(WebRootMissing, TheApiStillServesAndTheRootIsAPlain404) {
    Config c;
    c.web_root = "/nonexistent/liveclass-web";
    TestServer srv(Engine::kSqlite, true, c);
    EXPECT_EQ(srv.get("/").status, 404u);
    EXPECT_EQ(srv.get("/health").status, 200u);
}

}  // namespace
}  // namespace lc::testing
