#pragma once
// Seed 7.2: a Jitsi class's own whiteboard (docs/whiteboard.md). Jitsi's built-in board lives in the
// Jitsi iframe and its collab server keeps nothing, so liveclass keeps one board per class: the room
// pages draw with Excalidraw and send their changes here, every page asks for the changes since the
// version it holds, and the board is exported on demand and as a PDF artifact when the class ends.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "infra/blob_store.hpp"
#include "providers/excalidraw.hpp"
#include "services/context.hpp"
#include "services/session_service.hpp"
#include "store/job_repo.hpp"

namespace lc::services {

struct BoardView {
    std::string board_id;
    std::string session_id;
    long long version = 0;
    bool can_edit = false;
    std::optional<std::string> read_only_reason;
    std::vector<providers::BoardElement> elements;  // in drawing order
};

/// What a change did: the board's version after it, and the board's copy of each element sent.
struct BoardChange {
    long long version = 0;
    std::vector<providers::BoardElement> elements;
};

/// What an event stream watches.
struct BoardState {
    long long version = 0;
    bool over = false;  // the class ended or was cancelled: nothing will change any more
};

enum class BoardFormat { kPdf, kSvg, kExcalidraw };

struct BoardFile {
    std::string file_name;
    std::string content_type;
    std::string body;
};

/// Queues the class's board export when a Jitsi class with a board ends (in the caller's transaction).
void queue_board_export(soci::session& sql, const domain::LiveSession& s, UnixTime now);

class BoardService {
public:
    static constexpr const char* kExportJob = "export_room_whiteboard";
    /// PDF exports rendered for people at once, per process: each runs rsvg-convert and holds a handler
    /// thread, so a class pressing Export together must not take every thread.
    static constexpr int kMaxExportRenders = 2;

    BoardService(ServiceContext& ctx, SessionService& sessions, infra::BlobStore& scratch, std::string rsvg_convert)
        : ctx_(ctx), sessions_(sessions), scratch_(scratch), rsvg_convert_(std::move(rsvg_convert)) {}

    /// The board (made on its first read), whole when `since` is 0, else what changed after `since`
    /// (erased elements included).
    Result<BoardView> get(const Principal& p, const std::string& session_id, long long since);
    /// Merges elements a page sent (domain::replaces decides each) as one numbered change.
    Result<BoardChange> change(const Principal& p, const std::string& session_id,
                               std::vector<providers::BoardElement> elements);
    /// The board's version and whether the class is over; the caller's rights are checked each time.
    Result<BoardState> state(const Principal& p, const std::string& session_id);
    /// The board as it is now, as a file; audited (seed 9.5: who took a copy of the class's board).
    Result<BoardFile> export_file(const Principal& p, const std::string& session_id, BoardFormat format,
                                  const RequestMeta& meta);
    /// The export_room_whiteboard job: a board with something drawn becomes a whiteboard artifact (PDF).
    Status run_export_job(const store::Job& job);

private:
    /// `on_demand`: for a person waiting on an export (a short timeout, a small memory cap, and at most
    /// kMaxExportRenders at once), else for the export job.
    Result<std::string> render_pdf(const std::string& svg, const std::string& name, bool on_demand);

    ServiceContext& ctx_;
    SessionService& sessions_;
    infra::BlobStore& scratch_;
    std::string rsvg_convert_;
    std::atomic<int> renders_{0};
};

}  // namespace lc::services
