#!/usr/bin/env bash
# tests/e2e/test_attack_gate.sh -- attacks on the merge gate from the
# outside (a hostile contributor with the binary and the docs) that the
# gate held: each builds a PR branch `pr` off `main` with the git CLI and
# runs `check --base main --head pr` as CI does. YAML tricks in a pointer,
# allowlist replaced by a symlink/gitlink/directory, history tricks
# (octopus merges, replace refs, an ancestor as head), case variants under
# the root. Every check is named after its attack.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
M_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_MALLORY")
R=$(lf_repo attack)
X=$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-1).yaml

# newpr: a fresh branch pr off main, clean work tree.
newpr() {
	git -C "$R" checkout -q -f main
	git -C "$R" clean -qfdx
	git -C "$R" branch -qD pr p2 p3 >/dev/null 2>&1
	git -C "$R" checkout -q -b pr
}
gate() { run check --repo "$R" --base main --head pr "$@"; }
# refused WHAT: the gate exits 1 (a violation), never 0 or 2.
refused() { expect_rc 1 "$1"; }
# not_passed WHAT: anything but 0 (exit 1 or 2: the job fails).
not_passed() {
	if [ "$T_RC" -ne 0 ]; then ok "$1"; else bad "$1" "exit 0: $(head -c 300 "$T_OUT")"; fi
}

