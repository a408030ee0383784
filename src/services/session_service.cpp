#include "services/session_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <future>

#include "core/text.hpp"
#include "core/time.hpp"
#include "domain/policy.hpp"
#include "domain/session_rules.hpp"
#include "domain/user_agent.hpp"
#include "infra/crypto.hpp"
#include "services/attendance_service.hpp"
#include "services/board_service.hpp"
#include "services/config_service.hpp"
#include "services/notices.hpp"
#include "store/job_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;

namespace {
Error session_not_found() { return Error::not_found("no such live session"); }

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// Field checks that apply to both create and patch.
void validate_input(const SessionInput& in, std::vector<FieldError>& errors) {
    if (in.title) validate_title(*in.title, errors);
    if (in.description && utf8_length(*in.description) > 10000)
        errors.push_back({"description", "must be at most 10000 characters"});
    if (in.max_participants) validate_max_participants(*in.max_participants, errors);
    if (in.content_id && utf8_length(*in.content_id) > 100)
        errors.push_back({"content_id", "must be at most 100 characters"});
    if (in.policy) validate_policy(*in.policy, "policy.", errors);
}
}  // namespace

std::string SessionService::ip_hash(const std::string& ip) const { return hash_ip(ctx_.keys, ip); }

void SessionService::audit(soci::session& sql, const Principal& p, const std::string& action,
                           const std::string& session_id, const RequestMeta& meta, const std::string& details) {
    store::insert_audit(sql, audit_entry(p, action, session_id, meta, details));
}

store::AuditEntry SessionService::audit_entry(const Principal& p, const std::string& action,
                                              const std::string& session_id, const RequestMeta& meta,
                                              const std::string& details) const {
    store::AuditEntry e = audit_row(ctx_, p, action, "live_session", session_id, meta);
    e.details = details;
    return e;
}

EffectivePolicy SessionService::effective_policy(soci::session& sql, const LiveSession& s) {
    return effective_policy_of(sql, s);
}

EffectivePolicy effective_policy_of(soci::session& sql, const LiveSession& s) {
    auto chain = store::find_policy_chain(sql, s.tenant_id, s.course_id, s.id);
    auto ptr = [](const std::optional<PolicyOverrides>& p) { return p ? &*p : nullptr; };
    return apply_session_type(resolve_policy(ptr(chain.tenant), ptr(chain.course), ptr(chain.session)), s.type);
}

namespace {
/// The caller's role in a session; nullopt = the session does not exist for this caller.
template <class AccessFn>
std::optional<SessionActor> actor_in(const Principal& p, const LiveSession& s, AccessFn&& course_access) {
    ActorFacts f;
    f.user_role = p.user.role;
    if (p.user.role != UserRole::kAdmin) {  // admins need no course relation
        store::CourseAccess access = course_access();
        f.is_course_instructor = access.is_instructor;
        f.is_enrolled = access.is_enrolled;
    }
    f.is_session_creator = s.created_by && *s.created_by == p.user.id;
    f.is_session_moderator = contains(s.moderator_ids, p.user.id);
    return session_actor(f);
}
}  // namespace

Result<SessionService::Loaded> SessionService::load(soci::session& sql, const Principal& p, const std::string& id,
                                                    bool for_update) {
    auto s = store::find_session(sql, p.tenant.id, id, for_update);
    if (!s) return session_not_found();
    auto actor = actor_in(p, *s, [&] { return store::course_access(sql, s->course_id, p.user.id); });
    if (!actor) return session_not_found();  // not enrolled: the session does not exist for this caller
    return Loaded{std::move(*s), *actor};
}

std::string SessionService::course_title(soci::session& sql, const LiveSession& s) {
    auto c = store::find_course(sql, s.tenant_id, s.course_id);
    return c ? c->title : std::string();
}

namespace {
/// The periodic jobs a class needs while it is live, queued in the transaction that makes it live:
/// its bbb-webhooks hook registered again every 5 minutes (BigBlueButton), and the sweep that closes
/// participations whose heartbeats stopped.
void queue_live_upkeep(soci::session& sql, const LiveSession& s, UnixTime now) {
    if (s.provider == ProviderKind::kBbb)
        store::enqueue_once(sql, infra::new_uuid(), providers::kBbbHookJob, now + providers::kBbbHookEverySeconds, now);
    store::enqueue_once(sql, infra::new_uuid(), AttendanceService::kSweepJob, now, now);
}

/// Queues a provider-room job (Zoom meeting edits and deletions) in the caller's transaction, so the
/// change and the job commit together and the job retries with backoff while the provider is down.
void enqueue_room_job(soci::session& sql, const LiveSession& s, const char* type, UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = s.tenant_id;
    job.type = type;
    job.payload = json::serialize(json::object{{"session_id", s.id}, {"tenant_id", s.tenant_id}});
    store::enqueue_job(sql, job, now);
}

/// A new time makes a new version of the event (RFC 5545 SEQUENCE): calendars replace it, the
/// reminders are re-armed for it, and people who were told the old time hear of the new one.
/// Returns whether to announce it (a draft was never announced).
bool note_new_time(LiveSession& s, UnixTime old_start, UnixTime old_end, UnixTime now) {
    if (s.scheduled_start == old_start && s.scheduled_end == old_end) return false;
    ++s.sequence;
    if (s.scheduled_start == old_start) return false;  // a longer or shorter class: calendars update quietly
    s.schedule_set_at = now;
    return s.status == SessionStatus::kScheduled;
}

/// What cancelling writes besides the status: the provider's room goes, and the event gets a new
/// version (calendars show it cancelled). Returns whether to announce it (only a published class was).
bool prepare_cancel(soci::session& sql, LiveSession& s, UnixTime now) {
    if (providers::keeps_remote_rooms(s.provider)) enqueue_room_job(sql, s, "provider_delete_room", now);
    ++s.sequence;
    return s.status == SessionStatus::kScheduled;
}
}  // namespace

