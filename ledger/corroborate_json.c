/* ledger/corroborate_json.c -- the corroboration report as JSON
 * (`aicr-evidence-ledger/v1`, docs/ledger.md)
 *
 * The schema only grows: every field of the first version is kept with
 * its meaning; issue 22 added the lens, provenance, tallies, facets, the
 * per-version views, each run's version, freshness, facets and results,
 * and the timeline. Objects keep the documented key order (jansson with
 * JSON_PRESERVE_ORDER). Strings go through ld__json_str, which never fails
 * on bytes that are not UTF-8 (they become '?'), so one odd name cannot
 * cost the whole report.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_JSON_SCHEMA "aicr-evidence-ledger/v1"

json_t *ld__json_str(const char *s)
{
	json_t *v;
	char *copy;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v != NULL)
		return v;
	copy = strdup(s);
	if (copy == NULL)
		return NULL;
	for (char *p = copy; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	}
	v = json_string(copy);
	free(copy);
	return v;
}

int ld__json_set(json_t *obj, const char *key, json_t *v, ae_err *err)
{
	/* json_object_set_new frees v whenever it fails, obj NULL included */
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

int ld__json_set_after(int rc, json_t *obj, const char *key, json_t *v,
		       ae_err *err)
{
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	return ld__json_set(obj, key, v, err);
}

int ld__json_put_str(json_t *obj, const char *key, const char *s, ae_err *err)
{
	return s == NULL ? 0 : ld__json_set(obj, key, ld__json_str(s), err);
}

int ld__json_put_int(json_t *obj, const char *key, size_t n, ae_err *err)
{
	return ld__json_set(obj, key, json_integer((json_int_t)n), err);
}

int ld__json_put_bool(json_t *obj, const char *key, bool b, ae_err *err)
{
	return ld__json_set(obj, key, json_boolean(b), err);
}

json_t *ld__json_push(json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		return NULL;
	return v;
}

/* A new array set as obj[key], borrowed; NULL on OOM. */
static json_t *json_arr_at(json_t *obj, const char *key)
{
	json_t *a = json_array();

	if (a == NULL || json_object_set_new(obj, key, a) != 0)
		return NULL;
	return a;
}

static json_t *json_obj_at(json_t *obj, const char *key)
{
	json_t *o = json_object();

	if (o == NULL || json_object_set_new(obj, key, o) != 0)
		return NULL;
	return o;
}

/* "s<N>": the stable id of signer index i in this report. */
static void signer_id(char out[24], size_t i)
{
	snprintf(out, 24, "s%zu", i + 1);
}

/* {k8s, os, gpu}: only the known ones. */
static int json_facets(json_t *o, char *const *facets, ae_err *err)
{
	json_t *f = json_obj_at(o, "facets");
	int rc = f ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (int i = 0; rc == 0 && i < LD_FACET_COUNT; i++)
		rc = ld__json_put_str(f, ld_facet_name(i), facets[i], err);
	return rc;
}

static int json_signers(json_t *root, const ld_corroboration *c,
			const ld_render_opts *opts, ae_err *err)
{
	json_t *arr = json_arr_at(root, "signers");
	int rc = arr ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		const ld_signer *s = &c->signers[i];
		json_t *o = ld__json_push(arr, json_object());
		char id[24];
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		signer_id(id, i);
		rc = ld__json_put_str(o, "id", id, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "class", ld_class_name(s->cls),
					      err);
		if (rc == 0)
			rc = ld__json_put_str(o, "vote", ld_vote_name(s->vote),
					      err);
		if (rc == 0)
			rc = ld__json_put_bool(o, "counts", s->counts, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "slug", s->slug, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "issuer", s->issuer, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "label", s->label, err);
		if (rc == 0 && ld_signer_identity_shown(s, opts))
			rc = ld__json_put_str(o, "identity", s->identity, err);
		if (rc == 0)
			rc = ld__json_put_bool(o, "ingested", s->ingested, err);
		if (rc == 0)
			rc = json_facets(o, s->facets, err);
	}
	return rc;
}

