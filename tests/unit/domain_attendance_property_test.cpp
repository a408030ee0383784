// Property tests for the pure attendance arithmetic (src/domain/attendance.hpp): random inputs from a
// fixed-seed generator, checked against a deliberately naive per-second reference written from the
// documented rules, plus edge cases at the boundaries (AttendanceEdge).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "domain/attendance.hpp"

namespace lc::domain {
namespace {

constexpr UnixTime kBase = 1'700'000'000;

// ---------------------------------------------------------------------------------------------------
// Naive reference, written from the rules in attendance.hpp without looking at the implementation.
// ---------------------------------------------------------------------------------------------------

struct RefWindow {
    UnixTime start = 0;
    UnixTime end = 0;
    std::int64_t length() const { return end - start; }
};

RefWindow ref_window(const SessionWindow& w) {
    RefWindow r;
    r.start = w.actual_start ? *w.actual_start : w.scheduled_start;
    r.end = w.actual_end ? *w.actual_end : w.scheduled_end;
    return r;
}

/// Documented effective leave: left_at; the window end when open; joined_at when left_at < joined_at.
UnixTime ref_effective_leave(const PresenceInterval& iv, UnixTime window_end) {
    if (!iv.left_at) return window_end;
    if (*iv.left_at < iv.joined_at) return iv.joined_at;
    return *iv.left_at;
}

/// Per-second marks over the window: second i stands for [start + i, start + i + 1).
struct RefSeconds {
    std::vector<bool> present;  // some interval covers the second
    std::vector<bool> visible;  // some interval covers it and is not hidden at that second
};

RefSeconds ref_seconds(const std::vector<PresenceInterval>& intervals, const RefWindow& w) {
    RefSeconds r;
    if (w.length() <= 0) return r;
    const auto n = static_cast<std::size_t>(w.length());
    r.present.assign(n, false);
    r.visible.assign(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        const UnixTime t = w.start + static_cast<UnixTime>(i);
        for (const PresenceInterval& iv : intervals) {
            const UnixTime leave = ref_effective_leave(iv, w.end);
            if (!(iv.joined_at <= t && t < leave)) continue;
            r.present[i] = true;
            bool hidden = false;
            for (const auto& [hb, he] : iv.hidden) {
                if (hb <= t && t < he) hidden = true;
            }
            if (!hidden) r.visible[i] = true;
        }
    }
    return r;
}

std::int64_t count_true(const std::vector<bool>& v, std::size_t from, std::size_t to) {
    std::int64_t c = 0;
    for (std::size_t i = from; i < to; ++i) c += v[i] ? 1 : 0;
    return c;
}

/// 100 * total / length in hundredths, half-up, capped at 10000, 0 for an empty window.
std::int64_t ref_hundredths(std::int64_t total, std::int64_t length) {
    if (length <= 0) return 0;
    const std::int64_t num = total * 10000;
    std::int64_t q = num / length;
    const std::int64_t rem = num % length;
    if (2 * rem >= length) ++q;
    return std::min<std::int64_t>(q, 10000);
}

UnixTime ref_clamp(UnixTime t, const RefWindow& w) {
    if (t < w.start) return w.start;
    if (t > w.end) return w.end;
    return t;
}

struct RefSummary {
    std::int64_t total = 0;
    std::int64_t background = 0;
    std::int64_t hundredths = 0;
    bool attended = false;
    int join_count = 0;
    std::optional<UnixTime> first_join;
    std::optional<UnixTime> last_leave;
    bool late_join = false;
    bool early_leave = false;
};

RefSummary ref_summary(const std::vector<PresenceInterval>& intervals, const SessionWindow& sw,
                       const EffectivePolicy& p) {
    const RefWindow w = ref_window(sw);
    const RefSeconds secs = ref_seconds(intervals, w);
    RefSummary r;
    for (std::size_t i = 0; i < secs.present.size(); ++i) {
        if (secs.present[i]) ++r.total;
        if (secs.present[i] && !secs.visible[i]) ++r.background;
    }
    r.hundredths = ref_hundredths(r.total, w.length());
    r.join_count = static_cast<int>(intervals.size());
    if (intervals.empty()) return r;  // absent: nothing attended, no flags, no timestamps
    for (const PresenceInterval& iv : intervals) {
        if (!r.first_join || iv.joined_at < *r.first_join) r.first_join = iv.joined_at;
        const UnixTime leave = ref_effective_leave(iv, w.end);
        if (!r.last_leave || leave > *r.last_leave) r.last_leave = leave;
    }
    const bool by_percent = r.total > 0 && r.hundredths >= std::int64_t{p.attendance_threshold_percent} * 100;
    const bool by_duration = p.minimum_duration_minutes > 0 && r.total >= std::int64_t{p.minimum_duration_minutes} * 60;
    r.attended = by_percent || by_duration;
    const std::int64_t late_tol = p.late_join_tolerance_minutes < 0 ? 0 : p.late_join_tolerance_minutes * 60LL;
    const std::int64_t early_tol = p.early_leave_tolerance_minutes < 0 ? 0 : p.early_leave_tolerance_minutes * 60LL;
    r.late_join = ref_clamp(*r.first_join, w) > w.start + late_tol;
    r.early_leave = ref_clamp(*r.last_leave, w) < w.end - early_tol;
    return r;
}

/// Exact engagement score with rational arithmetic: the attendance part is hundredths / 10000, focus
/// (T - B) / T, activity min(1, (24 * chat + talk) / 120); the score is rounded half-up.
int ref_engagement(std::int64_t hundredths, std::int64_t total, std::int64_t background,
                   const std::optional<ProviderActivity>& act) {
    if (total <= 0) return 0;
    // points = N / D with D = 10000 * 120 * T.
    const std::int64_t d = 10000LL * 120 * total;
    std::int64_t n = 60 * hundredths * 120 * total + 25 * (total - background) * 10000 * 120;
    std::int64_t weight = 85;
    if (act) {
        const std::int64_t a120 = std::min<std::int64_t>(120, 24LL * act->chat_messages + act->talk_seconds);
        n += 15 * a120 * 10000 * total;
        weight = 100;
    }
    // score = round(100 * n / (weight * d)), half-up.
    return static_cast<int>((2 * 100 * n + weight * d) / (2 * weight * d));
}

/// True when 100 * points / weight is exactly k + 1/2 (a tie for rounding).
bool ref_engagement_is_tie(std::int64_t hundredths, std::int64_t total, std::int64_t background,
                           const std::optional<ProviderActivity>& act) {
    if (total <= 0) return false;
    const std::int64_t d = 10000LL * 120 * total;
    std::int64_t n = 60 * hundredths * 120 * total + 25 * (total - background) * 10000 * 120;
    std::int64_t weight = 85;
    if (act) {
        n += 15 * std::min<std::int64_t>(120, 24LL * act->chat_messages + act->talk_seconds) * 10000 * total;
        weight = 100;
    }
    return (2 * 100 * n) % (2 * weight * d) == weight * d;
}

struct RefMinute {
    UnixTime minute_start = 0;
    int present = 0;
    int foreground = 0;
    int lost = 0;
    bool drop_off = false;
};

std::vector<RefMinute> ref_timeline(const std::vector<std::vector<PresenceInterval>>& users, const SessionWindow& sw) {
    const RefWindow w = ref_window(sw);
    std::vector<RefMinute> out;
    if (w.length() <= 0) return out;
    const std::int64_t minutes = w.length() / 60 + (w.length() % 60 != 0 ? 1 : 0);
    out.resize(static_cast<std::size_t>(minutes));
    std::vector<RefSeconds> per_user;
    per_user.reserve(users.size());
    for (const auto& u : users) per_user.push_back(ref_seconds(u, w));
    for (std::int64_t k = 0; k < minutes; ++k) {
        RefMinute& m = out[static_cast<std::size_t>(k)];
        m.minute_start = w.start + 60 * k;
        const std::int64_t len = std::min<std::int64_t>(60, w.end - m.minute_start);
        const std::int64_t need = len / 2 + len % 2;  // ceil(len / 2)
        const auto from = static_cast<std::size_t>(60 * k);
        const auto to = from + static_cast<std::size_t>(len);
        for (const RefSeconds& s : per_user) {
            if (count_true(s.present, from, to) >= need) ++m.present;
            if (count_true(s.visible, from, to) >= need) ++m.foreground;
        }
        if (k > 0) {
            const int prev = out[static_cast<std::size_t>(k - 1)].present;
            m.lost = prev > m.present ? prev - m.present : 0;
            const int tenth = prev / 10 + (prev % 10 != 0 ? 1 : 0);  // ceil(prev / 10)
            m.drop_off = m.lost > 0 && m.lost >= std::max(2, tenth);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// Random inputs.
// ---------------------------------------------------------------------------------------------------

class Gen {
public:
    explicit Gen(std::uint64_t seed) : rng_(seed) {}

    std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
    int irange(int lo, int hi) { return static_cast<int>(range(lo, hi)); }
    bool chance(int percent) { return range(0, 99) < percent; }

    /// Windows: actual times or only the schedule (never started), empty, zero-length, negative, short,
    /// lengths that are not whole minutes.
    SessionWindow window(std::int64_t max_len) {
        SessionWindow w;
        w.scheduled_start = kBase + range(-600, 600);
        w.scheduled_end = w.scheduled_start + scheduled_length(max_len);
        const int mode = irange(0, 4);
        if (mode == 0 || mode == 1) {  // ran: actual start and end
            w.actual_start = w.scheduled_start + range(-300, 900);
            w.actual_end = *w.actual_start + scheduled_length(max_len);
        } else if (mode == 2) {  // started, no end recorded
            w.actual_start = w.scheduled_start + range(-300, 900);
        } else if (mode == 3) {  // only an end (odd data): start falls back to the schedule
            w.actual_end = w.scheduled_end + range(-600, 600);
        }  // mode 4: never started, schedule only
        return w;
    }

    /// One user's intervals around window [start, end): every documented shape.
    std::vector<PresenceInterval> intervals(const RefWindow& w, int max_count) {
        const std::int64_t span = std::max<std::int64_t>(w.length(), 120);
        std::vector<PresenceInterval> out;
        const int n = irange(0, max_count);
        for (int i = 0; i < n; ++i) {
            PresenceInterval iv;
            const int kind = irange(0, 9);
            if (kind == 0 && !out.empty()) {  // duplicate (same tab reported twice)
                out.push_back(out[static_cast<std::size_t>(irange(0, static_cast<int>(out.size()) - 1))]);
                continue;
            }
            iv.joined_at = w.start + range(-span / 4 - 60, span + 60);
            switch (kind) {
                case 1:  // open: runs to the window end
                    break;
                case 2:  // malformed: leave before join
                    iv.left_at = iv.joined_at - range(1, 900);
                    break;
                case 3:  // zero length
                    iv.left_at = iv.joined_at;
                    break;
                case 4:  // entirely before the window
                    iv.joined_at = w.start - range(2, 900);
                    iv.left_at = iv.joined_at + range(0, w.start - iv.joined_at);
                    break;
                case 5:  // entirely after the window
                    iv.joined_at = w.end + range(0, 900);
                    if (chance(70)) iv.left_at = iv.joined_at + range(0, 900);
                    break;
                case 6:  // straddling the whole window (clock skew, lobby, staying late)
                    iv.joined_at = w.start - range(0, 120);
                    iv.left_at = w.end + range(0, 120);
                    break;
                default:  // ordinary closed interval, may cross either edge
                    iv.left_at = iv.joined_at + range(0, span);
                    break;
            }
            const UnixTime leave = ref_effective_leave(iv, w.end);
            const int hidden = chance(40) ? 0 : irange(1, 4);
            for (int h = 0; h < hidden; ++h) {
                // Partly outside the interval, overlapping each other, sometimes empty or inverted.
                const std::int64_t len = std::max<std::int64_t>(leave - iv.joined_at, 1);
                const UnixTime hb = iv.joined_at + range(-len / 2 - 30, len + 30);
                const UnixTime he = chance(10) ? hb - range(0, 30) : hb + range(1, len);
                iv.hidden.emplace_back(hb, he);
            }
            out.push_back(std::move(iv));
        }
        return out;
    }

    EffectivePolicy policy() {
        EffectivePolicy p;
        p.attendance_threshold_percent = chance(30) ? 70 : irange(0, 100);
        p.minimum_duration_minutes = chance(20) ? 0 : irange(-3, 30);
        p.late_join_tolerance_minutes = chance(20) ? 10 : irange(-3, 20);
        p.early_leave_tolerance_minutes = chance(20) ? 10 : irange(-3, 20);
        return p;
    }

private:
    std::int64_t scheduled_length(std::int64_t max_len) {
        const int kind = irange(0, 9);
        if (kind == 0) return 0;                            // zero-length
        if (kind == 1) return -range(1, 600);               // end before start
        if (kind == 2) return range(1, 179);                // a few (partial) minutes
        if (kind == 3) return 60 * range(1, max_len / 60);  // whole minutes
        return range(1, max_len);                           // anything
    }

    std::mt19937_64 rng_;
};

std::string describe(const std::vector<PresenceInterval>& ivs, const SessionWindow& w) {
    std::ostringstream os;
    auto opt = [](const std::optional<UnixTime>& t) { return t ? std::to_string(*t - kBase) : std::string("none"); };
    os << "times relative to " << kBase << ": window sched [" << w.scheduled_start - kBase << ", "
       << w.scheduled_end - kBase << "] actual [" << opt(w.actual_start) << ", " << opt(w.actual_end)
       << "]; intervals:";
    for (const PresenceInterval& iv : ivs) {
        os << " {" << iv.joined_at - kBase << " -> " << opt(iv.left_at);
        for (const auto& [hb, he] : iv.hidden) os << " hidden[" << hb - kBase << "," << he - kBase << ")";
        os << "}";
    }
    return os.str();
}

std::string describe(const EffectivePolicy& p) {
    std::ostringstream os;
    os << "policy threshold=" << p.attendance_threshold_percent << " min=" << p.minimum_duration_minutes
       << " late_tol=" << p.late_join_tolerance_minutes << " early_tol=" << p.early_leave_tolerance_minutes;
    return os.str();
}

constexpr int kSummaryCases = 2000;
constexpr int kTimelineCases = 600;
constexpr int kEngagementCases = 5000;

/// Runs `check` on kSummaryCases random (intervals, window, policy); stops at the first failing case.
template <typename Check>
void for_random_summaries(std::uint64_t seed, Check check) {
    Gen g(seed);
    for (int c = 0; c < kSummaryCases; ++c) {
        const SessionWindow w = g.window(5400);
        const std::vector<PresenceInterval> ivs = g.intervals(ref_window(w), 6);
        const EffectivePolicy p = g.policy();
        SCOPED_TRACE("case " + std::to_string(c) + ": " + describe(ivs, w) + "; " + describe(p));
        const AttendanceSummary s = summarize_attendance(ivs, w, p);
        const RefSummary r = ref_summary(ivs, w, p);
        check(ivs, w, p, s, r);
        if (::testing::Test::HasFailure()) return;
    }
}

using Ivs = std::vector<PresenceInterval>;

// ---------------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------------

TEST(AttendanceProperty, TotalDurationIsUnionOfPresentSecondsInsideWindow) {
    for_random_summaries(0x5eed0001, [](const Ivs&, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.total_duration_seconds, r.total);
        EXPECT_GE(s.total_duration_seconds, 0);
    });
}

TEST(AttendanceProperty, BackgroundIsPresentTimeWithNoVisibleDevice) {
    for_random_summaries(0x5eed0002, [](const Ivs&, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.background_duration_seconds, r.background);
        EXPECT_GE(s.background_duration_seconds, 0);
        EXPECT_LE(s.background_duration_seconds, s.total_duration_seconds);
    });
}

TEST(AttendanceProperty, PercentIsRoundedHalfUpCappedAndZeroForEmptyWindows) {
    for_random_summaries(0x5eed0003, [](const Ivs&, const SessionWindow& w, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.attendance_percent, static_cast<double>(r.hundredths) / 100.0);
        EXPECT_GE(s.attendance_percent, 0.0);
        EXPECT_LE(s.attendance_percent, 100.0);
        if (ref_window(w).length() <= 0) {
            EXPECT_EQ(s.attendance_percent, 0.0);
        }
    });
}

TEST(AttendanceProperty, AttendedIsPercentRuleOrMinimumDurationRule) {
    for_random_summaries(0x5eed0004, [](const Ivs& ivs, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.attended, r.attended);
        if (ivs.empty()) {
            EXPECT_FALSE(s.attended);
        }
    });
}

TEST(AttendanceProperty, JoinCountFirstJoinAndLastLeave) {
    for_random_summaries(0x5eed0005, [](const Ivs& ivs, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.join_count, static_cast<int>(ivs.size()));
        EXPECT_EQ(s.first_join, r.first_join);
        EXPECT_EQ(s.last_leave, r.last_leave);
        if (ivs.empty()) {
            EXPECT_EQ(s.first_join, std::nullopt);
            EXPECT_EQ(s.last_leave, std::nullopt);
        }
    });
}

