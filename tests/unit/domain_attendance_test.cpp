#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "domain/attendance.hpp"

namespace lc::domain {
namespace {

constexpr UnixTime kStart = 1'700'000'000;
constexpr UnixTime kHour = 3600;
constexpr UnixTime kEnd = kStart + kHour;  // 60-minute class by default

SessionWindow hour_window() { return SessionWindow{kStart, kEnd, std::nullopt, std::nullopt}; }

PresenceInterval closed(UnixTime joined, UnixTime left) { return PresenceInterval{joined, left}; }
PresenceInterval open(UnixTime joined) { return PresenceInterval{joined, std::nullopt}; }

EffectivePolicy default_policy() { return EffectivePolicy{}; }  // 70%, 5 min, 10/10 min tolerances

TEST(Attendance, FullAttendance) {
    const auto s = summarize_attendance({closed(kStart, kEnd)}, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3600);
    EXPECT_EQ(s.join_count, 1);
    EXPECT_EQ(s.first_join, kStart);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd));
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
    EXPECT_TRUE(s.attended);
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, OverlappingTabsAreMergedButJoinsCounted) {
    // Two tabs: [0, 40min) and [20min, 60min), plus an exact duplicate of the first.
    const std::vector<PresenceInterval> ivs = {closed(kStart, kStart + 2400), closed(kStart + 1200, kEnd),
                                               closed(kStart, kStart + 2400)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3600);
    EXPECT_EQ(s.join_count, 3);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
    EXPECT_TRUE(s.attended);
}

TEST(Attendance, DisjointIntervalsAreSummedInAnyOrder) {
    const std::vector<PresenceInterval> ivs = {closed(kStart + 1800, kStart + 2400), closed(kStart, kStart + 600),
                                               closed(kStart + 2400, kStart + 3000)};  // touching the previous
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 600 + 600 + 600);
    EXPECT_EQ(s.join_count, 3);
    EXPECT_EQ(s.first_join, kStart);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kStart + 3000));
    EXPECT_DOUBLE_EQ(s.attendance_percent, 50.0);
}

TEST(Attendance, ClippedBeforeStartAndAfterEnd) {
    // Joined 15 minutes early in the lobby, stayed 15 minutes after the end.
    const auto s = summarize_attendance({closed(kStart - 900, kEnd + 900)}, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3600);
    EXPECT_EQ(s.first_join, kStart - 900);                         // unclipped
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd + 900));  // unclipped
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, IntervalsEntirelyOutsideWindowCountNoTime) {
    const std::vector<PresenceInterval> ivs = {closed(kStart - 600, kStart - 60), closed(kEnd + 60, kEnd + 600)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_EQ(s.join_count, 2);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 0.0);
    EXPECT_FALSE(s.attended);
}

TEST(Attendance, ActualTimesOverrideSchedule) {
    // Scheduled 60 minutes, actually ran 30 minutes later and for 40 minutes.
    const SessionWindow w{kStart, kEnd, kStart + 1800, kStart + 1800 + 2400};
    const auto s = summarize_attendance({closed(kStart + 1800, kStart + 1800 + 1200)}, w, default_policy());
    EXPECT_EQ(s.total_duration_seconds, 1200);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 50.0);
    EXPECT_FALSE(s.late_join);  // on time relative to the actual start
    EXPECT_TRUE(s.early_leave);
}

TEST(Attendance, OpenIntervalEndsAtWindowEnd) {
    const auto s = summarize_attendance({open(kStart + 600)}, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3000);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd));
    EXPECT_FALSE(s.early_leave);
    EXPECT_FALSE(s.late_join);  // exactly 10 minutes late = within tolerance
}

TEST(Attendance, OpenIntervalOverlappingClosedOneIsNotDoubleCounted) {
    const std::vector<PresenceInterval> ivs = {closed(kStart, kStart + 1800), open(kStart + 900)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3600);
    EXPECT_EQ(s.join_count, 2);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd));
}

TEST(Attendance, OpenIntervalUsesActualEnd) {
    const SessionWindow w{kStart, kEnd, std::nullopt, kStart + 1800};
    const auto s = summarize_attendance({open(kStart)}, w, default_policy());
    EXPECT_EQ(s.total_duration_seconds, 1800);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kStart + 1800));
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
}

TEST(Attendance, ThresholdBoundaryExactly70PercentAttends) {
    // 10000-second window: 7000 s = exactly 70.00%.
    const SessionWindow w{kStart, kStart + 10000, std::nullopt, std::nullopt};
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 1000;  // out of reach: only the percent rule can apply
    const auto s = summarize_attendance({closed(kStart, kStart + 7000)}, w, p);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 70.0);
    EXPECT_TRUE(s.attended);
}

