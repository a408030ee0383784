// Seed 7.2: the class's own whiteboard. The merge rule (Excalidraw's), who may draw when, how an element
// a page sends is checked and kept, and the board drawn as a page.
#include "domain/board.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "providers/excalidraw.hpp"

namespace lc {
namespace {

namespace json = boost::json;
using domain::ElementStamp;
using domain::SessionActor;
using domain::SessionStatus;
using providers::BoardElement;

TEST(BoardMerge, AHigherVersionWinsAndTiesGoToTheLowerNonce) {
    EXPECT_TRUE(domain::replaces(ElementStamp{3, 900}, ElementStamp{2, 1}));
    EXPECT_FALSE(domain::replaces(ElementStamp{2, 1}, ElementStamp{3, 900}));
    EXPECT_TRUE(domain::replaces(ElementStamp{3, 10}, ElementStamp{3, 20}));
    EXPECT_FALSE(domain::replaces(ElementStamp{3, 20}, ElementStamp{3, 10}));
    // The same version and nonce is the same edit: it replaces nothing (a page resending it changes nothing).
    EXPECT_FALSE(domain::replaces(ElementStamp{3, 10}, ElementStamp{3, 10}));
}

TEST(BoardMerge, EveryOrderOfTheSameEditsEndsWithTheSameElement) {
    const std::vector<ElementStamp> edits{{4, 7}, {5, 300}, {5, 12}, {2, 1}, {5, 40}};
    std::vector<std::size_t> order{0, 1, 2, 3, 4};
    do {
        ElementStamp kept = edits[order[0]];
        for (std::size_t i = 1; i < order.size(); ++i)
            if (domain::replaces(edits[order[i]], kept)) kept = edits[order[i]];
        EXPECT_EQ(kept.version, 5);
        EXPECT_EQ(kept.nonce, 12);
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST(BoardRights, StaffDrawWhileTheClassRunsAndStudentsWhenThePolicySaysSo) {
    domain::EffectivePolicy open, closed;
    closed.students_can_use_whiteboard = false;
    for (auto status : {SessionStatus::kScheduled, SessionStatus::kLive}) {
        for (auto actor : {SessionActor::kHost, SessionActor::kModerator, SessionActor::kAdmin}) {
            EXPECT_FALSE(domain::board_read_only_reason(actor, closed, status));
        }
        EXPECT_FALSE(domain::board_read_only_reason(SessionActor::kParticipant, open, status));
        auto why = domain::board_read_only_reason(SessionActor::kParticipant, closed, status);
        ASSERT_TRUE(why);
        EXPECT_NE(why->find("only its instructors and moderators"), std::string::npos);
    }
    for (auto status : {SessionStatus::kEnded, SessionStatus::kCancelled}) {
        auto why = domain::board_read_only_reason(SessionActor::kHost, open, status);
        ASSERT_TRUE(why);
        EXPECT_NE(why->find("viewed and exported"), std::string::npos);
    }
    EXPECT_TRUE(domain::has_own_board(domain::ProviderKind::kJitsi));
    EXPECT_FALSE(domain::has_own_board(domain::ProviderKind::kBbb));
    EXPECT_FALSE(domain::has_own_board(domain::ProviderKind::kZoom));
}

/// A rectangle as Excalidraw 0.18 sends it.
json::object rectangle(const std::string& id, long long version = 1) {
    return json::object{{"id", id},
                        {"type", "rectangle"},
                        {"x", 100.5},
                        {"y", 40},
                        {"width", 200},
                        {"height", 120},
                        {"angle", 0},
                        {"strokeColor", "#1e1e1e"},
                        {"backgroundColor", "#a5d8ff"},
                        {"fillStyle", "solid"},
                        {"strokeWidth", 2},
                        {"strokeStyle", "solid"},
                        {"roughness", 1},
                        {"opacity", 100},
                        {"groupIds", json::array{}},
                        {"frameId", nullptr},
                        {"index", "a0"},
                        {"roundness", json::object{{"type", 3}}},
                        {"seed", 1468032193},
                        {"version", version},
                        {"versionNonce", 1723406181},
                        {"isDeleted", false},
                        {"boundElements", json::array{json::object{{"type", "text"}, {"id", "label-1"}}}},
                        {"updated", 1764150000000.0},
                        {"link", nullptr},
                        {"locked", false},
                        {"customData", json::object{{"anything", "a page made up"}}}};
}

std::optional<BoardElement> read(const json::value& v, std::vector<FieldError>& errors) {
    return providers::read_board_element(v, "elements.0.", errors);
}

TEST(BoardElements, AnElementIsKeptWithTheFieldsExcalidrawUsesAndNothingElse) {
    std::vector<FieldError> errors;
    auto e = read(rectangle("r-1_A", 7), errors);
    ASSERT_TRUE(e) << (errors.empty() ? "" : errors[0].field + " " + errors[0].detail);
    EXPECT_EQ(e->id, "r-1_A");
    EXPECT_EQ(e->type, "rectangle");
    EXPECT_EQ(e->version, 7);
    EXPECT_EQ(e->nonce, 1723406181);
    EXPECT_FALSE(e->deleted);
    EXPECT_EQ(e->index, "a0");
    json::object kept = json::parse(e->json).as_object();
    EXPECT_FALSE(kept.contains("customData")) << "unknown fields are dropped";
    EXPECT_EQ(kept.at("backgroundColor"), "#a5d8ff");
    EXPECT_EQ(kept.at("roundness").at("type"), 3);
    EXPECT_EQ(kept.at("boundElements").as_array().size(), 1u);
    EXPECT_EQ(kept.at("x").as_double(), 100.5);
}

TEST(BoardElements, WhatIsNotAnElementIsRefusedFieldByField) {
    struct Case {
        const char* field;
        const char* value;  // JSON
    };
    const std::vector<Case> cases{
        {"type", R"J("image")J"},
        {"type", R"J("embeddable")J"},
        {"id", R"J("has space")J"},
        {"id", R"J("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")J"},
        {"version", "0"},
        {"version", "1.5"},
        {"version", R"J("3")J"},
        {"versionNonce", "null"},
        {"x", "1e9"},
        {"x", R"J("10")J"},
        {"strokeColor", R"J("url(#evil)")J"},
        {"strokeColor", R"J("#12")J"},
        {"backgroundColor", R"J("red;fill:url(x)")J"},
        {"fillStyle", R"J("gradient")J"},
        {"opacity", "101"},
        {"link", R"J("javascript:alert(1)")J"},
        {"link", R"J("data:text/html,hi")J"},
        {"groupIds", R"J(["ok", 5])J"},
        {"index", R"J("a 0")J"},
        {"boundElements", R"J([{"id": "x", "type": "image"}])J"},
        {"roundness", R"J({"type": 9})J"},
        {"isDeleted", R"J("no")J"},
    };
    for (const auto& c : cases) {
        json::object o = rectangle("r1");
        o[c.field] = json::parse(c.value);
        std::vector<FieldError> errors;
        EXPECT_FALSE(read(o, errors)) << c.field << " = " << c.value;
        ASSERT_EQ(errors.size(), 1u) << c.field;
        EXPECT_EQ(errors[0].field, std::string("elements.0.") + c.field);
        EXPECT_FALSE(errors[0].detail.empty());
    }
    for (const char* required : {"id", "type", "version", "versionNonce"}) {
        json::object o = rectangle("r1");
        o.erase(required);
        std::vector<FieldError> errors;
        EXPECT_FALSE(read(o, errors)) << required;
        ASSERT_EQ(errors.size(), 1u) << required;
        EXPECT_EQ(errors[0].field, std::string("elements.0.") + required);
        EXPECT_EQ(errors[0].detail, "is required");
    }
    std::vector<FieldError> errors;
    EXPECT_FALSE(read(json::array{1, 2}, errors));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "elements.0");
}

TEST(BoardElements, LinesStrokesAndTextKeepTheirOwnFields) {
    json::object arrow{{"id", "a1"},
                       {"type", "arrow"},
                       {"version", 3},
                       {"versionNonce", -5},
                       {"x", 0},
                       {"y", 0},
                       {"points", json::array{json::array{0, 0}, json::array{120, 40}}},
                       {"startBinding", nullptr},
                       {"endBinding", json::object{{"elementId", "r1"}, {"focus", 0.1}, {"gap", 4}, {"mode", "x"}}},
                       {"startArrowhead", nullptr},
                       {"endArrowhead", "triangle"},
                       {"elbowed", false}};
    std::vector<FieldError> errors;
    auto a = read(arrow, errors);
    ASSERT_TRUE(a) << errors[0].field << " " << errors[0].detail;
    json::object kept = json::parse(a->json).as_object();
    EXPECT_EQ(kept.at("points").as_array().size(), 2u);
    EXPECT_EQ(kept.at("endBinding").as_object().size(), 3u) << "only elementId, focus and gap";
    EXPECT_EQ(kept.at("endArrowhead"), "triangle");

    arrow["endArrowhead"] = "rocket";
    EXPECT_FALSE(read(arrow, errors));
    arrow["endArrowhead"] = nullptr;
    json::array many;
    for (std::size_t i = 0; i <= providers::kMaxBoardPoints; ++i) many.push_back(json::array{i, i});
    arrow["points"] = many;
    errors.clear();
    EXPECT_FALSE(read(arrow, errors));
    EXPECT_EQ(errors.at(0).field, "elements.0.points");

    json::object text{{"id", "t1"},
                      {"type", "text"},
                      {"version", 1},
                      {"versionNonce", 2},
                      {"x", 10},
                      {"y", 10},
                      {"text", "Türev\nİntegral"},
                      {"fontSize", 28},
                      {"fontFamily", 5},
                      {"textAlign", "center"},
                      {"lineHeight", 1.25}};
    errors.clear();
    auto t = read(text, errors);
    ASSERT_TRUE(t);
    EXPECT_EQ(json::parse(t->json).at("text"), "Türev\nİntegral");
    text["text"] = std::string(providers::kMaxBoardText + 1, 'x');
    EXPECT_FALSE(read(text, errors));
    text["text"] = "\xff\xfe";
    EXPECT_FALSE(read(text, errors));
}

TEST(BoardElements, DrawingOrderIsTheFractionalIndexThenTheId) {
    std::vector<BoardElement> els{{"b", "rectangle", 1, 1, false, "a1", "{}"},
                                  {"c", "rectangle", 1, 1, false, "Zz", "{}"},
                                  {"a", "rectangle", 1, 1, false, "a1", "{}"},
                                  {"d", "rectangle", 1, 1, false, "a0V", "{}"}};
    providers::sort_board_elements(els);
    std::string ids;
    for (const auto& e : els) ids += e.id;
    EXPECT_EQ(ids, "cdab");  // byte order: 'Z' < 'a'; "a0V" < "a1"; a tie goes to the id
}

BoardElement kept(const json::value& v) {
    std::vector<FieldError> errors;
    auto e = providers::read_board_element(v, "e.", errors);
    EXPECT_TRUE(e) << (errors.empty() ? "" : errors[0].field + " " + errors[0].detail);
    return e.value_or(BoardElement{});
}

TEST(BoardPage, TheBoardIsDrawnOnOnePageFittedAroundItWithItsText) {
    json::object label{{"id", "t1"},
                       {"type", "text"},
                       {"version", 1},
                       {"versionNonce", 1},
                       {"x", 120},
                       {"y", 80},
                       {"width", 160},
                       {"height", 35},
                       {"text", "Türev < eğim & \"hız\""},
                       {"fontSize", 28},
                       {"strokeColor", "#e03131"}};
    json::object stroke{{"id", "f1"},
                        {"type", "freedraw"},
                        {"version", 2},
                        {"versionNonce", 1},
                        {"x", -50},
                        {"y", -20},
                        {"points", json::array{json::array{0, 0}, json::array{10, 5}, json::array{30, 2}}}};
    json::object erased = rectangle("gone");
    erased["isDeleted"] = true;
    erased["x"] = 5000;
    json::object frame{{"id", "fr"}, {"type", "frame"}, {"version", 1}, {"versionNonce", 1}, {"name", "Slide"}};
    std::vector<BoardElement> board{kept(rectangle("r1")), kept(label), kept(stroke), kept(erased), kept(frame)};
    auto page = providers::board_svg(board);
    EXPECT_EQ(page.shapes, 3u);
    EXPECT_EQ(page.skipped_shapes, 1u) << "the frame";
    ASSERT_FALSE(page.svg.empty());
    // From the stroke's left (-50) to the rectangle's right (300.5), plus a 40 margin each side.
    EXPECT_NE(page.svg.find("width=\"430.5\""), std::string::npos) << page.svg;
    EXPECT_NE(page.svg.find("Türev &lt; eğim &amp; \"hız\""), std::string::npos) << page.svg;
    EXPECT_NE(page.svg.find("#a5d8ff"), std::string::npos);
    EXPECT_EQ(page.svg.find("5000"), std::string::npos) << "an erased element is not drawn";

    EXPECT_TRUE(providers::board_svg({}).svg.empty());
    EXPECT_TRUE(providers::board_svg({kept(frame)}).svg.empty());
}

TEST(BoardPage, ABoardWiderThanAPageMayBeIsScaledToFit) {
    json::object far = rectangle("far");
    far["x"] = 99999;
    far["width"] = 99999;
    json::object line{{"id", "l1"},
                      {"type", "line"},
                      {"version", 1},
                      {"versionNonce", 1},
                      {"x", -99999},
                      {"y", -99999},
                      {"points", json::array{json::array{0, 0}, json::array{-99999, -99999}}}};
    auto page = providers::board_svg({kept(far), kept(line)});
    ASSERT_EQ(page.shapes, 2u);
    // From -199998 to 199998: 399996 wide, scaled to 90000 plus the margins.
    EXPECT_NE(page.svg.find("width=\"90080\""), std::string::npos) << page.svg.substr(0, 300);
    EXPECT_NE(page.svg.find("scale(0.225"), std::string::npos);
    EXPECT_NE(page.svg.find("translate(99999 99999) translate(99999 99999)"), std::string::npos);
}

TEST(BoardFile, TheExcalidrawFileHoldsTheElementsNotErased) {
    json::object erased = rectangle("gone");
    erased["isDeleted"] = true;
    json::value file = json::parse(providers::excalidraw_file({kept(rectangle("r1")), kept(erased)}));
    EXPECT_EQ(file.at("type"), "excalidraw");
    EXPECT_EQ(file.at("version"), 2);
    ASSERT_EQ(file.at("elements").as_array().size(), 1u);
    EXPECT_EQ(file.at("elements").as_array()[0].at("id"), "r1");
    EXPECT_TRUE(file.at("files").as_object().empty());
}

}  // namespace
}  // namespace lc
