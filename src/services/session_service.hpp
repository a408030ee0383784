#pragma once
// Live-session use cases (seed 4.1, 4.4, 4.5, 3.2): create (scheduled, ad-hoc, webinar), list,
// detail, update, cancel, start, end, join. Each state change commits together with its audit
// row and the jobs it implies (transactional outbox).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ttl_cache.hpp"
#include "domain/permissions.hpp"
#include "domain/session_rules.hpp"
#include "services/audit.hpp"
#include "services/context.hpp"
#include "services/directory_service.hpp"
#include "services/launch_links.hpp"
#include "services/rate_limiter.hpp"

namespace lc::services {

/// The effective policy of a session (session > course > tenant > defaults, then the session type).
domain::EffectivePolicy effective_policy_of(soci::session& sql, const domain::LiveSession& s);

/// Create/patch input: nullopt = not given.
struct SessionInput {
    std::optional<std::string> course_id;
    std::optional<std::string> content_id;
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<domain::SessionType> type;
    std::optional<domain::SessionStatus> status;  // create: draft|scheduled; patch: scheduled (publish a draft)
    std::optional<UnixTime> scheduled_start;
    std::optional<UnixTime> scheduled_end;
    std::optional<long long> max_participants;
    std::optional<bool> recording_enabled;
    std::optional<bool> auto_recording;
    std::optional<bool> waiting_room_enabled;
    std::optional<std::vector<std::string>> moderator_ids;
    std::optional<domain::PolicyOverrides> policy;  // session-level overrides (replaces the session's row)
};

struct SessionView {
    domain::LiveSession session;
    std::string course_title;
    domain::SessionActor actor = domain::SessionActor::kParticipant;  // the caller's role in it
    long long participants_count = 0;                                 // detail only
    long long recordings_count = 0;                                   // detail only
    domain::EffectivePolicy policy;                                   // detail only
};

struct JoinResult {
    std::string join_url;    // the provider's room (with LIVE_JOIN_SINGLE_USE: the launch link)
    std::string token;       // the provider's join token (empty with LIVE_JOIN_SINGLE_USE)
    std::string launch_url;  // seed 9.1: opens the room (single use when configured); see LaunchLinks
    domain::ParticipantRole role = domain::ParticipantRole::kParticipant;
    UnixTime expires_at = 0;
    domain::ProviderKind provider = domain::ProviderKind::kJitsi;
    std::string participant_id;
};

/// What a kick or mute did: recorded here always; at the provider only where its API allows it.
struct ModerationResult {
    std::string user_id;
    std::string action;  // kick | mute
    bool provider_applied = false;
    std::string provider_detail;  // why the provider did not (the moderator's meeting client must)
};

struct SessionQuery {
    std::string course_id;
    std::optional<domain::SessionStatus> status;
    std::optional<domain::SessionType> type;
    std::optional<UnixTime> from, to;
    int limit = 20, offset = 0;
};

/// What ending a session writes, shared by the end endpoint and a provider's meeting-ended event:
/// actual_end and duration set on `s` (the caller saves it), open participations closed at `at`,
/// the live count reset, the attendance job queued.
void close_session_rows(soci::session& sql, domain::LiveSession& s, UnixTime at, UnixTime now);

class SessionService {
public:
    /// `limiter`: join rate limits (seed 9.2); null turns them off.
    SessionService(ServiceContext& ctx, LaunchLinks& launch, RateLimiter* limiter = nullptr)
        : ctx_(ctx),
          launch_(launch),
          limiter_(limiter),
          join_contexts_(ctx.clock, ctx.db.generation(), kJoinCacheSeconds, 10000),
          access_(ctx.clock, ctx.db.generation(), kJoinCacheSeconds, 50000) {}

    /// Joins read the session, its policy, the school's provider settings and the caller's course
    /// relation from memory for this long (writes through this process are seen at once; writes by
    /// other processes within this time). Capacity is always re-checked inside the join's write.
    static constexpr int kJoinCacheSeconds = 2;

    Result<SessionView> create(const Principal& p, const SessionInput& in, const RequestMeta& meta);
    Result<Page<SessionView>> list(const Principal& p, const SessionQuery& q);
    Result<SessionView> get(const Principal& p, const std::string& id);
    Result<SessionView> update(const Principal& p, const std::string& id, const SessionInput& in,
                               const RequestMeta& meta);
    Result<SessionView> cancel(const Principal& p, const std::string& id, const RequestMeta& meta);
    Result<SessionView> start(const Principal& p, const std::string& id, const RequestMeta& meta);
    Result<SessionView> end(const Principal& p, const std::string& id, const RequestMeta& meta);
    Result<JoinResult> join(const Principal& p, const std::string& id, const RequestMeta& meta);
    /// True when join_async would find everything it reads in memory (no database round trip).
    bool join_is_cached(const Principal& p, const std::string& id);
    /// Seed 1.2 kick_participant: hosts, moderators and admins remove a user from a live class; the
    /// participation rows record it and the user cannot join this class again.
    Result<ModerationResult> kick(const Principal& p, const std::string& session_id, const std::string& user_id,
                                  const std::string& reason, const RequestMeta& meta);
    /// Seed 1.2 mute_others.
    Result<ModerationResult> mute(const Principal& p, const std::string& session_id, const std::string& user_id,
                                  const RequestMeta& meta);
    /// The "provider_sync_room" / "provider_delete_room" jobs: make the provider's room follow an
    /// edited or cancelled session (Zoom meetings); retried with backoff while the provider is down.
    Status run_room_job(const std::string& type, const std::string& payload);
    /// The same without blocking: `done` runs once, on this thread for early errors or on the
    /// database writer's thread after the participation row is committed.
    void join_async(const Principal& p, const std::string& id, const RequestMeta& meta,
                    std::function<void(Result<JoinResult>)> done);

