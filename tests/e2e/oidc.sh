# tests/e2e/oidc.sh -- start/stop the real OIDC provider of tests/oidc/ and
# play the person at the browser; sourced after lib.sh.
#
#   oidc_start DIR            starts tests/oidc/provider.mjs on 127.0.0.1,
#                             sets OIDC_ISSUER, OIDC_DIR (client_secret,
#                             jwks.json); returns 1 (after `bad`) if it
#                             cannot start
#   oidc_fault ENDPOINT FAULT [COUNT]
#                             the next COUNT answers of ENDPOINT (token,
#                             discovery) misbehave (provider.mjs lists them)
#   oidc_config JSON          sets lifetimes ({"codeTTL":1})
#   oidc_browse URL MODE [USER_CODE]
#                             drives the headless browser through login and
#                             consent at URL (MODE consent, deny, capture,
#                             device, device-deny); prints the JSON answer
#   oidc_stop                 stops it (also registered with t_cleanup)
#   oidc_fake_browser DIR     makes DIR/xdg-open, the "browser" a signing
#                             command opens: tests/e2e/fakebrowser.py with
#                             BROWSE_MODE (see there)
OIDC_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../oidc" && pwd)
OIDC_E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OIDC_PID=""

oidc_start() {
	OIDC_DIR=$1
	mkdir -p "$OIDC_DIR"
	local port i n
	for i in 1 2 3; do
		port=$(free_port)
		node "$OIDC_HOME/provider.mjs" --port "$port" --out-dir "$OIDC_DIR" \
			>"$OIDC_DIR/oidc.out" 2>"$OIDC_DIR/oidc.err" &
		OIDC_PID=$!
		t_cleanup "oidc_stop"
		n=0
		while [ $n -lt 100 ]; do
			if grep -q '^READY ' "$OIDC_DIR/oidc.out" 2>/dev/null; then
				OIDC_ISSUER=$(sed -n 's/^READY //p' "$OIDC_DIR/oidc.out")
				return 0
			fi
			kill -0 "$OIDC_PID" 2>/dev/null || break
			sleep 0.1
			n=$((n + 1))
		done
		oidc_stop
	done
	bad "oidc provider" "did not start: $(head -c 300 "$OIDC_DIR/oidc.err")"
	return 1
}

oidc_stop() {
	if [ -n "$OIDC_PID" ]; then
		kill "$OIDC_PID" 2>/dev/null
		wait "$OIDC_PID" 2>/dev/null
		OIDC_PID=""
	fi
}

oidc_fault() {
	curl -sf -X POST "$OIDC_ISSUER/__fault" \
		-d "{\"endpoint\":\"$1\",\"fault\":\"$2\",\"count\":${3:-1}}" >/dev/null
}

oidc_config() {
	curl -sf -X POST "$OIDC_ISSUER/__config" -d "$1" >/dev/null
}

oidc_browse() {
	python3 -c 'import json,sys; print(json.dumps({"url":sys.argv[1],"mode":sys.argv[2],"user_code":sys.argv[3]}))' \
		"$1" "$2" "${3:-}" | curl -s -X POST "$OIDC_ISSUER/__browse" --data-binary @- --max-time 90
}

oidc_fake_browser() {
	mkdir -p "$1"
	printf '#!/bin/sh\nexec python3 %s "$@"\n' "$OIDC_E2E/fakebrowser.py" >"$1/xdg-open"
	chmod +x "$1/xdg-open"
}
