#!/usr/bin/env python3
"""tests/e2e/atk_tuf_gen.py -- extra hostile TUF repositories for
tests/e2e/test_attack_registry.sh, built with tests/tuf/gen_repo.py's
helpers: OUT/root1.json and OUT/s/<name>/ (each a fresh repository at
version 1), OUT/scenarios.json {name: expected stderr ERE or "ok"}.

    atk_tuf_gen.py OUT TRUSTED_ROOT.json
"""
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tuf"))
import gen_repo as g  # noqa: E402

out, trp = sys.argv[1], sys.argv[2]
tr = open(trp, "rb").read()
sc = json.dumps({"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                 "caUrls": [], "rekorTlogUrls": [], "rekorTlogConfig": {"selector": "ANY"},
                 "tsaConfig": {"selector": "ANY"}}).encode()
files = {"trusted_root.json": tr, "signing_config.v0.2.json": sc}
R1, T1, N1, G1, G2, D1 = (g.Key("ecdsa-pem"), g.Key("ed25519"), g.Key("ecdsa-pem"),
                          g.Key("ecdsa-pem"), g.Key("ed25519"), g.Key("ed25519"))
roles = {"root": ([R1], 1), "timestamp": ([T1], 1), "snapshot": ([N1], 1),
         "targets": ([G1, G2], 2)}
root1 = g.dump(g.signed(g.root_body(1, roles), [R1]))
os.makedirs(out, exist_ok=True)
open(os.path.join(out, "root1.json"), "wb").write(root1)
scen = {}


def repo(name, expect, tgt=None, snap_meta=None, extra=None, ts=None, target_files=None):
    scen[name] = expect
    r = g.Repo(os.path.join(out, "s", name))
    r.put("1.root.json", root1)
    tf = files if target_files is None else target_files
    r.put("1.targets.json", tgt if tgt is not None else g.dump(g.signed(g.targets_body(1, tf), [G1, G2])))
    snap = g.dump(g.signed(g.snapshot_body(1, snap_meta or {"targets.json": 1}), [N1]))
    r.put("1.snapshot.json", snap)
    r.put("timestamp.json", ts if ts is not None else g.dump(g.signed(g.timestamp_body(1, 1), [T1])))
    for n, d in tf.items():
        r.target(n, d)
    for n, d in (extra or {}).items():
        p = os.path.join(r.path, n)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb").write(d)
    return r


repo("good", "ok")


def deleg_named(name, sname):
    d = {"keys": {D1.keyid: D1.pub},
         "roles": [{"name": name, "keyids": [D1.keyid], "threshold": 1,
                    "paths": ["*"], "terminating": False}]}
    tgt = g.dump(g.signed(g.targets_body(1, {}, delegations=d), [G1, G2]))
    sub = g.dump(g.signed(g.targets_body(1, files), [D1]))
    return tgt, {"targets.json": 1, sname: 1}, {"1." + sname: sub}


# a delegated role whose name holds path characters: the file it names
# would be fetched (and cached) outside its directory. Names with URL
# characters ('?', '#', '%', '&', '+', ';') are plain file names: the
# client asks for them percent-encoded, as python-tuf and tuf-js do, and
# the server (which decodes the path) finds the file of that name.
for nm, label in (("../sub", "dotdot"), ("a/b", "slash"), (".origin", "dotfile"),
                  ("sub?x=", "query"), ("%2e%2e%2fsub", "pctenc"), ("sub#x", "fragment"),
                  ("50%", "percent"), ("a&b+c;d=e", "formchars"), ("root", "toplevel"),
                  ("sub\\x", "backslash"), ("", "empty")):
    tgt, meta, extra = deleg_named(nm, nm + ".json")
    exp = (r"targets: a delegated role name is a top-level role or not a plain file name"
           if label not in ("query", "pctenc", "fragment", "percent", "formchars") else "ok")
    try:
        repo("role-name-" + label, exp, tgt=tgt, snap_meta=meta, extra=extra)
    except OSError:
        repo("role-name-" + label, exp, tgt=tgt, snap_meta=meta)
# target names that leave the targets directory or bend the URL
for nm, label in (("a/../trusted_root.json", "dotdot-inner"), ("/trusted_root.json", "absolute"),
                  ("./trusted_root.json", "dot"), ("a//trusted_root.json", "empty-segment"),
                  ("a\\trusted_root.json", "backslash"), ("a\ttrusted_root.json", "control")):
    tf = dict(files)
    tf[nm] = b"x"
    repo("target-" + label, r"targets: target path .* leaves its directory", target_files=tf)
# a target listed with length 0 / a negative length / no hashes
for label, mut, exp in (
        ("length-zero", lambda e: e.update(length=0), r"target trusted_root\.json: longer than the 0 bytes"),
        ("length-negative", lambda e: e.update(length=-1), r'targets: "length" is below 0'),
        ("length-huge", lambda e: e.update(length=2**62), r"target trusted_root\.json: length [0-9]+, over the cap of 1048576"),
        ("no-hashes", lambda e: e.update(hashes={}), r'targets: "hashes" is not a non-empty object'),
        ("bad-hash-hex", lambda e: e["hashes"].update(sha256="zz" * 32), r"targets: a hash is not lowercase hex"),
        ("short-hash", lambda e: e["hashes"].update(sha256="ab"), r"no sha256 hash to name it by"),
        ("only-sha512-wrong", lambda e: e.update(hashes={"sha512": "00" * 64}), r"no sha256 hash to name it by"),
        ("sha512-wrong-beside-sha256", lambda e: e["hashes"].update(sha512="00" * 64), r"target trusted_root\.json: sha512 does not match")):
    b = g.targets_body(1, files)
    mut(b["targets"]["trusted_root.json"])
    repo("target-" + label, exp, tgt=g.dump(g.signed(b, [G1, G2])))
# the timestamp naming a snapshot of length 0 (the cap then lets nothing through)
tsb = g.timestamp_body(1, 1)
tsb["meta"]["snapshot.json"]["length"] = 0
repo("ts-snapshot-length-zero", r"snapshot v1 \(from timestamp v1\) \(mix-and-match protection\): longer than the 0 bytes",
     ts=g.dump(g.signed(tsb, [T1])))
# the snapshot names targets.json at version 0 / the timestamp names snapshot version 0
tsb = g.timestamp_body(1, 0)
repo("ts-snapshot-version-zero", r'timestamp: "version" is below 1', ts=g.dump(g.signed(tsb, [T1])))
# the same signature counted twice for the 2-of-2 targets role
b = g.targets_body(1, files)
one = json.loads(g.dump(g.signed(b, [G1])))
one["signatures"] = one["signatures"] * 2
repo("targets-one-sig-twice", r"targets v1: signature threshold not met: 1 of 2", tgt=json.dumps(one).encode())
# a signature whose keyid is a key of another role (the timestamp key)
two = json.loads(g.dump(g.signed(b, [G1, T1])))
repo("targets-signed-by-other-role", r"targets v1: signature threshold not met: 1 of 2", tgt=json.dumps(two).encode())
with open(os.path.join(out, "scenarios.json"), "w") as f:
    json.dump(scen, f, indent=1, sort_keys=True)
