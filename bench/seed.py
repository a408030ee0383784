#!/usr/bin/env python3
"""Seeds a school for the join benchmark through the public API and CLI-made admin:
N students arrive by single sign-on (HS256 tokens signed here with the school's LMS secret, as a
host LMS would), get enrolled, and a live session is started. Writes the session id and the
student tokens for the wrk script. Standard library only."""
import base64, hashlib, hmac, http.client, json, sys, time

def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def sso_token(secret, slug, i, ttl):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    now = int(time.time())
    claims = {"iss": slug, "sub": f"lms-{i}", "email": f"s{i}@bench.test", "name": f"Student {i}",
              "role": "student", "iat": now, "exp": now + ttl}
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(sig)}"

def main():
    port, slug, secret, admin_email, password, course_id, n, out = sys.argv[1:9]
    n = int(n)
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    def call(method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise SystemExit(f"{method} {path} -> {r.status} {data[:300]!r}")
        return json.loads(data) if data else None
    admin = call("POST", "/api/v1/auth/login/", {"email": admin_email, "password": password, "tenant": slug})
    atok = admin["access_token"]
    instructor = call("POST", "/api/v1/auth/login/",
                      {"email": "teacher@bench.test", "password": password, "tenant": slug})["access_token"]
    tokens = []
    for i in range(n):
        t = sso_token(secret, slug, i, 3600)
        me = call("GET", "/api/v1/auth/me/", token=t)  # first use creates the user
        call("POST", f"/api/v1/courses/{course_id}/enrollments/", {"user_id": me["user"]["id"]}, atok)
        tokens.append(t)
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
    s = call("POST", "/api/v1/live-sessions/", {"course_id": course_id, "title": "Bench", "scheduled_start": start,
                                                 "scheduled_end": end, "max_participants": 10000}, instructor)
    call("POST", f"/api/v1/live-sessions/{s['id']}/start/", token=instructor)
    with open(out, "w") as f:
        f.write(s["id"] + "\n")
        for t in tokens:
            f.write(t + "\n")

main()
