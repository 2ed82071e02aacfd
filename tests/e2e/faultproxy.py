#!/usr/bin/env python3
"""tests/e2e/faultproxy.py -- a fault-injecting HTTP/1.1 reverse proxy for
the OCI client tests (stdlib only).

    faultproxy.py --port P --upstream 127.0.0.1:R

It forwards every request to the registry, keeping Host so the registry's
Location headers point back at the proxy, and streams bodies both ways.
Rules (JSON list, first match wins) are set with POST /_fault/rules and
cleared with DELETE; GET /_fault/stats returns {"log": [[method, path,
status, fault], ...]}. A rule: {"method": "PATCH"|..., "path": substring,
"action": one of below, "skip": N (let N matching requests pass first),
"times": N (then stop; default 1)}:

    status   answer {"status": 503, "retry_after": "1"} without forwarding
    reset    read part of the request body, then RST the connection
    corrupt  forward, but flip one byte of the response body
    cut      forward, send half the response body, then close
    respond  answer {"status": N, "headers": {...}, "body": TEXT} without
             forwarding (a challenge, a redirect, a forged index); "$HOST"
             in a header or the body becomes the proxy's own host:port
    drip     forward, then send the response body at "rate" bytes/s
    stall    read the request, then say nothing for "seconds" (default
             600) and close

    --bind ADDR  listen on ADDR (127.0.0.2 plays "another host")
    --tls CERT KEY  speak HTTPS
    --sink       no upstream: answer every request 200 {"token": "sink"}
                 and log it, fault "auth" when it carried Authorization
                 (a stand-in for a host that must never see a credential)
"""
import argparse
import http.client
import json
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import faultrules  # beside this file

LOCK = threading.Lock()
RULES = []
LOG = []
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
       "upgrade", "proxy-connection"}


def pick(method, path):
    """Returns the action dict for this request, or None; counts it."""
    with LOCK:
        return faultrules.pick(RULES, method, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", default="")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--sink", action="store_true")
    args = ap.parse_args()
    up_host, _, up_port = args.upstream.rpartition(":")
    me = "%s:%d" % (args.bind, args.port)

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("faultproxy: " + (fmt % a) + "\n")

        def control(self):
            global RULES
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            with LOCK:
                if self.command == "POST":
                    RULES = json.loads(body or b"[]")
                    LOG.clear()
                elif self.command == "DELETE":
                    RULES = []
                out = json.dumps({"log": LOG, "rules": RULES}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def record(self, status, fault):
            with LOCK:
                LOG.append([self.command, self.path, status, fault])

        def sink(self, n):
            self.rfile.read(n)
            body = b'{"token": "sink", "access_token": "sink"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(200, "auth" if self.headers.get("Authorization") else "-")

        def respond(self, rule, n):
            self.rfile.read(n)
            st = rule.get("status", 200)
            body = rule.get("body", "").replace("$HOST", me).encode()
            self.send_response(st)
            for k, v in rule.get("headers", {}).items():
                self.send_header(k, v.replace("$HOST", me))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(st, "respond")

        def drip(self, data, rate):
            step = max(1, int(rate))
            for i in range(0, len(data), step):
                try:
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                except OSError:
                    return False
                time.sleep(1.0)
            return True

        def handle_any(self):
            if self.path.startswith("/_fault/"):
                return self.control()
            n = int(self.headers.get("Content-Length") or 0)
            if args.sink:
                return self.sink(n)
            rule = pick(self.command, self.path)
            act = rule["action"] if rule else None
            if act == "respond":
                return self.respond(rule, n)
            if act == "stall":
                self.rfile.read(n)
                self.record(0, "stall")
                time.sleep(rule.get("seconds", 600))
                self.close_connection = True
                return None
            if act == "status":
                self.rfile.read(n)
                st = rule.get("status", 503)
                body = b'{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}'
                self.send_response(st)
                if rule.get("retry_after"):
                    self.send_header("Retry-After", rule["retry_after"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return self.record(st, "status")
            if act == "reset":
                self.rfile.read(min(n, 65536))
                self.record(0, "reset")
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return None
            up = http.client.HTTPConnection(up_host, int(up_port), timeout=60)
            up.putrequest(self.command, self.path, skip_host=True,
                          skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP and k.lower() != "expect":
                    up.putheader(k, v)
            up.endheaders()
            left = n
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 20))
                if not chunk:
                    break
                up.send(chunk)
                left -= len(chunk)
            resp = up.getresponse()
            data = resp.read()
            if act == "corrupt" and data:
                i = len(data) // 2
                data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            # a HEAD answer has no body but the length of the GET's: a
            # client compares it with the blob size (oci.md §3.2)
            self.send_header("Content-Length", resp.getheader("Content-Length", "0")
                             if self.command == "HEAD" else str(len(data)))
            self.end_headers()
            if self.command != "HEAD" and act == "drip":
                self.record(resp.status, "drip")
                if not self.drip(data, rule.get("rate", 2)):
                    self.record(0, "drip-closed-by-client")
                up.close()
                return None
            if self.command != "HEAD":
                self.wfile.write(data[: len(data) // 2] if act == "cut" else data)
            up.close()
            self.record(resp.status, act)
            if act == "cut":
                self.wfile.flush()
                self.connection.close()
                self.close_connection = True
            return None

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer((args.bind, args.port), H)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
