/* ledger/corroborate_html.c -- the corroboration report as one
 * self-contained HTML page: the frame (style, banner, provenance,
 * controls, legend, script); the matrix and the recipes are
 * corroborate_html_body.c
 *
 * The page works offline and without scripts (issue 22 item 6): the lens
 * and the facets are plain radio buttons, and the style sheet shows the
 * chosen lens and dims what a facet excludes (`:has()`), so nothing needs
 * the script, which only keeps the choice in the address (?lens=…) and
 * says how many signers a facet leaves. Every recipe and every signer's
 * history has a stable deep link, #/<recipe> and #/<recipe>/<signer slug>,
 * as an element id (fragments work with scripts off). Nothing is fetched:
 * the Content-Security-Policy allows no source at all but the inline
 * style and the one inline script, by its SHA-256.
 *
 * Every string that came from outside (recipe and check names, labels,
 * slugs, issuers, identities, reasons, digests, versions, facets, times)
 * goes through ld__html_put (text and attributes) or ld__html_frag (URL
 * fragments). Facet values never reach the style sheet: a value is an
 * index there (class f<axis>-<n>).
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The style sheet. Colours: states as the reference's chips (a glyph
 * besides the colour, for print and colour blindness). */
static const char html_css[] =
	":root{--ink:#1b1f24;--soft:#57606a;--line:#d0d7de;--bg2:#f6f8fa;"
	"--ok:#1a7f37;--single:#2da44e;--cont:#bc4c00;--fail:#cf222e;"
	"--unt:#6e7781;--part:#0969da}\n"
	"*{box-sizing:border-box}\n"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"margin:0;color:var(--ink);background:#fff}\n"
	"header,main,footer,.controls{padding:0 24px}\n"
	".skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;"
	"background:#fff;padding:4px 8px;z-index:9}\n"
	"header{padding-top:18px}\n"
	"h1{font-size:22px;margin:0 0 2px}h2{font-size:18px;margin:0}"
	"h3{font-size:15px;margin:18px 0 6px}h4{font-size:14px;margin:0}\n"
	"a{color:#0550ae}code,.mono{font:12px ui-monospace,SFMono-Regular,"
	"Menlo,Consolas,monospace}\n"
	".sub{color:var(--soft);margin:0 0 10px}\n"
	".basis{padding:10px 14px;border-radius:6px;margin:10px 0;"
	"border:1px solid}\n"
	".basis strong{margin-right:4px}\n"
	".basis-verified{background:#e6f4ea;border-color:#8bc79b}\n"
	".basis-partial{background:#fff4e5;border-color:#e0a84f}\n"
	".basis-claimed{background:#fff1f0;border-color:#e5a3a0}\n"
	".prov{display:grid;grid-template-columns:max-content 1fr;"
	"gap:2px 12px;margin:8px 0 14px;font-size:12.5px;color:var(--soft)}\n"
	".prov dt{font-weight:600}.prov dd{margin:0;word-break:break-all}\n"
	".controls{display:flex;flex-wrap:wrap;gap:10px 18px;"
	"align-items:flex-start;background:var(--bg2);border-block:1px solid "
	"var(--line);padding-block:10px}\n"
	".controls fieldset{border:0;margin:0;padding:0;min-width:0}\n"
	".controls legend{font-size:11px;font-weight:700;text-transform:"
	"uppercase;letter-spacing:.04em;color:var(--soft);padding:0;"
	"margin-bottom:4px}\n"
	".controls label{display:inline-flex;align-items:center;gap:4px;"
	"margin:0 10px 4px 0;white-space:nowrap;cursor:pointer}\n"
	".controls .note{flex-basis:100%;margin:0;font-size:12px;"
	"color:var(--soft)}\n"
	".legend{margin:18px 0;border:1px solid var(--line);border-radius:6px;"
	"padding:4px 14px;background:var(--bg2)}\n"
	".legend dl{display:grid;grid-template-columns:max-content 1fr "
	"max-content 1fr;gap:6px 12px;margin:6px 0 10px;font-size:13px;"
	"align-items:baseline}\n"
	".legend dd{margin:0 12px 0 0}\n"
	".state{display:inline-block;font-weight:700;font-size:12px;"
	"border-radius:4px;padding:1px 7px;color:#fff;white-space:nowrap}\n"
	".state-CONFIRMED{background:var(--ok)}.state-SINGLE{background:var(--"
	"single)}"
	"\n.state-CONTESTED{background:var(--cont)}.state-FAILING{background:"
	"var(--fail)}\n.state-UNTESTED{background:var(--unt)}.state-PARTIAL{"
	"background:var(--part)}\n"
	".badge{display:inline-block;font-size:11px;border-radius:10px;"
	"padding:0 6px;border:1px solid var(--line);background:#fff;"
	"color:var(--ink);white-space:nowrap;margin:1px 2px 1px 0}\n"
	".b-dev{border-color:#bf8700;background:#fff8c5}\n"
	".b-hist{border-color:#8250df;background:#fbefff}\n"
	".b-nc{border-color:var(--fail);color:var(--fail);font-weight:600}\n"
	".b-ing{border-color:var(--part);background:#ddf4ff}\n"
	".scroll{overflow-x:auto;max-width:100%;width:fit-content;border:1px "
	"solid var(--line);border-radius:6px}\n"
	"main>h2{margin:20px 0 8px}\n"
	".cls code{text-transform:none}\n"
	".where{display:block;font-size:12px;color:var(--soft);"
	"word-break:break-all}\n"
	"table{border-collapse:collapse}\n"
	"th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;"
	"vertical-align:top}\n"
	".scroll>table{border-style:hidden}\n"
	"thead th{background:var(--bg2);font-size:12.5px}\n"
	"#matrix th[scope=row]{position:sticky;left:0;background:#fff;"
	"z-index:1;min-width:220px;max-width:340px}\n"
	".why{display:block;font-size:12px;color:var(--fail);font-weight:"
	"400;margin-top:3px}\n"
	".who{display:block;font-weight:600}.cls{display:block;font-size:11px;"
	"text-transform:uppercase;color:var(--soft)}\n"
	".coords{display:block;font-size:11px;color:var(--soft);"
	"font-weight:400}\n"
	"th.signer{min-width:120px;max-width:220px}\n"
	".cell{min-width:116px;text-align:center;padding:0;height:1px}\n"
	".cellv{padding:6px 8px;height:100%}\n"
	".cell a{color:inherit;text-decoration:none;display:block}\n"
	".cell a:hover .res{text-decoration:underline}\n"
	".cell small{display:block;color:var(--soft)}\n"
	".cell-pass{background:#dafbe1}.cell-fail{background:#ffebe9}"
	".cell-not-run{background:#eaeef2}.cell-claimed{background:#fff8c5}\n"
	".cell-unverifiable{background:repeating-linear-gradient(45deg,#ffebe9,"
	"#ffebe9 6px,#fff 6px,#fff 12px)}\n"
	".nc{background-image:repeating-linear-gradient(135deg,transparent,"
	"transparent 7px,rgba(0,0,0,.06) 7px,rgba(0,0,0,.06) 9px)}\n"
	".nc .res{font-style:italic;opacity:.8}\n"
	".res{font-weight:700}.r-pass{color:var(--ok)}.r-fail{color:"
	"var(--fail)}.r-not-run{color:var(--unt)}\n"
	".recipe{border-top:2px solid var(--line);margin-top:26px;"
	"padding-top:14px}\n"
	".recipe>header{padding:0;display:flex;flex-wrap:wrap;gap:8px;"
	"align-items:baseline}\n"
	".reasons{margin:6px 0;color:var(--fail)}\n"
	".meta{color:var(--soft);margin:4px 0}\n"
	"table.checks td.result{text-align:center}\n"
	".signer-h{border:1px solid var(--line);border-radius:6px;"
	"padding:8px 12px;margin:10px 0}\n"
	".signer-h:target,.recipe:target>header{outline:3px solid "
	"var(--part);outline-offset:2px}\n"
	".runs{margin:6px 0 0;padding-left:18px}\n"
	".runs li{margin:3px 0}\n"
	".hist td{padding:2px 5px;font-size:12px}\n"
	".t{display:inline-block;width:18px;text-align:center;"
	"font-weight:700}\n"
	".t-pass{background:#dafbe1;color:var(--ok)}.t-fail{background:"
	"#ffebe9;color:var(--fail)}.t-not-run{color:var(--unt)}\n"
	".timeline{display:flex;flex-wrap:wrap;gap:4px 8px;list-style:none;"
	"padding:0;margin:6px 0}\n"
	".lv{display:none}\n"
	".dim{}\n"
	"footer{margin:30px 0 24px;color:var(--soft);font-size:12px}\n"
	"@media (max-width:640px){header,main,footer,.controls{"
	"padding-inline:10px}h1{font-size:19px}"
	".legend dl{grid-template-columns:1fr;gap:2px}.legend dd{margin:0 0 "
	"8px}.prov{gap:0 8px;font-size:11.5px}.controls{font-size:13px;"
	"gap:6px 14px}.controls label{margin:0 8px 2px 0}"
	".sub{font-size:13px}"
	"#matrix th[scope=row]{min-width:150px}.cell{min-width:84px}"
	".prov{grid-template-columns:max-content 1fr}}\n"
	"@media print{.controls,.skip{display:none}"
	"*{print-color-adjust:exact;-webkit-print-color-adjust:exact}"
	"body{font-size:11px}.scroll{overflow:visible;border:0}"
	"#matrix th[scope=row]{position:static}"
	".recipe{break-inside:avoid-page}a{color:inherit;text-decoration:"
	"none}@page{size:landscape;margin:12mm}}\n";