# ---- YAML tricks in a new pointer ----
H=$(lf_hex yaml)
F=$EV/$RECIPE/$A_SLUG/sha256-$H.yaml
good() { lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$H"; }
# yaml_pr NAME: commits $T_WORK/p as the new pointer F on a fresh pr; runs the gate.
yaml_pr() {
	newpr
	mkdir -p "$(dirname "$R/$F")"
	cp "$T_WORK/p" "$R/$F"
	lf_commit "$R" "$1"
	gate
}
good >"$T_WORK/p"; yaml_pr control
expect_rc 0 "control: the untouched pointer passes"
{ good; printf '%s\n' '"rec\x69pe": other'; } >"$T_WORK/p"; yaml_pr dup
refused "duplicate key spelled with an escape (\"rec\\x69pe\")"
{ good; echo "'recipe': other"; } >"$T_WORK/p"; yaml_pr dup
refused "duplicate key in single quotes"
{ good; printf '? recipe\n: other\n'; } >"$T_WORK/p"; yaml_pr dup
refused "duplicate key as an explicit '? key'"
good | sed 's/      issuer: .*/      issuer: x\n      "iss\\u0075er": https:\/\/github.com\/login\/oauth/' >"$T_WORK/p"; yaml_pr dup
refused "duplicate nested key spelled with \\u0075"
{ good; printf -- '---\nrecipe: other\n'; } >"$T_WORK/p"; yaml_pr docs
refused "a second YAML document"
{ good; printf -- '...\ngarbage: [\n'; } >"$T_WORK/p"; yaml_pr docs
refused "garbage after a document end marker"
{ printf '%%TAG ! tag:yaml.org,2002:\n---\n'; good | sed 's/^recipe: /recipe: !str /'; } >"$T_WORK/p"; yaml_pr tag
refused "a %TAG directive and a local tag"
good | sed 's/^recipe: /recipe: !<tag:yaml.org,2002:str> /' >"$T_WORK/p"; yaml_pr tag
refused "a verbatim tag"
good | sed 's/    signer:/    signer: !!map/' >"$T_WORK/p"; yaml_pr tag
refused "an explicit !!map tag"
good | sed 's/^attestations:/attestations: !!seq/' >"$T_WORK/p"; yaml_pr tag
refused "an explicit !!seq tag"
for v in 0x2a 4_2 42.0 +42 042 9223372036854775808; do
	good | sed "s/rekorLogIndex: 42/rekorLogIndex: $v/" >"$T_WORK/p"; yaml_pr rekor
	refused "rekorLogIndex written as $v"
done
good | sed 's/^recipe: .*/recipe: "h100-eks-ubuntu-training\\0"/' >"$T_WORK/p"; yaml_pr nul
refused "a NUL escape at the end of the recipe"
good | sed 's/^recipe: .*/recipe: "h100-eks-ubuntu-training\\u200b"/' >"$T_WORK/p"; yaml_pr zwsp
refused "a zero-width space after the recipe (look-alike of the directory)"
good | sed 's/      identity: .*/      identity: "alice@example.com\\u2028"/' >"$T_WORK/p"; yaml_pr ls
refused "a U+2028 line separator after the identity"
good | sed 's/^schemaVersion: .*/schemaVersion: 2.0.0/' >"$T_WORK/p"; yaml_pr schema
refused "schemaVersion 2.0.0"
good | sed 's/^recipe:/Recipe: x\nrecipe:/' >"$T_WORK/p"; yaml_pr key
refused "a case variant of a key (Recipe)"
good | sed 's/^recipe:/"":\nrecipe:/' >"$T_WORK/p"; yaml_pr key
refused "an empty key"
good | sed 's/^recipe:/"<<": {recipe: other}\nrecipe:/' >"$T_WORK/p"; yaml_pr merge
refused "a quoted merge key"
good | sed 's/^recipe: .*/recipe: h100-eks-ubuntu-training\n\t/' >"$T_WORK/p"; yaml_pr tab
refused "a tab line after the last key"
good | sed 's/^signer:/signer: ~/; s/^    signer:/    signer: ~\n    x:/' >"$T_WORK/p"; yaml_pr null
refused "signer replaced by null and a stray key"

# ---- the allowlist replaced by something that is not a file ----
# The PR also commits mallory's pointer: a gate that followed the symlink
# to the PR's own allowlist outside the root would list mallory.
newpr
{ lf_allowlist; printf '  - label: m\n    issuer: %s\n    source: %s\n' "$ISS_OAUTH" "$M_SLUG"; } >"$R/evil-allow.yaml"
rm "$R/$EV/allowlist.yaml"
ln -s ../../evil-allow.yaml "$R/$EV/allowlist.yaml"
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex mallory)" >/dev/null
lf_commit "$R" "allowlist symlink"
gate
not_passed "allowlist.yaml as a symlink to an allowlist outside the root listing mallory"
expect_err 'allowlist.yaml is not a regular file' "... the error says the allowlist is not a regular file"
# An executable allowlist (review finding 06): the error names the mode.
newpr
chmod +x "$R/$EV/allowlist.yaml"
lf_commit "$R" "allowlist 100755"
gate
not_passed "allowlist.yaml of mode 100755"
expect_err 'allowlist.yaml has mode 100755' "... the error names the allowlist's mode 100755"
newpr
git -C "$R" rm -q --cached "$EV/allowlist.yaml"
git -C "$R" update-index --add --cacheinfo "160000,$(git -C "$R" rev-parse main),$EV/allowlist.yaml"
git -C "$R" commit -q -m "allowlist gitlink"
gate
not_passed "allowlist.yaml as a gitlink"
newpr
git -C "$R" rm -q "$EV/allowlist.yaml"
mkdir -p "$R/$EV/allowlist.yaml"
lf_allowlist >"$R/$EV/allowlist.yaml/allowlist.yaml"
lf_commit "$R" "allowlist directory"
gate
not_passed "allowlist.yaml as a directory holding an allowlist"

# ---- a look-alike label swapped in: both sides are shown ----
newpr
sed -i "s/label: alice/label: $(printf '\xd0\xb0')lice/; s/$A_SLUG/$M_SLUG/" "$R/$EV/allowlist.yaml"
lf_commit "$R" "cyrillic a"
gate
expect_out '^note: .*allowlist.yaml: removes community entry: label "alice"' \
	"a Cyrillic look-alike label replacing alice: the removal of alice is noted"
expect_out "^note: .*allowlist.yaml: adds community entry: .*source \"$M_SLUG\"" \
	"... and the look-alike's new source is noted"

