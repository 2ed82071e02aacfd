#!/usr/bin/env bash
# tests/e2e/test_check_attributes.sh -- .gitattributes that change what a
# checkout writes for the ledger (issue 15, item 3).
#
# A .gitattributes on the path from the repository's top down to the
# evidence root (or inside it) with `working-tree-encoding`, `filter`,
# `eol`/`text` for the pointer paths changes the bytes a clone writes for
# pointers that already exist: a consumer reading the work tree then drops
# them -- a deletion in effect, although not one pointer blob changed. The
# first scenario proves it with a real checkout; then every change of such
# a file, in any spelling git reads as one, must be refused by the gate,
# while one elsewhere in the repository passes. The consumer side (`ledger`
# reading git objects, not the work tree) is test_ledger_source.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
PTR=$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-1).yaml

scenario() { # NAME: a fresh repo on branch pr; sets $R
	R=$(lf_repo "$1")
	git -C "$R" checkout -q -b pr
}
refused() { # PATH MESSAGE-RE WHAT
	if [ "$T_RC" -eq 1 ] && grep -qF -- "$1: " "$T_OUT" &&
		grep -E -- "$2" "$T_OUT" | grep -qF -- "$1: "; then
		ok "$3"
	else
		bad "$3" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}
ON_PATH='on the path to the evidence root: attributes'
INSIDE='a \.gitattributes under the evidence root'

# ---- the threat is real: a checkout rewrites an unchanged pointer ----
scenario real
echo "$EV/** working-tree-encoding=UTF-16LE" >"$R/.gitattributes"
git -C "$R" add .gitattributes 2>/dev/null
git -C "$R" commit -qm attributes 2>/dev/null
wt=$T_WORK/clone
git clone -q -b pr "$R" "$wt" 2>/dev/null
if git -C "$R" cat-file blob "pr:$PTR" | cmp -s - "$wt/$PTR"; then
	bad "a clone writes other bytes for the unchanged pointer" "the bytes are the same"
else
	ok "a clone writes other bytes for the unchanged pointer (UTF-16)"
fi
run check --repo "$R" --base main --head pr
refused .gitattributes "added $ON_PATH" "a top-level .gitattributes added by the PR is refused"

# ---- on the path: recipes/.gitattributes, eol ----
scenario recipes-eol
echo "*.yaml eol=crlf" >"$R/recipes/.gitattributes"
lf_commit "$R" "crlf" 2>/dev/null
run check --repo "$R" --base main --head pr
refused recipes/.gitattributes "added $ON_PATH" "recipes/.gitattributes (a parent of the root) is refused"

# ---- inside the root, at its top and deeper ----
scenario root-attr
echo "* filter=lfs" >"$R/$EV/.gitattributes"
lf_commit "$R" "root"
run check --repo "$R" --base main --head pr
refused "$EV/.gitattributes" "$INSIDE" "a .gitattributes at the evidence root is refused as such"
scenario deep-attr
echo "* text" >"$R/$EV/$RECIPE/.gitattributes"
lf_commit "$R" "deep"
run check --repo "$R" --base main --head pr
refused "$EV/$RECIPE/.gitattributes" "$INSIDE" "a .gitattributes inside a recipe directory is refused as such"
run check --repo "$R"
refused "$EV/$RECIPE/.gitattributes" "$INSIDE" "... and by the whole-tree audit"

# ---- other spellings git reads as .gitattributes ----
for name in .GITATTRIBUTES .GitAttributes ".gitattributes." "$(printf '.git\xe2\x80\x8cattributes')" GITATT~1 gi7d29~1; do
	scenario "spell-$RANDOM"
	echo "$EV/** eol=crlf" >"$R/$name"
	lf_commit "$R" "spelled" 2>/dev/null
	run check --repo "$R" --base main --head pr
	if [ "$T_RC" -eq 1 ] && grep -q "$ON_PATH" "$T_OUT"; then
		ok "a top-level $(printf '%q' "$name") is refused"
	else
		bad "a top-level $(printf '%q' "$name") is refused" "exit $T_RC: $(head -c 300 "$T_OUT")"
	fi
done

# ---- an existing .gitattributes: changed or removed ----
scenario existing
git -C "$R" checkout -q main
echo "*.png binary" >"$R/.gitattributes"
lf_commit "$R" "main has attributes"
git -C "$R" checkout -q pr
git -C "$R" reset -q --hard main
echo "$EV/** working-tree-encoding=UTF-16LE" >>"$R/.gitattributes"
git -C "$R" add .gitattributes 2>/dev/null
git -C "$R" commit -qm changed 2>/dev/null
run check --repo "$R" --base main --head pr
refused .gitattributes "changed $ON_PATH" "a change to an existing top-level .gitattributes is refused"
git -C "$R" reset -q --hard main 2>/dev/null
git -C "$R" rm -q .gitattributes
lf_commit "$R" "removed"
run check --repo "$R" --base main --head pr
refused .gitattributes "removed $ON_PATH" "removing the top-level .gitattributes is refused"

# ---- through a three-way merge: the PR branched before main moved ----
scenario threeway
echo "$EV/** eol=crlf" >"$R/.gitattributes"
lf_commit "$R" "pr attributes" 2>/dev/null
git -C "$R" checkout -q main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex main-moves)" >/dev/null
lf_commit "$R" "main moves"
run check --repo "$R" --base main --head pr
refused .gitattributes "added $ON_PATH" "the merged tree's .gitattributes is judged in a three-way merge"

# ---- elsewhere it is none of the gate's business ----
scenario elsewhere
mkdir -p "$R/docs"
echo "*.md text" >"$R/docs/.gitattributes"
lf_commit "$R" "docs"
run check --repo "$R" --base main --head pr
expect_rc 0 "a .gitattributes outside the path to the root passes"

t_end
