#!/usr/bin/env bash
# tests/e2e/test_sign_preflight.sh -- a private signing setup fails before
# publishing (issue 20 item 9)
#
# The local Sigstore stack (tests/sigstore-stack) logs every request it
# serves. A signing config naming the stack's CA, log and TSA with no
# --trusted-root (the public-good root does not list them), or with a
# trusted root lacking one of them or holding it only in the past, must be
# refused before any request: no certificate from Fulcio, no Rekor entry,
# no timestamp -- the identity stays private. The same with the matching
# trusted root signs, and the log count moves (the counter works).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
export STACK_LOG=1
stack_up "$W/stack"
# requests the stack has served: all, and to Rekor's log endpoints
served() { grep -c ' -> ' "$STACK_DIR/stack.err"; }
rekor() { grep -cE '^POST /api/v[12]/(log/entries|log/entries|entries)' "$STACK_DIR/stack.err"; }

jq 'del(.timestampAuthorities)' "$TR" >"$W/no-tsa.json"
jq '.tlogs = []' "$TR" >"$W/no-tlog.json"
jq '.certificateAuthorities[0].validFor = {"start":"2020-01-01T00:00:00Z","end":"2021-01-01T00:00:00Z"}' "$TR" >"$W/old-ca.json"
jq '.certificateAuthorities[0].uri = "https://fulcio.elsewhere.test"' "$TR" >"$W/other-ca.json"

EMIT=(emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf")
# refused before any request: LABEL WHAT-RE ARGS...
refused() {
	local label=$1 what=$2 before
	shift 2
	before=$(served)
	run "$@"
	[ "$T_RC" -ne 0 ] && [ "$T_RC" -lt 64 ] && ok "$label is refused" || bad "$label is refused" "exit $T_RC"
	expect_err "$what" "$label: the message names what the trusted root lacks"
	[ "$(served)" = "$before" ] && ok "$label: no request reached Fulcio, Rekor or the TSA" ||
		bad "$label: no request reached Fulcio, Rekor or the TSA" "$(tail -n +$((before + 1)) "$STACK_DIR/stack.err" | head -3 | tr '\n' ' ')"
}

rm -rf "$W/e1"
refused "emit --sign --signing-config without --trusted-root" 'certificate authority' \
	"${EMIT[@]}" -o "$W/e1" --sign --ref localhost:5000/acme/evidence \
	--identity-token "$TOKEN" --signing-config "$SC" --yes
[ ! -e "$W/e1/pointer.yaml" ] && ok "emit leaves no pointer" || bad "emit leaves no pointer"
refused "sigstore sign-bundle --signing-config without --trusted-root" 'certificate authority' \
	sigstore sign-bundle --identity-token "$TOKEN" --signing-config "$SC" \
	--bundle "$W/sb.json" "$EX/recipe.yaml"
[ ! -e "$W/sb.json" ] && ok "sign-bundle writes no bundle" || bad "sign-bundle writes no bundle"

run "${EMIT[@]}" -o "$W/u"
expect_rc 0 "an unsigned bundle to sign"
refused "sign --signing-config without --trusted-root" 'certificate authority' \
	sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --yes
refused "sign with a trusted root without the TSA" 'timestamp authority' \
	sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$W/no-tsa.json" --yes
refused "sign with a trusted root without the log" 'transparency log' \
	sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$W/no-tlog.json" --yes
refused "sign with a trusted root whose CA expired" 'certificate authority' \
	sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$W/old-ca.json" --yes
refused "sign with a trusted root naming another CA" 'certificate authority' \
	sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$W/other-ca.json" --yes
[ ! -e "$W/u/summary-bundle/attestation.intoto.jsonl" ] && ok "no refused sign wrote a signature" ||
	bad "no refused sign wrote a signature"

# the control: the matching trusted root signs, and Rekor sees the entry
before=$(rekor)
run sign "$W/u" --ref localhost:5000/acme/evidence --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "sign with the trusted root that lists the CA, log and TSA"
[ "$(rekor)" -gt "$before" ] && ok "the signature was logged (the counter sees Rekor)" ||
	bad "the signature was logged (the counter sees Rekor)" "$(tail -5 "$STACK_DIR/stack.err" | tr '\n' ' ')"
t_end
