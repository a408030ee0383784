#include "services/transcript_service.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>

#include "domain/policy.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "providers/bbb.hpp"
#include "services/audit.hpp"
#include "services/lesson_notes_service.hpp"
#include "store/notes_repo.hpp"
#include "store/recording_repo.hpp"
#include "store/repositories.hpp"
#include "store/transcript_repo.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using infra::text_at;

namespace {

std::string transcript_path(const Recording& r) {
    return "/api/v1/live-sessions/" + r.session_id + "/recordings/" + r.id + "/transcript/";
}

std::string segments_to_json(const std::vector<TranscriptSegment>& segments) {
    json::array a;
    a.reserve(segments.size());
    for (const auto& s : segments)
        a.push_back(json::object{
            {"start", std::round(s.start * 1000) / 1000}, {"end", std::round(s.end * 1000) / 1000}, {"text", s.text}});
    return json::serialize(a);
}

std::vector<TranscriptSegment> segments_from_json(const std::string& text) {
    std::vector<TranscriptSegment> out;
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& e : v.get_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.get_object();
        auto num = [&](const char* k) {
            const auto* x = o.if_contains(k);
            return x && x->is_number() ? x->to_number<double>() : 0.0;
        };
        out.push_back({num("start"), num("end"), text_at(o, "text")});
    }
    return out;
}

/// The last words said so far, as the next piece's prompt (the API reads at most 224 tokens of it).
std::string tail_of(const std::vector<TranscriptSegment>& segments) {
    std::string text = plain_text(segments);
    if (text.size() <= 400) return text;
    std::size_t cut = text.size() - 400;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;  // not mid-character
    return text.substr(cut);
}

Error transcripts_off() {
    return Error::conflict(
        "this server makes no transcripts: its operator has to set LIVE_TRANSCRIBE_URL (a speech-to-text service) "
        "and leave LIVE_FFMPEG on");
}

}  // namespace

std::optional<std::pair<std::string, std::vector<TranscriptSegment>>> stored_transcript(
    soci::session& sql, const std::string& tenant_id, const std::string& recording_id) {
    auto row = store::find_transcript(sql, tenant_id, recording_id);
    if (!row) return std::nullopt;
    return std::pair{row->language, segments_from_json(row->segments_json)};
}

bool transcripts_wanted(soci::session& sql, const LiveSession& s) {
    return effective_policy_of(sql, s).transcribe_recordings;
}

namespace {

/// Marks `r` as being transcribed (the caller saves it) by job `job_id`, which owns the transcript from
/// now on: what an earlier one kept is dropped, and so is what was made of it (a new summary follows the
/// new transcript).
void hand_transcript_to(soci::session& sql, Recording& r, const std::string& job_id, UnixTime now) {
    r.transcript_status = "processing";
    r.transcript_progress = 0;
    r.transcript_language.clear();
    r.transcript_url.clear();
    store::delete_notes(sql, r.tenant_id, r.id);
    store::TranscriptRow row;
    row.recording_id = r.id;
    row.tenant_id = r.tenant_id;
    row.job_id = job_id;
    row.updated_at = now;
    store::save_transcript(sql, row);
}

}  // namespace

void queue_transcript(soci::session& sql, Recording& r, UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = r.tenant_id;
    job.type = TranscriptService::kJob;
    job.max_attempts = TranscriptService::kAttempts;
    job.payload = json::serialize(json::object{{"recording_id", r.id}, {"tenant_id", r.tenant_id}});
    store::enqueue_job(sql, job, now);
    hand_transcript_to(sql, r, job.id, now);
}

std::string queue_transcript_import(soci::session& sql, const std::string& tenant_id, const std::string& recording_id,
                                    ProviderKind provider, const std::string& url, UnixTime now,
                                    const std::string& language) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = tenant_id;
    job.type = TranscriptService::kImportJob;
    job.max_attempts = TranscriptService::kAttempts;
    job.payload = json::serialize(json::object{{"recording_id", recording_id},
                                               {"tenant_id", tenant_id},
                                               {"provider", std::string(to_string(provider))},
                                               {"url", url},
                                               {"language", language}});
    store::enqueue_job(sql, job, now);
    return job.id;
}

