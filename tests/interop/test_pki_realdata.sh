#!/usr/bin/env bash
# tests/interop/test_pki_realdata.sh -- the PKI checks of evidence/ (chain at
# a time, leaf profile, identity, SCT, RFC 3161) on the real
# sigstore-conformance bundles and trusted roots in $SHARED.
#
# Compiles tests/interop/pki_driver.c against the built library and compares
# its per-check verdicts with what each case's README says (sigstore.md §4,
# §7). Only the PKI verdicts are checked here; the whole-bundle verdicts are
# the conformance run's job.
. "$(dirname "$0")/../e2e/lib.sh"
t_begin

cases=${SHARED:-}/conformance/assets/bundle-verify
if [ ! -d "$cases" ]; then
	echo "test_pki_realdata: SKIPPED -- ${SHARED:-../shared}/conformance is absent, real-data PKI checks did NOT run"
	echo "test_pki_realdata: 0 passed, 0 failed"
	exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
lib=$(dirname "$AE_BIN")/libaicr.a
driver=$T_WORK/pki_driver
# shellcheck disable=SC2046
if ! cc -std=c11 -D_GNU_SOURCE -I"$here/../.." -o "$driver" "$here/pki_driver.c" \
	"$lib" $(pkg-config --libs openssl jansson yaml-0.1) 2>"$T_ERR"; then
	bad "the driver compiles against $lib"
	t_end
fi
good_root=${SHARED}/data/public-good-trusted_root.json

pki() { # CASE -> driver output in $T_OUT
	local root=$cases/$1/trusted_root.json
	[ -f "$root" ] || root=$good_root
	"$driver" "$root" "$cases/$1/bundle.sigstore.json" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
}

# Every happy case passes every PKI check it reaches.
for d in "$cases"/*/; do
	c=$(basename "$d")
	case $c in *_fail) continue ;; esac
	pki "$c"
	if [ $T_RC -eq 0 ] && ! grep -q ': fail' "$T_OUT"; then
		ok "$c: every PKI check passes"
	else
		bad "$c: every PKI check passes" "$(grep ': fail' "$T_OUT" | head -1)"
	fi
done

pki happy-path-v0.3
expect_out '^chain@1710869186: ok$' "happy-path-v0.3: chain verifies at the integrated time"
expect_out '^sct: ok$' "happy-path-v0.3: the embedded SCT verifies against the public-good CT log"
expect_out '^identity: ok https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/\.github/workflows/extremely-dangerous-oidc-beacon\.yml@refs/heads/main \| https://token\.actions\.githubusercontent\.com$' \
	"happy-path-v0.3: SAN URI and issuer .1.8 are read"

pki bundle-from-wrong-instance_fail
expect_out '^chain@[0-9]+: fail .*unable to get local issuer' "a staging leaf does not chain to the public-good CA"

pki intoto-expired-certificate_fail
expect_out '^chain@1675209600: fail .*not yet valid' "a leaf outside its validity at the integrated time fails"

pki intoto-tsa-timestamp-outside-cert-validity_fail
expect_out '^tsa\[0\]: ok 1675296000$' "the @sigstore/mock timestamp (negative serial) verifies"
expect_out '^chain@1675296000: fail .*expired' "the chain fails at a TSA time after the leaf expired"

pki rekor2-timestamp-with-embedded-cert
expect_out '^tsa\[0\]: ok 1754506296$' "a timestamp with embedded certificates verifies"
pki rekor2-timestamp-without-embedded-cert
expect_out '^tsa\[0\]: ok 1754507031$' "a timestamp without embedded certificates verifies"

pki rekor2-timestamp-outside-trust-root-tsa-validity_fail
expect_out '^tsa\[0\]: fail no timestamp authority is valid' "genTime outside the TSA's validFor fails"

pki rekor2-timestamp-payload-mismatch_fail
expect_out '^tsa\[0\]: fail timestamp imprint does not match' "an imprint over other bytes fails"

pki rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail
expect_out '^tsa\[0\]: fail timestamp is not signed by a trusted' "an untrusted TSA fails despite embedded certificates"

pki rekor2-timestamp-with-incorrect-time_fail
expect_out '^tsa\[0\]: ok 1752575611$' "a valid timestamp from after the leaf's life verifies"
expect_out '^chain@1752575611: fail .*expired' "the chain fails at that genTime"

t_end
