#pragma once
// What every route handler uses: JSON and problem answers, path ids, bodies, query filters and
// pagination. Shared by the handler files of the API (api.cpp, api_ops.cpp, api_notifications.cpp...).
#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/api.hpp"
#include "http/body_reader.hpp"

namespace lc::http {

Response send(RequestContext& c, unsigned status, const boost::json::value& body);
/// A problem document; the error's internal detail is kept for the access log only.
Response fail(RequestContext& c, const Error& e);
Response no_content(RequestContext& c);
/// A private file download (`Cache-Control: private, no-store`) saved under `file_name`.
Response attachment(RequestContext& c, const std::string& content_type, const std::string& file_name, std::string body);

template <class T, class F>
Response reply(RequestContext& c, Result<T>&& r, unsigned status, F&& to) {
    if (!r) return fail(c, r.error());
    return send(c, status, to(r.value()));
}

std::string bearer_of(const RequestContext& c);
Error bad_uuid(const char* what);
/// Path parameter i as a lowercase UUID, or a 400.
Result<std::string> path_id(RequestContext& c, std::size_t i, const char* what = "id");
/// A class's id (path parameter 0, also put in the access log) and, when `item` names what parameter 1 is
/// (e.g. "recording id"), the id of one of the class's things; `item` null: the route has none.
struct SessionItemIds {
    std::string session, item;
};
Result<SessionItemIds> session_item_ids(RequestContext& c, const char* item);
/// The JSON object body (an empty body is an empty object); 400 when it is not JSON.
Result<boost::json::object> body_object(RequestContext& c);
/// 422 with every field error the reader collected.
Status check_fields(BodyReader& r, const char* what);
/// A 400 naming each query parameter that is wrong.
Error bad_query(std::vector<FieldError> errs);
/// ?from= / ?to= as an ISO 8601 time, or an error naming the parameter.
void time_param(const std::string& name, const std::string& value, std::optional<UnixTime>& out,
                std::vector<FieldError>& errs);

struct Paging {
    int page = 1, page_size = 20;
    int offset() const { return (page - 1) * page_size; }
};
/// ?page= and ?page_size= (at most 100).
Result<Paging> paging(RequestContext& c);
/// A 400 naming every query parameter that is not in `known`: a mistyped filter must not silently widen a list.
Status only_known_params(RequestContext& c, std::initializer_list<std::string_view> known, const std::string& hint);
/// {count, page, page_size, next, previous, results}.
boost::json::object page_json(RequestContext& c, const std::string& base, const Paging& p, long long total,
                              boost::json::array results);

/// The policy overrides of a body (`policy` object; null fields inherit).
domain::PolicyOverrides read_policy(BodyReader& r);
/// The fields of a live session a body may carry (create and PATCH; a series' class settings, without
/// the times, which a series takes from its rule).
void read_session_fields(BodyReader& r, services::SessionInput& in, bool with_times);

/// A text/calendar answer with a strong ETag: an unchanged calendar answers If-None-Match with 304.
/// `filename` non-empty: sent as an attachment.
Response calendar_response(RequestContext& c, std::string ics, const std::string& filename);

}  // namespace lc::http
