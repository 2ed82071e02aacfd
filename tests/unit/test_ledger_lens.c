/* tests/unit/test_ledger_lens.c -- the consumers' ledger model (issue 22):
 * freshness, development builds, the versions lens, facets, history and
 * timeline, first-party ingest; the fact readers; the feed and the page */
#include "t.h"

#include "ledger/ledger.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#define ISS "https://accounts.example.test"
#define R1  "h100-eks-ubuntu-training"
#define R2  "gb200-eks-ubuntu-training"

static const ld_check_input ok2[] = {{"deployment", "a", "passed"},
				     {"conformance", "b", "passed"}};
static const ld_check_input bad2[] = {{"deployment", "a", "passed"},
				      {"conformance", "b", "failed"}};
static const ld_check_input skip2[] = {{"deployment", "a", "skipped"},
				       {"conformance", "b", "skipped"}};
static const ld_check_input new1[] = {{"performance", "c", "passed"}};

/* Slugs and identities of signers a..e. */
static const char *const slugs[] = {
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	"cccccccccccccccccccccccccccccccc", "dddddddddddddddddddddddddddddddd",
	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"};
static const char *const ids[] = {"a@example.test", "b@example.test",
				  "c@example.test", "d@example.test",
				  "e@example.test"};
static char digests[64][80];

/* A verified, counting run of signer `who` ('a'..'e') on R1 at day `day`
 * of tool version `ver`, with `checks`. Fresh: UNKNOWN (no --recipes). */
static ld_run run_at(char who, int day, const char *ver,
		     const ld_check_input *checks, size_t n)
{
	static int seq;
	ld_run r = {0};
	char *d = digests[seq++ % 64];

	snprintf(d, 80, "sha256:%064d", seq);
	r.recipe = R1;
	r.digest = d;
	r.attested_at = day == 1   ? "2026-11-01T10:00:00Z"
			: day == 2 ? "2026-11-02T10:00:00Z"
			: day == 3 ? "2026-11-03T10:00:00Z"
			: day == 4 ? "2026-11-04T10:00:00Z"
				   : "2026-11-05T10:00:00Z";
	r.issuer = ISS;
	r.identity = ids[who - 'a'];
	r.slug = slugs[who - 'a'];
	r.cls = LD_CLASS_COMMUNITY;
	r.vote = LD_VOTE_VERIFIED;
	r.aicr_version = ver;
	r.checks = checks;
	r.n_checks = n;
	return r;
}

static ld_corroboration *compute_in(ld_corroboration_input *in,
				    const ld_run *runs, size_t n)
{
	ld_corroboration *c = NULL;
	ae_err err = {0};

	in->runs = runs;
	in->n_runs = n;
	in->verified = true;
	T_ASSERT_INT(ld_corroboration_compute(&c, in, &err), 0);
	T_ASSERT(c != NULL);
	return c;
}

static ld_corroboration *compute(const ld_run *runs, size_t n)
{
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;

	return compute_in(&in, runs, n);
}

/* The recipe named `name`. */
static const ld_recipe *recipe(const ld_corroboration *c, const char *name)
{
	for (size_t i = 0; i < c->n_recipes; i++) {
		if (strcmp(c->recipes[i].name, name) == 0)
			return &c->recipes[i];
	}
	t_fail_at(__FILE__, __LINE__, "no recipe %s", name);
}

/* The check named `name` of a grid. */
static const ld_check *check(const ld_grid *g, const char *name)
{
	for (size_t i = 0; i < g->n_checks; i++) {
		if (strcmp(g->checks[i].name, name) == 0)
			return &g->checks[i];
	}
	t_fail_at(__FILE__, __LINE__, "no check %s", name);
}

/* The grid of tool version `v` of recipe r, or NULL. */
static const ld_grid *grid_of(const ld_recipe *r, const char *v)
{
	for (size_t i = 1; i < r->n_grids; i++) {
		if (strcmp(r->grids[i].version, v) == 0)
			return &r->grids[i];
	}
	return NULL;
}

/* ---- freshness (item 1) ---- */

void test_ledger_lens__a_historical_run_does_not_count(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('b', 1, "0.21.1", ok2, 2)};
	ld_corroboration *c;
	const ld_recipe *r;

	runs[0].recipe_fresh = LD_FRESH_CURRENT;
	runs[1].recipe_fresh = LD_FRESH_HISTORICAL;
	runs[1].fresh_note = "recipe changed since";
	c = compute(runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_SINGLE);
	T_ASSERT_INT(c->n_historical, 1);
	/* Still shown: its cell is there, with the reason. */
	T_ASSERT_INT(r->n_cols, 2);
	for (size_t j = 0; j < r->n_cols; j++) {
		const ld_entry *e = &r->entries[r->cells[j].entry];
		if (e->fresh == LD_FRESH_HISTORICAL) {
			T_ASSERT_INT(r->cells[j].why, LD_WHY_HISTORICAL);
			T_ASSERT_INT(r->cells[j].kind, LD_CELL_PASS);
			T_ASSERT_STR(e->fresh_note, "recipe changed since");
		} else {
			T_ASSERT_INT(r->cells[j].why, LD_WHY_COUNTS);
		}
	}
	ld_corroboration_free(c);
}

void test_ledger_lens__include_historical_counts_it(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('b', 1, "0.21.1", ok2, 2)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;

	runs[1].recipe_fresh = LD_FRESH_HISTORICAL;
	in.include_historical = true;
	c = compute_in(&in, runs, 2);
	T_ASSERT_INT(recipe(c, R1)->state, LD_STATE_CONFIRMED);
	ld_corroboration_free(c);
}

