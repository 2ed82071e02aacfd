#!/usr/bin/env bash
# tests/interop/test_sign_interop.sh -- bundles we sign against our own
# Sigstore stack verify with sigstore-js (../shared/tools/sigstore-js/
# verify.mjs), and the sigstore-conformance signing tests pass
# (../shared/tools/conformance-offline --sign-mock --sign-only).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/sigstore_stack.sh"
t_begin

if [ ! -d "${SHARED:-}/tools/sigstore-js" ]; then
	echo "test_sign_interop: SKIPPED -- ${SHARED:-../shared}/tools is absent"
	t_end
fi
JS=$SHARED/tools/sigstore-js
if [ ! -d "$JS/node_modules" ]; then
	(cd "$JS" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 ||
		{ bad "npm ci in $JS"; t_end; }
fi
HERE=$(cd "$(dirname "$0")" && pwd)
stack_start "$T_WORK/stack" || t_end
cd "$T_WORK" || exit 1
TR=$STACK_DIR/trusted_root.json
now=$(date +%s)
EMAIL_TOKEN=$(stack_token alice@example.test)
GHA_ID='https://github.com/acme/validate/.github/workflows/evidence.yml@refs/heads/main'
GHA_TOKEN=$(jwt_unsigned "{\"iss\":\"https://token.actions.githubusercontent.com\",\"aud\":\"sigstore\",\"sub\":\"repo:acme/validate:ref:refs/heads/main\",\"job_workflow_ref\":\"acme/validate/.github/workflows/evidence.yml@refs/heads/main\",\"exp\":$((now + 600))}")
echo "interop $RANDOM" >a.txt
DIGEST=$(sha256sum a.txt | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":"%s"}}],"predicateType":"https://aicr.dev/validation/v1","predicate":{}}' \
	"$DIGEST" >statement.json

# cross NAME TOKEN IDENTITY ISSUER CONFIG [--in-toto]
cross() {
	local name=$1 tok=$2 id=$3 iss=$4 sc=$5 intoto=${6:-} src=a.txt
	[ -n "$intoto" ] && src=statement.json
	# shellcheck disable=SC2086 # SIGN_EXTRA: extra flags, split on purpose
	run sigstore sign-bundle $intoto --identity-token "$tok" --bundle "$name.json" \
		--trusted-root "$TR" --signing-config "$STACK_DIR/$sc" ${SIGN_EXTRA:-} "$src"
	expect_rc 0 "$name: signed"
	for mode in a.txt "sha256:$DIGEST"; do
		if node "$JS/verify.mjs" --bundle "$name.json" --trusted-root "$TR" \
			--certificate-identity "$id" --certificate-oidc-issuer "$iss" "$mode" \
			>"$T_OUT" 2>"$T_ERR"; then
			ok "$name: sigstore-js verifies (${mode%%:*})"
		else
			bad "$name: sigstore-js verifies (${mode%%:*})" "$(head -c 300 "$T_ERR")"
		fi
	done
	if node "$JS/verify.mjs" --bundle "$name.json" --trusted-root "$TR" \
		--certificate-identity "someone-else@example.test" --certificate-oidc-issuer "$iss" a.txt \
		>/dev/null 2>&1; then
		bad "$name: sigstore-js rejects another identity"
	else
		ok "$name: sigstore-js rejects another identity"
	fi
}

cross email-msg-rekor1 "$EMAIL_TOKEN" alice@example.test https://accounts.example.test signing_config.json
cross email-dsse-rekor1 "$EMAIL_TOKEN" alice@example.test https://accounts.example.test signing_config_notsa.json --in-toto
cross gha-msg-rekor2 "$GHA_TOKEN" "$GHA_ID" https://token.actions.githubusercontent.com signing_config_rekor2.json
cross gha-dsse-rekor2 "$GHA_TOKEN" "$GHA_ID" https://token.actions.githubusercontent.com signing_config_rekor2.json --in-toto
cross gha-dsse-rekor1-tsa "$GHA_TOKEN" "$GHA_ID" https://token.actions.githubusercontent.com signing_config.json --in-toto

# Issue 25 / 17: a gateway loses Rekor's answer after the entry was logged;
# the entry the retry's 409 names is fetched and goes into the bundle.
HP=$(free_port)
setsid python3 "$HERE/../e2e/hostile.py" --port "$HP" --upstream "${STACK_URL#http://}" \
	</dev/null >"$T_WORK/hostile.log" 2>&1 &
t_cleanup "kill $!"
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/_hostile/log" && break; sleep 0.1; done
curl -s -X POST --data-binary '[{"method":"POST","path":"/api/v1/log/entries","action":"status","status":502}]' \
	"http://127.0.0.1:$HP/_hostile/rules" >/dev/null
# The gateway is named by --rekor-url, the operator's own choice: the
# signer's check before any request (issue 20 item 9) holds a signing
# config's services to the trusted root, and the gateway is not in it.
SIGN_EXTRA="--rekor-url http://127.0.0.1:$HP" \
	cross email-msg-rekor1-409 "$EMAIL_TOKEN" alice@example.test https://accounts.example.test signing_config_notsa.json
stack_stop

# The conformance signing tests. The shared assets hold only bundle-verify/;
# the signing tests sign a.txt and an in-toto statement whose subject is
# a.txt (the harness verifies the DSSE bundle against a.txt), so add both.
assets=$T_WORK/conf-assets
cp -r "$SHARED/conformance/assets" "$assets"
cp "$assets/bundle-verify/a.txt" "$assets/a.txt"
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":"%s"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}\n' \
	"$(sha256sum "$assets/a.txt" | cut -d' ' -f1)" >"$assets/statement.json"
"$SHARED/tools/conformance-offline" --assets "$assets" --sign-mock --sign-only \
	"$AE_BIN" sigstore >"$T_OUT" 2>"$T_ERR"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T_OUT" | tail -1)
np=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
nf=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
echo "conformance --sign-mock --sign-only: ${line:-no summary}"
grep -E '^(FAIL|XPASS) ' "$T_OUT" | sed 's/^/    /'
if [ -n "$line" ] && [ "${nf:-1}" -eq 0 ] && [ "${np:-0}" -eq 3 ]; then
	ok "conformance signing tests: 3 of 3 pass"
else
	bad "conformance signing tests: 3 of 3 pass" "${line:-no summary}"
fi

t_end
