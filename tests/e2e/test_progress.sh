#!/usr/bin/env bash
# tests/e2e/test_progress.sh -- progress on a terminal, silence elsewhere
# (issue 20 item 11)
#
# `ledger --verify` and `check --verify-signatures` over three signed,
# pushed bundles (a loopback registry behind the fault proxy, which drips
# the blobs so the run lasts), and pull of a 3 MB bundle, each run with
# stderr on a real pseudo-terminal (tests/e2e/ptyrun.py), on a pipe, and
# with --quiet: on the terminal "n/N" and the registry host appear,
# redrawn in place at most ~10 times a second, and the line is ended; the
# pull bar shows a rate and an ETA; on a pipe and with --quiet there is no
# progress at all, and stderr is the same bytes. SIGTERM mid-run on the
# terminal ends the progress line before "interrupted". With
# AE_BIN_BEFORE (a build without progress), stderr on a pipe must be the
# same bytes as that build's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
W=$T_WORK
HERE=$(cd "$(dirname "$0")" && pwd)
for c in docker-registry node jq git; do
	command -v "$c" >/dev/null || {
		echo "progress: SKIPPED -- $c not installed (make deps)"
		t_end
	}
done
signed_start "$W/svc" || t_end
proxy_up "$REG_HOST"
norules() { curl -s -X DELETE "http://$P/_fault/rules" >/dev/null; }
REG_HOST=127.0.0.1:$PP # the pointers name the proxy

L=$W/ledger/recipes/evidence
mkdir -p "$L"
for who in alice bob carol; do
	signed_ctrf "$SE_EX/ctrf" "$W/ctrf-$who" "${#who}$RANDOM" || bad "CTRF copy"
	signed_emit "$who" "$who@example.test" "$W/ctrf-$who" "$L" || t_end
done
signed_allowlist "$L" "alice alice@example.test community" "bob bob@example.test partner" \
	"carol carol@example.test community"
git -C "$W/ledger" init -q && git -C "$W/ledger" add -A &&
	git -C "$W/ledger" -c user.name=t -c user.email=t@example.test commit -qm ledger ||
	bad "commit the ledger"

# on a pty: ERR gets stderr; T_RC the exit
tty_run() { # ERR ARGS...
	local err=$1
	shift
	# shellcheck disable=SC2086
	python3 "$HERE/ptyrun.py" "$err" "$W/tty.stdout" -- ${AE_WRAP:-} "$AE_BIN" "$@"
	T_RC=$?
}
# the progress segment: from the first \r to the end
judge_tty() { # LABEL ERR PATTERN-OF-LAST-DRAW
	local label=$1 err=$2 pat=$3
	if python3 - "$err" "$pat" <<'PY'; then
import re, sys
t = open(sys.argv[1], "rb").read()
pat = sys.argv[2].encode()
draws = [m.start() for m in re.finditer(rb"\r", t)]
last = t.rfind(pat)
ok = draws and last >= 0
# the last draw is followed by the end of its line, nothing drawn after
rest = t[last:] if ok else b""
ok = ok and b"\n" in rest and b"\r" not in rest.split(b"\n", 1)[0]
sys.exit(0 if ok else 1)
PY
		ok "$label: progress on the terminal, its line ended"
	else
		bad "$label: progress on the terminal, its line ended" "$(od -c "$err" | tail -5)"
	fi
	# at most ~10 redraws a second (one more for the start and the end)
	local n secs
	n=$(tr -cd '\r' <"$err" | wc -c)
	secs=$(cat "$err.time")
	if awk -v n="$n" -v s="$secs" 'BEGIN { exit !(n <= 10 * s + 3) }'; then
		ok "$label: $n redraws in ${secs}s"
	else
		bad "$label: at most 10 redraws a second" "$n in ${secs}s"
	fi
}
quiet_same() { # LABEL PIPE-ERR QUIET-TTY-ERR
	if cmp -s "$2" "$3" && ! grep -q "$(printf '\r')" "$2" && ! grep -q "$(printf '\033')" "$2"; then
		ok "$1: stderr on a pipe and with --quiet on a terminal are the same bytes, no progress"
	else
		bad "$1: stderr on a pipe and with --quiet are the same, no progress" "$(diff <(od -c "$2") <(od -c "$3") | head -5)"
	fi
}

# ---- ledger --verify ----
rules '[{"method":"GET","path":"/blobs/","action":"drip","rate":20000,"times":1000}]'
V=(ledger --root "$L" --verify --trusted-root "$TR" --registry-plain-http --jobs 1)
rm -rf "$W/c1" && tty_run "$W/l.tty" "${V[@]}" --cache "$W/c1"
lrc=$T_RC
judge_tty "ledger --verify" "$W/l.tty" "ledger: 3/3 bundles"
grep -q "127.0.0.1:$PP" "$W/l.tty" && ok "ledger --verify: the registry host is shown" ||
	bad "ledger --verify: the registry host is shown"
