#!/usr/bin/env bash
# tests/e2e/test_ledger_resign.sh -- one bundle, one vote, decided after
# verification (docs/ledger.md "One bundle, one vote"). A first-party run
# ingested with `ledger --verify --ingest` fails a check; then:
#   - a pointer claiming alice that names the first-party digest and
#     carries no signature of hers (unverifiable) must not erase the
#     first-party vote (it did: the ingested bundle was dropped because a
#     pointer named its digest, before anything was verified);
#   - alice re-signing the first party's statement (the same artifact
#     bytes, her own signature, her own repository and pointer) verifies,
#     but neither displaces the first-party vote nor counts as her run;
#   - the same digest ingested from her repository before the first
#     party's keeps the first-party vote;
#   - bob's statement re-signed later by alice stays bob's vote;
#   - the first party's own pointer and its ingested bundle are one run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
. "$(dirname "$0")/ledger_resigned.sh"
t_begin

R=h100-eks-ubuntu-training
K=k8s-version-constraint
resigned_start
sed -i "s|^firstParty: \[\]\$|firstParty:\n  - label: ci\n    issuer: $SE_ISSUER\n    identityPattern: '^ci@example\\\\.test\$'|" "$root/allowlist.yaml"
run allowlist check "$root/allowlist.yaml"
expect_rc 0 "the allowlist (ci first-party, alice community, bob partner)"

# The first party's run fails $K; one artifact, emitted once, signed by
# ci (pushed to evidence/ci, no pointer) and, later, by alice (pushed to
# evidence/alice): the same bytes, the same digest.
SE_EPOCH=1764000000 emit_to 1 "$T_WORK/fp" "$K"
cp -r "$T_WORK/fp" "$T_WORK/fp-alice"
sign_as "$T_WORK/fp" ci@example.test ci
sign_as "$T_WORK/fp-alice" alice@example.test alice
X=$(digest_of "$T_WORK/fp")
if [ -n "$X" ] && [ "$X" = "$(digest_of "$T_WORK/fp-alice")" ]; then
	ok "alice's copy is the same artifact ($X)"
else
	bad "alice's copy is the same artifact" "'$X' vs '$(digest_of "$T_WORK/fp-alice")'"
fi
# alice and bob pass $K in runs of their own, newer
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-a" 2 || t_end
SE_EPOCH=1764000100 signed_emit alice alice@example.test "$T_WORK/c-a" "$root" || t_end
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-b" 3 || t_end
SE_EPOCH=1764000100 signed_emit bob bob@example.test "$T_WORK/c-b" "$root" || t_end

state() { J ".recipes[] | select(.name==\"$R\") | .checks[] | select(.name==\"$K\") | .state"; }
CI=$REG_HOST/evidence/ci@$X
AL=$REG_HOST/evidence/alice@$X

L --ingest "$CI"
expect_rc 0 "ledger --verify --ingest the first-party run"
same "the first party's failure makes $K CONTESTED" "$(state)" CONTESTED

# ---- an unverifiable pointer naming the first-party digest ----
fake=$root/$R/$(se_slug "$SE_ISSUER" alice@example.test)/sha256-${X#sha256:}.yaml
sed 's/identity: ci@example.test/identity: alice@example.test/' "$T_WORK/fp/pointer.yaml" >"$fake"
L --ingest "$CI"
expect_rc 0 "with alice's unsigned pointer to the first party's bundle"
same "her pointer is unverifiable" "$(why_of alice@example.test "$X")" unverifiable
same "the first-party run still votes" "$(why_of ci@example.test "$X")" counts
same "$K stays CONTESTED" "$(state)" CONTESTED
rm -f "$fake"

# ---- alice re-signs the first party's statement ----
place "$T_WORK/fp-alice" || bad "place alice's re-signed pointer"
L --ingest "$CI"
expect_rc 0 "with alice's re-signed copy (verified pointer)"
same "the first-party run still votes" "$(why_of ci@example.test "$X")" counts
same "alice's copy verifies but is not counted: re-signed" "$(why_of alice@example.test "$X")" re-signed
same "$K stays CONTESTED" "$(state)" CONTESTED
run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$T_WORK/cache" --ingest "$CI"
expect_out 'already counted for another signer' "the text report says why it is not counted"
L --ingest "$AL" --ingest "$CI"
same "her repository's copy ingested first does not take the vote either" \
	"$(why_of ci@example.test "$X") $(state)" "counts CONTESTED"
same "her pointer and her ingested copy of it are one run (review finding 12)" \
	"$(why_of alice@example.test "$X")" re-signed
rm -f "$PLACED"

# ---- the same digest from her repository, ingested before the first party's ----
L --ingest "$AL" --ingest "$CI"
expect_rc 0 "--ingest her copy, then the first party's"
same "the first-party run votes" "$(why_of ci@example.test "$X")" counts
same "her ingested copy is re-signed" "$(why_of alice@example.test "$X")" re-signed
same "$K stays CONTESTED" "$(state)" CONTESTED

# ---- bob's statement, re-signed later by alice ----
twice_signed 4 "$T_WORK/y-bob" bob@example.test "$T_WORK/y-alice" alice@example.test
Y=$(digest_of "$T_WORK/y-bob")
place "$T_WORK/y-bob" || bad "place bob's pointer"
place "$T_WORK/y-alice" || bad "place alice's re-signed pointer"
L
expect_rc 0 "ledger --verify with both pointers to bob's statement"
same "bob's run counts" "$(why_of bob@example.test "$Y")" counts
same "alice's later signature of it is re-signed" "$(why_of alice@example.test "$Y")" re-signed

# ---- the first party's own pointer and its ingested bundle: one run ----
place "$T_WORK/fp" || bad "place ci's pointer"
L --ingest "$CI"
same "one run of that bundle, the pointer's" \
	"$(J "[.recipes[].pointers[] | select(.digest==\"$X\") | \"\(.origin) \(.why)\"] | join(\",\")")" "pointer counts"

t_end
