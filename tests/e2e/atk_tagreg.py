#!/usr/bin/env python3
"""tests/e2e/atk_tagreg.py PORT MODE LOG -- a hostile registry for `ledger
--ingest-repo` (test_attack_ledger2.sh): the tag listing misbehaves (MODE
loop: a Link next page forever, names: hostile tag names, huge: 20,000
tags, big: a 64 MiB body, endless: a chunked body that never ends,
otherhost: the next page on another host); every request is appended to
LOG. Manifests of loop/otherhost tags are not evidence."""
import json, sys, time, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, mode, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body, ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra: self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        with open(log, "a") as f: f.write(("127.0.0.2 " if self.server.server_address[0] == "127.0.0.2" else "") + self.command + " " + self.path + "\n")
        p = self.path
        if p == "/v2/": return self.send(200, b"{}")
        if "/tags/list" in p:
            if mode == "loop":   # Link next pointing at itself forever
                return self.send(200, json.dumps({"name": "r", "tags": ["t%d" % time.time_ns()]}).encode(),
                                 extra=[("Link", '</v2/r/tags/list?n=1000&last=x>; rel="next"')])
            if mode == "names":
                tags = ["../../../etc", "a/b", "%2e%2e", "x\ny", "sha256:" + "a"*64, "t" * 300, "ok", "-rf", "a b", "é"]
                return self.send(200, json.dumps({"name": "r", "tags": tags}).encode())
            if mode == "huge":   # 20000 tags in one page
                return self.send(200, json.dumps({"name": "r", "tags": ["t%d" % i for i in range(20000)]}).encode())
            if mode == "big":    # a 64 MiB body
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(64 << 20)); self.end_headers()
                try:
                    self.wfile.write(b'{"name":"r","tags":["' )
                    for _ in range(64): self.wfile.write(b"a" * (1 << 20))
                except Exception: pass
                return
            if mode == "endless":  # chunked, never ends
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
                try:
                    self.wfile.write(b"5\r\n{\"tag\r\n")
                    while True:
                        self.wfile.write(b"1000\r\n" + b"a" * 4096 + b"\r\n"); self.wfile.flush()
                except Exception: pass
                return
            if mode == "otherhost":  # next page on another host
                return self.send(200, json.dumps({"name": "r", "tags": []}).encode(),
                                 extra=[("Link", '<http://127.0.0.2:%d/v2/r/tags/list?n=1000&last=z>; rel="next"' % port)])
        if "/manifests/" in p and mode in ("loop", "otherhost"):
            m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "artifactType": "application/x-other",
                 "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "size": 2},
                 "layers": []}
            return self.send(200, json.dumps(m).encode(), "application/vnd.oci.image.manifest.v1+json")
        return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
import threading
try:  # the other host a next page may name: the same handler, logged as such
    threading.Thread(target=ThreadingHTTPServer(("127.0.0.2", port), H).serve_forever, daemon=True).start()
except OSError:
    pass
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
