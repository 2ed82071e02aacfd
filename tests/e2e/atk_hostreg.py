#!/usr/bin/env python3
"""tests/e2e/atk_hostreg.py -- a hostile registry for the attack tests
(test_attack_registry.sh, test_attack_verifier.sh; stdlib only).

    atk_hostreg.py [--bearer] PORT BLOBDIR MODE [ARG] [PORT2]

Serves the manifests and blobs of BLOBDIR/<hex> (a cache's blobs/sha256).
A second server on PORT2 (127.0.0.1 and 127.0.0.2) logs every request
with its Authorization to BLOBDIR/../collect.

Credentials: Basic evidence / s3cret-pass; with --bearer only
"Bearer TOK" instead, and a 401 names the token realm
http://127.0.0.1:PORT2/token (another origin), which answers
{"token":"TOK"} to that Basic pair and serves /blob/<hex>; without it
PORT2 answers every request 401.

MODE:
  next URL      the referrers API: an empty page whose Link rel="next" is
                URL + the path
  evil N        the referrers API: one descriptor whose artifactType and
                annotations hold newlines, ESC, BEL, CR, U+202E and a CI
                workflow command, then N junk descriptors
  redirect      a blob GET answers 307 to http://127.0.0.1:PORT2/blob/<hex>
  userinfo      a blob GET answers 307 to http://evidence:x@127.0.0.1:PORT2/...
  ra-date       every manifest GET answers 429, Retry-After: a date in 9999
  ra-huge       every manifest GET answers 429, Retry-After: 99999999999
  ra-token      the token realm answers 429, Retry-After: a date in 9999
(the referrers API answers an empty index in the modes after evil)
"""
import base64, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = sys.argv[1:]
bearer = args[:1] == ["--bearer"]
if bearer:
    args = args[1:]
port, d, mode = int(args[0]), args[1], args[2]
arg = args[3] if len(args) > 3 else ""
port2 = int(args[4]) if len(args) > 4 else 0
BASIC = "Basic " + base64.b64encode(b"evidence:s3cret-pass").decode()
TOK = "TOK-" + "7" * 40
EVIL = "x\n::error file=forged::FORGED\x1b]0;pwn\x07\x1b[2J\r\u202e"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MAN = "application/vnd.oci.image.manifest.v1+json"
FAR = "Fri, 31 Dec 9999 23:59:59 GMT"


class Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def ans(self, st, body=b"", ct="application/json", extra=None):
        self.send_response(st)
        self.send_header("Content-Type", ct)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except OSError:
                pass


class H(Base):
    def unauthorized(self):
        if bearer:
            return self.headers.get("Authorization") != "Bearer " + TOK
        return self.headers.get("Authorization") != BASIC

    def do_GET(self):
        if self.unauthorized():
            realm = ('Bearer realm="http://127.0.0.1:%d/token",service="atk5"' % port2
                     if bearer else 'Basic realm="r"')
            return self.ans(401, b"{}", extra={"WWW-Authenticate": realm})
        p = self.path.split("?")[0]
        if p.rstrip("/") == "/v2":
            return self.ans(200, b"{}")
        kind, ref = p.split("/")[-2:]
        if kind == "manifests" and mode == "ra-date":
            return self.ans(429, b"{}", extra={"Retry-After": FAR})
        if kind == "manifests" and mode == "ra-huge":
            return self.ans(429, b"{}", extra={"Retry-After": "99999999999"})
        if kind == "referrers":
            m, extra = [], {}
            if mode == "next":
                extra["Link"] = '<%s%s>; rel="next"' % (arg, p)
            elif mode == "evil":
                m.append({"mediaType": MT_MAN, "artifactType": EVIL, "size": 12,
                          "digest": "sha256:" + "ab" * 32, "annotations": {EVIL: EVIL}})
                m += [{"mediaType": MT_MAN, "artifactType": "application/x-junk",
                       "digest": "sha256:%064x" % i, "size": i} for i in range(int(arg))]
            idx = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": m}
            return self.ans(200, json.dumps(idx).encode(), MT_INDEX, extra)
        hexd = ref.replace("sha256:", "")
        if kind == "blobs" and mode in ("redirect", "userinfo"):
            host = "evidence:x@127.0.0.1" if mode == "userinfo" else "127.0.0.1"
            return self.ans(307, b"", extra={"Location": "http://%s:%d/blob/%s" % (host, port2, hexd)})
        pth = os.path.join(d, hexd)
        if os.path.isfile(pth):
            ct = MT_MAN if kind == "manifests" else "application/octet-stream"
            return self.ans(200, open(pth, "rb").read(), ct, {"Docker-Content-Digest": ref})
        return self.ans(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')

    do_HEAD = do_GET


class C(Base):
    """PORT2: logs every request; the token realm and blob host with
    --bearer, else a 401 to everything."""

    def do_GET(self):
        with open(os.path.join(d, "..", "collect"), "a") as f:
            f.write("%s %s Authorization=%s\n" % (self.command, self.path,
                                                  self.headers.get("Authorization")))
        if not bearer:
            return self.ans(401, b"", extra={"WWW-Authenticate": 'Basic realm="x"'})
        p = self.path.split("?")[0]
        if p == "/token":
            if mode == "ra-token":
                return self.ans(429, b"{}", extra={"Retry-After": FAR})
            if self.headers.get("Authorization") != BASIC:
                return self.ans(401, b"{}")
            return self.ans(200, json.dumps({"token": TOK}).encode())
        if p.startswith("/blob/"):
            pth = os.path.join(d, p[6:])
            if os.path.isfile(pth):
                return self.ans(200, open(pth, "rb").read(), "application/octet-stream")
        return self.ans(404, b"{}")

    do_HEAD = do_GET


if port2:
    for host in ("127.0.0.1", "127.0.0.2"):
        s2 = ThreadingHTTPServer((host, port2), C)
        s2.daemon_threads = True
        threading.Thread(target=s2.serve_forever, daemon=True).start()
srv = ThreadingHTTPServer(("127.0.0.1", port), H)
srv.daemon_threads = True
srv.serve_forever()
