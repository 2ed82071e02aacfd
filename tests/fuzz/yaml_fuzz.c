/* tests/fuzz/yaml_fuzz.c -- differential libFuzzer target for the two YAML
 * readers (evidence/core/yaml.c, evidence/core/yaml_simple.c)
 *
 * ae_yaml_parse takes the fast reader's tree when it handles a document and
 * libyaml's otherwise, so the fast reader must never handle a document that
 * libyaml reads differently or refuses. For every input: when
 * ae_yaml_parse_simple handles it, ae_yaml_parse_libyaml must accept it and
 * build an equal tree (kinds, text, plain flags, lines, key order); and
 * ae_yaml_parse must agree with libyaml on the verdict. And no tree either
 * reader accepts may hold a merge key `<<` anywhere: yaml.v3 (the
 * reference's reader) would merge it and read another document (issue
 * 15). Seeds in tests/fuzz/corpus/yaml/ (merge-*.yaml hold `<<` in every
 * quoting, flow and block, nested and in sequences).
 */
#include "evidence/core/ae.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True iff some mapping at or below `n` has the key "<<". */
static bool has_merge_key(const ae_yaml_node *n)
{
	for (size_t i = 0; n != NULL && n->kind != AE_YAML_SCALAR && i < n->n;
	     i++) {
		if (n->kind == AE_YAML_MAP && strcmp(n->keys[i], "<<") == 0)
			return true;
		if (has_merge_key(n->items[i]))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_yaml_node *fast = NULL, *full = NULL, *both = NULL;
	bool handled = false;
	int rc_full, rc_both;

	if (ae_yaml_parse_simple(&fast, &handled, data, size, NULL) != 0)
		abort();
	if (!handled && fast != NULL)
		abort();
	rc_full = ae_yaml_parse_libyaml(&full, data, size, NULL);
	if (handled && (rc_full != 0 || !ae_yaml_equal(fast, full)))
		abort();
	rc_both = ae_yaml_parse(&both, data, size, NULL);
	if ((rc_both == 0) != (rc_full == 0) ||
	    (rc_both == 0 && !ae_yaml_equal(both, full)))
		abort();
	if (has_merge_key(fast) || has_merge_key(full) || has_merge_key(both))
		abort();
	ae_yaml_free(fast);
	ae_yaml_free(full);
	ae_yaml_free(both);
	return 0;
}