TEST(AttendanceProperty, LateJoinAndEarlyLeaveUseClampedTimesAndStrictTolerances) {
    for_random_summaries(0x5eed0006, [](const Ivs&, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.late_join, r.late_join);
        EXPECT_EQ(s.early_leave, r.early_leave);
    });
}

TEST(AttendanceProperty, SummaryEngagementScoreIsTheNoActivityScore) {
    for_random_summaries(0x5eed0007, [](const Ivs&, const SessionWindow&, const EffectivePolicy&,
                                        const AttendanceSummary& s, const RefSummary& r) {
        EXPECT_EQ(s.engagement_score, engagement_score(s, std::nullopt));
        EXPECT_GE(s.engagement_score, 0);
        EXPECT_LE(s.engagement_score, 100);
        if (r.total == 0) {
            EXPECT_EQ(s.engagement_score, 0);
        }
        if (!ref_engagement_is_tie(r.hundredths, r.total, r.background, std::nullopt)) {
            EXPECT_EQ(s.engagement_score, ref_engagement(r.hundredths, r.total, r.background, std::nullopt));
        }
    });
}

TEST(AttendanceProperty, EngagementScoreMatchesDocumentedFormula) {
    Gen g(0x5eed0008);
    int ties = 0;
    for (int c = 0; c < kEngagementCases; ++c) {
        AttendanceSummary s;
        // Small totals and round percents make exact rounding ties likely; larger ones cover the rest.
        s.total_duration_seconds = g.chance(10) ? 0 : (g.chance(50) ? g.irange(1, 20) : g.irange(1, 20000));
        s.background_duration_seconds = g.irange(0, s.total_duration_seconds);
        const std::int64_t hundredths = g.chance(50) ? 50 * g.range(0, 200) : g.range(0, 10000);
        s.attendance_percent = static_cast<double>(hundredths) / 100.0;
        std::optional<ProviderActivity> act;
        if (g.chance(60)) act = ProviderActivity{g.irange(0, 8), g.chance(30) ? 0 : g.irange(0, 200)};
        SCOPED_TRACE("case " + std::to_string(c) + ": total=" + std::to_string(s.total_duration_seconds) +
                     " background=" + std::to_string(s.background_duration_seconds) +
                     " percent_hundredths=" + std::to_string(hundredths) +
                     (act ? " chat=" + std::to_string(act->chat_messages) + " talk=" + std::to_string(act->talk_seconds)
                          : std::string(" no activity")));
        const int score = engagement_score(s, act);
        EXPECT_GE(score, 0);
        EXPECT_LE(score, 100);
        if (s.total_duration_seconds == 0) {
            EXPECT_EQ(score, 0);
        }
        const int expected = ref_engagement(hundredths, s.total_duration_seconds, s.background_duration_seconds, act);
        // An exact .5 rounds up: the score is computed in integers, like the stored percent.
        const bool tie =
            ref_engagement_is_tie(hundredths, s.total_duration_seconds, s.background_duration_seconds, act);
        ties += tie;
        EXPECT_EQ(score, expected) << (tie ? "(an exact .5 tie)" : "");
        if (::testing::Test::HasFailure()) return;
    }
    EXPECT_GT(ties, 0) << "the generator should hit exact rounding ties";
}

