#include "services/attendance_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <map>
#include <set>
#include <unordered_set>

#include "domain/permissions.hpp"
#include "infra/crypto.hpp"
#include "services/session_service.hpp"
#include "services/transcript_service.hpp"
#include "store/job_repo.hpp"
#include "store/recording_repo.hpp"
#include "store/webhook_repo.hpp"

namespace lc::services {

using namespace lc::domain;

namespace {

constexpr UnixTime kOpenEnd = std::numeric_limits<UnixTime>::max();

/// The class window a report or timeline is computed over: while a class is live it ends now.
SessionWindow window_of(const LiveSession& s, UnixTime now) {
    SessionWindow w{s.scheduled_start, s.scheduled_end, s.actual_start, s.actual_end};
    if (s.status == SessionStatus::kLive && !s.actual_end) w.actual_end = now;
    return w;
}

/// Each user's presence intervals with their background stretches: closed spans, plus a stretch still
/// hidden when the row closed (or now) from hidden_since to the row's end.
std::map<std::string, std::vector<PresenceInterval>> intervals_by_user(const std::vector<Participant>& rows,
                                                                       const std::vector<BackgroundSpan>& spans) {
    std::map<std::string, std::vector<std::pair<UnixTime, UnixTime>>> hidden;  // participant id -> spans
    for (const auto& b : spans) hidden[b.participant_id].emplace_back(b.started_at, b.ended_at);
    std::map<std::string, std::vector<PresenceInterval>> out;
    for (const auto& r : rows) {
        PresenceInterval iv{r.joined_at, r.left_at, {}};
        if (auto it = hidden.find(r.id); it != hidden.end()) iv.hidden = std::move(it->second);
        if (r.hidden_since) iv.hidden.emplace_back(*r.hidden_since, r.left_at.value_or(kOpenEnd));
        out[r.user_id].push_back(std::move(iv));
    }
    return out;
}

/// Seed 13.5: each moment of the class (a drop-off, a dip, where presence began to fade) found in the
/// recording that was running then, with what was said from half a minute before it to a minute after
/// (the lead-up and the moment itself), so the instructor reads it without scrubbing through the video.
void find_in_recordings(soci::session& sql, const std::string& tenant_id, const std::string& session_id,
                        std::vector<domain::Insight>& insights) {
    constexpr double kBefore = 30, kAfter = 60;
    constexpr std::size_t kSaidChars = 320;
    if (std::none_of(insights.begin(), insights.end(), [](const auto& i) { return domain::is_moment(i.kind); })) return;
    const auto recordings = store::list_recordings(sql, tenant_id, session_id);
    std::map<std::string, std::vector<domain::TranscriptSegment>> transcripts;  // read once per recording
    for (auto& i : insights) {
        if (!domain::is_moment(i.kind)) continue;
        const Recording* r = domain::recording_at(recordings, i.from);
        if (!r) continue;
        domain::RecordingMoment m{r->id, i.from - *r->started_at, ""};
        if (r->transcript_status == "ready") {
            auto [it, fresh] = transcripts.try_emplace(r->id);
            if (fresh)
                if (auto t = stored_transcript(sql, tenant_id, r->id)) it->second = std::move(t->second);
            const auto at = static_cast<double>(m.offset_seconds);
            m.said = domain::words_between(it->second, at - kBefore, at + kAfter, kSaidChars);
        }
        i.in_recording = std::move(m);
    }
}

/// Instructors (the class's host) and admins see everyone's attendance; anyone else their own.
bool sees_everyone(SessionActor a) { return a == SessionActor::kHost || a == SessionActor::kAdmin; }

Error managers_only(const char* what) {
    return Error::denied(std::string("only the class's instructors and admins can see ") + what);
}

}  // namespace

// ---------------------------------------------------------------- heartbeats and leaving

Result<HeartbeatResult> AttendanceService::heartbeat(const Principal& p, const std::string& session_id,
                                                     const HeartbeatInput& in) {
    return guarded([&]() -> Result<HeartbeatResult> {
        // Participation rows only: nothing cached depends on them.
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto l = sessions_.load(tx.sql(), p, session_id);
        if (!l) return l.take_error();
        if (l->session.status != SessionStatus::kLive)
            return Error::conflict(std::string("the class is not live (") + to_string(l->session.status) +
                                   "): heartbeats are taken only while it runs");
        const UnixTime now = ctx_.clock.now();
        HeartbeatResult out;
        out.visible = in.visible;
        out.next_heartbeat_seconds = heartbeat_seconds_;
        auto rows = store::open_participations(tx.sql(), session_id, p.user.id);
        if (in.participant_id) {
            std::erase_if(rows, [&](const Participant& r) { return r.id != *in.participant_id; });
        }
        if (rows.empty()) {
            // Closed for missed heartbeats (a network drop, a sleeping laptop) and back: the user is
            // evidently in the room again, so a new stretch of presence begins now. Only from their
            // latest row, and never for someone a moderator removed.
            auto all = store::list_participants(tx.sql(), session_id, p.user.id);
            if (std::any_of(all.begin(), all.end(), [](const Participant& r) { return r.kicked; }))
                return Error::denied("a moderator removed you from this class");
            const bool resumable = !all.empty() && all.back().end_reason == "heartbeat_timeout" &&
                                   (!in.participant_id || all.back().id == *in.participant_id);
            if (!resumable)
                return Error::conflict(in.participant_id ? "this participation is closed: join the class again"
                                                         : "you are not in this class: join it first");
            // The class may have ended since it was read (PostgreSQL runs these side by side): read it
            // again under its row lock before opening a row in it.
            auto still = store::find_session(tx.sql(), p.tenant.id, session_id, /*for_update=*/true);
            if (!still || still->status != SessionStatus::kLive)
                return Error::conflict("the class has ended: heartbeats are taken only while it runs");
            Participant again = all.back();
            again.id = infra::new_uuid();
            again.joined_at = now;
            again.left_at.reset();
            again.duration_seconds = 0;
            again.is_active = true;
            again.hidden_since.reset();
            again.background_duration = 0;
            store::insert_participant(tx.sql(), again);
            store::recount_participants(tx.sql(), session_id);
            out.resumed = true;
            rows = {again};
        }
        for (const auto& r : rows)
            if (store::record_heartbeat(tx.sql(), r, now, in.visible, infra::new_uuid()))
                out.participant_ids.push_back(r.id);
        if (out.participant_ids.empty()) return Error::conflict("you are not in this class: join it first");
        tx.commit();
        return out;
    });
}

Result<int> AttendanceService::leave(const Principal& p, const std::string& session_id,
                                     const std::optional<std::string>& participant_id) {
    return guarded([&]() -> Result<int> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto l = sessions_.load(tx.sql(), p, session_id);
        if (!l) return l.take_error();
        auto rows = store::open_participations(tx.sql(), session_id, p.user.id);
        if (participant_id) {
            std::erase_if(rows, [&](const Participant& r) { return r.id != *participant_id; });
            if (rows.empty()) return Error::not_found("you have no open participation with this id in this class");
        }
        int closed = 0;
        for (const auto& r : rows) closed += store::close_participation(tx.sql(), r.id, ctx_.clock.now(), "left");
        if (closed > 0) store::recount_participants(tx.sql(), session_id);
        tx.commit();
        return closed;
    });
}

