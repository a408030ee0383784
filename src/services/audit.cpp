#include "services/audit.hpp"

#include <boost/json.hpp>

#include "infra/crypto.hpp"

namespace lc::services {

std::string hash_ip(const Keys& keys, const std::string& ip) {
    return ip.empty() ? std::string() : infra::hmac_sha256_hex(keys.ip_salt, ip);
}

store::AuditEntry audit_row(const ServiceContext& ctx, const Principal& p, std::string action,
                            std::string resource_type, std::string resource_id, const RequestMeta& meta,
                            const boost::json::object& details) {
    store::AuditEntry e;
    e.id = infra::new_uuid();
    e.tenant_id = p.tenant.id;
    e.actor_id = p.user.id;
    e.action = std::move(action);
    e.resource_type = std::move(resource_type);
    e.resource_id = std::move(resource_id);
    e.ip_hash = hash_ip(ctx.keys, meta.ip);
    e.request_id = meta.request_id;
    e.details = boost::json::serialize(details);
    e.created_at = ctx.clock.now();
    return e;
}

Status AuditService::record(const Principal& p, std::string action, std::string resource_type, std::string resource_id,
                            const RequestMeta& meta, const boost::json::object& details) {
    return guarded([&]() -> Status {
        store::Conn c(ctx_.db);
        store::insert_audit(c.sql(), audit_row(ctx_, p, std::move(action), std::move(resource_type),
                                               std::move(resource_id), meta, details));
        return ok_status();
    });
}

}  // namespace lc::services