/* The script: progressive only (the page works without it). It keeps the
 * lens and facets in the query string, restores them, and counts what a
 * facet leaves. No network, no eval, no data from the page but ids. */
static const char html_js[] =
	"(function(){'use strict';"
	"var f=document.getElementById('controls');if(!f)return;"
	"var q=new URLSearchParams(location.search);"
	"['lens','k8s','os','gpu'].forEach(function(n){var v=q.get(n);"
	"if(!v)return;var e=f.querySelector('input[name=\"'+n+'\"][data-v=\"'"
	"+CSS.escape(v)+'\"]');if(e)e.checked=true;});"
	"function upd(){var p=new URLSearchParams();"
	"f.querySelectorAll('input:checked').forEach(function(e){"
	"if(e.dataset.v&&!e.hasAttribute('data-default'))"
	"p.set(e.name,e.dataset.v);});"
	"var s=p.toString();history.replaceState(null,'',location.pathname+"
	"(s?'?'+s:'')+location.hash);"
	"var on=f.querySelectorAll('fieldset.facet input:checked:not("
	"[data-default])').length;var o=document.getElementById('facet-count'"
	");if(!o)return;if(!on){o.textContent='';return;}"
	"var all=document.querySelectorAll('#matrix tbody td.cell');"
	"var n=0;all.forEach(function(td){var sp=td.querySelector('.lv');"
	"td.querySelectorAll('.lv').forEach(function(x){if(getComputedStyle(x"
	").display!=='none')sp=x;});if(sp&&getComputedStyle(sp).opacity>0.5"
	"&&!sp.classList.contains('cell-none'))n++;});"
	"o.textContent=n+' matrix cells match the facets; the others are "
	"dimmed and still count.';}"
	"f.addEventListener('change',upd);upd();})();";

