#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "domain/session_rules.hpp"

namespace lc::domain {
namespace {

using S = SessionStatus;
using Act = SessionAction;

const char* action_name(Act a) {
    switch (a) {
        case Act::kPublish:
            return "publish";
        case Act::kStart:
            return "start";
        case Act::kEnd:
            return "end";
        case Act::kCancel:
            return "cancel";
        case Act::kEdit:
            return "edit";
    }
    return "?";
}

struct TransitionCase {
    SessionStatus from;
    SessionAction action;
    std::optional<SessionStatus> to;  // nullopt = refused
    std::string message;              // expected error message when refused
};

void PrintTo(const TransitionCase& c, std::ostream* os) { *os << to_string(c.from) << "+" << action_name(c.action); }

// All 5 statuses x 5 actions.
std::vector<TransitionCase> transitions() {
    return {
        {S::kDraft, Act::kPublish, S::kScheduled, ""},
        {S::kDraft, Act::kStart, S::kLive, ""},
        {S::kDraft, Act::kEnd, std::nullopt, "cannot end a session that has not started; cancel it instead"},
        {S::kDraft, Act::kCancel, S::kCancelled, ""},
        {S::kDraft, Act::kEdit, S::kDraft, ""},

        {S::kScheduled, Act::kPublish, std::nullopt, "cannot publish a session that is already scheduled"},
        {S::kScheduled, Act::kStart, S::kLive, ""},
        {S::kScheduled, Act::kEnd, std::nullopt, "cannot end a session that has not started; cancel it instead"},
        {S::kScheduled, Act::kCancel, S::kCancelled, ""},
        {S::kScheduled, Act::kEdit, S::kScheduled, ""},

        {S::kLive, Act::kPublish, std::nullopt, "cannot publish a session that is already live"},
        {S::kLive, Act::kStart, std::nullopt, "cannot start a session that is already live"},
        {S::kLive, Act::kEnd, S::kEnded, ""},
        {S::kLive, Act::kCancel, std::nullopt, "cannot cancel a session that is already live; end it instead"},
        {S::kLive, Act::kEdit, S::kLive, ""},

        {S::kEnded, Act::kPublish, std::nullopt, "cannot publish a session that has ended"},
        {S::kEnded, Act::kStart, std::nullopt, "cannot start a session that has ended"},
        {S::kEnded, Act::kEnd, std::nullopt, "cannot end a session that has ended"},
        {S::kEnded, Act::kCancel, std::nullopt, "cannot cancel a session that has ended"},
        {S::kEnded, Act::kEdit, std::nullopt, "cannot edit a session that has ended"},

        {S::kCancelled, Act::kPublish, std::nullopt, "cannot publish a session that was cancelled"},
        {S::kCancelled, Act::kStart, std::nullopt, "cannot start a session that was cancelled"},
        {S::kCancelled, Act::kEnd, std::nullopt, "cannot end a session that was cancelled"},
        {S::kCancelled, Act::kCancel, std::nullopt, "cannot cancel a session that was cancelled"},
        {S::kCancelled, Act::kEdit, std::nullopt, "cannot edit a session that was cancelled"},
    };
}

class TransitionTest : public ::testing::TestWithParam<TransitionCase> {};

TEST_P(TransitionTest, MatchesStateMachine) {
    const TransitionCase& c = GetParam();
    const Result<SessionStatus> r = apply_action(c.from, c.action);
    if (c.to.has_value()) {
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r.value(), *c.to);
    } else {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Code::kFailedPrecondition);
        EXPECT_EQ(r.error().message, c.message);
        EXPECT_TRUE(r.error().fields.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(AllStatusesAllActions, TransitionTest, ::testing::ValuesIn(transitions()),
                         [](const ::testing::TestParamInfo<TransitionCase>& info) {
                             return std::string(to_string(info.param.from)) + "_" + action_name(info.param.action);
                         });

TEST(DomainSessionRules, TransitionTableIsComplete) { EXPECT_EQ(transitions().size(), 25U); }

struct JoinCase {
    SessionStatus status;
    bool moderator;
    std::string error;  // empty = may join
};

void PrintTo(const JoinCase& c, std::ostream* os) {
    *os << to_string(c.status) << (c.moderator ? "/moderator" : "/participant");
}

class CanJoinTest : public ::testing::TestWithParam<JoinCase> {};

TEST_P(CanJoinTest, Table) {
    const JoinCase& c = GetParam();
    const Status s = can_join(c.status, c.moderator);
    if (c.error.empty()) {
        EXPECT_TRUE(s.ok()) << s.error().message;
    } else {
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, Code::kFailedPrecondition);
        EXPECT_EQ(s.error().message, c.error);
    }
}

INSTANTIATE_TEST_SUITE_P(
    AllStatuses, CanJoinTest,
    ::testing::Values(JoinCase{S::kDraft, true, "the session is still a draft; publish or start it first"},
                      JoinCase{S::kScheduled, true, ""}, JoinCase{S::kLive, true, ""},
                      JoinCase{S::kEnded, true, "the session has ended"},
                      JoinCase{S::kCancelled, true, "the session was cancelled"},
                      JoinCase{S::kDraft, false, "the session has not started yet"},
                      JoinCase{S::kScheduled, false, "the session has not started yet"}, JoinCase{S::kLive, false, ""},
                      JoinCase{S::kEnded, false, "the session has ended"},
                      JoinCase{S::kCancelled, false, "the session was cancelled"}),
    [](const ::testing::TestParamInfo<JoinCase>& info) {
        return std::string(to_string(info.param.status)) + (info.param.moderator ? "_moderator" : "_participant");
    });

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

std::vector<FieldError> title_errors(const std::string& title) {
    std::vector<FieldError> errors;
    validate_title(title, errors);
    return errors;
}

TEST(DomainSessionRules, TitleValid) {
    EXPECT_TRUE(title_errors("Matematik 101 - Türev").empty());
    EXPECT_TRUE(title_errors("a").empty());
    EXPECT_TRUE(title_errors(repeat("a", 200)).empty());
}

TEST(DomainSessionRules, TitleEmptyOrBlank) {
    for (const std::string t : {"", " ", "   ", "\t \n"}) {
        const auto errors = title_errors(t);
        ASSERT_EQ(errors.size(), 1U) << "[" << t << "]";
        EXPECT_EQ(errors[0].field, "title");
        EXPECT_EQ(errors[0].detail, "must not be empty");
    }
}

TEST(DomainSessionRules, TitleTooLongAscii) {
    const auto errors = title_errors(repeat("a", 201));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].field, "title");
    EXPECT_EQ(errors[0].detail, "must be at most 200 characters");
}

