#pragma once
// Recurring classes (issue 6): the series row; its occurrences are live_sessions rows with series_id.
#include <soci/soci.h>

#include <optional>
#include <string>

#include "core/clock.hpp"

namespace lc::store {

struct Series {
    std::string id;
    std::string tenant_id;
    std::string course_id;
    std::optional<std::string> created_by;
    std::string title;
    std::string description;
    std::string rrule;     // normalised RFC 5545 rule, always with COUNT or UNTIL
    std::string timezone;  // IANA zone the rule expands in
    UnixTime first_start = 0;
    int duration_seconds = 3600;
    int sequence = 0;
    UnixTime created_at = 0;
    UnixTime updated_at = 0;
};

void insert_series(soci::session& sql, const Series& s);
void update_series(soci::session& sql, const Series& s);
std::optional<Series> find_series(soci::session& sql, const std::string& tenant_id, const std::string& id,
                                  bool for_update = false);

}  // namespace lc::store
