/* evidence/recipe_digest.c -- what `digest RECIPE` answers
 *
 * The 64-hex digest that a v3 predicate records as recipe.digest (SPEC
 * §3, reference §5.6), or the canonical bytes it is the digest of, so a
 * reviewer can check a pointer's recipe against the recipe file in the
 * tree; with --profile, only for the recipe generated with that profile.
 */
#include "evidence/evidence.h"

#include <string.h>

/* --profile: the reference hydrates an overlay with the selection; a
 * generated recipe has it baked in already ("already baked"), so here it
 * must be the one the recipe carries. */
static int digest_check_profile(const char *profile, const unsigned char *buf,
				size_t len, ae_err *err)
{
	ev_recipe_id id;
	int rc = ev_recipe_identify(&id, buf, len, err);

	if (rc < 0)
		return rc;
	if (!id.profiled)
		return ae_fail(err, AE_EINVAL,
			       "--profile %s: the recipe selects no profile "
			       "(give the recipe generated with that profile)",
			       profile);
	if (strcmp(id.selection, profile) != 0)
		return ae_fail(err, AE_EINVAL,
			       "--profile %s: the recipe was generated with "
			       "profile %s (already baked)",
			       profile, id.selection);
	return 0;
}

int ev_recipe_digest_report(ae_buf *out, const unsigned char *buf, size_t len,
			    const char *predicate_type, const char *profile,
			    bool canonical, ae_err *err)
{
	char hex[AE_SHA256_HEX_LEN + 1];
	int rc = profile ? digest_check_profile(profile, buf, len, err) : 0;

	ae_buf_init(out, AE_SHA256_HEX_LEN + 2);
	if (rc == 0 && canonical)
		return ev_recipe_canonical_for(out, buf, len, predicate_type,
					       err);
	if (rc == 0)
		rc = ev_recipe_digest(hex, buf, len, predicate_type, err);
	if (rc == 0)
		rc = ae_buf_printf(out, err, "%s\n", hex);
	return rc;
}
