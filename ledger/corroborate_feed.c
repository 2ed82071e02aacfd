/* ledger/corroborate_feed.c -- the data feed: index.json and
 * series/<recipe>.json in the shape the reference publishes for its
 * validation site (issue 22 item 5; docs/ledger-feed.schema.json)
 *
 * index.json is the reference's Index: schema, meta (links, counts,
 * generatedAt), criteria (facet values per axis), sources (one per signer,
 * keyed by its slug, the reference's signer-id-hash), and the catalog tree
 * groups → dashboards → tabs, each tab a recipe with its consensus baked
 * twice: `combined` (latest run per signer, any version) and `versions`
 * (strict same-version grids, newest first). series/<recipe>.json is the
 * reference's Series: every check ever reported (`rows`), every verified
 * run per signer newest first (`builds`) and their `health`.
 *
 * What this tool knows and the reference does not is added under new keys
 * only (meta.basis, meta.lens, meta.provenance, meta.uncatalogued, per build
 * digest/counts/why/dev/freshness), so a consumer of the reference's feed
 * reads ours unchanged. Grids carry only runs that vote or are reported
 * (unlisted): a historical or development run left out by the options is
 * in the series with counts false. Identities appear only where the other
 * outputs show them (ld_signer_identity_shown). Stable: keys sorted,
 * arrays ordered, no clock -- generatedAt is the newest attestedAt, as the
 * reference derives it.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_FEED_SCHEMA "aicr-corroboration/v1"

/* "YYYY-MM-DD HH:MM UTC" (or the date only) from an RFC 3339 UTC time of
 * the pointer form; anything else verbatim (the reference's formatWhen). */
static void feed_when(char out[32], const char *at, bool date_only)
{
	const char *p = at ? at : "";

	if (strlen(p) == 20 && p[4] == '-' && p[7] == '-' && p[10] == 'T' &&
	    p[13] == ':' && p[19] == 'Z') {
		if (date_only)
			snprintf(out, 32, "%.10s", p);
		else
			snprintf(out, 32, "%.10s %.5s UTC", p, p + 11);
		return;
	}
	snprintf(out, 32, "%.31s", p);
}

/* "run-YYYYMMDDThhmm", the reference's default run id. */
static void feed_build_id(char out[32], const char *at)
{
	const char *p = at ? at : "";

	if (strlen(p) >= 16 && p[10] == 'T')
		snprintf(out, 32, "run-%.4s%.2s%.2sT%.2s%.2s", p, p + 5, p + 8,
			 p + 11, p + 14);
	else
		snprintf(out, 32, "run-unknown");
}

/* registry/repo@digest from a reference (tag or digest) and a digest. */
static int feed_evidence_ref(char **out, const ld_entry *e)
{
	const char *oci = e->oci ? e->oci : "";
	size_t n = strcspn(oci, "@");
	const char *slash = memrchr(oci, '/', n);
	const char *colon = memrchr(oci, ':', n);
	size_t len;

	if (colon != NULL && (slash == NULL || colon > slash))
		n = (size_t)(colon - oci);
	len = n + 1 + strlen(e->digest ? e->digest : "") + 1;
	*out = malloc(len);
	if (*out == NULL)
		return AE_ERR;
	snprintf(*out, len, "%.*s@%s", (int)n, oci, e->digest ? e->digest : "");
	return 0;
}

static const char *axis_value(const ld_recipe *r, int a)
{
	return r->criteria[a] ? r->criteria[a] : "";
}

/* True iff the recipe has a coordinate (a verified run's criteria). */
static bool recipe_catalogued(const ld_recipe *r)
{
	return r->criteria[LD_AXIS_SERVICE] != NULL &&
	       r->criteria[LD_AXIS_SERVICE][0] != '\0';
}

/* ---- index.json ---- */

/* Whether a grid cell goes into the feed: a verified run that votes, or a
 * reported (unlisted) one, as the reference's grids hold them. */
static bool feed_cell(const ld_cell *cl)
{
	if (cl->kind == LD_CELL_NONE || cl->kind == LD_CELL_CLAIMED ||
	    cl->kind == LD_CELL_UNVERIFIABLE)
		return false;
	return cl->why == LD_WHY_COUNTS || cl->why == LD_WHY_UNLISTED ||
	       cl->why == LD_WHY_NOT_FIRST_PARTY;
}

