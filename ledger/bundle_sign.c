/* ledger/bundle_sign.c -- signing an evidence bundle for its pointer
 * (contract in ledger/ledger.h, "signing a bundle")
 *
 * The statement that gets signed names the OCI repository the bundle goes
 * to and the bundle's deterministic artifact digest (SPEC §3), computed
 * from the tree by oci/ before any network I/O, so a bundle can be signed
 * offline and pushed later. The Sigstore bundle lands in
 * summary-bundle/attestation.intoto.jsonl, written only once the whole
 * command can succeed. `sign` rewrites an unsigned pointer with the
 * verified signer (reference §1.3 ValidateSignablePointer, §10.3), and
 * --relocate then moves it to its canonical ledger path (no clobber;
 * identical content is idempotent; different content is a conflict and
 * leaves the flat file, reference §1.4).
 */
#include "ledger/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ld_bundle_tag(char tag[129], const oci_ref *ref, const char *sbdir,
		  const char *artifact_digest, ae_err *err)
{
	char path[4300], *recipe = NULL;
	ae_buf st = AE_BUF_INIT(1);
	int rc;

	tag[0] = '\0';
	if (ref->tag[0] != '\0') {
		memcpy(tag, ref->tag, strlen(ref->tag) + 1);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/statement.intoto.json", sbdir);
	rc = ae_read_file(&st, AT_FDCWD, path, EV_STATEMENT_MAX_BYTES, err);
	if (rc == 0)
		rc = ev_statement_recipe_name(&recipe, st.data, st.len, err);
	if (rc == 0)
		rc = oci_tag_derive(tag, recipe, artifact_digest, err);
	free(recipe);
	ae_buf_dispose(&st);
	return rc;
}

/* "registry/repo:tag" for REF and that tag (scheme and digest dropped).
 * AE_EINVAL for a bad REF or a recipe name no tag may carry. */
static int bundle_tagged_ref(char *out, size_t outsz, const char *ref_s,
			     const char *sbdir, const char *artifact_digest,
			     ae_err *err)
{
	oci_ref ref;
	char tag[129];
	int rc = oci_ref_parse(&ref, ref_s, err);

	out[0] = '\0';
	if (rc == 0)
		rc = ld_bundle_tag(tag, &ref, sbdir, artifact_digest, err);
	if (rc == 0 && (size_t)snprintf(out, outsz, "%s/%s:%s", ref.registry,
					ref.repo, tag) >= outsz) {
		out[0] = '\0';
		rc = ae_fail(err, AE_EINVAL, "reference too long");
	}
	return rc;
}

int ld_bundle_locate(ld_signed *oc, const char *ref_s, const char *sbdir,
		     ae_err *err)
{
	oci_artifact *art = NULL;
	oci_ref ref;
	int rc;

	rc = oci_ref_parse(&ref, ref_s, err);
	if (rc == 0)
		rc = oci_artifact_build(&art, sbdir, err);
	if (rc == 0 && ref.digest[0] &&
	    strcmp(ref.digest, art->manifest_digest))
		rc = ae_fail(err, AE_EINVAL, "REF pins %s but the bundle is %s",
			     ref.digest, art->manifest_digest);
	if (rc == 0) {
		snprintf(oc->digest, sizeof(oc->digest), "%s",
			 art->manifest_digest);
		rc = bundle_tagged_ref(oc->oci, sizeof(oc->oci), ref_s, sbdir,
				       oc->digest, err);
	}
	oci_artifact_free(art);
	return rc;
}

/* The in-toto statement to sign for `sbdir` and REF's repository, and the
 * bundle's artifact digest and tagged reference (into oc->digest and
 * oc->oci, ld_bundle_locate): all offline. */
static int bundle_payload(ae_buf *payload, ld_signed *oc, const char *ref_s,
			  const char *sbdir, ae_err *err)
{
	char path[4300], repo[600];
	oci_ref ref;
	ae_buf st = AE_BUF_INIT(1);
	int rc;

	rc = oci_ref_parse(&ref, ref_s, err);
	if (rc == 0)
		rc = ld_bundle_locate(oc, ref_s, sbdir, err);
	if (rc == 0) {
		snprintf(repo, sizeof(repo), "%s/%s", ref.registry, ref.repo);
		snprintf(path, sizeof(path), "%s/statement.intoto.json", sbdir);
		rc = ae_read_file(&st, AT_FDCWD, path, EV_STATEMENT_MAX_BYTES,
				  err);
	}
	if (rc == 0)
		rc = ev_statement_for_artifact(payload, st.data, st.len, repo,
					       oc->digest, err);
	/* The signer's one cap, here too: before the token is fetched */
	if (rc == 0 && payload->len > EV_SIGN_PAYLOAD_MAX_BYTES)
		rc = ae_fail(err, AE_ETOOBIG,
			     "statement is %zu bytes, cap %u (the signed "
			     "bundle must fit %u bytes)",
			     payload->len, (unsigned)EV_SIGN_PAYLOAD_MAX_BYTES,
			     EV_BUNDLE_MAX_BYTES);
	ae_buf_dispose(&st);
	return rc;
}

int ld_bundle_sign(ld_signed *oc, const char *ref_s, const char *sbdir,
		   const char *want_digest, ev_sign_run_opts *o, ae_err *err)
{
	ae_buf payload = AE_BUF_INIT(1);
	int rc;

	rc = bundle_payload(&payload, oc, ref_s, sbdir, err);
	if (rc == 0 && want_digest != NULL && want_digest[0] != '\0' &&
	    strcmp(want_digest, oc->digest) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "the pointer's digest is not this bundle's");
	o->payload_type = "application/vnd.in-toto+json";
	o->payload = payload.data;
	o->payload_len = payload.len;
	if (rc == 0)
		rc = ev_sign_run(&oc->signed_by, o, err);
	o->payload = NULL;
	o->payload_len = 0;
	ae_buf_dispose(&payload);
	return rc;
}

int ld_bundle_attest(const ld_signed *oc, const char *sbdir, ae_err *err)
{
	char path[4300];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sbdir,
			     OCI_ATTESTATION_FILE) >= sizeof(path))
		return ae_fail(err, AE_EINVAL, "output path too long");
	return ae_write_atomic(AT_FDCWD, path, oc->signed_by->bundle,
			       oc->signed_by->bundle_len, 0644, err);
}

