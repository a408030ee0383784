#include "services/artifact_service.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/time.hpp"
#include "infra/crypto.hpp"
#include "infra/download.hpp"
#include "infra/json_fields.hpp"
#include "infra/svg_pdf.hpp"
#include "providers/chat_logs.hpp"
#include "providers/whiteboard.hpp"
#include "services/audit.hpp"
#include "services/provider_files.hpp"
#include "services/sealed_links.hpp"
#include "store/artifact_repo.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using infra::text_at;

namespace {
constexpr std::string_view kLinkPrefix = "al1.";

Error artifact_not_found() { return Error::not_found("no such artifact in this live session"); }
Error link_not_ours() {
    return Error::not_found("this download link is not valid; open the class's outputs and choose Download again");
}
Error no_longer_available() { return Error::gone("this class output is no longer available to you"); }

/// The file name a download is saved under: the type and the class, e.g. "chat-<session>.json".
std::string file_name_of(const Artifact& a, std::string_view extension) {
    return std::string(to_string(a.type)) + "-" + a.session_id + std::string(extension);
}

/// True when the artifact's content is a PDF kept as base64 (a whiteboard; its metadata says so).
bool holds_pdf(const Artifact& a) {
    boost::system::error_code ec;
    json::value m = json::parse(a.metadata, ec);
    return !ec && m.is_object() && text_at(m.get_object(), "format") == "pdf";
}

std::string chat_title(ProviderKind provider) {
    switch (provider) {
        case ProviderKind::kZoom:
            return "Zoom chat";
        case ProviderKind::kBbb:
            return "BigBlueButton chat";
        case ProviderKind::kJitsi:
            return "Jitsi chat";
    }
    return "Chat";
}

/// One line of a stored chat log. `at` unknown: the provider named no start for its offsets.
struct ChatLine {
    std::optional<UnixTime> at;
    long long offset_seconds = 0;
    std::string sender, message;
};

/// A chat log's content and metadata (the downloadable JSON of docs/artifacts.md).
void fill_chat(Artifact& a, ProviderKind provider, const std::vector<ChatLine>& lines) {
    json::array out;
    out.reserve(lines.size());
    for (const auto& l : lines)
        out.push_back(json::object{{"timestamp", l.at ? json::value(format_iso8601(*l.at)) : json::value(nullptr)},
                                   {"offset_seconds", l.offset_seconds},
                                   {"sender", l.sender},
                                   {"message", l.message}});
    a.content =
        json::serialize(json::object{{"session_id", a.session_id}, {"title", a.title}, {"messages", std::move(out)}});
    a.metadata = json::serialize(json::object{{"provider", to_string(provider)},
                                              {"message_count", static_cast<std::int64_t>(lines.size())},
                                              {"size_bytes", static_cast<std::int64_t>(a.content.size())}});
}

/// The lines of a stored chat log whose timestamps are known (the room's log always has them).
std::vector<TimedChatMessage> timed_lines(const std::string& content) {
    std::vector<TimedChatMessage> out;
    boost::system::error_code ec;
    json::value v = json::parse(content, ec);
    const json::array* messages = nullptr;
    if (!ec && v.is_object())
        if (auto* m = v.get_object().if_contains("messages"); m && m->is_array()) messages = &m->get_array();
    if (!messages) return out;
    for (const auto& m : *messages) {
        if (!m.is_object()) continue;
        const json::object& o = m.get_object();
        auto at = parse_iso8601(text_at(o, "timestamp"));
        if (!at) continue;
        out.push_back(TimedChatMessage{*at, text_at(o, "sender"), text_at(o, "message")});
    }
    return out;
}

/// The file extension a slide image is saved under, from its first bytes (what the renderer reads);
/// nullptr for anything that is not a PNG, a JPEG or an SVG document.
const char* image_extension(std::string_view bytes) {
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return ".png";
    if (bytes.starts_with("\xff\xd8\xff")) return ".jpg";
    std::string_view head = bytes.substr(0, 4096);
    if (head.starts_with("\xef\xbb\xbf")) head.remove_prefix(3);
    while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
    if (head.starts_with("<") && head.find("<svg") != std::string_view::npos) return ".svg";
    return nullptr;
}

bool write_file(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out.flush());
}

}  // namespace