/* checks[]: phase, name, state, tallies, results by signer id. */
static int json_checks(json_t *ro, const ld_recipe *r, const ld_grid *g,
		       ae_err *err)
{
	json_t *arr = json_arr_at(ro, "checks");
	int rc = arr ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t i = 0; rc == 0 && i < g->n_checks; i++) {
		const ld_check *ck = &g->checks[i];
		json_t *o = ld__json_push(arr, json_object()), *res;
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		rc = ld__json_put_str(o, "phase", ck->phase, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "name", ck->name, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "state",
					      ld_state_name(ck->state), err);
		if (rc == 0)
			rc = ld__json_put_int(o, "pass", ck->pass, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "fail", ck->fail, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "reported", ck->reported, err);
		res = rc == 0 ? json_obj_at(o, "results") : NULL;
		if (rc == 0 && res == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			char id[24];
			ld_cell_kind k = g->cells[j].kind;
			if (k == LD_CELL_NONE || k == LD_CELL_CLAIMED ||
			    k == LD_CELL_UNVERIFIABLE)
				continue;
			signer_id(id, r->cols[j]);
			rc = ld__json_put_str(
				res, id, ld_result_name(ck->results[j]), err);
		}
	}
	return rc;
}

/* signers[]: the grid's cells, with each column's health. */
static int json_cells(json_t *ro, const ld_recipe *r, const ld_grid *g,
		      ae_err *err)
{
	json_t *cells = json_arr_at(ro, "signers");
	int rc = cells ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
		const ld_cell *cl = &g->cells[j];
		const ld_col *col = &r->colinfo[j];
		json_t *o;
		char id[24];
		if (cl->kind == LD_CELL_NONE && g->version != NULL)
			continue;
		o = ld__json_push(cells, json_object());
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		signer_id(id, r->cols[j]);
		rc = ld__json_put_str(o, "signer", id, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "cell", ld_cell_name(cl->kind),
					      err);
		if (rc == 0)
			rc = ld__json_put_int(o, "pass", cl->pass, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "fail", cl->fail, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "notRun", cl->not_run, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "pointers", cl->pointers, err);
		if (rc == 0)
			rc = ld__json_put_bool(o, "counts",
					       cl->why == LD_WHY_COUNTS, err);
		if (rc == 0)
			rc = ld__json_put_str(o, "why", ld_why_name(cl->why),
					      err);
		if (rc == 0 && cl->entry != SIZE_MAX)
			rc = ld__json_put_int(o, "run", cl->entry, err);
		if (rc == 0)
			rc = ld__json_put_int(o, "flakePct", col->flake_pct,
					      err);
		if (rc == 0 && col->last_pass != SIZE_MAX)
			rc = ld__json_put_int(o, "lastPassRun", col->last_pass,
					      err);
	}
	return rc;
}

/* name/state/phases/stateCounts of a view. */
static int json_states(json_t *o, const ld_grid *g, ae_err *err)
{
	json_t *ph = json_obj_at(o, "phases");
	json_t *cnt = json_obj_at(o, "stateCounts");
	int rc = ph && cnt ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (int p = 0; rc == 0 && p < LD_PHASE_COUNT; p++)
		rc = ld__json_put_str(ph, ld_phase_name(p),
				      ld_state_name(g->phase_state[p]), err);
	for (int s = 0; rc == 0 && s < LD_STATE_COUNT; s++) {
		if (s != LD_STATE_PARTIAL)
			rc = ld__json_put_int(cnt, ld_state_name((ld_state)s),
					      g->counts[s], err);
	}
	return rc;
}

/* views[]: every grid, the first the latest-per-signer one. */
static int json_views(json_t *ro, const ld_recipe *r, ae_err *err)
{
	json_t *arr = json_arr_at(ro, "views");
	int rc = arr ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t i = 0; rc == 0 && i < r->n_grids; i++) {
		const ld_grid *g = &r->grids[i];
		json_t *o = ld__json_push(arr, json_object());
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		rc = ld__json_put_str(
			o, "lens",
			ld_lens_name(g->version ? LD_LENS_SAME_VERSION
						: LD_LENS_LATEST),
			err);
		if (rc == 0)
			rc = ld__json_set(o, "aicrVersion",
					  ld__json_str(g->version), err);
		if (rc == 0)
			rc = ld__json_put_str(o, "state",
					      ld_state_name(g->state), err);
		if (rc == 0)
			rc = json_states(o, g, err);
		if (rc == 0)
			rc = json_cells(o, r, g, err);
		if (rc == 0)
			rc = json_checks(o, r, g, err);
	}
	return rc;
}

/* The freshness object of a run. */
static int json_fresh(json_t *o, const ld_entry *e, ae_err *err)
{
	json_t *f = json_obj_at(o, "freshness");
	int rc = f ? 0 : ae_fail(err, AE_ERR, "out of memory");

	if (rc == 0)
		rc = ld__json_put_str(f, "state", ld_fresh_name(e->fresh), err);
	if (rc == 0)
		rc = ld__json_put_str(f, "recipe",
				      ld_fresh_name(e->recipe_fresh), err);
	if (rc == 0)
		rc = ld__json_put_str(f, "profile",
				      ld_fresh_name(e->profile_fresh), err);
	if (rc == 0)
		rc = ld__json_put_str(f, "note", e->fresh_note, err);
	return rc;
}

