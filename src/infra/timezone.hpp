#pragma once
// Wall-clock time in an IANA zone, for showing class times to people (e-mails, push texts). Backed by
// libical's zone tables (the system's tzdata); GCC 12 has no std::chrono time-zone database.
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

struct LocalTime {
    int year = 0, month = 0, day = 0;  // month 1-12
    int hour = 0, minute = 0;
    int weekday = 0;  // 0 = Sunday
    int utc_offset_seconds = 0;
};

/// `t` on the wall clock of `tzid` ("Europe/Istanbul", "UTC"); InvalidArgument for an unknown zone.
Result<LocalTime> to_local_time(UnixTime t, std::string_view tzid);

}  // namespace lc::infra
