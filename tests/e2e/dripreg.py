#!/usr/bin/env python3
"""tests/e2e/dripreg.py -- a hostile registry for the referrer time budget.

Serves the manifests and blobs of a warm pull cache (BLOBDIR, by digest)
and answers the referrers API of any subject with N signature referrers
whose manifests drip one byte every 2 s (Content-Length 500).

usage: dripreg.py PORT BLOBDIR N
"""
import hashlib
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, BLOBS, N = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
SIG = "application/vnd.dev.sigstore.bundle.v0.3+json"
MAN = "application/vnd.oci.image.manifest.v1+json"
IDX = "application/vnd.oci.image.index.v1+json"
DRIPS = ["sha256:" + hashlib.sha256(b"drip%d" % i).hexdigest()
         for i in range(N)]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype, digest=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if digest:
            self.send_header("Docker-Content-Digest", digest)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.rstrip("/") == "/v2":
            return self.answer(200, b"{}", "application/json")
        kind, ref = path.split("/")[-2:]
        if kind == "referrers":
            idx = {"schemaVersion": 2, "mediaType": IDX,
                   "manifests": [{"mediaType": MAN, "artifactType": SIG,
                                  "digest": d, "size": 500}
                                 for d in DRIPS]}
            return self.answer(200, json.dumps(idx).encode(), IDX)
        if ref in DRIPS:
            self.send_response(200)
            self.send_header("Content-Type", MAN)
            self.send_header("Content-Length", "500")
            self.end_headers()
            try:
                for _ in range(500):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(2)
            except OSError:
                pass
            return
        f = os.path.join(BLOBS, ref.replace("sha256:", ""))
        if ref.startswith("sha256:") and os.path.isfile(f):
            with open(f, "rb") as fh:
                body = fh.read()
            ct = MAN if kind == "manifests" else "application/octet-stream"
            return self.answer(200, body, ct, ref)
        return self.answer(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}',
                           "application/json")

    do_HEAD = do_GET


srv = ThreadingHTTPServer(("127.0.0.1", PORT), H)
srv.daemon_threads = True
srv.serve_forever()
