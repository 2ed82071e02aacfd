#!/usr/bin/env bash
# tests/e2e/test_check_allowlist_trusted.sh -- `check --allowlist FILE`
# (the trusted base's copy, what the workflow passes with
# TRUST_BASE_ALLOWLIST "true") still holds the allowlist that would land to
# every rule (SPEC §5 rule 3; threat model #27-#29).
#
# The flag used to replace the head's allowlist.yaml outright: it was read
# only for the reviewer's notes and never validated, so a PR that left a
# cleartext `identity:`, an unanchored `.*` first-party pattern, a YAML
# syntax error or an alias in it passed (exit 0) where the same PR without
# the flag exits 2 -- and, once merged, broke every later check. The notes
# misled too: a described entry left out its `identity`, and a head that
# did not parse read as "removes ..." every entry. Each case below must
# exit as it does without the flag; the trust decision still uses FILE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

# pr NAME CMD: a repo whose branch pr runs the shell command CMD in the
# work tree and commits; $TRUSTED is main's allowlist; sets $R.
pr() {
	R=$(lf_repo "$1")
	TRUSTED=$T_WORK/$1-trusted.yaml
	git -C "$R" show main:"$EV/allowlist.yaml" >"$TRUSTED"
	git -C "$R" checkout -q -b pr
	(cd "$R" && eval "$2")
	lf_commit "$R" "pr: $1"
}
# refused WHAT ERE [ARGS...]: the check with --allowlist (and ARGS, default
# --base main --head pr) exits 2 naming the cause (ERE on stderr), and
# exits as the check without the flag does.
refused() {
	local what=$1 re=$2 rc_plain
	shift 2
	[ $# -gt 0 ] || set -- --base main --head pr
	run check --repo "$R" "$@"
	rc_plain=$T_RC
	run check --repo "$R" "$@" --allowlist "$TRUSTED"
	if [ "$T_RC" -eq 2 ] && [ "$rc_plain" -eq 2 ] && grep -qE -- "$re" "$T_ERR"; then
		ok "--allowlist: $what exits 2 as without the flag"
	else
		bad "--allowlist: $what exits 2 as without the flag" \
			"exit $T_RC (without the flag $rc_plain), stderr: $(head -c 300 "$T_ERR")"
	fi
	if grep -q '^note:.*removes' "$T_OUT"; then
		bad "--allowlist: $what is not shown as removals" "$(head -c 300 "$T_OUT")"
	fi
}
AL=$EV/allowlist.yaml

# ---- the finding's three cases ----
pr identity "lf_edit $AL \"s.replace('partner:\n', 'partner:\n  - label: mal\n    issuer: $ISS_OAUTH\n    identity: $ID_MALLORY\n')\""
refused "a cleartext identity entry" "invalid allowlist.*cleartext 'identity'"
pr wildcard "lf_edit $AL \"s.replace('firstParty:\n', 'firstParty:\n  - label: any\n    issuer: $ISS_GHA\n    identityPattern: .*\n')\""
refused "an unanchored .* first-party pattern" 'invalid allowlist'
pr syntax "echo 'garbage: [' >>$AL"
refused "a YAML syntax error" 'invalid allowlist'

# ---- other ways of leaving an invalid allowlist ----
pr alias "lf_edit $AL \"s.replace('partner:\n  - label: bob\n    issuer: $ISS_OAUTH', 'partner:\n  - label: bob\n    issuer: &i $ISS_OAUTH\n  - label: eve\n    issuer: *i\n    source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")')\""
refused "a YAML alias" 'invalid allowlist'
pr merge-key "lf_edit $AL \"s.replace('  - label: bob\n', '  - <<: {label: bob}\n')\""
refused "a merge key" 'invalid allowlist'
pr unknown-key "echo 'extra: 1' >>$AL"
refused "an unknown top-level key" 'invalid allowlist'
pr no-version "lf_edit $AL \"s.replace('schemaVersion: \\\"1.0.0\\\"\n', '')\""
refused "a missing schemaVersion" 'invalid allowlist'
pr dup-label "lf_edit $AL \"s.replace('partner:\n', 'partner:\n  - label: bob\n    issuer: $ISS_OAUTH\n    source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")\n')\""
refused "a duplicate label" 'invalid allowlist'
pr too-big "python3 -c 'import sys; open(sys.argv[1], \"a\").write(\"#\" * (1 << 20) + \"\n\")' $AL"
refused "an allowlist over the 1 MiB cap" 'allowlist'
pr exec "chmod +x $AL"
refused "an executable allowlist" 'mode 100755'
pr symlink "rm $AL && ln -s /etc/passwd $AL"
refused "an allowlist turned into a symlink" 'not a regular file'
# a deletion is a proven violation with the flag (the trusted copy decides
# the rest): exit 1, never a pass; without the flag the check cannot decide
pr deleted "git rm -q $AL"
run check --repo "$R" --base main --head pr --allowlist "$TRUSTED"
expect_rc 1 "--allowlist: a deleted allowlist is refused"
expect_out "^$AL: the allowlist must not be deleted" "... as a deletion"
run check --repo "$R" --base main --head pr
expect_rc 2 "... and exits 2 without the flag"
# an audit of a tree without one: nothing reports a deletion
refused "an audit of a tree without allowlist.yaml" 'no allowlist.yaml' --root "$EV"

