#!/usr/bin/env python3
"""tests/e2e/atk_hostreg.py -- a hostile registry for
tests/e2e/test_attack_registry.sh (stdlib only).

    atk_hostreg.py PORT BLOBDIR MODE [ARG] [PORT2]

Serves the manifests and blobs of BLOBDIR/<hex> (a cache's blobs/sha256)
with Basic auth (evidence / s3cret-pass) and answers the referrers API by
MODE:
  next URL      an empty page whose Link rel="next" is URL + the path;
                PORT2 on 127.0.0.1 and 127.0.0.2 logs every request
                (with its Authorization) to BLOBDIR/../collect
  evil N        one descriptor whose artifactType and annotations hold
                newlines, ESC, BEL, CR, U+202E and a CI workflow command,
                then N junk descriptors
"""
import base64, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, d, mode, arg = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
port2 = int(sys.argv[5]) if len(sys.argv) > 5 else 0
AUTH = "Basic " + base64.b64encode(b"evidence:s3cret-pass").decode()
EVIL = "x\n::error file=forged::FORGED\x1b]0;pwn\x07\x1b[2J\r\u202e"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MAN = "application/vnd.oci.image.manifest.v1+json"


class H(BaseHTTPRequestHandler):
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

    def do_GET(self):
        if self.headers.get("Authorization") != AUTH:
            return self.ans(401, b"{}", extra={"WWW-Authenticate": 'Basic realm="r"'})
        p = self.path.split("?")[0]
        if p.rstrip("/") == "/v2":
            return self.ans(200, b"{}")
        kind, ref = p.split("/")[-2:]
        if kind == "referrers":
            m = []
            extra = {}
            if mode == "next":
                extra["Link"] = '<%s%s>; rel="next"' % (arg, p)
            else:
                m.append({"mediaType": MT_MAN, "artifactType": EVIL, "size": 12,
                          "digest": "sha256:" + "ab" * 32, "annotations": {EVIL: EVIL}})
                m += [{"mediaType": MT_MAN, "artifactType": "application/x-junk",
                       "digest": "sha256:%064x" % i, "size": i} for i in range(int(arg))]
            idx = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": m}
            return self.ans(200, json.dumps(idx).encode(), MT_INDEX, extra)
        pth = os.path.join(d, ref.replace("sha256:", ""))
        if os.path.isfile(pth):
            ct = MT_MAN if kind == "manifests" else "application/octet-stream"
            return self.ans(200, open(pth, "rb").read(), ct, {"Docker-Content-Digest": ref})
        return self.ans(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')

    do_HEAD = do_GET


class C(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        with open(os.path.join(d, "..", "collect"), "a") as f:
            f.write("%s %s Authorization=%s\n" % (self.command, self.path,
                                                  self.headers.get("Authorization")))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="x"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET


if port2:
    for host in ("127.0.0.1", "127.0.0.2"):
        s2 = ThreadingHTTPServer((host, port2), C)
        s2.daemon_threads = True
        threading.Thread(target=s2.serve_forever, daemon=True).start()
srv = ThreadingHTTPServer(("127.0.0.1", port), H)
srv.daemon_threads = True
srv.serve_forever()
