#include "infra/mail.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "smtp_sink.hpp"

namespace lc::infra {
namespace {

using lc::testing::SelfSignedCert;
using lc::testing::SmtpSink;
using lc::testing::SmtpSinkOptions;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr UnixTime kNov26 = 1795689720;  // 2026-11-26 10:42:00 UTC

const char* const kSubject = "Yarın 10:00'da: Türev ve İntegral — Canlı Ders";

MailMessage lesson_mail() {
    MailMessage m;
    m.from_address = "ders@liveclass.example";
    m.from_name = "Ayşe Öğretmen";
    m.to_address = "ogrenci@example.com";
    m.to_name = "Çağrı Şahin";
    m.subject = kSubject;
    m.text =
        "Merhaba Çağrı,\n\nYarın saat 10:00'da canlı dersimiz var: Türev ve İntegral.\nKatılmak için: "
        "https://liveclass.example/s/8c1f\n";
    m.html = "<p>Merhaba Çağrı,</p><p>Yarın saat <b>10:00</b>'da canlı dersimiz var: Türev ve İntegral.</p>";
    return m;
}

SmtpSettings settings_for(const SmtpSink& sink) {
    SmtpSettings s;
    s.url = sink.url();
    s.timeout_ms = 10000;
    return s;
}

/// Lines of a rendered message, split at CRLF (the last, empty piece after the final CRLF dropped).
std::vector<std::string> crlf_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0, end;
    while ((end = s.find("\r\n", start)) != std::string::npos) {
        out.push_back(s.substr(start, end - start));
        start = end + 2;
    }
    if (start < s.size()) out.push_back(s.substr(start));
    return out;
}

std::string header_block(const std::string& mime) { return mime.substr(0, mime.find("\r\n\r\n") + 2); }

/// A port on loopback that nothing listens on (bound, then released).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// ---------------------------------------------------------------- render_mime

TEST(MailRender, DateIsRfc5322InUtc) {
    EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(rfc5322_date(kNov26), "Thu, 26 Nov 2026 10:42:00 +0000");
    EXPECT_EQ(rfc5322_date(1709251199), "Thu, 29 Feb 2024 23:59:59 +0000");
    EXPECT_EQ(rfc5322_date(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
    EXPECT_EQ(rfc5322_date(951782400), "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST(MailRender, HeadersComeOnceWithDateAndMessageId) {
    MailMessage m = lesson_mail();
    m.headers = {{"List-Unsubscribe", "<https://liveclass.example/u/abc>"}};
    const std::string mime = render_mime(m, kNov26, "0192-abc@liveclass.example");
    const std::string head = header_block(mime);
    EXPECT_THAT(head, HasSubstr("Date: Thu, 26 Nov 2026 10:42:00 +0000\r\n"));
    EXPECT_THAT(head, HasSubstr("Message-ID: <0192-abc@liveclass.example>\r\n"));
    EXPECT_THAT(head, HasSubstr("MIME-Version: 1.0\r\n"));
    EXPECT_THAT(head, HasSubstr("List-Unsubscribe: <https://liveclass.example/u/abc>\r\n"));
    EXPECT_THAT(head, HasSubstr("<ders@liveclass.example>"));
    EXPECT_THAT(head, HasSubstr("<ogrenci@example.com>"));
    for (const char* name :
         {"\r\nDate:", "\r\nFrom:", "\r\nTo:", "\r\nSubject:", "\r\nMessage-ID:", "\r\nMIME-Version:"}) {
        const std::string block = "\r\n" + head;
        const auto first = block.find(name);
        EXPECT_NE(first, std::string::npos) << name;
        EXPECT_EQ(block.find(name, first + 1), std::string::npos) << name << " twice";
    }
    EXPECT_EQ(render_mime(m, kNov26, "0192-abc@liveclass.example"), mime) << "rendering must be deterministic";
}

TEST(MailRender, NonAsciiHeadersAreEncodedWordsAndTheMessageIsSevenBit) {
    MailMessage m = lesson_mail();
    m.attachments = {{"Ders Notları.txt", "text/plain; charset=UTF-8", "Türev"}};
    const std::string mime = render_mime(m, kNov26, "id@x");
    for (unsigned char c : mime) ASSERT_LT(c, 0x80) << "the message must be 7-bit: UTF-8 goes encoded";
    EXPECT_THAT(header_block(mime), HasSubstr("Subject: =?UTF-8?B?"));
    EXPECT_THAT(header_block(mime), HasSubstr("From: =?UTF-8?B?"));
    // Encoded-words stay within 75 characters (RFC 2047 §2).
    std::size_t pos = 0;
    while ((pos = mime.find("=?UTF-8?B?", pos)) != std::string::npos) {
        const auto end = mime.find("?=", pos + 10);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end + 2 - pos, 75U);
        pos = end + 2;
    }
}

TEST(MailRender, StructureIsMixedOverAlternativeWithClosedBoundaries) {
    MailMessage m = lesson_mail();
    m.attachments = {
        {"davet.ics", "text/calendar; charset=UTF-8; method=REQUEST", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}};
    const std::string mime = render_mime(m, kNov26, "id@x");
    const auto mixed = mime.find("Content-Type: multipart/mixed; boundary=\"");
    ASSERT_NE(mixed, std::string::npos);
    const auto mb = mime.substr(mixed + 41, mime.find('"', mixed + 41) - mixed - 41);
    const auto alt = mime.find("Content-Type: multipart/alternative; boundary=\"");
    ASSERT_NE(alt, std::string::npos);
    const auto ab = mime.substr(alt + 47, mime.find('"', alt + 47) - alt - 47);
    EXPECT_NE(mb, ab);
    const auto lines = crlf_lines(mime);
    auto count = [&](const std::string& l) { return std::count(lines.begin(), lines.end(), l); };
    EXPECT_EQ(count("--" + mb), 2) << "the alternative and one attachment";
    EXPECT_EQ(count("--" + mb + "--"), 1);
    EXPECT_EQ(count("--" + ab), 2) << "text and HTML";
    EXPECT_EQ(count("--" + ab + "--"), 1);
    EXPECT_LT(mime.find("text/plain"), mime.find("text/html")) << "the preferred alternative comes last";
    EXPECT_THAT(mime, HasSubstr("Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"
                                "Content-Transfer-Encoding: base64\r\n"
                                "Content-Disposition: attachment; filename=\"davet.ics\"\r\n"));
    EXPECT_TRUE(mime.ends_with("--" + mb + "--\r\n"));
}

TEST(MailRender, TextOnlyIsOneTextPlainPart) {
    MailMessage m = lesson_mail();
    m.html.clear();
    const std::string mime = render_mime(m, kNov26, "id@x");
    EXPECT_THAT(mime, Not(HasSubstr("multipart")));
    EXPECT_THAT(header_block(mime), HasSubstr("Content-Type: text/plain; charset=UTF-8\r\n"
                                              "Content-Transfer-Encoding: quoted-printable\r\n"));
    EXPECT_TRUE(mime.ends_with("\r\n"));
}

TEST(MailRender, LinesStayShortAndCrlfAndNoLineStartsWithADot) {
    MailMessage m = lesson_mail();
    std::string long_line;
    while (long_line.size() < 5000) long_line += "Türev ve İntegral = değişim hızı ve alan; ";
    m.text = long_line + "\n.\n..iki nokta\nsonda boşluk   \n\tsekme\n" + std::string(3000, 'x');
    m.html = "<p>" + long_line + "</p>";
    m.subject = std::string(400, 'a') + " " + kSubject;
    m.headers = {{"List-Unsubscribe", "<https://liveclass.example/u/" + std::string(120, 'k') +
                                          ">, <mailto:unsubscribe@liveclass.example?subject=" + std::string(60, 'q') +
                                          ">"}};
    const std::string mime = render_mime(m, kNov26, "id@x");
    EXPECT_EQ(mime.find('\n'), mime.find("\r\n") + 1);
    for (std::size_t i = 0; i < mime.size(); ++i) {
        if (mime[i] == '\n') {
            ASSERT_EQ(mime[i - 1], '\r') << "bare LF at " << i;
        }
    }
    for (const auto& line : crlf_lines(mime)) {
        EXPECT_LE(line.size(), 200U) << line;  // folded headers and 76-character body lines
        EXPECT_FALSE(line.starts_with(".")) << "a leading dot would rely on SMTP dot-stuffing";
    }
    for (const auto& line : crlf_lines(mime.substr(mime.find("\r\n\r\n")))) EXPECT_LE(line.size(), 76U) << line;
}

TEST(MailRender, CrLfInSubjectNamesAndFilenamesCannotStartAHeader) {
    MailMessage m = lesson_mail();
    m.subject = "Ders\r\nBcc: victim@example.com";
    m.from_name = "Ayşe\nBcc: a@example.com";
    m.to_name = "Çağrı\rX-Evil: 1";
    m.attachments = {{"a.ics\r\nX-Evil: 2", "text/calendar\r\nX-Evil: 3", "x"}};
    const std::string mime = render_mime(m, kNov26, "id@x\r\nX-Evil: 4");
    for (const auto& line : crlf_lines(mime)) {
        EXPECT_FALSE(line.starts_with("Bcc:")) << line;
        EXPECT_FALSE(line.starts_with("X-Evil:")) << line;
    }
    EXPECT_EQ(mime.find('\n'), mime.find("\r\n") + 1);
}

TEST(MailRender, AnExtraHeaderTheCheckRefusesIsLeftOut) {
    MailMessage m = lesson_mail();
    m.headers = {{"X-Ok", "yes"}, {"X-Bad", "a\r\nBcc: victim@example.com"}, {"Subject", "second subject"}};
    const std::string mime = render_mime(m, kNov26, "id@x");
    EXPECT_THAT(mime, HasSubstr("X-Ok: yes\r\n"));
    EXPECT_THAT(mime, Not(HasSubstr("X-Bad")));
    EXPECT_THAT(mime, Not(HasSubstr("Bcc")));
    EXPECT_THAT(mime, Not(HasSubstr("second subject")));
}

TEST(MailCheck, RefusesHeaderInjectionAndBadAddresses) {
    EXPECT_TRUE(check_mail_message(lesson_mail()).ok());
    auto code_of = [](const MailMessage& m) {
        return check_mail_message(m).ok() ? Code::kOk : check_mail_message(m).error().code;
    };
    MailMessage m = lesson_mail();
    m.headers = {{"List-Unsubscribe", "<https://x>\r\nBcc: victim@example.com"}};
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m.headers = {{"X-Evil\r\nBcc", "v@example.com"}};
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m.headers = {{"Content-Type", "text/html"}};
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m.headers = {{"X-Non-Ascii", "Türev"}};
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m = lesson_mail();
    m.to_address = "a@example.com>\r\nRCPT TO:<b@example.com";
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m.to_address = "Çağrı <c@example.com>";
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m.to_address = "a@b@c";
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    m = lesson_mail();
    m.subject = "\xff\xfe";
    EXPECT_EQ(code_of(m), Code::kInvalidArgument);
    const auto st = check_mail_message(m);
    ASSERT_FALSE(st.ok());
    ASSERT_EQ(st.error().fields.size(), 1U);
    EXPECT_EQ(st.error().fields[0].field, "subject");
}

TEST(MailSettings, ParseSmtpTls) {
    EXPECT_EQ(parse_smtp_tls("none").value(), SmtpSettings::Tls::kNone);
    EXPECT_EQ(parse_smtp_tls("try").value(), SmtpSettings::Tls::kTry);
    EXPECT_EQ(parse_smtp_tls("required").value(), SmtpSettings::Tls::kRequired);
    const auto bad = parse_smtp_tls("starttls");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Code::kInvalidArgument);
    EXPECT_THAT(bad.error().message, HasSubstr("none, try, required"));
}

// ---------------------------------------------------------------- delivery to a real SMTP server

TEST(MailDelivery, TextAndHtmlWithTurkishHeadersArriveDecoded) {
    SmtpSink sink;
    auto settings = settings_for(sink);
    settings.helo_domain = "mailer.liveclass.example";
    const MailMessage m = lesson_mail();
    const auto st = CurlSmtpMailer(settings).send(m);
    ASSERT_TRUE(st.ok()) << st.error().message << " / " << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    const auto& got = mails[0];
    EXPECT_EQ(got.helo, "mailer.liveclass.example");
    EXPECT_EQ(got.mail_from, "ders@liveclass.example");
    EXPECT_EQ(got.rcpt_tos, std::vector<std::string>{"ogrenci@example.com"});
    EXPECT_FALSE(got.tls);
    EXPECT_EQ(got.subject, kSubject);
    EXPECT_EQ(got.from_display_name, "Ayşe Öğretmen");
    EXPECT_EQ(got.to_display_name, "Çağrı Şahin");
    EXPECT_EQ(got.from, "Ayşe Öğretmen <ders@liveclass.example>");
    EXPECT_EQ(got.content_type, "multipart/alternative");
    EXPECT_EQ(got.text, m.text);
    EXPECT_EQ(got.html, m.html);
    EXPECT_TRUE(got.attachments.empty());
    EXPECT_TRUE(got.defects.empty()) << ::testing::PrintToString(got.defects);
    EXPECT_EQ(got.header_count("message-id"), 1U);
    EXPECT_THAT(got.header("message-id"), HasSubstr("@liveclass.example>"));
    EXPECT_EQ(got.header_count("date"), 1U);
    EXPECT_EQ(got.header("mime-version"), "1.0");
}

TEST(MailDelivery, WhatArrivesIsExactlyWhatRenderMimeMakes) {
    SmtpSink sink;
    MailMessage m = lesson_mail();
    m.html.clear();
    m.text = "tek satır\n.\nson";
    ASSERT_TRUE(CurlSmtpMailer(settings_for(sink)).send(m).ok());
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    const std::string& raw = mails[0].raw;
    const auto id_start = raw.find("Message-ID: <") + 13;
    const std::string id = raw.substr(id_start, raw.find('>', id_start) - id_start);
    const auto date_start = raw.find("Date: ") + 6;
    const std::string date = raw.substr(date_start, raw.find("\r\n", date_start) - date_start);
    // The Date is the send time; find the second it names, then compare every byte.
    const UnixTime now = SystemClock{}.now();
    std::string expected;
    for (UnixTime t = now - 60; t <= now; ++t)
        if (rfc5322_date(t) == date) expected = render_mime(m, t, id);
    ASSERT_FALSE(expected.empty()) << "Date header " << date << " is not within the last minute";
    EXPECT_EQ(raw, expected);
    EXPECT_EQ(mails[0].text, m.text);
    EXPECT_EQ(mails[0].content_type, "text/plain");
}

TEST(MailDelivery, LongLinesAndNonAsciiBodiesAreIntact) {
    SmtpSink sink;
    MailMessage m = lesson_mail();
    std::string long_line;
    while (long_line.size() < 4000) long_line += "Türev ve İntegral = değişim hızı ve alan; ığüşöçİĞÜŞÖÇ — ";
    m.text = long_line + "\n.\n..iki nokta\nFrom the start\nsonda boşluk   \n\tsekme\tiçeride\n\n=3D değil\n" +
             std::string(2500, 'x') + "\nson satır sonsuz";
    m.html = "<html><body><p>" + long_line + "</p>\n<p>.</p>\n</body></html>\n";
    ASSERT_TRUE(CurlSmtpMailer(settings_for(sink)).send(m).ok());
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_EQ(mails[0].text, m.text);
    EXPECT_EQ(mails[0].html, m.html);
    EXPECT_TRUE(mails[0].defects.empty()) << ::testing::PrintToString(mails[0].defects);
}

TEST(MailDelivery, CalendarAndBinaryAttachmentsAreByteExact) {
    SmtpSink sink;
    MailMessage m = lesson_mail();
    const std::string ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//liveclass//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        "UID:8c1f@liveclass.example\r\nDTSTART:20261127T070000Z\r\nSUMMARY:Türev ve İntegral — Canlı Ders\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n";
    std::string binary;
    for (int i = 0; i < 1024; ++i) binary += static_cast<char>(i % 256);
    const std::string long_name = "Ders Notları — Türev ve İntegral, Hafta 12, Çalışma Kağıdı ve Çözümleri.pdf";
    m.attachments = {{"davet.ics", "text/calendar; charset=UTF-8; method=REQUEST", ics},
                     {"Ödev — Türev.bin", "application/octet-stream", binary},
                     {long_name, "application/pdf", "%PDF-1.4\n"},
                     {"", "", "no name"}};
    const auto st = CurlSmtpMailer(settings_for(sink)).send(m);
    ASSERT_TRUE(st.ok()) << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    const auto& got = mails[0];
    EXPECT_EQ(got.content_type, "multipart/mixed");
    EXPECT_EQ(got.text, m.text) << "the text is the body, not an attachment";
    EXPECT_EQ(got.html, m.html);
    ASSERT_EQ(got.attachments.size(), 4U);
    EXPECT_EQ(got.attachments[0].filename, "davet.ics");
    EXPECT_EQ(got.attachments[0].content_type, "text/calendar");
    EXPECT_EQ(got.attachments[0].params.at("method"), "REQUEST");
    EXPECT_EQ(got.attachments[0].params.at("charset"), "UTF-8");
    EXPECT_EQ(got.attachments[0].disposition, "attachment");
    EXPECT_EQ(got.attachments[0].content, ics);
    EXPECT_EQ(got.attachments[1].filename, "Ödev — Türev.bin");
    EXPECT_EQ(got.attachments[1].content, binary);
    EXPECT_EQ(got.attachments[2].filename, long_name);
    EXPECT_EQ(got.attachments[2].content_type, "application/pdf");
    EXPECT_EQ(got.attachments[3].content_type, "application/octet-stream");
    EXPECT_EQ(got.attachments[3].content, "no name");
    EXPECT_TRUE(got.defects.empty()) << ::testing::PrintToString(got.defects);
}

TEST(MailDelivery, ExtraHeadersArrive) {
    SmtpSink sink;
    MailMessage m = lesson_mail();
    const std::string unsubscribe = "<https://liveclass.example/unsubscribe/" + std::string(90, 't') +
                                    ">, <mailto:unsubscribe@liveclass.example?subject=unsubscribe>";
    m.headers = {{"List-Unsubscribe", unsubscribe},
                 {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                 {"Reply-To", "destek@liveclass.example"}};
    ASSERT_TRUE(CurlSmtpMailer(settings_for(sink)).send(m).ok());
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_EQ(mails[0].header("List-Unsubscribe"), unsubscribe) << "folding must unfold to the same value";
    EXPECT_EQ(mails[0].header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_EQ(mails[0].header("Reply-To"), "destek@liveclass.example");
}

TEST(MailDelivery, HeaderInjectionAddsNoHeader) {
    SmtpSink sink;
    const CurlSmtpMailer mailer(settings_for(sink));
    // In user text (a subject, a name) a line break becomes a space: the mail goes, without a new header.
    MailMessage m = lesson_mail();
    m.subject = "Ders hatırlatma\r\nBcc: victim@example.com";
    m.to_name = "Çağrı\nX-Injected: 1";
    ASSERT_TRUE(mailer.send(m).ok());
    // In an extra header it is refused: those come from code, and a line break there is a bug or an attack.
    MailMessage bad = lesson_mail();
    bad.headers = {{"List-Unsubscribe", "<https://x.example/u>\r\nBcc: victim@example.com"}};
    const auto st = mailer.send(bad);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);

    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_EQ(mails[0].header_count("bcc"), 0U);
    EXPECT_EQ(mails[0].header_count("x-injected"), 0U);
    EXPECT_EQ(mails[0].header_count("subject"), 1U);
    EXPECT_EQ(mails[0].subject, "Ders hatırlatma  Bcc: victim@example.com");
    EXPECT_EQ(mails[0].rcpt_tos, std::vector<std::string>{"ogrenci@example.com"});
}

// ---------------------------------------------------------------- AUTH

TEST(SmtpAuth, RightCredentialsDeliver) {
    SmtpSink sink({.auth = "mailer:s3cret pass"});
    auto settings = settings_for(sink);
    settings.username = "mailer";
    settings.password = "s3cret pass";
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_TRUE(st.ok()) << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_EQ(mails[0].auth_login, "mailer");
}

TEST(SmtpAuth, WrongPasswordIsPermanent) {
    SmtpSink sink({.auth = "mailer:s3cret"});
    auto settings = settings_for(sink);
    settings.username = "mailer";
    settings.password = "wrong";
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    EXPECT_THAT(st.error().internal, HasSubstr("535"));
    EXPECT_THAT(st.error().internal, Not(HasSubstr("wrong")));
    EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpAuth, NoCredentialsWhereTheServerRequiresThemIsPermanent) {
    SmtpSink sink({.auth = "mailer:s3cret"});
    const auto st = CurlSmtpMailer(settings_for(sink)).send(lesson_mail());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    EXPECT_THAT(st.error().internal, HasSubstr("530"));
}

// ---------------------------------------------------------------- TLS

class SmtpTls : public ::testing::Test {
protected:
    static void SetUpTestSuite() { cert_ = std::make_unique<SelfSignedCert>(); }
    static void TearDownTestSuite() { cert_.reset(); }
    static SmtpSinkOptions tls_sink(bool require) {
        return {.tls_cert = cert_->cert_path(), .tls_key = cert_->key_path(), .require_tls = require};
    }
    static std::unique_ptr<SelfSignedCert> cert_;
};
std::unique_ptr<SelfSignedCert> SmtpTls::cert_;

TEST_F(SmtpTls, StartTlsRequiredWithTrustedSelfSignedCertDelivers) {
    SmtpSink sink(tls_sink(true));
    auto settings = settings_for(sink);
    settings.tls = SmtpSettings::Tls::kRequired;
    settings.ca_file = cert_->cert_path();
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_TRUE(st.ok()) << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(mails[0].tls);
    EXPECT_EQ(mails[0].subject, kSubject);
}

TEST_F(SmtpTls, TryUpgradesWhenTheServerOffersStartTls) {
    SmtpSink sink(tls_sink(false));
    auto settings = settings_for(sink);
    settings.tls = SmtpSettings::Tls::kTry;
    settings.ca_file = cert_->cert_path();
    ASSERT_TRUE(CurlSmtpMailer(settings).send(lesson_mail()).ok());
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(mails[0].tls);
}

TEST_F(SmtpTls, AuthAfterStartTls) {
    auto options = tls_sink(true);
    options.auth = "mailer:s3cret";
    SmtpSink sink(options);
    auto settings = settings_for(sink);
    settings.tls = SmtpSettings::Tls::kRequired;
    settings.ca_file = cert_->cert_path();
    settings.username = "mailer";
    settings.password = "s3cret";
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_TRUE(st.ok()) << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(mails[0].tls);
    EXPECT_EQ(mails[0].auth_login, "mailer");
}

TEST_F(SmtpTls, ImplicitTlsOverSmtps) {
    auto options = tls_sink(false);
    options.implicit_tls = true;
    SmtpSink sink(options);
    auto settings = settings_for(sink);
    EXPECT_THAT(settings.url, ::testing::StartsWith("smtps://"));
    settings.ca_file = cert_->cert_path();
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_TRUE(st.ok()) << st.error().internal;
    const auto mails = sink.wait_for(1);
    ASSERT_EQ(mails.size(), 1U);
    EXPECT_TRUE(mails[0].tls);
}

TEST_F(SmtpTls, UntrustedCertificateIsUnavailable) {
    SmtpSink sink(tls_sink(true));
    auto settings = settings_for(sink);
    settings.tls = SmtpSettings::Tls::kRequired;  // no ca_file: the system store does not know the cert
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpTls, RequiredAgainstAServerWithoutStartTlsIsUnavailable) {
    SmtpSink sink;
    auto settings = settings_for(sink);
    settings.tls = SmtpSettings::Tls::kRequired;
    settings.ca_file = cert_->cert_path();
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_FALSE(st.error().internal.empty());
    EXPECT_TRUE(sink.messages().empty());
}

// ---------------------------------------------------------------- failures

TEST(SmtpFailures, RecipientRefusedWith550IsPermanent) {
    SmtpSink sink({.reject_rcpt = 550});
    MailMessage m = lesson_mail();
    m.to_address = "reject-me@example.com";
    const auto st = CurlSmtpMailer(settings_for(sink)).send(m);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    EXPECT_THAT(st.error().internal, HasSubstr("550"));
    EXPECT_THAT(st.error().internal, HasSubstr("Mailbox unavailable")) << "the server's own words";
    EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpFailures, RecipientDeferredWith451IsUnavailable) {
    SmtpSink sink({.reject_rcpt = 451});
    MailMessage m = lesson_mail();
    m.to_address = "reject-me@example.com";
    const CurlSmtpMailer mailer(settings_for(sink));
    const auto st = mailer.send(m);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_THAT(st.error().internal, HasSubstr("451"));
    EXPECT_THAT(st.error().internal, HasSubstr("try again later")) << "the server's own words";
    // The same server takes other recipients.
    ASSERT_TRUE(mailer.send(lesson_mail()).ok());
    EXPECT_EQ(sink.wait_for(1).size(), 1U);
}

TEST(SmtpFailures, NothingListeningIsUnavailable) {
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(free_port());
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_FALSE(st.error().internal.empty());
}

TEST(SmtpFailures, AServerThatNeverGreetsTimesOut) {
    // A listening socket nobody accepts on: the connection completes in the backlog, no greeting comes.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    settings.timeout_ms = 300;
    const auto started = std::chrono::steady_clock::now();
    const auto st = CurlSmtpMailer(settings).send(lesson_mail());
    const auto took = std::chrono::steady_clock::now() - started;
    ::close(fd);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kUnavailable);
    EXPECT_THAT(st.error().message, HasSubstr("0.3 s"));
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(SmtpFailures, AMalformedMessageIsRefusedBeforeConnecting) {
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(free_port());  // would be Unavailable if contacted
    MailMessage m = lesson_mail();
    m.to_address = "not an address";
    const auto st = CurlSmtpMailer(settings).send(m);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
}

}  // namespace
}  // namespace lc::infra