    /// One class of a series to create: its times and the instant the series rule gave it.
    struct Occurrence {
        UnixTime start = 0, end = 0;
        UnixTime recurrence_start = 0;
    };
    /// Creates the classes of a series as create() makes one (the same checks; provider rooms made
    /// holding no connection; then one transaction). `in` holds everything but the times.
    /// `in_transaction` writes the series row first, in the same transaction.
    Result<std::vector<domain::LiveSession>> create_occurrences(
        const Principal& p, const SessionInput& in, const std::vector<Occurrence>& occurrences,
        const std::string& series_id, const std::function<void(soci::session&)>& in_transaction,
        const RequestMeta& meta);
    /// Cancels a class loaded in the caller's transaction (a series cancelled from a date on): the same
    /// rows, jobs, notice and audit row as DELETE. FailedPrecondition when it has started or ended.
    /// `announce` false: no notice of its own (a series change sends one notice for all its classes).
    Status cancel_in(soci::session& sql, const Principal& p, domain::LiveSession& s, const RequestMeta& meta,
                     bool announce = true);
    /// Gives a class loaded in the caller's transaction new times (a series edited from a date on), as
    /// PATCH does: SEQUENCE raised, reminders re-armed, the move announced. Writes every field of `s`.
    Status reschedule_in(soci::session& sql, const Principal& p, domain::LiveSession& s, UnixTime start, UnixTime end,
                         const RequestMeta& meta, bool announce = true);

    /// The effective policy of a session (session > course > tenant > defaults, then the session type).
    domain::EffectivePolicy effective_policy(soci::session& sql, const domain::LiveSession& s);

    /// What opening a launch link shows: where the room is, and who may frame the page.
    struct Launch {
        LaunchTicket ticket;
        std::vector<std::string> school_domains;
    };
    /// Opens a launch link (seed 9.1): the token must be ours, unexpired and (single use) unused,
    /// and its class still open.
    Result<Launch> open_launch(const std::string& token);

    struct Loaded {
        domain::LiveSession session;
        domain::SessionActor actor;
    };
    /// Loads a session of the caller's tenant and the caller's role in it; NotFound when invisible.
    Result<Loaded> load(soci::session& sql, const Principal& p, const std::string& id, bool for_update = false);

private:
    Result<SessionView> transition(const Principal& p, const std::string& id, domain::SessionAction action,
                                   const RequestMeta& meta);
    /// A new session built and checked from `in` (reads only; nothing is written).
    struct NewSession {
        domain::LiveSession session;
        domain::EffectivePolicy policy;
        std::string course_title;
        providers::RoomInfo room;
        std::unique_ptr<providers::LiveClassProvider> provider;
    };
    /// room_made: the room made in an earlier pass (else the provider's create_room is called).
    Result<NewSession> draft_session(soci::session& sql, const Principal& p, const SessionInput& in,
                                     const std::string& id, const providers::RoomInfo* room_made);
    struct PreparedJoin {
        store::JoinWrite write;
        JoinResult result;
    };
    struct JoinContext {
        domain::LiveSession session;
        domain::EffectivePolicy policy;
        std::vector<domain::ProviderConfig> configs;
        std::vector<std::string> kicked;  // users a moderator removed: they may not join again
    };
    Result<ModerationResult> moderate(const Principal& p, const std::string& session_id, const std::string& user_id,
                                      const std::string& action, const std::string& reason, const RequestMeta& meta);
    Result<std::shared_ptr<const JoinContext>> join_context(const Principal& p, const std::string& id);
    store::CourseAccess course_access(const std::string& course_id, const std::string& user_id);
    std::string ip_hash(const std::string& ip) const;
    std::string course_title(soci::session& sql, const domain::LiveSession& s);
    store::AuditEntry audit_entry(const Principal& p, const std::string& action, const std::string& session_id,
                                  const RequestMeta& meta, const std::string& details) const;
    void audit(soci::session& sql, const Principal& p, const std::string& action, const std::string& session_id,
               const RequestMeta& meta, const std::string& details = "{}");
    ServiceContext& ctx_;
    LaunchLinks& launch_;
    RateLimiter* limiter_;
    TtlCache<std::string, std::shared_ptr<const JoinContext>> join_contexts_;
    TtlCache<std::string, store::CourseAccess> access_;
};

}  // namespace lc::services