void test_ledger_lens__unknown_freshness_counts(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('b', 1, "0.21.1", ok2, 2)};
	ld_corroboration *c = compute(runs, 2);
	const ld_recipe *r = recipe(c, R1);

	T_ASSERT_INT(r->state, LD_STATE_CONFIRMED);
	T_ASSERT_INT(r->entries[0].fresh, LD_FRESH_UNKNOWN);
	ld_corroboration_free(c);
}

void test_ledger_lens__a_historical_profile_makes_the_run_historical(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('b', 1, "0.21.1", ok2, 2)};
	ld_corroboration *c;
	const ld_recipe *r;

	for (int i = 0; i < 2; i++) {
		runs[i].recipe_fresh = LD_FRESH_CURRENT;
		runs[i].profile = "gpuStack=operator-managed";
		runs[i].profile_fresh = LD_FRESH_UNKNOWN;
	}
	runs[1].profile_fresh = LD_FRESH_HISTORICAL;
	c = compute(runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_SINGLE);
	for (size_t k = 0; k < r->n_entries; k++) {
		const ld_entry *e = &r->entries[k];
		/* recipe CURRENT, profile unknown: UNKNOWN overall */
		T_ASSERT_INT(e->fresh, e->profile_fresh == LD_FRESH_HISTORICAL
					       ? LD_FRESH_HISTORICAL
					       : LD_FRESH_UNKNOWN);
	}
	ld_corroboration_free(c);
}

void test_ledger_lens__an_older_current_run_speaks_for_a_historical_one(void)
{
	/* a's newest run is historical; its older one is current: the older
	 * one votes (the latest evidence for the current recipe). */
	ld_run runs[] = {run_at('a', 1, "0.20.0", bad2, 2),
			 run_at('a', 3, "0.21.1", ok2, 2)};
	ld_corroboration *c;
	const ld_recipe *r;

	runs[0].recipe_fresh = LD_FRESH_CURRENT;
	runs[1].recipe_fresh = LD_FRESH_HISTORICAL;
	c = compute(runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_FAILING);
	T_ASSERT_STR(r->entries[r->cells[0].entry].aicr_version, "0.20.0");
	ld_corroboration_free(c);
}

void test_ledger_lens__fresh_judge_compares_digest_and_profile(void)
{
	ld_facts s = LD_FACTS_INIT, cur = LD_FACTS_INIT;
	char note[LD_FRESH_NOTE_MAX];
	ld_fresh rf, pf;
	char d1[] = "1111111111111111111111111111111111111111111111111111111111111111";
	char d2[] = "2222222222222222222222222222222222222222222222222222222222222222";

	s.recipe_digest = d1;
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d1);
	T_ASSERT_INT(rf, LD_FRESH_CURRENT);
	T_ASSERT_INT(pf, LD_FRESH_NA);
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d2);
	T_ASSERT_INT(rf, LD_FRESH_HISTORICAL);
	T_ASSERT(strstr(note, "recipe changed since") != NULL);
	ld_fresh_judge(&rf, &pf, note, &s, NULL, NULL);
	T_ASSERT_INT(rf, LD_FRESH_UNKNOWN);
	/* Profiled: the selection is compared; the descriptor identity
	 * cannot be recomputed, so it is never CURRENT. */
	s.profile = "gpuStack=a";
	cur.profile = "gpuStack=a";
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d1);
	T_ASSERT_INT(rf, LD_FRESH_CURRENT);
	T_ASSERT_INT(pf, LD_FRESH_UNKNOWN);
	T_ASSERT(strstr(note, "cannot be recomputed") != NULL);
	cur.profile = "gpuStack=b";
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d1);
	T_ASSERT_INT(pf, LD_FRESH_HISTORICAL);
	T_ASSERT(strstr(note, "profile changed since") != NULL);
	cur.profile = "gpuStack=a";
	cur.advertiser = "external";
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d1);
	T_ASSERT_INT(pf, LD_FRESH_HISTORICAL);
	/* A signed digest missing is a change, not a match. */
	s.recipe_digest = NULL;
	ld_fresh_judge(&rf, &pf, note, &s, &cur, d1);
	T_ASSERT_INT(rf, LD_FRESH_HISTORICAL);
}

/* ---- development builds (item 1) ---- */

void test_ledger_lens__release_versions_are_told_from_builds(void)
{
	const char *rel[] = {"0.21.1", "v0.21.1", "1.0.0", "0.18.0-rc1",
			     "v2.3.4-beta.2", "10.20.30"};
	const char *dev[] = {"dev",	   "",	      "0.21",
			     "0.21.1-3-gabc123", "0.21.1+dirty", "v0.21.1-dirty",
			     "01.2.3",	   "1.2.3-",  "1.2.3-rc..1",
			     "x1.2.3",	   NULL};

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		T_ASSERT(ld_version_is_release(rel[i]));
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		T_ASSERT(!ld_version_is_release(dev[i]));
}

void test_ledger_lens__versions_order_newest_release_first(void)
{
	T_ASSERT(ld_version_cmp("0.10.0", "0.9.0") < 0); /* not lexical */
	T_ASSERT(ld_version_cmp("v1.0.0", "0.99.99") < 0);
	T_ASSERT(ld_version_cmp("1.0.0", "1.0.0-rc1") < 0);
	T_ASSERT(ld_version_cmp("1.0.0-rc.10", "1.0.0-rc.9") < 0);
	T_ASSERT(ld_version_cmp("1.0.0-rc.1", "1.0.0-beta") < 0);
	T_ASSERT(ld_version_cmp("0.0.1", "dev") < 0); /* any release first */
	T_ASSERT_INT(ld_version_cmp("dev", "nightly"), 0);
	T_ASSERT_INT(ld_version_cmp("v1.2.3", "1.2.3"), 0);
}

