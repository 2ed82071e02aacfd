#!/usr/bin/env python3
"""tests/e2e/standin_idp.py -- a stand-in OpenID provider for the login
tests that watch the listener, the browser and what is exchanged rather
than a real login (lib.sh login_idp_start starts it).

  standin_idp.py PORT LOG [AUTH_PATH]

Answers discovery for issuer http://127.0.0.1:PORT (its
authorization_endpoint is the issuer + AUTH_PATH, default /auth: a test
may put quotes or markup there), /token with invalid_grant (what counts
is which code reaches it, and when), anything else 404. Every request is
appended to LOG as "METHOD PATH BODY". Stdlib only.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log = int(sys.argv[1]), sys.argv[2]
ap = sys.argv[3] if len(sys.argv) > 3 else "/auth"
ISS = "http://127.0.0.1:%d" % port


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        with open(log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, body))
        d, st = {"error": "not_found"}, 404
        if self.path.endswith("/.well-known/openid-configuration"):
            d, st = {"issuer": ISS, "authorization_endpoint": ISS + ap, "token_endpoint": ISS + "/token",
                     "jwks_uri": ISS + "/jwks", "code_challenge_methods_supported": ["S256"]}, 200
        elif self.path == "/token":
            d, st = {"error": "invalid_grant"}, 400
        b = json.dumps(d).encode()
        self.send_response(st)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    do_GET = do_POST = any


class S(ThreadingHTTPServer):
    daemon_threads = True


S(("127.0.0.1", port), H).serve_forever()
