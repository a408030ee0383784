#pragma once
// Seeds 13.2 and 13.3: a lesson's summary (an overview, key points, a timeline) and quiz suggestions
// (multiple-choice and open questions, with the topics they test), made from a recording's transcript by
// a language model (LIVE_AI_URL: OpenAI's chat completions API with structured outputs, or a server
// speaking it). When a transcript is ready and the class's policy has summarize_recordings on, the
// make_lesson_notes job is queued for each kind; the class's staff can ask again by hand. A transcript
// longer than LIVE_AI_PART_CHARS is sent in parts, each part's answer kept as it comes back (a job cut
// short resumes after it), then put together. Students read the summary of a published recording; quiz
// suggestions are the staff's (they hold the answers).
#include <optional>
#include <string>

#include "domain/lesson_notes.hpp"
#include "infra/http_client.hpp"
#include "infra/language_model.hpp"
#include "services/recording_service.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct LessonNotesOptions {
    infra::LanguageModel service;    // service.url empty: this server makes no summaries or quizzes
    std::size_t part_chars = 60000;  // LIVE_AI_PART_CHARS
};

/// A recording's notes of one kind, for the API.
struct LessonNotes {
    domain::Recording recording;
    domain::NotesKind kind = domain::NotesKind::kSummary;
    std::string status;  // processing | ready | failed
    int progress = 0;
    std::string language, model, error;
    std::string content_json;  // the summary or quiz document: the new one when ready, else the last one made
    bool previous = false;     // content_json is the last one made, kept while new notes are made or after they failed
    std::optional<UnixTime> made_at;  // when content_json was finished (none: not known, or no document)
    UnixTime created_at = 0, updated_at = 0;
};

/// Whether the recording's transcript has any text (a silent recording's has none: nothing to send).
bool has_speech(soci::session& sql, const domain::Recording& r);
/// Whether the class's effective policy has summarize_recordings on.
bool notes_wanted(soci::session& sql, const domain::LiveSession& s);
/// Queues the make_lesson_notes job for (recording, kind) in the caller's transaction; the job owns the
/// notes from now on. The last finished document is kept until the new one replaces it.
void queue_lesson_notes(soci::session& sql, const domain::Recording& r, domain::NotesKind kind, UnixTime now);

class LessonNotesService {
public:
    static constexpr const char* kJob = "make_lesson_notes";
    /// About 40 minutes of backoff (10 s doubling: 10 s + 20 s + ... + 1280 s): an AI service down for a while, or a
    /// setting being fixed, must not lose the notes; a model that keeps answering nothing usable must not retry for
    /// hours.
    static constexpr int kAttempts = 9;

    LessonNotesService(ServiceContext& ctx, RecordingService& recordings, const infra::HttpClient& http,
                       LessonNotesOptions opt)
        : ctx_(ctx), recordings_(recordings), http_(http), opt_(std::move(opt)) {}

    bool enabled() const { return !opt_.service.url.empty(); }

    /// The class's staff ask for (new) notes of a recording whose transcript is ready. Audited as
    /// recording.summarize or recording.suggest_quiz.
    Result<LessonNotes> request(const Principal& p, const std::string& session_id, const std::string& recording_id,
                                domain::NotesKind kind, const RequestMeta& meta);
    /// The notes as they are: the summary for whoever may see the recording (students: once ready), the
    /// quiz for the class's staff only.
    Result<LessonNotes> read(const Principal& p, const std::string& session_id, const std::string& recording_id,
                             domain::NotesKind kind);
    /// The make_lesson_notes job.
    Status run_job(const store::Job& job);

private:
    struct Work;
    /// The recording (locked) when its notes of `kind` still wait for this job: not deleted, transcript
    /// ready, notes processing and owned by this job.
    static std::optional<domain::Recording> owned(soci::session& sql, const store::Job& job, const std::string& tenant,
                                                  const std::string& id, const std::string& kind);
    /// True when the job should stop: the notes are no longer its own, or the class's policy no longer
    /// allows them (then they are dropped).
    bool withdrawn(const Work& w);
    /// Stores the parts kept so far (and, with `content`, the finished notes); false when the notes no
    /// longer wait for this job.
    bool save(const Work& w, const std::string& parts_json, int done, const std::string* content,
              const std::string& model);
    void mark_failed(const Work& w, const std::string& why);

    ServiceContext& ctx_;
    RecordingService& recordings_;
    const infra::HttpClient& http_;
    LessonNotesOptions opt_;
};

}  // namespace lc::services
