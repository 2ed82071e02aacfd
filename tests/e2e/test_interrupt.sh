#!/usr/bin/env bash
# tests/e2e/test_interrupt.sh -- SIGINT and SIGTERM mid-transfer (issue 20
# item 7)
#
# A loopback docker-registry behind the fault proxy (tests/e2e/faultproxy.py)
# sends blobs at a drip, or stalls; the command is interrupted while its
# temp files exist. Each must exit 130 (SIGINT) or 143 (SIGTERM), say so on
# stderr, leave no *.tmp-* or staging directory beside its target or in the
# cache, and, on a terminal, end the progress bar's line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
t_begin
W=$T_WORK
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
if ! command -v docker-registry >/dev/null; then
	echo "interrupt: SKIPPED -- no docker-registry (make deps)"
	t_end
fi
reg_up "$W/reg"
proxy_up "$REG_HOST"

# a bundle with a 3 MB layer, pushed straight to the registry
mkdir -p "$W/b/summary-bundle"
cp "$EX/recipe.yaml" "$W/b/summary-bundle/recipe.yaml"
head -c 3000000 /dev/urandom >"$W/b/summary-bundle/bom.cdx.json"
run push "$W/b" --to "$REG_HOST/ev/big:v1" --registry-plain-http --format json
expect_rc 0 "the bundle is pushed"
D=$(jq -r .digest "$T_OUT")

# Starts the binary in the background with SIGINT at its default action (a
# script's background job inherits it ignored), pid in $W/pid.
start() { # OUT ERR ARGS...
	local out=$1 err=$2 i
	shift 2
	rm -f "$W/pid"
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
open(sys.argv[1], "w").write(str(os.getpid()))
os.execvp(sys.argv[2], sys.argv[2:])' "$W/pid" ${AE_WRAP:-} "$AE_BIN" "$@" \
		>"$out" 2>"$err" </dev/null &
	BG=$!
	# under load python may take seconds to start: a kill must never go
	# to the pid the previous run left in the file
	for i in $(seq 100); do [ -s "$W/pid" ] && break; sleep 0.1; done
}
# Waits (10 s at most) until a path matching the find expression exists.
await() { # DIR FIND-ARGS...
	local d=$1
	shift
	for _ in $(seq 100); do
		[ -n "$(find "$d" "$@" 2>/dev/null | head -1)" ] && return 0
		sleep 0.1
	done
	return 1
}
leftovers() { # DIR...
	find "$@" \( -name '*.tmp*' -o -name '.summary-bundle.*' -o -name '.*.tmp' \) 2>/dev/null | head -3
}

# ---- pull, interrupted while a blob drips in ----
for sig in INT TERM; do
	want=$((128 + $(kill -l "$sig")))
	rm -rf "$W/c" "$W/dest"
	mkdir -p "$W/c" "$W/dest"
	rules '[{"method":"GET","path":"/blobs/","action":"drip","rate":60000,"times":20}]'
	start "$W/o" "$W/e" pull "$P/ev/big@$D" --to "$W/dest/x" --cache "$W/c" --registry-plain-http
	if await "$W" -name '*.tmp-*'; then
		ok "pull ($sig): a temp file exists mid-transfer"
	else
		bad "pull ($sig): a temp file exists mid-transfer"
	fi
	kill -s "$sig" "$(cat "$W/pid")"
	wait $BG
	rc=$?
	[ "$rc" = "$want" ] && ok "pull: SIG$sig exits $want" || bad "pull: SIG$sig exits $want" "exit $rc: $(head -2 "$W/e")"
	grep -q 'interrupted' "$W/e" && ok "pull: SIG$sig says it was interrupted" ||
		bad "pull: SIG$sig says it was interrupted" "$(head -2 "$W/e")"
	l=$(leftovers "$W/c" "$W/dest")
	[ -z "$l" ] && ok "pull: SIG$sig leaves no temp file in the cache or beside DIR" ||
		bad "pull: SIG$sig leaves no temp file in the cache or beside DIR" "$l"
	[ ! -e "$W/dest/x" ] && ok "pull: SIG$sig leaves no DIR" || bad "pull: SIG$sig leaves no DIR"
	curl -s -X DELETE "http://$P/_fault/rules" >/dev/null
done