TEST(AttendanceProperty, EngagementScoreStaysInRangeForOddInputs) {
    // Negative activity counts and inconsistent summaries (background > total, percent out of range) must
    // still give 0..100, and 0 without time.
    Gen g(0x5eed0009);
    for (int c = 0; c < kEngagementCases; ++c) {
        AttendanceSummary s;
        s.total_duration_seconds = g.irange(-10, 5000);
        s.background_duration_seconds = g.irange(-10, 6000);
        s.attendance_percent = static_cast<double>(g.range(-5000, 15000)) / 100.0;
        std::optional<ProviderActivity> act;
        if (g.chance(50)) act = ProviderActivity{g.irange(-20, 50), g.irange(-500, 1000)};
        const int score = engagement_score(s, act);
        EXPECT_GE(score, 0) << "case " << c;
        EXPECT_LE(score, 100) << "case " << c;
        if (s.total_duration_seconds <= 0) {
            EXPECT_EQ(score, 0) << "case " << c;
        }
        if (::testing::Test::HasFailure()) return;
    }
}

TEST(AttendanceProperty, TimelineMatchesPerSecondReference) {
    Gen g(0x5eed000a);
    for (int c = 0; c < kTimelineCases; ++c) {
        const SessionWindow w = g.window(2400);
        const RefWindow rw = ref_window(w);
        // Mostly small classes; some large ones, where 10 % of the previous minute exceeds the minimum of 2.
        const int n_users = g.chance(25) ? g.irange(15, 60) : g.irange(0, 14);
        std::vector<std::vector<PresenceInterval>> users(static_cast<std::size_t>(n_users));
        for (auto& u : users) u = g.intervals(rw, 4);
        std::string trace = "case " + std::to_string(c) + ":";
        for (std::size_t i = 0; i < users.size(); ++i)
            trace += "\n  user " + std::to_string(i) + ": " + describe(users[i], w);
        SCOPED_TRACE(trace);

        const std::vector<TimelineMinute> got = attendance_timeline(users, w);
        const std::vector<RefMinute> want = ref_timeline(users, w);
        const std::int64_t expected_minutes = rw.length() <= 0 ? 0 : (rw.length() + 59) / 60;
        ASSERT_EQ(static_cast<std::int64_t>(got.size()), expected_minutes);
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t k = 0; k < got.size(); ++k) {
            SCOPED_TRACE("minute " + std::to_string(k));
            EXPECT_EQ(got[k].minute_start, want[k].minute_start);
            EXPECT_EQ(got[k].present, want[k].present);
            EXPECT_EQ(got[k].foreground, want[k].foreground);
            EXPECT_EQ(got[k].lost, want[k].lost);
            EXPECT_EQ(got[k].drop_off, want[k].drop_off);
            EXPECT_LE(got[k].present, static_cast<int>(users.size()));
            if (::testing::Test::HasFailure()) return;
        }
    }
}

