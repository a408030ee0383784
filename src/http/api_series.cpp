// Recurring classes (issue 6): a series of live sessions from an RFC 5545 rule.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "http/handler_support.hpp"

namespace lc::http {

namespace json = boost::json;
using services::Principal;

namespace {

json::object series_json(const services::SeriesView& v) {
    const auto& s = v.series;
    json::array occurrences;
    for (const auto& o : v.occurrences)
        occurrences.push_back(
            json::object{{"id", o.id},
                         {"title", o.title},
                         {"status", domain::to_string(o.status)},
                         {"scheduled_start", format_iso8601(o.scheduled_start)},
                         {"scheduled_end", format_iso8601(o.scheduled_end)},
                         {"recurrence_start",
                          o.recurrence_start ? json::value(format_iso8601(*o.recurrence_start)) : json::value(nullptr)},
                         {"sequence", o.sequence}});
    json::object out{{"id", s.id},
                     {"course_id", s.course_id},
                     {"title", s.title},
                     {"description", s.description},
                     {"rrule", s.rrule},
                     {"timezone", s.timezone},
                     {"first_start", format_iso8601(s.first_start)},
                     {"duration_minutes", s.duration_seconds / 60},
                     {"sequence", s.sequence},
                     {"created_by", s.created_by ? json::value(*s.created_by) : json::value(nullptr)},
                     {"created_at", format_iso8601(s.created_at)},
                     {"updated_at", format_iso8601(s.updated_at)},
                     {"occurrences", std::move(occurrences)}};
    if (v.continued_by) out["continued_by"] = *v.continued_by;
    return out;
}

/// ?from= on DELETE: the first class to cancel (default: now).
Result<std::optional<UnixTime>> from_param(RequestContext& c) {
    if (auto st = only_known_params(c, {"from"}, "only from= is accepted"); !st) return st.take_error();
    std::optional<UnixTime> from;
    std::vector<FieldError> errs;
    if (auto it = c.query.find("from"); it != c.query.end()) time_param("from", it->second, from, errs);
    if (!errs.empty()) return bad_query(errs);
    return from;
}

}  // namespace

void Api::register_series_routes() {
    auto* series = s_.series;
    if (!series) return;
    router_.add("POST", "/api/v1/live-series/", authed([series](RequestContext& c, const Principal& p) {
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::SeriesInput in;
                    read_session_fields(r, in.session, /*with_times=*/false);
                    in.rrule = r.string("rrule", 500);
                    in.timezone = r.string("timezone", 64);
                    in.first_start = r.datetime("first_start");
                    in.duration_minutes = r.integer("duration_minutes", 1, 1440);
                    if (auto st = check_fields(r, "the series"); !st) return fail(c, st.error());
                    return reply(c, series->create(p, in, c.meta()), 201, series_json);
                }));
    router_.add("GET", "/api/v1/live-series/{id}/", authed([series](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    return reply(c, series->get(p, *id), 200, series_json);
                }));
    router_.add("PATCH", "/api/v1/live-series/{id}/", authed([series](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto body = body_object(c);
                    if (!body) return fail(c, body.error());
                    BodyReader r(*body);
                    services::SeriesEdit edit;
                    edit.from = r.datetime("from");
                    edit.title = r.string("title", 100000);
                    edit.description = r.string("description", 10000);
                    edit.rrule = r.string("rrule", 500);
                    edit.first_start = r.datetime("first_start");
                    edit.duration_minutes = r.integer("duration_minutes", 1, 1440);
                    if (auto st = check_fields(r, "the series change"); !st) return fail(c, st.error());
                    return reply(c, series->update(p, *id, edit, c.meta()), 200, series_json);
                }));
    router_.add("DELETE", "/api/v1/live-series/{id}/", authed([series](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto from = from_param(c);
                    if (!from) return fail(c, from.error());
                    return reply(c, series->cancel_from(p, *id, *from, c.meta()), 200, series_json);
                }));
    router_.add("GET", "/api/v1/live-series/{id}/calendar/", authed([series](RequestContext& c, const Principal& p) {
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    auto ics = series->calendar(p, *id);
                    if (!ics) return fail(c, ics.error());
                    return calendar_response(c, std::move(ics.value()), "live-series-" + *id + ".ics");
                }));
}

}  // namespace lc::http
