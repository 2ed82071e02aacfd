/* tests/fuzz/snapshot_fuzz.c -- libFuzzer target for the snapshot
 * allowlist (reference §6.2): arbitrary bytes through ev_snapshot_redact;
 * what comes out must parse again and redact to itself (idempotent). */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_buf a, b;
	ae_err err = {0};

	if (ev_snapshot_redact(&a, data, size, &err) != 0)
		return 0;
	if (ev_snapshot_redact(&b, a.data, a.len, &err) != 0)
		abort(); /* our own output must be a valid snapshot */
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort(); /* redaction is idempotent */
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
	return 0;
}
