#!/usr/bin/env bash
# tests/e2e/test_attack_ledger2.sh -- a third outside review's attacks on the
# consumers' ledger ("One bundle, one vote", --ingest*, --cache, --jobs) and
# on the merge gate's handling of a PR's own allowlist, that the tool held
# (the binary, the docs, a real registry, the local Sigstore stack, git
# repositories built with the git CLI, a hostile registry of our own:
# atk_tagreg.py). Every check is named after its attack.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_WORK
signed_start "$W/svc" || t_end
SC2=${SC%.json}_rekor2.json
K=k8s-version-constraint
root=$W/root
mkdir -p "$root"
signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner"
sed -i "s|^firstParty: \[\]\$|firstParty:\n  - label: ci\n    issuer: $SE_ISSUER\n    identityPattern: '^ci@example\\\\.test\$'|" "$root/allowlist.yaml"
run allowlist check "$root/allowlist.yaml"
expect_rc 0 "setup: the allowlist (ci first-party, alice community, bob partner)"

# sign_as DIR EMAIL REPO [SIGNING_CONFIG]: sign DIR's bundle and push it
sign_as() {
	local ref
	run sign "$1" --ref "$REG_HOST/evidence/$3" --identity-token "$(se_token "$2")" \
		--signing-config "${4:-$SC}" --trusted-root "$TR" --yes
	[ "$T_RC" -eq 0 ] || { bad "setup: $2 signs $(basename "$1")" "exit $T_RC"; return 1; }
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/pointer.yaml")
	run push "$1" --to "$ref" --registry-plain-http
	[ "$T_RC" -eq 0 ] || { bad "setup: push $(basename "$1")" "exit $T_RC"; return 1; }
}
# emit_one TWEAK OUT [FAIL_TEST]: an unsigned bundle of its own digest
emit_one() {
	signed_ctrf "$SE_EX/ctrf" "$W/c-$1" "$1" "${3:-}" || return 1
	SOURCE_DATE_EPOCH=1764000050 run emit --recipe "$SE_EX/recipe.yaml" \
		--snapshot "$SE_EX/snapshot.yaml" --ctrf "$W/c-$1" -o "$2"
	[ "$T_RC" -eq 0 ] || { bad "setup: emit $2" "exit $T_RC"; return 1; }
}
place() { # DIR [ROOT]: its pointer at its canonical place
	local rel r=${2:-$root}
	rel=$(ae pointer path "$1/pointer.yaml" --root "") || return 1
	mkdir -p "$r/$(dirname "$rel")"
	cp "$1/pointer.yaml" "$r/$rel"
	PLACED=$r/$rel
}
digest_of() { sed -n 's/^ *digest: *//p' "$1/pointer.yaml"; }
L() {
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--format json "$@"
}
# whys DIGEST: "label=why ..." of every run of that bundle, sorted
whys() {
	jq -r --arg d "$1" '[.signers[] as $s | .recipes[].pointers[]
		| select(.signer==$s.id and .digest==$d) | "\($s.label // $s.slug)=\(.why)"]
		| sort | join(" ")' "$T_OUT"
}

# ---- bob's run (Rekor v1), alice's later re-signature through Rekor v2 ----
# (her entry is index 0 of the v2 log: her pointer carries no index)
emit_one 4 "$W/y-bob" "$K" || t_end
cp -r "$W/y-bob" "$W/y-alice"
sign_as "$W/y-bob" bob@example.test bob || t_end
# a copy is made after the original is published: verified times are whole
# seconds, and two signatures in one second of two logs are ordered by log
# id (docs/ledger.md "One bundle, one vote")
sleep 2
sign_as "$W/y-alice" alice@example.test alice "$SC2" || t_end
Y=$(digest_of "$W/y-bob")
place "$W/y-bob"
place "$W/y-alice"
AP=$PLACED
L
expect_rc 0 "ledger --verify: bob's run and alice's Rekor-v2 re-signature at v2 index 0"
same "re-signature through another Rekor log (index 0, no pointer index) stays re-signed" \
	"$(whys "$Y")" "alice=re-signed bob=counts"

