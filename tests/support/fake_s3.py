#!/usr/bin/python3
"""A fake S3 on loopback for the S3BlobStore tests: one bucket, path-style addressing, and every request
checked for an AWS Signature Version 4 the way S3 checks it.

Why botocore: the point of the fake is to catch signing mistakes in our C++ SigV4 code, so the signature
is recomputed with AWS's own reference implementation (Debian's python3-botocore: S3SigV4Auth for the
Authorization header, S3SigV4QueryAuth for presigned URLs) rather than with a second hand-written one that
could share our misreadings of the spec. `fake_s3.py --self-test` shows the verifier is right: it accepts
requests botocore itself signed and AWS's published S3 examples, and rejects them with one byte changed.

Usage: fake_s3.py DATA_DIR LOG_FILE      (or: fake_s3.py --self-test)
  Listens on 127.0.0.1 (a free port), prints one JSON line on stdout
    {"port", "endpoint", "region", "bucket", "access_key", "secret_key"}
  and serves the S3 REST API subset the blob store uses: Put/Get/Head/DeleteObject, multipart uploads
  (create, upload part, complete, abort, list), ListObjectsV2, HeadBucket and Put/GetBucketLifecycle-
  Configuration. Anything else answers 501 NotImplemented. Errors are S3's XML error documents.
  On disk: DATA_DIR/objects/<key> (the bytes), DATA_DIR/uploads/<upload id>/key (an open multipart
  upload: its key) and .../part-NNNNN, DATA_DIR/tmp (files being written, renamed into place when done).
  Every request appends one JSON line to LOG_FILE before it is answered:
    {"method", "path", "query", "status", "code", "auth", "signed_headers", "content_length", ...}
  Not signed, under /_fake/: POST /_fake/fail {"method", "match", "status", "code", "times"} makes the
  next `times` matching requests fail; POST /_fake/reset-failures forgets those rules.
  Exits when its stdin reaches end of file or on SIGTERM.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under python3 -I
from child_process import exit_at_stdin_eof  # noqa: E402

REGION, SERVICE, BUCKET, ACCESS_KEY = "us-east-1", "s3", "liveclass-test", "AKIDFAKES3TEST"
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW_SECONDS = 15 * 60
MAX_PRESIGN_SECONDS = 604800
MIN_PART_SIZE = 5 * 1024 * 1024
RESPONSE_OVERRIDES = {"response-content-type": "Content-Type", "response-content-disposition": "Content-Disposition",
                      "response-content-language": "Content-Language", "response-content-encoding": "Content-Encoding",
                      "response-cache-control": "Cache-Control", "response-expires": "Expires"}
STORED_HEADERS = ("content-type", "content-disposition", "content-encoding", "content-language", "cache-control")
LIFECYCLE_ACTIONS = {"Expiration", "Transition", "NoncurrentVersionExpiration", "NoncurrentVersionTransition",
                     "AbortIncompleteMultipartUpload"}


class S3Error(Exception):
    """An answer in S3's error format: status, <Code>, <Message> and extra elements."""

    def __init__(self, status, code, message, extra=None, headers=()):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.extra, self.headers = dict(extra or {}), list(headers)


def malformed_xml():
    return S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate "
                   "against our published schema")


# ---------------------------------------------------------------------------------------------- SigV4


def parse_query(query):
    """The query's (name, value) pairs, percent-decoded ('+' stays '+', as SigV4 encodes a space %20)."""
    pairs = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote(name), unquote(value)))
    return pairs


def auth_kind(headers, pairs):
    if any(name.lower() == "authorization" for name, _ in headers):
        return "header"
    return "query" if any(name in ("X-Amz-Algorithm", "X-Amz-Signature") for name, _ in pairs) else "none"


