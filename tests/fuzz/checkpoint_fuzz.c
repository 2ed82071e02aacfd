/* tests/fuzz/checkpoint_fuzz.c -- libFuzzer target for ev__checkpoint_parse
 * and ev__checkpoint_verify (C2SP signed notes)
 *
 * Parsed notes are verified against both public-good logs (Rekor v1
 * ECDSA, Rekor v2 Ed25519) of the embedded root, so the origin, key-hint
 * and signature paths all run. Seeds in tests/fuzz/corpus/checkpoint/ are
 * checkpoints from sigstore-conformance bundles.
 */
#include "evidence/sigstore/internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ev_trust *trust;
	ev__checkpoint *cp = NULL;
	ae_err err = {0};

	if (trust == NULL && ev_trust_new_default(&trust, &err) < 0)
		abort();
	if (ev__checkpoint_parse(&cp, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < trust->ntlogs; i++) {
			ae_err_clear(&err);
			ev__checkpoint_verify(cp, &trust->tlogs[i], &err);
		}
	}
	ev__checkpoint_free(cp);
	return 0;
}
