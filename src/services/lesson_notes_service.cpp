#include "services/lesson_notes_service.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "services/audit.hpp"
#include "services/session_service.hpp"
#include "services/transcript_service.hpp"
#include "store/notes_repo.hpp"
#include "store/recording_repo.hpp"
#include "store/repositories.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using infra::number_at;
using infra::text_at;

namespace {

// ---- What we ask for: the documents' shapes (strict structured outputs: every property required, no
// others) and the instructions.

json::object strict_object(json::object properties) {
    json::array required;
    for (const auto& [k, v] : properties) required.push_back(json::string(k));
    return json::object{{"type", "object"},
                        {"properties", std::move(properties)},
                        {"required", std::move(required)},
                        {"additionalProperties", false}};
}
json::object text_list() { return json::object{{"type", "array"}, {"items", json::object{{"type", "string"}}}}; }
json::object typed(const char* type) { return json::object{{"type", type}}; }

std::string summary_schema() {
    json::object entry = strict_object(
        json::object{{"start", typed("number")}, {"title", typed("string")}, {"summary", typed("string")}});
    return json::serialize(
        strict_object(json::object{{"overview", typed("string")},
                                   {"key_points", text_list()},
                                   {"timeline", json::object{{"type", "array"}, {"items", entry}}}}));
}

std::string quiz_schema() {
    json::object question = strict_object(
        json::object{{"type", json::object{{"type", "string"}, {"enum", json::array{"multiple_choice", "open_ended"}}}},
                     {"question", typed("string")},
                     {"options", text_list()},
                     {"answer_index", typed("integer")},
                     {"answer", typed("string")},
                     {"explanation", typed("string")},
                     {"topic", typed("string")},
                     {"start", typed("number")}});
    return json::serialize(strict_object(
        json::object{{"topics", text_list()}, {"questions", json::object{{"type", "array"}, {"items", question}}}}));
}

std::string language_rule(const std::string& language) {
    std::string rule = language.empty() ? "Write in the language the transcript is spoken in."
                                        : "The transcript is in the language with ISO 639-1 code \"" + language +
                                              "\": write in that language.";
    // Said in words too: a service that is not held to the schema still answers with JSON.
    rule += " Answer with one JSON object that has exactly the fields named above, and nothing else.";
    return rule;
}

constexpr const char* kTranscriptForm =
    "The transcript comes from speech recognition and may contain recognition errors. Each line starts with "
    "[h:mm:ss], the time from the start of the recording. Every time you give is in seconds from the start of "
    "the recording, taken from those line times. Use only what the transcript says: add no facts of your own. "
    "Leave out the class's organisation (attendance, sound checks, breaks) unless it is the lesson's subject.";

std::string summary_instructions(const std::string& language) {
    return std::string("You write study notes for students from the transcript of a recorded live class. ") +
           kTranscriptForm +
           " Answer with: overview, three to six sentences on what was taught; key_points, the three to ten "
           "most important things a student should remember, each one sentence; timeline, the lesson's "
           "sections in order, each with start (seconds), a short title and a one-sentence summary. " +
           language_rule(language);
}

std::string combine_instructions(const std::string& language) {
    return std::string(
               "You are given the study notes of consecutive parts of one recorded live class, as "
               "JSON, in order. Write the notes of the whole lesson: overview, three to six sentences "
               "on what the whole lesson taught; key_points, the three to ten most important things a "
               "student should remember from all of it; timeline, the parts' timelines in order (keep "
               "their start times). Use only what the notes say. ") +
           language_rule(language);
}

std::string quiz_instructions(const std::string& language, std::size_t questions) {
    // Appended piece by piece: GCC 12 warns (wrongly) about a long chain of + on temporaries.
    std::string out = "You help a teacher prepare a quiz on a recorded live class, from its transcript. ";
    out += kTranscriptForm;
    out += " Suggest ";
    out += std::to_string(questions);
    out +=
        " questions that check whether a student understood what was taught, spread over the lesson. About "
        "two thirds are multiple_choice: four options, exactly one correct, answer_index its position "
        "counting from 0, answer its text. The others are open_ended: options empty, answer_index -1, answer "
        "a model answer of one to three sentences. For every question give the topic it tests, a "
        "one-sentence explanation of the answer, and start, where in the recording it is taught (seconds). "
        "topics lists the lesson's main topics. ";
    out += language_rule(language);
    return out;
}

std::string part_input(const std::string& text, std::size_t index, std::size_t total) {
    if (total == 1) return "Transcript:\n" + text;
    return "Part " + std::to_string(index + 1) + " of " + std::to_string(total) +
           " of the transcript (the notes of all parts are put together afterwards):\n" + text;
}

// ---- Reading a model's document into our types (fields of the wrong type read as absent) and writing
// what we keep.

int integer_in(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_number()) return -1;
    const double d = v->to_number<double>();
    return std::isfinite(d) && d >= -1 && d < 1000 && d == std::floor(d) ? static_cast<int>(d) : -1;
}
std::vector<std::string> texts_in(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    if (const auto* v = o.if_contains(key); v && v->is_array())
        for (const auto& e : v->get_array())
            if (e.is_string()) out.emplace_back(e.get_string());
    return out;
}
const json::array* array_in(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_array() ? &v->get_array() : nullptr;
}

