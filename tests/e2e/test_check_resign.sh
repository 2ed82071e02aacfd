#!/usr/bin/env bash
# tests/e2e/test_check_resign.sh -- the gate and "one bundle, one vote"
# (docs/ledger.md): a pull request whose new pointer names a bundle that a
# pointer committed on the base already names (another signer's bundle
# re-signed, or the same bundle pointed at again) passes -- the reference
# does not refuse it -- but it adds no vote, so `check` says so in a note
# (text and JSON's notes[], rule "same-bundle") naming the new pointer, the
# committed one and the digest; the same for two pointers the change adds
# naming one bundle. The exit status is what it was without the note.
#
# First with pointers written by hand (rules 1-3), then with bundles the
# local Sigstore stack signed and a registry serves (--verify-signatures:
# alice re-signs bob's committed bundle, and the gate passes her).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin
A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
B_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_BOB")
R2=gb200-eks-ubuntu-training

# The base holds alice's base-1 and bob's base-2 (lf_repo).
R=$(lf_repo resign)
H1=$(lf_hex base-1)
H2=$(lf_hex base-2)
BOB_REL=$EV/$RECIPE/$B_SLUG/sha256-$H2.yaml
ALICE_REL=$EV/$RECIPE/$A_SLUG/sha256-$H1.yaml

# ---- alice points at bob's committed bundle ----
git -C "$R" checkout -q -b pr1 main
NEW=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$H2")
lf_commit "$R" "alice re-points bob's bundle"
run check --repo "$R" --base main --head pr1
expect_rc 0 "a pointer naming a committed bundle passes the gate (as the reference does)"
expect_out "^note: $NEW: bundle sha256:$H2 is already named by $BOB_REL, committed on the base" \
	"a note names the new pointer, the committed pointer and the digest"
expect_out "adds no vote" "  and says it adds no vote"
expect_err "check: 0 problems" "the summary counts no problem"
run check --repo "$R" --base main --head pr1 --format json
expect_rc 0 "the same in JSON: exit 0"
n=$(jq '[.notes[] | select(.rule == "same-bundle")] | length' "$T_OUT")
p=$(jq -r '.notes[] | select(.rule == "same-bundle") | .path' "$T_OUT")
m=$(jq -r '.notes[] | select(.rule == "same-bundle") | .message' "$T_OUT")
if [ "$n" = 1 ] && [ "$p" = "$NEW" ] && [[ $m == *"$BOB_REL"* ]] && [[ $m == *"sha256:$H2"* ]]; then
	ok "JSON: one notes[] entry, rule same-bundle, path the new pointer, message the committed one and the digest"
else
	bad "JSON: the same-bundle note" "n=$n path=$p message=$m"
fi
[ "$(jq '.problems | length' "$T_OUT")" = 0 ] && ok "JSON: no problem" || bad "JSON: no problem"

