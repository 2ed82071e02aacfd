/* oci/referrers.c -- every referrer of a pulled artifact, not the first
 *
 * Anyone who can push to a repository can add a referrer to any artifact
 * in it, and can put it first: their own signature, a broken one, or
 * thousands of anything (issue 23 item 5). So a pull lists them all (the
 * referrers API with its pages, else the OCI 1.1 sha256-<hex> tag's
 * index), skips without fetching those of another artifactType, and
 * fetches each signature by digest -- within OCI_REFERRER_CANDIDATES_MAX
 * and OCI_REFERRER_BUNDLES_MAX -- keeping as a candidate only a manifest
 * that names this subject, OCI_SIGSTORE_TYPE and exactly one layer. Every
 * other one is kept in the list with the reason it was passed over, for
 * the report. Which candidate counts is decided above oci/, by the
 * verifier and the signer a pointer claims (cmd/fetch.c).
 *
 * The candidates' digests are remembered in the cache, per repository
 * (`referrers/by-repo/<key>`, oci/pull.c; one per line) so that an
 * offline pull finds them. The record is only a hint: each digest it names is
 * read from the cache verified and judged exactly as online.
 */
#include "oci/internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REFS_RECORD_MAX (OCI_REFERRER_CANDIDATES_MAX * AE_DIGEST_STR_LEN)

int oci_referrers_new(oci_referrers **out, ae_err *err)
{
	oci_referrers *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	r->items = calloc(OCI_REFERRERS_MAX, sizeof(*r->items));
	if (r->items == NULL) {
		free(r);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	*out = r;
	return 0;
}

void oci_referrers_free(oci_referrers *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i].bundle);
	free(r->items);
	free(r);
}

const char *oci_referrer_state_name(oci_referrer_state s)
{
	switch (s) {
	case OCI_REFERRER_CANDIDATE:
		return "signature";
	case OCI_REFERRER_SKIPPED:
		return "skipped";
	case OCI_REFERRER_UNTRIED:
		return "untried";
	default:
		return "other";
	}
}

/* GETs one page of a listing into `body` (read up to its cap, the rest
 * left unread); *status_out the answer, `next` the Link rel="next". */
static int refs_get(ae_buf *body, long *status_out, char *next, size_t nextsz,
		    oci_client *c, const char *path, ae_err *err)
{
	oci_req *r = calloc(1, sizeof(*r));
	int rc;

	*status_out = 0;
	next[0] = '\0';
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = oci__req_init(r, c, "GET", path, err);
	if (rc < 0)
		goto done;
	r->accept = OCI_MT_INDEX;
	r->resp = body;
	r->resp_cut_ok = true;
	rc = oci__send(c, r, true, err);
	if (rc < 0)
		goto done;
	*status_out = r->status;
	if (r->status == 200)
		snprintf(next, nextsz, "%s", r->link);
	if (r->status != 200 && r->status != 404 && r->status != 400)
		rc = oci__status_fail(r, "referrers listing", err);
done:
	free(r);
	return rc;
}

/* Reads the pages of the referrers API into `into`; *answered false when
 * the registry has none (404, 400: docker-registry 2.8, oci.md §2). */
static int refs_api(oci_referrers *into, bool *answered, oci_client *c,
		    const char *subject, size_t *budget, ae_err *err)
{
	char path[AE_URL_MAX], next[1024];
	long status = 0;
	int rc = 0;

	*answered = false;
	snprintf(path, sizeof(path), "/v2/%s/referrers/%s", c->repo, subject);
	for (int page = 0; page < OCI_REFERRERS_PAGES_MAX && rc == 0; page++) {
		ae_buf body = AE_BUF_INIT(*budget);
		rc = refs_get(&body, &status, next, sizeof(next), c, path, err);
		if (rc == 0 && status == 200) {
			*answered = true;
			*budget -= body.len;
			rc = oci_index_scan(into, body.data, body.len,
					    body.len == body.max, err);
		}
		ae_buf_dispose(&body);
		if (rc < 0 || status != 200 || next[0] == '\0')
			return rc;
		if (*budget == 0 || into->truncated)
			break;
		snprintf(path, sizeof(path), "%s", next);
	}
	into->truncated = true; /* more pages, or bytes, than we read */
	return rc;
}

/* Reads the tag schema's index (no tag: no referrers). */
static int refs_tag(oci_referrers *into, oci_client *c, const char *subject,
		    size_t budget, ae_err *err)
{
	char path[AE_URL_MAX], next[1024];
	ae_buf body = AE_BUF_INIT(budget);
	long status = 0;
	int rc;

	snprintf(path, sizeof(path), "/v2/%s/manifests/sha256-%s", c->repo,
		 subject + 7);
	rc = refs_get(&body, &status, next, sizeof(next), c, path, err);
	if (rc == 0 && status == 200)
		rc = oci_index_scan(into, body.data, body.len,
				    body.len == body.max, err);
	ae_buf_dispose(&body);
	return rc;
}

