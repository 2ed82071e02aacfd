#!/usr/bin/env bash
# tests/e2e/test_sign.sh -- keyless signing against the project's own
# Sigstore stack (tests/sigstore-stack): identities (e-mail, GitHub Actions
# workflow), Rekor v1 and v2 (+TSA), token sources, and the fault cases of
# issue 4, each a clear error with no bundle written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
t_begin

stack_start "$T_WORK/stack" || t_end
cd "$T_WORK" || exit 1
TR=$STACK_DIR/trusted_root.json
SC1=$STACK_DIR/signing_config.json
SC2=$STACK_DIR/signing_config_rekor2.json
SC1_NOTSA=$STACK_DIR/signing_config_notsa.json
now=$(date +%s)
EMAIL_TOKEN=$(stack_token alice@example.test)
GHA_ID='https://github.com/acme/validate/.github/workflows/evidence.yml@refs/heads/main'
GHA_TOKEN=$(jwt_unsigned "{\"iss\":\"https://token.actions.githubusercontent.com\",\"aud\":\"sigstore\",\"sub\":\"repo:acme/validate:ref:refs/heads/main\",\"job_workflow_ref\":\"acme/validate/.github/workflows/evidence.yml@refs/heads/main\",\"repository\":\"acme/validate\",\"exp\":$((now + 600))}")
EXPIRED_TOKEN=$(jwt_unsigned "{\"iss\":\"https://accounts.example.test\",\"aud\":\"sigstore\",\"sub\":\"u-1\",\"email\":\"alice@example.test\",\"exp\":$((now - 120))}")

