// Seed 7.2 on SQLite and PostgreSQL: a Jitsi class's own whiteboard. Pages of the class share one board,
// concurrent edits merge by Excalidraw's rule, a stream says when it changed, students draw only when
// the class's policy lets them, bad elements change nothing, the board exports as PDF, SVG and an
// .excalidraw file (audited), and it becomes a PDF artifact when the class ends.
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "harness.hpp"
#include "pdf_tool.hpp"
#include "sse_client.hpp"

namespace lc::testing {
namespace {

namespace json = boost::json;

Config fast_streams() {
    Config c;
    c.sse_poll_ms = 200;
    return c;
}

class Board : public ::testing::TestWithParam<Engine> {
protected:
    using School = TestServer::School;
    TestServer srv{GetParam(), true, fast_streams()};

    static std::string path(const std::string& session, const std::string& rest = "") {
        return "/api/v1/live-sessions/" + session + "/whiteboard/" + rest;
    }
    long long rows(const std::string& where) { return srv.count_rows(where); }

    static void expect_problem(const HttpResult& r, unsigned status) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.headers.at("content-type"), "application/problem+json") << r.body;
    }

    /// A class of `s` that has started.
    std::string live_class(const School& s, json::object extra = {}) {
        std::string id(srv.create_session(s, std::move(extra)).at("id").as_string());
        EXPECT_EQ(srv.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
        return id;
    }

    static json::object rect(const std::string& id, long long version, long long nonce, double x = 10) {
        return json::object{{"id", id},
                            {"type", "rectangle"},
                            {"x", x},
                            {"y", 20},
                            {"width", 100},
                            {"height", 50},
                            {"strokeColor", "#1971c2"},
                            {"backgroundColor", "transparent"},
                            {"version", version},
                            {"versionNonce", nonce},
                            {"index", "a" + std::to_string(version)},
                            {"isDeleted", false}};
    }

    HttpResult send(const std::string& session, const std::string& token, json::array elements) {
        return srv.patch_json(path(session), json::object{{"elements", std::move(elements)}}, token);
    }

    long long version_of(const std::string& session, const std::string& token) {
        auto r = srv.get(path(session), token);
        EXPECT_EQ(r.status, 200u) << r.body;
        return r.status == 200 ? r.obj().at("version").as_int64() : -1;
    }
};

TEST_P(Board, TheClassSharesOneBoardAndConcurrentEditsMergeByExcalidrawsRule) {
    auto s = srv.make_school("board", 2);
    const std::string id = live_class(s);

    auto first = srv.get(path(id), s.student_tokens[0]);
    ASSERT_EQ(first.status, 200u) << first.body;
    const std::string board_id = first.str("board_id");
    EXPECT_EQ(board_id.size(), 36u);
    EXPECT_EQ(first.obj().at("version"), 0);
    EXPECT_EQ(first.obj().at("can_edit"), true);
    EXPECT_TRUE(first.obj().at("read_only_reason").is_null());
    EXPECT_TRUE(first.obj().at("elements").as_array().empty());

    // The instructor draws; the student sees it and moves it.
    auto drawn = send(id, s.instructor_token, {rect("r1", 1, 500)});
    ASSERT_EQ(drawn.status, 200u) << drawn.body;
    EXPECT_EQ(drawn.obj().at("version"), 1);
    auto seen = srv.get(path(id, "?since=0"), s.student_tokens[0]);
    ASSERT_EQ(seen.obj().at("elements").as_array().size(), 1u);
    EXPECT_EQ(seen.obj().at("elements").as_array()[0].at("strokeColor"), "#1971c2");
    EXPECT_EQ(seen.str("board_id"), board_id) << "the board belongs to the class";
    ASSERT_EQ(send(id, s.student_tokens[0], {rect("r1", 2, 900, 60)}).status, 200u);

    // Both pages then change it at once from version 2: the same version, so the lower nonce wins,
    // whichever arrives first; a stale edit (version 1) changes nothing and is answered with the board's copy.
    auto a = send(id, s.instructor_token, {rect("r1", 3, 700, 70)});
    auto b = send(id, s.student_tokens[1], {rect("r1", 3, 40, 80)});
    ASSERT_EQ(a.status, 200u) << a.body;
    ASSERT_EQ(b.status, 200u) << b.body;
    EXPECT_EQ(b.obj().at("version"), 4);
    auto stale = send(id, s.instructor_token, {rect("r1", 1, 1, 5)});
    ASSERT_EQ(stale.status, 200u) << stale.body;
    EXPECT_EQ(stale.obj().at("version"), 4) << "nothing changed";
    EXPECT_EQ(stale.obj().at("elements").as_array()[0].at("x").as_double(), 80);
    EXPECT_EQ(stale.obj().at("elements").as_array()[0].at("versionNonce"), 40);
    auto c = send(id, s.instructor_token, {rect("r1", 3, 700, 70)});  // the losing edit again: still loses
    EXPECT_EQ(c.obj().at("elements").as_array()[0].at("x").as_double(), 80);

    // Erasing keeps a tombstone: a page that holds the board learns of it, a new page does not see it.
    json::object erased = rect("r1", 4, 3, 80);
    erased["isDeleted"] = true;
    ASSERT_EQ(send(id, s.instructor_token, {erased, rect("r2", 1, 9)}).status, 200u);
    auto changes = srv.get(path(id, "?since=4"), s.student_tokens[0]);
    ASSERT_EQ(changes.obj().at("version"), 5);
    ASSERT_EQ(changes.obj().at("elements").as_array().size(), 2u);
    auto whole = srv.get(path(id), s.student_tokens[0]);
    ASSERT_EQ(whole.obj().at("elements").as_array().size(), 1u);
    EXPECT_EQ(whole.obj().at("elements").as_array()[0].at("id"), "r2");
    EXPECT_TRUE(srv.get(path(id, "?since=5"), s.student_tokens[0]).obj().at("elements").as_array().empty());
    // An erased element does not come back with an older edit.
    send(id, s.student_tokens[1], {rect("r1", 3, 1, 0)});
    EXPECT_EQ(srv.get(path(id), s.student_tokens[0]).obj().at("elements").as_array().size(), 1u);
    EXPECT_EQ(rows("live_whiteboards"), 1);
    EXPECT_EQ(rows("live_whiteboard_elements"), 2);
}

TEST_P(Board, TheStreamSaysWhenTheBoardChangedAndWhenTheClassEnded) {
    auto s = srv.make_school("bstream", 1);
    const std::string id = live_class(s);
    SseClient stream(srv.port(), path(id, "stream/"), s.student_tokens[0]);
    ASSERT_EQ(stream.status(), 200u);
    EXPECT_EQ(stream.header("content-type"), "text/event-stream; charset=utf-8");
    auto opening = stream.next_named("board");
    ASSERT_TRUE(opening);
    EXPECT_EQ(opening->data, R"({"version":0})");
    ASSERT_EQ(send(id, s.instructor_token, {rect("r1", 1, 1)}).status, 200u);
    auto changed = stream.next_named("board");
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->data, R"({"version":1})");
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    auto ended = stream.next_named("ended");
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->data, R"({"version":1})");
    EXPECT_TRUE(stream.ends());

    // After the class the board is read-only, for its instructor too.
    auto late = send(id, s.instructor_token, {rect("r1", 2, 1)});
    expect_problem(late, 409);
    EXPECT_NE(late.body.find("has ended"), std::string::npos) << late.body;
    auto view = srv.get(path(id), s.instructor_token);
    EXPECT_EQ(view.obj().at("can_edit"), false);
    EXPECT_NE(view.str("read_only_reason").find("viewed and exported"), std::string::npos);
}

