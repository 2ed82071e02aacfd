/* evidence/sigstore_json.c -- protobuf-JSON field readers for Sigstore files
 *
 * Bundles and trusted roots are the protobuf JSON mapping (sigstore.md
 * §1.1): bytes are base64 strings, int64 are decimal strings (numbers
 * accepted too), zero values are omitted, timestamps are RFC 3339. These
 * readers apply those rules strictly, once, so the parsers above them stay
 * short and every rejection says which field broke which rule.
 */
#include "evidence/internal.h"

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

/* Decodes MIME-wrapped base64 (line breaks every 76 characters, as
 * `openssl base64` writes): the reference protobuf parser (Go
 * encoding/base64) skips CR and LF, and sigstore-conformance
 * `rekor2-timestamp-with-incorrect-time_fail` is wrapped so that only its
 * time is wrong. Every other character is still decoded strictly. */
static int b64_unwrapped(unsigned char **out, size_t *len, const char *s,
			 const char *what, ae_err *err)
{
	size_t n = strlen(s), k = 0;
	char *flat = malloc(n + 1);
	int rc;

	if (flat == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			flat[k++] = s[i];
	rc = ae_base64_decode(out, len, flat, k, NULL);
	free(flat);
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
	if (strpbrk(s, "\r\n") != NULL)
		return b64_unwrapped(out, len, s, what, err);
	rc = ae_base64_decode(out, len, s, strlen(s), NULL);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL, "%s is not valid base64", what);
	return 0;
}

/* Parses a non-negative decimal without sign or leading garbage, at most 18
 * digits so it cannot overflow int64 (STYLE: no strtol). */
static int decimal_parse(int64_t *out, const char *s, const char *what,
			 ae_err *err)
{
	size_t n = strlen(s);
	int64_t v = 0;

	if (n == 0 || n > 18)
		return ae_fail(err, AE_EINVAL,
			       "%s is not a non-negative integer", what);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ae_fail(err, AE_EINVAL,
				       "%s is not a non-negative integer",
				       what);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
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

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads `n` digits at s[*i] into *v. False if any is not a digit. */
static bool digits(int64_t *v, const char *s, size_t *i, size_t n)
{
	*v = 0;
	for (size_t k = 0; k < n; k++) {
		char c = s[*i + k];
		if (c < '0' || c > '9')
			return false;
		*v = *v * 10 + (c - '0');
	}
	*i += n;
	return true;
}

int ev__rfc3339_parse(int64_t *out, const char *s, ae_err *err)
{
	int64_t y, mo, d, h, mi, se;
	size_t i = 0, len = strlen(s);
	char rb[AE_REPR_BUF];

	*out = 0;
	if (len < 20 || !digits(&y, s, &i, 4) || s[i++] != '-' ||
	    !digits(&mo, s, &i, 2) || s[i++] != '-' || !digits(&d, s, &i, 2) ||
	    s[i++] != 'T' || !digits(&h, s, &i, 2) || s[i++] != ':' ||
	    !digits(&mi, s, &i, 2) || s[i++] != ':' || !digits(&se, s, &i, 2))
		goto bad;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		while (s[i] >= '0' && s[i] <= '9' && i < len)
			i++; /* fractions truncated: windows are in seconds */
	}
	if (s[i] != 'Z' || i + 1 != len)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		goto bad;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
bad:
	return ae_fail(err, AE_EINVAL, "%s is not an RFC 3339 UTC time",
		       ae_repr(rb, sizeof(rb), s, len));
}
