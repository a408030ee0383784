// Seed 13.5: the instructor coach's rules (domain/coaching.hpp), at and around each threshold.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "domain/coaching.hpp"

namespace lc::domain {
namespace {

constexpr UnixTime kStart = 1'700'000'000;

PresenceInterval closed(UnixTime joined, UnixTime left) { return PresenceInterval{joined, left}; }

/// A class of `minutes` minutes with `people` users there from start to end, and the given leavers
/// (minute each one leaves at), the minutes built by the real timeline code.
CoachingInput class_of(int minutes, int people, const std::vector<int>& leave_at_minute = {}) {
    const UnixTime end = kStart + minutes * 60;
    std::vector<std::vector<PresenceInterval>> users;
    for (int i = 0; i < people; ++i) users.push_back({closed(kStart, end)});
    for (int m : leave_at_minute) users.push_back({closed(kStart, kStart + m * 60)});
    CoachingInput in;
    in.start = kStart;
    in.end = end;
    in.minutes = attendance_timeline(users, SessionWindow{kStart, end, kStart, end});
    return in;
}

/// Hand-made minutes (present, foreground) for rules that read the counts, not the drop-off marks.
CoachingInput minutes_of(const std::vector<int>& present, const std::vector<int>& foreground) {
    CoachingInput in;
    in.start = kStart;
    in.end = kStart + static_cast<UnixTime>(present.size()) * 60;
    for (std::size_t k = 0; k < present.size(); ++k) {
        TimelineMinute m;
        m.minute_start = kStart + static_cast<UnixTime>(k) * 60;
        m.present = present[k];
        m.foreground = foreground[k];
        in.minutes.push_back(m);
    }
    return in;
}

std::vector<Insight> of_kind(const std::vector<Insight>& all, InsightKind k) {
    std::vector<Insight> out;
    for (const auto& i : all)
        if (i.kind == k) out.push_back(i);
    return out;
}

StudentOutcome student(bool came, bool late = false, bool early = false,
                       std::optional<ProviderActivity> activity = std::nullopt) {
    StudentOutcome s;
    if (came) s.summary.first_join = kStart;
    s.summary.late_join = late;
    s.summary.early_leave = early;
    s.activity = activity;
    return s;
}

TEST(Coaching, ASteadyFullClassHasNothingToSay) {
    auto in = class_of(50, 12);
    for (int i = 0; i < 12; ++i) in.students.push_back(student(true));
    EXPECT_TRUE(coach_class(in).empty());
}

TEST(Coaching, ADropOffSaysWhenAndHowManyLeft) {
    // 10 stay, 4 leave in minute 20 of a 40-minute class.
    const auto got = coach_class(class_of(40, 10, {20, 20, 20, 20}));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kDropOff);
    EXPECT_EQ(got[0].minute, 20);
    EXPECT_EQ(got[0].from, kStart + 20 * 60);
    EXPECT_EQ(got[0].to, kStart + 21 * 60);
    EXPECT_EQ(got[0].count, 4);
    EXPECT_EQ(got[0].of, 14);
    EXPECT_TRUE(got[0].strong) << "4 of 14 is 28 %: at least a quarter";
}

TEST(Coaching, AFallOverConsecutiveMinutesIsOneMoment) {
    // 20 in the class; 3 leave in minute 10 and 3 more in minute 11.
    const auto got = of_kind(coach_class(class_of(40, 14, {10, 10, 10, 11, 11, 11})), InsightKind::kDropOff);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].minute, 10);
    EXPECT_EQ(got[0].to, kStart + 12 * 60);
    EXPECT_EQ(got[0].count, 6);
    EXPECT_EQ(got[0].of, 20);
    EXPECT_TRUE(got[0].strong) << "6 of 20 is 30 %";
}

