#include "infra/timezone.hpp"

#include <libical/ical.h>

#include <mutex>
#include <string>

#include "infra/ical.hpp"

namespace lc::infra {

namespace {
// libical loads zone tables lazily into shared state; one lock keeps concurrent workers off it.
std::mutex& zone_mutex() {
    static std::mutex mu;
    return mu;
}
}  // namespace

Result<LocalTime> to_local_time(UnixTime t, std::string_view tzid) {
    // Only well-formed IANA names reach libical: it opens <zoneinfo>/<name> for names it does not list,
    // so "../../etc/passwd" or a FIFO must never get that far.
    if (!is_known_timezone(tzid))
        return Error::invalid("unknown time zone \"" + std::string(tzid).substr(0, 64) +
                              "\"; use an IANA name such as Europe/Istanbul");
    std::lock_guard<std::mutex> lock(zone_mutex());
    icaltimezone* zone = nullptr;
    if (tzid == "UTC" || tzid == "Etc/UTC")
        zone = icaltimezone_get_utc_timezone();
    else
        zone = icaltimezone_get_builtin_timezone(std::string(tzid).c_str());
    if (!zone)
        return Error::invalid("unknown time zone \"" + std::string(tzid) +
                              "\"; use an IANA name such as Europe/Istanbul");
    icaltimetype local = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, zone);
    LocalTime out;
    out.year = local.year;
    out.month = local.month;
    out.day = local.day;
    out.hour = local.hour;
    out.minute = local.minute;
    out.weekday = icaltime_day_of_week(local) - 1;  // libical: 1 = Sunday
    int dst = 0;
    out.utc_offset_seconds = icaltimezone_get_utc_offset(zone, &local, &dst);
    return out;
}

}  // namespace lc::infra