Result<long long> AttendanceService::sweep_stale() {
    return guarded([&]() -> Result<long long> {
        const UnixTime now = ctx_.clock.now();
        const UnixTime cutoff = now - 2LL * heartbeat_seconds_;
        {
            // The next round first, on its own: a round that fails below must not stop the sweep.
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            if (store::any_live_session(tx.sql()) && !store::job_queued(tx.sql(), kSweepJob)) {
                store::Job next;
                next.id = infra::new_uuid();
                next.type = kSweepJob;
                next.run_at = now + heartbeat_seconds_;
                store::enqueue_job(tx.sql(), next, now);
            }
            tx.commit();
        }
        long long closed = 0;
        for (;;) {  // in bounded batches, each its own transaction
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            auto stale = store::stale_participations(tx.sql(), cutoff, 500);
            std::set<std::string> touched;
            for (const auto& r : stale) {
                // Closed at the last moment we knew the user was there, not now; a heartbeat that
                // arrived since the read keeps the row open.
                if (store::close_stale_participation(tx.sql(), r.id, r.last_seen, cutoff)) {
                    ++closed;
                    touched.insert(r.session_id);
                }
            }
            for (const auto& s : touched) store::recount_participants(tx.sql(), s);
            tx.commit();
            if (stale.size() < 500) break;
        }
        return closed;
    });
}

Status AttendanceService::schedule_sweep() {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        if (!store::any_live_session(tx.sql())) return ok_status();
        store::enqueue_once(tx.sql(), infra::new_uuid(), kSweepJob, ctx_.clock.now(), ctx_.clock.now());
        tx.commit();
        ctx_.jobs_enqueued();
        return ok_status();
    });
}

// ---------------------------------------------------------------- summaries

