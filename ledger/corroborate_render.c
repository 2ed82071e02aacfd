/* ledger/corroborate_render.c -- the corroboration report as a terminal
 * table and as JSON
 *
 * Every string in a report came from outside (pointers, certificates, CTRF
 * test names), so the text form replaces anything but printable ASCII
 * (a test name must not drive the terminal), and JSON goes through jansson.
 * Identities follow ld_signer_identity_shown; the report's basis (verified
 * or claimed) opens every form, because without --verify nothing is
 * corroborated (SPEC §6). The JSON schema is documented in docs/ledger.md.
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_JSON_SCHEMA "aicr-evidence-ledger/v1"

bool ld_signer_identity_shown(const ld_signer *s, const ld_render_opts *opts)
{
	/* Only a certificate's identity is public and true; a claim is
	 * neither, and community/partner people are named by slug unless
	 * the reader asks (issue 8). */
	if (s->vote != LD_VOTE_VERIFIED || s->identity == NULL)
		return false;
	return s->cls == LD_CLASS_FIRST_PARTY ||
	       (opts != NULL && opts->show_identities);
}

/* Appends `s` escaped (ae_buf_put_esc, the one escape of human output),
 * padded with spaces to `width` (0: no padding). */
static int text_put(ae_buf *b, const char *s, size_t width, ae_err *err)
{
	size_t before = b->len;
	int rc = ae_buf_put_esc(b, s ? s : "-", err);

	for (size_t n = b->len - before; rc == 0 && n < width; n++)
		rc = ae_buf_put(b, " ", 1, err);
	return rc;
}

static const char *basis_line(const ld_corroboration *c)
{
	return c->verified
		       ? "basis: verified signatures (--verify); one vote per "
			 "verified allowlisted signer"
		       : "basis: CLAIMED, NOT VERIFIED -- bundles were not "
			 "fetched or verified, so no signer votes and no "
			 "check is corroborated; run with --verify";
}

/* The signers table: id, class, vote, slug, label and shown identity. */
static int text_signers(ae_buf *b, const ld_corroboration *c,
			const ld_render_opts *opts, ae_err *err)
{
	int rc = ae_buf_printf(
		b, err, "\nsigners:\n  %-5s %-12s %-13s %-33s %s\n", "ID",
		"CLASS", "VOTE", "SLUG", "LABEL / IDENTITY");

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		const ld_signer *s = &c->signers[i];
		rc = ae_buf_printf(b, err, "  s%-4zu %-12s %-13s ", i + 1,
				   ld_class_name(s->cls),
				   ld_vote_name(s->vote));
		if (rc == 0)
			rc = text_put(b, s->slug, 33, err);
		if (rc == 0)
			rc = text_put(b, s->label ? s->label : "-", 0, err);
		if (rc == 0 && ld_signer_identity_shown(s, opts)) {
			rc = ae_buf_puts(b, "  ", err);
			if (rc == 0)
				rc = text_put(b, s->identity, 0, err);
		}
		if (rc == 0)
			rc = ae_buf_puts(b, "\n", err);
	}
	return rc;
}

/* One summary row per recipe: state, check counts, signer cells. */
static int text_summary(ae_buf *b, const ld_corroboration *c, ae_err *err)
{
	int rc = ae_buf_printf(b, err,
			       "\n%-36s %-10s %6s %5s %6s %5s %5s %8s  %s\n",
			       "RECIPE", "STATE", "CHECKS", "CONF", "SINGLE",
			       "CONT", "FAIL", "UNTESTED", "SIGNERS");

	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		const ld_recipe *r = &c->recipes[i];
		rc = text_put(b, r->name, 36, err);
		if (rc == 0)
			rc = ae_buf_printf(
				b, err, " %-10s %6zu %5zu %6zu %5zu %5zu %8zu ",
				ld_state_name(r->state), r->n_checks,
				r->counts[LD_STATE_CONFIRMED],
				r->counts[LD_STATE_SINGLE],
				r->counts[LD_STATE_CONTESTED],
				r->counts[LD_STATE_FAILING],
				r->counts[LD_STATE_UNTESTED]);
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++)
			rc = ae_buf_printf(b, err, " s%zu:%s", r->cols[j] + 1,
					   ld_cell_name(r->cells[j].kind));
		if (rc == 0)
			rc = ae_buf_puts(b, r->n_cols ? "\n" : " -\n", err);
	}
	return rc;
}

