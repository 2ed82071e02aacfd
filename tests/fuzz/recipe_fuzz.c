/* tests/fuzz/recipe_fuzz.c -- libFuzzer target for the recipe identity:
 * arbitrary bytes through the canonical emission (both digest forms), the
 * digest and the name. The digest must be the SHA-256 of the canonical v3
 * bytes, and the two forms must agree on whether the recipe is accepted
 * (they differ only in metadata.version).
 *
 * The canonical form was a fixed point while it was our own; it is now
 * yaml.v3's, which is not one (docs/formats.md), and whether it is the
 * reference's is held by the differential target digest_fuzz.c. The schema
 * walk of issue 24 item 6 runs on every tree: each listed field is a
 * non-empty path. */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[AE_SHA256_HEX_LEN + 1], want[AE_SHA256_HEX_LEN + 1];
	unsigned char sha[AE_SHA256_LEN];
	char *name = NULL;
	ae_buf v1, v3;
	ae_err err = {0};
	int rc1, rc3;

	{
		ae_yaml_node *tree = NULL;
		ae_buf extras;
		size_t n = 0;
		if (ae_yaml_parse(&tree, data, size, &err) == 0 &&
		    ev_recipe_extra_fields(&extras, &n, tree, &err) == 0) {
			const char *p = (const char *)extras.data;
			for (size_t i = 0; i < n; i++, p += strlen(p) + 1) {
				if (p[0] == '\0')
					abort(); /* a path names its field */
			}
			ae_buf_dispose(&extras);
		}
		ae_yaml_free(tree);
		ae_err_clear(&err);
	}
	if (ev_recipe_name(&name, data, size, &err) == 0)
		free(name);
	ae_err_clear(&err);
	rc1 = ev_recipe_canonical(&v1, data, size, false, &err);
	ae_err_clear(&err);
	rc3 = ev_recipe_canonical(&v3, data, size, true, &err);
	if ((rc1 == 0) != (rc3 == 0))
		abort(); /* the forms accept the same recipes */
	if (rc3 == 0) {
		ae_err_clear(&err);
		if (ev_recipe_digest(hex, data, size, EV_PREDICATE_V3, &err) !=
		    0)
			abort();
		ae_sha256(sha, v3.data, v3.len);
		ae_hex_encode(want, sha, sizeof(sha));
		if (strcmp(hex, want) != 0)
			abort(); /* the digest is of the canonical bytes */
		ae_buf_dispose(&v1);
		ae_buf_dispose(&v3);
	}
	return 0;
}