/* aicrVer/k8sVer/when/build/evidenceRef of run `e` into `o`; `date_only`
 * for the series' build columns. */
static int feed_run_fields(json_t *o, const ld_entry *e, bool date_only,
			   ae_err *err)
{
	char when[32], build[32], *ref = NULL;
	const char *k8s = e->facets[LD_FACET_K8S];
	int rc;

	if (feed_evidence_ref(&ref, e) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	feed_when(when, e->attested_at, date_only);
	feed_build_id(build, e->attested_at);
	rc = ld__json_put_str(o, "aicrVer",
			      e->aicr_version ? e->aicr_version : "", err);
	if (rc == 0)
		rc = ld__json_put_str(o, "k8sVer", k8s ? k8s : "", err);
	if (rc == 0)
		rc = ld__json_put_str(o, "when", when, err);
	if (rc == 0)
		rc = ld__json_put_str(o, date_only ? "id" : "build", build,
				      err);
	if (rc == 0)
		rc = ld__json_put_str(o, "evidenceRef", ref, err);
	free(ref);
	return rc;
}

/* One TabVersion: aicrVer, phaseRollup, tests (rows with their pass/fail
 * signers; not-run signers are omitted, as the reference does). */
static json_t *feed_grid(const ld_corroboration *c, const ld_recipe *r,
			 const ld_grid *g, ae_err *err)
{
	json_t *o = json_object(), *ph = json_object(), *tests = json_array();
	int rc = ld__json_set(o, "phaseRollup", ph, err);

	rc = ld__json_set_after(rc, o, "tests", tests, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "aicrVer",
				      g->version ? g->version : "", err);
	for (int p = 0; rc == 0 && p < LD_PHASE_COUNT; p++)
		rc = ld__json_put_str(ph, ld_phase_name(p),
				      ld_state_name(g->phase_state[p]), err);
	for (size_t i = 0; rc == 0 && i < g->n_checks; i++) {
		const ld_check *ck = &g->checks[i];
		json_t *row = ld__json_push(tests, json_object()), *sig;
		sig = row ? json_array() : NULL;
		rc = ld__json_set(row, "signers", sig, err);
		if (rc == 0)
			rc = ld__json_put_str(row, "phase", ck->phase, err);
		if (rc == 0)
			rc = ld__json_put_str(row, "name", ck->name, err);
		if (rc == 0)
			rc = ld__json_put_str(row, "consensus",
					      ld_state_name(ck->state), err);
		if (rc == 0)
			rc = ld__json_put_int(row, "reported", ck->reported,
					      err);
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			json_t *l;
			if (!feed_cell(&g->cells[j]) ||
			    ck->results[j] == LD_RESULT_NOT_RUN)
				continue;
			l = ld__json_push(sig, json_object());
			rc = l ? ld__json_put_str(l, "src",
						  c->signers[r->cols[j]].slug,
						  err)
			       : ae_fail(err, AE_ERR, "out of memory");
			if (rc == 0)
				rc = ld__json_put_str(
					l, "result",
					ld_result_name(ck->results[j]), err);
			if (rc == 0)
				rc = feed_run_fields(
					l, &r->entries[g->cells[j].entry],
					false, err);
		}
	}
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "<name>-<value>" lowercased from a "name=value" selection (the
 * reference's profile path segment). */
static void feed_profile_segment(char *out, size_t outsz, const char *sel)
{
	size_t n = 0;

	for (const char *p = sel; *p && n + 1 < outsz; p++) {
		char ch = *p == '=' ? '-' : *p;
		out[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
	}
	out[n] = '\0';
}

/* The newest verified run's profile selection, or NULL. */
static const char *recipe_profile(const ld_corroboration *c, const ld_recipe *r)
{
	const char *best = NULL, *at = "";

	for (size_t k = 0; k < r->n_entries; k++) {
		const ld_entry *e = &r->entries[k];
		if (c->signers[e->signer].vote != LD_VOTE_VERIFIED ||
		    e->profile == NULL)
			continue;
		if (best == NULL ||
		    strcmp(e->attested_at ? e->attested_at : "", at) > 0) {
			best = e->profile;
			at = e->attested_at ? e->attested_at : "";
		}
	}
	return best;
}

/* One Tab: recipe, coord, profile, versions, combined. */
static json_t *feed_tab(const ld_corroboration *c, const ld_recipe *r,
			ae_err *err)
{
	json_t *o = json_object(), *coord = json_object(), *vers = json_array();
	const char *sel = recipe_profile(c, r);
	int rc = ld__json_set(o, "coord", coord, err);

	rc = ld__json_set_after(rc, o, "versions", vers, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "recipe", r->name, err);
	for (int a = 0; rc == 0 && a < LD_AXIS_COUNT; a++)
		rc = ld__json_put_str(coord, ld_axis_name(a), axis_value(r, a),
				      err);
	if (rc == 0 && sel != NULL) {
		char seg[2 * LD_FACT_MAX + 2];
		feed_profile_segment(seg, sizeof(seg), sel);
		rc = ld__json_put_str(o, "profile", seg, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "profileSelection", sel, err);
	}
	for (size_t i = 1; rc == 0 && i < r->n_grids; i++) {
		json_t *gv = feed_grid(c, r, &r->grids[i], err);
		rc = gv && ld__json_push(vers, gv)
			     ? 0
			     : ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0 && r->n_grids > 0)
		rc = ld__json_set(o, "combined",
				  feed_grid(c, r, &r->grids[0], err), err);
	if (rc < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Finds or appends obj with obj[key] == val in array `arr`. */
static json_t *feed_find(json_t *arr, const char *key, const char *val,
			 const char *key2, const char *val2)
{
	size_t i;
	json_t *v, *n;

	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, key)), val) ==
			    0 &&
		    (key2 == NULL ||
		     strcmp(json_string_value(json_object_get(v, key2)),
			    val2) == 0))
			return v;
	}
	n = json_object();
	if (n == NULL || json_array_append_new(arr, n) != 0 ||
	    json_object_set_new(n, key, ld__json_str(val)) != 0 ||
	    (key2 && json_object_set_new(n, key2, ld__json_str(val2)) != 0))
		return NULL;
	return n;
}

