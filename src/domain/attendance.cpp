#include "domain/attendance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace lc::domain {
namespace {

using Span = std::pair<UnixTime, UnixTime>;  // [begin, end), begin < end

/// Effective end of one interval: left_at; the window end when open; joined_at when malformed
/// (left_at < joined_at), which makes the interval zero-length while its join still counts.
UnixTime effective_leave(const PresenceInterval& iv, UnixTime window_end) {
    if (!iv.left_at.has_value()) {
        return window_end;
    }
    return *iv.left_at < iv.joined_at ? iv.joined_at : *iv.left_at;
}

/// Moves t into [lo, hi]; for an empty window (hi < lo) the result is lo.
UnixTime clamp_into(UnixTime t, UnixTime lo, UnixTime hi) { return std::max(lo, std::min(t, hi)); }

/// Sorts and merges spans in place (overlapping or touching ones become one).
void merge(std::vector<Span>& spans) {
    std::sort(spans.begin(), spans.end());
    std::size_t out = 0;
    for (const Span& s : spans) {
        if (out > 0 && s.first <= spans[out - 1].second) {
            spans[out - 1].second = std::max(spans[out - 1].second, s.second);
        } else {
            spans[out++] = s;
        }
    }
    spans.resize(out);
}

std::int64_t length_of(const std::vector<Span>& merged) {
    std::int64_t total = 0;
    for (const Span& s : merged) total += s.second - s.first;
    return total;
}

/// A user's presence inside [start, end): `present` = the union of their intervals (two tabs count
/// once); `foreground` = the union of the same intervals with their hidden stretches cut out.
struct Presence {
    std::vector<Span> present;
    std::vector<Span> foreground;
};

Presence presence_inside_window(const std::vector<PresenceInterval>& intervals, UnixTime start, UnixTime end) {
    Presence p;
    p.present.reserve(intervals.size());
    std::vector<Span> hidden;
    for (const PresenceInterval& iv : intervals) {
        const UnixTime b = std::max(iv.joined_at, start);
        const UnixTime e = std::min(effective_leave(iv, end), end);
        if (b >= e) continue;
        p.present.emplace_back(b, e);
        hidden.clear();
        for (const auto& [hb, he] : iv.hidden) {
            const UnixTime cb = std::max(hb, b), ce = std::min(he, e);
            if (cb < ce) hidden.emplace_back(cb, ce);
        }
        merge(hidden);
        UnixTime cursor = b;  // the visible pieces of [b, e) between the hidden stretches
        for (const Span& h : hidden) {
            if (cursor < h.first) p.foreground.emplace_back(cursor, h.first);
            cursor = std::max(cursor, h.second);
        }
        if (cursor < e) p.foreground.emplace_back(cursor, e);
    }
    merge(p.present);
    merge(p.foreground);
    return p;
}

/// Adds each span's overlap with minute k of [start, ...) to coverage[k].
void add_coverage(const std::vector<Span>& spans, UnixTime start, std::vector<std::int64_t>& coverage) {
    const auto minutes = static_cast<std::int64_t>(coverage.size());
    for (const Span& s : spans) {
        for (std::int64_t k = (s.first - start) / 60; k < minutes; ++k) {
            const UnixTime mb = start + k * 60, me = mb + 60;
            if (mb >= s.second) break;
            coverage[static_cast<std::size_t>(k)] += std::min(me, s.second) - std::max(mb, s.first);
        }
    }
}

/// 100 * total / length in hundredths of a percent, rounded half-up, capped at 10000 (= 100.00%).
/// Integer arithmetic so that e.g. exactly 70% is exactly 7000 (no floating-point drift at the threshold).
std::int64_t percent_hundredths(std::int64_t total, std::int64_t length) {
    if (length <= 0 || total <= 0) {
        return 0;
    }
    if (total >= length) {
        return 10000;
    }
    return (total * 20000 + length) / (2 * length);
}

}  // namespace

