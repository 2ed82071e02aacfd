#!/usr/bin/env bash
# tests/e2e/test_attack_inputs.sh -- a hostile party's inputs against what
# changed in issues 17 and 23 (review atk6), every attack the tool held:
#
#   gzip   hand-made gzip layers pulled from a real docker-registry: header
#          flags (FHCRC wrong, reserved bits, method 9, an FEXTRA longer than
#          the stream), an empty layer, a gzip of nothing, a member then an
#          empty member, zeros after the trailer, deflate data after the
#          final block, ISIZE + 2^32; sizes around the 64 KiB and 512 KiB
#          steps (stored and deflated): the right CRC-32 accepted with the
#          same files as Python's tarfile, the CRC with bit 0 or bit 31
#          flipped refused; a registry sending chunks of 1..524289 bytes.
#   memory verify REF (the layer verified in memory) against pull + verify DIR
#          (the same bytes on disk) on crafted layers: duplicates, './',
#          '//', case twins, '..', file/dir clashes, a PAX path onto another
#          name, both layouts at once, an attestation inside the layer: the
#          same exit and the same failed steps; a 256 MiB bomb inflates
#          within bounded memory.
#   claims a pointer's rekorLogIndex written every way YAML can spell a number;
#          with a signed bundle, verify POINTER and ledger --verify agree on 0,
#          1, 2^63-1 (index mismatch), absent and ~ (pass), 00, -1, "0", 0.0, 1e3.
#   dates  trust show --at on the strict routine's edges; TUF 'expires' on
#          both sides of the update time, in every allowed form and some
#          refused ones; delegated role names that percent-encode to
#          traversal, NUL, very long names.
#   login  a co-tenant (uid nobody) flooding the login listener with 64
#          threads of half requests: the real callback exchanged once; an
#          authorization_endpoint carrying quotes and markup reaches the
#          browser intact and is no markup in the start page.
#   signed a co-tenant flipping our cached layer between the honest bytes and
#          junk during 30 verifies of a pointer (online: all pass; offline:
#          pass or "not in the cache", never another verdict; ledger --verify
#          and check --verify-signatures likewise).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
EX=$TOP/recipes/examples
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
need_tools docker-registry python3 jq curl tar

reg_up "$W/reg"
R=$REG_HOST

