#!/usr/bin/python3
"""The container deployment (infra/docker-compose.live.yml, infra/jitsi/docker-compose.yml,
infra/docker/Dockerfile), checked as far as a machine without a Docker engine can:

* Docker Compose (Debian's docker-compose, which validates files without an engine) accepts both
  files, alone and together, and refuses to start without the secrets, naming each one.
* The liveclass containers' environment, exactly as Compose resolves it, is one `liveclass serve`
  accepts: the test starts the binary with it, and a join token it issues passes the checks the
  Jitsi stack's prosody is configured with (issuer, audience, HS256 with the shared secret,
  moderator from the token).
* The ports and the trusted proxy match infra/nginx/live.conf and the Compose network.
* The image installs a Debian package for every shared library the binary links, and its build
  context (the repository minus .dockerignore) configures with CMake.

What cannot be checked here: pulling and running the images (no Docker engine on this machine).

Usage: compose_test.py LIVECLASS_BINARY
"""
import base64
import fnmatch
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import yaml  # Debian's python3-yaml

from deploy_support import call, check, exit_code, failures, start_serve

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMPOSE = shutil.which("docker-compose") or "/usr/bin/docker-compose"
SETTINGS = {
    "POSTGRES_PASSWORD": "pg-password",
    "LIVE_SECRET_KEY": "0123456789abcdef0123456789abcdef0123456789abcdef",
    "LIVE_PUBLIC_URL": "https://live.example.edu",
    "JITSI_DOMAIN": "meet.acme.edu",
    "JITSI_APP_ID": "acme-live",
    "JITSI_JWT_SECRET": "a-shared-secret-of-enough-length-0123456789",
    "JICOFO_AUTH_PASSWORD": "jicofo-password",
    "JVB_AUTH_PASSWORD": "jvb-password",
    "JVB_ADVERTISE_IPS": "203.0.113.7",
    "JITSI_CONFIG": "/srv/jitsi",
}



def documented_settings():
    """Every setting .env.example names, as `NAME=` (set or commented out)."""
    with open(os.path.join(ROOT, ".env.example")) as f:
        return set(re.findall(r"^#?\s*((?:LIVE|JITSI)_[A-Z0-9_]+)=", f.read(), re.M))


def compose_tree(work):
    """The Compose files where they live in the repository, with .env from .env.example (the file an
    operator copies), so relative paths resolve as they will for the operator."""
    tree = os.path.join(work, "repo")
    os.makedirs(os.path.join(tree, "infra/jitsi"))
    shutil.copy(os.path.join(ROOT, "infra/docker-compose.live.yml"), os.path.join(tree, "infra"))
    shutil.copy(os.path.join(ROOT, "infra/jitsi/docker-compose.yml"), os.path.join(tree, "infra/jitsi"))
    shutil.copy(os.path.join(ROOT, ".env.example"), os.path.join(tree, ".env"))
    return tree


def compose_config(tree, files, settings):
    env_file = os.path.join(tree, "infra/.env")
    with open(env_file, "w") as f:
        f.write("".join(f"{k}={v}\n" for k, v in settings.items()))
    args = [COMPOSE, "--env-file", env_file]
    for name in files:
        args += ["-f", os.path.join(tree, name)]
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    return subprocess.run(args + ["config"], capture_output=True, text=True, env=env, cwd=tree)


def env_of(service):
    return {k: ("" if v is None else str(v)) for k, v in (service.get("environment") or {}).items()}