/* Removes `sbdir`/attestation.intoto.jsonl (a later step failed). */
static void bundle_unattest(const char *sbdir)
{
	char path[4300];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sbdir,
			     OCI_ATTESTATION_FILE) < sizeof(path))
		unlink(path);
}

/* ---- `sign`: the pointer beside an unsigned bundle ---- */

/* What the signer check needs: the unsigned pointer and what signing
 * adds to it. */
typedef struct sign_check_ctx {
	const ld_pointer *old;
	const ld_signed *oc;
} sign_check_ctx;

/* The pointer `old` becomes with this signer (and oc's reference and
 * digest): built in memory only. */
static int sign_pointer_new(ld_pointer **out, const ld_pointer *old,
			    const ld_signed *oc, const char *identity,
			    const char *issuer, int64_t log_index, ae_err *err)
{
	ld_pointer_fields f;

	ld_pointer_fields_get(&f, old);
	f.bundle_oci = oc->oci;
	f.bundle_digest = oc->digest;
	/* index 0 written absent, as the reference writes it */
	ld_pointer_fields_signer(&f, identity, issuer, log_index);
	return ld_pointer_new(out, &f, err);
}

/* ev_sign_run_opts.signer_ok: the signed pointer can be built with this
 * signer (the token's predicted one before any request, the verified one
 * before anything is written). */
static int sign_signer_ok(const char *identity, const char *issuer, void *ctx,
			  ae_err *err)
{
	const sign_check_ctx *c = ctx;
	ld_pointer *p = NULL;
	int rc = sign_pointer_new(&p, c->old, c->oc, identity, issuer, 1, err);

	ld_pointer_free(p);
	return rc;
}

/* The unsigned pointer at `ptr_path`, refused unless it can be signed
 * here. */
