#!/usr/bin/env bash
# tests/e2e/test_attack_registry.sh -- attacks from outside (a hostile
# registry, a co-tenant who writes the shared --cache, a hostile TUF
# repository and a cache someone else wrote) that the tool HOLDS against.
#
# Cache: a symlinked cache root, blobs/ or referrers/ directory; a referrer
# record that is a symlink to a victim's file or a FIFO; a FIFO, symlink or
# directory where a manifest or layer should be (online and offline): no
# write outside the cache, no hang, no file clobbered, never exit 0 on
# other bytes; a cached blob swollen to a sparse 10 GiB (refetched online,
# absent offline). `pull --to` a symlink. Registry (tests/e2e/atk_hostreg.py,
# Basic auth): a referrers page whose Link rel=next leads to plain http on
# 127.0.0.2 or to another loopback origin (refused / no credentials sent);
# a listing whose artifactType and annotations hold ESC, CR, newlines and a
# CI workflow command, padded to 100,000 descriptors (escaped, bounded).
# TUF (tests/e2e/atk_tuf_gen.py): delegated role names with path
# characters, target paths that leave their directory, lengths 0 / -1 /
# 2^62, missing, short, non-hex and wrong extra hashes, one signature
# counted twice, a signature by another role's key, version 0; a TUF cache
# whose .lock, current or selected a co-tenant made a symlink; a mirror
# answering 302. With the
# Sigstore stack: a co-tenant's FIFO / directory / symlink in the CI cache
# is never a violation of an honest pointer (exit 2, not 1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
need_tools docker-registry python3 jq curl mkfifo
AE=$(readlink -f "$AE_BIN")

reg_up "$W/reg"
R=$REG_HOST
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/A"
expect_rc 0 "emit a bundle"
printf '{"signature-of":"A"}\n' >"$W/A/summary-bundle/attestation.intoto.jsonl"
run push "$W/A" --to "$R/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "push it with a referrer"
D=$(jq -r .digest "$T_OUT")
H=${D#sha256:}
C=$W/cache
run pull "$R/ev/a@$D" --to "$W/warm" --cache "$C" --registry-plain-http
expect_rc 0 "a pull warms the cache"
[ $T_FAIL = 0 ] || t_end
L=$(jq -r '.layers[0].digest' "$C/blobs/sha256/$H")
L=${L#sha256:}
echo VICTIM >"$W/victim"
# the cache's record of $R/ev/a's signatures of D (docs/oci.md: one per
# repository, named by the SHA-256 of REPO@DIGEST)
RK=$(printf '%s' "ev/a@$D" | sha256sum | cut -c1-64)

# pulls with a time limit: a hang is a failure, not a stuck suite
tpull() { # DEST CACHE ARGS...
	local dst=$1 c=$2
	shift 2
	rm -rf "$dst"
	T_RC=0
	timeout 30 "$AE" pull "$R/ev/a@$D" --to "$dst" --cache "$c" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null || T_RC=$?
}

# ---- the cache's directories replaced by symlinks (write elsewhere) ----
for what in root blobs referrers; do
	c=$W/c-$what
	rm -rf "$c" "$W/elsewhere" && mkdir -p "$W/elsewhere"
	case $what in
	root) ln -s "$W/elsewhere" "$c" ;;
	blobs) mkdir -p "$c/blobs" && ln -s "$W/elsewhere" "$c/blobs/sha256" ;;
	referrers) mkdir -p "$c/referrers" && ln -s "$W/elsewhere" "$c/referrers/by-repo" ;;
	esac
	tpull "$W/o" "$c" --registry-plain-http
	if [ "$T_RC" -ne 0 ] && [ "$T_RC" -ne 124 ] && [ -z "$(ls -A "$W/elsewhere")" ] && [ ! -e "$W/o" ]; then
		ok "cache $what directory symlinked elsewhere: refused (exit $T_RC), nothing written there"
	else
		bad "cache $what directory symlinked elsewhere" "exit $T_RC, elsewhere: $(ls -A "$W/elsewhere" | head -3)"
	fi
done

