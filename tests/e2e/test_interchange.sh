#!/usr/bin/env bash
# tests/e2e/test_interchange.sh -- proof that bundles move between this tool
# and the reference (issue 18 part 3), where the reference cannot run:
#
# A. ours -> the reference's rules: bundles emitted, signed and pushed by
#    this tool (the example recipe and a profiled one), then every field the
#    reference's verifier checks re-derived apart from the emitter code, with
#    jq, sha256sum, openssl, curl against the registry, and the Go oracle
#    (Go's yaml.v3 decoding the recipe into the reference's shapes,
#    tests/oracle/reference.go): statement type and subject, predicate
#    fields, recipe name, digest and profile block, manifest and CTRF
#    digests, BOM, pointer fields, signer, tag rule.
# B. reference -> ours: bundles written by the Go oracle shaped as the
#    reference's emitter shapes them (its recipe bytes, field order and JSON
#    forms, protojson's compact statement), of predicate types v1, v2 and v3,
#    profiled and not, verified by this tool from the directory and from the
#    pointer; the retired aicr.nvidia.com type refused with the reference's
#    message.
# SKIPPED when Go or its yaml.v3 is absent (make deps).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EX=$root/recipes/examples
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
V1=https://aicr.run/recipe-evidence/v1
V2=https://aicr.run/recipe-evidence/v2
V3=https://aicr.run/recipe-evidence/v3
ORACLE=${AE_DIGEST_ORACLE:-$(dirname "$AE_BIN")/recipe-digest-oracle}
if ! sh "$root/tests/oracle/build.sh" "$ORACLE" 2>"$W/oracle.err"; then
	if ! grep -q 'is absent\|not installed' "$W/oracle.err"; then
		bad "the Go oracle builds" "$(head -3 "$W/oracle.err")"
		t_end
	fi
	echo "test_interchange: SKIPPED -- $(head -1 "$W/oracle.err"); the"
	echo "test_interchange: interchange proof against the reference's rules did NOT run"
	t_end
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
pfield() { sed -n "s/^[ -]*$2: *//p" "$1" | tr -d '"' | head -1; }

cat >"$W/profiled.yaml" <<'EOF'
kind: RecipeResult
apiVersion: aicr.run/v1
metadata:
  version: v0.14.2
  selectedProfile:
    name: gpuStack
    value: operator-managed
    ownedPaths:
      nvidia-dra-driver-gpu: [resources.gpus, gpuResourcesEnabledOverride]
      gpu-operator: [enabled]
criteria:
  service: aks
  accelerator: h100
  os: ubuntu
  intent: training
componentRefs:
  - name: gpu-operator
    overrides:
      devicePlugin: {enabled: true}
  - name: nvidia-dra-driver-gpu
    overrides:
      install: false
EOF

# ---------------------------------------------------------------- part A
stack_up "$W/stack"
reg_up "$W/reg"
R=$REG_HOST

