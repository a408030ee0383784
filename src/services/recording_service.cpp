#include "services/recording_service.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "providers/bbb.hpp"
#include "services/artifact_service.hpp"
#include "services/audit.hpp"
#include "services/notices.hpp"
#include "services/sealed_links.hpp"
#include "services/transcript_service.hpp"
#include "store/notes_repo.hpp"
#include "store/recording_repo.hpp"
#include "store/transcript_repo.hpp"

namespace lc::services {

using infra::text_at;

namespace json = boost::json;
using namespace lc::domain;

namespace {
constexpr std::string_view kLinkPrefix = "rl1.";
constexpr long long kMaxViewing = 6 * 3600;  // the longest viewing a link to our copy is stretched for

Error recording_not_found() { return Error::not_found("no such recording in this live session"); }
Error link_not_ours() {
    return Error::not_found("this recording link is not valid; open the class's recordings and choose Watch again");
}

const char* audit_action(RecordingAction a) {
    switch (a) {
        case RecordingAction::kPublish:
            return "recording.publish";
        case RecordingAction::kUnpublish:
            return "recording.unpublish";
        case RecordingAction::kDelete:
            return "recording.delete";
        case RecordingAction::kMarkReady:
            return "recording.ready";
        case RecordingAction::kFail:
            return "recording.failed";
    }
    return "recording.change";
}

/// Only web addresses are redirected to (never javascript:, data: or a relative path).
bool is_web_url(const std::string& u) { return u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0; }

/// Where a recording plays: our stored copy once there is one, else the provider's.
const std::string& playback_url(const Recording& r) { return r.storage_url.empty() ? r.provider_url : r.storage_url; }

}  // namespace

Result<RecordingService::Target> RecordingService::load(soci::session& sql, const Principal& p,
                                                        const std::string& session_id, const std::string& recording_id,
                                                        bool for_update) {
    auto l = sessions_.load(sql, p, session_id, for_update);
    if (!l) return l.take_error();
    auto r = store::find_recording(sql, p.tenant.id, session_id, recording_id, for_update);
    // A recording the caller may not see does not exist for them (a student and an unpublished one).
    if (!r || !can_see_recording(l->actor, r->status)) return recording_not_found();
    return Target{std::move(l->session), l->actor, std::move(*r)};
}

Result<std::vector<Recording>> RecordingService::list(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<std::vector<Recording>> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        std::vector<Recording> out;
        // Seed 13.2: whether each has a summary, so a reader is not offered one there is none of. Students
        // know of a finished one only (what is being made, or failed, is the staff's business): the last
        // one made is theirs to read while a new one is made.
        const auto summaries = store::notes_statuses(c.sql(), p.tenant.id, session_id, "summary");
        const bool staff = can_publish_recordings(l->actor);
        for (auto& r : store::list_recordings(c.sql(), p.tenant.id, session_id)) {
            if (!can_see_recording(l->actor, r.status)) continue;
            auto s = summaries.find(r.id);
            r.summary_status = s == summaries.end()    ? "none"
                               : staff                 ? s->second.status
                               : s->second.has_content ? "ready"
                                                       : "none";
            // A transcript whose job is no longer at work will never be finished: it reads as failed, which
            // the staff may ask for again, instead of "processing" for ever.
            const bool lost =
                r.transcript_status == "processing" && !store::transcript_job_at_work(c.sql(), p.tenant.id, r.id);
            if (lost) r.transcript_status = "failed";
            // Why, for the staff: what they can do about it (a student is told nothing of a failure).
            if (staff && r.transcript_status == "failed") {
                std::string why = store::transcript_job_error(c.sql(), p.tenant.id, r.id);
                if (why.empty() && lost) why = "the work on it stopped: ask for it again";
                r.transcript_error = std::move(why);
            }
            out.push_back(std::move(r));
        }
        return out;
    });
}