Result<SessionService::NewSession> SessionService::draft_session(soci::session& sql, const Principal& p,
                                                                 const SessionInput& in, const std::string& id,
                                                                 const providers::RoomInfo* room_made) {
    std::vector<FieldError> errors;
    if (!in.course_id) errors.push_back({"course_id", "is required"});
    if (!in.title) errors.push_back({"title", "is required"});
    SessionType type = in.type.value_or(SessionType::kScheduled);
    UnixTime now = ctx_.clock.now();
    if (type != SessionType::kAdhoc) {
        if (!in.scheduled_start) errors.push_back({"scheduled_start", "is required"});
        if (!in.scheduled_end) errors.push_back({"scheduled_end", "is required"});
    }
    if (in.status && *in.status != SessionStatus::kDraft && *in.status != SessionStatus::kScheduled)
        errors.push_back({"status", "a new session is \"draft\" or \"scheduled\""});
    if (in.status && type == SessionType::kAdhoc && *in.status == SessionStatus::kDraft)
        errors.push_back({"status", "an ad-hoc session starts at once and cannot be a draft"});
    validate_input(in, errors);

    std::optional<Course> course;
    if (in.course_id) {
        course = store::find_course(sql, p.tenant.id, *in.course_id);
        if (!course) errors.push_back({"course_id", "no such course in this school"});
    }
    if (in.moderator_ids)
        for (const auto& m : *in.moderator_ids)
            if (!store::find_user(sql, p.tenant.id, m))
                errors.push_back({"moderator_ids", "no user " + m + " in this school"});
    if (course && !p.is_admin() && !contains(course->instructor_ids, p.user.id))
        return Error::denied("only the course's instructors and school admins can schedule its live classes");
    if (!errors.empty() || !course) return Error::invalid("the live session cannot be created", errors);

    auto configs = store::list_provider_configs(sql, p.tenant.id, ctx_.keys.box);
    auto provider = ctx_.providers.for_tenant(configs);
    if (!provider) return provider.take_error();
    int default_minutes = 120;
    for (const auto& c : configs)
        if (c.provider == (*provider)->kind()) default_minutes = c.default_room_duration_minutes;

    NewSession n;
    LiveSession& s = n.session;
    s.id = id;
    s.tenant_id = p.tenant.id;
    s.course_id = course->id;
    s.content_id = in.content_id;
    s.created_by = p.user.id;
    s.title = *in.title;
    s.description = in.description.value_or("");
    s.type = type;
    s.scheduled_start = in.scheduled_start.value_or(now);
    s.scheduled_end = in.scheduled_end.value_or(s.scheduled_start + default_minutes * 60);
    validate_schedule(s.scheduled_start, s.scheduled_end, errors);
    if (!errors.empty()) return Error::invalid("the live session cannot be created", errors);
    s.status = in.status.value_or(SessionStatus::kScheduled);
    s.provider = (*provider)->kind();
    s.max_participants = static_cast<int>(in.max_participants.value_or(100));
    s.recording_enabled = in.recording_enabled.value_or(true);
    s.auto_recording = in.auto_recording.value_or(false);
    s.waiting_room_enabled = in.waiting_room_enabled.value_or(true);
    s.moderator_ids = in.moderator_ids.value_or(std::vector<std::string>{});
    s.created_at = s.updated_at = now;
    s.schedule_set_at = now;
    if (room_made) n.room = *room_made;  // else the caller makes the room, holding no connection
    s.room_id = n.room.room_id;
    s.room_url = n.room.room_url;
    s.room_password = n.room.password.value_or("");
    auto chain = store::find_policy_chain(sql, s.tenant_id, s.course_id, s.id);  // no session row yet
    auto ptr = [](const std::optional<PolicyOverrides>& o) { return o ? &*o : nullptr; };
    n.policy = apply_session_type(
        resolve_policy(ptr(chain.tenant), ptr(chain.course), in.policy ? &*in.policy : nullptr), s.type);
    n.course_title = course->title;
    n.provider = std::move(provider.value());
    return n;
}

