#!/usr/bin/env bash
# tests/e2e/test_check_signatures.sh -- rule 4 of the contract checker
# (`check --verify-signatures`, SPEC §5.4) against a real local registry:
# each pointer's bundle is pulled by digest (or from --cache with
# --offline) and verified against the signer the pointer claims.
#
# The bundle here is emitted and pushed unsigned, so a pointer claiming a
# signer for it must fail rule 4 even though rules 1-3 pass: the shape of
# every squat (reference §10.1, #1535). Bundles signed by the local Sigstore
# stack (attacker-signed squat, foreign subject, tampered manifest,
# untrusted CA) need `emit --sign --push`, which is not on main yet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
. "$(dirname "$0")/registry.sh"
t_begin
export SOURCE_DATE_EPOCH=1763650000
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
CACHE=$T_WORK/cache

run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
	--ctrf "$EX/ctrf" -o "$T_WORK/out"
expect_rc 0 "an unsigned bundle is emitted"
if ! reg_start "$T_WORK/reg"; then bad "registry starts"; t_end; fi
t_cleanup "reg_stop $T_WORK/reg"
run push "$T_WORK/out" --to "$REG_HOST/ev/art" --registry-plain-http --format json
expect_rc 0 "the bundle is pushed to the local registry"
D=$(jq -r .digest "$T_OUT")
TAG=$(jq -r .tag "$T_OUT")
HEX=${D#sha256:}

# A PR adding alice's pointer to the pushed bundle: rules 1-3 pass.
R=$(lf_repo sig)
git -C "$R" checkout -q -b pr
REL="$EV/$RECIPE/$A_SLUG/sha256-$HEX.yaml"
mkdir -p "$R/$(dirname "$REL")"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$HEX" |
	sed "s|oci: .*|oci: $REG_HOST/ev/art:$TAG|" >"$R/$REL"
lf_commit "$R" "alice's pointer"

run check --repo "$R" --base main
expect_rc 0 "rules 1-3 accept the pointer (the claim looks right)"

run check --repo "$R" --base main --verify-signatures --registry-plain-http --cache "$CACHE"
expect_rc 1 "rule 4 rejects a claimed signer the bundle does not prove"
expect_out "^$REL: signature check failed: bundle invalid \(signature\)" "the finding names the pointer and the signature"
[ -d "$CACHE/blobs/sha256" ] && ok "the pulled bundle is cached by digest" || bad "the pulled bundle is cached by digest"

run check --repo "$R" --base main --verify-signatures --registry-plain-http --cache "$CACHE" --format json
[ "$(jq -r '.problems[0].rule' "$T_OUT")" = signature ] && [ "$(jq -r .summary.signaturesVerified "$T_OUT")" = true ] &&
	ok "JSON names rule 4 as 'signature'" || bad "JSON names rule 4 as 'signature'" "$(head -c 300 "$T_OUT")"

# Security review (LOW): a fault of the cache itself -- an entry that is a
# symlink or a FIFO, blobs/ a file -- was put on the registry ("cannot talk
# to registry HOST: ... a plain-HTTP loopback registry needs ..."). It
# names the cache and its path; the exit stays 2 (no verdict on the
# pointer, never a finding).
cache_fault() { # LABEL CACHE
	local label=$1 c=$2
	run check --repo "$R" --base main --verify-signatures --registry-plain-http --cache "$c"
	expect_rc 2 "check, $label: undecided (exit 2), as before"
	expect_out "could not verify the signature: cache $c: .*a fault of the local cache" "  the note names the cache and its path"
	grep -q "cannot talk to registry" "$T_OUT" && bad "  the registry is not blamed" "$(grep -m1 note "$T_OUT")" || ok "  the registry is not blamed"
}
cp -a "$CACHE" "$T_WORK/c-link" && ln -sf /etc/passwd "$T_WORK/c-link/blobs/sha256/$HEX"
cache_fault "the manifest's cache entry a symlink" "$T_WORK/c-link"
cp -a "$CACHE" "$T_WORK/c-fifo" && for f in "$T_WORK"/c-fifo/blobs/sha256/*; do
	[ "${f##*/}" = "$HEX" ] || { rm -f "$f" && mkfifo "$f"; }
done
cache_fault "the layer's and config's entries FIFOs" "$T_WORK/c-fifo"
mkdir -p "$T_WORK/c-file" && echo x >"$T_WORK/c-file/blobs"
cache_fault "blobs/ a file" "$T_WORK/c-file"
run verify "$R/$REL" --registry-plain-http --cache "$T_WORK/c-link"
expect_rc 2 "verify POINTER with the entry a symlink: exit 2, as before"
expect_out "materialize-bundle +failed +cache $T_WORK/c-link: " "  the step names the cache and its path"
expect_out "^Cause: unknown: cache " "  the cause is not the registry's"
expect_err "hint: the local cache failed, not the registry" "  the hint says so"
run ledger --root "$R/$EV" --verify --registry-plain-http --cache "$T_WORK/c-link"
expect_out "could not be verified: bundle fetch: cache $T_WORK/c-link: " "ledger --verify names the cache and its path in the run's note"

reg_stop "$T_WORK/reg"
run check --repo "$R" --base main --verify-signatures --offline --cache "$CACHE"
expect_rc 1 "--offline judges from the cache with the registry gone"
expect_out "^$REL: signature check failed: bundle invalid" "the offline verdict is the same"

run check --repo "$R" --base main --verify-signatures --offline --cache "$T_WORK/empty-cache"
expect_rc 1 "--offline with the bundle absent from the cache is a finding"
expect_out "^$REL: signature check failed: bundle $D cannot be fetched" "the finding says the bundle cannot be fetched"

run check --repo "$R" --base main --verify-signatures --registry-plain-http --cache "$T_WORK/cold"
expect_rc 3 "an unreachable registry gives no verdict (exit 3)"
expect_out "^note: $REL: could not verify the signature: bundle fetch" "the pointer is listed as unverified"

# Rule 4 runs only on complete claims; an unsigned pointer stops at rule 3.
R2=$(lf_repo sig-unsigned)
git -C "$R2" checkout -q -b pr
h=$(lf_hex u1)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" | sed '/signer:/,/rekorLogIndex/d' \
	>"$R2/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R2" "unsigned"
run check --repo "$R2" --base main --verify-signatures --offline --cache "$T_WORK/empty-cache"
expect_rc 1 "an unsigned pointer is rejected"
if grep -q 'signature check failed' "$T_OUT"; then bad "rule 4 is not attempted without a signer"; else ok "rule 4 is not attempted without a signer"; fi

# The whole-tree audit verifies every pointer, concurrently.
run check --repo "$R" --head pr --base main --verify-signatures --offline --cache "$T_WORK/empty-cache" --workers 2
expect_rc 1 "the audit with rule 4 runs on worker threads"
(cd "$R" && git checkout -q pr)
run check --repo "$R" --verify-signatures --offline --cache "$T_WORK/empty-cache" --workers 3 --format json
n=$(jq '[.problems[] | select(.rule == "signature")] | length' "$T_OUT")
[ "$n" = 3 ] && ok "every pointer of the tree goes through rule 4 (3 of 3)" || bad "every pointer goes through rule 4" "got $n"

run check --repo "$R" --verify-signatures --registry-password-stdin
expect_rc 64 "check never reads a password from stdin"
run check --repo "$R" --verify-signatures --registry-plain-http --registry-insecure-tls
expect_rc 64 "conflicting registry flags are a usage error"

t_end
