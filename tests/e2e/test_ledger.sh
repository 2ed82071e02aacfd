#!/usr/bin/env bash
# tests/e2e/test_ledger.sh -- `aicr-evidence ledger` without --verify: usage
# errors, the claimed basis said out loud, classes from the allowlist,
# unverifiable pointers with reasons, identities withheld, the JSON schema.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ledger_fixture.sh"
t_begin

root=$T_WORK/evidence
ledger_fixture "$root"

run ledger --help
expect_rc 0 "ledger --help exits 0"
expect_out '^usage: aicr-evidence ledger' "help prints the usage line"

run ledger --root "$root" --format yaml
expect_rc 64 "an unknown format is a usage error"
run ledger --root "$root" --offline
expect_rc 64 "--offline without --verify is a usage error"
run ledger --root "$root" --verify --offline
expect_rc 64 "--offline without --cache is a usage error"
run ledger --root "$root" --registry-ca /nonexistent
expect_rc 64 "a registry flag without --verify is a usage error"
run ledger --root "$root" --verify --registry-username u
expect_rc 64 "--registry-username without --registry-password-stdin is a usage error"
run ledger --root "$root" --verify --registry-plain-http --registry-insecure-tls
expect_rc 64 "conflicting registry flags are a usage error"
run ledger --root "$root" --jobs 0
expect_rc 64 "--jobs 0 is a usage error"
run ledger --root "$root" --bogus
expect_rc 64 "an unknown option is a usage error"
run ledger --root "$T_WORK/absent"
expect_rc 2 "a missing evidence root is an error"
expect_err '^aicr-evidence: .*absent.*does not exist' "the error names the root"
run ledger --root "$root" ../etc
expect_rc 2 "a recipe that is not a plain name is refused"

run ledger --root "$root"
expect_rc 0 "the claimed report exits 0"
expect_out 'basis: CLAIMED, NOT VERIFIED' "the text says nothing was verified"
expect_out '^h100-eks-ubuntu-training +UNTESTED' "claims alone corroborate nothing"
expect_out "community +claimed +$SLUG_ALICE alice" "alice is classified community"
expect_out "partner +claimed +$SLUG_BOB bob" "bob is classified partner"
expect_out "reported +claimed +$SLUG_CAROL" "carol (not listed) is reported"
expect_out "not counted: .*slug" "the squatting pointer is listed with its reason"
expect_out "not counted: .*not signed" "the unsigned pointer is listed with its reason"
if grep -q 'example.com' "$T_OUT"; then
	bad "no claimed identity is printed"
else
	ok "no claimed identity is printed"
fi

run ledger --root "$root" --show-identities
if grep -q 'example.com' "$T_OUT"; then
	bad "--show-identities never prints a claimed identity"
else
	ok "--show-identities never prints a claimed identity"
fi

run ledger --root "$root" --format json
expect_rc 0 "the JSON report exits 0"
if jq -e '.schemaVersion == "aicr-evidence-ledger/v1" and .basis == "claimed"
	and (.recipes | map(.name)) == ["gb200-oke-ubuntu-inference","h100-eks-ubuntu-training"]
	and (.recipes[1].pointers | length) == 5
	and ([.recipes[1].pointers[] | select(.reason)] | length) == 2
	and ([.signers[] | select(.counts)] | length) == 0
	and (.recipes[1].state == "UNTESTED")' "$T_OUT" >/dev/null; then
	ok "the JSON follows docs/ledger.md"
else
	bad "the JSON follows docs/ledger.md" "$(head -c 300 "$T_OUT")"
fi

run ledger --root "$root" --format json gb200-oke-ubuntu-inference no-such-recipe
if jq -e '(.recipes | map(.name)) == ["gb200-oke-ubuntu-inference","no-such-recipe"]
	and .recipes[1].state == "UNTESTED"' "$T_OUT" >/dev/null; then
	ok "named recipes only; a recipe without pointers is UNTESTED"
else
	bad "named recipes only; a recipe without pointers is UNTESTED" "$(head -c 300 "$T_OUT")"
fi

run ledger --root "$root" --format html -o "$T_WORK/out.html"
expect_rc 0 "the HTML report is written with -o"
if [ ! -s "$T_OUT" ] && grep -q '<!DOCTYPE html>' "$T_WORK/out.html"; then
	ok "-o writes the file and nothing to stdout"
else
	bad "-o writes the file and nothing to stdout"
fi

# --verify --offline with an empty cache: every signed pointer is listed as
# unverifiable with the fetch failure, nothing votes, no network is used
# (the proxy points at a closed port: a connection attempt would hang or
# fail differently).
mkdir -p "$T_WORK/cache"
HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
	run ledger --root "$root" --verify --offline --cache "$T_WORK/cache" --format json
expect_rc 0 "--verify --offline with an empty cache still writes the report"
if jq -e '.basis == "verified"
	and ([.recipes[].pointers[] | select(.reason | test("^bundle fetch: "))] | length) == 4
	and ([.signers[] | select(.vote == "verified")] | length) == 0
	and ([.recipes[].state] | unique) == ["UNTESTED"]' "$T_OUT" >/dev/null; then
	ok "unfetchable bundles are unverifiable, with the reason, and never vote"
else
	bad "unfetchable bundles are unverifiable, with the reason, and never vote" "$(jq -c '[.recipes[].pointers[].reason]' "$T_OUT" 2>&1 | head -c 400)"
fi

t_end