LessonSummary summary_from(const json::object& o) {
    LessonSummary s;
    s.overview = text_at(o, "overview");
    s.key_points = texts_in(o, "key_points");
    if (const auto* a = array_in(o, "timeline"))
        for (const auto& e : *a)
            if (e.is_object())
                s.timeline.push_back({number_at(e.get_object(), "start"), text_at(e.get_object(), "title"),
                                      text_at(e.get_object(), "summary")});
    return s;
}

Quiz quiz_from(const json::object& o) {
    Quiz q;
    q.topics = texts_in(o, "topics");
    if (const auto* a = array_in(o, "questions"))
        for (const auto& e : *a) {
            if (!e.is_object()) continue;
            const auto& x = e.get_object();
            QuizQuestion c;
            c.type = text_at(x, "type");
            c.question = text_at(x, "question");
            c.options = texts_in(x, "options");
            c.answer_index = integer_in(x, "answer_index");
            c.answer = text_at(x, "answer");
            c.explanation = text_at(x, "explanation");
            c.topic = text_at(x, "topic");
            c.start = number_at(x, "start");
            q.questions.push_back(std::move(c));
        }
    return q;
}

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::string(s));
    return a;
}

json::object to_json(const LessonSummary& s) {
    json::array timeline;
    for (const auto& e : s.timeline)
        timeline.push_back(json::object{{"start", e.start}, {"title", e.title}, {"summary", e.summary}});
    return json::object{
        {"overview", s.overview}, {"key_points", strings(s.key_points)}, {"timeline", std::move(timeline)}};
}

json::object to_json(const Quiz& q) {
    json::array questions;
    for (const auto& c : q.questions)
        questions.push_back(json::object{{"type", c.type},
                                         {"question", c.question},
                                         {"options", strings(c.options)},
                                         {"answer_index", c.answer_index},
                                         {"answer", c.answer},
                                         {"explanation", c.explanation},
                                         {"topic", c.topic},
                                         {"start", c.start}});
    return json::object{{"topics", strings(q.topics)}, {"questions", std::move(questions)}};
}

json::array parse_array(const std::string& text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    return !ec && v.is_array() ? std::move(v.get_array()) : json::array{};
}

/// The notes as their reader sees them: notes left processing by a job that is no longer at work (its
/// process died on its last attempt, or it stopped on an error it could not record) read as failed, so
/// the staff know to ask again.
void settle(soci::session& sql, store::NotesRow& row) {
    if (row.status != "processing") return;
    auto job = row.job_id.empty() ? std::nullopt : store::find_job(sql, row.job_id);
    if (job && (job->status == "queued" || job->status == "running")) return;
    row.status = "failed";
    row.error = job && !job->public_error.empty() ? job->public_error : "the work on it stopped: ask for it again";
}

