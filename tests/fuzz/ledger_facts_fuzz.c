/* tests/fuzz/ledger_facts_fuzz.c -- libFuzzer target for the readers of a
 * verified bundle's facts (ledger/corroborate_facts.c)
 *
 * Any bytes go through the snapshot, recipe and predicate readers; every
 * fact kept must be bounded (LD_FACT_MAX) and free of control bytes. The
 * facts then ride on two verified runs through the model and the HTML and
 * feed renderers: a facet value must never reach the page's style sheet,
 * and the page must hold no "<script" but its own. Seeds in
 * tests/fuzz/corpus/ledger_facts/ (snapshots, recipes, predicates).
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fact_ok(const char *s)
{
	if (s == NULL)
		return;
	if (strlen(s) > LD_FACT_MAX || strlen(s) == 0)
		abort();
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	}
}

static void facts_ok(const ld_facts *f)
{
	fact_ok(f->aicr_version);
	fact_ok(f->recipe_name);
	fact_ok(f->recipe_digest);
	fact_ok(f->attested_at);
	fact_ok(f->profile);
	fact_ok(f->advertiser);
	for (int i = 0; i < LD_FACET_COUNT; i++)
		fact_ok(f->facets[i]);
	for (int i = 0; i < LD_AXIS_COUNT; i++)
		fact_ok(f->criteria[i]);
}

static void render(const ld_facts *f)
{
	static const ld_check_input checks[] = {{"deployment", "x", "passed"}};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = NULL;
	ae_buf b = AE_BUF_INIT(16u << 20);
	ld_run runs[2];

	memset(runs, 0, sizeof(runs));
	for (int i = 0; i < 2; i++) {
		runs[i].recipe = "r";
		runs[i].issuer = "https://issuer.example";
		runs[i].identity = i ? "b@example" : "a@example";
		runs[i].slug = i ? "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
				 : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
		runs[i].attested_at = "2026-01-01T00:00:00Z";
		runs[i].cls = LD_CLASS_COMMUNITY;
		runs[i].vote = LD_VOTE_VERIFIED;
		runs[i].checks = checks;
		runs[i].n_checks = 1;
		runs[i].aicr_version = f->aicr_version;
		runs[i].profile = f->profile;
		for (int k = 0; k < LD_FACET_COUNT; k++)
			runs[i].facets[k] = f->facets[k];
		for (int k = 0; k < LD_AXIS_COUNT; k++)
			runs[i].criteria[k] = f->criteria[k];
	}
	in.runs = runs;
	in.n_runs = 2;
	in.verified = true;
	if (ld_corroboration_compute(&c, &in, NULL) != 0)
		abort();
	if (ld_corroboration_render_html(&b, c, NULL, NULL) == 0) {
		const unsigned char *end = memmem(b.data, b.len, "</style>", 8);
		const unsigned char *first = memmem(b.data, b.len, "<script", 7);
		if (end == NULL || first == NULL ||
		    memmem(first + 1, b.len - (size_t)(first + 1 - b.data),
			   "<script", 7) != NULL)
			abort();
		for (int k = 0; k < LD_FACET_COUNT; k++) {
			const char *v = f->facets[k];
			/* long enough not to be CSS text by chance */
			if (v != NULL && strlen(v) > 12 &&
			    memmem(b.data, (size_t)(end - b.data), v,
				   strlen(v)) != NULL)
				abort();
		}
	}
	ae_buf_dispose(&b);
	if (ld_feed_render_index(&b, c, NULL, NULL) == 0) {
		void *root = NULL;
		if (ae_json_parse(&root, b.data, b.len, NULL) != 0)
			abort();
		json_decref(root);
	}
	ae_buf_dispose(&b);
	ld_corroboration_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_facts f = LD_FACTS_INIT;
	char note[LD_FRESH_NOTE_MAX];
	ld_fresh rf, pf;

	if (ld_facts_read_snapshot(&f, data, size, NULL) == AE_ERR ||
	    ld_facts_read_recipe(&f, data, size, NULL) == AE_ERR ||
	    ld_facts_read_predicate(&f, data, size, LD_PREDICATE_V3, NULL) ==
		    AE_ERR)
		abort();
	facts_ok(&f);
	ld_fresh_judge(&rf, &pf, note, &f, &f, f.recipe_digest);
	if (memchr(note, '\0', sizeof(note)) == NULL)
		abort();
	render(&f);
	ld_facts_dispose(&f);
	return 0;
}
