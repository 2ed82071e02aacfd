#!/usr/bin/env python3
"""tests/e2e/lyingregistry.py -- a registry that lies on purpose (stdlib
only), for the hostile-registry tests (issue 23). The normal path is tested
against the real docker-registry; this one serves whatever bytes a test put
in its directory, for any digest, so a test can hand the client a bomb, a
corrupt gzip or a malformed manifest under a digest it asked for.

    lyingregistry.py serve --port P --dir D
    lyingregistry.py put D LAYER [--tar] [--artifact-type T]
        [--config-media-type M] [--config FILE] [--content-digest D|auto]
        [--title T] [--tag T]                 prints the manifest digest
    lyingregistry.py put-many D LAYER...      put each (defaults), print
                                              "LAYER DIGEST" lines
    lyingregistry.py swap D DIGEST FILE       serve FILE's bytes for DIGEST

Layout of D: blobs/<hex> (manifests and blobs by the sha256 of their bytes),
tags/<tag> (a digest), swap/<hex> (bytes served instead of blobs/<hex>).
Only GET and HEAD of /v2/, manifests and blobs are answered; the referrers
API is a 404 (a registry without it), so the fallback tag is read.
"""
import argparse
import hashlib
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_EMPTY = "application/vnd.oci.empty.v1+json"


def store(d, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(d, "blobs"), exist_ok=True)
    with open(os.path.join(d, "blobs", h), "wb") as f:
        f.write(data)
    return "sha256:" + h


def put(args):
    print(put_one(args))


def put_many(args):
    for layer in args.layers:
        args.layer = layer
        print(layer, put_one(args))


def put_one(args):
    layer = open(args.layer, "rb").read()
    config = open(args.config, "rb").read() if args.config else b"{}"
    ldesc = {
        "mediaType": "application/vnd.oci.image.layer.v1." +
                     ("tar" if args.tar else "tar+gzip"),
        "digest": store(args.dir, layer),
        "size": len(layer),
        "annotations": {"io.deis.oras.content.unpack": "true",
                        "org.opencontainers.image.title": args.title},
    }
    if args.content_digest == "auto":
        import gzip
        plain = layer if args.tar else gzip.decompress(layer)
        ldesc["annotations"]["io.deis.oras.content.digest"] = \
            "sha256:" + hashlib.sha256(plain).hexdigest()
    elif args.content_digest:
        ldesc["annotations"]["io.deis.oras.content.digest"] = \
            args.content_digest
    m = {"schemaVersion": 2, "mediaType": MT_MANIFEST}
    if args.artifact_type != "-":
        m["artifactType"] = args.artifact_type
    m["config"] = {"mediaType": args.config_media_type,
                   "digest": store(args.dir, config), "size": len(config)}
    m["layers"] = [ldesc]
    digest = store(args.dir, json.dumps(m, separators=(",", ":")).encode())
    if args.tag:
        os.makedirs(os.path.join(args.dir, "tags"), exist_ok=True)
        with open(os.path.join(args.dir, "tags", args.tag), "w") as f:
            f.write(digest)
    return digest


def swap(args):
    os.makedirs(os.path.join(args.dir, "swap"), exist_ok=True)
    with open(args.file, "rb") as f, \
            open(os.path.join(args.dir, "swap", args.digest[7:]), "wb") as o:
        o.write(f.read())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."

    def log_message(self, *a):
        pass

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def lookup(self, ref):
        if not ref.startswith("sha256:"):
            try:
                ref = open(os.path.join(self.root, "tags", ref)).read()
            except OSError:
                return None, None
        hexd = ref[7:]
        if not all(c in "0123456789abcdef" for c in hexd) or len(hexd) != 64:
            return None, None
        for sub in ("swap", "blobs"):
            p = os.path.join(self.root, sub, hexd)
            if os.path.exists(p):
                return ref, open(p, "rb").read()
        return None, None

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")
        if self.path.rstrip("/") == "/v2":
            return self.answer(200, b"{}", {"Content-Type": "application/json"})
        if len(parts) < 5 or parts[1] != "v2":
            return self.answer(404)
        kind, ref = parts[-2], parts[-1]
        if kind not in ("manifests", "blobs"):
            return self.answer(404)
        digest, body = self.lookup(ref)
        if body is None:
            return self.answer(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
        h = {"Docker-Content-Digest": digest}
        if kind == "manifests":
            h["Content-Type"] = MT_MANIFEST
        else:
            h["Content-Type"] = "application/octet-stream"
        return self.answer(200, body, h)

    do_HEAD = do_GET


def serve(args):
    Handler.root = args.dir
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--dir", required=True)
    p = sub.add_parser("put")
    p.add_argument("dir")
    p.add_argument("layer")
    pm = sub.add_parser("put-many")
    pm.add_argument("dir")
    pm.add_argument("layers", nargs="+")
    for q in (p, pm):
        q.set_defaults(tar=False, artifact_type="application/vnd.nvidia.aicr.artifact",
                       config_media_type=MT_EMPTY, config=None,
                       content_digest=None, title="summary-bundle", tag=None)
    p.add_argument("--tar", action="store_true")
    p.add_argument("--artifact-type",
                   default="application/vnd.nvidia.aicr.artifact")
    p.add_argument("--config-media-type", default=MT_EMPTY)
    p.add_argument("--config")
    p.add_argument("--content-digest")
    p.add_argument("--title", default="summary-bundle")
    p.add_argument("--tag")
    w = sub.add_parser("swap")
    w.add_argument("dir")
    w.add_argument("digest")
    w.add_argument("file")
    args = ap.parse_args()
    {"serve": serve, "put": put, "put-many": put_many,
     "swap": swap}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