namespace {
/// Queues an export job of `type` for the tenant's class (retried as kExportAttempts says).
void queue_export(soci::session& sql, const char* type, const std::string& tenant_id, const json::object& payload,
                  UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = tenant_id;
    job.type = type;
    job.max_attempts = ArtifactService::kExportAttempts;
    job.payload = json::serialize(payload);
    store::enqueue_job(sql, job, now);
}
}  // namespace

void queue_chat_export(soci::session& sql, const ChatSource& source, UnixTime now) {
    queue_export(sql, ArtifactService::kChatExportJob, source.tenant_id,
                 json::object{{"tenant_id", source.tenant_id},
                              {"session_id", source.session_id},
                              {"provider", to_string(source.provider)},
                              {"url", source.url},
                              {"source_id", source.source_id},
                              {"started_at", source.started_at}},
                 now);
}

Result<std::vector<Artifact>> ArtifactService::list(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<std::vector<Artifact>> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        std::vector<Artifact> out;
        for (auto& a : store::list_artifacts(c.sql(), p.tenant.id, session_id))
            if (can_see_artifact(l->actor, a.type)) out.push_back(std::move(a));
        return out;
    });
}

Result<ArtifactLink> ArtifactService::download_link(const Principal& p, const std::string& session_id,
                                                    const std::string& artifact_id, const RequestMeta& meta) {
    return guarded([&]() -> Result<ArtifactLink> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto l = sessions_.load(tx.sql(), p, session_id);
        if (!l) return l.take_error();
        auto a = store::find_artifact(tx.sql(), p.tenant.id, session_id, artifact_id);
        if (!a || !can_see_artifact(l->actor, a->type)) return artifact_not_found();
        ArtifactLink link;
        link.expires_at = ctx_.clock.now() + opt_.link_ttl_seconds;
        link.url = opt_.base_url + "/api/v1/artifacts/download/" +
                   seal_link_token(key_, kLinkPrefix,
                                   {{"t", a->tenant_id}, {"a", a->id}, {"u", p.user.id}, {"e", link.expires_at}}) +
                   "/";
        // Seed 9.5: who was handed which class output, when and from where.
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "artifact.download", "live_session_artifact", a->id, meta,
                                                {{"session_id", session_id},
                                                 {"type", to_string(a->type)},
                                                 {"link_expires_at", link.expires_at}}));
        tx.commit();
        return link;
    });
}

Result<ArtifactFile> ArtifactService::open_link(std::string_view token) {
    auto claims = open_link_token(key_, kLinkPrefix, token);
    if (!claims) return link_not_ours();
    std::string tenant, artifact, user;
    UnixTime expires_at = 0;
    try {
        tenant = std::string(claims->at("t").as_string());
        artifact = std::string(claims->at("a").as_string());
        user = std::string(claims->at("u").as_string());
        expires_at = claims->at("e").as_int64();
    } catch (const std::exception&) {
        return link_not_ours();
    }
    if (ctx_.clock.now() >= expires_at)
        return Error::gone("this download link has expired; open the class's outputs and choose Download again");
    return guarded([&]() -> Result<ArtifactFile> {
        store::Conn c(ctx_.db);
        auto a = store::find_artifact_by_id(c.sql(), tenant, artifact);
        if (!a) return Error::gone("this class output was deleted");
        const std::string session_id = a->session_id;
        // The holder is checked again: an account deactivated or a student unenrolled since the link
        // was handed out does not download with it.
        auto t = store::find_tenant(c.sql(), tenant, ctx_.keys.box, /*with_domains=*/false);
        auto u = store::find_user(c.sql(), tenant, user);
        if (!t || !u || !u->is_active) return no_longer_available();
        auto l = sessions_.load(c.sql(), Principal{std::move(*u), std::move(*t)}, session_id);
        if (!l || !can_see_artifact(l->actor, a->type)) return no_longer_available();
        if (holds_pdf(*a)) {
            auto pdf = infra::base64_decode(a->content);
            if (!pdf)
                return Error::unavailable("this class output could not be read", "artifact " + a->id + ": bad base64");
            return ArtifactFile{file_name_of(*a, ".pdf"), "application/pdf", std::move(*pdf)};
        }
        const bool json_content = a->type == ArtifactType::kChat || a->type == ArtifactType::kPoll;
        return ArtifactFile{file_name_of(*a, json_content ? ".json" : ".txt"),
                            json_content ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
                            std::move(a->content)};
    });
}