TEST(AttendanceProperty, MergingIsOrderAndDuplicateInsensitive) {
    // Shuffling the intervals or duplicating one changes nothing but join_count.
    Gen g(0x5eed000b);
    std::mt19937_64 shuffler(0x5eed000c);
    for (int c = 0; c < kSummaryCases; ++c) {
        const SessionWindow w = g.window(3600);
        std::vector<PresenceInterval> ivs = g.intervals(ref_window(w), 6);
        if (ivs.empty()) continue;
        const EffectivePolicy p = g.policy();
        SCOPED_TRACE("case " + std::to_string(c) + ": " + describe(ivs, w) + "; " + describe(p));
        const AttendanceSummary a = summarize_attendance(ivs, w, p);
        std::shuffle(ivs.begin(), ivs.end(), shuffler);
        ivs.push_back(ivs.front());
        const AttendanceSummary b = summarize_attendance(ivs, w, p);
        EXPECT_EQ(b.join_count, a.join_count + 1);
        EXPECT_EQ(b.total_duration_seconds, a.total_duration_seconds);
        EXPECT_EQ(b.background_duration_seconds, a.background_duration_seconds);
        EXPECT_EQ(b.attendance_percent, a.attendance_percent);
        EXPECT_EQ(b.attended, a.attended);
        EXPECT_EQ(b.first_join, a.first_join);
        EXPECT_EQ(b.last_leave, a.last_leave);
        EXPECT_EQ(b.late_join, a.late_join);
        EXPECT_EQ(b.early_leave, a.early_leave);
        EXPECT_EQ(b.engagement_score, a.engagement_score);
        if (::testing::Test::HasFailure()) return;
    }
}

