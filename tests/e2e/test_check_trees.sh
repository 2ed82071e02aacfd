#!/usr/bin/env bash
# tests/e2e/test_check_trees.sh -- trees that `git fsck` refuses (issue 15,
# item 6).
#
# A forge that does not fsck pushed objects stores whatever tree a PR
# brings. Each scenario writes one hostile tree with `git hash-object -t
# tree --literally` (git's own porcelain refuses to), first shows that
# `git fsck --strict` refuses it, then runs the gate on a PR whose head
# holds it: the gate must refuse it with rule "tree". Most of them also
# look like a clean PR to a reader that trusts libgit2's parse: a second
# entry of an existing pointer's name with other content (a checkout writes
# the second), a pointer whose name carries its directories ("r/s/x.yaml"),
# a zero-padded mode, an unsorted tree, a duplicate `recipes` directory on
# the path to the root, a `.GIT` or `.git\u200c` directory beside it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
R=$(lf_repo trees)
SRC=$EV/$RECIPE/$A_SLUG
NEW=sha256-$(lf_hex t-new).yaml
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex t-new)" >"$T_WORK/new.yaml"
NEW_BLOB=$(git -C "$R" hash-object -w "$T_WORK/new.yaml")
BASE_PTR=sha256-$(lf_hex base-1).yaml
BASE_BLOB=$(git -C "$R" rev-parse "main:$SRC/$BASE_PTR")
sed 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' "$R/$SRC/$BASE_PTR" >"$T_WORK/evil.yaml"
EVIL_BLOB=$(git -C "$R" hash-object -w "$T_WORK/evil.yaml")

# mktree_raw ENTRY...: writes a tree whose entries are exactly ENTRY
# ("MODE NAME OID", in the order given, MODE as written); prints its id.
mktree_raw() {
	python3 - "$@" <<'EOF' | git -C "$R" hash-object -t tree --literally -w --stdin
import sys
out = b""
for e in sys.argv[1:]:
    mode, name, oid = e.split(" ", 2)
    out += mode.encode() + b" " + name.encode("utf-8", "surrogateescape") + b"\0" + bytes.fromhex(oid)
sys.stdout.buffer.write(out)
EOF
}
# entries_of TREE: "MODE NAME OID" lines of an existing tree.
entries_of() { git -C "$R" ls-tree "$1" | awk -F'\t' '{split($1, a, " "); printf "%s %s %s\n", (a[1] == "040000" ? "40000" : a[1]), $2, a[3]}'; }
# rebuild PATH NEWTREE: main's top tree with the tree at PATH replaced by
# NEWTREE, every parent rebuilt canonically; prints its id.
rebuild() {
	local path=$1 tree=$2 parent name
	while [ "$path" != . ]; do
		parent=$(dirname "$path")
		name=$(basename "$path")
		tree=$({
			git -C "$R" ls-tree "main:${parent#.}" | grep -v "	$name\$"
			printf '040000 tree %s\t%s\n' "$tree" "$name"
		} | git -C "$R" mktree)
		path=$parent
	done
	echo "$tree"
}
# pr TOPTREE: commits TOPTREE on main as branch pr and runs the gate.
pr() {
	local c
	c=$(git -C "$R" commit-tree "$1" -p main -m pr)
	git -C "$R" update-ref refs/heads/pr "$c"
	run check --repo "$R" --base main --head pr
}
fsck_refuses() { # WHAT
	if git -C "$R" -c fsck.strict=true fsck --strict --no-dangling "$(git -C "$R" rev-parse pr)" >/dev/null 2>&1; then
		bad "$1: git fsck --strict refuses the tree" "it accepted it"
	else
		ok "$1: git fsck --strict refuses the tree"
	fi
}
refused() { # PATH-RE MESSAGE-RE WHAT
	if [ "$T_RC" -eq 1 ] && grep -qE -- "^$1: malformed tree \(git fsck refuses it\): .*$2" "$T_OUT"; then
		ok "$3"
	else
		bad "$3" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
	# the audit of the same head (HEAD at pr) reads every tree: the same
	git -C "$R" symbolic-ref HEAD refs/heads/pr
	run check --repo "$R"
	git -C "$R" symbolic-ref HEAD refs/heads/main
	if [ "$T_RC" -eq 1 ] && grep -qE -- "^$1: malformed tree \(git fsck refuses it\): .*$2" "$T_OUT"; then
		ok "... and by the audit of that head"
	else
		bad "... and by the audit of that head" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}