# ---- the referrer record: a symlink to a victim's file, a FIFO ----
c=$W/c-rec-link
mkdir -p "$c/referrers/by-repo" && ln -s "$W/victim" "$c/referrers/by-repo/$RK"
tpull "$W/o" "$c" --registry-plain-http
expect_rc 0 "referrer record symlinked to a victim's file: the pull succeeds"
[ "$(cat "$W/victim")" = VICTIM ] && [ ! -L "$c/referrers/by-repo/$RK" ] && [ -f "$c/referrers/by-repo/$RK" ] &&
	ok "referrer record symlinked to a victim's file: the victim is untouched, the record replaced" ||
	bad "referrer record symlinked to a victim's file" "victim: $(head -c 80 "$W/victim")"
c=$W/c-rec-fifo
mkdir -p "$c/referrers/by-repo" && mkfifo "$c/referrers/by-repo/$RK"
tpull "$W/o" "$c" --registry-plain-http
expect_rc 0 "referrer record is a FIFO (online): no hang, pulled"
c=$W/c-rec-fifo-off
cp -a "$C" "$c" && rm "$c/referrers/by-repo/$RK" && mkfifo "$c/referrers/by-repo/$RK"
tpull "$W/o" "$c" --offline
expect_rc 2 "referrer record is a FIFO (offline): no hang, exit 2"
c=$W/c-rec-zero
cp -a "$C" "$c" && rm "$c/referrers/by-repo/$RK" && ln -s /dev/zero "$c/referrers/by-repo/$RK"
tpull "$W/o" "$c" --offline
expect_rc 2 "referrer record symlinked to /dev/zero (offline): not followed, exit 2"

# ---- blobs replaced by a FIFO, a symlink (to /dev/zero, to the right
#      bytes elsewhere) or a directory: never read, never a hang ----
for which in manifest layer; do
	[ $which = manifest ] && x=$H || x=$L
	for kind in fifo zero-link valid-link dir; do
		for net in online offline; do
			c=$W/c-$which-$kind-$net
			rm -rf "$c" && cp -a "$C" "$c" && rm "$c/blobs/sha256/$x"
			case $kind in
			fifo) mkfifo "$c/blobs/sha256/$x" ;;
			zero-link) ln -s /dev/zero "$c/blobs/sha256/$x" ;;
			valid-link) ln -s "$C/blobs/sha256/$x" "$c/blobs/sha256/$x" ;;
			dir) mkdir "$c/blobs/sha256/$x" ;;
			esac
			if [ $net = online ]; then tpull "$W/o" "$c" --registry-plain-http; else tpull "$W/o" "$c" --offline; fi
			if [ "$T_RC" -eq 2 ] && [ ! -e "$W/o" ]; then
				ok "cached $which replaced by a $kind ($net): refused without a hang (exit 2), nothing extracted"
			else
				bad "cached $which replaced by a $kind ($net)" "exit $T_RC"
			fi
		done
	done
done

# ---- a regular file of the right name but 10 GiB (sparse) in place of
#      the manifest, the layer and the signature's manifest: never read
#      through, refetched online, absent offline ----
RM=$(head -1 "$C/referrers/by-repo/$RK")
for x in "$H" "$L" "${RM#sha256:}"; do
	for net in online offline; do
		c=$W/c-sparse-$net
		rm -rf "$c" && cp -a "$C" "$c" && truncate -s 10G "$c/blobs/sha256/$x"
		if [ $net = online ]; then tpull "$W/o" "$c" --registry-plain-http; else tpull "$W/o" "$c" --offline; fi
		if [ $net = online ] && [ "$T_RC" -eq 0 ] && [ "$(stat -c %s "$c/blobs/sha256/$x")" -lt 1000000 ] &&
			cmp -s "$W/o/snapshot.yaml" "$W/warm/snapshot.yaml"; then
			ok "cached ${x:0:12} swollen to 10 GiB (online): replaced by the verified bytes"
		elif [ $net = offline ] && { [ "$T_RC" -eq 2 ] || { [ "$T_RC" -eq 0 ] && [ ! -e "$W/o/attestation.intoto.jsonl" ]; }; }; then
			ok "cached ${x:0:12} swollen to 10 GiB (offline): treated as absent (exit $T_RC)"
		else
			bad "cached ${x:0:12} swollen to 10 GiB ($net)" "exit $T_RC"
		fi
		rm -rf "$c"
	done