/* The per-check table of one recipe and its uncounted pointers. */
static int text_recipe(ae_buf *b, const ld_recipe *r, ae_err *err)
{
	int rc = ae_buf_puts(b, "\n", err);

	if (rc == 0)
		rc = text_put(b, r->name, 0, err);
	if (rc == 0)
		rc = ae_buf_printf(b, err,
				   "  %s  (deployment %s, performance %s, "
				   "conformance %s)\n  %-10s %4s %4s %8s  %s\n",
				   ld_state_name(r->state),
				   ld_state_name(r->phase_state[0]),
				   ld_state_name(r->phase_state[1]),
				   ld_state_name(r->phase_state[2]), "STATE",
				   "PASS", "FAIL", "REPORTED", "CHECK");
	for (size_t i = 0; rc == 0 && i < r->n_checks; i++) {
		const ld_check *ck = &r->checks[i];
		rc = ae_buf_printf(b, err, "  %-10s %4zu %4zu %8zu  ",
				   ld_state_name(ck->state), ck->pass, ck->fail,
				   ck->reported);
		if (rc == 0)
			rc = text_put(b, ck->phase, 0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "/", err);
		if (rc == 0)
			rc = text_put(b, ck->name, 0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "\n", err);
	}
	for (size_t i = 0; rc == 0 && i < r->n_entries; i++) {
		const ld_entry *e = &r->entries[i];
		if (e->reason == NULL)
			continue;
		rc = ae_buf_printf(b, err, "  not counted: s%zu ",
				   e->signer + 1);
		if (rc == 0)
			rc = text_put(b, e->digest, 0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, ": ", err);
		if (rc == 0)
			rc = text_put(b, e->reason, 0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, "\n", err);
	}
	return rc;
}

int ld_corroboration_render_text(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err)
{
	int rc;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	rc = ae_buf_puts(out, "aicr-evidence ledger", err);
	if (rc == 0 && opts && opts->generated_at) {
		rc = ae_buf_puts(out, " -- generated ", err);
		if (rc == 0)
			rc = text_put(out, opts->generated_at, 0, err);
	}
	if (rc == 0)
		rc = ae_buf_printf(out, err, "\n%s\n%zu recipes, %zu signers\n",
				   basis_line(c), c->n_recipes, c->n_signers);
	if (rc == 0 && c->n_signers > 0)
		rc = text_signers(out, c, opts, err);
	if (rc == 0)
		rc = text_summary(out, c, err);
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		if (c->recipes[i].n_checks > 0 || c->recipes[i].n_entries > 0)
			rc = text_recipe(out, &c->recipes[i], err);
	}
	return rc;
}

/* ---- JSON ---- */

/* Sets obj[key] to a new string (skipped when s is NULL). jansson refuses
 * invalid UTF-8: AE_EINVAL. */
