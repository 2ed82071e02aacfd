#!/usr/bin/env bash
# tests/interop/test_policy_interop.sh -- sigstore-js's verdicts on the
# inputs of tests/e2e/test_verify_policy.sh (issue 16), recorded there as
# "js:" comments: this script makes the same inputs (the project's stack,
# tests/sigstore-stack/keysign.mjs, the vendored upstream bundles) and
# checks that ../shared/tools/sigstore-js/verify.mjs still says what the
# comments say, and what aicr-evidence says beside it. Where the two
# differ on purpose the reason is written next to the case
# (docs/sigstore-verify.md "Policy").
#
# verify.mjs needs its node_modules; the shared directory may be
# read-only, so without them the tool is copied to the work directory and
# `npm ci` runs there (npm registry only). SIGSTORE_JS=DIR names a ready
# copy instead.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/sigstore_stack.sh"
t_begin

JS=${SIGSTORE_JS:-${SHARED:-}/tools/sigstore-js}
if [ ! -f "$JS/verify.mjs" ]; then
	echo "test_policy_interop: SKIPPED -- no sigstore-js verify.mjs (${SHARED:-../shared}/tools is absent)"
	t_end
fi
if [ ! -d "$JS/node_modules" ]; then
	cp -R "$JS" "$T_WORK/sjs" && chmod -R u+w "$T_WORK/sjs" && JS=$T_WORK/sjs
	(cd "$JS" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null 2>&1 ||
		{ bad "npm ci in a copy of sigstore-js"; t_end; }
fi
HERE=$(cd "$(dirname "$0")" && pwd)
UP=$HERE/../conformance/upstream/bundle-verify
PG=$HERE/../../evidence/data/public-good-trusted_root.json
KEYSIGN=$HERE/../sigstore-stack/keysign.mjs
cd "$T_WORK" || exit 1

# Both verifiers on one input: JS-VERDICT OUR-RC what ARGS... where ARGS
# are verify-bundle's (--bundle B, policy, --trusted-root, artifact).
both() {
	local want_js=$1 want_ae=$2 what=$3 js
	shift 3
	run sigstore verify-bundle "$@"
	expect_rc "$want_ae" "aicr-evidence: $what"
	if node "$JS/verify.mjs" verify-bundle "$@" >"$T_OUT" 2>"$T_ERR"; then js=OK; else js=FAIL; fi
	if [ "$js" = "$want_js" ]; then ok "js $want_js: $what"; else bad "js $want_js: $what" "js says $js: $(head -c 200 "$T_ERR")"; fi
}

# ---- 1. --trusted-root replaces the default ----
CID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
CISS=https://token.actions.githubusercontent.com
PGB=$UP/sct-duplicate-intermediate-name/bundle.sigstore.json
jq 'del(.ctlogs)' "$PG" >noct.json
both OK 0 "public-good bundle, the public-good root given" --bundle "$PGB" \
	--certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root "$PG" "$UP/a.txt"
both FAIL 2 "public-good bundle, a root without its CT log" --bundle "$PGB" \
	--certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root noct.json "$UP/a.txt"

stack_start "$T_WORK/stack" || t_end
TR=$STACK_DIR/trusted_root.json
ISS=https://accounts.example.test
echo "artifact $RANDOM" >a.txt
ADIG=sha256:$(sha256sum a.txt | cut -d' ' -f1)
exp=$(($(date +%s) + 600))
ks() { # OUT ARGS...
	local o=$1
	shift
	node "$KEYSIGN" --url "$STACK_URL" "$@" >"$o" 2>"$T_ERR" || bad "keysign $o" "$(head -c 300 "$T_ERR")"
}

# ---- 4. one identity per certificate ----
# sigstore-js reads the first URI SAN, else the first e-mail (as sigstore-go);
# we refuse a leaf naming two identities, whatever is asked.
ks two-emails.json --token "$(jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"u-1\",\"email\":\"alice@example.test\",\"exp\":$exp,\"x_extra_sans\":[\"email:bob@example.test\"]}")" a.txt
ks email-uri.json --token "$(jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"u-1\",\"email\":\"alice@example.test\",\"exp\":$exp,\"x_extra_sans\":[\"uri:https://example.test/alice\"]}")" a.txt
ks uri-email.json --token "$(jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"https://example.test/alice\",\"exp\":$exp,\"x_extra_sans\":[\"email:alice@example.test\"]}")" a.txt
pol() { echo --certificate-identity "$1" --certificate-oidc-issuer "$ISS" --trusted-root "$TR"; }
# shellcheck disable=SC2046
{
	both OK 2 "two e-mails, the first asked" --bundle two-emails.json $(pol alice@example.test) a.txt
	both FAIL 2 "two e-mails, the second asked" --bundle two-emails.json $(pol bob@example.test) a.txt
	both FAIL 2 "e-mail then URI, the e-mail asked (js reads the URI)" --bundle email-uri.json $(pol alice@example.test) a.txt
	both OK 2 "e-mail then URI, the URI asked" --bundle email-uri.json $(pol https://example.test/alice) a.txt
	both OK 2 "URI then e-mail, the URI asked" --bundle uri-email.json $(pol https://example.test/alice) a.txt
	both FAIL 2 "URI then e-mail, the e-mail asked" --bundle uri-email.json $(pol alice@example.test) a.txt
}

# ---- 5. the hash comes from the bundle ----
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
openssl pkey -in p384.pem -pubout -out p384.pub 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem 2>/dev/null
openssl pkey -in p256.pem -pubout -out p256.pub 2>/dev/null
ks p384-sha256.json --key p384.pem --hash sha256 a.txt
both OK 0 "P-384 key, SHA-256 (as sigstore-js signs), FILE" --bundle p384-sha256.json --key p384.pub --trusted-root "$TR" a.txt
both OK 0 "P-384 key, SHA-256, sha256:HEX" --bundle p384-sha256.json --key p384.pub --trusted-root "$TR" "$ADIG"
# verify.mjs adds its own check that messageDigest equals the artifact's
# SHA-256, so it refuses every SHA-384/512 message bundle; @sigstore/verify
# itself takes the hash from messageDigest.algorithm, as we do.
ks p384-sha384.json --key p384.pem --hash sha384 a.txt
both FAIL 0 "P-384 key, SHA-384 message (verify.mjs's SHA-256-only digest check)" --bundle p384-sha384.json --key p384.pub --trusted-root "$TR" a.txt
ks p256-sha384.json --key p256.pem --hash sha384 a.txt
both FAIL 0 "P-256 key, SHA-384 message (same)" --bundle p256-sha384.json --key p256.pub --trusted-root "$TR" a.txt

# ---- 6. proto3-JSON forms ----
ks m.json --token "$(jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"u-1\",\"email\":\"alice@example.test\",\"exp\":$exp}")" a.txt
# shellcheck disable=SC2046
{
	both OK 0 "the bundle as written" --bundle m.json $(pol alice@example.test) a.txt
	jq '(.. | objects | select(has("rawBytes")) | .rawBytes) |= (gsub("\\+"; "-") | gsub("/"; "_"))' m.json >url.json
	both OK 0 "URL-safe base64 in rawBytes" --bundle url.json $(pol alice@example.test) a.txt
	jq '.messageSignature.signature |= sub("=+$"; "")' m.json >nopad.json
	both OK 0 "unpadded base64 signature" --bundle nopad.json $(pol alice@example.test) a.txt
	jq '.verificationMaterial.x509CertificateChain = null' m.json >null.json
	both OK 0 "null for the absent oneof arm" --bundle null.json $(pol alice@example.test) a.txt
	jq '.verificationMaterial.tlogEntries[0].integratedTime |= tonumber' m.json >num.json
	both OK 0 "integratedTime as a JSON number" --bundle num.json $(pol alice@example.test) a.txt
	# Rekor v2 + TSA (our signer): no SET, and a global index signed nowhere
	run sigstore sign-bundle --identity-token "$(stack_token alice@example.test)" --bundle m2.json \
		--trusted-root "$TR" --signing-config "$STACK_DIR/signing_config_rekor2.json" a.txt
	expect_rc 0 "sign a Rekor v2 bundle"
	jq '.verificationMaterial.tlogEntries[0].inclusionPromise = null' m2.json >null2.json
	both OK 0 '"inclusionPromise": null' --bundle null2.json $(pol alice@example.test) a.txt
	jq '.verificationMaterial.tlogEntries[0].integratedTime = "9223372036854775807"' m2.json >max.json
	both OK 0 "a 19-digit int64 string (an unsigned integratedTime)" --bundle max.json $(pol alice@example.test) a.txt
	jq '.verificationMaterial.tlogEntries[0].logIndex |= ("0" * (19 - length) + .)' m2.json >zeros.json
	both OK 0 "a 19-digit logIndex with leading zeros" --bundle zeros.json $(pol alice@example.test) a.txt
}

t_end
