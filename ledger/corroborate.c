/* ledger/corroborate.c -- the consensus model: runs in, states out
 *
 * The model of reference §4.4 (SPEC §6) as a pure function over plain data.
 * Runs are grouped into signer columns by (class, vote, issuer, identity):
 * a verified signer, a claimed signer and an unverifiable claim never share
 * a column, so a squatter's pointer on a victim's slug cannot lend the
 * victim's column its weight. Per recipe, each signer speaks through its
 * latest run (greatest attestedAt; runs tied at that time are merged, fail
 * over pass), the reference's "latest-per-signer" pre-reduction. A check is
 * one (phase, CTRF test name); its state counts allowlisted verified votes
 * only. Nothing here reads files or the network.
 */
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

/* Per-recipe scratch: the run indices of one recipe, sorted by column then
 * newest first, and the column each run falls into. */
typedef struct group {
	size_t *runs;
	size_t n;
} group;

/* What the run comparators look at (glibc qsort_r context). */
typedef struct sort_ctx {
	const ld_run *runs;
	const size_t *signer;
	const size_t *recipe;
} sort_ctx;

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* Orders two runs by signer key: class, vote, slug, issuer, identity. */
static int signer_key_cmp(const ld_run *a, const ld_run *b)
{
	int c;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->vote != b->vote)
		return a->vote < b->vote ? -1 : 1;
	c = strcmp(a->slug, b->slug);
	if (c == 0)
		c = strcmp(a->issuer, b->issuer);
	if (c == 0)
		c = strcmp(a->identity, b->identity);
	return c;
}

static int run_by_signer_cmp(const void *pa, const void *pb, void *ctx)
{
	const sort_ctx *sc = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = signer_key_cmp(&sc->runs[a], &sc->runs[b]);

	return c ? c : (a < b ? -1 : a > b);
}

/* Recipe, column, newest first, then digest: a total, stable order. */
static int run_by_recipe_cmp(const void *pa, const void *pb, void *ctx)
{
	const sort_ctx *sc = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c;

	if (sc->recipe[a] != sc->recipe[b])
		return sc->recipe[a] < sc->recipe[b] ? -1 : 1;
	if (sc->signer[a] != sc->signer[b])
		return sc->signer[a] < sc->signer[b] ? -1 : 1;
	c = strcmp(str_or_empty(sc->runs[b].attested_at),
		   str_or_empty(sc->runs[a].attested_at));
	if (c == 0)
		c = strcmp(str_or_empty(sc->runs[a].digest),
			   str_or_empty(sc->runs[b].digest));
	return c ? c : (a < b ? -1 : a > b);
}

static int str_ptr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Phase order first (unknown phases last, by name), then name bytewise. */
static int check_input_cmp(const void *pa, const void *pb)
{
	const ld_check_input *a = *(const ld_check_input *const *)pa;
	const ld_check_input *b = *(const ld_check_input *const *)pb;
	int ia = ld_phase_index(a->phase), ib = ld_phase_index(b->phase);
	int c;

	if (ia < 0)
		ia = LD_PHASE_COUNT;
	if (ib < 0)
		ib = LD_PHASE_COUNT;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	c = strcmp(a->phase, b->phase);
	return c ? c : strcmp(a->name, b->name);
}

/* strdup that keeps NULL; returns AE_ERR on OOM with *out NULL. */
static int dup_opt(char **out, const char *s, ae_err *err)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	*out = strdup(s);
	return *out ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* Checks the fields every run must carry. AE_EINVAL naming the run. */
static int runs_validate(const ld_corroboration_input *in, ae_err *err)
{
	if (in->n_runs > LD_CORROB_MAX_RUNS)
		return ae_fail(err, AE_ETOOBIG, "%zu pointers, cap %u",
			       in->n_runs, (unsigned)LD_CORROB_MAX_RUNS);
	for (size_t i = 0; i < in->n_runs; i++) {
		const ld_run *r = &in->runs[i];
		if (!r->recipe || !r->issuer || !r->identity || !r->slug)
			return ae_fail(err, AE_EINVAL,
				       "run %zu lacks recipe, issuer, identity "
				       "or slug",
				       i);
		for (size_t j = 0;
		     r->vote == LD_VOTE_VERIFIED && j < r->n_checks; j++) {
			if (!r->checks[j].phase || !r->checks[j].name)
				return ae_fail(err, AE_EINVAL,
					       "run %zu check %zu lacks a name",
					       i, j);
		}
	}
	for (size_t i = 0; i < in->n_recipes; i++) {
		if (in->recipes[i] == NULL)
			return ae_fail(err, AE_EINVAL, "recipe %zu is NULL", i);
	}
	return 0;
}

