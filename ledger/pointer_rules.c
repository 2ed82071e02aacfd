/* ledger/pointer_rules.c -- pointer V1: the value rules
 *
 * The second pass of reading a pointer, and the only pass of building one
 * (ledger/pointer.c): each field's value against reference §1.3 and our
 * stricter rules -- digest of exact form, recipe a plain path element,
 * RFC 3339 UTC timestamps, text without control characters. Every broken
 * rule becomes a problem; a field whose type was already wrong is skipped
 * so one mistake is reported once. The list is in docs/formats.md.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reports a required field that is absent or empty; true iff it is there
 * (and was not already reported). */
static bool value_required(ld__pointer_reader *rd, int f, int *rc)
{
	const char *s = rd->p->s[f];

	if (rd->bad[f])
		return false;
	if (s == NULL || s[0] == '\0') {
		if (*rc == 0)
			*rc = LD__PROBLEM(rd, f,
					  s == NULL ? "missing" : "empty");
		return false;
	}
	return true;
}

/* schemaVersion: "1.0" or "1.0.<digits>" (reference §1.3 rule 3 accepts
 * the 1.0.x family). */
/* True iff Git for Windows can write `s` as a directory name (what its
 * core.protectNTFS refuses: one of < > : " | ? * , a trailing dot or
 * space, a DOS device name -- CON, PRN, AUX, NUL, COM1-9, LPT1-9 in any
 * case, alone or before a '.' or spaces). A recipe directory it cannot
 * write makes the whole ledger impossible to clone there. */
static bool recipe_is_portable(const char *s)
{
	static const char *const dev[] = {"con", "prn", "aux", "nul"};
	size_t n = strlen(s), base = strcspn(s, ".");

	if (n == 0 || s[n - 1] == '.' || s[n - 1] == ' ' ||
	    strpbrk(s, "<>:\"|?*") != NULL)
		return false;
	while (base > 0 && s[base - 1] == ' ')
		base--;
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (base == 3 && strncasecmp(s, dev[i], 3) == 0)
			return false;
	if (base == 4 &&
	    (strncasecmp(s, "com", 3) == 0 || strncasecmp(s, "lpt", 3) == 0) &&
	    s[3] >= '1' && s[3] <= '9')
		return false;
	return true;
}

static bool schema_version_ok(const char *s)
{
	if (strcmp(s, "1.0") == 0)
		return true;
	if (strncmp(s, "1.0.", 4) != 0 || s[4] == '\0')
		return false;
	for (s += 4; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* A profile name or value: printable ASCII without space, '=' and '/'
 * (reference TestProfileSegment). */
static bool profile_part_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '=' || s[i] == '/')
			return false;
	}
	return true;
}

/* profile "<name>=<value>" and the recipe suffix it implies: the recipe
 * name ends "-" + lowercase("<name>-<value>") (reference §1.3 rule 5). */
static int value_profile(ld__pointer_reader *rd)
{
	const char *prof = rd->p->s[PF_PROFILE];
	const char *recipe = rd->p->s[PF_RECIPE];
	char r[AE_REPR_BUF], suffix[1024];
	const char *eq;
	size_t nl, vl, sl, rl;

	if (prof == NULL || rd->bad[PF_PROFILE])
		return 0;
	eq = strchr(prof, '=');
	nl = eq ? (size_t)(eq - prof) : 0;
	vl = eq ? strlen(eq + 1) : 0;
	if (eq == NULL || !profile_part_ok(prof, nl) ||
	    !profile_part_ok(eq + 1, vl) || nl + vl + 3 > sizeof(suffix))
		return LD__PROBLEM(
			rd, PF_PROFILE,
			"must be <name>=<value> without spaces, '/' or "
			"a second '=', got %s",
			ae_repr(r, sizeof(r), prof, strlen(prof)));
	if (recipe == NULL)
		return 0;
	snprintf(suffix, sizeof(suffix), "-%.*s-%s", (int)nl, prof, eq + 1);
	sl = strlen(suffix);
	for (size_t i = 0; i < sl; i++) {
		if (suffix[i] >= 'A' && suffix[i] <= 'Z')
			suffix[i] = (char)(suffix[i] - 'A' + 'a');
	}
	rl = strlen(recipe);
	if (rl <= sl || strcmp(recipe + rl - sl, suffix) != 0)
		return LD__PROBLEM(
			rd, PF_RECIPE,
			"profile path segment: a recipe with profile "
			"%s must end in %s",
			ae_repr(r, sizeof(r), prof, strlen(prof)), suffix);
	return 0;
}

