/* ledger/corroborate_render.c -- the corroboration report as a terminal
 * table
 *
 * Every string in a report came from outside (pointers, certificates, CTRF
 * test names, versions, snapshot values), so the text form replaces
 * anything but printable ASCII (a test name must not drive the terminal).
 * Identities follow ld_signer_identity_shown; the report's basis (verified
 * or claimed, and how many runs verified) opens every form, because
 * without --verify nothing is corroborated (SPEC §6). The JSON form is
 * corroborate_json.c, the HTML page corroborate_html*.c.
 */
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>

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

/* The basis line: what was verified, and how much of it. */
static int text_basis(ae_buf *b, const ld_corroboration *c, ae_err *err)
{
	if (!c->verified)
		return ae_buf_puts(b,
				   "basis: CLAIMED, NOT VERIFIED -- bundles "
				   "were not fetched or verified, so no signer "
				   "votes and no check is corroborated; run "
				   "with --verify\n",
				   err);
	return ae_buf_printf(b, err,
			     "basis: verified signatures (--verify): %zu of "
			     "%zu runs verified%s; one vote per verified "
			     "allowlisted signer\n",
			     c->n_verified, c->n_runs,
			     c->n_verified < c->n_runs
				     ? " (the rest are listed, never counted)"
				     : "");
}

/* The lens and the freshness and build options in force. */
static int text_lens(ae_buf *b, const ld_corroboration *c, ae_err *err)
{
	int rc;

	if (c->lens == LD_LENS_SAME_VERSION) {
		rc = ae_buf_puts(b, "lens: same tool version only (", err);
		if (rc == 0)
			rc = text_put(b,
				      c->lens_version ? c->lens_version
						      : "each recipe's newest",
				      0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, ")", err);
	} else {
		rc = ae_buf_puts(b,
				 "lens: latest run per signer, any tool "
				 "version",
				 err);
	}
	if (rc == 0)
		rc = ae_buf_printf(b, err,
				   "; historical runs %s; development "
				   "builds %s\n",
				   c->include_historical ? "counted"
							 : "not counted",
				   c->exclude_dev ? "not counted" : "counted");
	return rc;
}

/* "provenance: tool …, ledger commit …, root …, trusted root …". */
static int text_provenance(ae_buf *b, const ld_render_opts *o, ae_err *err)
{
	static const char *const k[] = {"tool", "ledger commit", "root",
					"trusted root"};
	const char *v[4];
	int rc = 0, n = 0;

	if (o == NULL)
		return 0;
	v[0] = o->tool_version;
	v[1] = o->ledger_commit;
	v[2] = o->evidence_root;
	v[3] = o->trusted_root;
	for (int i = 0; rc == 0 && i < 4; i++) {
		if (v[i] == NULL)
			continue;
		rc = ae_buf_printf(b, err, "%s%s ",
				   n++ ? ", " : "provenance: ", k[i]);
		if (rc == 0)
			rc = text_put(b, v[i], 0, err);
	}
	if (rc == 0 && n > 0)
		rc = ae_buf_puts(b, "\n", err);
	return rc;
}

