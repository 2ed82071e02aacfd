#!/usr/bin/env bash
# tests/e2e/test_ledger_source.sh -- `ledger` reads the ledger from git
# objects when the root is in a work tree (issue 15, item 3).
#
# A .gitattributes (working-tree-encoding, eol, filter) decides the bytes
# a checkout writes for each pointer. One slipped into a repository --
# before the gate refused them, or at a path the gate does not watch --
# would make every pointer of a clone unreadable to a consumer reading the
# work tree: a deletion in effect. `ledger` inside a work tree therefore
# reads HEAD's tree from the object database; `--worktree` reads the files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

R=$(lf_repo src)
# every pointer of the ledger, claimed: how many the JSON report lists,
# and how many of them carry a reason (not counted)
listed() { jq '[.recipes[].pointers[]] | length' "$T_OUT"; }
unreadable() { jq '[.recipes[].pointers[] | select(.reason // "" | test("unreadable"))] | length' "$T_OUT"; }

# attributes ATTR: main gets a top-level .gitattributes with ATTR for the
# ledger; a fresh clone of it is $C.
attributes() {
	echo "$EV/** $1" >"$R/.gitattributes"
	git -C "$R" add .gitattributes 2>/dev/null
	git -C "$R" commit -qm "attributes: $1" 2>/dev/null
	C=$T_WORK/clone-$RANDOM
	git clone -q "$R" "$C" 2>/dev/null
}

for attr in working-tree-encoding=UTF-16LE working-tree-encoding=UTF-32BE; do
	attributes "$attr"
	if git -C "$C" cat-file blob "HEAD:$EV/allowlist.yaml" | cmp -s - "$C/$EV/allowlist.yaml"; then
		bad "$attr: the clone's files differ from the committed blobs" "they are equal"
	else
		ok "$attr: the clone's files differ from the committed blobs"
	fi
	run ledger --root "$C/$EV" --format json
	if [ "$T_RC" -eq 0 ] && [ "$(listed)" = 2 ] && [ "$(unreadable)" = 0 ]; then
		ok "$attr: ledger in the clone reads both pointers from git objects"
	else
		bad "$attr: ledger reads both pointers from git objects" "exit $T_RC: $(head -c 300 "$T_OUT") $(head -c 200 "$T_ERR")"
	fi
	here=$PWD
	cd "$C" && run ledger --format json
	cd "$here" || exit 1
	[ "$T_RC" -eq 0 ] && [ "$(listed)" = 2 ] && [ "$(unreadable)" = 0 ] &&
		ok "$attr: ... also with the default root from the clone's top" ||
		bad "$attr: default root" "exit $T_RC"
	run ledger --root "$C/$EV" --worktree --format json
	if [ "$T_RC" -eq 2 ] || [ "$(unreadable)" = 2 ]; then
		ok "$attr: --worktree reads the files, which the checkout made unreadable"
	else
		bad "$attr: --worktree reads the files" "exit $T_RC: $(head -c 300 "$T_OUT")"
	fi
	git -C "$R" rm -q .gitattributes 2>/dev/null
	git -C "$R" commit -qm "drop attributes" 2>/dev/null
done

# ---- what the work tree holds but HEAD does not ----
git -C "$R" checkout -q main 2>/dev/null
extra=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex uncommitted)")
run ledger --root "$R/$EV" --format json
[ "$T_RC" -eq 0 ] && [ "$(listed)" = 2 ] && ok "an uncommitted pointer is not read from git" ||
	bad "an uncommitted pointer is not read" "exit $T_RC listed $(listed)"
run ledger --root "$R/$EV" --worktree --format json
[ "$T_RC" -eq 0 ] && [ "$(listed)" = 3 ] && ok "--worktree reads it" || bad "--worktree reads it" "exit $T_RC"
rm -f "$R/$extra"
sed -i 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' "$R/$EV/$RECIPE/$(lf_slug "$ISS_OAUTH" "$ID_ALICE")/sha256-$(lf_hex base-1).yaml"
run ledger --root "$R/$EV" --format json
jq -e '[.recipes[].pointers[].attestedAt] | all(. == "2026-06-25T05:57:00Z")' "$T_OUT" >/dev/null &&
	ok "a pointer edited in the work tree is read as committed" ||
	bad "an edited pointer is read as committed" "$(jq -c '[.recipes[].pointers[].attestedAt]' "$T_OUT")"
git -C "$R" checkout -q -- .

# ---- odd entries committed under a source directory ----
src=$EV/$RECIPE/$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
ln -s "sha256-$(lf_hex base-1).yaml" "$R/$src/sha256-$(lf_hex link).yaml"
lf_commit "$R" "a symlink"
run ledger --root "$R/$EV" --format json
jq -e '[.recipes[].pointers[] | select(.reason // "" | test("symlink \\(not followed\\)"))] | length == 1' "$T_OUT" >/dev/null &&
	ok "a committed symlink is listed as not counted, never followed" ||
	bad "a committed symlink is not followed" "$(head -c 300 "$T_OUT")"

# ---- a root HEAD does not hold ----
N=$T_WORK/fresh
git init -q -b main "$N"
mkdir -p "$N/$EV"
cp "$R/$EV/allowlist.yaml" "$N/$EV/"
run ledger --root "$N/$EV"
expect_rc 2 "a repository without a commit: ledger says so"
expect_err 'no commit at HEAD .*--worktree' "and how to read the files instead"
git -C "$N" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m empty
run ledger --root "$N/$EV"
expect_rc 2 "an uncommitted evidence root: ledger says so"
expect_err 'not a directory committed at HEAD .*--worktree' "and how to read the files instead"
run ledger --root "$N/$EV" --worktree
expect_rc 0 "--worktree reads the uncommitted ledger"

t_end
