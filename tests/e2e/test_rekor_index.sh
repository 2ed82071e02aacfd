#!/usr/bin/env bash
# tests/e2e/test_rekor_index.sh -- one mapping from a pointer to a claim
# (issue 17): a pointer's signer.rekorLogIndex binds the same way through
# `check --verify-signatures`, `verify POINTER` and `ledger --verify`.
#
# Rekor log index 0 is a real index (the first entry of a log shard; the
# local stack's Rekor v2 log starts at 0, as Rekor v2 shards do). A pointer
# that claims 0 is bound to 0: it passes on the bundle at index 0 and fails
# on any other; a pointer without the key claims nothing. Before, every
# path read an explicit `rekorLogIndex: 0` as "absent", so a pointer
# claiming 0 passed on a bundle at index 5 (fails on 057e4cb).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
export SOURCE_DATE_EPOCH=1763650000
ALICE=alice@example.test
EVR=recipes/evidence

signed_start "$T_WORK/s" || t_end
# Rekor v2: the stack's v2 log starts at index 0.
SC=$STACK_DIR/signing_config_rekor2.json
CACHE=$T_WORK/cache

# index_of BUNDLE_DIR: the Rekor index of the bundle's first entry (proto3
# JSON omits a zero logIndex).
index_of() {
	jq -r '.verificationMaterial.tlogEntries[0].logIndex // "0"' \
		"$1/summary-bundle/attestation.intoto.jsonl"
}

# Bundle Z is the log's first entry (index 0); four blobs signed after it
# put bundle F at index 5.
signed_ctrf "$SE_EX/ctrf" "$T_WORK/cz" 1 || bad "ctrf copy"
signed_emit z "$ALICE" "$T_WORK/cz" "$T_WORK/rz" || t_end
Z_OUT=$SE_OUT Z_PTR=$SE_PTR
tok=$(se_token "$ALICE")
for i in 1 2 3 4; do
	echo "blob $i" >"$T_WORK/blob$i"
	run sigstore sign-bundle --bundle "$T_WORK/blob$i.json" --identity-token "$tok" \
		--signing-config "$SC" --trusted-root "$TR" "$T_WORK/blob$i"
	[ "$T_RC" -eq 0 ] || bad "blob $i signed" "exit $T_RC: $(head -c 300 "$T_ERR")"
done
signed_ctrf "$SE_EX/ctrf" "$T_WORK/cf" 2 || bad "ctrf copy"
signed_emit f "$ALICE" "$T_WORK/cf" "$T_WORK/rf" || t_end
F_OUT=$SE_OUT F_PTR=$SE_PTR
if [ "$(index_of "$Z_OUT")" = 0 ] && [ "$(index_of "$F_OUT")" = 5 ]; then
	ok "fixture: bundle Z at Rekor index 0, bundle F at index 5"
else
	bad "fixture: bundle Z at Rekor index 0, bundle F at index 5" \
		"Z $(index_of "$Z_OUT"), F $(index_of "$F_OUT")"
	t_end
fi
# The writer leaves index 0 out (reference §1.1: its verifier cannot bind
# a claim of 0), and writes any other index.
if ! grep -q rekorLogIndex "$Z_PTR" && grep -q 'rekorLogIndex: 5$' "$F_PTR"; then
	ok "the pointer of index 0 is written without the key, index 5 with it"
else
	bad "the pointer of index 0 is written without the key, index 5 with it" \
		"$(grep -h rekorLogIndex "$Z_PTR" "$F_PTR")"
fi

# with_index PTR INDEX: PTR with signer.rekorLogIndex INDEX ("" drops it).
with_index() {
	sed '/rekorLogIndex/d' "$1" | if [ -n "$2" ]; then
		sed "s|^\( *\)issuer: \(.*\)$|\1issuer: \2\n\1rekorLogIndex: $2|"
	else cat; fi
}