TEST(Coaching, ASmallDropIsMediumAndTwoApartAreTwo) {
    // 20 in the class; 2 leave at minute 8, 3 at minute 30: two moments, neither a quarter of the room.
    const auto got = of_kind(coach_class(class_of(45, 15, {8, 8, 30, 30, 30})), InsightKind::kDropOff);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].minute, 8);
    EXPECT_EQ(got[0].count, 2);
    EXPECT_EQ(got[0].of, 20);
    EXPECT_FALSE(got[0].strong);
    EXPECT_EQ(got[1].minute, 30);
    EXPECT_EQ(got[1].count, 3);
    EXPECT_EQ(got[1].of, 18);
    EXPECT_FALSE(got[1].strong);
}

TEST(Coaching, LeavingInTheLastThreeMinutesIsSayingGoodbye) {
    // 10 stay to the end; 8 leave in minute 37 of 40 (the goodbye), 8 more in minute 36 (not yet).
    auto got = coach_class(class_of(40, 10, {37, 37, 37, 37, 37, 37, 37, 37}));
    EXPECT_TRUE(of_kind(got, InsightKind::kDropOff).empty());
    got = coach_class(class_of(40, 10, {36, 36, 36, 36, 36, 36, 36, 36}));
    ASSERT_EQ(of_kind(got, InsightKind::kDropOff).size(), 1u);
    EXPECT_EQ(of_kind(got, InsightKind::kDropOff)[0].minute, 36);
}

TEST(Coaching, TheGoodbyeIsTheLastThreeMinutesEvenWhenTheClassEndsMidMinute) {
    // A class of 40 min 15 s: 10 stay, 8 leave 170 s before the end, inside a minute that reaches into
    // the goodbye. Nothing to say.
    const UnixTime end = kStart + 2415;
    std::vector<std::vector<PresenceInterval>> users(10, {closed(kStart, end)});
    for (int i = 0; i < 8; ++i) users.push_back({closed(kStart, end - 170)});
    CoachingInput in;
    in.start = kStart;
    in.end = end;
    in.minutes = attendance_timeline(users, SessionWindow{kStart, end, kStart, end});
    EXPECT_EQ(judged_minutes(in), 37u) << "minutes 0-36 end by 37:15, the goodbye's start";
    EXPECT_TRUE(coach_class(in).empty());
}

TEST(Coaching, WhileTheClassRunsEveryWholeMinuteSoFarIsJudged) {
    // 40 minutes so far; 8 of 18 left in minute 38: the instructor sees it now, not after a goodbye.
    CoachingInput live = class_of(40, 10, {38, 38, 38, 38, 38, 38, 38, 38});
    live.ended = false;
    EXPECT_EQ(judged_minutes(live), 40u);
    const auto got = of_kind(coach_class(live), InsightKind::kDropOff);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].minute, 38);
    live.ended = true;
    EXPECT_EQ(judged_minutes(live), 37u);
    EXPECT_TRUE(of_kind(coach_class(live), InsightKind::kDropOff).empty());
    // The minute still running is not judged yet.
    live.ended = false;
    live.end += 30;
    EXPECT_EQ(judged_minutes(live), 40u);
}

TEST(Coaching, AQuarterOfTheRoomLeavingIsHighAndHalfAwayIsHigh) {
    auto drop = coach_class(class_of(40, 12, {15, 15, 15, 15}));  // 4 of 16
    ASSERT_EQ(drop.size(), 1u);
    EXPECT_EQ(drop[0].count, 4);
    EXPECT_EQ(drop[0].of, 16);
    EXPECT_TRUE(drop[0].strong);
    drop = coach_class(class_of(40, 13, {15, 15, 15, 15}));  // 4 of 17: under a quarter
    ASSERT_EQ(drop.size(), 1u);
    EXPECT_FALSE(drop[0].strong);

    std::vector<int> present(20, 10), fg(20, 10);
    fg[3] = fg[4] = fg[5] = 5;  // exactly half away
    const auto dip = coach_class(minutes_of(present, fg));
    ASSERT_EQ(dip.size(), 1u);
    EXPECT_EQ(dip[0].count, 5);
    EXPECT_TRUE(dip[0].strong);
}

