#!/usr/bin/env python3
"""tests/e2e/tokenserver.py -- a tiny bearer-token issuer for the OCI tests.

Serves the docker token flow for docker-registry 2.8 `auth: token`
(oci.md §4.2): GET /token?service=S&scope=repository:NAME:pull,push with
optional Basic credentials -> {"token": JWT, "access_token": JWT, ...}.
JWT: RS256 signed by the `openssl` CLI, header x5c = the signing cert (the
registry's rootcertbundle), claims iss/sub/aud(string)/exp/nbf/iat/jti/access.
Valid credentials get every action asked for; anonymous or wrong ones get 401.
Stdlib only. GET /healthz answers 200; GET /stats answers {"issued": N}.
"""
import argparse
import base64
import json
import subprocess
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def cert_der_b64(path):
    body = []
    inside = False
    for line in open(path, encoding="ascii"):
        line = line.strip()
        if line.startswith("-----BEGIN"):
            inside = True
        elif line.startswith("-----END"):
            break
        elif inside:
            body.append(line)
    return "".join(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--user", required=True, help="NAME:PASS")
    args = ap.parse_args()
    x5c = cert_der_b64(args.cert)
    user, _, password = args.user.partition(":")
    state = {"issued": 0}

    def sign(data):
        out = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                             input=data, stdout=subprocess.PIPE, check=True)
        return out.stdout

    def token(sub, access):
        now = int(time.time())
        head = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        claims = {"iss": args.issuer, "sub": sub, "aud": args.service,
                  "exp": now + 300, "nbf": now - 5, "iat": now,
                  "jti": uuid.uuid4().hex, "access": access}
        si = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
        return si + "." + b64url(sign(si.encode()))

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("tokenserver: " + (fmt % a) + "\n")

        def reply(self, code, obj, extra=None):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            u = urlparse(self.path)
            if u.path == "/healthz":
                return self.reply(200, {"ok": True})
            if u.path == "/stats":
                return self.reply(200, state)
            if u.path != "/token":
                return self.reply(404, {"error": "not found"})
            h = self.headers.get("Authorization", "")
            ok = False
            if h.lower().startswith("basic "):
                try:
                    n, _, p = base64.b64decode(h[6:]).decode().partition(":")
                    ok = n == user and p == password
                except Exception:  # noqa: BLE001
                    ok = False
            if not ok:
                return self.reply(401, {"error": "bad credentials"},
                                  {"WWW-Authenticate": 'Basic realm="token"'})
            q = parse_qs(u.query)
            access = []
            for s in q.get("scope", []):
                for one in s.split(" "):
                    parts = one.split(":")
                    if len(parts) >= 3:
                        access.append({"type": parts[0], "name": ":".join(parts[1:-1]),
                                       "actions": [a for a in parts[-1].split(",") if a]})
            state["issued"] += 1
            t = token(user, access)
            self.reply(200, {"token": t, "access_token": t, "expires_in": 300})

    ThreadingHTTPServer(("127.0.0.1", args.port), H).serve_forever()


if __name__ == "__main__":
    main()
