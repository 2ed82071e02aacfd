#!/usr/bin/env bash
# tests/e2e/test_check_allowlist_notes.sh -- every change a PR makes to the
# allowlist is noted for the reviewer (issue 15, item 4).
#
# The notes used to compare entries as printed, and printing cuts every
# value at 64 bytes: a change past byte 64 -- a first-party pattern widened
# from `...@refs/heads/.+$` to `...@.*$`, a long issuer or label edited at
# its end -- produced no note at all. Each variant below makes one such
# change and must get a note that names the field and shows both values
# where they differ; the check itself still passes (an allowlist change is
# a maintainer's decision, SPEC §5.1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

# pr NAME BASE HEAD: a repo whose main edits allowlist.yaml with BASE ("s":
# unchanged), then whose PR edits it with HEAD; runs the gate; sets $R.
pr() {
	R=$(lf_repo "$1")
	if [ "$2" != s ]; then
		lf_edit "$R/$EV/allowlist.yaml" "$2"
		lf_commit "$R" "base allowlist for $1"
	fi
	git -C "$R" checkout -q -b pr
	lf_edit "$R/$EV/allowlist.yaml" "$3"
	lf_commit "$R" "pr edits the allowlist"
	run check --repo "$R" --base main --head pr
}
noted() { # RE WHAT
	if [ "$T_RC" -eq 0 ] && grep -qE -- "^note: $EV/allowlist.yaml: $1" "$T_OUT"; then
		ok "$2"
	else
		bad "$2" "exit $T_RC: $(head -c 500 "$T_OUT")"
	fi
}
LONG_ISS=https://token.actions.githubusercontent.com/enterprise/acme-corporation-holdings
LONG_LABEL=acme-evidence-publisher-for-the-h100-eks-ubuntu-training-recipes-nightly

# ---- a first-party pattern widened after byte 64 ----
pr widen 's' 's.replace("@refs/heads/.+$", "@.*$")'
noted 'changes firstParty entry label "acme-uat" "identityPattern": \.\.\."[^"]*@refs/heads/\.\+\$" -> \.\.\."[^"]*@\.\*\$"' \
	"a pattern widened after byte 64 is noted with both values, where they part"

# ---- a long issuer changed at its end ----
pr issuer "s.replace('issuer: $ISS_OAUTH\n    source: $(lf_slug "$ISS_OAUTH" "$ID_ALICE")', 'issuer: ${LONG_ISS}-a\n    source: $(lf_slug "$ISS_OAUTH" "$ID_ALICE")')" \
	"s.replace('${LONG_ISS}-a', '${LONG_ISS}-b')"
noted 'changes community entry label "alice" "issuer": \.\.\."[^"]*-a" -> \.\.\."[^"]*-b"' \
	"an issuer changed past byte 64 is noted"

# ---- a long label changed at its end (the entry is matched by label, so
# the old one is removed and the new one added) ----
pr label "s.replace('label: bob', 'label: ${LONG_LABEL}-1')" "s.replace('${LONG_LABEL}-1', '${LONG_LABEL}-2')"
noted 'removes partner entry: label' "a label changed past byte 64: the old entry is noted as removed"
noted 'adds partner entry: label' "... and the new one as added"

# ---- a change inside the first 64 bytes names the field too ----
pr source 's' "s.replace('source: $(lf_slug "$ISS_OAUTH" "$ID_BOB")', 'source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")')"
noted "changes partner entry label \"bob\" \"source\": \"$(lf_slug "$ISS_OAUTH" "$ID_BOB")\" -> \"$(lf_slug "$ISS_OAUTH" "$ID_CAROL")\"" \
	"a swapped source is one note with the old and the new slug"

# ---- a field added to an entry ----
pr add-label "s.replace('  - label: alice\n    issuer:', '  - issuer:')" "s.replace('community:\n  - issuer:', 'community:\n  - label: alice\n    issuer:')"
noted 'adds community entry: label "alice"' "a label added to an unlabelled entry: the labelled entry is noted as added"
noted 'removes community entry: issuer' "... and the unlabelled one as removed"

# ---- quoting alone is no change ----
pr quoting 's' "s.replace('label: bob', 'label: \"bob\"')"
if [ "$T_RC" -eq 0 ] && ! grep -q '^note:' "$T_OUT"; then ok "re-quoting a value is no change and gets no note"; else bad "re-quoting is no change" "$(head -c 300 "$T_OUT")"; fi

t_end
