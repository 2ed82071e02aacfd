#!/usr/bin/env bash
# tests/e2e/test_identity_regexp.sh -- the identity regexps of `verify
# --expected-identity-regexp` and `sigstore verify-bundle
# --certificate-identity-regexp` (issue 16 item 3, issue 26): RE2 in Go's
# dialect, the raw pattern compiled and refused (64) before any I/O, then
# matched against the whole identity -- so `x)|(.*` cannot escape an
# anchor. Bundles come from the project's local Sigstore stack, signed for
# alice@example.test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
t_begin
cd "$T_WORK" || exit 1
ISS=https://accounts.example.test
ESCAPE='bob@example\.test)|(.*'

# ---- refused before any I/O: the files named do not exist ----
run sigstore verify-bundle --bundle missing.json --certificate-oidc-issuer "$ISS" \
	--certificate-identity-regexp "$ESCAPE" missing.txt
expect_rc 64 "verify-bundle: a regexp that does not compile is a usage error"
expect_err "^aicr-evidence: --certificate-identity-regexp: unexpected \\): " "verify-bundle: the message names the flag and RE2's reason"
run verify missing-dir --expected-issuer "$ISS" --expected-identity-regexp "$ESCAPE"
expect_rc 64 "verify: a regexp that does not compile is a usage error"
expect_err "^aicr-evidence: --expected-identity-regexp: unexpected \\): " "verify: the message names the flag and RE2's reason"
run verify missing-dir --expected-identity-regexp 'a\C'
expect_rc 64 "verify: \\C (RE2 only, not Go) is refused"
run verify missing-dir --expected-identity-regexp ''
expect_rc 64 "verify: an empty regexp is refused"
run sigstore verify-bundle --help
expect_out 'anchored' "verify-bundle --help says the match is anchored"
run verify --help
expect_out 'anchored' "verify --help says the match is anchored"

# ---- against a real bundle ----
stack_up "$T_WORK/stack"
echo "artifact $RANDOM" >a.txt
run sigstore sign-bundle --identity-token "$TOKEN" \
	--bundle m.json --trusted-root "$TR" --signing-config "$SC" a.txt
expect_rc 0 "the stack signs a bundle for alice"
vb() { run sigstore verify-bundle --bundle m.json --certificate-oidc-issuer "$ISS" \
	--trusted-root "$TR" --certificate-identity-regexp "$1" a.txt; }
vb "$ESCAPE"
expect_rc 64 "bob's pattern with ')|(.*' does not let alice through"
vb 'alice@example\.test'
expect_rc 0 "the exact pattern matches"
vb 'alice'
expect_rc 2 "a pattern matching a prefix does not (anchored)"
vb 'example\.test'
expect_rc 2 "nor one matching the middle (cosign would)"
vb '.*@example\.test'
expect_rc 0 "a leading .* is how to match a domain"
vb 'bob@example\.test|alice@example\.test'
expect_rc 0 "a top-level '|' is anchored as a whole"
vb 'bob@example\.test|alice'
expect_rc 2 "... each branch whole"
vb '(?i)ALICE@EXAMPLE\.TEST'
expect_rc 0 "RE2 syntax: (?i)"
vb '\w+@example\.test'
expect_rc 0 "RE2 syntax: \\w"
t_end