# ---------------------------------------------------------------- gzip
cat >"$W/gz.py" <<'PY'
import io, os, struct, sys, tarfile, zlib
def tarbytes(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0; ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    return b.getvalue()
def gz(raw, level=6, extra=b"", flags=0, fhcrc=None, crc_xor=0, isize_add=0):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = c.compress(raw) + c.flush()
    h = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\xff") + extra
    if flags & 2:
        h += struct.pack("<H", fhcrc if fhcrc is not None else zlib.crc32(bytes(h)) & 0xffff)
    return bytes(h) + body + struct.pack("<II", (zlib.crc32(raw) ^ crc_xor) & 0xffffffff, (len(raw) + isize_add) & 0xffffffff)
mode, out = sys.argv[1], sys.argv[2]
small = tarbytes([("f.bin", b"hello\n")])
m = mode.split(":")
if m[0] == "size": data = gz(tarbytes([("f.bin", os.urandom(int(m[1])))]), int(m[2]))
elif m[0] == "cut":
    full = gz(tarbytes([("f.bin", os.urandom(1048576))]), 0); k = int(m[1]); data = full[:k] if k >= 0 else full[:len(full) + k]
elif m[0] == "crc": data = gz(tarbytes([("f.bin", os.urandom(int(m[1])))]), 0, crc_xor=int(m[2]))
elif mode == "fhcrc-wrong": data = gz(small, flags=2, fhcrc=0x1234)
elif mode == "fhcrc-right": data = gz(small, flags=2)
elif mode == "fextra": data = gz(small, flags=4, extra=struct.pack("<H", 4) + b"AB\0\0")
elif mode == "fextra-overlong": data = gz(small, flags=4, extra=struct.pack("<H", 65535) + b"AB")
elif mode == "fname": data = gz(small, flags=8, extra=b"name\0")
elif mode == "reserved-flag": data = gz(small, flags=0x20)
elif mode == "method9": d = bytearray(gz(small)); d[2] = 9; data = bytes(d)
elif mode == "empty-member-after": data = gz(small) + gz(b"")
elif mode == "zeros-after": data = gz(small) + b"\0" * 8
elif mode == "empty": data = b""
elif mode == "gzip-of-nothing": data = gz(b"")
elif mode == "isize-plus-2^32": data = gz(small, isize_add=1 << 32)
elif mode == "deflate-after-final":
    c = zlib.compressobj(6, zlib.DEFLATED, -15); body = c.compress(small) + c.flush()
    data = b"\x1f\x8b\x08\0\0\0\0\0\0\xff" + body + b"\x03\x00" + struct.pack("<II", zlib.crc32(small), len(small))
else: raise SystemExit("mode?")
open(out, "wb").write(data)
PY
# gz_pull MODE: pushes the layer, pulls it; GZ_RC, and GZ_SAME=1 when the
# pulled tree is what Python's tarfile extracts
gz_pull() {
	local f=$W/gz/$1.tgz d
	mkdir -p "$W/gz"
	rm -rf "$W/gz/o" "$W/gz/c" "$W/gz/py"
	python3 "$W/gz.py" "$1" "$f" || { GZ_RC=99; return; }
	d=$(python3 "$HERE/ocipush.py" artifact "$R" ev/gz "$f" --note "$1") || { GZ_RC=98; return; }
	run pull "$R/ev/gz@$d" --to "$W/gz/o" --cache "$W/gz/c" --registry-plain-http -q
	GZ_RC=$T_RC GZ_SAME=0
	if [ "$GZ_RC" = 0 ]; then
		mkdir -p "$W/gz/py"
		python3 -c 'import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$f" "$W/gz/py" 2>/dev/null &&
			diff -r "$W/gz/o" "$W/gz/py" >/dev/null && GZ_SAME=1
	fi
}
for m in fhcrc-right fextra fname isize-plus-2^32; do
	gz_pull "$m"
	[ "$GZ_RC" = 0 ] && [ "$GZ_SAME" = 1 ] && ok "gzip $m: pulled, the files Python reads" ||
		bad "gzip $m: pulled, the files Python reads" "exit $GZ_RC, same $GZ_SAME"
done
for m in fhcrc-wrong fextra-overlong reserved-flag method9 empty-member-after zeros-after empty gzip-of-nothing deflate-after-final; do
	gz_pull "$m"
	[ "$GZ_RC" = 2 ] && [ ! -e "$W/gz/o" ] && ok "gzip $m: refused (exit 2), nothing extracted" ||
		bad "gzip $m: refused (exit 2), nothing extracted" "exit $GZ_RC"
done
for k in 10 18 65536 524287 524288 524289 -8 -4 -1; do
	gz_pull "cut:$k"
	[ "$GZ_RC" = 2 ] && [ ! -e "$W/gz/o" ] && ok "gzip a 1 MiB stored layer cut at $k: refused, nothing extracted" ||
		bad "gzip a 1 MiB stored layer cut at $k: refused, nothing extracted" "exit $GZ_RC"
done
for n in 0 1 63 65 65535 65536 65537 524287 524288 524289 1048576; do
	s_ok=1
	for l in 0 6; do
		gz_pull "size:$n:$l"
		[ "$GZ_RC" = 0 ] && [ "$GZ_SAME" = 1 ] || s_ok=0
	done
	[ $s_ok = 1 ] && ok "gzip a $n-byte file, stored and deflated: pulled, the same bytes" ||
		bad "gzip a $n-byte file, stored and deflated: pulled, the same bytes" "exit $GZ_RC"
	c_ok=1
	for x in 1 2147483648; do
		gz_pull "crc:$n:$x"
		[ "$GZ_RC" = 2 ] && grep -q 'incorrect data check\|crc' "$T_ERR" || c_ok=0
	done
	[ $c_ok = 1 ] && ok "gzip a $n-byte file, CRC-32 bit 0 or bit 31 flipped: refused" ||
		bad "gzip a $n-byte file, CRC-32 bit 0 or bit 31 flipped: refused" "exit $GZ_RC"
done

# a registry sending every body chunked in 1 .. 524289-byte pieces
cat >"$W/chunkreg.py" <<'PY'
import hashlib, json, random, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, layer, seed, dout = int(sys.argv[1]), open(sys.argv[2], "rb").read(), int(sys.argv[3]), sys.argv[4]
def dg(b): return "sha256:" + hashlib.sha256(b).hexdigest()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "artifactType": "application/vnd.nvidia.aicr.artifact",
    "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": dg(b"{}"), "size": 2, "data": "e30="},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": dg(layer), "size": len(layer)}]}).encode()
blobs = {dg(b"{}"): b"{}", dg(layer): layer}
rnd = random.Random(seed)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        p = self.path.split("?")[0]
        body, ct = None, "application/octet-stream"
        if p == "/v2/": body = b"{}"
        elif "/manifests/" in p and p.endswith(dg(man)): body, ct = man, "application/vnd.oci.image.manifest.v1+json"
        elif "/blobs/" in p and p.split("/")[-1] in blobs: body = blobs[p.split("/")[-1]]
        if body is None:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        self.send_response(200); self.send_header("Content-Type", ct)
        self.send_header("Transfer-Encoding", "chunked"); self.end_headers()
        i = 0
        while i < len(body):
            n = rnd.choice([1, 2, 3, 7, 511, 513, 4095, 65535, 65537, 131071, 524287, 524289])
            c = body[i:i + n]; i += n
            self.wfile.write(b"%x\r\n" % len(c) + c + b"\r\n"); self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
s = ThreadingHTTPServer(("127.0.0.1", port), H)
open(dout + ".tmp", "w").write(dg(man)); import os; os.replace(dout + ".tmp", dout)
s.serve_forever()
PY
python3 - "$W/chunk.tgz" <<'PY'
import gzip, io, os, sys, tarfile
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
    for n, d in (("r.bin", os.urandom(1200000)), ("z.bin", b"\0" * 3000000), ("t.txt", b"hello" * 100000)):
        ti = tarfile.TarInfo(n); ti.size = len(d); ti.mtime = 0; t.addfile(ti, io.BytesIO(d))
