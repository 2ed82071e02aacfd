/* cmd/slug.c -- `aicr-evidence slug`: a signer's directory name
 *
 * Prints the source slug (SPEC §3, reference §2) so a contributor can see
 * where their pointers go, and a maintainer can write the `source:` of an
 * allowlist entry without ever committing the cleartext identity.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <string.h>

int cmd_slug(int argc, char **argv)
{
	const char *issuer = NULL, *identity = NULL, *format = "text";
	const char *outpath = NULL;
	const cmd_flag flags[] = {{"--issuer", &issuer},
				  {"--identity", &identity},
				  {"--format", &format},
				  {"-o", &outpath},
				  {NULL, NULL}};
	ae_err err = {0};
	cmd_output o;
	int npos = 0, rc;

	rc = cmd_args_parse("slug", argc, argv, flags, NULL, 0, &npos);
	if (rc != 0)
		return rc;
	if (issuer == NULL || identity == NULL)
		return cmd_usage_error("slug", "slug: --issuer and --identity "
					       "are required");
	if (issuer[0] == '\0' || identity[0] == '\0')
		return cmd_usage_error("slug", "slug: --issuer and --identity "
					       "must not be empty");
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error("slug",
				       "slug: --format must be text or json");
	if (strcmp(format, "json") == 0 &&
	    (!ae_utf8_valid(issuer, strlen(issuer)) ||
	     !ae_utf8_valid(identity, strlen(identity))))
		return cmd_usage_error("slug",
				       "slug: --format json needs "
				       "--issuer and --identity in UTF-8");
	cmd_output_init(&o, outpath);
	rc = ld_slug_render(&o.buf, issuer, identity,
			    strcmp(format, "json") == 0, &err);
	/* a slug that cannot be made is the command's failure, a report that
	 * cannot be written the output's */
	return cmd_exit_code(
		cmd_output_end(&o, rc, &err, rc < 0 ? "slug" : NULL));
}