src_entries() { entries_of "main:$SRC"; }

# ---- duplicate entries: an existing pointer's name again, other bytes ----
t=$(mktree_raw "$(src_entries | head -1)" "100644 $BASE_PTR $EVIL_BLOB")
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "duplicate"
refused "$SRC/" "duplicate entries .*\"${BASE_PTR:0:40}" "a second entry named like an existing pointer is refused"

# ---- a name with '/' that reads as a whole path ----
t=$(python3 - "$R" "$EV" "$RECIPE/$A_SLUG/$NEW" "$NEW_BLOB" <<'EOF' | git -C "$R" hash-object -t tree --literally -w --stdin
import subprocess, sys
r, ev, name, blob = sys.argv[1:]
ls = subprocess.run(["git", "-C", r, "ls-tree", "main:" + ev], capture_output=True, text=True).stdout
ents = []
for line in ls.splitlines():
    meta, n = line.split("\t", 1)
    mode, _, oid = meta.split(" ")
    ents.append((mode.lstrip("0") if mode == "040000" else mode, n, oid))
ents.append(("100644", name, blob))
key = lambda e: e[1] + ("/" if e[0] == "40000" else "")
out = b""
for mode, n, oid in sorted(ents, key=key):
    out += mode.encode() + b" " + n.encode() + b"\0" + bytes.fromhex(oid)
sys.stdout.buffer.write(out)
EOF
)
pr "$(rebuild "$EV" "$t")"
fsck_refuses "slash in a name"
refused "$EV/" "contains '/'" "an entry whose name holds '/' is refused"

# ---- a zero-padded mode on a new pointer ----
t=$(mktree_raw "$(src_entries | head -1)" "0100644 $NEW $NEW_BLOB")
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "zero-padded mode"
refused "$SRC/" "zero-padded file mode: \"${NEW:0:40}" "a zero-padded mode is refused"

# ---- a mode with a sign: libgit2 reads "+100644" as 100644 ----
t=$(mktree_raw "$(src_entries | head -1)" "+100644 $NEW $NEW_BLOB")
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "signed mode"
refused "$SRC/" "" "a mode written with a sign is refused"

# ---- trees libgit2 will not parse: git fsck's verdict, not an error ----
# A mode past 16 bits (0300644, which git reads as a file) and a tree cut
# in an entry's id: libgit2 refuses to parse them, git fsck refuses them
# too, so they are the PR's fault (rule "tree", exit 1), not the job's.
t=$(mktree_raw "$(src_entries | head -1)" "300644 $NEW $NEW_BLOB")
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "a mode past 16 bits"
refused "$SRC/" "unusual file mode: \"${NEW:0:40}.* \\(mode 300644\\)" "a mode libgit2 will not parse is refused as git fsck refuses it"
t=$( (git -C "$R" cat-file tree "main:$SRC"; printf '100644 %s\0abc' "$NEW") |
	git -C "$R" hash-object -t tree --literally -w --stdin)
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "a cut tree"
refused "$SRC/" "cannot be parsed as a tree" "a tree cut short is refused as git fsck refuses it"