// ---------------------------------------------------------------------------------------------------
// Edge cases.
// ---------------------------------------------------------------------------------------------------

PresenceInterval closed(UnixTime joined, UnixTime left) { return PresenceInterval{joined, left, {}}; }
PresenceInterval open(UnixTime joined) { return PresenceInterval{joined, std::nullopt, {}}; }
SessionWindow scheduled(UnixTime start, UnixTime end) { return SessionWindow{start, end, std::nullopt, std::nullopt}; }

EffectivePolicy percent_only(int threshold) {
    EffectivePolicy p;
    p.attendance_threshold_percent = threshold;
    p.minimum_duration_minutes = 0;
    return p;
}

TEST(AttendanceEdge, ExactlyAtThresholdViaMergedTabsAttends) {
    // 3600 s window, two overlapping tabs whose union is exactly 2520 s = 70.00%.
    const SessionWindow w = scheduled(kBase, kBase + 3600);
    const auto s =
        summarize_attendance({closed(kBase, kBase + 2000), closed(kBase + 1000, kBase + 2520)}, w, percent_only(70));
    EXPECT_EQ(s.total_duration_seconds, 2520);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 70.0);
    EXPECT_TRUE(s.attended);
    // One second less: 69.97% -> not attended.
    const auto below =
        summarize_attendance({closed(kBase, kBase + 2000), closed(kBase + 1000, kBase + 2519)}, w, percent_only(70));
    EXPECT_DOUBLE_EQ(below.attendance_percent, 69.97);
    EXPECT_FALSE(below.attended);
}