# ---- the root and the path to it replaced ----
newpr
mkdir -p "$R/other"
git -C "$R" mv "$EV" other/ev
ln -s ../other/ev "$R/$EV"
lf_commit "$R" "root symlink"
gate
not_passed "the evidence root replaced by a symlink to a moved copy"
newpr
git -C "$R" rm -rq --cached recipes
git -C "$R" update-index --add --cacheinfo "160000,$(git -C "$R" rev-parse main),recipes"
git -C "$R" commit -q -m "recipes gitlink"
gate
not_passed "recipes/ replaced by a gitlink"

# ---- history tricks ----
# Octopus: the deletion of X rides in on one of three parents.
newpr
git -C "$R" checkout -q -b p2 main
git -C "$R" rm -q "$X"
lf_commit "$R" "p2 deletes X"
git -C "$R" checkout -q -b p3 main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex octo-1)" >/dev/null
lf_commit "$R" "p3 adds"
git -C "$R" checkout -q pr
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex octo-2)" >/dev/null
lf_commit "$R" "pr adds"
git -C "$R" merge -q --no-edit p2 p3 >/dev/null 2>&1
gate
if [ "$T_RC" -eq 1 ] && grep -q "^$X: .*existing file deleted" "$T_OUT"; then
	ok "octopus merge: a deletion on one of three parents is refused"
else
	bad "octopus merge hiding a deletion" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi
# A replace ref that makes the PR's commit look like a clean one: the gate
# judges the real objects.
newpr
git -C "$R" rm -q "$X"
lf_commit "$R" "delete X"
clean=$(git -C "$R" commit-tree "main^{tree}" -p main -m clean)
git -C "$R" replace "$(git -C "$R" rev-parse pr)" "$clean"
gate
refused "a refs/replace object standing in for the deleting commit"
git -C "$R" replace -d "$(git -C "$R" rev-parse pr)" >/dev/null
# Delete X, then re-add it with other bytes two commits later.
newpr
git -C "$R" rm -q "$X"
lf_commit "$R" "delete X"
lf_commit "$R" "noise"
mkdir -p "$(dirname "$R/$X")"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" |
	sed 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' >"$R/$X"
lf_commit "$R" "re-add X re-dated"
gate
if [ "$T_RC" -eq 1 ] && grep -q "^$X: .*existing file modified" "$T_OUT"; then
	ok "delete then re-add a pointer with other bytes: a modification"
else
	bad "delete then re-add" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi
# An ancestor of main as head: merging it changes nothing (no deletion of
# what main added since).
git -C "$R" checkout -q -f main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex later)" >/dev/null
lf_commit "$R" "main adds"
git -C "$R" branch -f pr main~1
gate --format json
if [ "$T_RC" -eq 0 ] && [ "$(jq -r .summary.merge "$T_OUT")" = up-to-date ] &&
	[ "$(jq -r .summary.changes "$T_OUT")" = 0 ]; then
	ok "an old ancestor of main as head deletes nothing (up-to-date)"
else
	bad "ancestor as head" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi

# ---- histories the gate cannot see whole: no verdict, never a pass ----
# A shallow clone (a maintainer's local run): the merge base lies past the
# boundary, so a naive merge without a base would keep the deleted X.
R2=$(lf_repo shallow-src)
git -C "$R2" checkout -q -b pr
git -C "$R2" rm -q "$X"
lf_commit "$R2" "pr deletes X"
git -C "$R2" checkout -q main
for i in 1 2 3; do
	lf_add "$R2" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex "shallow-m$i")" >/dev/null
	lf_commit "$R2" "main moves on $i"