def parse_amz_date(text):
    try:
        return datetime.strptime(text or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def verify_sigv4(method, url, headers, body, secret_keys, now, info=None):
    """Checks one request as S3 does; raises S3Error when S3 would refuse it.

    url: scheme://Host + the path and query exactly as received; headers: [(name, value)] as received;
    secret_keys: {access key: secret}; info (a dict) receives "auth" and "signed_headers" as they are found.
    The canonical request, string to sign and signature are botocore's. The query goes to botocore
    decoded (request.params), so botocore encodes it canonically itself, as S3 does on its side.
    """
    info = {} if info is None else info
    lower = {}
    for name, value in headers:
        lower.setdefault(name.lower(), value)
    pairs = parse_query(urlsplit(url).query)
    params = dict(pairs)
    kind = info["auth"] = auth_kind(headers, pairs)
    info["signed_headers"] = []
    if kind == "none":
        raise S3Error(403, "AccessDenied", "Access Denied")
    if kind == "header" and "X-Amz-Algorithm" in params:
        raise S3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                      "parameter, Signature query string parameter or the Authorization header should be specified")
    if kind == "header":
        bad = "AuthorizationHeaderMalformed"
        authorization = lower["authorization"]
        if not authorization.startswith(ALGORITHM + " "):
            raise S3Error(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. "
                          "Please use AWS4-HMAC-SHA256.")
        fields = {}
        for item in authorization[len(ALGORITHM) + 1:].split(","):
            name, _, value = item.strip().partition("=")
            fields[name] = value
        if not {"Credential", "SignedHeaders", "Signature"} <= fields.keys():
            raise S3Error(400, bad, "The authorization header is malformed; it needs Credential, SignedHeaders "
                          "and Signature")
        credential, signed, signature = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
        amz_date = lower.get("x-amz-date")
    else:
        bad = "AuthorizationQueryParametersError"
        needed = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders",
                  "X-Amz-Expires")
        if any(name not in params for name in needed):
            raise S3Error(400, bad, "Query-string authentication version 4 requires the " + ", ".join(needed) +
                          " parameters.")
        if params["X-Amz-Algorithm"] != ALGORITHM:
            raise S3Error(400, bad, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
        credential, signed, signature = params["X-Amz-Credential"], params["X-Amz-SignedHeaders"], params[
            "X-Amz-Signature"]
        amz_date = params["X-Amz-Date"]
    info["signed_headers"] = signed_names = signed.split(";")

    scope = credential.split("/")
    if len(scope) != 5:
        raise S3Error(400, bad, f"The credential '{credential}' is malformed; expecting "
                      "'<KEY>/<YYYYMMDD>/<REGION>/<SERVICE>/aws4_request'.")
    access_key, date, region, service, terminator = scope
    if access_key not in secret_keys:
        raise S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our "
                      "records.", {"AWSAccessKeyId": access_key})
    if region != REGION:
        raise S3Error(400, bad, f"The authorization header is malformed; the region '{region}' is wrong; "
                      f"expecting '{REGION}'", {"Region": REGION})
    if service != SERVICE or terminator != "aws4_request":
        raise S3Error(400, bad, f"The authorization header is malformed; incorrect service '{service}' or "
                      f"terminal '{terminator}'. This endpoint belongs to '{SERVICE}'.")
    signed_at = parse_amz_date(amz_date)
    if signed_at is None:
        if kind == "header":
            raise S3Error(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
        raise S3Error(400, bad, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    if date != amz_date[:8]:
        raise S3Error(400, bad, f"The authorization header is malformed; Invalid credential date '{date}'. "
                      "Date is not the same as X-Amz-Date.")

    if kind == "header":
        content_sha256 = lower.get("x-amz-content-sha256")
        if content_sha256 is None:
            raise S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        if content_sha256.startswith("STREAMING-"):
            raise S3Error(501, "NotImplemented", "fake_s3 does not implement aws-chunked (streaming) uploads")
        if abs(now - signed_at) > MAX_SKEW_SECONDS:
            raise S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current "
                          "time is too large.", {"RequestTime": amz_date, "MaxAllowedSkewMilliseconds": "900000"})
        auth = S3SigV4Auth(Credentials(access_key, secret_keys[access_key]), SERVICE, REGION)
        canonical_params = pairs
    else:
        expires_text = params["X-Amz-Expires"]
        if not expires_text.isdigit():
            raise S3Error(400, bad, "X-Amz-Expires should be a number")
        if int(expires_text) > MAX_PRESIGN_SECONDS:
            raise S3Error(400, bad, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
        if now > signed_at + int(expires_text):
            raise S3Error(403, "AccessDenied", "Request has expired",
                          {"X-Amz-Expires": expires_text, "Expires": amz_date})
        if signed_at - now > MAX_SKEW_SECONDS:
            raise S3Error(403, "AccessDenied", "Request is not valid yet")
        auth = S3SigV4QueryAuth(Credentials(access_key, secret_keys[access_key]), SERVICE, REGION,
                                expires=int(expires_text))
        canonical_params = [(name, value) for name, value in pairs if name != "X-Amz-Signature"]

    unsigned = sorted({name for name in lower if name.startswith("x-amz-") and name not in signed_names})
    if unsigned:
        raise S3Error(403, "AccessDenied", "There were headers present in the request which were not signed",
                      {"HeadersNotSigned": ", ".join(unsigned)})

    request = AWSRequest(method=method, url=url if canonical_params else url.partition("?")[0], data=body)
    for name, value in headers:
        if name.lower() in signed_names:
            request.headers[name] = value  # appends: a repeated header keeps all its values
    request.params = canonical_params
    request.context["timestamp"] = amz_date
    canonical_request = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical_request)
    expected = auth.signature(string_to_sign, request)
    reproduced = auth.signed_headers(auth.headers_to_sign(request))
    if reproduced != signed or not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        extra = {"AWSAccessKeyId": access_key, "StringToSign": string_to_sign, "SignatureProvided": signature,
                 "CanonicalRequest": canonical_request}
        if reproduced != signed:  # a signed header missing, or one botocore never signs (user-agent, expect)
            extra["FakeS3Note"] = f"SignedHeaders is '{signed}' but the request lets botocore sign '{reproduced}'"
        raise S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                      "signature you provided. Check your key and signing method.", extra)
    if kind == "header" and content_sha256 != UNSIGNED_PAYLOAD:
        computed = hashlib.sha256(body).hexdigest()
        if content_sha256 != computed:
            raise S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not "
                          "match what was computed.", {"ClientComputedContentSHA256": content_sha256,
                                                      "S3ComputedContentSHA256": computed})
    return kind, signed_names


