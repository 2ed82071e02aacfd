/* ledger/corroborate_html_parts.c -- the pieces the HTML page's matrix
 * and recipe sections share: state chips, result glyphs, the short reason
 * a run or cell does not count, deep-link ids and hrefs, facet classes,
 * coordinates, a run's badges, and the reasons a view is CONTESTED or
 * FAILING; the escaping every piece of input text goes through
 * (ld__html_put, ld__html_frag) and the page's lens and facet lookups.
 * See corroborate_html.c for the frame and the escaping rules.
 */
#include "ledger/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks named per state in a view's reasons; "and N more" after. */
#define LD_HTML_REASONS_MAX 4

static const char *state_glyph(ld_state s)
{
	switch (s) {
	case LD_STATE_CONFIRMED:
		return "&#10003; ";
	case LD_STATE_SINGLE:
		return "1&times; ";
	case LD_STATE_CONTESTED:
		return "&#9888; ";
	case LD_STATE_FAILING:
		return "&#10007; ";
	case LD_STATE_PARTIAL:
		return "&#9680; ";
	default:
		return "&ndash; ";
	}
}

int ld__html_chip(ae_buf *b, ld_state s, ae_err *err)
{
	return ae_buf_printf(
		b, err, "<span class=\"state state-%s\">%s%s</span>",
		ld_state_name(s), state_glyph(s), ld_state_name(s));
}

const char *ld__html_result_glyph(ld_result r)
{
	return r == LD_RESULT_PASS   ? "&#10003;"
	       : r == LD_RESULT_FAIL ? "&#10007;"
				     : "&middot;";
}

/* <span class="res r-NAME">GLYPH NAME</span>: the one rendering of an
 * outcome, a check's or a cell's or run's. */
static int html_res(ae_buf *b, const char *name, ld_result glyph, ae_err *err)
{
	return ae_buf_printf(b, err, "<span class=\"res r-%s\">%s %s</span>",
			     name, ld__html_result_glyph(glyph), name);
}

int ld__html_result(ae_buf *b, ld_result v, ae_err *err)
{
	return html_res(b, ld_result_name(v), v, err);
}

int ld__html_kind(ae_buf *b, ld_cell_kind k, ae_err *err)
{
	return html_res(b, ld_cell_name(k),
			k == LD_CELL_PASS   ? LD_RESULT_PASS
			: k == LD_CELL_FAIL ? LD_RESULT_FAIL
					    : LD_RESULT_NOT_RUN,
			err);
}

/* The short reason a cell or run does not count, for a badge. */
const char *ld__html_why_short(ld_why w)
{
	switch (w) {
	case LD_WHY_UNVERIFIED:
		return "not counted: not verified";
	case LD_WHY_UNVERIFIABLE:
		return "not counted: could not be verified";
	case LD_WHY_RESIGNED:
		return "not counted: re-signed, counted for another signer";
	case LD_WHY_NOT_FIRST_PARTY:
		return "not counted: ingested, not first-party";
	case LD_WHY_UNLISTED:
		return "not counted: unlisted (reported)";
	case LD_WHY_HISTORICAL:
		return "not counted: historical";
	case LD_WHY_DEV:
		return "not counted: dev build";
	default:
		return "";
	}
}

