#!/usr/bin/env bash
# tests/interop/test_login_interop.sh -- a person's login (issue 21) ends in
# a bundle others accept: the browser login (authorization code + PKCE) and
# the device login (RFC 8628) at the real OpenID Connect provider of
# tests/oidc/ (npm oidc-provider, a headless Chromium doing the person's
# part), the ID token exchanged at the local Fulcio (which verifies it
# against the provider's keys), and the signed bundles verified by
# sigstore-js (../shared/tools/sigstore-js/verify.mjs) for the person's
# identity and that issuer, and refused for another.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/sigstore_stack.sh"
. "$(dirname "$0")/../e2e/oidc.sh"
t_begin
W=$T_WORK
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN \
	GITLAB_CI BUILDKITE GCE_METADATA_HOST SIGSTORE_OIDC_CLIENT_SECRET
export XDG_CACHE_HOME=$W/xdg
# the provider and the stack stop themselves after 10 minutes by default;
# this script may take longer on a loaded machine
export OIDC_MAX_SECONDS=1800 STACK_MAX_SECONDS=1800

if [ ! -d "${SHARED:-}/tools/sigstore-js" ]; then
	echo "test_login_interop: SKIPPED -- ${SHARED:-../shared}/tools is absent"
	t_end
fi
if [ ! -d "$OIDC_HOME/node_modules" ]; then
	echo "test_login_interop: SKIPPED -- tests/oidc/node_modules missing: run 'make deps'"
	t_end
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "test_login_interop: SKIPPED -- no Chromium at ${CHROMIUM:-/usr/bin/chromium}: run 'make deps'"
	t_end
fi
JS=$SHARED/tools/sigstore-js
if [ ! -d "$JS/node_modules" ]; then
	(cd "$JS" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 ||
		{ bad "npm ci in $JS"; t_end; }
fi

oidc_start "$W/oidc" || t_end
STACK_EXTRA_ARGS="--oidc-issuer $OIDC_ISSUER"
stack_start "$W/stack" || t_end
TR=$STACK_DIR/trusted_root.json
ISS=$OIDC_ISSUER
BIN=$W/bin
oidc_fake_browser "$BIN"
export PATH="$BIN:$PATH" DISPLAY=:99 OIDC_ISSUER BROWSE_OUT=$W/browse.json \
	BROWSE_CODE_FILE=$W/code
cd "$W" || exit 1
echo "login interop $RANDOM" >a.txt
DIGEST=$(sha256sum a.txt | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":"%s"}}],"predicateType":"https://aicr.dev/validation/v1","predicate":{}}' \
	"$DIGEST" >statement.json

js_verifies() { # BUNDLE
	if node "$JS/verify.mjs" --bundle "$1" --trusted-root "$TR" \
		--certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" a.txt \
		>"$T_OUT" 2>"$T_ERR"; then
		ok "$1: sigstore-js verifies it for alice@example.test at the provider"
	else
		bad "$1: sigstore-js verifies it for alice@example.test at the provider" "$(head -c 300 "$T_ERR")"
	fi
	if node "$JS/verify.mjs" --bundle "$1" --trusted-root "$TR" \
		--certificate-identity alice@example.test --certificate-oidc-issuer https://accounts.example.test a.txt \
		>/dev/null 2>&1; then
		bad "$1: sigstore-js refuses it for another issuer"
	else
		ok "$1: sigstore-js refuses it for another issuer"
	fi
}

# the browser login, a message signature (Rekor v1 + TSA) and a DSSE one
# (Rekor v2)
for c in "msg signing_config.json a.txt" "dsse signing_config_rekor2.json statement.json --in-toto"; do
	set -- $c
	name=browser-$1 sc=$2 src=$3
	shift 3
	BROWSE_MODE=consent run sigstore sign-bundle "$@" --bundle "$name.json" --trusted-root "$TR" \
		--signing-config "$STACK_DIR/$sc" --oidc-provider browser --oidc-timeout 60s "$src"
	expect_rc 0 "$name: a browser login signs"
	expect_err "signed as alice@example.test \\(issuer $ISS\\)" "$name: the person is certified"
	js_verifies "$name.json"
done

# the device login
ae sigstore sign-bundle --bundle device.json --trusted-root "$TR" \
	--signing-config "$STACK_DIR/signing_config.json" --oidc-device a.txt \
	>"$W/dev.out" 2>"$W/dev.err" </dev/null &
dpid=$!
for _ in $(seq 100); do grep -q 'enter the code' "$W/dev.err" 2>/dev/null && break; sleep 0.1; done
uri=$(sed -n 's/^aicr-evidence: (or open \(.*\))$/\1/p' "$W/dev.err")
oidc_browse "$uri" device >"$W/devbrowse.json"
wait "$dpid"
T_RC=$?
cp "$W/dev.err" "$T_ERR"
expect_rc 0 "device: a device login signs"
js_verifies device.json

t_end