const char* audit_action(NotesKind kind) {
    return kind == NotesKind::kSummary ? "recording.summarize" : "recording.suggest_quiz";
}

std::string what(NotesKind kind) { return kind == NotesKind::kSummary ? "summary" : "quiz suggestions"; }

Error notes_off() {
    return Error::conflict(
        "this server makes no summaries or quiz suggestions: its operator has to set LIVE_AI_URL (an AI service "
        "that speaks OpenAI's chat completions API)");
}

LessonNotes view(Recording r, NotesKind kind, const store::NotesRow& row) {
    LessonNotes n;
    n.recording = std::move(r);
    n.kind = kind;
    n.status = row.status;
    n.progress = row.progress;
    n.language = row.language;
    n.model = row.model;
    n.error = row.error;
    // Notes asked for again keep the earlier document until the new one is ready (or if it fails).
    n.content_json = row.content_json;
    n.previous = row.status != "ready" && !row.content_json.empty();
    n.made_at = row.made_at;
    n.created_at = row.created_at;
    n.updated_at = row.updated_at;
    return n;
}

}  // namespace

bool has_speech(soci::session& sql, const Recording& r) {
    auto t = stored_transcript(sql, r.tenant_id, r.id);
    if (!t) return false;
    for (const auto& s : t->second)
        if (!caption_line(s.text).empty()) return true;
    return false;
}

bool notes_wanted(soci::session& sql, const LiveSession& s) { return effective_policy_of(sql, s).summarize_recordings; }

void queue_lesson_notes(soci::session& sql, const Recording& r, NotesKind kind, UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = r.tenant_id;
    job.type = LessonNotesService::kJob;
    job.max_attempts = LessonNotesService::kAttempts;
    job.payload = json::serialize(
        json::object{{"recording_id", r.id}, {"tenant_id", r.tenant_id}, {"kind", std::string(to_string(kind))}});
    store::enqueue_job(sql, job, now);
    store::NotesRow row;
    row.recording_id = r.id;
    row.kind = std::string(to_string(kind));
    row.tenant_id = r.tenant_id;
    row.job_id = job.id;
    row.status = "processing";
    row.language = r.transcript_language;
    row.created_at = row.updated_at = now;
    // Nothing lost: notes of this transcript asked for again keep the last finished document (and the
    // model that made it) until the new one replaces it; if the new one fails, the old one stays. A new
    // transcript drops them first (queue_transcript), so old notes never outlive their transcript.
    if (auto before = store::find_notes(sql, r.tenant_id, r.id, row.kind); before && !before->content_json.empty()) {
        row.content_json = before->content_json;
        row.model = before->model;
        row.made_at = before->made_at;
    }
    store::save_notes(sql, row);
}

Result<LessonNotes> LessonNotesService::request(const Principal& p, const std::string& session_id,
                                                const std::string& recording_id, NotesKind kind,
                                                const RequestMeta& meta) {
    return guarded([&]() -> Result<LessonNotes> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto t = recordings_.load(tx.sql(), p, session_id, recording_id, /*for_update=*/true);
        if (!t) return t.take_error();
        if (!can_publish_recordings(t->actor))
            return Error::denied("only the class's instructors, moderators and school admins can ask for " +
                                 what(kind));
        if (!enabled()) return notes_off();
        if (!notes_wanted(tx.sql(), t->session))
            return Error::conflict(
                "this class's policy does not allow summaries or quiz suggestions: a school admin turns on "
                "summarize_recordings in the school's policy, and no course or class policy may turn it off (the "
                "transcript's text is then sent to the AI service)");
        const Recording& r = t->recording;
        if (!is_playable(r.status) || r.transcript_status != "ready")
            return Error::conflict(
                "this recording has no transcript yet: summaries and quiz suggestions are made from the "
                "transcript, once the recording's transcript_status is ready");
        if (!has_speech(tx.sql(), r))
            return Error::conflict("this recording's transcript has no speech in it to make " + what(kind) + " of");
        const std::string k(to_string(kind));
        if (auto row = store::find_notes(tx.sql(), r.tenant_id, r.id, k); row && row->status == "processing") {
            auto job = store::find_job(tx.sql(), row->job_id);
            if (job && (job->status == "queued" || job->status == "running"))
                return Error::conflict("the " + what(kind) + " of this recording " +
                                       (kind == NotesKind::kSummary ? "is" : "are") +
                                       " being made already: see its progress");
        }
        const UnixTime now = ctx_.clock.now();
        queue_lesson_notes(tx.sql(), r, kind, now);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, audit_action(kind), "live_session_recording", r.id, meta,
                                                {{"session_id", session_id}}));
        auto row = store::find_notes(tx.sql(), r.tenant_id, r.id, k);
        tx.commit();
        ctx_.jobs_enqueued();
        return view(std::move(t->recording), kind, *row);
    });
}

