/* ledger/corroborate.c -- the consensus model: runs in, states out
 *
 * The model of reference §4.4 (SPEC §6) as a pure function over plain data.
 * Runs are grouped into signer columns by (class, vote, issuer, identity):
 * a verified signer, a claimed signer and an unverifiable claim never share
 * a column, so a squatter's pointer on a victim's slug cannot lend the
 * victim's column its weight. Every run of a recipe is kept as an entry
 * (the history, issue 22 item 4), with what decides whether it may vote:
 * verified, allowlisted, first-party when ingested, fresh against the
 * current recipe, a release build when development builds are excluded.
 * The views (latest run per signer, or the same tool version only) are
 * built in corroborate_grid.c, the history's flips and timeline in
 * corroborate_history.c. Nothing here reads files or the network.
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>

/* Per-recipe scratch: the run indices of one recipe, sorted by column then
 * newest first. */
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

int ld__check_key_cmp(const char *pa, const char *na, const char *pb,
		      const char *nb)
{
	int ia = ld_phase_index(pa), ib = ld_phase_index(pb);
	int c;

	if (ia < 0)
		ia = LD_PHASE_COUNT;
	if (ib < 0)
		ib = LD_PHASE_COUNT;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	c = strcmp(pa, pb);
	return c ? c : strcmp(na, nb);
}

static int check_input_cmp(const void *pa, const void *pb)
{
	const ld_check_input *a = *(const ld_check_input *const *)pa;
	const ld_check_input *b = *(const ld_check_input *const *)pb;

	return ld__check_key_cmp(a->phase, a->name, b->phase, b->name);
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

/* Copies the signer fields of run `r` into a new column `s`. */
static int signer_fill(ld_signer *s, const ld_run *r, ae_err *err)
{
	int rc;

	s->cls = r->cls;
	s->vote = r->vote;
	s->counts = r->vote == LD_VOTE_VERIFIED && r->cls != LD_CLASS_REPORTED;
	rc = dup_opt(&s->issuer, r->issuer, err);
	if (rc == 0)
		rc = dup_opt(&s->identity, r->identity, err);
	if (rc == 0)
		rc = dup_opt(&s->slug, r->slug, err);
	if (rc == 0)
		rc = dup_opt(&s->label, r->label, err);
	return rc;
}

/* The signer's coordinates: those of its newest verified run (`newest`
 * holds, per column, that run's index or SIZE_MAX). */
static int signers_facets(ld_corroboration *c, const size_t *newest,
			  const ld_corroboration_input *in, ae_err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		for (int f = 0;
		     rc == 0 && newest[i] != SIZE_MAX && f < LD_FACET_COUNT;
		     f++)
			rc = dup_opt(&c->signers[i].facets[f],
				     in->runs[newest[i]].facets[f], err);
	}
	return rc;
}

/* Builds the signer columns and each run's column index (sig_out). */
static int signers_build(ld_corroboration *c, size_t *sig_out,
			 const ld_corroboration_input *in, ae_err *err)
{
	sort_ctx sc = {NULL, NULL, NULL};
	size_t *order = NULL, *newest = NULL;
	int rc = 0;

	if (in->n_runs == 0)
		return 0;
	order = malloc(in->n_runs * sizeof(*order));
	newest = malloc(in->n_runs * sizeof(*newest));
	c->signers = calloc(in->n_runs, sizeof(*c->signers));
	if (order == NULL || newest == NULL || c->signers == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->n_runs; i++)
		order[i] = i;
	sc.runs = in->runs;
	qsort_r(order, in->n_runs, sizeof(*order), run_by_signer_cmp, &sc);
	for (size_t i = 0; rc == 0 && i < in->n_runs; i++) {
		const ld_run *r = &in->runs[order[i]];
		size_t s;
		if (i == 0 || signer_key_cmp(&in->runs[order[i - 1]], r) != 0) {
			newest[c->n_signers] = SIZE_MAX;
			rc = signer_fill(&c->signers[c->n_signers++], r, err);
		}
		s = c->n_signers - 1;
		sig_out[order[i]] = s;
		c->signers[s].ingested |= r->origin == LD_ORIGIN_INGEST;
		if (r->vote == LD_VOTE_VERIFIED &&
		    (newest[s] == SIZE_MAX ||
		     strcmp(str_or_empty(r->attested_at),
			    str_or_empty(in->runs[newest[s]].attested_at)) > 0))
			newest[s] = order[i];
	}
	if (rc == 0)
		rc = signers_facets(c, newest, in, err);
done:
	free(order);
	free(newest);
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
	qsort(names, n, sizeof(*names), ae_strptr_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i - 1], names[i]) == 0)
			continue;
		rc = dup_opt(&c->recipes[c->n_recipes].name, names[i], err);
		if (rc < 0)
			goto done;
		c->n_recipes++;
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

