/* tests/unit/test_evidence_digest.c -- what `digest RECIPE` answers
 * (evidence/recipe_digest.c): the digest line, the canonical bytes, and
 * --profile's "already baked" rule, reached without the command (issue
 * 17; before, only tests/e2e/test_profiles.sh reached the profile rule) */
#include "t.h"
#include "evidence/evidence.h"

#include <stdio.h>
#include <string.h>

#define S(s) (const unsigned char *)(s), strlen(s)

static const char *plain = "criteria:\n  service: eks\n  accelerator: h100\n"
			   "metadata:\n  version: v1\n"
			   "componentRefs:\n  - name: cert-manager\n";
static const char *baked = "criteria:\n  service: gke\n  accelerator: h100\n"
			   "metadata:\n  version: v1\n  selectedProfile:\n"
			   "    name: gpuStack\n    value: GCP-Managed\n"
			   "    ownedPaths: {}\n"
			   "componentRefs:\n  - name: cert-manager\n";

void test_evidence_digest__the_answer_is_the_digest_and_a_newline(void)
{
	char hex[AE_SHA256_HEX_LEN + 1], want[AE_SHA256_HEX_LEN + 2];
	ae_err err = {0};
	ae_buf out, canon;

	T_ASSERT_INT(ev_recipe_digest(hex, S(plain), EV_PREDICATE_V3, &err),
		     0);
	snprintf(want, sizeof(want), "%s\n", hex);
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(plain), EV_PREDICATE_V3,
					     NULL, false, &err),
		     0);
	T_ASSERT_INT(out.len, AE_SHA256_HEX_LEN + 1);
	T_ASSERT(memcmp(out.data, want, out.len) == 0);
	ae_buf_dispose(&out);
	/* --canonical: the bytes the digest is of (v3 drops the version) */
	T_ASSERT_INT(ev_recipe_canonical_for(&canon, S(plain), EV_PREDICATE_V3,
					     &err),
		     0);
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(plain), EV_PREDICATE_V3,
					     NULL, true, &err),
		     0);
	T_ASSERT_INT(out.len, canon.len);
	T_ASSERT(memcmp(out.data, canon.data, out.len) == 0);
	T_ASSERT(memmem(out.data, out.len, "v1", 2) == NULL);
	ae_buf_dispose(&out);
	ae_buf_dispose(&canon);
	/* v1 keeps metadata.version: another digest */
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(plain), EV_PREDICATE_V1,
					     NULL, false, &err),
		     0);
	T_ASSERT(memcmp(out.data, want, out.len) != 0);
	ae_buf_dispose(&out);
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(plain), "x/y", NULL,
					     false, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "unexpected predicateType");
	T_ASSERT_INT(out.len, 0);
}

void test_evidence_digest__a_profile_must_be_the_one_baked_in(void)
{
	ae_err err = {0};
	ae_buf out;

	T_ASSERT_INT(ev_recipe_digest_report(&out, S(baked), EV_PREDICATE_V3,
					     "gpuStack=GCP-Managed", false,
					     &err),
		     0);
	T_ASSERT_INT(out.len, AE_SHA256_HEX_LEN + 1);
	ae_buf_dispose(&out);
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(baked), EV_PREDICATE_V3,
					     "gpuStack=other", true, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "--profile gpuStack=other: the recipe was generated "
			  "with profile gpuStack=GCP-Managed (already baked)");
	T_ASSERT_INT(out.len, 0);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_recipe_digest_report(&out, S(plain), EV_PREDICATE_V3,
					     "gpuStack=x", false, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "the recipe selects no profile");
	T_ASSERT_INT(out.len, 0);
}