Result<SessionView> SessionService::create(const Principal& p, const SessionInput& in, const RequestMeta& meta) {
    return guarded([&]() -> Result<SessionView> {
        const std::string id = infra::new_uuid();
        const bool adhoc = in.type.value_or(SessionType::kScheduled) == SessionType::kAdhoc;
        // First check the input (reads only), then make the provider's room with no connection or
        // lock held (a Zoom meeting is an API call; "start now" opens a BigBlueButton meeting), then
        // check again and write in one transaction. A slow provider never holds up other requests.
        std::optional<NewSession> made;
        {
            store::Conn c(ctx_.db);
            auto draft = draft_session(c.sql(), p, in, id, nullptr);
            if (!draft) return draft.take_error();
            made = std::move(draft.value());
        }
        auto room = made->provider->create_room(made->session, p.tenant.slug);
        if (!room) return room.take_error();
        made->room = room.value();
        made->session.room_id = made->room.room_id;
        made->session.room_url = made->room.room_url;
        made->session.room_password = made->room.password.value_or("");
        auto undo_room = [&] {
            if (made->provider->has_remote_rooms()) (void)made->provider->delete_room(made->session);
        };
        if (adhoc) {
            auto started = made->provider->start_session(made->session, made->policy);
            if (!started) {
                undo_room();
                return started.take_error();
            }
        }
        std::optional<Result<SessionView>> written;
        try {
            store::Tx tx(ctx_.db);
            auto draft = draft_session(tx.sql(), p, in, id, &made->room);
            if (!draft) {
                written = draft.take_error();
            } else {
                LiveSession& s = draft->session;
                UnixTime now = ctx_.clock.now();
                if (adhoc) {
                    s.status = SessionStatus::kLive;
                    s.actual_start = now;
                }
                store::insert_session(tx.sql(), s);
                if (adhoc) {
                    queue_live_upkeep(tx.sql(), s, now);
                    queue_session_notice(tx.sql(), s, NoticeKind::kSessionStarted, now, p.user.id);
                } else if (s.status == SessionStatus::kScheduled) {
                    queue_session_notice(tx.sql(), s, NoticeKind::kInvitation, now, p.user.id);
                }
                if (in.policy) store::upsert_policy(tx.sql(), infra::new_uuid(), p.tenant.id, "", s.id, *in.policy);
                audit(tx.sql(), p, "session.create", s.id, meta,
                      json::serialize(json::object{{"type", to_string(s.type)}, {"status", to_string(s.status)}}));
                if (s.status == SessionStatus::kLive) audit(tx.sql(), p, "session.start", s.id, meta);
                SessionView v{s, draft->course_title, p.is_admin() ? SessionActor::kAdmin : SessionActor::kHost};
                v.policy = effective_policy(tx.sql(), s);
                tx.commit();
                written = std::move(v);
            }
        } catch (...) {
            undo_room();  // the transaction is over: no lock is held during the provider call
            throw;
        }
        if (!*written) undo_room();
        return std::move(*written);
    });
}

Result<Page<SessionView>> SessionService::list(const Principal& p, const SessionQuery& q) {
    return guarded([&]() -> Result<Page<SessionView>> {
        store::Conn c(ctx_.db);
        store::SessionFilter f;
        f.course_id = q.course_id;
        f.status = q.status;
        f.type = q.type;
        f.from = q.from;
        f.to = q.to;
        f.limit = q.limit;
        f.offset = q.offset;
        if (!p.is_admin()) f.visible_to = p.user.id;
        Page<SessionView> page;
        for (auto& s : store::list_sessions(c.sql(), p.tenant.id, f, &page.total)) {
            SessionView v;
            v.session = std::move(s);
            page.items.push_back(std::move(v));
        }
        return page;
    });
}

Result<SessionView> SessionService::get(const Principal& p, const std::string& id) {
    return guarded([&]() -> Result<SessionView> {
        store::Conn c(ctx_.db);
        auto l = load(c.sql(), p, id);
        if (!l) return l.take_error();
        SessionView v{l->session, course_title(c.sql(), l->session), l->actor};
        v.participants_count = store::count_distinct_participants(c.sql(), id);
        // Students count only the recordings they can see (the published ones).
        v.recordings_count = store::count_recordings(c.sql(), id, l->actor == SessionActor::kParticipant);
        v.policy = effective_policy(c.sql(), l->session);
        return v;
    });
}