open(sys.argv[1], "wb").write(gzip.compress(b.getvalue(), 6, mtime=0))
PY
mkdir -p "$W/chunk.gnu" && tar -xzf "$W/chunk.tgz" -C "$W/chunk.gnu"
for seed in 1 2 3; do
	cp=$(free_port)
	python3 "$W/chunkreg.py" "$cp" "$W/chunk.tgz" "$seed" "$W/chunk.d" >/dev/null 2>&1 &
	cpid=$!
	for _ in $(seq 50); do [ -s "$W/chunk.d" ] && curl -s "http://127.0.0.1:$cp/v2/" >/dev/null && break; sleep 0.1; done
	rm -rf "$W/chunk.o"
	run pull "127.0.0.1:$cp/ev/x@$(cat "$W/chunk.d")" --to "$W/chunk.o" --cache "$W/chunk.c$seed" --registry-plain-http -q
	kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
	rm -f "$W/chunk.d"
	[ "$T_RC" = 0 ] && diff -r "$W/chunk.o" "$W/chunk.gnu" >/dev/null &&
		ok "a registry chunking bodies in 1..524289-byte pieces (seed $seed): pulled, the same files" ||
		bad "a registry chunking bodies in 1..524289-byte pieces (seed $seed): pulled, the same files" "exit $T_RC"
done

# ---------------------------------------------------------------- memory
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/E"
expect_rc 0 "memory: emit an unsigned bundle"
cat >"$W/craft.py" <<'PY'
import gzip, io, os, sys, tarfile
src, case, out = sys.argv[1], sys.argv[2], sys.argv[3]
E = []
for dp, dn, fn in os.walk(src):
    for d in dn: E.append((os.path.relpath(os.path.join(dp, d), src) + "/", None))
    for f in fn: E.append((os.path.relpath(os.path.join(dp, f), src), open(os.path.join(dp, f), "rb").read()))
E.sort(key=lambda x: x[0].encode())
D = dict(E)
conf = D["ctrf/conformance.json"]
fmt, pax = tarfile.USTAR_FORMAT, {}
L = {
 "honest": E,
 "tampered": [(n, d + b"\n" if n == "recipe.yaml" else d) for n, d in E],
 "dup-second-differs": E + [("ctrf/conformance.json", conf.replace(b"passed", b"failed", 1))],
 "dup-dot-slash": E + [("./ctrf/conformance.json", b"X")],
 "all-dot-slash": [("./" + n, d) for n, d in E],
 "double-slash": [(n.replace("ctrf/", "ctrf//") if n != "ctrf/" else n, d) for n, d in E],
 "case-twin-file": E + [("Manifest.json", b"{}")],
 "case-twin-dir": E + [("CTRF/", None), ("CTRF/conformance.json", b"{}")],
 "stray-file": E + [("extra.txt", b"x")],
 "stray-100mib": E + [("zbig.bin", b"\0" * (100 << 20))],
 "dotdot-inside": E + [("ctrf/../extra.txt", b"x")],
 "no-dir-entries": [(n, d) for n, d in E if d is not None],
 "dir-over-file": E + [("manifest.json/", None)],
 "file-over-dir": E + [("ctrf", b"x")],
 "attestation-in-layer": E + [("attestation.intoto.jsonl", b'{"mediaType":"x"}')],
 "both-layouts": E + [("summary-bundle/", None)] + [("summary-bundle/" + n, d) for n, d in E],
 "oras-layout": [("summary-bundle/", None)] + [("summary-bundle/" + n, d) for n, d in E],
 "pax-path-onto-another": E,
}[case]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT if case.startswith("pax") else fmt) as t:
    for n, d in L:
        x = tarfile.TarInfo(n); x.mtime = 0
        if d is None: x.type, x.mode = tarfile.DIRTYPE, 0o755
        else: x.size, x.mode = len(d), 0o644
        if case.startswith("pax") and n == "recipe.yaml": x.pax_headers = {"path": "snapshot.yaml"}
        t.addfile(x, io.BytesIO(d) if d is not None else None)
