/* oci/push.c -- pushing blobs, manifests and the signature referrer
 *
 * The upload protocol as Debian's docker-registry 2.8 answers it (oci.md
 * §3.3-3.7, §5): HEAD the blob and skip it when present with the right
 * size; else POST a session, then either one PUT with the whole body
 * (small blobs) or PATCHes of OCI_CHUNK_MIN bytes each followed by an
 * empty PUT (large ones), always with `Content-Type:
 * application/octet-stream` and the digest appended to the Location with
 * `&` (the Location already carries `?_state=`). Bodies come from memory,
 * or for the evidence layer straight from the bundle's files
 * (oci__layer_pread), and are hashed on the way, so memory does not grow
 * with the blob and a bundle that changed since it was hashed is caught.
 * A layer not hashed yet is *streamed*: PATCHes only, its digests computed
 * from the bytes as they go up (the hashing pass before the upload was a
 * second read of the whole bundle, on the critical path), and the final
 * PUT names the digest of what was sent -- what skopeo does (oci.md §5
 * step 3). With no digest there is no HEAD to skip a present layer, so
 * when the tag already names an artifact whose layer has this size (a
 * re-push, most likely) the layer is hashed first after all. A session that
 * breaks cannot be resumed (offsets are HMAC-pinned in `_state`): the
 * upload is abandoned with a best-effort DELETE and restarted from a new
 * POST, within the retry budget. Manifests go last; the registry's
 * Docker-Content-Digest must equal ours.
 */
#include "oci/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bytes of one blob: memory or a packed layer. `digest` is empty for
 * a layer not hashed yet (streamed: its digest is what was sent), and is
 * filled when its upload succeeds. */
typedef struct push_src {
	oci_layer *layer;
	const unsigned char *mem;
	uint64_t len;
	char digest[AE_DIGEST_STR_LEN];
} push_src;

/* 0 with *present_out when the registry already holds the blob. */
static int push_blob_exists(bool *present_out, oci_client *c, const push_src *s,
			    ae_err *err)
{
	oci_req r;
	char path[600];
	int rc;

	*present_out = false;
	snprintf(path, sizeof(path), "/v2/%s/blobs/%s", c->repo, s->digest);
	rc = oci__req_init(&r, c, "HEAD", path, err);
	if (rc == 0)
		rc = oci__send(c, &r, true, err);
	if (rc < 0)
		return rc;
	switch (r.status) {
	case 200:
		*present_out = r.content_length < 0 ||
			       (uint64_t)r.content_length == s->len;
		return 0;
	case 404:
		return 0;
	default:
		return oci__status_fail(&r, "blob HEAD", err);
	}
}

/* Turns a Location header into an absolute URL, resolved against the
 * registry and judged by its URL policy (oci__req_init does it again);
 * a Location on another origin is used without credentials. */
static int push_location(char *out, size_t outsz, bool *foreign_out,
			 const oci_client *c, const char *loc, ae_err *err)
{
	ae_url u;
	int rc;

	*foreign_out = false;
	rc = ae_url_check(&u, loc, &c->origin, &c->origin,
			  c->plain_http ? AE_URL_PLAIN_LOOPBACK : 0,
			  "upload Location", err);
	if (rc < 0)
		return rc;
	if (strlen(u.url) >= outsz)
		return ae_fail(err, AE_ETOOBIG, "upload Location too long");
	snprintf(out, outsz, "%s", u.url);
	*foreign_out = !ae_url_same_origin(&u, &c->origin);
	return 0;
}

/* POST a new upload session; stores its Location. */
static int push_session(char *loc, size_t locsz, bool *foreign, oci_client *c,
			ae_err *err)
{
	oci_req r;
	char path[600];
	int rc;

	snprintf(path, sizeof(path), "/v2/%s/blobs/uploads/", c->repo);
	rc = oci__req_init(&r, c, "POST", path, err);
	if (rc == 0)
		rc = oci__send(c, &r, false, err);
	if (rc < 0)
		return rc;
	if (r.status != 202)
		return oci__status_fail(&r, "upload POST", err);
	if (r.location[0] == '\0')
		return ae_fail(err, AE_EINVAL,
			       "upload POST answered 202 without Location");
	return push_location(loc, locsz, foreign, c, r.location, err);
}

