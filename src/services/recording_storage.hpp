#pragma once
// Seed 5.3: our own copy of each recording. When a recording that is a file (mp4: Jitsi, Zoom)
// becomes ready, the store_recording job downloads it from the provider into the file store
// (LIVE_STORAGE_DIR on the embedded default, an S3 bucket at scale), reporting progress as it goes, and from then on
// its access links play our copy. BigBlueButton's "presentation" playback is a web application, not a file: it keeps
// playing from the BBB server.
#include <string>
#include <utility>
#include <vector>

#include "domain/recording_rules.hpp"
#include "infra/blob_store.hpp"
#include "services/context.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct RecordingStorageOptions {
    bool enabled = true;                 // LIVE_STORAGE_DIR is set (not "off")
    long long max_bytes = 0;             // LIVE_RECORDING_MAX_BYTES: larger recordings keep playing from the provider
    bool allow_private_sources = false;  // LIVE_STORAGE_ALLOW_PRIVATE_SOURCES: download from private addresses
    std::string ffmpeg = "ffmpeg";       // LIVE_FFMPEG: makes thumbnails ("off": none)
    bool transcribe = false;             // LIVE_TRANSCRIBE_URL is set: stored copies of classes whose policy
                                         // asks for it are transcribed (services/transcript_service)
};

/// Queues, in the caller's transaction, the deletion of a recording's copies, ours and the provider's
/// (`provider`: the kind of its class's room). The job carries what it needs, so it also works once
/// the recording's row is gone (a deleted course takes its classes' recordings with it).
void queue_recording_copies_deletion(soci::session& sql, const domain::Recording& r, domain::ProviderKind provider,
                                     UnixTime now);

class RecordingStorageService {
public:
    /// Deletes the copies of a recording deleted here (by a person, by retention, with its course): ours,
    /// then the provider's; retried for about half a day while that fails, then dead (the ops view counts it).
    static constexpr const char* kDeleteCopiesJob = "delete_recording_copies";
    static constexpr const char* kCopyJob = "store_recording";
    /// Copies and deletions of copies keep trying for about half a day (backoff doubles from 10 s to an
    /// hour): a provider or a recordings server down for a night must not lose a copy or leave one behind.
    static constexpr int kCopyAttempts = 20;
    /// Seed 5.4 generate_thumbnail_task: a 640x360 still at 5 s from our copy, queued when it is stored.
    static constexpr const char* kThumbnailJob = "generate_thumbnail";

    RecordingStorageService(ServiceContext& ctx, infra::BlobStore& store, RecordingStorageOptions opt)
        : ctx_(ctx), store_(store), opt_(opt) {}

    /// Queues the copy of a recording that just became ready, in the caller's transaction, when it is
    /// a file we can copy and storage is on. Returns whether it queued one.
    bool queue_copy(soci::session& sql, const domain::Recording& r);
    /// The store_recording job. A download that may yet succeed (the provider or the network down, the
    /// file not uploaded yet) is retried with backoff; one that cannot (a private address, too large) or
    /// the last attempt marks the copy failed, and the recording keeps playing from the provider.
    Status run_copy_job(const store::Job& job);
    /// Our copy of `r`, when there is one in the store (`as`: how a signed address should present it).
    Result<infra::BlobStore::Found> find_copy(const domain::Recording& r,
                                              const infra::BlobStore::Presentation& as = {}) const;
    /// Deletes our copy of `r` and its thumbnail (none there counts as deleted).
    Status remove_copy(const domain::Recording& r);
    /// The delete_recording_copies job. Providers that keep no copy we can delete (Jitsi: the file is
    /// wherever Jibri put it) and copies the provider no longer has count as done.
    Status run_delete_copies_job(const store::Job& job);
    /// The generate_thumbnail job. A file ffmpeg cannot read a frame from gets no thumbnail (not retried);
    /// ffmpeg missing or timing out is retried.
    Status run_thumbnail_job(const store::Job& job);
    /// The thumbnail of `r` (a JPEG), when there is one.
    Result<std::string> read_thumbnail(const domain::Recording& r) const;

    /// A fresh, empty local directory for work on a recording's file (scratch space, next to where
    /// downloads land); remove_copy removes what a crash left in it.
    Result<std::string> scratch_dir_for(const std::string& name);

    /// A small file a provider keeps with a recording (its own transcript), fetched whole (services/provider_files).
    Result<std::string> fetch_small_file(const std::string& url,
                                         std::vector<std::pair<std::string, std::string>> headers, long long max_bytes,
                                         const std::string& scratch_name);
    /// The keys a recording's copy and thumbnail are stored under.
    static std::string copy_key(const domain::Recording& r);
    static std::string thumbnail_key(const domain::Recording& r);

private:
    /// Marks the copy failed (the recording itself stays as it is).
    void mark_failed(const std::string& tenant, const std::string& id);

    ServiceContext& ctx_;
    infra::BlobStore& store_;
    RecordingStorageOptions opt_;
};

}  // namespace lc::services
