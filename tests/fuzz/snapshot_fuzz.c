/* tests/fuzz/snapshot_fuzz.c -- libFuzzer target for the snapshot
 * allowlist (reference §6.2, issue 24 item 4): arbitrary bytes through
 * ev_snapshot_redact under both policies; what comes out must parse again
 * and redact to itself (idempotent), and the minimal policy never keeps a
 * region or a context. */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int p = 0; p < 2; p++) {
		ev_redaction policy = p ? EV_REDACT_REFERENCE_V4
					: EV_REDACT_MINIMAL;
		ae_buf a, b;
		ae_err err = {0};

		if (ev_snapshot_redact(&a, data, size, policy, &err) != 0)
			continue;
		if (ev_snapshot_redact(&b, a.data, a.len, policy, &err) != 0)
			abort(); /* our own output must be a valid snapshot */
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort(); /* redaction is idempotent */
		if (p == 0 && (memmem(a.data, a.len, "region:", 7) ||
			       memmem(a.data, a.len, "context:", 8)))
			abort(); /* never kept by the minimal policy */
		ae_buf_dispose(&a);
		ae_buf_dispose(&b);
	}
	return 0;
}