# case_all NAME PTR INDEX WANT: the pointer through the three commands;
# WANT is pass or fail, the same for each.
case_all() {
	local name=$1 src=$2 idx=$3 want=$4 rel repo root got_c got_v got_l
	rel=$(ae pointer path "$src" --root "$EVR")
	repo=$T_WORK/repo-$name
	rm -rf "$repo"
	git init -q -b main "$repo"
	mkdir -p "$repo/$EVR"
	signed_allowlist "$repo/$EVR" "alice $ALICE community"
	git -C "$repo" add -A && git -C "$repo" -c user.name=t -c user.email=t@example.test commit -qm base
	git -C "$repo" checkout -q -b pr
	mkdir -p "$repo/$(dirname "$rel")"
	with_index "$src" "$idx" >"$repo/$rel"
	if [ -n "$idx" ] && ! grep -q "^ *rekorLogIndex: $idx$" "$repo/$rel"; then
		bad "$name: fixture pointer claims $idx" "$(cat "$repo/$rel")"
		return
	fi
	git -C "$repo" add -A && git -C "$repo" -c user.name=t -c user.email=t@example.test commit -qm ptr

	run check --repo "$repo" --base main --verify-signatures --trusted-root "$TR" \
		--registry-plain-http --cache "$CACHE"
	case $T_RC in 0) got_c=pass ;; 1) got_c=fail ;; *) got_c="exit $T_RC" ;; esac
	[ "$got_c" = fail ] && ! grep -q "Rekor log index" "$T_OUT" && got_c="fail (not the index: $(head -c 200 "$T_OUT"))"

	run verify "$repo/$rel" --trusted-root "$TR" --registry-plain-http --cache "$CACHE" --format json
	case $T_RC in 0) got_v=pass ;; 2) got_v=fail ;; *) got_v="exit $T_RC" ;; esac
	[ "$got_v" = fail ] && ! grep -q "Rekor log index" "$T_OUT" && got_v="fail (not the index)"

	root=$repo/$EVR
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--cache "$CACHE" --format json
	if [ "$T_RC" -ne 0 ]; then
		got_l="exit $T_RC"
	elif jq -e '[.signers[] | select(.vote == "verified")] | length == 1' "$T_OUT" >/dev/null; then
		got_l=pass
	elif jq -e '[.recipes[].pointers[] | select(.reason)] | length == 1' "$T_OUT" >/dev/null; then
		got_l=fail
	else
		got_l="unclear"
	fi
	if [ "$got_c" = "$want" ] && [ "$got_v" = "$want" ] && [ "$got_l" = "$want" ]; then
		ok "$name: check, verify and ledger --verify all $want"
	else
		bad "$name: check, verify and ledger --verify all $want" \
			"check $got_c, verify $got_v, ledger $got_l"
	fi
}

case_all claim0-bundle0 "$Z_PTR" 0 pass
case_all claim0-bundle5 "$F_PTR" 0 fail
case_all none-bundle0 "$Z_PTR" "" pass
case_all none-bundle5 "$F_PTR" "" pass
case_all claim5-bundle5 "$F_PTR" 5 pass
case_all claim5-bundle0 "$Z_PTR" 5 fail
case_all claim1-bundle0 "$Z_PTR" 1 fail

# pointer show keeps an explicit 0 (the claim as read).
with_index "$F_PTR" 0 >"$T_WORK/p0.yaml"
run pointer show "$T_WORK/p0.yaml" --format json
if jq -e '.signer.rekorLogIndex == 0' "$T_OUT" >/dev/null 2>&1 ||
	jq -e '.. | objects | select(has("rekorLogIndex")) | .rekorLogIndex == 0' "$T_OUT" >/dev/null 2>&1; then
	ok "pointer show prints a claimed index 0"
else
	bad "pointer show prints a claimed index 0" "$(head -c 300 "$T_OUT")"
fi
run pointer show "$T_WORK/p0.yaml" --format yaml
expect_out "rekorLogIndex: 0$" "pointer show --format yaml keeps a claimed index 0"

t_end