rm -rf "$W/c2" && run "${V[@]}" --cache "$W/c2"
[ "$T_RC" = "$lrc" ] && ok "ledger --verify: same exit on a pipe ($T_RC)" || bad "ledger --verify: same exit on a pipe" "$T_RC vs $lrc"
cp "$T_ERR" "$W/l.pipe"
before() { # LABEL PIPE-ERR ARGS...
	local label=$1 pipe=$2
	shift 2
	[ -n "${AE_BIN_BEFORE:-}" ] || return 0
	"$AE_BIN_BEFORE" "$@" >/dev/null 2>"$W/before.err" </dev/null
	cmp -s "$pipe" "$W/before.err" && ok "$label: stderr on a pipe is the bytes of the build before" ||
		bad "$label: stderr on a pipe is the bytes of the build before" "$(diff "$pipe" "$W/before.err" | head -3)"
}
rm -rf "$W/c2" && before "ledger --verify" "$W/l.pipe" "${V[@]}" --cache "$W/c2"
rm -rf "$W/c3" && tty_run "$W/l.quiet" "${V[@]}" --cache "$W/c3" --quiet
quiet_same "ledger --verify" "$W/l.pipe" "$W/l.quiet"

# ---- check --verify-signatures ----
C=(check --repo "$W/ledger" --root recipes/evidence --verify-signatures
	--trusted-root "$TR" --registry-plain-http --workers 1)
rm -rf "$W/c1" && tty_run "$W/k.tty" "${C[@]}" --cache "$W/c1"
krc=$T_RC
[ "$krc" = 0 ] && ok "check --verify-signatures on a terminal passes" || bad "check on a terminal" "exit $krc: $(tail -c 300 "$W/k.tty")"
judge_tty "check --verify-signatures" "$W/k.tty" "check: 3/3 pointers"
grep -q "127.0.0.1:$PP" "$W/k.tty" && ok "check: the registry host is shown" || bad "check: the registry host is shown"
rm -rf "$W/c2" && run "${C[@]}" --cache "$W/c2"
[ "$T_RC" = "$krc" ] && ok "check: same exit on a pipe" || bad "check: same exit on a pipe" "$T_RC vs $krc"
cp "$T_ERR" "$W/k.pipe"
rm -rf "$W/c2" && before "check --verify-signatures" "$W/k.pipe" "${C[@]}" --cache "$W/c2"
rm -rf "$W/c3" && tty_run "$W/k.quiet" "${C[@]}" --cache "$W/c3" -q
quiet_same "check --verify-signatures" "$W/k.pipe" "$W/k.quiet"

# ---- SIGTERM mid-run on a terminal: the line is ended first ----
rules '[{"method":"GET","path":"/blobs/","action":"drip","rate":2000,"times":1000}]'
rm -rf "$W/c4" && python3 "$HERE/ptyrun.py" "$W/int.tty" "$W/tty.stdout" --term-on "bundles" -- \
	"$AE_BIN" "${V[@]}" --cache "$W/c4"
rc=$?
[ "$rc" = 143 ] && ok "ledger --verify: SIGTERM exits 143" || bad "ledger --verify: SIGTERM exits 143" "exit $rc"
if python3 - "$W/int.tty" <<'PY'; then
import sys
t = open(sys.argv[1], "rb").read()
i = t.rfind(b"bundles")
j = t.find(b"aicr-evidence: interrupted", i)
sys.exit(0 if 0 <= i < j and b"\n" in t[i:j] else 1)
PY
	ok "ledger --verify: SIGTERM ends the progress line before 'interrupted'"
else
	bad "ledger --verify: SIGTERM ends the progress line" "$(od -c "$W/int.tty" | tail -4)"
fi
norules

# ---- pull: the bar has a rate and an ETA ----
mkdir -p "$W/big/summary-bundle"
cp "$SE_EX/recipe.yaml" "$W/big/summary-bundle/recipe.yaml"
head -c 3000000 /dev/urandom >"$W/big/summary-bundle/bom.cdx.json"
tty_run "$W/push.tty" push "$W/big" --to "$REG_HOST/ev/big:v1" --registry-plain-http --format json
expect_rc 0 "push the 3 MB bundle on a terminal"
D=$(jq -r .digest "$W/tty.stdout")
grep -aq 'MiB/s' "$W/push.tty" && ok "push: the bar shows a rate" || bad "push: the bar shows a rate" "$(tail -c 200 "$W/push.tty")"
judge_tty "push" "$W/push.tty" "100%"
rules '[{"method":"GET","path":"/blobs/","action":"drip","rate":1000000,"times":20}]'
tty_run "$W/p.tty" pull "$REG_HOST/ev/big@$D" --to "$W/p1" --cache "$W/pc1" --registry-plain-http
expect_rc 0 "pull on a terminal"
grep -aq 'MiB/s' "$W/p.tty" && grep -aq 'ETA [0-9]*:[0-9][0-9]' "$W/p.tty" &&
	ok "pull: the bar shows a rate and an ETA" || bad "pull: the bar shows a rate and an ETA" "$(tail -c 200 "$W/p.tty")"
judge_tty "pull" "$W/p.tty" "100%"
run pull "$REG_HOST/ev/big@$D" --to "$W/p2" --cache "$W/pc2" --registry-plain-http
cp "$T_ERR" "$W/p.pipe"
rm -rf "$W/p4" && before "pull" "$W/p.pipe" pull "$REG_HOST/ev/big@$D" --to "$W/p4" --cache "$W/pc4" --registry-plain-http
tty_run "$W/p.quiet" pull "$REG_HOST/ev/big@$D" --to "$W/p3" --cache "$W/pc3" --registry-plain-http --quiet
quiet_same "pull" "$W/p.pipe" "$W/p.quiet"
norules
t_end
