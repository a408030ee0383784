#pragma once
// Domain objects -> JSON (snake_case field names as in the seed's models).
#include <boost/json/object.hpp>

#include "domain/entities.hpp"
#include "services/config_service.hpp"
#include "services/session_service.hpp"

namespace lc::http {

boost::json::object to_json(const domain::User& u);
boost::json::object to_json(const domain::Tenant& t);
boost::json::object to_json(const domain::Course& c);
boost::json::object to_json(const domain::EffectivePolicy& p);
boost::json::object to_json(const domain::PolicyOverrides& p);  // unset fields are null
/// Secrets are never returned: "********" when set, "" when not, plus a *_set boolean.
boost::json::object to_json(const domain::ProviderConfig& c);
/// detail adds participants_count, recordings_count and policy. room_password only for hosts/moderators/admins.
boost::json::object to_json(const services::SessionView& v, bool detail);
boost::json::object to_json(const services::JoinResult& j);

}  // namespace lc::http
