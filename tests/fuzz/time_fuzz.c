/* tests/fuzz/time_fuzz.c -- libFuzzer target for ae_time_parse_rfc3339,
 * the one date reader (evidence/core/time.c)
 *
 * The first byte picks the flags, the rest is the text, copied into a
 * buffer of exactly its length (ASan: no byte read past it). An accepted
 * time must format, and parse -> format -> parse must be a fixed point:
 * the same seconds and nanoseconds, the same text again. The flag names
 * of each caller's format (AE_TIME_GO, _PROTOBUF, _TUF, 0) are tried too.
 */
#include "evidence/core/ae.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void time_fuzz_one(const char *s, size_t len, unsigned flags)
{
	char out[AE_TIME_MAX], again[AE_TIME_MAX];
	ae_time t, u;

	if (ae_time_parse_rfc3339(&t, s, len, flags, NULL) < 0) {
		if (t.sec != 0 || t.nsec != 0)
			abort(); /* a refusal leaves nothing behind */
		return;
	}
	if (t.nsec < 0 || t.nsec > 999999999 || len < 20 ||
	    memchr(s, '\0', len) != NULL)
		abort();
	if (!(flags & (AE_TIME_FRAC | AE_TIME_FRAC9)) && t.nsec != 0)
		abort();
	if (ae_time_format(out, t) < 0)
		return; /* an offset took it past 0000 or 9999 in UTC */
	if (ae_time_parse_rfc3339(&u, out, strlen(out), AE_TIME_FRAC9, NULL) <
		    0 ||
	    u.sec != t.sec || u.nsec != t.nsec)
		abort();
	if (ae_time_format(again, u) < 0 || strcmp(out, again) != 0)
		abort();
	/* the strict form is read the same under every flag */
	if (flags == 0 &&
	    (ae_time_parse_rfc3339(&u, s, len, AE_TIME_TUF, NULL) < 0 ||
	     u.sec != t.sec))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned named[] = {0, AE_TIME_GO, AE_TIME_PROTOBUF,
					 AE_TIME_TUF};
	char *s;

	if (size == 0 || size > 256)
		return 0;
	s = malloc(size - 1 ? size - 1 : 1);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	time_fuzz_one(s, size - 1, data[0] & 0x3fu);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		time_fuzz_one(s, size - 1, named[i]);
	free(s);
	return 0;
}
