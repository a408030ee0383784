#include "domain/policy.hpp"

#include <array>
#include <optional>

namespace lc::domain {
namespace {

// Levels in precedence order: session, course, tenant (null = level absent).
using Levels = std::array<const PolicyOverrides*, 3>;

template <class T>
void resolve_field(const Levels& levels, std::optional<T> PolicyOverrides::*in, T EffectivePolicy::*out,
                   EffectivePolicy& p) {
    for (const PolicyOverrides* level : levels) {
        if (level != nullptr && (level->*in).has_value()) {
            p.*out = *(level->*in);
            return;
        }
    }
}

}  // namespace

EffectivePolicy resolve_policy(const PolicyOverrides* tenant, const PolicyOverrides* course,
                               const PolicyOverrides* session) {
    const Levels levels{session, course, tenant};
    EffectivePolicy p;
    using O = PolicyOverrides;
    using E = EffectivePolicy;
    resolve_field(levels, &O::recording_required, &E::recording_required, p);
    resolve_field(levels, &O::auto_recording, &E::auto_recording, p);
    resolve_field(levels, &O::recording_retention_days, &E::recording_retention_days, p);
    resolve_field(levels, &O::attendance_threshold_percent, &E::attendance_threshold_percent, p);
    resolve_field(levels, &O::minimum_duration_minutes, &E::minimum_duration_minutes, p);
    resolve_field(levels, &O::late_join_tolerance_minutes, &E::late_join_tolerance_minutes, p);
    resolve_field(levels, &O::early_leave_tolerance_minutes, &E::early_leave_tolerance_minutes, p);
    resolve_field(levels, &O::lobby_enabled, &E::lobby_enabled, p);
    resolve_field(levels, &O::require_authentication, &E::require_authentication, p);
    resolve_field(levels, &O::allow_guests, &E::allow_guests, p);
    resolve_field(levels, &O::students_can_share_screen, &E::students_can_share_screen, p);
    resolve_field(levels, &O::students_can_use_whiteboard, &E::students_can_use_whiteboard, p);
    resolve_field(levels, &O::students_can_unmute_self, &E::students_can_unmute_self, p);
    resolve_field(levels, &O::students_start_muted, &E::students_start_muted, p);
    resolve_field(levels, &O::students_video_off, &E::students_video_off, p);
    resolve_field(levels, &O::transcribe_recordings, &E::transcribe_recordings, p);
    resolve_field(levels, &O::summarize_recordings, &E::summarize_recordings, p);
    // Sending a class's voices to a speech-to-text service is the school's decision (KVKK): a course or a
    // class may turn it off, but only a school that turned it on at its own level has it at all.
    if (!(tenant && tenant->transcribe_recordings.value_or(false))) p.transcribe_recordings = false;
    // The same for sending what was said to a language model (seeds 13.2, 13.3).
    if (!(tenant && tenant->summarize_recordings.value_or(false))) p.summarize_recordings = false;
    return p;
}

EffectivePolicy apply_session_type(EffectivePolicy p, SessionType type) {
    if (type == SessionType::kWebinar) {
        p.students_start_muted = true;
        p.students_can_unmute_self = false;
        p.students_can_share_screen = false;
        p.students_can_use_whiteboard = false;
    }
    return p;
}

}  // namespace lc::domain
