#!/usr/bin/env bash
# tests/e2e/test_emit_verify.sh -- emit on the example inputs, then verify:
# every kind of tampering gives exit 2 with the right step and sub-row, a
# failed phase gives 1, an unsigned clean bundle 0 with pending, --full
# ships raw files (SPEC §3-§4, reference §9, §12.4).
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

emit_ok() { # OUT [extra args...]
	local out=$1
	shift
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
		--ctrf "$EX/ctrf" -o "$out" "$@"
}
# jq on the last verify's JSON report
rep() { jq -r "$1" "$T_OUT"; }
# the status of step NAME and whether a sub-row KEY has VALUE~RE
expect_step() { # NAME STATUS what
	local got
	got=$(jq -r --arg n "$1" '.steps[] | select(.name==$n) | .status' "$T_OUT")
	if [ "$got" = "$2" ]; then ok "$3"; else bad "$3" "step $1 is '$got', want $2"; fi
}
expect_row() { # STEP KEY VALUE-RE what
	if jq -e --arg n "$1" --arg k "$2" --arg v "$3" \
		'.steps[] | select(.name==$n) | .subRows[]? | select(.key==$k and (.value|test($v)))' \
		"$T_OUT" >/dev/null; then ok "$4"; else bad "$4" "no sub-row $2 ~ /$3/ in $1"; fi
}
fresh() { # NAME -> copy of the clean bundle in $W/NAME
	rm -rf "$W/$1"
	cp -r "$W/clean" "$W/$1"
}
# Rewrites manifest.json with jq filter $2 and re-pins its digest in the
# unsigned statement, as an attacker editing an unsigned bundle would.
repin_manifest() { # DIR JQ-FILTER
	local sb=$1/summary-bundle d
	jq "$2" "$sb/manifest.json" >"$sb/m.tmp" && mv "$sb/m.tmp" "$sb/manifest.json"
	d="sha256:$(sha256sum "$sb/manifest.json" | cut -d' ' -f1)"
	jq --arg d "$d" '.predicate.manifest.digest=$d' "$sb/statement.intoto.json" >"$sb/s.tmp" &&
		mv "$sb/s.tmp" "$sb/statement.intoto.json"
}

# ---- digest ----
run digest "$EX/recipe.yaml"
expect_rc 0 "digest exits 0"
expect_out '^[0-9a-f]{64}$' "digest prints 64 lowercase hex"
d1=$(cat "$T_OUT")
{ echo "# a new comment"; sed 's/^kind: RecipeResult$/kind:   RecipeResult   # same/' "$EX/recipe.yaml"; } >"$W/r2.yaml"
run digest "$W/r2.yaml"
expect_out_eq "$d1" "comments and spacing do not change the digest"
sed 's/version: v0.14.2 .*/version: v9.9.9/' "$EX/recipe.yaml" >"$W/r3.yaml"
run digest "$W/r3.yaml"
expect_out_eq "$d1" "metadata.version does not change the v3 digest"
run digest --predicate-type https://aicr.run/recipe-evidence/v1 "$W/r3.yaml"
if [ "$(cat "$T_OUT")" != "$d1" ]; then ok "v1 keeps metadata.version in the digest"; else bad "v1 keeps metadata.version in the digest"; fi
sed 's/version: v25.3.0/version: v25.3.1/' "$EX/recipe.yaml" >"$W/r4.yaml"
run digest "$W/r4.yaml"
if [ "$(cat "$T_OUT")" != "$d1" ]; then ok "a material change changes the digest"; else bad "a material change changes the digest"; fi
printf '' >"$W/empty.yaml"
run digest "$W/empty.yaml"
expect_rc 2 "an empty recipe has no digest"
run digest
expect_rc 64 "digest without a file is a usage error"

# ---- emit ----
emit_ok "$W/clean"
expect_rc 0 "emit on the examples exits 0"
expect_out 'pending signature' "emit says the pointer is pending signature"
SB=$W/clean/summary-bundle
for f in recipe.yaml snapshot.yaml bom.cdx.json ctrf/deployment.json \
	ctrf/performance.json ctrf/conformance.json manifest.json statement.intoto.json; do
	[ -f "$SB/$f" ] && ok "bundle has $f" || bad "bundle has $f"
