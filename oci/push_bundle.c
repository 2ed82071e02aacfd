/* oci/push_bundle.c -- the push leg of `push OUT --to REF` and `emit
 * --push`
 *
 * Packs OUT/summary-bundle into the deterministic artifact (SPEC §3), pushes
 * it, and pushes OUT/summary-bundle/attestation.intoto.jsonl, when present,
 * as its signature referrer. The digest is known before the first request,
 * so a REF carrying @sha256:... must match it (a pointer signed offline
 * names it). Without a tag in REF the caller's rule names one from the
 * artifact digest (cmd/push.c: the tag OUT/pointer.yaml names, else
 * oci_tag_derive's), so the pointer names the tag that was pushed and
 * different artifacts never share a tag.
 */
#include "oci/oci.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The bundle directory: OUT/summary-bundle, or OUT itself when it holds
 * recipe.yaml (reference §5.2 markers). */
static void push_bundle_dir(char *out, size_t outsz, const char *dir)
{
	struct stat st;

	snprintf(out, outsz, "%s/summary-bundle", dir);
	if (lstat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	snprintf(out, outsz, "%s", dir);
}

/* Pushes the attestation, if any, as the referrer. */
static int push_referrer(char digest[AE_DIGEST_STR_LEN], oci_client *c,
			 const char *bundle, const oci_artifact *art,
			 ae_err *err)
{
	char path[4200];
	ae_buf b = AE_BUF_INIT(OCI_REFERRER_LAYER_MAX);
	int rc;

	digest[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", bundle, OCI_ATTESTATION_FILE);
	rc = ae_read_file(&b, AT_FDCWD, path, OCI_REFERRER_LAYER_MAX, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc == 0)
		rc = oci_referrer_push(digest, c, art->manifest_digest,
				       art->manifest_len, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

int oci_bundle_push(oci_pushed *out, const char *dir, const char *to,
		    const oci_push_hooks *h, ae_err *err)
{
	oci_ref ref;
	oci_artifact *art = NULL;
	oci_client *c = NULL;
	char *bundle = out->bundle;
	int rc;

	memset(out, 0, sizeof(*out));
	out->what = to;
	rc = oci_ref_parse(&ref, to, err);
	if (rc < 0)
		return rc;
	push_bundle_dir(bundle, sizeof(out->bundle), dir);
	out->what = bundle;
	/* A REF pinned by digest, or one without a tag (the tag is derived
	 * from the digest), needs the digest before the upload; otherwise the
	 * layer is hashed as it goes up (one read, not two). */
	rc = ref.digest[0] || !ref.tag[0]
		     ? oci_artifact_build(&art, bundle, err)
		     : oci_artifact_open(&art, bundle, err);
	if (rc < 0)
		goto done;
	out->what = to;
	if (ref.digest[0] && strcmp(ref.digest, art->manifest_digest) != 0) {
		rc = ae_fail(err, AE_EVERIFY,
			     "the bundle packs to %s, not the digest in the "
			     "reference",
			     art->manifest_digest);
		goto done;
	}
	if (ref.tag[0] != '\0')
		memcpy(out->tag, ref.tag, sizeof(ref.tag));
	else
		rc = h->tag(out->tag, &ref, bundle, art->manifest_digest,
			    h->ctx, err);
	if (rc == 0)
		rc = h->client(&c, &ref, h->ctx, err);
	if (rc == 0)
		rc = oci_artifact_push(c, art, out->tag, err);
	if (rc == 0)
		rc = push_referrer(out->referrer, c, bundle, art, err);
	if (rc == 0) {
		snprintf(out->digest, sizeof(out->digest), "%s",
			 art->manifest_digest);
		snprintf(out->tagged, sizeof(out->tagged), "%s/%s:%s",
			 ref.registry, ref.repo, out->tag);
		out->size = art->manifest_len;
	}
done:
	oci_client_free(c);
	oci_artifact_free(art);
	return rc;
}

int oci_pushed_report(ae_buf *out, const oci_pushed *r, bool json, ae_err *err)
{
	if (json)
		return ae_buf_printf(out, err,
				     "{\"reference\":\"%s@%s\","
				     "\"digest\":\"%s\",\"tag\":\"%s\","
				     "\"size\":%zu,\"referrer\":%s%s%s}\n",
				     r->tagged, r->digest, r->digest, r->tag,
				     r->size, r->referrer[0] ? "\"" : "",
				     r->referrer[0] ? r->referrer : "null",
				     r->referrer[0] ? "\"" : "");
	ae_buf_puts(out, "pushed ", NULL);
	ae_buf_put_esc_value(out, r->tagged, NULL);
	return ae_buf_printf(out, err, "@%s\n%s%s%s", r->digest,
			     r->referrer[0] ? "signature referrer " : "",
			     r->referrer, r->referrer[0] ? "\n" : "");
}