Result<LessonNotes> LessonNotesService::read(const Principal& p, const std::string& session_id,
                                             const std::string& recording_id, NotesKind kind) {
    return guarded([&]() -> Result<LessonNotes> {
        store::Conn c(ctx_.db);
        auto t = recordings_.load(c.sql(), p, session_id, recording_id, /*for_update=*/false);
        if (!t) return t.take_error();
        const bool staff = can_publish_recordings(t->actor);
        if (kind == NotesKind::kQuiz && !staff)
            return Error::denied(
                "quiz suggestions are for the class's instructors, moderators and school admins: they hold the "
                "answers");
        auto row = store::find_notes(c.sql(), p.tenant.id, recording_id, std::string(to_string(kind)));
        // A student reads finished notes only: the last ready document, whatever is being made meanwhile
        // (that, and what failed, is the staff's business).
        if (!row || (!staff && row->content_json.empty()))
            return Error::not_found("this recording has no " + what(kind) + " (yet)");
        settle(c.sql(), *row);
        if (!staff) {
            row->status = "ready";
            row->progress = 100;
            row->error.clear();
        }
        return view(std::move(t->recording), kind, *row);
    });
}

/// One run of the job: what it works on.
struct LessonNotesService::Work {
    const store::Job& job;
    std::string tenant, recording_id, kind;
};

std::optional<Recording> LessonNotesService::owned(soci::session& sql, const store::Job& job, const std::string& tenant,
                                                   const std::string& id, const std::string& kind) {
    auto r = store::find_recording_by_id(sql, tenant, id, /*for_update=*/true);
    if (!r || !is_playable(r->status) || r->transcript_status != "ready") return std::nullopt;
    auto row = store::find_notes(sql, tenant, id, kind);
    if (!row || row->job_id != job.id || row->status != "processing") return std::nullopt;
    return r;
}

bool LessonNotesService::withdrawn(const Work& w) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto current = owned(tx.sql(), w.job, w.tenant, w.recording_id, w.kind);
    if (!current) return true;
    auto s = store::find_session(tx.sql(), w.tenant, current->session_id);
    if (s && notes_wanted(tx.sql(), *s)) return false;
    // The school (or the course, or the class) turned them off since: nothing more is sent, and what was
    // kept of the work is dropped. Notes finished before stay, as they would had nobody asked again.
    auto row = store::find_notes(tx.sql(), w.tenant, w.recording_id, w.kind);
    if (row && !row->content_json.empty()) {
        row->status = "ready";
        row->progress = 100;
        row->error.clear();
        row->parts_json = "[]";
        row->parts_total = 0;
        row->updated_at = ctx_.clock.now();
        store::save_notes(tx.sql(), *row);
    } else {
        store::delete_notes(tx.sql(), w.tenant, w.recording_id, w.kind);
    }
    tx.commit();
    return true;
}

