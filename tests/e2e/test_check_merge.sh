#!/usr/bin/env bash
# tests/e2e/test_check_merge.sh -- the gate judges what the merge does
# (issue 15, items 1 and 7).
#
# Item 1: with criss-cross history head and the target's tip have several
# best merge bases, and `git merge` merges from a virtual base built from
# all of them. A pointer that only one base holds is deleted (or changed)
# by the real merge, while a diff from the single base `git merge-base`
# picks shows nothing. Each scenario below first proves with a real
# `git merge` that the merge damages the ledger, then runs the gate as CI
# runs it (`--base` = the target's tip): it must refuse. Both orientations
# of every history are built, so whichever base a one-base diff would pick,
# one of them escapes it.
#
# Item 7: a signer delisted on the target after the PR branched must not
# pass on the PR's stale allowlist: allowlisting is judged against the
# allowlist as it will be after the merge.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")

in_repo() {
	local here=$PWD
	cd "$R" || return
	run "$@"
	cd "$here" || return
}
expect_problem() { # PATH-RE MESSAGE-RE WHAT
	if [ "$T_RC" -ne 1 ]; then
		bad "$3" "exit $T_RC, want 1: $(head -c 300 "$T_OUT")"
	elif grep -qE -- "^$1: .*$2" "$T_OUT"; then
		ok "$3"
	else
		bad "$3" "no line /^$1: .*$2/ in: $(head -c 400 "$T_OUT")"
	fi
}
commit_on() { # BRANCH MSG: commit the work tree on BRANCH
	git -C "$R" checkout -q "$1"
	lf_commit "$R" "$2"
}
# real_merge PATH: merges pr into a scratch copy of main with git itself
# and prints what the merge left at PATH: "deleted", "modified" or
# "unchanged".
real_merge() {
	local wt=$T_WORK/wt-$RANDOM
	git -C "$R" worktree add -q --detach "$wt" main
	git -C "$wt" -c user.name=t -c user.email=t@example.com merge -q --no-edit pr >/dev/null 2>&1
	if [ ! -e "$wt/$1" ]; then
		echo deleted
	elif git -C "$R" show "main:$1" | cmp -s - "$wt/$1"; then
		echo unchanged
	else
		echo modified
	fi
	git -C "$R" worktree remove --force "$wt"
}
merge_bases() { git -C "$R" merge-base --all main pr | wc -l; }

# crisscross NAME WHERE DAMAGE: the target (main) and a side branch each add
# a pointer after the base; main merges side; the PR starts on side, adds
# a pointer of its own and merges main with an "evil" resolution that
# drops (DAMAGE=delete) or edits (DAMAGE=modify) the pointer X added on
# WHERE (main or side). Bases of main and pr: {main's, side's} commits.
crisscross() {
	local name=$1 where=$2 damage=$3 other
	R=$(lf_repo "$name")
	X="$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex "x-$name").yaml"
	git -C "$R" checkout -q -b side
	other=main
	[ "$where" = side ] && other=side
	git -C "$R" checkout -q "$where"
	lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "x-$name")" >/dev/null
	lf_commit "$R" "X on $where"
	[ "$where" = main ] && other=side || other=main
	git -C "$R" checkout -q "$other"
	lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex "y-$name")" >/dev/null
	lf_commit "$R" "Y on $other"
	git -C "$R" checkout -q main
	git -C "$R" merge -q --no-edit side
	git -C "$R" checkout -q -b pr side
	lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "pr-$name")" >/dev/null
	lf_commit "$R" "pr adds its own pointer"
	git -C "$R" merge -q --no-commit "$(git -C "$R" rev-parse 'main^1')" 2>/dev/null
	if [ "$damage" = delete ]; then
		git -C "$R" rm -qf "$X"
	else
		sed -i 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' "$R/$X"
		git -C "$R" add "$X"
	fi
	git -C "$R" -c user.name=t -c user.email=t@example.com commit -q --no-edit
}