# ---- the same bundle pointed at again, under another recipe ----
git -C "$R" checkout -q -b pr2 main
NEW2=$(lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H1")
lf_commit "$R" "alice points at her own bundle again"
run check --repo "$R" --base main --head pr2
expect_rc 0 "the same bundle re-pointed passes"
expect_out "^note: $NEW2: bundle sha256:$H1 is already named by $ALICE_REL" "the re-pointed bundle is noted"

# ---- a digest spelt in capitals does not dodge the note ----
git -C "$R" checkout -q -b pr3 main
NEW3=$(lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H2")
UP=$(printf '%s' "$H2" | tr a-f A-F)
sed -i "s|digest: sha256:$H2|digest: SHA256:$UP|" "$R/$NEW3"
grep -q "SHA256:$UP" "$R/$NEW3" && ok "the pointer spells its digest SHA256:<HEX>" || bad "the pointer spells its digest SHA256:<HEX>"
lf_commit "$R" "capitals"
run check --repo "$R" --base main --head pr3
expect_rc 1 "the schema refuses the spelling, as before"
expect_out "^$NEW3: invalid pointer: .*must be sha256: followed by 64 lowercase hex" "  the problem is the schema's"
expect_out "^note: $NEW3: bundle sha256:$H2 is already named by $BOB_REL" "  and the note still names bob's pointer"

# ---- two pointers of one change naming one bundle ----
git -C "$R" checkout -q -b pr4 main
H9=$(lf_hex new-9)
# git's path order: gb200-... before h100-...: the later one is noted
FIRST=$(lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H9")
SECOND=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$H9")
lf_commit "$R" "one bundle, two pointers"
run check --repo "$R" --base main --head pr4
expect_rc 0 "two added pointers naming one bundle pass"
expect_out "^note: $SECOND: bundle sha256:$H9 is also named by $FIRST, added in this change" \
	"the later pointer is noted, naming the first"
if grep -q "^note: $FIRST:" "$T_OUT"; then bad "the first is not noted"; else ok "the first is not noted"; fi

# ---- distinct bundles: no note ----
git -C "$R" checkout -q -b pr5 main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex fresh)" >/dev/null
lf_commit "$R" "a fresh bundle"
run check --repo "$R" --base main --head pr5
expect_rc 0 "a fresh bundle passes"
if grep -q "same\|already named\|also named" "$T_OUT"; then bad "no note for a fresh bundle" "$(cat "$T_OUT")"; else ok "no note for a fresh bundle"; fi

# ---- signed and verified: alice re-signs bob's committed bundle ----
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
if ! signed_start "$T_WORK/svc"; then
	bad "the registry and the Sigstore stack start"
	t_end
fi
S=$T_WORK/signed
git init -q -b main "$S"
git -C "$S" config user.email t@example.com
git -C "$S" config user.name test
git -C "$S" config commit.gpgsign false
mkdir -p "$S/$EV"
signed_allowlist "$S/$EV" "alice alice@example.test community" "bob bob@example.test partner"
sign_push() { # DIR EMAIL NAME
	local ref
	run sign "$1" --ref "$REG_HOST/evidence/$3" --identity-token "$(se_token "$2")" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "$2 signs $(basename "$1")"
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/pointer.yaml")
	run push "$1" --to "$ref" --registry-plain-http
	expect_rc 0 "  and pushes it to evidence/$3"
}
place() { # DIR: its pointer at its canonical place; sets PLACED (relative)
	PLACED=$EV/$(ae pointer path "$1/pointer.yaml" --root "") || return 1
	mkdir -p "$S/$(dirname "$PLACED")"
	cp "$1/pointer.yaml" "$S/$PLACED"
}
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-bob" 1 || t_end
SOURCE_DATE_EPOCH=1764000000 run emit --recipe "$SE_EX/recipe.yaml" \
	--snapshot "$SE_EX/snapshot.yaml" --ctrf "$T_WORK/c-bob" -o "$T_WORK/bob"
expect_rc 0 "bob's bundle, unsigned"
cp -r "$T_WORK/bob" "$T_WORK/bob-by-alice"
sign_push "$T_WORK/bob" bob@example.test bob
sign_push "$T_WORK/bob-by-alice" alice@example.test alice
place "$T_WORK/bob" && BOB_S=$PLACED
lf_commit "$S" "bob's pointer"
git -C "$S" checkout -q -b pr
place "$T_WORK/bob-by-alice" && ALICE_S=$PLACED
lf_commit "$S" "alice's re-signature of bob's bundle"
D=$(sed -n 's/^ *digest: *//p' "$T_WORK/bob/pointer.yaml")
run check --repo "$S" --base main --head pr --verify-signatures --trusted-root "$TR" \
	--registry-plain-http --cache "$T_WORK/cache"
expect_rc 0 "check --verify-signatures passes alice's verified re-signature (exit unchanged)"
expect_out "^note: $ALICE_S: bundle $D is already named by $BOB_S, committed on the base" \
	"the note names alice's pointer, bob's and the digest"
run check --repo "$S" --base main --head pr --verify-signatures --trusted-root "$TR" \
	--registry-plain-http --cache "$T_WORK/cache" --format json
expect_rc 0 "the same in JSON: exit 0"
[ "$(jq -r '.summary.signaturesVerified' "$T_OUT")" = true ] &&
	[ "$(jq -r '[.notes[] | select(.rule == "same-bundle" and .path == "'"$ALICE_S"'")] | length' "$T_OUT")" = 1 ] &&
	ok "JSON: signatures verified, one same-bundle note on alice's pointer" ||
	bad "JSON: signatures verified, one same-bundle note on alice's pointer" "$(head -c 600 "$T_OUT")"

t_end
