#!/usr/bin/env bash
# tests/e2e/test_emit_signed.sh -- emit --sign against the project's own
# Sigstore stack, then verify: the signer comes from the certificate, the
# pointer's claimed signer is cross-checked (identity, issuer, Rekor index),
# and the predicate is read from the signed payload (issue 5).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

stack_up "$W/stack"
rep() { jq -r "$1" "$T_OUT"; }
tag_digest() { # REPO TAG: the digest the registry names for the tag
	curl -sI "http://$REG_HOST/v2/$1/manifests/$2" -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
		tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}
row() { # STEP KEY VALUE-RE what
	if jq -e --arg n "$1" --arg k "$2" --arg v "$3" \
		'.steps[] | select(.name==$n) | .subRows[]? | select(.key==$k and (.value|test($v)))' \
		"$T_OUT" >/dev/null; then ok "$4"; else bad "$4" "no sub-row $2 ~ /$3/ in $1"; fi
}

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	-o "$W/out" --sign
expect_rc 64 "--sign without a reference is a usage error"

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	-o "$W/out" --sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" \
	--signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "emit --sign exits 0"
expect_out 'signed: +alice@example.test \(https://accounts.example.test\)' "emit reports the verified signer"
expect_out 'copy to: +recipes/evidence/h100-eks-ubuntu-training/[0-9a-f]{32}/sha256-[0-9a-f]{64}\.yaml' "emit prints the canonical pointer path"
SB=$W/out/summary-bundle
[ -s "$SB/attestation.intoto.jsonl" ] && ok "the Sigstore bundle is written" || bad "the Sigstore bundle is written"
grep -q 'identity: alice@example.test' "$W/out/pointer.yaml" && ok "the pointer names the signer" || bad "the pointer names the signer"
subj=$(jq -r '.dsseEnvelope.payload' "$SB/attestation.intoto.jsonl" | base64 -d | jq -r '.subject[0].name + " " + .subject[0].digest.sha256')
pd=$(sed -n 's/.*digest: sha256:\([0-9a-f]*\).*/\1/p' "$W/out/pointer.yaml")
# one tag rule (issue 24 item 7): the recipe and 32 hex of the artifact digest
grep -q "oci: localhost:5000/acme/evidence:h100-eks-ubuntu-training-${pd:0:32}\$" "$W/out/pointer.yaml" && ok "the pointer names the tag derived from the artifact digest" || bad "the pointer names the tagged reference" "$(grep oci: "$W/out/pointer.yaml")"
[ "$subj" = "localhost:5000/acme/evidence $pd" ] && ok "signed subject = repository + artifact digest = pointer digest" || bad "signed subject = repository + artifact digest" "$subj vs $pd"

run verify "$W/out" --trusted-root "$TR" --format json
expect_rc 0 "a signed bundle verifies"
[ "$(rep .signer.identity)" = alice@example.test ] && ok "report signer from the certificate" || bad "report signer from the certificate"
[ "$(rep '.steps[]|select(.name=="signature-verify")|.status')" = passed ] && ok "signature step passed" || bad "signature step passed"
[ "$(rep 'has("pending")')" = false ] && ok "a signed bundle is not pending" || bad "a signed bundle is not pending"

# signed, not pushed: the pointer pins a digest no registry holds yet, so
# the local copy is named with --bundle (its artifact digest must match)
run verify "$W/out/pointer.yaml" --bundle "$W/out" --trusted-root "$TR" --format json
expect_rc 0 "the signed pointer verifies (claims match the certificate)"
run verify "$W/out/pointer.yaml" --trusted-root "$TR" --format json --cache "$W/nocache" --offline
expect_rc 2 "without --bundle the pointer is pulled: not in the cache, exit 2"
[ "$(rep .failureCause.class)" = not-found ] && ok "not pushed: class not-found" || bad "not pushed: class not-found"

run verify "$W/out" --trusted-root "$TR" --expected-issuer https://accounts.example.test \
	--expected-identity-regexp 'alice@example\.test'
expect_rc 0 "pinned identity and issuer match"
run verify "$W/out" --trusted-root "$TR" --expected-issuer https://accounts.example.test \
	--expected-identity-regexp 'bob@example\.test' --format json
expect_rc 2 "a pinned identity that differs: exit 2"
[ "$(rep .failureCause.class)" = signature ] && ok "wrong identity: class signature" || bad "wrong identity: class signature"

run verify "$W/out" --format json
expect_rc 2 "without the stack's trusted root the chain does not verify"
[ "$(rep .failureCause.hint)" != null ] && ok "the failure hints at --trusted-root" || bad "the failure hints at --trusted-root"

