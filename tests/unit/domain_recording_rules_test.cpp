// Seed 5.1 / 5.6: every cell of the recording status machine and of who sees, plays, publishes
// and deletes which recording.
#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "domain/recording_rules.hpp"

namespace lc::domain {
namespace {

using S = RecordingStatus;
using A = RecordingAction;

constexpr S kStatuses[] = {S::kProcessing, S::kReady, S::kPublished, S::kFailed, S::kDeleted};
constexpr A kActions[] = {A::kMarkReady, A::kFail, A::kPublish, A::kUnpublish, A::kDelete};
constexpr SessionActor kActors[] = {SessionActor::kHost, SessionActor::kParticipant, SessionActor::kModerator,
                                    SessionActor::kAdmin};

TEST(RecordingRules, EveryTransitionCell) {
    // The allowed transitions; every other (status, action) pair is refused.
    const std::map<std::pair<S, A>, S> allowed = {
        {{S::kProcessing, A::kMarkReady}, S::kReady}, {{S::kProcessing, A::kFail}, S::kFailed},
        {{S::kReady, A::kPublish}, S::kPublished},    {{S::kPublished, A::kUnpublish}, S::kReady},
        {{S::kProcessing, A::kDelete}, S::kDeleted},  {{S::kReady, A::kDelete}, S::kDeleted},
        {{S::kPublished, A::kDelete}, S::kDeleted},   {{S::kFailed, A::kDelete}, S::kDeleted},
    };
    int refused = 0;
    for (S from : kStatuses)
        for (A action : kActions) {
            auto r = apply_recording_action(from, action);
            auto it = allowed.find({from, action});
            if (it != allowed.end()) {
                ASSERT_TRUE(r) << to_string(from) << " " << static_cast<int>(action) << ": " << r.error().message;
                EXPECT_EQ(*r, it->second) << to_string(from);
            } else {
                ASSERT_FALSE(r) << to_string(from) << " " << static_cast<int>(action) << " should be refused";
                EXPECT_EQ(r.error().code, Code::kFailedPrecondition);
                EXPECT_FALSE(r.error().message.empty());
                ++refused;
            }
        }
    EXPECT_EQ(refused, 25 - 8);
}

TEST(RecordingRules, RefusalsSayWhatToDo) {
    EXPECT_NE(apply_recording_action(S::kProcessing, A::kPublish).error().message.find("once it is ready"),
              std::string::npos);
    EXPECT_NE(apply_recording_action(S::kPublished, A::kPublish).error().message.find("already published"),
              std::string::npos);
    EXPECT_NE(apply_recording_action(S::kDeleted, A::kDelete).error().message.find("deleted"), std::string::npos);
}

TEST(RecordingRules, StudentsSeeOnlyPublishedStaffSeeAllButDeleted) {
    for (SessionActor actor : kActors)
        for (S s : kStatuses) {
            bool expected = s != S::kDeleted && (actor != SessionActor::kParticipant || s == S::kPublished);
            EXPECT_EQ(can_see_recording(actor, s), expected) << to_string(actor) << " " << to_string(s);
        }
}

TEST(RecordingRules, PlayableOnceReady) {
    for (S s : kStatuses) EXPECT_EQ(is_playable(s), s == S::kReady || s == S::kPublished) << to_string(s);
}

TEST(RecordingRules, WhoPublishesAndDeletes) {
    EXPECT_TRUE(can_publish_recordings(SessionActor::kHost));
    EXPECT_TRUE(can_publish_recordings(SessionActor::kModerator));
    EXPECT_TRUE(can_publish_recordings(SessionActor::kAdmin));
    EXPECT_FALSE(can_publish_recordings(SessionActor::kParticipant));
    EXPECT_TRUE(can_delete_recordings(SessionActor::kHost));
    EXPECT_TRUE(can_delete_recordings(SessionActor::kAdmin));
    EXPECT_FALSE(can_delete_recordings(SessionActor::kModerator));
    EXPECT_FALSE(can_delete_recordings(SessionActor::kParticipant));
}

TEST(RecordingRules, RetentionCountsWholeDaysFromReadyAndZeroKeepsForever) {
    const UnixTime ready = 1'764'150'000;
    EXPECT_EQ(recording_expiry(ready, 90), std::optional<UnixTime>(ready + 90 * 86400));
    EXPECT_EQ(recording_expiry(ready, 1), std::optional<UnixTime>(ready + 86400));
    EXPECT_EQ(recording_expiry(ready, 36500), std::optional<UnixTime>(ready + 36500LL * 86400));
    EXPECT_EQ(recording_expiry(ready, 0), std::nullopt);
    EXPECT_EQ(recording_expiry(ready, -3), std::nullopt);  // never stored (the policy refuses it), never expires
}

TEST(RecordingRules, ARecordingExpiresAtItsExpiryUnlessAlreadyDeleted) {
    Recording r;
    r.expires_at = 1000;
    for (S status : kStatuses) {
        r.status = status;
        EXPECT_FALSE(is_expired(r, 999)) << to_string(status);
        EXPECT_EQ(is_expired(r, 1000), status != S::kDeleted) << to_string(status);
        EXPECT_EQ(is_expired(r, 5000), status != S::kDeleted) << to_string(status);
    }
    r.status = S::kPublished;
    r.expires_at.reset();
    EXPECT_FALSE(is_expired(r, 1'000'000'000)) << "no expiry: kept until somebody deletes it";
}

}  // namespace
}  // namespace lc::domain
