#!/usr/bin/env bash
# tests/e2e/test_check.sh -- the Evidence Pointer Contract checker against
# the adversarial suite of issue 7: each scenario is a git repository built
# here with the git CLI, a PR branch `pr` off `main`, and the checker run as
# CI runs it (`check --base main`). Every attack must be rejected with its
# own message; the clean cases must pass. Crypto scenarios (rule 4) live in
# test_check_signatures.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
B_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_BOB")

# scenario NAME: a fresh repo on a new branch `pr`; sets $R.
scenario() {
	R=$(lf_repo "$1")
	git -C "$R" checkout -q -b pr
}
# check_pr [ARGS]: runs the gate on the PR from the repo.
check_pr() { in_repo check --base main "$@"; }
# in_repo ARGS: runs the binary from inside $R (repository discovery).
in_repo() {
	local here=$PWD
	cd "$R" || return
	run "$@"
	cd "$here" || return
}
# expect_problem PATH-RE MESSAGE-RE WHAT: exit 1 and that stdout line.
expect_problem() {
	if [ "$T_RC" -ne 1 ]; then
		bad "$3" "exit $T_RC, want 1"
	elif grep -qE -- "^$1: .*$2" "$T_OUT"; then
		ok "$3"
	else
		bad "$3" "no line /^$1: .*$2/ in: $(head -c 400 "$T_OUT")"
	fi
}
base_ptr() { echo "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-1).yaml"; }

# ---- clean cases ----
scenario clean-one
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex 1)" >/dev/null
lf_commit "$R" "add one"
check_pr
expect_rc 0 "one valid addition passes"
expect_err 'check: 0 problems in 1 changed files, 1 pointer read' "the summary counts one pointer"

scenario clean-many
for i in 1 2 3; do lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "m$i")" >/dev/null; done
lf_add "$R" other-recipe "$ISS_OAUTH" "$ID_BOB" "$(lf_hex m4)" >/dev/null
lf_commit "$R" "add many"
check_pr --workers 2
expect_rc 0 "many valid additions by two signers pass"

scenario clean-onboard
cat >>"$R/$EV/allowlist.yaml" <<EOF
  - label: carol
    issuer: $ISS_OAUTH
    source: $(lf_slug "$ISS_OAUTH" "$ID_CAROL")
EOF
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_CAROL" "$(lf_hex c1)" >/dev/null
lf_commit "$R" "onboard carol"
check_pr
expect_rc 0 "allowlist onboarding plus the signer's first pointer passes"
expect_out "^note: $EV/allowlist.yaml: adds partner entry: label \"carol\"" "the new allowlist entry is shown to the reviewer"
git -C "$R" show main:"$EV/allowlist.yaml" >"$T_WORK/onboard-base.yaml"
check_pr --allowlist "$T_WORK/onboard-base.yaml"
expect_rc 1 "without the onboarding the same pointer would be rejected"
in_repo check
expect_rc 0 "the audit of the onboarded tree is clean"

scenario clean-target-moved
git -C "$R" checkout -q main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex main-later)" >/dev/null
lf_commit "$R" "main moves on"
git -C "$R" checkout -q pr
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex 2)" >/dev/null
lf_commit "$R" "pr adds"
check_pr
expect_rc 0 "a pointer added on main after branching does not look deleted (merge base)"

# ---- rule 1: add-only ----
scenario modified
echo "# edited" >>"$R/$(base_ptr)"
lf_commit "$R" "edit"
check_pr
expect_problem "$(base_ptr)" 'pointers are immutable \(add-only\): existing file modified' "a modified pointer is rejected"

scenario deleted
git -C "$R" rm -q "$(base_ptr)"
lf_commit "$R" "delete"
check_pr
expect_problem "$(base_ptr)" 'add-only\): existing file deleted' "a deleted pointer is rejected"

scenario renamed
git -C "$R" mv "$(base_ptr)" "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-9).yaml"
lf_commit "$R" "rename"
check_pr
expect_problem "$(base_ptr)" 'add-only\): existing file deleted' "a renamed pointer is a deletion (no rename detection)"
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex base-9).yaml" 'filename does not match bundle.digest' "the renamed copy is misnamed"

