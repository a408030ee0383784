#pragma once
// Reads for the operators: scrape-time gauges (all schools), a school's live ops view (seed 10.4),
// webhook outcome counts over a window and the alert incidents (seed 10.5).
#include <soci/soci.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "store/job_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::store {

// ---- gauges (every school) ----
long long count_live_sessions(soci::session& sql);
/// Open participation rows (is_active).
long long count_active_participants(soci::session& sql);
/// Queued jobs per type (due or not).
std::vector<std::pair<std::string, long long>> queued_jobs_by_type(soci::session& sql);

// ---- a school's ops view ----
struct LiveSessionOps {
    std::string id, title, provider, room_id;
    std::optional<UnixTime> actual_start;
    long long participant_count = 0;  // open participation rows now
    long long peak_participants = 0;
};
/// The school's live sessions, oldest start first (at most `limit`).
std::vector<LiveSessionOps> live_sessions_of(soci::session& sql, const std::string& tenant_id, int limit);
/// The school's latest webhook events, newest first, without bodies (`statuses` empty: any status).
std::vector<WebhookEvent> recent_webhook_events(soci::session& sql, const std::string& tenant_id, int limit,
                                                const std::vector<std::string>& statuses = {});
/// The school's jobs that failed: dead ones and queued ones waiting for a retry, newest first.
std::vector<Job> failed_jobs(soci::session& sql, const std::string& tenant_id, int limit);

// ---- webhook health ----
struct WebhookCounts {
    long long total = 0, failed = 0, rejected = 0;
};
/// Webhook deliveries received at or after `since` (every school), by outcome.
WebhookCounts webhook_counts_since(soci::session& sql, UnixTime since);

struct Incident {
    std::string id, kind, status, detail;
    UnixTime opened_at = 0;
    std::optional<UnixTime> alert_sent_at;
};
std::optional<Incident> open_incident(soci::session& sql, const std::string& kind);
/// Opens an incident of `kind` unless one is open; true when this call opened it.
bool open_incident_once(soci::session& sql, const std::string& id, const std::string& kind, const std::string& detail,
                        UnixTime now);
/// Claims the sending of the incident's alert (true for exactly one caller while it is unsent).
bool claim_alert(soci::session& sql, const std::string& id, UnixTime now);
/// Gives a claimed alert back after a failed send, so that a later round tries again.
void release_alert(soci::session& sql, const std::string& id);
/// Closes the incident; true when this call closed it.
bool resolve_incident(soci::session& sql, const std::string& id, UnixTime now);
void mark_resolved_sent(soci::session& sql, const std::string& id, UnixTime now);

}  // namespace lc::store