# ---- item 1: criss-cross, two merge bases, both orientations ----
for where in main side; do
	for damage in delete modify; do
		crisscross "cc-$where-$damage" "$where" "$damage"
		[ "$(merge_bases)" = 2 ] && ok "cc-$where-$damage: main and pr have two merge bases" ||
			bad "cc-$where-$damage: two merge bases" "$(merge_bases)"
		want=deleted
		[ "$damage" = modify ] && want=modified
		got=$(real_merge "$X")
		[ "$got" = "$want" ] && ok "cc-$where-$damage: git merge really leaves the pointer $want" ||
			bad "cc-$where-$damage: git merge leaves the pointer $want" "got $got"
		in_repo check --base main --head pr
		expect_problem "$X" "add-only\\): existing file $want" \
			"cc-$where-$damage: the gate refuses the $want pointer (X added on $where)"
		in_repo check --base "$(git -C "$R" rev-parse main)" --head "$(git -C "$R" rev-parse pr)" --format json
		if [ "$T_RC" -eq 1 ] && [ "$(jq -r .summary.merge "$T_OUT")" = three-way ] &&
			[ "$(jq -r .summary.mergeBases "$T_OUT")" = 2 ] &&
			[ "$(jq -r .summary.base "$T_OUT")" = "$(git -C "$R" rev-parse main)" ]; then
			ok "cc-$where-$damage: by object ids too; JSON says three-way from 2 merge bases, base = the tip"
		else
			bad "cc-$where-$damage: JSON summary" "exit $T_RC $(jq -c .summary "$T_OUT" 2>/dev/null)"
		fi
	done
done

# ---- item 1: three merge bases (three-way criss-cross) ----
# main, s1 and s2 each add a pointer; main merges s1 then s2; the PR starts
# on s1, merges s2, then merges main's first-parent commit with X dropped.
for where in main s1 s2; do
	R=$(lf_repo "cc3-$where")
	X="$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex "x3-$where").yaml"
	git -C "$R" branch s1
	git -C "$R" branch s2
	for b in main s1 s2; do
		git -C "$R" checkout -q "$b"
		if [ "$b" = "$where" ]; then
			lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "x3-$where")" >/dev/null
		else
			lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex "y3-$where-$b")" >/dev/null
		fi
		lf_commit "$R" "$b adds"
	done
	m1=$(git -C "$R" rev-parse main)
	git -C "$R" checkout -q main
	git -C "$R" merge -q --no-edit s1
	git -C "$R" merge -q --no-edit s2
	git -C "$R" checkout -q -b pr s1
	git -C "$R" merge -q --no-edit s2
	git -C "$R" merge -q --no-commit "$m1" 2>/dev/null
	[ -e "$R/$X" ] && git -C "$R" rm -qf "$X"
	git -C "$R" -c user.name=t -c user.email=t@example.com commit -q --no-edit
	[ "$(merge_bases)" = 3 ] && ok "cc3-$where: main and pr have three merge bases" ||
		bad "cc3-$where: three merge bases" "$(merge_bases)"
	got=$(real_merge "$X")
	[ "$got" = deleted ] && ok "cc3-$where: git merge really deletes the pointer" ||
		bad "cc3-$where: git merge deletes the pointer" "got $got"
	in_repo check --base main --head pr
	expect_problem "$X" 'add-only\): existing file deleted' "cc3-$where: the gate refuses the deletion (X added on $where)"
done

# ---- item 1: what is not damage still passes ----
crisscross cc-clean main delete
git -C "$R" reset -q --hard pr~1
git -C "$R" merge -q --no-edit "$(git -C "$R" rev-parse 'main^1')"
in_repo check --base main --head pr --format json
if [ "$T_RC" -eq 0 ] && [ "$(jq -r .summary.merge "$T_OUT")" = three-way ] &&
	[ "$(jq -r .summary.changes "$T_OUT")" = 1 ]; then
	ok "an honest criss-cross PR passes: the merge adds exactly its one pointer"
else
	bad "an honest criss-cross PR passes" "exit $T_RC $(head -c 300 "$T_OUT")"
fi
git -C "$R" checkout -q pr
git -C "$R" merge -q --no-edit main
in_repo check --base main --head pr --format json
[ "$T_RC" -eq 0 ] && [ "$(jq -r .summary.merge "$T_OUT")" = fast-forward ] &&
	ok "after merging main into the PR the check is a fast-forward and passes" ||
	bad "fast-forward after merging main" "exit $T_RC $(jq -c .summary "$T_OUT" 2>/dev/null)"