# ---- an unsorted tree: a new pointer listed after one it sorts before ----
first=sha256-0$(lf_hex t-first | cut -c2-).yaml
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "0$(lf_hex t-first | cut -c2-)" >"$T_WORK/first.yaml"
FIRST_BLOB=$(git -C "$R" hash-object -w "$T_WORK/first.yaml")
t=$(mktree_raw "$(src_entries | head -1)" "100644 $first $FIRST_BLOB")
pr "$(rebuild "$SRC" "$t")"
fsck_refuses "unsorted"
refused "$SRC/" "not sorted" "an unsorted tree is refused"

# ---- an unusual mode (100664) ----
t=$(mktree_raw "$(src_entries | head -1)" "100664 $NEW $NEW_BLOB")
pr "$(rebuild "$SRC" "$t")"
refused "$SRC/" "unusual file mode: \"${NEW:0:40}.* \\(mode 100664\\)" "mode 100664 is refused (strict)"

# ---- the path to the root: a duplicate `recipes` in the top tree ----
evil_ev=$(mktree_raw "$(entries_of "main:$EV" | grep allowlist)")
evil_recipes=$(printf '040000 tree %s\tevidence\n' "$evil_ev" | git -C "$R" mktree)
top=$(python3 - "$(git -C "$R" rev-parse 'main^{tree}')" "$evil_recipes" "$R" <<'EOF' | git -C "$R" hash-object -t tree --literally -w --stdin
import subprocess, sys
top, evil, r = sys.argv[1:]
ls = subprocess.run(["git", "-C", r, "ls-tree", top], capture_output=True, text=True).stdout
out = b""
for line in ls.splitlines():
    meta, n = line.split("\t", 1)
    mode, _, oid = meta.split(" ")
    mode = "40000" if mode == "040000" else mode
    out += mode.encode() + b" " + n.encode() + b"\0" + bytes.fromhex(oid)
    if n == "recipes":
        out += b"40000 recipes\0" + bytes.fromhex(evil)
sys.stdout.buffer.write(out)
EOF
)
pr "$top"
fsck_refuses "duplicate on the path"
refused "\./" "duplicate entries .*\"recipes\"" "a second 'recipes' directory on the path to the root is refused"
# the same with the hostile copy first: whichever one a reader finds
top=$(git -C "$R" cat-file tree "$top" | python3 -c '
import sys
b = sys.stdin.buffer.read()
ents, i = [], 0
while i < len(b):
    j = b.index(b"\0", i)
    ents.append(b[i:j + 21])
    i = j + 21
k = [n for n, e in enumerate(ents) if e.split(b"\0")[0].endswith(b" recipes")]
ents[k[0]], ents[k[1]] = ents[k[1]], ents[k[0]]
sys.stdout.buffer.write(b"".join(ents))' | git -C "$R" hash-object -t tree --literally -w --stdin)
pr "$top"
refused "\./" "duplicate entries .*\"recipes\"" "... also when the hostile 'recipes' comes first"

# ---- .git in another spelling beside the path ----
for name in .GIT "$(printf '.git\xe2\x80\x8c')" "git~1" ".git. "; do
	top=$(python3 - "$(git -C "$R" rev-parse 'main^{tree}')" "$name" "$R" "$(git -C "$R" rev-parse "main:$EV")" <<'EOF' | git -C "$R" hash-object -t tree --literally -w --stdin
import subprocess, sys
top, name, r, sub = sys.argv[1:]
name = name.encode("utf-8", "surrogateescape")
ls = subprocess.run(["git", "-C", r, "ls-tree", top], capture_output=True, text=True).stdout
ents = []
for line in ls.splitlines():
    meta, n = line.split("\t", 1)
    mode, _, oid = meta.split(" ")
    ents.append(("40000" if mode == "040000" else mode, n.encode(), oid))
ents.append(("40000", name, sub))
key = lambda e: e[1] + (b"/" if e[0] == "40000" else b"")
out = b""
for mode, n, oid in sorted(ents, key=key):
    out += mode.encode() + b" " + n + b"\0" + bytes.fromhex(oid)
sys.stdout.buffer.write(out)
EOF
)
	pr "$top"
	refused "\./" "named \.git in another spelling" "a top-level directory named $(printf '%q' "$name") is refused"
done

# ---- the same trees when the target moved on: a three-way merge ----
# main gains a commit of its own, so merging the PR is no fast-forward and
# the gate judges a tree it merged itself: the PR's trees are still held to
# git fsck (the duplicate pointer name, then the zero-padded mode).
moved=$(printf 'moved\n' | git -C "$R" hash-object -w --stdin)
moved_top=$({ git -C "$R" ls-tree main; printf '100644 blob %s\tMOVED\n' "$moved"; } | git -C "$R" mktree)
moved_c=$(git -C "$R" commit-tree "$moved_top" -p main -m "main moves on")
git -C "$R" update-ref refs/heads/moved "$moved_c"
three_way() { # TOPTREE PATH-RE MESSAGE-RE WHAT
	local c
	c=$(git -C "$R" commit-tree "$1" -p main -m pr)
	git -C "$R" update-ref refs/heads/pr "$c"
	run check --repo "$R" --base moved --head pr --format json
	if [ "$T_RC" -eq 1 ] && [ "$(jq -r .summary.merge "$T_OUT")" = three-way ] &&
		jq -r '.problems[] | "\(.path): \(.message)"' "$T_OUT" |
		grep -qE -- "^$2: malformed tree \(git fsck refuses it\): .*$3"; then
		ok "$4"
	else
		bad "$4" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}
t=$(mktree_raw "$(src_entries | head -1)" "100644 $BASE_PTR $EVIL_BLOB")
three_way "$(rebuild "$SRC" "$t")" "$SRC/" "duplicate entries" \
	"a three-way merge: the PR's duplicate pointer name is refused"
t=$(mktree_raw "$(src_entries | head -1)" "0100644 $NEW $NEW_BLOB")
three_way "$(rebuild "$SRC" "$t")" "$SRC/" "zero-padded file mode" \
	"a three-way merge: the PR's zero-padded mode is refused"

# ---- a PR commit libgit2 will not parse, healed by a later one ----
# The per-commit add-only walk (rebase merges replay every commit) cannot
# diff a commit whose tree libgit2 will not parse; git reads a 300644
# mode as a file and replays it. C1 deletes an existing pointer beside
# such an entry, C2 restores both: the merge result is a clean PR, but a
# rebase merge would land C1's deletion. Such a commit is refused.
mapfile -t kept < <(src_entries | grep -v " $BASE_PTR " || true)
t=$(mktree_raw "${kept[@]}" "300644 $NEW $NEW_BLOB")
c1=$(git -C "$R" commit-tree "$(rebuild "$SRC" "$t")" -p main -m "c1: delete")
healed=$({ git -C "$R" ls-tree "main:$SRC"; printf '100644 blob %s\t%s\n' "$NEW_BLOB" "$NEW"; } | git -C "$R" mktree)
c2=$(git -C "$R" commit-tree "$(rebuild "$SRC" "$healed")" -p "$c1" -m "c2: heal")
git -C "$R" update-ref refs/heads/pr "$c2"
run check --repo "$R" --base main --head pr
if [ "$T_RC" -eq 1 ] && grep -q "commit ${c1:0:12}" "$T_OUT"; then
	ok "a PR commit whose tree libgit2 will not parse is refused, not skipped by the per-commit walk"
else
	bad "a PR commit whose tree libgit2 will not parse is refused, not skipped by the per-commit walk" "exit $T_RC: $(head -c 400 "$T_OUT")"
fi

# ---- a clean PR still passes ----
git -C "$R" checkout -q main
git -C "$R" checkout -q -b clean
cp "$T_WORK/new.yaml" "$R/$SRC/$NEW"
lf_commit "$R" "clean"
run check --repo "$R" --base main --head clean
expect_rc 0 "a well-formed PR passes"
run check --repo "$R"
expect_rc 0 "the audit of a well-formed ledger passes"

t_end