open(out, "wb").write(gzip.compress(b.getvalue(), mtime=0))
PY
steps() { jq -c '[.exit, [.steps[]? | select(.status == "failed") | .name]]' "$1" 2>/dev/null; }
for c in honest tampered dup-second-differs dup-dot-slash all-dot-slash double-slash case-twin-file \
	case-twin-dir stray-file stray-100mib dotdot-inside no-dir-entries dir-over-file file-over-dir attestation-in-layer \
	both-layouts oras-layout pax-path-onto-another; do
	m=$W/mem/$c
	mkdir -p "$m"
	python3 "$W/craft.py" "$W/E/summary-bundle" "$c" "$m/l.tgz" || { bad "memory $c: crafted"; continue; }
	d=$(python3 "$HERE/ocipush.py" artifact "$R" ev/mem "$m/l.tgz")
	run verify "$R/ev/mem@$d" --registry-plain-http --cache "$m/c1" --format json
	mrc=$T_RC
	cp "$T_OUT" "$m/mem.json"
	run pull "$R/ev/mem@$d" --registry-plain-http --cache "$m/c2" --to "$m/dir" -q
	if [ "$T_RC" = 0 ]; then
		run verify "$m/dir" --format json
		drc=$T_RC
		cp "$T_OUT" "$m/disk.json"
		ms=$(steps "$m/mem.json") ds=$(steps "$m/disk.json")
	else
		drc=2 ms=$(steps "$m/mem.json") ds='[2,["materialize-bundle"]]'
	fi
	if [ "$mrc" = "$drc" ] && [ "$ms" = "$ds" ]; then
		ok "memory $c: verify REF and pull + verify DIR agree (exit $mrc, $ms)"
	else
		bad "memory $c: verify REF and pull + verify DIR agree" "memory exit $mrc $ms; disk exit $drc $ms"
	fi
	case $c in honest | all-dot-slash | no-dir-entries | oras-layout) want=0 ;; *) want=2 ;; esac
	[ "$mrc" = "$want" ] && ok "memory $c: exit $want" || bad "memory $c: exit $want" "exit $mrc"
done
python3 "$HERE/tarcraft.py" bomb 1 262144 "$W/bomb.tgz"
d=$(python3 "$HERE/ocipush.py" artifact "$R" ev/mem "$W/bomb.tgz")
if command -v /usr/bin/time >/dev/null; then
	/usr/bin/time -f '%M' -o "$W/bomb.rss" "$AE_BIN" verify "$R/ev/mem@$d" --registry-plain-http --cache "$W/bomb.c" \
		>/dev/null 2>"$W/bomb.err"
	rc=$?
	rss=$(tail -1 "$W/bomb.rss")
	[ "$rc" = 2 ] && [ "$rss" -lt 200000 ] && ok "memory: a 256 MiB bomb layer: refused (exit 2) within ${rss} KiB RSS" ||
		bad "memory: a 256 MiB bomb layer: refused within 200 MB RSS" "exit $rc, $rss KiB"
fi

# ---------------------------------------------------------------- claims
ptr() { # INDEX-TEXT
	cat <<EOF
attestations:
  - attestedAt: 2026-06-25T05:57:00Z
    bundle:
      digest: sha256:33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317
      oci: ghcr.io/yuanchen97/aicr-evidence:h100-gke-cos-training-33d4cf366
      predicateType: https://aicr.run/recipe-evidence/v3
    signer:
      identity: yuanchen97@gmail.com
      issuer: https://github.com/login/oauth
      rekorLogIndex: $1
recipe: h100-gke-cos-training
schemaVersion: 1.0.0
EOF
}
for v in -1 00 042 '"5"' "'0'" 1.0 0.0 -0 +5 1e3 0x10 0o7 0b1 1_000 .inf true 9223372036854775808 18446744073709551616 '[]' '{}'; do
	ptr "$v" >"$W/p.yaml"
	run pointer show "$W/p.yaml" --format json
	expect_rc 1 "claims: rekorLogIndex $v is refused (exit 1)"
done
for v in '!!int 5' '&a 5'; do
	ptr "$v" >"$W/p.yaml"
	run pointer show "$W/p.yaml" --format json
	expect_rc 1 "claims: rekorLogIndex $v (a tag or anchor) is refused"
done
for v in 0 5 9223372036854775807; do
	ptr "$v" >"$W/p.yaml"
	run pointer show "$W/p.yaml" --format json
	[ "$T_RC" = 0 ] && grep -qE "\"rekorLogIndex\": $v(,|\$)" "$T_OUT" &&
		ok "claims: rekorLogIndex $v reads as $v" || bad "claims: rekorLogIndex $v reads as $v" "exit $T_RC"
done
for v in '~' null; do
	ptr "$v" >"$W/p.yaml"
	run pointer show "$W/p.yaml" --format json
	[ "$T_RC" = 0 ] && ! grep -q rekorLogIndex "$T_OUT" && ok "claims: rekorLogIndex $v reads as absent (yaml.v3's nil)" ||
		bad "claims: rekorLogIndex $v reads as absent" "exit $T_RC"
done

# ---------------------------------------------------------------- dates
for at in 2026-01-01T24:00:00Z 2026-01-01T00:00:00+99:99 2026-01-01T00:00:00+24:00 2026-01-01T00:00:00.Z \
	2026-02-29T00:00:00Z 2026-01-01T00:00:00 '2026-01-01 00:00:00Z' 2026-01-01T00:00:00+0000 2026-1-01T00:00:00Z \
	10000-01-01T00:00:00Z +2026-01-01T00:00:00Z 1e9 now ''; do
	run trust show --cache "$W/none" --at "$at" --format json
	expect_rc 64 "dates: trust show --at '$at' is a usage error"
