#!/usr/bin/env bash
# tests/e2e/test_attack_gate3.sh -- a third outside review's attacks on the
# merge gate's handling of a PR's own allowlist that the tool held (git
# repositories built with the git CLI; no network): YAML anchors, swapped
# sources, hostile labels, moved entries, duplicates across classes, a
# symlinked or sibling allowlist, first-party patterns that read wider than
# they look (RE2 flags, alternation, \z, \Q..\E, \x40, groups around the
# '@'), a PR adding an entry and the pointer it admits under --allowlist,
# and a PR moving an entry that the target delisted meanwhile. Every check
# is named after its attack.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
W=$T_WORK
GH=https://token.actions.githubusercontent.com
ISS=$SE_ISSUER
AL=recipes/evidence/allowlist.yaml

repo() { # a fresh repository with the base allowlist on main
	R=$W/repo-$RANDOM
	git init -q -b main "$R"
	git -C "$R" config user.email t@example.com
	git -C "$R" config user.name test
	git -C "$R" config commit.gpgsign false
	mkdir -p "$R/recipes/evidence"
	cat >"$R/$AL" <<YAML
schemaVersion: "1.0.0"
firstParty:
  - label: ci
    issuer: $GH
    identityPattern: '^https://github\.com/NVIDIA/aicr/\.github/workflows/ci\.yaml@refs/heads/main\$'
community:
  - label: alice
    issuer: $ISS
    source: 0123456789abcdef0123456789abcdef
partner:
  - label: bob
    issuer: $ISS
    source: fedcba9876543210fedcba9876543210
YAML
	git -C "$R" add -A
	git -C "$R" commit -qm base
}
# pr SCRIPT: on a branch pr, run SCRIPT in the repository, commit, check
pr() {
	git -C "$R" checkout -q -B pr main
	(cd "$R" && eval "$1")
	git -C "$R" add -A
	git -C "$R" commit -qm pr
	run check --repo "$R" --base main
	git -C "$R" checkout -q -f main
}
repo
run allowlist check "$R/$AL"
expect_rc 0 "setup: the base allowlist is valid"

pr "python3 -c \"import re;p='$AL';s=open(p).read();s=s.replace('  - label: ci','  - &fp\n    label: ci');s+='  - *fp\n';open(p,'w').write(s)\""
expect_rc 2 "a PR aliasing the first-party entry into partner (YAML anchor): refused"
pr "sed -i -e 's/0123456789abcdef0123456789abcdef/TMP/' -e 's/fedcba9876543210fedcba9876543210/0123456789abcdef0123456789abcdef/' -e 's/TMP/fedcba9876543210fedcba9876543210/' $AL"
expect_rc 0 "a PR swapping alice's and bob's sources: valid"
expect_out 'changes community entry label "alice" "source"' "  the note names alice's changed source"
expect_out 'changes partner entry label "bob" "source"' "  and bob's"
pr "sed -i 's/label: alice/label: \"alice\\\\n::error::x\\\\u202e\"/' $AL"
expect_rc 2 "a label holding a newline, a workflow command and U+202E: refused"
pr "sed -i \"s/refs\\\\/heads\\\\/main\\\$'/refs\\\\/heads\\\\/.*\\\$'/\" $AL"
expect_rc 0 "a PR widening the first-party ref to any branch: passes"
expect_out 'changes firstParty entry label "ci" "identityPattern".*main\$" -> .*\.\*\$"' "  with a note showing where the pattern changed"
pr "sed -i 's#issuer: $ISS\$#issuer: $ISS/#' $AL"
expect_out 'changes community entry label "alice" "issuer"' "an issuer gaining a trailing slash is noted as a change"
pr "python3 -c \"p='$AL';s=open(p).read();s=s.replace('community:\n','community:\n  - label: bob\n    issuer: $ISS\n    source: 11111111111111111111111111111111\n',1);open(p,'w').write(s)\""
expect_rc 2 "a second 'bob' label in another class: refused (duplicate label)"
pr "python3 -c \"p='$AL';s=open(p).read();s=s.replace('community:\n','community:\n  - label: bobby\n    issuer: $ISS\n    source: fedcba9876543210fedcba9876543210\n',1);open(p,'w').write(s)\""
expect_rc 2 "bob's source listed again under community: refused (duplicate source)"
pr "mkdir -p docs; sed 's/label: alice/label: mal/' $AL >docs/al.yaml; rm $AL; ln -s ../../docs/al.yaml $AL"
expect_rc 2 "allowlist.yaml replaced by a symlink to a file of the PR: refused"
pr "sed 's/label: alice/label: mal/' $AL >recipes/evidence/allowlist.yml"
expect_rc 1 "an allowlist.yml beside allowlist.yaml: a violation"
pr "sed -i 's/0123456789abcdef0123456789abcdef/0123456789ABCDEF0123456789ABCDEF/' $AL"
expect_rc 2 "an uppercase source: refused"