/* Why a run may not vote, in the order of ld_why (docs/ledger.md). */
static ld_why run_why(const ld_run *run, ld_fresh fresh, bool dev,
		      const ld_corroboration_input *in)
{
	if (run->vote == LD_VOTE_CLAIMED)
		return LD_WHY_UNVERIFIED;
	if (run->vote == LD_VOTE_UNVERIFIABLE)
		return LD_WHY_UNVERIFIABLE;
	if (run->resigned)
		return LD_WHY_RESIGNED;
	if (run->origin == LD_ORIGIN_INGEST && run->cls != LD_CLASS_FIRST_PARTY)
		return LD_WHY_NOT_FIRST_PARTY;
	if (run->cls == LD_CLASS_REPORTED)
		return LD_WHY_UNLISTED;
	if (fresh == LD_FRESH_HISTORICAL && !in->include_historical)
		return LD_WHY_HISTORICAL;
	if (dev && in->exclude_dev)
		return LD_WHY_DEV;
	return LD_WHY_COUNTS;
}

/* A run's overall freshness: HISTORICAL when its recipe or its profile
 * changed since; CURRENT when the recipe is current and the profile (if
 * it has one) too; UNKNOWN otherwise. Only a verified run is judged. */
static ld_fresh run_fresh(const ld_run *run, ld_fresh *profile_out)
{
	ld_fresh rf = run->recipe_fresh, pf = run->profile_fresh;

	if (run->profile == NULL || run->vote != LD_VOTE_VERIFIED)
		pf = LD_FRESH_NA;
	if (run->vote != LD_VOTE_VERIFIED)
		rf = LD_FRESH_UNKNOWN;
	*profile_out = pf;
	if (rf == LD_FRESH_HISTORICAL || pf == LD_FRESH_HISTORICAL)
		return LD_FRESH_HISTORICAL;
	if (rf == LD_FRESH_CURRENT &&
	    (pf == LD_FRESH_CURRENT || pf == LD_FRESH_NA))
		return LD_FRESH_CURRENT;
	return LD_FRESH_UNKNOWN;
}

/* Copies the strings of `run` into entry `e`. */
static int entry_strings(ld_entry *e, const ld_run *run, ae_err *err)
{
	int rc = dup_opt(&e->path, run->path, err);

	if (rc == 0)
		rc = dup_opt(&e->digest, run->digest, err);
	if (rc == 0)
		rc = dup_opt(&e->oci, run->oci, err);
	if (rc == 0)
		rc = dup_opt(&e->attested_at, run->attested_at, err);
	if (rc == 0)
		rc = dup_opt(&e->reason, run->reason, err);
	if (run->vote != LD_VOTE_VERIFIED)
		return rc;
	if (rc == 0)
		rc = dup_opt(&e->aicr_version, run->aicr_version, err);
	if (rc == 0)
		rc = dup_opt(&e->profile, run->profile, err);
	if (rc == 0)
		rc = dup_opt(&e->fresh_note, run->fresh_note, err);
	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++)
		rc = dup_opt(&e->facets[f], run->facets[f], err);
	return rc;
}

/* Fills entry `e` from `run`: the strings, and what decides its vote. */
static int entry_fill(ld_entry *e, const ld_run *run, size_t signer,
		      const ld_corroboration_input *in, ae_err *err)
{
	e->signer = signer;
	e->origin = run->origin;
	e->fresh = run_fresh(run, &e->profile_fresh);
	e->recipe_fresh = run->vote == LD_VOTE_VERIFIED ? run->recipe_fresh
							: LD_FRESH_UNKNOWN;
	e->dev = run->vote == LD_VOTE_VERIFIED &&
		 !ld_version_is_release(run->aicr_version);
	e->why = run_why(run, e->fresh, e->dev, in);
	e->kind = run->vote == LD_VOTE_CLAIMED	      ? LD_CELL_CLAIMED
		  : run->vote == LD_VOTE_UNVERIFIABLE ? LD_CELL_UNVERIFIABLE
						      : LD_CELL_NOT_RUN;
	return entry_strings(e, run, err);
}

