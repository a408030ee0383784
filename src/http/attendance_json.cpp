#include "http/attendance_json.hpp"

#include <cstdio>

#include "core/time.hpp"
#include "http/csv.hpp"
#include "http/json_values.hpp"

namespace lc::http {

namespace json = boost::json;

namespace {

std::string percent_text(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", p);
    return buf;
}

}  // namespace

const char* attendance_status(const domain::AttendanceSummary& s) {
    if (s.attended) return "attended";
    return s.join_count > 0 ? "partial" : "absent";
}

json::object to_json(const store::AttendanceReportRow& r) {
    const auto& a = r.summary;
    return json::object{{"user_id", a.user_id},
                        {"full_name", r.full_name},
                        {"email", r.email},
                        {"session_id", a.session_id},
                        {"session_title", r.session_title},
                        {"session_start", format_iso8601(r.session_start)},
                        {"course_id", r.course_id},
                        {"status", attendance_status(a)},
                        {"attended", a.attended},
                        {"attendance_percent", a.attendance_percent},
                        {"total_duration_seconds", a.total_duration_seconds},
                        {"background_duration_seconds", a.background_duration_seconds},
                        {"join_count", a.join_count},
                        {"first_join", opt_time(a.first_join)},
                        {"last_leave", opt_time(a.last_leave)},
                        {"late_join", a.late_join},
                        {"early_leave", a.early_leave},
                        {"engagement_score", a.engagement_score}};
}

json::object to_json(const services::AttendanceRowView& v, bool with_intervals) {
    json::object o = to_json(v.row);
    if (!with_intervals) return o;
    json::array list;
    for (const auto& i : v.intervals) {
        json::object e{{"kind", i.kind},
                       {"participant_id", i.participant_id},
                       {"from", format_iso8601(i.from)},
                       {"to", opt_time(i.to)}};
        if (i.kind == "present") {
            e["end_reason"] = i.end_reason.empty() ? json::value(nullptr) : json::value(i.end_reason);
            e["device_type"] = i.device_type;
        }
        list.push_back(std::move(e));
    }
    o["intervals"] = std::move(list);
    return o;
}

json::object to_json(const services::SessionAttendance& a, bool with_intervals) {
    int attended = 0, partial = 0, absent = 0, late = 0, early = 0;
    json::array rows;
    for (const auto& v : a.rows) {
        const auto& s = v.row.summary;
        std::string status = attendance_status(s);
        attended += status == "attended";
        partial += status == "partial";
        absent += status == "absent";
        late += s.late_join;
        early += s.early_leave;
        rows.push_back(to_json(v, with_intervals));
    }
    return json::object{{"session_id", a.session.id},
                        {"title", a.session.title},
                        {"status", to_string(a.session.status)},
                        {"actual_start", opt_time(a.session.actual_start)},
                        {"actual_end", opt_time(a.session.actual_end)},
                        {"calculated", a.calculated},
                        {"totals",
                         {{"rows", a.rows.size()},
                          {"attended", attended},
                          {"partial", partial},
                          {"absent", absent},
                          {"late_join", late},
                          {"early_leave", early}}},
                        {"results", std::move(rows)}};
}

json::object to_json(const services::AttendanceTimeline& t) {
    json::array minutes;
    json::array drops;
    for (const auto& m : t.minutes) {
        minutes.push_back(json::object{{"minute_start", format_iso8601(m.minute_start)},
                                       {"present", m.present},
                                       {"foreground", m.foreground},
                                       {"drop_off", m.drop_off},
                                       {"lost", m.lost}});
        if (m.drop_off) drops.push_back(json::value(format_iso8601(m.minute_start)));
    }
    json::array insights;
    for (const auto& i : t.insights)
        insights.push_back(json::object{
            {"kind", domain::to_string(i.kind)},
            {"severity", i.strong ? "high" : "medium"},
            {"from", format_iso8601(i.from)},
            {"to", format_iso8601(i.to)},
            {"minute", i.minute},
            {"count", i.count},
            {"of", i.of},
            {"recording", i.in_recording ? json::value(json::object{{"id", i.in_recording->recording_id},
                                                                    {"offset_seconds", i.in_recording->offset_seconds},
                                                                    {"said", i.in_recording->said}})
                                         : json::value(nullptr)}});
    return json::object{{"session_id", t.session.id},       {"status", to_string(t.session.status)},
                        {"peak_present", t.peak_present},   {"drop_off_minutes", std::move(drops)},
                        {"minutes", std::move(minutes)},    {"insights", std::move(insights)},
                        {"people_judged", t.people_judged}, {"minutes_judged", t.minutes_judged}};
}

json::object to_json(const services::LiveRoster& r) {
    json::array people;
    for (const auto& e : r.participants)
        people.push_back(json::object{{"user_id", e.user_id},
                                      {"full_name", e.full_name},
                                      {"role", domain::to_string(e.role)},
                                      {"joined_at", format_iso8601(e.joined_at)},
                                      {"last_seen_at", format_iso8601(e.last_seen_at)},
                                      {"in_background", e.in_background},
                                      {"devices", e.devices},
                                      {"device_type", e.device_type},
                                      {"browser", e.browser}});
    return json::object{{"session_id", r.session.id},
                        {"status", to_string(r.session.status)},
                        {"participant_count", static_cast<std::int64_t>(r.participants.size())},
                        {"participants", std::move(people)}};
}

json::object to_json(const services::HeartbeatResult& h) {
    json::array ids;
    for (const auto& id : h.participant_ids) ids.push_back(json::value(id));
    return json::object{{"participant_ids", std::move(ids)},
                        {"visible", h.visible},
                        {"resumed", h.resumed},
                        {"next_heartbeat_seconds", h.next_heartbeat_seconds}};
}

std::string attendance_csv(const std::vector<store::AttendanceReportRow>& rows, const std::string& locale) {
    const bool tr = locale != "en";
    const std::vector<std::string> header =
        tr ? std::vector<std::string>{"Ders",      "Ders başlangıcı", "Ad Soyad",       "E-posta",        "Durum",
                                      "Katılım %", "Süre (sn)",       "Arka plan (sn)", "Giriş sayısı",   "İlk giriş",
                                      "Son çıkış", "Geç katıldı",     "Erken ayrıldı",  "Etkileşim puanı"}
           : std::vector<std::string>{"Class",        "Class start",  "Full name",      "Email",           "Status",
                                      "Attendance %", "Duration (s)", "Background (s)", "Joins",           "First join",
                                      "Last leave",   "Joined late",  "Left early",     "Engagement score"};
    auto yes_no = [&](bool b) { return std::string(b ? (tr ? "evet" : "yes") : (tr ? "hayır" : "no")); };
    auto status = [&](const domain::AttendanceSummary& s) -> std::string {
        std::string st = attendance_status(s);
        if (!tr) return st;
        return st == "attended" ? "katıldı" : st == "partial" ? "kısmen" : "katılmadı";
    };
    auto when = [](const std::optional<UnixTime>& t) { return t ? format_iso8601(*t) : std::string(); };
    std::vector<std::vector<std::string>> body;
    body.reserve(rows.size());
    for (const auto& r : rows) {
        const auto& a = r.summary;
        body.push_back({r.session_title, format_iso8601(r.session_start), r.full_name, r.email, status(a),
                        percent_text(a.attendance_percent), std::to_string(a.total_duration_seconds),
                        std::to_string(a.background_duration_seconds), std::to_string(a.join_count), when(a.first_join),
                        when(a.last_leave), yes_no(a.late_join), yes_no(a.early_leave),
                        std::to_string(a.engagement_score)});
    }
    return csv_document(header, body);
}

}  // namespace lc::http