Status TranscriptService::may_request(soci::session& sql, const RecordingService::Target& t, bool ours) const {
    if (!can_publish_recordings(t.actor))
        return Error::denied("only the class's instructors, moderators and school admins can ask for a transcript");
    if (ours && !enabled()) return transcripts_off();
    if (!transcripts_wanted(sql, t.session))
        return Error::conflict(
            "this class's policy does not allow transcripts: a school admin turns on transcribe_recordings in "
            "the school's policy, and no course or class policy may turn it off (what the class said is then "
            "kept, and the recording's voices may be sent to the speech-to-text service)");
    const Recording& r = t.recording;
    if (!is_playable(r.status)) return Error::conflict("only a ready or published recording can be transcribed");
    if (r.transcript_status == "processing" && owner_at_work(sql, r))
        return Error::conflict(ours ? "this recording is being transcribed already: see its transcript_progress"
                                    : "the provider's captions of this recording are being imported already");
    // The import queued when the recording became ready may still be at work (retried while the caption
    // file could not be had): a second one would fetch the same file.
    if (!ours && store::job_at_work_for(sql, kImportJob, r.tenant_id, "recording_id", r.id))
        return Error::conflict("the provider's captions of this recording are being imported already");
    return ok_status();
}

Result<Recording> TranscriptService::request(const Principal& p, const std::string& session_id,
                                             const std::string& recording_id, const RequestMeta& meta) {
    return guarded([&]() -> Result<Recording> {
        // Without a copy of our own, the provider's captions may still be had: BigBlueButton keeps those
        // uploaded after the class, and those its speech recognition finished after the recording was
        // ready, next to its playback. They are asked for before the transaction, which holds no lock
        // while a provider answers.
        bool ours = true;
        std::optional<providers::TextTrack> captions;
        {
            std::vector<ProviderConfig> configs;
            std::optional<RecordingService::Target> seen;
            {
                store::Conn c(ctx_.db);
                auto t = recordings_.load(c.sql(), p, session_id, recording_id, /*for_update=*/false);
                if (!t) return t.take_error();
                ours = t->recording.storage_status == "stored";
                if (auto st = may_request(c.sql(), *t, ours); !st) return st.take_error();
                if (!ours) configs = store::list_provider_configs(c.sql(), p.tenant.id, ctx_.keys.box);
                seen = std::move(*t);
            }
            if (!ours) {
                auto found = provider_captions(configs, *seen);
                if (!found) return found.take_error();
                captions = std::move(*found);
            }
        }
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto t = recordings_.load(tx.sql(), p, session_id, recording_id, /*for_update=*/true);
        if (!t) return t.take_error();
        if (ours != (t->recording.storage_status == "stored"))
            return Error::conflict("our copy of this recording changed meanwhile: ask again");
        if (auto st = may_request(tx.sql(), *t, ours); !st) return st.take_error();
        Recording& r = t->recording;
        if (ours) {
            queue_transcript(tx.sql(), r, ctx_.clock.now());
        } else {
            const std::string job = queue_transcript_import(tx.sql(), r.tenant_id, r.id, t->session.provider,
                                                            captions->href, ctx_.clock.now(), captions->lang);
            hand_transcript_to(tx.sql(), r, job, ctx_.clock.now());
        }
        store::save_recording(tx.sql(), r);
        store::insert_audit(
            tx.sql(), audit_row(ctx_, p, "recording.transcribe", "live_session_recording", r.id, meta,
                                {{"session_id", session_id}, {"source", ours ? "our_copy" : "provider_captions"}}));
        tx.commit();
        ctx_.jobs_enqueued();
        return r;
    });
}

Result<providers::TextTrack> TranscriptService::provider_captions(const std::vector<ProviderConfig>& configs,
                                                                  const RecordingService::Target& t) {
    auto provider = ctx_.providers.for_kind(configs, t.session.provider);
    if (!provider) return provider.take_error();
    auto tracks = (*provider)->text_tracks(t.recording.provider_recording_id);
    if (!tracks && tracks.error().code == Code::kUnimplemented)
        return Error::conflict(
            "we keep no copy of this recording to transcribe (yet): transcripts are made from our copy, once its "
            "storage_status is stored");
    if (!tracks) {
        // The provider's own reason (a wrong secret is a setting to fix; down or busy, try again later),
        // with its code and Retry-After.
        Error e = tracks.take_error();
        e.message = "the provider could not be asked for this recording's captions: " + e.message;
        return e;
    }
    auto best = providers::best_text_track(*tracks);
    if (!best)
        return Error::conflict(
            "the provider keeps no captions for this recording (yet), and we keep no copy of it to transcribe: "
            "upload a caption file for it in BigBlueButton's recordings, or wait for its automatic captions, "
            "then ask again");
    return std::move(*best);
}