/* Index of (phase, name) in the recipe's sorted rows (it is there). */
static size_t row_find(const ld_recipe *r, const ld_check_input *ci)
{
	size_t lo = 0, hi = r->n_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = ld__check_key_cmp(r->rows[mid].phase, r->rows[mid].name,
					  ci->phase, ci->name);
		if (k == 0)
			return mid;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The recipe's rows: every (phase, name) of every verified run. */
static int rows_build(ld_recipe *r, const ld_run *const *runs, ae_err *err)
{
	const ld_check_input **all = NULL;
	size_t n = 0, total = 0;
	int rc = 0;

	for (size_t k = 0; k < r->n_entries; k++)
		total += runs[k]->vote == LD_VOTE_VERIFIED ? runs[k]->n_checks
							   : 0;
	if (total == 0)
		return 0;
	all = malloc(total * sizeof(*all));
	r->rows = calloc(total, sizeof(*r->rows));
	if (all == NULL || r->rows == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < r->n_entries; k++) {
		for (size_t j = 0;
		     runs[k]->vote == LD_VOTE_VERIFIED && j < runs[k]->n_checks;
		     j++)
			all[n++] = &runs[k]->checks[j];
	}
	qsort(all, n, sizeof(*all), check_input_cmp);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		ld_row *row;
		if (i > 0 && check_input_cmp(&all[i - 1], &all[i]) == 0)
			continue;
		row = &r->rows[r->n_rows++];
		rc = dup_opt(&row->phase, all[i]->phase, err);
		if (rc == 0)
			rc = dup_opt(&row->name, all[i]->name, err);
	}
done:
	free(all);
	return rc;
}

static int outcome_cmp(const void *pa, const void *pb)
{
	const ld_outcome *a = pa, *b = pb;

	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	return a->result < b->result ? 1 : a->result > b->result ? -1 : 0;
}

/* The entry's outcomes, one per row its reports hold (a name repeated in
 * a report keeps the worse result), and its own summary. */
static int entry_outcomes(ld_entry *e, const ld_recipe *r, const ld_run *run,
			  ae_err *err)
{
	size_t n = 0;

	if (run->vote != LD_VOTE_VERIFIED || run->n_checks == 0)
		return 0;
	e->results = malloc(run->n_checks * sizeof(*e->results));
	if (e->results == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t j = 0; j < run->n_checks; j++) {
		e->results[j].row = row_find(r, &run->checks[j]);
		e->results[j].result =
			ld_result_from_ctrf(run->checks[j].status);
	}
	/* Worst first within a row, so the first of each row is kept. */
	qsort(e->results, run->n_checks, sizeof(*e->results), outcome_cmp);
	for (size_t j = 0; j < run->n_checks; j++) {
		if (n > 0 && e->results[n - 1].row == e->results[j].row)
			continue;
		e->results[n++] = e->results[j];
	}
	e->n_results = n;
	for (size_t j = 0; j < n; j++) {
		e->pass += e->results[j].result == LD_RESULT_PASS;
		e->fail += e->results[j].result == LD_RESULT_FAIL;
		e->not_run += e->results[j].result == LD_RESULT_NOT_RUN;
	}
	e->kind = e->fail   ? LD_CELL_FAIL
		  : e->pass ? LD_CELL_PASS
			    : LD_CELL_NOT_RUN;
	return 0;
}

/* The recipe's criteria: those of its newest verified run that has some
 * (entries are by column; compare times). */
