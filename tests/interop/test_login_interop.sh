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
if [ ! -d "${SHARED:-}/tools/sigstore-js" ]; then
	echo "test_login_interop: SKIPPED -- ${SHARED:-../shared}/tools is absent"
	t_end
fi
JS=$SHARED/tools/sigstore-js
if [ ! -d "$JS/node_modules" ]; then
	(cd "$JS" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 ||
		{ bad "npm ci in $JS"; t_end; }
fi

oidc_person "$W"
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
