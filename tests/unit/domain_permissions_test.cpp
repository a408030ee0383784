#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "domain/permissions.hpp"

namespace lc::domain {
namespace {

using A = SessionActor;
using P = Permission;

struct MatrixCase {
    SessionActor actor;
    Permission permission;
    Cell expected;
};

void PrintTo(const MatrixCase& c, std::ostream* os) { *os << to_string(c.actor) << "/" << to_string(c.permission); }

// Seed 1.2, written out cell by cell independently of the implementation's table.
// Columns in the seed: Eğitmen (host), Öğrenci (participant), Moderatör (moderator), Admin.
std::vector<MatrixCase> seed_matrix() {
    constexpr Cell Y = Cell::kAllow;
    constexpr Cell N = Cell::kDeny;
    constexpr Cell Q = Cell::kPolicy;
    struct Row {
        Permission p;
        Cell host, participant, moderator, admin;
    };
    const Row rows[] = {
        {P::kStartSession, Y, N, Y, Y},   {P::kEndSession, Y, N, Y, Y},    {P::kJoinSession, Y, Y, Y, Y},
        {P::kShareScreen, Y, Q, Y, Y},    {P::kMuteOthers, Y, N, Y, Y},    {P::kKickParticipant, Y, N, Y, Y},
        {P::kStartRecording, Y, N, Y, Y}, {P::kUseWhiteboard, Y, Q, Y, Y}, {P::kSendChat, Y, Y, Y, Y},
    };
    std::vector<MatrixCase> out;
    for (const Row& r : rows) {
        out.push_back({A::kHost, r.p, r.host});
        out.push_back({A::kParticipant, r.p, r.participant});
        out.push_back({A::kModerator, r.p, r.moderator});
        out.push_back({A::kAdmin, r.p, r.admin});
    }
    return out;
}

class MatrixCellTest : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(MatrixCellTest, RawCellMatchesSeed) {
    const MatrixCase& c = GetParam();
    EXPECT_EQ(matrix_cell(c.actor, c.permission), c.expected);
}

TEST_P(MatrixCellTest, ResolvedForEveryPolicyFlagCombination) {
    const MatrixCase& c = GetParam();
    for (const bool share : {false, true}) {
        for (const bool board : {false, true}) {
            EffectivePolicy policy;
            policy.students_can_share_screen = share;
            policy.students_can_use_whiteboard = board;
            bool expected = c.expected == Cell::kAllow;
            if (c.expected == Cell::kPolicy) expected = c.permission == P::kShareScreen ? share : board;
            EXPECT_EQ(is_allowed(c.actor, c.permission, policy), expected)
                << "share=" << share << " whiteboard=" << board;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Seed12, MatrixCellTest, ::testing::ValuesIn(seed_matrix()),
                         [](const ::testing::TestParamInfo<MatrixCase>& info) {
                             return std::string(to_string(info.param.actor)) + "_" + to_string(info.param.permission);
                         });

TEST(DomainPermissions, MatrixCoversAllCells) { EXPECT_EQ(seed_matrix().size(), 4U * kPermissionCount); }

TEST(DomainPermissions, PolicyCellsFollowOnlyTheirOwnFlag) {
    EffectivePolicy policy;
    policy.students_can_share_screen = true;
    policy.students_can_use_whiteboard = false;
    EXPECT_TRUE(is_allowed(A::kParticipant, P::kShareScreen, policy));
    EXPECT_FALSE(is_allowed(A::kParticipant, P::kUseWhiteboard, policy));
    policy.students_can_share_screen = false;
    policy.students_can_use_whiteboard = true;
    EXPECT_FALSE(is_allowed(A::kParticipant, P::kShareScreen, policy));
    EXPECT_TRUE(is_allowed(A::kParticipant, P::kUseWhiteboard, policy));
}

TEST(DomainPermissions, SeedDefaultPolicy) {
    const EffectivePolicy defaults;
    EXPECT_FALSE(is_allowed(A::kParticipant, P::kShareScreen, defaults));
    EXPECT_TRUE(is_allowed(A::kParticipant, P::kUseWhiteboard, defaults));
}

TEST(DomainPermissions, PermissionNamesRoundTrip) {
    const std::vector<std::pair<Permission, std::string>> names = {
        {P::kStartSession, "start_session"},
        {P::kEndSession, "end_session"},
        {P::kJoinSession, "join_session"},
        {P::kShareScreen, "share_screen"},
        {P::kMuteOthers, "mute_others"},
        {P::kKickParticipant, "kick_participant"},
        {P::kStartRecording, "start_recording"},
        {P::kUseWhiteboard, "use_whiteboard"},
        {P::kSendChat, "send_chat"},
    };
    ASSERT_EQ(names.size(), static_cast<std::size_t>(kPermissionCount));
    for (const auto& [p, name] : names) {
        EXPECT_EQ(std::string(to_string(p)), name);
        EXPECT_EQ(parse_permission(name), std::optional<Permission>(p));
    }
    EXPECT_FALSE(parse_permission("").has_value());
    EXPECT_FALSE(parse_permission("can_start").has_value());
    EXPECT_FALSE(parse_permission("START_SESSION").has_value());
}

TEST(DomainPermissions, ActorNames) {
    EXPECT_STREQ(to_string(A::kHost), "host");
    EXPECT_STREQ(to_string(A::kParticipant), "participant");
    EXPECT_STREQ(to_string(A::kModerator), "moderator");
    EXPECT_STREQ(to_string(A::kAdmin), "admin");
}

ActorFacts facts(UserRole role) {
    ActorFacts f;
    f.user_role = role;
    return f;
}

TEST(DomainPermissions, SessionActorAdminWinsOverEverything) {
    ActorFacts f = facts(UserRole::kAdmin);
    EXPECT_EQ(session_actor(f), A::kAdmin);
    f.is_course_instructor = f.is_session_creator = f.is_session_moderator = f.is_enrolled = true;
    EXPECT_EQ(session_actor(f), A::kAdmin);
}

TEST(DomainPermissions, SessionActorHost) {
    ActorFacts instructor = facts(UserRole::kInstructor);
    instructor.is_course_instructor = true;
    EXPECT_EQ(session_actor(instructor), A::kHost);
    instructor.is_session_moderator = true;  // host outranks moderator
    EXPECT_EQ(session_actor(instructor), A::kHost);

    ActorFacts creator = facts(UserRole::kInstructor);
    creator.is_session_creator = true;
    EXPECT_EQ(session_actor(creator), A::kHost);
}

TEST(DomainPermissions, SessionCreatorWhoIsNotInstructorIsNotHost) {
    ActorFacts f = facts(UserRole::kStudent);
    f.is_session_creator = true;
    EXPECT_EQ(session_actor(f), std::nullopt);
    f.is_enrolled = true;
    EXPECT_EQ(session_actor(f), A::kParticipant);
}

TEST(DomainPermissions, SessionActorModerator) {
    for (const UserRole role : {UserRole::kInstructor, UserRole::kStudent}) {
        ActorFacts f = facts(role);
        f.is_session_moderator = true;
        EXPECT_EQ(session_actor(f), A::kModerator) << to_string(role);
        f.is_enrolled = true;  // moderator outranks participant
        EXPECT_EQ(session_actor(f), A::kModerator) << to_string(role);
    }
}

TEST(DomainPermissions, SessionActorParticipantAndOutsider) {
    ActorFacts f = facts(UserRole::kStudent);
    EXPECT_EQ(session_actor(f), std::nullopt);
    f.is_enrolled = true;
    EXPECT_EQ(session_actor(f), A::kParticipant);
    EXPECT_EQ(session_actor(facts(UserRole::kInstructor)), std::nullopt);  // instructor of another course
}

TEST(DomainPermissions, ParticipantRoleAndModeratorRights) {
    EXPECT_EQ(participant_role(A::kHost), ParticipantRole::kHost);
    EXPECT_EQ(participant_role(A::kAdmin), ParticipantRole::kHost);
    EXPECT_EQ(participant_role(A::kModerator), ParticipantRole::kModerator);
    EXPECT_EQ(participant_role(A::kParticipant), ParticipantRole::kParticipant);
    EXPECT_TRUE(has_moderator_rights(A::kHost));
    EXPECT_TRUE(has_moderator_rights(A::kAdmin));
    EXPECT_TRUE(has_moderator_rights(A::kModerator));
    EXPECT_FALSE(has_moderator_rights(A::kParticipant));
}

}  // namespace
}  // namespace lc::domain