TEST_P(Board, StudentsDrawOnlyWhenThePolicyLetsThemAndOtherSchoolsSeeNothing) {
    auto s = srv.make_school("brights", 1);
    auto other = srv.make_school("bother", 1);
    const std::string id = live_class(s, json::object{{"policy", {{"students_can_use_whiteboard", false}}}});
    ASSERT_EQ(send(id, s.instructor_token, {rect("r1", 1, 1)}).status, 200u);
    auto view = srv.get(path(id), s.student_tokens[0]);
    ASSERT_EQ(view.status, 200u);
    EXPECT_EQ(view.obj().at("can_edit"), false);
    EXPECT_NE(view.str("read_only_reason").find("only its instructors and moderators"), std::string::npos);
    EXPECT_EQ(view.obj().at("elements").as_array().size(), 1u) << "students still see the board";
    expect_problem(send(id, s.student_tokens[0], {rect("r2", 1, 1)}), 403);
    for (const auto& token : {other.instructor_token, other.admin_token, other.student_tokens[0]}) {
        expect_problem(srv.get(path(id), token), 404);
        expect_problem(send(id, token, {rect("r3", 1, 1)}), 404);
        expect_problem(srv.get(path(id, "export/?format=svg"), token), 404);
        expect_problem(srv.get(path(id, "stream/"), token), 404);
    }
    expect_problem(srv.get(path(id)), 401);
    EXPECT_EQ(rows("live_whiteboard_elements"), 1);
}

