#pragma once
// Seed 13.1: a recording's transcript. When our copy of a recording is stored and the class's policy
// has transcribe_recordings on, the transcribe_recording job cuts its audio into pieces (ffmpeg) and
// sends them, one after the other, to the speech-to-text service (LIVE_TRANSCRIBE_URL: OpenAI's audio
// transcription API, or a self-hosted Whisper server speaking it). Each piece's segments are kept as it
// comes back, with the recording's progress, so a job cut short resumes after the last piece it kept.
// The transcript is read as JSON, WebVTT (the browser's captions) or SubRip by whoever may see the
// recording; the class's staff can ask for one (again) by hand.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/transcript.hpp"
#include "infra/http_client.hpp"
#include "infra/speech_to_text.hpp"
#include "services/recording_service.hpp"
#include "services/recording_storage.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct TranscriptOptions {
    infra::SpeechToText service;  // service.url empty: this server makes no transcripts
    std::string ffmpeg = "ffmpeg";
    int piece_seconds = 600;    // LIVE_TRANSCRIBE_PIECE_SECONDS
    bool lesson_notes = false;  // an AI service is set (LIVE_AI_URL): a ready transcript gets its notes made
};

/// A finished transcript, for the API.
struct Transcript {
    domain::Recording recording;
    std::string language;
    std::vector<domain::TranscriptSegment> segments;
};

/// The kept transcript's language and segments (none when there is no row).
std::optional<std::pair<std::string, std::vector<domain::TranscriptSegment>>> stored_transcript(
    soci::session& sql, const std::string& tenant_id, const std::string& recording_id);
/// Whether the class's effective policy has transcribe_recordings on.
bool transcripts_wanted(soci::session& sql, const domain::LiveSession& s);
/// Marks `r` as being transcribed (the caller saves it) and queues the job, in the caller's
/// transaction; what an earlier transcript kept is dropped.
void queue_transcript(soci::session& sql, domain::Recording& r, UnixTime now);
/// Queues, in the caller's transaction, the import of the transcript a provider made of recording
/// `recording_id` itself (Zoom's audio transcript, BigBlueButton's captions: a WebVTT file at `url`), in
/// `language` (a language tag such as "tr-TR"; "" when the provider does not say).
/// Returns the job's id.
std::string queue_transcript_import(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                                    domain::ProviderKind provider, const std::string& url, UnixTime now,
                                    const std::string& language = {});

class TranscriptService {
public:
    static constexpr const char* kJob = "transcribe_recording";
    /// About 3.4 hours of backoff (10 s doubling to an hour): a speech-to-text service down for an
    /// afternoon, or a key being replaced, must not lose the transcript.
    static constexpr int kAttempts = 12;

    TranscriptService(ServiceContext& ctx, RecordingService& recordings, RecordingStorageService& storage,
                      const infra::HttpClient& http, TranscriptOptions opt)
        : ctx_(ctx), recordings_(recordings), storage_(storage), http_(http), opt_(std::move(opt)) {}

    /// A service is set, and ffmpeg (which cuts the audio) is not switched off.
    bool enabled() const { return !opt_.service.url.empty() && opt_.ffmpeg != "off"; }

    /// The class's staff ask for a transcript of a recording (one made before the policy was switched
    /// on, or one that failed, or to make it again). Of a recording we keep a copy of, ours is made;
    /// of one we do not (BigBlueButton's playback), the provider's captions are imported when it has
    /// some (uploaded or finished after the recording was ready), else 409 says what to do. Audited as
    /// recording.transcribe.
    Result<domain::Recording> request(const Principal& p, const std::string& session_id,
                                      const std::string& recording_id, const RequestMeta& meta);
    /// The finished transcript, for whoever may see the recording.
    Result<Transcript> read(const Principal& p, const std::string& session_id, const std::string& recording_id);
    /// The transcribe_recording job.
    Status run_job(const store::Job& job);

    /// The transcript a provider made itself, imported, for classes whose policy has transcribe_recordings on
    /// (no audio leaves, but what was said is kept, with the speakers' names). A recording
    /// with a ready transcript keeps it; one being transcribed here gets the provider's instead (the job at
    /// work then writes nowhere). A file not there yet or a provider down is retried; one that is not
    /// WebVTT or has no cue is dead at once.
    static constexpr const char* kImportJob = "import_provider_transcript";
    static constexpr long long kMaxImportBytes = 32LL * 1024 * 1024;
    /// A cue every 2 s for 10 hours: the whole file is one piece, unlike our transcripts' 10-minute pieces.
    static constexpr std::size_t kMaxImportSegments = 18000;
    Status run_import_job(const store::Job& job);

private:
    /// ffmpeg's limit for cutting a whole recording's audio; a signed address of our copy in S3 is made to
    /// last this much longer than usual.
    static constexpr std::chrono::seconds kSplitTimeout{1800};
    /// What a job has transcribed so far.
    struct Progress {
        std::string language;
        std::vector<domain::TranscriptSegment> segments;
        int done = 0, total = 0;
    };
    /// Who may ask for a transcript of `t`, and when: `ours` from our copy (else the provider's captions).
    Status may_request(soci::session& sql, const RecordingService::Target& t, bool ours) const;
    /// The provider's best caption file of `t`'s recording; 409 when it keeps none (or none at all).
    Result<providers::TextTrack> provider_captions(const std::vector<domain::ProviderConfig>& configs,
                                                   const RecordingService::Target& t);
    /// Whether the job that owns `r`'s transcript is queued or running.
    static bool owner_at_work(soci::session& sql, const domain::Recording& r);
    /// The recording (locked), when it still waits for this job's transcript: not deleted, still
    /// processing, and not asked for again since (another job owns it then).
    static std::optional<domain::Recording> owned(soci::session& sql, const store::Job& job, const std::string& tenant,
                                                  const std::string& id);
    /// Marks the transcript failed, when it is still this job's.
    void mark_failed(const store::Job& job, const std::string& tenant, const std::string& id);
    /// Stores what the job has kept and the recording's progress; false when the recording no longer
    /// waits for this job's transcript.
    bool save_progress(const store::Job& job, const domain::Recording& rec, const Progress& kept);
    /// True when the job should stop: the transcript is no longer its own, or the class's policy no
    /// longer allows transcripts (then the transcript is dropped and its status is none again).
    bool withdrawn(const store::Job& job, const domain::Recording& rec);
    /// Marks `r`'s transcript ready (the caller saves it) and, when it has speech, the class's policy wants
    /// them and an AI service is set, queues its summary and quiz suggestions, in the caller's transaction.
    void mark_ready(soci::session& sql, domain::Recording& r, bool has_speech);
    /// The provider's transcript of `id` cannot be had: ours is queued, when this server makes transcripts,
    /// the copy is stored, the policy wants one and none is ready or at work.
    void fall_back_to_ours(const std::string& tenant, const std::string& id);

    ServiceContext& ctx_;
    RecordingService& recordings_;
    RecordingStorageService& storage_;
    const infra::HttpClient& http_;
    TranscriptOptions opt_;
};

}  // namespace lc::services