/* ---- the lenses and facets the page offers ---- */

/* Fills the page's lens list: latest; then, when some run verified,
 * each recipe's newest version and every version (newest first, at most
 * LD_HTML_VERSIONS_MAX), and a version asked for that nobody ran. */
static void page_lenses(ld__page *p)
{
	const ld_corroboration *c = p->c;
	bool asked_seen = c->lens_version == NULL;

	p->n_lens = 0;
	p->lens_kind[p->n_lens++] = LD__LENS_LATEST;
	if (c->n_versions > 0 || c->lens == LD_LENS_SAME_VERSION)
		p->lens_kind[p->n_lens++] = LD__LENS_NEWEST;
	for (size_t i = 0; i < c->n_versions && i < LD_HTML_VERSIONS_MAX; i++) {
		p->lens_kind[p->n_lens] = LD__LENS_VERSION;
		p->lens_ver[p->n_lens++] = c->versions[i];
		if (c->lens_version && !strcmp(c->versions[i], c->lens_version))
			asked_seen = true;
	}
	if (!asked_seen) {
		p->lens_kind[p->n_lens] = LD__LENS_VERSION;
		p->lens_ver[p->n_lens++] = c->lens_version;
	}
	p->lens_default = 0;
	for (size_t l = 1; c->lens == LD_LENS_SAME_VERSION && l < p->n_lens;
	     l++) {
		if ((c->lens_version == NULL &&
		     p->lens_kind[l] == LD__LENS_NEWEST) ||
		    (c->lens_version && p->lens_kind[l] == LD__LENS_VERSION &&
		     strcmp(p->lens_ver[l], c->lens_version) == 0)) {
			p->lens_default = l;
			break;
		}
	}
	for (int f = 0; f < LD_FACET_COUNT; f++)
		p->n_facet[f] = c->n_facet_values[f] < LD_HTML_FACETS_MAX
					? c->n_facet_values[f]
					: LD_HTML_FACETS_MAX;
}

