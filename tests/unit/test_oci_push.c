/* tests/unit/test_oci_push.c -- the push leg below cmd/ (issue 17):
 * oci/push_bundle.c's order of decisions and ledger/pointer_tag.c, reached
 * without a registry (before, only e2e tests against one reached them) */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define HEX "33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317"

typedef struct push_seen {
	int tags, clients;
	char digest[AE_DIGEST_STR_LEN];
} push_seen;

static int seen_tag(char tag[129], const oci_ref *ref, const char *bundle,
		    const char *digest, void *ctx, ae_err *err)
{
	push_seen *s = ctx;

	(void)ref;
	(void)bundle;
	(void)err;
	s->tags++;
	snprintf(s->digest, sizeof(s->digest), "%s", digest);
	snprintf(tag, 129, "derived");
	return 0;
}

/* No registry here: the client is where the test stops. */
static int seen_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	push_seen *s = ctx;

	(void)ref;
	*out = NULL;
	s->clients++;
	return ae_fail(err, AE_EAUTH, "no registry in a unit test");
}

static const char *push_tree(void)
{
	const char *dir = t_path("out");
	char f[4200];

	mkdir(dir, 0755);
	snprintf(f, sizeof(f), "%s/recipe.yaml", dir);
	t_write_file(f, "kind: x\n", 8);
	return dir;
}

void test_oci_push__a_pin_other_than_the_artifact_is_refused_first(void)
{
	push_seen s = {0};
	oci_push_hooks h = {seen_tag, seen_client, &s};
	oci_pushed r;
	ae_err err = {0};

	T_ASSERT_INT(oci_bundle_push(&r, push_tree(),
				     "reg.example/repo@sha256:" HEX, &h, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not the digest in the reference");
	T_ASSERT_INT(s.tags + s.clients, 0);
}

void test_oci_push__no_tag_asks_the_caller_with_the_digest_first(void)
{
	push_seen s = {0};
	oci_push_hooks h = {seen_tag, seen_client, &s};
	oci_pushed r;
	ae_err err = {0};

	T_ASSERT_INT(oci_bundle_push(&r, push_tree(), "reg.example/repo", &h,
				     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.tags, 1);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT(strncmp(s.digest, "sha256:", 7) == 0);
	T_ASSERT_STR(r.tag, "derived");
	T_ASSERT_STR(r.what, "reg.example/repo");
	/* a tag in REF is used as it is */
	memset(&s, 0, sizeof(s));
	T_ASSERT_INT(oci_bundle_push(&r, push_tree(), "reg.example/repo:v1",
				     &h, &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.tags, 0);
	T_ASSERT_STR(r.tag, "v1");
}

void test_oci_push__the_pointer_names_the_tag_of_its_own_artifact(void)
{
	static const char ptr[] =
		"schemaVersion: 1.0.0\n"
		"recipe: h100-gke-cos-training\n"
		"attestations:\n"
		"  - bundle:\n"
		"      oci: reg.example/repo:named-tag\n"
		"      digest: sha256:" HEX "\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n"
		"      identity: someone@example.com\n"
		"      issuer: https://github.com/login/oauth\n"
		"      rekorLogIndex: 42\n"
		"    attestedAt: 2026-06-25T05:57:00Z\n";
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
	t_write_file(t_path("pointer.yaml"), ptr, strlen(ptr));
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
