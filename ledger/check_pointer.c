/* ledger/check_pointer.c -- rules 2-4 on one pointer's contents
 *
 * The placement rule's second half needs the contents: the file name must
 * be the bundle digest, the recipe directory the pointer's recipe, and the
 * source directory the slug of the signer the pointer claims (SPEC §5.2).
 * Rule 3 then asks the allowlist about that claimed signer, and rule 4
 * proves the claim with the bundle's signature. A claim is only a claim
 * until rule 4: a pointer squatting on a victim's slug passes rules 2-3
 * (reference §10.1, #1535) and is stopped by the signature check alone.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rule 2 against the contents: name == digest, recipe dir == recipe. */
static int pointer_check_names(ld_report *r, const ld__job *job,
			       const ld__claim *c, ae_err *err)
{
	char want[AE_DIGEST_STR_LEN + 8];
	char repr[AE_REPR_BUF], repr2[AE_REPR_BUF];
	const ld__loc *loc = &job->loc;
	int rc = 0;

	/* The schema guarantees "sha256:" + 64 lowercase hex. */
	snprintf(want, sizeof(want), "sha256-%s.yaml", c->digest + 7);
	if (strcmp(loc->name, want) != 0)
		rc = ld__report_add_at(r, job->order, job->shown,
				       LD_RULE_PLACEMENT, err,
				       "filename does not match bundle.digest "
				       "%s: want %s",
				       c->digest, want);
	if (rc == 0 && (strlen(c->recipe) != loc->recipe_len ||
			memcmp(c->recipe, loc->recipe, loc->recipe_len) != 0))
		rc = ld__report_add_at(
			r, job->order, job->shown, LD_RULE_PLACEMENT, err,
			"pointer recipe %s does not match its directory %s",
			ae_repr(repr, sizeof(repr), c->recipe,
				strlen(c->recipe)),
			ae_repr(repr2, sizeof(repr2), loc->recipe,
				loc->recipe_len));
	return rc;
}

/* Rules 2 (src == slug of the claimed signer) and 3 (allowlist class). */
static int pointer_check_signer(ld_report *r, const ld__job *job,
				const ld__claim *c, const ld__allow *a,
				ld__signers *memo, ae_err *err)
{
	char slug[33], repr[AE_REPR_BUF], repr2[AE_REPR_BUF];
	const ld__loc *loc = &job->loc;
	ld__class cls = LD__CLASS_UNLISTED;
	ae_err serr = {0};
	int rc;

	rc = ld__signer_judge(slug, &cls, memo, a, c->issuer, c->identity,
			      &serr);
	if (rc < 0)
		return ld__report_add_at(r, job->order, job->shown,
					 LD_RULE_SCHEMA, err,
					 "invalid pointer: %s", serr.msg);
	if (loc->src_len != 32 || memcmp(slug, loc->src, 32) != 0)
		rc = ld__report_add_at(
			r, job->order, job->shown, LD_RULE_PLACEMENT, err,
			"claimed signer maps to source %s but the pointer is "
			"committed under %s (path ownership)",
			slug,
			ae_repr(repr, sizeof(repr), loc->src, loc->src_len));
	if (rc < 0)
		return rc;
	switch (cls) {
	case LD__CLASS_COMMUNITY:
	case LD__CLASS_PARTNER:
		return 0;
	case LD__CLASS_FIRST_PARTY:
		return ld__report_add_at(r, job->order, job->shown,
					 LD_RULE_ALLOWLIST, err,
					 "first-party signer must ingest "
					 "directly, not commit a pointer");
	default:
		return ld__report_add_at(
			r, job->order, job->shown, LD_RULE_ALLOWLIST, err,
			"claimed signer (issuer %s, identity %s) is not in the "
			"allowlist: add a community or partner entry",
			ae_repr(repr, sizeof(repr), c->issuer,
				strlen(c->issuer)),
			ae_repr(repr2, sizeof(repr2), c->identity,
				strlen(c->identity)));
	}
}

/* Rule 4 through the caller's verifier: a finding, a note for a transient
 * fault, or an error that stops the check. */
static int pointer_check_signature(ld_report *r, const ld__job *job,
				   const ld__claim *c,
				   ld_contract_verify_fn verify, void *ctx,
				   ae_err *err)
{
	ev_pointer_claim claim;
	ae_err verr = {0};
	int vrc;

	ld_pointer_claim(&claim, c->owner, job->shown);
	vrc = verify(&claim, ctx, &verr);
	if (vrc == 0)
		return 0;
	if (vrc == AE_EVERIFY)
		return ld__report_add_at(
			r, job->order, job->shown, LD_RULE_SIGNATURE, err,
			"signature check failed: %s", verr.msg);
	if (vrc == AE_ETRANSIENT || vrc == AE_EIO) {
		/* Undecided: a note, never a problem (issue 15) -- exit 3 when
		 * a retry may help, 2 when the operator must act. */
		if (vrc == AE_ETRANSIENT)
			ld__report_set_transient(r);
		else
			ld__report_set_undecided(r);
		return ld__report_note_at(
			r, job->order, job->shown, LD_NOTE_UNVERIFIED, err,
			"could not verify the signature: %s", verr.msg);
	}
	return ae_fail(err, vrc, "%s: %s", job->shown, verr.msg);
}