done

# ---- references that would bend the request path: usage errors, no I/O ----
for bad_ref in "$R/ev/../a" "$R/ev/a%2f.." "$R/EV/a" "$R//ev/a" "$R/ev/a?x=" "$R/ev/./a" "u:pw@$R/ev/a"; do
	run pull "$bad_ref@$D" --to "$W/o" --cache "$C" --registry-plain-http
	expect_rc 64 "pull of reference '$bad_ref@…': usage error (exit 64)"
done

# ---- pull --to a symlink to a directory ----
mkdir -p "$W/victimdir" && ln -s "$W/victimdir" "$W/to-link"
run pull "$R/ev/a@$D" --to "$W/to-link" --cache "$C" --offline
expect_rc 2 "pull --to a symlink: refused"
[ -z "$(ls -A "$W/victimdir")" ] && [ -z "$(ls -d "$W"/to-link.* 2>/dev/null)" ] &&
	ok "pull --to a symlink: nothing written through it, no temp left" || bad "pull --to a symlink: nothing written"

# ---- a hostile registry: Link rel=next to other origins ----
HR=$(free_port)
P2=$(free_port)
start_hostreg() { # MODE ARG
	python3 "$HERE/atk_hostreg.py" "$HR" "$C/blobs/sha256" "$1" "$2" "$P2" >/dev/null 2>&1 &
	HRPID=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HR/v2/" && break; sleep 0.1; done
}
stop_hostreg() { kill "$HRPID" 2>/dev/null; wait "$HRPID" 2>/dev/null; }
t_cleanup 'stop_hostreg'
hpull() { # DEST ARGS...
	local dst=$1
	shift
	rm -rf "$dst" "$W/hc"
	T_RC=0
	echo s3cret-pass | timeout 60 "$AE" pull "127.0.0.1:$HR/ev/a@$D" --to "$dst" --cache "$W/hc" \
		--registry-plain-http --registry-username evidence --registry-password-stdin "$@" >"$T_OUT" 2>"$T_ERR" || T_RC=$?
}
rm -f "$C/blobs/collect"
start_hostreg next "http://127.0.0.2:$P2"
hpull "$W/o"
stop_hostreg
expect_rc 2 "referrers Link rel=next to plain http on 127.0.0.2: refused (exit 2)"
expect_err "not loopback" "  the message says the host is not loopback"
[ ! -s "$C/blobs/collect" ] && ok "  127.0.0.2 received no request" || bad "  127.0.0.2 received no request" "$(cat "$C/blobs/collect")"
for host in localhost 127.0.0.1; do
	rm -f "$C/blobs/collect"
	start_hostreg next "http://$host:$P2"
	hpull "$W/o"
	stop_hostreg
	if [ "$T_RC" -ne 0 ] && [ "$T_RC" -ne 124 ] && [ -s "$C/blobs/collect" ] && ! grep -q 'Authorization=Basic' "$C/blobs/collect"; then
		ok "referrers Link rel=next to another origin ($host:other port): followed without the credentials"
	else
		bad "referrers Link rel=next to $host:other port" "exit $T_RC; $(cat "$C/blobs/collect" 2>/dev/null)"
	fi
done

# ---- a hostile referrers listing: escapes and bounds ----
start_hostreg evil 100000
T_RC=0
echo s3cret-pass | timeout 60 "$AE" referrers "127.0.0.1:$HR/ev/a@$D" --registry-plain-http \
	--registry-username evidence --registry-password-stdin >"$T_OUT" 2>"$T_ERR" || T_RC=$?
expect_rc 0 "referrers: a hostile listing of 100,000 descriptors is listed"
if ! grep -q '^::' "$T_OUT" && ! LC_ALL=C grep -q $'[\x1b\x07\r]' "$T_OUT"; then
	ok "referrers: ESC, BEL, CR and a workflow command in an artifactType are escaped"
else
	bad "referrers: hostile artifactType escaped" "$(head -3 "$T_OUT" | cat -A)"
fi
expect_out 'goes on past the bound read' "referrers: the listing is read to its bound and says so"
T_RC=0
echo s3cret-pass | timeout 60 "$AE" referrers "127.0.0.1:$HR/ev/a@$D" --registry-plain-http --format json \
	--registry-username evidence --registry-password-stdin >"$T_OUT" 2>"$T_ERR" || T_RC=$?