done
for p in "2026-01-01t00:00:00z 2026-01-01T00:00:00Z" "2026-12-31T23:59:60Z 2027-01-01T00:00:00Z" \
	"2024-02-29T00:00:00Z 2024-02-29T00:00:00Z" "2026-01-01T00:00:00-23:59 2026-01-01T23:59:00Z" \
	"2026-01-01T00:00:00.999999999999999999999Z 2026-01-01T00:00:00Z" "2026-01-01T00:00:00-00:00 2026-01-01T00:00:00Z" \
	"1969-12-31T23:59:59Z 1969-12-31T23:59:59Z"; do
	set -- $p
	run trust show --cache "$W/none" --at "$1" --format json
	[ "$T_RC" = 0 ] && [ "$(jq -r .at "$T_OUT")" = "$2" ] && ok "dates: trust show --at $1 is $2" ||
		bad "dates: trust show --at $1 is $2" "exit $T_RC, $(jq -r .at "$T_OUT" 2>/dev/null)"
done

cat >"$W/tufdates.py" <<'PY'
import json, os, sys
out, top = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(top, "tests", "tuf"))
import gen_repo as g
files = {"trusted_root.json": open(os.path.join(top, "evidence", "data", "public-good-trusted_root.json"), "rb").read()}
R, T, N, G = g.Key("ecdsa-pem"), g.Key("ed25519"), g.Key("ecdsa-pem"), g.Key("ed25519")
root = g.dump(g.signed(g.root_body(1, {"root": ([R], 1), "timestamp": ([T], 1), "snapshot": ([N], 1), "targets": ([G], 1)}), [R]))
open(os.path.join(out, "root1.json"), "wb").write(root)
def repo(label, exp=g.FUTURE, deleg=None):
    r = g.Repo(os.path.join(out, "s", label))
    r.put("1.root.json", root)
    snap = {"targets.json": 1}
    if deleg is not None:
        D = g.Key("ed25519")
        d = {"keys": {D.keyid: D.pub}, "roles": [{"name": deleg, "keyids": [D.keyid], "threshold": 1, "paths": ["*"], "terminating": False}]}
        r.put("1.targets.json", g.dump(g.signed(g.targets_body(1, {}, delegations=d), [G])))
        snap[deleg + ".json"] = 1
        try:
            r.put("1." + deleg + ".json", g.dump(g.signed(g.targets_body(1, files), [D])))
        except (OSError, ValueError):
            pass
    else:
        r.put("1.targets.json", g.dump(g.signed(g.targets_body(1, files), [G])))
    r.put("1.snapshot.json", g.dump(g.signed(g.snapshot_body(1, snap), [N])))
    r.put("timestamp.json", g.dump(g.signed(g.timestamp_body(1, 1, expires=exp), [T])))
    for n, d in files.items(): r.target(n, d)
for label, exp in (("plain", "2030-06-01T12:00:00Z"), ("lower", "2030-06-01t12:00:00z"), ("offset", "2030-06-01T14:00:00+02:00"),
                   ("minus-zero", "2030-06-01T12:00:00-00:00"), ("leap", "2030-06-30T23:59:60Z"), ("y9999", "9999-12-31T23:59:59Z"),
                   ("hour24", "2030-06-01T24:00:00Z"), ("feb29", "2030-02-29T00:00:00Z"), ("no-zone", "2030-06-01T12:00:00"),
                   ("space", "2030-06-01 12:00:00Z"), ("offset-99", "2030-06-01T12:00:00+99:00"), ("dot-only", "2030-06-01T12:00:00.Z"),
                   ("plus-year", "+2030-06-01T12:00:00Z"), ("five-digit-year", "12030-06-01T12:00:00Z"),
                   ("offset-no-colon", "2030-06-01T12:00:00+0200"), ("integer", 1900000000)):
    repo("exp-" + label, exp)
for label, nm in (("dotdot-pct2F", "..%2Fsub"), ("pct-traverse", "a%2f..%2f..%2fx"), ("pct00", "%00"), ("lone-pct", "%"),
                  ("pctpct", "%%"), ("dot", "."), ("dotdot", ".."), ("newline", "sub\nx"), ("trailing-slash", "sub/"),
                  ("trailing-space", "sub "), ("utf8", "\u00e9t\u00e9"), ("backslash-dotdot", "..\\x"), ("long300", "x" * 300),
                  ("long5000", "x" * 5000), ("timestamp", "timestamp"), ("upper-root", "Root"), ("version-like", "1.root"),
                  ("dot-json", "sub.json"), ("dash", "-")):
    repo("role-" + label, deleg=nm)
PY
mkdir -p "$W/tufgen" "$W/tufsrv"
python3 "$W/tufdates.py" "$W/tufgen" "$TOP" || bad "dates: TUF repositories generated"
tp=$(free_port)
python3 -m http.server "$tp" --bind 127.0.0.1 --directory "$W/tufsrv" >/dev/null 2>&1 &
t_cleanup "kill $!"
for _ in $(seq 50); do curl -s "http://127.0.0.1:$tp/" >/dev/null && break; sleep 0.1; done
tuf() { # REPO AT
	rm -rf "${W:?}/tufsrv/"* "$W/tc"
	cp -r "$W/tufgen/s/$1/." "$W/tufsrv/"
	run trust update --tuf-url "http://127.0.0.1:$tp" --tuf-root "$W/tufgen/root1.json" --cache "$W/tc" ${2:+--at "$2"}
}
for e in plain lower offset minus-zero; do
	tuf "exp-$e" 2030-06-01T11:59:59Z
	expect_rc 0 "dates: TUF expires ($e form) one second after the update time: accepted"
	tuf "exp-$e" 2030-06-01T12:00:00Z
	[ "$T_RC" = 2 ] && grep -q 'freeze attack' "$T_ERR" && ok "dates: TUF expires ($e form) at the update time: expired" ||
		bad "dates: TUF expires ($e form) at the update time: expired" "exit $T_RC"
	tuf "exp-$e" 2030-06-01T12:00:01Z
	[ "$T_RC" = 2 ] && [ ! -e "$W/tc/tuf/selected" ] && ok "dates: TUF expired by one second ($e form): refused, nothing selected" ||
		bad "dates: TUF expired by one second ($e form): refused, nothing selected" "exit $T_RC"