done
git clone -q --depth 1 --branch main "file://$R2" "$T_WORK/shallow"
git -C "$T_WORK/shallow" fetch -q origin pr:pr
run check --repo "$T_WORK/shallow" --base main --head pr
not_passed "a shallow clone whose merge base is cut off: never a pass"
# Unrelated history: an orphan PR whose tree lacks X.
git -C "$R2" checkout -q --orphan orphan
git -C "$R2" rm -q -f "$X"
lf_commit "$R2" "orphan without X"
run check --repo "$R2" --base main --head orphan
expect_rc 2 "an orphan PR without X (no merge base): exit 2, not a pass"
expect_err 'share no history' "... the error says base and head share no history"
# A 5000-byte file name under <src>: the path cap (threat model row 35).
blob=$(echo x | git -C "$R" hash-object -w --stdin)
long=$(head -c 5000 /dev/zero | tr '\0' a)
src_t=$({ git -C "$R" ls-tree "main:$EV/$RECIPE/$A_SLUG"; printf '100644 blob %s\t%s\n' "$blob" "$long"; } | git -C "$R" mktree)
rec_t=$({ git -C "$R" ls-tree "main:$EV/$RECIPE" | grep -v "	$A_SLUG\$"; printf '040000 tree %s\t%s\n' "$src_t" "$A_SLUG"; } | git -C "$R" mktree)
ev_t=$({ git -C "$R" ls-tree "main:$EV" | grep -v "	$RECIPE\$"; printf '040000 tree %s\t%s\n' "$rec_t" "$RECIPE"; } | git -C "$R" mktree)
rc_t=$(printf '040000 tree %s\tevidence\n' "$ev_t" | git -C "$R" mktree)
top_t=$({ git -C "$R" ls-tree main | grep -v "	recipes\$"; printf '040000 tree %s\trecipes\n' "$rc_t"; } | git -C "$R" mktree)
git -C "$R" update-ref refs/heads/pr "$(git -C "$R" commit-tree "$top_t" -p main -m long)"
gate
not_passed "a 5000-byte file name under <src>: never a pass (exit 2, path cap)"

# ---- two allowlist.yaml entries in the root tree (one lists mallory) ----
evil_al=$({ lf_allowlist; printf '  - label: m\n    issuer: %s\n    source: %s\n' "$ISS_OAUTH" "$M_SLUG"; } | git -C "$R" hash-object -w --stdin)
orig_al=$(git -C "$R" rev-parse "main:$EV/allowlist.yaml")
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex dup-m)" >"$T_WORK/m.yaml"
m_blob=$(git -C "$R" hash-object -w "$T_WORK/m.yaml")
m_tree=$(printf '100644 blob %s\tsha256-%s.yaml\n' "$m_blob" "$(lf_hex dup-m)" | git -C "$R" mktree)
r_tree=$({ git -C "$R" ls-tree "main:$EV/$RECIPE"; printf '040000 tree %s\t%s\n' "$m_tree" "$M_SLUG"; } | git -C "$R" mktree)
for order in "$evil_al $orig_al" "$orig_al $evil_al"; do
	# shellcheck disable=SC2086 # $order is two object ids
	ev_t=$(python3 - $order "$r_tree" "$RECIPE" <<'PY' | git -C "$R" hash-object -t tree --literally -w --stdin
import sys
a, b, rt, recipe = sys.argv[1:]
out = b"100644 allowlist.yaml\0" + bytes.fromhex(a) + b"100644 allowlist.yaml\0" + bytes.fromhex(b)
out += b"40000 " + recipe.encode() + b"\0" + bytes.fromhex(rt)
sys.stdout.buffer.write(out)
PY
)
	rc_t=$(printf '040000 tree %s\tevidence\n' "$ev_t" | git -C "$R" mktree)
	top_t=$({ git -C "$R" ls-tree main | grep -v "	recipes\$"; printf '040000 tree %s\trecipes\n' "$rc_t"; } | git -C "$R" mktree)
	git -C "$R" update-ref refs/heads/pr "$(git -C "$R" commit-tree "$top_t" -p main -m dup-allowlist)"
	gate
	if [ "$T_RC" -eq 1 ] && grep -q 'duplicate entries .*"allowlist.yaml"' "$T_OUT"; then
		ok "two allowlist.yaml entries, the one listing mallory $([ "${order%% *}" = "$evil_al" ] && echo first || echo second): malformed tree"
	else
		bad "two allowlist.yaml entries" "exit $T_RC: $(head -c 300 "$T_OUT")"
	fi