jq -e '.truncated == true and (.manifests | length) <= 256' "$T_OUT" >/dev/null &&
	ok "referrers --format json: valid JSON, truncated, at most 256 descriptors kept" || bad "referrers json" "$(head -c 300 "$T_OUT")"
hpull "$W/o"
# the listing was cut at its bound: no verdict, never "unsigned" (security
# review 06; docs/oci.md "Referrers")
expect_rc 3 "pull beside a hostile listing cut at its bound: no verdict, not 'unsigned'"
expect_err "referrers listing was truncated at its bound" "  and it says the listing was truncated"
if ! grep -q '^::' "$T_OUT" "$T_ERR" && ! LC_ALL=C grep -q $'[\x1b\x07\r]' "$T_OUT" "$T_ERR"; then
	ok "pull's report escapes the hostile artifactType"
else
	bad "pull's report escapes the hostile artifactType"
fi
stop_hostreg

# ---- TUF: hostile repositories beyond test_tuf_attacks.sh ----
if python3 -c 'import cryptography' 2>/dev/null; then
	gen=$W/tufgen
	python3 "$HERE/atk_tuf_gen.py" "$gen" "$HERE/../../evidence/data/public-good-trusted_root.json" 2>"$T_ERR" ||
		bad "the extra TUF repositories are generated"
	srv=$W/tufsrv
	mkdir -p "$srv"
	tp=$(free_port)
	python3 -m http.server "$tp" --bind 127.0.0.1 --directory "$srv" >/dev/null 2>&1 &
	t_cleanup "kill $!"
	url=http://127.0.0.1:$tp
	serve() { rm -rf "${srv:?}"/* && cp -r "$gen/s/$1/." "$srv/"; }
	serve good
	for _ in $(seq 50); do curl -sf "$url/timestamp.json" >/dev/null && break; sleep 0.1; done
	while IFS=$'\t' read -r name expect; do
		[ "$expect" = skip ] && continue
		c=$W/tc-$name
		serve "$name"
		run trust update --tuf-url "$url" --tuf-root "$gen/root1.json" --cache "$c"
		if [ "$expect" = ok ]; then
			expect_rc 0 "tuf $name: accepted"
			continue
		fi
		expect_rc 2 "tuf $name: refused (exit 2)"
		expect_err "$expect" "tuf $name: the message names the role and the rule"
		[ ! -e "$c/tuf/selected" ] && ok "tuf $name: nothing selected" || bad "tuf $name: nothing selected"
	done < <(python3 -c 'import json,sys; [print(k + "\t" + v) for k, v in sorted(json.load(open(sys.argv[1])).items())]' "$gen/scenarios.json")

	# a mirror that redirects (to the real repository, on loopback): never followed
	rp=$(free_port)
	python3 - "$rp" "$url" <<'PY' >/dev/null 2>&1 &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(302); self.send_header("Location", sys.argv[2] + self.path)
        self.send_header("Content-Length", "0"); self.end_headers()
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
	t_cleanup "kill $!"
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$rp/" && break; sleep 0.1; done
	serve good
	run trust update --tuf-url "http://127.0.0.1:$rp" --tuf-root "$gen/root1.json" --cache "$W/tc-redirect"
	expect_rc 2 "tuf mirror answering 302 to the repository: refused (exit 2)"
	expect_err 'unexpected HTTP 302' "  the message names the redirect"

	# a TUF cache a co-tenant tampered with
	good=$W/tc-good
	serve good
	hh=$(cat "$good/tuf/selected")
	for mode in lock-link lock-link-new current-link selected-link; do
		c=$W/tt-$mode
		cp -a "$good" "$c"
		echo VICTIM >"$W/victim"
		rm -f "$W/victim-new"
		case $mode in
		lock-link) rm "$c/tuf/$hh/.lock" && ln -s "$W/victim" "$c/tuf/$hh/.lock" ;;
		lock-link-new) rm "$c/tuf/$hh/.lock" && ln -s "$W/victim-new" "$c/tuf/$hh/.lock" ;;
		current-link) rm "$c/tuf/$hh/current" && ln -s "$W/victim" "$c/tuf/$hh/current" ;;
		selected-link) rm "$c/tuf/selected" && ln -s "$W/victim" "$c/tuf/selected" ;;
		esac
		run trust update --tuf-url "$url" --cache "$c"
		[ "$(cat "$W/victim")" = VICTIM ] && [ ! -e "$W/victim-new" ] &&
			ok "tuf cache $mode: trust update writes nothing through it (exit $T_RC)" ||
			bad "tuf cache $mode: a file outside the cache was written"
	done
	# --emit-signing-config over a symlink someone left, or a FIFO: never
	# written through, never a hang (the exit code is a separate finding)
	echo VICTIM >"$W/victim"
	ln -s "$W/victim" "$W/sc-link"
	mkfifo "$W/sc-fifo"
	for f in sc-link sc-fifo; do
		T_RC=0
		timeout 30 "$AE" trust update --tuf-url "$url" --tuf-root "$gen/root1.json" --cache "$W/te-$f" \
			--emit-signing-config "$W/$f" >"$T_OUT" 2>"$T_ERR" </dev/null || T_RC=$?
		[ "$T_RC" -ne 124 ] && [ "$(cat "$W/victim")" = VICTIM ] &&
			ok "trust update --emit-signing-config onto a ${f#sc-}: refused, nothing written through it, no hang" ||
			bad "trust update --emit-signing-config onto a ${f#sc-}" "exit $T_RC"
		expect_err 'not a regular file' "  the message says why"
	done
	c=$W/tt-current-link2
	cp -a "$good" "$c" && rm "$c/tuf/$hh/current" && ln -s "$W/victim" "$c/tuf/$hh/current"
	run trust show --cache "$c"
	expect_out 'in force: embedded' "tuf cache whose current is a symlink: not used"
	expect_out 'is a symlink \(not followed\)' "  the note says why"
else
	echo "SKIPPED -- python3-cryptography missing: the TUF attacks did NOT run"
fi

# ---- check --verify-signatures: a co-tenant's entry in the CI cache is
#      never a violation of an honest pointer ----
if [ -d "$HERE/../sigstore-stack/node_modules" ]; then
	. "$HERE/sigstore_stack.sh"
	. "$HERE/ledger_signed.sh"
	if signed_start "$W/s"; then
		ALICE=alice@example.test
		G=$W/repo
		git init -q -b main "$G"
		mkdir -p "$G/recipes/evidence"
		signed_allowlist "$G/recipes/evidence" "alice $ALICE community"
		git -C "$G" add -A && git -C "$G" -c user.name=t -c user.email=t@example.test commit -qm base
		git -C "$G" checkout -q -b pr
		signed_ctrf "$SE_EX/ctrf" "$W/ctrf1" 1 || bad "ctrf copy"
		signed_emit a1 "$ALICE" "$W/ctrf1" "$G/recipes/evidence" || t_end
		git -C "$G" add -A && git -C "$G" -c user.name=t -c user.email=t@example.test commit -qm ptr
		PH=$(basename "$SE_PTR" .yaml)
		PH=${PH#sha256-}
		run check --repo "$G" --base main --verify-signatures --trusted-root "$TR" --registry-plain-http --cache "$W/ck-clean"
		expect_rc 0 "check: the honest pointer passes with a clean cache"
		for kind in fifo dir symlink; do
			cc=$W/ck-$kind
			mkdir -p "$cc/blobs/sha256"
			case $kind in
			fifo) mkfifo "$cc/blobs/sha256/$PH" ;;
			dir) mkdir "$cc/blobs/sha256/$PH" ;;
			symlink) ln -s /dev/null "$cc/blobs/sha256/$PH" ;;
			esac
			T_RC=0
			timeout 120 "$AE" check --repo "$G" --base main --verify-signatures --trusted-root "$TR" \
				--registry-plain-http --cache "$cc" >"$T_OUT" 2>"$T_ERR" </dev/null || T_RC=$?
			expect_rc 2 "check: a $kind at the bundle's cache path is undecided (exit 2), never a violation"
		done
	else
		bad "registry and Sigstore stack start"
	fi
else
	echo "SKIPPED -- tests/sigstore-stack/node_modules missing: the check cache cases did NOT run"
fi

t_end