# ---- alice's pointer forging a Rekor index to sort before bob ----
BI=$(sed -n 's/.*rekorLogIndex: //p' "$W/y-bob/pointer.yaml")
for v in 1 "$BI" "$((BI - 1))"; do
	sed "/bundle:/,\$ s/^\(      identity: alice@example.test\)\$/\1\n      rekorLogIndex: $v/" \
		"$W/y-alice/pointer.yaml" | sed '/rekorLogIndex: .*$/{n;/rekorLogIndex/d}' >"$AP"
	grep -q "rekorLogIndex: $v\$" "$AP" || { bad "setup: alice's pointer claims index $v"; continue; }
	L
	same "re-signer's pointer claiming rekorLogIndex $v (below the original's): unverifiable, bob keeps the vote" \
		"$(whys "$Y")" "alice=unverifiable bob=counts"
done
for v in '"1"' 01 -1 1e3 0x1; do
	sed "s/^\(      identity: alice@example.test\)\$/\1\n      rekorLogIndex: $v/" "$W/y-alice/pointer.yaml" >"$AP"
	L
	same "re-signer's pointer with rekorLogIndex spelled $v: unverifiable, bob keeps the vote" \
		"$(jq -r --arg p "$AP" '[.recipes[].pointers[] | select(.path==$p or (.path|endswith($p|split("/")|.[-3:]|join("/")))) | .why] | join(",")' "$T_OUT") $(whys "$Y")" \
		"unverifiable bob=counts"
done
cp "$W/y-alice/pointer.yaml" "$AP"

# ---- both in Rekor v1: alice's later index, with and without the key ----
emit_one 5 "$W/z-bob" "$K" || t_end
cp -r "$W/z-bob" "$W/z-alice"
sign_as "$W/z-bob" bob@example.test bob || t_end
sign_as "$W/z-alice" alice@example.test alice || t_end
Z=$(digest_of "$W/z-bob")
place "$W/z-bob"
place "$W/z-alice"
ZP=$PLACED
L
same "re-signature in the same log (a later index) is re-signed" "$(whys "$Z")" "alice=re-signed bob=counts"
sed -i '/rekorLogIndex/d' "$ZP"
L
same "re-signer dropping rekorLogIndex from her pointer stays re-signed" "$(whys "$Z")" "alice=re-signed bob=counts"

# ---- a shared cache (mode 1777): another user's directory at the referrer record ----
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
	# outside T_WORK (0700): the co-tenant must reach it
	SH=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-shared-cache-XXXXXX")
	t_cleanup "rm -rf '$SH'"
	chmod 1777 "$SH"
	# the records are one per repository (referrers/by-repo/<SHA-256 of
	# "REPO@DIGEST">, docs/oci.md): a directory at each of both; the old
	# per-digest place too, which is never read
	for repo in evidence/alice evidence/bob; do
		key=$(printf '%s@%s' "$repo" "$Y" | sha256sum | cut -d' ' -f1)
		runuser -u nobody -- mkdir -p "$SH/referrers/by-repo/$key"
	done
	runuser -u nobody -- mkdir -p "$SH/referrers/sha256/${Y#sha256:}"
	L --cache "$SH"
	same "online, a co-tenant's directory at the referrer record of bob's bundle changes no verdict" \
		"$(whys "$Y")" "alice=re-signed bob=counts"
	L --cache "$SH" --offline
	same "  offline it leaves both runs unverifiable (a cache fault), credits nobody" \
		"$(whys "$Y")" "alice=unverifiable bob=unverifiable"
	expect_out 'not a regular file' "  and the reason names the cache entry"
else
	echo "test_attack_ledger2: SKIPPED the shared-cache case -- needs root and runuser (another uid)"
