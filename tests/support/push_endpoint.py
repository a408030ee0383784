#!/usr/bin/python3
"""A Web Push service on loopback for the push tests: it plays both the push service (RFC 8030) and
the browser behind it, so it checks what a real one would and reads the payload back.

Written with the `cryptography` package only (ECDH, HKDF, AES-GCM, ECDSA), independently of the C++
code under test: a test passing means two implementations of RFC 8291 / RFC 8292 agree.

Usage: push_endpoint.py LOG_FILE
  Generates its own subscription key pair and auth secret, listens on 127.0.0.1 (a free port), prints
  one JSON line {"port", "p256dh", "auth", "endpoint_base"} on stdout and serves POST /push/<name>.
  Every request appends one JSON line to LOG_FILE *before* the answer is sent, so a caller whose send()
  returned can read its line at once:
    {"name", "ttl", "urgency", "topic", "vapid_ok", "vapid_sub", "payload", "error"}
  Answers: 201 when all is well, 400 when the body does not decrypt, 403 when VAPID is bad. Some names
  answer as a push service in trouble would, whatever the request: "gone" 410, "missing" 404,
  "busy" 503, "slow" 429 with Retry-After.
  It exits when its stdin reaches end of file, so it never outlives the test process that started it.
"""

import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -I
from child_process import exit_at_stdin_eof  # noqa: E402

