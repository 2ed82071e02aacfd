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
. "$(dirname "$0")/ledger_resigned.sh"
t_begin

resigned_start
whys() { jq -r '[.signers[] as $s | .recipes[].pointers[] | select(.signer==$s.id) | "\($s.label)=\(.why)"] | sort | join(" ")' "$T_OUT"; }

twice_signed 4 "$T_WORK/a" alice@example.test "$T_WORK/b" bob@example.test
place "$T_WORK/a" && place "$T_WORK/b"

C=$T_WORK/cache
L
expect_rc 0 "ledger --verify online, filling the cache"
on=$(whys)
same "online: alice's run counts, bob's later copy is re-signed" "$on" "alice=counts bob=re-signed"
L --offline
expect_rc 0 "ledger --verify --offline over that cache"
same "offline: the same verdicts" "$(whys)" "$on"
L --offline --jobs 1
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
hex=$(digest_of "$T_WORK/a")
hex=${hex#sha256:}
mkdir -p "$D/referrers/sha256"
cat "$C"/referrers/by-repo/* | sort -u >"$D/referrers/sha256/$hex"
rm -f "$D"/referrers/by-repo/*
LEDGER_CACHE=$D L --offline
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
	run pull "$REG_HOST/evidence/$who@$(digest_of "$T_WORK/a")" --cache "$C" --offline --to "$T_WORK/pulled-$who"
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
