/* oci/tags.c -- a repository's tags, and a manifest by tag
 *
 * The distribution spec's "Listing Tags": GET /v2/<name>/tags/list?n=<page>
 * and, while a page comes back full, the next one after its last tag
 * (&last=<tag>), which every registry that paginates honours (a Link
 * header is not needed). Each page is a bounded body parsed strictly: a
 * JSON object whose "tags" is an array of tag strings (or null: no tags);
 * a tag that is not one (oci_tag_is_valid) refuses the page, because a
 * name that could be anything cannot be put in a URL. oci_manifest_get
 * fetches a manifest by tag or digest into memory with its digest, for a
 * caller that decides from the manifest what to pull by digest (`ledger
 * --ingest-repo` keeps the AICR evidence artifacts).
 */
#include "oci/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void oci_tags_free(char **tags, size_t n)
{
	for (size_t i = 0; tags != NULL && i < n; i++)
		free(tags[i]);
	free(tags);
}

int oci_tags_parse(char ***tags, size_t *n, size_t max,
		   const unsigned char *buf, size_t len, size_t *page_out,
		   ae_err *err)
{
	json_t *root = NULL, *arr;
	size_t i;
	json_t *v;
	int rc;

	*page_out = 0;
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	arr = json_object_get(root, "tags");
	if (!json_is_object(root) ||
	    (arr && !json_is_array(arr) && !json_is_null(arr))) {
		json_decref(root);
		return ae_fail(err, AE_EINVAL,
			       "tag list is not an object with a tags array");
	}
	json_array_foreach(arr, i, v)
	{
		const char *t = json_string_value(v);
		char **nv;
		if (t == NULL || !oci_tag_is_valid(t)) {
			rc = ae_fail(err, AE_EINVAL,
				     "tag list entry %zu is not a tag", i);
			break;
		}
		if (*n >= max) {
			rc = ae_fail(err, AE_ETOOBIG, "more than %zu tags",
				     max);
			break;
		}
		nv = realloc(*tags, (*n + 1) * sizeof(*nv));
		if (nv == NULL || (nv[*n] = strdup(t)) == NULL) {
			if (nv != NULL)
				*tags = nv;
			rc = ae_fail(err, AE_ERR, "out of memory");
			break;
		}
		*tags = nv;
		(*n)++;
	}
	*page_out = json_is_array(arr) ? json_array_size(arr) : 0;
	json_decref(root);
	return rc;
}

/* GETs one page of the tag list into `out`. */
static int tags_page(ae_buf *out, oci_client *c, const char *last, ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	char path[700];
	int rc;

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	snprintf(path, sizeof(path), "/v2/%s/tags/list?n=%u%s%s", c->repo,
		 (unsigned)OCI_TAGS_PAGE, last ? "&last=" : "",
		 last ? last : "");
	rc = oci__req_init(r, c, "GET", path, err);
	if (rc == 0) {
		r->accept = "application/json";
		r->resp = out;
		rc = oci__send(c, r, true, err);
	}
	if (rc == 0 && r->status != 200)
		rc = oci__status_fail(r, "tag list", err);
	free(r);
	return rc;
}

int oci_tags_list(char ***tags_out, size_t *n_out, oci_client *c, size_t max,
		  ae_err *err)
{
	char **tags = NULL;
	size_t n = 0, page = OCI_TAGS_PAGE;
	int rc = 0;

	*tags_out = NULL;
	*n_out = 0;
	for (unsigned p = 0; rc == 0 && page == OCI_TAGS_PAGE; p++) {
		ae_buf b = AE_BUF_INIT(OCI_TAGS_BODY_MAX);
		if (p == OCI_TAGS_PAGES_MAX) {
			rc = ae_fail(err, AE_ETOOBIG,
				     "more than %u pages of "
				     "tags",
				     OCI_TAGS_PAGES_MAX);
			break;
		}
		rc = tags_page(&b, c, n ? tags[n - 1] : NULL, err);
		if (rc == 0)
			rc = oci_tags_parse(&tags, &n, max, b.data, b.len,
					    &page, err);
		ae_buf_dispose(&b);
	}
	if (rc < 0) {
		oci_tags_free(tags, n);
		return rc;
	}
	*tags_out = tags;
	*n_out = n;
	return 0;
}

int oci_manifest_get(ae_buf *out, char digest_out[AE_DIGEST_STR_LEN],
		     oci_client *c, const char *ref, ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	unsigned char d[AE_SHA256_LEN];
	char path[700];
	int rc;

	ae_buf_init(out, OCI_MANIFEST_MAX);
	digest_out[0] = '\0';
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (!oci_tag_is_valid(ref) && !ae_digest_is_valid(ref)) {
		free(r);
		return ae_fail(err, AE_EINVAL, "not a tag or a digest");
	}
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->repo, ref);
	rc = oci__req_init(r, c, "GET", path, err);
	if (rc == 0) {
		r->accept = OCI_MT_MANIFEST ", " OCI_MT_INDEX;
		r->resp = out;
		rc = oci__send(c, r, true, err);
	}
	if (rc == 0 && r->status != 200)
		rc = oci__status_fail(r, "manifest GET", err);
	if (rc == 0) {
		ae_sha256(d, out->data, out->len);
		ae_digest_format(digest_out, d);
		/* By digest, the bytes must be those the digest names. */
		if (ae_digest_is_valid(ref) && strcmp(ref, digest_out) != 0)
			rc = ae_fail(err, AE_EVERIFY,
				     "registry sent another manifest than %s",
				     ref);
	}
	free(r);
	if (rc < 0) {
		ae_buf_dispose(out);
		digest_out[0] = '\0';
	}
	return rc;
}
