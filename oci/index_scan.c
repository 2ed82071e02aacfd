/* oci/index_scan.c -- the descriptors of an OCI index, read one by one
 *
 * A referrers listing is an OCI image index written by the registry (the
 * referrers API) or by whoever can push to the repository (the
 * sha256-<hex> tag), and it can be as long as they like: a repository with
 * many referrers, or one padded on purpose so that the pull fails (issue
 * 23 item 5: past the 4 MiB index cap the pull failed outright). So the
 * listing is read up to OCI_REFERRERS_READ_MAX and scanned here, element
 * by element: the top level is walked with a small JSON tokenizer (strings
 * and escapes, nesting bounded), each element of "manifests" is cut out
 * whole and parsed strictly by jansson (oci__desc_parse), and a document
 * cut at the read cap simply ends the scan. Nothing found here is trusted:
 * every descriptor used is fetched by digest and judged again. Fuzzed
 * (tests/fuzz/referrers_index_fuzz.c).
 */
#include "oci/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_DEPTH_MAX 64 /* nesting of a value we skip */

typedef struct scan {
	const unsigned char *p, *end;
	bool cut; /* the bytes stop mid-document on purpose */
} scan;

/* Outcome of a step: done, the input ended, or malformed. */
enum { SCAN_OK = 0, SCAN_END = 1, SCAN_BAD = 2 };