TEST_P(Board, BadElementsAndParametersChangeNothing) {
    auto s = srv.make_school("bbad", 1);
    const std::string id = live_class(s);
    ASSERT_EQ(send(id, s.instructor_token, {rect("r1", 1, 1)}).status, 200u);

    json::object image = rect("img", 1, 1);
    image["type"] = "image";
    json::object script = rect("r9", 1, 1);
    script["link"] = "javascript:alert(1)";
    auto bad = send(id, s.instructor_token, {rect("ok", 1, 1), image, script});
    expect_problem(bad, 422);
    ASSERT_TRUE(bad.obj().contains("errors")) << bad.body;
    std::string fields;
    for (const auto& e : bad.obj().at("errors").as_array()) fields += js(e.at("field")) + " ";
    EXPECT_EQ(fields, "elements.1.type elements.2.link ");
    EXPECT_EQ(version_of(id, s.instructor_token), 1) << "the valid element of a refused change is not kept";

    expect_problem(srv.patch_json(path(id), json::object{{"elements", json::array{}}}, s.instructor_token), 422);
    expect_problem(srv.patch_json(path(id), json::object{{"elements", "r1"}}, s.instructor_token), 422);
    expect_problem(srv.patch_json(path(id), json::object{{"elements", json::array{rect("a", 1, 1)}}, {"x", 1}},
                                  s.instructor_token),
                   422);
    json::array many;
    for (int i = 0; i < 501; ++i) many.push_back(rect("m" + std::to_string(i), 1, 1));
    expect_problem(send(id, s.instructor_token, many), 422);
    expect_problem(http_request(srv.port(), "PATCH", path(id), "{\"elements\": [", s.instructor_token), 400);
    const std::string huge = R"({"elements":[{"id":"h","type":"text","version":1,"versionNonce":1,"text":")" +
                             std::string(1100000, 'x') + R"("}]})";
    expect_problem(http_request(srv.port(), "PATCH", path(id), huge, s.instructor_token), 413);
    expect_problem(srv.get(path(id, "?since=-1"), s.instructor_token), 400);
    expect_problem(srv.get(path(id, "?since=abc"), s.instructor_token), 400);
    expect_problem(srv.get(path(id, "?after=1"), s.instructor_token), 400);
    expect_problem(srv.get(path(id, "export/?format=docx"), s.instructor_token), 400);
    expect_problem(srv.get(path("not-a-uuid"), s.instructor_token), 400);
    EXPECT_EQ(version_of(id, s.instructor_token), 1);
    EXPECT_EQ(rows("live_whiteboard_elements"), 1);

    // A class on BigBlueButton uses BigBlueButton's own whiteboard.
    std::string bbb(srv.create_session(s).at("id").as_string());
    {
        soci::session sql(srv.app().db().pool());
        sql << "UPDATE live_sessions SET provider = 'bbb' WHERE id = :i", soci::use(bbb);
    }
    auto other = srv.get(path(bbb), s.instructor_token);
    expect_problem(other, 409);
    EXPECT_NE(other.body.find("BigBlueButton"), std::string::npos);
}