Result<Recording> RecordingService::change(const Principal& p, const std::string& session_id,
                                           const std::string& recording_id, RecordingAction action,
                                           const RequestMeta& meta) {
    return guarded([&]() -> Result<Recording> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);  // no cached read depends on recordings
        auto t = load(tx.sql(), p, session_id, recording_id, /*for_update=*/true);
        if (!t) return t.take_error();
        const bool deleting = action == RecordingAction::kDelete;
        if (deleting ? !can_delete_recordings(t->actor) : !can_publish_recordings(t->actor))
            return Error::denied(deleting ? "only the class's instructors and school admins can delete recordings"
                                          : "only the class's instructors, moderators and school admins can "
                                            "publish recordings");
        auto next = apply_recording_action(t->recording.status, action);
        if (!next) return next.take_error();
        Recording& r = t->recording;
        const UnixTime now = ctx_.clock.now();
        r.status = *next;
        if (action == RecordingAction::kPublish) r.published_at = now;
        if (action == RecordingAction::kUnpublish) r.published_at.reset();
        store::save_recording(tx.sql(), r);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, audit_action(action), "live_session_recording", r.id, meta,
                                                {{"session_id", session_id}, {"status", to_string(r.status)}}));
        // Students hear of it once per recording (the notice's occasion), however often it is republished.
        if (action == RecordingAction::kPublish) queue_recording_notice(tx.sql(), t->session, r.id, now);
        if (deleting) queue_recording_copies_deletion(tx.sql(), r, t->session.provider, now);
        tx.commit();
        if (action == RecordingAction::kPublish || deleting) ctx_.jobs_enqueued();
        return r;
    });
}

Result<Recording> RecordingService::publish(const Principal& p, const std::string& session_id,
                                            const std::string& recording_id, const RequestMeta& meta) {
    return change(p, session_id, recording_id, RecordingAction::kPublish, meta);
}

Result<Recording> RecordingService::unpublish(const Principal& p, const std::string& session_id,
                                              const std::string& recording_id, const RequestMeta& meta) {
    return change(p, session_id, recording_id, RecordingAction::kUnpublish, meta);
}

Status RecordingService::remove(const Principal& p, const std::string& session_id, const std::string& recording_id,
                                const RequestMeta& meta) {
    auto r = change(p, session_id, recording_id, RecordingAction::kDelete, meta);
    if (!r) return r.take_error();
    return ok_status();
}

std::string RecordingService::seal(const Recording& r, const std::string& user_id, bool published_only,
                                   UnixTime expires_at) const {
    return seal_link_token(key_, kLinkPrefix,
                           {{"t", r.tenant_id}, {"r", r.id}, {"u", user_id}, {"p", published_only}, {"e", expires_at}});
}

Result<RecordingAccess> RecordingService::access(const Principal& p, const std::string& session_id,
                                                 const std::string& recording_id, const RequestMeta& meta) {
    return guarded([&]() -> Result<RecordingAccess> {
        store::Conn c(ctx_.db);
        auto t = load(c.sql(), p, session_id, recording_id, /*for_update=*/false);
        if (!t) return t.take_error();
        const Recording& r = t->recording;
        if (r.status == RecordingStatus::kProcessing)
            return Error::conflict("this recording is still being processed; try again in a few minutes");
        if (!is_playable(r.status) || playback_url(r).empty())
            return Error::conflict("this recording could not be processed and cannot be played");
        RecordingAccess a;
        a.expires_at = ctx_.clock.now() + opt_.ttl_seconds;
        // Our copy is streamed request by request as the viewer seeks: the link must outlast the viewing
        // (the duration comes from the provider's event: bounded, so a link never lasts for days).
        if (r.storage_status == "stored") a.expires_at += std::clamp<long long>(r.duration_seconds, 0, kMaxViewing);
        a.url = opt_.base_url + "/api/v1/recordings/play/" +
                seal(r, p.user.id, t->actor == SessionActor::kParticipant, a.expires_at) + "/";
        // Seed 9.5: who was handed a way to watch which recording, when and from where.
        store::insert_audit(c.sql(), audit_row(ctx_, p, "recording.access", "live_session_recording", r.id, meta,
                                               {{"session_id", session_id}, {"link_expires_at", a.expires_at}}));
        return a;
    });
}

