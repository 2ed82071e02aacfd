#!/usr/bin/env python3
"""tests/e2e/errbody.py -- a server whose every answer is an error with a
body that may never end (stdlib only, loopback only).

    errbody.py PORT LOG

GET /v2/ answers 200 "{}" (a registry's ping); every other request answers
the status and body set with POST /_errbody {"status": N, "body":
"endless"|"short"|"nolen", "headers": {...}}. "endless" is a chunked body
that never ends, "nolen" a body without a length that never ends (the
connection is its end), "short" 40 bytes. LOG gets one line per request
and "SENT N" for every body the client stopped reading.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
MODE = {"status": 503, "body": "short", "headers": {}}
LOCK = threading.Lock()


def note(line):
    with LOCK, open(LOG, "a") as f:
        f.write(line + "\n")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        if self.path == "/_errbody":
            MODE.clear()
            MODE.update(json.loads(data))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer()

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer()

    def do_PUT(self):
        self.answer()

    def answer(self, head=False):
        note("%s %s" % (self.command, self.path))
        if self.path == "/v2/":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        self.send_response(MODE["status"])
        for k, v in MODE.get("headers", {}).items():
            self.send_header(k, v)
        body = MODE.get("body", "short")
        if head or body == "short":
            msg = b'{"errors":[{"code":"UNAVAILABLE"}]}\n'
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            if not head:
                self.wfile.write(msg)
            return
        sent = 0
        try:
            if body == "endless":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"10000\r\n" + b"e" * 65536 + b"\r\n"
            else:
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"e" * 65536
            while True:
                self.wfile.write(chunk)
                sent += 65536
        except Exception:
            note("SENT %d" % sent)
            self.close_connection = True


ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