bool LessonNotesService::save(const Work& w, const std::string& parts_json, int done, const std::string* content,
                              const std::string& model) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    if (!owned(tx.sql(), w.job, w.tenant, w.recording_id, w.kind)) return false;
    auto row = store::find_notes(tx.sql(), w.tenant, w.recording_id, w.kind);
    row->parts_json = parts_json;
    row->updated_at = ctx_.clock.now();
    if (content) {
        // The model is the document's: a kept earlier document keeps the model that wrote it meanwhile.
        if (!model.empty()) row->model = model;
        row->status = "ready";
        row->progress = 100;
        row->content_json = *content;
        row->made_at = row->updated_at;
    } else {
        // The putting together of a summary in parts is one more request.
        const int steps = row->parts_total + (w.kind == "summary" && row->parts_total > 1 ? 1 : 0);
        row->progress = steps > 0 ? done * 100 / steps : 0;
    }
    store::save_notes(tx.sql(), *row);
    tx.commit();
    return true;
}

void LessonNotesService::mark_failed(const Work& w, const std::string& why) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    if (!owned(tx.sql(), w.job, w.tenant, w.recording_id, w.kind)) return;
    auto row = store::find_notes(tx.sql(), w.tenant, w.recording_id, w.kind);
    row->status = "failed";
    row->error = why;
    row->updated_at = ctx_.clock.now();
    store::save_notes(tx.sql(), *row);
    tx.commit();
}