AttendanceSummary summarize_attendance(const std::vector<PresenceInterval>& intervals, const SessionWindow& w,
                                       const EffectivePolicy& policy) {
    AttendanceSummary s;
    // Window: the real start/end when the session recorded them, the schedule otherwise.
    const UnixTime start = w.actual_start.value_or(w.scheduled_start);
    const UnixTime end = w.actual_end.value_or(w.scheduled_end);
    const std::int64_t length = end - start;

    s.join_count = static_cast<int>(std::min<std::size_t>(intervals.size(), std::numeric_limits<int>::max()));
    if (intervals.empty()) {
        // Nobody to count: no time, no flags, no first/last timestamps.
        s.total_duration_seconds = 0;
        s.first_join = std::nullopt;
        s.last_leave = std::nullopt;
        s.attended = false;
        s.attendance_percent = 0;
        s.late_join = false;
        s.early_leave = false;
        return s;
    }

    // first_join is the raw earliest join; last_leave the latest effective leave (open -> window end).
    UnixTime first = intervals.front().joined_at;
    UnixTime last = effective_leave(intervals.front(), end);
    for (const PresenceInterval& iv : intervals) {
        first = std::min(first, iv.joined_at);
        last = std::max(last, effective_leave(iv, end));
    }
    s.first_join = first;
    s.last_leave = last;

    const Presence presence = presence_inside_window(intervals, start, end);
    const std::int64_t total = length_of(presence.present);
    s.total_duration_seconds = static_cast<int>(std::min<std::int64_t>(total, std::numeric_limits<int>::max()));
    s.background_duration_seconds = static_cast<int>(
        std::min<std::int64_t>(total - length_of(presence.foreground), std::numeric_limits<int>::max()));

    const std::int64_t hundredths = percent_hundredths(total, length);
    s.attendance_percent = static_cast<double>(hundredths) / 100.0;

    // Seed 6.4: "%70 toplam süre VEYA minimum X dakika". The percent rule compares the stored, rounded
    // value, so a report never shows 70.00 next to "not attended". A minimum of 0 minutes disables the
    // duration rule: "total >= 0" would otherwise make everyone attended.
    // Some time in the class is needed either way: a 0 % threshold must not make a join that came
    // after the end (0 seconds inside the window) "attended".
    const bool by_percent =
        total > 0 && hundredths >= static_cast<std::int64_t>(policy.attendance_threshold_percent) * 100;
    const bool by_duration =
        policy.minimum_duration_minutes > 0 && total >= static_cast<std::int64_t>(policy.minimum_duration_minutes) * 60;
    s.attended = by_percent || by_duration;

    // Late/early are judged on times clamped into the window: joining before the start is on time,
    // leaving after the end is not early. Exactly at the tolerance is neither late nor early.
    const std::int64_t late_tol = static_cast<std::int64_t>(std::max(0, policy.late_join_tolerance_minutes)) * 60;
    const std::int64_t early_tol = static_cast<std::int64_t>(std::max(0, policy.early_leave_tolerance_minutes)) * 60;
    s.late_join = clamp_into(first, start, end) > start + late_tol;
    s.early_leave = clamp_into(last, start, end) < end - early_tol;
    s.engagement_score = engagement_score(s, std::nullopt);
    return s;
}

int engagement_score(const AttendanceSummary& s, const std::optional<ProviderActivity>& activity) {
    if (s.total_duration_seconds <= 0) return 0;
    // Exact integer arithmetic (like the percent): a score of exactly x.5 rounds up, never down
    // through a binary fraction. With attendance = H/10000, focus = F/T and activity = A/120,
    // 100 * points = 0.6 H + 2500 F/T (+ 12.5 A); times 20 T that is a whole number.
    const std::int64_t h = std::clamp<std::int64_t>(std::llround(s.attendance_percent * 100), 0, 10000);
    const std::int64_t t = s.total_duration_seconds;
    const std::int64_t f = std::clamp<std::int64_t>(t - s.background_duration_seconds, 0, t);
    std::int64_t scaled = 12 * h * t + 50000 * f;  // 20 T * 100 * points
    std::int64_t weight = 85;
    if (activity) {
        const std::int64_t a = std::min<std::int64_t>(
            120, std::int64_t{24} * std::max(0, activity->chat_messages) + std::max(0, activity->talk_seconds));
        scaled += 250 * a * t;
        weight = 100;
    }
    const std::int64_t den = 20 * t * weight;
    return static_cast<int>((2 * scaled + den) / (2 * den));  // round(scaled / den), half up
}

std::vector<TimelineMinute> attendance_timeline(const std::vector<std::vector<PresenceInterval>>& users,
                                                const SessionWindow& w) {
    const UnixTime start = w.actual_start.value_or(w.scheduled_start);
    const UnixTime end = w.actual_end.value_or(w.scheduled_end);
    if (end <= start) return {};
    const auto minutes = static_cast<std::size_t>((end - start + 59) / 60);
    std::vector<TimelineMinute> out(minutes);
    for (std::size_t k = 0; k < minutes; ++k) out[k].minute_start = start + static_cast<std::int64_t>(k) * 60;
    // Half of minute k's own length (the last minute may be short), rounded up.
    auto needed = [&](std::size_t k) {
        const std::int64_t len = std::min<std::int64_t>(60, end - out[k].minute_start);
        return (len + 1) / 2;
    };
    std::vector<std::int64_t> present(minutes), foreground(minutes);
    for (const auto& intervals : users) {
        const Presence p = presence_inside_window(intervals, start, end);
        std::fill(present.begin(), present.end(), 0);
        std::fill(foreground.begin(), foreground.end(), 0);
        add_coverage(p.present, start, present);
        add_coverage(p.foreground, start, foreground);
        for (std::size_t k = 0; k < minutes; ++k) {
            if (present[k] >= needed(k)) ++out[k].present;
            if (foreground[k] >= needed(k)) ++out[k].foreground;
        }
    }
    for (std::size_t k = 1; k < minutes; ++k) {
        const int before = out[k - 1].present;
        out[k].lost = std::max(0, before - out[k].present);
        out[k].drop_off = out[k].lost > 0 && out[k].lost >= std::max(2, (before + 9) / 10);
    }
    return out;
}

}  // namespace lc::domain
