/* ledger/corroborate_version.c -- tool versions (release or development
 * build, newest first) and the names of the ledger's issue-22 vocabulary
 *
 * The predicate's aicrVersion is whatever the signing tool wrote: the
 * reference writes its release ("0.21.1"), or "dev" for a build from a
 * work tree, and consumers asked to tell the two apart (issue 22 item 1;
 * the reference's #2806 is a board full of `aicrVer: dev`). A release is
 * [v]MAJOR.MINOR.PATCH with an optional pre-release made of letters and
 * digits; anything else -- "dev", "", git-describe output, build metadata
 * -- is a development build. Versions are untrusted text from a signed
 * predicate: they are parsed here by hand, bounded, never with sscanf.
 */
#include "ledger/ledger.h"

#include <stdint.h>
#include <string.h>

/* A parsed release: the numbers and where the pre-release starts. */
typedef struct semver {
	uint64_t n[3];
	const char *pre; /* after '-', NULL when none */
} semver;

/* Reads one decimal number of at most 9 digits, no leading zero but "0". */
static const char *num_read(const char *p, uint64_t *out)
{
	size_t k = 0;

	*out = 0;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return NULL;
	while (p[k] >= '0' && p[k] <= '9' && k < 9)
		*out = *out * 10 + (uint64_t)(p[k++] - '0');
	if (k == 0 || (p[k] >= '0' && p[k] <= '9'))
		return NULL;
	return p + k;
}

/* A pre-release is dot-separated identifiers of ASCII letters and digits;
 * a '-' inside is git-describe's (-3-gabc123), so it is refused, as is an
 * identifier that looks like a commit count followed by g<hex>. */
static bool pre_ok(const char *p)
{
	size_t ident = 0;

	if (*p == '\0')
		return false;
	for (; *p; p++) {
		bool alnum = (*p >= '0' && *p <= '9') ||
			     (*p >= 'a' && *p <= 'z') ||
			     (*p >= 'A' && *p <= 'Z');
		if (*p == '.') {
			if (ident == 0)
				return false;
			ident = 0;
			continue;
		}
		if (!alnum)
			return false;
		ident++;
	}
	return ident > 0;
}

/* Parses a release version; false for anything else. */
static bool semver_parse(semver *v, const char *s)
{
	const char *p = s;

	memset(v, 0, sizeof(*v));
	if (s == NULL || strlen(s) > 64)
		return false;
	if (*p == 'v')
		p++;
	for (int i = 0; i < 3; i++) {
		p = num_read(p, &v->n[i]);
		if (p == NULL)
			return false;
		if (i < 2 && *p++ != '.')
			return false;
	}
	if (*p == '\0')
		return true;
	if (*p != '-' || strstr(p, "dirty") != NULL || !pre_ok(p + 1))
		return false;
	v->pre = p + 1;
	return true;
}

bool ld_version_is_release(const char *v)
{
	semver s;

	return semver_parse(&s, v);
}

/* SemVer §11 pre-release precedence, identifier by identifier. */
static int pre_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		bool na = la > 0 && strspn(a, "0123456789") >= la;
		bool nb = lb > 0 && strspn(b, "0123456789") >= lb;
		int c;
		if (la == 0 || lb == 0)
			return la == lb ? 0 : (la == 0 ? -1 : 1);
		if (na && nb && la != lb)
			c = la < lb ? -1 : 1;
		else if (na != nb)
			c = na ? -1 : 1; /* numeric identifiers sort first */
		else {
			c = strncmp(a, b, la < lb ? la : lb);
			if (c == 0 && la != lb)
				c = la < lb ? -1 : 1;
		}
		if (c != 0)
			return c;
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return 0;
}

int ld_version_cmp(const char *a, const char *b)
{
	semver x, y;
	bool rx = semver_parse(&x, a), ry = semver_parse(&y, b);

	if (!rx || !ry)
		return rx == ry ? 0 : (rx ? -1 : 1);
	for (int i = 0; i < 3; i++) {
		if (x.n[i] != y.n[i])
			return x.n[i] > y.n[i] ? -1 : 1;
	}
	if (x.pre == NULL || y.pre == NULL)
		return x.pre == y.pre ? 0 : (x.pre == NULL ? -1 : 1);
	return -pre_cmp(x.pre, y.pre);
}

const char *ld_fresh_name(ld_fresh f)
{
	switch (f) {
	case LD_FRESH_UNKNOWN:
		return "UNKNOWN";
	case LD_FRESH_CURRENT:
		return "CURRENT";
	case LD_FRESH_HISTORICAL:
		return "HISTORICAL";
	case LD_FRESH_NA:
		return "NONE";
	}
	return "?";
}

const char *ld_why_name(ld_why w)
{
	static const char *const names[LD_WHY_COUNT] = {
		"counts",	   "unverified", "unverifiable", "re-signed",
		"not-first-party", "unlisted",	 "historical",	 "dev-build"};

	return (unsigned)w < LD_WHY_COUNT ? names[w] : "?";
}

const char *ld_why_text(ld_why w)
{
	static const char *const text[LD_WHY_COUNT] = {
		"counts",
		"not verified: run with --verify",
		"not counted: could not be verified",
		"not counted: the same bundle is already counted for another "
		"signer (re-signed)",
		"not counted: ingested evidence must be signed by a "
		"first-party identity",
		"not counted: signer not in the allowlist (reported)",
		"not counted: the recipe changed since (historical; "
		"--include-historical counts it)",
		"not counted: development build (--exclude-dev)"};

	return (unsigned)w < LD_WHY_COUNT ? text[w] : "?";
}

const char *ld_origin_name(ld_origin o)
{
	return o == LD_ORIGIN_INGEST ? "ingest" : "pointer";
}

const char *ld_lens_name(ld_lens l)
{
	return l == LD_LENS_SAME_VERSION ? "same-version" : "latest";
}

const char *ld_facet_name(int facet)
{
	static const char *const names[LD_FACET_COUNT] = {"k8s", "os", "gpu"};

	return facet >= 0 && facet < LD_FACET_COUNT ? names[facet] : "?";
}

const char *ld_axis_name(int axis)
{
	static const char *const names[LD_AXIS_COUNT] = {
		"service", "accelerator", "os", "intent", "platform"};

	return axis >= 0 && axis < LD_AXIS_COUNT ? names[axis] : "?";
}
