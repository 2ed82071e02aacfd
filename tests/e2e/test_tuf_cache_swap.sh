#!/usr/bin/env bash
# tests/e2e/test_tuf_cache_swap.sh -- the TUF cache's check and its load
# are one (review finding, LOW): with a cache base another user can write
# to (a shared --cache, XDG_CACHE_HOME on a group directory), that user
# swaps base/tuf for a tree of their own while a command runs. The tool
# checked base/tuf by one open (ours, not writable by others), then read
# `selected` and loaded the state by path -- the co-tenant's, re-verified
# only from its own root, so a trusted root of theirs was in force. (A
# second check after the load narrowed it: the swap back must land between
# the load and that check.)
#
# Since test_path_guard a base others may write is never trust at all, so
# the loop below now meets that refusal first; the one descriptor still
# holds should the base check ever be passed.
#
# Here user nobody (when this runs as root) flips base/tuf with a tree of
# its own (a valid cache of another repository URL) by RENAME_EXCHANGE in
# a loop while `trust show` runs 80 times: the repository in force must
# never be the co-tenant's.
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "test_tuf_cache_swap: SKIPPED -- needs root to play another user (setpriv)"
	t_end
fi
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "test_tuf_cache_swap: SKIPPED -- python3-cryptography is missing (make deps)"
	t_end
fi
OTHER="setpriv --reuid=65534 --regid=65534 --clear-groups"
# the test's files, which the co-tenant may read; the shared cache base
# (both users may write to it, not sticky) is $B below
P=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-tufswap-XXXXXX")
chmod 0755 "$P"
t_cleanup "rm -rf '$P'"
gen=$T_WORK/gen
python3 "$here/tests/tuf/gen_repo.py" "$gen" "$here/evidence/data/public-good-trusted_root.json" 2>"$T_ERR" ||
	{ bad "the test repository generator runs"; t_end; }
cp "$gen/root1.json" "$P/root1.json"
chmod 0644 "$P/root1.json"
p1=$(free_port)
p2=$(free_port)
for p in "$p1" "$p2"; do
	python3 -m http.server "$p" --bind 127.0.0.1 --directory "$gen/s/good" >/dev/null 2>&1 &
	t_cleanup "kill $!"
done
for p in "$p1" "$p2"; do
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$p/timestamp.json" >/dev/null && break; sleep 0.1; done
done
U1=http://127.0.0.1:$p1
U2=http://127.0.0.1:$p2
B=$P/base
mkdir -m 0777 "$B"
# the co-tenant's own cache base: theirs, under a directory only root writes
Q=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-tufswap-q-XXXXXX")
chmod 0755 "$Q"
t_cleanup "rm -rf '$Q'"
mkdir -m 0755 "$Q/theirs" && chown 65534:65534 "$Q/theirs"

# a base others may write is never written to (test_path_guard: they could
# move base/tuf away and back); ours is made while the base is private
run trust update --tuf-url "$U1" --tuf-root "$P/root1.json" --cache "$B"
expect_rc 2 "a base others may write: trust update refuses it"
expect_err "within other users' reach" "  ... and says why"
chmod 0755 "$B"
run trust update --tuf-url "$U1" --tuf-root "$P/root1.json" --cache "$B"
expect_rc 0 "our cache: trust update from $U1"
run trust show --cache "$B" --format json
grep -q "\"$U1\"" "$T_OUT" && ok "private base: our repository is in force" ||
	bad "private base: our repository is in force" "$(head -c 300 "$T_OUT")"
chmod 0777 "$B"
$OTHER env -u XDG_CACHE_HOME HOME=/nonexistent "$AE_BIN" trust update --tuf-url "$U2" \
	--tuf-root "$P/root1.json" --cache "$Q/theirs" >"$T_OUT" 2>"$T_ERR"
rc=$?
[ "$rc" = 0 ] && $OTHER mv "$Q/theirs/tuf" "$B/tuf-b" 2>>"$T_ERR" &&
	ok "the co-tenant's cache (of $U2) beside ours, theirs" ||
	{ bad "the co-tenant's cache" "exit $rc"; t_end; }

run trust show --cache "$B" --format json
grep -q 'ignoring the TUF cache' "$T_OUT" "$T_ERR" && ! grep -q "\"$U1\"" "$T_OUT" &&
	ok "unswapped, but the base others may write: the cache is ignored" ||
	bad "unswapped, but the base others may write: the cache is ignored" "$(head -c 300 "$T_OUT")"

cat >"$P/flip.py" <<'PY'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b, stop = (x.encode() for x in sys.argv[1:4])
n, end = 0, time.time() + 120
while not os.path.exists(stop) and time.time() < end:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        print("renameat2:", os.strerror(ctypes.get_errno())); sys.exit(1)
    n += 1
