#!/usr/bin/env python3
"""tests/e2e/atk_sigsvc.py PORT MODE LOG -- a hostile Fulcio, Rekor or TSA
(test_attack_http2.sh): every request answers MODE ([STATUS-]KIND: endless,
huge, deep JSON, raSECONDS, redirect to 127.0.0.2, plain); requests are
appended to LOG."""
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, mode, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self): self.do_POST()
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(n) if n else b""
        with open(log, "a") as f: f.write("%s %s %s auth=%s len=%d\n" % (self.server.server_address[0], self.command, self.path, self.headers.get("Authorization", "-")[:20], len(body)))
        code = 200
        m = mode
        if m[:3].isdigit(): code = int(m[:3]); m = m[4:]
        self.send_response(code)
        if m.startswith("ra"):
            self.send_header("Retry-After", m[2:]); self.send_header("Content-Length", "0"); self.end_headers(); return
        if m == "endless":
            self.send_header("Content-Type", "application/json"); self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            try:
                self.wfile.write(b"1\r\n{\r\n")
                while True: self.wfile.write(b"10000\r\n" + b" " * 65536 + b"\r\n")
            except Exception: return
        if m == "huge":
            n = 256 << 20
            self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(n)); self.end_headers()
            try:
                self.wfile.write(b'{"x":"')
                for _ in range(n >> 20): self.wfile.write(b"a" * (1 << 20))
            except Exception: pass
            return
        if m == "redirect":
            self.send_header("Location", "http://127.0.0.2:%d%s" % (port, self.path)); self.send_header("Content-Length", "0"); self.end_headers(); return
        if m == "deep":
            b = b"[" * 1000000 + b"]" * 1000000
            self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b); return
        self.send_header("Content-Length", "0"); self.end_headers()
class S(ThreadingHTTPServer): daemon_threads = True
import threading
try:  # the redirect target: the same handler on 127.0.0.2, logged alike
    threading.Thread(target=S(("127.0.0.2", port), H).serve_forever, daemon=True).start()
except OSError:
    pass
S(("127.0.0.1", port), H).serve_forever()
