#!/usr/bin/env python3
"""Seeds the webhook benchmark through the public API: the school's Jitsi webhook secret, a live
class with 300 students, and N signed Jitsi join/leave events spread over them (each with its own
id, so none is a duplicate), one per line as "timestamp<TAB>signature<TAB>body" for the wrk script.
Standard library only."""
import hashlib, hmac, http.client, json, sys, time

def main():
    port, slug, admin_email, password, course_id, secret, n, out = sys.argv[1:9]
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
    call("PUT", f"/api/v1/tenants/{admin['user']['tenant_id']}/live-config/",
         {"provider": "jitsi", "is_default": True, "jitsi_domain": "meet.bench.test", "jitsi_app_id": "bench",
          "jitsi_jwt_secret": "bench-jitsi-secret-0123456789abcdef", "webhook_secret": secret}, atok)
    teacher = call("POST", "/api/v1/auth/login/", {"email": "teacher@bench.test", "password": password,
                                                   "tenant": slug})["access_token"]
    session = call("POST", "/api/v1/live-sessions/", {"course_id": course_id, "title": "Bench", "type": "adhoc"},
                   teacher)
    students = []
    # No passwords: the students never sign in here, and each Argon2id hash costs the server ~0.2 s.
    for i in range(300):
        u = call("POST", "/api/v1/users/", {"email": f"s{i}@bench.test", "full_name": f"Student {i}",
                                           "role": "student"}, atok)
        students.append(u["id"])
    ts = str(int(time.time()))
    base = int(time.time()) - 3600
    key = secret.encode()
    with open(out, "w") as f:
        for i in range(n):
            body = json.dumps({"id": f"evt-{i}", "event": "participant_joined" if i % 2 == 0 else "participant_left",
                               "room": session["room_id"], "timestamp": base + i,
                               "participant": {"id": students[(i // 2) % len(students)],
                                               "connection_id": f"c{i // 2}"}}, separators=(",", ":"))
            sig = "sha256=" + hmac.new(key, (ts + "." + body).encode(), hashlib.sha256).hexdigest()
            f.write(f"{ts}\t{sig}\t{body}\n")

if __name__ == "__main__":
    main()