TEST(Coaching, ThreeMinutesWithMostTabsAwayIsAnAttentionDip) {
    std::vector<int> present(20, 10), fg(20, 10);
    fg[5] = 5;  // 50 % away
    fg[6] = 4;  // 60 % away: the worst
    fg[7] = 6;  // 40 % away: 60 % in front still counts
    fg[8] = 5;
    const auto got = coach_class(minutes_of(present, fg));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kAttentionDip);
    EXPECT_EQ(got[0].minute, 5);
    EXPECT_EQ(got[0].to, kStart + 9 * 60);
    EXPECT_EQ(got[0].count, 6);
    EXPECT_EQ(got[0].of, 10);
    EXPECT_TRUE(got[0].strong);
}

TEST(Coaching, ShortOrMildOrTinyDipsAreNotReported) {
    std::vector<int> present(20, 10), fg(20, 10);
    fg[5] = fg[6] = 3;             // two minutes only
    fg[10] = fg[11] = fg[12] = 7;  // 70 % in front: not a dip
    EXPECT_TRUE(coach_class(minutes_of(present, fg)).empty());

    std::vector<int> two(20, 2), none(20, 0);  // two people with the tab away: too few to judge
    EXPECT_TRUE(coach_class(minutes_of(two, none)).empty());
}

TEST(Coaching, ADipThatIsMildAtWorstIsMedium) {
    std::vector<int> present(20, 10), fg(20, 10);
    fg[3] = fg[4] = fg[5] = 6;  // 40 % away at worst
    const auto got = coach_class(minutes_of(present, fg));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].count, 4);
    EXPECT_FALSE(got[0].strong);
}

TEST(Coaching, PresenceWearingAwayIsFading) {
    // 45 minutes (42 judged): 20 until minute 15, then one fewer every two minutes, 7 by minute 41.
    std::vector<int> present;
    for (int k = 0; k < 45; ++k) present.push_back(k < 15 ? 20 : 20 - (k - 14) / 2);
    const auto got = coach_class(minutes_of(present, present));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kFading);
    EXPECT_EQ(got[0].minute, 20) << "from minute 20 on it stayed under 18 (90 % of the peak)";
    EXPECT_EQ(got[0].to, kStart + 42 * 60);
    EXPECT_EQ(got[0].count, 10) << "the last third averages 10: 10 fewer than the peak";
    EXPECT_EQ(got[0].of, 20);
    EXPECT_TRUE(got[0].strong) << "the last third averages 10: half the peak";
}

TEST(Coaching, FadingNeedsThirtyJudgedMinutes) {
    // The same wearing away (20, then one fewer every minute from minute 5 down to 8) in an ended class
    // of 32 minutes (29 judged) and of 33 (30 judged).
    for (int length : {32, 33}) {
        std::vector<int> present;
        for (int k = 0; k < length; ++k) present.push_back(std::max(8, k < 5 ? 20 : 20 - (k - 4)));
        const auto got = of_kind(coach_class(minutes_of(present, present)), InsightKind::kFading);
        EXPECT_EQ(got.size(), length == 33 ? 1u : 0u) << length << " minutes";
    }
}

TEST(Coaching, ADropEveryoneCameBackFromDoesNotHideAFadingLater) {
    // 20 there; 6 away from minute 8 to 11 (a drop-off), all back at minute 12; from minute 15 one
    // fewer every two minutes, 7 by minute 41.
    std::vector<int> present;
    for (int k = 0; k < 45; ++k)
        present.push_back(k >= 8 && k < 12 ? 14 : k < 15 ? 20 : std::max(7, 20 - (k - 14) / 2));
    CoachingInput in = minutes_of(present, present);
    in.minutes[8].drop_off = true;
    in.minutes[8].lost = 6;
    const auto got = coach_class(in);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, InsightKind::kDropOff);
    EXPECT_EQ(got[0].minute, 8);
    EXPECT_EQ(got[1].kind, InsightKind::kFading);
    EXPECT_EQ(got[1].minute, 20);
}

