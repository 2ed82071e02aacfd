#!/usr/bin/env python3
"""tests/e2e/hostile.py -- a Sigstore service that lies, for the signing
tests (stdlib only, loopback only).

    hostile.py --port P [--upstream 127.0.0.1:R]

In front of the project's Sigstore stack (--upstream) it passes requests on
and answers as the stack did, unless a rule says otherwise; without an
upstream it answers only by its rules (404 otherwise). It never tells the
client it is a proxy. Rules (a JSON list, first match wins) are set with
POST /_hostile/rules; GET /_hostile/log returns {"log": [{"method", "path",
"bearer": bool, "token": bool, "bytes": N, "action"}]} -- "token" is true
when the request carried an OIDC identity token (a Fulcio body), "bearer"
when it had an Authorization header. A rule: {"method": M, "path":
substring, "skip": N (let N matches pass first), "times": N (default 1),
"action": one of

    status    forward (the upstream commits), then answer {"status": 502}
              with an empty body: a gateway that lost the answer
    cut       forward, then send the headers and half the body, and close
    rewrite   forward, then set JSON fields of the answer: {"set":
              {"a.b": V}}; a "*" element matches every key of an object
    replace   answer {"status", "body" (text), "headers"} without
              forwarding
    stall     read the request, then answer nothing for {"seconds"}
              (default 3600) -- a server that took the request and hung
    drip      read the request, send a 200 header and one body byte every
              {"interval"} seconds (default 1) for {"seconds"}
}
"""
import argparse
import http.client
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import faultrules  # beside this file

LOCK = threading.Lock()
RULES = []
LOG = []
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
       "upgrade", "proxy-connection", "content-length"}


def pick(method, path):
    """The rule for this request, or None; counts it."""
    with LOCK:
        return faultrules.pick(RULES, method, path)


def set_path(doc, path, value):
    """Sets a dotted path in a JSON document; "*" walks every key."""
    parts = path.split(".")

    def walk(node, i):
        if not isinstance(node, dict):
            return
        key = parts[i]
        keys = list(node.keys()) if key == "*" else [key]
        for k in keys:
            if i == len(parts) - 1:
                node[k] = value
            elif k in node:
                walk(node[k], i + 1)

    walk(doc, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream")
    args = ap.parse_args()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("hostile: " + (fmt % a) + "\n")

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def send(self, status, body, headers=None):
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def control(self):
            global RULES
            data = self.body()
            with LOCK:
                if self.command == "POST":
                    RULES = json.loads(data or b"[]")
                    LOG.clear()
                out = json.dumps({"log": LOG}).encode()
            self.send(200, out, {"Content-Type": "application/json"})

        def forward(self, data):
            host, port = args.upstream.rsplit(":", 1)
            c = http.client.HTTPConnection(host, int(port), timeout=60)
            hdrs = {k: v for k, v in self.headers.items()
                    if k.lower() not in HOP}
            c.request(self.command, self.path, body=data or None,
                      headers=hdrs)
            r = c.getresponse()
            out = r.read()
            headers = {k: v for k, v in r.getheaders()
                       if k.lower() not in HOP}
            c.close()
            return r.status, headers, out

        def handle_any(self):
            if self.path.startswith("/_hostile/"):
                return self.control()
            data = self.body()
            rule = pick(self.command, self.path)
            action = rule.get("action") if rule else "forward"
            with LOCK:
                LOG.append({"method": self.command, "path": self.path,
                            "bearer": "Authorization" in self.headers,
                            "token": b"oidcIdentityToken" in data,
                            "bytes": len(data), "action": action})
            if action == "replace":
                return self.send(rule.get("status", 200),
                                 rule.get("body", "").encode(),
                                 rule.get("headers", {}))
            if action == "stall":
                time.sleep(rule.get("seconds", 3600))
                self.close_connection = True
                return None
            if action == "drip":
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                end = time.time() + rule.get("seconds", 3600)
                while time.time() < end:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(rule.get("interval", 1))
                self.close_connection = True
                return None
            if not args.upstream:
                return self.send(404, b"no upstream\n")
            status, headers, out = self.forward(data)
            if action == "status":
                return self.send(rule.get("status", 502), b"")
            if action == "cut":
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out[: len(out) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            if action == "rewrite":
                doc = json.loads(out)
                for path, value in rule.get("set", {}).items():
                    set_path(doc, path, value)
                out = json.dumps(doc).encode()
            return self.send(status, out, headers)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any  # noqa: N815

    srv = ThreadingHTTPServer(("127.0.0.1", args.port), H)
    srv.daemon_threads = True
    srv.serve_forever()


if __name__ == "__main__":
    main()