claim() { # NAME SED
	rm -rf "$W/$1"
	cp -r "$W/out" "$W/$1"
	sed -i "$2" "$W/$1/pointer.yaml"
	run verify "$W/$1/pointer.yaml" --bundle "$W/$1" --trusted-root "$TR" --format json
}
claim idm 's/alice@example.test/bob@example.test/'
expect_rc 2 "a claimed identity that differs from the certificate: exit 2"
row signature-verify identity 'identity mismatch' "sub-row identity mismatch"
claim ism 's#issuer: https://accounts.example.test#issuer: https://github.com/login/oauth#'
expect_rc 2 "a claimed issuer that differs: exit 2"
row signature-verify issuer 'issuer mismatch' "sub-row issuer mismatch"
claim rkm 's/rekorLogIndex: [0-9]*/rekorLogIndex: 999999/'
expect_rc 2 "a claimed Rekor index that differs: exit 2"
row signature-verify rekorLogIndex 'Rekor log index mismatch' "sub-row Rekor log index mismatch"

rm -rf "$W/t1" && cp -r "$W/out" "$W/t1"
printf 'x' >>"$W/t1/summary-bundle/snapshot.yaml"
run verify "$W/t1" --trusted-root "$TR" --format json
expect_rc 2 "tampering with a signed bundle: exit 2"
row manifest-hash-check snapshot.yaml 'mismatch' "tampered signed bundle: sub-row"
[ "$(rep '.steps[]|select(.name=="signature-verify")|.status')" = failed ] && ok "tampered tree no longer matches the signed artifact digest" || bad "tampered tree no longer matches the signed artifact digest"

rm -rf "$W/t2" && cp -r "$W/out" "$W/t2"
jq '.predicate.phases.conformance.failed=0 | .predicate.recipe.name="forged"' "$W/t2/summary-bundle/statement.intoto.json" >"$W/s.json" &&
	mv "$W/s.json" "$W/t2/summary-bundle/statement.intoto.json"
run verify "$W/t2" --trusted-root "$TR" --format json
expect_rc 2 "an edited local statement changes the signed artifact: exit 2"
row signature-verify subject 'artifact digest mismatch' "edited statement: subject sub-row"
[ "$(rep .predicate.recipe.name)" = h100-eks-ubuntu-training ] && ok "the predicate comes from the signed payload, not the edited file" || bad "the predicate comes from the signed payload, not the edited file"

# ---- emit --sign --push: pushed, then pulled by digest and verified ----
if reg_start "$W/reg"; then
	t_cleanup "reg_stop $W/reg"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$W/pushed" --sign --push "$REG_HOST/acme/evidence" --registry-plain-http \
		--identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "emit --sign --push exits 0"
	pd=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/pushed/pointer.yaml")
	# the pointer names the tag actually pushed, and that tag holds this
	# artifact (issue 20 item 5: `oras pull "$bundle_oci"` gets our bundle)
	ptag=$(sed -n 's/^ *oci: .*:\([^:]*\)$/\1/p' "$W/pushed/pointer.yaml" | tr -d '"')
	[ "$ptag" = "h100-eks-ubuntu-training-${pd:7:32}" ] && ok "emit --push: the pointer's tag is derived from the artifact digest" || bad "emit --push: pointer tag" "$ptag"
	[ "$(tag_digest acme/evidence "$ptag")" = "$pd" ] && ok "the pointer's tag resolves to the pointer's digest" || bad "the pointer's tag resolves to the pointer's digest"
	mkdir -p "$W/pulled"
	run pull "$REG_HOST/acme/evidence@$pd" --to "$W/pulled/summary-bundle" --registry-plain-http
	expect_rc 0 "the pushed bundle pulls by the pointer's digest"
	cp "$W/pushed/pointer.yaml" "$W/pulled/pointer.yaml"
	run verify "$W/pulled/pointer.yaml" --bundle "$W/pulled" --trusted-root "$TR" --format json
	expect_rc 0 "the pulled bundle verifies with its pointer"
	[ "$(rep .signer.identity)" = alice@example.test ] && ok "pulled bundle: signer from the certificate" || bad "pulled bundle: signer from the certificate"
else
	bad "registry starts"
fi

# ---- two signed artifacts of the same inputs get two tags (issue 20 item
#      5: the tag came from manifest.json, which both share) ----
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	-o "$W/again" --sign --ref localhost:5000/acme/evidence --identity-token "$TOKEN" \
	--signing-config "$SC" --trusted-root "$TR" --yes
t1=$(sed -n 's/^ *oci: //p' "$W/out/pointer.yaml")
SOURCE_DATE_EPOCH=1763650100 run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
	--ctrf "$EX/ctrf" -o "$W/later" --sign --ref localhost:5000/acme/evidence \
	--identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "the same inputs emitted and signed again, later"
