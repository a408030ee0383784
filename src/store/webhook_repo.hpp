#pragma once
// The webhook inbox (every provider callback, stored before it is acknowledged) and the writes that
// provider events drive on sessions, participation rows and recordings.
#include <soci/soci.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace lc::store {

struct WebhookEvent {
    std::string id;
    std::string provider;
    std::optional<std::string> tenant_id;
    std::optional<std::string> session_id;
    std::string dedupe_key;
    std::string event_type;
    std::string status;  // received | processed | ignored | rejected | failed
    std::string reason;
    std::string body;
    std::string normalized = "[]";
    UnixTime received_at = 0;
    std::optional<UnixTime> processed_at;
};

/// Inserts an accepted event; false (and nothing written) when an accepted copy with the same
/// (provider, dedupe_key) is already there.
bool insert_webhook_event(soci::session& sql, const WebhookEvent& e);
/// Inserts a rejected event (never conflicts: rejected copies are outside the de-duplication index).
void insert_rejected_webhook(soci::session& sql, const WebhookEvent& e);
/// Marks inbox events processed, ignored or failed (with the reason) for a whole drain batch: the
/// statement is prepared once and run for each event.
class InboxMarker {
public:
    explicit InboxMarker(soci::session& sql);
    InboxMarker(const InboxMarker&) = delete;
    InboxMarker& operator=(const InboxMarker&) = delete;
    void finish(const std::string& id, const std::string& status, const std::string& reason, UnixTime at);

private:
    std::string id_, status_, reason_;
    long long at_ = 0;
    soci::statement st_;  // bound to the members above
};
long long count_webhook_events(soci::session& sql, const std::string& provider, const std::string& status);

/// The tenant of a session id, whatever the tenant (provider callbacks name rooms, not schools).
std::optional<std::string> session_tenant(soci::session& sql, const std::string& session_id);
/// A session of a tenant on `provider` by its provider room id (Zoom meeting ids).
std::optional<std::string> session_by_room(soci::session& sql, const std::string& tenant_id,
                                           const std::string& provider, const std::string& room_id);

/// Room ids of a tenant's live sessions on one provider.
std::vector<std::string> live_rooms(soci::session& sql, const std::string& tenant_id, const std::string& provider);
/// Whether any school has a live session on `provider`.
bool any_live_rooms(soci::session& sql, const std::string& provider);
/// Up to `limit` inbox events waiting to be processed, oldest first, with what processing needs (id,
/// provider, tenant_id, event_type, normalized, received_at). PostgreSQL locks them, skipping rows
/// another transaction holds; on SQLite the caller's write transaction keeps other drainers out.
std::vector<WebhookEvent> received_webhook_events(soci::session& sql, int limit);
/// Whether a job of `type` is waiting (not yet claimed).
bool job_queued(soci::session& sql, const std::string& type);
/// Whether a job of `type` is waiting or running (periodic jobs keep one in the queue).
bool job_pending(soci::session& sql, const std::string& type);

// ---- participation from provider events (all idempotent) ----

/// Provider join/leave events applied to participation rows. Its statements are prepared once and
/// run for every event of a drain batch: SOCI parses a one-off statement anew each time, which was
/// most of the drain's CPU. Use it on one connection (the batch's transaction) only.
class ProviderParticipation {
public:
    explicit ProviderParticipation(soci::session& sql);
    ~ProviderParticipation();
    ProviderParticipation(const ProviderParticipation&) = delete;
    ProviderParticipation& operator=(const ProviderParticipation&) = delete;
    /// A provider says `user_id` entered at `at` over `connection_id` (may be empty). Returns false
    /// when this exact join is already recorded.
    bool join(const std::string& new_id, const std::string& session_id, const std::string& user_id,
              const std::string& role, const std::string& connection_id, UnixTime at);
    /// A provider says `user_id`'s `connection_id` left at `at`. Returns false when this exact leave
    /// is already recorded.
    bool leave(const std::string& new_id, const std::string& session_id, const std::string& user_id,
               const std::string& role, const std::string& connection_id, UnixTime at);

private:
    struct Statements;
    std::unique_ptr<Statements> st_;
};
/// Marks every participation row of the user in the session as kicked (open ones closed at `at`);
/// returns how many rows the user has (0: never joined).
long long kick_participant(soci::session& sql, const std::string& session_id, const std::string& user_id,
                           const std::string& reason, UnixTime at);
/// Users removed from a session by a moderator (they may not join it again).
std::vector<std::string> kicked_users(soci::session& sql, const std::string& session_id);
/// participant_count = users in the room now; peak_participants grows with it.
void recount_participants(soci::session& sql, const std::string& session_id);

/// A recording the provider reported: false when the session already has it (whatever its status),
/// also when another worker inserted it a moment ago.
/// started_at: when the recording begins, when the provider says.
bool insert_provider_recording(soci::session& sql, const std::string& id, const std::string& tenant_id,
                               const std::string& session_id, const std::string& provider_recording_id,
                               const std::string& provider_url, long long duration_seconds, long long size_bytes,
                               const std::string& format, UnixTime now,
                               std::optional<UnixTime> started_at = std::nullopt);
/// The normalized events (JSON arrays) of a session's deliveries from `provider` of `event_type` (the
/// inbox row's types) that were ignored, newest first, at most `limit`: an event that came before what
/// it refers to is found again here.
std::vector<std::string> ignored_events_of_session(soci::session& sql, const std::string& tenant_id,
                                                   const std::string& session_id, const std::string& provider,
                                                   const std::string& event_type, int limit);
/// Our id of the first recording of a session whose provider id starts with `prefix` (Zoom's "meeting
/// uuid/", for an event about the meeting's recording as a whole), if any.
std::optional<std::string> find_recording_by_provider_prefix(soci::session& sql, const std::string& tenant_id,
                                                             const std::string& session_id, const std::string& prefix);
/// The status of a provider recording we know of (e.g. "deleted"), if any.
std::optional<std::string> provider_recording_status(soci::session& sql, const std::string& tenant_id,
                                                     const std::string& provider_recording_id);

}  // namespace lc::store
