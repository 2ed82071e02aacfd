/* tests/unit/test_oci_push.c -- the push leg below cmd/ (issue 17):
 * oci/push_bundle.c's order of decisions and ledger/pointer_tag.c, reached
 * without a registry (before, only e2e tests against one reached them) */
#include "t.h"
#include "ledger/ledger.h"
#include "tests/unit/push_fixture.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define HEX "33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"

void test_oci_push__a_pin_other_than_the_artifact_is_refused_first(void)
{
	t_push_seen s = {0};
	oci_push_hooks h = {t_push_tag, t_push_no_client, &s};
	oci_pushed r;
	ae_err err = {0};

	T_ASSERT_INT(oci_bundle_push(&r, t_push_tree(""),
				     "reg.example/repo@sha256:" HEX, &h, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not the digest in the reference");
	T_ASSERT_INT(s.tags + s.clients, 0);
}

void test_oci_push__no_tag_asks_the_caller_with_the_digest_first(void)
{
	t_push_seen s = {0};
	oci_push_hooks h = {t_push_tag, t_push_no_client, &s};
	oci_pushed r;
	ae_err err = {0};

	T_ASSERT_INT(oci_bundle_push(&r, t_push_tree(""), "reg.example/repo", &h,
				     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.tags, 1);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT(strncmp(s.digest, "sha256:", 7) == 0);
	T_ASSERT_STR(r.tag, "derived");
	T_ASSERT_STR(r.what, "reg.example/repo");
	/* a tag in REF is used as it is */
	memset(&s, 0, sizeof(s));
	T_ASSERT_INT(oci_bundle_push(&r, t_push_tree(""), "reg.example/repo:v1",
				     &h, &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.tags, 0);
	T_ASSERT_STR(r.tag, "v1");
}

void test_oci_push__the_pointer_names_the_tag_of_its_own_artifact(void)
{
	char tag[129];
	oci_ref ref, other;
	ae_err err = {0};

	T_ASSERT_INT(oci_ref_parse(&ref, "reg.example/repo", &err), 0);
	T_ASSERT_INT(oci_ref_parse(&other, "reg.example/else", &err), 0);
	/* no pointer: no tag */
	T_ASSERT_INT(ld_pointer_tag(tag, t_tmpdir(), &ref, "sha256:" HEX,
				    &err),
		     0);
	T_ASSERT_STR(tag, "");
	t_push_pointer(t_path("pointer.yaml"), "sha256:" HEX);
	T_ASSERT_INT(ld_pointer_tag(tag, t_tmpdir(), &ref, "sha256:" HEX,
				    &err),
		     0);
	T_ASSERT_STR(tag, "named-tag");
	/* another repository, another artifact: not this pointer's tag */
	T_ASSERT_INT(ld_pointer_tag(tag, t_tmpdir(), &other, "sha256:" HEX,
				    &err),
		     0);
	T_ASSERT_STR(tag, "");
	T_ASSERT_INT(ld_pointer_tag(tag, t_tmpdir(), &ref,
				    "sha256:" HEX "0", &err),
		     0);
	T_ASSERT_STR(tag, "");
	/* there but unreadable: a failure, never skipped */
	t_write_file(t_path("pointer.yaml"), "a: [", 4);
	T_ASSERT(ld_pointer_tag(tag, t_tmpdir(), &ref, "sha256:" HEX, &err) <
		 0);
}