t2=$(sed -n 's/^ *oci: //p' "$W/later/pointer.yaml")
cmp -s "$W/out/summary-bundle/manifest.json" "$W/later/summary-bundle/manifest.json" &&
	ok "both artifacts share manifest.json" || bad "both artifacts share manifest.json"
[ -n "$t1" ] && [ "$t1" != "$t2" ] && ok "two artifacts of the same inputs get two tags" || bad "two artifacts, two tags" "$t1 / $t2"
[ "$(sed -n 's/^ *oci: //p' "$W/again/pointer.yaml")" = "$t1" ] && ok "the same artifact gets the same tag" || bad "the same artifact gets the same tag"

# ---- sign --relocate, then push OUT without a tag: the push uses the tag
#      the relocated pointer names (it used evidence-... before) ----
if [ -n "${REG_HOST:-}" ]; then
	cd "$W" || exit 1
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o rel
	run sign rel --ref "$REG_HOST/acme/evidence" --relocate --identity-token "$TOKEN" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "sign --relocate a bundle for the registry"
	rp=$(ls recipes/evidence/h100-eks-ubuntu-training/*/sha256-*.yaml | head -1)
	roci=$(sed -n 's/^ *oci: //p' "$W/$rp" | tr -d '"')
	rdig=$(sed -n 's/^ *digest: //p' "$W/$rp" | tr -d '"')
	run push "$W/rel" --to "$REG_HOST/acme/evidence" --registry-plain-http --format json
	expect_rc 0 "push after sign --relocate exits 0"
	[ "$REG_HOST/acme/evidence:$(jq -r .tag "$T_OUT")" = "$roci" ] && ok "push uses the tag the relocated pointer names" || bad "push uses the pointer's tag" "$(jq -r .tag "$T_OUT") vs $roci"
	[ "$(tag_digest acme/evidence "${roci##*:}")" = "$rdig" ] && ok "the relocated pointer's bundle.oci resolves to its digest" || bad "the relocated pointer's bundle.oci resolves to its digest"
	# OUT/pointer.yaml names this artifact: push without a tag uses its tag;
	# a changed tree is another artifact and gets its own tag
	run push "$W/pushed" --to "$REG_HOST/acme/evidence" --registry-plain-http --format json
	[ "$(jq -r .tag "$T_OUT")" = "$ptag" ] && ok "push without a tag uses the tag the pointer names" || bad "push uses the pointer's tag" "$(jq -r .tag "$T_OUT") vs $ptag"
	cp -r "$W/pushed" "$W/changed" && printf '\n' >>"$W/changed/summary-bundle/bom.cdx.json"
	run push "$W/changed" --to "$REG_HOST/acme/evidence" --registry-plain-http --format json
	expect_rc 0 "a changed tree pushes"
	[ "$(jq -r .tag "$T_OUT")" = "h100-eks-ubuntu-training-$(jq -r .digest "$T_OUT" | cut -c8-39)" ] &&
		ok "a changed tree gets the tag of its own digest, not the pointer's" || bad "changed tree tag" "$(jq -r .tag "$T_OUT")"
	rm -rf "$W/recipes"
fi

# ---- the split leg: emit unsigned, sign later, relocate ----
mkdir -p "$W/repo" && cd "$W/repo" || exit 1
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o u
expect_rc 0 "emit unsigned for the split leg"
run sign u --identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 2 "sign without a reference for an unpushed pointer: exit 2"
expect_err 'pass --ref' "the error asks for --ref"
run sign u --ref localhost:5000/acme/evidence --relocate --identity-token "$TOKEN" \
	--signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 0 "sign OUT --relocate exits 0"
dest=$(sed -n 's/^pointer: *//p' "$T_OUT")
case "$dest" in recipes/evidence/h100-eks-ubuntu-training/[0-9a-f]*/sha256-*.yaml) ok "relocated to the canonical path" ;; *) bad "relocated to the canonical path" "$dest" ;; esac
[ -f "$dest" ] && [ ! -e u/pointer.yaml ] && ok "the flat pointer moved" || bad "the flat pointer moved"
grep -q 'identity: alice@example.test' "$dest" && ok "the relocated pointer is signed" || bad "the relocated pointer is signed"
cp "$dest" u/pointer.yaml
run verify u/pointer.yaml --bundle u --trusted-root "$TR" --format json
expect_rc 0 "the bundle signed later verifies with its pointer"
run sign u --ref localhost:5000/acme/evidence --identity-token "$TOKEN" \
	--signing-config "$SC" --trusted-root "$TR" --yes
expect_rc 2 "signing an already signed pointer is refused"
expect_err 'already signed' "the refusal says already signed"
cd "$W" || exit 1

t_end
