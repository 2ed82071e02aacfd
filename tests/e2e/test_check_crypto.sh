#!/usr/bin/env bash
# tests/e2e/test_check_crypto.sh -- the cryptographic scenarios of the
# adversarial suite (issue 7): bundles signed keyless by the project's local
# Sigstore stack and pushed to a local registry, pointers committed in a git
# repository, and `check --base main --verify-signatures` as CI runs it.
# Each attack passes rules 1-3 (the structure is perfect) and must fail
# rule 4; the honest pointer must pass.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
export SOURCE_DATE_EPOCH=1763650000
# Signed bundles come from `emit --sign --ref` (issue 5); until that is in
# the build, say so loudly and count nothing.
if ! ae emit --help 2>&1 | grep -q -- '--ref'; then
	echo "test_check_crypto: SKIPPED -- this build's emit has no --sign --ref, so"
	echo "test_check_crypto: the rule-4 crypto scenarios did NOT run"
	t_end
fi
ALICE=alice@example.test
MALLORY=mallory@example.test
A_SLUG=$(se_slug "$SE_ISSUER" "$ALICE")
EVR=recipes/evidence

if ! signed_start "$T_WORK/s"; then bad "registry and Sigstore stack start"; t_end; fi
CACHE=$T_WORK/cache
R=$T_WORK/repo
git init -q -b main "$R"
mkdir -p "$R/$EVR"
signed_allowlist "$R/$EVR" "alice $ALICE community"
git -C "$R" add -A && git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm base
git -C "$R" checkout -q -b pr

# pr_check: commit the work tree and run the gate on it.
pr_check() {
	git -C "$R" add -A
	git -C "$R" -c user.name=t -c user.email=t@example.test commit -q --allow-empty -m step
	run check --repo "$R" --base main --verify-signatures --trusted-root "$TR" \
		--registry-plain-http --cache "$CACHE" "$@"
}
# reset_pr: drop the PR's commits.
reset_pr() { git -C "$R" reset -q --hard main; }
sig_problem() { # PATH-RE WHAT
	if [ "$T_RC" -eq 1 ] && grep -qE "^$1: signature check failed: " "$T_OUT"; then
		ok "$2"
	else
		bad "$2" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}

# ---- clean: alice's own signed pointer ----
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c1" 1 || bad "ctrf copy"
signed_emit a1 "$ALICE" "$T_WORK/c1" "$R/$EVR" || t_end
A1_REL=${SE_PTR#"$R"/}
A1=$T_WORK/a1.yaml
cp "$SE_PTR" "$A1"
pr_check
expect_rc 0 "an honest pointer signed by its claimed signer passes rule 4"
A1_DIR=$(ls -d "$T_WORK"/emit-a1-*)

# ---- squat: mallory signs, the pointer claims alice under alice's slug ----
reset_pr
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c2" 2
signed_emit m1 "$MALLORY" "$T_WORK/c2" "$T_WORK/mallory-root" || t_end
hex=$(sed -n 's/^ *digest: *"\{0,1\}sha256:\([0-9a-f]*\)"\{0,1\}$/\1/p' "$SE_PTR")
rel=$EVR/$(sed -n 's/^recipe: *//p' "$SE_PTR")/$A_SLUG/sha256-$hex.yaml
mkdir -p "$R/$(dirname "$rel")"
sed "s/$MALLORY/$ALICE/" "$SE_PTR" | sed '/rekorLogIndex/d' >"$R/$rel"
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm squat
run check --repo "$R" --base main
expect_rc 0 "the squat passes rules 1-3 (victim's slug, claimed victim, allowlisted)"
pr_check
sig_problem "$rel" "a pointer under the victim's slug signed by the attacker fails rule 4"

# ---- another digest: the pointer names a bundle whose statement subject
#      is a different artifact (alice's signed attestation, re-packed) ----
reset_pr
cp -r "$A1_DIR" "$T_WORK/other"
printf '\n' >>"$T_WORK/other/summary-bundle/snapshot.yaml"
run push "$T_WORK/other" --to "$REG_HOST/evidence/other" --registry-plain-http --format json
D2=$(jq -r .digest "$T_OUT")
rel=$(dirname "$A1_REL")/sha256-${D2#sha256:}.yaml
mkdir -p "$R/$(dirname "$rel")"
sed "s|sha256:[0-9a-f]\{64\}|$D2|; s|oci: .*|oci: $REG_HOST/evidence/other:x|" "$A1" >"$R/$rel"
pr_check
sig_problem "$rel" "a bundle whose signed subject is another digest fails rule 4"

# ---- tampered after signing: the manifest changed, pushed under the
#      signed digest's repository ----
reset_pr
cp -r "$A1_DIR" "$T_WORK/tampered"
jq '.files[0].size += 1' "$T_WORK/tampered/summary-bundle/manifest.json" >"$T_WORK/m.json" &&
	mv "$T_WORK/m.json" "$T_WORK/tampered/summary-bundle/manifest.json"
run push "$T_WORK/tampered" --to "$REG_HOST/evidence/tampered" --registry-plain-http --format json
D3=$(jq -r .digest "$T_OUT")
rel=$(dirname "$A1_REL")/sha256-${D3#sha256:}.yaml
mkdir -p "$R/$(dirname "$rel")"
sed "s|sha256:[0-9a-f]\{64\}|$D3|; s|oci: .*|oci: $REG_HOST/evidence/tampered:x|" "$A1" >"$R/$rel"
pr_check
sig_problem "$rel" "a bundle whose manifest was tampered after signing fails rule 4"

# ---- untrusted CA: alice's honest pointer, checked without the stack's
#      trusted root (only the embedded public-good root) ----
reset_pr
mkdir -p "$R/$(dirname "$A1_REL")"
cp "$A1" "$R/$A1_REL"
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm again
run check --repo "$R" --base main --verify-signatures --trusted-root "$TR" --registry-plain-http --cache "$CACHE"
expect_rc 0 "the same pointer passes with the stack's trusted root"
run check --repo "$R" --base main --verify-signatures --registry-plain-http --cache "$CACHE"
sig_problem "$A1_REL" "a certificate from a CA outside the trusted root fails rule 4"

t_end
