/* ledger/verify_input.c -- where `verify INPUT` takes its bundle from, and
 * the verification of it
 *
 * Detects the input form (reference §9.1) and materializes the bundle
 * (§9.2 step 1): a directory is used as it is; an OCI reference is pulled
 * by digest; a pointer is pulled by its bundle.digest from the repository
 * of its bundle.oci (the tag is ignored: the digest is the pin, §8.3).
 * Where the bundle comes from is decided before any network I/O, so a
 * tag-only reference is refused without touching the registry. Pulls go
 * through the run's verifier (ledger/verify.c, shared with check and
 * ledger) and its content-addressed cache; --offline reads only the cache.
 * A pointer that names no digest (emitted, not pushed) is verified against
 * the bundle beside it, and --bundle DIR names a local copy explicitly:
 * its deterministic artifact digest must then equal the pointer's. A pull
 * that fails is recorded on the verdict's materialize step: transient
 * faults (5xx, 429, no answer) are no verdict, 401/403/404 and digest
 * mismatches invalid.
 */
#include "ledger/ledger.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* `rc`, of an ae_fail whose message is the whole usage error. */
static int input_usage(ld_input *in, int rc)
{
	in->fail = LD_INPUT_USAGE;
	return rc;
}

/* The tag-only rule (reference §8.3) on what is about to be pulled: a pin
 * is required unless --allow-unpinned-tag, and --offline cannot resolve a
 * tag (the cache is content-addressed). */
static int input_pin_rule(ld_input *in, ae_err *err)
{
	ae_err e = {0};

	in->pull = true;
	if (in->digest[0] == '\0')
		snprintf(in->digest, sizeof(in->digest), "%s", in->ref.digest);
	if (in->digest[0] != '\0')
		return 0;
	if (oci_ref_require_pinned(&in->ref, in->allow_unpinned, &e) < 0)
		return input_usage(in, ae_fail(err, AE_EINVAL, "%s", e.msg));
	if (in->offline)
		return input_usage(in, ae_fail(err, AE_EINVAL,
					       "--offline needs a digest: a "
					       "tag-only reference names "
					       "nothing in the cache"));
	return 0;
}

/* Parses a reference given on the command line: a usage error when it is
 * not one. */
static int input_ref_arg(ld_input *in, const char *s, const char *what,
			 ae_err *err)
{
	ae_err e = {0};

	if (oci_ref_parse(&in->ref, s, &e) < 0) {
		in->fail_what = what;
		return input_usage(in, ae_fail(err, AE_EINVAL, "%s", e.msg));
	}
	return 0;
}

/* A directory given with --bundle, or the one holding the pointer. */
static void input_local(ld_input *in, const char *dir, const char *why)
{
	in->pull = false;
	snprintf(in->dir, sizeof(in->dir), "%s", dir);
	in->why = why;
}

/* --bundle for a pointer: a directory is a local copy; anything else is a
 * reference whose repository replaces bundle.oci's (the pointer's digest
 * stays the pin and must not be contradicted). */
static int input_bundle(ld_input *in, ae_err *err)
{
	const ev_pointer_claim *c = &in->claim;
	struct stat st;
	int rc;

	if (stat(in->bundle, &st) == 0 && S_ISDIR(st.st_mode)) {
		input_local(in, in->bundle, "local bundle given with --bundle");
		return 0;
	}
	rc = input_ref_arg(in, in->bundle, "--bundle", err);
	if (rc < 0)
		return rc;
	in->oci = in->bundle;
	if (c->digest[0] != '\0' && in->ref.digest[0] != '\0' &&
	    strcmp(c->digest, in->ref.digest) != 0)
		return input_usage(in, ae_fail(err, AE_EINVAL,
					       "--bundle pins %s but the "
					       "pointer pins %s",
					       in->ref.digest, c->digest));
	snprintf(in->digest, sizeof(in->digest), "%s", c->digest);
	return input_pin_rule(in, err);
}

/* A pointer: pull bundle.oci's repository at bundle.digest; no digest
 * (emitted, not pushed: the pointer rules then forbid bundle.oci too)
 * means the bundle beside the pointer. */