scenario renamed-edited
mv "$R/$(base_ptr)" "$R/$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex r2).yaml"
sed -i "s/$(lf_hex base-1)/$(lf_hex r2)/" "$R/$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex r2).yaml"
lf_commit "$R" "rename and fix digest"
check_pr
expect_problem "$(base_ptr)" 'existing file deleted' "a rename with edits cannot pass as a fresh addition"

scenario copied-over
cp "$R/$EV/$RECIPE/$B_SLUG/sha256-$(lf_hex base-2).yaml" "$R/$(base_ptr)"
lf_commit "$R" "copy over"
check_pr
expect_problem "$(base_ptr)" 'existing file modified' "a pointer copied over another is rejected"

scenario symlinked
rm "$R/$(base_ptr)"
ln -s "../$B_SLUG/sha256-$(lf_hex base-2).yaml" "$R/$(base_ptr)"
lf_commit "$R" "symlink"
check_pr
expect_problem "$(base_ptr)" 'existing file type changed 100644 -> 120000' "a pointer replaced by a symlink is rejected"

scenario chmod
chmod +x "$R/$(base_ptr)"
lf_commit "$R" "chmod"
check_pr
expect_problem "$(base_ptr)" 'existing file mode changed 100644 -> 100755' "a mode change is rejected"

scenario signer-edited
sed -i "s/$ID_ALICE/$ID_BOB/" "$R/$(base_ptr)"
lf_commit "$R" "claim bob"
check_pr
expect_problem "$(base_ptr)" 'existing file modified' "editing the claimed signer of an existing pointer is rejected"

scenario merge-hides
echo "# sneaky" >>"$R/$(base_ptr)"
lf_commit "$R" "edit"
git -C "$R" checkout -q main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex mh)" >/dev/null
lf_commit "$R" "main"
git -C "$R" checkout -q pr
git -C "$R" merge -q --no-edit main
lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex mh2)" >/dev/null
lf_commit "$R" "more"
check_pr
expect_problem "$(base_ptr)" 'existing file modified' "a merge commit does not hide an earlier modification"

# ---- rule 2: placement ----
scenario misnamed
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex 3)")
git -C "$R" mv -f "$rel" "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex 4).yaml" 2>/dev/null || mv "$R/$rel" "$R/$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex 4).yaml"
lf_commit "$R" "misnamed"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex 4).yaml" "filename does not match bundle.digest sha256:$(lf_hex 3)" "filename != digest is rejected"

scenario upper-hex
h=$(lf_hex 5)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/$A_SLUG/sha256-${h^^}.yaml"
lf_commit "$R" "upper"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-${h^^}.yaml" 'pointer filename must be sha256-<64 lowercase hex>.yaml' "an uppercase-hex filename is rejected"

scenario short-hex
h=$(lf_hex 6)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "${h:0:63}" >"$R/$EV/$RECIPE/$A_SLUG/sha256-${h:0:63}.yaml"
lf_commit "$R" "63 hex"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-${h:0:63}.yaml" 'pointer filename must be sha256-<64 lowercase hex>.yaml' "a 63-hex filename is rejected"
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-${h:0:63}.yaml" 'invalid pointer: .*digest' "a 63-hex digest fails the schema"

for ext in yml json; do
	scenario "ext-$ext"
	h=$(lf_hex "e$ext")
	lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.$ext"
	lf_commit "$R" "$ext"
	check_pr
	expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.$ext" 'only sha256-<64 lowercase hex>.yaml pointer files are allowed' "a .$ext file under <src> is rejected"
done

scenario readme
echo "hello" >"$R/$EV/$RECIPE/$A_SLUG/README"
lf_commit "$R" "readme"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/README" 'only sha256-<64 lowercase hex>.yaml pointer files are allowed' "a README under <src> is rejected"