TEST(AttendanceEdge, ExactlyAtThresholdForOtherThresholds) {
    const SessionWindow w = scheduled(kBase, kBase + 400);
    for (int threshold : {1, 25, 50, 75, 100}) {
        const UnixTime secs = 4 * threshold;  // exactly threshold %
        EXPECT_TRUE(summarize_attendance({closed(kBase, kBase + secs)}, w, percent_only(threshold)).attended)
            << threshold;
        EXPECT_FALSE(summarize_attendance({closed(kBase, kBase + secs - 1)}, w, percent_only(threshold)).attended)
            << threshold;
    }
}

TEST(AttendanceEdge, ExactlyAtMinimumDurationAcrossTwoIntervals) {
    EffectivePolicy p;
    p.attendance_threshold_percent = 100;
    p.minimum_duration_minutes = 5;
    const SessionWindow w = scheduled(kBase, kBase + 3600);
    EXPECT_TRUE(summarize_attendance({closed(kBase, kBase + 100), closed(kBase + 1000, kBase + 1200)}, w, p).attended);
    EXPECT_FALSE(summarize_attendance({closed(kBase, kBase + 100), closed(kBase + 1000, kBase + 1199)}, w, p).attended);
}

TEST(AttendanceEdge, LateJoinToleranceBoundary) {
    EffectivePolicy p;
    p.late_join_tolerance_minutes = 3;
    const SessionWindow w{kBase, kBase + 3600, kBase + 120, kBase + 3720};  // judged from the actual start
    EXPECT_FALSE(summarize_attendance({open(kBase + 120 + 180)}, w, p).late_join);
    EXPECT_TRUE(summarize_attendance({open(kBase + 120 + 181)}, w, p).late_join);
}

TEST(AttendanceEdge, EarlyLeaveToleranceBoundary) {
    EffectivePolicy p;
    p.early_leave_tolerance_minutes = 3;
    const SessionWindow w{kBase, kBase + 3600, kBase + 120, kBase + 3720};  // judged from the actual end
    EXPECT_FALSE(summarize_attendance({closed(kBase + 120, kBase + 3720 - 180)}, w, p).early_leave);
    EXPECT_TRUE(summarize_attendance({closed(kBase + 120, kBase + 3720 - 181)}, w, p).early_leave);
}

TEST(AttendanceEdge, NegativeTolerancesActAsZero) {
    EffectivePolicy p;
    p.late_join_tolerance_minutes = -5;
    p.early_leave_tolerance_minutes = -5;
    const SessionWindow w = scheduled(kBase, kBase + 3600);
    const auto exact = summarize_attendance({closed(kBase, kBase + 3600)}, w, p);
    EXPECT_FALSE(exact.late_join);
    EXPECT_FALSE(exact.early_leave);
    const auto off = summarize_attendance({closed(kBase + 1, kBase + 3599)}, w, p);
    EXPECT_TRUE(off.late_join);
    EXPECT_TRUE(off.early_leave);
}

