#!/bin/bash
# tuf_stash_rollback.sh BIN (review finding, kept as a test) -- LOW: a co-tenant who can write the cache BASE (a shared 0777 --cache, which
# docs/trust.md "Whose TUF cache" says "never decides what verify trusts") renames our own DIR/tuf away
# (still ours, still "own"), lets our next `trust update` build a fresh DIR/tuf (repository now at v2,
# trusted root B), then renames the stash back: every command now silently uses our OLDER state (v1,
# trusted root A) -- TUF rollback protection (threat-model T1) defeated until the next update; no note.
# Expected: the rolled-back state refused or noted (e.g. a rollback check against a record outside the
# co-tenant's reach, or a base others can write is not used for TUF at all). Actual: `trust show` says
# "in force: tuf", timestamp v1, trusted root A. (Deleting DIR/tuf gives only the embedded root; this gives
# an arbitrary earlier state of a custom --tuf-url repository.)
# exit 1 while the bug is present, 0 once fixed. Needs root (setpriv to uid 65534) and tests/tuf/gen_repo.py.
B=${1:?binary}
[ "$(id -u)" = 0 ] || { echo "needs root (co-tenant = uid 65534)"; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-guard-tuf-XXXXXX"); chmod 0755 "$T"; trap 'kill $SP 2>/dev/null; rm -rf "$T"' EXIT
GEN=${GEN_REPO_DIR:-$(cd "$(dirname "$0")/../../tuf" && pwd)}
python3 - "$T" "$GEN" <<'PY' || exit 3
import json, os, sys
out, gen = sys.argv[1], sys.argv[2]
sys.path.insert(0, gen)
import gen_repo as g
a = open(os.path.join(gen, "..", "..", "evidence", "data", "public-good-trusted_root.json"), "rb").read()
b = json.dumps(dict(json.loads(a), extra="root B")).encode()
R, T, N, G = g.Key("ecdsa-pem"), g.Key("ed25519"), g.Key("ecdsa-pem"), g.Key("ed25519")
root = g.dump(g.signed(g.root_body(1, {"root": ([R], 1), "timestamp": ([T], 1), "snapshot": ([N], 1), "targets": ([G], 1)}), [R]))
open(os.path.join(out, "root1.json"), "wb").write(root)
for v, tr in ((1, a), (2, b)):
    r = g.Repo(os.path.join(out, "v%d" % v))
    files = {"trusted_root.json": tr}
    r.put("1.root.json", root)
    for k in range(1, v + 1):
        r.put("%d.targets.json" % k, g.dump(g.signed(g.targets_body(k, files), [G])))
        r.put("%d.snapshot.json" % k, g.dump(g.signed(g.snapshot_body(k, {"targets.json": k}), [N])))
    r.put("timestamp.json", g.dump(g.signed(g.timestamp_body(v, v), [T])))
    for n, d in files.items(): r.target(n, d)
PY
mkdir "$T/srv"
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$P" --bind 127.0.0.1 --directory "$T/srv" >/dev/null 2>&1 & SP=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$P/" >/dev/null && break; sleep 0.1; done
D=$T/shared; mkdir "$D"; chmod 0777 "$D"
CO="setpriv --reuid=65534 --regid=65534 --clear-groups"
cp -r "$T/v1/." "$T/srv/"
# fixed: a base others may write (not sticky) is never written to, nor read as trust
if ! "$B" trust update --tuf-url "http://127.0.0.1:$P" --tuf-root "$T/root1.json" --cache "$D" >/dev/null 2>"$T/up.err"; then
	grep -q "within other users' reach" "$T/up.err" && exit 0
	cat "$T/up.err"; exit 3
fi
$CO mv "$D/tuf" "$D/stash" || exit 3
rm -rf "$T/srv/"*; cp -r "$T/v2/." "$T/srv/"
"$B" trust update --tuf-url "http://127.0.0.1:$P" --tuf-root "$T/root1.json" --cache "$D" >/dev/null || exit 3
$CO sh -c "mv '$D/tuf' '$D/new' && mv '$D/stash' '$D/tuf'" || exit 3
"$B" trust show --cache "$D" --format json >"$T/show.json" 2>"$T/show.err"
ts=$(jq -r '.tuf.roles.timestamp.version // empty' "$T/show.json")
src=$(jq -r '.source // empty' "$T/show.json")
echo "in force: $src, timestamp v$ts; stderr: $(head -c 200 "$T/show.err")"
[ "$src" = tuf ] && [ "$ts" = 1 ] && exit 1
exit 0
