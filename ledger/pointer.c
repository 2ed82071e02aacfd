/* ledger/pointer.c -- pointer V1: read, validate, build, getters
 *
 * A pointer is the small YAML file committed to the ledger that locates one
 * signed OCI bundle (reference §1). Reading is done in two passes so that a
 * checker can list every problem of a file at once (SPEC §5): the first
 * takes the fields out of the YAML tree and reports wrong types (a map where
 * a string belongs), the second judges the values (reference §1.3 plus our
 * stricter digest, recipe, timestamp and text rules). Builders
 * (ld_pointer_new) go through the second pass only, so a pointer we write
 * obeys exactly the rules a pointer we read must obey.
 *
 * Unknown keys are tolerated on read (reference §1.1: legacy pointers carry
 * `fingerprint`, `phaseSummary`, ...) and never kept, so never written. A
 * plain scalar that YAML reads as null (`null`, `~`, empty) counts as
 * absent, as yaml.v3 decodes it into the reference's struct; any other
 * scalar, quoted or plain, is taken as its text.
 */
#include "ledger/ledger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a pointer, by position; strings in `s[]`. */
enum {
	PF_ROOT,
	PF_SCHEMA,
	PF_RECIPE,
	PF_PROFILE,
	PF_ATTS,
	PF_ENTRY,
	PF_BUNDLE,
	PF_OCI,
	PF_DIGEST,
	PF_PTYPE,
	PF_SIGNER,
	PF_IDENTITY,
	PF_ISSUER,
	PF_REKOR,
	PF_ATTESTED,
	PF_COUNT
};

struct ld_pointer {
	char *s[PF_COUNT];     /* string fields; NULL: absent or wrong type */
	size_t line[PF_COUNT]; /* where each field was read; 0 when built */
	bool has_signer;       /* a `signer` mapping is present */
	int64_t rekor;	       /* 0: absent */
	bool valid;	       /* no problem found: may be written */
};

static const char *const field_names[PF_COUNT] = {
	"pointer",
	"schemaVersion",
	"recipe",
	"profile",
	"attestations",
	"attestations[0]",
	"attestations[0].bundle",
	"attestations[0].bundle.oci",
	"attestations[0].bundle.digest",
	"attestations[0].bundle.predicateType",
	"attestations[0].signer",
	"attestations[0].signer.identity",
	"attestations[0].signer.issuer",
	"attestations[0].signer.rekorLogIndex",
	"attestations[0].attestedAt",
};

/* State of one read: the pointer being filled, where problems go, and which
 * fields already have a type problem (so the value pass stays quiet about
 * them instead of adding a second "missing"). */
typedef struct pointer_reader {
	ld_pointer *p;
	ld_problems *pr;
	bool bad[PF_COUNT];
} pointer_reader;