/* Orders catalogued recipes: service, accelerator, os, then
 * intent-platform, then name (the reference's assembleGroups, with
 * bytewise order where it uses its criteria registry). */
static int tab_cmp(const void *pa, const void *pb, void *ctx)
{
	const ld_corroboration *c = ctx;
	const ld_recipe *a = &c->recipes[*(const size_t *)pa];
	const ld_recipe *b = &c->recipes[*(const size_t *)pb];
	static const int axes[] = {LD_AXIS_SERVICE, LD_AXIS_ACCELERATOR,
				   LD_AXIS_OS, LD_AXIS_INTENT,
				   LD_AXIS_PLATFORM};
	int k;

	for (size_t i = 0; i < sizeof(axes) / sizeof(axes[0]); i++) {
		k = strcmp(axis_value(a, axes[i]), axis_value(b, axes[i]));
		if (k != 0)
			return k;
	}
	return strcmp(a->name, b->name);
}

/* True iff recipe r has a verified run: it has a series and a tab. */
static bool recipe_in_feed(const ld_corroboration *c, const ld_recipe *r)
{
	for (size_t k = 0; k < r->n_entries; k++) {
		if (c->signers[r->entries[k].signer].vote == LD_VOTE_VERIFIED)
			return true;
	}
	return false;
}

