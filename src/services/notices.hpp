#pragma once
// Status notices (seed 8.2) are queued in the same transaction as the change they announce
// (transactional outbox): the fan-out job runs only if the change committed, and always if it did.
#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "domain/entities.hpp"
#include "domain/notifications.hpp"

namespace lc::services {

/// Job types (the seed's Celery task names).
inline constexpr const char* kNotifyStartedJob = "notify_session_started";
inline constexpr const char* kNotifyCancelledJob = "notify_session_cancelled";  // also reschedules
inline constexpr const char* kNotifyRecordingJob = "notify_recording_published";
inline constexpr const char* kNotifyScheduledJob = "notify_session_scheduled";  // invitations

/// The version of a class's time (when it got its current start): the occasion of its reminders, so
/// that a new start re-arms them and a longer or shorter class does not.
inline std::string time_version(const domain::LiveSession& s) { return std::to_string(s.schedule_set_at.value_or(0)); }

/// Queues the notice of kind started, cancelled or rescheduled about `s` (as it is after the change,
/// its sequence already raised). `actor_id`: who made the change (not notified of it);
/// `previous_start`: the old start of a rescheduled class.
void queue_session_notice(soci::session& sql, const domain::LiveSession& s, domain::NoticeKind kind, UnixTime now,
                          const std::string& actor_id, std::optional<UnixTime> previous_start = std::nullopt);

/// Queues one invitation for a whole series (its calendar file carries the RRULE) instead of one per class.
void queue_series_invitation(soci::session& sql, const std::string& tenant_id, const std::string& series_id,
                             UnixTime now, const std::string& actor_id);

/// Queues one notice of a change to many classes of a series (moved or cancelled from a date on),
/// filed under `first`, the earliest class it touched; its e-mail carries the series' calendar file.
void queue_series_notice(soci::session& sql, const domain::LiveSession& first, const std::string& series_id,
                         int series_sequence, domain::NoticeKind kind, UnixTime now, const std::string& actor_id);

/// Queues notify_recording_published for a recording of `s` (the recordings work calls this when it
/// publishes one).
void queue_recording_notice(soci::session& sql, const domain::LiveSession& s, const std::string& recording_id,
                            UnixTime now);

}  // namespace lc::services