scenario subdir
mkdir -p "$R/$EV/$RECIPE/$A_SLUG/nested"
h=$(lf_hex 7)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/$A_SLUG/nested/sha256-$h.yaml"
lf_commit "$R" "subdir"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/nested/sha256-$h.yaml" 'unexpected sub-directory under <recipe>/<src>/' "a sub-directory under <src> is rejected"

scenario loose
h=$(lf_hex 8)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/sha256-$h.yaml"
lf_commit "$R" "loose"
check_pr
expect_problem "$EV/$RECIPE/sha256-$h.yaml" 'pointer must live under <recipe>/<src>/, not directly in the recipe directory' "a file directly under <recipe> is rejected"

scenario root-stray
echo "x: 1" >"$R/$EV/stray.yaml"
lf_commit "$R" "stray"
check_pr
expect_problem "$EV/stray.yaml" 'unexpected file at the evidence root' "a stray file at the evidence root is rejected"

scenario recipe-mismatch
h=$(lf_hex 9)
mkdir -p "$R/$EV/$RECIPE/$A_SLUG"
lf_pointer other-recipe "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "mismatch"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'pointer recipe "other-recipe" does not match its directory' "recipe field != directory is rejected"

for bad_recipe in ".." "/abs/evil" "../../etc/evil"; do
	scenario "recipe-traversal-${#bad_recipe}"
	h=$(lf_hex "t${#bad_recipe}")
	lf_pointer "$bad_recipe" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
	lf_commit "$R" "traversal"
	check_pr
	expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'invalid pointer: .*recipe' "recipe $bad_recipe is rejected by the schema"
done

scenario squat-dir
h=$(lf_hex 10)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$h" >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "squat"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" "claimed signer maps to source $(lf_slug "$ISS_OAUTH" "$ID_MALLORY") but the pointer is committed under \"$A_SLUG\"" "a pointer under another signer's directory is rejected"

scenario bad-slug-dir
h=$(lf_hex 11)
mkdir -p "$R/$EV/$RECIPE/alice"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/$RECIPE/alice/sha256-$h.yaml"
lf_commit "$R" "named dir"
check_pr
expect_problem "$EV/$RECIPE/alice/sha256-$h.yaml" 'source directory "alice" is not a 32-hex signer slug' "a source directory that is not a slug is rejected"

scenario new-symlink
ln -s "sha256-$(lf_hex base-1).yaml" "$R/$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex 12).yaml"
lf_commit "$R" "new symlink"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$(lf_hex 12).yaml" 'symlinks are not allowed under the evidence root' "a new symlink is rejected"

scenario executable
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex 13)")
chmod +x "$R/$rel"
lf_commit "$R" "exec"
check_pr
expect_problem "$rel" 'pointer must be a regular file of mode 100644, not 100755' "an executable pointer is rejected"

scenario submodule
sub=$(git -C "$R" rev-parse HEAD)
git -C "$R" update-index --add --cacheinfo "160000,$sub,$EV/$RECIPE/$A_SLUG/sub"
git -C "$R" commit -q -m "gitlink"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sub" 'submodules are not allowed under the evidence root' "a submodule under the root is rejected"

scenario hidden
h=$(lf_hex 14)
mkdir -p "$R/$EV/.hidden/$A_SLUG"
lf_pointer .hidden "$ISS_OAUTH" "$ID_ALICE" "$h" >"$R/$EV/.hidden/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "hidden"
check_pr
expect_problem "$EV/.hidden/$A_SLUG/sha256-$h.yaml" 'path element ".hidden" is not a plain ASCII name' "a dot-directory is rejected"

scenario newline-name
printf 'x' >"$R/$EV/$RECIPE/$A_SLUG/$(printf 'evil\nforged: line')"
lf_commit "$R" "newline"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/evil\\\\x0aforged: line" 'not a plain ASCII name' "a newline in a file name is escaped, not printed raw"
if grep -q '^forged' "$T_OUT"; then bad "a file name cannot forge a report line"; else ok "a file name cannot forge a report line"; fi

# ---- rule 3: schema and allowlist ----
scenario unsigned
h=$(lf_hex 15)
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" | sed '/signer:/,/rekorLogIndex/d' >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "unsigned"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'committed pointer must be signed' "an unsigned nested pointer is rejected"

