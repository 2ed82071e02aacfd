/* tests/unit/test_ledger_push.c -- the tag of the push leg (ledger/push.c):
 * REF's own, else the one OUT/pointer.yaml names for this artifact, else
 * ld_bundle_tag's; the client made only after it, reached without a
 * registry (issue 17; before, only e2e tests against one reached the
 * order of the rules) */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct seen {
	int clients;
	char tag[129];
} seen;

/* No registry here: the client is where the test stops. */
static int seen_client(oci_client **out, const oci_ref *ref, void *ctx,
		       ae_err *err)
{
	seen *s = ctx;

	*out = NULL;
	s->clients++;
	snprintf(s->tag, sizeof(s->tag), "%s", ref->tag);
	return ae_fail(err, AE_EAUTH, "no registry in a unit test");
}

/* The artifact digest of the tree, as oci_bundle_push asks for its tag. */
static int digest_tag(char tag[129], const oci_ref *ref, const char *bundle,
		      const char *digest, void *ctx, ae_err *err)
{
	(void)ref;
	(void)bundle;
	snprintf(ctx, AE_DIGEST_STR_LEN, "%s", digest);
	snprintf(tag, 129, "x");
	return ae_fail(err, AE_EAUTH, "stop");
}

static const char *out_tree(void)
{
	const char *dir = t_path("out");
	char f[4200];

	/* the bundle in OUT/summary-bundle, beside the pointer */
	mkdir(dir, 0755);
	snprintf(f, sizeof(f), "%s/summary-bundle", dir);
	mkdir(f, 0755);
	snprintf(f, sizeof(f), "%s/summary-bundle/recipe.yaml", dir);
	t_write_file(f, "kind: x\n", 8);
	return dir;
}

void test_ledger_push__the_pointer_names_the_tag_else_the_bundle_rule(void)
{
	static const char ptr[] =
		"schemaVersion: 1.0.0\n"
		"recipe: h100-gke-cos-training\n"
		"attestations:\n"
		"  - bundle:\n"
		"      oci: reg.example/repo:named-tag\n"
		"      digest: %s\n"
		"      predicateType: https://aicr.run/recipe-evidence/v3\n"
		"    signer:\n"
		"      identity: someone@example.com\n"
		"      issuer: https://github.com/login/oauth\n"
		"      rekorLogIndex: 42\n"
		"    attestedAt: 2026-06-25T05:57:00Z\n";
	const char *dir = out_tree();
	char doc[1024], f[4200], digest[AE_DIGEST_STR_LEN] = "";
	oci_push_hooks h = {digest_tag, seen_client, digest};
	seen s = {0};
	oci_pushed r;
	ae_err err = {0};

	/* REF's own tag: no rule asked, then the client */
	T_ASSERT_INT(ld_push(&r, dir, "reg.example/repo:v1", seen_client, &s,
			     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT_STR(s.tag, "v1");
	/* no tag, no pointer, no statement to name the recipe: the bundle
	 * rule refuses before any client */
	memset(&s, 0, sizeof(s));
	ae_err_clear(&err);
	T_ASSERT(ld_push(&r, dir, "reg.example/repo", seen_client, &s, &err) <
		 0);
	T_ASSERT_INT(s.clients, 0);
	/* the pointer of this artifact in this repository names the tag */
	T_ASSERT_INT(oci_bundle_push(&r, dir, "reg.example/repo", &h, &err),
		     AE_EAUTH);
	T_ASSERT(strncmp(digest, "sha256:", 7) == 0);
	snprintf(doc, sizeof(doc), ptr, digest);
	snprintf(f, sizeof(f), "%s/pointer.yaml", dir);
	t_write_file(f, doc, strlen(doc));
	ae_err_clear(&err);
	T_ASSERT_INT(ld_push(&r, dir, "reg.example/repo", seen_client, &s,
			     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT_STR(r.tag, "named-tag");
}
