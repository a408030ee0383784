#include "services/recording_storage.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "infra/crypto.hpp"
#include "infra/download.hpp"
#include "infra/json_fields.hpp"
#include "store/recording_repo.hpp"
#include "store/repositories.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using infra::text_at;

namespace {
bool copyable(const Recording& r) {
    return r.format == "mp4" && (r.provider_url.rfind("https://", 0) == 0 || r.provider_url.rfind("http://", 0) == 0);
}
}  // namespace

std::string RecordingStorageService::copy_key(const Recording& r) {
    return "recordings/" + r.tenant_id + "/" + r.id + ".mp4";
}

bool RecordingStorageService::queue_copy(soci::session& sql, const Recording& r) {
    if (!opt_.enabled || !copyable(r)) return false;
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = r.tenant_id;
    job.type = kCopyJob;
    job.max_attempts = kCopyAttempts;
    job.payload = json::serialize(json::object{{"recording_id", r.id}, {"tenant_id", r.tenant_id}});
    store::enqueue_job(sql, job, ctx_.clock.now());
    return true;
}

Result<infra::BlobStore::Found> RecordingStorageService::find_copy(const Recording& r) const {
    if (r.storage_status != "stored" || r.storage_path.empty()) return Error::not_found("no copy of this recording");
    return store_.find(r.storage_path);
}

Status RecordingStorageService::remove_copy(const Recording& r) {
    // The key is derived, not read: a copy finished by a job that raced a delete is found as well.
    return store_.remove(copy_key(r));
}

void RecordingStorageService::mark_failed(const std::string& tenant, const std::string& id) {
    store::Tx tx(ctx_.db, /*bump_generation=*/false);
    auto r = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
    if (!r || r->storage_status == "stored") return;
    r->storage_status = "failed";
    r->storage_bytes = 0;
    store::save_recording(tx.sql(), *r);
    tx.commit();
}

Status RecordingStorageService::run_copy_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("store_recording: the payload is not a JSON object");
    const std::string tenant = text_at(v.get_object(), "tenant_id"), id = text_at(v.get_object(), "recording_id");
    const bool last_attempt = job.attempts >= job.max_attempts;
    return guarded([&]() -> Status {
        std::optional<Recording> rec;
        std::optional<LiveSession> s;
        std::vector<ProviderConfig> configs;
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);
            rec = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
            if (!rec || !is_playable(rec->status) || rec->storage_status == "stored" || !copyable(*rec))
                return ok_status();  // deleted meanwhile, or nothing (more) to copy
            s = store::find_session(tx.sql(), tenant, rec->session_id);
            if (!s) return ok_status();
            configs = store::list_provider_configs(tx.sql(), tenant, ctx_.keys.box);
            rec->storage_status = "copying";
            rec->storage_bytes = 0;
            store::save_recording(tx.sql(), *rec);
            tx.commit();
        }
        // A failure the next attempt may not see: give up now, or on the last attempt.
        auto give_up_or_retry = [&](Error e, bool permanent) -> Status {
            if (!permanent && !last_attempt) return e;  // retried with backoff
            mark_failed(tenant, id);
            return last_attempt ? Status(std::move(e)) : ok_status();
        };
        std::vector<std::pair<std::string, std::string>> headers;
        if (auto provider = ctx_.providers.for_kind(configs, s->provider); provider) {
            auto h = (*provider)->download_headers();
            if (!h) return give_up_or_retry(h.take_error(), false);
            headers = std::move(*h);
        }
        auto scratch = store_.scratch_path(id + ".part");
        if (!scratch) return give_up_or_retry(scratch.take_error(), false);
        infra::DownloadRequest d;
        d.url = rec->provider_url;
        d.headers = std::move(headers);
        d.to_path = *scratch;
        d.max_bytes = opt_.max_bytes;
        d.public_only = !opt_.allow_private_sources;
        d.on_progress = [&](long long bytes) {
            // Progress for the recordings list; a failed write here only leaves the figure behind.
            try {
                store::Tx tx(ctx_.db, /*bump_generation=*/false);
                store::save_storage_progress(tx.sql(), tenant, id, bytes);
                tx.commit();
            } catch (const std::exception&) {
            }
        };
        auto got = infra::download_to_file(d);
        if (!got) {
            std::remove(scratch->c_str());
            const bool permanent = got.error().code == Code::kInvalidArgument;
            return give_up_or_retry(got.take_error(), permanent);
        }
        Recording copied = *rec;
        copied.storage_path = copy_key(copied);
        if (auto st = store_.put_file(copied.storage_path, *scratch); !st) {
            std::remove(scratch->c_str());
            return give_up_or_retry(st.error(), false);
        }
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto current = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
        if (!current || !is_playable(current->status)) {
            tx.commit();
            (void)store_.remove(copied.storage_path);  // deleted while we copied: keep nothing
            return ok_status();
        }
        current->storage_path = copied.storage_path;
        current->storage_status = "stored";
        current->storage_bytes = *got;
        current->file_size_bytes = *got;
        store::save_recording(tx.sql(), *current);
        tx.commit();
        return ok_status();
    });
}

}  // namespace lc::services
