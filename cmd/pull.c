/* cmd/pull.c -- `aicr-evidence pull REF --to DIR`: fetch a bundle by digest
 *
 * REF must carry @sha256:... (reference §8.3: tag-only references are
 * refused before any network I/O unless --allow-unpinned-tag). The
 * artifact goes through the content-addressed cache (--cache, default
 * $XDG_CACHE_HOME/aicr-evidence), every byte verified, and DIR receives
 * the bundle tree plus attestation.intoto.jsonl, in the bundle's summary
 * root (DIR, or DIR/summary-bundle when the artifact holds its tree
 * there), when a signature referrer exists. --offline reads the cache only
 * and never creates a client.
 */
#include "cmd/cmd.h"

#include <string.h>

static void pull_usage(FILE *f)
{
	fputs("usage: aicr-evidence pull REF --to DIR [--cache DIR] "
	      "[--offline]\n"
	      "       [--allow-unpinned-tag] [--format text|json] [-o FILE] "
	      "[registry flags]\n\n"
	      "Pull an evidence artifact by digest, verify every blob, and "
	      "extract it\ninto DIR (which must not exist), with its signature "
	      "referrer as\nattestation.intoto.jsonl in the bundle's summary "
	      "root (DIR, or\nDIR/summary-bundle when the artifact holds its "
	      "tree there).\n\n",
	      f);
	cmd_registry_help(f);
}

typedef struct pull_args {
	const char *ref;
	const char *to;
	const char *cache;
	const char *format;
	const char *output;
	bool offline;
	bool allow_unpinned;
	cmd_registry_flags reg;
} pull_args;

static int pull_parse(pull_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--to", &a->to},
		{"--cache", &a->cache},
		{"--format", &a->format},
		{"-o", &a->output},
		{NULL, NULL},
	};

	for (int i = 1; i < argc; i++) {
		int r = cmd_registry_flag(&a->reg, argc, argv, &i);
		if (r == 0)
			r = cmd_flag_take(valued, argc, argv, &i);
		if (r < 0)
			return cmd_usage_error("pull", "%s needs a value",
					       argv[i]);
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--offline") == 0)
			a->offline = true;
		else if (strcmp(argv[i], "--allow-unpinned-tag") == 0)
			a->allow_unpinned = true;
		else if (argv[i][0] == '-')
			return cmd_usage_error("pull", "unknown flag '%s'",
					       argv[i]);
		else if (a->ref == NULL)
			a->ref = argv[i];
		else
			return cmd_usage_error("pull", "one REF only");
	}
	/* --to= (or --to "") names no directory: a usage error, as push's
	 * empty --to is, rather than a failure after the download. */
	if (a->ref == NULL || a->to == NULL || a->to[0] == '\0')
		return cmd_usage_error("pull", "pull needs REF and --to DIR");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("pull", "--format is text or json");
	if (a->offline && a->allow_unpinned)
		return cmd_usage_error("pull", "--offline needs a pinned REF");
	return cmd_registry_check(&a->reg, "pull");
}

static int pull_report(const pull_args *a, const oci_ref *ref,
		       const char *digest, const oci_pull_result *res,
		       ae_err *err)
{
	cmd_esc_set e = {0};
	cmd_output o;

	cmd_output_init(&o, a->output);
	if (strcmp(a->format, "json") == 0)
		cmd_output_printf(
			&o,
			"{\"reference\":\"%s/%s@%s\",\"digest\":\"%s\","
			"\"dir\":\"%s\",\"signed\":%s,\"referrer\":%s%s%s}\n",
			ref->registry, ref->repo, digest, digest, a->to,
			res->signed_ ? "true" : "false",
			res->signed_ ? "\"" : "",
			res->signed_ ? res->referrer_digest : "null",
			res->signed_ ? "\"" : "");
	else
		cmd_output_printf(&o, "pulled %s/%s@%s into %s (%s)\n",
				  cmd_esc(&e, ref->registry),
				  cmd_esc(&e, ref->repo), digest,
				  cmd_esc(&e, a->to),
				  res->signed_ ? "signature referrer attached"
					       : "unsigned: no referrer");
	cmd_esc_free(&e);
	return cmd_output_close(&o, err);
}

int cmd_pull(int argc, char **argv)
{
	pull_args a = {.format = "text"};
	oci_pull_result res;
	oci_client *c = NULL;
	oci_ref ref;
	ae_err err = {0};
	char cache[4096], digest[AE_DIGEST_STR_LEN], root[4200];
	int rc, usage;

	if (cmd_wants_help(argc, argv)) {
		pull_usage(stdout);
		return cmd_exit_code(CMD_OK);
	}
	usage = pull_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.ref, &err) < 0 ||
	    oci_ref_require_pinned(&ref, a.allow_unpinned, &err) < 0)
		return cmd_usage_error("pull", "%s", err.msg);
	rc = a.cache ? 0 : oci_cache_default(cache, sizeof(cache), &err);
	if (rc == 0 && a.cache)
		snprintf(cache, sizeof(cache), "%s", a.cache);
	if (rc == 0 && !a.offline)
		rc = cmd_registry_client(&c, &ref, &a.reg, false, &err);
	snprintf(digest, sizeof(digest), "%s", ref.digest);
	if (rc == 0 && digest[0] == '\0')
		rc = oci_tag_resolve(digest, c, ref.tag[0] ? ref.tag : "latest",
				     &err);
	if (rc == 0)
		rc = oci_pull(&res, c, digest, cache, a.to, &err);
	if (rc == 0) {
		rc = cmd_pulled_root(root, sizeof(root), a.to, res.signed_,
				     &err);
		if (rc == 0)
			rc = pull_report(&a, &ref, digest, &res, &err);
		/* No signature in place or no report, no pull: DIR did not
		 * exist before (oci_pull refuses one that does), so the
		 * whole tree is ours. */
		if (rc < 0)
			cmd_scratch_remove(a.to);
	}
	if (rc < 0)
		cmd_error(a.ref, &err);
	oci_client_free(c);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
