/* tests/fuzz/ctrfscrub_fuzz.c -- libFuzzer target for the CTRF rebuild
 * (reference §6.4, issue 24 items 1 and 3): arbitrary bytes through
 * ev_ctrf_redact under both policies; what comes out must be CTRF again,
 * rebuild to itself, carry only allowlisted test fields, and a summary that
 * adds up; its tests must count as the input's did (ev__ctrf_recount, and
 * the streaming counter verify uses, agree on it, and on any raw input the
 * tree count takes). */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <jansson.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The test fields a published test may hold. */
static bool fuzz_field_ok(const char *k)
{
	static const char *const ok[] = {"name",  "status",	"duration",
					 "suite", "extra",	"runtimeProvenance",
					 NULL};

	for (size_t i = 0; ok[i] != NULL; i++) {
		if (strcmp(ok[i], k) == 0)
			return true;
	}
	return false;
}

/* The published report's invariants; abort() on a broken one. */
static void fuzz_check(const ae_buf *a, const ev__phase *in)
{
	json_t *j = json_loadb((const char *)a->data, a->len, 0, NULL);
	json_t *res = json_object_get(j, "results");
	json_t *tests = json_object_get(res, "tests");
	json_t *sum = json_object_get(res, "summary");
	ev__phase out;
	ev__ctrf_counter *cc = NULL;
	ae_err err = {0};
	const char *k;
	json_t *v;

	if (j == NULL || !json_is_array(tests) || !json_is_object(sum))
		abort();
	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_object_foreach(json_array_get(tests, i), k, v)
		{
			if (!fuzz_field_ok(k))
				abort();
		}
	}
	if (json_integer_value(json_object_get(sum, "tests")) !=
	    (json_int_t)json_array_size(tests))
		abort();
	if (ev__ctrf_recount(&out, a->data, a->len, &err) != 0 ||
	    out.passed != in->passed || out.failed != in->failed ||
	    out.skipped != in->skipped || out.pending != in->pending ||
	    out.other != in->other)
		abort(); /* the counts survive the rebuild */
	if (ev__ctrf_counter_new(&cc, &err) != 0)
		abort();
	ev__ctrf_counter_feed(cc, a->data, a->len);
	if (ev__ctrf_counter_finish(&out, cc, &err) != 0 ||
	    out.passed != in->passed || out.failed != in->failed ||
	    out.other != in->other)
		abort(); /* the streaming counter agrees */
	ev__ctrf_counter_free(cc);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev__ctrf_counter *raw = NULL;
	ev__phase any;
	ae_err e0 = {0};

	/* the streaming counter verify uses, on arbitrary bytes too: it takes
	 * exactly the reports the tree count (emit's) takes -- grammar,
	 * numbers, UTF-8, duplicate keys, spellings, summary -- and counts
	 * them the same */
	if (ev__ctrf_counter_new(&raw, &e0) == 0) {
		ev__phase tree;
		int rs, rt;
		ev__ctrf_counter_feed(raw, data, size);
		rs = ev__ctrf_counter_finish(&any, raw, &e0);
		ev__ctrf_counter_free(raw);
		rt = ev__ctrf_recount(&tree, data, size, &e0);
		if ((rt == 0) != (rs == 0))
			abort(); /* one grammar: each refuses what the other
				  * refuses */
		if (rt == 0 &&
		    (rs != 0 || any.passed != tree.passed ||
		     any.failed != tree.failed || any.skipped != tree.skipped ||
		     any.pending != tree.pending || any.other != tree.other))
			abort();
	}
	for (int p = 0; p < 2; p++) {
		ev_redaction policy = p ? EV_REDACT_REFERENCE_V4
					: EV_REDACT_MINIMAL;
		ev__phase in;
		ae_buf a, b;
		ae_err err = {0};

		if (ev_ctrf_redact(&a, data, size, policy, &err) != 0)
			continue;
		if (ev__ctrf_recount(&in, data, size, &err) != 0)
			abort(); /* accepted input is CTRF */
		fuzz_check(&a, &in);
		if (ev_ctrf_redact(&b, a.data, a.len, policy, &err) != 0)
			abort();
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort(); /* the rebuild is idempotent */
		ae_buf_dispose(&a);
		ae_buf_dispose(&b);
	}
	return 0;
}
