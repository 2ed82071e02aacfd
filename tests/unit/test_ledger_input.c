/* tests/unit/test_ledger_input.c -- ledger/verify_input.c: where `verify
 * INPUT` takes its bundle from, decided before any network I/O (before
 * issue 17 this lived in cmd/verify.c, reached by e2e tests alone) */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>

#define HEX "33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"
#define HEX2 "44d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"

/* A signed pointer naming `oci` (NULL: none) at bundle.digest sha256:HEX.
 */
static const char *input_pointer(const char *oci)
{
	char yaml[2048], line[512] = "";
	const char *path = t_path("pointer.yaml");

	if (oci != NULL)
		snprintf(line, sizeof(line), "      oci: %s\n", oci);
	snprintf(yaml, sizeof(yaml),
		 "schemaVersion: 1.0.0\n"
		 "recipe: h100-gke-cos-training\n"
		 "attestations:\n"
		 "  - bundle:\n"
		 "%s"
		 "      digest: sha256:" HEX "\n"
		 "      predicateType: https://aicr.run/recipe-evidence/v3\n"
		 "    signer:\n"
		 "      identity: someone@example.com\n"
		 "      issuer: https://github.com/login/oauth\n"
		 "      rekorLogIndex: 42\n"
		 "    attestedAt: 2026-06-25T05:57:00Z\n",
		 line);
	t_write_file(path, yaml, strlen(yaml));
	return path;
}

static int input_plan(ld_input *in, const char *input, const char *bundle,
		      bool offline, bool unpinned, ae_err *err)
{
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;

	memset(in, 0, sizeof(*in));
	memset(err, 0, sizeof(*err));
	in->input = input;
	in->bundle = bundle;
	in->offline = offline;
	in->allow_unpinned = unpinned;
	return ld_input_plan(in, &vo, err);
}

void test_ledger_input__a_tag_only_reference_is_a_usage_error(void)
{
	ld_input in;
	ae_err err;

	T_ASSERT_INT(input_plan(&in, "reg.example/repo:v1", NULL, false, false,
				&err),
		     AE_EINVAL);
	T_ASSERT_INT(in.fail, LD_INPUT_USAGE);
	/* allowed, it is pulled by its tag; never offline */
	T_ASSERT_INT(input_plan(&in, "reg.example/repo:v1", NULL, false, true,
				&err),
		     0);
	T_ASSERT(in.pull);
	T_ASSERT_STR(in.digest, "");
	T_ASSERT_INT(input_plan(&in, "reg.example/repo:v1", NULL, true, true,
				&err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "--offline needs a digest");
	T_ASSERT_INT(input_plan(&in, "reg.example/repo@sha256:" HEX, NULL,
				true, false, &err),
		     0);
	T_ASSERT_STR(in.digest, "sha256:" HEX);
	T_ASSERT_INT(input_plan(&in, "oci://a b", NULL, false, false, &err),
		     AE_EINVAL);
	T_ASSERT_STR(in.fail_what, "reference");
	ld_input_dispose(&in);
}

void test_ledger_input__a_pointer_is_pulled_by_its_digest(void)
{
	const char *p = input_pointer("reg.example/repo:some-tag");
	ld_input in;
	ae_err err;

	T_ASSERT_INT(input_plan(&in, p, NULL, false, false, &err), 0);
	T_ASSERT(in.pull);
	T_ASSERT_STR(in.oci, "reg.example/repo:some-tag");
	T_ASSERT_STR(in.digest, "sha256:" HEX);
	ld_input_dispose(&in);
	/* --bundle REF pinning another digest contradicts the pointer */
	T_ASSERT_INT(input_plan(&in, p, "reg.example/other@sha256:" HEX2,
				false, false, &err),
		     AE_EINVAL);
	T_ASSERT_INT(in.fail, LD_INPUT_USAGE);
	T_ASSERT_MSG(err, "but the pointer pins sha256:" HEX);
	ld_input_dispose(&in);
	/* --bundle DIR: the local copy */
	T_ASSERT_INT(input_plan(&in, p, t_tmpdir(), false, false, &err), 0);
	T_ASSERT(!in.pull);
	T_ASSERT_STR(in.dir, t_tmpdir());
	T_ASSERT_STR(in.why, "local bundle given with --bundle");
	ld_input_dispose(&in);
	/* --bundle for a directory input: refused */
	T_ASSERT_INT(input_plan(&in, t_tmpdir(), t_tmpdir(), false, false,
				&err),
		     AE_EINVAL);
	T_ASSERT_INT(in.fail, LD_INPUT_USAGE);
}

void test_ledger_input__a_bundle_oci_that_is_no_reference_names_the_fix(void)
{
	const char *p = input_pointer(NULL);
	ld_input in;
	ae_err err;

	T_ASSERT_INT(input_plan(&in, p, NULL, false, false, &err), AE_EINVAL);
	T_ASSERT_INT(in.fail, LD_INPUT_NOT_REF);
	ld_input_dispose(&in);
	/* --bundle DIR names the copy instead */
	T_ASSERT_INT(input_plan(&in, p, t_tmpdir(), false, false, &err), 0);
	T_ASSERT(!in.pull);
	ld_input_dispose(&in);
}
