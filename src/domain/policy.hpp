#pragma once
// Seed 2.6: policy hierarchy session > course > tenant > defaults, field by field.
#include "domain/entities.hpp"

namespace lc::domain {

/// Resolve field by field: the first level that sets a field wins; unset everywhere -> seed default.
EffectivePolicy resolve_policy(const PolicyOverrides* tenant, const PolicyOverrides* course,
                               const PolicyOverrides* session);

/// Webinar sessions (seed 1.1): students start muted, may not unmute, share screen or draw.
EffectivePolicy apply_session_type(EffectivePolicy p, SessionType type);

}  // namespace lc::domain