in_repo check --base pr --head main --format json
[ "$T_RC" -eq 0 ] && [ "$(jq -r .summary.merge "$T_OUT")" = up-to-date ] &&
	[ "$(jq -r .summary.changes "$T_OUT")" = 0 ] &&
	ok "a head already contained in base changes nothing (up-to-date)" ||
	bad "up-to-date" "exit $T_RC $(jq -c .summary "$T_OUT" 2>/dev/null)"

# ---- item 1: a conflict means the merge result is unknown: exit 2 ----
R=$(lf_repo conflict)
git -C "$R" checkout -q -b pr
sed -i 's/label: alice/label: alice-pr/' "$R/$EV/allowlist.yaml"
commit_on pr "pr relabels alice"
git -C "$R" checkout -q main
sed -i 's/label: alice/label: alice-main/' "$R/$EV/allowlist.yaml"
commit_on main "main relabels alice"
in_repo check --base main --head pr
expect_rc 2 "a PR that conflicts with the target cannot be judged (exit 2)"
expect_err "does not merge cleanly into base: 1 conflicting path, first \"$EV/allowlist.yaml\"" "the error names the conflicting path"
crisscross cc-nowrite main delete
before=$(find "$R/.git/objects" -type f | sort)
in_repo check --base main --head pr
after=$(find "$R/.git/objects" -type f | sort)
[ "$before" = "$after" ] && ok "the in-memory merge writes no object into the repository" ||
	bad "the in-memory merge writes no object" "$(diff <(echo "$before") <(echo "$after") | head -3)"

# ---- item 7: the allowlist as it will be after the merge ----
# delist NAME SED: main edits its allowlist with SED after the PR
# branched; the PR adds a pointer of the signer main delisted.
delist() {
	R=$(lf_repo "$1")
	git -C "$R" checkout -q -b pr
	P=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$3" "$(lf_hex "d-$1")")
	commit_on pr "pr adds a pointer"
	git -C "$R" checkout -q main
	python3 - "$R/$EV/allowlist.yaml" "$2" <<'EOF'
import sys, re
p, label = sys.argv[1], sys.argv[2]
s = open(p).read()
s = re.sub(r"  - label: %s\n(    .*\n)+" % label, "", s)
open(p, "w").write(s)
EOF
	commit_on main "main delists $2"
}
delist delist-partner bob "$ID_BOB"
in_repo check --base main --head pr
expect_problem "$P" 'is not in the allowlist' "a partner delisted on main after the PR branched does not pass"
delist delist-community alice "$ID_ALICE"
in_repo check --base main --head pr
expect_problem "$P" 'is not in the allowlist' "a community signer delisted on main after the PR branched does not pass"
in_repo check --base main --head pr --allowlist /dev/null
expect_rc 2 "--allowlist still overrides (an empty file is an invalid allowlist)"
# The PR also onboards carol: the notes list what the PR changes relative
# to the target's tip, not main's own delisting.
delist delist-plus-onboard bob "$ID_BOB"
git -C "$R" checkout -q pr
python3 - "$R/$EV/allowlist.yaml" "$ISS_OAUTH" "$(lf_slug "$ISS_OAUTH" "$ID_CAROL")" <<'EOF'
import sys
p, iss, src = sys.argv[1:]
s = open(p).read()
s = s.replace("community:\n", "community:\n  - label: carol\n    issuer: %s\n    source: %s\n" % (iss, src))
open(p, "w").write(s)
EOF
commit_on pr "pr onboards carol"
in_repo check --base main --head pr
expect_problem "$P" 'is not in the allowlist' "onboarding another signer does not bring back the delisted one"
expect_out "^note: $EV/allowlist.yaml: adds community entry: label \"carol\"" "the PR's own allowlist change is noted"
if grep -q 'removes' "$T_OUT"; then bad "main's delisting is not blamed on the PR" "$(grep removes "$T_OUT")"; else ok "main's delisting is not blamed on the PR"; fi
# A pointer for a signer main onboarded after the PR branched passes.
R=$(lf_repo onboard-on-main)
git -C "$R" checkout -q -b pr
P=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_CAROL" "$(lf_hex carol-late)")
commit_on pr "pr adds carol's pointer"
git -C "$R" checkout -q main
cat >>"$R/$EV/allowlist.yaml" <<EOF
  - label: carol
    issuer: $ISS_OAUTH
    source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")
EOF
commit_on main "main onboards carol"
in_repo check --base main --head pr
expect_rc 0 "a signer onboarded on main after the PR branched is allowlisted for the PR"

t_end