# ---- on a terminal: the progress bar's line is ended ----
if command -v script >/dev/null; then
	rm -rf "$W/c" "$W/dest"
	mkdir -p "$W/c" "$W/dest"
	rules '[{"method":"GET","path":"/blobs/","action":"drip","rate":60000,"times":20}]'
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' script -qec "$AE_BIN pull $P/ev/big@$D --to $W/dest/x --cache $W/c --registry-plain-http" /dev/null \
		>"$W/tty.out" 2>&1 </dev/null &
	SPID=$!
	for _ in $(seq 100); do grep -q '%' "$W/tty.out" 2>/dev/null && break; sleep 0.1; done
	apid=$(pgrep -f -n "^$AE_BIN pull $P/ev/big@$D --to $W/dest/x")
	if [ -n "$apid" ]; then
		kill -TERM "$apid"
		wait $SPID
		# the bar (\r...%, its rate and ETA) is followed by a newline
		# before the message, nothing drawn after it
		if python3 - "$W/tty.out" <<'PY'; then
import sys
t = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
i = t.rfind(b"%")
j = t.find(b"interrupted", i)
line = t[i:j].split(b"\n", 1)[0] if 0 <= i < j else b"\r"
sys.exit(0 if 0 <= i < j and b"\n" in t[i:j] and b"\r" not in line else 1)
PY
			ok "a terminated pull ends its progress line"
		else
			bad "a terminated pull ends its progress line" "$(tail -c 200 "$W/tty.out" | od -c | tail -4)"
		fi
		l=$(leftovers "$W/c" "$W/dest")
		[ -z "$l" ] && ok "a terminated pull on a terminal leaves no temp file" || bad "a terminated pull on a terminal leaves no temp file" "$l"
	else
		bad "the pull under script runs" "$(head -c 300 "$W/tty.out")"
		kill $SPID
	fi
	curl -s -X DELETE "http://$P/_fault/rules" >/dev/null
else
	echo "interrupt: SKIPPED the progress line -- no script(1)"
fi

# ---- push and verify of a pointer, interrupted while the registry stalls ----
for sig in INT TERM; do
	want=$((128 + $(kill -l "$sig")))
	rules '[{"path":"/v2/","action":"stall","seconds":60,"times":50}]'
	start "$W/o" "$W/e" push "$W/b" --to "$P/ev/stall:v1" --registry-plain-http -o "$W/push.json"
	sleep 1.5
	kill -s "$sig" "$(cat "$W/pid")"
	wait $BG
	rc=$?
	[ "$rc" = "$want" ] && ok "push: SIG$sig exits $want" || bad "push: SIG$sig exits $want" "exit $rc: $(head -2 "$W/e")"
	[ ! -e "$W/push.json" ] && [ -z "$(leftovers "$W")" ] && ok "push: SIG$sig leaves no report and no temp file" ||
		bad "push: SIG$sig leaves no report and no temp file" "$(leftovers "$W")"
	rm -rf "$W/vc" "$W/tmp"
	mkdir -p "$W/tmp"
	TMPDIR=$W/tmp start "$W/o" "$W/e" verify "$P/ev/big@$D" --registry-plain-http --cache "$W/vc" -o "$W/v.json"
	sleep 1.5
	kill -s "$sig" "$(cat "$W/pid")"
	wait $BG
	rc=$?
	[ "$rc" = "$want" ] && ok "verify REF: SIG$sig exits $want" || bad "verify REF: SIG$sig exits $want" "exit $rc: $(head -2 "$W/e")"
	l=$(ls -A "$W/tmp"; leftovers "$W")
	[ ! -e "$W/v.json" ] && [ -z "$l" ] && ok "verify REF: SIG$sig leaves no report and no temp file" ||
		bad "verify REF: SIG$sig leaves no report and no temp file" "$l"
	curl -s -X DELETE "http://$P/_fault/rules" >/dev/null
done

# ---- emit --push: the bundle is built, the push stalls ----
rules '[{"path":"/v2/","action":"stall","seconds":60,"times":50}]'
rm -rf "$W/eo"
start "$W/o" "$W/e" emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	--push "$P/ev/emit:v1" --registry-plain-http -o "$W/eo"
sleep 2
kill -TERM "$(cat "$W/pid")"
wait $BG
rc=$?
[ "$rc" = 143 ] && ok "emit --push: SIGTERM exits 143" || bad "emit --push: SIGTERM exits 143" "exit $rc: $(head -2 "$W/e")"
[ ! -e "$W/eo/pointer.yaml" ] && [ -z "$(leftovers "$W/eo")" ] && ok "emit --push: SIGTERM leaves no pointer and no staging directory" ||
	bad "emit --push: SIGTERM leaves no pointer and no staging directory" "$(ls -A "$W/eo" | tr '\n' ' ')"
curl -s -X DELETE "http://$P/_fault/rules" >/dev/null
t_end