/* groups[] and meta.uncatalogued[]. */
static int feed_groups(json_t *root, json_t *meta, const ld_corroboration *c,
		       size_t *n_groups, ae_err *err)
{
	json_t *groups = json_array(), *unc = json_array();
	size_t *order = calloc(c->n_recipes ? c->n_recipes : 1, sizeof(size_t));
	size_t n = 0;
	int rc = order ? 0 : ae_fail(err, AE_ERR, "out of memory");

	rc = ld__json_set_after(rc, root, "groups", groups, err);
	rc = ld__json_set_after(rc, meta, "uncatalogued", unc, err);
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		if (!recipe_in_feed(c, r))
			continue;
		if (recipe_catalogued(r))
			order[n++] = i;
		else if (ld__json_push(unc, ld__json_str(r->name)) == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0)
		qsort_r(order, n, sizeof(*order), tab_cmp, (void *)c);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const ld_recipe *r = &c->recipes[order[i]];
		json_t *g, *dashes, *d, *tabs, *t;
		g = feed_find(groups, "service", axis_value(r, LD_AXIS_SERVICE),
			      NULL, NULL);
		dashes = g ? json_object_get(g, "dashboards") : NULL;
		if (g && dashes == NULL) {
			dashes = json_array();
			if (ld__json_set(g, "dashboards", dashes, err) < 0)
				dashes = NULL;
		}
		d = dashes ? feed_find(dashes, "accelerator",
				       axis_value(r, LD_AXIS_ACCELERATOR), "os",
				       axis_value(r, LD_AXIS_OS))
			   : NULL;
		tabs = d ? json_object_get(d, "tabs") : NULL;
		if (d && tabs == NULL) {
			tabs = json_array();
			if (ld__json_set(d, "tabs", tabs, err) < 0)
				tabs = NULL;
		}
		t = tabs ? feed_tab(c, r, err) : NULL;
		if (t == NULL || ld__json_push(tabs, t) == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	*n_groups = rc == 0 ? json_array_size(groups) : 0; /* freed else */
	free(order);
	return rc;
}

/* The values of axis `a` present in the catalogued recipes, bytewise,
 * an empty platform as the reference's "(none)", into `arr`. */
static int feed_axis(json_t *arr, const ld_corroboration *c, int a, ae_err *err)
{
	ae_strset seen = AE_STRSET_INIT;
	const char **v = calloc(c->n_recipes + 1, sizeof(*v));
	size_t n = 0;
	int rc = v ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		const char *x = axis_value(r, a);
		if (!recipe_catalogued(r) || !recipe_in_feed(c, r))
			continue;
		if (a == LD_AXIS_PLATFORM && x[0] == '\0')
			x = "(none)";
		rc = ae_strset_add(&seen, x, err);
		if (rc > 0)
			v[n++] = x;
		if (rc > 0)
			rc = 0;
	}
	if (rc == 0)
		qsort(v, n, sizeof(*v), ae_strptr_cmp);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (ld__json_push(arr, ld__json_str(v[i])) == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	ae_strset_dispose(&seen);
	free(v);
	return rc;
}

/* criteria{axis: [values]}. */
static int feed_criteria(json_t *root, const ld_corroboration *c, ae_err *err)
{
	json_t *crit = json_object();
	int rc = ld__json_set(root, "criteria", crit, err);

	for (int a = 0; rc == 0 && a < LD_AXIS_COUNT; a++) {
		json_t *arr = json_array();
		rc = ld__json_set(crit, ld_axis_name(a), arr, err);
		if (rc == 0)
			rc = feed_axis(arr, c, a, err);
	}
	return rc;
}

/* sources{slug: {label, class, allowlisted, signerId?}}: the verified
 * signers. An unlisted one is the reference's "community", not
 * allowlisted. */
static int feed_sources(json_t *root, const ld_corroboration *c,
			const ld_render_opts *opts, size_t *n_out, ae_err *err)
{
	json_t *src = json_object();
	int rc = ld__json_set(root, "sources", src, err);

	*n_out = 0;
	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		const ld_signer *s = &c->signers[i];
		json_t *o;
		if (s->vote != LD_VOTE_VERIFIED)
			continue;
		o = json_object();
		rc = ld__json_set(src, s->slug, o, err);
		(*n_out)++;
		if (rc == 0)
			rc = ld__json_put_str(
				o, "label", s->label ? s->label : s->slug, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "class",
					      s->cls == LD_CLASS_REPORTED
						      ? "community"
						      : ld_class_name(s->cls),
					      err);
		if (rc == 0)
			rc = ld__json_put_bool(o, "allowlisted", s->counts,
					       err);
		if (rc == 0)
			rc = ld__json_put_str(o, "signerId",
					      ld_signer_identity_shown(s, opts)
						      ? s->identity
						      : "",
					      err);
		if (rc == 0)
			rc = ld__json_put_bool(o, "ingested", s->ingested, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "issuer", s->issuer, err);
	}
	return rc;
}

