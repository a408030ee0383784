#include "services/recording_storage.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>

#include "infra/crypto.hpp"
#include "infra/download.hpp"
#include "infra/json_fields.hpp"
#include "infra/thumbnail.hpp"
#include "services/provider_files.hpp"
#include "services/transcript_service.hpp"
#include "store/notes_repo.hpp"
#include "store/recording_repo.hpp"
#include "store/repositories.hpp"
#include "store/transcript_repo.hpp"

namespace lc::services {

namespace json = boost::json;
using namespace lc::domain;
using infra::text_at;

namespace {
bool copyable(const Recording& r) {
    return r.format == "mp4" && (r.provider_url.rfind("https://", 0) == 0 || r.provider_url.rfind("http://", 0) == 0);
}
std::string payload_of(const Recording& r) {
    return json::serialize(json::object{{"recording_id", r.id}, {"tenant_id", r.tenant_id}});
}
/// The thumbnail's address in listings: read with the viewer's own bearer token.
std::string thumbnail_path(const Recording& r) {
    return "/api/v1/live-sessions/" + r.session_id + "/recordings/" + r.id + "/thumbnail/";
}
}  // namespace

std::string RecordingStorageService::copy_key(const Recording& r) {
    return "recordings/" + r.tenant_id + "/" + r.id + ".mp4";
}

std::string RecordingStorageService::thumbnail_key(const Recording& r) {
    return "thumbnails/" + r.tenant_id + "/" + r.id + ".jpg";
}

void queue_recording_copies_deletion(soci::session& sql, const Recording& r, ProviderKind provider, UnixTime now) {
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = r.tenant_id;
    job.type = RecordingStorageService::kDeleteCopiesJob;
    job.max_attempts = RecordingStorageService::kCopyAttempts;
    job.payload = json::serialize(json::object{{"recording_id", r.id},
                                               {"tenant_id", r.tenant_id},
                                               {"provider_recording_id", r.provider_recording_id},
                                               {"provider", to_string(provider)}});
    store::enqueue_job(sql, job, now);
}

Result<std::string> RecordingStorageService::fetch_small_file(const std::string& url,
                                                              std::vector<std::pair<std::string, std::string>> headers,
                                                              long long max_bytes, const std::string& scratch_name) {
    return services::fetch_small_file(
        store_, SmallFileRequest{url, std::move(headers), max_bytes, scratch_name, opt_.allow_private_sources});
}

Status RecordingStorageService::run_delete_copies_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("delete_recording_copies: the payload is not a JSON object");
    const json::object& o = v.get_object();
    Recording gone;
    gone.tenant_id = text_at(o, "tenant_id");
    gone.id = text_at(o, "recording_id");
    const std::string provider_recording_id = text_at(o, "provider_recording_id");
    const auto kind = parse_provider_kind(text_at(o, "provider"));
    if (gone.tenant_id.empty() || gone.id.empty()) return Error::invalid("delete_recording_copies: no recording named");
    return guarded([&]() -> Status {
        std::vector<ProviderConfig> configs;
        {
            store::Tx tx(ctx_.db, /*bump_generation=*/false);  // released before the provider is called
            auto rec = store::find_recording_by_id(tx.sql(), gone.tenant_id, gone.id);
            if (rec && rec->status != RecordingStatus::kDeleted) return ok_status();  // not deleted: keep it
            store::delete_transcript(tx.sql(), gone.tenant_id, gone.id);  // what was said goes with the recording
            store::delete_notes(tx.sql(), gone.tenant_id, gone.id);       // and what was made of it
            configs = store::list_provider_configs(tx.sql(), gone.tenant_id, ctx_.keys.box);
            tx.commit();
        }
        if (auto st = remove_copy(gone); !st) return st;  // retried
        if (provider_recording_id.empty() || !kind) return ok_status();
        auto provider = ctx_.providers.for_kind(configs, *kind);
        if (!provider) return provider.take_error();  // the school's settings may be fixed: retried
        auto deleted = (*provider)->delete_recording(provider_recording_id);
        if (!deleted && deleted.error().code != Code::kUnimplemented && deleted.error().code != Code::kNotFound)
            return deleted.take_error();  // retried with backoff, then dead
        return ok_status();
    });
}

bool RecordingStorageService::queue_copy(soci::session& sql, const Recording& r) {
    if (!opt_.enabled || !copyable(r)) return false;
    store::Job job;
    job.id = infra::new_uuid();
    job.tenant_id = r.tenant_id;
    job.type = kCopyJob;
    job.max_attempts = kCopyAttempts;
    job.payload = payload_of(r);
    store::enqueue_job(sql, job, ctx_.clock.now());
    return true;
}

Result<infra::BlobStore::Found> RecordingStorageService::find_copy(const Recording& r,
                                                                   const infra::BlobStore::Presentation& as) const {
    if (r.storage_status != "stored" || r.storage_path.empty()) return Error::not_found("no copy of this recording");
    return store_.find(r.storage_path, as);
}

