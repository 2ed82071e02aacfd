#!/usr/bin/env bash
# tests/fuzz/gen_rekor_body_seeds.sh -- regenerates tests/fuzz/corpus/rekor_body/:
# one canonicalizedBody per entry kind and signer mode that matches the fixed
# reference of rekor_body_fuzz.c (its CERT_PEM, signature "fuzz-signature",
# digest 32 (48, 64 for SHA-384/512) x 0x11, payload {"_type":"x"}), so each
# seed passes the check.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus/rekor_body
mkdir -p "$out"
python3 - "$here/rekor_body_fuzz.c" "$out" <<'PY'
import base64, hashlib, json, re, subprocess, sys
src, out = sys.argv[1], sys.argv[2]
lines = re.findall(r'^\t"([^"]*)\\n"', open(src).read(), re.M)
pem = "".join(l + "\n" for l in lines).encode()
der = subprocess.run(["openssl", "x509", "-outform", "DER"], input=pem,
                     capture_output=True, check=True).stdout
pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout"], input=pem,
                     capture_output=True, check=True).stdout
spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                      input=pub, capture_output=True, check=True).stdout
b64 = lambda b: base64.b64encode(b).decode()
sig = b64(b"fuzz-signature")
digest = bytes([0x11]) * 32
ph = hashlib.sha256(b'{"_type":"x"}').digest()
def v1(kind, ver, spec):
    return {"apiVersion": ver, "kind": kind, "spec": spec}
for mode, flag, signer_pem, signer_der, v2key in (
        ("cert", 0, pem, der, "x509Certificate"),
        ("key", 8, pub, spki, "publicKey")):
    verifier = {v2key: {"rawBytes": b64(signer_der)},
                "keyDetails": "PKIX_ECDSA_P256_SHA_256"}
    bodies = [
        ("hashedrekord-v1", 0, v1("hashedrekord", "0.0.1", {
            "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}},
            "signature": {"content": sig,
                          "publicKey": {"content": b64(signer_pem)}}})),
        ("dsse-v1", 1, v1("dsse", "0.0.1", {
            "payloadHash": {"algorithm": "sha256", "value": ph.hex()},
            "signatures": [{"signature": sig, "verifier": b64(signer_pem)}]})),
        ("intoto-v2", 2, v1("intoto", "0.0.2", {"content": {
            "envelope": {"signatures": [{"sig": b64(sig.encode()),
                                         "publicKey": b64(signer_pem)}]},
            "payloadHash": {"algorithm": "sha256", "value": ph.hex()}}})),
        ("hashedrekord-v2", 3, v1("hashedrekord", "0.0.2", {
            "hashedRekordV002": {
                "data": {"algorithm": "SHA2_256", "digest": b64(digest)},
                "signature": {"content": sig, "verifier": verifier}}})),
        ("dsse-v2", 4, v1("dsse", "0.0.2", {"dsseV002": {
            "payloadHash": {"algorithm": "SHA2_256", "digest": b64(ph)},
            "signatures": [{"content": sig, "verifier": verifier}]}})),
    ]
    # issue 16: hashedrekord entries of SHA-384 and SHA-512 digests (bits
    # 5-6 of the first byte pick the signing hash)
    for alg, bits, n in (("384", 1, 48), ("512", 2, 64)):
        d = bytes([0x11]) * n
        bodies.append((f"hashedrekord-v1-sha{alg}", 0 | bits << 5, v1(
            "hashedrekord", "0.0.1", {
                "data": {"hash": {"algorithm": f"sha{alg}", "value": d.hex()}},
                "signature": {"content": sig,
                              "publicKey": {"content": b64(signer_pem)}}})))
        bodies.append((f"hashedrekord-v2-sha{alg}", 3 | bits << 5, v1(
            "hashedrekord", "0.0.2", {"hashedRekordV002": {
                "data": {"algorithm": f"SHA2_{alg}", "digest": b64(d)},
                "signature": {"content": sig, "verifier": verifier}}})))
    for name, k, body in bodies:
        data = json.dumps(body, separators=(",", ":"), sort_keys=True)
        with open(f"{out}/{name}-{mode}", "wb") as f:
            f.write(bytes([k | flag]) + data.encode())
PY