RETRY_AFTER_SECONDS = 7
MAX_EXP_AHEAD_SECONDS = 24 * 3600  # RFC 8292 §2: exp no more than 24 hours after the request
SPECIAL = {"gone": 410, "missing": 404, "busy": 503, "slow": 429}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class Receiver:
    """The browser's half: its key pair and auth secret, and RFC 8291 decryption."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.public_raw = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        self.auth = os.urandom(16)

    def decrypt(self, body: bytes) -> str:
        # RFC 8188 §2.1 header: salt(16) | rs(uint32) | idlen(uint8) | keyid(idlen).
        if len(body) < 21:
            raise ValueError("body shorter than the aes128gcm header")
        salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        if idlen != 65:
            raise ValueError(f"keyid is {idlen} bytes, RFC 8291 §4 wants the 65-byte sender key")
        if rs < 18:
            raise ValueError(f"record size {rs} is too small")
        sender_raw = body[21 : 21 + idlen]
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_raw)
        records = body[21 + idlen :]
        if not records:
            raise ValueError("no record after the header")

        # RFC 8291 §3.3-3.4: the auth secret and both public keys go into the IKM.
        ecdh_secret = self.private_key.exchange(ec.ECDH(), sender)
        key_info = b"WebPush: info\x00" + self.public_raw + sender_raw
        ikm = hkdf(ecdh_secret, self.auth, key_info, 32)
        cek = hkdf(ikm, salt, b"Content-Encoding: aes128gcm\x00", 16)
        base_nonce = hkdf(ikm, salt, b"Content-Encoding: nonce\x00", 12)

        plaintext = b""
        chunks = [records[i : i + rs] for i in range(0, len(records), rs)]
        for seq, chunk in enumerate(chunks):
            nonce = (int.from_bytes(base_nonce, "big") ^ seq).to_bytes(12, "big")
            try:
                padded = AESGCM(cek).decrypt(nonce, chunk, None)
            except InvalidTag:
                raise ValueError(f"record {seq} does not authenticate (wrong keys or a damaged body)") from None
            stripped = padded.rstrip(b"\x00")
            last = seq == len(chunks) - 1
            want = 2 if last else 1
            if not stripped or stripped[-1] != want:
                raise ValueError(f"record {seq} lacks the 0x0{want} padding delimiter")
            plaintext += stripped[:-1]
        return plaintext.decode("utf-8")


def verify_vapid(header: str, origin: str, now: float):
    """RFC 8292: returns (ok, sub, error)."""
    if not header:
        return False, None, "no Authorization header"
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "vapid":
        return False, None, f"Authorization scheme is {scheme!r}, not vapid"
    params = {}
    for part in rest.split(","):
        name, eq, value = part.strip().partition("=")
        if eq:
            params[name.strip().lower()] = value.strip()
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        return False, None, "vapid needs both t= and k="
    try:
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    except (ValueError, TypeError) as e:
        return False, None, f"k is not a P-256 point: {e}"
    segments = token.split(".")
    if len(segments) != 3:
        return False, None, "t is not a JWS compact serialization"
    try:
        jws_header = json.loads(unb64url(segments[0]))
        claims = json.loads(unb64url(segments[1]))
        signature = unb64url(segments[2])
    except ValueError as e:
        return False, None, f"t does not decode: {e}"
    if not isinstance(jws_header, dict) or jws_header.get("alg") != "ES256":
        return False, None, f"JWT alg is not ES256: {jws_header!r}"
    if jws_header.get("typ", "JWT") != "JWT":
        return False, None, f"JWT typ is {jws_header.get('typ')!r}"
    if len(signature) != 64:
        return False, None, f"ES256 signature is {len(signature)} bytes, JWS wants raw r||s (64)"
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, f"{segments[0]}.{segments[1]}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False, None, "JWT signature does not verify with k"
    if not isinstance(claims, dict):
        return False, None, "JWT claims are not an object"
    sub = claims.get("sub")
    if claims.get("aud") != origin:
        return False, sub, f"aud is {claims.get('aud')!r}, the endpoint's origin is {origin!r}"
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        return False, sub, f"exp is not an integer: {exp!r}"
    if exp <= now:
        return False, sub, f"exp {exp} is in the past (now {int(now)})"
    if exp > now + MAX_EXP_AHEAD_SECONDS:
        return False, sub, f"exp {exp} is more than 24 h ahead (now {int(now)})"
    if not isinstance(sub, str) or not sub:
        return False, sub, "sub is missing"
    return True, sub, None


def make_handler(receiver: Receiver, origin_holder: dict, log_path: str, log_lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
            pass  # one JSON line per request in the log file is the record

        def answer(self, status: int, extra_headers=()):
            self.send_response(status)
            for name, value in extra_headers:
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not self.path.startswith("/push/") or len(self.path) == len("/push/"):
                self.answer(404)
                return
            name = self.path[len("/push/") :]
            ttl_text = self.headers.get("TTL")
            entry = {
                "name": name,
                "ttl": int(ttl_text) if ttl_text is not None and ttl_text.isdigit() else ttl_text,
                "urgency": self.headers.get("Urgency"),
                "topic": self.headers.get("Topic"),
                "vapid_ok": False,
                "vapid_sub": None,
                "payload": None,
                "error": None,
            }
            errors = []
            ok, sub, vapid_error = verify_vapid(self.headers.get("Authorization", ""), origin_holder["origin"], time.time())
            entry["vapid_ok"], entry["vapid_sub"] = ok, sub
            if vapid_error:
                errors.append("vapid: " + vapid_error)
            decrypted = False
            encoding = self.headers.get("Content-Encoding")
            if encoding != "aes128gcm":
                errors.append(f"Content-Encoding is {encoding!r}, not aes128gcm")
            elif ttl_text is None:
                errors.append("no TTL header (RFC 8030 §5.2 requires one)")
            else:
                try:
                    entry["payload"] = receiver.decrypt(body)
                    decrypted = True
                except (ValueError, UnicodeDecodeError) as e:
                    errors.append(f"decrypt: {e}")
            entry["error"] = "; ".join(errors) or None

            line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
            with log_lock:
                fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)  # one write per line: a reader never sees half of one
                finally:
                    os.close(fd)

            if name in SPECIAL:
                status = SPECIAL[name]
                self.answer(status, [("Retry-After", str(RETRY_AFTER_SECONDS))] if status == 429 else [])
            elif not ok:
                self.answer(403)
            elif not decrypted:
                self.answer(400)
            else:
                self.answer(201, [("Location", f"/message/{os.urandom(8).hex()}")])

    return Handler


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    receiver = Receiver()
    origin_holder = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(receiver, origin_holder, sys.argv[1], threading.Lock()))
    server.daemon_threads = True
    port = server.server_address[1]
    origin_holder["origin"] = f"http://127.0.0.1:{port}"
    threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    info = {"port": port, "p256dh": b64url(receiver.public_raw), "auth": b64url(receiver.auth),
            "endpoint_base": origin_holder["origin"]}
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
