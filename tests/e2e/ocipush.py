#!/usr/bin/env python3
"""tests/e2e/ocipush.py -- pushes hand-made OCI artifacts to a real
registry over plain HTTP (distribution API, stdlib only), for tests that
need an artifact our own `push` does not make: the layout ORAS gives the
reference system's evidence (the tree under summary-bundle/ in the layer),
and a signature referrer attached to it.

    ocipush.py artifact HOST REPO LAYER [--note TEXT]   prints the digest
    ocipush.py referrer HOST REPO SUBJECT BUNDLE         attach BUNDLE

`artifact` pushes LAYER (tar+gzip) with the empty config and our
artifactType; --note adds an annotation, so one layer gives several
artifacts (several digests). `referrer` pushes BUNDLE as a Sigstore bundle
referrer of SUBJECT and records it in the OCI 1.1 fallback index
(sha256-<hex>), as ORAS does on a registry without the referrers API.
"""
import hashlib
import json
import sys
import urllib.error
import urllib.request

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_EMPTY = "application/vnd.oci.empty.v1+json"
MT_SIGSTORE = "application/vnd.dev.sigstore.bundle.v0.3+json"
ARTIFACT = "application/vnd.nvidia.aicr.artifact"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def request(method, url, data=None, ctype=None, accept=None):
    req = urllib.request.Request(url, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req) as r:
        return r.status, r.headers, r.read()


def push_blob(host, repo, data):
    d = digest(data)
    _, h, _ = request("POST", "http://%s/v2/%s/blobs/uploads/" % (host, repo))
    loc = h["Location"]
    if loc.startswith("/"):
        loc = "http://" + host + loc
    sep = "&" if "?" in loc else "?"
    request("PUT", loc + sep + "digest=" + d, data, "application/octet-stream")
    return {"digest": d, "size": len(data)}


def push_manifest(host, repo, m, ref=None, mt=MT_MANIFEST):
    body = json.dumps(m, separators=(",", ":")).encode()
    d = digest(body)
    request("PUT", "http://%s/v2/%s/manifests/%s" % (host, repo, ref or d), body, mt)
    return d, len(body)


def artifact(host, repo, layer_path, note):
    cfg = push_blob(host, repo, b"{}")
    layer = open(layer_path, "rb").read()
    ld = push_blob(host, repo, layer)
    m = {"schemaVersion": 2, "mediaType": MT_MANIFEST, "artifactType": ARTIFACT,
         "config": dict(mediaType=MT_EMPTY, **cfg),
         "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip",
                         annotations={"io.deis.oras.content.unpack": "true",
                                      "org.opencontainers.image.title": "summary-bundle"},
                         **ld)]}
    if note:
        m["annotations"] = {"org.opencontainers.image.description": note}
    print(push_manifest(host, repo, m)[0])


def referrer(host, repo, subject, bundle_path):
    url = "http://%s/v2/%s/manifests/%s" % (host, repo, subject)
    _, _, body = request("GET", url, accept=MT_MANIFEST)
    cfg = push_blob(host, repo, b"{}")
    b = push_blob(host, repo, open(bundle_path, "rb").read())
    m = {"schemaVersion": 2, "mediaType": MT_MANIFEST, "artifactType": MT_SIGSTORE,
         "config": dict(mediaType=MT_EMPTY, **cfg),
         "layers": [dict(mediaType=MT_SIGSTORE, **b)],
         "subject": {"mediaType": MT_MANIFEST, "digest": subject, "size": len(body)}}
    rd, rsize = push_manifest(host, repo, m)
    tag = "sha256-" + subject[7:]
    try:
        _, _, old = request("GET", "http://%s/v2/%s/manifests/%s" % (host, repo, tag),
                            accept=MT_INDEX)
        idx = json.loads(old)
    except urllib.error.HTTPError:
        idx = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": []}
    idx["manifests"].append({"mediaType": MT_MANIFEST, "digest": rd, "size": rsize,
                             "artifactType": MT_SIGSTORE})
    push_manifest(host, repo, idx, tag, MT_INDEX)
    print(rd)


def main():
    a = sys.argv[1:]
    if a[0] == "artifact":
        note = a[a.index("--note") + 1] if "--note" in a else None
        artifact(a[1], a[2], a[3], note)
    elif a[0] == "referrer":
        referrer(a[1], a[2], a[3], a[4])
    else:
        sys.exit("ocipush: unknown command")


if __name__ == "__main__":
    main()
