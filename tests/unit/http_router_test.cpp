// Router: the method + pattern table every request goes through.
#include <gtest/gtest.h>

#include "http/router.hpp"

namespace lc::http {
namespace {

Router sample() {
    Router r;
    r.add("GET", "/api/v1/live-sessions/", {});
    r.add("POST", "/api/v1/live-sessions/", {});
    r.add("GET", "/api/v1/live-sessions/{id}/", {});
    r.add("DELETE", "/api/v1/live-sessions/{id}/", {});
    r.add_async("POST", "/api/v1/live-sessions/{id}/join/", {});
    r.add("GET", "/api/v1/live-sessions/webhooks/{provider}/", {});
    r.add("GET", "/api/v1/courses/{course}/students/{user}/", {});
    return r;
}

TEST(Router, MatchesLiteralAndParameterSegmentsAndCapturesParameters) {
    Router r = sample();
    auto m = r.match("POST", "/api/v1/live-sessions/abc/join/");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/live-sessions/{id}/join/");
    EXPECT_EQ(m.params, std::vector<std::string>{"abc"});

    m = r.match("GET", "/api/v1/courses/c1/students/u2/");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params, (std::vector<std::string>{"c1", "u2"}));
}

TEST(Router, FirstRegisteredRouteWinsWhenALiteralAlsoFitsAParameter) {
    Router r;
    r.add("GET", "/api/v1/live-sessions/webhooks/", {});
    r.add("GET", "/api/v1/live-sessions/{id}/", {});
    auto m = r.match("GET", "/api/v1/live-sessions/webhooks/");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/live-sessions/webhooks/");
    EXPECT_TRUE(m.params.empty());
}

TEST(Router, SegmentCountMustAgreeAndEmptySegmentsAreIgnored) {
    Router r = sample();
    EXPECT_EQ(r.match("GET", "/api/v1/live-sessions/abc/join/extra/").route, nullptr);
    EXPECT_EQ(r.match("GET", "/api/v1/").route, nullptr);
    auto m = r.match("GET", "//api//v1/live-sessions/abc");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params, std::vector<std::string>{"abc"});
}

TEST(Router, WrongMethodReportsThePathAndTheMethodsItAllows) {
    Router r = sample();
    auto m = r.match("PUT", "/api/v1/live-sessions/abc/");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_TRUE(m.path_matched);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "DELETE"}));

    auto none = r.match("GET", "/nowhere/");
    EXPECT_FALSE(none.path_matched);
    EXPECT_TRUE(none.allowed.empty());
}

TEST(Router, HeadIsServedByTheGetRoute) {
    Router r = sample();
    auto m = r.match("HEAD", "/api/v1/live-sessions/abc/");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->method, "GET");
    EXPECT_EQ(m.params, std::vector<std::string>{"abc"});
}

}  // namespace
}  // namespace lc::http