scenario unlisted
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex 16)")
lf_commit "$R" "unlisted"
check_pr
expect_problem "$rel" 'is not in the allowlist' "an unlisted signer is rejected"

scenario first-party
rel=$(lf_add "$R" "$RECIPE" "$ISS_GHA" "$ID_CI" "$(lf_hex 17)")
lf_commit "$R" "first party"
check_pr
expect_problem "$rel" 'first-party signer must ingest directly' "a first-party signer committing a pointer is rejected"

scenario wrong-issuer
rel=$(lf_add "$R" "$RECIPE" "$ISS_GHA" "$ID_ALICE" "$(lf_hex 18)")
lf_commit "$R" "wrong issuer"
check_pr
expect_problem "$rel" 'is not in the allowlist' "the right identity under another issuer is not allowlisted"

scenario two-attestations
h=$(lf_hex 19)
{ lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" | sed -n '1,10p'
  lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" | sed -n '2,10p'
  echo "recipe: $RECIPE"; echo "schemaVersion: 1.0.0"; } >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "two"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'invalid pointer: .*attestation' "two attestations are rejected"

scenario alias-bomb
h=$(lf_hex 20)
{ echo 'a: &a ["x","x","x","x","x","x","x","x","x"]'
  echo 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'
  echo 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'
  echo 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'
  lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h"; } >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "bomb"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'invalid pointer: .*(alias|anchor)' "a YAML alias bomb is rejected"

scenario duplicate-keys
h=$(lf_hex 21)
{ lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h"; echo "recipe: other"; } >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "dup"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'invalid pointer: .*duplicate' "duplicate keys are rejected"

scenario huge
h=$(lf_hex 22)
{ lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h"; printf '# %s\n' "$(head -c 2097152 /dev/zero | tr '\0' x)"; } >"$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_commit "$R" "huge"
check_pr
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'invalid pointer: 2097[0-9]+ bytes, cap 1048576' "a 2 MiB pointer is rejected unread"

scenario at-cap
h=$(lf_hex 23)
f="$R/$EV/$RECIPE/$A_SLUG/sha256-$h.yaml"
lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$h" >"$f"
pad=$((1048576 - $(stat -c %s "$f") - 3))
printf '# %s\n' "$(head -c "$pad" /dev/zero | tr '\0' x)" >>"$f"
lf_commit "$R" "at cap"
check_pr
if [ "$(stat -c %s "$f")" -eq 1048576 ] && [ "$T_RC" -eq 0 ]; then ok "a pointer of exactly 1 MiB is read and passes"; else bad "a pointer of exactly 1 MiB is read and passes" "size $(stat -c %s "$f") exit $T_RC"; fi
echo "#" >>"$f"
lf_commit "$R" "cap+1"
in_repo check
expect_problem "$EV/$RECIPE/$A_SLUG/sha256-$h.yaml" 'bytes, cap 1048576' "one byte over the cap is rejected"

# ---- the allowlist itself: invalid means the check cannot decide (exit 2) ----
scenario al-identity
sed -i "s/^  - label: alice/  - label: alice\n    identity: $ID_ALICE/" "$R/$EV/allowlist.yaml"
lf_commit "$R" "cleartext"
check_pr
expect_rc 2 "an allowlist with a cleartext identity: stops the check"
expect_err 'aicr-evidence: check: invalid allowlist allowlist.yaml: .*identity' "the error names the identity key"
expect_err '^hint: .*allowlist check' "a hint points at allowlist check"

scenario al-overlap
cat >>"$R/$EV/allowlist.yaml.tmp" <<EOF
EOF
python3 - "$R/$EV/allowlist.yaml" "$ISS_GHA" <<'EOF'
import sys
p, iss = sys.argv[1], sys.argv[2]
s = open(p).read()
extra = ("  - label: acme-uat-2\n    issuer: %s\n    identityPattern: "
         "^https://github\\.com/acme/ledger/\\.github/workflows/uat\\.yaml@refs/tags/.+$\n") % iss
s = s.replace("community:\n", extra + "community:\n")
open(p, "w").write(s)
EOF
rm -f "$R/$EV/allowlist.yaml.tmp"
lf_commit "$R" "overlap"
check_pr
expect_rc 2 "an overlapping identityPattern stops the check"
expect_err 'overlap' "the error says the patterns overlap"

scenario al-wildcard
sed -i 's|identityPattern: .*|identityPattern: ^https://github\\.com/.+/uat\\.yaml@refs/heads/main$|' "$R/$EV/allowlist.yaml"
lf_commit "$R" "wildcard"
check_pr
expect_rc 2 "a wildcard left of @ stops the check"
expect_err '@' "the error is about the part left of @"

scenario al-deleted
git -C "$R" rm -q "$EV/allowlist.yaml"
lf_commit "$R" "no allowlist"
check_pr
expect_rc 2 "a PR deleting the allowlist cannot be checked"
expect_err 'no allowlist.yaml' "the error says the allowlist is missing"

scenario al-file
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_CAROL" "$(lf_hex 24)")
sed -i "s/$(lf_slug "$ISS_OAUTH" "$ID_BOB")/$(lf_slug "$ISS_OAUTH" "$ID_CAROL")/" "$R/$EV/allowlist.yaml"
lf_commit "$R" "self-vouch"
git -C "$R" show main:"$EV/allowlist.yaml" >"$T_WORK/trusted-allowlist.yaml"
check_pr --allowlist "$T_WORK/trusted-allowlist.yaml"
expect_problem "$rel" 'is not in the allowlist' "--allowlist FILE (the base's copy) keeps a PR from vouching for itself"
expect_out "^note: $EV/allowlist.yaml: changes partner entry label \"bob\" \"source\": \"$(lf_slug "$ISS_OAUTH" "$ID_BOB")\" -> \"$(lf_slug "$ISS_OAUTH" "$ID_CAROL")\"" "an entry whose source the PR swapped is shown to the reviewer, old and new"

# ---- audit mode, report shape, operational errors ----
scenario audit
echo x >"$R/$EV/README.md"
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex 25)")
lf_commit "$R" "audit"
in_repo check --format json
expect_rc 1 "the whole-tree audit finds the problems"
if [ "$(jq -r '.problems | length' "$T_OUT")" = 2 ] &&
	[ "$(jq -r '.problems[0].path' "$T_OUT")" = "$EV/README.md" ] &&
	[ "$(jq -r '.problems[1].rule' "$T_OUT")" = allowlist ] &&
	[ "$(jq -r '.summary.mode' "$T_OUT")" = audit ] &&
	[ "$(jq -r '.summary.pointers' "$T_OUT")" = 3 ]; then
	ok "the JSON report lists every problem with path, rule, message"
else
	bad "the JSON report lists every problem with path, rule, message" "$(head -c 600 "$T_OUT")"
fi
in_repo check --format json -o "$T_WORK/report.json"
if [ ! -s "$T_OUT" ] && [ "$(jq -r '.problems | length' "$T_WORK/report.json")" = 2 ]; then ok "-o writes the report to a file"; else bad "-o writes the report to a file"; fi

scenario worktree-ignored
rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex 26)")
check_pr
expect_rc 0 "uncommitted files in the work tree are not judged (object database only)"
run check --repo "$R" --base main --head pr
expect_rc 0 "--repo and --head select the repository and revision"

run check --repo "$T_WORK" --base main
expect_rc 2 "a directory that is no repository is an operational error"
expect_err 'aicr-evidence: check: cannot open the git repository' "the error says why"

scenario unknown-rev
check_pr --base no-such-branch
expect_rc 2 "an unknown revision is an operational error"

check_pr --root no/such/root
expect_rc 2 "a missing evidence root is an operational error"
expect_err 'no evidence root' "the error names the missing root"

run check --head x
expect_rc 64 "--head without --base is a usage error"
run check --offline
expect_rc 64 "--offline without --verify-signatures is a usage error"
run check --format xml
expect_rc 64 "an unknown format is a usage error"
run check --root /abs --repo "$R"
expect_rc 2 "an absolute --root is refused"

t_end
