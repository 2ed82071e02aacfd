#!/usr/bin/env bash
# tests/e2e/test_ledger_ingest.sh -- first-party evidence without pointers
# (issue 22 item 7): bundles signed by the first-party CI identity and
# pushed, never committed as pointers, counted by `ledger --verify` through
# --ingest (digest-pinned), --ingest-file and --ingest-repo (the registry's
# tag list); a bundle signed by anyone else votes not; a second signature
# attached to the first-party artifact by someone else does not displace
# the first-party one; flags refused before any I/O.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

R=h100-eks-ubuntu-training
root=$T_WORK/ev
mkdir -p "$root"

# ---- usage errors come before any I/O ----
run ledger --root "$root" --ingest localhost:1/e/ci:v1 --verify
expect_rc 64 "a tag-only --ingest is refused (exit 64)"
expect_err 'digest-pinned' "the message asks for a digest-pinned reference"
run ledger --root "$root" --ingest "localhost:1/e/ci@sha256:$(printf '0%.0s' $(seq 64))"
expect_rc 64 "--ingest without --verify is refused"
run ledger --root "$root" --verify --offline --cache "$T_WORK/c" --ingest-repo localhost:1/e/ci
expect_rc 64 "--ingest-repo with --offline is refused"

signed_start "$T_WORK/svc" || t_end
for i in 1 2 3 4; do signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-$i" "$i"; done
# Allowlist: ci@example.test first-party (an anchored pattern, literal
# left of the @), alice community.
cat >"$root/allowlist.yaml" <<EOF
schemaVersion: "1.0.0"
firstParty:
  - label: ci
    issuer: $SE_ISSUER
    identityPattern: '^ci@example\.test\$'
community:
  - label: alice
    issuer: $SE_ISSUER
    source: $(se_slug "$SE_ISSUER" alice@example.test)
partner: []
EOF
# alice commits a pointer; ci pushes two runs without pointers; mallory
# pushes one to the same repository as ci.
signed_emit alice alice@example.test "$T_WORK/ctrf-1" "$root" || t_end
SE_NOPTR=1 SE_EPOCH=1764000000 signed_emit ci ci@example.test "$T_WORK/ctrf-2" "$root" || t_end
ci1=$(sed -n 's/^ *digest: *//p' "$SE_OUT/pointer.yaml")
ci1_out=$SE_OUT
SE_NOPTR=1 SE_EPOCH=1764086400 signed_emit ci ci@example.test "$T_WORK/ctrf-3" "$root" || t_end
ci2=$(sed -n 's/^ *digest: *//p' "$SE_OUT/pointer.yaml")
SE_NOPTR=1 signed_emit ci mallory@example.test "$T_WORK/ctrf-4" "$root" || t_end
mal=$(sed -n 's/^ *digest: *//p' "$SE_OUT/pointer.yaml")
if [ -z "$(find "$root" -name 'sha256-*.yaml' | grep -v "$(se_slug "$SE_ISSUER" alice@example.test)")" ]; then
	ok "only alice's pointer is committed"
else
	bad "only alice's pointer is committed"
fi
repo=$REG_HOST/evidence/ci

# J FILTER -- jq on the last run's JSON
J() { jq -r "$1" "$T_OUT"; }
L() {
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--cache "$T_WORK/cache" --format json "$@"
}

# ---- --ingest REF ----
L --ingest "$repo@$ci1"
expect_rc 0 "--ingest a first-party bundle"
same "it is counted as first-party, ingested" \
	"$(J '.signers[] | select(.class=="first-party") | "\(.vote) \(.ingested) \(.counts)"')" "verified true true"
same "its identity is shown (first-party identities are public)" \
	"$(J '.signers[] | select(.class=="first-party") | .identity')" ci@example.test
same "it votes beside alice: CONFIRMED checks" \
	"$(J ".recipes[] | select(.name==\"$R\") | .checks[] | select(.name==\"cert-manager-ready\") | \"\(.pass) \(.state)\"")" "2 CONFIRMED"
same "its run says where it came from" \
	"$(J ".recipes[].pointers[] | select(.origin==\"ingest\") | \"\(.path) \(.oci) \(.digest)\"")" \
	"null $repo@$ci1 $ci1"

