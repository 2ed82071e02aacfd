#!/usr/bin/env bash
# tests/e2e/test_check_object_type.sh -- a file the gate reads out of git by
# path is a blob, whatever its tree entry's mode says. A tree entry names a
# mode and an object id; nothing in git ties the two together but fsck, and
# `git hash-object --literally` writes any bytes as an object of any type.
# So a PR can commit recipes/evidence/allowlist.yaml as a regular file (mode
# 100644) whose object is a commit or a tree -- one whose bytes are an
# allowlist listing mallory. The gate must refuse it, naming the object's
# type, and never read those bytes as the allowlist (exit 2: the allowlist
# cannot be read, as for a directory or a gitlink there). The same for a
# pointer (exit 1: a violation of that pointer), for the target's copy the
# allowlist change is compared with, and for a recipe the ledger reads out
# of HEAD.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

M_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_MALLORY")
R=$(lf_repo objtype)

# evil_allow: the test allowlist with mallory listed as a community signer.
evil_allow() {
	lf_allowlist
	printf '  - label: m\n    issuer: %s\n    source: %s\n' "$ISS_OAUTH" "$M_SLUG"
}

newpr() {
	git -C "$R" checkout -q -f main
	git -C "$R" clean -qfdx
	git -C "$R" branch -qD pr >/dev/null 2>&1
	git -C "$R" checkout -q -b pr
}

# swap_entry PATH MODE OID MSG: commits on pr the index entry PATH as MODE
# OID (update-index does not look at the object's type).
swap_entry() {
	git -C "$R" rm -q --cached "$1" >/dev/null 2>&1
	git -C "$R" update-index --add --cacheinfo "$2,$3,$1"
	git -C "$R" commit -q -m "$4"
}

gate() { run check --repo "$R" --base main --head pr "$@"; }

# ---- allowlist.yaml, mode 100644, another object type ----
for type in commit tree; do
	newpr
	oid=$(evil_allow | git -C "$R" hash-object -t "$type" --literally -w --stdin)
	rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex "m-$type")")
	git -C "$R" add "$rel"
	swap_entry "$EV/allowlist.yaml" 100644 "$oid" "allowlist as a $type object"
	gate
	expect_rc 2 "allowlist.yaml of mode 100644 whose object is a $type holding an allowlist listing mallory: the gate cannot read it (exit 2)"
	expect_err "allowlist.yaml is a $type object, not a blob" "... the error names the object's type ($type)"
	# the trusted copy named with --allowlist: the head's copy must still load
	evil_allow >"$T_WORK/trusted.yaml"
	gate --allowlist "$T_WORK/trusted.yaml"
	expect_rc 2 "... with --allowlist naming a trusted copy, the head's $type object is still refused"
	expect_err "allowlist.yaml is a $type object, not a blob" "... naming its type"
done

# a real tree (a directory holding an allowlist) behind mode 100644
newpr
mkdir -p "$T_WORK/d"
evil_allow >"$T_WORK/d/allowlist.yaml"
blob=$(git -C "$R" hash-object -w "$T_WORK/d/allowlist.yaml")
tree=$(printf '100644 blob %s\tallowlist.yaml\n' "$blob" | git -C "$R" mktree)
swap_entry "$EV/allowlist.yaml" 100644 "$tree" "allowlist as a real tree"
gate
expect_rc 2 "allowlist.yaml of mode 100644 whose object is a well-formed tree: exit 2"
expect_err "allowlist.yaml is a tree object, not a blob" "... naming the tree"

# the target's allowlist.yaml (compared for the reviewer's notes) damaged
# the same way on main: the PR that repairs it is shown every entry as added
git -C "$R" checkout -q -f main
git -C "$R" branch -q good main
oid=$(evil_allow | git -C "$R" hash-object -t commit --literally -w --stdin)
swap_entry "$EV/allowlist.yaml" 100644 "$oid" "main's allowlist a commit object"
git -C "$R" branch -qD pr >/dev/null 2>&1
git -C "$R" checkout -q -b pr
lf_allowlist >"$R/$EV/allowlist.yaml"
lf_commit "$R" "repair the allowlist"
gate
expect_out "the target's allowlist.yaml cannot be read \(.*is a commit object, not a blob" \
	"the target's allowlist.yaml a commit object: its notes say it cannot be read, naming the type"
if grep -q 'removes community entry: label "m"' "$T_OUT"; then
	bad "... the commit object's bytes are never read as the target's allowlist" "$(grep removes "$T_OUT" | head -2)"
else
	ok "... the commit object's bytes are never read as the target's allowlist"
fi
git -C "$R" checkout -q -f good
git -C "$R" branch -qf main good
git -C "$R" checkout -q main
git -C "$R" branch -qD good pr

# ---- a pointer, mode 100644, a commit object holding a pointer ----
newpr
H=$(lf_hex objtype-pointer)
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$H")
oid=$(git -C "$R" hash-object -t commit --literally -w "$R/$rel")
swap_entry "$rel" 100644 "$oid" "pointer as a commit object"
gate
if [ "$T_RC" -ne 0 ]; then ok "a pointer whose object is a commit: not passed (exit $T_RC)"; else bad "a pointer whose object is a commit: not passed" "exit 0"; fi
if grep -qE "is not a blob|not a blob" "$T_OUT" "$T_ERR"; then ok "... it says the pointer is not a blob"; else bad "... it says the pointer is not a blob" "$(head -c 300 "$T_OUT")"; fi

# ---- a recipe's pointer read by the ledger out of HEAD ----
newpr
git -C "$R" checkout -q main
rel=$EV/$RECIPE/$(lf_slug "$ISS_OAUTH" "$ID_ALICE")/sha256-$(lf_hex base-1).yaml
oid=$(git -C "$R" hash-object -t commit --literally -w "$R/$rel")
git -C "$R" checkout -q -b ledgerhead
swap_entry "$rel" 100644 "$oid" "ledger pointer as a commit object"
pushd "$R" >/dev/null || exit 1
run ledger --root "$EV" --format json
popd >/dev/null || exit 1
expect_rc 0 "ledger over HEAD with a pointer whose object is a commit: the others still count"
if jq -e '[.. | objects | select(has("reason")) | .reason] | any(test("not a regular file"))' "$T_OUT" >/dev/null; then
	ok "... that pointer is unreadable: not a regular file"
else
	bad "... that pointer is unreadable: not a regular file" "$(grep -m2 reason "$T_OUT")"
fi

t_end