/* Builds the signer columns and each run's column index (sig_out). */
static int signers_build(ld_corroboration *c, size_t *sig_out,
			 const ld_corroboration_input *in, ae_err *err)
{
	sort_ctx sc = {NULL, NULL, NULL};
	size_t *order = NULL;
	int rc = 0;

	if (in->n_runs == 0)
		return 0;
	order = malloc(in->n_runs * sizeof(*order));
	c->signers = calloc(in->n_runs, sizeof(*c->signers));
	if (order == NULL || c->signers == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->n_runs; i++)
		order[i] = i;
	sc.runs = in->runs;
	qsort_r(order, in->n_runs, sizeof(*order), run_by_signer_cmp, &sc);
	for (size_t i = 0; i < in->n_runs; i++) {
		const ld_run *r = &in->runs[order[i]];
		ld_signer *s;
		if (i > 0 && signer_key_cmp(&in->runs[order[i - 1]], r) == 0) {
			sig_out[order[i]] = c->n_signers - 1;
			continue;
		}
		s = &c->signers[c->n_signers++];
		s->cls = r->cls;
		s->vote = r->vote;
		s->counts = r->vote == LD_VOTE_VERIFIED &&
			    r->cls != LD_CLASS_REPORTED;
		sig_out[order[i]] = c->n_signers - 1;
		rc = dup_opt(&s->issuer, r->issuer, err);
		if (rc == 0)
			rc = dup_opt(&s->identity, r->identity, err);
		if (rc == 0)
			rc = dup_opt(&s->slug, r->slug, err);
		if (rc == 0)
			rc = dup_opt(&s->label, r->label, err);
		if (rc < 0)
			goto done;
	}
done:
	free(order);
	return rc;
}

/* Builds the sorted, unique recipe list and each run's recipe index. */
static int recipes_build(ld_corroboration *c, size_t *rec_out,
			 const ld_corroboration_input *in, ae_err *err)
{
	size_t total = in->n_runs + in->n_recipes, n = 0;
	const char **names = NULL;
	int rc = 0;

	if (total == 0)
		return 0;
	names = malloc(total * sizeof(*names));
	c->recipes = calloc(total, sizeof(*c->recipes));
	if (names == NULL || c->recipes == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->n_runs; i++)
		names[n++] = in->runs[i].recipe;
	for (size_t i = 0; i < in->n_recipes; i++)
		names[n++] = in->recipes[i];
	qsort(names, n, sizeof(*names), str_ptr_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i - 1], names[i]) == 0)
			continue;
		rc = dup_opt(&c->recipes[c->n_recipes].name, names[i], err);
		if (rc < 0)
			goto done;
		c->recipes[c->n_recipes++].state = LD_STATE_UNTESTED;
	}
	for (size_t i = 0; i < in->n_runs; i++) {
		const char *key = in->runs[i].recipe;
		size_t lo = 0, hi = c->n_recipes;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int k = strcmp(c->recipes[mid].name, key);
			if (k == 0) {
				lo = hi = mid;
				break;
			}
			if (k < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		rec_out[i] = lo;
	}
done:
	free(names);
	return rc;
}