# ---- a bundle of another signer does not vote ----
L --ingest "$repo@$mal"
same "mallory's bundle is verified but not counted" \
	"$(J ".recipes[].pointers[] | select(.origin==\"ingest\") | \"\(.why) \(.counts)\"")" "not-first-party false"

# ---- --ingest-file ----
printf '# first-party runs\n\n  %s\n%s   \n%s\n' "$repo@$ci1" "$repo@$ci2" "$repo@$ci1" >"$T_WORK/refs.txt"
L --ingest-file "$T_WORK/refs.txt"
expect_rc 0 "--ingest-file"
same "both runs, the repeated one once" \
	"$(J '[.recipes[].pointers[] | select(.origin=="ingest")] | length')" 2
same "the newer run speaks" \
	"$(J '.recipes[].pointers[] | select(.origin=="ingest" and .latest) | .digest')" "$ci2"
printf '%s\nnot-a-ref\n' "$repo@$ci1" >"$T_WORK/bad.txt"
L --ingest-file "$T_WORK/bad.txt"
expect_rc 2 "a line that is no reference is an error"
expect_err 'bad\.txt: line 2' "the message names the file and line"

# ---- --ingest-repo ----
L --ingest-repo "$repo"
expect_rc 0 "--ingest-repo lists the repository"
same "every evidence artifact tagged there: ci's two and mallory's" \
	"$(J '[.recipes[].pointers[] | select(.origin=="ingest")] | length')" 3
same "only the first-party ones vote" \
	"$(J '[.recipes[].pointers[] | select(.origin=="ingest" and .counts)] | length')" 2
L --ingest-repo "$repo" --ingest "$repo@$ci1"
same "a bundle named twice is taken once" \
	"$(J '[.recipes[].pointers[] | select(.origin=="ingest")] | length')" 3

# ---- a second signature on the first-party artifact ----
# One artifact (the same bytes, one digest), signed twice: first by
# mallory, whose signature is pushed first (listed first), then by ci. The
# first-party identity must still find its own signature. Its own
# attestedAt: mallory's run above used the same CTRF at "now", and an
# emit in the same second would be that artifact, already signed once
# (CI saw 3 signatures).
SOURCE_DATE_EPOCH=1764172800 run emit --recipe "$SE_EX/recipe.yaml" --snapshot "$SE_EX/snapshot.yaml" \
	--ctrf "$T_WORK/ctrf-4" -o "$T_WORK/u1"
expect_rc 0 "an unsigned bundle"
cp -r "$T_WORK/u1" "$T_WORK/u2"
for who in "u1 mallory@example.test" "u2 ci@example.test"; do
	read -r d email <<<"$who"
	run sign "$T_WORK/$d" --ref "$repo" --identity-token "$(se_token "$email")" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "$email signs it"
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$T_WORK/$d/pointer.yaml")
	run push "$T_WORK/$d" --to "$ref" --registry-plain-http
	expect_rc 0 "and pushes it with its signature"
done
both=$(sed -n 's/^ *digest: *//p' "$T_WORK/u2/pointer.yaml")
same "one artifact" "$(sed -n 's/^ *digest: *//p' "$T_WORK/u1/pointer.yaml")" "$both"
run referrers "$repo@$both" --registry-plain-http --format json
same "it carries two signatures" \
	"$(jq '[.. | objects | select(.artifactType? == "application/vnd.dev.sigstore.bundle.v0.3+json")] | length' "$T_OUT")" 2
L --ingest "$repo@$both"
same "the first-party signature is chosen: it votes" \
	"$(J '.recipes[].pointers[] | select(.origin=="ingest") | "\(.why) \(.counts)"')" "counts true"
same "as ci" "$(J '.signers[] | select(.ingested) | .identity')" ci@example.test

# ---- a bundle that is not there ----
L --ingest "$repo@sha256:$(printf 'f%.0s' $(seq 64))"
expect_rc 0 "a missing ingested bundle is a finding, not an error"
expect_err 'not counted: bundle fetch' "stderr says it is not counted and why"

t_end