/* Sends [off, end) of the blob with `method` to `url`; the hash runs
 * over every byte sent. */
static int push_send(oci_req *r, oci_client *c, const char *method,
		     const char *url, bool foreign, const push_src *s,
		     uint64_t off, uint64_t end, ae_sha256_ctx *hash,
		     ae_err *err)
{
	int rc = oci__req_init(r, c, method, url, err);

	if (rc < 0)
		return rc;
	r->foreign = foreign;
	r->content_type = "application/octet-stream";
	r->has_body = true;
	r->body = s->mem;
	r->body_layer = s->layer;
	r->body_start = off;
	r->body_len = end;
	r->body_hash = hash;
	r->what = s->digest;
	r->progress_base = off;
	r->progress_total = s->len;
	if (strcmp(method, "PATCH") == 0 && end > off)
		snprintf(r->content_range, sizeof(r->content_range),
			 "%llu-%llu", (unsigned long long)off,
			 (unsigned long long)(end - 1));
	return oci__send(c, r, false, err);
}

/* Appends "digest=" to an upload URL with '&' or '?' (oci.md §3.3). */
static int push_digest_url(char *out, size_t outsz, const char *loc,
			   const char *digest, ae_err *err)
{
	int n = snprintf(out, outsz, "%s%sdigest=%s", loc,
			 strchr(loc, '?') ? "&" : "?", digest);

	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "upload URL too long");
	return 0;
}

/* The digest of what `hash` saw; the context is finished. */
static void push_sent_digest(char out[AE_DIGEST_STR_LEN], ae_sha256_ctx *hash)
{
	unsigned char sha[AE_SHA256_LEN];

	ae_sha256_final(hash, sha);
	ae_digest_format(out, sha);
}

/* Checks the final 201 against `want`, the digest of what was sent. */
static int push_finish_check(const oci_req *r, const char *want, ae_err *err)
{
	if (r->status != 201)
		return oci__status_fail(r, "blob upload PUT", err);
	if (r->digest[0] != '\0' && strcmp(r->digest, want) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "registry stored the blob as %.80s, expected %s",
			       r->digest, want);
	return 0;
}

/* A hashed blob: what was sent must hash to the digest the manifest
 * names (the bundle may have changed since it was hashed). */
static int push_sent_check(const char *sent, const push_src *s, ae_err *err)
{
	if (strcmp(sent, s->digest) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "blob bytes changed since packing: sent %s, "
			       "expected %s",
			       sent, s->digest);
	return 0;
}

/* PATCHes [off, end) of the blob in pieces of at most chunk_min bytes,
 * each answer carrying the next session URL. */
static int push_patches(oci_req *r, char *loc, size_t locsz, bool *foreign,
			oci_client *c, const push_src *s, uint64_t off,
			uint64_t end, ae_sha256_ctx *hash, ae_err *err)
{
	int rc = 0;

	while (rc == 0 && off < end) {
		uint64_t to =
			end - off > c->chunk_min ? off + c->chunk_min : end;
		rc = push_send(r, c, "PATCH", loc, *foreign, s, off, to, hash,
			       err);
		if (rc == 0 && r->status != 202)
			rc = oci__status_fail(r, "upload PATCH", err);
		if (rc == 0)
			rc = push_location(loc, locsz, foreign, c, r->location,
					   err);
		off = to;
	}
	return rc;
}

/* One upload attempt from a fresh session; `loc` keeps the latest
 * session URL so a failed attempt can be cancelled. A hashed blob goes
 * up in one PUT (small) or PATCHes then an empty PUT (over chunk_min); a
 * streamed layer always in PATCHes, since the PUT must name the digest,
 * known only once every byte was sent (oci.md §5 step 3). */
