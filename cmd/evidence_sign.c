/* cmd/evidence_sign.c -- signing an evidence bundle, shared by emit and
 * sign
 *
 * The statement that gets signed names the OCI repository the bundle goes
 * to and the bundle's deterministic artifact digest (SPEC §3), computed
 * from the tree by oci/ before any network I/O, so a bundle can be signed
 * offline and pushed later. The Sigstore bundle lands in
 * summary-bundle/attestation.intoto.jsonl.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_evidence_tag(char tag[129], const oci_ref *ref, const char *sbdir,
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

int cmd_evidence_tagged_ref(char *out, size_t outsz, const char *ref_s,
			    const char *sbdir, const char *artifact_digest,
			    ae_err *err)
{
	oci_ref ref;
	char tag[129];
	int rc = oci_ref_parse(&ref, ref_s, err);

	out[0] = '\0';
	if (rc == 0)
		rc = cmd_evidence_tag(tag, &ref, sbdir, artifact_digest, err);
	if (rc == 0 && (size_t)snprintf(out, outsz, "%s/%s:%s", ref.registry,
					ref.repo, tag) >= outsz) {
		out[0] = '\0';
		rc = ae_fail(err, AE_EINVAL, "reference too long");
	}
	return rc;
}

int cmd_evidence_locate(cmd_evidence_signed *oc, const char *ref_s,
			const char *sbdir, ae_err *err)
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
		rc = cmd_evidence_tagged_ref(oc->oci, sizeof(oc->oci), ref_s,
					     sbdir, oc->digest, err);
	}
	oci_artifact_free(art);
	return rc;
}

/* Signs OUT/summary-bundle offline: the statement names REF's repository
 * and the deterministic artifact digest (SPEC §3); the Sigstore bundle is
 * written as attestation.intoto.jsonl. */
int cmd_evidence_sign(cmd_evidence_signed *oc, const char *ref_s,
		      const char *sbdir, const cmd_sign_flags *sf, ae_err *err)
{
	char path[4300], repo[600];
	cmd_sign_files files;
	ev_sign_opts so = EV_SIGN_OPTS_INIT;
	ev_token *tok = NULL;
	oci_ref ref;
	ae_buf st = AE_BUF_INIT(1), payload = AE_BUF_INIT(1);
	int rc;

	memset(&files, 0, sizeof(files));
	rc = oci_ref_parse(&ref, ref_s, err);
	if (rc == 0)
		rc = cmd_evidence_locate(oc, ref_s, sbdir, err);
	if (rc == 0) {
		snprintf(repo, sizeof(repo), "%s/%s", ref.registry, ref.repo);
		snprintf(path, sizeof(path), "%s/statement.intoto.json", sbdir);
		rc = ae_read_file(&st, AT_FDCWD, path, EV_STATEMENT_MAX_BYTES,
				  err);
	}
	if (rc == 0)
		rc = ev_statement_for_artifact(&payload, st.data, st.len, repo,
					       oc->digest, err);
	if (rc == 0)
		rc = cmd_sign_token(&tok, sf, err);
	if (rc == 0 && cmd_sign_confirm(tok, sf->yes) < 0)
		rc = ae_fail(err, AE_EAUTH, "signing declined");
	if (rc == 0)
		rc = cmd_sign_load(&so, &files, sf, tok, err);
	if (rc == 0)
		rc = ev_sign_dsse(&oc->signed_by, &so,
				  "application/vnd.in-toto+json", payload.data,
				  payload.len, err);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/attestation.intoto.jsonl",
			 sbdir);
		rc = ae_write_atomic(AT_FDCWD, path, oc->signed_by->bundle,
				     oc->signed_by->bundle_len, 0644, err);
	}
	cmd_sign_files_dispose(&files);
	ev_token_free(tok);
	ae_buf_dispose(&st);
	ae_buf_dispose(&payload);
	return rc;
}