Status AttendanceService::run_job(const std::string& job_tenant_id, const std::string& payload) {
    boost::json::error_code ec;
    auto v = boost::json::parse(payload, ec);
    const boost::json::value* sid = (!ec && v.is_object()) ? v.as_object().if_contains("session_id") : nullptr;
    if (!sid || !sid->is_string()) return Error::invalid("calculate_attendance needs {\"session_id\": \"...\"}");
    std::string tenant = job_tenant_id;
    if (auto* t = v.as_object().if_contains("tenant_id"); t && t->is_string()) tenant = std::string(t->as_string());
    return calculate(tenant, std::string(sid->as_string()));
}

Status AttendanceService::calculate(const std::string& tenant_id, const std::string& session_id) {
    return guarded([&]() -> Status {
        // Summaries are read straight from the database by every report: no cache to refresh.
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        // Locked: the job and an instructor's recalculation must not interleave their rewrites.
        auto s = store::find_session(tx.sql(), tenant_id, session_id, /*for_update=*/true);
        if (!s) return Error::not_found("session " + session_id + " no longer exists");
        const EffectivePolicy policy = sessions_.effective_policy(tx.sql(), *s);
        const SessionWindow w = window_of(*s, ctx_.clock.now());
        const auto activity = store::provider_activity(tx.sql(), session_id);
        // Enrolled students who never joined get an absent row, not none.
        auto students = store::enrolled_student_ids(tx.sql(), s->course_id);
        std::unordered_set<std::string> absent(students.begin(), students.end());
        // One user at a time, written as computed: memory stays flat however big the class.
        store::SummaryWriter out(tx.sql(), session_id);
        auto write = [&](const std::string& user, const std::vector<PresenceInterval>& intervals) {
            AttendanceSummary a = summarize_attendance(intervals, w, policy);
            if (auto it = activity.find(user); it != activity.end())
                a.engagement_score = engagement_score(a, it->second);
            a.id = infra::new_uuid();
            a.session_id = session_id;
            a.user_id = user;
            out.add(a);
        };
        store::for_each_user_presence(tx.sql(), session_id,
                                      [&](const std::string& user, std::vector<PresenceInterval>& intervals) {
                                          absent.erase(user);
                                          write(user, intervals);
                                      });
        for (const auto& student : students)
            if (absent.count(student)) write(student, {});
        out.finish();
        tx.commit();
        return ok_status();
    });
}

Result<SessionAttendance> AttendanceService::recalculate(const Principal& p, const std::string& session_id) {
    {
        auto allowed = guarded([&]() -> Status {
            store::Conn c(ctx_.db);
            auto l = sessions_.load(c.sql(), p, session_id);
            if (!l) return l.take_error();
            if (!sees_everyone(l->actor)) return managers_only("or recalculate the attendance");
            if (l->session.status != SessionStatus::kEnded)
                return Error::conflict(std::string("the class has not ended (") + to_string(l->session.status) +
                                       "): attendance is computed once it ends");
            return ok_status();
        });
        if (!allowed) return allowed.take_error();
    }
    if (auto st = calculate(p.tenant.id, session_id); !st) return st.take_error();
    return session_report(p, session_id, false);
}

// ---------------------------------------------------------------- reports

Result<SessionAttendance> AttendanceService::session_report(const Principal& p, const std::string& session_id,
                                                            bool explain) {
    return guarded([&]() -> Result<SessionAttendance> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        const bool everyone = sees_everyone(l->actor);
        store::AttendanceFilter f;
        if (!everyone) f.user_id = p.user.id;
        f.limit = 1000000;  // one class: every row
        SessionAttendance out;
        out.session = l->session;
        for (auto& r : store::attendance_rows(c.sql(), p.tenant.id, session_id, f))
            out.rows.push_back(AttendanceRowView{std::move(r), {}});
        out.calculated = l->session.status == SessionStatus::kEnded && !out.rows.empty();
        if (!explain || out.rows.empty()) return out;
        const std::optional<std::string> only = everyone ? std::nullopt : std::optional<std::string>(p.user.id);
        auto rows = store::list_participants(c.sql(), session_id, only);
        auto spans = store::background_spans(c.sql(), session_id, only);
        std::map<std::string, std::string> owner;  // participant id -> user id
        std::map<std::string, std::vector<AttendanceInterval>> by_user;
        for (const auto& r : rows) {
            owner[r.id] = r.user_id;
            by_user[r.user_id].push_back(
                AttendanceInterval{"present", r.id, r.joined_at, r.left_at, r.end_reason, r.device_type});
            if (r.hidden_since)
                by_user[r.user_id].push_back(
                    AttendanceInterval{"background", r.id, *r.hidden_since, r.left_at, "", ""});
        }
        for (const auto& b : spans)
            if (auto it = owner.find(b.participant_id); it != owner.end())
                by_user[it->second].push_back(
                    AttendanceInterval{"background", b.participant_id, b.started_at, b.ended_at, "", ""});
        for (auto& v : out.rows) {
            auto& list = by_user[v.row.summary.user_id];
            std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
                return a.from != b.from ? a.from < b.from : a.kind > b.kind;  // present before background
            });
            v.intervals = std::move(list);
        }
        return out;
    });
}