TEST(AttendanceEdge, ZeroLengthActualWindowOverridesSchedule) {
    // Scheduled for an hour, but started and ended at the same second.
    const SessionWindow w{kBase, kBase + 3600, kBase + 600, kBase + 600};
    const auto s = summarize_attendance({closed(kBase + 500, kBase + 700)}, w, percent_only(0));
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_EQ(s.background_duration_seconds, 0);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 0.0);
    EXPECT_EQ(s.first_join, kBase + 500);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kBase + 700));
    EXPECT_FALSE(s.late_join);
    EXPECT_FALSE(s.early_leave);
    EXPECT_EQ(s.engagement_score, 0);
    EXPECT_TRUE(attendance_timeline({{closed(kBase + 500, kBase + 700)}}, w).empty());
}

TEST(AttendanceEdge, NeverStartedSessionUsesSchedule) {
    const SessionWindow w = scheduled(kBase, kBase + 600);  // no actual_start/actual_end
    const auto s = summarize_attendance({open(kBase + 300)}, w, percent_only(50));
    EXPECT_EQ(s.total_duration_seconds, 300);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 50.0);
    EXPECT_TRUE(s.attended);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kBase + 600));  // open: the scheduled end
    const auto t = attendance_timeline({{open(kBase + 300)}}, w);
    ASSERT_EQ(t.size(), 10u);
    EXPECT_EQ(t[0].minute_start, kBase);
    EXPECT_EQ(t[4].present, 0);
    EXPECT_EQ(t[5].present, 1);

    // Only an actual end recorded: the start still falls back to the schedule.
    const SessionWindow end_only{kBase, kBase + 600, std::nullopt, kBase + 300};
    const auto e = summarize_attendance({open(kBase)}, end_only, percent_only(50));
    EXPECT_EQ(e.total_duration_seconds, 300);
    EXPECT_DOUBLE_EQ(e.attendance_percent, 100.0);
}

TEST(AttendanceEdge, LeaveBeforeJoinCountsTheJoinOnly) {
    PresenceInterval bad = closed(kBase + 900, kBase + 300);
    bad.hidden = {{kBase + 100, kBase + 1000}};
    const SessionWindow w = scheduled(kBase, kBase + 3600);
    const auto s = summarize_attendance({bad}, w, EffectivePolicy{});
    EXPECT_EQ(s.total_duration_seconds, 0);
    EXPECT_EQ(s.background_duration_seconds, 0);
    EXPECT_EQ(s.join_count, 1);
    EXPECT_EQ(s.first_join, kBase + 900);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kBase + 900));
    EXPECT_FALSE(s.attended);
    EXPECT_TRUE(s.late_join);
    EXPECT_TRUE(s.early_leave);
}

TEST(AttendanceEdge, EventsAfterTheEndAreClipped) {
    const SessionWindow w{kBase, kBase + 3600, kBase, kBase + 1800};  // ended early
    const std::vector<PresenceInterval> ivs = {closed(kBase, kBase + 2400), closed(kBase + 2000, kBase + 2600)};
    const auto s = summarize_attendance(ivs, w, EffectivePolicy{});
    EXPECT_EQ(s.total_duration_seconds, 1800);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 100.0);
    EXPECT_EQ(s.join_count, 2);
    EXPECT_EQ(s.last_leave, std::optional<UnixTime>(kBase + 2600));  // unclipped
    EXPECT_FALSE(s.early_leave);
    const auto t = attendance_timeline({ivs}, w);
    ASSERT_EQ(t.size(), 30u);
    EXPECT_EQ(t.back().present, 1);

    // Only events after the end: no time, and the join (clamped to the end) is late.
    const auto after = summarize_attendance({closed(kBase + 2000, kBase + 2600)}, w, EffectivePolicy{});
    EXPECT_EQ(after.total_duration_seconds, 0);
    EXPECT_TRUE(after.late_join);
    EXPECT_FALSE(after.early_leave);
    EXPECT_FALSE(after.attended);
}

TEST(AttendanceEdge, ClockSkewJoinBeforeStartCountsFromStart) {
    const SessionWindow w{kBase, kBase + 3600, kBase + 60, kBase + 3660};
    EffectivePolicy p;
    p.late_join_tolerance_minutes = 0;
    const auto s = summarize_attendance({closed(kBase + 57, kBase + 1860)}, w, p);  // 3 s early
    EXPECT_EQ(s.total_duration_seconds, 1800);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 50.0);
    EXPECT_EQ(s.first_join, kBase + 57);  // unclipped
    EXPECT_FALSE(s.late_join);
}

