#!/usr/bin/env bash
# tests/e2e/test_http_error_bodies.sh -- an error answer whose body never
# ends is cut at a small cap and judged by its status, exactly as the same
# status with a short body: for the registry client (verify REF) and for
# the one HTTP engine's other clients (trust update). Before, a registry's
# 503 with an endless chunked body was read until each request's time
# limit (a review measured ~42 GB in ~95 s per `verify` at defaults).
. "$(dirname "$0")/lib.sh"
t_begin

W=$T_WORK
PORT=$(free_port)
P=127.0.0.1:$PORT
setsid python3 "$(dirname "$0")/errbody.py" "$PORT" "$W/log" </dev/null >"$W/srv.log" 2>&1 &
t_cleanup "kill $!"
for _ in $(seq 1 50); do curl -s -o /dev/null "http://$P/v2/" && break; sleep 0.1; done

mode() { curl -s -X POST --data-binary "$1" "http://$P/_errbody" >/dev/null; }
sent() { awk '/^SENT/ {s += $2} END {printf "%.0f", s + 0}' "$W/log"; }
ROOT1=$(dirname "$0")/../fuzz/corpus/tuf_metadata/1.root.json
H=$(printf 'a%.0s' $(seq 64))

# CMD... under one status: the exit code with a short body, then with an
# endless chunked one and an endless unframed one; each must end the same
# way, in bounded time, having read a bounded number of bytes
judge() { # NAME STATUS HEADERS CMD...
	local name=$1 st=$2 hdr=$3 want body t0 secs
	shift 3
	mode "{\"status\":$st,\"body\":\"short\",\"headers\":$hdr}"
	run "$@"
	want=$T_RC
	for body in endless nolen; do
		: >"$W/log"
		mode "{\"status\":$st,\"body\":\"$body\",\"headers\":$hdr}"
		t0=$(date +%s)
		run "$@"
		secs=$(($(date +%s) - t0))
		sleep 0.3 # the server notes what it sent when the client hangs up
		[ "$T_RC" = "$want" ] &&
			ok "$name: a $st with an $body body ends as with a short one (exit $want)" ||
			bad "$name: a $st with an $body body ends as with a short one" "exit $T_RC, want $want: $(head -c 200 "$T_ERR")"
		[ "$secs" -le "$(t_secs 10)" ] &&
			ok "$name: a $st with an $body body is not read until the time limit" ||
			bad "$name: a $st with an $body body is not read until the time limit" "${secs}s"
		[ "$(sent)" -le $((16 << 20)) ] &&
			ok "$name: a $st with an $body body is cut at a small cap" ||
			bad "$name: a $st with an $body body is cut at a small cap" "$(sent) bytes read"
	done
}

for st in 503 429 500 404 401; do
	hdr='{}'
	[ "$st" = 401 ] && hdr='{"WWW-Authenticate":"Basic realm=\"x\""}'
	judge "verify REF" "$st" "$hdr" verify "$P/r@sha256:$H" --registry-plain-http --timeout 30
done
for st in 503 429 500 404; do
	judge "trust update" "$st" '{}' trust update --tuf-url "http://$P" --tuf-root "$ROOT1" --cache "$W/cache-$st" --timeout 30
done
t_end
