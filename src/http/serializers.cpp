#include "http/serializers.hpp"

#include <boost/json.hpp>

#include "core/time.hpp"
#include "http/json_values.hpp"

namespace lc::http {

namespace json = boost::json;
using namespace lc::domain;

namespace {
json::value opt_str(const std::optional<std::string>& s) { return s ? json::value(*s) : nullptr; }
json::array str_array(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}
template <class T>
json::value opt(const std::optional<T>& v) {
    return v ? json::value(*v) : nullptr;
}
json::value mask(const std::string& secret) { return secret.empty() ? "" : "********"; }
}  // namespace

json::object to_json(const User& u) {
    return {{"id", u.id},
            {"tenant_id", u.tenant_id},
            {"email", u.email},
            {"full_name", u.full_name},
            {"role", to_string(u.role)},
            {"locale", u.locale},
            {"external_id", opt_str(u.external_id)},
            {"avatar_url", u.avatar_url},
            {"is_active", u.is_active},
            {"created_at", format_iso8601(u.created_at)}};
}

json::object to_json(const Tenant& t) {
    return {{"id", t.id},
            {"slug", t.slug},
            {"name", t.name},
            {"domains", str_array(t.domains)},
            {"sso_enabled", !t.lms_jwt_secret.empty()},
            {"created_at", format_iso8601(t.created_at)}};
}

json::object to_json(const Course& c) {
    return {{"id", c.id},
            {"tenant_id", c.tenant_id},
            {"title", c.title},
            {"description", c.description},
            {"instructor_ids", str_array(c.instructor_ids)},
            {"created_at", format_iso8601(c.created_at)}};
}

json::object to_json(const EffectivePolicy& p) {
    return {{"recording_required", p.recording_required},
            {"auto_recording", p.auto_recording},
            {"recording_retention_days", p.recording_retention_days},
            {"attendance_threshold_percent", p.attendance_threshold_percent},
            {"minimum_duration_minutes", p.minimum_duration_minutes},
            {"late_join_tolerance_minutes", p.late_join_tolerance_minutes},
            {"early_leave_tolerance_minutes", p.early_leave_tolerance_minutes},
            {"lobby_enabled", p.lobby_enabled},
            {"require_authentication", p.require_authentication},
            {"allow_guests", p.allow_guests},
            {"students_can_share_screen", p.students_can_share_screen},
            {"students_can_use_whiteboard", p.students_can_use_whiteboard},
            {"students_can_unmute_self", p.students_can_unmute_self},
            {"students_start_muted", p.students_start_muted},
            {"students_video_off", p.students_video_off},
            {"transcribe_recordings", p.transcribe_recordings},
            {"summarize_recordings", p.summarize_recordings}};
}

json::object to_json(const PolicyOverrides& p) {
    return {{"recording_required", opt(p.recording_required)},
            {"auto_recording", opt(p.auto_recording)},
            {"recording_retention_days", opt(p.recording_retention_days)},
            {"attendance_threshold_percent", opt(p.attendance_threshold_percent)},
            {"minimum_duration_minutes", opt(p.minimum_duration_minutes)},
            {"late_join_tolerance_minutes", opt(p.late_join_tolerance_minutes)},
            {"early_leave_tolerance_minutes", opt(p.early_leave_tolerance_minutes)},
            {"lobby_enabled", opt(p.lobby_enabled)},
            {"require_authentication", opt(p.require_authentication)},
            {"allow_guests", opt(p.allow_guests)},
            {"students_can_share_screen", opt(p.students_can_share_screen)},
            {"students_can_use_whiteboard", opt(p.students_can_use_whiteboard)},
            {"students_can_unmute_self", opt(p.students_can_unmute_self)},
            {"students_start_muted", opt(p.students_start_muted)},
            {"students_video_off", opt(p.students_video_off)},
            {"transcribe_recordings", opt(p.transcribe_recordings)},
            {"summarize_recordings", opt(p.summarize_recordings)}};
}

json::object to_json(const ProviderConfig& c) {
    return {{"provider", to_string(c.provider)},
            {"is_active", c.is_active},
            {"is_default", c.is_default},
            {"jitsi_domain", c.jitsi_domain},
            {"jitsi_app_id", c.jitsi_app_id},
            {"jitsi_jwt_secret", mask(c.jitsi_jwt_secret)},
            {"jitsi_jwt_secret_set", !c.jitsi_jwt_secret.empty()},
            {"bbb_server_url", c.bbb_server_url},
            {"bbb_shared_secret", mask(c.bbb_shared_secret)},
            {"bbb_shared_secret_set", !c.bbb_shared_secret.empty()},
            {"bbb_checksum_algorithm", c.bbb_checksum_algorithm},
            {"zoom_account_id", c.zoom_account_id},
            {"zoom_client_id", c.zoom_client_id},
            {"zoom_client_secret", mask(c.zoom_client_secret)},
            {"zoom_client_secret_set", !c.zoom_client_secret.empty()},
            {"zoom_user_id", c.zoom_user_id},
            {"zoom_webhook_secret", mask(c.zoom_webhook_secret)},
            {"zoom_webhook_secret_set", !c.zoom_webhook_secret.empty()},
            {"webhook_secret", mask(c.webhook_secret)},
            {"webhook_secret_set", !c.webhook_secret.empty()},
            {"max_concurrent_rooms", c.max_concurrent_rooms},
            {"default_room_duration_minutes", c.default_room_duration_minutes}};
}

json::object to_json(const services::SessionView& v, bool detail) {
    const LiveSession& s = v.session;
    json::object o{{"id", s.id},
                   {"course_id", s.course_id},
                   {"content_id", opt_str(s.content_id)},
                   {"created_by", opt_str(s.created_by)},
                   {"title", s.title},
                   {"description", s.description},
                   {"type", to_string(s.type)},
                   {"status", to_string(s.status)},
                   {"scheduled_start", format_iso8601(s.scheduled_start)},
                   {"scheduled_end", format_iso8601(s.scheduled_end)},
                   {"actual_start", opt_time(s.actual_start)},
                   {"actual_end", opt_time(s.actual_end)},
                   {"provider", to_string(s.provider)},
                   {"room_id", s.room_id},
                   {"room_url", s.room_url},
                   {"max_participants", s.max_participants},
                   {"recording_enabled", s.recording_enabled},
                   {"auto_recording", s.auto_recording},
                   {"waiting_room_enabled", s.waiting_room_enabled},
                   {"participant_count", s.participant_count},
                   {"peak_participants", s.peak_participants},
                   {"total_duration_minutes", s.total_duration_minutes},
                   {"moderator_ids", str_array(s.moderator_ids)},
                   {"created_at", format_iso8601(s.created_at)},
                   {"updated_at", format_iso8601(s.updated_at)},
                   {"series_id", s.series_id ? json::value(*s.series_id) : json::value(nullptr)},
                   {"sequence", s.sequence}};
    if (detail) {
        o["course"] = json::object{{"id", s.course_id}, {"title", v.course_title}};
        o["participants_count"] = v.participants_count;
        o["recordings_count"] = v.recordings_count;
        o["policy"] = to_json(v.policy);
        o["my_role"] = to_string(v.actor);
        if (v.actor != SessionActor::kParticipant) o["room_password"] = s.room_password;
    }
    return o;
}

json::object to_json(const services::JoinResult& j) {
    return {{"join_url", j.join_url},
            {"token", j.token.empty() ? json::value(nullptr) : json::value(j.token)},
            {"launch_url", j.launch_url},
            {"role", to_string(j.role)},
            {"expires_at", format_iso8601(j.expires_at)},
            {"provider", to_string(j.provider)},
            {"participant_id", j.participant_id}};
}

}  // namespace lc::http
