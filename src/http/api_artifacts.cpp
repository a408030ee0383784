// A class's artifacts (seed 2.5, 7.3, 7.4): the list, signed download links (each an audit row, seed
// 9.5), the download itself, and deleting one.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "http/body_reader.hpp"
#include "http/handler_support.hpp"
#include "services/artifact_service.hpp"

namespace lc::http {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using services::Principal;

namespace {

/// The content is left out: it is downloaded through a signed link.
json::object artifact_json(const domain::Artifact& a) {
    boost::system::error_code ec;
    json::value metadata = json::parse(a.metadata, ec);
    if (ec || !metadata.is_object()) metadata = json::object{};
    return json::object{
        {"id", a.id},       {"session_id", a.session_id},      {"type", domain::to_string(a.type)},
        {"title", a.title}, {"metadata", std::move(metadata)}, {"created_at", format_iso8601(a.created_at)}};
}

/// The body of POST .../artifacts/chat/: {"sent_at", "messages": [{"timestamp", "sender", "message"}, ...]},
/// 1 to 200 lines, each checked with its own per-field errors ("messages.3.sender").
struct ChatBody {
    std::vector<domain::TimedChatMessage> lines;
    std::optional<UnixTime> sent_at;  // the page's clock when it sent them
};
Result<ChatBody> chat_body(const std::string& text) {
    auto body = parse_json_object(text);
    if (!body) return body.take_error();
    BodyReader r(*body);
    ChatBody out;
    out.sent_at = r.datetime("sent_at");
    auto& lines = out.lines;
    r.skip("messages");
    const json::value* list = body->if_contains("messages");
    if (!list) {
        r.add_error("messages", "is required");
    } else if (!list->is_array() || list->get_array().empty() || list->get_array().size() > 200) {
        r.add_error("messages", "must be an array of 1 to 200 {timestamp, sender, message} objects");
    } else {
        const auto& items = list->get_array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string at = "messages." + std::to_string(i);
            if (!items[i].is_object()) {
                r.add_error(at, "must be an object {timestamp, sender, message}");
                continue;
            }
            BodyReader item(items[i].get_object(), at + ".");
            for (const char* name : {"timestamp", "sender", "message"}) item.require(name);
            auto when = item.datetime("timestamp");
            auto sender = item.string("sender", 200);
            auto message = item.string("message", 20000);
            if (sender && sender->empty()) item.add_error("sender", "must not be empty");
            if (message && message->empty()) item.add_error("message", "must not be empty");
            auto errors = item.finish();
            if (errors.empty())
                lines.push_back(domain::TimedChatMessage{*when, std::move(*sender), std::move(*message)});
            for (auto& e : errors) r.add_error(e.field, e.detail);
        }
    }
    auto errors = r.finish();
    if (!errors.empty()) return Error::invalid("the chat messages are not valid", std::move(errors));
    return out;
}

}  // namespace

void Api::register_artifact_routes() {
    auto* artifacts = s_.artifacts;
    if (!artifacts) return;
    const std::string base = "/api/v1/live-sessions/{id}/artifacts/";
    router_.add("GET", base, authed([artifacts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto list = artifacts->list(p, id->session);
                    if (!list) return fail(c, list.error());
                    json::array results;
                    for (const auto& a : *list) results.push_back(artifact_json(a));
                    return send(c, 200,
                                json::object{{"count", static_cast<std::int64_t>(list->size())},
                                             {"results", std::move(results)}});
                }));
    router_.add("GET", base + "{aid}/download/", authed([artifacts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "artifact id");
                    if (!id) return fail(c, id.error());
                    return reply(c, artifacts->download_link(p, id->session, id->item, c.meta()), 200,
                                 [](const services::ArtifactLink& l) {
                                     return json::object{{"url", l.url}, {"expires_at", format_iso8601(l.expires_at)}};
                                 });
                }));
    router_.add("DELETE", base + "{aid}/", authed([artifacts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, "artifact id");
                    if (!id) return fail(c, id.error());
                    auto r = artifacts->remove(p, id->session, id->item, c.meta());
                    return r ? no_content(c) : fail(c, r.error());
                }));
    router_.add("POST", base + "chat/", authed([artifacts](RequestContext& c, const Principal& p) {
                    auto id = session_item_ids(c, nullptr);
                    if (!id) return fail(c, id.error());
                    auto body = chat_body(c.req.body());
                    if (!body) return fail(c, body.error());
                    return reply(c, artifacts->record_chat(p, id->session, std::move(body->lines), body->sent_at), 200,
                                 [](const services::ChatUpload& u) {
                                     return json::object{{"added", static_cast<std::int64_t>(u.added)},
                                                         {"artifact", artifact_json(u.artifact)}};
                                 });
                }));
    // Opened by the browser itself (no bearer header): the sealed token is the credential.
    router_.add("GET", "/api/v1/artifacts/download/{token}/", [artifacts](RequestContext& c) {
        if (auto st = only_known_params(c, {}, "this link takes no query parameters"); !st) return fail(c, st.error());
        auto file = artifacts->open_link(c.params.at(0));
        if (!file) return fail(c, file.error());
        return attachment(c, file->content_type, file->file_name, std::move(file->body));
    });
}

}  // namespace lc::http
