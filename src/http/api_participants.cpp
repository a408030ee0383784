// Who is in a class's room now, for the instructor's attendance panel: a JSON snapshot, and the same
// snapshot as a Server-Sent Events stream that sends it again whenever it changes.
#include <boost/json.hpp>

#include "domain/session_rules.hpp"
#include "http/api.hpp"
#include "http/attendance_json.hpp"
#include "http/handler_support.hpp"
#include "http/sse.hpp"

namespace lc::http {

namespace json = boost::json;
using services::Principal;

namespace {

using domain::is_over;

std::string ended_data(const services::LiveRoster& r) {
    return json::serialize(json::object{{"status", to_string(r.session.status)}});
}

/// One poll of a participants stream.
SsePoll roster_poll(const Result<services::LiveRoster>& r) {
    SsePoll out;
    if (!r) {
        // A database that is briefly away: keep the stream and try again. Anything else (the class is
        // gone, the caller lost the right to see it) ends the stream; reconnecting shows why.
        out.kind = r.error().code == Code::kUnavailable ? SsePoll::Kind::kSkip : SsePoll::Kind::kClose;
        return out;
    }
    if (is_over(r->session.status)) {
        out.kind = SsePoll::Kind::kFinal;
        out.event = "ended";
        out.data = ended_data(*r);
        return out;
    }
    out.kind = SsePoll::Kind::kState;
    out.event = "participants";
    out.data = json::serialize(to_json(*r));
    return out;
}

}  // namespace

void Api::register_participant_routes() {
    router_.add("GET", "/api/v1/live-sessions/{id}/participants/",
                authed([this](RequestContext& c, const Principal& p) {
                    if (auto st = only_known_params(c, {}, "this takes no query parameters"); !st)
                        return fail(c, st.error());
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    return reply(c, s_.attendance.roster(p, *id), 200, [](const auto& r) { return to_json(r); });
                }));

    // The same snapshot as an event stream (text/event-stream). Authentication, authorisation and the
    // first snapshot happen here, on the handler pool, so every refusal is an ordinary problem answer;
    // then the connection keeps the stream on its event loop and an SsePoller re-reads the snapshot.
    //
    // Changes are found by polling the database every LIVE_SSE_POLL_MS, on purpose: joins, leaves and
    // heartbeats may be written by any of several server processes sharing one PostgreSQL database, and
    // a poll sees them all without a pub/sub channel between the processes (LISTEN/NOTIFY, Redis).
    router_.add("GET", "/api/v1/live-sessions/{id}/participants/stream/",
                authed([this](RequestContext& c, const Principal& p) {
                    if (auto st = only_known_params(c, {}, "this takes no query parameters"); !st)
                        return fail(c, st.error());
                    auto id = path_id(c, 0);
                    if (!id) return fail(c, id.error());
                    c.session_id = *id;
                    auto first = s_.attendance.roster(p, *id);
                    if (!first) return fail(c, first.error());
                    const std::string data = json::serialize(to_json(*first));
                    std::string opening = sse_retry(3000) + sse_event("participants", data, sse_state_id(data));
                    std::shared_ptr<SsePoller> source;
                    if (is_over(first->session.status)) {
                        opening += sse_event("ended", ended_data(*first));  // nothing more will change
                    } else {
                        SseOptions opt;
                        opt.poll = std::chrono::milliseconds(opt_.sse_poll_ms);
                        opt.keepalive = std::chrono::milliseconds(opt_.sse_keepalive_ms);
                        // Each poll checks the caller's rights again (a removed moderator stops seeing the room).
                        auto poll = [this, principal = c.principal, session_id = *id] {
                            return roster_poll(s_.attendance.roster(*principal, session_id));
                        };
                        source = std::make_shared<SsePoller>(opt, c.offload, std::move(poll), data);
                    }
                    return open_event_stream(c, std::move(opening), std::move(source));
                }));
}

}  // namespace lc::http