/* The signers table: id, class, vote, slug, label, identity, facets. */
static int text_signers(ae_buf *b, const ld_corroboration *c,
			const ld_render_opts *opts, ae_err *err)
{
	int rc = ae_buf_printf(
		b, err, "\nsigners:\n  %-5s %-12s %-13s %-33s %s\n", "ID",
		"CLASS", "VOTE", "SLUG", "LABEL / IDENTITY / K8S, OS, GPU");

	for (size_t i = 0; rc == 0 && i < c->n_signers; i++) {
		const ld_signer *s = &c->signers[i];
		rc = ae_buf_printf(b, err, "  s%-4zu %-12s %-13s ", i + 1,
				   ld_class_name(s->cls),
				   ld_vote_name(s->vote));
		if (rc == 0)
			rc = text_put(b, s->slug, 33, err);
		if (rc == 0)
			rc = text_put(b, s->label ? s->label : "-", 0, err);
		if (rc == 0 && s->ingested)
			rc = ae_buf_puts(b, " (ingested)", err);
		if (rc == 0 && ld_signer_identity_shown(s, opts)) {
			rc = ae_buf_puts(b, "  ", err);
			if (rc == 0)
				rc = text_put(b, s->identity, 0, err);
		}
		for (int f = 0; rc == 0 && s->facets[0] && f < LD_FACET_COUNT;
		     f++) {
			rc = ae_buf_puts(b, f ? ", " : "  [", err);
			if (rc == 0)
				rc = text_put(b, s->facets[f], 0, err);
		}
		if (rc == 0 && s->facets[0])
			rc = ae_buf_puts(b, "]", err);
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
		for (size_t j = 0; rc == 0 && j < r->n_cols; j++) {
			const ld_cell *cl = &r->cells[j];
			if (cl->kind == LD_CELL_NONE)
				continue;
			rc = ae_buf_printf(b, err, " s%zu:%s%s", r->cols[j] + 1,
					   ld_cell_name(cl->kind),
					   cl->why == LD_WHY_COUNTS ? "" : "*");
		}
		if (rc == 0)
			rc = ae_buf_puts(b, r->n_cols ? "\n" : " -\n", err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "  (* not counted: see the runs below)\n",
				 err);
	return rc;
}

/* "  why: CONTESTED deployment/x (1 pass, 1 fail); FAILING ..." -- the
 * checks that make a recipe CONTESTED or FAILING, at most 5 of each. */
static int text_reasons(ae_buf *b, const ld_recipe *r, ae_err *err)
{
	static const ld_state bad[] = {LD_STATE_CONTESTED, LD_STATE_FAILING};
	int rc = 0;

	for (size_t s = 0; rc == 0 && s < 2; s++) {
		size_t shown = 0;
		if (r->counts[bad[s]] == 0)
			continue;
		rc = ae_buf_printf(b, err, "  %s:", ld_state_name(bad[s]));
		for (size_t i = 0; rc == 0 && i < r->n_checks; i++) {
			const ld_check *ck = &r->checks[i];
			if (ck->state != bad[s] || shown++ >= 5)
				continue;
			rc = ae_buf_puts(b, shown > 1 ? "; " : " ", err);
			if (rc == 0)
				rc = text_put(b, ck->phase, 0, err);
			if (rc == 0)
				rc = ae_buf_puts(b, "/", err);
			if (rc == 0)
				rc = text_put(b, ck->name, 0, err);
			if (rc == 0)
				rc = ae_buf_printf(b, err,
						   " (%zu pass, %zu fail)",
						   ck->pass, ck->fail);
		}
		if (rc == 0 && shown > 5)
			rc = ae_buf_printf(b, err, "; and %zu more", shown - 5);
		if (rc == 0)
			rc = ae_buf_puts(b, "\n", err);
	}
	return rc;
}

/* One run of the history: who, when, version, freshness, result, why. */
static int text_run(ae_buf *b, const ld_entry *e, ae_err *err)
{
	int rc = ae_buf_printf(b, err, "    %s s%-3zu ", e->latest ? ">" : " ",
			       e->signer + 1);

	if (rc == 0)
		rc = text_put(b, e->attested_at, 21, err);
	if (rc == 0)
		rc = text_put(b, e->aicr_version, 10, err);
	if (rc == 0)
		rc = ae_buf_printf(
			b, err, " %-4s %-10s %-12s %3zu/%zu/%zu ",
			e->dev ? "dev" : "-", ld_fresh_name(e->fresh),
			ld_cell_name(e->kind), e->pass, e->fail, e->not_run);
	if (rc == 0)
		rc = text_put(b, e->digest, 0, err);
	if (rc == 0 && e->origin == LD_ORIGIN_INGEST)
		rc = ae_buf_puts(b, " (ingested)", err);
	if (rc == 0 && e->why != LD_WHY_COUNTS) {
		rc = ae_buf_puts(b, "\n          ", err);
		if (rc == 0)
			rc = ae_buf_puts(b, ld_why_text(e->why), err);
		if (rc == 0 && e->reason) {
			rc = ae_buf_puts(b, ": ", err);
			if (rc == 0)
				rc = text_put(b, e->reason, 0, err);
		}
	}
	if (rc == 0 && e->fresh_note && e->fresh != LD_FRESH_CURRENT) {
		rc = ae_buf_puts(b, "\n          freshness: ", err);
		if (rc == 0)
			rc = text_put(b, e->fresh_note, 0, err);
	}
	if (rc == 0)
		rc = ae_buf_puts(b, "\n", err);
	return rc;
}

/* The recipe's state over time: "SINGLE (t1) -> CONFIRMED (t2)". */
static int text_timeline(ae_buf *b, const ld_recipe *r, ae_err *err)
{
	int rc = r->n_timeline ? ae_buf_puts(b, "  timeline:", err) : 0;

	for (size_t i = 0; rc == 0 && i < r->n_timeline; i++) {
		rc = ae_buf_printf(b, err, "%s%s (", i ? " -> " : " ",
				   ld_state_name(r->timeline[i].state));
		if (rc == 0)
			rc = text_put(b, r->timeline[i].at, 0, err);
		if (rc == 0)
			rc = ae_buf_puts(b, ")", err);
	}
	if (rc == 0 && r->n_timeline)
		rc = ae_buf_puts(b, "\n", err);
	return rc;
}

/* The per-check table of one recipe and its history. */
static int text_recipe(ae_buf *b, const ld_recipe *r, ae_err *err)
{
	int rc = ae_buf_puts(b, "\n", err);

	if (rc == 0)
		rc = text_put(b, r->name, 0, err);
	if (rc == 0)
		rc = ae_buf_printf(b, err,
				   "  %s  (deployment %s, performance %s, "
				   "conformance %s)\n",
				   ld_state_name(r->state),
				   ld_state_name(r->phase_state[0]),
				   ld_state_name(r->phase_state[1]),
				   ld_state_name(r->phase_state[2]));
	if (rc == 0)
		rc = text_reasons(b, r, err);
	if (rc == 0 && r->n_checks)
		rc = ae_buf_printf(b, err, "  %-10s %4s %4s %8s  %s\n", "STATE",
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
	if (rc == 0)
		rc = text_timeline(b, r, err);
	if (rc == 0 && r->n_entries)
		rc = ae_buf_puts(b,
				 "  runs (> in view; version, dev, "
				 "freshness, result pass/fail/not-run):\n",
				 err);
	for (size_t i = 0; rc == 0 && i < r->n_entries; i++)
		rc = text_run(b, &r->entries[i], err);
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
		rc = ae_buf_puts(out, "\n", err);
	if (rc == 0)
		rc = text_basis(out, c, err);
	if (rc == 0)
		rc = text_lens(out, c, err);
	if (rc == 0)
		rc = text_provenance(out, opts, err);
	if (rc == 0)
		rc = ae_buf_printf(out, err, "%zu recipes, %zu signers\n",
				   c->n_recipes, c->n_signers);
	if (rc == 0 && c->n_signers > 0)
		rc = text_signers(out, c, opts, err);
	if (rc == 0)
		rc = text_summary(out, c, err);
	for (size_t i = 0; rc == 0 && i < c->n_recipes; i++) {
		if (c->recipes[i].n_checks > 0 || c->recipes[i].n_entries > 0)
			rc = text_recipe(out, &c->recipes[i], err);
	}
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
