#include "domain/notifications.hpp"

namespace lc::domain {

namespace {
struct KindInfo {
    NoticeKind kind;
    const char* name;
    NoticeChannels channels;
    std::int64_t lead;
};
constexpr KindInfo kKinds[] = {
    {NoticeKind::kReminder24h, "reminder_24h", {true, true}, 24 * 3600},
    {NoticeKind::kReminder1h, "reminder_1h", {true, true}, 3600},
    {NoticeKind::kReminder10m, "reminder_10m", {false, true}, 600},
    {NoticeKind::kSessionStarted, "session_started", {false, true}, 0},
    {NoticeKind::kSessionCancelled, "session_cancelled", {true, true}, 0},
    {NoticeKind::kSessionRescheduled, "session_rescheduled", {true, true}, 0},
    {NoticeKind::kRecordingPublished, "recording_published", {true, false}, 0},
    {NoticeKind::kInvitation, "invitation", {true, false}, 0},
};

const KindInfo& info(NoticeKind k) {
    for (const auto& i : kKinds)
        if (i.kind == k) return i;
    return kKinds[0];  // unreachable: every enumerator is in the table (a unit test walks them)
}
}  // namespace

const char* to_string(NoticeKind k) { return info(k).name; }

std::optional<NoticeKind> parse_notice_kind(std::string_view s) {
    for (const auto& i : kKinds)
        if (s == i.name) return i.kind;
    return std::nullopt;
}

const char* to_string(NoticeChannel c) { return c == NoticeChannel::kEmail ? "email" : "push"; }

std::optional<NoticeChannel> parse_notice_channel(std::string_view s) {
    if (s == "email") return NoticeChannel::kEmail;
    if (s == "push") return NoticeChannel::kPush;
    return std::nullopt;
}

NoticeChannels channels_of(NoticeKind k) { return info(k).channels; }

bool is_reminder(NoticeKind k) {
    return k == NoticeKind::kReminder24h || k == NoticeKind::kReminder1h || k == NoticeKind::kReminder10m;
}

std::int64_t reminder_lead_seconds(NoticeKind k) { return info(k).lead; }

StartWindow reminder_window(NoticeKind k, UnixTime now) {
    std::int64_t lead = reminder_lead_seconds(k);
    std::int64_t closer = 0;  // the lead of the next, closer reminder
    for (std::size_t i = 0; i + 1 < std::size(kReminders); ++i)
        if (kReminders[i] == k) closer = reminder_lead_seconds(kReminders[i + 1]);
    return StartWindow{now + closer, now + lead};
}

bool reminder_applies(NoticeKind k, UnixTime start, UnixTime schedule_set_at) {
    return start - reminder_lead_seconds(k) >= schedule_set_at;
}

std::optional<NoticeKind> due_reminder(UnixTime start, UnixTime now) {
    for (NoticeKind k : kReminders) {
        StartWindow w = reminder_window(k, now);
        if (start > w.after && start <= w.until) return k;
    }
    return std::nullopt;
}

}  // namespace lc::domain