Status RecordingStorageService::remove_copy(const Recording& r) {
    // The keys are derived, not read: a copy finished by a job that raced a delete is found as well,
    // and so is what a download or thumbnail cut short by a crash left in the scratch directory.
    for (const std::string& name : {r.id + ".part", r.id + ".jpg", r.id + ".audio"})
        if (auto scratch = store_.scratch_path(name)) {
            std::error_code ignored;
            std::filesystem::remove_all(*scratch, ignored);
        }
    if (auto st = store_.remove(copy_key(r)); !st) return st;
    return store_.remove(thumbnail_key(r));
}

Result<std::string> RecordingStorageService::scratch_dir_for(const std::string& name) {
    auto path = store_.scratch_path(name);
    if (!path) return path;
    std::error_code ec;
    std::filesystem::remove_all(*path, ec);
    if (!std::filesystem::create_directories(*path, ec) || ec)
        return Error::unavailable("no scratch space for the recording's file", *path + ": " + ec.message());
    return path;
}

Result<std::string> RecordingStorageService::read_thumbnail(const Recording& r) const {
    auto none = Error::not_found("this recording has no thumbnail (yet)");
    if (r.thumbnail_url.empty()) return none;
    auto bytes = store_.read(thumbnail_key(r), 4 * 1024 * 1024);
    if (!bytes && bytes.error().code == Code::kNotFound) return none;
    return bytes;  // the store unreachable: 503, so the browser tries again later
}

Status RecordingStorageService::run_thumbnail_job(const store::Job& job) {
    boost::system::error_code ec;
    json::value v = json::parse(job.payload, ec);
    if (ec || !v.is_object()) return Error::invalid("generate_thumbnail: the payload is not a JSON object");
    const std::string tenant = text_at(v.get_object(), "tenant_id"), id = text_at(v.get_object(), "recording_id");
    return guarded([&]() -> Status {
        std::optional<Recording> rec;
        {
            store::Conn c(ctx_.db);
            rec = store::find_recording_by_id(c.sql(), tenant, id);
        }
        if (!rec || !is_playable(rec->status)) return ok_status();
        auto copy = find_copy(*rec);
        if (!copy && copy.error().code == Code::kNotFound) return ok_status();  // deleted meanwhile
        if (!copy) return copy.take_error();                                    // the store unreachable: retried
        auto scratch = store_.scratch_path(id + ".jpg");
        if (!scratch) return scratch.take_error();
        infra::ThumbnailRequest q;
        q.ffmpeg = opt_.ffmpeg;
        q.input = copy->path.empty() ? copy->url : copy->path;  // S3: ffmpeg reads the signed address
        q.output = *scratch;
        if (auto st = infra::make_thumbnail(q); !st) {
            if (st.error().code != Code::kInvalidArgument) return st;  // ffmpeg missing or too slow: retried
            // ffmpeg read nothing. From a signed address that may be the network or the store, not the
            // file: if the store no longer answers for the copy, try again later.
            if (copy->path.empty()) {
                if (auto again = find_copy(*rec); !again && again.error().code != Code::kNotFound)
                    return again.take_error();
            }
            return ok_status();  // not a video ffmpeg can read: no thumbnail, not retried
        }
        if (auto st = store_.put_file(thumbnail_key(*rec), *scratch); !st) {
            std::remove(scratch->c_str());
            return st;
        }
        store::Tx tx(ctx_.db, /*bump_generation=*/false);
        auto current = store::find_recording_by_id(tx.sql(), tenant, id, /*for_update=*/true);
        if (!current || !is_playable(current->status)) {
            tx.commit();
            (void)store_.remove(thumbnail_key(*rec));  // deleted while we worked: keep nothing
            return ok_status();
        }
        current->thumbnail_url = thumbnail_path(*current);
        store::save_recording(tx.sql(), *current);
        tx.commit();
        return ok_status();
    });
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
            auto h = (*provider)->download_headers(rec->provider_url);
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
            return remove_copy(copied);  // deleted while we copied: keep nothing (retried if that fails)
        }
        current->storage_path = copied.storage_path;
        current->storage_status = "stored";
        current->storage_bytes = *got;
        current->file_size_bytes = *got;
        // Seed 13.1: the school asked for transcripts of its classes (and this server has a service).
        // One that has a transcript already, or whose provider's own is on its way (Zoom's, imported), is not
        // transcribed here: no audio leaves for what the provider made.
        const bool transcribe =
            opt_.transcribe && opt_.ffmpeg != "off" && current->transcript_status != "ready" &&
            !store::job_at_work_for(tx.sql(), TranscriptService::kImportJob, tenant, "recording_id", current->id) &&
            transcripts_wanted(tx.sql(), *s);
        if (transcribe) queue_transcript(tx.sql(), *current, ctx_.clock.now());
        store::save_recording(tx.sql(), *current);
        const bool thumbnail = opt_.ffmpeg != "off";
        if (thumbnail) {
            store::Job next;
            next.id = infra::new_uuid();
            next.tenant_id = tenant;
            next.type = kThumbnailJob;
            next.payload = payload_of(*current);
            store::enqueue_job(tx.sql(), next, ctx_.clock.now());
        }
        tx.commit();
        if (thumbnail || transcribe) ctx_.jobs_enqueued();
        return ok_status();
    });
}

}  // namespace lc::services
