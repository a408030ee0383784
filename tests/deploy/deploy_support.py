"""What the deployment tests share: named checks that are counted rather than stopping at the first
failure (a deployment has many independent properties; a run should report all of them), and
`liveclass serve` as a child process, started with exactly the environment given (nothing inherited
from the test's own LIVE_*/JITSI_* settings) on a port the kernel picks."""
import json
import os
import re
import subprocess
import time
import urllib.request

failures = []


def check(name, ok, detail=""):
    """Prints one named result; a failure is remembered for the exit code (see `exit_code`)."""
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    if not ok:
        failures.append(name)


def exit_code():
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError("timed out waiting for " + what)


def clean_environment(settings):
    """The test's environment without any liveclass or Jitsi setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVE_", "JITSI_"))}
    env.update(settings)
    return env


def start_serve(binary, work, settings, args=("--demo",)):
    """Starts `liveclass serve` with `settings` (LIVE_HTTP_PORT is forced to 0, the host to loopback);
    returns (process, port). Its stdout and stderr go to WORK/serve.out and WORK/serve.err."""
    env = clean_environment(settings)
    env.update({"LIVE_HTTP_HOST": "127.0.0.1", "LIVE_HTTP_PORT": "0"})
    out = open(os.path.join(work, "serve.out"), "w+")
    err = open(os.path.join(work, "serve.err"), "w")
    proc = subprocess.Popen([binary, "serve", *args], env=env, stdout=out, stderr=err)
    port = []

    def listening():
        out.seek(0)
        m = re.search(r"^liveclass listening on http://[^:]*:(\d+)$", out.read(), re.M)
        if m:
            port.append(int(m.group(1)))
        if proc.poll() is not None:
            raise RuntimeError("liveclass serve exited: " + open(os.path.join(work, "serve.err")).read()[-2000:])
        return bool(port)

    wait_for(listening, 60, "liveclass serve")
    return proc, port[0]


def call(port, method, path, body=None, token=None):
    """One JSON request to a liveclass on loopback: (status, parsed body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            raw = res.read()
            return res.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, None