static int push_upload_once(char *loc, size_t locsz, oci_client *c, push_src *s,
			    ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	ae_sha256_ctx *hash = NULL;
	char url[4200], sent[AE_DIGEST_STR_LEN];
	bool foreign = false, stream = s->digest[0] == '\0';
	uint64_t off = stream || s->len > c->chunk_min ? s->len : 0;
	int rc;

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_sha256_new(&hash, err);
	if (rc == 0 && stream)
		rc = oci__layer_stream_begin(s->layer, err);
	if (rc == 0)
		rc = push_session(loc, locsz, &foreign, c, err);
	if (rc == 0)
		rc = push_patches(r, loc, locsz, &foreign, c, s, 0, off, hash,
				  err);
	if (rc < 0)
		goto done;
	if (stream)
		push_sent_digest(sent, hash);
	rc = push_digest_url(url, sizeof(url), loc, stream ? sent : s->digest,
			     err);
	if (rc == 0)
		rc = push_send(r, c, "PUT", url, foreign, s, off, s->len, hash,
			       err);
	if (rc == 0 && !stream) {
		push_sent_digest(sent, hash);
		rc = push_sent_check(sent, s, err);
	}
	if (rc == 0)
		rc = push_finish_check(r, sent, err);
	if (rc == 0 && stream)
		rc = oci__layer_stream_end(s->layer, sent, err);
	if (rc == 0 && stream)
		memcpy(s->digest, sent, AE_DIGEST_STR_LEN);
done:
	ae_sha256_free(hash);
	free(r);
	return rc;
}

/* Best-effort cancel of a broken session (oci.md §5 step 4). */
static void push_cancel(oci_client *c, const char *loc)
{
	oci_req *r = calloc(1, sizeof(*r));
	ae_err ignored = {0};
	bool foreign = false;
	char url[4200];

	if (r == NULL || loc[0] == '\0')
		goto done;
	if (push_location(url, sizeof(url), &foreign, c, loc, &ignored) < 0 ||
	    oci__req_init(r, c, "DELETE", url, &ignored) < 0)
		goto done;
	r->foreign = foreign;
	(void)oci__send(c, r, false, &ignored);
done:
	free(r);
}

static int push_blob(oci_client *c, push_src *s, ae_err *err)
{
	char loc[4096];
	bool present = false;
	unsigned attempt = 0;
	uint64_t waited = 0;
	char why[AE_ERR_MSG_MAX + 32];
	int rc = 0;

	if (s->digest[0] != '\0')
		rc = push_blob_exists(&present, c, s, err);
	if (rc < 0 || present)
		return rc;
	for (;;) {
		loc[0] = '\0';
		rc = push_upload_once(loc, sizeof(loc), c, s, err);
		if (rc != AE_ETRANSIENT)
			return rc;
		snprintf(why, sizeof(why), "blob upload: %s",
			 err ? err->msg : "");
		push_cancel(c, loc);
		attempt++;
		rc = oci__retry_wait(c, attempt, -1, &waited, why, err);
		if (rc < 0)
			return rc;
	}
}

int oci__blob_push_mem(oci_client *c, const unsigned char *data, size_t len,
		       const char *digest, ae_err *err)
{
	push_src s = {NULL, data ? data : (const unsigned char *)"", len, ""};

	AE_ASSERT_ARG(ae_digest_is_valid(digest), err);
	memcpy(s.digest, digest, AE_DIGEST_STR_LEN);
	return push_blob(c, &s, err);
}

