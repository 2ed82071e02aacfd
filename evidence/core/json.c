/* evidence/core/json.c -- strict JSON loading
 *
 * jansson already rejects duplicate keys when asked; what it does not bound
 * is the nesting depth it recurses into, so a pre-scan refuses deep
 * documents first (strings are skipped so brackets inside them don't count).
 */
#include "evidence/core/ae.h"

#include <jansson.h>

/* Returns the maximum nesting depth of (buf, len), stopping early past cap. */
static size_t json_depth(const unsigned char *buf, size_t len, size_t cap)
{
	size_t depth = 0, max = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
			if (max > cap)
				return max;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return max;
}

int ae_json_parse(void **out, const unsigned char *buf, size_t len, ae_err *err)
{
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (ae_has_nul(buf, len))
		return ae_fail(err, AE_EINVAL, "JSON contains a NUL byte");
	if (json_depth(buf, len, AE_JSON_MAX_DEPTH) > AE_JSON_MAX_DEPTH)
		return ae_fail(err, AE_EINVAL, "JSON nested deeper than %d",
			       AE_JSON_MAX_DEPTH);
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (root == NULL)
		return ae_fail(err, AE_EINVAL, "JSON line %d column %d: %s",
			       jerr.line, jerr.column, jerr.text);
	*out = root;
	return 0;
}
