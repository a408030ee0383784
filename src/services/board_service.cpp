#include "services/board_service.hpp"

#include <boost/json.hpp>
#include <map>

#include "domain/board.hpp"
#include "domain/session_rules.hpp"
#include "infra/crypto.hpp"
#include "infra/json_fields.hpp"
#include "infra/svg_pdf.hpp"
#include "services/artifact_service.hpp"
#include "services/audit.hpp"
#include "store/artifact_repo.hpp"
#include "store/board_repo.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using providers::BoardElement;

namespace {

Error no_board(ProviderKind provider) {
    return Error::conflict(std::string("this class is held on ") +
                           (provider == ProviderKind::kBbb ? "BigBlueButton" : "Zoom") +
                           ", whose own whiteboard is used in the room: it has no liveclass board");
}

ElementStamp stamp(const BoardElement& e) { return ElementStamp{e.version, e.nonce}; }

/// The board's elements in drawing order.
std::vector<BoardElement> ordered(std::vector<BoardElement> elements) {
    providers::sort_board_elements(elements);
    return elements;
}

}  // namespace

void queue_board_export(soci::session& sql, const LiveSession& s, UnixTime now) {
    if (!has_own_board(s.provider) || !store::board_version(sql, s.tenant_id, s.id)) return;
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = s.tenant_id;
    job.type = BoardService::kExportJob;
    job.max_attempts = ArtifactService::kExportAttempts;
    job.payload = json::serialize(json::object{{"tenant_id", s.tenant_id}, {"session_id", s.id}});
    store::enqueue_job(sql, job, now);
}

Result<BoardView> BoardService::get(const Principal& p, const std::string& session_id, long long since) {
    return guarded([&]() -> Result<BoardView> {
        BoardView v;
        std::optional<store::Board> board;
        {
            store::Conn c(ctx_.db);
            auto l = sessions_.load(c.sql(), p, session_id);
            if (!l) return l.take_error();
            if (!has_own_board(l->session.provider)) return no_board(l->session.provider);
            v.read_only_reason =
                board_read_only_reason(l->actor, sessions_.effective_policy(c.sql(), l->session), l->session.status);
            v.can_edit = !v.read_only_reason;
            board = store::find_board(c.sql(), p.tenant.id, session_id);
            if (board) v.elements = ordered(store::board_elements(c.sql(), board->board_id, since, since > 0));
        }
        if (!board) {
            // The board is made on its first read, so that its id is known before anyone draws.
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            store::create_board(tx.sql(),
                                store::Board{session_id, p.tenant.id, infra::new_uuid(), 0, 0, 0, ctx_.clock.now()});
            board = store::find_board(tx.sql(), p.tenant.id, session_id);
            tx.commit();
            if (!board) return Error::unavailable("the board could not be created; try again");
        }
        v.board_id = board->board_id;
        v.session_id = session_id;
        v.version = board->version;
        return v;
    });
}