int oci__manifest_put(oci_client *c, const unsigned char *body, size_t len,
		      const char *media_type, const char *ref,
		      bool *subject_out, ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	unsigned char sha[AE_SHA256_LEN];
	char want[AE_DIGEST_STR_LEN], path[700];
	int rc;

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	ae_sha256(sha, body, len);
	ae_digest_format(want, sha);
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->repo, ref);
	rc = oci__req_init(r, c, "PUT", path, err);
	if (rc < 0)
		goto done;
	r->content_type = media_type;
	r->has_body = true;
	r->body = body;
	r->body_len = len;
	rc = oci__send(c, r, true, err); /* PUT by content: idempotent */
	if (rc < 0)
		goto done;
	if (r->status != 201) {
		rc = oci__status_fail(r, "manifest PUT", err);
		goto done;
	}
	if (strcmp(r->digest, want) != 0) {
		rc = ae_fail(err, AE_EVERIFY,
			     "registry answered digest %.80s for the manifest, "
			     "expected %s",
			     r->digest[0] ? r->digest : "(none)", want);
		goto done;
	}
	if (subject_out != NULL)
		*subject_out = r->oci_subject;
done:
	free(r);
	return rc;
}

/* *likely_out when `tag` names an artifact of ours whose layer has
 * `size` bytes: the push is then probably a re-push, worth hashing first
 * so that HEAD can skip the layer. A hint only: whatever fails or looks
 * different (no tag yet, an index, a registry error) says no. */
static void push_repush_hint(bool *likely_out, oci_client *c, const char *tag,
			     uint64_t size)
{
	oci_req *r = calloc(1, sizeof(*r));
	ae_buf body = AE_BUF_INIT(OCI_MANIFEST_MAX);
	oci_manifest *m = calloc(1, sizeof(*m));
	ae_err ignored = {0};
	char path[700];

	*likely_out = false;
	if (r == NULL || m == NULL || tag == NULL || *tag == '\0')
		goto done;
	snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->repo, tag);
	/* HEAD first: a new tag costs no GET, which Docker Hub would count
	 * against the pull rate limit */
	if (oci__req_init(r, c, "HEAD", path, &ignored) < 0)
		goto done;
	r->accept = OCI_MT_MANIFEST;
	if (oci__send(c, r, false, &ignored) < 0 || r->status != 200 ||
	    oci__req_init(r, c, "GET", path, &ignored) < 0)
		goto done;
	r->accept = OCI_MT_MANIFEST;
	r->resp = &body;
	if (oci__send(c, r, false, &ignored) < 0 || r->status != 200 ||
	    oci_manifest_parse(m, body.data, body.len, &ignored) < 0)
		goto done;
	*likely_out = strcmp(m->artifact_type, OCI_ARTIFACT_TYPE) == 0 &&
		      m->nlayers == 1 && m->layers[0].size == size;
done:
	free(m);
	ae_buf_dispose(&body);
	free(r);
}

int oci_artifact_push(oci_client *c, oci_artifact *art, const char *tag,
		      ae_err *err)
{
	push_src layer = {art->layer, NULL, art->layer_size, ""};
	bool likely = false;
	int rc;

	if (tag != NULL && *tag != '\0' && !oci_tag_is_valid(tag))
		return ae_fail(err, AE_EINVAL, "invalid tag");
	rc = oci__blob_push_mem(c, (const unsigned char *)"{}", 2,
				OCI_EMPTY_DIGEST, err);
	/* hashing a small layer costs less than the GET below and the PATCH
	 * streaming needs besides the PUT */
	if (rc == 0 && art->manifest == NULL &&
	    art->layer_size <= OCI_STREAM_MIN)
		rc = oci_artifact_hash(art, err);
	if (rc == 0 && art->manifest == NULL)
		push_repush_hint(&likely, c, tag, art->layer_size);
	if (rc == 0 && likely)
		rc = oci_artifact_hash(art, err);
	if (rc == 0 && art->manifest != NULL)
		memcpy(layer.digest, art->layer_digest, AE_DIGEST_STR_LEN);
	if (rc == 0)
		rc = push_blob(c, &layer, err);
	if (rc == 0 && art->manifest == NULL)
		rc = oci__artifact_seal(art, err);
	if (rc == 0)
		rc = oci__manifest_put(
			c, art->manifest, art->manifest_len, OCI_MT_MANIFEST,
			(tag && *tag) ? tag : art->manifest_digest, NULL, err);
	return rc;
}