TEST(DomainSessionRules, TitleCountsTurkishCharactersNotBytes) {
    // "ş" is two bytes in UTF-8: 200 of them are 400 bytes but 200 characters.
    ASSERT_EQ(std::string("ş").size(), 2U);
    EXPECT_TRUE(title_errors(repeat("ş", 200)).empty());
    const auto errors = title_errors(repeat("ş", 201));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].field, "title");
    EXPECT_EQ(errors[0].detail, "must be at most 200 characters");

    // Mixed Turkish text: 40 x "çğıöü" = 200 characters.
    EXPECT_TRUE(title_errors(repeat("çğıöü", 40)).empty());
    EXPECT_FALSE(title_errors(repeat("çğıöü", 40) + "İ").empty());
}

TEST(DomainSessionRules, TitleErrorsAreAppended) {
    std::vector<FieldError> errors{{"other", "already here"}};
    validate_title("", errors);
    ASSERT_EQ(errors.size(), 2U);
    EXPECT_EQ(errors[0].field, "other");
    EXPECT_EQ(errors[1].field, "title");
}

TEST(DomainSessionRules, Schedule) {
    std::vector<FieldError> errors;
    validate_schedule(1000, 1001, errors);
    EXPECT_TRUE(errors.empty());

    validate_schedule(1000, 1000, errors);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].field, "scheduled_end");
    EXPECT_EQ(errors[0].detail, "must be after scheduled_start");

    errors.clear();
    validate_schedule(1000, 999, errors);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].field, "scheduled_end");
}

TEST(DomainSessionRules, MaxParticipants) {
    for (const long long ok : {1LL, 100LL, 10000LL}) {
        std::vector<FieldError> errors;
        validate_max_participants(ok, errors);
        EXPECT_TRUE(errors.empty()) << ok;
    }
    for (const long long bad : {0LL, -1LL, 10001LL, 1LL << 40}) {
        std::vector<FieldError> errors;
        validate_max_participants(bad, errors);
        ASSERT_EQ(errors.size(), 1U) << bad;
        EXPECT_EQ(errors[0].field, "max_participants");
    }
}

TEST(DomainSessionRules, RoomName) {
    EXPECT_EQ(room_name("acme", "0b9e4c2a-1f3d-4e5a-9b7c-6d8e0f1a2b3c"), "acme-0b9e4c2a-1f3d-4e5a-9b7c-6d8e0f1a2b3c");
    EXPECT_EQ(room_name("Acme-Uni", "0B9E4C2A-1F3D-4E5A-9B7C-6D8E0F1A2B3C"),
              "acme-uni-0b9e4c2a-1f3d-4e5a-9b7c-6d8e0f1a2b3c");
}

TEST(DomainSessionRules, OnlyEndedAndCancelledClassesAreOver) {
    EXPECT_TRUE(is_over(SessionStatus::kEnded));
    EXPECT_TRUE(is_over(SessionStatus::kCancelled));
    EXPECT_FALSE(is_over(SessionStatus::kDraft));
    EXPECT_FALSE(is_over(SessionStatus::kScheduled));
    EXPECT_FALSE(is_over(SessionStatus::kLive));
}

}  // namespace
}  // namespace lc::domain
