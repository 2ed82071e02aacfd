#!/usr/bin/env python3
"""tests/e2e/atk_errreg.py PORT MODE LOG -- a registry whose every manifest or blob
request answers MODE = STATUS-KIND (test_attack_http2.sh): KIND endless (a
chunked body that never ends), drip, huge (512 MiB Content-Length), nolen
(close-delimited, endless), raVALUE (Retry-After VALUE, _ for spaces).
Requests are appended to LOG, and the bytes of an endless body sent."""
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, mode, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_HEAD(self): self.do_GET()
    def do_GET(self):
        with open(log, "a") as f: f.write("%s %s %s\n" % (self.command, self.path, self.headers.get("Authorization", "-")))
        if self.path == "/v2/":
            self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}"); return
        code, rest = mode.split("-", 1)
        code = int(code)
        self.send_response(code)
        if code == 401: self.send_header("WWW-Authenticate", 'Basic realm="x"')
        if code == 407: self.send_header("Proxy-Authenticate", 'Basic realm="x"')
        if rest.startswith("ra"):
            self.send_header("Retry-After", rest[2:].replace("_", " "))
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if rest == "endless":
            self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
            sent = 0
            try:
                while True: self.wfile.write(b"10000\r\n" + b"e" * 65536 + b"\r\n"); sent += 65536
            except Exception:
                with open(log, "a") as f: f.write("SENT %d\n" % sent)
                return
        if rest == "drip":
            self.send_header("Content-Length", "100000"); self.end_headers()
            try:
                while True: self.wfile.write(b"e"); self.wfile.flush(); time.sleep(0.5)
            except Exception: return
        if rest == "huge":
            n = 512 << 20
            self.send_header("Content-Length", str(n)); self.end_headers()
            try:
                for _ in range(n >> 20): self.wfile.write(b"e" * (1 << 20))
            except Exception: pass
            return
        if rest == "nolen":  # close-delimited body, never ends
            self.send_header("Connection", "close"); self.end_headers()
            try:
                while True: self.wfile.write(b"e" * 65536)
            except Exception: return
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