void test_ledger_lens__dev_builds_count_unless_excluded(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('b', 2, "dev", ok2, 2)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = compute(runs, 2);
	const ld_recipe *r = recipe(c, R1);

	T_ASSERT_INT(r->state, LD_STATE_CONFIRMED);
	T_ASSERT_INT(c->n_dev, 1);
	ld_corroboration_free(c);
	in.exclude_dev = true;
	c = compute_in(&in, runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_SINGLE);
	for (size_t k = 0; k < r->n_entries; k++)
		T_ASSERT_INT(r->entries[k].why,
			     r->entries[k].dev ? LD_WHY_DEV : LD_WHY_COUNTS);
	ld_corroboration_free(c);
}

void test_ledger_lens__a_run_without_a_version_is_a_dev_build(void)
{
	ld_run runs[] = {run_at('a', 1, NULL, ok2, 2)};
	ld_corroboration *c = compute(runs, 1);

	T_ASSERT(recipe(c, R1)->entries[0].dev);
	ld_corroboration_free(c);
}

/* ---- the versions lens (item 2) ---- */

/* a: 0.20.0 pass (day 1), 0.21.1 pass (day 3); b: 0.20.0 pass (day 2),
 * 0.21.1 fail (day 4); c: dev pass (day 5). */
static size_t multi(ld_run *runs)
{
	runs[0] = run_at('a', 1, "0.20.0", ok2, 2);
	runs[1] = run_at('a', 3, "0.21.1", ok2, 2);
	runs[2] = run_at('b', 2, "0.20.0", ok2, 2);
	runs[3] = run_at('b', 4, "0.21.1", bad2, 2);
	runs[4] = run_at('c', 5, "dev", ok2, 2);
	return 5;
}

void test_ledger_lens__latest_lens_takes_each_signers_newest_run(void)
{
	ld_run runs[5];
	ld_corroboration *c = compute(runs, multi(runs));
	const ld_recipe *r = recipe(c, R1);

	T_ASSERT_INT(r->active, 0);
	T_ASSERT(r->grids[0].version == NULL);
	T_ASSERT_INT(r->state, LD_STATE_CONTESTED); /* a, c pass; b fails */
	T_ASSERT_INT(check(&r->grids[0], "b")->pass, 2);
	T_ASSERT_INT(check(&r->grids[0], "b")->fail, 1);
	ld_corroboration_free(c);
}

void test_ledger_lens__every_version_gets_its_own_grid_newest_first(void)
{
	ld_run runs[5];
	ld_corroboration *c = compute(runs, multi(runs));
	const ld_recipe *r = recipe(c, R1);

	T_ASSERT_INT(r->n_grids, 4);
	T_ASSERT_STR(r->grids[1].version, "0.21.1");
	T_ASSERT_STR(r->grids[2].version, "0.20.0");
	T_ASSERT_STR(r->grids[3].version, "dev");
	T_ASSERT_INT(grid_of(r, "0.20.0")->state, LD_STATE_CONFIRMED);
	T_ASSERT_INT(grid_of(r, "0.21.1")->state, LD_STATE_CONTESTED);
	T_ASSERT_INT(grid_of(r, "dev")->state, LD_STATE_SINGLE);
	/* In a version's grid a signer without a run there has no cell. */
	for (size_t j = 0; j < r->n_cols; j++) {
		const ld_signer *s = &c->signers[r->cols[j]];
		if (strcmp(s->slug, slugs[2]) == 0)
			T_ASSERT_INT(grid_of(r, "0.20.0")->cells[j].kind,
				     LD_CELL_NONE);
	}
	T_ASSERT_INT(c->n_versions, 3);
	T_ASSERT_STR(c->versions[0], "0.21.1");
	ld_corroboration_free(c);
}

void test_ledger_lens__same_version_picks_the_newest_version(void)
{
	ld_run runs[5];
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;
	const ld_recipe *r;

	in.lens = LD_LENS_SAME_VERSION;
	c = compute_in(&in, runs, multi(runs));
	r = recipe(c, R1);
	T_ASSERT_STR(r->grids[r->active].version, "0.21.1");
	T_ASSERT_INT(r->state, LD_STATE_CONTESTED);
	T_ASSERT_INT(r->active, r->newest);
	ld_corroboration_free(c);
}

void test_ledger_lens__at_version_is_strict_consensus_there(void)
{
	ld_run runs[5];
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;
	const ld_recipe *r;

	in.lens = LD_LENS_SAME_VERSION;
	in.lens_version = "0.20.0";
	c = compute_in(&in, runs, multi(runs));
	r = recipe(c, R1);
	T_ASSERT_STR(r->grids[r->active].version, "0.20.0");
	T_ASSERT_INT(r->state, LD_STATE_CONFIRMED);
	/* The runs that speak there are the 0.20.0 ones. */
	for (size_t k = 0; k < r->n_entries; k++)
		T_ASSERT(r->entries[k].latest ==
			 (strcmp(r->entries[k].aicr_version, "0.20.0") == 0));
	ld_corroboration_free(c);
}