fi

# ---- several runs at once: --jobs races ----
L --jobs 1
ref=$(jq -c '[.recipes[].pointers[] | [.digest, .signer, .why]] | sort' "$T_OUT")
diff=0
for _ in 1 2 3 4 5 6 7 8; do
	L --jobs 8 --cache "$W/jcache"
	[ "$(jq -c '[.recipes[].pointers[] | [.digest, .signer, .why]] | sort' "$T_OUT")" = "$ref" ] || diff=$((diff + 1))
done
same "--jobs 8 (8 runs, a shared cache) credits each bundle as --jobs 1 does" "$diff" 0

# ---- the first party's bundle in two of its repositories, ingested twice ----
emit_one 6 "$W/ci" "$K" || t_end
cp -r "$W/ci" "$W/ci2"
sign_as "$W/ci" ci@example.test ci || t_end
sign_as "$W/ci2" ci@example.test ci2 || t_end
X=$(digest_of "$W/ci")
L --ingest "$REG_HOST/evidence/ci@$X" --ingest "$REG_HOST/evidence/ci2@$X" --jobs 4
same "one first-party bundle ingested from two repositories is one run" "$(whys "$X")" "ci=counts"

# ---- a re-signer ingesting her copy of the first party's bundle ----
cp -r "$W/ci" "$W/ci-alice"
rm -f "$W/ci-alice/summary-bundle/attestation.intoto.jsonl"
if [ -d "$W/ci-alice/summary-bundle" ]; then
	# the unsigned bytes again: emit anew from the same inputs (same digest)
	rm -rf "$W/ci-alice"
	SOURCE_DATE_EPOCH=1764000050 run emit --recipe "$SE_EX/recipe.yaml" \
		--snapshot "$SE_EX/snapshot.yaml" --ctrf "$W/c-6" -o "$W/ci-alice"
fi
sign_as "$W/ci-alice" alice@example.test alice-ci || t_end
same "setup: alice's copy of the first party's bundle has its digest" "$(digest_of "$W/ci-alice")" "$X"
L --ingest "$REG_HOST/evidence/alice-ci@$X"
same "a non-first-party signature ingested alone is not-first-party" "$(whys "$X")" "alice=not-first-party"
place "$W/ci-alice"
L --ingest "$REG_HOST/evidence/alice-ci@$X" --ingest "$REG_HOST/evidence/ci@$X"
same "her pointer + her copy ingested before the first party's: the first party counts, she never does" \
	"$(whys "$X" | tr ' ' '\n' | sort -u | tr '\n' ' ')" "alice=re-signed ci=counts "
rm -f "$PLACED"

# ---- hostile --ingest references: refused before any I/O ----
H=$(printf 'a%.0s' $(seq 64))
for r in "$REG_HOST/../x@sha256:$H" "$REG_HOST/x@sha256:${H:0:63}" "$REG_HOST/x@sha256:${H^^}" \
	"$REG_HOST/X@sha256:$H" "$REG_HOST/x@sha512:$H$H" "$REG_HOST/x@sha256:$H#" \
	"$REG_HOST/x%2f..@sha256:$H" "http://$REG_HOST/x@sha256:$H" "$REG_HOST/x@sha256:$H/../y" \
	"-x@sha256:$H" "user:pw@$REG_HOST/x@sha256:$H" "$REG_HOST/x@sha256:$H
evil"; do
	L --ingest "$r"
	expect_rc 64 "--ingest '$(printf '%s' "$r" | tr '\n' '|' | cut -c1-60)': usage error"
done
printf '%s\n' "# c" "" "$REG_HOST/x@sha256:$H" "$REG_HOST/y:tag" >"$W/ingest.txt"
L --ingest-file "$W/ingest.txt"
expect_rc 2 "--ingest-file with a tag-only line: an error naming the line"
expect_err 'ingest.txt.*4' "and the message names file and line 4"