Status ArtifactService::remove(const Principal& p, const std::string& session_id, const std::string& artifact_id,
                               const RequestMeta& meta) {
    return guarded([&]() -> Status {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto l = sessions_.load(tx.sql(), p, session_id, /*for_update=*/true);
        if (!l) return l.take_error();
        auto a = store::find_artifact(tx.sql(), p.tenant.id, session_id, artifact_id);
        if (!a || !can_see_artifact(l->actor, a->type)) return artifact_not_found();
        if (!can_delete_artifacts(l->actor))
            return Error::denied("only the class's instructors and school admins can delete its outputs");
        store::delete_artifact(tx.sql(), p.tenant.id, a->id);
        store::insert_audit(tx.sql(), audit_row(ctx_, p, "artifact.delete", "live_session_artifact", a->id, meta,
                                                {{"session_id", session_id}, {"type", to_string(a->type)}}));
        tx.commit();
        return ok_status();
    });
}

Result<ChatUpload> ArtifactService::record_chat(const Principal& p, const std::string& session_id,
                                                std::vector<TimedChatMessage> lines, std::optional<UnixTime> sent_at) {
    const UnixTime now = ctx_.clock.now();
    // The page stamped its lines with its own clock: move them onto ours.
    if (sent_at)
        for (auto& m : lines) m.at += now - *sent_at;
    return guarded([&]() -> Result<ChatUpload> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        // Locked: two staff pages uploading at once merge one after the other (PostgreSQL; SQLite's
        // writers take turns anyway).
        auto l = sessions_.load(tx.sql(), p, session_id, /*for_update=*/true);
        if (!l) return l.take_error();
        if (!can_record_chat(l->actor))
            return Error::denied("only the class's instructors, moderators and school admins save its chat");
        const LiveSession& s = l->session;
        if (s.provider != ProviderKind::kJitsi)
            return Error::conflict(
                "this class is not held on Jitsi: its chat is collected from the provider after the class");
        if (s.status != SessionStatus::kLive && s.status != SessionStatus::kEnded)
            return Error::conflict("the class is not running: its chat can be saved while it is live");
        if (s.status == SessionStatus::kEnded && s.actual_end && now > *s.actual_end + 600)
            return Error::conflict("the class ended more than 10 minutes ago: its chat can no longer be added to");
        // Offsets count from the class's start (its scheduled start when it never recorded one).
        const UnixTime start = s.actual_start.value_or(s.scheduled_start);
        const UnixTime last = (s.status == SessionStatus::kEnded && s.actual_end ? *s.actual_end : now) + 300;
        std::vector<FieldError> outside;
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].at < start - 300 || lines[i].at > last)
                outside.push_back({"messages." + std::to_string(i) + ".timestamp",
                                   "is not during the class (check the computer's clock)"});
        if (!outside.empty()) return Error::invalid("the chat messages are not valid", std::move(outside));

        auto existing = store::find_artifact_by_source(tx.sql(), p.tenant.id, session_id, kRoomChatSource);
        std::vector<TimedChatMessage> log = existing ? timed_lines(existing->content) : std::vector<TimedChatMessage>{};
        ChatUpload out;
        out.added = merge_chat_messages(log, lines);
        if (existing && out.added == 0) {
            existing->content.clear();
            out.artifact = std::move(*existing);
            return out;
        }
        if (log.size() > kMaxChatLines)
            return Error::conflict("this class's chat log is full (" + std::to_string(kMaxChatLines) + " messages)");
        Artifact a;
        if (existing) {
            a = std::move(*existing);
        } else {
            a.id = infra::new_uuid();
            a.tenant_id = p.tenant.id;
            a.session_id = session_id;
            a.type = ArtifactType::kChat;
            a.title = chat_title(ProviderKind::kJitsi);
            a.source_id = kRoomChatSource;
            a.created_at = now;
        }
        std::vector<ChatLine> stored;
        stored.reserve(log.size());
        for (auto& m : log)
            stored.push_back(
                ChatLine{m.at, std::max<long long>(0, m.at - start), std::move(m.sender), std::move(m.message)});
        fill_chat(a, ProviderKind::kJitsi, stored);
        if (a.content.size() > kMaxRoomChatBytes)
            return Error::conflict("this class's chat log is full (" + std::to_string(kMaxRoomChatBytes >> 20) +
                                   " MiB)");
        if (existing) {
            store::update_artifact_content(tx.sql(), a);
        } else if (!store::insert_artifact(tx.sql(), a)) {
            // The class's row lock makes this impossible; were it not, the page must send the lines again.
            return Error::unavailable("the chat log was being created by another page; send the lines again");
        }
        tx.commit();
        a.content.clear();  // the answer lists it like the listing does
        out.artifact = std::move(a);
        return out;
    });
}