Result<Transcript> TranscriptService::read(const Principal& p, const std::string& session_id,
                                           const std::string& recording_id) {
    return guarded([&]() -> Result<Transcript> {
        store::Conn c(ctx_.db);
        auto t = recordings_.load(c.sql(), p, session_id, recording_id, /*for_update=*/false);
        if (!t) return t.take_error();
        auto row = store::find_transcript(c.sql(), p.tenant.id, recording_id);
        if (t->recording.transcript_status != "ready" || !row)
            return Error::not_found("this recording has no transcript (yet): see its transcript_status");
        return Transcript{std::move(t->recording), row->language, segments_from_json(row->segments_json)};
    });
}

bool TranscriptService::owner_at_work(soci::session& sql, const Recording& r) {
    // A job that is done or dead without having said so (its process died on its last attempt) leaves the
    // transcript "processing": the staff may ask again.
    return store::transcript_job_at_work(sql, r.tenant_id, r.id);
}

std::optional<Recording> TranscriptService::owned(soci::session& sql, const store::Job& job, const std::string& tenant,
                                                  const std::string& id) {
    auto r = store::find_recording_by_id(sql, tenant, id, /*for_update=*/true);
    if (!r || !is_playable(r->status) || r->transcript_status != "processing") return std::nullopt;
    auto row = store::find_transcript(sql, tenant, id);
    if (!row || row->job_id != job.id) return std::nullopt;  // asked for again: another job owns it now
    return r;
}

void TranscriptService::mark_failed(const store::Job& job, const std::string& tenant, const std::string& id) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto r = owned(tx.sql(), job, tenant, id);
    if (!r) return;
    r->transcript_status = "failed";
    store::save_recording(tx.sql(), *r);
    tx.commit();
}

bool TranscriptService::save_progress(const store::Job& job, const Recording& rec, const Progress& kept) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto current = owned(tx.sql(), job, rec.tenant_id, rec.id);
    if (!current) return false;  // deleted, or asked for again: this job's work is not wanted any more
    store::TranscriptRow row;
    row.recording_id = rec.id;
    row.tenant_id = rec.tenant_id;
    row.job_id = job.id;
    row.piece_seconds = opt_.piece_seconds;
    row.language = kept.language;
    row.pieces_done = kept.done;
    row.pieces_total = kept.total;
    row.segments_json = segments_to_json(kept.segments);
    row.updated_at = ctx_.clock.now();
    store::save_transcript(tx.sql(), row);
    current->transcript_language = kept.language;
    if (kept.done >= kept.total) {
        mark_ready(tx.sql(), *current, !plain_text(kept.segments).empty());
    } else {
        current->transcript_progress = kept.total > 0 ? kept.done * 100 / kept.total : 0;
    }
    store::save_recording(tx.sql(), *current);
    tx.commit();
    if (kept.done >= kept.total && opt_.lesson_notes) ctx_.jobs_enqueued();
    return true;
}

void TranscriptService::mark_ready(soci::session& sql, Recording& r, bool has_speech) {
    r.transcript_status = "ready";
    r.transcript_progress = 100;
    r.transcript_url = transcript_path(r);
    // Seeds 13.2, 13.3: its summary and quiz suggestions, when the AI service is set and the class's policy
    // wants them (a silent recording's transcript has nothing to make them of).
    if (opt_.lesson_notes && has_speech)
        if (auto s = store::find_session(sql, r.tenant_id, r.session_id); s && notes_wanted(sql, *s))
            for (auto kind : {NotesKind::kSummary, NotesKind::kQuiz})
                queue_lesson_notes(sql, r, kind, ctx_.clock.now());
}

bool TranscriptService::withdrawn(const store::Job& job, const Recording& rec) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto current = owned(tx.sql(), job, rec.tenant_id, rec.id);
    if (!current) return true;
    auto s = store::find_session(tx.sql(), rec.tenant_id, rec.session_id);
    if (s && transcripts_wanted(tx.sql(), *s)) return false;
    // The school (or the course, or the class) turned transcripts off since: nothing more is sent, and
    // what was kept is dropped.
    current->transcript_status = "none";
    current->transcript_progress = 0;
    current->transcript_language.clear();
    store::save_recording(tx.sql(), *current);
    store::delete_transcript(tx.sql(), rec.tenant_id, rec.id);
    tx.commit();
    return true;
}

