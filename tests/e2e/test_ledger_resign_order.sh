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
. "$(dirname "$0")/ledger_resigned.sh"
t_begin

resigned_start
SC2=${SC%.json}_rekor2.json
[ -f "$SC2" ] || {
	bad "the stack writes a Rekor v2 signing config" "$SC2"
	t_end
}

# ---- finding 07: the original at index 0 of the Rekor v2 log ----
twice_signed 4 "$T_WORK/p-bob" bob@example.test "$T_WORK/p-alice" alice@example.test "$SC2" "$SC"
same "bob's pointer has no rekorLogIndex (index 0 of the v2 log)" "$(index_of "$T_WORK/p-bob")" ""
P=$(digest_of "$T_WORK/p-bob")
same "alice's copy is the same artifact" "$(digest_of "$T_WORK/p-alice")" "$P"
place "$T_WORK/p-bob" && place "$T_WORK/p-alice"
L
expect_rc 0 "ledger --verify"
same "bob's run (v2 index 0, earlier) counts" "$(why_of bob@example.test "$P")" counts
same "alice's later re-signature (v1) is re-signed" "$(why_of alice@example.test "$P")" re-signed
rm -f "$root"/*/*/sha256-"${P#sha256:}".yaml

# ---- finding 06: the original in Rekor v1, the copy in the v2 log ----
twice_signed 5 "$T_WORK/q-bob" bob@example.test "$T_WORK/q-alice" alice@example.test "$SC" "$SC2"
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
expect_rc 0 "ledger --verify"
same "bob's run (v1, earlier) counts" "$(why_of bob@example.test "$Q")" counts
same "alice's later re-signature (v2, lower index) is re-signed" "$(why_of alice@example.test "$Q")" re-signed

# ---- an unlisted signer never takes a bundle from one who may vote ----
# carol (not in the allowlist) signs first; alice re-signs it later: a
# carol's credit would count for nobody, so alice's signature is credited
twice_signed 6 "$T_WORK/r-carol" carol@example.test "$T_WORK/r-alice" alice@example.test "$SC2" "$SC"
R6=$(digest_of "$T_WORK/r-carol")
place "$T_WORK/r-carol" && place "$T_WORK/r-alice"
L
expect_rc 0 "ledger --verify"
same "carol (unlisted, earlier) does not take the vote" "$(why_of carol@example.test "$R6")" re-signed
same "alice's signature of it counts (one vote for the bundle)" "$(why_of alice@example.test "$R6")" counts

t_end
