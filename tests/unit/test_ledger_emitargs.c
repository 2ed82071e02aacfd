/* tests/unit/test_ledger_emitargs.c -- `emit`'s command line checked
 * before any file is read, and its notices (ledger/emit_args.c), reached
 * before only through `emit` e2e runs
 */
#include "ledger/ledger.h"
#include "tests/unit/t.h"

#include <stdio.h>

/* A complete command line's options: --recipe, --snapshot, one --ctrf,
 * -o. */
static void emit_ok(ev_emit_opts *o, ld_emit_args *a)
{
	*o = (ev_emit_opts)EV_EMIT_OPTS_INIT;
	o->recipe_path = "r.yaml";
	o->snapshot_path = "s.yaml";
	o->nctrf = 1;
	o->out_dir = "out";
	*a = (ld_emit_args){.format = "text"};
}

void test_ledger_emitargs__the_first_problem_is_the_one_named(void)
{
	ev_emit_opts o;
	ld_emit_args a;
	ae_err err = {0};

	emit_ok(&o, &a);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), 0);
	T_ASSERT(a.ref == NULL);
	/* a missing input before a bad format, a bad format before a bad
	 * policy, the policy before the references */
	o.nctrf = 0;
	a.format = "yaml";
	a.policy = "none";
	a.sign = true;
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "emit needs --recipe, --snapshot, --ctrf and -o");
	o.nctrf = 2;
	ae_err_clear(&err);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--format must be text or json");
	a.format = "json";
	o.out_dir = "out\xff";
	ae_err_clear(&err);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--format json needs an output path in UTF-8");
	o.out_dir = "out";
	ae_err_clear(&err);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--policy is minimal or reference-v4");
	a.policy = "reference-v4";
	ae_err_clear(&err);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--sign needs the reference the bundle goes "
			      "to: --ref REF or --push REF");
	T_ASSERT_INT(o.policy, EV_REDACT_REFERENCE_V4);
}

void test_ledger_emitargs__ref_push_and_the_registry_flags(void)
{
	ev_emit_opts o;
	ld_emit_args a;
	ae_err err = {0};

	emit_ok(&o, &a);
	a.push = "reg.test/r:t";
	a.sign = true;
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), 0);
	T_ASSERT_STR(a.ref, "reg.test/r:t"); /* --push is the reference */
	a.ref = "reg.test/r:t";		     /* the same words: fine */
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), 0);
	a.ref = "reg.test/other";
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--ref and --push disagree");
	emit_ok(&o, &a);
	a.ref = "reg.test/r"; /* sign for a reference, push nothing */
	a.sign = true;
	T_ASSERT_INT(ld_emit_args_check(&a, &o, NULL), 0);
	a.registry_flags = true;
	ae_err_clear(&err);
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "registry flags need --push REF");
	a.push = "reg.test/r";
	T_ASSERT_INT(ld_emit_args_check(&a, &o, NULL), 0);
}

void test_ledger_emitargs__a_profile_is_one_name_and_value(void)
{
	ev_emit_opts o;
	ld_emit_args a;
	ae_err err = {0};

	emit_ok(&o, &a);
	o.profile = "gpu=h100";
	T_ASSERT_INT(ld_emit_args_check(&a, &o, NULL), 0);
	o.profile = "gpu";
	T_ASSERT_INT(ld_emit_args_check(&a, &o, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--profile must be NAME=VALUE, each "
			      "[A-Za-z0-9._-]+");
	o.profile = "gpu=h 100";
	T_ASSERT_INT(ld_emit_args_check(&a, &o, NULL), AE_EINVAL);
}

void test_ledger_emitargs__notices_say_what_goes_public(void)
{
	ev_emit_result r;
	ae_buf b = AE_BUF_INIT(1u << 16);

	memset(&r, 0, sizeof(r));
	T_ASSERT_INT(ld_emit_notices(&b, "r.yaml", &r, NULL), 0);
	T_ASSERT_INT(b.len, 0);
	r.nrecipe_extras = 2;
	snprintf(r.recipe_extras, sizeof(r.recipe_extras), "a, b");
	r.ctrf_duplicates = 1;
	T_ASSERT_INT(ld_emit_notices(&b, "r.yaml", &r, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "aicr-evidence: warning: r.yaml: 2 field(s) beyond the "
		     "reference's recipe schema will be published with "
		     "recipe.yaml: a, b\n"
		     "hint: remove them from the recipe, or emit with --strict "
		     "to refuse such a recipe\n"
		     "aicr-evidence: note: 1 CTRF report(s) given more than "
		     "once were counted once\n");
	ae_buf_dispose(&b);
}

void test_ledger_emitargs__switches_and_the_last_sign_wins(void)
{
	ev_emit_opts o;
	ld_emit_args a;

	emit_ok(&o, &a);
	T_ASSERT(ld_emit_switch(&a, &o, "--sign") && a.sign);
	T_ASSERT(ld_emit_switch(&a, &o, "--no-sign") && !a.sign);
	T_ASSERT(ld_emit_switch(&a, &o, "--full") && o.full);
	T_ASSERT(ld_emit_switch(&a, &o, "--strict") && o.strict);
	T_ASSERT(ld_emit_switch(&a, &o, "--allow-mutable-validator-tags") &&
		 o.allow_mutable_validator_tags);
	T_ASSERT(!ld_emit_switch(&a, &o, "--sign=yes"));
	T_ASSERT(!ld_emit_switch(&a, &o, "--ctrf"));
}

void test_ledger_emitargs__the_recipe_path_of_a_notice_is_escaped(void)
{
	ev_emit_result r;
	ae_buf b = AE_BUF_INIT(1u << 16);

	memset(&r, 0, sizeof(r));
	r.nrecipe_extras = 1;
	snprintf(r.recipe_extras, sizeof(r.recipe_extras), "\"x\"");
	T_ASSERT_INT(ld_emit_notices(&b, "r\033]0;owned\a\n.yaml", &r, NULL),
		     0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT(strchr((char *)b.data, '\033') == NULL);
	T_ASSERT(strstr((char *)b.data, "aicr-evidence: warning: "
					"r\\x1b]0;owned\\x07\\x0a.yaml: 1 "
					"field(s)") == (char *)b.data);
	ae_buf_dispose(&b);
}