done
[ ! -e "$SB/attestation.intoto.jsonl" ] && ok "an unsigned bundle has no attestation" || bad "an unsigned bundle has no attestation"
if grep -q 'signer' "$W/clean/pointer.yaml"; then bad "unsigned pointer has no signer"; else ok "unsigned pointer has no signer"; fi
grep -q '^schemaVersion: 1.0.0$' "$W/clean/pointer.yaml" && ok "pointer schemaVersion 1.0.0" || bad "pointer schemaVersion 1.0.0"
if [ "$(jq -r '.files|map(.path)|join(",")' "$SB/manifest.json")" = \
	"bom.cdx.json,ctrf/conformance.json,ctrf/deployment.json,ctrf/performance.json,recipe.yaml,snapshot.yaml" ]; then
	ok "manifest lists every file but itself and the statements, sorted"
else bad "manifest lists every file but itself and the statements, sorted"; fi
st=$SB/statement.intoto.json
[ "$(jq -r .predicateType "$st")" = https://aicr.run/recipe-evidence/v3 ] && ok "predicate type v3" || bad "predicate type v3"
[ "$(jq -r .predicate.recipe.digest "$st")" = "$d1" ] && ok "predicate recipe digest = digest command" || bad "predicate recipe digest = digest command"
[ "$(jq -r '.subject[0].name' "$st")" = recipe:h100-eks-ubuntu-training ] && ok "local statement subject is recipe:<name>" || bad "local statement subject is recipe:<name>"
[ "$(jq -r .predicate.manifest.digest "$st")" = "sha256:$(sha256sum "$SB/manifest.json" | cut -d' ' -f1)" ] && ok "predicate pins manifest.json" || bad "predicate pins manifest.json"
[ "$(jq -r '.predicate.phases.deployment.ctrfDigest' "$st")" = "sha256:$(sha256sum "$SB/ctrf/deployment.json" | cut -d' ' -f1)" ] && ok "phase ctrfDigest pins its file" || bad "phase ctrfDigest pins its file"
[ "$(jq -r '.predicate.phases.performance|"\(.passed)/\(.failed)/\(.skipped)"' "$st")" = 1/0/1 ] && ok "phase counts from CTRF" || bad "phase counts from CTRF"
# the minimal policy: the reference's label and six rule ids, and its own
# rules beside them (issue 24 item 9, docs/formats.md)
[ "$(jq -r '.predicate.redaction|"\(.policy) \(.version) \(.applied|length)"' "$st")" = "minimal v4 14" ] && ok "redaction block minimal v4 with fourteen rules" || bad "redaction block minimal v4 with fourteen rules"
[ "$(jq -r '[.predicate.redaction.applied[]|select(IN("ctrf.tests.extra.allowlist","ctrf.tests.omit:message","ctrf.tests.omit:stdout","ctrf.tests.runtimeProvenance.bound","snapshot.header.allowlist","snapshot.measurements.allowlist"))]|length' "$st")" = 6 ] && ok "the reference's six rule ids are among them" || bad "the reference's six rule ids are among them"
emit_ok "$W/ref" --policy reference-v4
expect_rc 0 "emit --policy reference-v4 exits 0"
RST=$W/ref/summary-bundle/statement.intoto.json
[ "$(jq -r '.predicate.redaction|"\(.policy) \(.version) \(.applied|length)"' "$RST")" = "minimal v4 6" ] && ok "reference-v4: redaction block minimal v4 with six rules" || bad "reference-v4: redaction block minimal v4 with six rules"
[ "$(jq -r '.predicate.validatorCatalogVersion' "$st")" = "" ] && ok "no catalog given: validatorCatalogVersion is empty" || bad "no catalog: validatorCatalogVersion empty"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	--validator-catalog "$EX/validator-catalog.yaml" -o "$W/cat"
expect_rc 0 "emit --validator-catalog exits 0"
[ "$(jq -r '.predicate.validatorCatalogVersion' "$W/cat/summary-bundle/statement.intoto.json")" = 1.0.0 ] &&
	ok "validatorCatalogVersion is the catalog's metadata.version" || bad "validatorCatalogVersion from the catalog"
run verify "$W/cat"
expect_rc 0 "the bundle with a catalog version verifies"
printf 'apiVersion: v1\nkind: ConfigMap\n' >"$W/notcat.yaml"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
	--validator-catalog "$W/notcat.yaml" -o "$W/notcat"
expect_rc 2 "a file that is no validator catalog: exit 2"
expect_err 'validator catalog' "the error names the catalog"
[ ! -e "$W/notcat/summary-bundle" ] && [ ! -e "$W/notcat/pointer.yaml" ] && ok "nothing written for a bad catalog" || bad "nothing written for a bad catalog"
[ "$(jq -r '.predicate.fingerprint.region.value' "$RST")" = us-west-2 ] && ok "reference-v4: fingerprint region comes from the raw snapshot" || bad "reference-v4: fingerprint region comes from the raw snapshot"
[ "$(jq -r '.predicate.fingerprint|has("region")' "$st")" = false ] && ok "minimal: no region (from node labels the snapshot drops)" || bad "minimal: no region"
[ "$(jq -r '.predicate.bom.imageCount' "$st")" = "$(jq '.components|length' "$SB/bom.cdx.json")" ] && ok "bom imageCount = components" || bad "bom imageCount = components"
jq -e '.specVersion=="1.6" and (.components|map(.name)|index("nvidia/gpu-operator"))' "$W/ref/summary-bundle/bom.cdx.json" >/dev/null && ok "reference-v4: generated BOM is CycloneDX 1.6 with observed images" || bad "reference-v4: generated BOM is CycloneDX 1.6 with observed images"
jq -e '.specVersion=="1.6" and ([.components[]|select(.type=="container")]|length==0) and (.components|map(.name)|index("gpu-operator"))' "$SB/bom.cdx.json" >/dev/null && ok "minimal: the BOM lists the recipe's components, no observed images" || bad "minimal: BOM without observed images"
leaks=0
for s in provider-id source-node i-0abc123 account-number 123456789012 slinky-slurm mariadb-operator acme-prod custom-cost-center proc/sys NoSchedule acme.corp p5.48xlarge BOOT_IMAGE efa containerd.service serial-number future-leak HOME_URL CUSTOM_TENANT internal-detail ip-10-0-12-34 us-west-2a; do
	if grep -q -- "$s" "$SB/snapshot.yaml"; then leaks=1; bad "redacted snapshot drops $s"; fi
done
[ $leaks = 0 ] && ok "redacted snapshot drops every private field"
grep -q 'v1.33.1' "$SB/snapshot.yaml" && grep -q 'NVIDIA H100' "$SB/snapshot.yaml" && ok "redacted snapshot keeps the fingerprint signal" || bad "redacted snapshot keeps the fingerprint signal"
if grep -qE 'stdout|podName|internalIP|10\.0\.12|hostname' "$SB"/ctrf/*.json; then bad "CTRF scrub drops stdout and unlisted extra"; else ok "CTRF scrub drops stdout and unlisted extra"; fi
[ "$(jq -r '[.results.tests[]|select(.message!=null and .message!="")]|length' "$SB/ctrf/deployment.json")" = 0 ] && ok "CTRF messages emptied" || bad "CTRF messages emptied"
[ "$(jq -r '.results.tests[0].extra.nodesValidated' "$SB/ctrf/deployment.json")" = 4 ] && ok "allowlisted extra kept" || bad "allowlisted extra kept"
# runtimeProvenance paths (reference §6.4): schema fields only, operator keys
# and names collapsed, fabric env names and vendor keys kept
prov=$(jq -c '.results.tests[0].runtimeProvenance | [.overriddenPaths, .inheritedPaths]' "$SB/ctrf/performance.json")
[ "$prov" = '[["spec.containers[*].env[*].value","spec.containers[*].env[NCCL_DEBUG].value","spec.containers[*].image","spec.nodeSelector","spec.nodeSelector.cloud.google.com/gke-accelerator"],["metadata.annotations.networking.gke.io/interfaces","metadata.labels","spec.tolerations"]]' ] &&
	ok "provenance paths bounded: schema fields, free-key maps collapsed, fabric env kept" || bad "provenance paths bounded" "$prov"
if grep -qE 'acmeTenant|ACME_DB_PASSWORD|cost-center|hostname|launcher|worker' "$SB/ctrf/performance.json"; then bad "no operator names in provenance paths"; else ok "no operator names in provenance paths"; fi

# emit twice into the same output: refused, the bundle untouched
before=$(cat "$SB/manifest.json")
emit_ok "$W/clean"
expect_rc 2 "emit into an existing bundle is refused"
[ "$(cat "$SB/manifest.json")" = "$before" ] && ok "the existing bundle is untouched" || bad "the existing bundle is untouched"

# ---- verify: clean ----
run verify "$W/clean" --format json
expect_rc 0 "an unsigned clean bundle verifies with exit 0"
[ "$(rep .pending)" = true ] && ok "unsigned clean bundle is pending" || bad "unsigned clean bundle is pending"
[ "$(rep .input)" = dir ] && ok "input form is dir" || bad "input form is dir"
expect_step signature-verify skipped "signature step skipped when unsigned"
expect_step manifest-hash-check passed "inventory passes"
[ "$(rep 'has("failureCause")')" = false ] && ok "no failureCause for exit 0" || bad "no failureCause for exit 0"
run verify "$SB"
expect_rc 0 "the summary-bundle directory itself verifies"
expect_out 'Evidence verification: bundle valid' "text report says bundle valid"
expect_out 'Verification steps' "text report lists the steps"
run verify "$W/clean/pointer.yaml" --format json
expect_rc 0 "the pointer verifies against the bundle beside it"
[ "$(rep .input)" = pointer ] && ok "input form is pointer" || bad "input form is pointer"
[ "$(rep .pointer.recipe)" = h100-eks-ubuntu-training ] && ok "report carries the pointer" || bad "report carries the pointer"
run verify "$W/clean" -o "$W/report.txt"
expect_rc 0 "verify -o exits with the verdict"
[ ! -s "$T_OUT" ] && grep -q 'bundle valid' "$W/report.txt" && ok "-o writes the report, stdout stays empty" || bad "-o writes the report, stdout stays empty"

# ---- verify: tampering with any file ----
for f in $(jq -r '.files[].path' "$SB/manifest.json"); do
	fresh tamper
	printf 'x' >>"$W/tamper/summary-bundle/$f"
	run verify "$W/tamper" --format json
	expect_rc 2 "tampered $f: exit 2"
	expect_step manifest-hash-check failed "tampered $f: inventory failed"
	expect_row manifest-hash-check "$f" 'mismatch' "tampered $f: sub-row names it"
	[ "$(rep .failureCause.class)" = integrity ] && ok "tampered $f: class integrity" || bad "tampered $f: class integrity"
	[ "$(rep 'has("pending")')" = false ] && ok "tampered $f: not pending" || bad "tampered $f: not pending"
done
fresh tamper
sed -i 's/"files"/"files" /' "$W/tamper/summary-bundle/manifest.json"
run verify "$W/tamper" --format json
expect_rc 2 "tampered manifest.json: exit 2"
expect_row manifest-hash-check manifest.json 'sha256 mismatch' "tampered manifest.json: sub-row"

fresh stray
echo hi >"$W/stray/summary-bundle/stray.txt"
run verify "$W/stray" --format json
expect_rc 2 "a stray file: exit 2"
expect_row manifest-hash-check stray.txt 'not in manifest' "a stray file: sub-row stray.txt"

fresh trav
repin_manifest "$W/trav" '.files[0].path="../../../etc/passwd"'
run verify "$W/trav" --format json
expect_rc 2 "a traversal path in the manifest: exit 2"
expect_row manifest-hash-check manifest.json 'not a local path' "a traversal path: sub-row says not a local path"

fresh phase
jq '.predicate.phases.deployment.ctrfDigest="sha256:'"$(printf '0%.0s' $(seq 64))"'"' \
	"$W/phase/summary-bundle/statement.intoto.json" >"$W/s.json" && mv "$W/s.json" "$W/phase/summary-bundle/statement.intoto.json"
run verify "$W/phase" --format json
expect_rc 2 "a wrong phase digest: exit 2"
expect_row manifest-hash-check ctrf/deployment.json 'ctrfDigest mismatch' "a wrong phase digest: sub-row"

fresh swap
sed -i 's/v25.3.0/v99.0.0/' "$W/swap/summary-bundle/recipe.yaml"
sz=$(stat -c %s "$W/swap/summary-bundle/recipe.yaml")
sh="sha256:$(sha256sum "$W/swap/summary-bundle/recipe.yaml" | cut -d' ' -f1)"
repin_manifest "$W/swap" "(.files[]|select(.path==\"recipe.yaml\")) |= (.size=$sz|.sha256=\"$sh\")"
run verify "$W/swap" --format json
expect_rc 2 "a recipe swapped after hashing: exit 2"
expect_row manifest-hash-check recipe.yaml 'recipe digest mismatch' "a swapped recipe: identity sub-row"

fresh badst
echo '{not json' >"$W/badst/summary-bundle/statement.intoto.json"
run verify "$W/badst" --format json
expect_rc 2 "an unparsable statement: exit 2"
expect_step predicate-parse failed "an unparsable statement fails predicate-parse"
[ "$(rep .failureCause.class)" = schema ] && ok "predicate failure class schema" || bad "predicate failure class schema"

fresh claim
cat >>"$W/claim/pointer.yaml" <<'P'
P
sed -i -e 's/^  - attestedAt:/  - signer:\n      identity: someone@example.com\n      issuer: https:\/\/github.com\/login\/oauth\n    attestedAt:/' \
	-e "s/digest: \"\"/digest: sha256:$(printf 'a%.0s' $(seq 64))/" -e 's/oci: ""/oci: ghcr.io\/o\/r:t/' "$W/claim/pointer.yaml"
# the pointer names a pushed artifact; --bundle verifies the local copy
run verify "$W/claim/pointer.yaml" --bundle "$W/claim" --format json
expect_rc 2 "a pointer claiming a signer on an unsigned bundle: exit 2"
expect_step signature-verify failed "claimed signer without signature fails the signature step"
[ "$(rep .failureCause.class)" = signature ] && ok "claimed signer without signature: class signature" || bad "claimed signer without signature: class signature"
expect_row manifest-hash-check bundle.digest 'artifact digest mismatch' "the local copy is not the artifact the pointer pins: sub-row"

mkdir -p "$W/notabundle"
run verify "$W/notabundle" --format json
expect_rc 2 "a directory that is no bundle: exit 2"
expect_step materialize-bundle failed "materialize fails on a non-bundle"

# ---- failed phase ----
mkdir -p "$W/failctrf"
cp "$EX/ctrf/deployment.json" "$EX/ctrf/performance.json" "$W/failctrf/"
jq '.results.tests[1].status="failed" | .results.summary.passed=1 | .results.summary.failed=1' \
	"$EX/ctrf/conformance.json" >"$W/failctrf/conformance.json"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/failctrf" -o "$W/failed"
expect_rc 0 "emit with a failed phase exits 0"
run verify "$W/failed" --format json
expect_rc 1 "a failed phase: exit 1"
[ "$(rep 'has("pending")')" = false ] && ok "a failed phase is not pending" || bad "a failed phase is not pending"
[ "$(rep 'has("failureCause")')" = false ] && ok "no failureCause for exit 1" || bad "no failureCause for exit 1"

# ---- --full ----
emit_ok "$W/full" --full
expect_rc 0 "emit --full exits 0"
cmp -s "$EX/snapshot.yaml" "$W/full/summary-bundle/snapshot.yaml" && ok "--full ships the raw snapshot" || bad "--full ships the raw snapshot"
cmp -s "$EX/ctrf/performance.json" "$W/full/summary-bundle/ctrf/performance.json" && ok "--full ships raw CTRF byte for byte" || bad "--full ships raw CTRF byte for byte"
[ "$(jq 'has("redaction")' <(jq .predicate "$W/full/summary-bundle/statement.intoto.json"))" = false ] && ok "--full has no redaction block" || bad "--full has no redaction block"
[ "$(jq -r .predicate.fingerprint "$W/full/summary-bundle/statement.intoto.json")" = "$(jq -r .predicate.fingerprint "$RST")" ] && ok "fingerprint is the same with --full and with reference-v4" || bad "fingerprint is the same with --full and with reference-v4"
[ "$(jq -c '.predicate.fingerprint|del(.region)' "$W/full/summary-bundle/statement.intoto.json")" = "$(jq -c .predicate.fingerprint "$st")" ] && ok "minimal: the same fingerprint but the region" || bad "minimal: the same fingerprint but the region"
run verify "$W/full"
expect_rc 0 "a --full bundle verifies"

# ---- mutable validator tags ----
mkdir -p "$W/mut"
jq '.results.tool.image="ghcr.io/nvidia/aicr-validators/performance:edge"' "$EX/ctrf/performance.json" >"$W/mut/performance.json"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/mut" -o "$W/mutout"
expect_rc 2 "a mutable validator tag is refused"
expect_err 'aicr-validators/performance:edge' "the refusal names the image"
[ ! -e "$W/mutout" ] && ok "nothing written for a refused emit" || bad "nothing written for a refused emit" "$(ls -A "$W/mutout")"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$W/mut" -o "$W/mutout" --allow-mutable-validator-tags
expect_rc 0 "--allow-mutable-validator-tags opts out"
jq -e '.predicate.validatorImages[]|select(.image=="ghcr.io/nvidia/aicr-validators/performance:edge")' \
	"$W/mutout/summary-bundle/statement.intoto.json" >/dev/null && ok "the mutable ref is recorded verbatim" || bad "the mutable ref is recorded verbatim"

# ---- usage ----
run emit --recipe "$EX/recipe.yaml"
expect_rc 64 "emit without required flags: 64"
run emit --bogus
expect_rc 64 "emit with an unknown flag: 64"
run verify
expect_rc 64 "verify without input: 64"
run verify "$W/clean" --format yaml
expect_rc 64 "verify --format yaml: 64"
run verify https://example.com/x
expect_rc 2 "an http URL is not an input"

# ---- an existing OUT/pointer.yaml is never clobbered (like summary-bundle/) ----
for kind in file symlink dir; do
	rm -rf "$W/optr" && mkdir -p "$W/optr"
	case $kind in
	file) echo '# the only copy of an earlier signed pointer' >"$W/optr/pointer.yaml" ;;
	symlink) ln -s "$W/elsewhere.yaml" "$W/optr/pointer.yaml" ;;
	dir) mkdir "$W/optr/pointer.yaml" ;;
	esac
	emit_ok "$W/optr"
	expect_rc 2 "emit into OUT holding a pointer.yaml ($kind) is refused"
	expect_err 'pointer.yaml.*already exists' "the refusal names pointer.yaml ($kind)"
	expect_err 'choose an empty output directory' "the hint says what to do ($kind)"
	[ ! -e "$W/optr/summary-bundle" ] && ok "nothing is written beside it ($kind)" || bad "nothing is written beside it ($kind)"
	[ -z "$(ls -A "$W/optr" | grep -v '^pointer.yaml$')" ] && ok "no staging left ($kind)" || bad "no staging left ($kind)" "$(ls -A "$W/optr")"
done
rm -rf "$W/optr" && mkdir -p "$W/optr" && echo '# kept' >"$W/optr/pointer.yaml"
emit_ok "$W/optr"
grep -qx '# kept' "$W/optr/pointer.yaml" && ok "the old pointer is kept byte for byte" || bad "the old pointer is kept" "$(head -2 "$W/optr/pointer.yaml")"

t_end
