#!/usr/bin/env bash
# tests/e2e/test_verify_oras_layout.sh -- one rule for where a bundle's
# signature is, in both layouts (issue 23 item 4).
#
# The reference system pushes its evidence with ORAS, whose layer holds the
# tree under summary-bundle/ (ours holds it at the top). Three such
# artifacts go to a real docker-registry (tests/e2e/ocipush.py): one with
# no referrer, one with a signature referrer that does not verify, one with
# a good one (a statement naming that artifact's digest, signed by the
# local Sigstore stack). verify by reference and verify of the directory
# `pull` writes must judge the attached signature in every case: unsigned
# is valid, a bad signature INVALID, a good one honoured (signer shown);
# `pull` puts the signature in summary-bundle/, where verify reads it. A
# signature left beside summary-bundle/ instead of in it is INVALID too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
EX=$(cd "$HERE/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
need_tools docker-registry python3 jq
stack_up "$W/stack"
reg_up "$W/reg"
R=$REG_HOST
rep() { jq -r "$1" "$T_OUT"; }
step() { jq -r --arg n "$1" '.steps[]|select(.name==$n)|.status' "$T_OUT"; }

# an unsigned bundle, packed as ORAS packs a directory: entries under
# summary-bundle/
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/out"
expect_rc 0 "emit an unsigned bundle"
(cd "$W/out" && tar --format=pax --sort=name --owner=0 --group=0 --numeric-owner \
	-czf "$W/oras.tgz" summary-bundle) || bad "pack the ORAS layout"
art() { python3 "$HERE/ocipush.py" artifact "$R" ev/oras "$W/oras.tgz" --note "$1"; }
DN=$(art none)
DB=$(art bad)
DG=$(art good)

# a bad signature: a Sigstore bundle of some other statement (signed, so
# it parses, but not over this artifact); a good one: this artifact
jq --arg r "$R/ev/oras" --arg h "${DG#sha256:}" \
	'.subject = [{"name": $r, "digest": {"sha256": $h}}]' \
	"$W/out/summary-bundle/statement.intoto.json" >"$W/good.json"
jq '.subject[0].digest.sha256 = "'"$(printf x | sha256sum | cut -c1-64)"'"' "$W/good.json" >"$W/other.json"
for s in good other; do
	run sigstore sign-bundle --in-toto --identity-token "$TOKEN" --bundle "$W/$s.sig" \
		--signing-config "$SC" --trusted-root "$TR" "$W/$s.json"
	expect_rc 0 "sign the $s statement"
done
python3 "$HERE/ocipush.py" referrer "$R" ev/oras "$DB" "$W/other.sig" >/dev/null &&
	python3 "$HERE/ocipush.py" referrer "$R" ev/oras "$DG" "$W/good.sig" >/dev/null ||
	bad "attach the referrers"

vfy() { # DIGEST [more]
	local d=$1
	shift
	run verify "oci://$R/ev/oras@$d" --registry-plain-http --cache "$W/cache" \
		--trusted-root "$TR" --format json "$@"
}
vfy "$DN"
expect_rc 0 "ORAS layout, no referrer: valid"
[ "$(rep .pending)" = true ] && ok "and unsigned (pending)" || bad "unsigned" "pending=$(rep .pending)"

vfy "$DB"
expect_rc 2 "ORAS layout, a signature that does not verify attached: INVALID"
[ "$(step signature-verify)" = failed ] && ok "the signature step judged it" ||
	bad "signature step" "$(step signature-verify)"
[ "$(rep .pending)" != true ] && ok "never reported as unsigned" || bad "reported unsigned"

vfy "$DG" --expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test'
expect_rc 0 "ORAS layout, a good signature attached: valid"
[ "$(rep .signer.identity)" = alice@example.test ] && ok "its signer is honoured" ||
	bad "signer honoured" "signer=$(rep .signer.identity)"
[ "$(step signature-verify)" = passed ] && ok "signature step passed" || bad "signature step" "$(step signature-verify)"
vfy "$DG" --offline
expect_rc 0 "and again offline, from the cache"
[ "$(rep .signer.identity)" = alice@example.test ] && ok "with the same signer" || bad "offline signer"

# pull writes the signature where verify looks: the summary root
run pull "$R/ev/oras@$DG" --to "$W/pg" --cache "$W/cache" --registry-plain-http
expect_rc 0 "pull the signed ORAS-layout artifact"
[ -s "$W/pg/summary-bundle/attestation.intoto.jsonl" ] && [ ! -e "$W/pg/attestation.intoto.jsonl" ] &&
	ok "its signature lands in summary-bundle/" || bad "signature placement" "$(ls "$W/pg")"
run pull "$R/ev/oras@$DN" --to "$W/pn" --cache "$W/cache" --registry-plain-http
expect_rc 0 "pull the unsigned one"
[ ! -e "$W/pn/summary-bundle/attestation.intoto.jsonl" ] && [ ! -e "$W/pn/attestation.intoto.jsonl" ] &&
	ok "no signature appears" || bad "unsigned pull has a signature"

# a signature beside summary-bundle/ is never silently ignored
mkdir -p "$W/stray"
cp -r "$W/out/summary-bundle" "$W/stray/"
cp "$W/other.sig" "$W/stray/attestation.intoto.jsonl"
run verify "$W/stray" --trusted-root "$TR" --format json
expect_rc 2 "a signature beside summary-bundle/: INVALID"
jq -e '.steps[]|select(.name=="signature-verify")|.detail|test("beside summary-bundle")' "$T_OUT" >/dev/null &&
	ok "says where a signature belongs" || bad "stray signature detail" "$(step signature-verify)"
rm "$W/stray/attestation.intoto.jsonl"
run verify "$W/stray" --trusted-root "$TR" --format json
expect_rc 0 "without it: valid, unsigned"

t_end
