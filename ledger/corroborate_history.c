/* ledger/corroborate_history.c -- every run of a recipe over time: what
 * changed between a signer's runs, its run health, and the recipe's state
 * as it stood after each run (issue 22 item 4)
 *
 * Flips and health follow the reference's series: between two adjacent
 * runs of one signer (newest first), a flip is a check both ran with
 * another result; flakePct is flips over such pairs, rounded; the last
 * pass is the newest run that ran something and failed nothing.
 *
 * The timeline replays the verified runs oldest first under the
 * latest-per-signer view (grids[0]): each column's view is replaced by a
 * newer run that may speak (or, while it has none, by a newer verified
 * run), runs of the same time merge, and per-check vote counters are
 * updated incrementally, so the replay costs the number of outcomes, not
 * runs × checks. A point is recorded when the recipe's roll-up changes;
 * the last one is grids[0]'s state.
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>

static bool ran(ld_result r)
{
	return r == LD_RESULT_PASS || r == LD_RESULT_FAIL;
}

/* Flips between two runs' outcomes; *pairs_out counts checks both ran. */
static size_t flips_between(const ld_entry *a, const ld_entry *b,
			    size_t *pairs_out)
{
	size_t i = 0, j = 0, flips = 0;

	while (i < a->n_results && j < b->n_results) {
		if (a->results[i].row < b->results[j].row) {
			i++;
		} else if (b->results[j].row < a->results[i].row) {
			j++;
		} else {
			if (ran(a->results[i].result) &&
			    ran(b->results[j].result)) {
				(*pairs_out)++;
				flips += a->results[i].result !=
					 b->results[j].result;
			}
			i++;
			j++;
		}
	}
	return flips;
}

/* Flips of each run and the column's flake rate and last pass. */
static void col_health(ld_recipe *r, size_t j)
{
	ld_col *col = &r->colinfo[j];
	size_t pairs = 0, flips = 0;

	for (size_t k = col->first; k < col->first + col->n; k++) {
		ld_entry *e = &r->entries[k];
		if (e->why == LD_WHY_UNVERIFIED ||
		    e->why == LD_WHY_UNVERIFIABLE)
			continue;
		if (col->last_pass == SIZE_MAX && e->pass + e->fail > 0 &&
		    e->fail == 0)
			col->last_pass = k;
		if (k + 1 < col->first + col->n) {
			e->flips = flips_between(e, &r->entries[k + 1], &pairs);
			flips += e->flips;
		}
	}
	col->flake_pct =
		pairs ? (unsigned)((flips * 100 + pairs / 2) / pairs) : 0;
}

/* ---- the timeline ---- */

/* One column's view during the replay. */
typedef struct tcol {
	bool has, sel, counts;
	const char *at;
	size_t head;
	ld_outcome *vec; /* merged outcomes of the view's runs */
	size_t n;
} tcol;

/* The replay's counters. */
typedef struct replay {
	ld_recipe *r;
	const ld_corroboration *c;
	tcol *cols;
	size_t *pass, *fail, *present; /* per row */
	size_t cnt[LD_STATE_COUNT];    /* rows in the grid, per state */
} replay;

/* The state row i counts as, or LD_STATE_COUNT when it is not in the
 * grid (no view reports it). */
static int row_state(const replay *p, size_t i)
{
	if (p->present[i] == 0)
		return LD_STATE_COUNT;
	return (int)ld__check_state(p->pass[i], p->fail[i]);
}

/* Adds (sign +1) or removes (-1) column `t`'s view from the counters. */
static void contribute(replay *p, const tcol *t, int sign)
{
	for (size_t x = 0; x < t->n; x++) {
		size_t i = t->vec[x].row;
		int before = row_state(p, i), after;
		p->present[i] += (size_t)sign;
		if (t->counts) {
			p->pass[i] += (size_t)sign *
				      (t->vec[x].result == LD_RESULT_PASS);
			p->fail[i] += (size_t)sign *
				      (t->vec[x].result == LD_RESULT_FAIL);
		}
		after = row_state(p, i);
		if (before != LD_STATE_COUNT)
			p->cnt[before]--;
		if (after != LD_STATE_COUNT)
			p->cnt[after]++;
	}
}

/* The roll-up of the rows in the grid (ld_state_rollup on counts). */
static ld_state rollup_counts(const size_t cnt[LD_STATE_COUNT])
{
	static const ld_state order[] = {LD_STATE_CONTESTED, LD_STATE_FAILING,
					 LD_STATE_UNTESTED, LD_STATE_SINGLE,
					 LD_STATE_CONFIRMED};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (cnt[order[i]] == 0)
			continue;
		if (order[i] == LD_STATE_UNTESTED &&
		    (cnt[LD_STATE_SINGLE] || cnt[LD_STATE_CONFIRMED]))
			return LD_STATE_PARTIAL;
		return order[i];
	}
	return LD_STATE_UNTESTED;
}

