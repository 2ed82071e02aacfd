#!/usr/bin/env bash
# tests/e2e/test_verify_policy.sh -- the verification policy of issue 16:
# what is trusted and what the caller asked for (docs/sigstore-verify.md
# "Policy").
#
#   1. --trusted-root F trusts exactly F (no default plus F)
#   2. any --expected-* flag (or --key) makes an unsigned bundle invalid,
#      for directories and for OCI artifacts without a signature referrer
#   4. one identity per certificate: a leaf with several SANs is refused,
#      whichever comes first and whichever is asked for
#   5. the signing hash comes from the bundle, not the key size: FILE and
#      sha256:HEX agree; P-384/SHA-256 (sigstore-js) and SHA-384/SHA-512
#      hashedrekord bundles verify
#   6. proto3-JSON forms are read (URL-safe and unpadded base64, null for
#      absent messages, 19-digit int64 strings, integratedTime as a number)
#   7. verify --key, and --insecure-ignore-tlog (named insecure, opt-in)
#
# Bundles come from the project's own Sigstore stack (tests/sigstore-stack):
# `aicr-evidence sign`/`emit --sign` for the normal ones, and
# tests/sigstore-stack/keysign.mjs for what our signer never writes (a key,
# another hash, a certificate with two SANs). Public-good bundles come from
# the vendored upstream conformance cases (tests/conformance/upstream).
#
# sigstore-js's verdicts on the same inputs (../shared/tools/sigstore-js/
# verify.mjs, @sigstore/verify 4.1.3; re-checked by
# tests/interop/test_policy_interop.sh) are noted as "js:" beside each case.
# Every case marked "(issue 16)" failed with the binary before the fix
# (/work/baseline-bin/aicr-evidence, checked when the test was written).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$HERE/../../recipes/examples
UP=$HERE/../conformance/upstream/bundle-verify
PG=$HERE/../../evidence/data/public-good-trusted_root.json
KEYSIGN=$HERE/../sigstore-stack/keysign.mjs
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
cd "$W" || exit 1
rep() { jq -r "$1" "$T_OUT"; }
step() { jq -r --arg n "$1" '.steps[]|select(.name==$n)|.status' "$T_OUT"; }
detail() { jq -r --arg n "$1" '.steps[]|select(.name==$n)|.detail // ""' "$T_OUT"; }
has() { # TEXT RE what
	if grep -qE -- "$2" <<<"$1"; then ok "$3"; else bad "$3" "'$1' lacks /$2/"; fi
}

# ---- 1. --trusted-root replaces the default (no services needed) ----
# A public-good bundle (upstream happy-path-v0.1, signed 2023-07-12).
CID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
CISS=https://token.actions.githubusercontent.com
PGB=$UP/sct-duplicate-intermediate-name/bundle.sigstore.json
jq 'del(.ctlogs)' "$PG" >noct.json   # the public-good root minus its CT logs
jq 'del(.tlogs)' "$PG" >notlog.json  # ... minus its Rekor logs
STAGING=$UP/rekor2-dsse-mismatch-sig_fail/trusted_root.json # another instance
vb() { run sigstore verify-bundle --bundle "$@"; }
vb "$PGB" --certificate-identity "$CID" --certificate-oidc-issuer "$CISS" "$UP/a.txt"
expect_rc 0 "a public-good bundle verifies against the embedded root"
vb "$PGB" --certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root "$PG" "$UP/a.txt"
expect_rc 0 "... and against the same root given with --trusted-root"
# js: FAIL (SCT from an unknown log) -- cosign, sigstore-go likewise
vb "$PGB" --certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root noct.json "$UP/a.txt"
expect_rc 2 "a root without the CT log that signed the SCT: refused, the default does not fill in (issue 16)"
expect_err 'SCT is from an unknown CT log' "the reason is the CT log"
vb "$PGB" --certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root notlog.json "$UP/a.txt"
expect_rc 2 "a root without the Rekor log: refused (issue 16)"
expect_err "log is not in the trusted root" "the reason is the log"
vb "$PGB" --certificate-identity "$CID" --certificate-oidc-issuer "$CISS" --trusted-root "$STAGING" "sha256:$(sha256sum "$UP/a.txt" | cut -d' ' -f1)"
expect_rc 2 "another instance's root: refused in DIGEST mode too (issue 16)"

