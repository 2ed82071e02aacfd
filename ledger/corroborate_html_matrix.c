/* ledger/corroborate_html_matrix.c -- the HTML page's matrix
 *
 * One row per recipe and one cell per signer; each cell and each row head
 * carry one variant per lens (class "lv l<n>", shown by the lens control),
 * and each variant the facet classes of the run it shows (f<axis>-<index>,
 * dimmed by the facet controls). A row head says why a recipe is CONTESTED
 * or FAILING in the open, and every cell says when it does not count and
 * links to the signer's history (#/<recipe>/<slug>).
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int signer_head(const ld__page *p, size_t i, ae_err *err)
{
	const ld_signer *s = &p->c->signers[i];
	char shortslug[13] = "";
	int rc;

	snprintf(shortslug, sizeof(shortslug), "%s", s->slug ? s->slug : "");
	rc = ae_buf_printf(
		p->b, err,
		"<th scope=\"col\" class=\"signer class-%s vote-%s\" "
		"id=\"s%zu\" title=\"",
		ld_class_name(s->cls), ld_vote_name(s->vote), i + 1);
	if (rc == 0)
		rc = ld__html_put(p->b, s->slug, err);
	if (rc == 0)
		rc = ae_buf_printf(p->b, err,
				   "\"><span class=\"cls\">s%zu &middot; %s "
				   "&middot; %s</span><span class=\"who\">",
				   i + 1, ld_class_name(s->cls),
				   ld_vote_name(s->vote));
	if (rc == 0)
		rc = ld__html_put(p->b, s->label ? s->label : "(no label)",
				  err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</span><code>", err);
	if (rc == 0)
		rc = ld__html_put(p->b, shortslug, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</code>", err);
	if (rc == 0 && ld_signer_identity_shown(s, p->opts)) {
		rc = ae_buf_puts(p->b, "<br><code class=\"identity\">", err);
		if (rc == 0)
			rc = ld__html_put(p->b, s->identity, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</code>", err);
	}
	if (rc == 0 && s->facets[0]) {
		rc = ae_buf_puts(p->b, "<span class=\"coords", err);
		if (rc == 0)
			rc = ld__html_facet_classes_of(p, s->facets, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "\">", err);
		if (rc == 0)
			rc = ld__html_coords(p->b, s->facets, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</span>", err);
	}
	if (rc == 0 && s->ingested)
		rc = ae_buf_puts(p->b,
				 "<span class=\"badge b-ing\">ingested</span>",
				 err);
	if (rc == 0 && !s->counts)
		rc = ae_buf_printf(p->b, err,
				   "<span class=\"badge b-nc\">not counted: "
				   "%s</span>",
				   s->vote == LD_VOTE_CLAIMED ? "claimed"
				   : s->vote == LD_VOTE_UNVERIFIABLE
					   ? "unverifiable"
					   : "unlisted");
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</th>", err);
	return rc;
}

/* The row head of recipe r: its name, and per lens its state and why. */
static int row_head(const ld__page *p, const ld_recipe *r, ae_err *err)
{
	int rc = ae_buf_puts(p->b, "<tr class=\"recipe\"><th scope=\"row\"><a ",
			     err);

	if (rc == 0)
		rc = ld__html_href(p->b, r->name, NULL, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, ">", err);
	if (rc == 0)
		rc = ld__html_put(p->b, r->name, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</a><br>", err);
	for (size_t l = 0; rc == 0 && l < p->n_lens; l++) {
		const ld_grid *g = ld__page_grid(p, r, l);
		rc = ae_buf_printf(p->b, err, "<span class=\"lv l%zu\">", l);
		if (rc == 0)
			rc = ld__html_chip(
				p->b, g ? g->state : LD_STATE_UNTESTED, err);
		if (rc == 0 && g == NULL)
			rc = ae_buf_puts(p->b,
					 " <small>no run at this version"
					 "</small>",
					 err);
		if (rc == 0)
			rc = ld__html_reasons(p->b, g, "why", err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</span>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</th>", err);
	return rc;
}

/* One lens variant of a matrix cell. */
static int cell_variant(const ld__page *p, const ld_recipe *r, size_t j,
			const ld_cell *cl, size_t l, ae_err *err)
{
	const ld_entry *e =
		cl && cl->entry != SIZE_MAX ? &r->entries[cl->entry] : NULL;
	ld_cell_kind k = cl ? cl->kind : LD_CELL_NONE;
	bool nc = k != LD_CELL_NONE && cl->why != LD_WHY_COUNTS;
	int rc;

	if (k == LD_CELL_NONE)
		return ae_buf_printf(p->b, err,
				     "<div class=\"lv l%zu cellv cell-none\">"
				     "</div>",
				     l);
	rc = ae_buf_printf(p->b, err, "<div class=\"lv l%zu cellv cell-%s%s", l,
			   ld_cell_name(k), nc ? " nc" : "");
	if (rc == 0 && e && k != LD_CELL_CLAIMED && k != LD_CELL_UNVERIFIABLE)
		rc = ld__html_facet_classes(p, e, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "\"><a ", err);
	if (rc == 0)
		rc = ld__html_col_href(p->b, p->c, r, j, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, ">", err);
	if (rc == 0 && (k == LD_CELL_CLAIMED || k == LD_CELL_UNVERIFIABLE))
		rc = ae_buf_printf(p->b, err,
				   "<span class=\"res\">%s</span><small>%zu "
				   "run%s</small>",
				   ld_cell_name(k), cl->pointers,
				   cl->pointers == 1 ? "" : "s");
	else if (rc == 0 && (rc = ld__html_kind(p->b, k, err)) == 0)
		rc = ae_buf_printf(p->b, err,
				   "<small>%zu &#10003; &middot; %zu &#10007; "
				   "&middot; %zu not run</small>",
				   cl->pass, cl->fail, cl->not_run);
	if (rc == 0 && e && k != LD_CELL_CLAIMED && k != LD_CELL_UNVERIFIABLE) {
		rc = ae_buf_puts(p->b, "<small>", err);
		if (rc == 0)
			rc = ld__html_run_badges(p->b, e, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</small>", err);
	}
	if (rc == 0 && nc)
		rc = ae_buf_printf(p->b, err,
				   "<span class=\"badge b-nc\">%s</span>",
				   ld__html_why_short(cl->why));
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</a></div>", err);
	return rc;
}

/* The cell of recipe r and signer i (every lens). */
static int matrix_cell(const ld__page *p, const ld_recipe *r, size_t i,
		       ae_err *err)
{
	size_t j = 0;
	int rc;

	while (j < r->n_cols && r->cols[j] != i)
		j++;
	rc = ae_buf_printf(p->b, err,
			   "<td class=\"cell\" data-signer=\"s%zu\">", i + 1);
	for (size_t l = 0; rc == 0 && l < p->n_lens; l++) {
		const ld_grid *g =
			j < r->n_cols ? ld__page_grid(p, r, l) : NULL;
		rc = cell_variant(p, r, j, g ? &g->cells[j] : NULL, l, err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</td>", err);
	return rc;
}

/* "Showing: <lens>": which view the page shows (the controls are gone
 * in print). */
static int lens_note(const ld__page *p, ae_err *err)
{
	int rc = ae_buf_puts(p->b, "<p class=\"meta\">Showing: ", err);

	for (size_t l = 0; rc == 0 && l < p->n_lens; l++) {
		rc = ae_buf_printf(p->b, err, "<span class=\"lv l%zu\">", l);
		if (rc == 0 && p->lens_kind[l] == LD__LENS_LATEST)
			rc = ae_buf_puts(p->b,
					 "the latest run of each signer, any "
					 "tool version",
					 err);
		else if (rc == 0 && p->lens_kind[l] == LD__LENS_NEWEST)
			rc = ae_buf_puts(p->b,
					 "same tool version only, each "
					 "recipe&#39;s newest",
					 err);
		else if (rc == 0) {
			rc = ae_buf_puts(p->b, "same tool version only: ", err);
			if (rc == 0)
				rc = ld__html_put(p->b, p->lens_ver[l], err);
		}
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</span>", err);
	}
	if (rc == 0)
		rc = ae_buf_printf(
			p->b, err,
			"; historical runs %s; development builds %s.</p>\n",
			p->c->include_historical ? "counted" : "not counted",
			p->c->exclude_dev ? "not counted" : "counted");
	return rc;
}

static int matrix(const ld__page *p, ae_err *err)
{
	const ld_corroboration *c = p->c;
	int rc = ae_buf_puts(p->b,
			     "<h2 id=\"matrix-title\">Recipes &times; signers"
			     "</h2>\n",
			     err);

	if (rc == 0)
		rc = lens_note(p, err);
	if (rc == 0)
		rc = ae_buf_puts(
			p->b,
			"<div class=\"scroll\"><table id=\"matrix\" "
			"class=\"matrix\" aria-labelledby=\"matrix-title\">"
			"\n<thead><tr><th scope=\"col\">Recipe</th>",
			err);

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++)
		rc = signer_head(p, i, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tr></thead>\n<tbody>\n", err);
	for (size_t r = 0; rc == 0 && r < c->n_recipes; r++) {
		rc = row_head(p, &c->recipes[r], err);
		for (size_t i = 0; rc == 0 && i < c->n_signers; i++)
			rc = matrix_cell(p, &c->recipes[r], i, err);
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</tr>\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</tbody>\n</table></div>\n", err);
	return rc;
}

int ld__html_matrix(const ld__page *p, ae_err *err)
{
	int rc = ae_buf_puts(p->b, "<main>\n", err);

	if (rc == 0)
		rc = matrix(p, err);
	return rc;
}