/* href="#/<recipe>[/<slug>]" */
int ld__html_href(ae_buf *b, const char *recipe, const char *slug, ae_err *err)
{
	int rc = ae_buf_puts(b, "href=\"#/", err);

	if (rc == 0)
		rc = ld__html_frag(b, recipe, err);
	if (rc == 0 && slug) {
		rc = ae_buf_puts(b, "/", err);
		if (rc == 0)
			rc = ld__html_frag(b, slug, err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "\"", err);
	return rc;
}

/* The deep-link id of column j of recipe r: "/<recipe>/<slug>", the
 * signer's verified column first; another column of the same slug (a
 * squatting claim) gets "/<vote>" appended. */
static bool col_is_primary(const ld_corroboration *c, const ld_recipe *r,
			   size_t j)
{
	const ld_signer *s = &c->signers[r->cols[j]];

	for (size_t k = 0; k < r->n_cols; k++) {
		const ld_signer *o = &c->signers[r->cols[k]];
		if (k == j || strcmp(o->slug, s->slug) != 0)
			continue;
		if (o->vote < s->vote || (o->vote == s->vote && k < j))
			return false;
	}
	return true;
}

int ld__html_col_id(ae_buf *b, const ld_corroboration *c, const ld_recipe *r,
		    size_t j, ae_err *err)
{
	const ld_signer *s = &c->signers[r->cols[j]];
	int rc = ae_buf_puts(b, "id=\"/", err);

	if (rc == 0)
		rc = ld__html_put(b, r->name, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "/", err);
	if (rc == 0)
		rc = ld__html_put(b, s->slug, err);
	if (rc == 0 && !col_is_primary(c, r, j))
		rc = ae_buf_printf(b, err, "/%s", ld_vote_name(s->vote));
	if (rc == 0)
		rc = ae_buf_puts(b, "\"", err);
	return rc;
}

/* href to column j's history (its own id). */
int ld__html_col_href(ae_buf *b, const ld_corroboration *c, const ld_recipe *r,
		      size_t j, ae_err *err)
{
	const ld_signer *s = &c->signers[r->cols[j]];
	int rc = ae_buf_puts(b, "href=\"#/", err);

	if (rc == 0)
		rc = ld__html_frag(b, r->name, err);
	if (rc == 0)
		rc = ae_buf_puts(b, "/", err);
	if (rc == 0)
		rc = ld__html_frag(b, s->slug, err);
	if (rc == 0 && !col_is_primary(c, r, j))
		rc = ae_buf_printf(b, err, "/%s", ld_vote_name(s->vote));
	if (rc == 0)
		rc = ae_buf_puts(b, "\"", err);
	return rc;
}

/* " fct f0-<i> f1-<j> f2-<k>": the facet classes of a run's or a
 * signer's coordinates (indexes, never the values: they stay out of the
 * style sheet). */
int ld__html_facet_classes_of(const ld__page *p, char *const *facets,
			      ae_err *err)
{
	int rc = ae_buf_puts(p->b, " fct", err);

	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		int i = ld__page_facet_index(p, f, facets[f]);
		if (i >= 0)
			rc = ae_buf_printf(p->b, err, " f%d-%d", f, i);
	}
	return rc;
}

int ld__html_facet_classes(const ld__page *p, const ld_entry *e, ae_err *err)
{
	static char *const none[LD_FACET_COUNT] = {NULL, NULL, NULL};

	return ld__html_facet_classes_of(p, e ? e->facets : none, err);
}

/* "k8s 1.33 · ubuntu 24.04 · GPU" of a run or a signer, if any known. */
int ld__html_coords(ae_buf *b, char *const *facets, ae_err *err)
{
	static const char *const k[] = {"k8s ", "", ""};
	int rc = 0, n = 0;

	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		if (facets[f] == NULL)
			continue;
		rc = ae_buf_puts(b, n++ ? " &middot; " : "", err);
		if (rc == 0)
			rc = ae_buf_puts(b, k[f], err);
		if (rc == 0)
			rc = ld__html_put(b, facets[f], err);
	}
	return rc;
}

/* Version, dev and freshness badges of a run: a release's version, or
 * "dev" with whatever the build called itself. */
int ld__html_run_badges(ae_buf *b, const ld_entry *e, ae_err *err)
{
	const char *v = e->aicr_version;
	int rc = 0;

	if (e->dev) {
		rc = ae_buf_puts(b, "<span class=\"badge b-dev\">dev", err);
		if (rc == 0 && (v == NULL || strcmp(v, "dev") != 0)) {
			rc = ae_buf_puts(b, " &middot; ", err);
			if (rc == 0)
				rc = ld__html_put(b, v ? v : "no version", err);
		}
		if (rc == 0)
			rc = ae_buf_puts(b, "</span>", err);
	} else if (v != NULL) {
		rc = ae_buf_puts(b, "<span class=\"badge\">", err);
		if (rc == 0)
			rc = ld__html_put(b, v, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "</span>", err);
	}
	if (rc == 0 && e->fresh == LD_FRESH_HISTORICAL)
		rc = ae_buf_puts(b,
				 "<span class=\"badge b-hist\">historical"
				 "</span>",
				 err);
	if (rc == 0 && e->origin == LD_ORIGIN_INGEST)
		rc = ae_buf_puts(
			b, "<span class=\"badge b-ing\">ingested</span>", err);
	return rc;
}