/* Index of (phase, name) in the recipe's sorted checks, or -1. */
static long check_find(const ld_recipe *r, const ld_check_input *ci)
{
	size_t lo = 0, hi = r->n_checks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		ld_check_input key = {r->checks[mid].phase, r->checks[mid].name,
				      NULL};
		const ld_check_input *kp = &key;
		int k = check_input_cmp(&kp, &ci);
		if (k == 0)
			return (long)mid;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Collects the unique checks of the recipe's latest verified runs. */
static int recipe_checks_build(ld_recipe *r, const group *g, const bool *latest,
			       const ld_corroboration_input *in, ae_err *err)
{
	const ld_check_input **all = NULL;
	size_t n = 0, total = 0;
	int rc = 0;

	for (size_t k = 0; k < g->n; k++) {
		const ld_run *run = &in->runs[g->runs[k]];
		if (latest[k] && run->vote == LD_VOTE_VERIFIED)
			total += run->n_checks;
	}
	if (total == 0)
		return 0;
	all = malloc(total * sizeof(*all));
	r->checks = calloc(total, sizeof(*r->checks));
	if (all == NULL || r->checks == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < g->n; k++) {
		const ld_run *run = &in->runs[g->runs[k]];
		for (size_t j = 0; latest[k] && run->vote == LD_VOTE_VERIFIED &&
				   j < run->n_checks;
		     j++)
			all[n++] = &run->checks[j];
	}
	qsort(all, n, sizeof(*all), check_input_cmp);
	for (size_t i = 0; i < n; i++) {
		ld_check *ck;
		if (i > 0 && check_input_cmp(&all[i - 1], &all[i]) == 0)
			continue;
		ck = &r->checks[r->n_checks++];
		ck->results =
			calloc(r->n_cols ? r->n_cols : 1, sizeof(*ck->results));
		rc = ck->results ? 0 : ae_fail(err, AE_ERR, "out of memory");
		if (rc == 0)
			rc = dup_opt(&ck->phase, all[i]->phase, err);
		if (rc == 0)
			rc = dup_opt(&ck->name, all[i]->name, err);
		if (rc < 0)
			goto done;
	}
done:
	free(all);
	return rc;
}

/* The state of one check from its allowlisted pass/fail votes (§4.4). */
static ld_state check_state(size_t pass, size_t fail)
{
	if (pass == 0 && fail == 0)
		return LD_STATE_UNTESTED;
	if (pass > 0 && fail > 0)
		return LD_STATE_CONTESTED;
	if (fail > 0)
		return LD_STATE_FAILING;
	return pass >= 2 ? LD_STATE_CONFIRMED : LD_STATE_SINGLE;
}

/* Fills results, tallies, check states, cells and roll-ups of recipe `r`. */
static int recipe_tally(ld_recipe *r, const ld_corroboration *c, const group *g,
			const bool *latest, const size_t *colof,
			const ld_corroboration_input *in, ae_err *err)
{
	ld_state *states = NULL;

	for (size_t k = 0; k < g->n; k++) {
		const ld_run *run = &in->runs[g->runs[k]];
		for (size_t j = 0; latest[k] && run->vote == LD_VOTE_VERIFIED &&
				   j < run->n_checks;
		     j++) {
			long ci = check_find(r, &run->checks[j]);
			ld_result v =
				ld_result_from_ctrf(run->checks[j].status);
			ld_result *slot;
			if (ci < 0)
				continue;
			/* Merge tied latest runs and repeated names: the enum
			 * order makes fail beat pass beat not run. */
			slot = &r->checks[ci].results[colof[k]];
			if (v > *slot)
				*slot = v;
		}
	}
	states = malloc((r->n_checks ? r->n_checks : 1) * sizeof(*states));
	if (states == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < r->n_checks; i++) {
		ld_check *ck = &r->checks[i];
		for (size_t j = 0; j < r->n_cols; j++) {
			const ld_signer *s = &c->signers[r->cols[j]];
			ld_result v = ck->results[j];
			ld_cell *cell = &r->cells[j];
			cell->pass += v == LD_RESULT_PASS;
			cell->fail += v == LD_RESULT_FAIL;
			cell->not_run += v == LD_RESULT_NOT_RUN;
			if (s->counts) {
				ck->pass += v == LD_RESULT_PASS;
				ck->fail += v == LD_RESULT_FAIL;
			} else if (s->vote == LD_VOTE_VERIFIED) {
				ck->reported += v != LD_RESULT_NOT_RUN;
			}
		}
		ck->state = check_state(ck->pass, ck->fail);
		states[i] = ck->state;
		r->counts[ck->state]++;
	}
	r->state = ld_state_rollup(states, r->n_checks);
	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		size_t n = 0;
		for (size_t i = 0; i < r->n_checks; i++) {
			if (ld_phase_index(r->checks[i].phase) == p)
				states[n++] = r->checks[i].state;
		}
		r->phase_state[p] = ld_state_rollup(states, n);
	}
	free(states);
	return 0;
}

/* The kind of a recipe × signer cell once its counts are known. */
static ld_cell_kind cell_kind(const ld_signer *s, const ld_cell *cell)
{
	if (s->vote == LD_VOTE_CLAIMED)
		return LD_CELL_CLAIMED;
	if (s->vote == LD_VOTE_UNVERIFIABLE)
		return LD_CELL_UNVERIFIABLE;
	if (cell->fail > 0)
		return LD_CELL_FAIL;
	return cell->pass > 0 ? LD_CELL_PASS : LD_CELL_NOT_RUN;
}

/* Builds recipe `r` from its group of runs (sorted by column, newest
 * first). */