# verify DIR: the same through ev_evidence_verify (check and ledger share
# it). A public-good DSSE bundle as the attestation of an emitted bundle:
# its subject is not this bundle, so the signature step fails either way --
# after the Sigstore checks passed (default root), or at them (custom root).
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o pgdir
expect_rc 0 "emit an unsigned bundle"
cp "$UP/dsse-with-hashedrekord-happy-path/bundle.sigstore.json" pgdir/summary-bundle/attestation.intoto.jsonl
run verify pgdir --format json
has "$(detail signature-verify)" 'statement subject' "verify DIR, default root: the Sigstore checks pass (only the subject differs)"
run verify pgdir --format json --trusted-root noct.json
expect_rc 2 "verify DIR --trusted-root without the CT log: invalid"
has "$(detail signature-verify)" 'SCT is from an unknown CT log' "verify DIR trusts only --trusted-root (issue 16)"

# ---- the local stack ----
stack_up "$W/stack"
ISS=https://accounts.example.test
token_with() { # EMAIL EXTRA-CLAIMS-JSON-FRAGMENT
	jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"u-1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + 600))$2}"
}
echo "artifact $RANDOM" >a.txt
ADIG=sha256:$(sha256sum a.txt | cut -d' ' -f1)

# A signed evidence bundle.
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	-o signed --sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" \
	--signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "emit --sign against the stack"
STMT=$W/statement.json
jq -r '.dsseEnvelope.payload' signed/summary-bundle/attestation.intoto.jsonl | base64 -d >"$STMT"
run verify signed --trusted-root "$TR" --expected-issuer "$ISS" --expected-identity-regexp 'alice@example\.test'
expect_rc 0 "the signed bundle verifies, signer pinned"
run verify signed --expected-issuer "$ISS" --expected-identity-regexp 'alice@example\.test'
expect_rc 2 "without the stack's root (the default only) it does not"

# ---- 2. a pinned signer is not satisfied by no signature ----
# The attack: delete the attestation, edit a file, re-hash the manifest and
# re-pin it in the unsigned statement.
cp -r signed stripped
SB=stripped/summary-bundle
rm "$SB/attestation.intoto.jsonl"
jq '.results.summary.failed = 0' "$SB/ctrf/deployment.json" >x && mv x "$SB/ctrf/deployment.json"
d=sha256:$(sha256sum "$SB/ctrf/deployment.json" | cut -d' ' -f1)
jq --arg d "$d" '(.files[]|select(.path=="ctrf/deployment.json")) |= (.sha256=$d | .size='"$(stat -c %s "$SB/ctrf/deployment.json")"')' \
	"$SB/manifest.json" >x && mv x "$SB/manifest.json"
m=sha256:$(sha256sum "$SB/manifest.json" | cut -d' ' -f1)
jq --arg d "$d" --arg m "$m" '.predicate.phases.deployment.ctrfDigest=$d | .predicate.manifest.digest=$m' \
	"$SB/statement.intoto.json" >x && mv x "$SB/statement.intoto.json"
run verify stripped --format json
expect_rc 0 "unpinned, the stripped bundle is a valid unsigned one (pending)"
is "$(rep .pending)" true "... reported pending"
for pin in "--expected-issuer $ISS" "--expected-identity-regexp alice@example\.test" \
	"--expected-issuer $ISS --expected-identity-regexp alice@example\.test"; do
	# shellcheck disable=SC2086
	run verify stripped --format json --trusted-root "$TR" $pin
	expect_rc 2 "pinned ($pin): the unsigned bundle is invalid (issue 16)"
	is "$(detail signature-verify)" "a signer was required but the bundle is unsigned" "... with the reason"
done
run verify stripped
has "$(cat "$T_OUT")" 'unsigned' "text report of the unpinned case says unsigned"

