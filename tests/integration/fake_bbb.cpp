#include "fake_bbb.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <chrono>
#include <thread>

#include "infra/crypto.hpp"

namespace lc::testing {

namespace {

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string success(const std::string& inner) {
    return "<response><returncode>SUCCESS</returncode>" + inner + "</response>";
}

std::string failed(const std::string& key, const std::string& message) {
    return "<response><returncode>FAILED</returncode><messageKey>" + key + "</messageKey><message>" +
           xml_escape(message) + "</message></response>";
}

}  // namespace

FakeBbb::FakeBbb(std::string secret) : secret_(std::move(secret)), log_(infra::Logger::quiet()) {
    http::ServerOptions so;
    so.port = 0;
    so.io_threads = 1;
    so.handler_threads = 4;
    server_ = std::make_unique<http::Server>(
        so,
        [this](std::shared_ptr<const http::Request> req, const http::ConnInfo&, const http::Offload& offload,
               http::Respond respond, http::RespondStream) {
            ++hits_;
            offload([this, req, respond] {
                Mode mode = mode_.load();
                http::Response res{boost::beast::http::status::ok, req->version()};
                res.set(boost::beast::http::field::content_type, "text/xml;charset=utf-8");
                res.keep_alive(req->keep_alive());
                if (mode == Mode::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                if (mode == Mode::kHttp500) {
                    res.result(boost::beast::http::status::internal_server_error);
                    res.body() = "<html><body>Internal Server Error</body></html>";
                } else if (mode == Mode::kNotXml) {
                    res.body() = "<html><body>nginx default page";
                } else if (req->target().find("/bigbluebutton/api/") != 0) {
                    res.result(boost::beast::http::status::not_found);  // as nginx in front of BBB answers
                    res.body() = "<html><body>404 Not Found</body></html>";
                } else {
                    Call call;
                    res.body() = handle(std::string(req->target()), call);
                    if (call.name == "getRecordingTextTracks")  // the one call BBB answers in JSON
                        res.set(boost::beast::http::field::content_type, "application/json");
                    std::lock_guard lk(mu_);
                    calls_.push_back(std::move(call));
                }
                res.prepare_payload();
                respond(std::move(res));
            });
        },
        log_);
    port_ = server_->start();
}

FakeBbb::~FakeBbb() { server_->stop(1); }

std::string FakeBbb::server_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/bigbluebutton/"; }

std::vector<FakeBbb::Call> FakeBbb::calls() const {
    std::lock_guard lk(mu_);
    return calls_;
}

std::vector<FakeBbb::Call> FakeBbb::calls_named(const std::string& name) const {
    std::vector<Call> out;
    for (auto& c : calls())
        if (c.name == name) out.push_back(c);
    return out;
}

bool FakeBbb::meeting_exists(const std::string& id) const {
    std::lock_guard lk(mu_);
    return meetings_.count(id) > 0;
}

void FakeBbb::end_meeting(const std::string& id) {
    std::lock_guard lk(mu_);
    meetings_.erase(id);
}

void FakeBbb::add_attendee(const std::string& meeting_id, Attendee a) {
    std::lock_guard lk(mu_);
    meetings_[meeting_id].push_back(std::move(a));
}

void FakeBbb::add_recording(Recording r) {
    std::lock_guard lk(mu_);
    recordings_.push_back(std::move(r));
}

void FakeBbb::add_track(const std::string& record_id, Track t) {
    std::lock_guard lk(mu_);
    for (auto& r : recordings_)
        if (r.record_id == record_id) r.tracks.push_back(t);
}

std::vector<FakeBbb::Recording> FakeBbb::recordings() const {
    std::lock_guard lk(mu_);
    return recordings_;
}

bool FakeBbb::verify(const std::string& name, const std::string& raw_query, Call& call) const {
    // bbb-web: the checksum parameter is cut out of the query string as received, and the rest is
    // hashed after the call name, followed by the secret.
    const std::string ref = "?" + raw_query;
    auto parsed = boost::urls::parse_relative_ref(ref);
    if (!parsed) return false;
    std::string checksum;
    for (auto p : parsed->params()) {
        if (p.key == "checksum")
            checksum = p.value;
        else
            call.params[p.key] = p.value;
    }
    std::string rest = raw_query;
    for (const std::string& cut : {"&checksum=" + checksum, "checksum=" + checksum + "&", "checksum=" + checksum}) {
        if (auto at = rest.find(cut); at != std::string::npos) {
            rest.erase(at, cut.size());
            break;
        }
    }
    std::string data = name + rest + secret_;
    std::string expected = checksum.size() == 40    ? infra::sha1_hex(data)
                           : checksum.size() == 64  ? infra::sha256_hex(data)
                           : checksum.size() == 128 ? infra::sha512_hex(data)
                                                    : std::string();
    return !expected.empty() && infra::secure_equals(expected, checksum);
}

bool FakeBbb::checksum_valid(const std::string& url) const {
    auto u = boost::urls::parse_uri(url);
    if (!u) return false;
    std::string path = u->path();
    std::string name = path.substr(path.find("/api/") + 5);
    Call call;
    return verify(name, std::string(u->encoded_query()), call);
}

std::string FakeBbb::handle(const std::string& target, Call& call) {
    auto u = boost::urls::parse_origin_form(target);
    if (!u) return failed("invalidRequest", "bad target");
    std::string path = u->path();
    const std::string prefix = "/bigbluebutton/api/";
    if (path.rfind(prefix, 0) != 0) return failed("notFound", "no such path");
    call.name = path.substr(prefix.size());
    call.checksum_ok = verify(call.name, std::string(u->encoded_query()), call);
    if (!call.checksum_ok) return failed("checksumError", "You did not pass the checksum security check");
    auto param = [&](const char* k) {
        auto it = call.params.find(k);
        return it == call.params.end() ? std::string() : it->second;
    };
    std::lock_guard lk(mu_);
    const std::string meeting = param("meetingID");
    if (call.name == "create") {
        if (meeting.empty()) return failed("missingParamMeetingID", "You must specify a meeting ID");
        bool existed = meetings_.count(meeting) > 0;
        meetings_[meeting];
        return success("<meetingID>" + xml_escape(meeting) + "</meetingID><internalMeetingID>int-" +
                       xml_escape(meeting) + "</internalMeetingID><createTime>1700000000000</createTime>" +
                       (existed ? "<messageKey>duplicateWarning</messageKey>" : ""));
    }
    if (call.name == "end") {
        if (!meetings_.erase(meeting)) return failed("notFound", "We could not find a meeting with that meeting ID");
        return success("<messageKey>sentEndMeetingRequest</messageKey>");
    }
    if (call.name == "getMeetings") {
        std::string out;
        for (const auto& [id, attendees] : meetings_)
            out += "<meeting><meetingID>" + xml_escape(id) + "</meetingID><participantCount>" +
                   std::to_string(attendees.size()) + "</participantCount></meeting>";
        return success("<meetings>" + out + "</meetings>");
    }
    if (call.name == "isMeetingRunning")
        return success(std::string("<running>") + (meetings_.count(meeting) ? "true" : "false") + "</running>");
    if (call.name == "getMeetingInfo") {
        auto it = meetings_.find(meeting);
        if (it == meetings_.end()) return failed("notFound", "We could not find a meeting with that meeting ID");
        std::string attendees;
        for (const auto& a : it->second)
            attendees += "<attendee><userID>" + xml_escape(a.user_id) + "</userID><fullName>" +
                         xml_escape(a.full_name) + "</fullName><role>" + a.role +
                         "</role><isPresenter>false</isPresenter><hasJoinedVoice>true</hasJoinedVoice>"
                         "<hasVideo>false</hasVideo></attendee>";
        return success("<meetingID>" + xml_escape(meeting) + "</meetingID><attendees>" + attendees + "</attendees>");
    }
    if (call.name == "getRecordings") {
        std::string out;
        for (const auto& r : recordings_) {
            if (!meeting.empty() && r.meeting_id != meeting) continue;
            out += "<recording><recordID>" + xml_escape(r.record_id) + "</recordID><meetingID>" +
                   xml_escape(r.meeting_id) + "</meetingID><published>" + (r.published ? "true" : "false") +
                   "</published><startTime>" + std::to_string(r.start_ms) + "</startTime><endTime>" +
                   std::to_string(r.end_ms) + "</endTime><size>" + std::to_string(r.size) +
                   "</size><playback><format><type>presentation</type><url>" + xml_escape(r.url) + "</url><length>" +
                   std::to_string((r.end_ms - r.start_ms) / 60000) + "</length></format></playback></recording>";
        }
        return success("<recordings>" + out + "</recordings>");
    }
    if (call.name == "getRecordingTextTracks") {
        // JSON, as BBB answers this call: {"response": {"returncode", "tracks": [...]}} or a messageKey.
        namespace json = boost::json;
        const std::string id = param("recordID");
        if (id.empty())
            return json::serialize(json::object{
                {"response", {{"returncode", "FAILED"}, {"messageKey", "missingParameter"}, {"message", "recordID"}}}});
        for (const auto& r : recordings_) {
            if (r.record_id != id) continue;
            json::array tracks;
            for (const auto& t : r.tracks)
                tracks.push_back(json::object{
                    {"href", t.href}, {"kind", t.kind}, {"label", t.label}, {"lang", t.lang}, {"source", t.source}});
            return json::serialize(json::object{{"response", {{"returncode", "SUCCESS"}, {"tracks", tracks}}}});
        }
        return json::serialize(json::object{
            {"response",
             {{"returncode", "FAILED"}, {"messageKey", "noRecordings"}, {"message", "No recording found"}}}});
    }
    if (call.name == "publishRecordings" || call.name == "deleteRecordings") {
        const std::string id = param("recordID");
        for (auto it = recordings_.begin(); it != recordings_.end(); ++it) {
            if (it->record_id != id) continue;
            if (call.name == "deleteRecordings") {
                recordings_.erase(it);
                return success("<deleted>true</deleted>");
            }
            it->published = param("publish") == "true";
            return success(std::string("<published>") + (it->published ? "true" : "false") + "</published>");
        }
        return failed("notFound", "We could not find recordings");
    }
    if (call.name == "hooks/create") {
        const std::string cb = param("callbackURL");
        if (cb.empty()) return failed("missingParamCallbackURL", "You must specify a callbackURL");
        hooks_.emplace_back(cb, meeting);
        return success("<hookID>" + std::to_string(hooks_.size()) + "</hookID><permanentHook>false</permanentHook>");
    }
    return failed("unsupportedRequest", "This request is not supported by the fake");
}

}  // namespace lc::testing
