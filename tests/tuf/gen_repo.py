#!/usr/bin/env python3
"""tests/tuf/gen_repo.py -- TUF repositories signed with keys the test holds,
for the attack matrix of tests/e2e/test_tuf_attacks.sh (test tooling).

    gen_repo.py OUT TRUSTED_ROOT.json [SIGNING_CONFIG.json]

Writes OUT/root1.json (the initial root a client starts from) and one
complete consistent-snapshot repository per scenario under OUT/s/<name>/
(N.root.json, timestamp.json, V.snapshot.json, V.targets.json,
targets/<sha256>.<name>). "base" is version 1 of everything; "good" is
version 2 after a root rotation that replaces keys and raises the root
threshold (2 of 3 -> 3 of 3, two keys replaced); every other scenario is
"good" plus a version-3 step that one attack spoils. OUT/scenarios.json
lists them. Keys: ecdsa-sha2-nistp256 as PEM and as hex (keytype ecdsa and
ecdsa-sha2-nistp256), ed25519 -- the forms of the real Sigstore history.
Signatures cover OLPC canonical JSON, as securesystemslib makes them.
"""
import copy
import hashlib
import json
import os
import shutil
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

FUTURE = "2099-01-01T00:00:00Z"
PAST = "2020-01-01T00:00:00Z"


def canon(o):
    """OLPC canonical JSON: sorted keys, no spaces, only " and \\ escaped."""
    if isinstance(o, bool):
        return "true" if o else "false"
    if o is None:
        return "null"
    if isinstance(o, int):
        return str(o)
    if isinstance(o, float):
        return repr(o)  # not canonical: the client must refuse it
    if isinstance(o, str):
        return '"' + o.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(o, list):
        return "[" + ",".join(canon(x) for x in o) + "]"
    return "{" + ",".join(canon(k) + ":" + canon(o[k]) for k in sorted(o)) + "}"


class Key:
    def __init__(self, form, extra=None):
        self.form = form
        if form == "ed25519":
            self.sk = ed25519.Ed25519PrivateKey.generate()
            raw = self.sk.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            self.pub = {"keytype": "ed25519", "scheme": "ed25519",
                        "keyval": {"public": raw.hex()}}
        else:
            self.sk = ec.generate_private_key(ec.SECP256R1())
            pk = self.sk.public_key()
            if form == "ecdsa-hex":
                pt = pk.public_bytes(serialization.Encoding.X962,
                                     serialization.PublicFormat.UncompressedPoint)
                self.pub = {"keytype": "ecdsa-sha2-nistp256",
                            "scheme": "ecdsa-sha2-nistp256",
                            "keyid_hash_algorithms": ["sha256", "sha512"],
                            "keyval": {"public": pt.hex()}}
            else:
                pem = pk.public_bytes(serialization.Encoding.PEM,
                                      serialization.PublicFormat.SubjectPublicKeyInfo)
                self.pub = {"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256",
                            "keyval": {"public": pem.decode()}}
        if extra:
            self.pub.update(extra)
        self.keyid = hashlib.sha256(canon(self.pub).encode()).hexdigest()

    def alias(self, extra):
        """The same key material under another key id (extra fields)."""
        k = copy.copy(self)
        k.pub = dict(self.pub, **extra)
        k.keyid = hashlib.sha256(canon(k.pub).encode()).hexdigest()
        return k

    def sign(self, data):
        if self.form == "ed25519":
            return self.sk.sign(data).hex()
        return self.sk.sign(data, ec.ECDSA(hashes.SHA256())).hex()


def signed(body, keys, raw=None):
    data = raw if raw is not None else canon(body).encode()
    return {"signatures": [{"keyid": k.keyid, "sig": k.sign(data)} for k in keys],
            "signed": body}


def dump(md):
    return (json.dumps(md, indent=1, sort_keys=True) + "\n").encode()


def root_body(version, roles, expires=FUTURE):
    keys, rl = {}, {}
    for name, (ks, thr) in roles.items():
        for k in ks:
            keys[k.keyid] = k.pub
        rl[name] = {"keyids": [k.keyid for k in ks], "threshold": thr}
    return {"_type": "root", "spec_version": "1.0.31", "version": version,
            "expires": expires, "consistent_snapshot": True, "keys": keys,
            "roles": rl}


def timestamp_body(version, snap_version, expires=FUTURE, snap_bytes=None):
    m = {"version": snap_version}
    if snap_bytes is not None:
        m["length"] = len(snap_bytes)
        m["hashes"] = {"sha256": hashlib.sha256(snap_bytes).hexdigest()}
    return {"_type": "timestamp", "spec_version": "1.0", "version": version,
            "expires": expires, "meta": {"snapshot.json": m}}