TEST_P(Board, TheBoardExportsAsPdfSvgAndExcalidrawAndBecomesAnArtifactWhenTheClassEnds) {
    auto s = srv.make_school("bexport", 1);
    const std::string id = live_class(s);
    expect_problem(srv.get(path(id, "export/?format=pdf"), s.student_tokens[0]), 409);  // nothing drawn yet

    json::object label{{"id", "t1"},   {"type", "text"}, {"version", 1},           {"versionNonce", 1},
                       {"x", 20},      {"y", 100},       {"text", "Türev = eğim"}, {"fontSize", 28},
                       {"width", 180}, {"height", 35},   {"index", "b0"}};
    ASSERT_EQ(send(id, s.instructor_token, {rect("r1", 1, 1), label}).status, 200u);

    auto file = srv.get(path(id, "export/?format=excalidraw"), s.student_tokens[0]);
    ASSERT_EQ(file.status, 200u) << file.body;
    EXPECT_EQ(file.headers["content-type"], "application/vnd.excalidraw+json");
    EXPECT_EQ(file.headers["content-disposition"], "attachment; filename=\"whiteboard-" + id + ".excalidraw\"");
    json::value doc = json::parse(file.body);
    EXPECT_EQ(doc.at("type"), "excalidraw");
    EXPECT_EQ(doc.at("elements").as_array().size(), 2u);

    auto svg = srv.get(path(id, "export/?format=svg"), s.student_tokens[0]);
    ASSERT_EQ(svg.status, 200u);
    EXPECT_EQ(svg.headers["content-type"], "image/svg+xml");
    EXPECT_NE(svg.body.find("Türev = eğim"), std::string::npos);

    auto pdf = srv.get(path(id, "export/"), s.student_tokens[0]);  // PDF is the default
    ASSERT_EQ(pdf.status, 200u) << pdf.body;
    EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
    ASSERT_TRUE(pdf.body.starts_with("%PDF-"));
    EXPECT_NE(pdf_tool(pdf.body, "pdfinfo").find("Pages:           1"), std::string::npos);
    EXPECT_NE(pdf_tool(pdf.body, "pdftotext", "-").find("Türev = eğim"), std::string::npos);
    EXPECT_EQ(rows("audit_logs WHERE action = 'whiteboard.export' AND resource_id = '" + id + "'"), 3);

    // The end of the class turns the board into a PDF the class's students see among its outputs.
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + id + "/end/", "", s.instructor_token).status, 200u);
    srv.app().workers().run_due();
    EXPECT_EQ(rows("jobs WHERE type = 'export_room_whiteboard' AND status = 'done'"), 1);
    auto listed = srv.get("/api/v1/live-sessions/" + id + "/artifacts/", s.student_tokens[0]);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    ASSERT_EQ(listed.obj().at("count"), 1) << listed.body;
    const auto& a = listed.obj().at("results").as_array()[0].as_object();
    EXPECT_EQ(a.at("type"), "whiteboard");
    EXPECT_EQ(a.at("metadata").at("format"), "pdf");
    EXPECT_EQ(a.at("metadata").at("shape_count"), 2);
    EXPECT_EQ(a.at("metadata").at("source"), "excalidraw");
    auto link =
        srv.get("/api/v1/live-sessions/" + id + "/artifacts/" + js(a.at("id")) + "/download/", s.student_tokens[0]);
    ASSERT_EQ(link.status, 200u) << link.body;
    auto kept = srv.get(link.str("url"));
    ASSERT_EQ(kept.status, 200u);
    EXPECT_NE(pdf_tool(kept.body, "pdftotext", "-").find("Türev = eğim"), std::string::npos);

    // A class nobody drew on leaves no board artifact.
    const std::string blank = live_class(s);
    ASSERT_EQ(srv.get(path(blank), s.instructor_token).status, 200u);
    ASSERT_EQ(srv.post("/api/v1/live-sessions/" + blank + "/end/", "", s.instructor_token).status, 200u);
    srv.app().workers().run_due();
    EXPECT_EQ(rows("live_session_artifacts WHERE session_id = '" + blank + "'"), 0);
}

TEST_P(Board, AFullBoardTakesNoMoreElementsButStillTakesEdits) {
    auto s = srv.make_school("bfull", 1);
    const std::string id = live_class(s);
    for (int batch = 0; batch < 20; ++batch) {
        json::array elements;
        for (int i = 0; i < 500; ++i) elements.push_back(rect("e" + std::to_string(batch * 500 + i), 1, 1));
        ASSERT_EQ(send(id, s.instructor_token, std::move(elements)).status, 200u) << batch;
    }
    auto full = send(id, s.student_tokens[0], {rect("one-more", 1, 1)});
    expect_problem(full, 409);
    EXPECT_NE(full.body.find("10000 elements"), std::string::npos) << full.body;
    EXPECT_EQ(send(id, s.student_tokens[0], {rect("e42", 2, 1, 300)}).status, 200u) << "an edit adds no element";

    // Long strokes fill a board by their size: 16 MiB of drawing.
    const std::string strokes = live_class(s);
    json::array points;
    for (int i = 0; i < 10000; ++i) points.push_back(json::array{i % 997 + 0.125, i % 991 + 0.375});
    int sent = 0;
    HttpResult last;
    for (int batch = 0; batch < 40; ++batch) {
        json::array elements;
        for (int i = 0; i < 4; ++i)
            elements.push_back(json::object{{"id", "s" + std::to_string(sent++)},
                                            {"type", "freedraw"},
                                            {"version", 1},
                                            {"versionNonce", 1},
                                            {"points", points}});
        last = send(strokes, s.instructor_token, std::move(elements));
        if (last.status != 200) break;
    }
    expect_problem(last, 409);
    EXPECT_NE(last.body.find("16 MiB"), std::string::npos) << last.body;
    EXPECT_LT(sent, 200) << "the size cap, not the element cap, stopped it";
}

