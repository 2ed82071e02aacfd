/* evidence/sigstore/verify_files.c -- verifying a bundle named by paths, as
 * the conformance client protocol (`sigstore verify-bundle`) names it
 * (contract in evidence/sigstore/sigstore.h)
 *
 * Reads each input capped (the bundle, the key, the artifact), names the
 * input a failure is about, and runs ev_bundle_verify. The artifact is a
 * file, or a digest "sha256:<64 hex>" when no file has that name (the
 * protocol's rule).
 */
#include "evidence/sigstore/sigstore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* Protocol rule: a digest only if "sha256:" + 64 hex and no such path. */
static bool files_digest(const char *a, unsigned char out[AE_SHA256_LEN])
{
	struct stat st;

	if (strncmp(a, "sha256:", 7) != 0 || strlen(a) != 71 ||
	    lstat(a, &st) == 0)
		return false;
	for (size_t i = 0; i < AE_SHA256_LEN; i++) {
		unsigned v = 0;

		for (size_t k = 0; k < 2; k++) {
			int d = ae_hex_digit(a[7 + 2 * i + k]);
			if (d < 0)
				return false;
			v = v * 16 + (unsigned)d;
		}
		out[i] = (unsigned char)v;
	}
	return true;
}

int ev_verify_files_check(const ev_verify_files *f, ae_err *err)
{
	const ev_policy *p = &f->policy;

	if (f->bundle == NULL || f->artifact == NULL)
		return ae_fail(err, AE_EINVAL,
			       "--bundle and FILE_OR_DIGEST are required");
	if (f->key != NULL && (p->identity || p->identity_regex || p->issuer))
		return ae_fail(err, AE_EINVAL,
			       "--key excludes the certificate flags");
	if (f->key == NULL &&
	    (p->issuer == NULL ||
	     (p->identity == NULL) == (p->identity_regex == NULL)))
		return ae_fail(err, AE_EINVAL,
			       "give --certificate-oidc-issuer and one "
			       "--certificate-identity[-regexp], or --key");
	return 0;
}

int ev_bundle_verify_files(ev_signer **out, const char **what,
			   const ev_trust *trust, const ev_verify_files *f,
			   ae_err *err)
{
	ae_buf bbuf = AE_BUF_INIT(0), kbuf = AE_BUF_INIT(0),
	       abuf = AE_BUF_INIT(0);
	ev_bundle *bundle = NULL;
	ev_policy pol = f->policy;
	ev_artifact art = {0};
	int rc;

	*out = NULL;
	*what = f->bundle;
	rc = ae_read_file(&bbuf, AT_FDCWD, f->bundle, EV_BUNDLE_MAX_BYTES, err);
	if (rc == 0)
		rc = ev_bundle_parse(&bundle, bbuf.data, bbuf.len, err);
	if (rc == 0 && f->key != NULL) {
		*what = f->key;
		rc = ae_read_file(&kbuf, AT_FDCWD, f->key, EV_KEY_MAX_BYTES,
				  err);
		if (rc == 0)
			rc = ev_key_check(kbuf.data, kbuf.len, err);
		pol.key_pem = kbuf.data;
		pol.key_pem_len = kbuf.len;
	}
	if (rc == 0 && !files_digest(f->artifact, art.sha256)) {
		*what = f->artifact;
		rc = ae_read_file(&abuf, AT_FDCWD, f->artifact,
				  EV_ARTIFACT_MAX_BYTES, err);
		art.data = abuf.data ? abuf.data : (const unsigned char *)"";
		art.len = abuf.len;
	}
	if (rc == 0) {
		*what = f->bundle;
		rc = ev_bundle_verify(out, bundle, trust, &pol, &art, err);
	}
	ev_bundle_free(bundle);
	ae_buf_dispose(&abuf);
	ae_buf_dispose(&kbuf);
	ae_buf_dispose(&bbuf);
	return rc;
}