def published(ports):
    """The host addresses ("ip:port") of a service's published ports, in either form Compose prints."""
    out = set()
    for p in ports or []:
        if isinstance(p, dict):
            out.add(f"{p.get('host_ip', '0.0.0.0')}:{p.get('published')}")
        else:
            parts = str(p).split("/")[0].split(":")
            out.add(f"{parts[0]}:{parts[1]}" if len(parts) == 3 else f"0.0.0.0:{parts[0]}")
    return out


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# ------------------------------------------------------------------------------------------ the files
def test_compose_files(tree):
    r = compose_config(tree, ["infra/jitsi/docker-compose.yml"], SETTINGS)
    check("docker-compose accepts infra/jitsi/docker-compose.yml on its own", r.returncode == 0, r.stderr[-800:])
    r = compose_config(tree, ["infra/docker-compose.live.yml", "infra/jitsi/docker-compose.yml"], SETTINGS)
    check("docker-compose accepts the live file and the Jitsi file together", r.returncode == 0, r.stderr[-800:])
    if r.returncode != 0:
        return None
    config = yaml.safe_load(r.stdout)
    services = config["services"]
    check("the stack has liveclass (api, worker, migrate), PostgreSQL, Redis and Jitsi (web, prosody, jicofo, jvb)",
          {"api", "worker", "migrate", "postgres", "redis", "web", "prosody", "jicofo", "jvb"} <= set(services),
          sorted(services))

    for name in ("POSTGRES_PASSWORD", "LIVE_SECRET_KEY", "JITSI_JWT_SECRET", "JICOFO_AUTH_PASSWORD", "JVB_ADVERTISE_IPS"):
        missing = {k: v for k, v in SETTINGS.items() if k != name}
        r = compose_config(tree, ["infra/docker-compose.live.yml", "infra/jitsi/docker-compose.yml"], missing)
        check(f"without {name} Compose refuses and names it", r.returncode != 0 and name in r.stderr, r.stderr[-400:])
    return config


def test_liveclass_services(config):
    services = config["services"]
    api, worker, migrate = services["api"], services["worker"], services["migrate"]
    documented = documented_settings()
    for name, svc in (("api", api), ("worker", worker), ("migrate", migrate)):
        unknown = sorted(k for k in env_of(svc) if k.startswith(("LIVE_", "JITSI_")) and k not in documented)
        check(f"every setting the {name} container gets is one liveclass documents", not unknown, unknown)
    check("the api runs `serve` without job workers; `worker` and `migrate` run the other commands",
          api["command"] == ["serve"] and env_of(api)["LIVE_JOB_WORKERS"] == "0" and worker["command"] == ["worker"]
          and migrate["command"] == ["migrate"], f"{api['command']} {worker['command']} {migrate['command']}")
    check("api and worker start only after the migration finished",
          all(s["depends_on"]["migrate"]["condition"] == "service_completed_successfully" for s in (api, worker)))
    # Every liveclass process checks its database and Redis when it starts: each waits for both to be
    # healthy (directly, or through the migration it waits for).
    def waits_for(svc):
        out = set()
        for name, dep in (svc.get("depends_on") or {}).items():
            if dep.get("condition") == "service_healthy":
                out.add(name)
            elif dep.get("condition") == "service_completed_successfully":
                out |= waits_for(services[name])
        return out

    for name, svc in (("api", api), ("worker", worker), ("migrate", migrate)):
        named = {urllib.parse.urlsplit(env_of(svc)[k]).hostname for k in ("LIVE_DATABASE_URL", "LIVE_REDIS_URL")}
        check(f"{name} starts only once the services its settings name are healthy ({sorted(named)})",
              named <= waits_for(svc), sorted(waits_for(svc)))
    check("every liveclass process gets the same database, Redis, key and recordings store",
          len({(env_of(s)["LIVE_DATABASE_URL"], env_of(s)["LIVE_REDIS_URL"], env_of(s)["LIVE_SECRET_KEY"],
                tuple(s.get("volumes", []))) for s in (api, worker, migrate)}) == 1)
    pg = env_of(services["postgres"])
    url = urllib.parse.urlsplit(env_of(api)["LIVE_DATABASE_URL"])
    check("the database URL matches the PostgreSQL service's user, password and database",
          url.hostname == "postgres" and url.username == pg["POSTGRES_USER"] and url.password == pg["POSTGRES_PASSWORD"]
          and url.path == "/" + pg["POSTGRES_DB"], env_of(api)["LIVE_DATABASE_URL"])

    with open(os.path.join(ROOT, "infra/nginx/live.conf")) as f:
        nginx = f.read()
    live_upstream = re.search(r"upstream liveclass \{[^}]*?server ([0-9.]+:\d+)", nginx).group(1)
    jitsi_upstream = re.search(r"upstream jitsi_web \{[^}]*?server ([0-9.]+:\d+)", nginx).group(1)
    check("the api publishes the address live.conf proxies to", live_upstream in published(api["ports"]),
          f"{api['ports']} vs {live_upstream}")
    check("Jitsi's web container publishes the address live.conf proxies meet. hosts to",
          jitsi_upstream in published(services["web"]["ports"]), f"{services['web']['ports']} vs {jitsi_upstream}")
    gateway = config["networks"]["liveclass"]["ipam"]["config"][0]["gateway"]
    check("liveclass trusts exactly the network's gateway (where nginx on the host comes from)",
          env_of(api)["LIVE_TRUSTED_PROXIES"] == gateway, f"{env_of(api)['LIVE_TRUSTED_PROXIES']} vs {gateway}")