static void scan_ws(scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				 *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Steps over a JSON string (at its opening quote). */
static int scan_string(scan *s)
{
	s->p++;
	while (s->p < s->end) {
		unsigned char ch = *s->p++;
		if (ch == '"')
			return SCAN_OK;
		if (ch < 0x20)
			return SCAN_BAD;
		if (ch == '\\') {
			if (s->p >= s->end)
				return SCAN_END;
			s->p++;
		}
	}
	return SCAN_END;
}

/* Steps over any JSON value; strings are checked only for their end, the
 * rest for balance (the parts we use go through jansson). */
static int scan_value(scan *s)
{
	int depth = 0, rc;

	scan_ws(s);
	if (s->p >= s->end)
		return SCAN_END;
	do {
		unsigned char ch = *s->p;
		if (ch == '"') {
			rc = scan_string(s);
			if (rc != SCAN_OK)
				return rc;
		} else if (ch == '{' || ch == '[') {
			if (++depth > SCAN_DEPTH_MAX)
				return SCAN_BAD;
			s->p++;
		} else if (ch == '}' || ch == ']') {
			if (--depth < 0)
				return SCAN_BAD;
			s->p++;
		} else if (strchr("-+.0123456789eEtrufalsn,: \t\r\n",
				  (int)ch) != NULL) {
			if (depth == 0 && (ch == ',' || ch == ':'))
				return SCAN_BAD;
			s->p++;
			if (depth == 0) {
				while (s->p < s->end &&
				       strchr("-+.0123456789eEtrufalsn",
					      (int)*s->p) != NULL)
					s->p++;
				return s->p < s->end ? SCAN_OK : SCAN_END;
			}
		} else {
			return SCAN_BAD;
		}
	} while (depth > 0 && s->p < s->end);
	return depth == 0 ? SCAN_OK : SCAN_END;
}

/* Decodes the JSON string token [a, b) (escapes and all, as jansson reads
 * keys); NULL when it is not one. Caller frees. */
static char *scan_text(const unsigned char *a, const unsigned char *b)
{
	json_error_t e;
	json_t *v = json_loadb((const char *)a, (size_t)(b - a),
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	char *out = NULL;

	if (json_is_string(v) &&
	    strlen(json_string_value(v)) == json_string_length(v))
		out = strdup(json_string_value(v));
	json_decref(v);
	return out;
}

/* Keeps one descriptor (the element [a, b)) or counts it past the cap. */
static int scan_keep(oci_referrers *into, const unsigned char *a,
		     const unsigned char *b)
{
	oci_desc d;
	ae_err skip = {0};

	bool other;

	into->total++;
	/* a malformed element is skipped: the others still count */
	if (oci__desc_parse(&d, a, (size_t)(b - a), &skip) < 0)
		return 0;
	other = d.artifact_type[0] != '\0' &&
		strcmp(d.artifact_type, OCI_SIGSTORE_TYPE) != 0;
	if (into->n == OCI_REFERRERS_MAX ||
	    (other && into->others == OCI_REFERRERS_OTHER_MAX))
		return 0;
	memset(&into->items[into->n], 0, sizeof(into->items[0]));
	into->items[into->n].desc = d;
	into->n++;
	into->others += other;
	return 0;
}

/* Walks the "manifests" array (at its '['). */
static int scan_manifests(oci_referrers *into, scan *s)
{
	int rc;

	s->p++;
	scan_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return SCAN_OK;
	}
	for (;;) {
		const unsigned char *a;

		scan_ws(s);
		if (s->p >= s->end)
			return SCAN_END;
		if (*s->p != '{')
			return SCAN_BAD;
		a = s->p;
		rc = scan_value(s);
		if (rc != SCAN_OK)
			return rc;
		scan_keep(into, a, s->p);
		scan_ws(s);
		if (s->p >= s->end)
			return SCAN_END;
		if (*s->p == ']') {
			s->p++;
			return SCAN_OK;
		}
		if (*s->p++ != ',')
			return SCAN_BAD;
	}
}

/* Reads one member of the top-level object: key, ':', value. */
static int scan_member(oci_referrers *into, scan *s, unsigned *seen)
{
	const unsigned char *a = s->p, *v;
	char *key, *mt;
	int rc;

	if (*s->p != '"')
		return SCAN_BAD;
	rc = scan_string(s);
	if (rc != SCAN_OK)
		return rc;
	key = scan_text(a, s->p);
	if (key == NULL)
		return SCAN_BAD;
	scan_ws(s);
	rc = s->p >= s->end ? SCAN_END : *s->p++ != ':' ? SCAN_BAD : SCAN_OK;
	if (rc == SCAN_OK)
		scan_ws(s);
	if (rc == SCAN_OK && s->p >= s->end)
		rc = SCAN_END;
	if (rc == SCAN_OK && strcmp(key, "manifests") == 0) {
		rc = (*seen & 1u) || *s->p != '[' ? SCAN_BAD
						  : scan_manifests(into, s);
		*seen |= 1u;
	} else if (rc == SCAN_OK && strcmp(key, "mediaType") == 0) {
		v = s->p;
		rc = (*seen & 2u) || *s->p != '"' ? SCAN_BAD : scan_string(s);
		*seen |= 2u;
		mt = rc == SCAN_OK ? scan_text(v, s->p) : NULL;
		if (rc == SCAN_OK && (mt == NULL || strcmp(mt, OCI_MT_INDEX)))
			rc = SCAN_BAD;
		free(mt);
	} else if (rc == SCAN_OK) {
		rc = scan_value(s);
	}
	free(key);
	return rc;
}

/* Walks the top-level object. */
static int scan_top(oci_referrers *into, scan *s, unsigned *seen)
{
	int rc;

	scan_ws(s);
	if (s->p >= s->end)
		return SCAN_END;
	if (*s->p++ != '{')
		return SCAN_BAD;
	scan_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return SCAN_OK;
	}
	for (;;) {
		scan_ws(s);
		if (s->p >= s->end)
			return SCAN_END;
		rc = scan_member(into, s, seen);
		if (rc != SCAN_OK)
			return rc;
		scan_ws(s);
		if (s->p >= s->end)
			return SCAN_END;
		if (*s->p == '}') {
			s->p++;
			return SCAN_OK;
		}
		if (*s->p++ != ',')
			return SCAN_BAD;
	}
}

int oci_index_scan(oci_referrers *into, const unsigned char *buf, size_t len,
		   bool cut, ae_err *err)
{
	scan s = {buf, buf + len, cut};
	unsigned seen = 0;
	int rc;

	AE_ASSERT_ARG(into != NULL && (buf != NULL || len == 0), err);
	if (ae_has_nul(buf, len))
		return ae_fail(err, AE_EINVAL, "NUL in a referrers listing");
	rc = scan_top(into, &s, &seen);
	if (rc == SCAN_END && cut) {
		into->truncated = true;
		return 0;
	}
	if (rc == SCAN_OK) {
		scan_ws(&s);
		if (s.p != s.end)
			rc = SCAN_BAD;
	}
	if (rc == SCAN_OK && !(seen & 1u))
		return ae_fail(err, AE_EINVAL,
			       "referrers listing has no manifests array");
	if (rc != SCAN_OK)
		return ae_fail(err, AE_EINVAL,
			       "referrers listing is not an OCI image index");
	return 0;
}
