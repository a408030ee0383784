#pragma once
// The REST API: routes, authentication, request ids, JSON-lines access logs and the
// last-resort error handler. handle() is what the socket server calls and what tests call.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http/client_ip.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "http/static_site.hpp"
#include "infra/log.hpp"
#include "services/artifact_service.hpp"
#include "services/attendance_service.hpp"
#include "services/audit.hpp"
#include "services/auth_service.hpp"
#include "services/board_service.hpp"
#include "services/calendar_service.hpp"
#include "services/config_service.hpp"
#include "services/directory_service.hpp"
#include "services/notification_service.hpp"
#include "services/ops_service.hpp"
#include "services/privacy_service.hpp"
#include "services/provider_health.hpp"
#include "services/rate_limiter.hpp"
#include "services/recording_service.hpp"
#include "services/series_service.hpp"
#include "services/session_service.hpp"
#include "services/transcript_service.hpp"
#include "services/webhook_service.hpp"

namespace lc::services {
class LessonNotesService;  // services/lesson_notes_service.hpp: only its handlers need it
}

namespace lc::http {

struct ApiOptions {
    /// Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (LIVE_TRUSTED_PROXIES).
    TrustedProxies proxies;
    /// LIVE_PUBLIC_URL is https: clients reach us over TLS through a proxy, so HSTS is sent.
    bool public_https = false;
    std::size_t body_limit = 1024 * 1024;
    infra::metrics::Registry* metrics = nullptr;  // served at GET /metrics; HTTP durations are recorded in it
    std::string metrics_token;                    // LIVE_METRICS_TOKEN (empty: loopback peers only)
    /// The web front end served at / (null: only the API is served, as in most tests).
    std::shared_ptr<const StaticSite> web;
    int sse_poll_ms = 2000;        // LIVE_SSE_POLL_MS: how often an event stream re-reads its state
    int sse_keepalive_ms = 15000;  // a keep-alive comment after this much silence on a stream
    int sse_max_streams = 500;     // LIVE_SSE_MAX_STREAMS: open event streams per process
    /// LIVE_MAX_FILE_STREAMS: recordings streamed from local disk at once per process. Each holds a
    /// file descriptor and handler-pool reads for as long as the viewer takes: without a bound, a
    /// crowd of viewers would use up the descriptors the database and new connections need.
    int max_file_streams = 128;
    /// Origins the web page may play recordings from besides this server: the S3 bucket our copies are
    /// signed out of (a captioned video plays in the page).
    std::vector<std::string> media_origins;
};

/// What a handler sets on its RequestContext to answer with an event stream: the Response it returns
/// (200) becomes the stream's header, followed by `opening` and whatever `source` writes.
struct PendingStream {
    std::string opening;
    std::shared_ptr<StreamSource> source;  // null: the opening is the whole body
    std::shared_ptr<void> slot;            // held while the stream is open (LIVE_SSE_MAX_STREAMS)
};

struct Services {
    services::AuthService& auth;
    services::DirectoryService& directory;
    services::SessionService& sessions;
    services::ConfigService& config;
    services::WebhookService& webhooks;
    services::ProviderHealthService& provider_health;
    services::AttendanceService& attendance;
    store::Database& db;
    services::RateLimiter& limits;
    services::AuditService& audit;
    services::PrivacyService& privacy;
    services::OpsService* ops = nullptr;                     // GET /api/v1/ops/live/ (null: 503)
    services::NotificationService* notifications = nullptr;  // notification routes (null: not registered)
    services::CalendarService* calendars = nullptr;          // calendar routes (null: not registered)
    services::SeriesService* series = nullptr;               // series routes (null: not registered)
    services::RecordingService* recordings = nullptr;        // recording routes (null: not registered)
    services::ArtifactService* artifacts = nullptr;          // artifact routes (null: not registered)
    services::BoardService* boards = nullptr;                // class whiteboard routes (null: not registered)
    services::TranscriptService* transcripts = nullptr;      // recording transcript routes (null: not registered)
    services::LessonNotesService* lesson_notes = nullptr;    // summary and quiz routes (null: not registered)
};

/// Per-request state handed to route handlers.
struct RequestContext {
    RequestContext(std::shared_ptr<const Request> r, ConnInfo c)
        : req_ptr(std::move(r)), req(*req_ptr), conn(std::move(c)), t0(std::chrono::steady_clock::now()) {}
    std::shared_ptr<const Request> req_ptr;  // keeps the request alive for asynchronous handlers
    const Request& req;
    ConnInfo conn;
    std::chrono::steady_clock::time_point t0;
    std::string route = "unmatched";  // the matched pattern, for the access log
    std::vector<std::string> params;
    std::map<std::string, std::string> query;
    std::string request_id;
    std::string client_ip;
    bool https = false;  // the client reached us over TLS (directly or through a trusted proxy)
    std::shared_ptr<const services::Principal> principal;
    std::string session_id;               // for the access log, when the route names one
    std::string internal_error;           // the logged-only cause of a 5xx answer (never sent to the client)
    Offload offload;                      // the handler pool, for asynchronous handlers that must block after all
    std::optional<PendingStream> stream;  // set by a handler that answers with an event stream
    unsigned version() const { return req.version(); }
    bool keep_alive() const { return req.keep_alive(); }
    services::RequestMeta meta() const {
        return {client_ip, std::string(req[boost::beast::http::field::user_agent]), request_id};
    }
};

class Api {
public:
    Api(Services s, const infra::Logger& log, ApiOptions opt);
    /// Called on an I/O thread: answers non-blocking routes in place and hands every other request
    /// to `offload`. Calls `respond` exactly once, or `respond_stream` for a route that streams (without
    /// `respond_stream`, a stream's header and opening are answered through `respond` as one response).
    void handle_async(std::shared_ptr<const Request> req, ConnInfo conn, const Offload& offload, Respond respond,
                      RespondStream respond_stream = {});
    /// Blocking convenience for callers without an event loop: runs everything on this thread (an event
    /// stream answers with its opening only).
    Response handle(const Request& req, const ConnInfo& conn);
    /// The body limit of a request to `target` (path and query): ApiOptions::body_limit, except for
    /// BigBlueButton's analytics callback, which describes a whole class in one post.
    std::size_t body_limit_for(std::string_view target) const;
    static constexpr std::size_t kLargestBodyLimit = services::WebhookService::kMaxAnalyticsBodyBytes;
    /// Event streams open now (GET .../participants/stream/).
    int open_streams() const { return open_streams_.load(); }
    /// Recordings being streamed from local disk now (GET /api/v1/recordings/play/{token}/).
    int open_file_streams() const { return open_file_streams_.load(); }
    const Router& router() const { return router_; }

private:
    void register_routes();
    /// The audit row of a data export (seed 9.5).
    Status audit_export(RequestContext& c, const char* resource_type, const std::string& resource_id, std::size_t rows);
    /// GET /metrics and the ops view (api_ops.cpp).
    void register_ops_routes();
    /// Notifications, push subscriptions, unsubscribe links and calendars (api_notifications.cpp).
    void register_notification_routes();
    /// Recurring classes (api_series.cpp).
    void register_series_routes();
    /// A class's recordings and their access links (api_recordings.cpp).
    void register_recording_routes();
    /// A recording's transcript: asking for one, reading it as JSON, WebVTT or SubRip (api_recordings.cpp).
    void register_transcript_routes(const std::string& base);
    /// A recording's summary and quiz suggestions: asking for them, reading them (api_recordings.cpp).
    void register_lesson_notes_routes(const std::string& base);
    /// A class's artifacts (chat logs, ...) and their download links (api_artifacts.cpp).
    void register_artifact_routes();
    /// GET/HEAD of the web app's files (api_web.cpp): assets in place, the HTML shell with its CSP.
    void serve_web(const std::shared_ptr<RequestContext>& c, const std::string& path, const Offload& offload,
                   const Respond& respond);
    /// Who is in a class's room: the snapshot and its event stream (api_participants.cpp).
    void register_participant_routes();
    /// A class's own whiteboard (Jitsi): the board, its changes, its stream and export (api_board.cpp).
    void register_board_routes();
    /// A place for one more event stream, or null when LIVE_SSE_MAX_STREAMS are open.
    std::shared_ptr<void> acquire_stream_slot();
    /// Answers with an event stream that starts with `opening` and goes on with `source` (null: the
    /// opening is all); 503 when LIVE_SSE_MAX_STREAMS are open.
    Response open_event_stream(RequestContext& c, std::string opening, std::shared_ptr<StreamSource> source);
    /// A place for one more file stream, or null when LIVE_MAX_FILE_STREAMS are open.
    std::shared_ptr<void> acquire_file_stream_slot();
    /// Runs `fn` only for a valid bearer token (the caller's principal); 401 otherwise.
    RouteHandler authed(std::function<Response(RequestContext&, const services::Principal&)> fn);
    Response dispatch(RequestContext& ctx, const std::string& path, std::string& route);
    /// Request id, client IP, target parsing; an early error answer when the target is unusable.
    std::optional<Response> prepare(RequestContext& c, std::string& path);
    /// Common headers and the access-log line, then `respond`.
    void finish(RequestContext& c, Response res, const Respond& respond);
    /// finish() for an event stream: common headers and the metrics now, the access-log line when it closes.
    void finish_stream(const std::shared_ptr<RequestContext>& c, Response head, const Respond& respond,
                       const RespondStream& respond_stream);
    /// The access-log line of a request (a stream: when it closed, with how it ended).
    void log_request(const RequestContext& c, unsigned status, std::chrono::steady_clock::duration elapsed,
                     const char* stream_end = nullptr);
    Services s_;
    const infra::Logger& log_;
    ApiOptions opt_;
    Router router_;
    std::unique_ptr<HttpMetrics> http_metrics_;  // null without ApiOptions::metrics
    std::atomic<std::uint64_t> seq_{0};
    std::atomic<int> open_streams_{0};
    std::atomic<int> open_file_streams_{0};
};

}  // namespace lc::http