void test_ledger_lens__a_version_nobody_ran_is_untested(void)
{
	ld_run runs[5];
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;
	const ld_recipe *r;

	in.lens = LD_LENS_SAME_VERSION;
	in.lens_version = "9.9.9";
	c = compute_in(&in, runs, multi(runs));
	r = recipe(c, R1);
	T_ASSERT_STR(r->grids[r->active].version, "9.9.9");
	T_ASSERT_INT(r->state, LD_STATE_UNTESTED);
	T_ASSERT_INT(r->n_checks, 0);
	ld_corroboration_free(c);
}

void test_ledger_lens__newest_version_needs_a_vote(void)
{
	/* The newest release has only an unlisted signer: --same-version
	 * falls to the next version with a vote. */
	ld_run runs[] = {run_at('a', 1, "0.20.0", ok2, 2),
			 run_at('b', 2, "0.21.1", ok2, 2)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;

	runs[1].cls = LD_CLASS_REPORTED;
	in.lens = LD_LENS_SAME_VERSION;
	c = compute_in(&in, runs, 2);
	T_ASSERT_STR(recipe(c, R1)->grids[recipe(c, R1)->active].version,
		     "0.20.0");
	ld_corroboration_free(c);
}

void test_ledger_lens__version_grids_are_capped(void)
{
	enum { N = LD_GRID_VERSIONS_MAX + 3 };
	ld_run *runs = calloc(N, sizeof(*runs));
	char (*ver)[16] = calloc(N, sizeof(*ver));
	ld_corroboration *c;
	const ld_recipe *r;

	for (int i = 0; i < N; i++) {
		snprintf(ver[i], sizeof(ver[i]), "1.%d.0", i);
		runs[i] = run_at('a', 1 + i % 5, ver[i], ok2, 2);
	}
	c = compute(runs, N);
	r = recipe(c, R1);
	T_ASSERT_INT(r->n_grids, LD_GRID_VERSIONS_MAX + 1);
	T_ASSERT_INT(r->versions_omitted, 3);
	T_ASSERT_STR(r->grids[1].version, "1.66.0"); /* newest kept */
	ld_corroboration_free(c);
	free(ver);
	free(runs);
}

/* ---- facets (item 3) ---- */

void test_ledger_lens__facets_are_collected_per_signer_and_report(void)
{
	ld_run runs[] = {run_at('a', 1, "0.21.1", ok2, 2),
			 run_at('a', 3, "0.21.1", ok2, 2),
			 run_at('b', 2, "0.21.1", ok2, 2)};
	ld_corroboration *c;

	runs[0].facets[LD_FACET_K8S] = "1.32";
	runs[1].facets[LD_FACET_K8S] = "1.33";
	runs[1].facets[LD_FACET_GPU] = "H100";
	runs[2].facets[LD_FACET_K8S] = "1.31";
	c = compute(runs, 3);
	T_ASSERT_INT(c->n_facet_values[LD_FACET_K8S], 3);
	T_ASSERT_STR(c->facet_values[LD_FACET_K8S][0], "1.31");
	T_ASSERT_STR(c->facet_values[LD_FACET_K8S][2], "1.33");
	/* A signer's coordinates are its newest verified run's. */
	for (size_t i = 0; i < c->n_signers; i++) {
		if (strcmp(c->signers[i].slug, slugs[0]) == 0) {
			T_ASSERT_STR(c->signers[i].facets[LD_FACET_K8S],
				     "1.33");
			T_ASSERT_STR(c->signers[i].facets[LD_FACET_GPU],
				     "H100");
		}
	}
	/* Facets never change the consensus. */
	T_ASSERT_INT(recipe(c, R1)->state, LD_STATE_CONFIRMED);
	ld_corroboration_free(c);
}

/* ---- history and timeline (item 4) ---- */

void test_ledger_lens__every_run_is_kept_with_its_results(void)
{
	ld_run runs[5];
	ld_corroboration *c = compute(runs, multi(runs));
	const ld_recipe *r = recipe(c, R1);

	T_ASSERT_INT(r->n_entries, 5);
	T_ASSERT_INT(r->n_rows, 2);
	for (size_t k = 0; k < r->n_entries; k++) {
		T_ASSERT_INT(r->entries[k].n_results, 2);
		T_ASSERT_INT(r->entries[k].pass + r->entries[k].fail, 2);
	}
	ld_corroboration_free(c);
}

void test_ledger_lens__flips_and_health_follow_the_reference(void)
{
	/* b: pass, fail, pass on check b (newest first: pass@5 fail@4
	 * pass@2); check a always passes. */
	ld_run runs[] = {run_at('b', 2, "1.0.0", ok2, 2),
			 run_at('b', 4, "1.0.0", bad2, 2),
			 run_at('b', 5, "1.0.0", ok2, 2)};
	ld_corroboration *c = compute(runs, 3);
	const ld_recipe *r = recipe(c, R1);
	const ld_col *col = &r->colinfo[0];

	T_ASSERT_INT(col->n, 3);
	T_ASSERT_INT(r->entries[col->first].flips, 1);
	T_ASSERT_INT(r->entries[col->first + 1].flips, 1);
	T_ASSERT_INT(r->entries[col->first + 2].flips, 0);
	/* 2 flips over 4 pairs both ran */
	T_ASSERT_INT(col->flake_pct, 50);
	T_ASSERT_INT(col->last_pass, col->first);
	ld_corroboration_free(c);
}

void test_ledger_lens__the_timeline_ends_at_the_latest_state(void)
{
	ld_run runs[5];
	ld_corroboration *c = compute(runs, multi(runs));
	const ld_recipe *r = recipe(c, R1);

	/* day1 a: SINGLE; day2 b: CONFIRMED; day3 a again: no change;
	 * day4 b fails: CONTESTED; day5 c: still CONTESTED. */
	T_ASSERT_INT(r->n_timeline, 3);
	T_ASSERT_INT(r->timeline[0].state, LD_STATE_SINGLE);
	T_ASSERT_STR(r->timeline[0].at, "2026-11-01T10:00:00Z");
	T_ASSERT_INT(r->timeline[1].state, LD_STATE_CONFIRMED);
	T_ASSERT_INT(r->timeline[2].state, LD_STATE_CONTESTED);
	T_ASSERT_STR(r->timeline[2].at, "2026-11-04T10:00:00Z");
	T_ASSERT_INT(r->timeline[r->n_timeline - 1].state, r->grids[0].state);
	ld_corroboration_free(c);
}

void test_ledger_lens__the_timeline_matches_the_grid_in_every_case(void)
{
	/* A mix of skips, new checks, an unlisted signer, a historical
	 * run, ties and a development build: the replay's last point must
	 * be grids[0]'s state whatever the options. */
	ld_run runs[8];
	bool flags[4][2] = {
		{false, false}, {true, false}, {false, true}, {true, true}};

	runs[0] = run_at('a', 1, "1.0.0", skip2, 2);
	runs[1] = run_at('b', 1, "1.0.0", ok2, 2);
	runs[2] = run_at('b', 1, "1.0.0", bad2, 2); /* tie: merged */
	runs[3] = run_at('c', 2, "dev", new1, 1);
	runs[4] = run_at('d', 3, "1.0.0", ok2, 2);
	runs[4].cls = LD_CLASS_REPORTED;
	runs[5] = run_at('e', 4, "1.0.0", bad2, 2);
	runs[5].recipe_fresh = LD_FRESH_HISTORICAL;
	runs[6] = run_at('a', 5, "1.0.0", ok2, 2);
	runs[7] = run_at('c', 5, "1.1.0", skip2, 2);
	for (int f = 0; f < 4; f++) {
		ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
		ld_corroboration *c;
		const ld_recipe *r;
		in.include_historical = flags[f][0];
		in.exclude_dev = flags[f][1];
		c = compute_in(&in, runs, 8);
		r = recipe(c, R1);
		T_ASSERT(r->n_timeline > 0);
		T_ASSERT_INT(r->timeline[r->n_timeline - 1].state,
			     r->grids[0].state);
		ld_corroboration_free(c);
	}
}

void test_ledger_lens__a_signer_without_a_run_that_may_speak_shows_not_counted(
	void)
{
	ld_run runs[] = {run_at('a', 1, "dev", bad2, 2),
			 run_at('b', 1, "1.0.0", ok2, 2)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c;
	const ld_recipe *r;

	in.exclude_dev = true;
	c = compute_in(&in, runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_SINGLE); /* a's failure not counted */
	for (size_t j = 0; j < r->n_cols; j++) {
		if (strcmp(c->signers[r->cols[j]].slug, slugs[0]) == 0) {
			T_ASSERT_INT(r->cells[j].kind, LD_CELL_FAIL);
			T_ASSERT_INT(r->cells[j].why, LD_WHY_DEV);
		}
	}
	T_ASSERT_INT(check(&r->grids[0], "b")->fail, 0);
	ld_corroboration_free(c);
}

/* ---- first-party ingest (item 7) ---- */

void test_ledger_lens__ingested_bundles_vote_only_when_first_party(void)
{
	ld_run runs[] = {run_at('a', 1, "1.0.0", ok2, 2),
			 run_at('b', 1, "1.0.0", ok2, 2)};
	ld_corroboration *c;
	const ld_recipe *r;

	runs[0].origin = LD_ORIGIN_INGEST;
	runs[0].cls = LD_CLASS_FIRST_PARTY;
	runs[1].origin = LD_ORIGIN_INGEST;
	runs[1].cls = LD_CLASS_COMMUNITY;
	c = compute(runs, 2);
	r = recipe(c, R1);
	T_ASSERT_INT(r->state, LD_STATE_SINGLE);
	T_ASSERT_INT(c->n_ingested, 2);
	for (size_t k = 0; k < r->n_entries; k++) {
		const ld_signer *s = &c->signers[r->entries[k].signer];
		T_ASSERT(s->ingested);
		T_ASSERT_INT(r->entries[k].why, s->cls == LD_CLASS_FIRST_PARTY
							? LD_WHY_COUNTS
							: LD_WHY_NOT_FIRST_PARTY);
	}
	ld_corroboration_free(c);
}

void test_ledger_lens__an_ingested_run_and_a_pointer_of_one_signer_share_a_column(
	void)
{
	ld_run runs[] = {run_at('a', 1, "1.0.0", ok2, 2),
			 run_at('a', 2, "1.0.0", ok2, 2)};
	ld_corroboration *c;

	runs[0].cls = runs[1].cls = LD_CLASS_FIRST_PARTY;
	runs[1].origin = LD_ORIGIN_INGEST;
	c = compute(runs, 2);
	T_ASSERT_INT(c->n_signers, 1);
	T_ASSERT_INT(recipe(c, R1)->n_cols, 1);
	ld_corroboration_free(c);
}

/* ---- the fact readers ---- */

static const char snap[] =
	"kind: Snapshot\n"
	"fingerprint:\n  k8sVersion: {value: v1.30.0}\n"
	"  gpuModel: {value: FP-GPU}\n"
	"measurements:\n"
	"  - type: K8s\n    subtypes:\n      - subtype: server\n"
	"        data: {version: v1.33.1-eks-b9dc2a1}\n"
	"  - type: OS\n    subtypes:\n      - subtype: release\n"
	"        data: {ID: ubuntu, VERSION_ID: \"24.04\"}\n";

void test_ledger_lens__the_snapshot_gives_the_facets(void)
{
	ld_facts f = LD_FACTS_INIT;
	ae_err err = {0};

	T_ASSERT_INT(ld_facts_read_snapshot(&f, (const unsigned char *)snap,
					    strlen(snap), &err),
		     0);
	T_ASSERT_STR(f.facets[LD_FACET_K8S], "1.33");
	T_ASSERT_STR(f.facets[LD_FACET_OS], "ubuntu 24.04");
	T_ASSERT_STR(f.facets[LD_FACET_GPU], "FP-GPU"); /* fingerprint */
	ld_facts_dispose(&f);
}

void test_ledger_lens__facts_drop_control_bytes_and_long_values(void)
{
	static const char hostile[] =
		"measurements:\n  - type: GPU\n    subtypes:\n"
		"      - subtype: hardware\n        data: {model: \"a\\e[31mb\"}\n"
		"  - type: OS\n    subtypes:\n      - subtype: release\n"
		"        data: {PRETTY_NAME: "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"x}\n";
	ld_facts f = LD_FACTS_INIT;
	ae_err err = {0};

	T_ASSERT_INT(ld_facts_read_snapshot(&f,
					    (const unsigned char *)hostile,
					    strlen(hostile), &err),
		     0);
	T_ASSERT(f.facets[LD_FACET_GPU] == NULL);
	T_ASSERT(f.facets[LD_FACET_OS] == NULL); /* 129 bytes */
	ld_facts_dispose(&f);
}

void test_ledger_lens__k8s_minor_reads_versions_and_keeps_other_text(void)
{
	char *v = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_facts_k8s_minor(&v, "v1.33.1-eks-b9dc2a1", &err), 0);
	T_ASSERT_STR(v, "1.33");
	T_ASSERT_INT(ld_facts_k8s_minor(&v, "1.29", &err), 0);
	T_ASSERT_STR(v, "1.29");
	T_ASSERT_INT(ld_facts_k8s_minor(&v, "unknown", &err), 0);
	T_ASSERT_STR(v, "unknown");
	T_ASSERT_INT(ld_facts_k8s_minor(&v, NULL, &err), 0);
	T_ASSERT(v == NULL);
}

void test_ledger_lens__the_predicate_gives_version_digest_profile_time(void)
{
	static const char pred[] =
		"{\"aicrVersion\":\"0.21.1\",\"attestedAt\":"
		"\"2026-11-01T12:00:00.123+02:00\",\"recipe\":{\"name\":\"r\","
		"\"digest\":\"abc\"},\"profile\":{\"selection\":\"g=v\","
		"\"advertiser\":\"external\"},\"fingerprint\":{\"k8sVersion\":"
		"{\"value\":\"v1.31.2\"}}}";
	ld_facts f = LD_FACTS_INIT;
	ae_err err = {0};

	T_ASSERT_INT(ld_facts_read_predicate(&f, (const unsigned char *)pred,
					     strlen(pred),
					     LD_PREDICATE_V3, &err),
		     0);
	T_ASSERT_STR(f.aicr_version, "0.21.1");
	T_ASSERT_STR(f.recipe_name, "r");
	T_ASSERT_STR(f.recipe_digest, "abc");
	T_ASSERT_STR(f.profile, "g=v");
	T_ASSERT_STR(f.advertiser, "external");
	T_ASSERT_STR(f.attested_at, "2026-11-01T10:00:00Z");
	T_ASSERT_STR(f.facets[LD_FACET_K8S], "1.31");
	T_ASSERT_STR(f.predicate_type, LD_PREDICATE_V3);
	ld_facts_dispose(&f);
	T_ASSERT(ld_facts_read_predicate(&f, (const unsigned char *)"[]", 2,
					 NULL, &err) == AE_EINVAL);
}

void test_ledger_lens__the_recipe_gives_criteria_and_profile(void)
{
	static const char rec[] =
		"metadata:\n  selectedProfile: {name: gpuStack, value: x, "
		"advertiser: external}\n"
		"criteria: {service: eks, accelerator: h100, os: ubuntu, intent: "
		"training, platform: any}\n";
	ld_facts f = LD_FACTS_INIT;
	ae_err err = {0};

	T_ASSERT_INT(ld_facts_read_recipe(&f, (const unsigned char *)rec,
					  strlen(rec), &err),
		     0);
	T_ASSERT_STR(f.criteria[LD_AXIS_SERVICE], "eks");
	T_ASSERT_STR(f.criteria[LD_AXIS_INTENT], "training");
	T_ASSERT(f.criteria[LD_AXIS_PLATFORM] == NULL); /* any */
	T_ASSERT_STR(f.profile, "gpuStack=x");
	T_ASSERT_STR(f.advertiser, "external");
	ld_facts_dispose(&f);
}

/* ---- renderers ---- */

/* The multi-version report with facets and a hostile facet value. */
static ld_corroboration *rich(void)
{
	static ld_run runs[6];

	multi(runs);
	runs[0].facets[LD_FACET_K8S] = "1.32";
	runs[1].facets[LD_FACET_K8S] = "1.33";
	runs[3].facets[LD_FACET_GPU] = "</style><script>alert(1)</script>";
	runs[1].criteria[LD_AXIS_SERVICE] = "eks";
	runs[1].criteria[LD_AXIS_ACCELERATOR] = "h100";
	runs[1].criteria[LD_AXIS_OS] = "ubuntu";
	runs[1].criteria[LD_AXIS_INTENT] = "training";
	runs[1].oci = "reg.example/evidence/a:" R1 "-abc";
	runs[5] = run_at('d', 5, "0.21.1", ok2, 2);
	runs[5].recipe = R2;
	runs[5].recipe_fresh = LD_FRESH_HISTORICAL;
	return compute(runs, 6);
}

static char *render(int (*fn)(ae_buf *, const ld_corroboration *,
			      const ld_render_opts *, ae_err *))
{
	ld_corroboration *c = rich();
	ld_render_opts ro = LD_RENDER_OPTS_INIT;
	ae_buf b = AE_BUF_INIT(8u << 20);
	ae_err err = {0};
	char *s;

	ro.generated_at = "2026-12-01T00:00:00Z";
	ro.tool_version = "0.1.0";
	ro.ledger_commit = "0123456789abcdef0123456789abcdef01234567";
	ro.evidence_root = "recipes/evidence";
	ro.trusted_root = "embedded public-good root";
	T_ASSERT_INT(fn(&b, c, &ro, &err), 0);
	ld_corroboration_free(c);
	s = (char *)ae_buf_detach(&b, NULL);
	T_ASSERT(s != NULL);
	return s;
}

void test_ledger_lens__json_has_views_runs_freshness_and_timeline(void)
{
	char *s = render(ld_corroboration_render_json);
	json_t *root = json_loads(s, 0, NULL), *r0, *v;

	T_ASSERT(root != NULL);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(root, "lens"), "name")),
		     "latest");
	T_ASSERT_INT(json_integer_value(json_object_get(
			     json_object_get(root, "counts"), "historical")),
		     1);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(root, "provenance"),
			     "ledgerCommit")),
		     "0123456789abcdef0123456789abcdef01234567");
	r0 = json_array_get(json_object_get(root, "recipes"), 1);
	T_ASSERT_STR(json_string_value(json_object_get(r0, "name")), R1);
	T_ASSERT_INT(json_array_size(json_object_get(r0, "views")), 4);
	v = json_array_get(json_object_get(r0, "views"), 2);
	T_ASSERT_STR(json_string_value(json_object_get(v, "aicrVersion")),
		     "0.20.0");
	T_ASSERT_STR(json_string_value(json_object_get(v, "state")),
		     "CONFIRMED");
	T_ASSERT_INT(json_array_size(json_object_get(r0, "pointers")), 5);
	T_ASSERT_INT(json_array_size(json_object_get(r0, "timeline")), 3);
	T_ASSERT(strstr(s, "\"freshness\"") != NULL);
	T_ASSERT(strstr(s, "\"why\": \"historical\"") != NULL);
	json_decref(root);
	free(s);
}

