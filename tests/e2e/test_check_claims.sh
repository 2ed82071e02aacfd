#!/usr/bin/env bash
# tests/e2e/test_check_claims.sh -- every pointer field the ledger and its
# consumers rely on must equal what was signed (issue 15, item 2).
#
# alice signs and pushes two runs with the local Sigstore stack: an older
# one that fails a check (never committed) and a newer one that passes
# (committed on main). The attacker commits the older run's bundle at
# alice's canonical path under a pointer that lies about it -- dated
# 2099, or carrying an unsigned legacy field. The signature, the signer,
# the digest and the recipe are all alice's: only binding the other fields
# to the signed predicate stops it. `check --verify-signatures` must refuse
# each lie; `ledger --verify` over a ledger where such a pointer slipped in
# (the old gate let it) must not let it speak for alice; `verify` of the
# pointer must call it invalid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
ALICE=alice@example.test
EVR=recipes/evidence

if ! signed_start "$T_WORK/s"; then bad "registry and Sigstore stack start"; t_end; fi
CACHE=$T_WORK/cache
R=$T_WORK/repo
git init -q -b main "$R"
mkdir -p "$R/$EVR"
signed_allowlist "$R/$EVR" "alice $ALICE community"

# The older, failing run: emitted, signed and pushed, never committed.
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-old" 1 k8s-version-constraint
SOURCE_DATE_EPOCH=1750000000 signed_emit old "$ALICE" "$T_WORK/c-old" "$T_WORK/unpublished" || t_end
OLD=$SE_PTR
OLD_REL=$EVR/${OLD#"$T_WORK/unpublished/"}
# The newer, passing run: committed on main.
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-new" 2
SOURCE_DATE_EPOCH=1760000000 signed_emit new "$ALICE" "$T_WORK/c-new" "$R/$EVR" || t_end
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm "alice's run"
grep -q 'attestedAt: 2025-06-15T15:06:40Z' "$OLD" && ok "the old run is signed as attested 2025-06-15T15:06:40Z" ||
	bad "old run's attestedAt" "$(grep attestedAt "$OLD")"

# pr EDIT: a PR that commits the old run's pointer, edited by the sed
# script EDIT, at alice's canonical path; runs the gate on it.
pr() {
	git -C "$R" checkout -q -B pr main
	mkdir -p "$R/$(dirname "$OLD_REL")"
	sed "$1" "$OLD" >"$R/$OLD_REL"
	git -C "$R" add -A
	git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm "the old run"
	run check --repo "$R" --base main --head pr --verify-signatures --trusted-root "$TR" \
		--registry-plain-http --cache "$CACHE"
}
refused() { # MESSAGE-RE WHAT
	if [ "$T_RC" -eq 1 ] && grep -qE "^$OLD_REL: .*$1" "$T_OUT"; then
		ok "$2"
	else
		bad "$2" "exit $T_RC: $(head -c 400 "$T_OUT") $(head -c 200 "$T_ERR")"
	fi
}

pr 's/^x//'
expect_rc 0 "the old run committed with its true date passes (it is alice's, and older)"

pr 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/'
refused 'signature check failed: .*attestedAt differs from the signed predicate' \
	"a pointer re-dated to 2099 is refused: attestedAt is bound to the signed predicate"
cp "$R/$OLD_REL" "$T_WORK/redated.yaml"

pr 's/attestedAt: .*/attestedAt: 2025-06-15T15:06:41Z/'
refused 'attestedAt differs from the signed predicate' "a pointer one second off is refused"

pr 's/attestedAt: .*/attestedAt: 1999-01-01T00:00:00Z/'
refused 'attestedAt differs from the signed predicate' "a pointer dated earlier than signed is refused"

pr 's/^recipe: \(.*\)/phaseSummary:\n  failed: 0\n  passed: 42\nrecipe: \1/'
refused 'unknown key "phaseSummary": a committed pointer holds only the fields of pointer V1' \
	"an unsigned legacy field (phaseSummary) is refused"
run check --repo "$R" --base main --head pr
refused 'unknown key "phaseSummary"' "... also without --verify-signatures (rule 3)"

pr 's/^\(    signer:\)/    logsBundle: ghcr.io\/x\/logs:1\n\1/'
refused 'unknown key "attestations\[0\]\.logsBundle"' "an unknown key inside the attestation entry is refused"

# ---- consumers: a re-dated pointer that an older gate let in ----
git -C "$R" checkout -q main
cp "$T_WORK/redated.yaml" "$R/$OLD_REL"
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm "slipped in"
run ledger --root "$R/$EVR" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$CACHE" --format json -o "$T_WORK/ledger.json"
expect_rc 0 "ledger --verify runs over the ledger with the re-dated pointer"
J=$T_WORK/ledger.json
if jq -e --arg p "${OLD_REL#"$EVR/"}" '.recipes[0].pointers[] | select(.path == $p) | .reason | test("attestedAt")' "$J" >/dev/null 2>&1; then
	ok "the re-dated pointer is unverifiable: its attestedAt is not what alice signed"
else
	bad "the re-dated pointer is unverifiable" "$(jq -c '.recipes[0].pointers' "$J" 2>/dev/null | head -c 400)"
fi
if jq -e '.recipes[0].checks[] | select(.name == "k8s-version-constraint") | .state == "SINGLE" and .fail == 0' "$J" >/dev/null 2>&1; then
	ok "alice speaks through her real latest run: the check she passed is SINGLE, not FAILING"
else
	bad "alice's latest run speaks" "$(jq -c '.recipes[0].checks[] | select(.name == "k8s-version-constraint")' "$J" 2>/dev/null)"
fi
run verify "$T_WORK/redated.yaml" --trusted-root "$TR" --registry-plain-http --cache "$CACHE"
expect_rc 2 "verify calls the re-dated pointer invalid"
expect_out 'attestedAt' "verify names the field"

t_end