Result<SessionView> SessionService::update(const Principal& p, const std::string& id, const SessionInput& in,
                                           const RequestMeta& meta) {
    return guarded([&]() -> Result<SessionView> {
        std::vector<FieldError> errors;
        if (in.course_id) errors.push_back({"course_id", "cannot be changed; create a session in the other course"});
        if (in.type) errors.push_back({"type", "cannot be changed after creation"});
        if (in.status && *in.status != SessionStatus::kScheduled)
            errors.push_back({"status",
                              "only \"scheduled\" (publish a draft) can be set here; use start/, end/ or "
                              "DELETE to change the status otherwise"});
        validate_input(in, errors);
        store::Tx tx(ctx_.db);
        auto l = load(tx.sql(), p, id, /*for_update=*/true);
        if (!l) return l.take_error();
        if (l->actor != SessionActor::kHost && l->actor != SessionActor::kAdmin)
            return Error::denied("only the course's instructors and school admins can change this session");
        if (in.moderator_ids)
            for (const auto& m : *in.moderator_ids)
                if (!store::find_user(tx.sql(), p.tenant.id, m))
                    errors.push_back({"moderator_ids", "no user " + m + " in this school"});
        LiveSession& s = l->session;
        const UnixTime old_start = s.scheduled_start, old_end = s.scheduled_end;
        auto edit = apply_action(s.status, SessionAction::kEdit);
        if (!edit) return edit.take_error();
        if (in.status && s.status != SessionStatus::kDraft && s.status != SessionStatus::kScheduled)
            errors.push_back({"status", "only a draft can be published"});
        if (s.status == SessionStatus::kLive && (in.scheduled_start))
            errors.push_back({"scheduled_start", "cannot be changed once the session is live"});
        if (in.title) s.title = *in.title;
        if (in.description) s.description = *in.description;
        if (in.content_id) s.content_id = *in.content_id;
        if (in.scheduled_start) s.scheduled_start = *in.scheduled_start;
        if (in.scheduled_end) s.scheduled_end = *in.scheduled_end;
        if (in.max_participants) s.max_participants = static_cast<int>(*in.max_participants);
        if (in.recording_enabled) s.recording_enabled = *in.recording_enabled;
        if (in.auto_recording) s.auto_recording = *in.auto_recording;
        if (in.waiting_room_enabled) s.waiting_room_enabled = *in.waiting_room_enabled;
        if (in.moderator_ids) s.moderator_ids = *in.moderator_ids;
        if (in.scheduled_start || in.scheduled_end) validate_schedule(s.scheduled_start, s.scheduled_end, errors);
        if (!errors.empty()) return Error::invalid("the live session cannot be changed", errors);
        bool publishing = in.status && s.status == SessionStatus::kDraft;
        bool announce = note_new_time(s, old_start, old_end, ctx_.clock.now());
        if (publishing) {
            s.status = SessionStatus::kScheduled;
            s.schedule_set_at = ctx_.clock.now();  // announced now: earlier reminder moments do not apply
        }
        s.updated_at = ctx_.clock.now();
        store::update_session(tx.sql(), s);
        if (announce)
            queue_session_notice(tx.sql(), s, NoticeKind::kSessionRescheduled, s.updated_at, p.user.id, old_start);
        if (publishing) queue_session_notice(tx.sql(), s, NoticeKind::kInvitation, s.updated_at, p.user.id);
        if (in.policy) store::upsert_policy(tx.sql(), infra::new_uuid(), p.tenant.id, "", s.id, *in.policy);
        audit(tx.sql(), p, publishing ? "session.publish" : "session.update", s.id, meta);
        bool sync_room = providers::keeps_remote_rooms(s.provider);
        if (sync_room) enqueue_room_job(tx.sql(), s, "provider_sync_room", s.updated_at);
        SessionView v{s, course_title(tx.sql(), s), l->actor};
        v.participants_count = store::count_distinct_participants(tx.sql(), id);
        v.recordings_count = store::count_recordings(tx.sql(), id);
        v.policy = effective_policy(tx.sql(), s);
        tx.commit();
        return v;
    });
}

void close_session_rows(soci::session& sql, LiveSession& s, UnixTime at, UnixTime now) {
    s.actual_end = at;
    UnixTime started = s.actual_start.value_or(at);
    s.total_duration_minutes = static_cast<int>(std::max<UnixTime>(0, at - started) / 60);
    store::close_active_participants(sql, s.id, at);
    store::reset_participant_count(sql, s.id);
    s.participant_count = 0;
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = s.tenant_id;
    job.type = "calculate_attendance";
    job.payload = json::serialize(json::object{{"session_id", s.id}, {"tenant_id", s.tenant_id}});
    store::enqueue_job(sql, job, now);
    queue_board_export(sql, s, now);  // seed 7.2: a Jitsi class's own board becomes a PDF artifact
}