TEST(Attendance, ThresholdBoundary6999PercentDoesNotAttendWithoutMinimum) {
    // 10000-second window: 6999 s = 69.99%.
    const SessionWindow w{kStart, kStart + 10000, std::nullopt, std::nullopt};
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 1000;
    const auto s = summarize_attendance({closed(kStart, kStart + 6999)}, w, p);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 69.99);
    EXPECT_FALSE(s.attended);
}

TEST(Attendance, ThresholdBoundary6999PercentAttendsWhenMinimumMet) {
    const SessionWindow w{kStart, kStart + 10000, std::nullopt, std::nullopt};
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 100;  // 6000 s <= 6999 s
    const auto s = summarize_attendance({closed(kStart, kStart + 6999)}, w, p);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 69.99);
    EXPECT_TRUE(s.attended);
}

TEST(Attendance, MinimumDurationRuleAlone) {
    // 5 minutes of a 60-minute class: 8.33%, far below 70%, but meets the 5-minute minimum exactly.
    EffectivePolicy p = default_policy();
    const auto at_min = summarize_attendance({closed(kStart, kStart + 300)}, hour_window(), p);
    EXPECT_DOUBLE_EQ(at_min.attendance_percent, 8.33);
    EXPECT_TRUE(at_min.attended);

    const auto below_min = summarize_attendance({closed(kStart, kStart + 299)}, hour_window(), p);
    EXPECT_FALSE(below_min.attended);
}

TEST(Attendance, MinimumDurationCountsMergedTimeOnly) {
    // Two tabs over the same 3 minutes must not add up to the 5-minute minimum.
    EffectivePolicy p = default_policy();
    const std::vector<PresenceInterval> ivs = {closed(kStart, kStart + 180), closed(kStart, kStart + 180)};
    const auto s = summarize_attendance(ivs, hour_window(), p);
    EXPECT_EQ(s.total_duration_seconds, 180);
    EXPECT_FALSE(s.attended);
}

TEST(Attendance, MinimumZeroMeansOnlyPercentRule) {
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 0;
    const auto none = summarize_attendance({closed(kStart, kStart)}, hour_window(), p);
    EXPECT_EQ(none.total_duration_seconds, 0);
    EXPECT_FALSE(none.attended);

    const auto some = summarize_attendance({closed(kStart, kStart + 1800)}, hour_window(), p);
    EXPECT_FALSE(some.attended);  // 50% < 70%

    const auto enough = summarize_attendance({closed(kStart, kStart + 2520)}, hour_window(), p);
    EXPECT_DOUBLE_EQ(enough.attendance_percent, 70.0);
    EXPECT_TRUE(enough.attended);
}

TEST(Attendance, LateJoinBoundaryAtExactlyTolerance) {
    const EffectivePolicy p = default_policy();  // 10 minutes
    const auto on_time = summarize_attendance({closed(kStart + 600, kEnd)}, hour_window(), p);
    EXPECT_FALSE(on_time.late_join);
    const auto late = summarize_attendance({closed(kStart + 601, kEnd)}, hour_window(), p);
    EXPECT_TRUE(late.late_join);
}

TEST(Attendance, LateJoinUsesEarliestJoin) {
    const std::vector<PresenceInterval> ivs = {closed(kStart + 1800, kEnd), closed(kStart + 60, kStart + 120)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.first_join, kStart + 60);
    EXPECT_FALSE(s.late_join);
}

TEST(Attendance, EarlyLeaveBoundaryAtExactlyTolerance) {
    const EffectivePolicy p = default_policy();  // 10 minutes
    const auto stayed = summarize_attendance({closed(kStart, kEnd - 600)}, hour_window(), p);
    EXPECT_FALSE(stayed.early_leave);
    const auto early = summarize_attendance({closed(kStart, kEnd - 601)}, hour_window(), p);
    EXPECT_TRUE(early.early_leave);
}

TEST(Attendance, EarlyLeaveUsesLatestLeave) {
    const std::vector<PresenceInterval> ivs = {closed(kStart, kStart + 600), closed(kStart + 1200, kEnd - 60)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd - 60));
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, ZeroTolerances) {
    EffectivePolicy p = default_policy();
    p.late_join_tolerance_minutes = 0;
    p.early_leave_tolerance_minutes = 0;
    const auto exact = summarize_attendance({closed(kStart, kEnd)}, hour_window(), p);
    EXPECT_FALSE(exact.late_join);
    EXPECT_FALSE(exact.early_leave);
    const auto off_by_one = summarize_attendance({closed(kStart + 1, kEnd - 1)}, hour_window(), p);
    EXPECT_TRUE(off_by_one.late_join);
    EXPECT_TRUE(off_by_one.early_leave);
}

