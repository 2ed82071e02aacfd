/* tests/fuzz/corroborate_fuzz.c -- libFuzzer target for the CTRF reader and the
 * corroboration pipeline behind it (ledger/corroborate*.c)
 *
 * A CTRF report is untrusted bytes from a bundle. Any input goes through
 * ld_ctrf_parse; an accepted report becomes the checks of two verified
 * runs (one allowlisted, one reported) and one claimed run, the model
 * computes the report, and every renderer must produce it: the text
 * form with no control byte, the JSON form parsing back strictly, the HTML
 * form with no "<script" but its own and as well-formed UTF-8 without
 * bidi controls, the data feed parsing back and
 * byte-stable. Seeds in tests/fuzz/corpus/corroborate/.
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ctrf_fuzz_render(const ld_corroboration *c)
{
	ld_render_opts o = LD_RENDER_OPTS_INIT;
	ae_buf b = AE_BUF_INIT(64u << 20);
	void *root = NULL;

	o.generated_at = "2026-01-01T00:00:00Z";
	if (ld_corroboration_render_text(&b, c, &o, NULL) == 0) {
		for (size_t i = 0; i < b.len; i++) {
			if (b.data[i] < 0x20 && b.data[i] != '\n')
				abort();
		}
	}
	ae_buf_dispose(&b);
	if (ld_corroboration_render_json(&b, c, &o, NULL) == 0) {
		if (ae_json_parse(&root, b.data, b.len, NULL) != 0)
			abort();
		json_decref(root);
	}
	ae_buf_dispose(&b);
	/* The page's one script is its own (inline, pinned by hash): any
	 * second "<script" came from the input unescaped. */
	if (ld_corroboration_render_html(&b, c, &o, NULL) == 0) {
		const unsigned char *first =
			memmem(b.data, b.len, "<script", 7);
		if (first == NULL ||
		    memmem(first + 1, b.len - (size_t)(first + 1 - b.data),
			   "<script", 7) != NULL)
			abort();
		/* Well-formed UTF-8 with no bidi override left in it (the
		 * input's text is shown as text, never as a direction). */
		if (!ae_utf8_valid((const char *)b.data, b.len) ||
		    memmem(b.data, b.len, "\xe2\x80\xae", 3) != NULL ||
		    memmem(b.data, b.len, "\xe2\x81\xa6", 3) != NULL)
			abort();
	}
	ae_buf_dispose(&b);
	/* The feed parses back and is byte-stable. */
	if (ld_feed_render_index(&b, c, &o, NULL) == 0) {
		ae_buf again = AE_BUF_INIT(64u << 20);
		if (ae_json_parse(&root, b.data, b.len, NULL) != 0 ||
		    ld_feed_render_index(&again, c, &o, NULL) != 0 ||
		    again.len != b.len || memcmp(again.data, b.data, b.len))
			abort();
		json_decref(root);
		ae_buf_dispose(&again);
	}
	ae_buf_dispose(&b);
	for (size_t i = 0; i < c->n_recipes; i++) {
		if (ld_feed_series_included(c, i) &&
		    ld_feed_render_series(&b, c, i, &o, NULL) == 0) {
			if (ae_json_parse(&root, b.data, b.len, NULL) != 0)
				abort();
			json_decref(root);
		}
		ae_buf_dispose(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = NULL;
	const ld_check_input *checks;
	ld_ctrf *ctrf = NULL;
	ld_run runs[3];
	size_t n = 0;

	if (ld_ctrf_parse(&ctrf, "conformance", data, size, NULL) != 0)
		return 0;
	checks = ld_ctrf_checks(ctrf, &n);
	memset(runs, 0, sizeof(runs));
	for (int i = 0; i < 3; i++) {
		runs[i].recipe = "r";
		runs[i].issuer = "https://issuer.example";
		runs[i].identity = i == 0 ? "a@example" : "b@example";
		runs[i].slug = i == 0 ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				      : "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
		runs[i].cls = i == 1 ? LD_CLASS_REPORTED : LD_CLASS_COMMUNITY;
		runs[i].vote = i == 2 ? LD_VOTE_CLAIMED : LD_VOTE_VERIFIED;
		runs[i].checks = checks;
		runs[i].n_checks = n;
	}
	in.runs = runs;
	in.n_runs = 3;
	in.verified = true;
	if (ld_corroboration_compute(&c, &in, NULL) == 0) {
		/* Every check either has a state or is UNTESTED; none lost. */
		if (c->n_recipes != 1 || c->recipes[0].n_checks > n)
			abort();
		ctrf_fuzz_render(c);
	}
	ld_corroboration_free(c);
	ld_ctrf_free(ctrf);
	return 0;
}