# Every field of an emitted, signed, pushed bundle, re-derived.
check_ours() { # RECIPE OUT LABEL
	local recipe=$1 out=$2 l=$3 sb=$2/summary-bundle p=$2/pointer.yaml
	local st id regd oci tag name hex
	run emit --recipe "$recipe" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$out" \
		--sign --push "$R/acme/evidence" --registry-plain-http --identity-token "$TOKEN" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "$l: emit --sign --push"
	st=$W/$l.statement.json
	jq -r '.dsseEnvelope.payload' "$sb/attestation.intoto.jsonl" | base64 -d >"$st"
	is "$(jq -r .dsseEnvelope.payloadType "$sb/attestation.intoto.jsonl")" application/vnd.in-toto+json "$l: DSSE payload type in-toto"
	is "$(jq -r ._type "$st")" https://in-toto.io/Statement/v1 "$l: in-toto Statement v1"
	is "$(jq -r .predicateType "$st")" "$V3" "$l: predicateType v3"
	# subject: the repository and the digest the registry serves the tag as
	oci=$(pfield "$p" oci)
	tag=${oci##*:}
	regd=$(curl -s -o /dev/null -D - "http://$R/v2/acme/evidence/manifests/$tag" \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json' | tr -d '\r' |
		sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: sha256://p')
	is "$(jq -r '.subject|length' "$st")" 1 "$l: one subject"
	is "$(jq -r '.subject[0].digest.sha256' "$st")" "$regd" "$l: subject = the registry's digest of the pushed artifact"
	is "$(jq -r '.subject[0].name' "$st")" "$R/acme/evidence" "$l: subject name = the repository"
	is "$(pfield "$p" digest)" "sha256:$regd" "$l: pointer bundle.digest = the subject"
	# predicate: the fields of the reference's Predicate
	is "$(jq -r .predicate.schemaVersion "$st")" 1.0.0 "$l: predicate schemaVersion"
	is "$(jq -r .predicate.attestedAt "$st")" "$(date -u -d @"$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" "$l: attestedAt, UTC whole seconds"
	is "$(pfield "$p" attestedAt)" "$(jq -r .predicate.attestedAt "$st")" "$l: pointer attestedAt = the predicate's"
	id=$("$ORACLE" -identify "$sb/recipe.yaml")
	is "$(jq -r .predicate.recipe.name "$st")" "$(jq -r .name <<<"$id")" "$l: recipe.name = RecipeNameFor (Go, yaml.v3)"
	is "$(jq -r .predicate.recipe.digest "$st")" "$(jq -r .digestV3 <<<"$id")" "$l: recipe.digest = SubjectDigestV3 of recipe.yaml (Go oracle)"
	is "$(pfield "$p" recipe)" "$(jq -r .name <<<"$id")" "$l: pointer recipe = the derived name"
	if [ "$(jq -r .profiled <<<"$id")" = true ]; then
		is "$(jq -c .predicate.profile "$st")" "$(jq -c '{selection} + (if .advertiser != "" then {advertiser} else {} end) + {policyDescriptorIdentity: .identity}' <<<"$id")" "$l: profile block = selection, advertiser, IdentityFor (Go)"
		is "$(pfield "$p" profile)" "$(jq -r .selection <<<"$id")" "$l: pointer profile = the selection"
	else
		is "$(jq -r '.predicate|has("profile")' "$st")" false "$l: no profile block for an unprofiled recipe"
	fi
	"$ORACLE" -v1 -canon "$sb/recipe.yaml" | cmp -s - "$sb/recipe.yaml" &&
		ok "$l: recipe.yaml is CanonicalizeRecipeYAML's form (what the reference's builder ships)" ||
		bad "$l: recipe.yaml is CanonicalizeRecipeYAML's form"
	# manifest: digest, count, every entry, nothing unlisted
	is "$(jq -r .predicate.manifest.digest "$st")" "sha256:$(sha "$sb/manifest.json")" "$l: manifest.digest = sha256(manifest.json)"
	is "$(jq -r .predicate.manifest.fileCount "$st")" "$(jq '.files|length' "$sb/manifest.json")" "$l: manifest.fileCount"
	is "$(jq -r .schemaVersion "$sb/manifest.json")" 1.0.0 "$l: manifest schemaVersion"
	is "$(jq -r '[.files[].path]|join(" ")' "$sb/manifest.json")" "$(cd "$sb" && find . -type f ! -name manifest.json ! -name statement.intoto.json ! -name attestation.intoto.jsonl | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$l: manifest lists every file but the three, sorted by path"
	local bad_entries=0 f size sum mt want_mt
	while IFS=$'\t' read -r f size sum mt; do
		case $f in *.cdx.json) want_mt=application/vnd.cyclonedx+json ;; *.json) want_mt=application/json ;; *.yaml) want_mt=application/yaml ;; *) want_mt= ;; esac
		[ "$size" = "$(stat -c %s "$sb/$f")" ] && [ "$sum" = "sha256:$(sha "$sb/$f")" ] && [ "$mt" = "$want_mt" ] || bad_entries=$((bad_entries + 1))
	done < <(jq -r '.files[]|[.path,.size,.sha256,(.mediaType//"")]|@tsv' "$sb/manifest.json")
	is "$bad_entries" 0 "$l: every manifest entry's size, sha256 and media type"
	# phases: known keys, counts and ctrfDigest
	local ph phases_ok=0
	for ph in $(jq -r '.predicate.phases|keys[]' "$st"); do
		case $ph in deployment | performance | conformance) ;; *) phases_ok=1 ;; esac
		[ "$(jq -r ".predicate.phases.$ph.ctrfDigest" "$st")" = "sha256:$(sha "$sb/ctrf/$ph.json")" ] || phases_ok=1
		for k in passed failed skipped; do
			[ "$(jq -r ".predicate.phases.$ph.$k" "$st")" = "$(jq -r ".results.summary.$k" "$sb/ctrf/$ph.json")" ] || phases_ok=1
		done
	done
	is "$phases_ok" 0 "$l: every phase: a known phase, counts from its CTRF summary, ctrfDigest = sha256(ctrf/<phase>.json)"
	is "$(jq -r .predicate.bom.digest "$st")" "sha256:$(sha "$sb/bom.cdx.json")" "$l: bom.digest"
	is "$(jq -r .predicate.bom.imageCount "$st")" "$(jq '.components|length' "$sb/bom.cdx.json")" "$l: bom.imageCount = components"
	is "$(jq -r .predicate.bom.format "$st")" CycloneDX "$l: bom.format"
	# signer: the certificate and the Rekor entry
	jq -r '.verificationMaterial.certificate.rawBytes // .verificationMaterial.x509CertificateChain.certificates[0].rawBytes' \
		"$sb/attestation.intoto.jsonl" | base64 -d >"$W/$l.leaf.der"
	openssl x509 -inform der -in "$W/$l.leaf.der" -noout -ext subjectAltName 2>/dev/null | grep -q "email:$(pfield "$p" identity)" &&
		ok "$l: pointer signer.identity = the certificate's SAN" || bad "$l: pointer signer.identity = the certificate's SAN"
	is "$(pfield "$p" rekorLogIndex)" "$(jq -r '.verificationMaterial.tlogEntries[0].logIndex' "$sb/attestation.intoto.jsonl")" "$l: pointer rekorLogIndex = the Rekor entry"
	# the pointer, as the reference's validator reads it
	is "$(pfield "$p" schemaVersion)" 1.0.0 "$l: pointer schemaVersion 1.0.0"
	is "$(pfield "$p" predicateType)" "$(jq -r .predicateType "$st")" "$l: pointer predicateType = the statement's"
	# the tag: the recipe name, then a hex prefix of the artifact or the
	# manifest digest (the reference derives it from the latter)
	name=$(jq -r .predicate.recipe.name "$st")
	hex=${tag#"${name:0:80}"-}
	if [ "$oci" = "$R/acme/evidence:$tag" ] && [ "$hex" != "$tag" ] && [[ $hex =~ ^[0-9a-f]{12,64}$ ]] &&
		{ [[ $regd == "$hex"* ]] || [[ $(sha "$sb/manifest.json") == "$hex"* ]]; }; then
		ok "$l: the tag is <recipe>-<digest prefix>"
	else
		bad "$l: the tag is <recipe>-<digest prefix>" "$oci"
	fi
	run verify "$p" --registry-plain-http --cache "$W/cache" --trusted-root "$TR"
	expect_rc 0 "$l: and it verifies, pulled by the pointer's digest"
}
check_ours "$EX/recipe.yaml" "$W/ours" example
check_ours "$W/profiled.yaml" "$W/oursp" profiled