done
tuf exp-leap 2030-07-01T00:00:00Z
expect_rc 2 "dates: TUF expires 23:59:60 is the next midnight: expired at it"
tuf exp-leap 2030-06-30T23:59:59Z
expect_rc 0 "dates: TUF expires 23:59:60: valid a second before"
tuf exp-y9999 ""
expect_rc 0 "dates: TUF expires 9999-12-31T23:59:59Z: accepted"
for e in hour24 feb29 no-zone space offset-99 dot-only plus-year five-digit-year offset-no-colon integer; do
	tuf "exp-$e" 2030-01-01T00:00:00Z
	[ "$T_RC" = 2 ] && grep -q '"expires" is not' "$T_ERR" && ok "dates: TUF expires ($e): refused as not a time" ||
		bad "dates: TUF expires ($e): refused as not a time" "exit $T_RC"
done
for r in dotdot-pct2F dot dotdot newline trailing-slash trailing-space utf8 backslash-dotdot long300 long5000 timestamp; do
	tuf "role-$r" ""
	[ "$T_RC" = 2 ] && grep -q 'not a plain file name' "$T_ERR" && [ ! -e "$W/tc/tuf/selected" ] &&
		ok "tuf delegated role name $r: refused (exit 2), nothing selected" ||
		bad "tuf delegated role name $r: refused (exit 2), nothing selected" "exit $T_RC"
done
for r in pct-traverse pct00 lone-pct pctpct upper-root version-like dot-json dash; do
	touch "$W/tuf.mark"
	tuf "role-$r" ""
	expect_rc 0 "tuf delegated role name $r: a plain name, fetched percent-encoded"
	n=$(find "$W" -newer "$W/tuf.mark" -type f 2>/dev/null | grep -v -e "^$W/tc/" -e "^$W/tufsrv/" -e "^$W/\.std" -e "^$W/tuf.mark" | grep -c -e '\.json$' -e 'sub' || true)
	[ "$n" = 0 ] && ok "tuf delegated role name $r: nothing written outside the cache" ||
		bad "tuf delegated role name $r: nothing written outside the cache" "$n files"
done



# ---------------------------------------------------------------- login
# A stand-in provider (discovery with a hostile authorization_endpoint when
# AUTH_PATH says so; /token answers invalid_grant) and a stand-in browser
# that resolves what it was given (a page file or a start URL) and calls
# back with the state; a co-tenant floods the listener meanwhile.
mkdir -p "$W/lbin"
cat >"$W/lbin/xdg-open" <<'PY'
#!/usr/bin/env python3
import html, http.client, json, os, re, sys, time, urllib.parse
arg, out = sys.argv[1], os.environ["B_OUT"]
res = {"arg": arg}
def get(u):
    p = urllib.parse.urlparse(u)
    c = http.client.HTTPConnection(p.hostname, p.port, timeout=20)
    c.request("GET", p.path + ("?" + p.query if p.query else ""))
    r = c.getresponse()
    return r.status, r.getheader("Location") or ""
try:
    if arg.startswith("http"):
        auth = get(arg)[1]
    else:
        t = open(arg[7:] if arg.startswith("file://") else arg).read()
        res["page"] = t
        m = re.search(r'http-equiv="refresh" content="0; ?url=([^"]*)"', t, re.I)
        auth = html.unescape(m.group(1)) if m else ""
    res["auth"] = auth
    q = urllib.parse.parse_qs(urllib.parse.urlparse(auth).query)
    state, redirect = q.get("state", [""])[0], q.get("redirect_uri", [""])[0]
    time.sleep(float(os.environ.get("B_WAIT", "0")))
    res["callback"] = get(redirect + "?code=REAL-CODE-1&state=" + urllib.parse.quote(state))[0]
except Exception as e:  # noqa: BLE001
    res["error"] = str(e)
json.dump(res, open(out, "w"))
PY
chmod +x "$W/lbin/xdg-open"
cat >"$W/flood.py" <<'PY'
import os, socket, sys, threading, time
stop, end = sys.argv[1], time.time() + 40
port = None
while port is None and time.time() < end:
    try:
        port = int(open(sys.argv[2]).read())
    except (OSError, ValueError):
        time.sleep(0.02)
def worker():
    conns = []
    while not os.path.exists(stop) and time.time() < end:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(b"GET /auth/callback?code=FLOOD&state=")
            conns.append(s)
            if len(conns) > 4: conns.pop(0).close()
        except OSError:
            time.sleep(0.001)
