/* tests/fuzz/tuf_canonical_fuzz.c -- libFuzzer target for the canonical
 * JSON encoder (evidence/tuf/canon.c) and the RFC 3339 parser
 *
 * Properties, each an abort when broken: the canonical form of any JSON the
 * strict loader accepts without control characters parses again to an
 * equal value, and encoding that value gives the same bytes (one canonical
 * form); a real number anywhere is refused, never encoded. (OLPC canonical
 * JSON writes control characters raw -- a PEM key's newlines -- which
 * strict JSON cannot read back; the first run of this target found that
 * its property was wrong there, not the encoder.) Seeds in tests/fuzz/corpus/tuf_canonical/.
 */
#include "evidence/tuf/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True iff `v` holds a real number anywhere. */
static bool has_real(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_real(v))
		return true;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			if (has_real(x))
				return true;
		}
	}
	if (json_is_array(v))
		json_array_foreach(v, i, x)
		{
			if (has_real(x))
				return true;
		}
	return false;
}

/* True iff a byte below 0x20 is in (p, n). */
static bool has_control(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_buf a = AE_BUF_INIT(0), b = AE_BUF_INIT(0);
	void *doc = NULL, *again = NULL;
	char text[64];
	ae_err err = {0};
	int64_t t;

	if (size < sizeof(text)) {
		memcpy(text, data, size);
		text[size] = '\0';
		tuf_time_parse(&t, text, &err);
		ae_err_clear(&err);
	}
	if (ae_json_parse(&doc, data, size, &err) < 0)
		return 0;
	if (tuf_canonical_json(&a, doc, &err) < 0) {
		if (!has_real(doc) && err.code != AE_ETOOBIG)
			abort();
		json_decref(doc);
		return 0;
	}
	if (has_real(doc))
		abort();
	/* OLPC canonical JSON writes control characters raw, which strict
	 * JSON does not read back: the round trip holds for the rest */
	if (!has_control(a.data, a.len)) {
		if (ae_json_parse(&again, a.data, a.len, &err) < 0 ||
		    !json_equal(doc, again))
			abort();
		if (tuf_canonical_json(&b, again, &err) < 0 ||
		    a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort();
	}
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
	json_decref(again);
	json_decref(doc);
	return 0;
}