done

# ---- rebase merges: each commit the PR brings is judged ----
# GitHub's "Rebase and merge" replays every non-merge commit onto main, so a
# commit that deletes or rewrites a pointer main holds is refused even when
# the merge of the whole PR keeps it (review finding 02).
rb_refused() { # PATH VERB WHAT
	if [ "$T_RC" -eq 1 ] && grep -q "^$1: .*commit [0-9a-f]\{12\} $2 this existing file" "$T_OUT"; then
		ok "$3"
	else
		bad "$3" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}
# main gains Y after the PR's fork point; the PR adds Y (same bytes), then
# deletes it and adds its own N: the merge keeps Y, a rebase deletes it.
git -C "$R" checkout -q -f main
Y=$(cd "$R" && lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex rb-y)")
lf_commit "$R" "main adds Y"
git -C "$R" branch -qD pr >/dev/null 2>&1
git -C "$R" checkout -q -b pr main~1
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex rb-y)" >/dev/null
lf_commit "$R" "A: add Y as main has it"
git -C "$R" rm -q "$Y"
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex rb-n)" >/dev/null
lf_commit "$R" "B: drop Y, add N"
gate
rb_refused "$Y" deletes "rebase merge: a commit deleting main's pointer, its merge result keeping it"
git -C "$R" checkout -q -b rb-landed pr
if git -C "$R" rebase -q main >/dev/null 2>&1 && ! git -C "$R" cat-file -e "rb-landed:$Y" 2>/dev/null; then
	ok "(the scenario is real: git rebase main deletes Y)"
else
	bad "rebase scenario" "git rebase main kept Y"
fi
git -C "$R" rebase --abort >/dev/null 2>&1
git -C "$R" checkout -q -f main
git -C "$R" branch -qD rb-landed
# A commit rewrites X, the next restores it: the merge result is clean.
newpr
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" |
	sed 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' >"$R/$X"
lf_commit "$R" "rewrite X"
git -C "$R" checkout -q main -- "$X"
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex rb-m)" >/dev/null
lf_commit "$R" "restore X, add one"
gate
rb_refused "$X" modifies "rebase merge: a commit rewriting main's pointer, a later one restoring it"
# A commit moves the whole root away, the next moves it back.
newpr
git -C "$R" mv "$EV" "$EV-moved"
lf_commit "$R" "move the root away"
git -C "$R" mv "$EV-moved" "$EV"
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex rb-r)" >/dev/null
lf_commit "$R" "move it back, add one"
gate
rb_refused "$X" deletes "rebase merge: a commit renaming the evidence root away and back"
# Not a violation: a PR's commit deleting or rewriting what the PR itself
# added earlier (main never held it), and merges of main into the PR.
newpr
P=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex rb-own)")
lf_commit "$R" "add a pointer"
git -C "$R" rm -q "$P"
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex rb-own2)" >/dev/null
lf_commit "$R" "replace it by another"
git -C "$R" merge -q --no-edit main >/dev/null 2>&1
gate
expect_rc 0 "rebase merge: a commit deleting the PR's own earlier pointer passes"

# ---- case variants under the root ----
newpr
U=$(echo "$A_SLUG" | tr a-f A-F)
mkdir -p "$R/$EV/$RECIPE/$U"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" |
	sed 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' >"$R/$EV/$RECIPE/$U/sha256-$(lf_hex base-1).yaml"
