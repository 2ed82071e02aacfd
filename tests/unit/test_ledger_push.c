/* tests/unit/test_ledger_push.c -- the tag of the push leg (ledger/push.c):
 * REF's own, else the one OUT/pointer.yaml names for this artifact, else
 * ld_bundle_tag's; the client made only after it, reached without a
 * registry (issue 17; before, only e2e tests against one reached the
 * order of the rules) */
#include "t.h"
#include "ledger/ledger.h"
#include "tests/unit/push_fixture.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void test_ledger_push__the_pointer_names_the_tag_else_the_bundle_rule(void)
{
	/* the bundle in OUT/summary-bundle, beside the pointer */
	const char *dir = t_push_tree("summary-bundle");
	char f[4200];
	t_push_seen s = {0}, d = {0};
	oci_push_hooks h = {t_push_tag, t_push_no_client, &d};
	oci_pushed r;
	ae_err err = {0};

	/* REF's own tag: no rule asked, then the client */
	T_ASSERT_INT(ld_push(&r, dir, "reg.example/repo:v1", t_push_no_client, &s,
			     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT_STR(s.tag, "v1");
	/* no tag, no pointer, no statement to name the recipe: the bundle
	 * rule refuses before any client */
	memset(&s, 0, sizeof(s));
	ae_err_clear(&err);
	T_ASSERT(ld_push(&r, dir, "reg.example/repo", t_push_no_client, &s, &err) <
		 0);
	T_ASSERT_INT(s.clients, 0);
	/* the pointer of this artifact in this repository names the tag */
	T_ASSERT_INT(oci_bundle_push(&r, dir, "reg.example/repo", &h, &err),
		     AE_EAUTH);
	T_ASSERT(strncmp(d.digest, "sha256:", 7) == 0);
	snprintf(f, sizeof(f), "%s/pointer.yaml", dir);
	t_push_pointer(f, d.digest);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_push(&r, dir, "reg.example/repo", t_push_no_client, &s,
			     &err),
		     AE_EAUTH);
	T_ASSERT_INT(s.clients, 1);
	T_ASSERT_STR(r.tag, "named-tag");
}