# ---- 4. one identity per certificate ----
# keysign.mjs gets a certificate from the stack for a token whose
# x_extra_sans claim makes the CA add names after the first.
sans_case() { # NAME FIRST EXTRA-SAN
	local tok
	tok=$(token_with "$2" ",\"x_extra_sans\":[\"$3\"]")
	node "$KEYSIGN" --url "$STACK_URL" --token "$tok" a.txt >"$1.json" 2>"$T_ERR" ||
		bad "keysign $1" "$(head -c 300 "$T_ERR")"
}
sans_case two-emails alice@example.test email:bob@example.test
sans_case email-uri alice@example.test uri:https://example.test/alice
# A URI first: the token's subject becomes a URI SAN (no email claim).
tok=$(jwt_unsigned "{\"iss\":\"$ISS\",\"sub\":\"https://example.test/alice\",\"exp\":$(($(date +%s) + 600)),\"x_extra_sans\":[\"email:alice@example.test\"]}")
node "$KEYSIGN" --url "$STACK_URL" --token "$tok" a.txt >uri-email.json 2>"$T_ERR" || bad "keysign uri-email"
for c in "two-emails alice@example.test bob@example.test" \
	"email-uri alice@example.test https://example.test/alice" \
	"uri-email https://example.test/alice alice@example.test"; do
	set -- $c
	# js: reads the first URI SAN, else the first e-mail, and compares that
	# one (as sigstore-go): OK for alice in two-emails, the URI in
	# email-uri and uri-email; FAIL (UNTRUSTED_SIGNER_ERROR) for the other
	for id in "$2" "$3"; do
		vb "$1.json" --certificate-identity "$id" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
		expect_rc 2 "$1: a leaf with two SANs is refused when $id is asked (issue 16)"
		expect_err 'certificate names 2 identities' "$1/$id: the reason says why"
	done
done
node "$KEYSIGN" --url "$STACK_URL" --token "$(token_with alice@example.test '')" a.txt >one-san.json
vb one-san.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 0 "the same flow with one SAN verifies (the tool, not the fixture, decides)"
# unpinned `verify DIR` used to take the first SAN as the signer
tok=$(token_with alice@example.test ',"x_extra_sans":["email:bob@example.test"]')
cp -r signed twosan
node "$KEYSIGN" --url "$STACK_URL" --token "$tok" --dsse "$STMT" >twosan/summary-bundle/attestation.intoto.jsonl
run verify twosan --trusted-root "$TR" --format json
expect_rc 2 "verify DIR with a two-SAN attestation, unpinned: invalid (issue 16)"
has "$(detail signature-verify)" 'names 2 identities' "... the reason"