for _ in range(64): threading.Thread(target=worker, daemon=True).start()
while not os.path.exists(stop) and time.time() < end: time.sleep(0.05)
PY
chmod 0755 "$W" 2>/dev/null
chmod 0644 "$W/flood.py"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	CO="setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3"
else CO=python3; fi
# login AUTH_PATH FLOOD(0|1): one browser login; sets LRC, fills $W/browser.json, $W/lidp.log
login() {
	local ip idp
	: >"$W/lidp.log"
	rm -f "$W/browser.json" "$W/lport" "$W/lstop"
	login_idp_start "$W/lidp.log" "$1"
	ip=$IDP_PORT idp=$IDP_PID
	local rp
	rp=$(free_port)
	if [ "$2" = 1 ]; then
		echo "$rp" >"$W/lport"
		chmod 0644 "$W/lport"
		$CO "$W/flood.py" "$W/lstop" "$W/lport" >/dev/null 2>&1 &
	fi
	echo data >"$W/a.txt"
	env -u SIGSTORE_ID_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_URL -u ACTIONS_ID_TOKEN_REQUEST_TOKEN \
		PATH="$W/lbin:$PATH" DISPLAY=:99 XDG_CACHE_HOME="$W/xdg" B_OUT="$W/browser.json" B_WAIT="$2" \
		timeout 60 "$AE_BIN" sigstore sign-bundle --bundle "$W/out.json" --oidc-provider browser \
		--oidc-issuer "http://127.0.0.1:$ip" --oidc-timeout 20s --fulcio-url "http://127.0.0.1:$ip" \
		--oidc-redirect-url "http://127.0.0.1:$rp/auth/callback" \
		--rekor-url "http://127.0.0.1:$ip" "$W/a.txt" >"$T_OUT" 2>"$T_ERR"
	LRC=$?
	touch "$W/lstop"
	for _ in $(seq 50); do [ -s "$W/browser.json" ] && break; sleep 0.1; done
	kill "$idp" 2>/dev/null
	wait "$idp" 2>/dev/null
}
login /auth 1
n=$(grep -c '^POST /token' "$W/lidp.log")
[ "$n" = 1 ] && grep '^POST /token' "$W/lidp.log" | grep -q REAL-CODE-1 &&
	ok "login: 64 threads of $([ "$CO" = python3 ] && echo 'this user' || echo 'uid nobody') flooding the listener: the real callback is exchanged, once" ||
	bad "login: a flooded listener still takes the real callback, once" "$n exchanges; $(head -c 200 "$W/browser.json")"
grep -q 'FLOOD' "$W/lidp.log" && bad "login: a flood's half request is never exchanged" || ok "login: a flood's half request is never exchanged"
for ap in '/auth?x="><script>alert(1)</script>' "/auth?x='onload=alert(1)" '/auth?a=1&b=<b>'; do
	login "$ap" 0
	auth=$(jq -r '.auth // empty' "$W/browser.json")
	case $auth in
	"http://127.0.0.1:"*"${ap}&"*) ;;
	*) bad "login: authorization_endpoint '$ap': the browser reaches it intact" "$(head -c 300 "$W/browser.json")"; continue ;;
	esac
	if jq -r '.page // ""' "$W/browser.json" | grep -q -e '<script' -e "='onload" -e '<b>'; then
		bad "login: authorization_endpoint '$ap': nothing of it is markup in the start page"
	else
		ok "login: authorization_endpoint '$ap': reached intact, nothing of it markup in the start page"
	fi
done

# ---------------------------------------------------------------- signed
. "$HERE/sigstore_stack.sh"
. "$HERE/ledger_signed.sh"
if ! stack_start "$W/stack"; then
	echo "SKIPPED -- the signed cases: the Sigstore stack did not start"
	t_end
fi
TR=$STACK_DIR/trusted_root.json SC=$STACK_DIR/signing_config.json
REG_HOST=$R
signed_ctrf "$SE_EX/ctrf" "$W/cz" 1 || bad "signed: ctrf copy"
signed_emit z alice@example.test "$W/cz" "$W/root" || t_end
PTR=$SE_PTR
run verify "$PTR" --trusted-root "$TR" --registry-plain-http --cache "$W/sc"
expect_rc 0 "signed: the honest pointer verifies (control)"
# claim_case VALUE WANT(pass|index|unreadable): verify POINTER and ledger --verify agree
claim_case() {
	local v=$1 want=$2 r=$W/claim-$RANDOM p vrc lv
	mkdir -p "$r" && cp -r "$W/root/." "$r/"
	p=$r/${PTR#"$W/root/"}
	if [ "$v" = absent ]; then sed -i '/rekorLogIndex/d' "$p"; else
		sed -i "/rekorLogIndex/d; s|^\( *\)issuer: \(.*\)$|\1issuer: \2\n\1rekorLogIndex: $v|" "$p"; fi
	run verify "$p" --trusted-root "$TR" --registry-plain-http --cache "$W/sc"
	vrc=$T_RC
	run ledger --root "$r" --verify --trusted-root "$TR" --registry-plain-http --cache "$W/sc" --format json
	lv=$(jq -r '[.signers[]?.vote] | join(",")' "$T_OUT")
	case $want in
	pass) [ "$vrc" = 0 ] && [ "$lv" = verified ] ;;
	index) [ "$vrc" = 2 ] && [ "$lv" = unverifiable ] && grep -q 'Rekor log index' "$T_OUT" ;;
	unreadable) [ "$vrc" = 2 ] && [ "$lv" = unverifiable ] && grep -q 'pointer unreadable' "$T_OUT" ;;
	esac && ok "signed: rekorLogIndex $v: verify POINTER and ledger --verify agree ($want)" ||
		bad "signed: rekorLogIndex $v: verify POINTER and ledger --verify agree ($want)" "verify exit $vrc, ledger vote '$lv'"
}
claim_case absent pass
claim_case '~' pass
claim_case 0 index
claim_case 1 index
claim_case 9223372036854775807 index
for v in 00 -1 '"0"' 0.0 1e3; do claim_case "$v" unreadable; done

