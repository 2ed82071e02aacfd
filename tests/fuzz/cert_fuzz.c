/* tests/fuzz/cert_fuzz.c -- libFuzzer target for the Fulcio leaf checks:
 * arbitrary DER as the leaf, through the leaf profile, the identity
 * extraction, the embedded SCT parser and the chain check
 *
 * The CA hierarchy and CT log are generated once per process
 * (tests/unit/pki_fixture.c). Seeds in tests/fuzz/corpus/cert/ come from
 * tests/fuzz/gen_tsa_seeds.c: fixture-shaped leaves whose SCT lists the
 * fuzzer mutates (their signatures come from another run's keys, so the
 * parsers, not the signatures, are what gets exercised).
 */
#include "tests/unit/pki_fixture.c"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cert_fuzz_identity(X509 *leaf)
{
	char **sans = NULL, *issuer = NULL;
	size_t n = 0, i;
	ae_err err = {0};

	if (ev__cert_identity(&sans, &n, &issuer, leaf, &err) < 0)
		return;
	for (i = 0; i < n; i++)
		free(sans[i]);
	free(sans);
	free(issuer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pki p;
	static int ready;
	const unsigned char *cur = data;
	X509 *leaf, *issuer = NULL;
	ae_err err = {0};

	if (!ready) {
		if (pki_init(&p) < 0)
			abort();
		ready = 1;
	}
	leaf = d2i_X509(NULL, &cur, (long)size);
	if (leaf == NULL)
		return 0;
	ev__cert_leaf_check(leaf, &err);
	cert_fuzz_identity(leaf);
	ae_err_clear(&err);
	ev__sct_verify(leaf, p.inter, &p.ctlog, 1, &err);
	ae_err_clear(&err);
	if (ev__cert_chain_verify(&issuer, leaf, NULL, &p.ca, 1, PKI_T0 + 1,
				  &err) == 0)
		X509_free(issuer);
	X509_free(leaf);
	return 0;
}