/* The newest attestedAt of a verified run, as "YYYY-MM-DD HH:MM UTC". */
static void feed_generated_at(char out[32], const ld_corroboration *c)
{
	const char *newest = NULL;

	for (size_t i = 0; i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		for (size_t k = 0; k < r->n_entries; k++) {
			const ld_entry *e = &r->entries[k];
			if (c->signers[e->signer].vote != LD_VOTE_VERIFIED ||
			    e->attested_at == NULL)
				continue;
			if (newest == NULL ||
			    strcmp(e->attested_at, newest) > 0)
				newest = e->attested_at;
		}
	}
	out[0] = '\0';
	if (newest != NULL)
		feed_when(out, newest, false);
}

/* meta: links (none: the reference's renderer hides empty ones), counts,
 * generatedAt, and this tool's additions. */
static int feed_meta(json_t *meta, const ld_corroboration *c,
		     const ld_render_opts *opts, ae_err *err)
{
	json_t *links = json_object(), *lens = json_object(),
	       *pv = json_object();
	char at[32];
	int rc = ld__json_set(meta, "links", links, err);

	rc = ld__json_set_after(rc, meta, "lens", lens, err);
	rc = ld__json_set_after(rc, meta, "provenance", pv, err);
	for (int i = 0; rc == 0 && i < 3; i++)
		rc = ld__json_put_str(links,
				      i == 0   ? "install"
				      : i == 1 ? "docs"
					       : "github",
				      "", err);
	feed_generated_at(at, c);
	if (rc == 0 && at[0])
		rc = ld__json_put_str(meta, "generatedAt", at, err);
	if (rc == 0)
		rc = ld__json_put_str(meta, "basis",
				      c->verified ? "verified" : "claimed",
				      err);
	if (rc == 0)
		rc = ld__json_put_str(lens, "default", ld_lens_name(c->lens),
				      err);
	if (rc == 0)
		rc = ld__json_put_bool(lens, "includeHistorical",
				       c->include_historical, err);
	if (rc == 0)
		rc = ld__json_put_bool(lens, "excludeDev", c->exclude_dev, err);
	if (rc == 0)
		rc = ld__json_put_provenance(pv, opts, err);
	return rc;
}