Result<BoardChange> BoardService::change(const Principal& p, const std::string& session_id,
                                         std::vector<BoardElement> elements) {
    if (elements.empty() || elements.size() > kMaxBoardChange)
        return Error::invalid("send 1 to " + std::to_string(kMaxBoardChange) + " elements");
    // The same element twice in one change: the version that wins by the merge rule stands for it.
    std::map<std::string, BoardElement> sent;
    std::vector<std::string> ids;
    for (auto& e : elements) {
        auto it = sent.find(e.id);
        if (it == sent.end()) {
            ids.push_back(e.id);
            sent.emplace(e.id, std::move(e));
        } else if (replaces(stamp(e), stamp(it->second))) {
            it->second = std::move(e);
        }
    }
    const UnixTime now = ctx_.clock.now();
    return guarded([&]() -> Result<BoardChange> {
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        // The class row is locked as ending it locks it: a change either lands before the end (and in the
        // export that queues) or sees the class over.
        auto l = sessions_.load(tx.sql(), p, session_id, /*for_update=*/true);
        if (!l) return l.take_error();
        const LiveSession& s = l->session;
        if (!has_own_board(s.provider)) return no_board(s.provider);
        if (auto reason = board_read_only_reason(l->actor, sessions_.effective_policy(tx.sql(), s), s.status))
            return is_over(s.status) || s.status == SessionStatus::kDraft ? Error::conflict(*reason)
                                                                          : Error::denied(*reason);
        // The board's row lock numbers the changes one after another (PostgreSQL; SQLite's writers take
        // turns anyway), so a page that has seen version N has seen every change up to N.
        auto board = store::find_board(tx.sql(), p.tenant.id, session_id, /*for_update=*/true);
        if (!board) {
            store::create_board(tx.sql(), store::Board{session_id, p.tenant.id, infra::new_uuid(), 0, 0, 0, now});
            board = store::find_board(tx.sql(), p.tenant.id, session_id, /*for_update=*/true);
            if (!board) return Error::unavailable("the board could not be created; try again");
        }
        std::map<std::string, BoardElement> kept;
        for (auto& e : store::board_elements_by_id(tx.sql(), board->board_id, ids)) kept.emplace(e.id, std::move(e));
        std::vector<BoardElement> winners;
        long long added = 0, bytes = board->body_bytes;
        for (const auto& id : ids) {
            const BoardElement& e = sent.at(id);
            auto k = kept.find(id);
            if (k != kept.end() && !replaces(stamp(e), stamp(k->second))) continue;
            if (k == kept.end())
                ++added;
            else
                bytes -= static_cast<long long>(k->second.json.size());
            bytes += static_cast<long long>(e.json.size());
            winners.push_back(e);
        }
        if (board->element_count + added > static_cast<long long>(kMaxBoardElements))
            return Error::conflict("this board is full (" + std::to_string(kMaxBoardElements) +
                                   " elements, erased ones included); export it and continue on a new class");
        if (bytes > kMaxBoardBytes && bytes > board->body_bytes)
            return Error::conflict("this board is full (" + std::to_string(kMaxBoardBytes >> 20) +
                                   " MiB of drawing); export it and continue on a new class");
        BoardChange out;
        out.version = board->version;
        if (!winners.empty()) {
            board->version += 1;
            board->element_count += added;
            board->body_bytes = bytes;
            out.version = board->version;
            store::save_board_elements(tx.sql(), *board, winners, now);
        }
        tx.commit();
        for (auto& w : winners) kept[w.id] = std::move(w);
        for (const auto& id : ids) out.elements.push_back(std::move(kept.at(id)));
        return out;
    });
}

Result<BoardState> BoardService::state(const Principal& p, const std::string& session_id) {
    return guarded([&]() -> Result<BoardState> {
        store::Conn c(ctx_.db);
        auto l = sessions_.load(c.sql(), p, session_id);
        if (!l) return l.take_error();
        if (!has_own_board(l->session.provider)) return no_board(l->session.provider);
        return BoardState{store::board_version(c.sql(), p.tenant.id, session_id).value_or(0),
                          is_over(l->session.status)};
    });
}

Result<std::string> BoardService::render_pdf(const std::string& svg, const std::string& name, bool on_demand) {
    if (rsvg_convert_ == "off")
        return Error::unavailable("PDF export is turned off on this server (LIVE_RSVG_CONVERT=off); export SVG");
    infra::SvgToPdfRequest limits;
    limits.program = rsvg_convert_;
    struct Slot {
        std::atomic<int>* count = nullptr;
        ~Slot() {
            if (count) count->fetch_sub(1);
        }
    } slot;
    if (on_demand) {
        if (renders_.fetch_add(1) >= kMaxExportRenders) {
            renders_.fetch_sub(1);
            Error busy = Error::unavailable("the server is drawing other boards' PDFs; try again in a few seconds");
            busy.retry_after_seconds = 5;
            return busy;
        }
        slot.count = &renders_;
        // One page of shapes renders in well under a second; these bound a board made to be slow.
        limits.timeout = std::chrono::seconds(30);
        limits.max_memory_bytes = 512LL << 20;
    }
    auto dir = scratch_.scratch_path(name);
    if (!dir) return dir.take_error();
    return infra::render_svg_to_pdf_bytes(limits, svg, *dir);
}