Result<std::string> RecordingService::thumbnail(const Principal& p, const std::string& session_id,
                                                const std::string& recording_id) {
    return guarded([&]() -> Result<std::string> {
        std::optional<Recording> r;
        {
            store::Conn c(ctx_.db);
            auto t = load(c.sql(), p, session_id, recording_id, /*for_update=*/false);
            if (!t) return t.take_error();
            r = std::move(t->recording);
        }
        return storage_.read_thumbnail(*r);
    });
}

Result<Playback> RecordingService::open_link(std::string_view token) {
    auto claims = open_link_token(key_, kLinkPrefix, token);
    if (!claims) return link_not_ours();
    std::string tenant, recording, user;
    bool published_only = true;
    UnixTime expires_at = 0;
    try {
        const json::object& o = *claims;
        tenant = std::string(o.at("t").as_string());
        recording = std::string(o.at("r").as_string());
        user = std::string(o.at("u").as_string());
        published_only = o.at("p").as_bool();
        expires_at = o.at("e").as_int64();
    } catch (const std::exception&) {
        return link_not_ours();  // sealed by us, so only a key mix-up between versions could get here
    }
    if (ctx_.clock.now() >= expires_at)
        return Error::gone("this recording link has expired; open the class's recordings and choose Watch again");
    return guarded([&]() -> Result<Playback> {
        std::optional<Recording> r;
        {
            store::Conn c(ctx_.db);  // released before the file store is asked (a network call with S3)
            r = store::find_recording_by_id(c.sql(), tenant, recording);
            if (!r || !is_playable(r->status) || (published_only && r->status != RecordingStatus::kPublished) ||
                playback_url(*r).empty())
                return Error::gone("this recording is no longer available");
            // The person is checked again too: an account deactivated, a student unenrolled or a teacher
            // removed from the course since the link was handed out does not get in with it.
            auto t = store::find_tenant(c.sql(), tenant, ctx_.keys.box, /*with_domains=*/false);
            auto u = store::find_user(c.sql(), tenant, user);
            if (!t || !u || !u->is_active) return Error::gone("this recording is no longer available to you");
            auto l = sessions_.load(c.sql(), Principal{std::move(*u), std::move(*t)}, r->session_id);
            if (!l || !can_see_recording(l->actor, r->status))
                return Error::gone("this recording is no longer available to you");
        }
        Playback out;
        out.redirect_url = playback_url(*r);  // the provider's: when there is no copy of ours (yet, or it is gone)
        out.file_name = "recording-" + r->id + ".mp4";
        // A player asks the bucket for ranges for as long as the video plays: a signed address to our copy
        // in S3 lasts the recording's length longer, as our own link does.
        infra::BlobStore::Presentation as{"video/mp4", "inline; filename=\"" + out.file_name + "\"",
                                          std::min<long long>(r->duration_seconds, 6 * 3600)};
        if (auto copy = storage_.find_copy(*r, as)) {
            if (!copy->path.empty())
                out.file_path = copy->path;  // on our disk: streamed by us
            else
                out.redirect_url = copy->url;  // in S3: the browser fetches it with a signed address
        }
        return out;
    });
}