/* predicateType in the V1/V2/V3 set; V1 never carries a profile, V2 always
 * does (reference §1.3 rule 7). */
static int value_predicate_type(ld__pointer_reader *rd)
{
	const char *t = rd->p->s[PF_PTYPE];
	bool prof = rd->p->s[PF_PROFILE] != NULL;
	char r[AE_REPR_BUF];
	int rc = 0;

	if (!value_required(rd, PF_PTYPE, &rc))
		return rc;
	if (strcmp(t, LD_PREDICATE_V1) == 0 && prof)
		return LD__PROBLEM(rd, PF_PTYPE,
				   "a v1 predicate cannot carry a profile");
	if (strcmp(t, LD_PREDICATE_V2) == 0 && !prof)
		return LD__PROBLEM(rd, PF_PTYPE,
				   "a v2 predicate requires a profile");
	if (strcmp(t, LD_PREDICATE_V1) != 0 &&
	    strcmp(t, LD_PREDICATE_V2) != 0 && strcmp(t, LD_PREDICATE_V3) != 0)
		return LD__PROBLEM(
			rd, PF_PTYPE,
			"unexpected predicateType %s (want "
			"https://aicr.run/recipe-evidence/v1, v2 or v3)",
			ae_repr(r, sizeof(r), t, strlen(t)));
	return 0;
}

/* bundle.oci / bundle.digest: both empty before push; a pushed or signed
 * bundle has a digest of exactly sha256:<64 lowercase hex> (SPEC §3, issue
 * 2: stricter than the reference's prefix check, reference §14.2); the
 * reference is a registry path with a tag, no scheme (reference §1.1). */
static int value_bundle(ld__pointer_reader *rd)
{
	const char *oci = rd->p->s[PF_OCI], *dg = rd->p->s[PF_DIGEST];
	char r[AE_REPR_BUF];
	int rc = 0;

	if (!rd->bad[PF_OCI] && oci != NULL && oci[0] != '\0' &&
	    (strstr(oci, "://") != NULL || strchr(oci, ' ') != NULL))
		rc = LD__PROBLEM(
			rd, PF_OCI,
			"must be a registry reference without a scheme "
			"or spaces, got %s",
			ae_repr(r, sizeof(r), oci, strlen(oci)));
	if (rc < 0 || rd->bad[PF_DIGEST] || dg == NULL)
		return rc;
	if (dg[0] != '\0' && !ae_digest_is_valid(dg))
		return LD__PROBLEM(
			rd, PF_DIGEST,
			"must be sha256: followed by 64 lowercase hex, "
			"got %s",
			ae_repr(r, sizeof(r), dg, strlen(dg)));
	if (dg[0] == '\0' && oci != NULL && oci[0] != '\0')
		return LD__PROBLEM(rd, PF_DIGEST,
				   "empty, but bundle.oci says the bundle was "
				   "pushed");
	if (dg[0] == '\0' && rd->p->has_signer)
		return LD__PROBLEM(rd, PF_DIGEST,
				   "empty, but a signed pointer must name the "
				   "signed artifact's digest");
	return 0;
}

/* attestedAt: RFC 3339 in UTC, whole seconds, "Z": YYYY-MM-DDTHH:MM:SSZ
 * (SPEC §3, reference §1.1), with real calendar ranges. */
static bool timestamp_ok(const char *s)
{
	ae_time t;

	return ae_time_parse_rfc3339(&t, s, strlen(s), 0, NULL) == 0;
}

/* Decodes one UTF-8 sequence at `s`; returns its length, 0 if invalid
 * (overlong, surrogate, past U+10FFFF, truncated). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], cp, min;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Every string of a pointer is valid UTF-8 without control characters:
 * such text cannot be told apart on a terminal, breaks `path: message`
 * lines, and has no business in names, URLs or timestamps. */