# ---- 5. the hash comes from the bundle ----
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
openssl pkey -in p384.pem -pubout -out p384.pub 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem 2>/dev/null
openssl pkey -in p256.pem -pubout -out p256.pub 2>/dev/null
ks() { # OUT ARGS...
	local o=$1
	shift
	node "$KEYSIGN" --url "$STACK_URL" "$@" >"$o" 2>"$T_ERR" || bad "keysign $o" "$(head -c 300 "$T_ERR")"
}
both() { # BUNDLE KEY what: FILE and sha256:HEX both verify
	vb "$1" --key "$2" --trusted-root "$TR" a.txt
	expect_rc 0 "$3: FILE verifies"
	vb "$1" --key "$2" --trusted-root "$TR" "$ADIG"
	expect_rc 0 "$3: sha256:HEX verifies"
}
# js: OK (sigstore-js writes exactly this: P-384 key, ECDSA-SHA256)
ks p384-sha256.json --key p384.pem --hash sha256 a.txt
both p384-sha256.json p384.pub "P-384 key signing with SHA-256, messageDigest SHA2_256 (issue 16: FILE failed)"
# js: FAIL -- verify.mjs adds its own check that messageDigest is the
# artifact's SHA-256; @sigstore/verify alone takes the algorithm from
# messageDigest, as we do
ks p384-sha384.json --key p384.pem --hash sha384 a.txt
vb p384-sha384.json --key p384.pub --trusted-root "$TR" a.txt
expect_rc 0 "P-384 key, SHA-384, hashedrekord sha384: FILE verifies (issue 16: refused as not SHA2_256)"
vb p384-sha384.json --key p384.pub --trusted-root "$TR" "$ADIG"
expect_rc 2 "... a sha256: digest cannot stand for a SHA-384-signed artifact"
expect_err 'signs a SHA2_384 digest of the artifact' "... and says so"
ks p384-sha512.json --key p384.pem --hash sha512 a.txt
vb p384-sha512.json --key p384.pub --trusted-root "$TR" a.txt
expect_rc 0 "P-384 key, SHA-512, hashedrekord sha512: verifies (issue 16)"
ks p256-sha384.json --key p256.pem --hash sha384 a.txt
vb p256-sha384.json --key p256.pub --trusted-root "$TR" a.txt
expect_rc 0 "P-256 key signing with SHA-384: the bundle's hash, not the key size (issue 16)"
ks p384-nomd.json --key p384.pem --hash sha384 --no-message-digest a.txt
vb p384-nomd.json --key p384.pub --trusted-root "$TR" a.txt
expect_rc 0 "no messageDigest: the hashedrekord's sha384 decides (issue 16)"
ks p384-lie.json --key p384.pem --hash sha384 --log-hash sha256 a.txt
vb p384-lie.json --key p384.pub --trusted-root "$TR" a.txt
expect_rc 2 "messageDigest SHA2_384 but the log entry sha256: refused"
expect_err 'names SHA2_256 but the bundle was signed with SHA2_384' "... the disagreement is named"
ks p384-v2.json --key p384.pem --hash sha384 --rekor 2 a.txt
vb p384-v2.json --key p384.pub --trusted-root "$TR" a.txt
expect_rc 0 "Rekor v2 hashedrekord with SHA2_384 (P-384 key) verifies (issue 16)"
ks p256-sha256.json --key p256.pem a.txt
both p256-sha256.json p256.pub "P-256/SHA-256 (control)"

# ---- 6. proto3-JSON forms ----
run sigstore sign-bundle --identity-token "$TOKEN" --bundle m1.json \
	--trusted-root "$TR" --signing-config "$SC" a.txt
expect_rc 0 "sign a message bundle (Rekor v1)"
run sigstore sign-bundle --identity-token "$TOKEN" --bundle m2.json \
	--trusted-root "$TR" --signing-config "$STACK_DIR/signing_config_rekor2.json" a.txt
expect_rc 0 "sign a message bundle (Rekor v2 + TSA)"
# Rewrites the bytes fields of a bundle: MODE url (URL-safe alphabet),
# nopad (padding dropped), urlnopad (both).
b64form() { # IN OUT MODE
	python3 - "$@" <<'EOF'
import json, re, sys
src, dst, mode = sys.argv[1:]
B64 = {"rawBytes", "keyId", "canonicalizedBody", "signedEntryTimestamp",
       "rootHash", "signature", "digest", "signedTimestamp", "payload", "sig"}
def conv(s):
    if mode in ("url", "urlnopad"):
        s = s.replace("+", "-").replace("/", "_")
    if mode in ("nopad", "urlnopad"):
        s = s.rstrip("=")
    return s
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, str) and k in B64:
                o[k] = conv(v)
            elif k == "hashes":
                o[k] = [conv(h) for h in v]
            else:
                walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
b = json.load(open(src))
walk(b)
json.dump(b, open(dst, "w"))
EOF
}
v6() { # BUNDLE what [rc]
	vb "$1" --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
	expect_rc "${3:-0}" "$2"
}
for m in url nopad urlnopad; do
	# js: OK for each (protobuf-specs' fromJSON and Buffer.from decode all)
	b64form m1.json m1-$m.json $m
	v6 m1-$m.json "bytes fields in base64 form '$m' are read (issue 16)"
