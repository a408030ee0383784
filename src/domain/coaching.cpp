#include "domain/coaching.hpp"

#include <algorithm>
#include <cstdint>

namespace lc::domain {

namespace {

// People say goodbye and leave at the end: the last minutes fall by design, not for a reason to coach.
constexpr std::int64_t kGoodbyeSeconds = 3 * 60;

/// a >= pct % of b, exactly (integers: no rounding at the threshold).
bool at_least_percent(int a, int b, int pct) { return b > 0 && std::int64_t{a} * 100 >= std::int64_t{b} * pct; }

UnixTime minute_end(const CoachingInput& in, std::size_t k) {
    return std::min<UnixTime>(in.minutes[k].minute_start + 60, in.end);
}

Insight at_minutes(const CoachingInput& in, InsightKind kind, std::size_t first, std::size_t last) {
    Insight i;
    i.kind = kind;
    i.from = in.minutes[first].minute_start;
    i.to = minute_end(in, last);
    i.minute = static_cast<int>((i.from - in.start) / 60);
    return i;
}

// A sudden fall: the timeline marks minutes where presence fell by max(2, 10 %); a fall over several
// minutes in a row is one event (one stretch of the recording to look at).
void drop_offs(const CoachingInput& in, std::size_t judged, std::vector<Insight>& out) {
    for (std::size_t k = 1; k < judged; ++k) {
        if (!in.minutes[k].drop_off) continue;
        std::size_t last = k;
        while (last + 1 < judged && in.minutes[last + 1].drop_off) ++last;
        Insight i = at_minutes(in, InsightKind::kDropOff, k, last);
        i.of = in.minutes[k - 1].present;
        i.count = std::max(0, i.of - in.minutes[last].present);
        i.strong = at_least_percent(i.count, i.of, 25);
        out.push_back(i);
        k = last;
    }
}

// Present but looking elsewhere: a single minute is a glance at the mail; three in a row with many of
// the room away (40 % or more) is a part of the lesson that lost them. Tiny rooms (1-2 present) say
// nothing.
void attention_dips(const CoachingInput& in, std::size_t judged, std::vector<Insight>& out) {
    auto away = [&](std::size_t k) {
        const auto& m = in.minutes[k];
        return m.present >= 3 && std::int64_t{m.foreground} * 100 <= std::int64_t{m.present} * 60;
    };
    for (std::size_t k = 0; k < judged; ++k) {
        if (!away(k)) continue;
        std::size_t last = k;
        while (last + 1 < judged && away(last + 1)) ++last;
        if (last - k + 1 >= 3) {
            Insight i = at_minutes(in, InsightKind::kAttentionDip, k, last);
            // The run's worst minute: the largest share away (ties: the earliest).
            std::size_t worst = k;
            for (std::size_t j = k + 1; j <= last; ++j) {
                const auto& a = in.minutes[j];
                const auto& b = in.minutes[worst];
                if (std::int64_t{a.present - a.foreground} * b.present >
                    std::int64_t{b.present - b.foreground} * a.present)
                    worst = j;
            }
            i.of = in.minutes[worst].present;
            i.count = i.of - in.minutes[worst].foreground;
            i.strong = at_least_percent(i.count, i.of, 50);
            out.push_back(i);
        }
        k = last;
    }
}

// Wearing away: no single drop, but the last third of a long class well under its peak — the sign of
// a class that needs a break or a change of activity somewhere in the middle. A fall that the drop-offs
// from where it began already account for (half of it or more) is theirs: those moments are the finding.
void fading(const CoachingInput& in, std::size_t judged, const std::vector<Insight>& drops, std::vector<Insight>& out) {
    if (judged < 30) return;
    std::size_t peak_at = 0;
    for (std::size_t k = 1; k < judged; ++k)
        if (in.minutes[k].present > in.minutes[peak_at].present) peak_at = k;
    const int peak = in.minutes[peak_at].present;
    if (peak < 4) return;
    const std::size_t third_from = judged - judged / 3;
    std::int64_t sum = 0;
    for (std::size_t k = third_from; k < judged; ++k) sum += in.minutes[k].present;
    const auto third = static_cast<std::int64_t>(judged - third_from);
    // average <= 75 % of the peak  <=>  100 * sum <= 75 * peak * minutes
    if (sum * 100 > std::int64_t{peak} * 75 * third) return;
    // From where it stayed under 90 % of the peak to the end of the judged minutes.
    std::size_t from = judged;
    while (from > peak_at + 1 && std::int64_t{in.minutes[from - 1].present} * 10 < std::int64_t{peak} * 9) --from;
    if (from >= judged) from = third_from;  // it came back near the peak at the very end: the third itself
    Insight i = at_minutes(in, InsightKind::kFading, from, judged - 1);
    i.of = peak;
    // "Towards the end": the last third's average, rounded (what the rule judged, not one minute's bounce).
    const auto average = static_cast<int>((sum * 2 + third) / (third * 2));
    i.count = std::max(1, peak - average);
    // Falls at the moments the timeline marks, from where the fading began, are the finding themselves;
    // one before it (everyone came back since) explains nothing of this fall.
    int sudden = 0;
    for (const auto& d : drops)
        if (d.from >= i.from) sudden += d.count;
    if (sudden * 2 >= i.count) return;
    i.strong = sum * 100 <= std::int64_t{peak} * 50 * third;
    out.push_back(i);
}

void people(const CoachingInput& in, std::vector<Insight>& out) {
    if (in.students.empty()) return;
    const int enrolled = static_cast<int>(in.students.size());
    int came = 0, late = 0, early = 0, silent = 0;
    for (const auto& s : in.students) {
        if (!s.summary.first_join) continue;
        ++came;
        late += s.summary.late_join ? 1 : 0;
        early += s.summary.early_leave ? 1 : 0;
        const bool spoke = s.activity && (s.activity->chat_messages > 0 || s.activity->talk_seconds > 0);
        silent += spoke ? 0 : 1;
    }
    auto add = [&](InsightKind kind, int count, int of, int min_percent, int strong_percent, int min_count) {
        if (count < min_count || !at_least_percent(count, of, min_percent)) return;
        Insight i;
        i.kind = kind;
        i.from = in.start;
        i.to = in.end;
        i.count = count;
        i.of = of;
        i.strong = at_least_percent(count, of, strong_percent);
        out.push_back(i);
    };
    add(InsightKind::kLowTurnout, enrolled - came, enrolled, 30, 50, 2);
    add(InsightKind::kLateJoins, late, came, 25, 50, 2);
    add(InsightKind::kEarlyLeaves, early, came, 20, 40, 2);
    if (in.activity_reported) add(InsightKind::kQuietClass, silent, came, 60, 90, 3);
}

}  // namespace

std::size_t judged_minutes(const CoachingInput& in) {
    const UnixTime cut = in.ended ? in.end - kGoodbyeSeconds : in.end;
    std::size_t n = 0;
    while (n < in.minutes.size() && in.minutes[n].minute_start + 60 <= cut) ++n;
    return n;
}

const char* to_string(InsightKind k) {
    switch (k) {
        case InsightKind::kLowTurnout:
            return "low_turnout";
        case InsightKind::kLateJoins:
            return "late_joins";
        case InsightKind::kEarlyLeaves:
            return "early_leaves";
        case InsightKind::kQuietClass:
            return "quiet_class";
        case InsightKind::kDropOff:
            return "drop_off";
        case InsightKind::kAttentionDip:
            return "attention_dip";
        case InsightKind::kFading:
            return "fading";
    }
    return "drop_off";
}

bool is_moment(InsightKind k) {
    return k == InsightKind::kDropOff || k == InsightKind::kAttentionDip || k == InsightKind::kFading;
}

const Recording* recording_at(const std::vector<Recording>& recordings, UnixTime at) {
    const Recording* best = nullptr;
    for (const auto& r : recordings) {
        if (!is_playable(r.status) || !r.started_at || r.duration_seconds <= 0) continue;
        if (at < *r.started_at || at >= *r.started_at + r.duration_seconds) continue;
        if (!best || *r.started_at > *best->started_at) best = &r;
    }
    return best;
}

std::vector<Insight> coach_class(const CoachingInput& in) {
    std::vector<Insight> out;
    people(in, out);
    const std::size_t judged = judged_minutes(in);
    std::vector<Insight> timed;
    drop_offs(in, judged, timed);
    const std::vector<Insight> drops = timed;
    attention_dips(in, judged, timed);
    fading(in, judged, drops, timed);
    std::stable_sort(timed.begin(), timed.end(), [](const Insight& a, const Insight& b) { return a.from < b.from; });
    out.insert(out.end(), timed.begin(), timed.end());
    return out;
}

}  // namespace lc::domain
