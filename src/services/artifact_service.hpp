#pragma once
// Seed 2.5 / 7.3 / 7.4: what a class leaves behind besides its recording.
//
// Chat logs are collected on their own once the class is over: the export_chat_log job fetches the
// provider's record of the chat (Zoom's CHAT recording file, BigBlueButton's playback data), keeps the
// public messages as a JSON artifact {timestamp, offset_seconds, sender, message} and never asks again
// (one artifact per provider source). Artifacts are downloaded through short-lived signed links
// (/api/v1/artifacts/download/{token}/), and every link handed out is an audit row (seed 9.5).
#include <string>
#include <string_view>
#include <vector>

#include "domain/artifacts.hpp"
#include "infra/blob_store.hpp"
#include "services/context.hpp"
#include "services/session_service.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct ArtifactOptions {
    int link_ttl_seconds = 600;          // LIVE_RECORDING_LINK_TTL: download links live as long as recording links
    std::string base_url;                // LIVE_PUBLIC_URL: links are absolute when set
    bool allow_private_sources = false;  // LIVE_STORAGE_ALLOW_PRIVATE_SOURCES, as for recording copies
    std::string rsvg_convert = "rsvg-convert";  // LIVE_RSVG_CONVERT: renders whiteboard PDFs ("off": none)
};

/// Where a class's chat can be fetched from, once the provider has it.
struct ChatSource {
    std::string tenant_id;
    std::string session_id;
    domain::ProviderKind provider = domain::ProviderKind::kZoom;
    std::string url;          // Zoom: the CHAT file's download_url; BBB: the playback's slides_new.xml
    std::string source_id;    // one chat artifact per source ("zoom:<file id>", "bbb:<record id>")
    UnixTime started_at = 0;  // when the recording the chat came with started: messages count from it
};

/// Queues the export of a class's chat in the caller's transaction.
void queue_chat_export(soci::session& sql, const ChatSource& source, UnixTime now);

/// Where a class's whiteboard can be read, once the provider has published it (seed 7.1).
struct WhiteboardSource {
    std::string tenant_id;
    std::string session_id;
    std::string data_url;   // BBB: the presentation playback's data directory, ending in '/'
    std::string source_id;  // one whiteboard artifact per source ("bbb-whiteboard:<record id>")
};

/// Queues the export of a class's whiteboard in the caller's transaction.
void queue_whiteboard_export(soci::session& sql, const WhiteboardSource& source, UnixTime now);

/// What the access endpoint answers: the signed link and when it stops opening.
struct ArtifactLink {
    std::string url;
    UnixTime expires_at = 0;
};

/// What saving chat lines from the room did.
struct ChatUpload {
    std::size_t added = 0;  // lines the log did not hold yet
    domain::Artifact artifact;
};

/// What opening a download link serves.
struct ArtifactFile {
    std::string file_name;
    std::string content_type;
    std::string body;
};

class ArtifactService {
public:
    static constexpr const char* kChatExportJob = "export_chat_log";
    /// A provider that has not published its files yet is asked again for about 85 minutes (backoff from
    /// 10 s, doubling), then the job is dead (the ops view counts it). A file that cannot become a chat
    /// log (not one, too large, at a refused address) makes it dead at once.
    static constexpr int kExportAttempts = 10;
    /// A chat file larger than this is not a chat file.
    static constexpr long long kMaxChatFileBytes = 8LL * 1024 * 1024;
    /// The stored JSON: quotes and backslashes in messages double when escaped.
    static constexpr std::size_t kMaxChatContentBytes = 24U * 1024 * 1024;

    ArtifactService(ServiceContext& ctx, SessionService& sessions, infra::BlobStore& scratch, std::string link_key,
                    ArtifactOptions opt)
        : ctx_(ctx), sessions_(sessions), scratch_(scratch), key_(std::move(link_key)), opt_(std::move(opt)) {}

    /// The class's artifacts the caller may see, oldest first (without their content).
    Result<std::vector<domain::Artifact>> list(const Principal& p, const std::string& session_id);
    /// Seed 7.4: a signed link that downloads the artifact for a short time; audited.
    Result<ArtifactLink> download_link(const Principal& p, const std::string& session_id,
                                       const std::string& artifact_id, const RequestMeta& meta);
    /// Opens a download link. NotFound for a token that is not ours; Gone when it expired, the artifact
    /// was deleted, or its holder may no longer see it.
    Result<ArtifactFile> open_link(std::string_view token);
    /// Deletes an artifact (the class's instructors and school admins); audited.
    Status remove(const Principal& p, const std::string& session_id, const std::string& artifact_id,
                  const RequestMeta& meta);
    /// Seed 7.3 for Jitsi, which keeps no chat: the staff's room pages upload the public lines they see
    /// while the class is live (and when they leave it); one chat log per class, lines seen by several
    /// pages kept once (domain::merge_chat_messages). Staff only; the class must be live or ended.
    /// `sent_at`: the page's clock when it sent them; every line's time is moved by how far that clock is
    /// off ours, so that pages with different clocks agree. Lines must lie within the class (from 5
    /// minutes before its start to 5 minutes after its end, or now); uploads are taken until 10 minutes
    /// after the class ended (a page leaving sends what it still holds).
    Result<ChatUpload> record_chat(const Principal& p, const std::string& session_id,
                                   std::vector<domain::TimedChatMessage> lines, std::optional<UnixTime> sent_at);
    /// The chat log of a class, kept under this source (one per class).
    static constexpr const char* kRoomChatSource = "jitsi:room";
    /// The most lines and bytes one room chat log keeps: each upload rewrites the log, so it stays small.
    static constexpr std::size_t kMaxChatLines = 10'000;
    static constexpr std::size_t kMaxRoomChatBytes = 4U * 1024 * 1024;

    /// The export_chat_log job. A provider that does not have the file yet (or is down) is retried; a
    /// chat with no public message leaves no artifact.
    Status run_chat_export_job(const store::Job& job);

    static constexpr const char* kWhiteboardExportJob = "export_whiteboard";
    /// The playback's shapes.svg and tldraw.json: a long class with many annotations makes them large.
    static constexpr long long kMaxWhiteboardDataBytes = 32LL * 1024 * 1024;
    /// One slide image, and all of a whiteboard's slides together.
    static constexpr long long kMaxSlideBytes = 16LL * 1024 * 1024;
    static constexpr long long kMaxSlidesBytes = 128LL * 1024 * 1024;
    /// The PDF kept (base64 in the artifact's content, so a third more in the database).
    static constexpr long long kMaxWhiteboardPdfBytes = 24LL * 1024 * 1024;
    /// Seed 7.1, the export_whiteboard job: the slides that were drawn on, each as it stood at the end of
    /// its last showing, rendered into one PDF artifact (providers/whiteboard.hpp). A playback that is
    /// not published yet (or a provider that is down) is retried like a chat export; a whiteboard nobody
    /// drew on leaves no artifact.
    Status run_whiteboard_export_job(const store::Job& job);

private:
    /// Downloads a small file whole (the caller's cap), through a scratch file named after `scratch_name`.
    Result<std::string> fetch_file(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                                   long long max_bytes, const std::string& scratch_name);

    ServiceContext& ctx_;
    SessionService& sessions_;
    infra::BlobStore& scratch_;
    std::string key_;
    ArtifactOptions opt_;
};

}  // namespace lc::services
