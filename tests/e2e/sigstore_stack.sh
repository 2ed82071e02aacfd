# tests/e2e/sigstore_stack.sh -- start/stop the project's local Sigstore stack
# (tests/sigstore-stack/stack.mjs) from an e2e script; sourced after lib.sh.
#
#   stack_start DIR           starts Fulcio+CT+Rekor v1/v2+TSA on 127.0.0.1
#                             (more stack.mjs arguments in STACK_EXTRA_ARGS),
#                             sets STACK_URL, STACK_DIR (trusted_root.json,
#                             signing_config*.json), STACK_GHA_SECRET;
#                             returns 1 (after `bad`) if it cannot start
#   stack_fault SERVICE FAULT [COUNT]
#                             next COUNT requests to SERVICE (fulcio, rekor1,
#                             rekor2, tsa, gha) get FAULT (an HTTP status,
#                             badchain, noleaf, otherkey, detached, badproof,
#                             badbody)
#   stack_stop                stops it (also registered with t_cleanup)
#   stack_up DIR              stack_start, or the test ends (stack_start has
#                             said why); sets TR and SC (the stack's
#                             trusted_root.json and signing_config.json) and
#                             TOKEN (stack_token alice@example.test)
#   jwt_unsigned JSON         prints an unsigned (alg none) JWT with JSON claims
#   stack_token EMAIL [TTL]   prints the stack's test token for EMAIL: issuer
#                             https://accounts.example.test, subject u-1,
#                             expiring in TTL seconds (default 600)
STACK_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sigstore-stack" && pwd)
STACK_PID=""

stack_start() {
	STACK_DIR=$1
	mkdir -p "$STACK_DIR"
	if [ ! -d "$STACK_HOME/node_modules" ]; then
		bad "sigstore stack" "$STACK_HOME/node_modules missing: run 'make deps'"
		return 1
	fi
	STACK_GHA_SECRET=gha-$RANDOM$RANDOM
	# shellcheck disable=SC2086
	node_service_start "sigstore stack" STACK_PID STACK_URL "$STACK_DIR/stack" \
		"$STACK_HOME/stack.mjs" --out-dir "$STACK_DIR" \
		--gha-request-token "$STACK_GHA_SECRET" ${STACK_EXTRA_ARGS:-}
}

stack_stop() { node_service_stop STACK_PID; }

stack_up() {
	stack_start "$1" || t_end
	TR=$STACK_DIR/trusted_root.json
	SC=$STACK_DIR/signing_config.json
	TOKEN=$(stack_token alice@example.test)
}

stack_fault() {
	curl -sf -X POST "$STACK_URL/__fault" \
		-d "{\"service\":\"$1\",\"fault\":\"$2\",\"count\":${3:-1}}" >/dev/null
}

jwt_unsigned() {
	local h p
	h=$(printf '{"alg":"none","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
	p=$(printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')
	printf '%s.%s.' "$h" "$p"
}

stack_token() {
	jwt_unsigned "{\"iss\":\"https://accounts.example.test\",\"aud\":\"sigstore\",\"sub\":\"u-1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + ${2:-600}))}"
}
