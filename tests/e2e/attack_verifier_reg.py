#!/usr/bin/env python3
"""tests/e2e/attack_verifier_reg.py -- a hostile Bearer registry for
tests/e2e/test_attack_verifier.sh (stdlib only).

    attack_verifier_reg.py PORT PORT2 BLOBDIR MODE

Serves the manifests and blobs of BLOBDIR/<hex> to "Bearer TOK" only; a
401 names the token realm http://127.0.0.1:PORT2/token (another origin),
which answers {"token":"TOK"} to Basic evidence/s3cret-pass. PORT2 logs
every request with its Authorization to BLOBDIR/../collect. MODE:
  redirect   a blob GET answers 307 to http://127.0.0.1:PORT2/blob/<hex>
  userinfo   a blob GET answers 307 to http://evidence:x@127.0.0.1:PORT2/...
  ra-date    every manifest GET answers 429, Retry-After: a date in 9999
  ra-huge    every manifest GET answers 429, Retry-After: 99999999999
  ra-token   the token realm answers 429, Retry-After: a date in 9999
"""
import base64, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, port2, d, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
BASIC = "Basic " + base64.b64encode(b"evidence:s3cret-pass").decode()
TOK = "TOK-" + "7" * 40
MT_MAN = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
FAR = "Fri, 31 Dec 9999 23:59:59 GMT"


def log(h):
    with open(os.path.join(d, "..", "collect"), "a") as f:
        f.write("%s %s Authorization=%s\n" % (h.command, h.path, h.headers.get("Authorization")))


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
    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + TOK:
            return self.ans(401, b"{}", extra={"WWW-Authenticate":
                'Bearer realm="http://127.0.0.1:%d/token",service="atk5"' % port2})
        p = self.path.split("?")[0]
        if p.rstrip("/") == "/v2":
            return self.ans(200, b"{}")
        kind, ref = p.split("/")[-2:]
        if kind == "manifests" and mode == "ra-date":
            return self.ans(429, b"{}", extra={"Retry-After": FAR})
        if kind == "manifests" and mode == "ra-huge":
            return self.ans(429, b"{}", extra={"Retry-After": "99999999999"})
        if kind == "referrers":
            idx = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": []}
            return self.ans(200, json.dumps(idx).encode(), MT_INDEX)
        hexd = ref.replace("sha256:", "")
        pth = os.path.join(d, hexd)
        if kind == "blobs" and mode in ("redirect", "userinfo"):
            host = "evidence:x@127.0.0.1" if mode == "userinfo" else "127.0.0.1"
            return self.ans(307, b"", extra={"Location": "http://%s:%d/blob/%s" % (host, port2, hexd)})
        if os.path.isfile(pth):
            ct = MT_MAN if kind == "manifests" else "application/octet-stream"
            return self.ans(200, open(pth, "rb").read(), ct, {"Docker-Content-Digest": ref})
        return self.ans(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')

    do_HEAD = do_GET


class C(Base):
    def do_GET(self):
        log(self)
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


s2 = ThreadingHTTPServer(("127.0.0.1", port2), C)
s2.daemon_threads = True
threading.Thread(target=s2.serve_forever, daemon=True).start()
srv = ThreadingHTTPServer(("127.0.0.1", port), H)
srv.daemon_threads = True
srv.serve_forever()