TEST(Coaching, AFallTheDropOffsExplainIsNotFading) {
    // 45 minutes, 20 there; 6 leave at minute 20 (a drop-off), then 1 every 4 minutes from minute 24:
    // the last third is well under the peak, but most of the fall was the one moment.
    std::vector<int> leavers(6, 20);
    for (int m = 24; m < 40; m += 4) leavers.push_back(m);
    auto got = coach_class(class_of(45, 10, leavers));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kDropOff);
    // The same fall spread thin (1 every 2 minutes from minute 10): no drop-off, fading.
    leavers.clear();
    for (int m = 10; m < 30; m += 2) leavers.push_back(m);
    got = coach_class(class_of(45, 10, leavers));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kFading);
}

TEST(Coaching, FadingNeedsALongClassAndABigEnoughFall) {
    std::vector<int> shorter;  // the same shape over 30 minutes: 27 judged, under 30
    for (int k = 0; k < 30; ++k) shorter.push_back(k < 5 ? 20 : 20 - (k - 4) / 2);
    EXPECT_TRUE(of_kind(coach_class(minutes_of(shorter, shorter)), InsightKind::kFading).empty());

    std::vector<int> mild(45, 20);  // the last third at 80 % of the peak
    for (int k = 28; k < 45; ++k) mild[k] = 16;
    EXPECT_TRUE(of_kind(coach_class(minutes_of(mild, mild)), InsightKind::kFading).empty());
    for (int k = 28; k < 45; ++k) mild[k] = 15;  // exactly 75 %: reported, as medium
    const auto got = of_kind(coach_class(minutes_of(mild, mild)), InsightKind::kFading);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].minute, 28);
    EXPECT_EQ(got[0].count, 5);
    EXPECT_FALSE(got[0].strong);
}

TEST(Coaching, PeopleFindingsFollowTheirThresholds) {
    CoachingInput in = class_of(40, 0);
    // 10 enrolled: 3 never came (30 %), 2 of the 7 who came were late (28 %), 1 left early (too few).
    for (int i = 0; i < 3; ++i) in.students.push_back(student(false));
    in.students.push_back(student(true, true));
    in.students.push_back(student(true, true, true));
    for (int i = 0; i < 5; ++i) in.students.push_back(student(true));
    auto got = coach_class(in);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, InsightKind::kLowTurnout);
    EXPECT_EQ(got[0].count, 3);
    EXPECT_EQ(got[0].of, 10);
    EXPECT_FALSE(got[0].strong);
    EXPECT_EQ(got[0].from, kStart);
    EXPECT_EQ(got[0].to, kStart + 40 * 60);
    EXPECT_EQ(got[1].kind, InsightKind::kLateJoins);
    EXPECT_EQ(got[1].count, 2);
    EXPECT_EQ(got[1].of, 7);

    // One more came early, on time: 2 late of 8 is exactly 25 %; one more: 2 of 9 is not.
    in.students[0] = student(true);
    EXPECT_EQ(of_kind(coach_class(in), InsightKind::kLateJoins).size(), 1u);
    in.students[1] = student(true);
    EXPECT_TRUE(of_kind(coach_class(in), InsightKind::kLateJoins).empty());
    EXPECT_TRUE(of_kind(coach_class(in), InsightKind::kLowTurnout).empty()) << "1 absent of 10";
}

TEST(Coaching, EarlyLeaversAndHalfTheClassAbsentAreStrong) {
    CoachingInput in = class_of(40, 0);
    for (int i = 0; i < 5; ++i) in.students.push_back(student(false));
    in.students.push_back(student(true, false, true));
    in.students.push_back(student(true, false, true));
    for (int i = 0; i < 3; ++i) in.students.push_back(student(true));
    const auto got = coach_class(in);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, InsightKind::kLowTurnout);
    EXPECT_TRUE(got[0].strong) << "5 of 10";
    EXPECT_EQ(got[1].kind, InsightKind::kEarlyLeaves);
    EXPECT_EQ(got[1].count, 2);
    EXPECT_EQ(got[1].of, 5);
    EXPECT_TRUE(got[1].strong) << "2 of 5 is 40 %";
}