static int input_pointer(ld_input *in, ae_err *err)
{
	const ev_pointer_claim *c = &in->claim;
	ae_err e = {0};
	char *pdir;

	if (in->bundle != NULL)
		return input_bundle(in, err);
	if (c->digest[0] == '\0') {
		pdir = strdup(in->input); /* dirname may edit its argument */
		if (pdir == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		input_local(in, dirname(pdir),
			    "pointer not pushed (no bundle.digest): the "
			    "bundle beside it");
		free(pdir);
		return 0;
	}
	if (c->oci[0] == '\0' || oci_ref_parse(&in->ref, c->oci, &e) < 0) {
		in->fail = LD_INPUT_NOT_REF;
		return ae_fail(err, AE_EINVAL, "%s", e.msg);
	}
	in->oci = c->oci;
	snprintf(in->digest, sizeof(in->digest), "%s", c->digest);
	return input_pin_rule(in, err);
}

int ld_input_plan(ld_input *in, ev_verify_opts *vo, ae_err *err)
{
	int rc;

	in->fail = LD_INPUT_ERROR;
	rc = ev_input_detect(&vo->input_kind, in->input, err);
	if (rc < 0)
		return rc;
	if (in->bundle != NULL && vo->input_kind != EV_INPUT_POINTER)
		return input_usage(in, ae_fail(err, AE_EINVAL,
					       "--bundle applies to pointer "
					       "inputs"));
	switch (vo->input_kind) {
	case EV_INPUT_OCI:
		rc = input_ref_arg(in, in->input, "reference", err);
		in->oci = in->input;
		return rc < 0 ? rc : input_pin_rule(in, err);
	case EV_INPUT_POINTER:
		rc = ld_pointer_read(&in->ptr, AT_FDCWD, in->input, err);
		if (rc < 0)
			return rc;
		ld_pointer_claim(&in->claim, in->ptr, in->input);
		vo->pointer = &in->claim;
		return input_pointer(in, err);
	default:
		input_local(in, in->input, NULL);
		return 0;
	}
}

/* The deterministic artifact digest of the bundle tree in `dir` (or its
 * summary-bundle/), which the signed statement's subject and a pointer's
 * bundle.digest must name (SPEC §3). Computed when the bundle is signed or
 * `always`; NULL when it cannot be packed (the inventory step reports
 * why). Caller frees. */
static char *input_artifact_digest(const char *dir, bool always)
{
	char sb[4200], att[4300];
	oci_artifact *art = NULL;
	ae_err err = {0};
	char *d = NULL;
	struct stat st;

	if (ev_summary_root(sb, sizeof(sb), dir, &err) < 0)
		return NULL; /* materialize says why */
	snprintf(att, sizeof(att), "%s/" EV_ATTESTATION_FILE, sb);
	if (!always && lstat(att, &st) != 0)
		return NULL;
	if (oci_artifact_build(&art, sb, &err) == 0)
		d = strdup(art->manifest_digest);
	oci_artifact_free(art);
	return d;
}

/* Pulls the planned bundle and verifies it through the verifier of
 * `check` and `ledger` (ld_verifier_run): fetched by digest, each
 * signature tried for the claimed signer or --expected-*, verified with
 * the pointer as the claim. A failed pull is recorded on the verdict's
 * materialize step (reference §9.3) and in in->fetch_rc. */
static int input_pull(ev_verdict **out, ld_input *in, ev_verify_opts *vo,
		      const oci_client_opts *co, ae_err *err)
{
	ld_check_req req = {vo->pointer, in->oci, in->digest, vo,
			    NULL,	 NULL,	  out};
	ld_verifier_opts o;
	ld_verifier *v = NULL;
	ld_verdict vd;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cache = in->cache;
	o.offline = in->offline;
	o.what = "verify";
	o.progress = true;
	o.trusted_root = vo->trusted_root;
	o.root_json = vo->trusted_root_json;
	o.root_json_len = vo->trusted_root_json_len;
	o.co = *co;
	rc = ld_verifier_new(&v, &o, err);
	if (rc == 0)
		rc = ld_verifier_run(&vd, v, &req, err);
	if (rc == 0 && vd.fetch_rc != 0) {
		in->fetch_rc = vd.fetch_rc;
		snprintf(in->fetch_error, sizeof(in->fetch_error), "%s",
			 vd.fetch_error);
	}
	ld_verifier_free(v);
	return rc;
}

int ld_input_verify(ev_verdict **out, ld_input *in, ev_verify_opts *vo,
		    const oci_client_opts *co, ae_err *err)
{
	if (in->pull)
		return input_pull(out, in, vo, co, err);
	vo->dir = in->dir;
	vo->source = in->why;
	in->artifact = input_artifact_digest(
		in->dir, vo->pointer != NULL && in->claim.digest[0] != '\0');
	vo->artifact_digest = in->artifact;
	return ev_evidence_verify(out, vo, err);
}

void ld_input_dispose(ld_input *in)
{
	ld_pointer_free(in->ptr);
	in->ptr = NULL;
	free(in->artifact);
	in->artifact = NULL;
}