Result<SessionView> SessionService::transition(const Principal& p, const std::string& id, SessionAction action,
                                               const RequestMeta& meta) {
    return guarded([&]() -> Result<SessionView> {
        // Checks the caller may do this now; used before the provider call and again under the lock.
        auto check = [&](const Loaded& l, const EffectivePolicy& policy) -> Status {
            Permission needed = action == SessionAction::kEnd ? Permission::kEndSession : Permission::kStartSession;
            bool manager = l.actor == SessionActor::kHost || l.actor == SessionActor::kAdmin;
            if (action == SessionAction::kCancel ? !manager : !is_allowed(l.actor, needed, policy))
                return Error::denied(std::string("your role (") + to_string(l.actor) + ") cannot " +
                                     (action == SessionAction::kStart ? "start"
                                      : action == SessionAction::kEnd ? "end"
                                                                      : "cancel") +
                                     " this session");
            auto next = apply_action(l.session.status, action);
            if (!next) return next.take_error();
            return ok_status();
        };
        if (action == SessionAction::kStart) {
            // Open the provider's room first, holding no connection or lock (a network call must not
            // hold up other requests). Opening is idempotent, so a lost race below costs nothing.
            std::optional<Loaded> l;
            EffectivePolicy policy;
            std::vector<ProviderConfig> configs;
            {
                store::Conn c(ctx_.db);
                auto loaded = load(c.sql(), p, id);
                if (!loaded) return loaded.take_error();
                l = std::move(loaded.value());
                policy = effective_policy(c.sql(), l->session);
                configs = store::list_provider_configs(c.sql(), p.tenant.id, ctx_.keys.box);
            }
            if (auto ok = check(*l, policy); !ok) return ok.take_error();
            auto provider = ctx_.providers.for_kind(configs, l->session.provider);
            if (!provider) return provider.take_error();
            auto r = (*provider)->start_session(l->session, policy);
            if (!r) return r.take_error();
        }
        std::optional<LiveSession> ended;
        store::Tx tx(ctx_.db);
        auto l = load(tx.sql(), p, id, /*for_update=*/true);
        if (!l) return l.take_error();
        LiveSession& s = l->session;
        EffectivePolicy policy = effective_policy(tx.sql(), s);
        if (auto ok = check(*l, policy); !ok) return ok.take_error();
        auto next = apply_action(s.status, action);
        UnixTime now = ctx_.clock.now();
        std::string audit_action;
        std::optional<NoticeKind> notice;
        if (action == SessionAction::kStart) {
            s.actual_start = now;
            audit_action = "session.start";
            queue_live_upkeep(tx.sql(), s, now);
            notice = NoticeKind::kSessionStarted;
        } else if (action == SessionAction::kEnd) {
            close_session_rows(tx.sql(), s, now, now);
            audit_action = "session.end";
            ended = s;
        } else {
            audit_action = "session.cancel";
            if (prepare_cancel(tx.sql(), s, now)) notice = NoticeKind::kSessionCancelled;
        }
        s.status = next.value();
        s.updated_at = now;
        store::update_session(tx.sql(), s);
        if (notice) queue_session_notice(tx.sql(), s, *notice, now, p.user.id);
        audit(tx.sql(), p, audit_action, s.id, meta);
        SessionView v{s, course_title(tx.sql(), s), l->actor};
        v.participants_count = store::count_distinct_participants(tx.sql(), id);
        v.recordings_count = store::count_recordings(tx.sql(), id);
        v.policy = policy;
        auto configs = store::list_provider_configs(tx.sql(), p.tenant.id, ctx_.keys.box);
        tx.commit();
        if (action != SessionAction::kStart) ctx_.jobs_enqueued();
        if (ended) {
            // Closing the provider's room is best effort and after the commit: the class has ended for
            // us either way, and the provider may already have closed the room itself.
            if (auto provider = ctx_.providers.for_kind(configs, ended->provider))
                (void)(*provider)->end_session(*ended);
        }
        return v;
    });
}

Status SessionService::run_room_job(const std::string& type, const std::string& payload) {
    boost::system::error_code ec;
    json::value v = json::parse(payload, ec);
    if (ec || !v.is_object()) return Error::invalid(type + ": the payload is not a JSON object");
    auto field = [&](const char* k) {
        auto* x = v.get_object().if_contains(k);
        return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    const std::string tenant = field("tenant_id"), id = field("session_id");
    return guarded([&]() -> Status {
        std::optional<LiveSession> s;
        std::vector<ProviderConfig> configs;
        EffectivePolicy policy;
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            s = store::find_session(c.sql(), tenant, id);
            if (!s) return ok_status();  // deleted meanwhile: nothing left to follow
            configs = store::list_provider_configs(c.sql(), tenant, ctx_.keys.box);
            policy = effective_policy(c.sql(), *s);
        }
        auto provider = ctx_.providers.for_kind(configs, s->provider);
        if (!provider) return provider.take_error();
        if (type == "provider_delete_room") {
            auto r = (*provider)->delete_room(*s);
            if (!r) return r.take_error();
            return ok_status();
        }
        if (is_over(s->status)) return ok_status();
        auto r = (*provider)->update_room(*s, policy);
        if (!r) return r.take_error();
        return ok_status();
    });
}

Result<ModerationResult> SessionService::kick(const Principal& p, const std::string& session_id,
                                              const std::string& user_id, const std::string& reason,
                                              const RequestMeta& meta) {
    return moderate(p, session_id, user_id, "kick", reason, meta);
}

Result<ModerationResult> SessionService::mute(const Principal& p, const std::string& session_id,
                                              const std::string& user_id, const RequestMeta& meta) {
    return moderate(p, session_id, user_id, "mute", "", meta);
}