void test_ledger_lens__the_feed_has_the_reference_shape_and_is_stable(void)
{
	ld_corroboration *c = rich();
	ae_buf a = AE_BUF_INIT(8u << 20), b = AE_BUF_INIT(8u << 20);
	ae_err err = {0};
	json_t *root, *tab, *comb;

	T_ASSERT_INT(ld_feed_render_index(&a, c, NULL, &err), 0);
	T_ASSERT_INT(ld_feed_render_index(&b, c, NULL, &err), 0);
	T_ASSERT_INT(a.len, b.len);
	T_ASSERT(memcmp(a.data, b.data, a.len) == 0);
	root = json_loadb((const char *)a.data, a.len, 0, NULL);
	T_ASSERT(root != NULL);
	T_ASSERT_STR(json_string_value(json_object_get(root, "schema")),
		     "aicr-corroboration/v1");
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(root, "meta"), "generatedAt")),
		     "2026-11-05 10:00 UTC");
	tab = json_array_get(
		json_object_get(
			json_array_get(
				json_object_get(
					json_array_get(json_object_get(root,
								       "groups"),
						       0),
					"dashboards"),
				0),
			"tabs"),
		0);
	T_ASSERT_STR(json_string_value(json_object_get(tab, "recipe")), R1);
	T_ASSERT_INT(json_array_size(json_object_get(tab, "versions")), 3);
	comb = json_object_get(tab, "combined");
	T_ASSERT_STR(json_string_value(json_object_get(comb, "aicrVer")), "");
	T_ASSERT(json_object_get(json_object_get(root, "sources"), slugs[0]) !=
		 NULL);
	/* R2 has no coordinate: uncatalogued, listed by name */
	T_ASSERT_STR(json_string_value(json_array_get(
			     json_object_get(json_object_get(root, "meta"),
					     "uncatalogued"),
			     0)),
		     R2);
	json_decref(root);
	ae_buf_dispose(&b);
	ae_buf_dispose(&a);
	T_ASSERT_INT(ld_feed_render_series(&a, c, 1, NULL, &err), 0);
	root = json_loadb((const char *)a.data, a.len, 0, NULL);
	T_ASSERT(root != NULL);
	T_ASSERT_INT(json_array_size(json_object_get(
			     json_object_get(root, "builds"), slugs[1])),
		     2);
	T_ASSERT_INT(json_integer_value(json_object_get(
			     json_object_get(json_object_get(root, "health"),
					     slugs[1]),
			     "flakePct")),
		     50);
	json_decref(root);
	ae_buf_dispose(&a);
	ld_corroboration_free(c);
}