Status ArtifactService::run_chat_export_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("export_chat_log: the payload is not a JSON object");
    const json::object& o = v.get_object();
    ChatSource src;
    src.tenant_id = text_at(o, "tenant_id");
    src.session_id = text_at(o, "session_id");
    src.url = text_at(o, "url");
    src.source_id = text_at(o, "source_id");
    const auto kind = parse_provider_kind(text_at(o, "provider"));
    if (auto* t = o.if_contains("started_at"); t && t->is_int64()) src.started_at = t->get_int64();
    if (src.tenant_id.empty() || src.session_id.empty() || src.url.empty() || src.source_id.empty() || !kind ||
        *kind == ProviderKind::kJitsi)
        return Error::invalid("export_chat_log: the payload names no Zoom or BigBlueButton chat file");
    src.provider = *kind;
    return guarded([&]() -> Status {
        std::vector<ProviderConfig> configs;
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            if (!store::find_session(c.sql(), src.tenant_id, src.session_id)) return ok_status();  // deleted since
            if (store::has_artifact_from(c.sql(), src.session_id, src.source_id))
                return ok_status();  // exported by an earlier run
            configs = store::list_provider_configs(c.sql(), src.tenant_id, ctx_.keys.box);
        }
        std::vector<std::pair<std::string, std::string>> headers;
        if (auto provider = ctx_.providers.for_kind(configs, src.provider); provider) {
            auto h = (*provider)->download_headers(src.url);
            if (!h) return h.take_error();  // Zoom's token could not be had: retried
            headers = std::move(*h);
        }
        auto text = fetch_file(src.url, std::move(headers), kMaxChatFileBytes, "chat-" + job.id);
        if (!text) return text.take_error();
        auto messages =
            src.provider == ProviderKind::kZoom ? providers::parse_zoom_chat(*text) : providers::parse_bbb_chat(*text);
        if (!messages) return Error::give_up(messages.take_error());  // not a chat file: dead now, for ops to see
        if (messages->empty()) return ok_status();                    // nobody wrote anything everyone could read
        std::vector<ChatLine> lines;
        lines.reserve(messages->size());
        for (auto& m : *messages)
            lines.push_back(
                ChatLine{src.started_at > 0 ? std::optional<UnixTime>(src.started_at + m.offset_seconds) : std::nullopt,
                         m.offset_seconds, std::move(m.sender), std::move(m.message)});
        Artifact a;
        a.id = infra::new_uuid();
        a.tenant_id = src.tenant_id;
        a.session_id = src.session_id;
        a.type = ArtifactType::kChat;
        a.title = chat_title(src.provider);
        a.source_id = src.source_id;
        a.created_at = ctx_.clock.now();
        fill_chat(a, src.provider, lines);
        if (a.content.size() > kMaxChatContentBytes)
            return Error::give_up(Error::invalid("export_chat_log: the chat is too large to keep as one artifact"));
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        if (!store::find_session(tx.sql(), src.tenant_id, src.session_id)) return ok_status();  // deleted meanwhile
        store::insert_artifact(tx.sql(), a);  // false: another worker exported it first
        tx.commit();
        return ok_status();
    });
}

