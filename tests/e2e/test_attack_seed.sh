#!/usr/bin/env bash
# tests/e2e/test_attack_seed.sh -- an outside review's attacks (satk3) on
# how verification starts OpenSSL and on the chain memo seeded with the
# embedded root's own links (Fulcio's intermediate under its root, the
# TSA's certificate under its root; docs/architecture.md "Startup cost"),
# each one the tool HELD. Every check is named after its attack.
#
# A --trusted-root whose anchor is a stand-in for the real root -- same name
# and KEY, signed by a throwaway key (an anchor's own signature is never
# checked) -- meets the seeded link exactly; the stand-in's constraints
# (cA false, no keyCertSign, pathlen 0, validity, name constraints) and the
# trusted root's validFor must still refuse the path, for the Fulcio chain
# and for the TSA's. The intermediate with a flipped signature bit, a
# same-name root of another key, and bundles that put the seeded
# intermediate next to a leaf it never signed are refused. openssl.cnf
# files that leave no usable provider, that name a [random] generator, or
# that do not parse: the verdicts stay OpenSSL's, nothing passes by the
# seed, nothing crashes (main before this change, d8e8e02, segfaulted on
# a [random] HMAC-DRBG without a digest).
# Inputs come from tests/e2e/atk_seed_gen.py (python3-cryptography) and
# the in-repo sigstore-conformance bundle dsse-with-hashedrekord-happy-path
# (public-good root, a Fulcio leaf, a TSA timestamp, a Rekor v1 entry).
. "$(dirname "$0")/lib.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=$T_WORK
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "SKIPPED -- python3-cryptography missing (make deps): the seed attacks did NOT run"
	t_end
fi
CASE=$ROOT/tests/conformance/upstream/bundle-verify/dsse-with-hashedrekord-happy-path
BUNDLE=$CASE/bundle.sigstore.json
ART=$CASE/artifact
ID='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
ISS=https://token.actions.githubusercontent.com
G=$W/gen
if ! python3 "$HERE/atk_seed_gen.py" "$ROOT/evidence/data/public-good-trusted_root.json" \
	"$BUNDLE" "$G" >"$W/gen.log" 2>&1; then
	bad "generate the hostile roots and bundles" "$(head -c 300 "$W/gen.log")"
	t_end
fi

# vb BUNDLE [ARGS...]: verify-bundle of the case's artifact
vb() {
	local b=$1
	shift
	run sigstore verify-bundle --bundle "$b" --certificate-identity "$ID" \
		--certificate-oidc-issuer "$ISS" "$@" "$ART"
}

# ---- controls: the seeded links are met and pass ----
vb "$BUNDLE"
expect_rc 0 "control: the public-good bundle verifies against the embedded root"
vb "$BUNDLE" --trusted-root "$G/ca-samekey.json"
expect_rc 0 "control: a stand-in Fulcio root of the same key (the seeded link) verifies"
vb "$BUNDLE" --insecure-ignore-tlog --trusted-root "$G/tsa-samekey.json"
expect_rc 0 "control: a stand-in TSA root of the same key (the seeded link) verifies the timestamp"

# ---- Fulcio: a stand-in root with the seeded key whose constraints refuse ----
fulcio() { # NAME REASON-ERE WHAT
	vb "$BUNDLE" --trusted-root "$G/ca-$1.json"
	expect_rc 2 "$3"
	expect_err "$2" "$3 (the reason)"
}
fulcio ca-false 'invalid CA certificate' \
	"the seeded intermediate under a same-key root with basicConstraints cA:FALSE"
fulcio ku-nocertsign 'invalid CA certificate|key usage' \
	"the seeded intermediate under a same-key root without keyCertSign"
fulcio pathlen0 'path length' \
	"the seeded intermediate under a same-key root with pathLenConstraint 0"
fulcio expired 'expired' \
	"the seeded intermediate under a same-key root that expired before the signature"
fulcio notyet 'not yet valid' \
	"the seeded intermediate under a same-key root not yet valid at the signature"
fulcio nc-permitted 'permitted subtree' \
	"the seeded intermediate under a same-key root whose name constraints permit another domain"
fulcio nc-excluded 'excluded subtree' \
	"the seeded intermediate under a same-key root whose name constraints exclude github.com"
fulcio otherkey 'unable to get local issuer|signature' \
	"the seeded intermediate under a same-name root of another key"
fulcio root-only 'unable to get local issuer' \
	"the seeded intermediate missing from the trusted root (a stand-in root alone)"
fulcio sigflip 'signature failure' \
	"the seeded intermediate with one bit of its signature flipped"
fulcio validfor-past 'no certificate authority is valid' \
	"the seeded CA whose validFor ended before the signature"
