/* cmd/referrers.c -- `aicr-evidence referrers REF`: what is attached to an
 * artifact, like `oras discover`
 *
 * Lists the referrers of REF's manifest -- the referrers API, else the
 * OCI 1.1 sha256-<hex> tag's index where the registry has none -- with
 * their artifact types, digests and sizes. Nothing is fetched beyond the
 * listing and nothing is verified: it is what the registry says, which is
 * why a tag is accepted here (resolved once, the digest printed) while
 * pull and verify want a pin. `pull`, `verify` and `check
 * --verify-signatures` consider the same list (ledger/choose.c). The
 * report is oci_referrers_report's (oci/report.c).
 */
#include "cmd/cmd.h"

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
	const cmd_registry_argv p = {"referrers",   valued,  NULL,
				     &a->reg,	    &a->ref, "unknown flag",
				     "one REF only"};
	int rc = cmd_registry_args(&p, argc, argv);

	if (rc != 0)
		return rc;
	if (a->ref == NULL)
		return cmd_usage_error("referrers", "referrers needs REF");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("referrers", "--format is text or json");
	return cmd_registry_check(&a->reg, "referrers");
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

	usage = referrers_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.ref, &err) < 0)
		return cmd_usage_error("referrers", "%s", err.msg);
	rc = cmd_registry_client(&c, &ref, &a.reg, false, &err);
	if (rc == 0)
		rc = oci_ref_digest(digest, c, &ref, &err);
	if (rc == 0)
		rc = oci_referrers_list(&r, c, digest, &err);
	if (rc == 0) {
		snprintf(refbuf, sizeof(refbuf), "%s/%s@%s", ref.registry,
			 ref.repo, digest);
		cmd_output_init(&o, a.output);
		rc = oci_referrers_report(&o.buf, refbuf, digest, r,
					  strcmp(a.format, "json") == 0, &err);
		if (rc < 0)
			ae_buf_dispose(&o.buf);
		else
			rc = cmd_output_close(&o, &err);
	}
	if (rc < 0)
		cmd_error(a.ref, &err);
	oci_referrers_free(r);
	oci_client_free(c);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
