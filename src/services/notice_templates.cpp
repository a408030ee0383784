#include "services/notice_templates.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "infra/timezone.hpp"

namespace lc::services {

using domain::NoticeKind;

namespace {

constexpr const char* kTrMonths[] = {"Ocak",   "Şubat",   "Mart",  "Nisan", "Mayıs", "Haziran",
                                     "Temmuz", "Ağustos", "Eylül", "Ekim",  "Kasım", "Aralık"};
constexpr const char* kEnMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kTrDays[] = {"Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"};
constexpr const char* kEnDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

bool english(const NoticeFacts& f) { return f.locale == "en"; }

/// "in 10 minutes" / "10 dakika sonra", from the real time left (a late reminder says the truth).
std::string time_left(const NoticeFacts& f) {
    std::int64_t minutes = std::max<std::int64_t>(1, (f.start - f.now + 59) / 60);
    if (minutes >= 120) {
        std::int64_t hours = (minutes + 30) / 60;
        return english(f) ? fmt::format("in {} hours", hours) : fmt::format("{} saat sonra", hours);
    }
    if (minutes >= 60) return english(f) ? "in 1 hour" : "1 saat sonra";
    return english(f) ? fmt::format("in {} minute{}", minutes, minutes == 1 ? "" : "s")
                      : fmt::format("{} dakika sonra", minutes);
}

struct Words {
    std::string subject, headline, push_title, push_body;
};

Words words(const NoticeFacts& f) {
    const std::string when = format_when(f.start, f.timezone, f.locale);
    const std::string& t = f.session_title;
    const bool en = english(f);
    switch (f.kind) {
        case NoticeKind::kReminder24h:
        case NoticeKind::kReminder1h:
        case NoticeKind::kReminder10m: {
            std::string left = time_left(f);
            if (en)
                return {fmt::format("Reminder: \"{}\" starts {}", t, left),
                        fmt::format("Your live class \"{}\" starts {}, on {}.", t, left, when),
                        fmt::format("Live class {}", left), fmt::format("{} — {}", t, when)};
            return {fmt::format("Hatırlatma: \"{}\" {} başlıyor", t, left),
                    fmt::format("\"{}\" canlı dersiniz {} başlıyor: {}.", t, left, when),
                    fmt::format("Canlı ders {} başlıyor", left), fmt::format("{} — {}", t, when)};
        }
        case NoticeKind::kSessionStarted:
            if (en)
                return {fmt::format("\"{}\" has started", t), fmt::format("Your live class \"{}\" has started.", t),
                        "Live class started", fmt::format("{} has started. Join now.", t)};
            return {fmt::format("\"{}\" başladı", t), fmt::format("\"{}\" canlı dersiniz başladı.", t),
                    "Canlı ders başladı", fmt::format("{} başladı. Hemen katılın.", t)};
        case NoticeKind::kSessionCancelled:
            if (f.series) {
                if (en)
                    return {fmt::format("Cancelled: \"{}\" from {} on", t, when),
                            fmt::format("The classes of the series \"{}\" from {} on have been cancelled.", t, when),
                            "Live classes cancelled", fmt::format("{}: cancelled from {} on", t, when)};
                return {fmt::format("İptal edildi: \"{}\", {} ve sonrası", t, when),
                        fmt::format("\"{}\" serisinin {} ve sonrasındaki dersleri iptal edildi.", t, when),
                        "Canlı dersler iptal edildi", fmt::format("{}: {} ve sonrası iptal", t, when)};
            }
            if (en)
                return {fmt::format("Cancelled: \"{}\"", t),
                        fmt::format("The live class \"{}\" on {} has been cancelled.", t, when), "Live class cancelled",
                        fmt::format("{} ({}) is cancelled.", t, when)};
            return {fmt::format("İptal edildi: \"{}\"", t),
                    fmt::format("{} tarihli \"{}\" canlı dersi iptal edildi.", when, t), "Canlı ders iptal edildi",
                    fmt::format("{} ({}) iptal edildi.", t, when)};
        case NoticeKind::kSessionRescheduled: {
            if (f.series) {
                if (en)
                    return {
                        fmt::format("New times for \"{}\"", t),
                        fmt::format("The classes of the series \"{}\" have new times; the next one is on {}.", t, when),
                        "Live classes rescheduled", fmt::format("{}: next class {}", t, when)};
                return {fmt::format("\"{}\" için yeni saatler", t),
                        fmt::format("\"{}\" serisinin derslerinin zamanı değişti; sıradaki ders: {}.", t, when),
                        "Canlı derslerin zamanı değişti", fmt::format("{}: sıradaki ders {}", t, when)};
            }
            const std::string before = format_when(f.previous_start, f.timezone, f.locale);
            if (en)
                return {fmt::format("New time for \"{}\": {}", t, when),
                        fmt::format("The live class \"{}\" has moved from {} to {}.", t, before, when),
                        "Live class rescheduled", fmt::format("{}: new time {}", t, when)};
            return {fmt::format("\"{}\" için yeni tarih: {}", t, when),
                    fmt::format("\"{}\" canlı dersinin zamanı değişti: {} yerine {}.", t, before, when),
                    "Canlı dersin zamanı değişti", fmt::format("{}: yeni tarih {}", t, when)};
        }
        case NoticeKind::kInvitation:
            if (f.series) {
                if (en)
                    return {fmt::format("New class series: \"{}\", first class {}", t, when),
                            fmt::format("A recurring live class \"{}\" has been scheduled. The first class is on {}.",
                                        t, when),
                            "New class series", fmt::format("{}: first class {}", t, when)};
                return {fmt::format("Yeni ders serisi: \"{}\", ilk ders {}", t, when),
                        fmt::format("Tekrarlanan \"{}\" canlı dersi planlandı. İlk ders: {}.", t, when),
                        "Yeni ders serisi", fmt::format("{}: ilk ders {}", t, when)};
            }
            if (en)
                return {fmt::format("New live class: \"{}\", {}", t, when),
                        fmt::format("The live class \"{}\" has been scheduled for {}.", t, when), "New live class",
                        fmt::format("{} — {}", t, when)};
            return {fmt::format("Yeni canlı ders: \"{}\", {}", t, when),
                    fmt::format("\"{}\" canlı dersi planlandı: {}.", t, when), "Yeni canlı ders",
                    fmt::format("{} — {}", t, when)};
        case NoticeKind::kRecordingPublished:
            if (en)
                return {fmt::format("Recording available: \"{}\"", t),
                        fmt::format("The recording of the live class \"{}\" ({}) is now available.", t, when),
                        "Recording available", t};
            return {fmt::format("Kayıt yayında: \"{}\"", t),
                    fmt::format("{} tarihli \"{}\" canlı dersinin kaydı yayınlandı.", when, t), "Ders kaydı yayında",
                    t};
    }
    return {};
}

}  // namespace

std::string format_when(UnixTime t, const std::string& timezone, const std::string& locale) {
    std::string zone = timezone;
    auto local = infra::to_local_time(t, zone);
    if (!local) {
        zone = "UTC";
        local = infra::to_local_time(t, zone);
        if (!local) return std::to_string(t);
    }
    const auto& l = local.value();
    if (locale == "en")
        return fmt::format("{}, {} {} {}, {:02}:{:02} ({})", kEnDays[l.weekday], l.day, kEnMonths[l.month - 1], l.year,
                           l.hour, l.minute, zone);
    return fmt::format("{}, {} {} {} {:02}:{:02} ({})", kTrDays[l.weekday], l.day, kTrMonths[l.month - 1], l.year,
                       l.hour, l.minute, zone);
}

RenderedNotice render_notice(const NoticeFacts& f) {
    const bool en = english(f);
    Words w = words(f);
    RenderedNotice out;
    out.subject = w.subject;
    out.push_title = w.push_title;
    out.push_body = w.push_body;

    const std::string greeting =
        f.recipient_name.empty() ? (en ? "Hello," : "Merhaba,") : (en ? "Hello " : "Merhaba ") + f.recipient_name + ",";
    const std::string course_line = f.course_title.empty() ? "" : (en ? "Course: " : "Ders: ") + f.course_title;
    const bool ended = f.kind == NoticeKind::kSessionCancelled;
    const std::string link_label = f.kind == NoticeKind::kRecordingPublished
                                       ? (en ? "Watch the recording" : "Kaydı izle")
                                   : ended ? (en ? "Class page" : "Ders sayfası")
                                           : (en ? "Open the class" : "Derse git");
    const std::string link =
        f.kind == NoticeKind::kRecordingPublished && !f.recording_url.empty() ? f.recording_url : f.session_url;
    const std::string calendar_note =
        (f.kind == NoticeKind::kReminder24h || f.kind == NoticeKind::kReminder1h ||
         f.kind == NoticeKind::kSessionRescheduled || f.kind == NoticeKind::kInvitation || ended)
            ? (en ? "Open the attached calendar file to add the class to your calendar (or to update it there)."
                  : "Dersi takviminize eklemek (ya da oradaki kaydı güncellemek) için ekteki takvim dosyasını açın.")
            : "";
    const std::string unsubscribe_label = en ? "Stop these e-mails" : "Bu e-postaları almak istemiyorum";
    const std::string footer = f.school_name.empty() ? "liveclass" : f.school_name;

    // Plain text first: it is what many clients and screen readers show.
    out.text = greeting + "\n\n" + w.headline + "\n";
    if (!course_line.empty()) out.text += course_line + "\n";
    if (!link.empty()) out.text += "\n" + link_label + ": " + link + "\n";
    if (!calendar_note.empty()) out.text += "\n" + calendar_note + "\n";
    if (!f.unsubscribe_url.empty()) out.text += "\n-- \n" + unsubscribe_label + ": " + f.unsubscribe_url + "\n";
    out.text += footer + "\n";

    out.html = "<!doctype html><html lang=\"" + std::string(en ? "en" : "tr") +
               "\"><head><meta charset=\"utf-8\"><title>" + html_escape(w.subject) +
               "</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5\">"
               "<p>" +
               html_escape(greeting) + "</p><p><strong>" + html_escape(w.headline) + "</strong></p>";
    if (!course_line.empty()) out.html += "<p>" + html_escape(course_line) + "</p>";
    if (!link.empty())
        out.html += "<p><a href=\"" + html_escape(link) +
                    "\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#ffffff;"
                    "text-decoration:none;border-radius:6px\">" +
                    html_escape(link_label) + "</a></p>";
    if (!calendar_note.empty()) out.html += "<p style=\"color:#52606d\">" + html_escape(calendar_note) + "</p>";
    out.html += "<hr style=\"border:0;border-top:1px solid #e4e7eb\"><p style=\"font-size:12px;color:#7b8794\">" +
                html_escape(footer);
    if (!f.unsubscribe_url.empty())
        out.html += " · <a href=\"" + html_escape(f.unsubscribe_url) + "\" style=\"color:#7b8794\">" +
                    html_escape(unsubscribe_label) + "</a>";
    out.html += "</p></body></html>";
    return out;
}

}  // namespace lc::services