fulcio validfor-future 'no certificate authority is valid' \
	"the seeded CA whose validFor starts after the signature"

# ---- TSA: the same against the seeded TSA link (the timestamp must decide) ----
tsa() { # NAME REASON-ERE WHAT
	vb "$BUNDLE" --insecure-ignore-tlog --trusted-root "$G/tsa-$1.json"
	expect_rc 2 "$3"
	expect_err "$2" "$3 (the reason)"
}
tsa ca-false 'timestamp' "the seeded TSA certificate under a same-key root with cA:FALSE"
tsa ku-nocertsign 'timestamp' "the seeded TSA certificate under a same-key root without keyCertSign"
tsa expired 'timestamp' "the seeded TSA certificate under a same-key root expired at genTime"
tsa notyet 'timestamp' "the seeded TSA certificate under a same-key root not yet valid at genTime"
tsa otherkey 'timestamp' "the seeded TSA certificate under a same-name TSA root of another key"
tsa root-only 'not signed by a trusted authority' \
	"the seeded TSA certificate missing from the trusted root (a stand-in root alone)"
tsa sigflip 'timestamp' "the seeded TSA certificate with one bit of its signature flipped"
tsa validfor-past 'no timestamp authority is valid' "the seeded TSA whose validFor ended before genTime"
tsa validfor-future 'no timestamp authority is valid' "the seeded TSA whose validFor starts after genTime"

# ---- bundles: the seeded intermediate next to a leaf it did not sign ----
vb "$G/b-leaf-resigned.json"
expect_rc 2 "a leaf naming the seeded intermediate as issuer but signed by another key"
expect_err 'signature failure' "a leaf naming the seeded intermediate but signed by another key (the reason)"
vb "$G/b-leaf-resigned.json" --trusted-root "$G/ca-samekey.json"
expect_rc 2 "a leaf signed by another key, under a same-key stand-in root"
vb "$G/b-leaf-is-intermediate.json"
expect_rc 2 "the seeded intermediate itself offered as the signing leaf"
vb "$G/b-chain-fake-inter.json"
expect_rc 2 "a bundle carrying the seeded intermediate after a leaf it did not sign"
vb "$G/b-chain-leaf-inter-root.json"
expect_rc 2 "a bundle carrying its own copy of the seeded intermediate and the root"

# ---- openssl.cnf: the system's configuration, hostile or odd ----
cnf() { # NAME BODY
	printf 'openssl_conf = openssl_init\n[openssl_init]\n%b' "$2" >"$W/$1.cnf"
}
cnf baseonly 'providers = prov\n[prov]\nbase = b\n[b]\nactivate = 1\n'
cnf fipsprops 'alg_section = algs\n[algs]\ndefault_properties = fips=yes\n'
cnf ctr128 'random = r\n[r]\nrandom = CTR-DRBG\ncipher = AES-128-CTR\n'
cnf hmacnodigest 'random = r\n[r]\nrandom = HMAC-DRBG\n'
cnf bogusdrbg 'random = r\n[r]\nrandom = NO-SUCH-DRBG\n'
printf 'openssl_conf = openssl_init\n[openssl_init\nrandom = x\n' >"$W/broken.cnf"

OPENSSL_CONF=$W/baseonly.cnf vb "$BUNDLE"
expect_rc 2 "an openssl.cnf that loads no algorithm provider (the seeded link cannot carry the chain)"
OPENSSL_CONF=$W/fipsprops.cnf vb "$BUNDLE"
expect_rc 2 "an openssl.cnf whose default properties match no provider"
OPENSSL_CONF=$W/ctr128.cnf vb "$BUNDLE"
expect_rc 0 "an openssl.cnf naming CTR-DRBG over AES-128-CTR in [random]"
OPENSSL_CONF=$W/hmacnodigest.cnf vb "$BUNDLE"
expect_rc 0 "an openssl.cnf naming HMAC-DRBG without a digest in [random] (no crash)"
OPENSSL_CONF=$W/bogusdrbg.cnf vb "$BUNDLE"
expect_rc 0 "an openssl.cnf naming a generator that does not exist"
OPENSSL_CONF=$W/broken.cnf vb "$BUNDLE"
expect_rc 0 "an openssl.cnf that does not parse (control)"
OPENSSL_CONF=$W/broken.cnf vb "$BUNDLE" --trusted-root "$G/ca-otherkey.json"
expect_rc 2 "an openssl.cnf that does not parse, with a same-name root of another key"
for c in baseonly ctr128 hmacnodigest broken; do
	OPENSSL_CONF=$W/$c.cnf vb "$BUNDLE" --insecure-ignore-tlog --trusted-root "$G/tsa-sigflip.json"
	expect_rc 2 "openssl.cnf '$c' with the seeded TSA certificate's signature flipped"
done
t_end