Status LessonNotesService::run_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("make_lesson_notes: the payload is not a JSON object");
    const auto& o = v.get_object();
    Work w{job, text_at(o, "tenant_id"), text_at(o, "recording_id"), text_at(o, "kind")};
    const auto kind = notes_kind_from(w.kind);
    if (!kind) return Error::give_up(Error::invalid("make_lesson_notes: unknown kind \"" + w.kind + "\""));
    const bool last_attempt = job.attempts >= job.max_attempts;
    return guarded([&]() -> Status {
        std::optional<store::NotesRow> row;
        std::optional<std::pair<std::string, std::vector<TranscriptSegment>>> transcript;
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            if (!owned(tx.sql(), job, w.tenant, w.recording_id, w.kind))
                return ok_status();  // deleted, transcribed again, or asked for again meanwhile
            row = store::find_notes(tx.sql(), w.tenant, w.recording_id, w.kind);
            transcript = stored_transcript(tx.sql(), w.tenant, w.recording_id);
        }
        if (withdrawn(w)) return ok_status();
        auto give_up_or_retry = [&](Error e) -> Status {
            if (!e.permanent && !last_attempt) return e;  // retried with backoff
            mark_failed(w, e.message);
            return e;  // dead: the ops view counts it, and its reason is kept
        };
        if (!enabled()) return give_up_or_retry(Error::give_up(notes_off()));
        const std::string language = transcript ? transcript->first : std::string();
        const std::vector<std::string> parts =
            transcript ? transcript_parts(transcript->second, opt_.part_chars) : std::vector<std::string>{};
        if (parts.empty())
            return give_up_or_retry(Error::give_up(Error::invalid("the transcript has no text to make notes of")));
        const double duration = transcript->second.back().end;

        // Resume after the parts an attempt cut short kept, when the transcript is cut the same way.
        json::array kept;
        const int part_chars = static_cast<int>(opt_.part_chars);
        if (row->parts_total == static_cast<int>(parts.size()) && row->part_chars == part_chars)
            kept = parse_array(row->parts_json);
        if (kept.size() > parts.size()) kept.clear();
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            if (!owned(tx.sql(), job, w.tenant, w.recording_id, w.kind)) return ok_status();
            row->parts_total = static_cast<int>(parts.size());
            row->part_chars = part_chars;
            row->parts_json = json::serialize(kept);
            if (kept.empty()) row->progress = 0;
            store::save_notes(tx.sql(), *row);
            tx.commit();
        }
        std::string model = row->model;
        const bool in_parts = parts.size() > 1;
        const std::size_t per_part =
            std::max<std::size_t>(3, (10 + parts.size() - 1) / parts.size());  // about ten questions in all
        // Every part gets its share of the timeline, the end of the lesson too.
        const std::size_t timeline_per_part = std::max<std::size_t>(1, kMaxTimelineEntries / parts.size());
        for (std::size_t i = kept.size(); i < parts.size(); ++i) {
            if (i > 0 && withdrawn(w)) return ok_status();
            infra::JsonRequest ask;
            ask.input = part_input(parts[i], i, parts.size());
            if (*kind == NotesKind::kSummary) {
                ask.instructions = summary_instructions(language);
                ask.schema_name = "lesson_summary";
                ask.schema = summary_schema();
            } else {
                ask.instructions = quiz_instructions(language, per_part);
                ask.schema_name = "quiz_suggestions";
                ask.schema = quiz_schema();
            }
            auto got = infra::ask_for_json(http_, opt_.service, ask);
            if (!got) return give_up_or_retry(got.take_error());
            json::value doc = json::parse(got->json);  // checked to be an object by ask_for_json
            // One part of several may hold nothing worth noting (the goodbyes at the end): only the whole
            // must have something (checked below).
            json::object clean;
            if (*kind == NotesKind::kSummary) {
                auto s = clean_summary(summary_from(doc.get_object()), duration);
                if (is_empty(s) && !in_parts)
                    return give_up_or_retry(Error::unavailable("the AI model's answer had no summary in it"));
                if (s.timeline.size() > timeline_per_part) s.timeline.resize(timeline_per_part);
                clean = to_json(s);
            } else {
                auto q = clean_quiz(quiz_from(doc.get_object()), duration);
                if (q.questions.empty() && !in_parts)
                    return give_up_or_retry(Error::unavailable("the AI model's answer had no usable question in it"));
                clean = to_json(q);
            }
            kept.push_back(std::move(clean));
            model = got->model;
            if (!save(w, json::serialize(kept), static_cast<int>(kept.size()), nullptr, model)) return ok_status();
        }
        // Nothing usable in any part: asked again from the first part on the next attempt.
        auto nothing_in_any_part = [&](const char* what) -> Status {
            if (!save(w, "[]", 0, nullptr, model)) return ok_status();
            return give_up_or_retry(
                Error::unavailable(std::string("the AI model's answers had no ") + what + " in them"));
        };

        json::object result;
        if (*kind == NotesKind::kQuiz) {
            std::vector<Quiz> quizzes;
            for (const auto& k : kept) quizzes.push_back(quiz_from(k.as_object()));
            auto merged = merge_quizzes(quizzes, duration);
            if (merged.questions.empty()) return nothing_in_any_part("usable question");
            result = to_json(merged);
        } else if (!in_parts) {
            result = kept[0].as_object();
        } else {
            // The parts' overviews and key points put together by the model; the timelines as the parts
            // gave them, with their times.
            if (withdrawn(w)) return ok_status();
            json::array notes;
            LessonSummary whole;
            for (const auto& k : kept) {
                auto s = summary_from(k.as_object());
                if (!is_empty(s))
                    notes.push_back(json::object{{"overview", s.overview}, {"key_points", strings(s.key_points)}});
                for (auto& e : s.timeline) whole.timeline.push_back(std::move(e));
            }
            if (notes.empty()) return nothing_in_any_part("summary");
            infra::JsonRequest ask;
            ask.instructions = combine_instructions(language);
            ask.input = "The parts' notes, in order:\n" + json::serialize(notes);
            ask.schema_name = "lesson_summary";
            ask.schema = summary_schema();
            auto got = infra::ask_for_json(http_, opt_.service, ask);
            if (!got) return give_up_or_retry(got.take_error());
            auto combined = summary_from(json::parse(got->json).get_object());
            whole.overview = std::move(combined.overview);
            whole.key_points = std::move(combined.key_points);
            whole = clean_summary(std::move(whole), duration);
            if (is_empty(whole))
                return give_up_or_retry(Error::unavailable("the AI model's answer had no summary in it"));
            result = to_json(whole);
            model = got->model;
        }
        const std::string content = json::serialize(result);
        save(w, json::serialize(kept), static_cast<int>(kept.size()), &content, model);
        return ok_status();
    });
}

}  // namespace lc::services
