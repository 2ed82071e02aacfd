/* ledger/corroborate_html.c -- the corroboration report as one
 * self-contained HTML page
 *
 * The page is a recipes × signers matrix coloured by state, with per-check
 * detail in <details> elements, the signer's class and slug in each column
 * head, and the time of generation (issue 8). It needs nothing else: the
 * style sheet is inline, there is no script and no external asset, so the
 * file can be mailed, archived or opened offline. Every string that came
 * from outside (recipe and check names, labels, slugs, issuers, identities,
 * reasons, digests, times) goes through html_put, which escapes the five
 * HTML metacharacters and replaces control bytes.
 */
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	"charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n<title>aicr-evidence ledger</title>\n<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;"
	"background:#fff}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 "
	"8px}\n"
	"code{font:12px ui-monospace,monospace}\n"
	".basis{padding:8px 12px;border-radius:6px;margin:12px 0}\n"
	".basis-verified{background:#e6f4ea;border:1px solid #8bc79b}\n"
	".basis-claimed{background:#fff4e5;border:1px solid #e0a84f}\n"
	"table{border-collapse:collapse;margin:8px 0}\n"
	"th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;"
	"vertical-align:top}\n"
	"thead th{background:#f6f8fa}\n"
	".signer .cls{display:block;font-size:11px;text-transform:uppercase;"
	"color:#57606a}\n"
	".signer .who{display:block;font-weight:600}\n"
	".signer{max-width:240px}.identity{word-break:break-all}\n"
	".class-reported{opacity:.75;font-style:italic}\n"
	".vote-unverifiable,.vote-claimed{background:#fafafa}\n"
	".state{font-weight:700;border-radius:4px;padding:1px 6px;"
	"color:#fff;white-space:nowrap}\n"
	".state-CONFIRMED{background:#1a7f37}.state-SINGLE{background:#4ac26b}"
	"\n"
	".state-CONTESTED{background:#bc4c00}.state-FAILING{background:#cf222e}"
	"\n"
	".state-UNTESTED{background:#6e7781}.state-PARTIAL{background:#0969da}"
	"\n"
	".cell{text-align:center;min-width:70px}\n"
	".cell-pass{background:#dafbe1}.cell-fail{background:#ffebe9}\n"
	".cell-not-run{background:#eaeef2}.cell-none{background:#fff}\n"
	".cell-claimed{background:#fff8c5}\n"
	".cell-unverifiable{background:repeating-linear-gradient(45deg,"
	"#ffebe9,#ffebe9 6px,#fff 6px,#fff 12px)}\n"
	".result-pass{color:#1a7f37}.result-fail{color:#cf222e;font-weight:700}"
	"\n.result-not-run{color:#6e7781}\n"
	"details{margin:6px 0;border:1px solid #d0d7de;border-radius:6px;"
	"padding:6px 10px}\nsummary{cursor:pointer}\n"
	".reason{color:#cf222e}\nfooter{margin-top:28px;color:#57606a;"
	"font-size:12px}\n.legend span{margin-right:8px}\n"
	"</style>\n</head>\n<body>\n";

/* Appends `s` escaped for HTML text and attribute values. */
static int html_put(ae_buf *b, const char *s, ae_err *err)
{
	int rc = 0;

	for (const char *p = s ? s : ""; rc == 0 && *p; p++) {
		switch (*p) {
		case '&':
			rc = ae_buf_puts(b, "&amp;", err);
			break;
		case '<':
			rc = ae_buf_puts(b, "&lt;", err);
			break;
		case '>':
			rc = ae_buf_puts(b, "&gt;", err);
			break;
		case '"':
			rc = ae_buf_puts(b, "&quot;", err);
			break;
		case '\'':
			rc = ae_buf_puts(b, "&#39;", err);
			break;
		default:
			rc = ae_buf_put(b,
					(unsigned char)*p < 0x20 || *p == 0x7f
						? "?"
						: p,
					1, err);
		}
	}
	return rc;
}