int oci_referrers_list(oci_referrers **out, oci_client *c, const char *subject,
		       ae_err *err)
{
	oci_referrers *r = NULL;
	size_t budget = OCI_REFERRERS_READ_MAX;
	bool answered = false;
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(c != NULL && ae_digest_is_valid(subject), err);
	rc = oci_referrers_new(&r, err);
	if (rc == 0)
		rc = refs_api(r, &answered, c, subject, &budget, err);
	if (rc == 0 && !answered)
		rc = refs_tag(r, c, subject, budget, err);
	if (rc < 0) {
		oci_referrers_free(r);
		return rc;
	}
	r->api = answered;
	*out = r;
	return 0;
}

/* Reads the cache's record of candidates into `into` (offline). */
static int refs_record_read(oci_referrers *into, const char *record,
			    const char *subject, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(REFS_RECORD_MAX);
	const char *p, *end;
	int rc;

	rc = ae_read_file(&b, AT_FDCWD, record, REFS_RECORD_MAX, err);
	/* never recorded (an online pull always writes one, empty for no
	 * signature): the signatures are not in the cache, which is not
	 * "unsigned" */
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return ae_fail(err, AE_ENOTFOUND,
			       "the signatures of %s are not in the cache "
			       "(offline)",
			       subject);
	}
	if (rc < 0)
		return rc;
	p = (const char *)b.data;
	end = p + b.len;
	while (p < end && into->n < OCI_REFERRER_CANDIDATES_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		oci_referrer *it = &into->items[into->n];

		if (n != AE_DIGEST_STR_LEN - 1)
			break;
		memset(it, 0, sizeof(*it));
		memcpy(it->desc.digest, p, n);
		snprintf(it->desc.artifact_type, sizeof(it->desc.artifact_type),
			 "%s", OCI_SIGSTORE_TYPE);
		if (!ae_digest_is_valid(it->desc.digest))
			break;
		into->n++;
		into->total++;
		p += n + 1;
	}
	ae_buf_dispose(&b);
	return 0;
}

/* Writes the candidates' digests to the record (best effort: a cache we
 * cannot write only costs the offline pull its signature). */
static void refs_record_write(const oci_referrers *r, const char *record)
{
	ae_buf b = AE_BUF_INIT(REFS_RECORD_MAX);
	ae_err ignored = {0};
	bool ok = true;

	for (size_t i = 0; ok && i < r->n; i++)
		if (r->items[i].state == OCI_REFERRER_CANDIDATE)
			ok = ae_buf_printf(&b, NULL, "%s\n",
					   r->items[i].desc.digest) == 0;
	/* empty when there is no candidate: offline, that reads as
	 * unsigned, while no record at all reads as not cached */
	if (!ok || ae_write_cache_entry(AT_FDCWD, record,
					b.data ? (const void *)b.data : "",
					b.len, 0644, &ignored) < 0)
		(void)unlink(record);
	ae_buf_dispose(&b);
}

/* Judges a fetched referrer manifest; "" when it is a Sigstore bundle
 * for `subject`, else why not. */
static const char *refs_judge(const oci_manifest *m, const char *subject)
{
	if (!m->has_subject || strcmp(m->subject.digest, subject) != 0)
		return "its subject is another artifact";
	if (strcmp(m->artifact_type, OCI_SIGSTORE_TYPE) != 0)
		return "its artifactType is not a Sigstore bundle";
	if (m->nlayers != 1)
		return "it does not have exactly one layer";
	if (m->layers[0].size > OCI_REFERRER_LAYER_MAX)
		return "its bundle is over the 10 MiB cap";
	return "";
}

/* What the fetch of a referrer's manifest or bundle said, as a reason. */
static void refs_fetch_why(oci_referrer *it, const char *what, int rc,
			   const ae_err *e)
{
	snprintf(it->why, sizeof(it->why), "%s %s: %.100s", what,
		 rc == AE_ENOTFOUND    ? "not found"
		 : rc == AE_EVERIFY    ? "does not match its digest"
		 : rc == AE_ETRANSIENT ? "could not be fetched (transient)"
				       : "could not be read",
		 e->msg);
}

