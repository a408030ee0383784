#pragma once
// Seed 9.4 (KVKK) data-subject rights and retention: everything stored about one user as JSON, the
// anonymisation that erasure performs, and the periodic purge of old personal data.
#include <soci/soci.h>

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace lc::store {

/// Every row that names the user, section by section (profile without the password hash;
/// enrolments; courses taught; participations with devices and address hashes; background spans;
/// activity; attendance summaries; audit rows by or about the user; notification settings, push
/// subscriptions, calendar feeds and the notices sent to them).
boost::json::object export_user_data(soci::session& sql, const std::string& tenant_id, const std::string& user_id);

/// What erasure changed, for the audit row and the answer.
struct ErasureCounts {
    long long participations = 0;
    long long audit_rows = 0;
    long long webhook_events = 0;
};
/// Anonymises the user in place: e-mail, name, password, external id and locale replaced, account
/// deactivated; address hashes, devices and browsers cleared from participations and from audit
/// rows the user caused; processed provider webhook bodies that mention any of `needles` (e-mail,
/// user id, name; compared without case) blanked; push subscriptions, calendar feeds and notification
/// settings deleted. Attendance summaries, participation times, notice delivery records and
/// enrolments stay (aggregate attendance is kept, no longer linked to a person).
ErasureCounts erase_user(soci::session& sql, const std::string& tenant_id, const std::string& user_id,
                         const std::vector<std::string>& needles);

struct RetentionDays {
    int participants = 365;   // device, browser and address hash of participations of ended classes
    int webhook_events = 30;  // provider deliveries (bodies name people)
    int audit = 730;
};
struct PurgeCounts {
    long long participations = 0;
    long long notifications = 0;  // delivery records of notices older than the participant retention
    long long webhook_events = 0;
    long long audit_rows = 0;
};
/// One retention pass at `now` (0 days = keep for ever).
PurgeCounts purge_expired(soci::session& sql, const RetentionDays& days, UnixTime now);

}  // namespace lc::store
