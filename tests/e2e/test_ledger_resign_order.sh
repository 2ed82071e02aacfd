#!/usr/bin/env bash
# tests/e2e/test_ledger_resign_order.sh -- one bundle, one vote: of several
# signers verified on one bundle, the one whose VERIFIED signature is the
# earliest is credited (docs/ledger.md "One bundle, one vote"), never by a
# pointer's claim and never by comparing log indices of two logs.
#   - bob signs first, logged at index 0 of the Rekor v2 log (`sign` writes
#     his pointer without rekorLogIndex); alice re-signs the same bytes a
#     second later in Rekor v1 (index 1000+): bob's run counts (it lost to
#     alice: a pointer without the optional key sorted last);
#   - bob signs first in Rekor v1 (index 1000+); alice re-signs later in
#     the Rekor v2 log (index 1, which her pointer claims): bob's run
#     counts (it lost: 1 < 1000, indices of two logs compared as one);
#   - carol, not in the allowlist, signs first and alice re-signs later:
#     alice's signature is credited (carol's would count for nobody).
# Review findings 06 and 07.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

root=$T_WORK/root
mkdir -p "$root"
signed_start "$T_WORK/svc" || t_end
SC2=${SC%.json}_rekor2.json
[ -f "$SC2" ] || {
	bad "the stack writes a Rekor v2 signing config" "$SC2"
	t_end
}
signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner"

tokfor() {
	jwt_unsigned "{\"iss\":\"$SE_ISSUER\",\"aud\":\"sigstore\",\"sub\":\"$1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + 900))}"
}
# sign_as DIR EMAIL NAME SIGNING_CONFIG: signs DIR as EMAIL for
# REG_HOST/evidence/NAME, logged where the signing config says, and pushes
sign_as() {
	local ref
	run sign "$1" --ref "$REG_HOST/evidence/$3" --identity-token "$(tokfor "$2")" \
		--signing-config "$4" --trusted-root "$TR" --yes
	expect_rc 0 "$2 signs $(basename "$1") ($(basename "$4"))"
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/pointer.yaml")
	run push "$1" --to "$ref" --registry-plain-http
	expect_rc 0 "and pushes it to evidence/$3"
}
digest_of() { sed -n 's/^ *digest: *//p' "$1/pointer.yaml"; }
index_of() { sed -n 's/^ *rekorLogIndex: *//p' "$1/pointer.yaml"; }
place() {
	local rel
	rel=$(ae pointer path "$1/pointer.yaml" --root "") || return 1
	mkdir -p "$root/$(dirname "$rel")"
	cp "$1/pointer.yaml" "$root/$rel"
	PLACED=$root/$rel
}
# emit_to TWEAK DIR: a bundle of its own (CTRF tweaked by TWEAK)
emit_to() {
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-$1" "$1" || t_end
	SOURCE_DATE_EPOCH=1764000050 run emit --recipe "$SE_EX/recipe.yaml" \
		--snapshot "$SE_EX/snapshot.yaml" --ctrf "$T_WORK/c-$1" -o "$2"
	expect_rc 0 "bundle $1, unsigned"
}
J() { jq -r "$1" "$T_OUT"; }
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
L() {
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--cache "$T_WORK/cache" --format json "$@"
	expect_rc 0 "ledger --verify"
}
why_of() {
	J "[.signers[] | select(.slug==\"$(se_slug "$SE_ISSUER" "$1")\") | .id] as \$s
	   | [.recipes[].pointers[] | select(.digest==\"$2\" and ([.signer] | inside(\$s))) | .why]
	   | join(\",\")"
}

# ---- finding 07: the original at index 0 of the Rekor v2 log ----
emit_to 4 "$T_WORK/p-bob"
cp -r "$T_WORK/p-bob" "$T_WORK/p-alice"
sign_as "$T_WORK/p-bob" bob@example.test bob "$SC2"
same "bob's pointer has no rekorLogIndex (index 0 of the v2 log)" "$(index_of "$T_WORK/p-bob")" ""
sleep 1
sign_as "$T_WORK/p-alice" alice@example.test alice "$SC"
P=$(digest_of "$T_WORK/p-bob")
same "alice's copy is the same artifact" "$(digest_of "$T_WORK/p-alice")" "$P"
place "$T_WORK/p-bob" && place "$T_WORK/p-alice"
L
same "bob's run (v2 index 0, earlier) counts" "$(why_of bob@example.test "$P")" counts
same "alice's later re-signature (v1) is re-signed" "$(why_of alice@example.test "$P")" re-signed
rm -f "$root"/*/*/sha256-"${P#sha256:}".yaml

# ---- finding 06: the original in Rekor v1, the copy in the v2 log ----
emit_to 5 "$T_WORK/q-bob"
cp -r "$T_WORK/q-bob" "$T_WORK/q-alice"
sign_as "$T_WORK/q-bob" bob@example.test bob "$SC"
sleep 1
sign_as "$T_WORK/q-alice" alice@example.test alice "$SC2"
Q=$(digest_of "$T_WORK/q-bob")
bi=$(index_of "$T_WORK/q-bob")
ai=$(index_of "$T_WORK/q-alice")
if [ -n "$bi" ] && [ -n "$ai" ] && [ "$ai" -lt "$bi" ]; then
	ok "alice's v2 index ($ai) is below bob's v1 index ($bi)"
else
	bad "alice's v2 index is below bob's v1 index" "alice '$ai', bob '$bi'"
fi
place "$T_WORK/q-bob" && place "$T_WORK/q-alice"
L
same "bob's run (v1, earlier) counts" "$(why_of bob@example.test "$Q")" counts
same "alice's later re-signature (v2, lower index) is re-signed" "$(why_of alice@example.test "$Q")" re-signed

# ---- an unlisted signer never takes a bundle from one who may vote ----
# carol (not in the allowlist) signs first; alice re-signs it later: a
# carol's credit would count for nobody, so alice's signature is credited
emit_to 6 "$T_WORK/r-carol"
cp -r "$T_WORK/r-carol" "$T_WORK/r-alice"
sign_as "$T_WORK/r-carol" carol@example.test carol "$SC2"
sleep 1
sign_as "$T_WORK/r-alice" alice@example.test alice "$SC"
R6=$(digest_of "$T_WORK/r-carol")
place "$T_WORK/r-carol" && place "$T_WORK/r-alice"
L
same "carol (unlisted, earlier) does not take the vote" "$(why_of carol@example.test "$R6")" re-signed
same "alice's signature of it counts (one vote for the bundle)" "$(why_of alice@example.test "$R6")" counts

t_end
