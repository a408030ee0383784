// Seed 7.2: a Jitsi class's own whiteboard (docs/whiteboard.md): the board and its changes, a stream
// that says when it changed, and its export (each export an audit row, seed 9.5).
#include <boost/json.hpp>
#include <charconv>

#include "domain/board.hpp"
#include "domain/session_rules.hpp"
#include "http/handler_support.hpp"
#include "http/sse.hpp"
#include "services/board_service.hpp"

namespace lc::http {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using services::Principal;

namespace {

/// `fields` as a JSON object with the elements added as "elements". The elements are spliced in as the
/// JSON the board keeps, never parsed again: a full board can be megabytes, loaded by every page of a
/// class at once.
Response with_elements(RequestContext& c, const json::object& fields,
                       const std::vector<providers::BoardElement>& elements) {
    std::size_t size = 64;
    for (const auto& e : elements) size += e.json.size() + 1;
    std::string body = json::serialize(fields);
    body.reserve(body.size() + size);
    body.pop_back();  // the closing brace
    body += fields.empty() ? "\"elements\":[" : ",\"elements\":[";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i) body += ',';
        body += elements[i].json;
    }
    body += "]}";
    Response res{bhttp::status::ok, c.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(c.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

Response board_response(RequestContext& c, const services::BoardView& v) {
    return with_elements(
        c,
        json::object{{"board_id", v.board_id},
                     {"session_id", v.session_id},
                     {"version", v.version},
                     {"can_edit", v.can_edit},
                     {"read_only_reason", v.read_only_reason ? json::value(*v.read_only_reason) : nullptr}},
        v.elements);
}

/// ?since=N: a board version (0 or more).
Result<long long> since_param(RequestContext& c) {
    if (auto st = only_known_params(c, {"since"}, "this takes only ?since=<board version>"); !st)
        return st.take_error();
    auto it = c.query.find("since");
    if (it == c.query.end()) return 0LL;
    long long since = -1;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), since);
    if (ec != std::errc() || end != s.data() + s.size() || since < 0)
        return bad_query({{"since", "must be a board version: a whole number, 0 or more"}});
    return since;
}

/// The body of a change: {"elements": [1 to 500 Excalidraw elements]}, each checked field by field.
Result<std::vector<providers::BoardElement>> change_body(const std::string& text) {
    auto body = parse_json_object(text);
    if (!body) return body.take_error();
    BodyReader r(*body);
    r.skip("elements");
    std::vector<providers::BoardElement> out;
    std::vector<FieldError> errors;
    const json::value* list = body->if_contains("elements");
    if (!list) {
        r.add_error("elements", "is required");
    } else if (!list->is_array() || list->get_array().empty() || list->get_array().size() > domain::kMaxBoardChange) {
        r.add_error("elements",
                    "must be an array of 1 to " + std::to_string(domain::kMaxBoardChange) + " Excalidraw elements");
    } else {
        const auto& items = list->get_array();
        out.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i)
            if (auto e = providers::read_board_element(items[i], "elements." + std::to_string(i) + ".", errors))
                out.push_back(std::move(*e));
    }
    for (auto& e : errors) r.add_error(e.field, e.detail);
    auto all = r.finish();
    if (!all.empty()) return Error::invalid("the board elements are not valid", std::move(all));
    return out;
}

std::string state_data(const services::BoardState& s) { return json::serialize(json::object{{"version", s.version}}); }

}  // namespace

void Api::register_board_routes() {
    auto* boards = s_.boards;
    if (!boards) return;
    const std::string base = "/api/v1/live-sessions/{id}/whiteboard/";
    router_.add("GET", base, authed([boards](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto since = since_param(c);
                    if (!since) return fail(c, since.error());
                    auto board = boards->get(p, id->session, *since);
                    return board ? board_response(c, *board) : fail(c, board.error());
                }));
    router_.add("PATCH", base, authed([boards](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto elements = change_body(c.req.body());
                    if (!elements) return fail(c, elements.error());
                    auto change = boards->change(p, id->session, std::move(*elements));
                    if (!change) return fail(c, change.error());
                    return with_elements(c, json::object{{"version", change->version}}, change->elements);
                }));
    router_.add("GET", base + "export/", authed([boards](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    if (auto st = only_known_params(c, {"format"}, "this takes only ?format=pdf|svg|excalidraw"); !st)
                        return fail(c, st.error());
                    auto f = c.query.find("format");
                    const std::string format = f == c.query.end() ? "pdf" : f->second;
                    services::BoardFormat kind = services::BoardFormat::kPdf;
                    if (format == "svg")
                        kind = services::BoardFormat::kSvg;
                    else if (format == "excalidraw")
                        kind = services::BoardFormat::kExcalidraw;
                    else if (format != "pdf")
                        return fail(c, bad_query({{"format", "must be pdf, svg or excalidraw"}}));
                    auto file = boards->export_file(p, id->session, kind, c.meta());
                    if (!file) return fail(c, file.error());
                    return attachment(c, file->content_type, file->file_name, std::move(file->body));
                }));
    // Says when the board changed (the page then asks GET ?since= for what changed). Polls the board's
    // version like the participant stream polls its roster, so changes written by any server process
    // sharing the database are seen.
    router_.add("GET", base + "stream/", authed([this, boards](RequestContext& c, const Principal& p) {
                    if (auto st = only_known_params(c, {}, "this takes no query parameters"); !st)
                        return fail(c, st.error());
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto first = boards->state(p, id->session);
                    if (!first) return fail(c, first.error());
                    const std::string data = state_data(*first);
                    std::string opening = sse_retry(3000) + sse_event("board", data, sse_state_id(data));
                    std::shared_ptr<SsePoller> source;
                    if (first->over) {
                        opening += sse_event("ended", data);  // nothing more will change
                    } else {
                        SseOptions opt;
                        // A board is drawn on together: its changes are looked for more often than a roster's.
                        opt.poll = std::chrono::milliseconds(std::max(200, opt_.sse_poll_ms / 4));
                        opt.keepalive = std::chrono::milliseconds(opt_.sse_keepalive_ms);
                        // Each poll checks the caller's rights again.
                        auto poll = [boards, principal = c.principal, session_id = id->session] {
                            SsePoll out;
                            auto s = boards->state(*principal, session_id);
                            if (!s) {
                                out.kind =
                                    s.error().code == Code::kUnavailable ? SsePoll::Kind::kSkip : SsePoll::Kind::kClose;
                                return out;
                            }
                            out.kind = s->over ? SsePoll::Kind::kFinal : SsePoll::Kind::kState;
                            out.event = s->over ? "ended" : "board";
                            out.data = state_data(*s);
                            return out;
                        };
                        source = std::make_shared<SsePoller>(opt, c.offload, std::move(poll), data);
                    }
                    return open_event_stream(c, std::move(opening), std::move(source));
                }));
}

}  // namespace lc::http