def test_jitsi_accepts_liveclass_tokens(config, binary, work):
    services = config["services"]
    prosody, jicofo, web = env_of(services["prosody"]), env_of(services["jicofo"]), env_of(services["web"])
    check("prosody requires a token (JWT auth, no empty tokens, no guests)",
          prosody["ENABLE_AUTH"] == "1" and prosody["AUTH_TYPE"] == "jwt" and prosody["JWT_ALLOW_EMPTY"] == "0"
          and prosody.get("ENABLE_GUESTS") == "0", prosody)
    check("moderators come from the token (token_affiliation on, jicofo's auto-owner off)",
          "token_affiliation" in prosody["XMPP_MUC_MODULES"].split(",") and jicofo["ENABLE_AUTO_OWNER"] == "false")
    check("Jitsi's public URL is the domain liveclass sends people to",
          web["PUBLIC_URL"] == "https://" + SETTINGS["JITSI_DOMAIN"], web["PUBLIC_URL"])

    # liveclass with the api container's environment (only the database and Redis swapped for local
    # ones): it must start with it, and its join token must pass prosody's checks.
    settings = env_of(services["api"])
    settings.update({"LIVE_DATABASE_URL": f"sqlite:{work}/compose.db", "LIVE_STORAGE_DIR": f"{work}/storage",
                     "LIVE_WEB_ROOT": "off"})
    del settings["LIVE_REDIS_URL"]
    proc, port = start_serve(binary, work, settings)
    try:
        status, body = call(port, "POST", "/api/v1/auth/login", {"email": "instructor@demo.test", "password": "demo1234"})
        check("liveclass starts with the api container's settings", status == 200, f"{status} {body}")
        token = body["access_token"]
        _, sessions = call(port, "GET", "/api/v1/live-sessions/", token=token)
        sid = sessions["results"][0]["id"]
        status, body = call(port, "POST", f"/api/v1/live-sessions/{sid}/start/", {}, token)
        check("the instructor starts the demo class", status == 200, f"{status} {body}")
        status, join = call(port, "POST", f"/api/v1/live-sessions/{sid}/join/", {}, token)
        check("the instructor joins it", status == 200 and join.get("provider") == "jitsi", f"{status} {join}")
    finally:
        proc.terminate()
        proc.wait(30)

    head, payload, signature = join["token"].split(".")
    expected = base64.urlsafe_b64encode(
        hmac.new(prosody["JWT_APP_SECRET"].encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()).rstrip(b"=")
    header, claims = b64url_json(head), b64url_json(payload)
    check("the token is HS256 (typ JWT) and verifies with prosody's JWT_APP_SECRET",
          header == {"alg": "HS256", "typ": "JWT"} and hmac.compare_digest(expected.decode(), signature), header)
    check("its issuer is one prosody accepts, and its audience too",
          claims["iss"] in prosody["JWT_ACCEPTED_ISSUERS"].split(",") and claims["iss"] == prosody["JWT_APP_ID"]
          and claims["aud"] in prosody["JWT_ACCEPTED_AUDIENCES"].split(","), f"{claims['iss']} {claims['aud']}")
    check("the instructor's token makes them owner (what token_affiliation reads)",
          claims["context"]["user"].get("affiliation") == "owner", claims["context"]["user"])
    check("the join address is on the Jitsi domain nginx serves, and names the token's room",
          urllib.parse.urlsplit(join["join_url"]).hostname == SETTINGS["JITSI_DOMAIN"]
          and urllib.parse.urlsplit(join["join_url"]).path == "/" + claims["room"], join["join_url"])


# ------------------------------------------------------------------------------------------- the image
def dockerfile_runtime_packages():
    with open(os.path.join(ROOT, "infra/docker/Dockerfile")) as f:
        text = f.read()
    final = text[text.rindex("\nFROM "):]
    install = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", final, re.S).group(1)
    return set(install.replace("\\", " ").split()), final


def package_of(path):
    """The Debian package that installed a file (paths may be recorded with or without /usr)."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        candidates.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    return None


def test_image(binary, work, config):
    packages, final_stage = dockerfile_runtime_packages()
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                        subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout)
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(["ldd", binary], capture_output=True,
                                                                       text=True).stdout, re.M))
    base = {"libc6", "libgcc-s1", "libstdc++6"}  # in debian:12-slim already
    missing = []
    for so in needed:
        pkg = package_of(resolved.get(so, ""))
        if pkg is None or (pkg not in packages and pkg not in base):
            missing.append(f"{so} ({pkg or 'no package found'})")
    check("the image installs a package for every shared library liveclass links", not missing and needed, missing)
    check("the image has ffmpeg (thumbnails) and curl (its health check)",
          {"ffmpeg", "curl"} <= packages and "curl -fsS http://127.0.0.1:8080/health" in final_stage)
    if config:
        storage = env_of(config["services"]["api"])["LIVE_STORAGE_DIR"]
        check("the image makes the recordings folder, owned by the user it runs as (a new volume copies that)",
              re.search(r"install -d -o liveclass -g liveclass [^\n]*" + re.escape(storage) + r"\b", final_stage)
              is not None and "USER liveclass" in final_stage, storage)
    env_names = set(re.findall(r"\b((?:LIVE|JITSI)_[A-Z0-9_]+)=", final_stage))
    check("the image's ENV settings are documented ones", env_names and env_names <= documented_settings(),
          env_names - documented_settings())

    # The build context: the repository's files minus .dockerignore, configured as the build stage does.
    with open(os.path.join(ROOT, ".dockerignore")) as f:
        patterns = [line.strip().rstrip("/") for line in f if line.strip() and not line.startswith("#")]

    def ignored(path):
        parts = path.split("/")
        for pat in patterns:
            for i in range(1, len(parts) + 1):
                if pat.startswith("**/"):
                    if any(fnmatch.fnmatchcase("/".join(parts[j:i]), pat[3:]) for j in range(i)):
                        return True
                elif fnmatch.fnmatchcase("/".join(parts[:i]), pat):
                    return True
        return False

    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True).stdout.split("\0")
    context = os.path.join(work, "context")
    copied = 0
    for rel in filter(None, files):
        if ignored(rel) or not os.path.exists(os.path.join(ROOT, rel)):
            continue
        os.makedirs(os.path.dirname(os.path.join(context, rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(context, rel))
        copied += 1
    check(".dockerignore keeps build trees and databases out of the context",
          ignored("build/liveclass") and ignored("build-asan/x") and ignored("web/node_modules/a/b.js")
          and ignored("liveclass.db") and not ignored("src/app/app.cpp") and not ignored("web/src/main.tsx"))
    check(".dockerignore keeps the settings files with passwords out (.env, infra/.env)",
          ignored(".env") and ignored("infra/.env"))
    r = subprocess.run(["cmake", "-S", context, "-B", os.path.join(context, "build"), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], capture_output=True, text=True)
    check(f"the image's build context ({copied} files) configures with CMake", r.returncode == 0,
          (r.stdout + r.stderr)[-1500:])


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="liveclass-compose-")
    try:
        tree = compose_tree(work)
        config = test_compose_files(tree)
        if config:
            test_liveclass_services(config)
            test_jitsi_accepts_liveclass_tokens(config, binary, work)
        test_image(binary, work, config)
        if failures and os.path.exists(os.path.join(work, "serve.err")):
            print("--- serve.err (tail)\n" + open(os.path.join(work, "serve.err")).read()[-3000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