Status TranscriptService::run_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("transcribe_recording: the payload is not a JSON object");
    const std::string tenant = text_at(v.get_object(), "tenant_id"), id = text_at(v.get_object(), "recording_id");
    const bool last_attempt = job.attempts >= job.max_attempts;
    return guarded([&]() -> Status {
        std::optional<Recording> rec;
        std::optional<store::TranscriptRow> kept;
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            rec = owned(tx.sql(), job, tenant, id);
            if (!rec) return ok_status();  // deleted, or asked for again meanwhile
            kept = store::find_transcript(tx.sql(), tenant, id);
        }
        if (withdrawn(job, *rec)) return ok_status();
        auto give_up_or_retry = [&](Error e) -> Status {
            if (!e.permanent && !last_attempt) return e;  // retried with backoff
            mark_failed(job, tenant, id);
            return e;  // dead: the ops view counts it, and its reason is kept
        };
        if (!enabled()) return give_up_or_retry(Error::give_up(transcripts_off()));
        infra::BlobStore::Presentation as;
        as.extra_seconds = static_cast<long long>(kSplitTimeout.count());  // a signed address outlives ffmpeg
        auto copy = storage_.find_copy(*rec, as);
        if (!copy && copy.error().code == Code::kNotFound)
            return give_up_or_retry(Error::give_up(Error::conflict("we keep no copy of this recording to transcribe")));
        if (!copy) return give_up_or_retry(copy.take_error());  // the store unreachable
        auto dir = storage_.scratch_dir_for(id + ".audio");
        if (!dir) return give_up_or_retry(dir.take_error());
        struct Cleanup {
            std::string path;
            ~Cleanup() {
                std::error_code ignored;
                std::filesystem::remove_all(path, ignored);
            }
        } cleanup{*dir};

        infra::AudioSplit split;
        split.ffmpeg = opt_.ffmpeg;
        split.input = copy->path.empty() ? copy->url : copy->path;  // S3: ffmpeg reads the signed address
        split.dir = *dir;
        split.piece_seconds = opt_.piece_seconds;
        split.timeout = kSplitTimeout;
        auto pieces = infra::split_audio(split);
        if (!pieces) {
            Error e = pieces.take_error();
            if (e.code == Code::kInvalidArgument) {
                // ffmpeg read no audio. From a signed address that may be the network or the store, not the
                // file: if the store no longer answers for the copy, try again later.
                if (copy->path.empty())
                    if (auto again = storage_.find_copy(*rec); !again && again.error().code != Code::kNotFound)
                        return give_up_or_retry(again.take_error());
                e = Error::give_up(std::move(e));  // the file has no sound track we can read
            }
            return give_up_or_retry(std::move(e));
        }
        // Resume after the pieces an attempt cut short kept, when the audio was cut the same way.
        Progress progress;
        progress.total = static_cast<int>(pieces->size());
        if (kept && kept->piece_seconds == opt_.piece_seconds && kept->pieces_total == progress.total &&
            kept->pieces_done < progress.total) {
            progress.segments = segments_from_json(kept->segments_json);
            progress.language = kept->language;
            progress.done = kept->pieces_done;
        }
        const int first = progress.done;  // checked above, just before cutting the audio
        for (int i = first; i < progress.total; ++i) {
            if (i > first && withdrawn(job, *rec)) return ok_status();
            const auto& piece = (*pieces)[static_cast<std::size_t>(i)];
            auto got =
                infra::transcribe_piece(http_, opt_.service, piece.path, progress.language, tail_of(progress.segments));
            if (!got) return give_up_or_retry(got.take_error());
            if (progress.language.empty()) progress.language = got->language;  // the first piece tells
            append_segments(progress.segments, got->segments, piece.start, piece.end - piece.start);
            progress.done = i + 1;
            if (!save_progress(job, *rec, progress)) return ok_status();  // not wanted any more
        }
        return ok_status();
    });
}

