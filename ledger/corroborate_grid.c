/* ledger/corroborate_grid.c -- the views of one recipe: which run speaks
 * for each signer, and the states that follow
 *
 * A view (ld_grid) picks, per signer column, the run in view: its latest
 * run that may speak (verified, fresh unless --include-historical, a
 * release unless --exclude-dev), runs tied at that time merged (fail over
 * pass); a signer with no such run shows its newest verified run, not
 * counted, so a historical or development-only signer stays visible. The
 * view grids[0] takes runs of any tool version (the reference dashboard's
 * "all versions"); grids[1..] take one tool version each, newest first,
 * the reference's strict same-version consensus (issue 22 item 2). A
 * check is a row some run in view reports; its state counts the votes of
 * columns that count (reference §4.4).
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>

static const char *ver_of(const ld_entry *e)
{
	return e->aicr_version ? e->aicr_version : "";
}

/* True iff entry `e` is of tool version `version` (NULL: any). */
static bool version_match(const ld_entry *e, const char *version)
{
	return version == NULL || strcmp(ver_of(e), version) == 0;
}

static bool entry_verified(const ld_entry *e)
{
	return e->why != LD_WHY_UNVERIFIED && e->why != LD_WHY_UNVERIFIABLE;
}

/* The run heading column j's view: its newest selectable run of
 * `version`, else its newest verified run of it; SIZE_MAX when none.
 * `*sel` says which. */
static size_t view_head(const ld_recipe *r, const ld_corroboration *c, size_t j,
			const char *version, bool *sel)
{
	const ld_col *col = &r->colinfo[j];
	size_t fallback = SIZE_MAX;

	*sel = false;
	for (size_t k = col->first; k < col->first + col->n; k++) {
		const ld_entry *e = &r->entries[k];
		if (!entry_verified(e) || !version_match(e, version))
			continue;
		if (ld__entry_selectable(c, e)) {
			*sel = true;
			return k;
		}
		if (fallback == SIZE_MAX)
			fallback = k;
	}
	return fallback;
}

/* True iff entry k is in the view headed by `head`: tied with it in time,
 * of the version, and as selectable. */
static bool view_member(const ld_recipe *r, const ld_corroboration *c,
			size_t head, bool sel, size_t k, const char *version)
{
	const ld_entry *e = &r->entries[k], *h = &r->entries[head];

	if (k == head)
		return true;
	return entry_verified(e) && version_match(e, version) &&
	       ld__entry_selectable(c, e) == sel &&
	       strcmp(e->attested_at ? e->attested_at : "",
		      h->attested_at ? h->attested_at : "") == 0;
}

void ld__grid_dispose(ld_grid *g, size_t n_cols)
{
	(void)n_cols;
	for (size_t i = 0; i < g->n_checks; i++)
		free(g->checks[i].results);
	free(g->checks);
	free(g->cells);
	free(g->version);
	memset(g, 0, sizeof(*g));
}

/* The grid's checks: every row some run in view reports, in row order
 * (rows are sorted by phase order, then name). `heads`/`sel` per column. */
