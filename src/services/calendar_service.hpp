#pragma once
// Seed 8.3: calendar files. One class as an .ics file, and a personal subscription feed per user
// (a secret, revocable URL that Google, Outlook and Apple calendars poll) listing all their classes.
// Events carry the class page's URL, never a join link: calendars are shared and synced far and wide.
#include <map>
#include <optional>
#include <string>

#include "infra/ical.hpp"
#include "services/context.hpp"
#include "services/session_service.hpp"

namespace lc::services {

struct CalendarServiceOptions {
    std::string public_url;
    int alarm_minutes = 10;   // the VALARM every event carries
    int feed_past_days = 60;  // how far back and ahead a feed reaches
    int feed_future_days = 400;
    int feed_refresh_minutes = 60;  // REFRESH-INTERVAL hint for subscribed calendars
    std::string organizer_email;    // ORGANIZER's address (LIVE_MAIL_FROM); its name is the teacher's
};

struct FeedInfo {
    bool active = false;
    std::string url;  // only when just created: the token is stored hashed and cannot be shown again
    UnixTime created_at = 0;
    std::optional<UnixTime> last_used_at;
};

class CalendarService {
public:
    CalendarService(ServiceContext& ctx, SessionService& sessions, CalendarServiceOptions options)
        : ctx_(ctx), sessions_(sessions), options_(std::move(options)) {}

    /// GET /api/v1/live-sessions/{id}/calendar/: the class as a calendar file (a series member: its
    /// own event; the series file has the RRULE).
    Result<std::string> session_calendar(const Principal& p, const std::string& session_id);
    /// The .ics attached to notice e-mails about `s` (no access check: the caller is the notifier).
    std::string notice_calendar(const domain::LiveSession& s, const std::string& course_title);

    /// POST: a new feed URL (any earlier one stops working).
    Result<FeedInfo> create_feed(const Principal& p);
    Result<FeedInfo> feed_info(const Principal& p);
    /// DELETE: the feed URL stops working.
    Status revoke_feed(const Principal& p);
    /// GET /api/v1/calendar/feed/{token}.ics: the token is the only credential. NotFound when unknown
    /// or revoked.
    Result<std::string> feed(const std::string& token);

    /// The event of one class (stable UID, UTC times, SEQUENCE, STATUS, VALARM). `names`: a cache of
    /// organizer names by user id, for callers rendering many classes.
    infra::CalendarEvent event_for(soci::session& sql, const domain::LiveSession& s, const std::string& course_title,
                                   std::map<std::string, std::string>* names = nullptr);
    std::string session_url(const std::string& session_id) const {
        return options_.public_url + "/sessions/" + session_id;
    }

private:
    ServiceContext& ctx_;
    SessionService& sessions_;
    CalendarServiceOptions options_;
};

}  // namespace lc::services