/* results[] of a run: {phase, name, result}. */
static int json_run_results(json_t *o, const ld_recipe *r, const ld_entry *e,
			    ae_err *err)
{
	json_t *arr = json_arr_at(o, "results");
	int rc = arr ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t x = 0; rc == 0 && x < e->n_results; x++) {
		const ld_row *row = &r->rows[e->results[x].row];
		json_t *v = ld__json_push(arr, json_object());
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		rc = ld__json_put_str(v, "phase", row->phase, err);
		if (rc == 0)
			rc = ld__json_put_str(v, "name", row->name, err);
		if (rc == 0)
			rc = ld__json_put_str(
				v, "result",
				ld_result_name(e->results[x].result), err);
	}
	return rc;
}

/* One run (pointer or ingested bundle) of the recipe's history. */
static int json_run(json_t *arr, const ld_recipe *r, const ld_entry *e,
		    ae_err *err)
{
	json_t *o = ld__json_push(arr, json_object());
	char id[24];
	int rc;

	if (o == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	signer_id(id, e->signer);
	rc = ld__json_put_str(o, "signer", id, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "path", e->path, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "digest", e->digest, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "attestedAt", e->attested_at, err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "latest", e->latest, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "reason", e->reason, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "oci", e->oci, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "origin", ld_origin_name(e->origin),
				      err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "counts", e->why == LD_WHY_COUNTS,
				       err);
	if (rc == 0)
		rc = ld__json_put_str(o, "why", ld_why_name(e->why), err);
	if (rc == 0)
		rc = ld__json_put_str(o, "aicrVersion", e->aicr_version, err);
	if (rc == 0)
		rc = ld__json_put_bool(o, "dev", e->dev, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "profile", e->profile, err);
	if (rc == 0)
		rc = json_fresh(o, e, err);
	if (rc == 0)
		rc = json_facets(o, e->facets, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "summary", ld_cell_name(e->kind), err);
	if (rc == 0)
		rc = ld__json_put_int(o, "pass", e->pass, err);
	if (rc == 0)
		rc = ld__json_put_int(o, "fail", e->fail, err);
	if (rc == 0)
		rc = ld__json_put_int(o, "notRun", e->not_run, err);
	if (rc == 0)
		rc = ld__json_put_int(o, "flips", e->flips, err);
	if (rc == 0)
		rc = json_run_results(o, r, e, err);
	return rc;
}

/* timeline[] and criteria of a recipe. */
static int json_timeline(json_t *o, const ld_recipe *r, ae_err *err)
{
	json_t *arr = json_arr_at(o, "timeline"), *crit;
	int rc = arr ? 0 : ae_fail(err, AE_ERR, "out of memory");

	for (size_t i = 0; rc == 0 && i < r->n_timeline; i++) {
		json_t *p = ld__json_push(arr, json_object());
		if (p == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		rc = ld__json_put_str(p, "at", r->timeline[i].at, err);
		if (rc == 0)
			rc = ld__json_put_str(
				p, "state", ld_state_name(r->timeline[i].state),
				err);
		if (rc == 0)
			rc = ld__json_put_int(p, "run", r->timeline[i].entry,
					      err);
	}
	crit = rc == 0 ? json_obj_at(o, "criteria") : NULL;
	if (rc == 0 && crit == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	for (int a = 0; rc == 0 && a < LD_AXIS_COUNT; a++)
		rc = ld__json_put_str(crit, ld_axis_name(a), r->criteria[a],
				      err);
	return rc;
}

/* One recipe object: the active view's states, cells and checks (as in
 * the first version), then every view, the runs and the timeline. */
static int json_recipe(json_t *arr, const ld_recipe *r, ae_err *err)
{
	json_t *o = ld__json_push(arr, json_object()), *runs;
	const ld_grid *g = &r->grids[r->active];
	int rc;

	if (o == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ld__json_put_str(o, "name", r->name, err);
	if (rc == 0)
		rc = ld__json_put_str(o, "state", ld_state_name(r->state), err);
	if (rc == 0)
		rc = json_states(o, g, err);
	if (rc == 0)
		rc = json_cells(o, r, g, err);
	runs = rc == 0 ? json_arr_at(o, "pointers") : NULL;
	if (rc == 0 && runs == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < r->n_entries; i++)
		rc = json_run(runs, r, &r->entries[i], err);
	if (rc == 0)
		rc = json_checks(o, r, g, err);
	if (rc == 0)
		rc = ld__json_put_int(o, "activeView", r->active, err);
	if (rc == 0)
		rc = json_views(o, r, err);
	if (rc == 0 && r->versions_omitted)
		rc = ld__json_put_int(o, "versionsOmitted", r->versions_omitted,
				      err);
	if (rc == 0)
		rc = json_timeline(o, r, err);
	return rc;
}

/* lens, options, provenance, counts, facets, versions. */
static int json_head(json_t *root, const ld_corroboration *c,
		     const ld_render_opts *opts, ae_err *err)
{
	json_t *lens = json_obj_at(root, "lens"), *pv, *cnt, *fv, *ver;
	int rc = lens ? 0 : ae_fail(err, AE_ERR, "out of memory");

	if (rc == 0)
		rc = ld__json_put_str(lens, "name", ld_lens_name(c->lens), err);
	if (rc == 0)
		rc = ld__json_set(lens, "aicrVersion",
				  ld__json_str(c->lens_version), err);
	if (rc == 0)
		rc = ld__json_put_bool(lens, "includeHistorical",
				       c->include_historical, err);
	if (rc == 0)
		rc = ld__json_put_bool(lens, "excludeDev", c->exclude_dev, err);
	pv = rc == 0 ? json_obj_at(root, "provenance") : NULL;
	if (rc == 0 && pv == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = ld__json_put_provenance(pv, opts, err);
	cnt = rc == 0 ? json_obj_at(root, "counts") : NULL;
	if (rc == 0 && cnt == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = ld__json_put_int(cnt, "runs", c->n_runs, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "verified", c->n_verified, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "claimed", c->n_claimed, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "unverifiable", c->n_unverifiable,
				      err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "ingested", c->n_ingested, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "historical", c->n_historical, err);
	if (rc == 0)
		rc = ld__json_put_int(cnt, "dev", c->n_dev, err);
	fv = rc == 0 ? json_obj_at(root, "facets") : NULL;
	if (rc == 0 && fv == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	for (int f = 0; rc == 0 && f < LD_FACET_COUNT; f++) {
		json_t *a = json_arr_at(fv, ld_facet_name(f));
		for (size_t i = 0; a && i < c->n_facet_values[f]; i++)
			if (ld__json_push(
				    a, ld__json_str(c->facet_values[f][i])) ==
			    NULL)
				a = NULL;
		if (a == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	ver = rc == 0 ? json_arr_at(root, "versions") : NULL;
	if (rc == 0 && ver == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < c->n_versions; i++)
		if (ld__json_push(ver, ld__json_str(c->versions[i])) == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	return rc;
}

int ld__json_put_provenance(json_t *pv, const ld_render_opts *opts, ae_err *err)
{
	int rc = 0;

	if (opts == NULL)
		return 0;
	rc = ld__json_put_str(pv, "toolVersion", opts->tool_version, err);
	if (rc == 0)
		rc = ld__json_put_str(pv, "ledgerCommit", opts->ledger_commit,
				      err);
	if (rc == 0)
		rc = ld__json_put_str(pv, "evidenceRoot", opts->evidence_root,
				      err);
	if (rc == 0)
		rc = ld__json_put_str(pv, "trustedRoot", opts->trusted_root,
				      err);
	return rc;
}

int ld__json_dump(ae_buf *out, json_t *root, size_t order, ae_err *err)
{
	char *text = json_dumps(root, JSON_INDENT(2) | order);
	int rc;

	if (text == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_buf_puts(out, text, err);
	if (rc == 0)
		rc = ae_buf_puts(out, "\n", err);
	free(text);
	return rc;
}

int ld_corroboration_render_json(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err)
{
	json_t *root = json_object(), *recipes = NULL;
	int rc = 0;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	if (root == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = ld__json_put_str(root, "schemaVersion", LD_JSON_SCHEMA, err);
	if (rc == 0 && opts)
		rc = ld__json_put_str(root, "generatedAt", opts->generated_at,
				      err);
	if (rc == 0)
		rc = ld__json_put_str(root, "basis",
				      c->verified ? "verified" : "claimed",
				      err);
	if (rc == 0)
		rc = json_head(root, c, opts, err);
	if (rc == 0)
		rc = json_signers(root, c, opts, err);
	if (rc == 0) {
		recipes = json_arr_at(root, "recipes");
		if (recipes == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++)
		rc = json_recipe(recipes, &c->recipes[i], err);
	if (rc == 0)
		rc = ld__json_dump(out, root, JSON_PRESERVE_ORDER, err);
done:
	json_decref(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