static int sign_read_unsigned(ld_pointer **out, const char *ptr_path,
			      ae_err *err)
{
	int rc = ld_pointer_read(out, AT_FDCWD, ptr_path, err);

	if (rc == 0 && ld_pointer_is_signed(*out))
		rc = ae_fail(err, AE_EEXISTS, "the pointer is already signed");
	if (rc == 0 &&
	    strcmp(ld_pointer_predicate_type(*out), EV_PREDICATE_V3) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "only v3 bundles are signed by this tool");
	if (rc < 0) {
		ld_pointer_free(*out);
		*out = NULL;
	}
	return rc;
}

int ld_pointer_sign(ld_pointer **p_out, ld_signed *oc, const char *ptr_path,
		    const char *sbdir, const char *ref, ev_sign_run_opts *o,
		    ae_err *err)
{
	ld_pointer *old = NULL;
	sign_check_ctx ctx;
	int rc;

	*p_out = NULL;
	rc = sign_read_unsigned(&old, ptr_path, err);
	if (rc == 0 && ref == NULL)
		ref = ld_pointer_bundle_oci(old);
	if (rc == 0 && (ref == NULL || ref[0] == '\0'))
		rc = ae_fail(err, AE_EINVAL,
			     "the pointer names no OCI reference: pass --ref");
	if (rc == 0) {
		/* ld_bundle_sign sets oc->oci (the one tag rule) and
		 * oc->digest before the signer check first needs them */
		ctx.old = old;
		ctx.oc = oc;
		o->signer_ok = sign_signer_ok;
		o->ctx = &ctx;
		rc = ld_bundle_sign(oc, ref, sbdir,
				    ld_pointer_bundle_digest(old), o, err);
		o->signer_ok = NULL;
		o->ctx = NULL;
	}
	if (rc == 0)
		rc = sign_pointer_new(p_out, old, oc, oc->signed_by->identity,
				      oc->signed_by->issuer,
				      oc->signed_by->log_index, err);
	if (rc == 0)
		rc = ld_bundle_attest(oc, sbdir, err);
	if (rc == 0) {
		rc = ld_pointer_write(AT_FDCWD, ptr_path, *p_out, err);
		if (rc < 0)
			bundle_unattest(sbdir);
	}
	if (rc < 0) {
		ld_pointer_free(*p_out);
		*p_out = NULL;
	}
	ld_pointer_free(old);
	return rc;
}

int ld_pointer_relocate(char **dest_out, const char *flat, const ld_pointer *p,
			ae_err *err)
{
	ae_buf a = AE_BUF_INIT(1), b = AE_BUF_INIT(1);
	char *dest = NULL, *dir = NULL;
	int rc;

	*dest_out = NULL;
	rc = ld_pointer_path(&dest, p, LD_EVIDENCE_ROOT, err);
	if (rc == 0 && strcmp(dest, flat) == 0)
		goto done; /* already canonical */
	if (rc == 0) {
		dir = strdup(dest);
		rc = dir ? ae_mkdir_p(dirname(dir), err)
			 : ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0 && link(flat, dest) != 0) {
		if (errno != EEXIST) {
			rc = ae_fail(err, AE_EIO, "link: %s", strerror(errno));
		} else {
			rc = ae_read_file(&a, AT_FDCWD, flat,
					  LD_POINTER_MAX_BYTES, err);
			if (rc == 0)
				rc = ae_read_file(&b, AT_FDCWD, dest,
						  LD_POINTER_MAX_BYTES, err);
			if (rc == 0 && (a.len != b.len ||
					memcmp(a.data, b.data, a.len) != 0))
				rc = ae_fail(err, AE_EEXISTS,
					     "a different pointer is already "
					     "at the canonical path");
		}
	}
	if (rc == 0 && unlink(flat) != 0)
		rc = ae_fail(err, AE_EIO, "unlink: %s", strerror(errno));
done:
	ae_buf_dispose(&a);
	ae_buf_dispose(&b);
	free(dir);
	if (rc == 0)
		*dest_out = dest;
	else
		free(dest);
	return rc;
}