TEST(Coaching, SilenceCountsOnlyWhenTheProviderReportsActivity) {
    CoachingInput in = class_of(40, 0);
    for (int i = 0; i < 4; ++i) in.students.push_back(student(true));  // no activity reported for them
    in.students.push_back(student(true, false, false, ProviderActivity{0, 0}));
    in.students.push_back(student(true, false, false, ProviderActivity{2, 0}));
    EXPECT_TRUE(coach_class(in).empty()) << "the provider told us nothing: silence is not known";
    in.activity_reported = true;
    auto got = coach_class(in);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, InsightKind::kQuietClass);
    EXPECT_EQ(got[0].count, 5);
    EXPECT_EQ(got[0].of, 6);
    EXPECT_FALSE(got[0].strong) << "83 %";
    in.students[5].activity = ProviderActivity{0, 0};
    got = coach_class(in);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].strong) << "all six silent";
}

TEST(Coaching, PeopleFirstThenMomentsInTimeOrder) {
    std::vector<int> present(30, 10), fg(30, 10);  // 27 minutes judged: too short to fade
    fg[4] = fg[5] = fg[6] = 3;
    CoachingInput in = minutes_of(present, fg);
    for (int k = 25; k < 30; ++k) in.minutes[k].present = in.minutes[k].foreground = 6;
    in.minutes[25].drop_off = true;  // marked by hand, as the timeline would
    for (int i = 0; i < 4; ++i) in.students.push_back(student(false));
    for (int i = 0; i < 6; ++i) in.students.push_back(student(true));
    const auto got = coach_class(in);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].kind, InsightKind::kLowTurnout);
    EXPECT_EQ(got[1].kind, InsightKind::kAttentionDip);
    EXPECT_EQ(got[2].kind, InsightKind::kDropOff);
    EXPECT_EQ(got[2].minute, 25);
    EXPECT_STREQ(to_string(got[1].kind), "attention_dip");
}

Recording recording(const std::string& id, std::optional<UnixTime> started, long long duration,
                    RecordingStatus status = RecordingStatus::kReady) {
    Recording r;
    r.id = id;
    r.started_at = started;
    r.duration_seconds = duration;
    r.status = status;
    return r;
}

TEST(Coaching, AMomentIsFoundInThePlayableRecordingThatWasRunning) {
    const std::vector<Recording> recs = {
        recording("early", kStart, 600),                                        // minutes 0-10
        recording("unknown", std::nullopt, 3600),                               // its start not known
        recording("failed", kStart + 600, 600, RecordingStatus::kFailed),       // not playable
        recording("late", kStart + 900, 1200, RecordingStatus::kPublished),     // minutes 15-35
        recording("restart", kStart + 1200, 300, RecordingStatus::kPublished),  // minutes 20-25, within "late"
    };
    EXPECT_EQ(recording_at(recs, kStart)->id, "early");
    EXPECT_EQ(recording_at(recs, kStart + 599)->id, "early");
    EXPECT_EQ(recording_at(recs, kStart + 600), nullptr) << "the end is not in it; the failed one does not count";
    EXPECT_EQ(recording_at(recs, kStart + 1000)->id, "late");
    EXPECT_EQ(recording_at(recs, kStart + 1250)->id, "restart") << "the one started last";
    EXPECT_EQ(recording_at(recs, kStart + 1600)->id, "late");
    EXPECT_EQ(recording_at(recs, kStart - 1), nullptr);
    EXPECT_EQ(recording_at({recording("zero", kStart, 0)}, kStart), nullptr);
    EXPECT_TRUE(is_moment(InsightKind::kDropOff));
    EXPECT_TRUE(is_moment(InsightKind::kFading));
    EXPECT_FALSE(is_moment(InsightKind::kLateJoins));
}

TEST(Coaching, NoMinutesNoStudentsNothing) {
    CoachingInput in;
    EXPECT_TRUE(coach_class(in).empty());
}

}  // namespace
}  // namespace lc::domain