void ld_problems_dispose(ld_problems *p)
{
	if (p == NULL)
		return;
	for (size_t i = p->n; i-- > 0;)
		free(p->v[i].msg);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Appends "line N: <field>: <why>" to `pr`. AE_ERR on out of memory (the
 * list is unchanged then); 0 otherwise. */
static int problem_add(ld_problems *pr, int code, size_t line,
		       const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int problem_add(ld_problems *pr, int code, size_t line,
		       const char *field, const char *fmt, ...)
{
	char why[AE_ERR_MSG_MAX * 2], msg[AE_ERR_MSG_MAX * 3];
	ld_problem *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(msg, sizeof(msg), "line %zu: %s: %s", line, field,
			 why);
	else
		snprintf(msg, sizeof(msg), "%s: %s", field, why);
	v = realloc(pr->v, (pr->n + 1) * sizeof(*v));
	if (v == NULL)
		return AE_ERR;
	pr->v = v;
	v[pr->n].msg = strdup(msg);
	if (v[pr->n].msg == NULL)
		return AE_ERR;
	v[pr->n].code = code;
	v[pr->n].line = line;
	pr->n++;
	return 0;
}

/* Records a problem about field `f` at its recorded line. */
#define PROBLEM(rd, f, ...)                                                    \
	problem_add((rd)->pr, AE_EINVAL, (rd)->p->line[(f)], field_names[(f)], \
		    __VA_ARGS__)

static const char *kind_name(const ae_yaml_node *n)
{
	return n->kind == AE_YAML_MAP	? "mapping"
	       : n->kind == AE_YAML_SEQ ? "list"
					: "scalar";
}

/* Takes string field `f` from `map[key]`: absent or null leaves it NULL; a
 * non-scalar is a type problem. `dflt` (may be NULL) is stored when absent.
 * AE_ERR on out of memory. */
static int take_string(pointer_reader *rd, int f, const ae_yaml_node *map,
		       const char *key, const char *dflt)
{
	const ae_yaml_node *n = ae_yaml_map_get(map, key);
	ld_pointer *p = rd->p;

	p->line[f] = map->line;
	if (ae_yaml_is_null(n)) {
		if (dflt != NULL && (p->s[f] = strdup(dflt)) == NULL)
			return AE_ERR;
		return 0;
	}
	p->line[f] = n->line;
	if (n->kind != AE_YAML_SCALAR) {
		rd->bad[f] = true;
		return PROBLEM(rd, f, "must be a string, not a %s",
			       kind_name(n));
	}
	p->s[f] = strdup(n->scalar);
	return p->s[f] == NULL ? AE_ERR : 0;
}

/* Marks fields [from, to] as already reported (their parent is broken). */
static void mark_bad(pointer_reader *rd, int from, int to)
{
	for (int f = from; f <= to; f++)
		rd->bad[f] = true;
}

/* rekorLogIndex: an int64 >= 0 written as a plain decimal scalar (yaml.v3
 * would refuse a quoted string for the reference's *int64). Leading zeros
 * are refused: YAML 1.1 readers take them as octal. */
static int take_rekor(pointer_reader *rd, const ae_yaml_node *signer)
{
	const ae_yaml_node *n = ae_yaml_map_get(signer, "rekorLogIndex");
	char r[AE_REPR_BUF];
	uint64_t v = 0;

	if (ae_yaml_is_null(n))
		return 0;
	rd->p->line[PF_REKOR] = n->line;
	rd->bad[PF_REKOR] = true;
	if (n->kind != AE_YAML_SCALAR || !n->plain || n->scalar_len == 0 ||
	    n->scalar_len > 19 || (n->scalar[0] == '0' && n->scalar_len > 1))
		goto bad;
	for (size_t i = 0; i < n->scalar_len; i++) {
		if (n->scalar[i] < '0' || n->scalar[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(n->scalar[i] - '0');
	}
	if (v > INT64_MAX)
		goto bad;
	rd->bad[PF_REKOR] = false;
	rd->p->rekor = (int64_t)v;
	return 0;
bad:
	if (n->kind != AE_YAML_SCALAR)
		return PROBLEM(rd, PF_REKOR, "must be an integer, not a %s",
			       kind_name(n));
	return PROBLEM(rd, PF_REKOR,
		       "must be a plain decimal integer 0..2^63-1, got %s%s",
		       n->plain ? "" : "quoted ",
		       ae_repr(r, sizeof(r), n->scalar, n->scalar_len));
}

/* Takes a mapping-valued field: absent leaves `*out` NULL and, when
 * `required`, reports it; a non-mapping is a type problem. Either way the
 * children [kids_from, kids_to] are marked reported when it is unusable. */
static int take_map(const ae_yaml_node **out, pointer_reader *rd, int f,
		    const ae_yaml_node *parent, const char *key, bool required,
		    int kids_from, int kids_to)
{
	const ae_yaml_node *n = ae_yaml_map_get(parent, key);

	*out = NULL;
	rd->p->line[f] = n ? n->line : parent->line;
	if (ae_yaml_is_null(n)) {
		if (!required)
			return 0;
		mark_bad(rd, kids_from, kids_to);
		return PROBLEM(rd, f, "missing");
	}
	if (n->kind != AE_YAML_MAP) {
		mark_bad(rd, f, kids_to);
		return PROBLEM(rd, f, "must be a mapping, not a %s",
			       kind_name(n));
	}
	*out = n;
	return 0;
}

/* The signer mapping: optional (absent = unsigned, reference §1.1). */
static int take_signer(pointer_reader *rd, const ae_yaml_node *entry)
{
	const ae_yaml_node *s = NULL;
	int rc;

	rc = take_map(&s, rd, PF_SIGNER, entry, "signer", false, PF_IDENTITY,
		      PF_REKOR);
	if (rc < 0 || s == NULL)
		return rc;
	rd->p->has_signer = true;
	rc = take_string(rd, PF_IDENTITY, s, "identity", NULL);
	if (rc == 0)
		rc = take_string(rd, PF_ISSUER, s, "issuer", NULL);
	if (rc == 0)
		rc = take_rekor(rd, s);
	return rc;
}

/* The one attestations[] entry (reference §1.1 `PointerAttestation`). */
static int take_entry(pointer_reader *rd, const ae_yaml_node *entry)
{
	const ae_yaml_node *b = NULL;
	int rc;

	rc = take_string(rd, PF_ATTESTED, entry, "attestedAt", NULL);
	if (rc == 0)
		rc = take_map(&b, rd, PF_BUNDLE, entry, "bundle", true, PF_OCI,
			      PF_PTYPE);
	if (rc == 0 && b != NULL) {
		/* oci and digest are empty before push (reference §1.1). */
		rc = take_string(rd, PF_OCI, b, "oci", "");
		if (rc == 0)
			rc = take_string(rd, PF_DIGEST, b, "digest", "");
		if (rc == 0)
			rc = take_string(rd, PF_PTYPE, b, "predicateType",
					 NULL);
	}
	if (rc == 0)
		rc = take_signer(rd, entry);
	return rc;
}

/* attestations: exactly one entry in V1 (reference §1.3 rule 6). With more
 * than one the first is still read, so the caller can place the file. */
static int take_attestations(pointer_reader *rd, const ae_yaml_node *root)
{
	const ae_yaml_node *a = ae_yaml_map_get(root, "attestations");
	ld_pointer *p = rd->p;
	int rc = 0;

	p->line[PF_ATTS] = a ? a->line : root->line;
	if (ae_yaml_is_null(a) || a->kind != AE_YAML_SEQ || a->n == 0) {
		mark_bad(rd, PF_ENTRY, PF_ATTESTED);
		if (ae_yaml_is_null(a))
			return PROBLEM(rd, PF_ATTS, "missing");
		if (a->kind != AE_YAML_SEQ)
			return PROBLEM(rd, PF_ATTS, "must be a list, not a %s",
				       kind_name(a));
		return PROBLEM(rd, PF_ATTS,
			       "must hold exactly one attestation, got 0");
	}
	if (a->n != 1)
		rc = PROBLEM(rd, PF_ATTS,
			     "must hold exactly one attestation, got %zu "
			     "(the multi-attestation schema 2.0 is not "
			     "supported)",
			     a->n);
	p->line[PF_ENTRY] = a->items[0]->line;
	if (rc == 0 && a->items[0]->kind != AE_YAML_MAP) {
		mark_bad(rd, PF_ENTRY, PF_ATTESTED);
		return PROBLEM(rd, PF_ENTRY, "must be a mapping, not a %s",
			       kind_name(a->items[0]));
	}
	return rc < 0 ? rc : take_entry(rd, a->items[0]);
}

/* First pass: the YAML tree into `rd->p`, wrong types reported. */
static int pointer_take(pointer_reader *rd, const ae_yaml_node *root)
{
	int rc;

	rd->p->line[PF_ROOT] = root->line;
	rc = take_string(rd, PF_SCHEMA, root, "schemaVersion", NULL);
	if (rc == 0)
		rc = take_string(rd, PF_RECIPE, root, "recipe", NULL);
	if (rc == 0)
		rc = take_string(rd, PF_PROFILE, root, "profile", NULL);
	if (rc == 0)
		rc = take_attestations(rd, root);
	return rc;
}

/* ---- second pass: values ---- */

/* Reports a required field that is absent or empty; true iff it is there
 * (and was not already reported). */
static bool value_required(pointer_reader *rd, int f, int *rc)
{
	const char *s = rd->p->s[f];

	if (rd->bad[f])
		return false;
	if (s == NULL || s[0] == '\0') {
		if (*rc == 0)
			*rc = PROBLEM(rd, f, s == NULL ? "missing" : "empty");
		return false;
	}
	return true;
}

/* schemaVersion: "1.0" or "1.0.<digits>" (reference §1.3 rule 3 accepts
 * the 1.0.x family). */
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
static int value_profile(pointer_reader *rd)
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
		return PROBLEM(rd, PF_PROFILE,
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
		return PROBLEM(rd, PF_RECIPE,
			       "profile path segment: a recipe with profile "
			       "%s must end in %s",
			       ae_repr(r, sizeof(r), prof, strlen(prof)),
			       suffix);
	return 0;
}

/* predicateType in the V1/V2/V3 set; V1 never carries a profile, V2 always
 * does (reference §1.3 rule 7). */
static int value_predicate_type(pointer_reader *rd)
{
	const char *t = rd->p->s[PF_PTYPE];
	bool prof = rd->p->s[PF_PROFILE] != NULL;
	char r[AE_REPR_BUF];
	int rc = 0;

	if (!value_required(rd, PF_PTYPE, &rc))
		return rc;
	if (strcmp(t, LD_PREDICATE_V1) == 0 && prof)
		return PROBLEM(rd, PF_PTYPE,
			       "a v1 predicate cannot carry a profile");
	if (strcmp(t, LD_PREDICATE_V2) == 0 && !prof)
		return PROBLEM(rd, PF_PTYPE,
			       "a v2 predicate requires a profile");
	if (strcmp(t, LD_PREDICATE_V1) != 0 &&
	    strcmp(t, LD_PREDICATE_V2) != 0 && strcmp(t, LD_PREDICATE_V3) != 0)
		return PROBLEM(rd, PF_PTYPE,
			       "unexpected predicateType %s (want "
			       "https://aicr.run/recipe-evidence/v1, v2 or v3)",
			       ae_repr(r, sizeof(r), t, strlen(t)));
	return 0;
}

/* bundle.oci / bundle.digest: both empty before push; a pushed or signed
 * bundle has a digest of exactly sha256:<64 lowercase hex> (SPEC §3, issue
 * 2: stricter than the reference's prefix check, reference §14.2); the
 * reference is a registry path with a tag, no scheme (reference §1.1). */
static int value_bundle(pointer_reader *rd)
{
	const char *oci = rd->p->s[PF_OCI], *dg = rd->p->s[PF_DIGEST];
	char r[AE_REPR_BUF];
	int rc = 0;

	if (!rd->bad[PF_OCI] && oci != NULL && oci[0] != '\0' &&
	    (strstr(oci, "://") != NULL || strchr(oci, ' ') != NULL))
		rc = PROBLEM(rd, PF_OCI,
			     "must be a registry reference without a scheme "
			     "or spaces, got %s",
			     ae_repr(r, sizeof(r), oci, strlen(oci)));
	if (rc < 0 || rd->bad[PF_DIGEST] || dg == NULL)
		return rc;
	if (dg[0] != '\0' && !ae_digest_is_valid(dg))
		return PROBLEM(rd, PF_DIGEST,
			       "must be sha256: followed by 64 lowercase hex, "
			       "got %s",
			       ae_repr(r, sizeof(r), dg, strlen(dg)));
	if (dg[0] == '\0' && oci != NULL && oci[0] != '\0')
		return PROBLEM(rd, PF_DIGEST,
			       "empty, but bundle.oci says the bundle was "
			       "pushed");
	if (dg[0] == '\0' && rd->p->has_signer)
		return PROBLEM(rd, PF_DIGEST,
			       "empty, but a signed pointer must name the "
			       "signed artifact's digest");
	return 0;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads `n` decimal digits at `s`; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* attestedAt: RFC 3339 in UTC, whole seconds, "Z": YYYY-MM-DDTHH:MM:SSZ
 * (SPEC §3, reference §1.1), with real calendar ranges. */
static bool timestamp_ok(const char *s)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 59)
		return false;
	return d <= mdays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0);
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
static int value_text(pointer_reader *rd, int f)
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
		return PROBLEM(rd, f, "not valid UTF-8");
	return PROBLEM(rd, f, "control character U+%04X in the value",
		       k == 1 ? *s : s[1]);
}

/* Second pass: every value rule on the fields read (docs/formats.md). */
static int pointer_judge(pointer_reader *rd)
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
		rc = PROBLEM(rd, PF_SCHEMA,
			     "unsupported schemaVersion %s "
			     "(want 1.0 or 1.0.x)",
			     ae_repr(r, sizeof(r), p->s[PF_SCHEMA],
				     strlen(p->s[PF_SCHEMA])));
	if (rc == 0 && value_required(rd, PF_RECIPE, &rc) &&
	    !ae_path_element_is_plain(p->s[PF_RECIPE]))
		rc = PROBLEM(rd, PF_RECIPE,
			     "must be one plain path element (printable "
			     "ASCII, no '/', no leading '.'), got %s",
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
		if (rc == 0 && p->rekor < 0)
			rc = PROBLEM(rd, PF_REKOR, "must not be negative");
	}
	if (rc == 0 && value_required(rd, PF_ATTESTED, &rc) &&
	    !timestamp_ok(p->s[PF_ATTESTED]))
		rc = PROBLEM(rd, PF_ATTESTED,
			     "must be RFC 3339 UTC with whole seconds, "
			     "YYYY-MM-DDTHH:MM:SSZ, got %s",
			     ae_repr(r, sizeof(r), p->s[PF_ATTESTED],
				     strlen(p->s[PF_ATTESTED])));
	p->valid = rc == 0 && rd->pr->n == before;
	return rc;
}

/* ---- public ---- */

void ld_pointer_free(ld_pointer *p)
{
	if (p == NULL)
		return;
	for (int f = PF_COUNT; f-- > 0;)
		free(p->s[f]);
	free(p);
}

int ld_pointer_check(ld_pointer **out, ld_problems *problems,
		     const unsigned char *buf, size_t len, ae_err *err)
{
	ae_yaml_node *root = NULL;
	pointer_reader rd = {0};
	ae_err yerr = {0};
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(problems != NULL && (buf != NULL || len == 0), err);
	rd.pr = problems;
	if (len > LD_POINTER_MAX_BYTES) {
		rc = problem_add(problems, AE_ETOOBIG, 0, "pointer",
				 "%zu bytes, cap %u", len,
				 LD_POINTER_MAX_BYTES);
		goto done;
	}
	rc = ae_yaml_parse(&root, buf, len, &yerr);
	if (rc == AE_ERR)
		goto done;
	if (rc < 0) {
		/* Malformed YAML, aliases, tags, duplicate keys: findings. */
		rc = problem_add(problems, rc, 0, "pointer", "%s", yerr.msg);
		goto done;
	}
	if (root == NULL || root->kind != AE_YAML_MAP) {
		rc = problem_add(problems, AE_EINVAL, root ? root->line : 0,
				 "pointer", "must be a YAML mapping, not %s",
				 root ? kind_name(root) : "an empty document");
		goto done;
	}
	rd.p = calloc(1, sizeof(*rd.p));
	if (rd.p == NULL) {
		rc = AE_ERR;
		goto done;
	}
	{
		size_t before = problems->n;
		rc = pointer_take(&rd, root);
		if (rc == 0)
			rc = pointer_judge(&rd);
		rd.p->valid = rc == 0 && problems->n == before;
	}
done:
	ae_yaml_free(root);
	if (rc < 0) {
		ld_pointer_free(rd.p);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	*out = rd.p;
	return 0;
}

/* Turns a problem list into an error: the first problem, and how many
 * more. */
static int problems_to_err(const ld_problems *pr, ae_err *err)
{
	if (pr->n == 1)
		return ae_fail(err, pr->v[0].code, "%s", pr->v[0].msg);
	return ae_fail(err, pr->v[0].code, "%s (+%zu more)", pr->v[0].msg,
		       pr->n - 1);
}

int ld_pointer_parse(ld_pointer **out, const unsigned char *buf, size_t len,
		     ae_err *err)
{
	ld_problems pr = LD_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	int rc;

	*out = NULL;
	rc = ld_pointer_check(&p, &pr, buf, len, err);
	if (rc == 0 && pr.n > 0)
		rc = problems_to_err(&pr, err);
	ld_problems_dispose(&pr);
	if (rc < 0) {
		ld_pointer_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int ld_pointer_read(ld_pointer **out, int dirfd, const char *name, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ae_read_file(&b, dirfd, name, LD_POINTER_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ld_pointer_parse(out, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

/* Copies `s` into field `f` (NULL stays NULL). AE_ERR on out of memory. */
static int pointer_set(ld_pointer *p, int f, const char *s)
{
	if (s == NULL)
		return 0;
	p->s[f] = strdup(s);
	return p->s[f] == NULL ? AE_ERR : 0;
}

int ld_pointer_new(ld_pointer **out, const ld_pointer_fields *fields,
		   ae_err *err)
{
	ld_problems pr = LD_PROBLEMS_INIT;
	pointer_reader rd = {0};
	const ld_pointer_fields *f = fields;
	int rc = 0;

	*out = NULL;
	AE_ASSERT_ARG(fields != NULL, err);
	rd.pr = &pr;
	rd.p = calloc(1, sizeof(*rd.p));
	if (rd.p == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rd.p->has_signer =
		f->signer_identity != NULL || f->signer_issuer != NULL;
	rd.p->rekor = f->rekor_log_index;
	if (pointer_set(rd.p, PF_SCHEMA,
			f->schema_version ? f->schema_version
					  : LD_POINTER_SCHEMA_VERSION) < 0 ||
	    pointer_set(rd.p, PF_RECIPE, f->recipe) < 0 ||
	    pointer_set(rd.p, PF_PROFILE, f->profile) < 0 ||
	    pointer_set(rd.p, PF_OCI, f->bundle_oci ? f->bundle_oci : "") < 0 ||
	    pointer_set(rd.p, PF_DIGEST,
			f->bundle_digest ? f->bundle_digest : "") < 0 ||
	    pointer_set(rd.p, PF_PTYPE, f->predicate_type) < 0 ||
	    pointer_set(rd.p, PF_IDENTITY, f->signer_identity) < 0 ||
	    pointer_set(rd.p, PF_ISSUER, f->signer_issuer) < 0 ||
	    pointer_set(rd.p, PF_ATTESTED, f->attested_at) < 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = pointer_judge(&rd) < 0
			     ? ae_fail(err, AE_ERR, "out of memory")
			     : 0;
	if (rc == 0 && pr.n > 0)
		rc = problems_to_err(&pr, err);
	ld_problems_dispose(&pr);
	if (rc < 0) {
		ld_pointer_free(rd.p);
		return rc;
	}
	*out = rd.p;
	return 0;
}

void ld_pointer_fields_get(ld_pointer_fields *out, const ld_pointer *p)
{
	out->schema_version = p->s[PF_SCHEMA];
	out->recipe = p->s[PF_RECIPE];
	out->profile = p->s[PF_PROFILE];
	out->bundle_oci = p->s[PF_OCI];
	out->bundle_digest = p->s[PF_DIGEST];
	out->predicate_type = p->s[PF_PTYPE];
	out->signer_identity = p->s[PF_IDENTITY];
	out->signer_issuer = p->s[PF_ISSUER];
	out->rekor_log_index = p->rekor;
	out->attested_at = p->s[PF_ATTESTED];
}

const char *ld_pointer_schema_version(const ld_pointer *p)
{
	return p->s[PF_SCHEMA];
}

const char *ld_pointer_recipe(const ld_pointer *p)
{
	return p->s[PF_RECIPE];
}

const char *ld_pointer_profile(const ld_pointer *p)
{
	return p->s[PF_PROFILE];
}

const char *ld_pointer_bundle_oci(const ld_pointer *p)
{
	return p->s[PF_OCI];
}

const char *ld_pointer_bundle_digest(const ld_pointer *p)
{
	return p->s[PF_DIGEST];
}

const char *ld_pointer_predicate_type(const ld_pointer *p)
{
	return p->s[PF_PTYPE];
}

const char *ld_pointer_attested_at(const ld_pointer *p)
{
	return p->s[PF_ATTESTED];
}

const char *ld_pointer_signer_identity(const ld_pointer *p)
{
	return p->s[PF_IDENTITY];
}

const char *ld_pointer_signer_issuer(const ld_pointer *p)
{
	return p->s[PF_ISSUER];
}

bool ld_pointer_is_valid(const ld_pointer *p)
{
	return p->valid;
}

bool ld_pointer_is_signed(const ld_pointer *p)
{
	return p->has_signer;
}

int64_t ld_pointer_rekor_log_index(const ld_pointer *p)
{
	return p->rekor;
}
