#pragma once
// Seed 4.1 / 5.1 / 5.6: a class's recordings. Provider events create them ("processing"); the
// process_recording job learns where the provider plays them and makes them ready; the class's
// staff publish them to students; everyone entitled gets a signed, short-lived link to watch one,
// and every such link handed out is an audit row (seed 9.5 "recording access").
//
// The access link is ours, /api/v1/recordings/play/{token}/: the token seals (AES-256-GCM) the
// tenant, the recording, the user and an expiry, so the provider's playback address is never listed
// and a link stops opening after LIVE_RECORDING_LINK_TTL seconds. Opening it checks the recording
// again (deleted or unpublished since: 410) and redirects to the playback address.
#include <string>
#include <string_view>
#include <vector>

#include "domain/recording_rules.hpp"
#include "services/context.hpp"
#include "services/recording_storage.hpp"
#include "services/session_service.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct RecordingLinkOptions {
    int ttl_seconds = 600;  // LIVE_RECORDING_LINK_TTL
    std::string base_url;   // LIVE_PUBLIC_URL: links are absolute when set, else paths on this server
};

/// What opening an access link leads to: our copy of the file (seed 5.3), or else the provider's
/// playback address to redirect to.
struct Playback {
    std::string redirect_url;  // where to send the browser: a signed address of our copy in S3, else the provider's
                               // playback address (no copy of ours, or the store unreachable)
    std::string file_path;     // our copy on local disk, when there is one
    std::string file_name;     // for Content-Disposition
};

/// What the access endpoint answers: the signed link and when it stops opening.
struct RecordingAccess {
    std::string url;
    UnixTime expires_at = 0;
};

class RecordingService {
public:
    /// The job a recording_ready event queues (webhook_service).
    static constexpr const char* kProcessJob = "process_recording";
    /// Seed 5.5 cleanup_expired_recordings: once a day, recordings whose retention ran out are deleted.
    static constexpr const char* kCleanupJob = "cleanup_expired_recordings";
    static constexpr int kCleanupIntervalSeconds = 86400;

    RecordingService(ServiceContext& ctx, SessionService& sessions, RecordingStorageService& storage,
                     std::string link_key, RecordingLinkOptions opt)
        : ctx_(ctx), sessions_(sessions), storage_(storage), key_(std::move(link_key)), opt_(std::move(opt)) {}

    /// The recordings of a class the caller may see (students: published ones), newest first.
    Result<std::vector<domain::Recording>> list(const Principal& p, const std::string& session_id);
    /// ready -> published (students see it and are told); published -> ready.
    Result<domain::Recording> publish(const Principal& p, const std::string& session_id,
                                      const std::string& recording_id, const RequestMeta& meta);
    Result<domain::Recording> unpublish(const Principal& p, const std::string& session_id,
                                        const std::string& recording_id, const RequestMeta& meta);
    /// Marks a recording deleted (hosts and admins): it disappears from every list, its links stop
    /// opening, the provider is asked to delete its copy, and a provider that reports it again is told
    /// it is gone.
    Status remove(const Principal& p, const std::string& session_id, const std::string& recording_id,
                  const RequestMeta& meta);
    /// Seed 5.6 get_access_url: a signed link that opens the recording for a short time; audited. A link
    /// to our own copy lasts the recording's duration longer, so a viewer can seek to its end.
    Result<RecordingAccess> access(const Principal& p, const std::string& session_id, const std::string& recording_id,
                                   const RequestMeta& meta);
    /// Seed 5.4: the recording's thumbnail (a 640x360 JPEG) for whoever may see the recording.
    Result<std::string> thumbnail(const Principal& p, const std::string& session_id, const std::string& recording_id);
    /// Opens an access link: our copy, or the playback address to redirect to. NotFound for a token
    /// that is not ours; Gone when it expired or the recording was deleted or unpublished since.
    Result<Playback> open_link(std::string_view token);
    /// The process_recording job: finds the provider's playback address (the event's own, or the
    /// provider's recording list) and makes the recording ready. While the provider does not list it
    /// yet the job is retried; when its attempts are used up the recording is marked failed.
    Status run_process_job(const store::Job& job);

    /// Queues the cleanup round unless one is queued (at start-up of whichever process runs jobs).
    Status schedule_cleanup();
    /// One cleanup round (seed 5.5): queues the next round first, then deletes every recording whose
    /// expiry came, each audited as recording.expire with the provider's copy queued for deletion.
    /// Returns how many were deleted.
    Result<int> cleanup_expired();

    struct Target {
        domain::LiveSession session;
        domain::SessionActor actor;
        domain::Recording recording;
    };
    /// The recording as the caller may see it (NotFound otherwise), optionally locked for a change.
    Result<Target> load(soci::session& sql, const Principal& p, const std::string& session_id,
                        const std::string& recording_id, bool for_update);

private:
    Result<domain::Recording> change(const Principal& p, const std::string& session_id, const std::string& recording_id,
                                     domain::RecordingAction action, const RequestMeta& meta);
    std::string seal(const domain::Recording& r, const std::string& user_id, bool published_only,
                     UnixTime expires_at) const;

    ServiceContext& ctx_;
    SessionService& sessions_;
    RecordingStorageService& storage_;
    std::string key_;
    RecordingLinkOptions opt_;
};

}  // namespace lc::services
