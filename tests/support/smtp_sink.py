#!/usr/bin/python3
"""An SMTP server for tests: accepts mail on loopback and writes each message as one JSON file.

Run with Debian's /usr/bin/python3 (it has python3-aiosmtpd). The message is parsed with Python's
`email` package (policy=email.policy.default), a MIME parser independent of the code under test, so a
test sees what a real mail client would show.

    smtp_sink.py OUTDIR [--port N] [--auth USER:PASS] [--tls CERT KEY] [--require-tls]
                 [--implicit-tls] [--reject-rcpt CODE]

The first line on stdout is the bound port. The sink exits when its stdin reaches end of file, so it
cannot outlive the test process that started it (even one that crashed).
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import logging
import os
import ssl
import sys
import threading
import traceback
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, TLSSetupException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -I
from child_process import exit_at_stdin_eof  # noqa: E402

# Messages the sink itself answers with, for --reject-rcpt.
REJECT_TEXT = {
    450: "450 4.2.1 Mailbox busy, try again later",
    451: "451 4.3.0 Temporary local problem, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 Mailbox unavailable",
    551: "551 5.1.6 User not local",
    552: "552 5.2.2 Mailbox full",
    553: "553 5.1.3 Mailbox name not allowed",
    554: "554 5.7.1 Transaction failed",
}


def part_text(msg, subtype):
    """The decoded body of the first text/<subtype> part that is not an attachment ("" when none)."""
    body = msg.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_type() != "text/" + subtype:
        return ""
    # Line breaks are CRLF on the wire; a test compares with the "\n" text it handed over.
    return body.get_content().replace("\r\n", "\n")


def describe(content, helo, mail_from, rcpt_tos, tls, auth_login):
    msg = email.message_from_bytes(content, policy=email.policy.default)
    headers = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), []).append(str(value))
    attachments = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True) or b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "content_type_header": str(part.get("content-type", "")),
            "params": {k: str(v) for k, v in part["content-type"].params.items()} if part["content-type"] else {},
            "disposition": part.get_content_disposition(),
            "content": text,
            "content_base64": base64.b64encode(data).decode("ascii"),
        })
    return {
        "helo": helo,
        "mail_from": mail_from,
        "rcpt_tos": list(rcpt_tos),
        "tls": tls,
        "auth_login": auth_login,
        "subject": str(msg.get("subject", "")),
        "from": str(msg.get("from", "")),
        "to": str(msg.get("to", "")),
        "from_display_name": msg["from"].addresses[0].display_name if msg["from"] and msg["from"].addresses else "",
        "to_display_name": msg["to"].addresses[0].display_name if msg["to"] and msg["to"].addresses else "",
        "content_type": msg.get_content_type(),
        "headers": headers,
        "defects": [type(d).__name__ for d in msg.defects] + [type(d).__name__ for p in msg.walk() for d in p.defects
                                                              if p is not msg],
        "text": part_text(msg, "plain"),
        "html": part_text(msg, "html"),
        "attachments": attachments,
        "raw": content.decode("utf-8", errors="replace"),
    }


class Sink:
    def __init__(self, outdir, reject_rcpt):
        self.outdir = outdir
        self.reject_rcpt = reject_rcpt
        # Numbering continues after the files already there, so a restarted sink overwrites nothing.
        self.count = len([n for n in os.listdir(outdir) if n.startswith("msg-") and n.endswith(".json")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and "reject" in address:
            return REJECT_TEXT.get(self.reject_rcpt, f"{self.reject_rcpt} Recipient refused")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        tls = server.transport.get_extra_info("ssl_object") is not None
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        record = describe(envelope.content, session.host_name, envelope.mail_from, envelope.rcpt_tos, tls, login)
        self.count += 1
        name = f"msg-{self.count:05d}.json"
        tmp = os.path.join(self.outdir, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
        # A reader polling the directory sees either no file or the whole file.
        os.replace(tmp, os.path.join(self.outdir, name))
        return "250 Message accepted for delivery"

    async def handle_exception(self, error):
        # A failed handshake is what some tests provoke (an untrusted certificate): one line, no traceback.
        if isinstance(error, TLSSetupException):
            print(f"smtp_sink: TLS handshake failed: {error.__cause__}", file=sys.stderr, flush=True)
        else:
            traceback.print_exception(error, file=sys.stderr)
        return f"500 Error: ({type(error).__name__}) {error}"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", metavar="USER:PASS", help="require AUTH (LOGIN or PLAIN) with these credentials")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="offer STARTTLS with this certificate")
    parser.add_argument("--require-tls", action="store_true", help="refuse MAIL before STARTTLS (needs --tls)")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte, as smtps:// (needs --tls)")
    parser.add_argument("--reject-rcpt", type=int, metavar="CODE",
                        help="answer RCPT TO with CODE for addresses containing 'reject'")
    args = parser.parse_args()
    if (args.require_tls or args.implicit_tls) and not args.tls:
        parser.error("--require-tls and --implicit-tls need --tls CERT KEY")

    # aiosmtpd warns (on stderr) about AUTH without TLS, which the tests do on purpose.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")

    tls_context = None
    if args.tls:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls[0], args.tls[1])

    handler = Sink(args.outdir, args.reject_rcpt)
    smtp_kwargs = {"hostname": "sink.localhost", "auth_require_tls": False}
    if args.auth:
        user, _, password = args.auth.partition(":")
        smtp_kwargs.update(authenticator=make_authenticator(user, password), auth_required=True)
    if tls_context and not args.implicit_tls:
        smtp_kwargs.update(tls_context=tls_context, require_starttls=args.require_tls)

    # The Controller cannot bind port 0 (it connects to the configured port to check readiness), so the
    # server runs on an event loop of our own.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, loop=loop, **smtp_kwargs), host="127.0.0.1", port=args.port,
                           ssl=tls_context if args.implicit_tls else None))
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