lf_commit "$R" "upper slug"
gate
refused "an upper-case copy of alice's slug directory holding a re-dated copy of her pointer"
newpr
printf '*.yaml eol=crlf\n' >"$R/.GITATTRIBUTES"
lf_commit "$R" "upper attributes"
gate
refused ".GITATTRIBUTES at the top (case variant)"
newpr
printf '*.yaml eol=crlf\n' >"$R/$EV/$RECIPE/.gitattributes"
lf_commit "$R" "attributes inside"
gate
refused ".gitattributes inside the root"

# Case variants a case-insensitive checkout (macOS, Windows) folds onto the
# real paths (review findings 01, 03): refused like the exact spelling.
newpr
mkdir -p "$(dirname "$R/RECIPES/${X#recipes/}")"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" |
	sed 's/attestedAt: .*/attestedAt: 2099-01-01T00:00:00Z/' >"$R/RECIPES/${X#recipes/}"
lf_commit "$R" "RECIPES/ copy of X"
gate
if [ "$T_RC" -eq 1 ] && grep -q "^RECIPES: .*only by case" "$T_OUT"; then
	ok "a RECIPES/evidence copy of alice's pointer, re-dated (case-folds onto X)"
else
	bad "RECIPES/ copy" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi
newpr
mkdir -p "$R/recipes/Evidence/$RECIPE"
printf 'x\n' >"$R/recipes/Evidence/$RECIPE/note"
lf_commit "$R" "recipes/Evidence"
gate
refused "recipes/Evidence/ (the root's last element in another case)"
newpr
mkdir -p "$R/Recipes"
printf '*.yaml eol=crlf\n' >"$R/Recipes/.gitattributes"
lf_commit "$R" "Recipes/.gitattributes"
gate
refused "Recipes/.gitattributes (a case variant of a directory on the root's path)"
newpr
mkdir -p "$R/recipes/EVIDENCE"
printf '*.yaml eol=crlf\n' >"$R/recipes/EVIDENCE/.gitattributes"
lf_commit "$R" "recipes/EVIDENCE/.gitattributes"
gate
refused "recipes/EVIDENCE/.gitattributes (a case variant of the root)"
# Inside the root: a twin of X's path in another case, by a case-variant
# recipe directory (its pointer's recipe field agrees with the directory).
newpr
UR=$(echo "$RECIPE" | tr a-z A-Z)
mkdir -p "$R/$EV/$UR/$A_SLUG"
lf_pointer "$UR" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" >"$R/$EV/$UR/$A_SLUG/sha256-$(lf_hex base-1).yaml"
lf_commit "$R" "upper recipe twin"
gate
if [ "$T_RC" -eq 1 ] && grep -q "^$EV/$UR/$A_SLUG/.*only by case" "$T_OUT"; then
	ok "a pointer path that differs from X only by case (recipe directory)"
else
	bad "upper recipe twin" "exit $T_RC: $(head -c 300 "$T_OUT")"
fi

# Recipe directories Git for Windows cannot check out (review finding 04):
# one would make the ledger impossible to clone there.
for name in 'trail.' 'CON' 'aux' 'Com1' 'lpt9.txt' 'nul .x' 'x:y' 'a*b' 'a"b' 'a<b>' 'a|b' 'a?b'; do
	newpr
	H=$(lf_hex "win-$name")
	mkdir -p "$R/$EV/$name/$A_SLUG"
	lf_pointer "$name" "$ISS_OAUTH" "$ID_ALICE" "$H" >"$R/$EV/$name/$A_SLUG/sha256-$H.yaml"
	lf_commit "$R" "recipe $name"
	gate
	refused "recipe directory '$name' (Git for Windows refuses it)"
done
# ... while names that merely look alike pass.
for name in 'console' 'com10' 'aux-h100' 'con-x'; do
	newpr
	H=$(lf_hex "win-$name")
	mkdir -p "$R/$EV/$name/$A_SLUG"
	lf_pointer "$name" "$ISS_OAUTH" "$ID_ALICE" "$H" >"$R/$EV/$name/$A_SLUG/sha256-$H.yaml"
	lf_commit "$R" "recipe $name"
	gate
	expect_rc 0 "recipe directory '$name' (portable) passes"
done

# ---- rule 4: claims a real signed bundle does not support ----
# alice signs and pushes a run (loopback registry and Sigstore stack); a
# PR commits its pointer with one claim edited. Every edit is refused.
if [ ! -d "$(dirname "$0")/../sigstore-stack/node_modules" ]; then
	echo "# skip rule 4 cases: tests/sigstore-stack/node_modules missing (make deps)"
	t_end
fi
if ! signed_start "$T_WORK/s"; then bad "registry and Sigstore stack start"; t_end; fi
S_ALICE=alice@example.test
SR=$T_WORK/signed
git init -q -b main "$SR"
mkdir -p "$SR/$EV"
signed_allowlist "$SR/$EV" "alice $S_ALICE community" "alice2 Alice@example.test community" \
	"alice3 alice@EXAMPLE.test community"
git -C "$SR" add -A
git -C "$SR" -c user.name=t -c user.email=t@example.test commit -qm base
signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-run" 1
SOURCE_DATE_EPOCH=1750000000 signed_emit run "$S_ALICE" "$T_WORK/c-run" "$T_WORK/unpublished" || t_end
RUN=$SE_PTR
RUN_NAME=$(basename "$RUN")
REG_AT=$(sed -n 's|.*oci: "*\([^/]*\)/.*|\1|p' "$RUN")
# signed_pr NAME IDENTITY SED: commits the run's pointer, edited by SED, at
# the canonical path of IDENTITY; runs the gate with rule 4.
signed_pr() {
	local rel
	rel=$EV/$RECIPE/$(se_slug "$SE_ISSUER" "$2")/$RUN_NAME
	git -C "$SR" checkout -q -B pr main
	mkdir -p "$SR/$(dirname "$rel")"
	sed "$3" "$RUN" >"$SR/$rel"
	git -C "$SR" add -A
	git -C "$SR" -c user.name=t -c user.email=t@example.test commit -qm "$1"
	run check --repo "$SR" --base main --head pr --verify-signatures --trusted-root "$TR" \
		--registry-plain-http --cache "$T_WORK/sig-cache"
}
signed_refused() { # MESSAGE-RE WHAT
	if [ "$T_RC" -eq 1 ] && grep -qE -- "$1" "$T_OUT"; then ok "$2"; else
		bad "$2" "exit $T_RC: $(head -c 400 "$T_OUT")"
	fi
}
signed_pr control "$S_ALICE" ''
expect_rc 0 "control: alice's true claim passes rule 4"
signed_pr pt "$S_ALICE" 's|recipe-evidence/v3|recipe-evidence/v1|'
signed_refused 'predicateType differs' "predicateType v1 claimed for a v3 statement"
signed_pr rekor "$S_ALICE" 's|rekorLogIndex: [0-9]*|rekorLogIndex: 9999|'
signed_refused 'Rekor log index differs' "another Rekor log index claimed"
signed_pr date "$S_ALICE" 's|\(attestedAt: .*\):40Z|\1:39Z|'
signed_refused 'attestedAt differs' "attestedAt one second earlier"
signed_pr recipe "$S_ALICE" 's|^recipe: .*|recipe: h100-other|'
signed_refused 'recipe differs from the predicate' "another recipe claimed (and the directory kept)"
signed_pr oci "$S_ALICE" "s|oci: .*|oci: \"$REG_AT/evidence/nothing:x\"|"
signed_refused 'cannot be fetched|no signature for the claimed signer' "bundle.oci aimed at a repository without the bundle"
signed_pr upper-local Alice@example.test 's|identity: .*|identity: Alice@example.test|'
signed_refused 'identity differs from the cert' "identity Alice@ (allowlisted separately) for alice's bundle"
signed_pr upper-domain alice@EXAMPLE.test 's|identity: .*|identity: alice@EXAMPLE.test|'
signed_refused 'identity differs from the cert' "identity @EXAMPLE.test (allowlisted separately) for alice's bundle"

t_end
