#!/usr/bin/env python3
"""Crash test for the webhook inbox (issue 3, item 7).

A real `liveclass serve` takes a stream of signed Jitsi webhooks from several threads; it is killed
with SIGKILL in the middle, restarted on the same database, and every delivery is sent again (as
providers retry). Then every event that was ever answered 2xx must be stored and processed exactly
once, with exactly the participation row it implies, and nothing may be left unprocessed.

  webhook_crash.py sqlite|postgres BINARY

PostgreSQL runs need LIVE_TEST_POSTGRES_URL (scripts/run-tests.sh sets it); without it they are
skipped. Each run uses its own temporary directory / schema.
"""
import hashlib
import hmac
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "crash-test-webhook-secret-0123456789"
STUDENTS = 12


def fail(msg):
    print("webhook_crash: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def psql_bin():
    found = shutil.which("psql")
    if found:
        return found
    import glob
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return cands[-1] if cands else None


class Database:
    def __init__(self, engine, work):
        self.engine = engine
        self.schema = None
        if engine == "sqlite":
            self.path = os.path.join(work, "crash.db")
            self.url = "sqlite:" + self.path
        else:
            admin = os.environ["LIVE_TEST_POSTGRES_URL"]
            self.admin = admin
            self.psql = psql_bin()
            if not self.psql:
                fail("psql not found")
            self.schema = "crash_" + secrets.token_hex(6)
            self.run_sql("CREATE SCHEMA " + self.schema, schema=False)
            sep = "&" if "?" in admin else "?"
            self.url = admin + sep + "options=-csearch_path%3D" + self.schema

    def run_sql(self, sql, schema=True):
        env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning" +
                   (" -c search_path=" + self.schema if schema and self.schema else ""))
        out = subprocess.run([self.psql, self.admin, "-v", "ON_ERROR_STOP=1", "-qtAF", "\t", "-c", sql],
                             env=env, capture_output=True, text=True)
        if out.returncode != 0:
            fail("psql: " + out.stderr)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def query(self, sql):
        if self.engine == "sqlite":
            con = sqlite3.connect(self.path, timeout=30)
            try:
                return [[str(c) for c in row] for row in con.execute(sql).fetchall()]
            finally:
                con.close()
        return self.run_sql(sql)

    def drop(self):
        if self.schema:
            self.run_sql("DROP SCHEMA IF EXISTS " + self.schema + " CASCADE", schema=False)