Result<ModerationResult> SessionService::moderate(const Principal& p, const std::string& session_id,
                                                  const std::string& user_id, const std::string& action,
                                                  const std::string& reason, const RequestMeta& meta) {
    const bool kicking = action == "kick";
    return guarded([&]() -> Result<ModerationResult> {
        std::optional<LiveSession> session;
        {
            store::Tx tx(ctx_.db);
            auto l = load(tx.sql(), p, session_id, /*for_update=*/true);
            if (!l) return l.take_error();
            EffectivePolicy policy = effective_policy(tx.sql(), l->session);
            if (!is_allowed(l->actor, kicking ? Permission::kKickParticipant : Permission::kMuteOthers, policy))
                return Error::denied(std::string("your role (") + to_string(l->actor) + ") cannot " +
                                     (kicking ? "remove participants" : "mute others") + " in this class");
            if (l->session.status != SessionStatus::kLive)
                return Error::conflict("the class is not live (" + std::string(to_string(l->session.status)) + ")");
            auto target = store::find_user(tx.sql(), p.tenant.id, user_id);
            if (!target) return Error::not_found("no such user in this school");
            if (target->id == p.user.id) return Error::conflict("you cannot " + action + " yourself");
            auto target_actor = actor_in(Principal{*target, p.tenant}, l->session, [&] {
                return store::course_access(tx.sql(), l->session.course_id, target->id);
            });
            if (target_actor && (*target_actor == SessionActor::kHost || *target_actor == SessionActor::kAdmin))
                return Error::denied("the class's host and school admins cannot be " +
                                     std::string(kicking ? "removed" : "muted") + " by other participants");
            if (kicking) {
                if (store::kick_participant(tx.sql(), l->session.id, target->id, reason, ctx_.clock.now()) == 0)
                    return Error::not_found("this user has not joined the class");
                store::recount_participants(tx.sql(), l->session.id);
            }
            audit(tx.sql(), p, kicking ? "participant.kick" : "participant.mute", l->session.id, meta,
                  json::serialize(json::object{{"user_id", target->id}, {"reason", reason}}));
            tx.commit();
            session = l->session;
        }
        ModerationResult out;
        out.user_id = user_id;
        out.action = action;
        // After the commit: the kick stands even if the provider cannot apply it right now.
        std::vector<ProviderConfig> configs;
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            configs = store::list_provider_configs(c.sql(), p.tenant.id, ctx_.keys.box);
        }
        auto provider = ctx_.providers.for_kind(configs, session->provider);
        if (!provider) {
            out.provider_detail = provider.error().message;
            return out;
        }
        auto applied = kicking ? (*provider)->kick_participant(*session, user_id)
                               : (*provider)->mute_participant(*session, user_id);
        out.provider_applied = applied.ok();
        if (!applied)
            out.provider_detail = applied.error().message + "; do it from the meeting's participant list" +
                                  (kicking ? " (this user can no longer join the class from here)" : "");
        return out;
    });
}

Status SessionService::cancel_in(soci::session& sql, const Principal& p, LiveSession& s, const RequestMeta& meta,
                                 bool announce_it) {
    auto next = apply_action(s.status, SessionAction::kCancel);
    if (!next) return next.take_error();
    const UnixTime now = ctx_.clock.now();
    const bool announce = prepare_cancel(sql, s, now);
    s.status = next.value();
    s.updated_at = now;
    store::update_session(sql, s);
    if (announce && announce_it) queue_session_notice(sql, s, NoticeKind::kSessionCancelled, now, p.user.id);
    audit(sql, p, "session.cancel", s.id, meta,
          json::serialize(json::object{{"series_id", s.series_id ? json::value(*s.series_id) : nullptr}}));
    return ok_status();
}

Status SessionService::reschedule_in(soci::session& sql, const Principal& p, LiveSession& s, UnixTime start,
                                     UnixTime end, const RequestMeta& meta, bool announce_it) {
    if (auto edit = apply_action(s.status, SessionAction::kEdit); !edit) return edit.take_error();
    if (s.status == SessionStatus::kLive) return Error::conflict("a live class cannot be moved");
    std::vector<FieldError> errors;
    validate_schedule(start, end, errors);
    if (!errors.empty()) return Error::invalid("the class cannot be moved", errors);
    const UnixTime old_start = s.scheduled_start, old_end = s.scheduled_end;
    s.scheduled_start = start;
    s.scheduled_end = end;
    const bool announce = note_new_time(s, old_start, old_end, ctx_.clock.now());
    s.updated_at = ctx_.clock.now();
    store::update_session(sql, s);
    if (announce && announce_it)
        queue_session_notice(sql, s, NoticeKind::kSessionRescheduled, s.updated_at, p.user.id, old_start);
    if (providers::keeps_remote_rooms(s.provider)) enqueue_room_job(sql, s, "provider_sync_room", s.updated_at);
    audit(sql, p, "session.update", s.id, meta,
          json::serialize(json::object{{"series_id", s.series_id ? json::value(*s.series_id) : nullptr},
                                       {"scheduled_start", format_iso8601(start)}}));
    return ok_status();
}