static int grid_checks(ld_grid *g, const ld_recipe *r,
		       const ld_corroboration *c, const size_t *heads,
		       const bool *sel, const char *version, size_t *rowmap,
		       ae_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_rows; i++)
		rowmap[i] = SIZE_MAX;
	for (size_t j = 0; j < r->n_cols; j++) {
		const ld_col *col = &r->colinfo[j];
		for (size_t k = col->first;
		     heads[j] != SIZE_MAX && k < col->first + col->n; k++) {
			const ld_entry *e = &r->entries[k];
			if (!view_member(r, c, heads[j], sel[j], k, version))
				continue;
			for (size_t x = 0; x < e->n_results; x++)
				rowmap[e->results[x].row] = 0;
		}
	}
	for (size_t i = 0; i < r->n_rows; i++)
		n += rowmap[i] != SIZE_MAX;
	g->checks = calloc(n ? n : 1, sizeof(*g->checks));
	if (g->checks == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < r->n_rows; i++) {
		ld_check *ck;
		if (rowmap[i] == SIZE_MAX)
			continue;
		rowmap[i] = g->n_checks;
		ck = &g->checks[g->n_checks++];
		ck->row = i;
		ck->phase = r->rows[i].phase;
		ck->name = r->rows[i].name;
		ck->results =
			calloc(r->n_cols ? r->n_cols : 1, sizeof(*ck->results));
		if (ck->results == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	return 0;
}

/* Fills results: per column the merge of its view's runs. */
static void grid_results(ld_grid *g, const ld_recipe *r,
			 const ld_corroboration *c, const size_t *heads,
			 const bool *sel, const char *version,
			 const size_t *rowmap, bool mark, ld_recipe *mr)
{
	for (size_t j = 0; j < r->n_cols; j++) {
		const ld_col *col = &r->colinfo[j];
		for (size_t k = col->first;
		     heads[j] != SIZE_MAX && k < col->first + col->n; k++) {
			const ld_entry *e = &r->entries[k];
			if (!view_member(r, c, heads[j], sel[j], k, version))
				continue;
			if (mark)
				mr->entries[k].latest = true;
			for (size_t x = 0; x < e->n_results; x++) {
				ld_result *slot =
					&g->checks[rowmap[e->results[x].row]]
						 .results[j];
				/* The enum order makes fail beat pass beat
				 * not run. */
				if (e->results[x].result > *slot)
					*slot = e->results[x].result;
			}
		}
	}
}

/* The cell of column j: kind, the run in view, whether it votes. */
static void grid_cell(ld_cell *cell, const ld_recipe *r,
		      const ld_corroboration *c, size_t j, size_t head,
		      const char *version)
{
	const ld_signer *s = &c->signers[r->cols[j]];
	const ld_col *col = &r->colinfo[j];

	cell->pointers = col->n;
	cell->entry = SIZE_MAX;
	cell->kind = LD_CELL_NONE;
	cell->why = LD_WHY_UNVERIFIED;
	if (s->vote != LD_VOTE_VERIFIED) {
		if (version != NULL || col->n == 0)
			return;
		cell->entry = col->first;
		cell->why = r->entries[col->first].why;
		cell->kind = s->vote == LD_VOTE_CLAIMED ? LD_CELL_CLAIMED
							: LD_CELL_UNVERIFIABLE;
		return;
	}
	if (head == SIZE_MAX)
		return;
	cell->entry = head;
	cell->why = r->entries[head].why;
	cell->kind = LD_CELL_NOT_RUN; /* set from the tallies */
}

/* Tallies votes, check states, cell counts and roll-ups. */
static int grid_tally(ld_grid *g, const ld_recipe *r, const bool *sel,
		      ae_err *err)
{
	ld_state *states = NULL;

	for (size_t i = 0; i < g->n_checks; i++) {
		ld_check *ck = &g->checks[i];
		for (size_t j = 0; j < r->n_cols; j++) {
			ld_cell *cell = &g->cells[j];
			ld_result v = ck->results[j];
			if (cell->kind == LD_CELL_NONE ||
			    cell->kind == LD_CELL_CLAIMED ||
			    cell->kind == LD_CELL_UNVERIFIABLE)
				continue;
			cell->pass += v == LD_RESULT_PASS;
			cell->fail += v == LD_RESULT_FAIL;
			cell->not_run += v == LD_RESULT_NOT_RUN;
			if (cell->why == LD_WHY_COUNTS) {
				ck->pass += v == LD_RESULT_PASS;
				ck->fail += v == LD_RESULT_FAIL;
			} else if (sel[j]) {
				ck->reported += v != LD_RESULT_NOT_RUN;
			}
		}
		ck->state = ld__check_state(ck->pass, ck->fail);
		g->counts[ck->state]++;
	}
	for (size_t j = 0; j < r->n_cols; j++) {
		ld_cell *cell = &g->cells[j];
		if (cell->kind == LD_CELL_NOT_RUN)
			cell->kind = cell->fail	  ? LD_CELL_FAIL
				     : cell->pass ? LD_CELL_PASS
						  : LD_CELL_NOT_RUN;
		g->counted += cell->kind != LD_CELL_NONE &&
			      cell->why == LD_WHY_COUNTS;
	}
	states = malloc((g->n_checks ? g->n_checks : 1) * sizeof(*states));
	if (states == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < g->n_checks; i++)
		states[i] = g->checks[i].state;
	g->state = ld_state_rollup(states, g->n_checks);
	for (int p = 0; p < LD_PHASE_COUNT; p++) {
		size_t n = 0;
		for (size_t i = 0; i < g->n_checks; i++) {
			if (ld_phase_index(g->checks[i].phase) == p)
				states[n++] = g->checks[i].state;
		}
		g->phase_state[p] = ld_state_rollup(states, n);
	}
	free(states);
	return 0;
}

/* Builds the view of `version` (NULL: any) into `g`; with `mark`, flags
 * its runs `latest` in `r`. */
static int grid_build(ld_grid *g, ld_recipe *r, const ld_corroboration *c,
		      const char *version, bool mark, ae_err *err)
{
	size_t *heads = NULL, *rowmap = NULL;
	bool *sel = NULL;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	if (version != NULL) {
		g->version = strdup(version);
		if (g->version == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	heads = calloc(r->n_cols ? r->n_cols : 1, sizeof(*heads));
	sel = calloc(r->n_cols ? r->n_cols : 1, sizeof(*sel));
	rowmap = calloc(r->n_rows ? r->n_rows : 1, sizeof(*rowmap));
	g->cells = calloc(r->n_cols ? r->n_cols : 1, sizeof(*g->cells));
	if (!heads || !sel || !rowmap || !g->cells) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t j = 0; j < r->n_cols; j++) {
		heads[j] = view_head(r, c, j, version, &sel[j]);
		grid_cell(&g->cells[j], r, c, j, heads[j], version);
	}
	rc = grid_checks(g, r, c, heads, sel, version, rowmap, err);
	if (rc == 0) {
		grid_results(g, r, c, heads, sel, version, rowmap, mark, r);
		rc = grid_tally(g, r, sel, err);
	}
done:
	free(heads);
	free(sel);
	free(rowmap);
	return rc;
}

/* One tool version of the recipe and the time of its newest run. */
typedef struct ver {
	const char *v;
	const char *newest;
} ver;

static int ver_cmp(const void *pa, const void *pb)
{
	const ver *a = pa, *b = pb;
	int c = ld_version_cmp(a->v, b->v);

	if (c == 0)
		c = strcmp(b->newest, a->newest); /* more recent first */
	return c ? c : strcmp(a->v, b->v);
}

static int ver_name_cmp(const void *pa, const void *pb)
{
	const ver *a = pa, *b = pb;
	int c = strcmp(a->v, b->v);

	return c ? c : strcmp(b->newest, a->newest);
}

/* The recipe's tool versions, newest first (the reference's
 * orderVersionsNewestFirst: releases by number, then recency), at most
 * LD_GRID_VERSIONS_MAX of them; *omitted_out counts the older rest. */
static int recipe_versions(ver **out, size_t *n_out, size_t *omitted_out,
			   const ld_recipe *r, ae_err *err)
{
	ver *v = calloc(r->n_entries ? r->n_entries : 1, sizeof(*v));
	size_t n = 0, u = 0;

	*out = v;
	*n_out = *omitted_out = 0;
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t k = 0; k < r->n_entries; k++) {
		const ld_entry *e = &r->entries[k];
		if (!entry_verified(e))
			continue;
		v[n].v = ver_of(e);
		v[n++].newest = e->attested_at ? e->attested_at : "";
	}
	/* By name, newest first within a name: the first of each is kept. */
	qsort(v, n, sizeof(*v), ver_name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (u > 0 && strcmp(v[u - 1].v, v[i].v) == 0)
			continue;
		v[u++] = v[i];
	}
	qsort(v, u, sizeof(*v), ver_cmp);
	if (u > LD_GRID_VERSIONS_MAX) {
		*omitted_out = u - LD_GRID_VERSIONS_MAX;
		u = LD_GRID_VERSIONS_MAX;
	}
	*n_out = u;
	return 0;
}

/* Which grid the input's lens asks for; may append the grid of a
 * requested version the recipe has no run of (nobody ran it there). */
static size_t grid_active(const ld_recipe *r, const ld_corroboration_input *in)
{
	if (in->lens != LD_LENS_SAME_VERSION)
		return 0;
	for (size_t i = 1; in->lens_version && i < r->n_grids; i++) {
		if (strcmp(r->grids[i].version, in->lens_version) == 0)
			return i;
	}
	return in->lens_version ? SIZE_MAX : r->newest;
}

/* The newest tool version's view that has a vote, else the newest
 * version's, else (no verified run) the latest-per-signer view. */
static size_t grid_newest(const ld_recipe *r)
{
	for (size_t i = 1; i < r->n_grids; i++) {
		if (r->grids[i].counted > 0)
			return i;
	}
	return r->n_grids > 1 ? 1 : 0;
}

/* Copies the active grid's states into the recipe's shortcuts. */
static void recipe_view(ld_recipe *r)
{
	const ld_grid *g = &r->grids[r->active];

	r->state = g->state;
	memcpy(r->phase_state, g->phase_state, sizeof(r->phase_state));
	memcpy(r->counts, g->counts, sizeof(r->counts));
	r->cells = g->cells;
	r->checks = g->checks;
	r->n_checks = g->n_checks;
}

/* Builds grid i of version `v` (NULL: any). Grid i must be zeroed. */
static int grid_add(ld_recipe *r, const ld_corroboration *c, const char *v,
		    ae_err *err)
{
	int rc = grid_build(&r->grids[r->n_grids], r, c, v, false, err);

	r->n_grids++; /* disposed on failure too */
	return rc;
}

int ld__recipe_grids(ld_recipe *r, const ld_corroboration *c,
		     const ld_corroboration_input *in, ae_err *err)
{
	ver *v = NULL;
	size_t nv = 0, active;
	ld_grid g;
	int rc;

	rc = recipe_versions(&v, &nv, &r->versions_omitted, r, err);
	if (rc == 0) {
		r->grids = calloc(nv + 2, sizeof(*r->grids));
		if (r->grids == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0)
		rc = grid_add(r, c, NULL, err);
	for (size_t i = 0; rc == 0 && i < nv; i++)
		rc = grid_add(r, c, v[i].v, err);
	free(v);
	if (rc < 0)
		return rc;
	r->newest = grid_newest(r);
	active = grid_active(r, in);
	if (active == SIZE_MAX) {
		rc = grid_add(r, c, in->lens_version, err);
		active = r->n_grids - 1;
	}
	if (rc < 0)
		return rc;
	/* Rebuild the active view marking its runs (cheap: one grid). */
	rc = grid_build(&g, r, c, r->grids[active].version, true, err);
	if (rc < 0) {
		ld__grid_dispose(&g, r->n_cols);
		return rc;
	}
	ld__grid_dispose(&r->grids[active], r->n_cols);
	r->grids[active] = g;
	r->active = active;
	recipe_view(r);
	return 0;
}