# first-party patterns that match more, or other, than they read
fp() { # PATTERN: an allowlist of that one first-party pattern
	printf 'schemaVersion: "1.0.0"\nfirstParty:\n  - label: ci\n    issuer: %s\n    identityPattern: %s\ncommunity: []\npartner: []\n' \
		"$GH" "'$1'" >"$W/fp.yaml"
	run allowlist check "$W/fp.yaml"
}
P0='^https://github\.com/NVIDIA/aicr/\.github/workflows/ci\.yaml'
for p in "(?i)$P0@refs/heads/main\$" "${P0//\\./.}@refs/heads/main\$" "$P0@refs/heads/main\$|^x\$" \
	"$P0@refs/heads/main\\z" "$P0@refs/heads/main\$\\n?" "^($P0)@refs/heads/main\$" \
	'^\Qhttps://github.com/NVIDIA/aicr/.github/workflows/ci.yaml\E@refs/heads/main$' \
	"$P0\\x40refs/heads/main\$" "$P0@refs/heads/main\$(?:)" "${P0/aicr/aic[r]}@refs/heads/main\$" \
	"$P0?@refs/heads/main\$" "${P0%l}\\w@refs/heads/main\$" "$P0(@)refs/heads/main\$" \
	"$P0@refs/heads/main\$|^https://github\\.com/evil/.*@.*\$"; do
	fp "$p"
	expect_rc 1 "first-party pattern '$(printf '%s' "$p" | cut -c1-70)': refused"
done
fp "$P0@refs/heads/main\$"
expect_rc 0 "control: the literal first-party pattern is valid"
run allowlist classify --allowlist "$W/fp.yaml" --issuer "$GH" \
	--identity 'https://github.com/nvidia/aicr/.github/workflows/ci.yaml@refs/heads/main'
expect_rc 1 "  another case of the workflow URL is not listed"
run allowlist classify --allowlist "$W/fp.yaml" --issuer "$GH" \
	--identity 'https://github.com/NVIDIA/aicr/.github/workflows/ci.yaml@refs/heads/main
'
expect_rc 1 "  the identity with a trailing newline is not listed"

# a PR adding alice and her pointer, judged with the target's allowlist
R=$W/r2
git init -q -b main "$R"
git -C "$R" config user.email t@example.com
git -C "$R" config user.name test
mkdir -p "$R/recipes/evidence"
signed_allowlist "$R/recipes/evidence" "bob bob@example.test partner" >/dev/null
git -C "$R" add -A
git -C "$R" commit -qm base
cp "$R/$AL" "$W/base-allowlist.yaml"
git -C "$R" checkout -q -b pr
signed_allowlist "$R/recipes/evidence" "bob bob@example.test partner" "alice alice@example.test community"
S=$(se_slug "$ISS" alice@example.test)
D=$(printf 'b%.0s' $(seq 64))
mkdir -p "$R/recipes/evidence/h100-eks-ubuntu-training/$S"
cat >"$R/recipes/evidence/h100-eks-ubuntu-training/$S/sha256-$D.yaml" <<YAML
attestations:
  - attestedAt: 2025-11-24T16:00:50Z
    bundle:
      digest: sha256:$D
      oci: "127.0.0.1:5000/evidence/alice:h100-eks-ubuntu-training-${D:0:32}"
      predicateType: https://aicr.run/recipe-evidence/v3
    signer:
      identity: alice@example.test
      issuer: $ISS
recipe: h100-eks-ubuntu-training
schemaVersion: 1.0.0
YAML
git -C "$R" add -A
git -C "$R" commit -qm "onboard alice with her pointer"
run check --repo "$R" --base main
expect_rc 0 "control: a PR onboarding alice with her pointer passes on its own allowlist"
expect_out 'adds community entry: label "alice"' "  with the onboarding note"
run check --repo "$R" --base main --allowlist "$W/base-allowlist.yaml"
expect_rc 1 "the same PR under --allowlist (the target's copy): her pointer is a violation"
expect_out 'is not in the allowlist' "  and says why"

# the target delists alice while a PR (branched before) moves her to partner
R=$W/r3
git init -q -b main "$R"
git -C "$R" config user.email t@example.com
git -C "$R" config user.name test
mkdir -p "$R/recipes/evidence"
signed_allowlist "$R/recipes/evidence" "bob bob@example.test partner" "alice alice@example.test community"
git -C "$R" add -A
git -C "$R" commit -qm base
git -C "$R" checkout -q -b pr
signed_allowlist "$R/recipes/evidence" "bob bob@example.test partner" "alice alice@example.test partner"
git -C "$R" commit -qam "alice: partner"
git -C "$R" checkout -q main
signed_allowlist "$R/recipes/evidence" "bob bob@example.test partner"
git -C "$R" commit -qam "delist alice"
git -C "$R" checkout -q pr
run check --repo "$R" --base main
expect_out 'adds partner entry: label "alice"' "a PR moving alice to partner after main delisted her: noted as adding her, not as a change"

t_end