int ld_feed_render_index(ae_buf *out, const ld_corroboration *c,
			 const ld_render_opts *opts, ae_err *err)
{
	json_t *root = json_object(), *meta = json_object(), *cnt = NULL;
	size_t n_groups = 0, n_sources = 0, n_recipes = 0;
	int rc;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	rc = ld__json_set(root, "meta", meta, err);
	if (rc == 0)
		rc = ld__json_put_str(root, "schema", LD_FEED_SCHEMA, err);
	if (rc == 0)
		rc = feed_meta(meta, c, opts, err);
	if (rc == 0)
		rc = feed_criteria(root, c, err);
	if (rc == 0)
		rc = feed_sources(root, c, opts, &n_sources, err);
	if (rc == 0)
		rc = feed_groups(root, meta, c, &n_groups, err);
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++)
		n_recipes += recipe_catalogued(&c->recipes[i]) &&
			     recipe_in_feed(c, &c->recipes[i]);
	if (rc == 0) {
		cnt = json_object();
		rc = ld__json_set(meta, "counts", cnt, err);
	}
	if (rc == 0)
		rc = ld__json_put_int(cnt, "recipes", n_recipes, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "csps", n_groups, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "sources", n_sources, err);
	if (rc == 0)
		rc = ld__json_dump(out, root, JSON_SORT_KEYS, err);
	json_decref(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* ---- series/<recipe>.json ---- */

/* One SeriesBuild: a verified run with its result for every row name. */
static int feed_build(json_t *arr, const ld_recipe *r, size_t k, bool newest,
		      ae_err *err)
{
	const ld_entry *e = &r->entries[k];
	json_t *o = ld__json_push(arr, json_object()), *res;
	int rc;

	if (o == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	res = json_object();
	rc = ld__json_set(o, "results", res, err);
	if (rc == 0)
		rc = feed_run_fields(o, e, true, err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "newest", newest, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "digest", e->digest, err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "counts", e->why == LD_WHY_COUNTS,
				       err);
	if (rc == 0)
		rc = ld__json_put_str(o, "why", ld_why_name(e->why), err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "dev", e->dev, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "freshness", ld_fresh_name(e->fresh),
				      err);
	/* Every row name: pass, fail or not-run (the reference keys results
	 * by name; a name in two phases keeps the later phase's). */
	for (size_t i = 0; rc == 0 && i < r->n_rows; i++)
		rc = ld__json_put_str(res, r->rows[i].name, "not-run", err);
	for (size_t x = 0; rc == 0 && x < e->n_results; x++) {
		ld_result v = e->results[x].result;
		rc = ld__json_put_str(
			res, r->rows[e->results[x].row].name,
			v == LD_RESULT_NOT_RUN ? "not-run" : ld_result_name(v),
			err);
	}
	return rc;
}

/* builds{slug: [...]} and health{slug: {...}} of the verified columns. */
static int feed_series_cols(json_t *root, const ld_corroboration *c,
			    const ld_recipe *r, ae_err *err)
{
	json_t *builds = json_object(), *health = json_object();
	int rc = ld__json_set(root, "builds", builds, err);

	rc = ld__json_set_after(rc, root, "health", health, err);
	for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
		const ld_signer *s = &c->signers[r->cols[j]];
		const ld_col *col = &r->colinfo[j];
		json_t *arr, *h;
		char lp[32] = "";
		if (s->vote != LD_VOTE_VERIFIED)
			continue;
		arr = json_array();
		h = json_object();
		rc = ld__json_set(builds, s->slug, arr, err);
		rc = ld__json_set_after(rc, health, s->slug, h, err);
		for (size_t k = 0; rc == 0 && k < col->n; k++)
			rc = feed_build(arr, r, col->first + k, k == 0, err);
		if (col->last_pass != SIZE_MAX)
			feed_build_id(lp,
				      r->entries[col->last_pass].attested_at);
		if (rc == 0)
			rc = ld__json_put_int(h, "flakePct", col->flake_pct,
					      err);
		if (rc == 0)
			rc = ld__json_put_str(h, "lastPassBuild", lp, err);
		if (rc == 0)
			rc = ld__json_put_int(h, "builds", col->n, err);
	}
	return rc;
}

int ld_feed_render_series(ae_buf *out, const ld_corroboration *c, size_t recipe,
			  const ld_render_opts *opts, ae_err *err)
{
	const ld_recipe *r;
	json_t *root = json_object(), *rows = json_array();
	ae_strset names = AE_STRSET_INIT;
	int rc;

	(void)opts;
	AE_ASSERT_ARG(out != NULL && c != NULL && recipe < c->n_recipes, err);
	r = &c->recipes[recipe];
	rc = ld__json_set(root, "rows", rows, err);
	if (rc == 0)
		rc = ld__json_put_str(root, "recipe", r->name, err);
	/* Rows by name, first phase kept (the reference's union). */
	for (size_t i = 0; rc == 0 && i < r->n_rows; i++) {
		json_t *o;
		rc = ae_strset_add(&names, r->rows[i].name, err);
		if (rc <= 0)
			continue;
		o = ld__json_push(rows, json_object());
		rc = o ? ld__json_put_str(o, "name", r->rows[i].name, err)
		       : ae_fail(err, AE_ERR, "out of memory");
		if (rc == 0)
			rc = ld__json_put_str(o, "phase", r->rows[i].phase,
					      err);
	}
	ae_strset_dispose(&names);
	if (rc == 0)
		rc = feed_series_cols(root, c, r, err);
	if (rc == 0)
		rc = ld__json_dump(out, root, JSON_SORT_KEYS, err);
	json_decref(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

bool ld_feed_series_included(const ld_corroboration *c, size_t recipe)
{
	return recipe < c->n_recipes && recipe_in_feed(c, &c->recipes[recipe]);
}
