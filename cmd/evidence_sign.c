/* cmd/evidence_sign.c -- signing an evidence bundle, shared by emit and
 * sign
 *
 * The statement that gets signed names the OCI repository the bundle goes
 * to and the bundle's deterministic artifact digest (SPEC §3), computed
 * from the tree by oci/ before any network I/O, so a bundle can be signed
 * offline and pushed later. The Sigstore bundle lands in
 * summary-bundle/attestation.intoto.jsonl, written only once the whole
 * command can succeed.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "oci/oci.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The in-toto statement to sign for `sbdir` and REF's repository, and the
 * bundle's artifact digest and tagged reference (into oc->digest and
 * oc->oci, cmd_evidence_locate): all offline. */
static int evidence_payload(ae_buf *payload, cmd_evidence_signed *oc,
			    const char *ref_s, const char *sbdir, ae_err *err)
{
	char path[4300], repo[600];
	oci_ref ref;
	ae_buf st = AE_BUF_INIT(1);
	int rc;

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

/* Signs OUT/summary-bundle: the statement names REF's repository and the
 * deterministic artifact digest (SPEC §3). Everything that can be checked
 * is checked before the first request (`chk`); nothing is written here:
 * cmd_evidence_attest writes the Sigstore bundle once the caller's own
 * checks have passed (issue 25: nothing half-done). */
int cmd_evidence_sign(cmd_evidence_signed *oc, const char *ref_s,
		      const char *sbdir, const cmd_sign_flags *sf,
		      const cmd_evidence_checks *chk, ae_err *err)
{
	ev_sign_run_opts o;
	ae_buf payload = AE_BUF_INIT(1);
	int rc;

	memset(&o, 0, sizeof(o));
	rc = evidence_payload(&payload, oc, ref_s, sbdir, err);
	if (rc == 0 && chk != NULL && chk->want_digest != NULL &&
	    chk->want_digest[0] != '\0' &&
	    strcmp(chk->want_digest, oc->digest) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "the pointer's digest is not this bundle's");
	o.payload_type = "application/vnd.in-toto+json";
	o.payload = payload.data;
	o.payload_len = payload.len;
	if (chk != NULL) {
		o.signer_ok = chk->signer_ok;
		o.ctx = chk->ctx;
	}
	if (rc == 0)
		rc = cmd_sign_run(&oc->signed_by, &o, sf, err);
	ae_buf_dispose(&payload);
	return rc;
}

int cmd_evidence_attest(const cmd_evidence_signed *oc, const char *sbdir,
			ae_err *err)
{
	char path[4300];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sbdir,
			     OCI_ATTESTATION_FILE) >= sizeof(path))
		return ae_fail(err, AE_EINVAL, "output path too long");
	return ae_write_atomic(AT_FDCWD, path, oc->signed_by->bundle,
			       oc->signed_by->bundle_len, 0644, err);
}

void cmd_evidence_unattest(const char *sbdir)
{
	char path[4300];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sbdir,
			     OCI_ATTESTATION_FILE) < sizeof(path))
		unlink(path);
}

/* ---- the --format json report of emit and sign (docs/cli.md) ---- */

char *cmd_shell_word(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *q;

	if (n > 0 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
			       "vwxyz0123456789_./:@%+=,-") == n)
		return strdup(s);
	q = malloc(4 * n + 3);
	if (q == NULL)
		return NULL;
	q[k++] = '\'';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(q + k, "'\\''", 4);
			k += 4;
		} else {
			q[k++] = s[i];
		}
	}
	q[k++] = '\'';
	q[k] = '\0';
	return q;
}

int cmd_json_next(json_t *next, const char *step, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return json_array_append_new(
		next, json_pack("{s:s, s:s}", "step", step, "command", buf));
}

json_t *cmd_evidence_signed_json(const cmd_evidence_signed *oc,
				 const char *sbdir)
{
	char path[4300], dg[AE_DIGEST_STR_LEN];
	unsigned char h[AE_SHA256_LEN];
	const ev_sign_result *s = oc->signed_by;

	if (s == NULL)
		return json_null();
	snprintf(path, sizeof(path), "%s/%s", sbdir, OCI_ATTESTATION_FILE);
	ae_sha256(h, s->bundle, s->bundle_len);
	ae_digest_format(dg, h);
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "path", path, "digest",
			 dg, "identity", s->identity, "issuer", s->issuer,
			 "rekorLogIndex", (json_int_t)s->log_index);
}

int cmd_json_print(json_t *root)
{
	char *text =
		root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		     : NULL;
	int rc = text != NULL && printf("%s\n", text) > 0 ? 0 : -1;

	free(text);
	json_decref(root);
	return rc;
}
