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

/* Reads exactly `n` digits at *p into *v and advances; false otherwise. */
static bool time_digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Days from 1970-01-01 to the proleptic Gregorian y-m-d (Hinnant's
 * days_from_civil). Cannot fail. */
static int64_t time_days(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool time_mday_ok(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !leap);
}

int tuf_time_parse(int64_t *out, const char *s, ae_err *err)
{
	const char *p = s;
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;

	*out = 0;
	if (s == NULL || !time_digits(&p, 4, &y) || *p++ != '-' ||
	    !time_digits(&p, 2, &mo) || *p++ != '-' ||
	    !time_digits(&p, 2, &d) || (*p != 'T' && *p != 't') ||
	    (p++, !time_digits(&p, 2, &h)) || *p++ != ':' ||
	    !time_digits(&p, 2, &mi) || *p++ != ':' || !time_digits(&p, 2, &se))
		goto bad;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!time_digits(&p, 2, &oh) || *p++ != ':' ||
		    !time_digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
	} else {
		goto bad;
	}
	if (*p != '\0' || !time_mday_ok(y, mo, d) || h > 23 || mi > 59 ||
	    se > 60)
		goto bad;
	*out = time_days(y, mo, d) * 86400 + (int64_t)h * 3600 +
	       (int64_t)mi * 60 + se - (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
bad:
	return ae_fail(err, AE_EINVAL, "not an RFC 3339 date-time");
}
