#pragma once
// Zoom webhook events (developers.zoom.us "Webhooks"), normalised to seed 3.6's event model:
// {"event":"meeting.participant_joined","event_ts":ms,"payload":{"account_id":...,"object":{"id":123,
// "uuid":...,"participant":{"user_id","user_name","email","join_time","leave_time"}}}}.
// The signature ("x-zm-signature: v0=HMAC-SHA256(secret, v0:{timestamp}:{body})") is checked by the
// webhook service before this runs.
#include <boost/json/object.hpp>

#include "providers/provider.hpp"

namespace lc::providers {

/// meeting/webinar .started/.ended/.participant_joined/.participant_left and recording.completed map
/// to the seed's event types; any other Zoom event becomes "ignored". room_id is the Zoom meeting id;
/// session_id is left empty (the service finds the session by room). The participant's e-mail is in
/// payload.participant.email (Zoom's own user ids mean nothing to us).
Result<NormalizedEvent> normalize_zoom_event(const boost::json::object& body, const Clock& clock);

}  // namespace lc::providers
