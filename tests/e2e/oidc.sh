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
#   oidc_person W [ARGS...]   a person's login test, set up: no ambient
#                             token source, a cache of its own ($W/xdg),
#                             services that live 30 min; SKIPPED without
#                             tests/oidc's node_modules or Chromium; the
#                             provider ($W/oidc) and the stack trusting it
#                             ($W/stack; ARGS: more stack.mjs arguments)
#                             started; sets TR, SC, ISS and BIN ($W/bin,
#                             the fake browser, first on PATH); exports
#                             DISPLAY, OIDC_ISSUER, BROWSE_OUT ($W/browse.json)
#                             and BROWSE_CODE_FILE ($W/code)
OIDC_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../oidc" && pwd)
OIDC_E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OIDC_PID=""

oidc_start() {
	OIDC_DIR=$1
	mkdir -p "$OIDC_DIR"
	node_service_start "oidc provider" OIDC_PID OIDC_ISSUER "$OIDC_DIR/oidc" \
		"$OIDC_HOME/provider.mjs" --out-dir "$OIDC_DIR"
}

oidc_stop() { node_service_stop OIDC_PID; }

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

oidc_person() {
	local w=$1
	shift
	unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
		GITLAB_CI BUILDKITE GCE_METADATA_HOST SIGSTORE_OIDC_CLIENT_SECRET
	export XDG_CACHE_HOME=$w/xdg
	# the provider and the stack stop themselves after 10 minutes by
	# default; a login test may take longer on a loaded machine
	export OIDC_MAX_SECONDS=1800 STACK_MAX_SECONDS=1800
	if [ ! -d "$OIDC_HOME/node_modules" ]; then
		echo "SKIPPED -- tests/oidc/node_modules missing: run 'make deps'"
		t_end
	fi
	if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		echo "SKIPPED -- no Chromium at ${CHROMIUM:-/usr/bin/chromium}: run 'make deps'"
		t_end
	fi
	oidc_start "$w/oidc" || t_end
	STACK_EXTRA_ARGS="--oidc-issuer $OIDC_ISSUER${*:+ $*}"
	stack_start "$w/stack" || t_end
	TR=$STACK_DIR/trusted_root.json
	SC=$STACK_DIR/signing_config.json
	ISS=$OIDC_ISSUER
	BIN=$w/bin
	oidc_fake_browser "$BIN"
	export PATH="$BIN:$PATH" DISPLAY=:99 OIDC_ISSUER BROWSE_OUT=$w/browse.json \
		BROWSE_CODE_FILE=$w/code
}