static int recipe_criteria(ld_recipe *r, const ld_run *const *runs, ae_err *err)
{
	size_t best = SIZE_MAX;
	int rc = 0;

	for (size_t k = 0; k < r->n_entries; k++) {
		if (runs[k]->vote != LD_VOTE_VERIFIED ||
		    runs[k]->criteria[LD_AXIS_SERVICE] == NULL)
			continue;
		if (best == SIZE_MAX ||
		    strcmp(str_or_empty(runs[k]->attested_at),
			   str_or_empty(runs[best]->attested_at)) > 0)
			best = k;
	}
	for (int a = 0; rc == 0 && best != SIZE_MAX && a < LD_AXIS_COUNT; a++)
		rc = dup_opt(&r->criteria[a], runs[best]->criteria[a], err);
	return rc;
}

/* Builds recipe `r` from its group of runs (sorted by column, newest
 * first): entries, columns, rows, outcomes, then views and history. */
static int recipe_build(ld_recipe *r, const ld_corroboration *c, const group *g,
			const size_t *sig, const ld_corroboration_input *in,
			ae_err *err)
{
	const ld_run **runs = NULL;
	int rc = 0;

	runs = malloc(g->n * sizeof(*runs));
	r->cols = calloc(g->n, sizeof(*r->cols));
	r->colinfo = calloc(g->n, sizeof(*r->colinfo));
	r->entries = calloc(g->n, sizeof(*r->entries));
	if (!runs || !r->cols || !r->colinfo || !r->entries) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t k = 0; rc == 0 && k < g->n; k++) {
		size_t s = sig[g->runs[k]];
		runs[k] = &in->runs[g->runs[k]];
		if (r->n_cols == 0 || r->cols[r->n_cols - 1] != s) {
			r->colinfo[r->n_cols].first = k;
			r->colinfo[r->n_cols].last_pass = SIZE_MAX;
			r->cols[r->n_cols++] = s;
		}
		r->colinfo[r->n_cols - 1].n++;
		rc = entry_fill(&r->entries[r->n_entries++], runs[k], s, in,
				err);
	}
	if (rc == 0)
		rc = rows_build(r, runs, err);
	for (size_t k = 0; rc == 0 && k < r->n_entries; k++)
		rc = entry_outcomes(&r->entries[k], r, runs[k], err);
	if (rc == 0)
		rc = recipe_criteria(r, runs, err);
	if (rc == 0)
		rc = ld__recipe_grids(r, c, in, err);
	if (rc == 0)
		rc = ld__recipe_history(r, c, err);
done:
	free(runs);
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

	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		/* A recipe with no run still has its (empty) views. */
		rc = ld__recipe_grids(&c->recipes[i], c, in, err);
	}
	if (rc < 0 || in->n_runs == 0)
		return rc;
	order = malloc(in->n_runs * sizeof(*order));
	if (order == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < in->n_runs; i++)
		order[i] = i;
	qsort_r(order, in->n_runs, sizeof(*order), run_by_recipe_cmp, &sc);
	while (rc == 0 && start < in->n_runs) {
		size_t end = start;
		ld_recipe *r = &c->recipes[rec[order[start]]];
		group g;
		while (end < in->n_runs && rec[order[end]] == rec[order[start]])
			end++;
		g.runs = order + start;
		g.n = end - start;
		for (size_t i = 0; i < r->n_grids; i++)
			ld__grid_dispose(&r->grids[i], r->n_cols);
		free(r->grids);
		r->grids = NULL;
		r->n_grids = 0;
		rc = recipe_build(r, c, &g, sig, in, err);
		start = end;
	}
	free(order);
	return rc;
}

/* Appends a copy of `s` to `*v` unless `seen` has it (sorted later); the
 * set borrows the entry's string, which outlives the totals pass. */
