# tests/e2e/check_fixture.sh -- builds evidence ledgers in git repositories
# for the contract checker's tests (sourced; needs lib.sh's $T_WORK).
#
#   lf_slug ISSUER IDENTITY          32-hex source slug (SPEC §3)
#   lf_hex N                         a stable 64-hex digest for the number N
#   lf_pointer RECIPE ISSUER IDENTITY HEX [REKOR]   pointer V1 on stdout
#   lf_repo NAME                     a repo with the test allowlist committed
#                                    on branch main; prints its path
#   lf_add REPO RECIPE ISSUER IDENTITY HEX   writes a pointer at its
#                                    canonical path; prints the path
#   lf_commit REPO MSG               commits everything
#   lf_edit FILE EXPR                rewrites FILE with the Python expression
#                                    EXPR over its text `s`; fails when the
#                                    edit changes nothing
#
# Signers: alice (community), bob (partner), mallory (not listed), the CI
# workflow (first party, matched by pattern).
ISS_OAUTH=https://github.com/login/oauth
ISS_GHA=https://token.actions.githubusercontent.com
ID_ALICE=alice@example.com
ID_BOB=bob@example.com
ID_MALLORY=mallory@example.com
ID_CAROL=carol@example.com
ID_CI=https://github.com/acme/ledger/.github/workflows/uat.yaml@refs/heads/main
RECIPE=h100-eks-ubuntu-training
EV=recipes/evidence

lf_slug() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }
lf_hex() { printf 'pointer-%s' "$1" | sha256sum | cut -c1-64; }

lf_pointer() { # RECIPE ISSUER IDENTITY HEX [REKOR]
	cat <<EOF
attestations:
  - attestedAt: 2026-06-25T05:57:00Z
    bundle:
      digest: sha256:$4
      oci: ghcr.io/acme/aicr-evidence:$1-${4:0:12}
      predicateType: https://aicr.run/recipe-evidence/v3
    signer:
      identity: $3
      issuer: $2
      rekorLogIndex: ${5:-42}
recipe: $1
schemaVersion: 1.0.0
EOF
}

lf_allowlist() {
	cat <<EOF
schemaVersion: "1.0.0"
firstParty:
  - label: acme-uat
    issuer: $ISS_GHA
    identityPattern: ^https://github\.com/acme/ledger/\.github/workflows/uat\.yaml@refs/heads/.+\$
community:
  - label: alice
    issuer: $ISS_OAUTH
    source: $(lf_slug "$ISS_OAUTH" "$ID_ALICE")
partner:
  - label: bob
    issuer: $ISS_OAUTH
    source: $(lf_slug "$ISS_OAUTH" "$ID_BOB")
EOF
}

lf_repo() { # NAME
	local r=$T_WORK/$1
	git init -q -b main "$r"
	git -C "$r" config user.email t@example.com
	git -C "$r" config user.name test
	git -C "$r" config commit.gpgsign false
	mkdir -p "$r/$EV"
	lf_allowlist >"$r/$EV/allowlist.yaml"
	lf_add "$r" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex base-1)" >/dev/null
	lf_add "$r" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$(lf_hex base-2)" >/dev/null
	lf_commit "$r" "ledger base"
	echo "$r"
}

lf_add() { # REPO RECIPE ISSUER IDENTITY HEX
	local rel="$EV/$2/$(lf_slug "$3" "$4")/sha256-$5.yaml"
	mkdir -p "$(dirname "$1/$rel")"
	lf_pointer "$2" "$3" "$4" "$5" >"$1/$rel"
	echo "$rel"
}

lf_commit() { # REPO MSG
	git -C "$1" add -A
	git -C "$1" commit -q --allow-empty -m "$2"
}

lf_edit() { # FILE EXPR
	python3 -c '
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p).read()
t = eval(expr)
assert t != s, "the edit changed nothing"
open(p, "w").write(t)
' "$1" "$2"
}
