/* tests/fuzz/tsa_fuzz.c -- libFuzzer target for ev__tsa_verify: arbitrary
 * DER against a fixed generated TSA
 *
 * The TSA (chain "tsa" <- "tsa intermediate" <- "tsa root", as in
 * tests/unit/pki_fixture.c) is generated once per process. Seeds in
 * tests/fuzz/corpus/tsa/ come from tests/fuzz/gen_tsa_seeds.c: responses and
 * bare tokens over SIG below, so inputs reach the CMS and chain checks (the
 * signer's name and serial match; the key differs per run).
 */
#include "tests/unit/pki_fixture.c"

#include <stdint.h>
#include <stdlib.h>

static const unsigned char SIG[] = "the signature bytes";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pki p;
	static int ready;
	int64_t t = 0;
	ae_err err = {0};

	if (!ready) {
		if (pki_init(&p) < 0)
			abort();
		ready = 1;
	}
	ev__tsa_verify(&t, data, size, SIG, sizeof(SIG), &p.tsa, 1, &err);
	return 0;
}
