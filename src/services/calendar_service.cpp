#include "services/calendar_service.hpp"

#include <map>

#include "infra/crypto.hpp"
#include "store/notification_repo.hpp"

namespace lc::services {

using domain::LiveSession;
using domain::SessionStatus;

namespace {

/// Feed tokens: 32 random bytes, hex. Only their SHA-256 is stored.
constexpr std::size_t kFeedTokenBytes = 32;

std::string feed_token_hash(const std::string& token) { return infra::sha256_hex("calendar-feed:" + token); }

}  // namespace

infra::CalendarEvent CalendarService::event_for(soci::session& sql, const LiveSession& s,
                                                const std::string& course_title,
                                                std::map<std::string, std::string>* names) {
    infra::CalendarEvent e;
    e.uid = s.id + "@liveclass";
    e.start = s.scheduled_start;
    e.end = s.scheduled_end;
    // DTSTAMP/LAST-MODIFIED from the row, not the clock: an unchanged class renders the same bytes,
    // so calendars polling a feed see nothing new (and the ETag holds).
    e.stamp = s.updated_at;
    e.last_modified = s.updated_at;
    e.summary = s.title;
    const std::string url = session_url(s.id);
    e.description = s.description;
    if (!course_title.empty()) e.description += (e.description.empty() ? "" : "\n\n") + course_title;
    e.description += (e.description.empty() ? "" : "\n") + url;
    e.url = url;
    e.location = url;
    e.sequence = s.sequence;
    e.status = s.status == SessionStatus::kCancelled ? infra::CalendarEvent::Status::kCancelled
               : s.status == SessionStatus::kDraft   ? infra::CalendarEvent::Status::kTentative
                                                     : infra::CalendarEvent::Status::kConfirmed;
    // The teacher's name with the school's sender address: calendar files travel far (shared, synced,
    // forwarded), and a teacher's own address need not travel with them.
    e.organizer_email = options_.organizer_email;
    if (s.created_by) {
        std::map<std::string, std::string> local;
        auto& cache = names ? *names : local;
        auto [it, fresh] = cache.try_emplace(*s.created_by);
        if (fresh)
            if (auto organizer = store::find_user(sql, s.tenant_id, *s.created_by)) it->second = organizer->full_name;
        e.organizer_name = it->second;
    }
    if (s.status != SessionStatus::kCancelled && options_.alarm_minutes > 0)
        e.alarms.push_back({options_.alarm_minutes, s.title});
    return e;
}

Result<std::string> CalendarService::session_calendar(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<std::string> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        std::string course_title;
        if (auto course = store::find_course(c.sql(), p.tenant.id, l->session.course_id)) course_title = course->title;
        infra::CalendarOptions o;
        o.method = "PUBLISH";
        return infra::render_calendar({event_for(c.sql(), l->session, course_title)}, o);
    });
}

std::string CalendarService::notice_calendar(const LiveSession& s, const std::string& course_title) {
    auto r = guarded([&]() -> Result<std::string> {
        store::Conn c(ctx_.db);
        infra::CalendarOptions o;
        o.method = "PUBLISH";
        return infra::render_calendar({event_for(c.sql(), s, course_title)}, o);
    });
    return r ? r.value() : std::string();  // the e-mail still goes out without its attachment
}

Result<FeedInfo> CalendarService::create_feed(const Principal& p) {
    return guarded([&]() -> Result<FeedInfo> {
        std::string token = infra::random_hex(kFeedTokenBytes);
        store::CalendarFeed f;
        f.id = infra::new_uuid();
        f.tenant_id = p.tenant.id;
        f.user_id = p.user.id;
        f.token_hash = feed_token_hash(token);
        f.created_at = ctx_.clock.now();
        store::Tx tx(ctx_.db);
        store::revoke_calendar_feeds(tx.sql(), p.user.id, f.created_at);
        store::insert_calendar_feed(tx.sql(), f);
        tx.commit();
        return FeedInfo{true, options_.public_url + "/api/v1/calendar/feed/" + token + ".ics", f.created_at, {}};
    });
}

Result<FeedInfo> CalendarService::feed_info(const Principal& p) {
    return guarded([&]() -> Result<FeedInfo> {
        store::Conn c(ctx_.db);
        auto f = store::find_active_feed(c.sql(), p.user.id);
        if (!f) return FeedInfo{};
        return FeedInfo{true, "", f->created_at, f->last_used_at};
    });
}

Status CalendarService::revoke_feed(const Principal& p) {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db);
        if (store::revoke_calendar_feeds(tx.sql(), p.user.id, ctx_.clock.now()) == 0)
            return Error::not_found("you have no calendar feed to revoke");
        tx.commit();
        return ok_status();
    });
}

Result<std::string> CalendarService::feed(const std::string& token) {
    return guarded([&]() -> Result<std::string> {
        const Error unknown = Error::not_found(
            "no such calendar feed (it may have been revoked; make a new one in "
            "your notification settings)");
        if (token.empty() || token.size() > 128) return unknown;
        const UnixTime now = ctx_.clock.now();
        store::Conn c(ctx_.db);
        auto f = store::find_active_feed_by_hash(c.sql(), feed_token_hash(token));
        if (!f) return unknown;
        auto user = store::find_user(c.sql(), f->tenant_id, f->user_id);
        if (!user || !user->is_active) return unknown;
        store::SessionFilter filter;
        filter.visible_to = user->id;
        filter.from = now - std::int64_t{options_.feed_past_days} * 86400;
        filter.to = now + std::int64_t{options_.feed_future_days} * 86400;
        filter.limit = 2000;
        std::vector<infra::CalendarEvent> events;
        std::map<std::string, std::string> course_titles, organizer_names;
        for (const auto& s : store::list_sessions(c.sql(), f->tenant_id, filter, nullptr)) {
            if (s.status == SessionStatus::kDraft) continue;  // not announced yet
            auto [it, fresh] = course_titles.try_emplace(s.course_id);
            if (fresh)
                if (auto course = store::find_course(c.sql(), s.tenant_id, s.course_id)) it->second = course->title;
            events.push_back(event_for(c.sql(), s, it->second, &organizer_names));
        }
        // Last use is kept to the hour: a poll every few minutes need not write each time.
        if (!f->last_used_at || *f->last_used_at / 3600 != now / 3600) store::touch_calendar_feed(c.sql(), f->id, now);
        infra::CalendarOptions o;
        o.method = "PUBLISH";
        o.name = user->full_name.empty() ? "liveclass" : "liveclass — " + user->full_name;
        o.refresh_minutes = options_.feed_refresh_minutes;
        return infra::render_calendar(events, o);
    });
}

}  // namespace lc::services