# ---------------------------------------------------------------------------------------------- XML


def local_name(element):
    return element.tag.rsplit("}", 1)[-1]  # "{namespace}Tag" -> "Tag": with or without the S3 xmlns


def child(element, name):
    return next((c for c in element if local_name(c) == name), None)


def xml_document(root_tag, fields):
    """<root xmlns=S3>...</root> from [(tag, text or a nested [(tag, ...)] list)]."""
    def fill(parent, items):
        for tag, value in items:
            element = ET.SubElement(parent, tag)
            if isinstance(value, list):
                fill(element, value)
            else:
                element.text = str(value)
    root = ET.Element(root_tag, xmlns=S3_XMLNS)
    fill(root, fields)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def error_document(error, request_id):
    root = ET.Element("Error")
    for tag, text in [("Code", error.code), ("Message", error.message), *error.extra.items(),
                      ("RequestId", request_id)]:
        ET.SubElement(root, tag).text = str(text)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root)


def iso_time(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def quoted_md5(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


# ---------------------------------------------------------------------------------------------- storage


class Store:
    """The bucket: object bytes on disk, their metadata and the open uploads in memory, one lock."""

    def __init__(self, data_dir):
        self.objects, self.uploads, self.tmp = (os.path.join(data_dir, d) for d in ("objects", "uploads", "tmp"))
        for d in (self.objects, self.uploads, self.tmp):
            os.makedirs(d, exist_ok=True)
        self.lock = threading.RLock()
        self.meta = {}  # key -> {"etag", "headers": [(name, value)]}
        self.open_uploads = {}  # upload id -> {"key", "headers", "initiated", "parts": {n: (etag, size)}}
        self.lifecycle = None

    def path(self, key, for_writing=False):
        """DATA_DIR/objects/<key>, or None (or 400 when writing) for a key that cannot be a file there."""
        segments = key.split("/")
        if len(key.encode()) > 1024:
            if for_writing:
                raise S3Error(400, "KeyTooLongError", "Your key is too long", {"MaxSizeAllowed": "1024"})
            return None
        if "\0" in key or any(s in ("", ".", "..") or len(s.encode()) > 255 for s in segments):
            if for_writing:
                raise S3Error(400, "InvalidArgument", "fake_s3 stores keys as files and cannot store this one "
                              "(an empty, '.' or '..' segment, a NUL, or a segment over 255 bytes)")
            return None
        return os.path.join(self.objects, *segments)

    def temp_file(self, chunks):
        path = os.path.join(self.tmp, secrets.token_hex(12))
        with open(path, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        return path

    def place(self, temp_path, key, etag, headers):
        """Renames a finished temp file to DATA_DIR/objects/<key>, so no reader sees half an object."""
        destination = self.path(key, for_writing=True)
        with self.lock:
            try:
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                os.replace(temp_path, destination)
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                os.remove(temp_path)
                raise S3Error(400, "InvalidArgument", f"fake_s3 cannot store key '{key}': on disk it clashes "
                              "with another key that is a prefix of it, or that it is a prefix of") from None
            self.meta[key] = {"etag": etag, "headers": headers}

    def read(self, key):
        """(bytes, meta, mtime) or None."""
        path = self.path(key)
        with self.lock:
            if path is None or not os.path.isfile(path):
                return None
            with open(path, "rb") as f:
                data = f.read()
            meta = self.meta.get(key) or {"etag": quoted_md5(data), "headers": []}
            return data, meta, os.stat(path).st_mtime

    def delete(self, key):
        path = self.path(key)
        with self.lock:
            if path is not None and os.path.isfile(path):
                os.remove(path)
                parent = os.path.dirname(path)
                while parent != self.objects and not os.listdir(parent):  # so "a" can be stored after "a/b"
                    os.rmdir(parent)
                    parent = os.path.dirname(parent)
            self.meta.pop(key, None)

    def keys(self):
        found = []
        for directory, _, files in os.walk(self.objects):
            for name in files:
                found.append(os.path.relpath(os.path.join(directory, name), self.objects).replace(os.sep, "/"))
        return sorted(found)

    def upload(self, upload_id, key):
        state = self.open_uploads.get(upload_id)
        if state is None or state["key"] != key:
            raise S3Error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                          "or the upload may have been aborted or completed.", {"UploadId": upload_id})
        return state

    def create_upload(self, key, headers):
        self.path(key, for_writing=True)
        upload_id = secrets.token_urlsafe(48)
        staging = os.path.join(self.tmp, upload_id)
        os.mkdir(staging)
        with open(os.path.join(staging, "key"), "wb") as f:
            f.write(key.encode())
        with self.lock:
            os.rename(staging, os.path.join(self.uploads, upload_id))  # the upload appears whole on disk
            self.open_uploads[upload_id] = {"key": key, "headers": headers, "initiated": time.time(), "parts": {}}
        return upload_id

    def drop_upload(self, upload_id):
        with self.lock:
            del self.open_uploads[upload_id]
            gone = os.path.join(self.tmp, upload_id + ".gone")
            os.rename(os.path.join(self.uploads, upload_id), gone)
            shutil.rmtree(gone)


# ---------------------------------------------------------------------------------------------- the server


class FakeS3Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, data_dir, log_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.store = Store(data_dir)
        self.log_path, self.log_lock = log_path, threading.Lock()
        self.secret_key = base64.b64encode(os.urandom(30)).decode()  # 40 characters, '/' and '+' likely
        self.failures, self.failures_lock = [], threading.Lock()
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"

    def log(self, entry):
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        with self.log_lock:
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)  # one write per line: a reader never sees half of one
            finally:
                os.close(fd)

    def take_failure(self, method, target):
        with self.failures_lock:
            for rule in self.failures:
                if rule["method"] == method and rule["match"] in target:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self.failures.remove(rule)
                    return rule
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "AmazonS3"

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        pass  # the JSON log is the record

    def do_any(self):
        server, self.request_id = self.server, secrets.token_hex(8).upper()
        path, _, query = self.path.partition("?")
        pairs = parse_query(query)
        headers = list(self.headers.items())
        self.entry = {"method": self.command, "path": path, "query": query, "status": 0, "code": "",
                      "auth": auth_kind(headers, pairs), "signed_headers": [], "content_length": 0}
        try:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True  # the body is not read, so the connection cannot go on
                raise S3Error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
            length_text = self.headers.get("Content-Length", "0").strip()
            if not length_text.isdigit():
                self.close_connection = True
                raise S3Error(400, "InvalidArgument", "Content-Length is not a number")
            body = self.rfile.read(int(length_text))
            self.entry["content_length"] = len(body)
            if path.startswith("/_fake/"):
                self.entry.update(control=True, auth="none")
                answer = self.control(path, body)
            elif (rule := server.take_failure(self.command, self.path)) is not None:
                raise S3Error(rule["status"], rule["code"], "fake_s3: failure injected by /_fake/fail",
                              headers=[("Retry-After", "1")] if rule["status"] == 503 else [])
            else:
                host = self.headers.get("Host") or server.endpoint[len("http://"):]
                verify_sigv4(self.command, f"http://{host}{self.path}", headers, body,
                             {ACCESS_KEY: server.secret_key}, time.time(), self.entry)
                answer = self.dispatch(path, pairs, body)
        except S3Error as error:
            answer = self.error_answer(error)
        except Exception:  # noqa: BLE001 - a bug in the fake must not take the server down
            traceback.print_exc(file=sys.stderr)
            answer = self.error_answer(S3Error(500, "InternalError", "We encountered an internal error."))
        self.reply(*answer)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_any

    def reply(self, status, headers=(), body=b"", code=""):
        self.entry.update(status=status, code=code)
        self.server.log(self.entry)  # logged before answering: a client that has its answer finds its line
        self.send_response(status)
        self.send_header("x-amz-request-id", self.request_id)
        for name, value in headers:
            self.send_header(name, value)
        if status not in (204, 304) and not any(name == "Content-Length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def error_answer(self, error):
        self.entry["message"] = error.message
        if error.code == "SignatureDoesNotMatch":
            self.entry.update(canonical_request=error.extra["CanonicalRequest"],
                              string_to_sign=error.extra["StringToSign"])
        body = b"" if self.command == "HEAD" else error_document(error, self.request_id)
        headers = error.headers + ([("Content-Type", "application/xml")] if body else [])
        return error.status, headers, body, error.code

    def control(self, path, body):
        server = self.server
        if self.command == "POST" and path == "/_fake/fail":
            try:
                rule = json.loads(body)
                rule = {"method": str(rule["method"]).upper(), "match": str(rule.get("match", "")),
                        "status": int(rule["status"]), "code": str(rule.get("code") or "InjectedFailure"),
                        "times": int(rule.get("times", 1))}
            except (ValueError, KeyError, TypeError, AttributeError):
                raise S3Error(400, "InvalidArgument", "/_fake/fail wants JSON {method, status, code, match, times}") \
                    from None
            with server.failures_lock:
                server.failures.append(rule)
            return 204, [], b""
        if self.command == "POST" and path == "/_fake/reset-failures":
            with server.failures_lock:
                server.failures.clear()
            return 204, [], b""
        raise S3Error(404, "NoSuchControlPath", f"fake_s3 has no control path {self.command} {path}")

    # ------------------------------------------------------------------------------------------ routing

    def dispatch(self, path, pairs, body):
        bucket, _, raw_key = path[1:].partition("/")
        bucket, key = unquote(bucket), unquote(raw_key)
        if not bucket:
            raise S3Error(501, "NotImplemented", "fake_s3 does not implement ListBuckets")
        if bucket != BUCKET:
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": bucket})
        params = {name: value for name, value in pairs if not name.startswith("X-Amz-") and name != "x-id"}
        names = frozenset(name for name in params if name not in RESPONSE_OVERRIDES)
        method = self.command
        if not key:
            if method == "GET" and params.get("list-type") == "2" and names <= {"list-type", "prefix"}:
                return self.list_objects(params.get("prefix", ""))
            if method == "GET" and "uploads" in names and names <= {"uploads", "prefix"}:
                return self.list_uploads(params.get("prefix", ""))
            if names == {"lifecycle"} and method in ("PUT", "GET"):
                return self.put_lifecycle(body) if method == "PUT" else self.get_lifecycle()
            if method == "HEAD" and not names:
                return 200, [], b""
        elif method == "PUT" and self.headers.get("x-amz-copy-source"):
            raise S3Error(501, "NotImplemented", "fake_s3 does not implement CopyObject")
        else:
            operations = {("PUT", frozenset()): self.put_object, ("GET", frozenset()): self.get_object,
                          ("HEAD", frozenset()): self.get_object, ("DELETE", frozenset()): self.delete_object,
                          ("POST", frozenset({"uploads"})): self.create_upload,
                          ("PUT", frozenset({"partNumber", "uploadId"})): self.upload_part,
                          ("POST", frozenset({"uploadId"})): self.complete_upload,
                          ("DELETE", frozenset({"uploadId"})): self.abort_upload}
            operation = operations.get((method, names))
            if operation is not None:
                return operation(key, params, body)
        shown = "&".join(sorted(names)) or "no sub-resource"
        raise S3Error(501, "NotImplemented", f"fake_s3 does not implement {method} on "
                      f"{'the bucket' if not key else 'an object'} with {shown}")

    def kept_headers(self):
        """The headers S3 stores with an object and answers with on GET/HEAD."""
        return [(name, value) for name, value in self.headers.items()
                if name.lower() in STORED_HEADERS or name.lower().startswith("x-amz-meta-")]

    def check_content_md5(self, body, required):
        given = self.headers.get("Content-MD5")
        if given is None:
            if required:
                raise S3Error(400, "InvalidRequest", "Missing required header for this request: Content-MD5")
            return
        try:
            digest = base64.b64decode(given, validate=True)
        except ValueError:
            digest = b""
        if len(digest) != 16:
            raise S3Error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        if digest != hashlib.md5(body).digest():
            raise S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")

    # ------------------------------------------------------------------------------------------ objects

    def put_object(self, key, params, body):
        store = self.server.store
        self.check_content_md5(body, required=False)
        store.path(key, for_writing=True)
        etag = quoted_md5(body)
        store.place(store.temp_file([body]), key, etag, self.kept_headers())
        return 200, [("ETag", etag)], b""

    def get_object(self, key, params, body):
        found = self.server.store.read(key)
        if found is None:
            raise S3Error(404, "NoSuchKey", "The specified key does not exist.", {"Key": key})
        data, meta, mtime = found
        headers = {"Content-Type": "binary/octet-stream"}
        for name, value in meta["headers"]:
            headers["Content-Type" if name.lower() == "content-type" else name] = value
        headers.update({"ETag": meta["etag"], "Last-Modified": formatdate(mtime, usegmt=True),
                        "Accept-Ranges": "bytes"})
        for name, header in RESPONSE_OVERRIDES.items():
            if name in params:
                headers = {k: v for k, v in headers.items() if k.lower() != header.lower()}
                headers[header] = params[name]
        status, size = 200, len(data)
        ranged = self.byte_range(size) if self.command == "GET" else None
        if ranged is not None:
            first, last = ranged
            status, data = 206, data[first:last + 1]
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        headers["Content-Length"] = str(len(data))
        return status, list(headers.items()), data

    def byte_range(self, size):
        """(first, last) for a satisfiable single Range, None when there is none (or it is not one S3 reads)."""
        text = self.headers.get("Range", "").strip()
        if not text.startswith("bytes=") or "," in text:
            return None
        first_text, dash, last_text = text[len("bytes="):].partition("-")
        if not dash or not (first_text.isdigit() or last_text.isdigit()) or not all(
                t.isdigit() or t == "" for t in (first_text, last_text)):
            return None
        if not first_text:  # bytes=-N: the last N bytes
            if int(last_text) == 0:
                raise self.invalid_range(size)
            return max(0, size - int(last_text)), size - 1
        first = int(first_text)
        last = size - 1 if not last_text else min(int(last_text), size - 1)
        if last_text and int(last_text) < first:
            return None
        if first >= size:
            raise self.invalid_range(size)
        return first, last

    @staticmethod
    def invalid_range(size):
        return S3Error(416, "InvalidRange", "The requested range is not satisfiable",
                       {"ActualObjectSize": size}, [("Content-Range", f"bytes */{size}")])

    def delete_object(self, key, params, body):
        self.server.store.delete(key)
        return 204, [], b""

    # ------------------------------------------------------------------------------------------ multipart

    def create_upload(self, key, params, body):
        upload_id = self.server.store.create_upload(key, self.kept_headers())
        return 200, [("Content-Type", "application/xml")], xml_document(
            "InitiateMultipartUploadResult", [("Bucket", BUCKET), ("Key", key), ("UploadId", upload_id)])

    def upload_part(self, key, params, body):
        store, upload_id, number = self.server.store, params["uploadId"], params["partNumber"]
        if not number.isdigit() or not 1 <= int(number) <= 10000:
            raise S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                          {"ArgumentName": "partNumber", "ArgumentValue": number})
        self.check_content_md5(body, required=False)
        with store.lock:
            store.upload(upload_id, key)
        temp = store.temp_file([body])
        etag = quoted_md5(body)
        with store.lock:
            try:
                state = store.upload(upload_id, key)  # it may have been completed or aborted meanwhile
            except S3Error:
                os.remove(temp)
                raise
            os.replace(temp, os.path.join(store.uploads, upload_id, f"part-{int(number):05d}"))
            state["parts"][int(number)] = (etag, len(body))
        return 200, [("ETag", etag)], b""

    def complete_upload(self, key, params, body):
        store, upload_id = self.server.store, params["uploadId"]
        try:
            root = ET.fromstring(body)
            if local_name(root) != "CompleteMultipartUpload":
                raise ValueError("root")
            wanted = [(int(child(p, "PartNumber").text), child(p, "ETag").text.strip().strip('"'))
                      for p in root if local_name(p) == "Part"]
        except (ET.ParseError, ValueError, AttributeError, TypeError):
            raise malformed_xml() from None
        if not wanted:
            raise malformed_xml()
        with store.lock:
            state = store.upload(upload_id, key)
            numbers = [n for n, _ in wanted]
            if any(b <= a for a, b in zip(numbers, numbers[1:])):
                raise S3Error(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts "
                              "list must be specified in order by part number.", {"UploadId": upload_id})
            for n, etag in wanted:
                if n not in state["parts"] or state["parts"][n][0].strip('"') != etag:
                    raise S3Error(400, "InvalidPart", "One or more of the specified parts could not be found. The "
                                  "part might not have been uploaded, or the specified entity tag might not have "
                                  "matched the part's entity tag.", {"UploadId": upload_id, "PartNumber": n,
                                                                     "ETag": etag})
            for n, etag in wanted[:-1]:
                if state["parts"][n][1] < MIN_PART_SIZE:
                    raise S3Error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed "
                                  "object size.", {"ProposedSize": state["parts"][n][1], "MinSizeAllowed":
                                                   MIN_PART_SIZE, "PartNumber": n, "ETag": etag})

            def chunks():
                for n, _ in wanted:
                    with open(os.path.join(store.uploads, upload_id, f"part-{n:05d}"), "rb") as f:
                        yield f.read()
            binary_md5s = b"".join(bytes.fromhex(etag) for _, etag in wanted)
            etag = f'"{hashlib.md5(binary_md5s).hexdigest()}-{len(wanted)}"'
            store.place(store.temp_file(chunks()), key, etag, state["headers"])
            store.drop_upload(upload_id)
        location = f"{self.server.endpoint}/{BUCKET}/{quote(key, safe='/~')}"
        return 200, [("Content-Type", "application/xml")], xml_document(
            "CompleteMultipartUploadResult", [("Location", location), ("Bucket", BUCKET), ("Key", key),
                                              ("ETag", etag)])

    def abort_upload(self, key, params, body):
        store = self.server.store
        with store.lock:
            store.upload(params["uploadId"], key)
            store.drop_upload(params["uploadId"])
        return 204, [], b""

    # ------------------------------------------------------------------------------------------ bucket

    def list_uploads(self, prefix):
        store = self.server.store
        with store.lock:
            uploads = sorted((s["key"], s["initiated"], upload_id) for upload_id, s in store.open_uploads.items()
                             if s["key"].startswith(prefix))
        fields = [("Bucket", BUCKET), ("KeyMarker", ""), ("UploadIdMarker", ""), ("NextKeyMarker", ""),
                  ("NextUploadIdMarker", ""), ("Prefix", prefix), ("MaxUploads", 1000), ("IsTruncated", "false")]
        fields += [("Upload", [("Key", key), ("UploadId", upload_id), ("StorageClass", "STANDARD"),
                               ("Initiated", iso_time(initiated))]) for key, initiated, upload_id in uploads]
        return 200, [("Content-Type", "application/xml")], xml_document("ListMultipartUploadsResult", fields)

    def list_objects(self, prefix):
        store, contents = self.server.store, []
        for key in store.keys():
            if key.startswith(prefix):
                found = store.read(key)
                if found is not None:
                    data, meta, mtime = found
                    contents.append(("Contents", [("Key", key), ("LastModified", iso_time(mtime)),
                                                  ("ETag", meta["etag"]), ("Size", len(data)),
                                                  ("StorageClass", "STANDARD")]))
        fields = [("Name", BUCKET), ("Prefix", prefix), ("KeyCount", len(contents)), ("MaxKeys", 1000),
                  ("IsTruncated", "false")] + contents
        return 200, [("Content-Type", "application/xml")], xml_document("ListBucketResult", fields)

    def put_lifecycle(self, body):
        self.check_content_md5(body, required=True)
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise malformed_xml() from None
        rules = [r for r in root if local_name(r) == "Rule"]
        if local_name(root) != "LifecycleConfiguration" or not rules:
            raise malformed_xml()
        ids = []
        for rule in rules:
            rule_id, status = child(rule, "ID"), child(rule, "Status")
            if (rule_id is None or not (rule_id.text or "").strip() or len(rule_id.text) > 255 or status is None
                    or status.text not in ("Enabled", "Disabled") or child(rule, "Filter") is None):
                raise malformed_xml()
            if not any(local_name(c) in LIFECYCLE_ACTIONS for c in rule):
                raise S3Error(400, "InvalidRequest", "At least one action needs to be specified in a rule")
            ids.append(rule_id.text)
        if len(set(ids)) != len(ids):
            raise S3Error(400, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
        self.server.store.lifecycle = body
        return 200, [], b""

    def get_lifecycle(self):
        if self.server.store.lifecycle is None:
            raise S3Error(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist",
                          {"BucketName": BUCKET})
        return 200, [("Content-Type", "application/xml")], self.server.store.lifecycle


# ---------------------------------------------------------------------------------------------- self-test


def self_test():
    """The verifier against AWS's published S3 examples and against requests botocore signs itself."""
    failures = []

    def expect(name, call, code=None):
        try:
            call()
            got = None
        except S3Error as error:
            got = error.code
        wanted = code or "accepted"
        print(f"{'ok  ' if got == code else 'FAIL'} {name}: {got or 'accepted'}"
              + ("" if got == code else f" (expected {wanted})"))
        if got != code:
            failures.append(name)

    def flip(text, index=-1):  # one byte changed
        i = index % len(text)
        return text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1:]

    # https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object"
    aws_keys = {"AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    at = datetime(2013, 5, 24, tzinfo=timezone.utc).timestamp()
    url = "https://examplebucket.s3.amazonaws.com/test.txt"
    signature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"

    def aws_get(sig=signature, byte_range="bytes=0-9", path="/test.txt"):
        headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Range", byte_range),
                   ("x-amz-content-sha256", hashlib.sha256(b"").hexdigest()), ("x-amz-date", "20130524T000000Z"),
                   ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                    f"aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature={sig}")]
        return lambda: verify_sigv4("GET", url.replace("/test.txt", path), headers, b"", aws_keys, at)
    expect("AWS example GET Object (header)", aws_get())
    expect("  ... signature with one byte changed", aws_get(sig=flip(signature)), "SignatureDoesNotMatch")
    expect("  ... Range bytes=0-8", aws_get(byte_range="bytes=0-8"), "SignatureDoesNotMatch")
    expect("  ... path /test.txu", aws_get(path="/test.txu"), "SignatureDoesNotMatch")

    # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html, the presigned example
    presigned = ("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                 "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&"
                 "X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
                 "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    host = [("Host", "examplebucket.s3.amazonaws.com")]
    expect("AWS example presigned GET", lambda: verify_sigv4("GET", presigned, host, b"", aws_keys, at + 60))
    expect("  ... signature with one byte changed",
           lambda: verify_sigv4("GET", flip(presigned), host, b"", aws_keys, at + 60), "SignatureDoesNotMatch")
    expect("  ... X-Amz-Expires=86401", lambda: verify_sigv4(
        "GET", presigned.replace("86400", "86401"), host, b"", aws_keys, at + 60), "SignatureDoesNotMatch")
    expect("  ... a day and a second later",
           lambda: verify_sigv4("GET", presigned, host, b"", aws_keys, at + 86401), "AccessDenied")

    # Requests botocore signs itself, then changes that S3 refuses.
    secret = base64.b64encode(os.urandom(30)).decode()
    keys = {ACCESS_KEY: secret}
    base = "http://127.0.0.1:9000/liveclass-test/rec%20ordings/a%2Bb%3D%C3%A7.mp4"
    body = b"part two of a recording \x00\xff"

    def signed(method, url, data, headers=(), secret_key=secret, region=REGION):
        request = AWSRequest(method=method, url=url, data=data, headers=dict(headers))
        S3SigV4Auth(Credentials(ACCESS_KEY, secret_key), SERVICE, region).add_auth(request)
        return [("Host", urlsplit(url).netloc)] + list(request.headers.items())

    def check(headers, url=base + "?partNumber=2&uploadId=abc-_Z", data=body, now=None, method="PUT"):
        return lambda: verify_sigv4(method, url, headers, data, keys, time.time() if now is None else now)

    put = signed("PUT", base + "?partNumber=2&uploadId=abc-_Z", body, [("Content-Type", "video/mp4")])
    replace = lambda name, value: [(n, value if n == name else v) for n, v in put]  # noqa: E731
    authorization = dict(put)["Authorization"]
    expect("botocore-signed PUT (header)", check(put))
    expect("  ... signature with one byte changed", check(replace("Authorization", flip(authorization))),
           "SignatureDoesNotMatch")
    expect("  ... body with one byte changed", check(put, data=body[:-1] + b"\xfe"), "XAmzContentSHA256Mismatch")
    expect("  ... and its x-amz-content-sha256 too", check(
        replace("X-Amz-Content-SHA256", hashlib.sha256(body[:-1] + b"\xfe").hexdigest()), data=body[:-1] + b"\xfe"),
        "SignatureDoesNotMatch")
    expect("  ... Content-Type video/mp3", check(replace("Content-Type", "video/mp3")), "SignatureDoesNotMatch")
    expect("  ... partNumber=3", check(put, url=base + "?partNumber=3&uploadId=abc-_Z"), "SignatureDoesNotMatch")
    expect("  ... an unsigned x-amz-meta header", check(put + [("x-amz-meta-a", "1")]), "AccessDenied")
    expect("  ... no x-amz-content-sha256",
           check([(n, v) for n, v in put if n != "X-Amz-Content-SHA256"]), "InvalidRequest")
    expect("  ... no Authorization", check([(n, v) for n, v in put if n != "Authorization"]), "AccessDenied")
    expect("  ... 16 minutes later", check(put, now=time.time() + 16 * 60), "RequestTimeTooSkewed")
    expect("  ... the wrong secret", check(signed("PUT", base, body, secret_key=secret[::-1]), url=base),
           "SignatureDoesNotMatch")
    expect("  ... region eu-west-1", check(signed("PUT", base, body, region="eu-west-1"), url=base),
           "AuthorizationHeaderMalformed")
    expect("  ... another access key", check(replace("Authorization", authorization.replace(ACCESS_KEY, "AKIDX"))),
           "InvalidAccessKeyId")

    def presign(url, expires):
        request = AWSRequest(method="GET", url=url)
        S3SigV4QueryAuth(Credentials(ACCESS_KEY, secret), SERVICE, REGION, expires=expires).add_auth(request)
        return request.url
    download = presign(base + "?response-content-disposition=attachment%3B%20filename%3D%22a%20b.mp4%22", 300)
    get_host = [("Host", "127.0.0.1:9000")]
    expect("botocore-presigned GET", check(get_host, url=download, data=b"", method="GET"))
    expect("  ... signature with one byte changed", check(get_host, url=flip(download), data=b"", method="GET"),
           "SignatureDoesNotMatch")
    expect("  ... another file name", check(get_host, url=download.replace("a%20b", "a%20c"), data=b"",
                                            method="GET"), "SignatureDoesNotMatch")
    expect("  ... HEAD instead of GET", check(get_host, url=download, data=b"", method="HEAD"),
           "SignatureDoesNotMatch")
    expect("  ... 301 seconds later", check(get_host, url=download, data=b"", now=time.time() + 301, method="GET"),
           "AccessDenied")
    expect("botocore-presigned for 604801 s", check(get_host, url=presign(base, 604801), data=b"", method="GET"),
           "AuthorizationQueryParametersError")
    print(f"{'FAILED: ' + ', '.join(failures) if failures else 'all passed'}")
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    server = FakeS3Server(sys.argv[1], sys.argv[2])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    hello = {"port": server.server_address[1], "endpoint": server.endpoint, "region": REGION, "bucket": BUCKET,
             "access_key": ACCESS_KEY, "secret_key": server.secret_key}
    sys.stdout.write(json.dumps(hello) + "\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