/* Fetches and judges one signature; `*spent` counts bundle bytes. */
static int refs_try(oci_referrer *it, const char *subject,
		    oci__fetch_small_fn fetch, void *ctx, size_t *spent,
		    ae_err *err)
{
	ae_buf m = AE_BUF_INIT(OCI_REFERRER_MANIFEST_MAX), b;
	oci_manifest man;
	const char *why;
	ae_err e = {0};
	int rc;

	it->state = OCI_REFERRER_SKIPPED;
	rc = fetch(&m, ctx, "manifests", it->desc.digest, 0, false,
		   OCI_REFERRER_MANIFEST_MAX, OCI_MT_MANIFEST, &e);
	if (rc < 0) {
		refs_fetch_why(it, "manifest", rc, &e);
		return rc == AE_ERR ? ae_fail(err, rc, "%s", e.msg) : rc;
	}
	rc = oci_manifest_parse(&man, m.data, m.len, &e);
	ae_buf_dispose(&m);
	why = rc < 0 ? "its manifest is not an OCI image manifest"
		     : refs_judge(&man, subject);
	if (why[0] != '\0') {
		snprintf(it->why, sizeof(it->why),
			 "not a signature of this "
			 "artifact: %s",
			 why);
		return 0;
	}
	if (*spent + man.layers[0].size > OCI_REFERRER_BUNDLES_MAX) {
		it->state = OCI_REFERRER_UNTRIED;
		snprintf(it->why, sizeof(it->why),
			 "not fetched: the signatures of one artifact are "
			 "capped at %u bytes",
			 OCI_REFERRER_BUNDLES_MAX);
		return 0;
	}
	rc = fetch(&b, ctx, "blobs", man.layers[0].digest, man.layers[0].size,
		   true, OCI_REFERRER_LAYER_MAX, NULL, &e);
	if (rc < 0) {
		refs_fetch_why(it, "bundle", rc, &e);
		return rc == AE_ERR ? ae_fail(err, rc, "%s", e.msg) : rc;
	}
	*spent += b.len;
	it->bundle = ae_buf_detach(&b, &it->bundle_len);
	if (it->bundle == NULL) /* an empty layer */
		it->bundle = calloc(1, 1);
	it->state = OCI_REFERRER_CANDIDATE;
	return it->bundle ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* True iff a listed referrer may be a signature: its artifactType says so,
 * or it gives none (the manifest then decides). */
static bool refs_maybe_signature(const oci_referrer *it)
{
	return it->desc.artifact_type[0] == '\0' ||
	       strcmp(it->desc.artifact_type, OCI_SIGSTORE_TYPE) == 0;
}

/* Fetches and judges the signatures of the list, in order, within the
 * bounds. AE_ETRANSIENT when no candidate came out and one failed
 * transiently (`first` holds why). */
static int refs_judge_all(oci_referrers *r, oci_client *c, const char *subject,
			  oci__fetch_small_fn fetch, void *ctx, ae_err *err)
{
	size_t tried = 0, spent = 0, found = 0;
	ae_err first = {0};
	int rc;

	for (size_t i = 0; i < r->n; i++) {
		oci_referrer *it = &r->items[i];

		if (!refs_maybe_signature(it))
			continue; /* OCI_REFERRER_OTHER */
		if (c != NULL && ae_deadline_left_ms(c->deadline) == 0)
			r->too_slow = true;
		if (r->too_slow) {
			it->state = OCI_REFERRER_UNTRIED;
			snprintf(it->why, sizeof(it->why),
				 "not fetched: referrers too slow (the time "
				 "budget for the signatures ran out)");
			continue;
		}
		if (tried == OCI_REFERRER_CANDIDATES_MAX) {
			it->state = OCI_REFERRER_UNTRIED;
			snprintf(it->why, sizeof(it->why),
				 "not fetched: %d signatures are tried at "
				 "most",
				 OCI_REFERRER_CANDIDATES_MAX);
			continue;
		}
		tried++;
		rc = refs_try(it, subject, fetch, ctx, &spent, err);
		if (rc == AE_ERR)
			return rc;
		if (rc == AE_ETRANSIENT && c != NULL &&
		    ae_deadline_left_ms(c->deadline) == 0)
			r->too_slow = true;
		if (rc == AE_ETRANSIENT && first.msg[0] == '\0')
			ae_fail(&first, rc, "signature referrer %s: %s",
				it->desc.digest, it->why);
		found += it->state == OCI_REFERRER_CANDIDATE;
	}
	if (found == 0 && r->too_slow)
		return ae_fail(err, AE_ETRANSIENT,
			       "registry %s: referrers too slow: no signature "
			       "could be fetched within the time budget "
			       "(transient: retry later, or raise --timeout)",
			       c->host);
	if (found == 0 && first.msg[0] != '\0')
		return ae_fail(err, AE_ETRANSIENT, "%s", first.msg);
	return 0;
}

int oci__referrers_collect(oci_referrers **out, oci_client *c,
			   const char *subject, const char *record,
			   oci__fetch_small_fn fetch, void *ctx, ae_err *err)
{
	oci_referrers *r = NULL;
	int rc;

	*out = NULL;
	if (c != NULL) {
		rc = oci_referrers_list(&r, c, subject, err);
	} else {
		rc = oci_referrers_new(&r, err);
		if (rc == 0)
			rc = refs_record_read(r, record, subject, err);
	}
	if (rc == 0 && c != NULL) {
		/* the candidates share one budget: the caller's deadline when
		 * it set one, else OCI_REFERRERS_TIME_MS from now */
		ae_deadline saved = c->deadline;

		snprintf(r->registry, sizeof(r->registry), "%s", c->host);
		if (c->deadline.at_ms == 0)
			c->deadline = ae_deadline_in(OCI_REFERRERS_TIME_MS);
		rc = refs_judge_all(r, c, subject, fetch, ctx, err);
		c->deadline = saved;
	} else if (rc == 0) {
		rc = refs_judge_all(r, NULL, subject, fetch, ctx, err);
	}
	if (rc == 0 && c != NULL)
		refs_record_write(r, record);
	if (rc < 0) {
		oci_referrers_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