done
# a field mixing both alphabets is no base64 at all
jq '.messageSignature.signature |= (sub("^(?<a>.)"; "-") + "+")' m1.json >mixed.json
v6 mixed.json "a base64 value mixing the standard and URL-safe alphabets is refused" 2
# null for an absent message (js: OK)
jq '.verificationMaterial.tlogEntries[0].inclusionPromise = null' m2.json >null-promise.json
v6 null-promise.json '"inclusionPromise": null on a Rekor v2 entry means absent (issue 16)'
jq '.verificationMaterial.x509CertificateChain = null | .dsseEnvelope = null' m1.json >null-other.json
v6 null-other.json 'null for the other arm of a oneof means absent (issue 16)'
jq '.verificationMaterial.tlogEntries[0].inclusionProof = null' m2.json >null-proof.json
v6 null-proof.json 'a required message given as null is missing: refused' 2
# int64 as strings up to INT64_MAX (js: OK). A Rekor v2 entry has no SET,
# so an integratedTime on it is in nothing signed and never trusted: only
# parsing decides. (Its logIndex must be the proof's, issue 25.)
jq '.verificationMaterial.tlogEntries[0].integratedTime = "9223372036854775807"' m2.json >i64max.json
v6 i64max.json 'a 19-digit int64 string (INT64_MAX) is read (issue 16)'
jq '.verificationMaterial.tlogEntries[0].integratedTime = "9223372036854775808"' m2.json >i64over.json
v6 i64over.json 'INT64_MAX + 1 is refused' 2
jq '.verificationMaterial.tlogEntries[0].integratedTime = "10000000000000000000"' m2.json >i64long.json
v6 i64long.json '20 digits are refused' 2
jq '.verificationMaterial.tlogEntries[0].logIndex |= ("0" * (19 - length) + .)' m2.json >i64zeros.json
v6 i64zeros.json 'a logIndex of 19 digits with leading zeros is read (issue 16)'
# integratedTime as a JSON number (js: OK)
jq '.verificationMaterial.tlogEntries[0].integratedTime |= tonumber' m1.json >itime-num.json
v6 itime-num.json 'integratedTime written as a JSON number is read'
# still refused: duplicate keys, unknown media types
sed 's/"mediaType":/"mediaType":"x","mediaType":/' m1.json >dup.json
v6 dup.json 'a duplicate key is still refused' 2
jq '.mediaType = "application/vnd.dev.sigstore.bundle.v0.4+json"' m1.json >mt.json
v6 mt.json 'an unknown media type is still refused' 2

# ---- 7. verify --key, --insecure-ignore-tlog ----
cp -r signed keyed
ks keyed/summary-bundle/attestation.intoto.jsonl --key p256.pem --dsse "$STMT"
run verify keyed --trusted-root "$TR" --key p256.pub --format json
expect_rc 0 "verify DIR --key: a key-signed attestation verifies (issue 16: no --key)"
is "$(rep .signer.publicKey)" "sha256:$(openssl pkey -pubin -in p256.pub -outform der 2>/dev/null | sha256sum | cut -d' ' -f1)" \
	"the report names the key by the SHA-256 of its SPKI"
run verify keyed --trusted-root "$TR" --key p256.pub
expect_out 'signer: +key sha256:[0-9a-f]{64} \(--key\) \[verified\]' "the text report names the key"
run verify keyed --trusted-root "$TR" --key p384.pub
expect_rc 2 "another key: invalid"
run verify keyed --trusted-root "$TR" --format json
expect_rc 2 "a key-signed attestation without --key: invalid"
has "$(detail signature-verify)" 'verify it with --key' "... and the reason says how"
run verify signed --trusted-root "$TR" --key p256.pub
expect_rc 2 "--key on a certificate-signed bundle: invalid"
run verify stripped --key p256.pub --format json
expect_rc 2 "--key on an unsigned bundle: invalid"
run verify keyed --key p256.pub --expected-issuer "$ISS"
expect_rc 64 "--key with --expected-issuer: usage error"
run verify keyed --trusted-root "$TR" --key missing.pub
expect_rc 2 "an unreadable --key fails"
expect_err '^aicr-evidence: missing.pub: ' "... naming the key file"
# P-384 key, DSSE: sigstore-js signs the PAE with SHA-256 (js: OK), cosign
# and sigstore-go with SHA-384 (js: FAIL); both are the signer's reading
cp -r signed keyed384
ks keyed384/summary-bundle/attestation.intoto.jsonl --key p384.pem --dsse "$STMT"
run verify keyed384 --trusted-root "$TR" --key p384.pub
expect_rc 0 "DSSE with a P-384 key over SHA-256 verifies (issue 16)"
ks keyed384/summary-bundle/attestation.intoto.jsonl --key p384.pem --hash sha384 --dsse "$STMT"
run verify keyed384 --trusted-root "$TR" --key p384.pub
expect_rc 0 "DSSE with a P-384 key over SHA-384 verifies"
ks keyed384/summary-bundle/attestation.intoto.jsonl --key p384.pem --hash sha512 --dsse "$STMT"
run verify keyed384 --trusted-root "$TR" --key p384.pub
expect_rc 2 "DSSE with a P-384 key over SHA-512 (named nowhere): refused"
# a pointer claims a keyless signer: a key-signed bundle is never it
run verify signed/pointer.yaml --bundle keyed --trusted-root "$TR" --key p256.pub --format json
expect_rc 2 "a pointer's claimed signer against a key-signed bundle: invalid"