# check and ledger on a ledger holding profiled and unprofiled evidence
G=$W/ledger
L=$G/recipes/evidence
mkdir -p "$L"
signed_allowlist "$L" "alice alice@example.test community" "bob bob@example.test partner"
signed_emit alicep alice@example.test "$EX/ctrf" "$L" "$W/profiled.yaml" || t_end
PP=$SE_PTR
# bob's own run: its own CTRF (durations), hence its own bundle -- with
# alice's bytes it would be one bundle, one vote (docs/ledger.md)
signed_ctrf "$EX/ctrf" "$W/ctrf-bobp" 1 || t_end
signed_emit bobp bob@example.test "$W/ctrf-bobp" "$L" "$W/profiled.yaml" || t_end
signed_emit alice alice@example.test "$EX/ctrf" "$L" || t_end
case $PP in "$L/h100-aks-ubuntu-training-gpustack-operator-managed/"*) ok "a profiled pointer's place is under the suffixed recipe" ;; *) bad "a profiled pointer's place is under the suffixed recipe" "$PP" ;; esac
commit() { git -C "$G" add -A && git -C "$G" -c user.name=t -c user.email=t@example.test commit -qm "$1"; }
git -C "$G" init -q && commit ledger
run check --repo "$G" --verify-signatures --trusted-root "$TR" --registry-plain-http --cache "$W/ccache"
expect_rc 0 "check --verify-signatures: profiled and unprofiled pointers pass"
pushd "$G" >/dev/null || t_end
run ledger --verify --trusted-root "$TR" --registry-plain-http --cache "$W/ccache" --format json
popd >/dev/null || t_end
expect_rc 0 "ledger --verify over profiled evidence"
is "$(jq -r '[.recipes[].name]|join(" ")' "$T_OUT")" "h100-aks-ubuntu-training-gpustack-operator-managed h100-eks-ubuntu-training" "ledger lists the profiled recipe apart"
is "$(jq -r '.recipes[0].stateCounts.CONFIRMED > 0 and .recipes[0].stateCounts.CONTESTED == 0' "$T_OUT")" true "two allowlisted signers confirm the profiled recipe's checks"
# the claim is rewritten consistently (profile, recipe suffix and the
# pointer's place all agree), so only the signed predicate can catch it
PP2=${PP/-gpustack-operator-managed\//-gpustack-other/}
mkdir -p "$(dirname "$PP2")"
sed -e 's/^profile: .*/profile: gpuStack=other/' \
	-e 's/^recipe: .*/recipe: h100-aks-ubuntu-training-gpustack-other/' "$PP" >"$PP2"
rm "$PP"
commit tamper
run check --repo "$G" --verify-signatures --trusted-root "$TR" --registry-plain-http --cache "$W/ccache"
expect_rc 1 "check: a pointer whose profile differs from the signed bundle's is a violation"
# (the predicate's recipe name carries the suffix, so the recipe binding
# may be the first to tell)
grep -Eq 'pointer (profile|recipe) differs from the (signed )?predicate' "$T_OUT" &&
	ok "check names the signed predicate's binding" ||
	bad "check names the signed predicate's binding" "$(head -3 "$T_OUT")"
grep -q 'profile path segment' "$T_OUT" &&
	bad "the tampered pointer's place agrees with its claim" "$(grep 'profile path segment' "$T_OUT")" ||
	ok "the tampered pointer's place agrees with its claim"

# ---------------------------------------------------------------- part B
ref() { # TYPE RECIPE OUT
	"$ORACLE" -refbundle -type "$1" -recipe "$2" -snapshot "$EX/snapshot.yaml" -ctrf "$EX/ctrf" -out "$3" 2>"$W/ref.err" ||
		bad "the reference-shaped bundle is written" "$(cat "$W/ref.err")"
}
verify_both() { # DIR RC what
	run verify --format json "$1"
	expect_rc "$2" "$3 (directory)"
	run verify --format json "$1/pointer.yaml"
	expect_rc "$2" "$3 (pointer)"
}
ref "$V1" "$EX/recipe.yaml" "$W/r1"
verify_both "$W/r1" 0 "reference v1, unprofiled: valid"
ref "$V3" "$EX/recipe.yaml" "$W/r3"
verify_both "$W/r3" 0 "reference v3, unprofiled: valid"
ref "$V2" "$W/profiled.yaml" "$W/r2p"
verify_both "$W/r2p" 0 "reference v2, profiled: valid"
ref "$V3" "$W/profiled.yaml" "$W/r3p"
verify_both "$W/r3p" 0 "reference v3, profiled: valid"
is "$(jq -r .predicate.profile.policyDescriptorIdentity "$W/r3p/summary-bundle/statement.intoto.json")" "$(jq -r .predicate.profile.policyDescriptorIdentity "$W/oursp/summary-bundle/statement.intoto.json")" "the reference's identity of the profiled recipe = ours"
is "$(jq -r .predicate.recipe.digest "$W/r3p/summary-bundle/statement.intoto.json")" "$(jq -r .predicate.recipe.digest "$W/oursp/summary-bundle/statement.intoto.json")" "the reference's digest of the profiled recipe = ours"
is "$(jq -r .predicate.validatorImages "$W/r3/summary-bundle/statement.intoto.json")" null "the reference shape carries validatorImages: null"
# protojson may put a space after a colon: the same statement
sed -i 's/":/": /g' "$W/r3/summary-bundle/statement.intoto.json"
run verify "$W/r3"
expect_rc 0 "protojson's spacing variant verifies"
# what the reference refuses, refused here too
ref "$V2" "$EX/recipe.yaml" "$W/r2"
run verify --format json "$W/r2"
expect_rc 2 "reference v2 without a profile: invalid"
jq -e '.failureCause.detail|test("requires the predicate profile block")' "$T_OUT" >/dev/null && ok "... the reference's message" || bad "... the reference's message" "$(jq -c .failureCause "$T_OUT")"
ref "$V1" "$W/profiled.yaml" "$W/r1p"
run verify --format json "$W/r1p"
expect_rc 2 "a profiled recipe under v1: invalid"
ref https://aicr.nvidia.com/recipe-evidence/v1 "$EX/recipe.yaml" "$W/retired"
run verify --format json "$W/retired"
expect_rc 2 "the retired aicr.nvidia.com type: invalid"
is "$(jq -r .failureCause.detail "$T_OUT")" "unexpected predicateType https://aicr.nvidia.com/recipe-evidence/v1" "... with the reference's message"
run verify "$W/retired/pointer.yaml"
expect_rc 2 "... and its pointer refused"
expect_err 'predicateType.*https://aicr.nvidia.com/recipe-evidence/v1' "... naming the type"

t_end
