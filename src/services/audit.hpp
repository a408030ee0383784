#pragma once
// Seed 9.5 audit rows, built one way everywhere: who (actor), what (action, resource), when, which
// school, from where (ip_hash: a keyed hash, never the address) and in which request (request id).
// Details say what changed by field name; secrets and passwords never appear in them, only the fact
// that they changed.
#include <boost/json/object.hpp>
#include <string>

#include "services/context.hpp"

namespace lc::services {

/// HMAC-SHA256 of a client address with the server's ip key (seed 9.4); empty for no address.
std::string hash_ip(const Keys& keys, const std::string& ip);

store::AuditEntry audit_row(const ServiceContext& ctx, const Principal& p, std::string action,
                            std::string resource_type, std::string resource_id, const RequestMeta& meta,
                            const boost::json::object& details = {});

/// Audit rows for actions that change nothing else (exports: seed 9.5 "exports").
class AuditService {
public:
    explicit AuditService(ServiceContext& ctx) : ctx_(ctx) {}
    Status record(const Principal& p, std::string action, std::string resource_type, std::string resource_id,
                  const RequestMeta& meta, const boost::json::object& details = {});

private:
    ServiceContext& ctx_;
};

}  // namespace lc::services