def snapshot_body(version, metas, expires=FUTURE):
    return {"_type": "snapshot", "spec_version": "1.0", "version": version,
            "expires": expires,
            "meta": {n: {"version": v} for n, v in metas.items()}}


def target_entry(data):
    return {"length": len(data), "hashes": {"sha256": hashlib.sha256(data).hexdigest()}}


def targets_body(version, files, expires=FUTURE, delegations=None, extra=None):
    b = {"_type": "targets", "spec_version": "1.0", "version": version,
         "expires": expires,
         "targets": {n: target_entry(d) for n, d in files.items()}}
    if delegations is not None:
        b["delegations"] = delegations
    if extra:
        b.update(extra)
    return b


class Repo:
    """A repository directory being written."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "targets"), exist_ok=True)

    def put(self, name, data):
        with open(os.path.join(self.path, name), "wb") as f:
            f.write(data)

    def target(self, name, data, content=None):
        if "/" in name:
            return  # listed only: the client must refuse the metadata
        h = hashlib.sha256(data).hexdigest()
        self.put(os.path.join("targets", h + "." + name),
                 data if content is None else content)


def main():
    out, tr_path = sys.argv[1], sys.argv[2]
    tr = open(tr_path, "rb").read()
    sc = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else json.dumps({
        "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
        "caUrls": [{"url": "https://fulcio.example", "majorApiVersion": 1,
                    "validFor": {"start": "2020-01-01T00:00:00Z"}}],
        "rekorTlogUrls": [{"url": "https://rekor.example", "majorApiVersion": 1,
                           "validFor": {"start": "2020-01-01T00:00:00Z"}}],
        "rekorTlogConfig": {"selector": "ANY"},
        "tsaConfig": {"selector": "ANY"}}, indent=2).encode() + b"\n"
    files = {"trusted_root.json": tr, "signing_config.v0.2.json": sc}

    R1, R2, R3 = Key("ecdsa-pem"), Key("ecdsa-hex"), Key("ed25519")
    R4, R5, R6 = Key("ecdsa-pem"), Key("ed25519"), Key("ecdsa-pem")
    T1, T2, N1 = Key("ed25519"), Key("ecdsa-pem"), Key("ecdsa-pem")
    G1, G2, D1, X1 = Key("ecdsa-pem"), Key("ed25519"), Key("ed25519"), Key("ed25519")

    roles1 = {"root": ([R1, R2, R3], 2), "timestamp": ([T1], 1),
              "snapshot": ([N1], 1), "targets": ([G1, G2], 2)}
    roles2 = dict(roles1, root=([R2, R4, R5], 3))
    root1 = dump(signed(root_body(1, roles1), [R1, R2, R3]))
    # rotation: signed by 2 of the old root keys and 3 of the new ones
    root2 = dump(signed(root_body(2, roles2), [R1, R3, R2, R4, R5]))
    os.makedirs(os.path.join(out, "s"), exist_ok=True)
    with open(os.path.join(out, "root1.json"), "wb") as f:
        f.write(root1)

    def state(r, v, roots, tsv=None, snap=None, tgt=None, ts=None,
              target_files=None):
        """Writes version-v timestamp/snapshot/targets (or the given ones)."""
        for i, data in enumerate(roots, 1):
            r.put("%d.root.json" % i, data)
        tf = files if target_files is None else target_files
        tgt = tgt if tgt is not None else dump(signed(targets_body(v, tf), [G1, G2]))
        snap = snap if snap is not None else dump(signed(
            snapshot_body(v, {"targets.json": v}), [N1]))
        ts = ts if ts is not None else dump(signed(timestamp_body(tsv or v, v), [T1]))
        r.put("%d.targets.json" % v, tgt)
        r.put("%d.snapshot.json" % v, snap)
        r.put("timestamp.json", ts)
        for n, d in tf.items():
            r.target(n, d)

    scen = {}

    def scenario(name, expect):
        scen[name] = expect
        d = os.path.join(out, "s", name)
        if os.path.exists(d):
            shutil.rmtree(d)
        shutil.copytree(os.path.join(out, "s", "good"), d)
        return Repo(d)

    base = Repo(os.path.join(out, "s", "base"))
    state(base, 1, [root1])
    good = Repo(os.path.join(out, "s", "good"))
    state(good, 2, [root1, root2])
    scen["base"] = "ok"
    scen["good"] = "ok"

    def v3(r, tgt=None, snap=None, ts=None, target_files=None):
        state(r, 3, [root1, root2], snap=snap, tgt=tgt, ts=ts,
              target_files=target_files)

    # ---- rollback of each role ----
    r = scenario("rollback-root", r"root: 3\.root\.json holds version 2 where 3 was expected \(rollback")
    r.put("3.root.json", root2)
    r = scenario("rollback-timestamp", r"timestamp: version 1 is older than the trusted version 2 \(rollback")
    r.put("timestamp.json", dump(signed(timestamp_body(1, 1), [T1])))
    r = scenario("rollback-snapshot", r"timestamp v3: snapshot version 1 is older than the trusted version 2 \(rollback")
    r.put("timestamp.json", dump(signed(timestamp_body(3, 1), [T1])))
    r = scenario("rollback-targets", r"snapshot v3: \"?targets\.json\"? version 1 is older than the trusted version 2 \(rollback")
    v3(r, snap=dump(signed(snapshot_body(3, {"targets.json": 1}), [N1])))

    # ---- freeze: expired metadata ----
    r = scenario("freeze-timestamp", r"timestamp v3: expired at 2020-01-01T00:00:00Z.*freeze")
    v3(r, ts=dump(signed(timestamp_body(3, 3, PAST), [T1])))
    r = scenario("freeze-snapshot", r"snapshot v3: expired at 2020-01-01T00:00:00Z.*freeze")
    v3(r, snap=dump(signed(snapshot_body(3, {"targets.json": 3}, PAST), [N1])))
    r = scenario("freeze-targets", r"targets v3: expired at 2020-01-01T00:00:00Z.*freeze")
    v3(r, tgt=dump(signed(targets_body(3, files, PAST), [G1, G2])))
    r = scenario("freeze-root", r"root v3: expired at 2020-01-01T00:00:00Z.*freeze")
    r.put("3.root.json", dump(signed(root_body(3, roles2, PAST), [R2, R4, R5])))

    # ---- mix-and-match ----
    r = scenario("mix-version", r"snapshot: version 2 where timestamp v3 lists 3 \(mix-and-match")
    r.put("timestamp.json", dump(signed(timestamp_body(3, 3), [T1])))
    r.put("3.snapshot.json", dump(signed(snapshot_body(2, {"targets.json": 2}), [N1])))
    r = scenario("mix-hash", r"snapshot v3 \(from timestamp v3\) \(mix-and-match protection\): (sha256 does not match|length|longer than)")
    a = dump(signed(snapshot_body(3, {"targets.json": 2}), [N1]))
    b = dump(signed(snapshot_body(3, {"targets.json": 2}, "2098-01-01T00:00:00Z"), [N1]))
    r.put("timestamp.json", dump(signed(timestamp_body(3, 3, snap_bytes=a), [T1])))
    r.put("3.snapshot.json", b)

    # ---- thresholds ----
    r = scenario("threshold", r"targets v3: signature threshold not met: 1 of 2")
    v3(r, tgt=dump(signed(targets_body(3, files), [G1])))
    r = scenario("duplicate-signature", r"targets v3: signature threshold not met: 1 of 2 .*two signatures are by one key")
    v3(r, tgt=dump(signed(targets_body(3, files), [G1, G1])))
    G1b = G1.alias({"x-alias": "same key, another id"})
    roles3 = dict(roles2, targets=([G1, G1b], 2))
    r = scenario("duplicate-key-two-ids", r"targets v3: signature threshold not met: 1 of 2 .*two signatures are by one key")
    r.put("3.root.json", dump(signed(root_body(3, roles3), [R2, R4, R5])))
    v3(r, tgt=dump(signed(targets_body(3, files), [G1, G1b])))

    # ---- root rotation ----
    r = scenario("root-new-keys-only", r"root v3 \(3\.root\.json\) by the keys of root v2: signature threshold not met: 0 of 3")
    r.put("3.root.json", dump(signed(root_body(3, dict(roles2, root=([R6, R1], 2))), [R6, R1])))
    r = scenario("root-threshold-raised", r"root v3 \(3\.root\.json\) by its own keys: signature threshold not met: 3 of 4")
    r.put("3.root.json", dump(signed(root_body(3, dict(roles2, root=([R2, R4, R5, R6], 4))), [R2, R4, R5])))
    r = scenario("root-old-key-removed", r"root v3 \(3\.root\.json\) by the keys of root v2: signature threshold not met: 2 of 3")
    # R1 signs: it was a root key of v1, not of v2
    r.put("3.root.json", dump(signed(root_body(3, dict(roles2, root=([R4, R5, R1], 3))), [R4, R5, R1])))

    # ---- targets files ----
    # a new trusted root is listed; the file served for it is spoiled
    tr3 = tr + b"\n"
    files3 = dict(files, **{"trusted_root.json": tr3})
    r = scenario("target-hash", r"target trusted_root\.json: sha256 does not match")
    v3(r, target_files=files3)
    bad = bytearray(tr3)
    bad[10] ^= 0x01
    r.target("trusted_root.json", tr3, bytes(bad))
    r = scenario("target-length", r"target trusted_root\.json: longer than the [0-9]+ bytes")
    v3(r, target_files=files3)
    r.target("trusted_root.json", tr3, tr3 + b" ")

    # ---- oversized metadata ----
    r = scenario("oversized-timestamp", r"timestamp\.json: the repository sent more than 16384 bytes")
    ts = dump(signed(timestamp_body(3, 2), [T1]))
    r.put("timestamp.json", ts[:-2] + b" " * 20000 + ts[-2:])
    r = scenario("oversized-root", r"3\.root\.json: the repository sent more than 512000 bytes")
    r.put("3.root.json", b"{" + b" " * 600000 + b"}")

    # ---- hostile content ----
    r = scenario("dotdot-target", r"targets: target path \"\.\./escape\" leaves its directory")
    v3(r, target_files=dict(files, **{"../escape": b"x"}))
    r = scenario("malformed-json", r"timestamp: JSON line")
    r.put("timestamp.json", b'{"signed": {"_type": "timestamp",')
    r = scenario("noncanonical-real", r"targets: not canonical JSON: a real number")
    v3(r, tgt=dump(signed(targets_body(3, files, extra={"x-real": 1.5}), [G1, G2])))
    r = scenario("noncanonical-signature", r"snapshot v3: signature threshold not met: 0 of 1 .*a signature does not verify")
    body = snapshot_body(3, {"targets.json": 3})
    v3(r, snap=dump(signed(body, [N1], raw=json.dumps(body).encode())))

    # ---- delegations ----
    deleg = {"keys": {D1.keyid: D1.pub},
             "roles": [{"name": "sub", "keyids": [D1.keyid], "threshold": 1,
                        "paths": ["*.json"], "terminating": False}]}
    r = scenario("delegated-ok", "ok")
    sub = dump(signed(targets_body(1, files), [D1]))
    v3(r, tgt=dump(signed(targets_body(3, {}, delegations=deleg), [G1, G2])),
       snap=dump(signed(snapshot_body(3, {"targets.json": 3, "sub.json": 1}), [N1])))
    r.put("1.sub.json", sub)
    r = scenario("delegated-bad-key", r"delegated role sub v1: signature threshold not met: 0 of 1")
    v3(r, tgt=dump(signed(targets_body(3, {}, delegations=deleg), [G1, G2])),
       snap=dump(signed(snapshot_body(3, {"targets.json": 3, "sub.json": 1}), [N1])))
    r.put("1.sub.json", dump(signed(targets_body(1, files), [X1])))
    term = {"keys": {D1.keyid: D1.pub},
            "roles": [{"name": "first", "keyids": [D1.keyid], "threshold": 1,
                       "paths": ["trusted_*"], "terminating": True},
                      {"name": "sub", "keyids": [D1.keyid], "threshold": 1,
                       "paths": ["*"], "terminating": False}]}
    r = scenario("delegated-terminating", r"targets v3: no target trusted_root\.json in the repository")
    v3(r, tgt=dump(signed(targets_body(3, {}, delegations=term), [G1, G2])),
       snap=dump(signed(snapshot_body(3, {"targets.json": 3, "first.json": 1,
                                          "sub.json": 1}), [N1])))
    r.put("1.first.json", dump(signed(targets_body(1, {}), [D1])))
    r.put("1.sub.json", sub)

    # ---- fast-forward recovery (§5.3.11): a rotated timestamp key voids
    # the trusted timestamp, so a lower version is accepted ----
    r = scenario("rotated-timestamp-key", "ok")
    roles4 = dict(roles2, timestamp=([T2], 1))
    r.put("3.root.json", dump(signed(root_body(3, roles4), [R2, R4, R5])))
    v3(r, ts=dump(signed(timestamp_body(1, 3), [T2])))

    # ---- a repository without consistent snapshots (like roots 1-4 of
    # the real history): plain names, and a delegated role whose file
    # name could collide with the client's own bookkeeping ----
    plain = Repo(os.path.join(out, "plain"))
    rootp = root_body(1, roles1)
    rootp["consistent_snapshot"] = False
    plain.put("root.json", dump(signed(rootp, [R1, R2, R3])))
    dp = {"keys": {D1.keyid: D1.pub},
          "roles": [{"name": "origin", "keyids": [D1.keyid], "threshold": 1,
                     "paths": ["signing_*"], "terminating": False}]}
    plain.put("origin.json", dump(signed(targets_body(
        1, {"signing_config.v0.2.json": sc}), [D1])))
    plain.put("targets.json", dump(signed(targets_body(
        1, {"trusted_root.json": tr}, delegations=dp), [G1, G2])))
    plain.put("snapshot.json", dump(signed(snapshot_body(
        1, {"targets.json": 1, "origin.json": 1}), [N1])))
    plain.put("timestamp.json", dump(signed(timestamp_body(1, 1), [T1])))
    for n, d in files.items():
        plain.put(os.path.join("targets", n), d)

    with open(os.path.join(out, "scenarios.json"), "w") as f:
        json.dump(scen, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
