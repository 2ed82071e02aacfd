/* evidence/tuf/canon.c -- canonical JSON, the bytes TUF signatures cover
 *
 * TUF signs "the canonical form of the metadata" (spec §4.2), and the
 * Sigstore repository is signed by securesystemslib's encoder of OLPC
 * canonical JSON: objects with keys sorted by their bytes, no whitespace,
 * integers only, and strings as their raw UTF-8 bytes between quotes with
 * only '"' and '\' escaped -- a PEM key's newlines stay raw newlines,
 * which is why the real key ids only match that form. A real number has
 * no canonical form: it is refused, not rounded. Key ids are the SHA-256
 * of a key's canonical form, so the same encoder serves both.
 */
#include "evidence/tuf/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int canon_value(ae_buf *out, const json_t *v, ae_err *err);

static int canon_string(ae_buf *out, const char *s, size_t n, ae_err *err)
{
	size_t from = 0;
	int rc = ae_buf_put(out, "\"", 1, err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (s[i] != '"' && s[i] != '\\')
			continue;
		rc = ae_buf_put(out, s + from, i - from, err);
		if (rc == 0)
			rc = ae_buf_put(out, "\\", 1, err);
		from = i;
	}
	if (rc == 0)
		rc = ae_buf_put(out, s + from, n - from, err);
	if (rc == 0)
		rc = ae_buf_put(out, "\"", 1, err);
	return rc;
}

static int canon_key_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	/* jansson keys hold no NUL (ae_json_parse refuses them), so strcmp
	 * is the bytewise order of the UTF-8, which is code point order */
	return strcmp(x, y);
}

static int canon_object(ae_buf *out, const json_t *v, ae_err *err)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = NULL;
	const char *k;
	json_t *x;
	int rc = 0;

	if (n > 0) {
		keys = calloc(n, sizeof(*keys));
		if (keys == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
	}
	json_object_foreach((json_t *)v, k, x)
	{
		if (i < n)
			keys[i++] = k;
	}
	if (n > 0)
		qsort(keys, n, sizeof(*keys), canon_key_cmp);
	rc = ae_buf_put(out, "{", 1, err);
	for (i = 0; rc == 0 && i < n; i++) {
		if (i > 0)
			rc = ae_buf_put(out, ",", 1, err);
		if (rc == 0)
			rc = canon_string(out, keys[i], strlen(keys[i]), err);
		if (rc == 0)
			rc = ae_buf_put(out, ":", 1, err);
		if (rc == 0)
			rc = canon_value(out, json_object_get(v, keys[i]), err);
	}
	if (rc == 0)
		rc = ae_buf_put(out, "}", 1, err);
	free(keys);
	return rc;
}

static int canon_array(ae_buf *out, const json_t *v, ae_err *err)
{
	int rc = ae_buf_put(out, "[", 1, err);

	for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
		if (i > 0)
			rc = ae_buf_put(out, ",", 1, err);
		if (rc == 0)
			rc = canon_value(out, json_array_get(v, i), err);
	}
	if (rc == 0)
		rc = ae_buf_put(out, "]", 1, err);
	return rc;
}

static int canon_value(ae_buf *out, const json_t *v, ae_err *err)
{
	char num[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return canon_object(out, v, err);
	case JSON_ARRAY:
		return canon_array(out, v, err);
	case JSON_STRING:
		return canon_string(out, json_string_value(v),
				    json_string_length(v), err);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" PRId64,
			 (int64_t)json_integer_value(v));
		return ae_buf_puts(out, num, err);
	case JSON_TRUE:
		return ae_buf_puts(out, "true", err);
	case JSON_FALSE:
		return ae_buf_puts(out, "false", err);
	case JSON_NULL:
		return ae_buf_puts(out, "null", err);
	case JSON_REAL:
	default:
		return ae_fail(err, AE_EINVAL,
			       "not canonical JSON: a real number");
	}
}

int tuf_canonical_json(ae_buf *out, const void *json, ae_err *err)
{
	int rc;

	ae_buf_init(out, TUF_TARGETS_MAX_BYTES);
	AE_ASSERT_ARG(json != NULL, err);
	rc = canon_value(out, json, err);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* ---- RFC 3339 times ---- */

int tuf_time_parse(int64_t *out, const char *s, ae_err *err)
{
	ae_time t;

	*out = 0;
	if (s == NULL ||
	    ae_time_parse_rfc3339(&t, s, strlen(s), AE_TIME_TUF, NULL) < 0)
		return ae_fail(err, AE_EINVAL, "not an RFC 3339 date-time");
	*out = t.sec;
	return 0;
}