TEST(AttendanceEdge, HiddenStretchesOutsideIntervalOrCoveredByAnotherTabAreNotBackground) {
    const SessionWindow w = scheduled(kBase, kBase + 600);
    PresenceInterval a = closed(kBase + 100, kBase + 300);
    a.hidden = {{kBase, kBase + 150}, {kBase + 140, kBase + 160}, {kBase + 280, kBase + 900}};  // 60 s inside
    const auto one = summarize_attendance({a}, w, EffectivePolicy{});
    EXPECT_EQ(one.total_duration_seconds, 200);
    EXPECT_EQ(one.background_duration_seconds, 60 + 20);  // [100,160) and [280,300)

    // A second, visible tab over [100, 150) leaves only [150, 160) and [280, 300) in the background.
    const auto two = summarize_attendance({a, closed(kBase + 100, kBase + 150)}, w, EffectivePolicy{});
    EXPECT_EQ(two.total_duration_seconds, 200);
    EXPECT_EQ(two.background_duration_seconds, 10 + 20);
}

// The documented score is round(<exact value>). When the exact value is k + 0.5, binary floating point
// (0.2 + 0.7 = 0.8999..., 0.96 * 60 + 0.875 * 25 = 79.4749...) can land just below the tie and round
// down. These inputs are exact ties: the expected scores follow the documented formula with exact
// arithmetic. (As of writing, the implementation returns one less for each of them.)
TEST(AttendanceEdge, EngagementScoreExactHalfRoundsUp) {
    // 50-minute class, present 48 min (96.00%), 6 of them with every tab hidden (focus 0.875):
    // 100 * (60 * 0.96 + 25 * 0.875) / 85 = 100 * 79.475 / 85 = 93.5 -> 94.
    PresenceInterval iv = closed(kBase, kBase + 2880);
    iv.hidden = {{kBase, kBase + 360}};
    const auto s = summarize_attendance({iv}, scheduled(kBase, kBase + 3000), EffectivePolicy{});
    EXPECT_EQ(s.total_duration_seconds, 2880);
    EXPECT_EQ(s.background_duration_seconds, 360);
    EXPECT_DOUBLE_EQ(s.attendance_percent, 96.0);
    EXPECT_EQ(s.engagement_score, 94);
    EXPECT_EQ(engagement_score(s, std::nullopt), 94);

    // All time in the background, 51.25% attendance, 6 s of talk: 60 * 0.5125 + 15 * 0.05 = 31.5 -> 32.
    AttendanceSummary a;
    a.total_duration_seconds = 100;
    a.background_duration_seconds = 100;
    a.attendance_percent = 51.25;
    EXPECT_EQ(engagement_score(a, ProviderActivity{0, 6}), 32);

    // 0.00% (1 s of a very long class), all background, 1 chat + 84 s talk: 15 * (0.2 + 0.7) = 13.5 -> 14.
    AttendanceSummary b;
    b.total_duration_seconds = 1;
    b.background_duration_seconds = 1;
    b.attendance_percent = 0;
    EXPECT_EQ(engagement_score(b, ProviderActivity{1, 84}), 14);
}

TEST(AttendanceEdge, TimelineShortLastMinuteNeedsHalfOfItsOwnLength) {
    const SessionWindow w = scheduled(kBase, kBase + 90);                   // minutes of 60 s and 30 s
    const auto t = attendance_timeline({{closed(kBase + 75, kBase + 90)},   // 15 s of 30: counts
                                        {closed(kBase + 76, kBase + 90)},   // 14 s: does not
                                        {closed(kBase + 30, kBase + 60)},   // exactly 30 of 60: counts
                                        {closed(kBase + 31, kBase + 60)}},  // 29 of 60: does not
                                       w);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].present, 1);  // only the user with exactly 30 of 60 s
    EXPECT_EQ(t[1].present, 1);
    EXPECT_EQ(t[1].minute_start, kBase + 60);
}

TEST(AttendanceEdge, TimelineDropOffBoundaries) {
    // Minute 0: `before` users; minute 1: `before - gone`. Users who leave go at 60 s.
    auto run = [](int before, int gone) {
        std::vector<std::vector<PresenceInterval>> users;
        for (int i = 0; i < before; ++i) users.push_back({closed(kBase, i < gone ? kBase + 60 : kBase + 120)});
        const auto t = attendance_timeline(users, scheduled(kBase, kBase + 120));
        EXPECT_EQ(t.size(), 2u);
        EXPECT_EQ(t[1].lost, gone);
        return t[1].drop_off;
    };
    EXPECT_FALSE(run(1, 1));   // 1 lost < the minimum of 2
    EXPECT_TRUE(run(2, 2));    // 2 lost
    EXPECT_FALSE(run(20, 1));  // needs max(2, 2)
    EXPECT_TRUE(run(20, 2));
    EXPECT_FALSE(run(25, 2));  // needs max(2, ceil(2.5)) = 3
    EXPECT_TRUE(run(25, 3));
    EXPECT_FALSE(run(3, 0));
}

}  // namespace
}  // namespace lc::domain
