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
#include <string.h>

/* What signing and pushing add to the pointer. */
typedef struct emit_outcome {
	char oci[OCI_REF_MAX + 1];	/* "" unpushed and unsigned */
	char digest[AE_DIGEST_STR_LEN]; /* "" likewise */
	ev_sign_result *signed_by;	/* NULL unsigned */
} emit_outcome;

/* REF with its tag: given, or `<recipe>-<12 hex of manifest.json digest>`
 * as push derives it (reference §8.1); scheme and digest dropped. */
int cmd_evidence_tagged_ref(char *out, size_t outsz, const char *ref_s,
			    const char *recipe, const char *manifest_digest,
			    ae_err *err)
{
	oci_ref ref;
	char tag[129];
	size_t k = 0;
	int rc = oci_ref_parse(&ref, ref_s, err);

	if (rc < 0)
		return rc;
	if (ref.tag[0] != '\0') {
		snprintf(tag, sizeof(tag), "%s", ref.tag);
	} else {
		for (size_t i = 0; recipe[i] && k < 80; i++)
			tag[k++] = recipe[i];
		snprintf(tag + k, sizeof(tag) - k, "-%.12s",
			 manifest_digest + 7);
	}
	if ((size_t)snprintf(out, outsz, "%s/%s:%s", ref.registry, ref.repo,
			     tag) >= outsz)
		return ae_fail(err, AE_EINVAL, "reference too long");
	return 0;
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
	oci_artifact *art = NULL;
	oci_ref ref;
	ae_buf st = AE_BUF_INIT(1), payload = AE_BUF_INIT(1);
	int rc;

	memset(&files, 0, sizeof(files));
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
	oci_artifact_free(art);
	ae_buf_dispose(&st);
	ae_buf_dispose(&payload);
	return rc;
}