static int value_text(ld__pointer_reader *rd, int f)
{
	const unsigned char *s = (const unsigned char *)rd->p->s[f];
	size_t k;

	if (s == NULL || rd->bad[f])
		return 0;
	for (; *s != '\0'; s += k) {
		k = utf8_len(s);
		if (k == 0 || *s < 0x20 || *s == 0x7f ||
		    (k == 2 && s[0] == 0xc2 && s[1] < 0xa0))
			break;
	}
	if (*s == '\0')
		return 0;
	rd->bad[f] = true; /* the value rules would only repeat it */
	if (k == 0)
		return LD__PROBLEM(rd, f, "not valid UTF-8");
	return LD__PROBLEM(rd, f, "control character U+%04X in the value",
			   k == 1 ? *s : s[1]);
}

/* The value pass (internal.h). */
int ld__pointer_judge(ld__pointer_reader *rd)
{
	ld_pointer *p = rd->p;
	size_t before = rd->pr->n;
	char r[AE_REPR_BUF];
	int rc = 0;

	/* An empty profile is no profile (yaml.v3 omitempty). */
	if (p->s[PF_PROFILE] != NULL && p->s[PF_PROFILE][0] == '\0') {
		free(p->s[PF_PROFILE]);
		p->s[PF_PROFILE] = NULL;
	}
	for (int f = 0; f < PF_COUNT && rc == 0; f++)
		rc = value_text(rd, f);
	if (rc == 0 && value_required(rd, PF_SCHEMA, &rc) &&
	    !schema_version_ok(p->s[PF_SCHEMA]))
		rc = LD__PROBLEM(rd, PF_SCHEMA,
				 "unsupported schemaVersion %s "
				 "(want 1.0 or 1.0.x)",
				 ae_repr(r, sizeof(r), p->s[PF_SCHEMA],
					 strlen(p->s[PF_SCHEMA])));
	if (rc == 0 && value_required(rd, PF_RECIPE, &rc) &&
	    !ae_path_element_is_plain(p->s[PF_RECIPE]))
		rc = LD__PROBLEM(rd, PF_RECIPE,
				 "must be one plain path element (printable "
				 "ASCII, no '/', no leading '.'), got %s",
				 ae_repr(r, sizeof(r), p->s[PF_RECIPE],
					 strlen(p->s[PF_RECIPE])));
	else if (rc == 0 && p->s[PF_RECIPE] != NULL &&
		 !recipe_is_portable(p->s[PF_RECIPE]))
		rc = LD__PROBLEM(
			rd, PF_RECIPE,
			"%s is a directory name Git for Windows "
			"cannot check out (one of <>:\"|?*, a trailing "
			"'.' or space, or a device name such as CON "
			"or COM1)",
			ae_repr(r, sizeof(r), p->s[PF_RECIPE],
				strlen(p->s[PF_RECIPE])));
	if (rc == 0)
		rc = value_profile(rd);
	if (rc == 0)
		rc = value_predicate_type(rd);
	if (rc == 0)
		rc = value_bundle(rd);
	if (rc == 0 && p->has_signer && !rd->bad[PF_SIGNER]) {
		value_required(rd, PF_IDENTITY, &rc);
		if (rc == 0)
			value_required(rd, PF_ISSUER, &rc);
		if (rc == 0 && p->rekor < 0 && p->rekor != LD_REKOR_ABSENT)
			rc = LD__PROBLEM(rd, PF_REKOR, "must not be negative");
	}
	if (rc == 0 && value_required(rd, PF_ATTESTED, &rc) &&
	    !timestamp_ok(p->s[PF_ATTESTED]))
		rc = LD__PROBLEM(rd, PF_ATTESTED,
				 "must be RFC 3339 UTC with whole seconds, "
				 "YYYY-MM-DDTHH:MM:SSZ, got %s",
				 ae_repr(r, sizeof(r), p->s[PF_ATTESTED],
					 strlen(p->s[PF_ATTESTED])));
	p->valid = rc == 0 && rd->pr->n == before;
	return rc;
}
