#!/usr/bin/env bash
# tests/e2e/test_ledger_offline_repos.sh -- the verify cache keeps the
# signatures of an artifact per repository (docs/oci.md "Pull and the
# cache"). The same bytes sit in alice's repository (her signature) and in
# bob's (his later re-signature): `ledger --verify --cache C --offline`
# after an online run gives the online verdicts -- alice counts, bob is
# re-signed. With one record per digest the repository pulled last (bob's)
# overwrote alice's: offline her pointer was unverifiable and bob's copy
# counted (review finding 09). A cache without this layout's records (an
# older build's) reads as "not in the cache", never as another repository's
# signatures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

root=$T_WORK/root
mkdir -p "$root"
signed_start "$T_WORK/svc" || t_end
signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner"

tokfor() {
	jwt_unsigned "{\"iss\":\"$SE_ISSUER\",\"aud\":\"sigstore\",\"sub\":\"$1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + 900))}"
}
sign_as() {
	local ref
	run sign "$1" --ref "$REG_HOST/evidence/$3" --identity-token "$(tokfor "$2")" \
		--signing-config "$SC" --trusted-root "$TR" --yes
	expect_rc 0 "$2 signs $(basename "$1")"
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/pointer.yaml")
	run push "$1" --to "$ref" --registry-plain-http
	expect_rc 0 "and pushes it to evidence/$3"
}
place() {
	local rel
	rel=$(ae pointer path "$1/pointer.yaml" --root "") || return 1
	mkdir -p "$root/$(dirname "$rel")"
	cp "$1/pointer.yaml" "$root/$rel"
}
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
whys() { jq -r '[.signers[] as $s | .recipes[].pointers[] | select(.signer==$s.id) | "\($s.label)=\(.why)"] | sort | join(" ")' "$T_OUT"; }
L() {
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--cache "$1" --format json "${@:2}"
}

signed_ctrf "$SE_EX/ctrf" "$T_WORK/c" 4 || t_end
SOURCE_DATE_EPOCH=1764000050 run emit --recipe "$SE_EX/recipe.yaml" \
	--snapshot "$SE_EX/snapshot.yaml" --ctrf "$T_WORK/c" -o "$T_WORK/a"
expect_rc 0 "one bundle, unsigned"
cp -r "$T_WORK/a" "$T_WORK/b"
sign_as "$T_WORK/a" alice@example.test alice
sleep 1
sign_as "$T_WORK/b" bob@example.test bob
place "$T_WORK/a" && place "$T_WORK/b"

C=$T_WORK/cache
L "$C"
expect_rc 0 "ledger --verify online, filling the cache"
on=$(whys)
same "online: alice's run counts, bob's later copy is re-signed" "$on" "alice=counts bob=re-signed"
L "$C" --offline
expect_rc 0 "ledger --verify --offline over that cache"
same "offline: the same verdicts" "$(whys)" "$on"
L "$C" --offline --jobs 1
same "offline, one job: the same verdicts" "$(whys)" "$on"

# one record per repository and artifact, none in the old per-digest place
n=$(find "$C/referrers/by-repo" -type f | wc -l)
same "a referrers record per repository" "$n" 2
same "no per-digest record" "$(find "$C/referrers" -path '*/referrers/sha256/*' -type f | wc -l)" 0

# an older build's cache: its per-digest record (bob's signature, the
# repository pulled last) is never read; without this layout's records the
# signatures are not in the cache, which is not another repository's
D=${T_WORK}/old-cache
cp -r "$C" "$D"
hex=$(sed -n 's/^ *digest: *sha256://p' "$T_WORK/a/pointer.yaml")
mkdir -p "$D/referrers/sha256"
cat "$C"/referrers/by-repo/* | sort -u >"$D/referrers/sha256/$hex"
rm -f "$D"/referrers/by-repo/*
L "$D" --offline
expect_rc 0 "ledger --verify --offline over an old-layout cache"
same "neither run is credited from an old record" \
	"$(whys)" "alice=unverifiable bob=unverifiable"
reasons=$(jq -r '[.recipes[].pointers[].reason // empty] | join("; ")' "$T_OUT")
case "$reasons" in
*"signatures of"*"not in the cache"*) ok "the reason says the signatures are not in the cache" ;;
*) bad "the reason says the signatures are not in the cache" "$reasons" ;;
esac

# pull --offline of each repository's reference puts its own signature in place
for who in alice bob; do
	d=$(sed -n 's/^ *digest: *//p' "$T_WORK/a/pointer.yaml")
	run pull "$REG_HOST/evidence/$who@$d" --cache "$C" --offline --to "$T_WORK/pulled-$who"
	expect_rc 0 "pull --offline $who's reference"
done
att() { find "$1" -name attestation.intoto.jsonl | head -n 1; }
if [ -n "$(att "$T_WORK/a")" ] && cmp -s "$(att "$T_WORK/pulled-alice")" "$(att "$T_WORK/a")" &&
	cmp -s "$(att "$T_WORK/pulled-bob")" "$(att "$T_WORK/b")"; then
	ok "each offline pull has its repository's signature"
else
	bad "each offline pull has its repository's signature" "$(ls "$T_WORK"/pulled-*)"
fi

t_end