Result<std::vector<LiveSession>> SessionService::create_occurrences(
    const Principal& p, const SessionInput& in, const std::vector<Occurrence>& occurrences,
    const std::string& series_id, const std::function<void(soci::session&)>& in_transaction, const RequestMeta& meta) {
    return guarded([&]() -> Result<std::vector<LiveSession>> {
        if (in.type == SessionType::kAdhoc)
            return Error::invalid("a series cannot be ad hoc", {{"type", "must be scheduled or webinar"}});
        auto with_times = [&](const Occurrence& o) {
            SessionInput one = in;
            one.scheduled_start = o.start;
            one.scheduled_end = o.end;
            return one;
        };
        // Check every class first (reads only), then make the provider rooms holding no connection.
        std::vector<NewSession> made;
        {
            store::Conn c(ctx_.db);
            for (const auto& o : occurrences) {
                auto draft = draft_session(c.sql(), p, with_times(o), infra::new_uuid(), nullptr);
                if (!draft) return draft.take_error();
                made.push_back(std::move(draft.value()));
            }
        }
        std::size_t rooms = 0;
        auto undo_rooms = [&] {
            for (std::size_t i = 0; i < rooms; ++i)
                if (made[i].provider->has_remote_rooms()) (void)made[i].provider->delete_room(made[i].session);
        };
        for (; rooms < made.size(); ++rooms) {
            auto room = made[rooms].provider->create_room(made[rooms].session, p.tenant.slug);
            if (!room) {
                undo_rooms();
                return room.take_error();
            }
            made[rooms].room = room.value();
            made[rooms].session.room_id = made[rooms].room.room_id;  // what delete_room needs to undo it
            made[rooms].session.room_url = made[rooms].room.room_url;
        }
        std::optional<Result<std::vector<LiveSession>>> written;
        try {
            store::Tx tx(ctx_.db);
            if (in_transaction) in_transaction(tx.sql());
            std::vector<LiveSession> out;
            for (std::size_t i = 0; i < made.size() && !written; ++i) {
                auto draft = draft_session(tx.sql(), p, with_times(occurrences[i]), made[i].session.id, &made[i].room);
                if (!draft) {
                    written = draft.take_error();
                    break;
                }
                LiveSession& s = draft->session;
                s.series_id = series_id;
                s.recurrence_start = occurrences[i].recurrence_start;
                store::insert_session(tx.sql(), s);
                if (in.policy) store::upsert_policy(tx.sql(), infra::new_uuid(), p.tenant.id, "", s.id, *in.policy);
                audit(tx.sql(), p, "session.create", s.id, meta,
                      json::serialize(json::object{
                          {"type", to_string(s.type)}, {"status", to_string(s.status)}, {"series_id", series_id}}));
                out.push_back(s);
            }
            if (!written) {
                tx.commit();
                written = std::move(out);
            }
        } catch (...) {
            undo_rooms();
            throw;
        }
        if (!*written) undo_rooms();
        return std::move(*written);
    });
}

Result<SessionView> SessionService::cancel(const Principal& p, const std::string& id, const RequestMeta& meta) {
    return transition(p, id, SessionAction::kCancel, meta);
}
Result<SessionView> SessionService::start(const Principal& p, const std::string& id, const RequestMeta& meta) {
    return transition(p, id, SessionAction::kStart, meta);
}
Result<SessionView> SessionService::end(const Principal& p, const std::string& id, const RequestMeta& meta) {
    return transition(p, id, SessionAction::kEnd, meta);
}

Result<std::shared_ptr<const SessionService::JoinContext>> SessionService::join_context(const Principal& p,
                                                                                        const std::string& id) {
    if (auto hit = join_contexts_.get(id); hit && (*hit)->session.tenant_id == p.tenant.id) return std::move(*hit);
    std::uint64_t generation = ctx_.db.generation().current();
    store::Conn c(ctx_.db);
    auto s = store::find_session(c.sql(), p.tenant.id, id);
    if (!s) return session_not_found();
    auto jc = std::make_shared<const JoinContext>(JoinContext{
        *s, effective_policy(c.sql(), *s), store::list_provider_configs(c.sql(), p.tenant.id, ctx_.keys.box),
        store::kicked_users(c.sql(), s->id)});
    join_contexts_.put(id, jc, generation);
    return jc;
}

store::CourseAccess SessionService::course_access(const std::string& course_id, const std::string& user_id) {
    std::string key = course_id + "|" + user_id;
    if (auto hit = access_.get(key)) return *hit;
    std::uint64_t generation = ctx_.db.generation().current();
    store::Conn c(ctx_.db);
    auto a = store::course_access(c.sql(), course_id, user_id);
    access_.put(key, a, generation);
    return a;
}

bool SessionService::join_is_cached(const Principal& p, const std::string& id) {
    auto jc = join_contexts_.get(id);
    if (!jc || (*jc)->session.tenant_id != p.tenant.id) return false;
    // A Zoom host's join fetches a fresh start link from Zoom: that must not happen on an I/O thread.
    if (providers::keeps_remote_rooms((*jc)->session.provider)) return false;
    return p.user.role == UserRole::kAdmin || access_.get((*jc)->session.course_id + "|" + p.user.id).has_value();
}

Result<JoinResult> SessionService::join(const Principal& p, const std::string& id, const RequestMeta& meta) {
    auto promise = std::make_shared<std::promise<Result<JoinResult>>>();
    auto f = promise->get_future();
    join_async(p, id, meta, [promise](Result<JoinResult> r) { promise->set_value(std::move(r)); });
    return f.get();
}