/* The checks that make a view CONTESTED or FAILING, in the open. */
int ld__html_reasons(ae_buf *b, const ld_grid *g, const char *cls, ae_err *err)
{
	static const ld_state bad[] = {LD_STATE_CONTESTED, LD_STATE_FAILING};
	int rc = 0;

	if (g == NULL ||
	    g->counts[LD_STATE_CONTESTED] + g->counts[LD_STATE_FAILING] == 0)
		return 0;
	rc = ae_buf_printf(b, err, "<span class=\"%s\">", cls);
	for (size_t s = 0; rc == 0 && s < 2; s++) {
		size_t shown = 0;
		if (g->counts[bad[s]] == 0)
			continue;
		rc = ae_buf_printf(b, err,
				   "%s%s: ", s && g->counts[bad[0]] ? "; " : "",
				   ld_state_name(bad[s]));
		for (size_t i = 0; rc == 0 && i < g->n_checks; i++) {
			const ld_check *ck = &g->checks[i];
			if (ck->state != bad[s] ||
			    shown++ >= LD_HTML_REASONS_MAX)
				continue;
			rc = ae_buf_puts(b, shown > 1 ? ", " : "", err);
			if (rc == 0)
				rc = ld__html_put(b, ck->phase, err);
			if (rc == 0)
				rc = ae_buf_puts(b, "/", err);
			if (rc == 0)
				rc = ld__html_put(b, ck->name, err);
			if (rc == 0)
				rc = ae_buf_printf(b, err,
						   " (%zu pass, %zu fail)",
						   ck->pass, ck->fail);
		}
		if (rc == 0 && shown > LD_HTML_REASONS_MAX)
			rc = ae_buf_printf(b, err, ", and %zu more",
					   shown - LD_HTML_REASONS_MAX);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "</span>", err);
	return rc;
}

/* Length of the well-formed UTF-8 sequence at `p` (RFC 3629: no
 * overlongs, surrogates or code points past U+10FFFF), its code point in
 * `*cp`; 0 if the bytes there are not one. */
static size_t utf8_seq(const unsigned char *p, uint32_t *cp)
{
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};

	if (n == 0 || p[0] > 0xf4)
		return 0;
	*cp = p[0] & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if (*cp < min[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Code points that would steer the page rather than be read: C1
 * controls, line and paragraph separators, and the bidi marks, embeddings,
 * overrides and isolates (a "\u202Eliaf" reads as "fail"). */
static bool cp_steers(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int ld__html_put(ae_buf *b, const char *s, ae_err *err)
{
	int rc = 0;

	for (const char *p = s ? s : ""; rc == 0 && *p; p++) {
		if ((unsigned char)*p >= 0x80) {
			uint32_t cp = 0;
			size_t n = utf8_seq((const unsigned char *)p, &cp);
			/* U+FFFD for a byte that starts no sequence, or a
			 * sequence that steers (the whole of it). */
			if (n == 0 || cp_steers(cp))
				rc = ae_buf_puts(b, "\xef\xbf\xbd", err);
			else
				rc = ae_buf_put(b, p, n, err);
			p += n ? n - 1 : 0;
			continue;
		}
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

int ld__html_frag(ae_buf *b, const char *s, ae_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     rc == 0 && *p; p++) {
		char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		bool keep = (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '.' || *p == '_' || *p == '~';
		rc = keep ? ae_buf_put(b, p, 1, err) : ae_buf_put(b, e, 3, err);
	}
	return rc;
}

const ld_grid *ld__page_grid(const ld__page *p, const ld_recipe *r, size_t l)
{
	if (r->n_grids == 0)
		return NULL;
	if (p->lens_kind[l] == LD__LENS_LATEST)
		return &r->grids[0];
	if (p->lens_kind[l] == LD__LENS_NEWEST)
		return r->n_grids > 1 ? &r->grids[r->newest] : NULL;
	for (size_t i = 1; i < r->n_grids; i++) {
		if (strcmp(r->grids[i].version, p->lens_ver[l]) == 0)
			return &r->grids[i];
	}
	return NULL;
}

int ld__page_facet_index(const ld__page *p, int f, const char *v)
{
	const ld_corroboration *c = p->c;
	size_t lo = 0, hi = c->n_facet_values[f];

	if (v == NULL)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = strcmp(c->facet_values[f][mid], v);
		if (k == 0)
			return mid < p->n_facet[f] ? (int)mid
						   : (int)p->n_facet[f];
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