TEST(Attendance, NoIntervals) {
    const auto s = summarize_attendance({}, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_EQ(s.join_count, 0);
    EXPECT_EQ(s.first_join, std::nullopt);  // absent: never joined
    EXPECT_EQ(s.last_leave, std::nullopt);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 0.0);
    EXPECT_FALSE(s.attended);
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, NoIntervalsWithMinimumZeroIsStillNotAttended) {
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 0;
    p.attendance_threshold_percent = 0;
    EXPECT_FALSE(summarize_attendance({}, hour_window(), p).attended);
}

TEST(Attendance, ZeroLengthWindow) {
    const SessionWindow w{kStart, kStart, std::nullopt, std::nullopt};
    const auto s = summarize_attendance({closed(kStart - 60, kStart + 60), open(kStart)}, w, default_policy());
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_EQ(s.join_count, 2);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 0.0);
    EXPECT_FALSE(s.attended);
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, NegativeLengthWindow) {
    // actual_end before actual_start (bad data): no time, no percent, no flags.
    const SessionWindow w{kStart, kEnd, kEnd, kStart};
    const auto s = summarize_attendance({closed(kStart, kEnd)}, w, default_policy());
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 0.0);
    EXPECT_FALSE(s.attended);
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
}

TEST(Attendance, RoundsToTwoDecimals) {
    const SessionWindow w{kStart, kStart + 3, std::nullopt, std::nullopt};
    EXPECT_DOUBLE_EQ(summarize_attendance({closed(kStart, kStart + 1)}, w, default_policy()).attendance_percent, 33.33);
    EXPECT_DOUBLE_EQ(summarize_attendance({closed(kStart, kStart + 2)}, w, default_policy()).attendance_percent, 66.67);
    // 1/8 = 12.5% exactly; 1/7 = 14.2857...% -> 14.29.
    const SessionWindow w8{kStart, kStart + 8, std::nullopt, std::nullopt};
    EXPECT_DOUBLE_EQ(summarize_attendance({closed(kStart, kStart + 1)}, w8, default_policy()).attendance_percent, 12.5);
    const SessionWindow w7{kStart, kStart + 7, std::nullopt, std::nullopt};
    EXPECT_DOUBLE_EQ(summarize_attendance({closed(kStart, kStart + 1)}, w7, default_policy()).attendance_percent,
                     14.29);
}

TEST(Attendance, RoundingHalfUpAndThresholdUsesRoundedValue) {
    // 20000-second window: 13999 s = 69.995% -> stored as 70.00, and the stored value decides attended.
    const SessionWindow w{kStart, kStart + 20000, std::nullopt, std::nullopt};
    EffectivePolicy p = default_policy();
    p.minimum_duration_minutes = 0;
    const auto s = summarize_attendance({closed(kStart, kStart + 13999)}, w, p);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 70.0);
    EXPECT_TRUE(s.attended);
    // 13998 s = 69.99% -> not attended.
    const auto below = summarize_attendance({closed(kStart, kStart + 13998)}, w, p);
    EXPECT_DOUBLE_EQ(below.attendance_percent, 69.99);
    EXPECT_FALSE(below.attended);
}

TEST(Attendance, PercentCappedAt100) {
    const std::vector<PresenceInterval> ivs = {closed(kStart - kHour, kEnd + kHour), open(kStart)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 3600);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
}

TEST(Attendance, MalformedIntervalIsZeroLengthButCountsJoin) {
    const std::vector<PresenceInterval> ivs = {closed(kStart + 1200, kStart + 600), closed(kStart + 1800, kEnd)};
    const auto s = summarize_attendance(ivs, hour_window(), default_policy());
    EXPECT_EQ(s.total_duration_seconds, 1800);
    EXPECT_EQ(s.join_count, 2);
    EXPECT_EQ(s.first_join, kStart + 1200);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kEnd));
    EXPECT_TRUE(s.late_join);  // 20 minutes after the start

    const auto only_bad = summarize_attendance({closed(kStart + 60, kStart)}, hour_window(), default_policy());
    EXPECT_EQ(only_bad.total_duration_seconds, 0);
    EXPECT_EQ(only_bad.join_count, 1);
    EXPECT_EQ(only_bad.first_join, kStart + 60);
    EXPECT_EQ(only_bad.last_leave, std::optional<UnixTime>(kStart + 60));  // joined_at, not the bad left_at
    EXPECT_FALSE(only_bad.attended);
    EXPECT_TRUE(only_bad.early_leave);
}

}  // namespace
}  // namespace lc::domain
