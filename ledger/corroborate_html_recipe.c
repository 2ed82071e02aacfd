/* ledger/corroborate_html_recipe.c -- the HTML page's recipe sections
 *
 * Each recipe gets a section (#/<recipe>): its states per lens, the checks
 * that make it CONTESTED or FAILING, its checks per lens, its state over
 * time, and per signer (#/<recipe>/<slug>) every run with its version,
 * freshness, facets, results, pointer path and OCI reference, and a
 * check-by-run grid.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs listed per signer and recipe, and run columns of its check grid;
 * the rest are in the JSON. */
#define LD_HTML_RUNS_MAX  40
#define LD_HTML_HIST_RUNS 12

/* One lens's checks table: states, tallies and every signer's result. */
static int checks_table(const ld__page *p, const ld_recipe *r, const ld_grid *g,
			ae_err *err)
{
	const ld_corroboration *c = p->c;
	int rc = ae_buf_puts(p->b,
			     "<div class=\"scroll\"><table class=\"checks\">"
			     "<thead><tr><th>Check</th><th>State</th><th>Pass"
			     "</th><th>Fail</th><th>Reported</th>",
			     err);

	for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
		const ld_signer *s = &c->signers[r->cols[j]];
		const ld_cell *cl = &g->cells[j];
		if (cl->kind == LD_CELL_NONE)
			continue;
		rc = ae_buf_puts(p->b, "<th class=\"", err);
		if (rc == 0 && cl->entry != SIZE_MAX)
			rc = ld__html_facet_classes(p, &r->entries[cl->entry],
						    err);
		if (rc == 0)
			rc = ae_buf_printf(p->b, err, "%s\">s%zu ",
					   cl->why == LD_WHY_COUNTS ? ""
								    : " nc",
					   r->cols[j] + 1);
		if (rc == 0)
			rc = s->label ? ld__html_put(p->b, s->label, err)
				      : ae_buf_put(p->b, s->slug,
						   strlen(s->slug) < 12
							   ? strlen(s->slug)
							   : 12,
						   err);
		if (rc == 0 && cl->why != LD_WHY_COUNTS)
			rc = ae_buf_printf(p->b, err,
					   "<br><span class=\"badge b-nc\">%s"
					   "</span>",
					   ld__html_why_short(cl->why));
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</th>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tr></thead><tbody>\n", err);
	for (size_t i = 0; rc == 0 && i < g->n_checks; i++) {
		const ld_check *ck = &g->checks[i];
		rc = ae_buf_puts(p->b, "<tr class=\"check\"><td>", err);
		if (rc == 0)
			rc = ld__html_put(p->b, ck->phase, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "/", err);
		if (rc == 0)
			rc = ld__html_put(p->b, ck->name, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</td><td>", err);
		if (rc == 0)
			rc = ld__html_chip(p->b, ck->state, err);
		if (rc == 0)
			rc = ae_buf_printf(p->b, err,
					   "</td><td>%zu</td><td>%zu</td><td>"
					   "%zu</td>",
					   ck->pass, ck->fail, ck->reported);
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			const ld_cell *cl = &g->cells[j];
			ld_result v = ck->results[j];
			if (cl->kind == LD_CELL_NONE)
				continue;
			rc = ae_buf_puts(p->b, "<td class=\"result", err);
			if (rc == 0 && cl->entry != SIZE_MAX)
				rc = ld__html_facet_classes(
					p, &r->entries[cl->entry], err);
			if (rc == 0 && (cl->kind == LD_CELL_CLAIMED ||
					cl->kind == LD_CELL_UNVERIFIABLE))
				rc = ae_buf_printf(p->b, err, " nc\">%s</td>",
						   ld_cell_name(cl->kind));
			else if (rc == 0) {
				rc = ae_buf_puts(p->b,
						 cl->why == LD_WHY_COUNTS
							 ? "\">"
							 : " nc\">",
						 err);
				if (rc == 0)
					rc = ld__html_result(p->b, v, err);
				if (rc == 0)
					rc = ae_buf_puts(p->b, "</td>", err);
			}
		}
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</tr>\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tbody></table></div>\n", err);
	return rc;
}

/* The per-lens part of a recipe section: state, phases, why, checks. */
static int recipe_lens(const ld__page *p, const ld_recipe *r, size_t l,
		       ae_err *err)
{
	const ld_grid *g = ld__page_grid(p, r, l);
	int rc = ae_buf_printf(p->b, err, "<div class=\"lv l%zu\">", l);

	if (rc == 0 && g == NULL)
		return ae_buf_puts(p->b,
				   "<p class=\"meta\">No verified run of this "
				   "recipe at this version: UNTESTED.</p></div>"
				   "\n",
				   err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "<p class=\"meta\">", err);
	if (rc == 0)
		rc = ld__html_chip(p->b, g->state, err);
	for (int ph = 0; rc == 0 && ph < LD_PHASE_COUNT; ph++) {
		rc = ae_buf_printf(p->b, err, " &middot; %s ",
				   ld_phase_name(ph));
		if (rc == 0)
			rc = ld__html_chip(p->b, g->phase_state[ph], err);
	}
	if (rc == 0)
		rc = ae_buf_printf(p->b, err,
				   " &middot; %zu checks, %zu signer%s "
				   "counted</p>",
				   g->n_checks, g->counted,
				   g->counted == 1 ? "" : "s");
	if (rc == 0 &&
	    g->counts[LD_STATE_CONTESTED] + g->counts[LD_STATE_FAILING]) {
		rc = ae_buf_puts(p->b, "<p class=\"reasons\">", err);
		if (rc == 0)
			rc = ld__html_reasons(p->b, g, "why-list", err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</p>", err);
	}
	if (rc == 0 && g->n_checks > 0)
		rc = checks_table(p, r, g, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</div>\n", err);
	return rc;
}

/* The recipe's state over time (latest-per-signer view). */
static int recipe_timeline(const ld__page *p, const ld_recipe *r, ae_err *err)
{
	int rc;

	if (r->n_timeline == 0)
		return 0;
	rc = ae_buf_puts(p->b,
			 "<h3>State over time</h3><p class=\"meta\">As each "
			 "verified run arrived (latest run per signer, any "
			 "version).</p><ol class=\"timeline\">",
			 err);
	for (size_t i = 0; rc == 0 && i < r->n_timeline; i++) {
		rc = ae_buf_puts(p->b, "<li>", err);
		if (rc == 0)
			rc = ld__html_chip(p->b, r->timeline[i].state, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, " <time>", err);
		if (rc == 0)
			rc = ld__html_put(p->b, r->timeline[i].at, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b,
					 i + 1 < r->n_timeline
						 ? "</time> &rarr;"
						 : "</time>",
					 err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</li>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</ol>\n", err);
	return rc;
}

/* The lenses in which run k speaks for its column j. */
static int run_views(const ld__page *p, const ld_recipe *r, size_t j, size_t k,
		     ae_err *err)
{
	int rc = 0, n = 0;

	for (size_t l = 0; rc == 0 && l < p->n_lens; l++) {
		const ld_grid *g = ld__page_grid(p, r, l);
		if (g == NULL || g->cells[j].entry != k ||
		    p->lens_kind[l] == LD__LENS_NEWEST)
			continue;
		rc = ae_buf_puts(p->b, n++ ? ", " : " &middot; in view: ", err);
		if (rc == 0)
			rc = p->lens_kind[l] == LD__LENS_LATEST
				     ? ae_buf_puts(p->b, "latest", err)
				     : ld__html_put(p->b, p->lens_ver[l], err);
	}
	return rc;
}

/* "<label> <code>value</code>" on a line of its own. */
static int where_line(ae_buf *b, const char *label, const char *v, ae_err *err)
{
	int rc =
		ae_buf_printf(b, err, "<span class=\"where\">%s <code>", label);

	if (rc == 0)
		rc = ld__html_put(b, v, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "</code></span>", err);
	return rc;
}

/* One run of a signer's history. */
static int run_item(const ld__page *p, const ld_recipe *r, size_t j, size_t k,
		    ae_err *err)
{
	const ld_entry *e = &r->entries[k];
	bool verified =
		e->why != LD_WHY_UNVERIFIED && e->why != LD_WHY_UNVERIFIABLE;
	int rc = ae_buf_puts(p->b, "<li><time>", err);

	if (rc == 0)
		rc = ld__html_put(p->b, e->attested_at, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</time> ", err);
	if (rc == 0 && verified)
		rc = ld__html_run_badges(p->b, e, err);
	if (rc == 0 && verified)
		rc = ld__html_kind(p->b, e->kind, err);
	if (rc == 0 && verified)
		rc = ae_buf_printf(p->b, err,
				   " %zu &#10003; %zu &#10007; %zu not run",
				   e->pass, e->fail, e->not_run);
	if (rc == 0 && verified && e->flips)
		rc = ae_buf_printf(
			p->b, err,
			" &middot; %zu changed since the previous run",
			e->flips);
	if (rc == 0)
		rc = run_views(p, r, j, k, err);
	if (rc == 0 && e->why != LD_WHY_COUNTS)
		rc = ae_buf_printf(p->b, err,
				   " <span class=\"badge b-nc\">%s</span>",
				   ld__html_why_short(e->why));
	if (rc == 0 && e->reason) {
		rc = ae_buf_puts(p->b, "<br><span class=\"why\">", err);
		if (rc == 0)
			rc = ld__html_put(p->b, e->reason, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</span>", err);
	}
	if (rc == 0 && e->fresh_note && e->fresh != LD_FRESH_CURRENT) {
		rc = ae_buf_puts(p->b, "<br><small>freshness ", err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, ld_fresh_name(e->fresh), err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, ": ", err);
		if (rc == 0)
			rc = ld__html_put(p->b, e->fresh_note, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</small>", err);
	}
	if (rc == 0 && verified && e->facets[0]) {
		rc = ae_buf_puts(p->b, "<span class=\"where\">", err);
		if (rc == 0)
			rc = ld__html_coords(p->b, e->facets, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</span>", err);
	}
	if (rc == 0)
		rc = where_line(p->b, e->path ? "pointer" : "digest",
				e->path ? e->path : e->digest, err);
	if (rc == 0)
		rc = where_line(p->b, "OCI", e->oci ? e->oci : "-", err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</li>\n", err);
	return rc;
}

/* The check-by-run grid of column j: its newest runs as columns. */
static int run_grid(const ld__page *p, const ld_recipe *r, size_t j, bool *mark,
		    ae_err *err)
{
	const ld_col *col = &r->colinfo[j];
	size_t n = col->n < LD_HTML_HIST_RUNS ? col->n : LD_HTML_HIST_RUNS;
	size_t rows = 0, cur[LD_HTML_HIST_RUNS];
	int rc;

	memset(mark, 0, r->n_rows * sizeof(*mark));
	for (size_t k = col->first; k < col->first + n; k++) {
		for (size_t x = 0; x < r->entries[k].n_results; x++)
			mark[r->entries[k].results[x].row] = true;
	}
	for (size_t i = 0; i < r->n_rows; i++)
		rows += mark[i];
	if (rows == 0)
		return 0;
	rc = ae_buf_puts(p->b,
			 "<div class=\"scroll\"><table class=\"hist\"><thead>"
			 "<tr><th>Check</th>",
			 err);
	for (size_t k = col->first; rc == 0 && k < col->first + n; k++) {
		char day[11];
		snprintf(day, sizeof(day), "%s",
			 r->entries[k].attested_at ? r->entries[k].attested_at
						   : "");
		rc = ae_buf_puts(p->b, "<th><time>", err);
		if (rc == 0)
			rc = ld__html_put(p->b, day, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</time></th>", err);
		cur[k - col->first] = 0;
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tr></thead><tbody>", err);
	/* Rows ascend and each run's outcomes are sorted by row: one cursor
	 * per run column walks them once. */
	for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
		if (!mark[i])
			continue;
		rc = ae_buf_puts(p->b, "<tr><td>", err);
		if (rc == 0)
			rc = ld__html_put(p->b, r->rows[i].phase, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "/", err);
		if (rc == 0)
			rc = ld__html_put(p->b, r->rows[i].name, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</td>", err);
		for (size_t k = col->first; rc == 0 && k < col->first + n;
		     k++) {
			const ld_entry *e = &r->entries[k];
			size_t *x = &cur[k - col->first];
			ld_result v = LD_RESULT_NOT_RUN;
			while (*x < e->n_results && e->results[*x].row < i)
				(*x)++;
			if (*x < e->n_results && e->results[*x].row == i)
				v = e->results[*x].result;
			rc = ae_buf_printf(p->b, err,
					   "<td><span class=\"t t-%s\" "
					   "title=\"%s\">%s</span></td>",
					   ld_result_name(v), ld_result_name(v),
					   ld__html_result_glyph(v));
		}
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</tr>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tbody></table></div>\n", err);
	return rc;
}

/* A signer's section within a recipe: #/<recipe>/<slug>. */
static int signer_history(const ld__page *p, const ld_recipe *r, size_t j,
			  bool *mark, ae_err *err)
{
	const ld_signer *s = &p->c->signers[r->cols[j]];
	const ld_col *col = &r->colinfo[j];
	size_t n = col->n < LD_HTML_RUNS_MAX ? col->n : LD_HTML_RUNS_MAX;
	int rc = ae_buf_puts(p->b, "<section class=\"signer-h\" ", err);

	if (rc == 0)
		rc = ld__html_col_id(p->b, p->c, r, j, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "><h4><a ", err);
	if (rc == 0)
		rc = ld__html_col_href(p->b, p->c, r, j, err);
	if (rc == 0)
		rc = ae_buf_printf(p->b, err, ">s%zu ", r->cols[j] + 1);
	if (rc == 0)
		rc = ld__html_put(p->b, s->label ? s->label : s->slug, err);
	if (rc == 0)
		rc = ae_buf_printf(p->b, err,
				   "</a> <span class=\"cls\">%s &middot; %s "
				   "&middot; <code>",
				   ld_class_name(s->cls),
				   ld_vote_name(s->vote));
	if (rc == 0)
		rc = ld__html_put(p->b, s->slug, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</code></span></h4>", err);
	if (rc == 0 && s->vote == LD_VOTE_VERIFIED)
		rc = ae_buf_printf(p->b, err,
				   "<p class=\"meta\">%zu run%s &middot; "
				   "%u%% of adjacent runs changed a result"
				   "%s</p>",
				   col->n, col->n == 1 ? "" : "s",
				   col->flake_pct,
				   col->last_pass == SIZE_MAX
					   ? " &middot; no clean run yet"
					   : "");
	if (rc == 0)
		rc = ae_buf_puts(p->b, "<ol class=\"runs\">\n", err);
	for (size_t k = col->first; rc == 0 && k < col->first + n; k++)
		rc = run_item(p, r, j, k, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</ol>\n", err);
	if (rc == 0 && col->n > n)
		rc = ae_buf_printf(p->b, err,
				   "<p class=\"meta\">%zu older runs are in "
				   "the JSON report.</p>",
				   col->n - n);
	if (rc == 0 && s->vote == LD_VOTE_VERIFIED)
		rc = run_grid(p, r, j, mark, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</section>\n", err);
	return rc;
}

/* "service eks · accelerator h100 · …" of a recipe, if known. */
static int recipe_coord(const ld__page *p, const ld_recipe *r, ae_err *err)
{
	int rc = 0, n = 0;

	for (int a = 0; rc == 0 && a < LD_AXIS_COUNT; a++) {
		if (r->criteria[a] == NULL)
			continue;
		rc = ae_buf_printf(p->b, err, "%s%s ",
				   n++ ? " &middot; " : "<p class=\"meta\">",
				   ld_axis_name(a));
		if (rc == 0)
			rc = ld__html_put(p->b, r->criteria[a], err);
	}
	if (rc == 0 && n)
		rc = ae_buf_puts(p->b, "</p>", err);
	return rc;
}

static int recipe_section(const ld__page *p, const ld_recipe *r, bool *mark,
			  ae_err *err)
{
	int rc = ae_buf_puts(p->b, "<section class=\"recipe\" id=\"/", err);

	if (rc == 0)
		rc = ld__html_put(p->b, r->name, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "\"><header><h2><a ", err);
	if (rc == 0)
		rc = ld__html_href(p->b, r->name, NULL, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, ">", err);
	if (rc == 0)
		rc = ld__html_put(p->b, r->name, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</a></h2></header>\n", err);
	if (rc == 0)
		rc = recipe_coord(p, r, err);
	for (size_t l = 0; rc == 0 && l < p->n_lens; l++)
		rc = recipe_lens(p, r, l, err);
	if (rc == 0)
		rc = recipe_timeline(p, r, err);
	if (rc == 0 && r->n_cols > 0)
		rc = ae_buf_puts(p->b, "<h3>Signers and their runs</h3>\n",
				 err);
	for (size_t j = 0; rc == 0 && j < r->n_cols; j++)
		rc = signer_history(p, r, j, mark, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</section>\n", err);
	return rc;
}

int ld__html_recipes(const ld__page *p, ae_err *err)
{
	size_t rows = 1;
	bool *mark;
	int rc = 0;

	for (size_t i = 0; i < p->c->n_recipes; i++)
		if (p->c->recipes[i].n_rows > rows)
			rows = p->c->recipes[i].n_rows;
	mark = calloc(rows, sizeof(*mark));
	if (mark == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < p->c->n_recipes; i++)
		rc = recipe_section(p, &p->c->recipes[i], mark, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</main>\n", err);
	free(mark);
	return rc;
}