TEST_P(Board, ChangesSentAtOnceAreNumberedOneAfterAnotherAndEndAlike) {
    auto s = srv.make_school("bconc", 2);
    const std::string id = live_class(s);
    ASSERT_EQ(srv.get(path(id), s.instructor_token).status, 200u);
    // Eight pages, ten changes each: each adds an element of its own and edits one they share.
    constexpr int kPages = 8, kChanges = 10;
    std::mutex m;
    std::vector<long long> versions;
    std::vector<unsigned> statuses;
    std::vector<std::thread> pages;
    for (int page = 0; page < kPages; ++page)
        pages.emplace_back([&, page] {
            const std::string token = page % 3 == 0 ? s.instructor_token : s.student_tokens[page % 2];
            for (int k = 1; k <= kChanges; ++k) {
                auto r = send(id, token,
                              {rect("own-" + std::to_string(page) + "-" + std::to_string(k), 1, 1),
                               rect("shared", k, 1000 - page * 10 - k, page * 10 + k)});
                std::lock_guard lock(m);
                statuses.push_back(r.status);
                if (r.status == 200) versions.push_back(r.obj().at("version").as_int64());
            }
        });
    for (auto& t : pages) t.join();
    EXPECT_EQ(std::set<unsigned>(statuses.begin(), statuses.end()), std::set<unsigned>{200u});
    // Every change added an element, so each got a version of its own: 1 to 80, none twice.
    std::set<long long> distinct(versions.begin(), versions.end());
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kPages * kChanges));
    EXPECT_EQ(*distinct.begin(), 1);
    EXPECT_EQ(*distinct.rbegin(), kPages * kChanges);
    // The shared element is the one Excalidraw's rule picks from all eighty edits: version 10, lowest nonce.
    auto board = srv.get(path(id), s.student_tokens[0]);
    ASSERT_EQ(board.obj().at("elements").as_array().size(), static_cast<std::size_t>(kPages * kChanges + 1));
    for (const auto& e : board.obj().at("elements").as_array())
        if (e.at("id") == "shared") {
            EXPECT_EQ(e.at("version"), kChanges);
            EXPECT_EQ(e.at("versionNonce"), 1000 - (kPages - 1) * 10 - kChanges);
        }
}

TEST_P(Board, PdfExportsForPeopleAreCappedPerProcess) {
    // A renderer that takes two seconds: two exports render, a third at the same time is asked to retry.
    const auto dir = std::filesystem::temp_directory_path() / ("lc-slow-rsvg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto script = dir / "rsvg-convert";
    std::ofstream(script) << "#!/bin/sh\nsleep 2\nexec rsvg-convert \"$@\"\n";
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    Config c;
    c.rsvg_convert = script.string();
    TestServer slow{GetParam(), true, c};
    auto s = slow.make_school("bslow", 1);
    std::string id(slow.create_session(s).at("id").as_string());
    ASSERT_EQ(slow.post("/api/v1/live-sessions/" + id + "/start/", "", s.instructor_token).status, 200u);
    ASSERT_EQ(
        slow.patch_json(path(id), json::object{{"elements", json::array{rect("r1", 1, 1)}}}, s.instructor_token).status,
        200u);
    std::vector<HttpResult> results(3);
    std::vector<std::thread> exports;
    for (auto& r : results)
        exports.emplace_back([&] { r = slow.get(path(id, "export/?format=pdf"), s.student_tokens[0]); });
    for (auto& t : exports) t.join();
    std::multiset<unsigned> statuses;
    for (const auto& r : results) statuses.insert(r.status);
    EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 200u, 503u}));
    for (const auto& r : results)
        if (r.status == 503) {
            EXPECT_EQ(r.headers.at("retry-after"), "5");
            EXPECT_NE(r.body.find("try again in a few seconds"), std::string::npos) << r.body;
        } else {
            EXPECT_TRUE(r.body.starts_with("%PDF-"));
        }
    std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, Board, ::testing::ValuesIn(available_engines()), engine_name);

}  // namespace
}  // namespace lc::testing