/* Applies run k of column j: it joins, replaces or leaves the view. */
static int replay_apply(replay *p, size_t j, size_t k, ae_err *err)
{
	const ld_entry *e = &p->r->entries[k];
	tcol *t = &p->cols[j];
	bool sel = ld__entry_selectable(p->c, e);
	const char *at = e->attested_at ? e->attested_at : "";
	int rc;

	if (t->has && t->sel && !sel)
		return 0; /* a run that may not speak never hides one */
	if (t->has)
		contribute(p, t, -1);
	if (!t->has || strcmp(t->at, at) != 0 || t->sel != sel) {
		free(t->vec);
		t->vec = NULL;
		t->n = 0;
		t->head = k;
	}
	if (k < t->head)
		t->head = k; /* the grid's head: first newest-first */
	t->has = true;
	t->sel = sel;
	t->at = at;
	t->counts = sel && p->r->entries[t->head].why == LD_WHY_COUNTS;
	rc = ld__outcomes_merge(&t->vec, &t->n, e->results, e->n_results, err);
	contribute(p, t, +1);
	return rc;
}

/* Appends a timeline point. */
static int timeline_add(ld_recipe *r, const char *at, ld_state st, size_t k,
			ae_err *err)
{
	ld_point *v = realloc(r->timeline, (r->n_timeline + 1) * sizeof(*v));

	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	r->timeline = v;
	v[r->n_timeline].at = strdup(at);
	if (v[r->n_timeline].at == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	v[r->n_timeline].state = st;
	v[r->n_timeline++].entry = k;
	return 0;
}

/* What the replay sorts: an entry and its column. */
typedef struct tev {
	size_t k, j;
	const char *at;
} tev;

static int tev_cmp(const void *pa, const void *pb)
{
	const tev *a = pa, *b = pb;
	int c = strcmp(a->at, b->at);

	return c ? c : (a->k < b->k ? -1 : a->k > b->k);
}

/* Collects the verified runs of `r`, oldest first. */
static int replay_events(tev **out, size_t *n_out, const ld_recipe *r,
			 ae_err *err)
{
	tev *ev = calloc(r->n_entries ? r->n_entries : 1, sizeof(*ev));
	size_t n = 0;

	*out = ev;
	*n_out = 0;
	if (ev == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t j = 0; j < r->n_cols; j++) {
		const ld_col *col = &r->colinfo[j];
		for (size_t k = col->first; k < col->first + col->n; k++) {
			const ld_entry *e = &r->entries[k];
			if (e->why == LD_WHY_UNVERIFIED ||
			    e->why == LD_WHY_UNVERIFIABLE)
				continue;
			ev[n].k = k;
			ev[n].j = j;
			ev[n++].at = e->attested_at ? e->attested_at : "";
		}
	}
	qsort(ev, n, sizeof(*ev), tev_cmp);
	*n_out = n;
	return 0;
}

/* Replays the events; a point whenever a time's runs change the state. */
static int replay_run(replay *p, const tev *ev, size_t n, ae_err *err)
{
	size_t i = 0;
	int rc = 0;

	while (rc == 0 && i < n) {
		size_t start = i;
		ld_state st;
		for (; rc == 0 && i < n && strcmp(ev[i].at, ev[start].at) == 0;
		     i++)
			rc = replay_apply(p, ev[i].j, ev[i].k, err);
		if (rc < 0)
			break;
		st = rollup_counts(p->cnt);
		if (p->r->n_timeline == 0 ||
		    p->r->timeline[p->r->n_timeline - 1].state != st)
			rc = timeline_add(p->r, ev[start].at, st, ev[start].k,
					  err);
	}
	return rc;
}

static int timeline_build(ld_recipe *r, const ld_corroboration *c, ae_err *err)
{
	replay p;
	tev *ev = NULL;
	size_t n = 0, rows = r->n_rows ? r->n_rows : 1;
	int rc;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.c = c;
	p.cols = calloc(r->n_cols ? r->n_cols : 1, sizeof(*p.cols));
	p.pass = calloc(rows, sizeof(size_t));
	p.fail = calloc(rows, sizeof(size_t));
	p.present = calloc(rows, sizeof(size_t));
	rc = p.cols && p.pass && p.fail && p.present
		     ? replay_events(&ev, &n, r, err)
		     : ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = replay_run(&p, ev, n, err);
	for (size_t j = 0; p.cols && j < r->n_cols; j++)
		free(p.cols[j].vec);
	free(p.cols);
	free(p.pass);
	free(p.fail);
	free(p.present);
	free(ev);
	return rc;
}

int ld__recipe_history(ld_recipe *r, const ld_corroboration *c, ae_err *err)
{
	for (size_t j = 0; j < r->n_cols; j++)
		col_health(r, j);
	return timeline_build(r, c, err);
}
