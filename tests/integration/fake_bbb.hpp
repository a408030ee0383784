#pragma once
// A fake BigBlueButton server on loopback that speaks the documented API: GET /bigbluebutton/api/{call}
// with checksum = hex(SHA(call + query-without-checksum + secret)) (SHA-1/256/512 told apart by length,
// as bbb-web does), XML answers with returncode SUCCESS/FAILED and messageKey. It keeps meetings,
// attendees, recordings and hooks in memory, and can be told to fail the way a real server does:
// HTTP 500, a body that is not XML, answering too late.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.hpp"
#include "infra/log.hpp"

namespace lc::testing {

class FakeBbb {
public:
    enum class Mode { kNormal, kHttp500, kNotXml, kSlow };
    struct Call {
        std::string name;                           // create, join, end, ...
        std::map<std::string, std::string> params;  // decoded, checksum removed
        bool checksum_ok = false;
    };
    struct Attendee {
        std::string user_id, full_name, role;  // role: MODERATOR | VIEWER
    };
    /// A caption file kept with a recording (getRecordingTextTracks).
    struct Track {
        std::string href, kind, label, lang, source;
    };
    struct Recording {
        std::string record_id, meeting_id, url;
        long long start_ms = 0, end_ms = 0, size = 0;
        bool published = true;
        std::vector<Track> tracks;
    };

    explicit FakeBbb(std::string secret);
    ~FakeBbb();

    /// What an admin puts in bbb_server_url, e.g. http://127.0.0.1:PORT/bigbluebutton/
    std::string server_url() const;
    void set_mode(Mode m) { mode_ = m; }
    /// Requests received, whatever the mode.
    int hits() const { return hits_.load(); }
    std::vector<Call> calls() const;
    std::vector<Call> calls_named(const std::string& name) const;
    bool meeting_exists(const std::string& id) const;
    /// The meeting ends on the server (everyone left, or a moderator ended it in the client).
    void end_meeting(const std::string& id);
    void add_attendee(const std::string& meeting_id, Attendee a);
    void add_recording(Recording r);
    /// A caption file kept with a recording from now on (uploaded, or finished by speech recognition).
    void add_track(const std::string& record_id, Track t);
    std::vector<Recording> recordings() const;
    /// Checks a full URL the way the server would (join links are opened by browsers, not by us).
    bool checksum_valid(const std::string& url) const;

private:
    std::string handle(const std::string& target, Call& call);
    bool verify(const std::string& name, const std::string& raw_query, Call& call) const;

    std::string secret_;
    std::atomic<Mode> mode_{Mode::kNormal};
    std::atomic<int> hits_{0};
    infra::Logger log_;
    std::unique_ptr<http::Server> server_;
    unsigned short port_ = 0;
    mutable std::mutex mu_;
    std::vector<Call> calls_;
    std::map<std::string, std::vector<Attendee>> meetings_;  // meetingID -> attendees
    std::vector<Recording> recordings_;
    std::vector<std::pair<std::string, std::string>> hooks_;  // callbackURL, meetingID
};

}  // namespace lc::testing
