/* cmd/slug.c -- `aicr-evidence slug`: a signer's directory name
 *
 * Prints the source slug (SPEC §3, reference §2) so a contributor can see
 * where their pointers go, and a maintainer can write the `source:` of an
 * allowlist entry without ever committing the cleartext identity.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int slug_print(const char *issuer, const char *identity,
		      const char *slug, bool json, const char *outpath)
{
	cmd_output o;
	ae_err err = {0};
	char *text = NULL;
	json_t *j = NULL;

	cmd_output_init(&o, outpath);
	if (json) {
		j = json_pack("{s:s, s:s, s:s}", "issuer", issuer, "identity",
			      identity, "slug", slug);
		text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
		json_decref(j);
		if (text == NULL) {
			ae_fail(&err, AE_ERR, "out of memory");
			cmd_output_close(&o, NULL);
			cmd_error("slug", &err);
			return cmd_exit_code(CMD_ERROR);
		}
		cmd_output_printf(&o, "%s\n", text);
		free(text);
	} else {
		cmd_output_printf(&o, "%s\n", slug);
	}
	if (cmd_output_close(&o, &err) < 0) {
		cmd_error(outpath ? outpath : "stdout", &err);
		return cmd_exit_code(cmd_outcome_from_rc(err.code));
	}
	return cmd_exit_code(CMD_OK);
}

int cmd_slug(int argc, char **argv)
{
	const char *issuer = NULL, *identity = NULL, *format = "text";
	const char *outpath = NULL;
	const cmd_flag flags[] = {{"--issuer", &issuer},
				  {"--identity", &identity},
				  {"--format", &format},
				  {"-o", &outpath},
				  {NULL, NULL}};
	char slug[LD_SLUG_LEN + 1];
	ae_err err = {0};
	int npos = 0, rc;

	if (cmd_wants_help(argc, argv)) {
		cmd_help_print(stdout, "slug");
		return cmd_exit_code(CMD_OK);
	}
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
	if (ld_slug_from_signer(slug, issuer, identity, &err) < 0) {
		cmd_error("slug", &err);
		return cmd_exit_code(CMD_ERROR);
	}
	return slug_print(issuer, identity, slug, strcmp(format, "json") == 0,
			  outpath);
}
