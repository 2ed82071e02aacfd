#!/usr/bin/env bash
# tests/e2e/test_sigstore_verify.sh -- `sigstore verify-bundle`, the
# sigstore-conformance client protocol (sigstore-conformance.md §1): argv
# shape and usage errors (64), FILE_OR_DIGEST rule, exit 0 only on success
# with a one-line reason otherwise. Bundles come from the project's own
# Sigstore stack (tests/sigstore-stack), signed by `sigstore sign-bundle`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
t_begin

# ---- argv shape, before any I/O ----
run sigstore verify-bundle --help
expect_rc 0 "--help exits 0"
expect_out '^usage: aicr-evidence sigstore verify-bundle' "--help prints the usage"
run sigstore verify-bundle --bundle b.json a.txt
expect_rc 64 "no identity policy and no key is a usage error"
run sigstore verify-bundle --bundle b.json --key k.pub --certificate-identity i a.txt
expect_rc 64 "--key with identity flags is a usage error"
run sigstore verify-bundle --bundle b.json --key k.pub
expect_rc 64 "a missing FILE_OR_DIGEST is a usage error"
run sigstore verify-bundle --bundle b.json --key k.pub a.txt b.txt
expect_rc 64 "two FILE_OR_DIGEST arguments are a usage error"
run sigstore verify-bundle --bundle b.json --key k.pub --frobnicate a.txt
expect_rc 64 "an unknown option is a usage error"
run sigstore verify-bundle --bundle
expect_rc 64 "a flag without its value is a usage error"

cd "$T_WORK" || exit 1
run sigstore verify-bundle --bundle missing.json --key k.pub a.txt
expect_rc 2 "a missing bundle file fails"
expect_err '^aicr-evidence: missing.json: ' "the error names the bundle"
printf '{"mediaType":"x"' >broken.json
echo key >k.pub
run sigstore verify-bundle --bundle broken.json --key k.pub a.txt
expect_rc 2 "malformed bundle JSON fails"
[ "$(wc -l <"$T_ERR")" -eq 1 ] && ok "the reason is one line" || bad "the reason is one line" "$(cat "$T_ERR")"
run sigstore verify-bundle --staging --bundle broken.json --key k.pub a.txt
expect_rc 2 "--staging without an embedded staging root fails"

# ---- real bundles from the local stack ----
stack_up "$T_WORK/stack"
ID=alice@example.test
ISS=https://accounts.example.test
echo "artifact $RANDOM" >a.txt
DIGEST=sha256:$(sha256sum a.txt | cut -d' ' -f1)
run sigstore sign-bundle --identity-token "$TOKEN" --bundle m.json \
	--trusted-root "$TR" --signing-config "$STACK_DIR/signing_config.json" a.txt
expect_rc 0 "the stack signs a message bundle"

v() { run sigstore verify-bundle --bundle "$@"; }
v m.json --key k.pub --trusted-root "$TR" a.txt
expect_rc 2 "a key file that is not a PEM public key fails"
expect_err '^aicr-evidence: k.pub: key is not a PEM public key$' "the error names the key file, not the bundle"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 0 "PATH mode verifies"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" "$DIGEST"
expect_rc 0 "DIGEST mode verifies"
v m.json --certificate-identity-regexp 'alice@example\.(test|org)' --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 0 "an anchored identity regex matches"
v m.json --certificate-identity-regexp 'alice@example' --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 2 "a regex matching only a prefix does not"
v m.json --certificate-identity bob@example.test --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 2 "another identity fails"
expect_err "^aicr-evidence: m.json: certificate identity \"alice@example.test\" does not match the policy$" "the reason names the certificate identity"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer https://other.example --trusted-root "$TR" a.txt
expect_rc 2 "another issuer fails"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" a.txt
expect_rc 2 "without the stack's root (public good only) it fails"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" "sha256:$(printf '0%.0s' {1..64})"
expect_rc 2 "another digest fails"
echo tampered >>a.txt
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" a.txt
expect_rc 2 "a changed artifact fails"

# FILE_OR_DIGEST: a file literally named like a digest is a path.
cp a.txt "$DIGEST"
v m.json --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" --trusted-root "$TR" "$DIGEST"
expect_rc 2 "an existing file named sha256:<hex> is read as a path"

t_end