# a co-tenant flips our cached layer between junk and the honest bytes
lay=""
for f in "$W/sc/blobs/sha256/"*; do [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = 1f8b ] && lay=$f; done
if [ -z "$lay" ]; then bad "signed: the cached layer is found"; else
	cp "$lay" "$W/honest.layer"
	head -c "$(stat -c %s "$lay")" /dev/urandom >"$W/junk.layer"
	(while [ ! -e "$W/stop-flip" ]; do
		cp "$W/junk.layer" "$lay.j" && mv -f "$lay.j" "$lay"
		cp "$W/honest.layer" "$lay.h" && mv -f "$lay.h" "$lay"
	done) &
	fp=$!
	on=0 off=0 offbad=0
	for _ in $(seq 30); do
		run verify "$PTR" --trusted-root "$TR" --registry-plain-http --cache "$W/sc"
		[ "$T_RC" = 0 ] && on=$((on + 1))
	done
	for _ in $(seq 10); do
		run verify "$PTR" --trusted-root "$TR" --registry-plain-http --cache "$W/sc" --offline
		if [ "$T_RC" = 0 ]; then off=$((off + 1)); elif ! grep -q 'not in the cache' "$T_ERR"; then offbad=$((offbad + 1)); fi
	done
	# the same flip under ledger --verify and check --verify-signatures (both verify in memory)
	lv_ok=0 lv_off_bad=0 ck_ok=0
	crepo=$W/crepo
	git init -q -b main "$crepo"
	mkdir -p "$crepo/recipes/evidence"
	signed_allowlist "$crepo/recipes/evidence" "alice alice@example.test community"
	git -C "$crepo" add -A && git -C "$crepo" -c user.name=t -c user.email=t@example.test commit -qm base
	git -C "$crepo" checkout -q -b pr
	crel=$(ae pointer path "$PTR" --root recipes/evidence)
	mkdir -p "$crepo/$(dirname "$crel")" && cp "$PTR" "$crepo/$crel"
	git -C "$crepo" add -A && git -C "$crepo" -c user.name=t -c user.email=t@example.test commit -qm ptr
	for _ in $(seq 10); do
		run ledger --root "$W/root" --verify --trusted-root "$TR" --registry-plain-http --cache "$W/sc" --format json
		[ "$(jq -r '[.signers[]?.vote] | join(",")' "$T_OUT")" = verified ] && lv_ok=$((lv_ok + 1))
		run ledger --root "$W/root" --verify --offline --trusted-root "$TR" --registry-plain-http --cache "$W/sc" --format json
		case $(jq -r '[.signers[]?.vote] | join(",")' "$T_OUT") in verified | unverifiable) ;; *) lv_off_bad=$((lv_off_bad + 1)) ;; esac
		run check --repo "$crepo" --base main --verify-signatures --trusted-root "$TR" --registry-plain-http --cache "$W/sc"
		[ "$T_RC" = 0 ] && ck_ok=$((ck_ok + 1))
	done
	touch "$W/stop-flip"
	wait "$fp"
	[ "$on" = 30 ] && ok "signed: layer flipped to junk during 30 online verifies: all pass (the verified bytes)" ||
		bad "signed: layer flipped to junk during 30 online verifies: all pass" "$on of 30"
	[ "$offbad" = 0 ] && ok "signed: ... and 10 offline verifies: pass ($off) or 'not in the cache', nothing else" ||
		bad "signed: ... and 10 offline verifies: pass or 'not in the cache'" "$offbad other outcomes"
	[ "$lv_ok" = 10 ] && ok "signed: ... 10 online ledger --verify: the signer verified each time" ||
		bad "signed: ... 10 online ledger --verify: the signer verified each time" "$lv_ok of 10"
	[ "$lv_off_bad" = 0 ] && ok "signed: ... 10 offline ledger --verify: verified or unverifiable, nothing else" ||
		bad "signed: ... 10 offline ledger --verify: verified or unverifiable" "$lv_off_bad others"
	[ "$ck_ok" = 10 ] && ok "signed: ... 10 check --verify-signatures of the honest PR: all pass" ||
		bad "signed: ... 10 check --verify-signatures of the honest PR: all pass" "$ck_ok of 10"
fi

t_end