static int list_add(char ***v, size_t *n, ae_strset *seen, const char *s,
		    ae_err *err)
{
	char **nv;
	int rc;

	if (s == NULL)
		return 0;
	rc = ae_strset_add(seen, s, err);
	if (rc <= 0)
		return rc;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (nv == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*v = nv;
	nv[*n] = strdup(s);
	if (nv[*n] == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	(*n)++;
	return 0;
}

/* Newest first by ld_version_cmp; among non-releases, by name. */
static int version_ptr_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int c = ld_version_cmp(a, b);

	return c ? c : strcmp(a, b);
}

/* Tallies one entry and collects its facet values and tool version. */
static int totals_add(ld_corroboration *c, ae_strset *seen, const ld_entry *e,
		      ae_err *err)
{
	bool v = c->signers[e->signer].vote == LD_VOTE_VERIFIED;
	int rc = 0;

	c->n_runs++;
	c->n_verified += v;
	c->n_claimed += e->why == LD_WHY_UNVERIFIED;
	c->n_unverifiable += e->why == LD_WHY_UNVERIFIABLE;
	c->n_ingested += e->origin == LD_ORIGIN_INGEST;
	c->n_historical += v && e->fresh == LD_FRESH_HISTORICAL;
	c->n_dev += v && e->dev;
	for (int f = 0; rc == 0 && v && f < LD_FACET_COUNT; f++)
		rc = list_add(&c->facet_values[f], &c->n_facet_values[f],
			      &seen[f], e->facets[f], err);
	if (rc == 0 && v)
		rc = list_add(&c->versions, &c->n_versions,
			      &seen[LD_FACET_COUNT],
			      e->aicr_version ? e->aicr_version : "", err);
	return rc;
}

/* The report's tallies, facet values and tool versions. */
static int report_totals(ld_corroboration *c, ae_err *err)
{
	ae_strset seen[LD_FACET_COUNT + 1];
	int rc = 0;

	for (int f = 0; f <= LD_FACET_COUNT; f++)
		seen[f] = (ae_strset)AE_STRSET_INIT;
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		for (size_t k = 0; rc == 0 && k < r->n_entries; k++)
			rc = totals_add(c, seen, &r->entries[k], err);
	}
	for (int f = 0; f <= LD_FACET_COUNT; f++)
		ae_strset_dispose(&seen[f]);
	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		if (c->n_facet_values[f] > 1)
			qsort(c->facet_values[f], c->n_facet_values[f],
			      sizeof(char *), ae_strptr_cmp);
	}
	if (rc == 0 && c->n_versions > 1)
		qsort(c->versions, c->n_versions, sizeof(char *),
		      version_ptr_cmp);
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
	c->lens = in->lens;
	c->include_historical = in->include_historical;
	c->exclude_dev = in->exclude_dev;
	rc = dup_opt(&c->lens_version, in->lens_version, err);
	if (rc == 0)
		rc = signers_build(c, sig, in, err);
	if (rc == 0)
		rc = recipes_build(c, rec, in, err);
	if (rc == 0)
		rc = recipes_fill(c, sig, rec, in, err);
	if (rc == 0)
		rc = report_totals(c, err);
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

static void entry_dispose(ld_entry *e)
{
	for (int f = 0; f < LD_FACET_COUNT; f++)
		free(e->facets[f]);
	free(e->results);
	free(e->fresh_note);
	free(e->profile);
	free(e->aicr_version);
	free(e->reason);
	free(e->attested_at);
	free(e->oci);
	free(e->digest);
	free(e->path);
}

static void recipe_dispose(ld_recipe *r)
{
	for (size_t i = 0; i < r->n_grids; i++)
		ld__grid_dispose(&r->grids[i], r->n_cols);
	for (size_t i = 0; i < r->n_entries; i++)
		entry_dispose(&r->entries[i]);
	for (size_t i = 0; i < r->n_rows; i++) {
		free(r->rows[i].name);
		free(r->rows[i].phase);
	}
	for (size_t i = 0; i < r->n_timeline; i++)
		free(r->timeline[i].at);
	for (int a = 0; a < LD_AXIS_COUNT; a++)
		free(r->criteria[a]);
	free(r->timeline);
	free(r->rows);
	free(r->grids);
	free(r->entries);
	free(r->colinfo);
	free(r->cols);
	free(r->name);
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ld_corroboration_free(ld_corroboration *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_recipes; i++)
		recipe_dispose(&c->recipes[i]);
	for (size_t i = 0; i < c->n_signers; i++) {
		for (int f = 0; f < LD_FACET_COUNT; f++)
			free(c->signers[i].facets[f]);
		free(c->signers[i].label);
		free(c->signers[i].slug);
		free(c->signers[i].identity);
		free(c->signers[i].issuer);
	}
	for (int f = 0; f < LD_FACET_COUNT; f++)
		strings_free(c->facet_values[f], c->n_facet_values[f]);
	strings_free(c->versions, c->n_versions);
	free(c->lens_version);
	free(c->recipes);
	free(c->signers);
	free(c);
}
