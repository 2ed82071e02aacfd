#!/usr/bin/env bash
# tests/e2e/test_ledger_verify.sh -- `ledger --verify` on a real signed
# ledger: bundles emitted, signed against the local Sigstore stack and
# pushed to a loopback docker-registry, then fetched by digest, verified
# against each pointer's claim and corroborated (issue 8).
#
#   alice (community) passes everything; bob (partner) fails one check;
#   carol (not listed) passes everything; dave signs his own bundle but his
#   pointer claims alice and sits under alice's slug (a squatter).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

signed_start "$T_WORK/svc" || t_end
root=$T_WORK/ledger/recipes/evidence
mkdir -p "$root"
signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-a" 1
signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-b" 2 k8s-version-constraint
signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-c" 3
signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-d" 4
signed_emit alice alice@example.test "$T_WORK/ctrf-a" "$root" || t_end
signed_emit bob bob@example.test "$T_WORK/ctrf-b" "$root" || t_end
signed_emit carol carol@example.test "$T_WORK/ctrf-c" "$root" || t_end
signed_emit dave dave@example.test "$T_WORK/ctrf-d" "$root" || t_end
# dave's pointer, rewritten to claim alice and moved under alice's slug.
sed -i 's/dave@example.test/alice@example.test/' "$SE_PTR"
squat_rel=$(ae pointer path "$SE_PTR" --root "")
mkdir -p "$root/$(dirname "$squat_rel")"
mv "$SE_PTR" "$root/$squat_rel"
rmdir "$(dirname "$SE_PTR")" 2>/dev/null
signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner"
ok "fixture: four signed, pushed bundles and an allowlist"

cache=$T_WORK/cache
run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$cache" --format json -o "$T_WORK/report.json"
expect_rc 0 "ledger --verify exits 0"
R=$T_WORK/report.json
jqt() { # FILTER what
	if jq -e "$1" "$R" >/dev/null 2>&1; then ok "$2"; else bad "$2" "jq: $1"; fi
}
jqt '.basis == "verified"' "the basis is verified signatures"
jqt '[.signers[] | select(.vote == "verified") | .class] | sort == ["community","partner","reported"]' \
	"alice, bob and carol are verified: community, partner, reported"
jqt '[.signers[] | select(.counts)] | length == 2' "only the two allowlisted verified signers vote"
jqt '[.recipes[0].pointers[] | select(.reason)] | length == 1' "exactly one pointer is not counted"
jqt '.recipes[0].pointers[] | select(.reason) | .reason | test("identity|signature")' \
	"the squatter is unverifiable: its certificate is not alice's"
jqt '.recipes[0].checks[] | select(.name == "gpu-operator-ready") | .state == "CONFIRMED" and .pass == 2 and .reported == 1' \
	"a check both allowlisted signers pass is CONFIRMED; carol is reported"
jqt '.recipes[0].checks[] | select(.name == "k8s-version-constraint") | .state == "CONTESTED" and .pass == 1 and .fail == 1' \
	"pass + fail is CONTESTED"
jqt '.recipes[0].checks[] | select(.name == "gpu-burn") | .state == "UNTESTED"' \
	"a check everybody skipped is UNTESTED"
jqt '.recipes[0].state == "CONTESTED"' "the recipe rolls up to CONTESTED"
jqt '.recipes[0].signers | map(.cell) | sort == ["fail","pass","pass","unverifiable"]' \
	"matrix cells: alice pass, bob fail, carol pass, the squat unverifiable"
if grep -q '@example.test' "$R"; then
	bad "no community or partner identity without --show-identities"
else
	ok "no community or partner identity without --show-identities"
fi

run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$cache" --format json --show-identities
if jq -e '[.signers[] | .identity // empty] | sort == ["alice@example.test","bob@example.test","carol@example.test"]' \
	"$T_OUT" >/dev/null; then
	ok "--show-identities shows verified certificate identities, never the squatter's claim"
else
	bad "--show-identities shows verified certificate identities, never the squatter's claim" "$(jq -c '[.signers[].identity]' "$T_OUT")"
fi

# Offline from the cache the first run filled: same verdicts, no registry.
reg_stop "$T_WORK/svc/registry"
run ledger --root "$root" --verify --trusted-root "$TR" --offline \
	--cache "$cache" --format json -o "$T_WORK/offline.json"
expect_rc 0 "ledger --verify --offline from the cache exits 0"
if jq -e --slurpfile a "$R" '.recipes[0].checks == $a[0].recipes[0].checks' \
	"$T_WORK/offline.json" >/dev/null; then
	ok "the offline run from the cache gives the same check states"
else
	bad "the offline run from the cache gives the same check states"
fi

# The trusted root is read and parsed once per run, not once per bundle
# (issue 17): four bundles verified, the --trusted-root file opened for
# the report's provenance and for the one trust set of the run, no more.
if command -v strace >/dev/null; then
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq \
		-e trace=openat -o "$T_WORK/st" "$AE_BIN" ledger --root "$root" \
		--verify --trusted-root "$TR" --offline --cache "$cache" \
		--format json -o "$T_WORK/st.json" >/dev/null 2>&1 </dev/null
	n=$(grep -F "\"$TR\"" "$T_WORK/st" | grep -vc ' = -1 ')
	if [ "$n" -le 2 ] && jq -e '([.signers[] | select(.vote == "verified")] | length) == 3' \
		"$T_WORK/st.json" >/dev/null; then
		ok "the trusted root is read once per run, not per bundle ($n opens for 4 bundles)"
	else
		bad "the trusted root is read once per run, not per bundle" "$n opens of $TR for 4 bundles"
	fi
else
	echo "SKIPPED -- strace missing: the trusted root read-once count (make deps)"
fi

# Without the stack's trusted root nothing verifies, so nothing votes.
run ledger --root "$root" --verify --offline --cache "$cache" --format json
if jq -e '([.signers[] | select(.vote == "verified")] | length) == 0
	and .recipes[0].state == "UNTESTED"' "$T_OUT" >/dev/null; then
	ok "bundles that do not verify against the trusted root never vote"
else
	bad "bundles that do not verify against the trusted root never vote"
fi

t_end
