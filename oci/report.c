/* oci/report.c -- the reports of `referrers` and `pull`, built into a
 * buffer that cmd/ prints
 *
 * `referrers REF` lists what is attached to an artifact, like `oras
 * discover`: the referrers API's or the sha256-<hex> tag's listing, with
 * artifact types, digests and sizes, nothing fetched beyond it and
 * nothing verified. `pull` says what it wrote and what became of each
 * referrer it considered. Text for people (every value a registry
 * supplied escaped), JSON for scripts.
 */
#include "oci/oci.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* Appends `root` (stolen: NULL is a failure) dumped with `flags` and a
 * newline; `what` names the report in the error. */
static int report_dump(ae_buf *out, json_t *root, size_t flags,
		       const char *what, ae_err *err)
{
	char *text = root ? json_dumps(root, flags) : NULL;
	int rc = text ? ae_buf_printf(out, NULL, "%s\n", text) : AE_ERR;

	free(text);
	json_decref(root);
	return rc < 0 ? ae_fail(err, rc, "cannot format the %s", what) : 0;
}

/* {"reference","digest","source","total","truncated","manifests":[...]}
 * (oras discover's "manifests" entries: digest, mediaType,
 * artifactType, size). */
static int referrers_json(ae_buf *out, const char *refbuf, const char *digest,
			  const oci_referrers *r, ae_err *err)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < r->n; i++) {
		const oci_desc *d = &r->items[i].desc;
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:I}", "digest",
					d->digest, "mediaType", d->media_type,
					"artifactType", d->artifact_type,
					"size", (json_int_t)d->size));
	}
	return report_dump(
		out,
		json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}", "reference", refbuf,
			  "digest", digest, "source",
			  r->api ? "referrers-api" : "tag-schema", "total",
			  (json_int_t)r->total, "truncated", r->truncated,
			  "manifests", list),
		JSON_INDENT(2) | JSON_PRESERVE_ORDER, "listing", err);
}

int oci_referrers_report(ae_buf *out, const char *ref, const char *digest,
			 const oci_referrers *r, bool json, ae_err *err)
{
	int rc;

	if (json)
		return referrers_json(out, ref, digest, r, err);
	/* REF@digest, then one line per referrer: artifact type, digest,
	 * size. */
	rc = ae_buf_printf(out, NULL, "%s (%zu referrer%s, from the %s)\n", ref,
			   r->total, r->total == 1 ? "" : "s",
			   r->api ? "referrers API" : "sha256-<hex> tag");
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		const oci_desc *d = &r->items[i].desc;

		rc = ae_buf_puts(out, "  ", NULL);
		if (rc == 0)
			rc = d->artifact_type[0]
				     ? ae_buf_put_esc_value(
					       out, d->artifact_type, NULL)
				     : ae_buf_puts(out, "(no artifactType)",
						   NULL);
		if (rc == 0)
			rc = ae_buf_printf(out, NULL, "  %s  %llu\n", d->digest,
					   (unsigned long long)d->size);
	}
	if (rc == 0 && (r->total > r->n || r->truncated))
		rc = ae_buf_puts(out,
				 "  ... the listing goes on past the bound "
				 "read\n",
				 NULL);
	return rc < 0 ? ae_fail(err, rc, "cannot format the listing") : 0;
}

/* One referrer as JSON for the report. */
static json_t *pull_referrer_json(const oci_referrer *it, bool chosen)
{
	const char *st = chosen ? "chosen" : oci_referrer_state_name(it->state);

	return json_pack("{s:s, s:s, s:I, s:s, s:s}", "digest", it->desc.digest,
			 "artifactType", it->desc.artifact_type, "size",
			 (json_int_t)it->desc.size, "state", st, "reason",
			 it->why);
}

static int pull_report_json(ae_buf *out, const char *refbuf, const char *digest,
			    const char *dir, const oci_pull_result *res,
			    size_t chosen, ae_err *err)
{
	const oci_referrers *r = res->referrers;
	json_t *list = json_array();

	for (size_t i = 0; r != NULL && i < r->n && list != NULL; i++)
		json_array_append_new(
			list, pull_referrer_json(&r->items[i], i == chosen));
	return report_dump(out,
			   json_pack("{s:s, s:s, s:s, s:b, s:s?, s:b, s:o}",
				     "reference", refbuf, "digest", digest,
				     "dir", dir, "signed", res->signed_,
				     "referrer",
				     res->signed_ ? res->referrer_digest : NULL,
				     "truncated", r != NULL && r->truncated,
				     "referrers", list),
			   JSON_COMPACT | JSON_PRESERVE_ORDER, "report", err);
}

int oci_pull_report(ae_buf *out, const oci_ref *ref, const char *digest,
		    const char *dir, const oci_pull_result *res, size_t chosen,
		    bool json, ae_err *err)
{
	const oci_referrers *r = res->referrers;
	char refbuf[1200];

	snprintf(refbuf, sizeof(refbuf), "%s/%s@%s", ref->registry, ref->repo,
		 digest);
	if (json)
		return pull_report_json(out, refbuf, digest, dir, res, chosen,
					err);
	ae_buf_printf(out, NULL, "pulled %s into ", refbuf);
	ae_buf_put_esc_value(out, dir, NULL);
	ae_buf_printf(out, NULL, " (%s)\n",
		      res->signed_ ? "signature referrer attached"
				   : "unsigned: no referrer");
	for (size_t i = 0; r != NULL && r->n > 1 && i < r->n; i++) {
		ae_buf_printf(out, NULL, "  referrer %s %s%s",
			      r->items[i].desc.digest,
			      i == chosen ? "chosen"
					  : oci_referrer_state_name(
						    r->items[i].state),
			      r->items[i].why[0] ? ": " : "");
		ae_buf_put_esc_value(out, r->items[i].why, NULL);
		ae_buf_puts(out, "\n", NULL);
	}
	if (r != NULL && r->truncated)
		ae_buf_puts(out,
			    "  the referrers listing was truncated at its "
			    "bound\n",
			    NULL);
	return 0;
}