/* The tab's profile is the newest verified run's that has one; meta's
 * generatedAt the newest verified run's attestedAt. A claimed run, newer,
 * with a profile, decides neither; a newer verified run without a profile
 * does not blank the tab's. */
void test_ledger_lens__the_feed_takes_profile_and_date_from_verified_runs(void)
{
	static ld_run runs[5];
	ld_corroboration *c;
	ae_buf a = AE_BUF_INIT(8u << 20);
	ae_err err = {0};
	json_t *root, *tab;

	multi(runs);
	runs[0].profile = "gpuStack=One";
	runs[1].profile = "gpuStack=Three";
	runs[2].profile = "gpuStack=Two";
	runs[4].profile = "gpuStack=Claimed";
	runs[4].vote = LD_VOTE_CLAIMED;
	runs[1].criteria[LD_AXIS_SERVICE] = "eks";
	runs[1].criteria[LD_AXIS_ACCELERATOR] = "h100";
	runs[1].criteria[LD_AXIS_OS] = "ubuntu";
	runs[1].criteria[LD_AXIS_INTENT] = "training";
	c = compute(runs, 5);
	T_ASSERT_INT(ld_feed_render_index(&a, c, NULL, &err), 0);
	root = json_loadb((const char *)a.data, a.len, 0, NULL);
	T_ASSERT(root != NULL);
	T_ASSERT_STR(json_string_value(json_object_get(
			     json_object_get(root, "meta"), "generatedAt")),
		     "2026-11-04 10:00 UTC");
	tab = json_array_get(
		json_object_get(
			json_array_get(
				json_object_get(
					json_array_get(json_object_get(root,
								       "groups"),
						       0),
					"dashboards"),
				0),
			"tabs"),
		0);
	T_ASSERT_STR(json_string_value(json_object_get(tab, "recipe")), R1);
	T_ASSERT_STR(json_string_value(json_object_get(tab, "profile")),
		     "gpustack-three");
	json_decref(root);
	ae_buf_dispose(&a);
	ld_corroboration_free(c);
}

