/* evidence/sigstore/json.c -- protobuf-JSON field readers for Sigstore files
 *
 * Bundles and trusted roots are the protobuf JSON mapping (sigstore.md
 * §1.1, the proto3 JSON spec): bytes are base64 in the standard or the
 * URL-safe alphabet, padded or not; int64 are decimal strings up to
 * INT64_MAX (JSON numbers accepted too); zero values may be omitted and
 * `null` means the field is absent; timestamps are RFC 3339. These readers
 * apply exactly those rules, once, so the parsers above them stay short and
 * every rejection says which field broke which rule. What the mapping does
 * not allow is still refused: a mixed alphabet, misplaced padding, a sign,
 * more than 19 digits (issue 16).
 */
#include "evidence/sigstore/internal.h"

#include <stdlib.h>
#include <string.h>

int ev__json_str(const char **out, json_t *obj, const char *key, bool required,
		 const char *what, ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			return ae_fail(err, AE_EINVAL, "%s is missing", what);
		return 0;
	}
	if (!json_is_string(v))
		return ae_fail(err, AE_EINVAL, "%s is not a string", what);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return ae_fail(err, AE_EINVAL, "%s contains a NUL", what);
	*out = json_string_value(v);
	return 0;
}

int ev__b64_proto(unsigned char **out, size_t *len, const char *s, size_t n,
		  const char *what, ae_err *err)
{
	char *t = malloc(n + 4);
	bool url = false, std = false;
	size_t k = 0;
	int rc;

	*out = NULL;
	*len = 0;
	if (t == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		/* MIME-wrapped (76 columns, `openssl base64`): Go's decoder
		 * skips CR and LF, and sigstore-conformance
		 * rekor2-timestamp-with-incorrect-time_fail is wrapped so that
		 * only its time is wrong */
		if (c == '\r' || c == '\n')
			continue;
		if (c == '-' || c == '_') {
			url = true;
			c = c == '-' ? '+' : '/';
		} else if (c == '+' || c == '/') {
			std = true;
		}
		t[k++] = c;
	}
	rc = url && std ? -1 : 0; /* one alphabet or the other */
	if (rc == 0 && k % 4 != 0) {
		/* unpadded (Go's Raw encodings): pad it, if nothing else is */
		if (memchr(t, '=', k) != NULL || k % 4 == 1)
			rc = -1;
		while (rc == 0 && k % 4 != 0)
			t[k++] = '=';
	}
	if (rc == 0)
		rc = ae_base64_decode(out, len, t, k, NULL);
	free(t);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL, "%s is not valid base64", what);
	return 0;
}

int ev__json_b64(unsigned char **out, size_t *len, json_t *obj, const char *key,
		 bool required, const char *what, ae_err *err)
{
	const char *s = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	rc = ev__json_str(&s, obj, key, required, what, err);
	if (rc < 0 || s == NULL)
		return rc;
	return ev__b64_proto(out, len, s, strlen(s), what, err);
}

/* Parses a non-negative decimal without sign or leading garbage into an
 * int64: up to 19 digits, at most INT64_MAX (proto3 int64; STYLE: no
 * strtol). */
static int decimal_parse(int64_t *out, const char *s, const char *what,
			 ae_err *err)
{
	size_t n = strlen(s);
	int64_t v = 0;

	if (n == 0 || n > 19)
		return ae_fail(err, AE_EINVAL,
			       "%s is not a non-negative integer (int64)",
			       what);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (INT64_MAX - (s[i] - '0')) / 10)
			return ae_fail(
				err, AE_EINVAL,
				"%s is not a non-negative integer (int64)",
				what);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

void ev__json_drop_nulls(json_t *j)
{
	const char *k;
	json_t *v;
	void *tmp;

	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			ev__json_drop_nulls(json_array_get(j, i));
		return;
	}
	json_object_foreach_safe(j, tmp, k, v)
	{
		if (json_is_null(v))
			json_object_del(j, k);
		else
			ev__json_drop_nulls(v);
	}
}

int ev__json_int64(int64_t *out, json_t *obj, const char *key, const char *what,
		   ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL)
		return 0; /* proto3: a zero value is omitted */
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return ae_fail(err, AE_EINVAL, "%s is negative", what);
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return ae_fail(err, AE_EINVAL, "%s is not an integer", what);
	if (json_string_value(v)[0] == '-')
		return ae_fail(err, AE_EINVAL, "%s is negative", what);
	return decimal_parse(out, json_string_value(v), what, err);
}

int ev__rfc3339_parse(int64_t *out, const char *s, ae_err *err)
{
	char rb[AE_REPR_BUF];
	ae_time t;

	*out = 0;
	/* protojson's Timestamp: fractions (1-9 digits) are truncated, the
	 * windows are in seconds */
	if (ae_time_parse_rfc3339(&t, s, strlen(s), AE_TIME_PROTOBUF, NULL) < 0)
		return ae_fail(err, AE_EINVAL, "%s is not an RFC 3339 UTC time",
			       ae_repr(rb, sizeof(rb), s, strlen(s)));
	*out = t.sec;
	return 0;
}