static int json_put_str(json_t *obj, const char *key, const char *s,
			ae_err *err)
{
	json_t *v;

	if (s == NULL)
		return 0;
	v = json_string(s);
	if (v == NULL)
		return ae_fail(err, AE_EINVAL, "%s is not valid UTF-8", key);
	if (json_object_set_new(obj, key, v) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* Sets obj[key] = n. */
static int json_put_int(json_t *obj, const char *key, size_t n, ae_err *err)
{
	if (json_object_set_new(obj, key, json_integer((json_int_t)n)) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* Appends a new object to arr and returns it borrowed, NULL on OOM. */
static json_t *json_push_obj(json_t *arr)
{
	json_t *o = json_object();

	if (o == NULL || json_array_append_new(arr, o) != 0)
		return NULL;
	return o;
}

/* "s<N>": the stable id of signer index i in this report. */
static void signer_id(char out[24], size_t i)
{
	snprintf(out, 24, "s%zu", i + 1);
}

static int json_signers(json_t *root, const ld_corroboration *c,
			const ld_render_opts *opts, ae_err *err)
{
	json_t *arr = json_array();
	int rc = 0;

	if (arr == NULL || json_object_set_new(root, "signers", arr) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		const ld_signer *s = &c->signers[i];
		json_t *o = json_push_obj(arr);
		char id[24];
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		signer_id(id, i);
		rc = json_put_str(o, "id", id, err);
		if (rc == 0)
			rc = json_put_str(o, "class", ld_class_name(s->cls),
					  err);
		if (rc == 0)
			rc = json_put_str(o, "vote", ld_vote_name(s->vote),
					  err);
		if (rc == 0 &&
		    json_object_set_new(o, "counts", json_boolean(s->counts)))
			rc = ae_fail(err, AE_ERR, "out of memory");
		if (rc == 0)
			rc = json_put_str(o, "slug", s->slug, err);
		if (rc == 0)
			rc = json_put_str(o, "issuer", s->issuer, err);
		if (rc == 0)
			rc = json_put_str(o, "label", s->label, err);
		if (rc == 0 && ld_signer_identity_shown(s, opts))
			rc = json_put_str(o, "identity", s->identity, err);
	}
	return rc;
}

/* recipe.checks[]: phase, name, state, tallies, results by signer id. */
static int json_checks(json_t *ro, const ld_recipe *r, ae_err *err)
{
	json_t *arr = json_array();
	int rc = 0;

	if (arr == NULL || json_object_set_new(ro, "checks", arr) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < r->n_checks; i++) {
		const ld_check *ck = &r->checks[i];
		json_t *o = json_push_obj(arr), *res = json_object();
		if (o == NULL || res == NULL ||
		    json_object_set_new(o, "results", res) != 0) {
			json_decref(res);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		rc = json_put_str(o, "phase", ck->phase, err);
		if (rc == 0)
			rc = json_put_str(o, "name", ck->name, err);
		if (rc == 0)
			rc = json_put_str(o, "state", ld_state_name(ck->state),
					  err);
		if (rc == 0)
			rc = json_put_int(o, "pass", ck->pass, err);
		if (rc == 0)
			rc = json_put_int(o, "fail", ck->fail, err);
		if (rc == 0)
			rc = json_put_int(o, "reported", ck->reported, err);
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			char id[24];
			signer_id(id, r->cols[j]);
			if (r->cells[j].kind == LD_CELL_CLAIMED ||
			    r->cells[j].kind == LD_CELL_UNVERIFIABLE)
				continue;
			rc = json_put_str(res, id,
					  ld_result_name(ck->results[j]), err);
		}
	}
	return rc;
}

/* recipe.signers[] (matrix cells) and recipe.pointers[]. */
static int json_cells(json_t *ro, const ld_recipe *r, ae_err *err)
{
	json_t *cells = json_array(), *ptrs = json_array();
	int rc = 0;

	if (cells == NULL || ptrs == NULL ||
	    json_object_set_new(ro, "signers", cells) != 0 ||
	    json_object_set_new(ro, "pointers", ptrs) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
		const ld_cell *cl = &r->cells[j];
		json_t *o = json_push_obj(cells);
		char id[24];
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		signer_id(id, r->cols[j]);
		rc = json_put_str(o, "signer", id, err);
		if (rc == 0)
			rc = json_put_str(o, "cell", ld_cell_name(cl->kind),
					  err);
		if (rc == 0)
			rc = json_put_int(o, "pass", cl->pass, err);
		if (rc == 0)
			rc = json_put_int(o, "fail", cl->fail, err);
		if (rc == 0)
			rc = json_put_int(o, "notRun", cl->not_run, err);
		if (rc == 0)
			rc = json_put_int(o, "pointers", cl->pointers, err);
	}
	for (size_t i = 0; rc == 0 && i < r->n_entries; i++) {
		const ld_entry *e = &r->entries[i];
		json_t *o = json_push_obj(ptrs);
		char id[24];
		if (o == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		signer_id(id, e->signer);
		rc = json_put_str(o, "signer", id, err);
		if (rc == 0)
			rc = json_put_str(o, "path", e->path, err);
		if (rc == 0)
			rc = json_put_str(o, "digest", e->digest, err);
		if (rc == 0)
			rc = json_put_str(o, "attestedAt", e->attested_at, err);
		if (rc == 0 &&
		    json_object_set_new(o, "latest", json_boolean(e->latest)))
			rc = ae_fail(err, AE_ERR, "out of memory");
		if (rc == 0)
			rc = json_put_str(o, "reason", e->reason, err);
	}
	return rc;
}

/* One recipe object: name, state, phases, stateCounts, signers, checks,
 * pointers. */
static int json_recipe(json_t *arr, const ld_recipe *r, ae_err *err)
{
	json_t *o = json_push_obj(arr), *ph = NULL, *cnt = NULL;
	int rc;

	if (o == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = json_put_str(o, "name", r->name, err);
	if (rc == 0)
		rc = json_put_str(o, "state", ld_state_name(r->state), err);
	if (rc < 0)
		return rc;
	ph = json_object();
	cnt = json_object();
	if (json_object_set_new(o, "phases", ph) != 0 ||
	    json_object_set_new(o, "stateCounts", cnt) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (int p = 0; rc == 0 && p < LD_PHASE_COUNT; p++)
		rc = json_put_str(ph, ld_phase_name(p),
				  ld_state_name(r->phase_state[p]), err);
	for (int s = 0; rc == 0 && s < LD_STATE_COUNT; s++) {
		if (s != LD_STATE_PARTIAL)
			rc = json_put_int(cnt, ld_state_name((ld_state)s),
					  r->counts[s], err);
	}
	if (rc == 0)
		rc = json_cells(o, r, err);
	if (rc == 0)
		rc = json_checks(o, r, err);
	return rc;
}

int ld_corroboration_render_json(ae_buf *out, const ld_corroboration *c,
				 const ld_render_opts *opts, ae_err *err)
{
	json_t *root = json_object(), *recipes = json_array();
	char *text = NULL;
	int rc = 0;

	AE_ASSERT_ARG(out != NULL && c != NULL, err);
	if (root == NULL || recipes == NULL) {
		json_decref(recipes);
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = json_put_str(root, "schemaVersion", LD_JSON_SCHEMA, err);
	if (rc == 0 && opts)
		rc = json_put_str(root, "generatedAt", opts->generated_at, err);
	if (rc == 0)
		rc = json_put_str(root, "basis",
				  c->verified ? "verified" : "claimed", err);
	if (rc == 0)
		rc = json_signers(root, c, opts, err);
	if (rc == 0 && json_object_set_new(root, "recipes", recipes) != 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++)
		rc = json_recipe(recipes, &c->recipes[i], err);
	if (rc < 0)
		goto done;
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = ae_buf_puts(out, text, err);
	if (rc == 0)
		rc = ae_buf_puts(out, "\n", err);
done:
	free(text);
	json_decref(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