/* Lists every schema problem the pointer reader found (reference §1.3),
 * and keys pointer V1 does not define: a reader tolerates them (legacy
 * pointers), but in a committed pointer nothing binds them to the signed
 * bundle, so a consumer that reads one (a legacy `phaseSummary`) would
 * trust an unsigned claim. */
static int pointer_report_schema(ld_report *r, const ld__job *job,
				 const ld__claim *c, ae_err *err)
{
	char repr[AE_REPR_BUF];
	int rc = 0;

	for (size_t i = 0; i < c->problems.n && rc == 0; i++)
		rc = ld__report_add_at(
			r, job->order, job->shown, LD_RULE_SCHEMA, err,
			"invalid pointer: %s", c->problems.v[i].msg);
	if (rc == 0 && c->unknown != NULL)
		rc = ld__report_add_at(
			r, job->order, job->shown, LD_RULE_SCHEMA, err,
			"invalid pointer: unknown key %s%s: a committed "
			"pointer "
			"holds only the fields of pointer V1, each bound to "
			"its signed bundle",
			ae_repr(repr, sizeof(repr), c->unknown,
				strlen(c->unknown)),
			c->n_unknown > 1 ? " (and more)" : "");
	return rc;
}

static bool pointer_has_signer(const ld__claim *c)
{
	return c->issuer && c->identity && *c->issuer && *c->identity;
}

int ld__pointer_check(ld_report *r, const ld__job *job, const ld__allow *a,
		      ld__signers *memo, const unsigned char *buf, size_t len,
		      ld_contract_verify_fn verify, void *verify_ctx,
		      char *key_out, ae_err *err)
{
	ld__claim c;
	int rc;

	AE_ASSERT_ARG(r && job && a && memo && (buf || len == 0), err);
	rc = ld__claim_parse(&c, buf, len, err);
	/* the digest as the ledger would key it, even when the schema
	 * refuses its spelling: a re-pointed bundle is noted either way */
	if (key_out != NULL)
		(void)ld__digest_key(key_out, rc == 0 ? c.digest : NULL);
	if (rc == 0)
		rc = pointer_report_schema(r, job, &c, err);
	if (rc < 0 || c.owner == NULL)
		goto done;
	/* The placement rules need the fields they compare to be well
	 * formed; a malformed one is already a schema problem above. */
	if (c.digest && ae_digest_is_valid(c.digest) && c.recipe)
		rc = pointer_check_names(r, job, &c, err);
	if (rc == 0 && !c.is_signed)
		rc = ld__report_add_at(r, job->order, job->shown,
				       LD_RULE_SCHEMA, err,
				       "committed pointer must be signed (it "
				       "has no signer)");
	else if (rc == 0 && pointer_has_signer(&c))
		rc = pointer_check_signer(r, job, &c, a, memo, err);
	/* Rule 4 needs a complete claim to bind the bundle to. */
	if (rc == 0 && verify != NULL && c.problems.n == 0 && c.is_signed &&
	    pointer_has_signer(&c))
		rc = pointer_check_signature(r, job, &c, verify, verify_ctx,
					     err);
done:
	ld__claim_dispose(&c);
	return rc;
}

/* ---- the jobs of rules 3-4, and one job judged (check_pool.c and
 * check_pipe.c run them) ---- */

int ld__jobs_add(ld__jobs *jobs, size_t order, const ld__entry *e,
		 const ld__loc *loc, char *shown, ae_err *err)
{
	ld__job *j;

	if (jobs->n == jobs->alloc) {
		size_t alloc = jobs->alloc ? jobs->alloc * 2 : 64;
		ld__job *v = realloc(jobs->v, alloc * sizeof(*v));
		if (v == NULL) {
			free(shown);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		jobs->v = v;
		jobs->alloc = alloc;
	}
	j = &jobs->v[jobs->n++];
	j->order = order;
	j->entry = e;
	j->loc = *loc;
	j->shown = shown;
	j->pack = LD__NO_PACK;
	j->offset = 0;
	return 0;
}

void ld__jobs_dispose(ld__jobs *jobs)
{
	for (size_t i = 0; i < jobs->n; i++)
		free(jobs->v[i].shown);
	free(jobs->v);
	memset(jobs, 0, sizeof(*jobs));
}

int ld__job_judge(ld_report *r, ld__signers *memo, const ld__state *st,
		  const ld_contract_opts *opts, const ld__job *job,
		  const unsigned char *data, size_t size, ae_err *err)
{
	char *key = st->keys ? st->keys[job - st->jobs.v] : NULL;

	if (size > LD_CONTRACT_POINTER_MAX_BYTES)
		return ld__report_add_at(r, job->order, job->shown,
					 LD_RULE_SCHEMA, err,
					 "invalid pointer: %zu bytes, cap %u",
					 size, LD_CONTRACT_POINTER_MAX_BYTES);
	return ld__pointer_check(r, job, &st->allow, memo, data, size,
				 opts->verify, opts->verify_ctx, key, err);
}
