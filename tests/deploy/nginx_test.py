#!/usr/bin/python3
"""infra/nginx/live.conf, as committed, run by Debian's nginx in front of a real `liveclass serve` and a
stand-in for the Jitsi web container, all on loopback with TLS from a throw-away CA.

Only what a single test machine cannot have is changed in the file: the listen addresses (ports of our
own instead of 80/443, no IPv6), the upstream addresses, and the directories (certificates, the ACME
web root, logs). Everything else is the file an operator installs.

Usage: nginx_test.py LIVECLASS_BINARY
"""
import asyncio
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

import websockets  # Debian's python3-websockets: an independent client for the upgrade through nginx

from deploy_support import check, exit_code, failures, start_serve, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIVE_HOST = "live.example.edu"
MEET_HOST = "meet.acme.edu"
CLIENT_ADDR = "127.0.0.2"  # the "browser"; nginx reaches liveclass from 127.0.0.1, the only trusted proxy



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------ certificates
def make_certificates(tls_dir):
    """A CA and one certificate per host name, as a school's operator would get them from an ACME CA."""
    os.makedirs(tls_dir)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    ca_key, ca_crt = os.path.join(tls_dir, "ca.key"), os.path.join(tls_dir, "ca.crt")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=liveclass test CA", "-keyout", ca_key, "-out", ca_crt)
    for host in (LIVE_HOST, MEET_HOST):
        key, csr, crt = (os.path.join(tls_dir, host + ext) for ext in (".key", ".csr", ".crt"))
        ext = os.path.join(tls_dir, host + ".ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName=DNS:{host}\n")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={host}",
                "-keyout", key, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                "-extfile", ext, "-out", crt)
        # live.conf's meet. server names its certificate by a variable, so nginx's worker (not the
        # master, which runs as root) loads it at each handshake: the worker's user must read the key.
        os.chmod(key, 0o644)
    return ca_crt


# ------------------------------------------------------------------------------------ the Jitsi stand-in
class FakeJitsiWeb:
    """What nginx sees of docker-jitsi-meet's web container: plain HTTP pages (and BOSH posts) answered
    with what arrived, and RFC 6455 WebSocket upgrades on /xmpp-websocket (subprotocol "xmpp") and
    /colibri-ws/ that echo every text frame."""

    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _client(self, reader, writer):
        try:
            while await self._one_request(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _one_request(self, reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("upgrade", "").lower() == "websocket":
            await self._websocket(reader, writer, target, headers)
            return False
        seen = json.dumps({"method": method, "target": target, "headers": headers,
                           "body": body.decode("utf-8", "replace")}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(seen)
                     + seen)
        await writer.drain()
        return True

    async def _websocket(self, reader, writer, target, headers):
        path = target.split("?", 1)[0]
        if not (path == "/xmpp-websocket" or path.startswith("/colibri-ws/")):
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        accept = base64.b64encode(hashlib.sha1(headers["sec-websocket-key"].encode() + self.GUID).digest())
        protocol = b""
        if "xmpp" in [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]:
            protocol = b"Sec-WebSocket-Protocol: xmpp\r\n"
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + accept + b"\r\n" + protocol + b"\r\n")
        await writer.drain()
        while True:
            b0, b1 = await reader.readexactly(2)
            opcode, length = b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = int.from_bytes(await reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await reader.readexactly(8), "big")
            mask = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
            data = bytes(c ^ mask[i % 4] for i, c in enumerate(await reader.readexactly(length)))
            if opcode == 0x8:  # close: answer it and stop
                writer.write(bytes([0x88, len(data)]) + data)
                await writer.drain()
                return
            if opcode == 0x9:  # ping -> pong
                writer.write(bytes([0x8A, len(data)]) + data)
            elif opcode == 0x1:
                reply = (target + " " + data.decode()).encode()
                size = bytes([len(reply)]) if len(reply) < 126 else bytes([126]) + len(reply).to_bytes(2, "big")
                writer.write(bytes([0x81]) + size + reply)
            await writer.drain()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)