Status RecordingService::run_process_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("process_recording: the payload is not a JSON object");
    const std::string tenant = text_at(v.get_object(), "tenant_id"), id = text_at(v.get_object(), "recording_id");
    return guarded([&]() -> Status {
        std::optional<Recording> rec;
        std::optional<LiveSession> s;
        std::vector<ProviderConfig> configs;
        bool wants_transcript = false;  // the class's policy keeps transcripts (of the provider's, too)
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            rec = store::find_recording_by_id(c.sql(), tenant, id);
            if (!rec || rec->status != RecordingStatus::kProcessing) return ok_status();  // done or deleted meanwhile
            s = store::find_session(c.sql(), tenant, rec->session_id);
            if (!s) return ok_status();
            if (rec->provider_url.empty()) configs = store::list_provider_configs(c.sql(), tenant, ctx_.keys.box);
            wants_transcript = transcripts_wanted(c.sql(), *s);
        }
        Recording found = *rec;
        std::string failure;         // set: the recording cannot become playable
        std::string chat_url;        // seed 7.3: where the provider keeps the class's chat next to this recording
        std::string whiteboard_url;  // seed 7.1: where it keeps the class's whiteboard
        UnixTime recording_started = 0;
        std::optional<providers::TextTrack> captions;  // seed 13.1: the provider's captions, taken as its transcript
        if (!found.provider_url.empty() && !is_web_url(found.provider_url)) {
            failure = "the provider's playback address is not an http(s) URL";
        } else if (found.provider_url.empty()) {
            // On the last attempt a provider that cannot be asked fails the recording instead of leaving
            // it in processing for ever.
            const bool last_attempt = job.attempts >= job.max_attempts;
            auto provider = ctx_.providers.for_kind(configs, s->provider);
            auto listed = provider ? (*provider)->get_recordings(*s)
                                   : Result<std::vector<providers::RecordingInfo>>(provider.error());
            if (!listed && listed.error().code != Code::kUnimplemented) {
                if (!last_attempt) return listed.take_error();  // retried with backoff
                failure = "the provider could not be asked where the recording plays: " + listed.error().message;
            } else if (listed) {
                for (const auto& info : *listed)
                    if (info.recording_id == found.provider_recording_id && is_web_url(info.url)) {
                        found.provider_url = info.url;
                        if (info.duration_seconds > 0) found.duration_seconds = info.duration_seconds;
                        if (info.size_bytes > 0) found.file_size_bytes = info.size_bytes;
                        if (!info.format.empty()) found.format = info.format;
                        chat_url = (*provider)->chat_file_url(info);
                        whiteboard_url = (*provider)->whiteboard_data_url(info);
                        recording_started = info.created_at;
                        // Not the recording's started_at: BigBlueButton's startTime is the meeting's
                        // start, and its playback keeps only the stretches recorded, so a class moment
                        // cannot be placed in it by subtraction.
                    }
            }
            // BigBlueButton keeps the meeting's captions (live, automatic or uploaded) with the recording,
            // timed to its playback: with none of our own to make (its playback is not copied), they are
            // the recording's transcript. Not having them is no failure of the recording.
            if (failure.empty() && !found.provider_url.empty() && wants_transcript && provider)
                if (auto tracks = (*provider)->text_tracks(found.provider_recording_id); tracks)
                    captions = providers::best_text_track(*tracks);
            if (failure.empty() && found.provider_url.empty()) {
                const std::string why =
                    "the provider does not list a playback address for recording " + found.provider_recording_id;
                if (!last_attempt) return Error::unavailable(why, why);  // it may yet: retried
                failure = why;
            }
        }
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        // Locked: a publish or delete that committed meanwhile is seen, never overwritten (PostgreSQL).
        auto current = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
        if (!current || current->status != RecordingStatus::kProcessing) return ok_status();  // changed meanwhile
        auto next = apply_recording_action(current->status,
                                           failure.empty() ? RecordingAction::kMarkReady : RecordingAction::kFail);
        if (!next) return ok_status();
        found.status = *next;
        found.published_at = current->published_at;
        // Seed 5.5: the retention clock starts when the recording can first be watched, under the
        // class's effective policy at that moment (a later policy change applies to later recordings).
        // A recording that failed starts it too: the provider may still hold its files, and the
        // school's retention must delete those as well (KVKK), not keep them for ever.
        found.expires_at =
            recording_expiry(ctx_.clock.now(), sessions_.effective_policy(tx.sql(), *s).recording_retention_days);
        store::save_recording(tx.sql(), found);
        bool queued = failure.empty() && storage_.queue_copy(tx.sql(), found);
        if (failure.empty() && !chat_url.empty()) {
            // BigBlueButton keeps the class's chat with the playback (Zoom's came with its event): its
            // timeline counts from the recording's start as the provider lists it.
            queue_chat_export(
                tx.sql(),
                ChatSource{tenant, s->id, s->provider, chat_url,
                           std::string(to_string(s->provider)) + ":" + found.provider_recording_id, recording_started},
                ctx_.clock.now());
            queued = true;
        }
        if (failure.empty() && captions) {
            queue_transcript_import(tx.sql(), tenant, found.id, s->provider, captions->href, ctx_.clock.now(),
                                    captions->lang);
            queued = true;
        }
        if (failure.empty() && !whiteboard_url.empty()) {
            queue_whiteboard_export(
                tx.sql(),
                WhiteboardSource{tenant, s->id, whiteboard_url,
                                 std::string(to_string(s->provider)) + "-whiteboard:" + found.provider_recording_id},
                ctx_.clock.now());
            queued = true;
        }
        tx.commit();
        if (queued) ctx_.jobs_enqueued();
        // Every failure here is about the school's own provider, so its admin may read it (ops view).
        if (!failure.empty()) return Error::unavailable("recording " + id + " failed: " + failure);
        return ok_status();
    });
}