# --insecure-ignore-tlog: bundles without log entries
jq '.verificationMaterial.tlogEntries = []' keyed/summary-bundle/attestation.intoto.jsonl >x &&
	cp -r keyed notlog && mv x notlog/summary-bundle/attestation.intoto.jsonl
run verify notlog --trusted-root "$TR" --key p256.pub --format json
expect_rc 2 "no tlog entry: invalid by default"
has "$(detail signature-verify)" 'no tlog entries' "... the reason"
run verify notlog --trusted-root "$TR" --key p256.pub --insecure-ignore-tlog --format json
expect_rc 0 "--insecure-ignore-tlog: a key bundle without a log entry verifies (issue 16)"
expect_err 'warning: --insecure-ignore-tlog' "... with a warning on stderr"
has "$(detail signature-verify)" 'transparency log not checked' "... and a note in the report"
is "$(rep '.signer | has("rekorLogIndex")')" false "... and no Rekor index is reported"
jq 'del(.verificationMaterial.tlogEntries)' m2.json >m2-notlog.json
vb m2-notlog.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 2 "verify-bundle: a certificate bundle without tlog entries fails"
vb m2-notlog.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" --insecure-ignore-tlog a.txt
expect_rc 0 "... and verifies with --insecure-ignore-tlog and its RFC 3161 time (issue 16)"
jq 'del(.verificationMaterial.tlogEntries) | del(.verificationMaterial.timestampVerificationData)' m1.json >m1-bare.json
vb m1-bare.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" --insecure-ignore-tlog a.txt
expect_rc 2 "a certificate with neither log nor timestamp has no verified time, even ignoring the log"
expect_err 'no verified time' "... the reason"
# ignoring means ignoring: a broken entry is not looked at, but the
# signature and the chain still are
jq '.verificationMaterial.tlogEntries[0].canonicalizedBody = "e30="' m2.json >m2-badbody.json
vb m2-badbody.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 2 "a bad log entry fails normally"
echo other >b.txt
vb m2-badbody.json --certificate-identity alice@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" --insecure-ignore-tlog b.txt
expect_rc 2 "--insecure-ignore-tlog still checks the artifact signature"

# ---- 2 again, over OCI: an artifact without a signature referrer ----
reg_up "$W/reg"
R=$REG_HOST
run push stripped --to "$R/acme/stripped" --registry-plain-http --format json
expect_rc 0 "push the stripped bundle (no referrer)"
D=$(jq -r .digest "$T_OUT")
run verify "oci://$R/acme/stripped@$D" --registry-plain-http --cache "$W/cache" --format json
expect_rc 0 "unpinned, the OCI artifact without a referrer is a valid unsigned bundle"
has "$(detail materialize-bundle)" 'no signature referrer' "... pulled without a referrer"
run verify "oci://$R/acme/stripped@$D" --registry-plain-http --cache "$W/cache" --format json \
	--trusted-root "$TR" --expected-issuer "$ISS" --expected-identity-regexp 'alice@example\.test'
expect_rc 2 "pinned: an OCI artifact whose referrer is missing is invalid (issue 16)"
is "$(detail signature-verify)" "a signer was required but the bundle is unsigned" "... with the reason"

t_end