# ---- the merge result is what is judged: main moves on, the PR breaks it ----
pr three-way "echo 'garbage: [' >>$AL"
git -C "$R" checkout -q main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex main-later)" >/dev/null
lf_commit "$R" "main moves on"
refused "an invalid allowlist in a three-way merge" 'invalid allowlist'

# ---- an audit (no --base) of a tree with an invalid allowlist ----
pr audit "echo 'garbage: [' >>$AL"
refused "an invalid allowlist in an audit" 'invalid allowlist' --root "$EV"

# ---- the trust decision still uses FILE: a valid self-onboarding is
# refused, and the note shows the entry whole ----
pr onboard "lf_edit $AL \"s.replace('partner:\n', 'partner:\n  - label: carol\n    issuer: $ISS_OAUTH\n    source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")\n')\" && lf_add . $RECIPE $ISS_OAUTH $ID_CAROL $(lf_hex carol) >/dev/null"
run check --repo "$R" --base main --head pr --allowlist "$TRUSTED"
expect_rc 1 "--allowlist: a valid PR allowlist does not vouch for its own signer"
expect_out "is not in the allowlist" "... the pointer is judged by FILE"
expect_out "^note: $AL: adds partner entry: label \"carol\", issuer \"$ISS_OAUTH\", source \"$(lf_slug "$ISS_OAUTH" "$ID_CAROL")\"$" \
	"... and the note names every field of the added entry"

# ---- a PR that repairs a damaged target: notes describe faithfully ----
R=$(lf_repo repair-identity)
lf_edit "$R/$AL" "s.replace('partner:\n', 'partner:\n  - label: mal\n    issuer: $ISS_OAUTH\n    identity: $ID_MALLORY\n')"
lf_commit "$R" "damaged target"
git -C "$R" checkout -q -b pr
lf_allowlist >"$R/$AL"
lf_commit "$R" "pr repairs the allowlist"
run check --repo "$R" --base main --head pr
expect_rc 0 "a PR that removes a cleartext identity entry passes"
expect_out "^note: $AL: removes partner entry: label \"mal\", issuer \"$ISS_OAUTH\", \"identity\" \"$ID_MALLORY\"$" \
	"... and the removal note shows the entry's identity too"

R=$(lf_repo repair-syntax)
echo 'garbage: [' >>"$R/$AL"
lf_commit "$R" "damaged target"
git -C "$R" checkout -q -b pr
lf_allowlist >"$R/$AL"
lf_commit "$R" "pr repairs the allowlist"
run check --repo "$R" --base main --head pr
expect_rc 0 "a PR that repairs a target allowlist that does not parse passes"
expect_out "^note: $AL: the target's allowlist.yaml cannot be read" \
	"... and the notes say the target's copy does not parse"

t_end