static int recipe_build(ld_recipe *r, const ld_corroboration *c, const group *g,
			const size_t *sig, const ld_corroboration_input *in,
			ae_err *err)
{
	bool *latest = NULL;
	size_t *colof = NULL, first = 0;
	int rc = 0;

	if (g->n == 0)
		return 0;
	latest = calloc(g->n, sizeof(*latest));
	colof = calloc(g->n, sizeof(*colof));
	r->cols = calloc(g->n, sizeof(*r->cols));
	r->cells = calloc(g->n, sizeof(*r->cells));
	r->entries = calloc(g->n, sizeof(*r->entries));
	if (!latest || !colof || !r->cols || !r->cells || !r->entries) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < g->n; k++) {
		const ld_run *run = &in->runs[g->runs[k]];
		ld_entry *e = &r->entries[r->n_entries++];
		if (r->n_cols == 0 ||
		    r->cols[r->n_cols - 1] != sig[g->runs[k]]) {
			r->cols[r->n_cols++] = sig[g->runs[k]];
			first = k; /* the column's newest run */
		}
		colof[k] = r->n_cols - 1;
		r->cells[colof[k]].pointers++;
		latest[k] =
			strcmp(str_or_empty(run->attested_at),
			       str_or_empty(
				       in->runs[g->runs[first]].attested_at)) ==
			0;
		e->signer = sig[g->runs[k]];
		e->latest = latest[k];
		rc = dup_opt(&e->path, run->path, err);
		if (rc == 0)
			rc = dup_opt(&e->digest, run->digest, err);
		if (rc == 0)
			rc = dup_opt(&e->attested_at, run->attested_at, err);
		if (rc == 0)
			rc = dup_opt(&e->reason, run->reason, err);
		if (rc < 0)
			goto done;
	}
	rc = recipe_checks_build(r, g, latest, in, err);
	if (rc == 0)
		rc = recipe_tally(r, c, g, latest, colof, in, err);
	for (size_t j = 0; rc == 0 && j < r->n_cols; j++)
		r->cells[j].kind =
			cell_kind(&c->signers[r->cols[j]], &r->cells[j]);
done:
	free(latest);
	free(colof);
	return rc;
}

/* Groups runs by recipe and builds each recipe. */
static int recipes_fill(ld_corroboration *c, const size_t *sig,
			const size_t *rec, const ld_corroboration_input *in,
			ae_err *err)
{
	sort_ctx sc = {in->runs, sig, rec};
	size_t *order = NULL, start = 0;
	int rc = 0;

	for (size_t i = 0; i < c->n_recipes; i++) {
		c->recipes[i].state = LD_STATE_UNTESTED;
		for (int p = 0; p < LD_PHASE_COUNT; p++)
			c->recipes[i].phase_state[p] = LD_STATE_UNTESTED;
	}
	if (in->n_runs == 0)
		return 0;
	order = malloc(in->n_runs * sizeof(*order));
	if (order == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < in->n_runs; i++)
		order[i] = i;
	qsort_r(order, in->n_runs, sizeof(*order), run_by_recipe_cmp, &sc);
	while (rc == 0 && start < in->n_runs) {
		size_t end = start;
		group g;
		while (end < in->n_runs && rec[order[end]] == rec[order[start]])
			end++;
		g.runs = order + start;
		g.n = end - start;
		rc = recipe_build(&c->recipes[rec[order[start]]], c, &g, sig,
				  in, err);
		start = end;
	}
	free(order);
	return rc;
}

int ld_corroboration_compute(ld_corroboration **out,
			     const ld_corroboration_input *in, ae_err *err)
{
	ld_corroboration *c = NULL;
	size_t *sig = NULL, *rec = NULL;
	int rc;

	AE_ASSERT_ARG(out != NULL && in != NULL, err);
	*out = NULL;
	AE_ASSERT_ARG(in->runs != NULL || in->n_runs == 0, err);
	AE_ASSERT_ARG(in->recipes != NULL || in->n_recipes == 0, err);
	rc = runs_validate(in, err);
	if (rc < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	sig = calloc(in->n_runs ? in->n_runs : 1, sizeof(*sig));
	rec = calloc(in->n_runs ? in->n_runs : 1, sizeof(*rec));
	if (c == NULL || sig == NULL || rec == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	c->verified = in->verified;
	rc = signers_build(c, sig, in, err);
	if (rc == 0)
		rc = recipes_build(c, rec, in, err);
	if (rc == 0)
		rc = recipes_fill(c, sig, rec, in, err);
done:
	free(sig);
	free(rec);
	if (rc < 0) {
		ld_corroboration_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void recipe_dispose(ld_recipe *r)
{
	for (size_t i = 0; i < r->n_checks; i++) {
		free(r->checks[i].results);
		free(r->checks[i].name);
		free(r->checks[i].phase);
	}
	for (size_t i = 0; i < r->n_entries; i++) {
		free(r->entries[i].reason);
		free(r->entries[i].attested_at);
		free(r->entries[i].digest);
		free(r->entries[i].path);
	}
	free(r->checks);
	free(r->entries);
	free(r->cells);
	free(r->cols);
	free(r->name);
}

void ld_corroboration_free(ld_corroboration *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_recipes; i++)
		recipe_dispose(&c->recipes[i]);
	for (size_t i = 0; i < c->n_signers; i++) {
		free(c->signers[i].label);
		free(c->signers[i].slug);
		free(c->signers[i].identity);
		free(c->signers[i].issuer);
	}
	free(c->recipes);
	free(c->signers);
	free(c);
}