Status RecordingService::schedule_cleanup() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        store::enqueue_once(tx.sql(), infra::new_uuid(), kCleanupJob, ctx_.clock.now(), ctx_.clock.now());
        tx.commit();
        ctx_.jobs_enqueued();
        return ok_status();
    });
}

Result<int> RecordingService::cleanup_expired() {
    constexpr int kBatch = 100;  // one transaction per batch: the write lock is never held for long
    return guarded([&]() -> Result<int> {
        const UnixTime now = ctx_.clock.now();
        {
            // The next round first, committed on its own: a failing round must not end the schedule.
            store::Tx next(ctx_.db, /*bump_generation=*/false);
            store::enqueue_once(next.sql(), infra::new_uuid(), kCleanupJob, now + kCleanupIntervalSeconds, now);
            next.commit();
        }
        int deleted = 0;
        for (bool more = true; more;) {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            auto batch = store::list_expired_recordings(tx.sql(), now, kBatch);
            more = batch.size() == static_cast<std::size_t>(kBatch);
            for (const auto& listed : batch) {
                // Locked and read again (PostgreSQL): a person's delete that committed meanwhile wins.
                auto r = store::find_recording_by_id(tx.sql(), listed.tenant_id, listed.id, /*for_update=*/true);
                if (!r || !is_expired(*r, now)) continue;
                auto next = apply_recording_action(r->status, RecordingAction::kDelete);
                if (!next) continue;
                r->status = *next;
                store::save_recording(tx.sql(), *r);
                auto session = store::find_session(tx.sql(), r->tenant_id, r->session_id);
                queue_recording_copies_deletion(tx.sql(), *r, session ? session->provider : ProviderKind::kJitsi, now);
                store::AuditEntry a;  // done by the school's policy, not by a person: no actor
                a.id = infra::new_uuid();
                a.tenant_id = r->tenant_id;
                a.action = "recording.expire";
                a.resource_type = "live_session_recording";
                a.resource_id = r->id;
                a.details =
                    json::serialize(json::object{{"session_id", r->session_id}, {"expires_at", *r->expires_at}});
                a.created_at = now;
                store::insert_audit(tx.sql(), a);
                ++deleted;
            }
            tx.commit();
        }
        if (deleted > 0) ctx_.jobs_enqueued();
        return deleted;
    });
}

}  // namespace lc::services