# ---- the feed's output directory prepared by someone else ----
mkdir -p "$W/victim" "$W/feed-a" "$W/feed-b/series"
printf '{"recipe":"gone-recipe","rows":[],"builds":{}}\n' >"$W/victim/gone-recipe.json"
cp "$W/victim/gone-recipe.json" "$W/victim.bak"
ln -s "$W/victim" "$W/feed-a/series"
L --format feed -o "$W/feed-a"
expect_rc 2 "feed -o DIR whose series/ is a symlink to another directory: refused"
cmp -s "$W/victim/gone-recipe.json" "$W/victim.bak" && [ "$(ls "$W/victim" | wc -l)" = 1 ] &&
	ok "  nothing written or removed through it" || bad "  the victim directory changed"
ln -s "$W/victim/gone-recipe.json" "$W/feed-b/series/gone-recipe.json"
ln -s "$W/victim/index.json" "$W/feed-b/index.json"
L --format feed -o "$W/feed-b"
expect_rc 2 "feed -o DIR whose index.json is a symlink: refused"
cmp -s "$W/victim/gone-recipe.json" "$W/victim.bak" && [ ! -e "$W/victim/index.json" ] &&
	ok "  a stale series symlinked to a series-shaped victim file is not removed through, index.json not written through" ||
	bad "  a file was written or removed through a symlink"

# ---- --ingest-file past its caps ----
for _ in $(seq 10001); do echo "$REG_HOST/x@sha256:$H"; done >"$W/ingest-many.txt"
L --ingest-file "$W/ingest-many.txt"
expect_rc 2 "--ingest-file with 10,001 references: refused (cap 10,000)"
{ printf '# %0.s' $(seq 1); head -c $((1 << 20)) /dev/zero | tr '\0' x; echo; } >"$W/ingest-big.txt"
L --ingest-file "$W/ingest-big.txt"
expect_rc 2 "--ingest-file past 1 MiB: refused"
mkfifo "$W/ingest.fifo"
s=$(date +%s)
L --ingest-file "$W/ingest.fifo"
[ "$T_RC" -ne 0 ] && [ $(($(date +%s) - s)) -lt 10 ] && ok "--ingest-file a FIFO nobody writes: refused without blocking (exit $T_RC)" ||
	bad "--ingest-file a FIFO" "exit $T_RC"

# ---- --ingest-repo against a hostile registry's tag listing ----
for m in loop names huge big endless otherhost; do
	P=$(free_port)
	: >"$W/tag-$m.log"
	python3 "$HERE/atk_tagreg.py" "$P" "$m" "$W/tag-$m.log" >/dev/null 2>&1 &
	TP=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P/v2/" && break; sleep 0.1; done
	s=$(date +%s)
	L --ingest-repo "127.0.0.1:$P/r" --timeout 30
	e=$(($(date +%s) - s))
	kill "$TP" 2>/dev/null
	wait "$TP" 2>/dev/null
	n=$(wc -l <"$W/tag-$m.log")
	if [ "$e" -lt 25 ] && [ "$n" -lt 200 ] && { [ "$T_RC" -ne 0 ] || [ "$m" = loop ] || [ "$m" = otherhost ]; }; then
		ok "--ingest-repo, tag listing '$m': bounded (exit $T_RC, ${e}s, $n requests)"
	else
		bad "--ingest-repo, tag listing '$m': bounded" "exit $T_RC, ${e}s, $n requests"
	fi
	grep -q '^127.0.0.2 ' "$W/tag-$m.log" && bad "--ingest-repo '$m': followed a page to another host"
done
[ -z "$(jq -r '[.recipes[].pointers[] | select(.origin=="ingest")] | length | select(. > 0)' "$T_OUT" 2>/dev/null)" ] &&
	ok "--ingest-repo with a next page on another host ingests nothing from it" ||
	bad "--ingest-repo with a next page on another host ingests nothing from it"

t_end