void SessionService::join_async(const Principal& p, const std::string& id, const RequestMeta& meta,
                                std::function<void(Result<JoinResult>)> done) {
    // Everything up to the write is synchronous (cached reads, token signing); the write joins the
    // next group commit and `done` runs on the writer thread once it is durable.
    auto prepared = guarded([&]() -> Result<PreparedJoin> {
        // Seed 9.2: per caller and per client address, counted before any work is done.
        if (limiter_) {
            const auto& rules = limiter_->limits();
            if (auto st = limiter_->hit(rules.join_per_user, p.tenant.id + ":" + p.user.id); !st)
                return st.take_error();
            if (auto st = limiter_->hit(rules.join_per_ip, meta.ip); !st) return st.take_error();
        }
        // Reads come from the short-lived caches (join_context, course_access) and take no write lock.
        auto cached = join_context(p, id);
        if (!cached) return cached.take_error();
        std::shared_ptr<const JoinContext> jc = std::move(cached.value());
        const LiveSession& s = jc->session;
        auto actor = actor_in(p, s, [&] { return course_access(s.course_id, p.user.id); });
        if (!actor) return session_not_found();
        bool moderator = has_moderator_rights(*actor);
        if (auto ok = can_join(s.status, moderator); !ok) return ok.take_error();
        if (std::find(jc->kicked.begin(), jc->kicked.end(), p.user.id) != jc->kicked.end())
            return Error::denied("you were removed from this class by its host and cannot join it again");
        if (!moderator && s.max_participants > 0 && s.participant_count >= s.max_participants) {
            // Looks full: a user already in the room may still rejoin (the write re-checks exactly).
            store::Conn c(ctx_.db);
            if (!store::has_active_participation(c.sql(), id, p.user.id))
                return Error::conflict("the session is full (" + std::to_string(s.max_participants) +
                                       " participants); try again when someone leaves");
        }
        const EffectivePolicy& policy = jc->policy;
        const std::vector<ProviderConfig>& configs = jc->configs;
        auto provider = ctx_.providers.for_kind(configs, s.provider);
        if (!provider) return provider.take_error();
        if (s.status != SessionStatus::kLive && !(*provider)->rooms_open_on_join())
            return Error::conflict("this class's room opens when the session is started: start it first, then join");
        providers::JoinRequest req;
        req.session = &s;
        req.user = &p.user;
        req.role = participant_role(*actor);
        req.moderator = moderator;
        req.policy = policy;
        auto info = (*provider)->generate_join_url(req);
        if (!info) return info.take_error();

        UnixTime now = ctx_.clock.now();
        Participant part;
        part.id = infra::new_uuid();
        part.session_id = s.id;
        part.user_id = p.user.id;
        part.role = req.role;
        part.joined_at = now;
        auto dev = classify_user_agent(meta.user_agent);
        part.device_type = dev.device_type;
        part.browser = dev.browser;
        store::AuditEntry audit_row =
            audit_entry(p, "session.join", s.id, meta,
                        json::serialize(json::object{{"role", to_string(req.role)}, {"participant_id", part.id}}));
        part.ip_hash = audit_row.ip_hash;  // the same keyed hash of the same address: computed once
        PreparedJoin pj;
        pj.write.participant = part;
        pj.write.audit = audit_row;
        pj.write.enforce_capacity = !req.moderator && s.max_participants > 0;
        pj.write.max_participants = s.max_participants;
        pj.write.moderator = moderator;
        LaunchTicket ticket;
        ticket.tenant_id = p.tenant.id;
        ticket.session_id = s.id;
        ticket.user_id = p.user.id;
        ticket.provider = s.provider;
        ticket.url = info->join_url;
        pj.result.launch_url = launch_.url_for(launch_.issue(std::move(ticket)));
        if (launch_.options().single_use) {
            // The provider's URL and token would open the room again and again: hand out only the link.
            pj.result.join_url = pj.result.launch_url;
            pj.result.expires_at = now + launch_.options().ttl_seconds;
        } else {
            pj.result.join_url = info->join_url;
            pj.result.token = info->token.value_or("");
            pj.result.expires_at = info->expires_at.value_or(now + launch_.options().ttl_seconds);
        }
        pj.result.role = req.role;
        pj.result.provider = s.provider;
        pj.result.participant_id = part.id;
        return pj;
    });
    if (!prepared) return done(prepared.take_error());
    int max = prepared->write.max_participants;
    ctx_.joins.submit(std::move(prepared->write), [result = std::move(prepared->result), max, done = std::move(done)](
                                                      store::JoinOutcome outcome, const std::string& error) {
        switch (outcome) {
            case store::JoinOutcome::kRecorded:
                return done(result);
            case store::JoinOutcome::kFull:
                return done(Error::conflict("the session is full (" + std::to_string(max) +
                                            " participants); try again when someone leaves"));
            case store::JoinOutcome::kClosed:
                return done(Error::conflict("the session has just ended or is not open any more"));
            case store::JoinOutcome::kFailed:
                break;
        }
        done(Error::unavailable("the join could not be recorded; try again", error));
    });
}

Result<SessionService::Launch> SessionService::open_launch(const std::string& token) {
    return guarded([&]() -> Result<Launch> {
        auto t = launch_.open(token);
        if (!t) return t.take_error();
        store::Conn c(ctx_.db);
        auto s = store::find_session(c.sql(), t->tenant_id, t->session_id);
        if (!s) return Error::not_found("this class no longer exists");
        if (is_over(s->status)) return Error::conflict("this class is over; there is nothing to join any more");
        auto tenant = store::find_tenant(c.sql(), t->tenant_id, ctx_.keys.box);
        if (!tenant) return Error::not_found("this class no longer exists");
        if (auto st = launch_.consume(*t); !st) return st.take_error();
        return Launch{std::move(t.value()), tenant->domains};
    });
}

}  // namespace lc::services
