#pragma once
// Outbound e-mail (class reminders, calendar invitations) over SMTP with libcurl. The MIME message is
// rendered here rather than by curl's mime API so that tests can read exactly the bytes that are sent.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace lc::infra {

struct MailAttachment {
    std::string filename;      // UTF-8; non-ASCII names are sent as RFC 2231 parameters
    std::string content_type;  // e.g. "text/calendar; charset=UTF-8; method=REQUEST"; empty = octet-stream
    std::string data;          // bytes, sent base64-encoded
};

struct MailMessage {
    std::string from_address;  // envelope sender and From header
    std::string from_name;
    std::string to_address;  // the one recipient (envelope and To header)
    std::string to_name;
    std::string subject;  // UTF-8; non-ASCII is sent as RFC 2047 encoded-words
    std::string text;     // text/plain; charset=UTF-8
    std::string html;     // text/html; charset=UTF-8; empty = a text-only message
    /// Extra headers (List-Unsubscribe, List-Unsubscribe-Post, ...): ASCII, and not one of the headers the
    /// renderer writes itself (Date, Message-ID, MIME-Version, From, To, Subject, Content-*).
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<MailAttachment> attachments;
};

class Mailer {
public:
    virtual ~Mailer() = default;
    /// Ok when the server accepted the message. A permanent refusal (5xx, a malformed message or address,
    /// AUTH refused) is InvalidArgument: do not retry. Anything that may pass later (connection refused,
    /// timeout, TLS failure, 4xx) is Unavailable. `internal` carries the server's or curl's reason.
    virtual Status send(const MailMessage& m) const = 0;
};

struct SmtpSettings {
    /// smtp://host:port (STARTTLS per `tls`) or smtps://host:port (TLS from the first byte).
    std::string url;
    /// Empty username = no AUTH.
    std::string username, password;
    /// STARTTLS on smtp://. kTry still sends AUTH in the clear when the server offers no STARTTLS.
    enum class Tls { kNone, kTry, kRequired } tls = Tls::kTry;
    /// A CA bundle (PEM) to trust for the server's certificate (tests: a self-signed one); empty = the
    /// system store. It takes the place of curl's default bundle file; curl's default CA directory (on
    /// Debian /etc/ssl/certs) is still searched, so public CAs keep working on such builds.
    std::string ca_file;
    /// The whole exchange (connect, TLS, AUTH, DATA) must finish within this.
    long timeout_ms = 15000;
    /// The name sent with EHLO; empty = curl's default.
    std::string helo_domain;
};

/// Parses "none|try|required" (an InvalidArgument naming the allowed values otherwise).
Result<SmtpSettings::Tls> parse_smtp_tls(std::string_view s);

class CurlSmtpMailer final : public Mailer {
public:
    explicit CurlSmtpMailer(SmtpSettings s);
    /// Checks the message (see check_mail_message), renders it with the current time and a new
    /// Message-ID, and delivers it in one SMTP transaction on a new connection.
    Status send(const MailMessage& m) const override;

private:
    SmtpSettings settings_;
};

/// What send() refuses before connecting (InvalidArgument, one FieldError per problem): an address that
/// is not a plain ASCII local@domain; text (names, subject, bodies, filenames) that is not valid UTF-8; an
/// attachment type that is not ASCII type/subtype or is multipart; an extra header whose name is not
/// RFC 5322 ftext or is one the renderer writes, or whose value is not printable ASCII (CR and LF
/// included: no header injection).
Status check_mail_message(const MailMessage& m);

/// The RFC 5322 message (headers + MIME body, CRLF line ends) that send() transmits, exposed so tests
/// can check it. `message_id` comes without angle brackets ("uuid@domain"). Deterministic: the same
/// arguments give the same bytes. Bodies are quoted-printable, attachments base64; CR and LF in the
/// subject, names and filenames become spaces; an extra header that check_mail_message refuses is left
/// out.
std::string render_mime(const MailMessage& m, UnixTime date, const std::string& message_id);

/// "Thu, 26 Nov 2026 10:42:00 +0000" (RFC 5322 §3.3, always UTC).
std::string rfc5322_date(UnixTime t);

}  // namespace lc::infra
