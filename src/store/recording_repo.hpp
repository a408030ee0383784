#pragma once
// Recordings of live sessions (seed 2.4): read for the recordings API, status changes from the
// recording use cases. Rows are created by provider events (webhook_repo insert_provider_recording).
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/recording_rules.hpp"

namespace lc::store {

/// The session's recordings that were not deleted, newest first.
std::vector<domain::Recording> list_recordings(soci::session& sql, const std::string& tenant_id,
                                               const std::string& session_id);
/// One recording of the session in the tenant (deleted ones too: the caller decides what they mean).
std::optional<domain::Recording> find_recording(soci::session& sql, const std::string& tenant_id,
                                                const std::string& session_id, const std::string& id,
                                                bool for_update = false);
/// One recording by id within the tenant (for jobs and access links, which know no session).
/// How long the copies must be kept, for a bucket rule that deletes them: the longest
/// recording_retention_days any class policy (school, course or class) sets (at least the default 90),
/// whether a policy keeps recordings for ever (0), and how many stored copies are due to stay past
/// `keep_until` or have no expiry.
struct RetentionNeeds {
    int longest_days = 90;
    bool keeps_forever = false;
    long long stored_past = 0;
};
RetentionNeeds recording_retention_needs(soci::session& sql, UnixTime keep_until);

std::optional<domain::Recording> find_recording_by_id(soci::session& sql, const std::string& tenant_id,
                                                      const std::string& id, bool for_update = false);
/// The recordings of a course's classes that were not deleted, each with its class's provider (for
/// deleting their copies when the course is deleted).
std::vector<std::pair<domain::Recording, domain::ProviderKind>> list_course_recordings(soci::session& sql,
                                                                                       const std::string& tenant_id,
                                                                                       const std::string& course_id);
/// Seed 5.5: recordings of every school whose expiry came by `now` and that are not deleted yet,
/// oldest expiry first, at most `limit`.
std::vector<domain::Recording> list_expired_recordings(soci::session& sql, long long now, int limit);
/// Seed 5.3 progress: how much of the copy is made (only while it is being made).
void save_storage_progress(soci::session& sql, const std::string& tenant_id, const std::string& id, long long bytes);
/// Writes what the recording use cases change: status, playback URL and metadata, publication, expiry
/// and our copy.
void save_recording(soci::session& sql, const domain::Recording& r);

}  // namespace lc::store
