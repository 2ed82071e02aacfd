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
 *
 * The sequence is ld_pull's (ledger/pull.c). Every referrer is considered
 * (oci_pull); when several are signatures of the artifact, the one
 * written is the first that verifies for the expected signer
 * (ld_pull_choose, ledger/pull_choose.c), and the report lists the
 * others (issue 23 item 5).
 */
#include "cmd/cmd.h"

#include <stdlib.h>
#include <string.h>

typedef struct pull_args {
	const char *ref;
	const char *format;
	const char *output;
	ld_pull_choice ch; /* --to, --cache, --expected-*, --trusted-root */
	bool offline;
	bool allow_unpinned;
	cmd_registry_flags reg;
} pull_args;

static int pull_parse(pull_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--to", &a->ch.to},
		{"--cache", &a->ch.cache},
		{"--format", &a->format},
		{"-o", &a->output},
		{"--expected-issuer", &a->ch.expected_issuer},
		{"--expected-identity-regexp", &a->ch.expected_identity_re},
		{"--trusted-root", &a->ch.trusted_root},
		{NULL, NULL},
	};
	const cmd_switch switches[] = {
		{"--offline", &a->offline},
		{"--allow-unpinned-tag", &a->allow_unpinned},
		{NULL, NULL},
	};
	const cmd_registry_argv p = {"pull",	    valued,  switches,
				     &a->reg,	    &a->ref, "unknown flag",
				     "one REF only"};
	int rc = cmd_registry_args(&p, argc, argv);

	if (rc != 0)
		return rc;
	/* --to= (or --to "") names no directory: a usage error, as push's
	 * empty --to is, rather than a failure after the download. */
	if (a->ref == NULL || a->ch.to == NULL || a->ch.to[0] == '\0')
		return cmd_usage_error("pull", "pull needs REF and --to DIR");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("pull", "--format is text or json");
	if (a->offline && a->allow_unpinned)
		return cmd_usage_error("pull", "--offline needs a pinned REF");
	return cmd_registry_check(&a->reg, "pull");
}

static int pull_report(const pull_args *a, const oci_ref *ref,
		       const ld_pulled *p, ae_err *err)
{
	cmd_output o;
	int rc;

	cmd_output_init(&o, a->output);
	rc = oci_pull_report(&o.buf, ref, p->digest, a->ch.to, &p->res,
			     p->chosen, strcmp(a->format, "json") == 0, err);
	if (rc == 0)
		return cmd_output_close(&o, err);
	ae_buf_dispose(&o.buf);
	return rc;
}

static int pull_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	return cmd_registry_client(out, ref, ctx, false, err);
}

int cmd_pull(int argc, char **argv)
{
	pull_args a = {.format = "text"};
	ld_pulled p;
	oci_ref ref;
	ae_err err = {0};
	int rc, usage;

	usage = pull_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.ref, &err) < 0 ||
	    oci_ref_require_pinned(&ref, a.allow_unpinned, &err) < 0)
		return cmd_usage_error("pull", "%s", err.msg);
	rc = ld_pull(&p, &ref, &a.ch, a.offline, pull_client, &a.reg, &err);
	cmd_trust_note(&p.trust);
	/* No report, no pull: DIR is ours alone (ld_pull) */
	if (rc == 0 && (rc = pull_report(&a, &ref, &p, &err)) < 0)
		ld_scratch_remove(a.ch.to);
	if (rc < 0)
		cmd_error(a.ref, &err);
	ld_pulled_dispose(&p);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