Result<Page<store::AttendanceReportRow>> AttendanceService::course_report(const Principal& p,
                                                                          const std::string& course_id,
                                                                          store::AttendanceFilter f) {
    return guarded([&]() -> Result<Page<store::AttendanceReportRow>> {
        store::Conn c(ctx_.db);
        if (!store::find_course(c.sql(), p.tenant.id, course_id)) return Error::not_found("course not found");
        if (!p.is_admin() && !store::course_access(c.sql(), course_id, p.user.id).is_instructor)
            return Error::denied("only the course's instructors and admins can see its attendance report");
        f.course_id = course_id;
        Page<store::AttendanceReportRow> page;
        page.items = store::attendance_rows(c.sql(), p.tenant.id, "", f, &page.total);
        return page;
    });
}

Result<Page<store::AttendanceReportRow>> AttendanceService::user_history(const Principal& p, const std::string& user_id,
                                                                         store::AttendanceFilter f) {
    return guarded([&]() -> Result<Page<store::AttendanceReportRow>> {
        store::Conn c(ctx_.db);
        if (user_id != p.user.id) {
            if (!p.is_admin()) return Error::denied("you can see only your own attendance history");
            if (!store::find_user(c.sql(), p.tenant.id, user_id)) return Error::not_found("user not found");
        }
        f.user_id = user_id;
        Page<store::AttendanceReportRow> page;
        page.items = store::attendance_rows(c.sql(), p.tenant.id, "", f, &page.total);
        return page;
    });
}

Result<LiveRoster> AttendanceService::roster(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<LiveRoster> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        // The people who may remove or mute someone see who is there (a student sees only the room).
        if (!has_moderator_rights(l->actor))
            return Error::denied("only the class's instructors, moderators and admins can see who is in the room");
        LiveRoster out;
        out.participants = store::live_roster(c.sql(), p.tenant.id, session_id);
        out.session = std::move(l->session);
        return out;
    });
}

Result<AttendanceTimeline> AttendanceService::timeline(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<AttendanceTimeline> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        if (!sees_everyone(l->actor)) return managers_only("the class timeline");
        AttendanceTimeline out;
        out.session = l->session;
        if (!l->session.actual_start) return out;  // never started: no minutes yet
        auto by_user = intervals_by_user(store::list_participants(c.sql(), session_id),
                                         store::background_spans(c.sql(), session_id));
        std::vector<std::vector<PresenceInterval>> users;
        users.reserve(by_user.size());
        for (auto& [user, intervals] : by_user) users.push_back(std::move(intervals));
        const SessionWindow w = window_of(l->session, ctx_.clock.now());
        out.minutes = attendance_timeline(users, w);
        for (const auto& m : out.minutes) out.peak_present = std::max(out.peak_present, m.present);

        domain::CoachingInput coach{out.minutes,
                                    w.actual_start.value_or(w.scheduled_start),
                                    w.actual_end.value_or(w.scheduled_end),
                                    {},
                                    false,
                                    /*ended=*/l->session.status != SessionStatus::kLive};
        if (l->session.status == SessionStatus::kEnded) {
            // The enrolled students' summaries (absent ones have a row too); none yet: the job is to come.
            const auto enrolled = store::enrolled_student_ids(c.sql(), l->session.course_id);
            const std::unordered_set<std::string> students(enrolled.begin(), enrolled.end());
            const auto activity = store::provider_activity(c.sql(), session_id);
            coach.activity_reported = !activity.empty();
            store::AttendanceFilter f;
            f.limit = 1000000;  // one class: every row
            for (auto& r : store::attendance_rows(c.sql(), p.tenant.id, session_id, f)) {
                out.people_judged = true;  // the summaries are computed (a class may have no students)
                if (!students.count(r.summary.user_id)) continue;
                auto a = activity.find(r.summary.user_id);
                coach.students.push_back(domain::StudentOutcome{
                    std::move(r.summary), a == activity.end() ? std::nullopt : std::optional(a->second)});
            }
        }
        out.minutes_judged = static_cast<int>(domain::judged_minutes(coach));
        out.insights = domain::coach_class(coach);
        find_in_recordings(c.sql(), p.tenant.id, session_id, out.insights);
        return out;
    });
}

}  // namespace lc::services
