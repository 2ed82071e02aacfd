/* cmd/push.c -- `aicr-evidence push OUT --to REF`: the push leg
 *
 * oci_bundle_push (oci/push_bundle.c) packs and pushes the bundle and its
 * signature referrer. Without a tag in REF the tag is the one
 * OUT/pointer.yaml names for this artifact in the repository
 * (ld_pointer_tag), else `<recipe>-<32 hex of the artifact digest>`
 * (ld_bundle_tag: the recipe name the bundle's predicate records,
 * never free text), the rule sign and emit use too.
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
				     "one OUT directory only",
				     false};
	int rc = cmd_registry_args(&p, argc, argv);

	if (rc != 0)
		return rc;
	if (a->out == NULL || a->to == NULL)
		return cmd_usage_error("push", "push needs OUT and --to REF");
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return cmd_usage_error("push", "--format is text or json");
	return cmd_registry_check(&a->reg, "push");
}

/* What the push hooks need: OUT and the registry flags. */
typedef struct push_ctx {
	const char *dir;
	const cmd_registry_flags *reg;
} push_ctx;

/* The tag for a REF without one (issue 24 item 7, issue 20 item 5): the
 * one OUT/pointer.yaml names for this artifact in this repository, else
 * the one rule of ld_bundle_tag over the artifact digest -- which is
 * what sign and emit derive too. */
static int push_tag(char tag[129], const oci_ref *ref, const char *bundle,
		    const char *digest, void *ctx, ae_err *err)
{
	const push_ctx *p = ctx;
	int rc = ld_pointer_tag(tag, p->dir, ref, digest, err);

	if (rc < 0 || tag[0] != '\0')
		return rc;
	return ld_bundle_tag(tag, ref, bundle, digest, err);
}

static int push_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	const push_ctx *p = ctx;

	return cmd_registry_client(out, ref, p->reg, true, err);
}

int cmd_push_bundle(cmd_pushed *out, const char *dir, const char *to,
		    const cmd_registry_flags *reg, ae_err *err)
{
	push_ctx p = {dir, reg};
	oci_push_hooks h = {push_tag, push_client, &p};

	return oci_bundle_push(out, dir, to, &h, err);
}

void cmd_push_print_text(cmd_output *o, const cmd_pushed *r)
{
	oci_pushed_report(&o->buf, r, false, NULL);
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
