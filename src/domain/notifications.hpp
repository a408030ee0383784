#pragma once
// Seed 8.1 / 8.2: the kinds of notice a user gets about a class, which channels each uses, and when a
// reminder is due. Pure rules: the caller passes the time in.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace lc::domain {

enum class NoticeKind {
    kReminder24h,         // send_reminder_24h: e-mail + push
    kReminder1h,          // send_reminder_1h: e-mail + push
    kReminder10m,         // send_reminder_10m: push only (an e-mail would be read too late)
    kSessionStarted,      // notify_session_started: push to the class's people (not whoever started it)
    kSessionCancelled,    // notify_session_cancelled: e-mail + push
    kSessionRescheduled,  // notify_session_cancelled with the new date: e-mail + push
    kRecordingPublished,  // notify_recording_published: e-mail
    kInvitation,          // notify_session_scheduled: e-mail with the calendar file, when a class is announced
};

enum class NoticeChannel { kEmail, kPush };

struct NoticeChannels {
    bool email = false;
    bool push = false;
};

const char* to_string(NoticeKind k);
std::optional<NoticeKind> parse_notice_kind(std::string_view s);
const char* to_string(NoticeChannel c);
std::optional<NoticeChannel> parse_notice_channel(std::string_view s);

NoticeChannels channels_of(NoticeKind k);
bool is_reminder(NoticeKind k);

/// How long before the start a reminder is meant to go out (0 for the other kinds).
std::int64_t reminder_lead_seconds(NoticeKind k);

/// The reminders from the earliest to the latest.
inline constexpr NoticeKind kReminders[] = {NoticeKind::kReminder24h, NoticeKind::kReminder1h,
                                            NoticeKind::kReminder10m};

/// The half-open window of class starts (after, until] for which reminder `k` is due at `now`: its
/// moment (start - lead) has come, the class has not started, and no closer reminder is due yet.
/// So a reminder whose moment passed while the service was down still goes out late, but only while
/// the class has not started and only if it is still the most specific one (a class that starts in
/// 5 minutes gets the 10-minute push, not three reminders at once).
struct StartWindow {
    UnixTime after = 0;
    UnixTime until = 0;
};
StartWindow reminder_window(NoticeKind k, UnixTime now);

/// False when the reminder's moment came before the class got its current time (it was created,
/// published or moved later): the invitation or the move notice told people already, and "starts in
/// 24 hours" would be wrong. A moment missed while the service was down still applies.
bool reminder_applies(NoticeKind k, UnixTime start, UnixTime schedule_set_at);

/// The reminder due at `now` for a class starting at `start`, if any (the inverse of reminder_window).
std::optional<NoticeKind> due_reminder(UnixTime start, UnixTime now);

}  // namespace lc::domain
