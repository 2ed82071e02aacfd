/* tests/fuzz/recipe_fuzz.c -- libFuzzer target for the recipe identity:
 * arbitrary bytes through the canonical emission (both digest variants) and
 * the name, and the canonical form must be a fixed point (re-canonicalising
 * it gives the same bytes, docs/formats.md). The schema walk of issue 24
 * item 6 runs on every tree: each listed field is a non-empty path. */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[AE_SHA256_HEX_LEN + 1], *name = NULL;
	ae_buf a, b;
	ae_err err = {0};

	ev_recipe_digest(hex, data, size, EV_PREDICATE_V1, &err);
	ae_err_clear(&err);
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
	if (ev_recipe_canonical(&a, data, size, true, &err) != 0)
		return 0;
	if (ev_recipe_canonical(&b, a.data, a.len, true, &err) == 0) {
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort(); /* canonical form must be a fixed point */
		ae_buf_dispose(&b);
	}
	ae_buf_dispose(&a);
	return 0;
}