# ----------------------------------------------------------------------------------------------- clients
class Client:
    """HTTPS (or HTTP) to nginx on loopback, with the host name as SNI and Host, from CLIENT_ADDR."""

    def __init__(self, port, ca, source=CLIENT_ADDR):
        self.port, self.source = port, source
        self.ctx = ssl.create_default_context(cafile=ca) if ca else None

    def request(self, method, host, path, body=None, headers=None, timeout=10):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout, source_address=(self.source, 0))
        if self.ctx:
            sock = self.ctx.wrap_socket(sock, server_hostname=host)
        conn = http.client.HTTPConnection(host, self.port, timeout=timeout)
        conn.sock = sock
        h = {"Host": host}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, data


# ------------------------------------------------------------------------------------------------- setup
def install_config(work, live_port, jitsi_port, http_port, https_port):
    """live.conf with the machine-specific lines replaced, inside a minimal nginx.conf."""
    with open(os.path.join(ROOT, "infra/nginx/live.conf")) as f:
        conf = f.read()
    replacements = [
        (r"^\s*listen \[::\]:.*\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ", f"listen 127.0.0.1:{https_port} "),
        (r"server 127\.0\.0\.1:8080 ", f"server 127.0.0.1:{live_port} "),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{jitsi_port};"),
        (r"/etc/liveclass/tls/", work + "/tls/"),
        (r"/etc/nginx/snippets/", ROOT + "/infra/nginx/"),
        (r"/var/www/acme", work + "/acme"),
        (r"/var/log/nginx/", work + "/log/"),
    ]
    for pattern, repl in replacements:
        conf, n = re.subn(pattern, repl, conf, flags=re.M)
        if n == 0:
            raise RuntimeError(f"live.conf no longer has '{pattern}': update this test with it")
    with open(os.path.join(work, "live.conf"), "w") as f:
        f.write(conf)
    os.makedirs(os.path.join(work, "log"), exist_ok=True)
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/log/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {work}/log/access.log;  # as Debian's nginx.conf: every site logs here unless it says otherwise
    client_body_temp_path {work}/tmp-body;
    proxy_temp_path {work}/tmp-proxy;
    default_type application/octet-stream;
    include {work}/live.conf;
}}
""")
    return os.path.join(work, "nginx.conf")


def start_liveclass(binary, work):
    return start_serve(binary, work, {
        "LIVE_DATABASE_URL": f"sqlite:{work}/live.db",
        "LIVE_TRUSTED_PROXIES": "127.0.0.1",
        # http://, so that only a trusted X-Forwarded-Proto can make liveclass treat a request as HTTPS.
        "LIVE_PUBLIC_URL": f"http://{LIVE_HOST}",
        "LIVE_RATE_LOGIN_FAILURES_PER_IP": "3",
        "LIVE_WEB_ROOT": "off",
        "LIVE_STORAGE_DIR": "off",
    })


# ------------------------------------------------------------------------------------------------- tests
def test_liveclass_through_nginx(c, plain, work, live_port):
    status, h, body = c.request("GET", LIVE_HOST, "/health")
    check("GET /health through nginx answers liveclass's 200", status == 200 and b'"database":"ok"' in body,
          f"{status} {body[:200]!r}")
    direct = Client(live_port, None)  # from CLIENT_ADDR, which liveclass does not trust
    _, direct_headers, _ = direct.request("GET", LIVE_HOST, "/health", headers={"X-Forwarded-Proto": "https"})
    check("liveclass knows the request came over HTTPS from nginx's X-Forwarded-Proto (HSTS sent)",
          "max-age" in h.get("strict-transport-security", "")
          and "strict-transport-security" not in direct_headers, f"{h} / direct: {direct_headers}")
    check("nginx's request id reaches liveclass and comes back",
          re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")) is not None, h.get("x-request-id"))

    status, h, body = plain.request("GET", LIVE_HOST, "/api/v1/live-sessions/?page=2")
    check("port 80 redirects to the same address over HTTPS",
          status == 301 and h.get("location") == f"https://{LIVE_HOST}/api/v1/live-sessions/?page=2",
          f"{status} {h.get('location')}")
    os.makedirs(os.path.join(work, "acme/.well-known/acme-challenge"))
    with open(os.path.join(work, "acme/.well-known/acme-challenge/tok123"), "w") as f:
        f.write("tok123.thumbprint")
    status, _, body = plain.request("GET", LIVE_HOST, "/.well-known/acme-challenge/tok123")
    check("port 80 serves ACME http-01 challenges", status == 200 and body == b"tok123.thumbprint", f"{status} {body!r}")

    status, _, _ = c.request("GET", LIVE_HOST, "/metrics")
    check("/metrics is not reachable through the public proxy", status == 404, str(status))

    status, h, body = c.request("POST", LIVE_HOST, "/api/v1/auth/login",
                                {"email": "instructor@demo.test", "password": "demo1234"})
    check("a login through nginx works", status == 200, f"{status} {body[:300]!r}")
    token = json.loads(body)["access_token"]

    # Each failed login claims a different address in X-Forwarded-For. nginx appends the address it
    # saw, liveclass believes only what its trusted proxy added: all count against 127.0.0.2.
    statuses = []
    for i in range(5):
        s, _, _ = c.request("POST", LIVE_HOST, "/api/v1/auth/login",
                            {"email": f"nobody{i}@demo.test", "password": "wrong-password"},
                            {"X-Forwarded-For": f"198.51.100.{i + 1}"})
        statuses.append(s)
    check("a forged X-Forwarded-For does not escape the per-address login limit (3)",
          statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429], str(statuses))
    other = Client(c.port, None, source="127.0.0.3")
    other.ctx = c.ctx
    s, _, _ = other.request("POST", LIVE_HOST, "/api/v1/auth/login",
                            {"email": "nobody@demo.test", "password": "wrong-password"})
    check("another client address has its own login limit", s == 401, str(s))

    status, h, body = c.request("POST", LIVE_HOST, "/api/v1/auth/login", "x" * (1024 * 1024 + 10),
                                {"Content-Type": "application/json"})
    problem = json.loads(body) if h.get("content-type") == "application/problem+json" else {}
    check("a body over 1 MiB is refused by nginx with a problem document",
          status == 413 and problem.get("status") == 413 and "1 MiB" in problem.get("detail", ""), f"{status} {body[:300]!r}")
    status, h, body = c.request("POST", LIVE_HOST, "/api/v1/auth/login", "x" * (1024 * 1024 + 10),
                                {"Content-Type": "application/json", "Accept-Language": "tr-TR,tr;q=0.9"})
    check("... in Turkish for a Turkish browser", status == 413 and "sınırını" in body.decode(),
          body[:300].decode(errors="replace"))
    # BigBlueButton's analytics callback may be larger: nginx passes it, and liveclass judges it
    # (here: a school that does not exist, so liveclass's own problem document, not nginx's).
    status, h, body = c.request("POST", LIVE_HOST, "/api/v1/live-sessions/webhooks/bbb/?tenant=nobody&event=analytics",
                                "x" * (3 * 1024 * 1024), {"Content-Type": "application/json"})
    problem = json.loads(body) if h.get("content-type") == "application/problem+json" else {}
    check("a BBB analytics body over 1 MiB reaches liveclass through nginx",
          status in (400, 401, 404) and problem.get("type", "about:blank") != "about:blank", f"{status} {body[:300]!r}")
    status, h, body = c.request("POST", LIVE_HOST, "/api/v1/live-sessions/webhooks/bbb/?tenant=nobody",
                                "x" * (3 * 1024 * 1024), {"Content-Type": "application/json"})
    check("... while BBB's other webhooks over 1 MiB get liveclass's own 413", status == 413 and b"1 MiB" in body,
          f"{status} {body[:300]!r}")

    # The participants stream: its first event must arrive while the stream stays open, not when
    # nginx's buffer fills.
    status, _, body = c.request("GET", LIVE_HOST, "/api/v1/live-sessions/", headers={"Authorization": "Bearer " + token})
    session_id = json.loads(body)["results"][0]["id"]
    sock = socket.create_connection(("127.0.0.1", c.port), timeout=5, source_address=(CLIENT_ADDR, 0))
    sock = c.ctx.wrap_socket(sock, server_hostname=LIVE_HOST)
    sock.sendall((f"GET /api/v1/live-sessions/{session_id}/participants/stream/ HTTP/1.1\r\nHost: {LIVE_HOST}\r\n"
                  f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    got = b""
    try:
        while b"\ndata: " not in got:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    sock.close()
    check("the participants event stream passes through unbuffered (first event within 5 s)",
          got.startswith(b"HTTP/1.1 200") and b"text/event-stream" in got and b"\ndata: " in got, got[:400])
    return token


def test_jitsi_through_nginx(c, work):
    status, _, body = c.request("GET", MEET_HOST, "/demo-0192aaaa-bbbb?jwt=secret.token.value")
    seen = json.loads(body) if status == 200 else {}
    check("a school's meet. host reaches the Jitsi web container with its host name and the query",
          seen.get("target") == "/demo-0192aaaa-bbbb?jwt=secret.token.value" and seen["headers"].get("host") == MEET_HOST
          and seen["headers"].get("x-forwarded-proto") == "https", f"{status} {body[:300]!r}")
    log_path = os.path.join(work, "log/jitsi-access.log")

    def logged():  # nginx writes the line when it finalises the request, just after the answer
        return os.path.exists(log_path) and "/demo-0192aaaa-bbbb" in open(log_path).read()

    try:
        wait_for(logged, 5, "the access log line")
    except RuntimeError:
        pass
    log = open(log_path).read() if os.path.exists(log_path) else ""
    check("requests to meet. hosts are logged in their own access log", "/demo-0192aaaa-bbbb" in log, log[-300:])

    status, _, body = c.request("POST", MEET_HOST, "/http-bind?room=x&token=SECRET.JWT.BOSH", "<body rid='1'/>",
                                {"Content-Type": "text/xml"})
    check("BOSH posts reach the Jitsi web container", status == 200 and json.loads(body)["body"] == "<body rid='1'/>",
          f"{status} {body[:200]!r}")

    async def talk(path, protocols):
        sock = socket.create_connection(("127.0.0.1", c.port), timeout=5, source_address=(CLIENT_ADDR, 0))
        async with websockets.connect(f"wss://{MEET_HOST}{path}", sock=sock, ssl=c.ctx, server_hostname=MEET_HOST,
                                      subprotocols=protocols, open_timeout=5) as ws:
            replies = []
            for text in ("<open/>", "x" * 300):
                await ws.send(text)
                replies.append(await asyncio.wait_for(ws.recv(), 5))
            return ws.subprotocol, replies

    try:
        proto, replies = asyncio.run(talk("/xmpp-websocket?room=demo&token=SECRET.JWT.XMPP", ["xmpp"]))
        check("XMPP over WebSocket upgrades through nginx (subprotocol xmpp) and carries frames both ways",
              proto == "xmpp" and replies == ["/xmpp-websocket?room=demo&token=SECRET.JWT.XMPP <open/>",
                                               "/xmpp-websocket?room=demo&token=SECRET.JWT.XMPP " + "x" * 300],
              f"{proto} {replies}")
    except Exception as e:  # noqa: BLE001 - any failure of the upgrade is the finding
        check("XMPP over WebSocket upgrades through nginx", False, repr(e))
    try:
        _, replies = asyncio.run(talk("/colibri-ws/jvb1/endpoint/abc?pwd=SECRETPWD", None))
        check("the videobridge's colibri WebSocket upgrades through nginx",
              replies[0] == "/colibri-ws/jvb1/endpoint/abc?pwd=SECRETPWD <open/>", str(replies))
    except Exception as e:  # noqa: BLE001
        check("the videobridge's colibri WebSocket upgrades through nginx", False, repr(e))


def test_logs_keep_no_secrets(plain, tls, work):
    """Every access log nginx wrote (the site-wide one included) after join pages, BOSH, both WebSockets
    and a plain-HTTP room link: no token, no media password, no client address."""
    plain.request("GET", MEET_HOST, "/demo-room?jwt=SECRET.JWT.HTTP")
    # liveclass's own links whose path is the credential: a signed launch link, the calendar feed.
    for path in ("/api/v1/launch/SECRETLAUNCHLINK/", "/api/v1/calendar/feed/SECRETFEEDTOKEN.ics",
                 "/api/v1/recordings/play/SECRETPLAYLINK/"):
        tls.request("GET", LIVE_HOST, path)
    logs = {}

    def written():
        for name in os.listdir(os.path.join(work, "log")):
            if name.endswith("access.log"):
                logs[name] = open(os.path.join(work, "log", name), errors="replace").read()
        return "/api/v1/recordings/play/" in logs.get("liveclass-access.log", "")

    try:
        wait_for(written, 5, "the port 80 log line")
    except RuntimeError:
        pass
    leaks = [f"{name}: {needle}" for name, text in logs.items()
             for needle in ("SECRET", "secret.token", CLIENT_ADDR, "127.0.0.3") if needle in text]
    check("no access log keeps a join token, a media password, a link's credential or a client address",
          not leaks and logs, f"{leaks} in {sorted(logs)}")
    check("a credential in a liveclass path is logged masked",
          "/api/v1/calendar/feed/[token]" in logs.get("liveclass-access.log", "")
          and "/api/v1/launch/[token]/" in logs.get("liveclass-access.log", ""), logs.get("liveclass-access.log", "")[-600:])


def test_unknown_host(c):
    try:
        c.request("GET", "www.other-school.edu", "/")
        check("a host we do not serve gets no TLS handshake", False, "the handshake succeeded")
    except ssl.SSLError as e:
        check("a host we do not serve gets no TLS handshake", True)
        del e


def test_liveclass_down(c, live):
    live.send_signal(signal.SIGTERM)
    live.wait(60)
    status, h, body = c.request("GET", LIVE_HOST, "/api/v1/live-sessions/", headers={"Accept-Language": "tr"})
    problem = json.loads(body) if h.get("content-type") == "application/problem+json" else {}
    check("with liveclass stopped, nginx answers 503 problem+json with Retry-After, in the client's language",
          status == 503 and problem.get("status") == 503 and h.get("retry-after") == "5"
          and "ulaşılamıyor" in problem.get("detail", ""), f"{status} {h} {body[:300]!r}")


def main():
    binary = sys.argv[1]
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    work = tempfile.mkdtemp(prefix="liveclass-nginx-")
    os.chmod(work, 0o755)  # nginx's workers run as another user (nobody when started by root)
    procs = []
    jitsi = None
    try:
        ca = make_certificates(os.path.join(work, "tls"))
        jitsi = FakeJitsiWeb()
        live, live_port = start_liveclass(binary, work)
        procs.append(live)
        # A port picked free may be taken by another test before nginx binds it: pick again then.
        for attempt in range(3):
            http_port, https_port = free_port(), free_port()
            conf = install_config(work, live_port, jitsi.port, http_port, https_port)
            if attempt == 0:
                t = subprocess.run([nginx, "-t", "-q", "-c", conf, "-e", work + "/log/error.log"],
                                   capture_output=True, text=True)
                check("nginx -t accepts live.conf", t.returncode == 0, t.stderr)
                if t.returncode != 0:
                    return 1
            ng = subprocess.Popen([nginx, "-c", conf, "-e", work + "/log/error.log", "-g", "daemon off;"])
            procs.append(ng)

            def up():
                if ng.poll() is not None:
                    return True  # exited: could not bind
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                    return True
                except OSError:
                    return False

            wait_for(up, 20, "nginx")
            if ng.poll() is None:
                break
        else:
            raise RuntimeError("nginx did not start: " + open(work + "/log/error.log").read()[-1000:])
        c = Client(https_port, ca)
        test_liveclass_through_nginx(c, Client(http_port, None), work, live_port)
        test_jitsi_through_nginx(c, work)
        test_logs_keep_no_secrets(Client(http_port, None), c, work)
        test_unknown_host(c)
        test_liveclass_down(c, live)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
        if jitsi:
            jitsi.stop()
        if failures:
            for name in ("log/error.log", "serve.err"):
                path = os.path.join(work, name)
                if os.path.exists(path):
                    print(f"--- {name} (tail)\n" + open(path, errors="replace").read()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