echo "evidence run $RANDOM" >a.txt
DIGEST=$(sha256sum a.txt | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":"%s"}}],"predicateType":"https://aicr.dev/validation/v1","predicate":{}}' \
	"$DIGEST" >statement.json

# sign NAME [ARGS...]: signs into NAME.json with the trusted root given.
sign() {
	local out=$1
	shift
	rm -f "$out"
	run sigstore sign-bundle --bundle "$out" --trusted-root "$TR" "$@"
}
# jq_is FILE FILTER WANT "what"
jq_is() {
	local got
	got=$(jq -r "$2" "$1" 2>/dev/null)
	if [ "$got" = "$3" ]; then ok "$4"; else bad "$4" "$2 is '$got', want '$3'"; fi
}
no_bundle() {
	if [ -e "$1" ]; then bad "$2" "$1 was written"; else ok "$2"; fi
}
# verify FILE IDENTITY ISSUER: our own verifier, once it is in the binary.
verify_own() {
	if ae sigstore verify-bundle --help >/dev/null 2>&1; then
		run sigstore verify-bundle --bundle "$1" --certificate-identity "$2" \
			--certificate-oidc-issuer "$3" --trusted-root "$TR" a.txt
		expect_rc 0 "our verifier accepts $1"
	fi
}

# ---- identities x Rekor v1 (+TSA) ----
sign m1.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 0 "e-mail identity, message, Rekor v1 + TSA: signed"
expect_err 'signed as alice@example.test \(issuer https://accounts.example.test\), rekor v1 log index 1[0-9]{3}, timestamped' \
	"the signer is reported from the certificate"
jq_is m1.json .mediaType application/vnd.dev.sigstore.bundle.v0.3+json "bundle is v0.3"
jq_is m1.json '.verificationMaterial.tlogEntries[0].kindVersion | "\(.kind) \(.version)"' "hashedrekord 0.0.1" "Rekor v1 entry is hashedrekord 0.0.1"
jq_is m1.json '.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp | length > 0' true "Rekor v1 entry has a SET"
jq_is m1.json '.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope | contains("\n\n— ")' true "entry has a signed checkpoint"
jq_is m1.json '.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length' 1 "bundle has an RFC 3161 timestamp"
jq_is m1.json ".messageSignature.messageDigest.digest" "$(xxd -r -p <<<"$DIGEST" | base64 -w0)" "message digest is the file's SHA-256"
jq_is m1.json '.verificationMaterial | has("x509CertificateChain")' false "v0.3 carries the leaf only"
verify_own m1.json alice@example.test https://accounts.example.test

sign d1.json --in-toto --identity-token "$GHA_TOKEN" --signing-config "$SC1_NOTSA" statement.json
expect_rc 0 "GitHub Actions identity, DSSE, Rekor v1: signed"
expect_err "signed as $GHA_ID \\(issuer https://token.actions.githubusercontent.com\\)" "workflow URI identity reported"
jq_is d1.json '.verificationMaterial.tlogEntries[0].kindVersion.kind' dsse "DSSE on Rekor v1 is a dsse entry"
jq_is d1.json '.dsseEnvelope.payload' "$(base64 -w0 statement.json)" "DSSE payload is exactly the statement bytes"
jq_is d1.json '.dsseEnvelope.payloadType' application/vnd.in-toto+json "payload type is in-toto"
jq_is d1.json '.verificationMaterial | has("timestampVerificationData")' false "no TSA configured: no timestamp"
verify_own d1.json "$GHA_ID" https://token.actions.githubusercontent.com

# ---- Rekor v2 (+TSA) ----
sign m2.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC2" a.txt
expect_rc 0 "message on Rekor v2 + TSA: signed"
jq_is m2.json '.verificationMaterial.tlogEntries[0].kindVersion | "\(.kind) \(.version)"' "hashedrekord 0.0.2" "Rekor v2 entry is hashedrekord 0.0.2"
jq_is m2.json '.verificationMaterial.tlogEntries[0] | has("integratedTime") or has("inclusionPromise")' false "Rekor v2 entry has no SET or integrated time"
jq_is m2.json '.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length' 1 "Rekor v2 bundle is timestamped"
verify_own m2.json alice@example.test https://accounts.example.test

sign d2.json --in-toto --identity-token "$GHA_TOKEN" --fulcio-url "$STACK_URL" \
	--rekor-url "$STACK_URL" --rekor-version 2 --tsa-url "$STACK_URL/api/v1/timestamp" statement.json
expect_rc 0 "DSSE on Rekor v2 via --fulcio-url/--rekor-url/--tsa-url: signed"
jq_is d2.json '.verificationMaterial.tlogEntries[0].kindVersion | "\(.kind) \(.version)"' "dsse 0.0.2" "DSSE on Rekor v2 is dsse 0.0.2"
verify_own d2.json "$GHA_ID" https://token.actions.githubusercontent.com

sign x.json --identity-token "$EMAIL_TOKEN" --fulcio-url "$STACK_URL" --rekor-url "$STACK_URL" --rekor-version 2 a.txt
expect_rc 2 "Rekor v2 without a TSA is refused"
expect_err 'rekor v2 entries carry no time' "the reason names the missing TSA"
no_bundle x.json "no bundle after the Rekor v2 refusal"

# ---- token sources ----
rm -f e.json
SIGSTORE_ID_TOKEN=$EMAIL_TOKEN run sigstore sign-bundle --bundle e.json --trusted-root "$TR" --signing-config "$SC1_NOTSA" a.txt
expect_rc 0 "SIGSTORE_ID_TOKEN is a token source"
rm -f g.json
ACTIONS_ID_TOKEN_REQUEST_URL="$STACK_URL/gha/token?api-version=2.0" ACTIONS_ID_TOKEN_REQUEST_TOKEN=$STACK_GHA_SECRET \
	run sigstore sign-bundle --bundle g.json --trusted-root "$TR" --signing-config "$SC1_NOTSA" a.txt
expect_rc 0 "GitHub Actions ambient credentials are a token source"
expect_err 'signed as https://github.com/aicr-test/evidence/.github/workflows/evidence.yml@refs/heads/main \(issuer https://token.actions.githubusercontent.com\)' \
	"the ambient token's workflow identity is certified"
rm -f g.json
ACTIONS_ID_TOKEN_REQUEST_URL="$STACK_URL/gha/token" ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong \
	run sigstore sign-bundle --bundle g.json --signing-config "$SC1_NOTSA" a.txt
expect_rc 2 "a refused GitHub request token fails"
expect_err 'github actions token endpoint refused the request token \(HTTP 401\)' "the refusal is explained"
no_bundle g.json "no bundle after the refused request token"
if grep -q -- wrong "$T_ERR"; then bad "the request token is not echoed"; else ok "the request token is not echoed"; fi
rm -f g.json
SIGSTORE_ID_TOKEN= ACTIONS_ID_TOKEN_REQUEST_URL= run sigstore sign-bundle --bundle g.json --signing-config "$SC1_NOTSA" a.txt
expect_rc 2 "no token source is an error"
expect_err 'no identity token: pass --identity-token' "missing token explained"

# ---- faults: each a clear error, no bundle ----
closed=$(free_port)
sign f.json --identity-token "$EXPIRED_TOKEN" --fulcio-url "http://127.0.0.1:$closed" \
	--rekor-url "http://127.0.0.1:$closed" a.txt
expect_rc 2 "an expired token fails"
expect_err 'identity token expired 2 minutes ago' "expired token: clear error before any request, in human units"
no_bundle f.json "no bundle for an expired token"
if grep -q "$EXPIRED_TOKEN" "$T_ERR"; then bad "the token never appears in messages"; else ok "the token never appears in messages"; fi

stack_fault fulcio 500 3
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 3 "Fulcio 5xx on every attempt is transient (exit 3)"
expect_err 'fulcio answered HTTP 500 after 3 attempts' "Fulcio 5xx explained"
no_bundle f.json "no bundle after Fulcio 5xx"

stack_fault fulcio 503 1
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 0 "one Fulcio 503 is retried and signing succeeds"

stack_fault fulcio 503ra1 1
t0=$(date +%s%N)
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
t1=$(date +%s%N)
expect_rc 0 "a Fulcio 503 with Retry-After 1 is retried and succeeds"
if [ $(((t1 - t0) / 1000000)) -ge 1000 ]; then ok "Retry-After: 1 is obeyed"; else bad "Retry-After: 1 is obeyed" "took $(((t1 - t0) / 1000000)) ms"; fi

stack_fault rekor1 429ra600 1
t0=$(date +%s%N)
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
t1=$(date +%s%N)
expect_rc 3 "a Retry-After beyond the budget ends the attempts (exit 3)"
expect_err 'rekor answered HTTP 429 with Retry-After 600 s, beyond the 10 s budget' "the long Retry-After is explained"
if [ $(((t1 - t0) / 1000000)) -lt 5000 ]; then ok "no waiting for a Retry-After beyond the budget"; else bad "no waiting for a Retry-After beyond the budget"; fi
no_bundle f.json "no bundle after the long Retry-After"

for fault in badchain:'fulcio chain certificate 0 is not a PEM certificate' \
	noleaf:'fulcio answer has no certificate chain' \
	otherkey:'fulcio leaf is a CA certificate' \
	detached:'fulcio returned a detached SCT'; do
	stack_fault fulcio "${fault%%:*}" 1
	sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
	expect_rc 2 "Fulcio ${fault%%:*} answer fails"
	expect_err "${fault#*:}" "Fulcio ${fault%%:*} explained"
	no_bundle f.json "no bundle after Fulcio ${fault%%:*}"
done

stack_fault rekor1 409 1
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 2 "Rekor 409 fails"
expect_err 'rekor already holds this entry \(HTTP 409\)' "Rekor 409 explained"
no_bundle f.json "no bundle after Rekor 409"

stack_fault rekor1 503 3
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 3 "Rekor 5xx on every attempt is transient (exit 3)"
expect_err 'rekor answered HTTP 503 after 3 attempts' "Rekor 5xx explained"
no_bundle f.json "no bundle after Rekor 5xx"

stack_fault rekor1 badproof 1
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 2 "a Rekor v1 inclusion proof that does not verify fails"
expect_err 'inclusion proof does not reproduce the root hash' "bad v1 proof explained"
no_bundle f.json "no bundle after a bad v1 proof"

stack_fault rekor2 badproof 1
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC2" a.txt
expect_rc 2 "a Rekor v2 inclusion proof that does not verify fails"
expect_err 'inclusion proof does not' "bad v2 proof explained"
no_bundle f.json "no bundle after a bad v2 proof"

stack_fault rekor1 badbody 1
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 2 "a Rekor body that is not our entry fails"
expect_err 'rekor logged a body that does not record our signature' "foreign body explained"
no_bundle f.json "no bundle after a foreign body"

stack_fault tsa 500 3
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC2" a.txt
expect_rc 3 "TSA 5xx is transient"
no_bundle f.json "no bundle after TSA 5xx"

echo keep >f.json
stack_fault fulcio badchain 1
run sigstore sign-bundle --bundle f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" \
	--trusted-root "$TR" a.txt
if [ "$(cat f.json)" = keep ]; then ok "a failed signing leaves an existing file unchanged"; else bad "a failed signing leaves an existing file unchanged"; fi

# The self-check: a trusted root that names the stack's log at its URL
# but holds another key for it (the CT log's) passes the check before
# signing (URLs), and our verifier then rejects the bundle: nothing is
# written. Without the stack's trusted root at all, signing is refused
# before any request (tests/e2e/test_sign_preflight.sh).
rm -f f.json
jq '.tlogs |= map(.publicKey = $r.ctlogs[0].publicKey | .logId = $r.ctlogs[0].logId)' \
	--argjson r "$(cat "$TR")" "$TR" >wrong-log-key.json
run sigstore sign-bundle --bundle f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" \
	--trusted-root wrong-log-key.json a.txt
expect_rc 2 "a bundle our verifier rejects fails the self-check"
expect_err 'self-check: our verifier rejects the new bundle' "self-check failure explained"
no_bundle f.json "no bundle after a failed self-check"
run sigstore sign-bundle --bundle f.json --identity-token "$EMAIL_TOKEN" --signing-config "$SC1" a.txt
expect_rc 2 "without the stack's trusted root, signing is refused"
expect_err 'the trusted root has no certificate authority' "the refusal names what the trusted root lacks"
no_bundle f.json "no bundle after the refusal"

# ---- refusals before any network I/O ----
sign f.json --identity-token "$EMAIL_TOKEN" --fulcio-url http://fulcio.example.test --rekor-url "$STACK_URL" a.txt
expect_rc 2 "plain http to a non-loopback host is refused"
expect_err 'is not https' "non-https refusal explained"
run sigstore sign-bundle --identity-token "$EMAIL_TOKEN" a.txt
expect_rc 64 "--bundle is required"
run sigstore sign-bundle --bundle f.json --identity-token "$EMAIL_TOKEN" --rekor-version 3 --signing-config "$SC1" a.txt
expect_rc 2 "--rekor-version other than 1 or 2 fails"
run sigstore sign-bundle --bundle f.json --identity-token
expect_rc 64 "a flag without its value is a usage error"
run sigstore sign-bundle --bundle f.json --identity-token not-a-jwt a.txt
expect_rc 2 "a token that is not a JWT fails"
expect_err 'identity token is not a JWT' "malformed token explained"
printf '{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.1+json"}' >bad-sc.json
sign f.json --identity-token "$EMAIL_TOKEN" --signing-config bad-sc.json a.txt
expect_rc 2 "an unknown SigningConfig media type fails"
expect_err 'signing config media type is not' "SigningConfig refusal explained"

stack_stop
t_end