/* ---- the frame ---- */

/* "sha256-<base64>" of the script, for the Content-Security-Policy. */
static int script_hash(char **out, ae_err *err)
{
	unsigned char d[AE_SHA256_LEN];
	char *b64 = NULL;
	int rc;

	ae_sha256(d, html_js, strlen(html_js));
	rc = ae_base64_encode(&b64, d, sizeof(d), err);
	*out = b64;
	return rc;
}

/* The CSS rules of the lenses and facets: one per choice, by index. */
static int page_rules(const ld__page *p, ae_err *err)
{
	static const char *const axis[] = {"k8s", "os", "gpu"};
	int rc = 0;

	for (size_t l = 0; rc == 0 && l < p->n_lens; l++)
		rc = ae_buf_printf(p->b, err,
				   "body:has(#lens-%zu:checked) .lv.l%zu{"
				   "display:revert}\n",
				   l, l);
	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		for (size_t i = 0; rc == 0 && i <= p->n_facet[f]; i++)
			rc = ae_buf_printf(p->b, err,
					   "body:has(#%s-%zu:checked) "
					   ".fct:not(.f%d-%zu){opacity:.28}\n",
					   axis[f], i, f, i);
	}
	return rc;
}

static int page_head(const ld__page *p, ae_err *err)
{
	char *hash = NULL;
	int rc = script_hash(&hash, err);

	if (rc == 0)
		rc = ae_buf_printf(
			p->b, err,
			"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			"<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
			"content=\"width=device-width, initial-scale=1\">\n"
			"<meta http-equiv=\"Content-Security-Policy\" "
			"content=\"default-src 'none'; style-src "
			"'unsafe-inline'; script-src 'sha256-%s'; base-uri "
			"'none'; form-action 'none'\">\n<meta "
			"name=\"referrer\" "
			"content=\"no-referrer\">\n<title>Evidence "
			"corroboration &middot; aicr-evidence</title>\n"
			"<style>\n%s",
			hash, html_css);
	free(hash);
	if (rc == 0)
		rc = page_rules(p, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</style>\n</head>\n<body>\n", err);
	return rc;
}

/* The basis banner: what was verified, how much, and what that means. */
static int page_basis(const ld__page *p, ae_err *err)
{
	const ld_corroboration *c = p->c;
	size_t bad = c->n_runs - c->n_verified;

	if (!c->verified)
		return ae_buf_printf(
			p->b, err,
			"<p class=\"basis basis-claimed\" id=\"basis\" "
			"role=\"status\"><strong>Basis: claimed, not "
			"verified.</strong> None of the %zu runs was fetched "
			"or verified, so no signer votes and no check is "
			"corroborated. Run <code>aicr-evidence ledger "
			"--verify</code>.</p>\n",
			c->n_runs);
	if (bad == 0)
		return ae_buf_printf(
			p->b, err,
			"<p class=\"basis basis-verified\" id=\"basis\" "
			"role=\"status\"><strong>Basis: verified "
			"signatures.</strong> All %zu runs verified. One vote "
			"per verified, allowlisted signer; unlisted signers "
			"are shown as <em>reported</em> and never count.</p>\n",
			c->n_runs);
	return ae_buf_printf(
		p->b, err,
		"<p class=\"basis basis-partial\" id=\"basis\" "
		"role=\"status\"><strong>Basis: verified signatures &mdash; "
		"%zu of %zu runs verified.</strong> %zu could not be verified "
		"and %s not counted (the reason is under each recipe). One "
		"vote per verified, allowlisted signer.</p>\n",
		c->n_verified, c->n_runs, bad, bad == 1 ? "is" : "are");
}

/* One provenance row; skipped when the value is unknown. */
static int prov_row(ae_buf *b, const char *k, const char *v, bool code,
		    ae_err *err)
{
	int rc;

	if (v == NULL)
		return 0;
	rc = ae_buf_printf(b, err, "<dt>%s</dt><dd>%s", k,
			   code ? "<code>" : "");
	if (rc == 0)
		rc = ld__html_put(b, v, err);
	if (rc == 0)
		rc = ae_buf_puts(b, code ? "</code></dd>" : "</dd>", err);
	return rc;
}

static int page_header(const ld__page *p, ae_err *err)
{
	const ld_render_opts *o = p->opts;
	const char *t = o && o->generated_at ? o->generated_at : "";
	int rc = ae_buf_printf(
		p->b, err,
		"<a class=\"skip\" href=\"#matrix\">Skip to the matrix</a>\n"
		"<header>\n<h1>Evidence corroboration</h1>\n<p "
		"class=\"sub\">%zu recipes &middot; %zu signers &middot; %zu "
		"runs &middot; generated <time datetime=\"",
		p->c->n_recipes, p->c->n_signers, p->c->n_runs);

	if (rc == 0)
		rc = ld__html_put(p->b, t, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "\">", err);
	if (rc == 0)
		rc = ld__html_put(p->b, t, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</time></p>\n", err);
	if (rc == 0)
		rc = page_basis(p, err);
	if (rc == 0)
		rc = ae_buf_puts(
			p->b, "<dl class=\"prov\" aria-label=\"Provenance\">",
			err);
	if (rc == 0 && o) {
		rc = prov_row(p->b, "Tool", o->tool_version, false, err);
		if (rc == 0)
			rc = prov_row(p->b, "Ledger commit",
				      o->ledger_commit ? o->ledger_commit
						       : "(files, not a git "
							 "commit)",
				      true, err);
		if (rc == 0)
			rc = prov_row(p->b, "Evidence root", o->evidence_root,
				      true, err);
		if (rc == 0)
			rc = prov_row(p->b, "Trusted root", o->trusted_root,
				      true, err);
		if (rc == 0)
			rc = prov_row(p->b, "Generated", o->generated_at, false,
				      err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</dl>\n</header>\n", err);
	return rc;
}

/* One radio button of the controls. */
static int page_radio(const ld__page *p, const char *name, const char *id,
		      const char *value, bool checked, const char *label,
		      bool label_raw, ae_err *err)
{
	int rc = ae_buf_printf(p->b, err,
			       "<label><input type=\"radio\" name=\"%s\" "
			       "id=\"%s\" data-v=\"",
			       name, id);

	if (rc == 0)
		rc = ld__html_put(p->b, value, err);
	if (rc == 0)
		rc = ae_buf_printf(p->b, err, "\"%s%s> ",
				   checked ? " checked" : "",
				   checked ? " data-default" : "");
	if (rc == 0)
		rc = label_raw ? ae_buf_puts(p->b, label, err)
			       : ld__html_put(p->b, label, err);
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</label>", err);
	return rc;
}

/* The lens fieldset. */
static int page_lens_controls(const ld__page *p, ae_err *err)
{
	int rc = ae_buf_puts(p->b,
			     "<fieldset class=\"lens\"><legend>Versions "
			     "lens</legend>",
			     err);

	for (size_t l = 0; rc == 0 && l < p->n_lens; l++) {
		char id[32], lab[LD_FACT_MAX + 64];
		const char *val = "latest";
		bool raw = true;
		snprintf(id, sizeof(id), "lens-%zu", l);
		if (p->lens_kind[l] == LD__LENS_LATEST) {
			snprintf(lab, sizeof(lab),
				 "Latest run per signer, any version");
		} else if (p->lens_kind[l] == LD__LENS_NEWEST) {
			val = "newest";
			snprintf(lab, sizeof(lab),
				 "Same version only: each recipe&#39;s newest");
		} else {
			val = p->lens_ver[l];
			raw = false;
			snprintf(lab, sizeof(lab), "Same version only: %s",
				 p->lens_ver[l][0] ? p->lens_ver[l]
						   : "(no version)");
		}
		rc = page_radio(p, "lens", id, val, l == p->lens_default, lab,
				raw, err);
	}
	if (rc == 0)
		rc = ae_buf_puts(p->b, "</fieldset>\n", err);
	return rc;
}

/* The facet fieldsets (values the verified runs show, capped). */
static int page_facet_controls(const ld__page *p, ae_err *err)
{
	static const char *const title[] = {"Kubernetes", "OS", "GPU"};
	int rc = 0;

	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		const char *name = ld_facet_name(f);
		char id[32];
		if (p->c->n_facet_values[f] == 0)
			continue;
		rc = ae_buf_printf(p->b, err,
				   "<fieldset class=\"facet\"><legend>%s"
				   "</legend>",
				   title[f]);
		snprintf(id, sizeof(id), "%s-all", name);
		if (rc == 0)
			rc = page_radio(p, name, id, "", true, "All", true,
					err);
		for (size_t i = 0; rc == 0 && i < p->n_facet[f]; i++) {
			snprintf(id, sizeof(id), "%s-%zu", name, i);
			rc = page_radio(p, name, id, p->c->facet_values[f][i],
					false, p->c->facet_values[f][i], false,
					err);
		}
		if (rc == 0 && p->c->n_facet_values[f] > p->n_facet[f]) {
			snprintf(id, sizeof(id), "%s-%zu", name, p->n_facet[f]);
			rc = page_radio(p, name, id, "(other)", false, "Other",
					true, err);
		}
		if (rc == 0)
			rc = ae_buf_puts(p->b, "</fieldset>\n", err);
	}
	return rc;
}

static int page_controls(const ld__page *p, ae_err *err)
{
	int rc = ae_buf_puts(p->b,
			     "<form class=\"controls\" id=\"controls\" "
			     "aria-label=\"View\">\n",
			     err);

	if (rc == 0)
		rc = page_lens_controls(p, err);
	if (rc == 0)
		rc = page_facet_controls(p, err);
	if (rc == 0)
		rc = ae_buf_printf(
			p->b, err,
			"<p class=\"note\">The lens chooses which run speaks "
			"for each signer; facets only dim the signers whose "
			"run was made elsewhere &mdash; they still count. "
			"Historical runs %s; development builds %s. <span "
			"id=\"facet-count\" aria-live=\"polite\"></span></p>\n"
			"</form>\n",
			p->c->include_historical
				? "count (--include-historical)"
				: "never count (--include-historical counts "
				  "them)",
			p->c->exclude_dev ? "do not count (--exclude-dev)"
					  : "count (--exclude-dev drops them)");
	return rc;
}

/* The legend: every state, cell and badge, defined. */
static const char html_legend[] =
	"<section class=\"legend\" id=\"legend\" aria-label=\"Legend\">\n"
	"<h3>Legend</h3>\n<dl>\n"
	"<dt><span class=\"state state-CONFIRMED\">&#10003; "
	"CONFIRMED</span></dt>"
	"<dd>at least two independent allowlisted signers passed, none "
	"failed</dd>\n"
	"<dt><span class=\"state state-SINGLE\">1&times; "
	"SINGLE</span></dt><dd>one "
	"allowlisted signer passed, none failed: not yet corroborated</dd>\n"
	"<dt><span class=\"state state-CONTESTED\">&#9888; "
	"CONTESTED</span></dt>"
	"<dd>allowlisted signers disagree: at least one passed and one "
	"failed</dd>\n"
	"<dt><span class=\"state state-FAILING\">&#10007; "
	"FAILING</span></dt><dd>"
	"every allowlisted signer that ran it failed</dd>\n"
	"<dt><span class=\"state state-UNTESTED\">&ndash; "
	"UNTESTED</span></dt><dd>"
	"no allowlisted, verified signer ran it</dd>\n"
	"<dt><span class=\"state state-PARTIAL\">&#9680; "
	"PARTIAL</span></dt><dd>"
	"recipe or phase only: passing where tested, some checks untested"
	"</dd>\n"
	"<dt>Roll-up</dt><dd>a recipe or phase takes its worst check: "
	"CONTESTED, then FAILING, UNTESTED, SINGLE, CONFIRMED</dd>\n"
	"<dt><span class=\"res r-pass\">&#10003; pass</span> / <span "
	"class=\"res r-fail\">&#10007; fail</span> / <span class=\"res "
	"r-not-run\">&middot; not run</span></dt><dd>a signer's result on "
	"the checks of its run in view: fail if any check failed</dd>\n"
	"<dt><span class=\"badge b-nc\">not counted</span></dt><dd>shown, "
	"but no vote: the signer is not in the allowlist (reported), the "
	"bundle did not verify, the run was not verified (no --verify), the "
	"recipe changed since, or a development build with "
	"--exclude-dev</dd>\n"
	"<dt><span class=\"badge b-hist\">historical</span></dt><dd>the "
	"recipe (or its profile) changed since the run was signed: the "
	"evidence is precedent, not proof of the current recipe</dd>\n"
	"<dt><span class=\"badge b-dev\">dev</span></dt><dd>made with a "
	"development build of the tool (no release version)</dd>\n"
	"<dt><span class=\"badge b-ing\">ingested</span></dt><dd>first-party "
	"evidence read from its registry, not from a committed pointer; it "
	"votes only when its signer matches a first-party identity "
	"pattern</dd>\n"
	"<dt>claimed / unverifiable</dt><dd>a pointer's signer as written in "
	"the pointer, not checked (claimed), or checked and refused "
	"(unverifiable): never a vote</dd>\n"
	"</dl>\n</section>\n";

static int page_footer(const ld__page *p, ae_err *err)
{
	int rc = ae_buf_puts(p->b, "<footer>Generated ", err);

	if (rc == 0)
		rc = ld__html_put(p->b, p->opts ? p->opts->generated_at : NULL,
				  err);
	if (rc == 0)
		rc = ae_buf_printf(
			p->b, err,
			" by aicr-evidence ledger. Self-contained: no external "
			"assets; works offline and without scripts. Deep "
			"links: <code>#/&lt;recipe&gt;</code> and "
			"<code>#/&lt;recipe&gt;/&lt;signer&gt;</code>.</footer>"
			"\n<script>%s</script>\n</body>\n</html>\n",
			html_js);
	return rc;
}

int ld_corroboration_render_html(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err)
{
	ld__page p;
	int rc;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	memset(&p, 0, sizeof(p));
	p.b = out;
	p.c = c;
	p.opts = opts;
	page_lenses(&p);
	rc = page_head(&p, err);
	if (rc == 0)
		rc = page_header(&p, err);
	if (rc == 0)
		rc = page_controls(&p, err);
	if (rc == 0)
		rc = ld__html_matrix(&p, err);
	if (rc == 0)
		rc = ae_buf_puts(out, html_legend, err);
	if (rc == 0)
		rc = ld__html_recipes(&p, err);
	if (rc == 0)
		rc = page_footer(&p, err);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