class Server:
    def __init__(self, binary, env, log_path):
        self.binary, self.env, self.log_path = binary, env, log_path
        self.proc = None

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=log, stderr=log)
        port = int(self.env["LIVE_HTTP_PORT"])
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        fail("the server did not start; see " + self.log_path)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def request(port, method, path, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = body if isinstance(body, (bytes, type(None))) else body.encode()
        conn.request(method, path, body=data, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.read().decode()
    finally:
        conn.close()


def cli(binary, env, *args):
    out = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        fail(" ".join(args) + ": " + out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    engine, binary = sys.argv[1], os.environ.get("LIVECLASS_BIN") or sys.argv[2]
    if engine == "postgres" and not os.environ.get("LIVE_TEST_POSTGRES_URL"):
        print("webhook_crash: LIVE_TEST_POSTGRES_URL is not set; skipping the PostgreSQL run")
        return 0
    work = tempfile.mkdtemp(prefix="liveclass-crash.")
    db = Database(engine, work)
    server = None
    try:
        port = free_port()
        env = dict(os.environ, LIVE_DATABASE_URL=db.url, LIVE_HTTP_PORT=str(port), LIVE_HTTP_HOST="127.0.0.1",
                   LIVE_SECRET_KEY="crash-test-secret-key-0123456789abcdefgh", LIVE_LOG_LEVEL="warn",
                   LIVE_JOB_WORKERS="2", LIVE_JOB_LEASE_SECONDS="4")
        subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
        cli(binary, env, "admin", "create-tenant", "--slug", "crash", "--name", "Crash")
        cli(binary, env, "admin", "create-user", "--tenant", "crash", "--email", "admin@crash.test", "--password",
            "crash-pass-1", "--name", "Admin", "--role", "admin")
        cli(binary, env, "admin", "create-user", "--tenant", "crash", "--email", "teacher@crash.test", "--password",
            "crash-pass-1", "--name", "Teacher", "--role", "instructor")
        course = cli(binary, env, "admin", "create-course", "--tenant", "crash", "--title", "Crash 101",
                     "--instructor", "teacher@crash.test")["id"]
        students = []
        for i in range(STUDENTS):
            email = "s%d@crash.test" % i
            students.append(cli(binary, env, "admin", "create-user", "--tenant", "crash", "--email", email,
                                "--password", "crash-pass-1", "--name", "Student %d" % i, "--role", "student")["id"])
            cli(binary, env, "admin", "enroll", "--course", course, "--email", email)

        server = Server(binary, env, os.path.join(work, "serve.log"))
        server.start()

        def login(email):
            st, body = request(port, "POST", "/api/v1/auth/login/",
                               json.dumps({"email": email, "password": "crash-pass-1", "tenant": "crash"}),
                               {"Content-Type": "application/json"})
            if st != 200:
                fail("login %s: %d %s" % (email, st, body))
            return json.loads(body)["access_token"]

        admin = login("admin@crash.test")
        tenant_id = json.loads(request(port, "GET", "/api/v1/auth/me/", headers={"Authorization": "Bearer " + admin})[1])
        tenant_id = tenant_id.get("tenant", {}).get("id") or tenant_id.get("tenant_id")
        st, body = request(port, "PUT", "/api/v1/tenants/%s/live-config/" % tenant_id,
                           json.dumps({"provider": "jitsi", "is_default": True, "jitsi_domain": "meet.crash.test",
                                       "jitsi_app_id": "crash", "jitsi_jwt_secret": "crash-jitsi-secret-0123456789",
                                       "webhook_secret": SECRET}),
                           {"Content-Type": "application/json", "Authorization": "Bearer " + admin})
        if st != 200:
            fail("live-config: %d %s" % (st, body))
        teacher = login("teacher@crash.test")
        st, body = request(port, "POST", "/api/v1/live-sessions/",
                           json.dumps({"course_id": course, "title": "Crash", "type": "adhoc"}),
                           {"Content-Type": "application/json", "Authorization": "Bearer " + teacher})
        if st != 201:
            fail("create session: %d %s" % (st, body))
        session = json.loads(body)
        room, session_id = session["room_id"], session["id"]

        # Every event: a unique id, a student, join or leave, a distinct event time.
        base = int(time.time()) - 100000
        events = []
        for n in range(4000):
            kind = "participant_joined" if n % 2 == 0 else "participant_left"
            events.append({"id": "evt-%05d" % n, "event": kind, "room": room, "timestamp": base + n,
                           "participant": {"id": students[(n // 2) % STUDENTS], "connection_id": "c%d" % (n // 2)}})

        acked = set()
        lock = threading.Lock()

        def deliver(ev):
            body = json.dumps(ev)
            ts = str(int(time.time()))
            sig = "sha256=" + hmac.new(SECRET.encode(), (ts + "." + body).encode(), hashlib.sha256).hexdigest()
            try:
                st, text = request(port, "POST", "/api/v1/live-sessions/webhooks/jitsi/", body,
                                   {"Content-Type": "application/json", "X-Live-Timestamp": ts,
                                    "X-Live-Signature": sig}, timeout=5)
            except OSError:
                return False
            if 200 <= st < 300:
                with lock:
                    acked.add(ev["id"])
                return True
            if st >= 500:
                return False
            fail("delivery %s answered %d: %s" % (ev["id"], st, text))

        # Phase 1: four senders; the server is killed while they run.
        cursor = [0]

        def sender():
            while True:
                with lock:
                    if cursor[0] >= len(events):
                        return
                    ev = events[cursor[0]]
                    cursor[0] += 1
                deliver(ev)

        threads = [threading.Thread(target=sender) for _ in range(4)]
        for t in threads:
            t.start()
        while True:
            with lock:
                if len(acked) >= 600:
                    break
            time.sleep(0.005)
        server.kill()
        for t in threads:
            t.join()
        acked_before_crash = set(acked)
        if len(acked_before_crash) >= len(events):
            fail("the kill came too late to interrupt the stream")

        # Phase 2: restart on the same database; the provider retries every delivery.
        server.start()
        cursor[0] = 0
        threads = [threading.Thread(target=sender) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(acked) != len(events):
            fail("%d deliveries were never acknowledged after the restart" % (len(events) - len(acked)))

        deadline = time.time() + 120
        while time.time() < deadline:
            left = int(db.query("SELECT COUNT(*) FROM webhook_events WHERE status = 'received'")[0][0])
            if left == 0:
                break
            time.sleep(0.2)
        else:
            fail("events still unprocessed after 120 s")

        rows = db.query("SELECT dedupe_key, status FROM webhook_events WHERE provider = 'jitsi' "
                        "AND status <> 'rejected'")
        per_key = {}
        for key, status in rows:
            per_key.setdefault(key.split(":", 1)[1], []).append(status)  # keys are "{school}:{key}"
        for ev in events:
            got = per_key.get("id:" + ev["id"], [])
            if len(got) != 1:
                fail("event %s is stored %d times" % (ev["id"], len(got)))
            if got[0] != "processed":
                fail("event %s ended as %s" % (ev["id"], got[0]))
        joins = db.query("SELECT joined_at, COUNT(*) FROM live_session_participants WHERE session_id = '%s' "
                         "GROUP BY joined_at" % session_id)
        by_join = {int(j): int(c) for j, c in joins}
        lefts = db.query("SELECT left_at, COUNT(*) FROM live_session_participants WHERE session_id = '%s' "
                         "AND left_at IS NOT NULL GROUP BY left_at" % session_id)
        by_left = {int(l): int(c) for l, c in lefts}
        for ev in events:
            if ev["event"] == "participant_joined" and by_join.get(ev["timestamp"]) != 1:
                fail("join %s has %s participation rows" % (ev["id"], by_join.get(ev["timestamp"])))
            if ev["event"] == "participant_left" and by_left.get(ev["timestamp"]) != 1:
                fail("leave %s closed %s rows" % (ev["id"], by_left.get(ev["timestamp"])))
        total = int(db.query("SELECT COUNT(*) FROM live_session_participants WHERE session_id = '%s'"
                             % session_id)[0][0])
        if total != len(events) // 2:
            fail("%d participation rows for %d join/leave pairs" % (total, len(events) // 2))
        print("webhook_crash: %s: %d acknowledged before SIGKILL, all %d processed exactly once after restart"
              % (engine, len(acked_before_crash), len(events)))
        return 0
    finally:
        if server:
            server.stop()
        db.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