print(n)
PY
chmod 0644 "$P/flip.py"
$OTHER /usr/bin/python3 "$P/flip.py" "$B/tuf" "$B/tuf-b" "$P/stop" >"$T_WORK/flip.out" 2>&1 &
FP=$!
ours=0 theirs=0 foreign=0 other=0
for _ in $(seq 80); do
	"$AE_BIN" trust show --cache "$B" --format json >"$T_WORK/show.json" 2>"$T_WORK/show.err"
	if grep -q "\"$U2\"" "$T_WORK/show.json"; then
		theirs=$((theirs + 1))
	elif grep -q "\"$U1\"" "$T_WORK/show.json"; then
		ours=$((ours + 1))
	elif grep -q 'ignoring the TUF cache' "$T_WORK/show.json" "$T_WORK/show.err"; then
		foreign=$((foreign + 1))
	else
		other=$((other + 1))
	fi
done
touch "$P/stop"
wait "$FP"
flips=$(cat "$T_WORK/flip.out")
case $flips in
'' | *[!0-9]*) bad "the co-tenant swapped base/tuf (else this test proves nothing)" "$flips" ;;
*) ok "the co-tenant swapped base/tuf $flips times during 80 runs (ours in force $ours, refused as foreign $foreign, other $other)" ;;
esac
[ "$theirs" = 0 ] && ok "the co-tenant's repository was never in force" ||
	bad "the co-tenant's repository was in force" "$theirs of 80 runs"

# ---- the write path (review finding, LOW) ----
# `trust update` checked base/tuf as its own, then wrote the new state by
# path (mkdir -p base/tuf/HASH, open it, write `selected` into base/tuf):
# a swap between the check and the writes sent them elsewhere. Here
# base/tuf is flipped (RENAME_EXCHANGE, in a loop) with a symlink to a
# directory X that must never be written, in a base that passes the check
# (ours, private: a flip that slips past it, as the descriptor must hold
# should it ever be passed). Every write must land in the directory that
# was checked, through its descriptor: X stays empty, whatever the timing.
C=$P/wbase
X=$P/elsewhere
mkdir -m 0755 "$C" "$X"
run trust update --tuf-url "$U1" --tuf-root "$P/root1.json" --cache "$C"
expect_rc 0 "write path: a private base, updated"
ln -s "$X" "$C/tuf-x"
rm -f "$P/stop"
python3 "$P/flip.py" "$C/tuf" "$C/tuf-x" "$P/stop" >"$T_WORK/flip2.out" 2>&1 &
FP=$!
upd=0 refused=0 failed=0
for _ in $(seq 60); do
	"$AE_BIN" trust update --tuf-url "$U1" --tuf-root "$P/root1.json" --cache "$C" >/dev/null 2>"$T_WORK/upd.err"
	case $? in
	0) upd=$((upd + 1)) ;;
	*) if grep -q 'symlink\|not your own\|not a directory' "$T_WORK/upd.err"; then refused=$((refused + 1)); else
		failed=$((failed + 1))
		cp "$T_WORK/upd.err" "$T_WORK/upd-failed.err"
	fi ;;
	esac
done
touch "$P/stop"
wait "$FP"
flips=$(cat "$T_WORK/flip2.out")
case $flips in
'' | *[!0-9]*) bad "write path: base/tuf was flipped with a symlink (else this test proves nothing)" "$flips" ;;
*) ok "write path: base/tuf flipped with a symlink $flips times during 60 updates ($upd updated, $refused refused at the check, $failed otherwise failed)" ;;
esac
[ "$upd" -gt 0 ] && ok "write path: some updates went through during the flips (the loop reached the writes)" ||
	bad "write path: some updates went through during the flips" "$(head -c 300 "$T_WORK/upd-failed.err" 2>/dev/null)"
left=$(find "$X" -mindepth 1 | head -5)
[ -z "$left" ] && ok "write path: nothing was written through the swapped-in symlink" ||
	bad "write path: nothing was written through the swapped-in symlink" "$(echo "$left" | tr '\n' ' ')"
[ -L "$C/tuf" ] && mv -T "$C/tuf-x" "$C/tuf.real" && rm "$C/tuf" && mv "$C/tuf.real" "$C/tuf"
run trust show --cache "$C" --format json
grep -q "\"$U1\"" "$T_OUT" && ok "write path: after the flips, the checked cache holds our repository" ||
	bad "write path: after the flips, the checked cache holds our repository" "$(head -c 300 "$T_OUT" "$T_ERR")"
t_end
