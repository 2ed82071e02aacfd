/* oci/referrer.c -- the Sigstore bundle as an OCI referrer
 *
 * The signature travels next to the artifact, not inside it (its statement
 * names the artifact's digest): a manifest with `subject` = the artifact
 * descriptor and the bundle JSON as its one layer (SPEC §3, reference
 * §8.2). Registries with the referrers API answer the manifest PUT with
 * `OCI-Subject` and index it themselves; Debian's docker-registry 2.8 does
 * not (oci.md §2), so the client maintains the OCI 1.1 referrers tag
 * schema: an index under `sha256-<subject hex>` listing every referrer,
 * read-modified-written without dropping other entries, then read back to
 * confirm ours is listed (2.8 ignores If-Match, so a concurrent writer can
 * win a race; oci.md §7).
 */
#include "oci/internal.h"

#include <stdlib.h>
#include <string.h>

#define REF_INDEX_TRIES 3 /* read-modify-write rounds against a racer */

/* The fallback tag for a subject digest: "sha256-<hex>". */
static void ref_tag(char out[80], const char *subject_digest)
{
	snprintf(out, 80, "sha256-%s", subject_digest + 7);
}

/* GETs the fallback index; a 404 leaves `out` empty. */
int oci__index_get(ae_buf *out, oci_client *c, const char *subject_digest,
		   ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	char path[700], tag[80];
	int rc;

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	ref_tag(tag, subject_digest);
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->repo, tag);
	rc = oci__req_init(r, c, "GET", path, err);
	if (rc < 0)
		goto done;
	r->accept = OCI_MT_INDEX;
	r->resp = out;
	rc = oci__send(c, r, true, err);
	if (rc < 0)
		goto done;
	switch (r->status) {
	case 200:
		break;
	case 404:
		ae_buf_dispose(out);
		break;
	default:
		rc = oci__status_fail(r, "referrers index GET", err);
	}
done:
	free(r);
	return rc;
}

/* True iff the index in `buf` lists `digest`. */
static bool ref_index_lists(const ae_buf *buf, const char *digest)
{
	oci_desc d[64];
	size_t n = 0;
	ae_err ignored = {0};

	if (buf->len == 0 || oci_index_find(d, 64, &n, buf->data, buf->len,
					    OCI_SIGSTORE_TYPE, &ignored) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].digest, digest) == 0)
			return true;
	return false;
}

/* Adds `digest` to the fallback index of `subject_digest`. */
static int ref_index_update(oci_client *c, const char *subject_digest,
			    const char *digest, uint64_t size, ae_err *err)
{
	ae_buf cur = AE_BUF_INIT(OCI_INDEX_MAX);
	unsigned char *next = NULL;
	size_t next_len = 0;
	bool changed = false;
	char tag[80];
	int rc = 0;

	ref_tag(tag, subject_digest);
	/* read, add, write, and read back: the last read decides */
	for (int i = 0;; i++) {
		rc = oci__index_get(&cur, c, subject_digest, err);
		if (rc < 0 || ref_index_lists(&cur, digest))
			break;
		if (i == REF_INDEX_TRIES) {
			rc = ae_fail(err, AE_ETRANSIENT,
				     "referrers index %s kept losing our "
				     "entry to concurrent writers",
				     tag);
			break;
		}
		rc = oci_index_add(&next, &next_len, &changed, cur.data,
				   cur.len, digest, size, OCI_SIGSTORE_TYPE,
				   err);
		if (rc == 0)
			rc = oci__manifest_put(c, next, next_len, OCI_MT_INDEX,
					       tag, NULL, err);
		free(next);
		next = NULL;
		if (rc < 0)
			break;
	}
	ae_buf_dispose(&cur);
	return rc;
}

int oci_referrer_push(char digest_out[AE_DIGEST_STR_LEN], oci_client *c,
		      const char *subject_digest, uint64_t subject_size,
		      const unsigned char *bundle, size_t bundle_len,
		      ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	char bundle_digest[AE_DIGEST_STR_LEN], mdigest[AE_DIGEST_STR_LEN];
	unsigned char *manifest = NULL;
	size_t mlen = 0;
	bool indexed = false;
	int rc;

	digest_out[0] = '\0';
	AE_ASSERT_ARG(ae_digest_is_valid(subject_digest), err);
	if (bundle_len > OCI_REFERRER_LAYER_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "Sigstore bundle is %zu bytes, cap %u",
			       bundle_len, OCI_REFERRER_LAYER_MAX);
	ae_sha256(sha, bundle, bundle_len);
	ae_digest_format(bundle_digest, sha);
	rc = oci_referrer_manifest_build(&manifest, &mlen, subject_digest,
					 subject_size, bundle_digest,
					 bundle_len, err);
	if (rc < 0)
		return rc;
	ae_sha256(sha, manifest, mlen);
	ae_digest_format(mdigest, sha);
	rc = oci__blob_push_mem(c, (const unsigned char *)"{}", 2,
				OCI_EMPTY_DIGEST, err);
	if (rc == 0)
		rc = oci__blob_push_mem(c, bundle, bundle_len, bundle_digest,
					err);
	if (rc == 0)
		rc = oci__manifest_put(c, manifest, mlen, OCI_MT_MANIFEST,
				       mdigest, &indexed, err);
	if (rc == 0 && !indexed)
		rc = ref_index_update(c, subject_digest, mdigest, mlen, err);
	if (rc == 0)
		memcpy(digest_out, mdigest, AE_DIGEST_STR_LEN);
	free(manifest);
	return rc;
}