/* The page header: title, generation time, basis, legend. */
static int html_header(ae_buf *b, const ld_corroboration *c,
		       const ld_render_opts *opts, ae_err *err)
{
	const char *t = opts && opts->generated_at ? opts->generated_at : "";
	int rc = ae_buf_puts(b, html_head, err);

	if (rc == 0)
		rc = ae_buf_puts(b,
				 "<header>\n<h1>Evidence corroboration</h1>\n"
				 "<p class=\"generated\">Generated <time "
				 "datetime=\"",
				 err);
	if (rc == 0)
		rc = html_put(b, t, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "\">", err);
	if (rc == 0)
		rc = html_put(b, t, err);
	if (rc == 0)
		rc = ae_buf_printf(
			b, err,
			"</time> &middot; %zu recipes &middot; %zu "
			"signers</p>\n"
			"<p class=\"basis basis-%s\">%s</p>\n",
			c->n_recipes, c->n_signers,
			c->verified ? "verified" : "claimed",
			c->verified
				? "Basis: verified signatures. One vote per "
				  "verified, allowlisted signer; unlisted "
				  "signers are shown as <em>reported</em> and "
				  "never count."
				: "Basis: <strong>claimed, not "
				  "verified</strong>. "
				  "Bundles were not fetched or verified, so no "
				  "signer votes and no check is corroborated. "
				  "Run <code>aicr-evidence ledger "
				  "--verify</code>.");
	if (rc == 0)
		rc = ae_buf_puts(
			b,
			"<p class=\"legend\">States: <span class=\"state "
			"state-CONFIRMED\">CONFIRMED</span><span class=\"state "
			"state-SINGLE\">SINGLE</span><span class=\"state "
			"state-PARTIAL\">PARTIAL</span><span class=\"state "
			"state-CONTESTED\">CONTESTED</span><span class=\"state "
			"state-FAILING\">FAILING</span><span class=\"state "
			"state-UNTESTED\">UNTESTED</span></p>\n</header>\n",
			err);
	return rc;
}