Result<BoardFile> BoardService::export_file(const Principal& p, const std::string& session_id, BoardFormat format,
                                            const RequestMeta& meta) {
    auto board = get(p, session_id, 0);
    if (!board) return board.take_error();
    if (board->elements.empty()) return Error::conflict("nothing is drawn on this board yet");
    const std::string base = "whiteboard-" + session_id;
    const char* format_name = format == BoardFormat::kExcalidraw ? "excalidraw"
                              : format == BoardFormat::kSvg      ? "svg"
                                                                 : "pdf";
    Result<BoardFile> file = Error::internal_error("no export made");
    if (format == BoardFormat::kExcalidraw) {
        file = BoardFile{base + ".excalidraw", "application/vnd.excalidraw+json",
                         providers::excalidraw_file(board->elements)};
    } else {
        auto drawing = providers::board_svg(board->elements);
        if (drawing.svg.empty()) return Error::conflict("nothing on this board can be drawn on a page (only frames)");
        if (format == BoardFormat::kSvg) {
            file = BoardFile{base + ".svg", "image/svg+xml", std::move(drawing.svg)};
        } else {
            auto pdf =
                render_pdf(drawing.svg, "board-" + board->board_id + "-" + infra::new_uuid(), /*on_demand=*/true);
            if (!pdf) return pdf.take_error();
            file = BoardFile{base + ".pdf", "application/pdf", std::move(*pdf)};
        }
    }
    return guarded([&]() -> Result<BoardFile> {
        store::Conn c(ctx_.db);
        store::insert_audit(c.sql(), audit_row(ctx_, p, "whiteboard.export", "live_session", session_id, meta,
                                               {{"format", format_name}, {"board_version", board->version}}));
        return std::move(file);
    });
}

Status BoardService::run_export_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::give_up(Error::invalid("export_room_whiteboard: the payload is not JSON"));
    const std::string tenant_id = infra::text_at(v.get_object(), "tenant_id");
    const std::string session_id = infra::text_at(v.get_object(), "session_id");
    if (rsvg_convert_ == "off") return ok_status();  // whiteboard export turned off (LIVE_RSVG_CONVERT)
    return guarded([&]() -> Status {
        std::optional<store::Board> board;
        std::vector<BoardElement> elements;
        {
            store::Conn c(ctx_.db);
            board = store::find_board(c.sql(), tenant_id, session_id);
            if (!board) return ok_status();  // the class was deleted meanwhile
            elements = ordered(store::board_elements(c.sql(), board->board_id, 0, false));
        }
        auto drawing = providers::board_svg(elements);
        if (drawing.svg.empty()) return ok_status();  // nothing drawn: no artifact
        auto pdf = render_pdf(drawing.svg, "board-" + board->board_id, /*on_demand=*/false);
        if (!pdf) {
            if (pdf.error().code == Code::kInvalidArgument) return Error::give_up(pdf.take_error());
            return pdf.take_error();
        }
        if (pdf->size() > static_cast<std::size_t>(ArtifactService::kMaxWhiteboardPdfBytes))
            return Error::give_up(Error::invalid("export_room_whiteboard: the board's PDF is too large to keep"));
        Artifact a;
        a.id = infra::new_uuid();
        a.tenant_id = tenant_id;
        a.session_id = session_id;
        a.type = ArtifactType::kWhiteboard;
        a.title = "Whiteboard";
        a.source_id = "board:" + board->board_id;
        a.created_at = ctx_.clock.now();
        a.content = infra::base64_encode(*pdf);
        a.metadata = json::serialize(json::object{{"provider", "jitsi"},
                                                  {"source", "excalidraw"},
                                                  {"format", "pdf"},
                                                  {"page_count", 1},
                                                  {"shape_count", static_cast<std::int64_t>(drawing.shapes)},
                                                  {"skipped_shapes", static_cast<std::int64_t>(drawing.skipped_shapes)},
                                                  {"board_version", board->version},
                                                  {"size_bytes", static_cast<std::int64_t>(pdf->size())}});
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        if (!store::find_session(tx.sql(), tenant_id, session_id)) return ok_status();  // deleted meanwhile
        store::insert_artifact(tx.sql(), a);  // false: another worker exported it first
        tx.commit();
        return ok_status();
    });
}

}  // namespace lc::services