void test_ledger_lens__feed_grids_leave_out_runs_that_do_not_count(void)
{
	ld_corroboration *c = rich();
	ae_buf a = AE_BUF_INIT(8u << 20);
	ae_err err = {0};

	/* d's only run is historical: in its series, not in a grid. */
	T_ASSERT_INT(ld_feed_render_index(&a, c, NULL, &err), 0);
	T_ASSERT(strstr((const char *)a.data, slugs[3]) != NULL); /* source */
	T_ASSERT(strstr((const char *)a.data, "\"src\": \"dddd") == NULL);
	ae_buf_dispose(&a);
	ld_corroboration_free(c);
}

void test_ledger_lens__html_has_deep_links_lenses_and_facets(void)
{
	char *s = render(ld_corroboration_render_html);
	const char *style_end = strstr(s, "</style>");

	T_ASSERT(style_end != NULL);
	/* deep links: #/<recipe> and #/<recipe>/<slug> */
	T_ASSERT(strstr(s, "id=\"/" R1 "\"") != NULL);
	T_ASSERT(strstr(s, "id=\"/" R1 "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"") !=
		 NULL);
	T_ASSERT(strstr(s, "href=\"#/" R1 "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"") !=
		 NULL);
	/* lens and facets: radio controls and one CSS rule each */
	T_ASSERT(strstr(s, "type=\"radio\" name=\"lens\" id=\"lens-0\"") !=
		 NULL);
	T_ASSERT(strstr(s, "body:has(#lens-2:checked) .lv.l2") != NULL);
	T_ASSERT(strstr(s, "body:has(#k8s-1:checked) .fct:not(.f0-1)") !=
		 NULL);
	/* a facet value never reaches the style sheet, and is escaped */
	T_ASSERT(strstr(s, "alert(1)") > style_end);
	T_ASSERT(strstr(s, "<script>alert") == NULL);
	T_ASSERT(strstr(s, "&lt;/style&gt;&lt;script&gt;alert(1)") != NULL);
	/* provenance and the basis */
	T_ASSERT(strstr(s, "0123456789abcdef0123456789abcdef01234567") != NULL);
	T_ASSERT(strstr(s, "All 6 runs verified") != NULL);
	/* not counted is said in the cell */
	T_ASSERT(strstr(s, "not counted: historical") != NULL);
	free(s);
}

void test_ledger_lens__html_banner_says_how_many_verified(void)
{
	ld_run runs[] = {run_at('a', 1, "1.0.0", ok2, 2),
			 run_at('b', 1, "1.0.0", ok2, 2),
			 run_at('c', 1, "1.0.0", ok2, 2),
			 run_at('d', 1, "1.0.0", ok2, 2)};
	ld_corroboration *c;
	ae_buf b = AE_BUF_INIT(8u << 20);
	ae_err err = {0};

	for (int i = 1; i < 4; i++) {
		runs[i].vote = LD_VOTE_UNVERIFIABLE;
		runs[i].reason = "bundle fetch: HTTP 404";
	}
	c = compute(runs, 4);
	T_ASSERT_INT(ld_corroboration_render_html(&b, c, NULL, &err), 0);
	T_ASSERT(strstr((const char *)b.data, "basis-partial") != NULL);
	T_ASSERT(strstr((const char *)b.data, "1 of 4 runs verified") != NULL);
	T_ASSERT(strstr((const char *)b.data, "class=\"basis basis-verified") ==
		 NULL);
	ae_buf_dispose(&b);
	ld_corroboration_free(c);
}