Status TranscriptService::run_import_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("import_provider_transcript: the payload is not a JSON object");
    const auto& o = v.get_object();
    const std::string tenant = text_at(o, "tenant_id"), id = text_at(o, "recording_id"), url = text_at(o, "url");
    const auto kind = parse_provider_kind(text_at(o, "provider"));
    if (tenant.empty() || id.empty() || url.empty() || !kind)
        return Error::give_up(Error::invalid("import_provider_transcript: the payload names no transcript file"));
    // When the provider's transcript cannot be had, ours is made (when the copy and the policy allow it):
    // the copy skipped it while this import was at work.
    const bool last_attempt = job.attempts >= job.max_attempts;
    auto fail = [&](Error e) -> Status {
        if (e.permanent || last_attempt) {
            mark_failed(job, tenant, id);  // when the staff asked for this import (it owns the transcript)
            fall_back_to_ours(tenant, id);
        }
        return e;
    };
    return guarded([&]() -> Status {
        std::vector<ProviderConfig> configs;
        bool not_ready = false;
        std::optional<Recording> unwanted;  // the class's policy keeps no transcripts (any more)
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            auto r = store::find_recording_by_id(c.sql(), tenant, id);
            if (!r || (!is_playable(r->status) && r->status != RecordingStatus::kProcessing) ||
                r->transcript_status == "ready")
                return ok_status();  // gone, failed, or it has one
            // A transcript is kept of the classes whose policy asks for transcripts, whoever makes it: what the
            // class said, with the speakers' names, is the school's to keep or not.
            auto s = store::find_session(c.sql(), tenant, r->session_id);
            if (!s) return ok_status();
            if (!transcripts_wanted(c.sql(), *s)) {
                unwanted = std::move(*r);
            } else {
                // Its summary and quiz are made of a playable recording only: wait until the provider is done.
                not_ready = r->status == RecordingStatus::kProcessing;
                if (!not_ready) configs = store::list_provider_configs(c.sql(), tenant, ctx_.keys.box);
            }
        }
        // Turned off since the staff asked for it: the transcript this import owns reads as none again.
        if (unwanted) {
            withdrawn(job, *unwanted);
            return ok_status();
        }
        if (not_ready)
            return fail(Error::unavailable("the recording is not ready yet: its transcript is imported afterwards"));
        std::vector<std::pair<std::string, std::string>> headers;
        if (auto provider = ctx_.providers.for_kind(configs, *kind); provider) {
            auto h = (*provider)->download_headers(url);
            if (!h) return fail(h.take_error());  // the provider's token could not be had: retried
            headers = std::move(*h);
        }
        auto file = storage_.fetch_small_file(url, std::move(headers), kMaxImportBytes, "transcript-" + job.id);
        if (!file) return fail(file.take_error());
        // A download Zoom does not allow can come back as 200 with its sign-in page.
        if (const auto first = file->find_first_not_of(" \t\r\n"); first != std::string::npos && (*file)[first] == '<')
            return fail(Error::give_up(Error::invalid(
                *kind == ProviderKind::kZoom
                    ? "Zoom answered a web page instead of the transcript: check that its app may read recordings "
                      "(the recording:read scope)"
                    : "the provider answered a web page instead of the caption file: check that the file is "
                      "still there")));
        auto cues = parse_webvtt(*file);
        if (!cues) return fail(Error::give_up(Error::invalid("the provider's transcript is not a WebVTT file")));
        std::vector<TranscriptSegment> segments;
        double end = 0;
        for (const auto& c : *cues)
            if (std::isfinite(c.end)) end = std::max(end, c.end);
        append_segments(segments, *cues, 0, end, kMaxImportSegments);
        if (segments.empty()) return fail(Error::give_up(Error::invalid("the provider's transcript has no text")));

        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto r = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
        if (!r || !is_playable(r->status) || r->transcript_status == "ready") return ok_status();  // meanwhile
        // The provider's transcript owns the row now: a transcribe_recording job at work writes nowhere.
        store::delete_notes(tx.sql(), tenant, id);
        store::TranscriptRow row;
        row.recording_id = id;
        row.tenant_id = tenant;
        row.job_id = job.id;
        row.pieces_done = row.pieces_total = 1;
        // The language the provider named for the file (BigBlueButton's track tag, "tr-TR"); Zoom's does not say.
        const std::string tag = text_at(o, "language");
        row.language = language_of_tag(tag);
        row.segments_json = segments_to_json(segments);
        row.updated_at = ctx_.clock.now();
        store::save_transcript(tx.sql(), row);
        r->transcript_language = row.language;
        mark_ready(tx.sql(), *r, /*has_speech=*/true);
        store::save_recording(tx.sql(), *r);
        tx.commit();
        ctx_.jobs_enqueued();
        return ok_status();
    });
}

void TranscriptService::fall_back_to_ours(const std::string& tenant, const std::string& id) {
    if (!enabled()) return;
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto r = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
    if (!r || !is_playable(r->status) || r->storage_status != "stored" || r->transcript_status == "ready" ||
        (r->transcript_status == "processing" && owner_at_work(tx.sql(), *r)))
        return;
    auto s = store::find_session(tx.sql(), tenant, r->session_id);
    if (!s || !transcripts_wanted(tx.sql(), *s)) return;
    queue_transcript(tx.sql(), *r, ctx_.clock.now());
    store::save_recording(tx.sql(), *r);
    tx.commit();
    ctx_.jobs_enqueued();
}

}  // namespace lc::services
