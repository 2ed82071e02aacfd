/* cmd/push.c -- `aicr-evidence push OUT --to REF`: the push leg
 *
 * ld_push (ledger/push.c) packs and pushes the bundle and its signature
 * referrer (oci_bundle_push). Without a tag in REF the tag is the one
 * OUT/pointer.yaml names for this artifact in the repository
 * (ld_pointer_tag), else `<recipe>-<32 hex of the artifact digest>`
 * (ld_bundle_tag: the recipe name the bundle's predicate records,
 * never free text), the rule sign and emit use too. Here: argv, the
 * registry client and the printing.
 */
#include "cmd/cmd.h"
#include "ledger/ledger.h"

#include <string.h>

typedef struct push_args {
	const char *out;
	const char *to;
	const char *format;
	const char *output;
	cmd_registry_flags reg;
} push_args;

static int push_parse(push_args *a, int argc, char **argv)
{
	const cmd_flag valued[] = {
		{"--to", &a->to},
		{"--format", &a->format},
		{"-o", &a->output},
		{NULL, NULL},
	};
	const cmd_registry_argv p = {"push",
				     valued,
				     NULL,
				     &a->reg,
				     &a->out,
				     "unknown flag",
				     "one OUT directory only"};
	int rc = cmd_registry_args(&p, argc, argv);

	if (rc != 0)
		return rc;
	if (a->out == NULL || a->to == NULL)
		return cmd_usage_error("push", "push needs OUT and --to REF");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("push", "--format is text or json");
	return cmd_registry_check(&a->reg, "push");
}

static int push_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	return cmd_registry_client(out, ref, ctx, true, err);
}

int cmd_push_bundle(cmd_pushed *out, const char *dir, const char *to,
		    const cmd_registry_flags *reg, ae_err *err)
{
	return ld_push(out, dir, to, push_client, (void *)reg, err);
}

int cmd_push(int argc, char **argv)
{
	push_args a = {.format = "text"};
	cmd_pushed r;
	cmd_output o;
	oci_ref ref;
	ae_err err = {0};
	int rc, usage;

	usage = push_parse(&a, argc, argv);
	if (usage != 0)
		return usage;
	if (oci_ref_parse(&ref, a.to, &err) < 0)
		return cmd_usage_error("push", "--to: %s", err.msg);
	rc = cmd_push_bundle(&r, a.out, a.to, &a.reg, &err);
	if (rc == 0) {
		cmd_output_init(&o, a.output);
		oci_pushed_report(&o.buf, &r, strcmp(a.format, "json") == 0,
				  NULL);
		rc = cmd_output_close(&o, &err);
	}
	if (rc < 0)
		cmd_error(r.what, &err);
	return cmd_exit_code(rc < 0 ? cmd_outcome_from_rc(rc) : CMD_OK);
}