/* A signer column head: class, label or short slug, vote, full slug. */
static int html_signer_head(ae_buf *b, const ld_signer *s, size_t i,
			    const ld_render_opts *opts, ae_err *err)
{
	char shortslug[13] = "";
	int rc;

	if (s->slug)
		snprintf(shortslug, sizeof(shortslug), "%s", s->slug);
	rc = ae_buf_printf(b, err,
			   "<th class=\"signer class-%s vote-%s\" id=\"s%zu\" "
			   "scope=\"col\" title=\"",
			   ld_class_name(s->cls), ld_vote_name(s->vote), i + 1);
	if (rc == 0)
		rc = html_put(b, s->slug, err);
	if (rc == 0)
		rc = ae_buf_printf(
			b, err,
			"\"><span class=\"cls\">%s &middot; %s</span>"
			"<span class=\"who\">",
			ld_class_name(s->cls), ld_vote_name(s->vote));
	if (rc == 0)
		rc = html_put(b, s->label ? s->label : shortslug, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "</span><code class=\"slug\">", err);
	if (rc == 0)
		rc = html_put(b, shortslug, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "</code>", err);
	if (rc == 0 && ld_signer_identity_shown(s, opts)) {
		rc = ae_buf_puts(b, "<br><code class=\"identity\">", err);
		if (rc == 0)
			rc = html_put(b, s->identity, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</code>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</th>", err);
	return rc;
}

/* Fills colmap[signer] with the recipe's column index, or SIZE_MAX. */
static void recipe_colmap(size_t *colmap, size_t n_signers, const ld_recipe *r)
{
	for (size_t i = 0; i < n_signers; i++)
		colmap[i] = SIZE_MAX;
	for (size_t j = 0; j < r->n_cols; j++)
		colmap[r->cols[j]] = j;
}

/* The text of one matrix cell. */
static int html_cell(ae_buf *b, const ld_cell *cl, size_t signer, ae_err *err)
{
	const char *k = ld_cell_name(cl ? cl->kind : LD_CELL_NONE);

	if (cl == NULL)
		return ae_buf_printf(b, err,
				     "<td class=\"cell cell-none\" "
				     "data-signer=\"s%zu\"></td>",
				     signer + 1);
	if (cl->kind == LD_CELL_PASS || cl->kind == LD_CELL_FAIL ||
	    cl->kind == LD_CELL_NOT_RUN)
		return ae_buf_printf(b, err,
				     "<td class=\"cell cell-%s\" "
				     "data-signer=\"s%zu\">%s<br><small>%zu "
				     "pass &middot; %zu fail</small></td>",
				     k, signer + 1, k, cl->pass, cl->fail);
	return ae_buf_printf(b, err,
			     "<td class=\"cell cell-%s\" data-signer=\"s%zu\">"
			     "%s<br><small>%zu pointer%s</small></td>",
			     k, signer + 1, k, cl->pointers,
			     cl->pointers == 1 ? "" : "s");
}

/* The recipes × signers matrix. */
static int html_matrix(ae_buf *b, const ld_corroboration *c, size_t *colmap,
		       const ld_render_opts *opts, ae_err *err)
{
	int rc = ae_buf_puts(b,
			     "<h2>Recipes &times; signers</h2>\n<table "
			     "id=\"matrix\" class=\"matrix\">\n<thead><tr><th "
			     "scope=\"col\">Recipe</th><th "
			     "scope=\"col\">State</th>",
			     err);

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++)
		rc = html_signer_head(b, &c->signers[i], i, opts, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "</tr></thead>\n<tbody>\n", err);
	for (size_t r = 0; rc == 0 && r < c->n_recipes; r++) {
		const ld_recipe *rp = &c->recipes[r];
		recipe_colmap(colmap, c->n_signers, rp);
		rc = ae_buf_printf(b, err,
				   "<tr class=\"recipe\"><th scope=\"row\">"
				   "<a href=\"#d%zu\">",
				   r + 1);
		if (rc == 0)
			rc = html_put(b, rp->name, err);
		if (rc == 0)
			rc = ae_buf_printf(b, err,
					   "</a></th><td><span class=\"state "
					   "state-%s\">%s</span></td>",
					   ld_state_name(rp->state),
					   ld_state_name(rp->state));
		for (size_t i = 0; rc == 0 && i < c->n_signers; i++)
			rc = html_cell(b,
				       colmap[i] == SIZE_MAX
					       ? NULL
					       : &rp->cells[colmap[i]],
				       i, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</tr>\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</tbody>\n</table>\n", err);
	return rc;
}

/* The per-check table of one recipe inside its <details>. */
static int html_checks(ae_buf *b, const ld_corroboration *c, const ld_recipe *r,
		       ae_err *err)
{
	int rc = ae_buf_puts(b,
			     "<table class=\"checks\"><thead><tr><th>Check"
			     "</th><th>State</th><th>Pass</th><th>Fail</th>"
			     "<th>Reported</th>",
			     err);

	for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
		const ld_signer *s = &c->signers[r->cols[j]];
		rc = ae_buf_printf(b, err, "<th>s%zu ", r->cols[j] + 1);
		if (rc == 0)
			rc = html_put(b, s->label ? s->label : s->slug, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</th>", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</tr></thead><tbody>\n", err);
	for (size_t i = 0; rc == 0 && i < r->n_checks; i++) {
		const ld_check *ck = &r->checks[i];
		rc = ae_buf_puts(b, "<tr class=\"check\"><td>", err);
		if (rc == 0)
			rc = html_put(b, ck->phase, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "/", err);
		if (rc == 0)
			rc = html_put(b, ck->name, err);
		if (rc == 0)
			rc = ae_buf_printf(
				b, err,
				"</td><td><span class=\"state state-%s\">%s"
				"</span></td><td>%zu</td><td>%zu</td><td>%zu"
				"</td>",
				ld_state_name(ck->state),
				ld_state_name(ck->state), ck->pass, ck->fail,
				ck->reported);
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			ld_cell_kind k = r->cells[j].kind;
			const char *v =
				k == LD_CELL_CLAIMED ||
						k == LD_CELL_UNVERIFIABLE
					? ld_cell_name(k)
					: ld_result_name(ck->results[j]);
			rc = ae_buf_printf(b, err,
					   "<td class=\"result result-%s\">%s"
					   "</td>",
					   v, v);
		}
		if (rc == 0)
			rc = ae_buf_puts(b, "</tr>\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</tbody></table>\n", err);
	return rc;
}

/* The pointers of one recipe, with the reason of each uncounted one. */
static int html_pointers(ae_buf *b, const ld_recipe *r, ae_err *err)
{
	int rc = ae_buf_puts(b, "<ul class=\"pointers\">\n", err);

	for (size_t i = 0; rc == 0 && i < r->n_entries; i++) {
		const ld_entry *e = &r->entries[i];
		rc = ae_buf_printf(b, err, "<li>s%zu <code>", e->signer + 1);
		if (rc == 0)
			rc = html_put(b, e->digest, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</code> attested ", err);
		if (rc == 0)
			rc = html_put(b, e->attested_at, err);
		if (rc == 0 && e->latest && e->reason == NULL)
			rc = ae_buf_puts(b, " (latest)", err);
		if (rc == 0 && e->reason) {
			rc = ae_buf_puts(b,
					 " &mdash; <span class=\"reason\">not "
					 "counted: ",
					 err);
			if (rc == 0)
				rc = html_put(b, e->reason, err);
			if (rc == 0)
				rc = ae_buf_puts(b, "</span>", err);
		}
		if (rc == 0)
			rc = ae_buf_puts(b, "</li>\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</ul>\n", err);
	return rc;
}

/* One <details> per recipe: phases, checks, pointers. */
static int html_details(ae_buf *b, const ld_corroboration *c, ae_err *err)
{
	int rc = ae_buf_puts(b, "<h2>Per-check detail</h2>\n", err);

	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		rc = ae_buf_printf(b, err,
				   "<details class=\"recipe-detail\" "
				   "id=\"d%zu\"><summary><span class=\"state "
				   "state-%s\">%s</span> <strong>",
				   i + 1, ld_state_name(r->state),
				   ld_state_name(r->state));
		if (rc == 0)
			rc = html_put(b, r->name, err);
		if (rc == 0)
			rc = ae_buf_printf(
				b, err,
				"</strong> &middot; %zu checks &middot; "
				"deployment %s, performance %s, conformance "
				"%s</summary>\n",
				r->n_checks, ld_state_name(r->phase_state[0]),
				ld_state_name(r->phase_state[1]),
				ld_state_name(r->phase_state[2]));
		if (rc == 0 && r->n_checks > 0)
			rc = html_checks(b, c, r, err);
		if (rc == 0)
			rc = html_pointers(b, r, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</details>\n", err);
	}
	return rc;
}

int ld_corroboration_render_html(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err)
{
	size_t *colmap = NULL;
	int rc;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	colmap = malloc((c->n_signers ? c->n_signers : 1) * sizeof(*colmap));
	if (colmap == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = html_header(out, c, opts, err);
	if (rc == 0)
		rc = html_matrix(out, c, colmap, opts, err);
	if (rc == 0)
		rc = html_details(out, c, err);
	if (rc == 0)
		rc = ae_buf_puts(out, "<footer>Generated at ", err);
	if (rc == 0)
		rc = html_put(out, opts ? opts->generated_at : NULL, err);
	if (rc == 0)
		rc = ae_buf_puts(out,
				 " by aicr-evidence ledger. Self-contained: no "
				 "scripts, no external assets.</footer>\n"
				 "</body>\n</html>\n",
				 err);
	free(colmap);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
