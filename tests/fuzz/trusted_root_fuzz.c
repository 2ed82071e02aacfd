/* tests/fuzz/trusted_root_fuzz.c -- libFuzzer target for ev_trust_add_json
 * (trusted_root.json: logs, CAs, TSAs, validity windows, RFC 3339 times)
 *
 * Seeds in tests/fuzz/corpus/trusted_root/: the public-good root and
 * sigstore-conformance custom roots.
 */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev_trust *t = NULL;
	ae_err err = {0};

	if (ev_trust_new_empty(&t, &err) < 0)
		abort();
	ev_trust_add_json(t, data, size, &err);
	ae_err_clear(&err);
	/* a second add exercises the union and its caps */
	ev_trust_add_json(t, data, size, &err);
	ev_trust_free(t);
	return 0;
}
