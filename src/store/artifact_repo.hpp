#pragma once
// Seed 2.5: a class's artifacts (chat logs, whiteboards, files, polls, notes).
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/artifacts.hpp"

namespace lc::store {

/// Inserts `a`. False (and nothing written) when the session already has an artifact from the same
/// non-empty source_id, even when another process inserted it a moment ago.
bool insert_artifact(soci::session& sql, const domain::Artifact& a);
/// The session's artifacts, oldest first, without their content (listings never carry it).
std::vector<domain::Artifact> list_artifacts(soci::session& sql, const std::string& tenant_id,
                                             const std::string& session_id);
/// One artifact of the session in the tenant, without its content (a chat log may be megabytes; handing
/// out a link to it or deleting it needs none of them).
std::optional<domain::Artifact> find_artifact(soci::session& sql, const std::string& tenant_id,
                                              const std::string& session_id, const std::string& id);
/// One artifact by id within the tenant, with its content (for download links, which name no session).
std::optional<domain::Artifact> find_artifact_by_id(soci::session& sql, const std::string& tenant_id,
                                                    const std::string& id);
/// The session's artifact made from `source_id`, with its content (locked on PostgreSQL when asked).
std::optional<domain::Artifact> find_artifact_by_source(soci::session& sql, const std::string& tenant_id,
                                                        const std::string& session_id, const std::string& source_id,
                                                        bool for_update = false);
/// Replaces an artifact's content and metadata (a chat log that grew).
void update_artifact_content(soci::session& sql, const domain::Artifact& a);
/// True when the session already has an artifact made from `source_id`.
bool has_artifact_from(soci::session& sql, const std::string& session_id, const std::string& source_id);
/// Deletes one artifact; false when there was none.
bool delete_artifact(soci::session& sql, const std::string& tenant_id, const std::string& id);

}  // namespace lc::store
