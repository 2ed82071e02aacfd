/* cmd/referrers.c -- `aicr-evidence referrers REF`: what is attached to an
 * artifact, like `oras discover`
 *
 * Lists the referrers of REF's manifest -- the referrers API, else the
 * OCI 1.1 sha256-<hex> tag's index where the registry has none -- with
 * their artifact types, digests and sizes. Nothing is fetched beyond the
 * listing and nothing is verified: it is what the registry says, which is
 * why a tag is accepted here (resolved once, the digest printed) while
 * pull and verify want a pin. `pull`, `verify` and `check
 * --verify-signatures` consider the same list (cmd/choose.c).
 */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct referrers_args {
	const char *ref;
	const char *format;
	const char *output;
	cmd_registry_flags reg;
} referrers_args;

static int referrers_parse(referrers_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--format", &a->format},
		{"-o", &a->output},
		{NULL, NULL},
	};

	for (int i = 1; i < argc; i++) {
		const char *f = argv[i];
		int r = cmd_registry_flag(&a->reg, argc, argv, &i);

		if (r == 0)
			r = cmd_flag_take(valued, argc, argv, &i);
		if (r < 0)
			return cmd_usage_error("referrers", "%s needs a value",
					       f);
		if (r > 0)
			continue;
		if (f[0] == '-')
			return cmd_usage_error("referrers", "unknown flag '%s'",
					       f);
		if (a->ref != NULL)
			return cmd_usage_error("referrers", "one REF only");
		a->ref = f;
	}
	if (a->ref == NULL)
		return cmd_usage_error("referrers", "referrers needs REF");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("referrers", "--format is text or json");
	return cmd_registry_check(&a->reg, "referrers");
}

/* {"reference","digest","source","total","truncated","manifests":[...]}
 * (oras discover's "manifests" entries: digest, mediaType,
 * artifactType, size). */
static int referrers_json(cmd_output *o, const char *refbuf, const char *digest,
			  const oci_referrers *r)
{
	json_t *list = json_array(), *root;
	char *text;
	int rc = AE_ERR;

	for (size_t i = 0; list != NULL && i < r->n; i++) {
		const oci_desc *d = &r->items[i].desc;
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:I}", "digest",
					d->digest, "mediaType", d->media_type,
					"artifactType", d->artifact_type,
					"size", (json_int_t)d->size));
	}
	root = json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}", "reference", refbuf,
			 "digest", digest, "source",
			 r->api ? "referrers-api" : "tag-schema", "total",
			 (json_int_t)r->total, "truncated", r->truncated,
			 "manifests", list);
	text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		    : NULL;
	if (text != NULL)
		rc = cmd_output_printf(o, "%s\n", text);
	free(text);
	json_decref(root);
	return rc;
}

/* REF@digest, then one line per referrer: artifact type, digest, size. */
static int referrers_text(cmd_output *o, const char *refbuf,
			  const oci_referrers *r)
{
	cmd_esc_set e = {0};
	int rc;

	rc = cmd_output_printf(o, "%s (%zu referrer%s, from the %s)\n", refbuf,
			       r->total, r->total == 1 ? "" : "s",
			       r->api ? "referrers API" : "sha256-<hex> tag");
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		const oci_desc *d = &r->items[i].desc;
		rc = cmd_output_printf(o, "  %s  %s  %llu\n",
				       d->artifact_type[0]
					       ? cmd_esc(&e, d->artifact_type)
					       : "(no artifactType)",
				       d->digest, (unsigned long long)d->size);
		cmd_esc_free(&e);
	}
	if (rc == 0 && (r->total > r->n || r->truncated))
		rc = cmd_output_printf(o, "  ... the listing goes on past the "
					  "bound read\n");
	return rc;
}

int cmd_referrers(int argc, char **argv)
{
	referrers_args a = {NULL, "text", NULL, {0}};
	oci_referrers *r = NULL;
	oci_client *c = NULL;
	oci_ref ref;
	cmd_output o;
	ae_err err = {0};
	char digest[AE_DIGEST_STR_LEN], refbuf[1200];
	int rc, usage;

	if (cmd_wants_help(argc, argv)) {
		cmd_help_print(stdout, "referrers");
		return cmd_exit_code(CMD_OK);
	}
	usage = referrers_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.ref, &err) < 0)
		return cmd_usage_error("referrers", "%s", err.msg);
	rc = cmd_registry_client(&c, &ref, &a.reg, false, &err);
	snprintf(digest, sizeof(digest), "%s", ref.digest);
	if (rc == 0 && digest[0] == '\0')
		rc = oci_tag_resolve(digest, c, ref.tag[0] ? ref.tag : "latest",
				     &err);
	if (rc == 0)
		rc = oci_referrers_list(&r, c, digest, &err);
	if (rc == 0) {
		snprintf(refbuf, sizeof(refbuf), "%s/%s@%s", ref.registry,
			 ref.repo, digest);
		cmd_output_init(&o, a.output);
		rc = strcmp(a.format, "json") == 0
			     ? referrers_json(&o, refbuf, digest, r)
			     : referrers_text(&o, refbuf, r);
		if (rc < 0) {
			ae_fail(&err, rc, "cannot format the listing");
			ae_buf_dispose(&o.buf);
		} else {
			rc = cmd_output_close(&o, &err);
		}
	}
	if (rc < 0)
		cmd_error(a.ref, &err);
	oci_referrers_free(r);
	oci_client_free(c);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
