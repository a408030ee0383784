#pragma once
// Jitsi Meet adapter (seed 3.2): rooms are names, access is an HS256 JWT checked by prosody's
// token auth. Claims follow the seed's "Teknik Notlar" plus the two places stock setups read the
// moderator flag: context.user.moderator ("true"/"false", 8x8 JaaS) and context.user.affiliation
// ("owner"/"member", jitsi-contrib token_affiliation).
#include "infra/http_client.hpp"
#include "providers/provider.hpp"

namespace lc::providers {

struct JitsiSettings {
    std::string domain;  // meet.example.org (no scheme)
    std::string app_id;  // prosody app_id, the token's iss
    std::string secret;  // prosody app_secret
    int token_ttl_seconds = 300;
    int not_before_skew_seconds = 10;
};

class JitsiProvider final : public LiveClassProvider {
public:
    /// `http` is only needed for health_check.
    JitsiProvider(JitsiSettings settings, const Clock& clock, const infra::HttpClient* http = nullptr)
        : s_(std::move(settings)), clock_(clock), http_(http) {}

    domain::ProviderKind kind() const override { return domain::ProviderKind::kJitsi; }
    Result<RoomInfo> create_room(const domain::LiveSession& session, const std::string& tenant_slug) override;
    Result<bool> start_session(const domain::LiveSession& session, const domain::EffectivePolicy& policy) override;
    Result<bool> end_session(const domain::LiveSession& session) override;
    Result<JoinInfo> generate_join_url(const JoinRequest& request) override;
    Result<std::vector<ParticipantInfo>> get_participants(const domain::LiveSession& session) override;
    Result<std::string> start_recording(const domain::LiveSession& session) override;
    Result<bool> stop_recording(const domain::LiveSession& session) override;
    Result<std::vector<RecordingInfo>> get_recordings(const domain::LiveSession& session) override;
    Result<bool> delete_room(const domain::LiveSession& session) override;
    Result<NormalizedEvent> handle_webhook(const boost::json::object& payload) override;
    /// The Jitsi web front answers on https://{domain}/.
    Result<std::string> health_check() override;

    /// The claim set of a join token (exposed for tests and documentation).
    boost::json::object join_claims(const JoinRequest& request, UnixTime now) const;

private:
    JitsiSettings s_;
    const Clock& clock_;
    const infra::HttpClient* http_;
};

}  // namespace lc::providers