Result<std::string> ArtifactService::fetch_file(const std::string& url,
                                                std::vector<std::pair<std::string, std::string>> headers,
                                                long long max_bytes, const std::string& scratch_name) {
    return fetch_small_file(
        scratch_, SmallFileRequest{url, std::move(headers), max_bytes, scratch_name, opt_.allow_private_sources});
}

void queue_whiteboard_export(soci::session& sql, const WhiteboardSource& source, UnixTime now) {
    queue_export(sql, ArtifactService::kWhiteboardExportJob, source.tenant_id,
                 json::object{{"tenant_id", source.tenant_id},
                              {"session_id", source.session_id},
                              {"url", source.data_url},
                              {"source_id", source.source_id}},
                 now);
}

Status ArtifactService::run_whiteboard_export_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("export_whiteboard: the payload is not a JSON object");
    const json::object& o = v.get_object();
    WhiteboardSource src{text_at(o, "tenant_id"), text_at(o, "session_id"), text_at(o, "url"), text_at(o, "source_id")};
    if (src.tenant_id.empty() || src.session_id.empty() || !src.data_url.ends_with('/') || src.source_id.empty())
        return Error::invalid("export_whiteboard: the payload names no playback data directory");
    if (opt_.rsvg_convert == "off") return ok_status();  // whiteboard export turned off (LIVE_RSVG_CONVERT)
    return guarded([&]() -> Status {
        {
            store::Conn c(ctx_.db);  // released before the provider is called
            if (!store::find_session(c.sql(), src.tenant_id, src.session_id)) return ok_status();  // deleted since
            if (store::has_artifact_from(c.sql(), src.session_id, src.source_id)) return ok_status();
        }
        const std::string name = "whiteboard-" + job.id;
        auto shapes = fetch_file(src.data_url + "shapes.svg", {}, kMaxWhiteboardDataBytes, name + "-shapes");
        if (!shapes) return shapes.take_error();
        std::string tldraw;
        if (providers::bbb_whiteboard_uses_tldraw(*shapes)) {
            auto t = fetch_file(src.data_url + "tldraw.json", {}, kMaxWhiteboardDataBytes, name + "-tldraw");
            if (!t) return t.take_error();
            tldraw = std::move(*t);
        }
        auto board = providers::parse_bbb_whiteboard(*shapes, tldraw);
        if (!board) return Error::give_up(board.take_error());  // not a playback's files: dead now, for ops to see
        if (board->pages.empty()) return ok_status();           // nobody drew on the whiteboard

        // The pages and their slides go to a private directory the renderer reads them from.
        auto dir_path = scratch_.scratch_path(name);
        if (!dir_path) return dir_path.take_error();
        struct Dir {
            std::filesystem::path path;
            ~Dir() {
                std::error_code ignored;
                std::filesystem::remove_all(path, ignored);
            }
        } dir{*dir_path};
        std::error_code fs_error;
        std::filesystem::create_directories(dir.path, fs_error);
        if (fs_error) return Error::unavailable("the whiteboard could not be rendered", "mkdir: " + fs_error.message());
        infra::SvgToPdfRequest render;
        render.program = opt_.rsvg_convert;
        render.output = (dir.path / "whiteboard.pdf").string();
        long long slide_bytes = 0;
        std::int64_t missing_slides = 0, left_out_pages = 0;
        std::vector<std::string> bare_pages;  // each page without its slide, for when the renderer fails
        for (std::size_t i = 0; i < board->pages.size(); ++i) {
            const auto& page = board->pages[i];
            const std::string n = std::to_string(i + 1);
            auto slide = fetch_file(src.data_url + page.slide_path, {}, kMaxSlideBytes, name + "-slide");
            // A slide not served yet is asked for again; on the last attempt, or when asking again cannot
            // help, its annotations go on a white page rather than being lost.
            if (!slide && slide.error().code != Code::kInvalidArgument && job.attempts < job.max_attempts)
                return slide.take_error();
            if (slide && (slide_bytes += static_cast<long long>(slide->size())) > kMaxSlidesBytes)
                return Error::give_up(Error::invalid("export_whiteboard: the slides are too large to render"));
            providers::SlideImage image;
            const char* ext = slide ? image_extension(*slide) : nullptr;
            if (ext && std::string_view(ext) == ".svg") {
                if (providers::is_svg_document(*slide)) image.svg = std::move(*slide);
            } else if (ext) {
                image.file = "slide-" + n + ext;
                if (!write_file((dir.path / image.file).string(), *slide))
                    return Error::unavailable("the whiteboard could not be rendered", "could not write a slide");
            }
            if (image.file.empty() && image.svg.empty()) ++missing_slides;  // drawn on a white page
            const std::string page_path = (dir.path / ("page-" + n + ".svg")).string();
            const std::string bare_path = (dir.path / ("bare-" + n + ".svg")).string();
            if (!write_file(page_path, providers::whiteboard_page_svg(page, image)) ||
                !write_file(bare_path, providers::whiteboard_page_svg(page, {})))
                return Error::unavailable("the whiteboard could not be rendered", "could not write a page");
            render.pages.push_back(page_path);
            bare_pages.push_back(bare_path);
        }
        auto rendered = infra::render_svgs_to_pdf(render);
        if (!rendered && rendered.error().code == Code::kInvalidArgument) {
            // The renderer cannot draw some page (a slide it chokes on, say). Each page is tried alone,
            // then without its slide; what still fails is left out, and the rest is rendered.
            std::vector<std::string> drawable;
            for (std::size_t i = 0; i < render.pages.size(); ++i) {
                infra::SvgToPdfRequest one = render;
                one.output = (dir.path / "one.pdf").string();
                one.pages = {render.pages[i]};
                if (infra::render_svgs_to_pdf(one)) {
                    drawable.push_back(render.pages[i]);
                    continue;
                }
                one.pages = {bare_pages[i]};
                if (infra::render_svgs_to_pdf(one)) {
                    drawable.push_back(bare_pages[i]);
                    ++missing_slides;
                } else {
                    ++left_out_pages;
                }
            }
            if (drawable.empty()) return Error::give_up(rendered.take_error());
            render.pages = std::move(drawable);
            rendered = infra::render_svgs_to_pdf(render);
        }
        if (!rendered) {
            if (rendered.error().code == Code::kInvalidArgument) return Error::give_up(rendered.take_error());
            return rendered.take_error();
        }
        std::error_code size_error;
        const auto pdf_size = std::filesystem::file_size(render.output, size_error);
        if (!size_error && pdf_size > static_cast<std::uintmax_t>(kMaxWhiteboardPdfBytes))
            return Error::give_up(Error::invalid("export_whiteboard: the whiteboard's PDF is too large to keep"));
        auto pdf = read_small_file(render.output);
        if (!pdf) return Error::unavailable("the whiteboard could not be rendered", "the PDF could not be read");
        Artifact a;
        a.id = infra::new_uuid();
        a.tenant_id = src.tenant_id;
        a.session_id = src.session_id;
        a.type = ArtifactType::kWhiteboard;
        a.title = "BigBlueButton whiteboard";
        a.source_id = src.source_id;
        a.created_at = ctx_.clock.now();
        a.content = infra::base64_encode(*pdf);
        a.metadata = json::serialize(json::object{{"provider", "bbb"},
                                                  {"format", "pdf"},
                                                  {"page_count", static_cast<std::int64_t>(render.pages.size())},
                                                  {"shape_count", static_cast<std::int64_t>(board->shapes)},
                                                  {"skipped_shapes", static_cast<std::int64_t>(board->skipped_shapes)},
                                                  {"missing_slides", missing_slides},
                                                  {"left_out_pages", left_out_pages},
                                                  {"size_bytes", static_cast<std::int64_t>(pdf->size())}});
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        if (!store::find_session(tx.sql(), src.tenant_id, src.session_id)) return ok_status();  // deleted meanwhile
        store::insert_artifact(tx.sql(), a);  // false: another worker exported it first
        tx.commit();
        return ok_status();
    });
}

}  // namespace lc::services
