/* allowlist/load.c -- strict loader and validator of allowlist.yaml
 *
 * The allowlist is the trust root of the ledger, so its loader is the
 * strictest reader we have (reference §3): only the known keys at every
 * level -- a cleartext `identity:` above all, since the file must never
 * hold personal e-mail addresses, only one-way slugs -- exactly one of
 * source / identityPattern per entry, each class with its own kind, slugs
 * of exact form, patterns that pass pattern.c, and no two entries that
 * could claim the same signer (duplicate labels, duplicate slugs,
 * overlapping patterns: reference §3.3). Every broken rule is reported,
 * each with its line, so a maintainer fixes the file in one round.
 */
#include "allowlist/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The three class lists, in the order classify and reports use. */
static const struct {
	const char *key;
	al_class cls;
} load_classes[] = {
	{"firstParty", AL_CLASS_FIRST_PARTY},
	{"community", AL_CLASS_COMMUNITY},
	{"partner", AL_CLASS_PARTNER},
};

/* State of one load: the list being built and where problems go. */
typedef struct al_loader {
	al_list *l;
	ae_problems *pr;
	size_t before; /* problems already in the list when we started */
	bool full;     /* AL_MAX_ENTRIES reached: later entries skipped */
} al_loader;

/* Appends "line N: <where>: <why>" to the load's list. */
#define load_problem(ld, ...) ae_problem_add((ld)->pr, __VA_ARGS__)

static const char *load_kind(const ae_yaml_node *n)
{
	return n->kind == AE_YAML_MAP	? "mapping"
	       : n->kind == AE_YAML_SEQ ? "list"
					: "scalar";
}

/* Keeps a copy of `s` in the list; the copy is returned, NULL on OOM. */
static const char *load_own(al_list *l, const char *s)
{
	char **v = realloc(l->owned, (l->nowned + 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	l->owned = v;
	v[l->nowned] = strdup(s);
	return v[l->nowned] ? v[l->nowned++] : NULL;
}

/* True iff `s` holds no control character (text for one-line reports). */
static bool load_text_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

/* Reads string field `key` of entry map `m` into `*out` (owned copy):
 * absent or null leaves NULL; other types, empty text and control
 * characters are problems. */
static int load_field(const char **out, al_loader *ld, const ae_yaml_node *m,
		      const char *where, const char *key)
{
	const ae_yaml_node *n = ae_yaml_map_get(m, key);
	char w[96];

	*out = NULL;
	if (ae_yaml_is_null(n))
		return 0;
	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (n->kind != AE_YAML_SCALAR)
		return load_problem(ld, AE_EINVAL, n->line, w,
				    "must be a string, not a %s", load_kind(n));
	if (n->scalar_len == 0)
		return load_problem(ld, AE_EINVAL, n->line, w, "empty");
	if (!load_text_ok(n->scalar))
		return load_problem(ld, AE_EINVAL, n->line, w,
				    "control character in the value");
	*out = load_own(ld->l, n->scalar);
	return *out ? 0 : AE_ERR;
}

/* Unknown keys of an entry: `identity` gets its own explanation. */
static int load_entry_keys(al_loader *ld, const ae_yaml_node *m,
			   const char *where)
{
	static const char *const known[] = {"label", "issuer", "source",
					    "identityPattern"};
	char r[AE_REPR_BUF];
	int rc = 0;

	for (size_t i = 0; i < m->n && rc == 0; i++) {
		bool ok = false;
		for (size_t k = 0; k < 4; k++)
			ok = ok || strcmp(m->keys[i], known[k]) == 0;
		if (ok)
			continue;
		if (strcmp(m->keys[i], "identity") == 0)
			rc = load_problem(
				ld, AE_EINVAL, m->items[i]->line, where,
				"cleartext 'identity' is not allowed: use "
				"'source: <slug>' (aicr-evidence slug) or, for "
				"first-party, an anchored 'identityPattern'");
		else
			rc = load_problem(
				ld, AE_EINVAL, m->items[i]->line, where,
				"unknown key %s (allowed: label, issuer, "
				"source, identityPattern)",
				ae_repr(r, sizeof(r), m->keys[i],
					strlen(m->keys[i])));
	}
	return rc;
}

/* Compiles the checked pattern of the entry being loaded, within what is
 * left of AL_PATTERNS_MAX_COST: once that is spent, later patterns are
 * not compiled but reported. */
static int load_compile(al_loader *ld, const char *pat, size_t line,
			const char *w)
{
	al_list *l = ld->l;
	char why[AE_ERR_MSG_MAX], r[AE_REPR_BUF];
	ae_re *re = NULL;
	int rc;

	if (l->cost >= AL_PATTERNS_MAX_COST)
		return load_problem(ld, AE_ETOOBIG, line, w,
				    "not compiled: the patterns before it "
				    "reach the allowlist's budget of %d RE2 "
				    "instructions",
				    AL_PATTERNS_MAX_COST);
	rc = al__pattern_compile(&re, pat, AE_RE_MAX_MEM, why, sizeof(why));
	if (rc == AE_ERR)
		return rc;
	if (rc == AE_ETOOBIG)
		l->cost += AL_PATTERN_TOOBIG_COST;
	if (rc < 0)
		return load_problem(ld, rc, line, w, "%s %s",
				    ae_repr(r, sizeof(r), pat, strlen(pat)),
				    why);
	l->cost += ae_re_cost(re);
	if (l->cost > AL_PATTERNS_MAX_COST) {
		ae_re_free(re);
		return load_problem(ld, AE_ETOOBIG, line, w,
				    "the patterns up to this one compile to "
				    "%zu RE2 instructions, over the "
				    "allowlist's budget of %d",
				    l->cost, AL_PATTERNS_MAX_COST);
	}
	l->re[l->n] = re;
	return 0;
}

/* Class rules for one entry (reference §3.2): exactly one of source and
 * identityPattern, the right one for the class, each of exact form. */
static int load_entry_rules(al_loader *ld, al_entry *e, const char *where)
{
	char w[96], why[256], r[AE_REPR_BUF];
	bool fp = e->cls == AL_CLASS_FIRST_PARTY;

	if (e->issuer == NULL)
		return load_problem(ld, AE_EINVAL, e->line, where,
				    "issuer is required");
	if ((e->source == NULL) == (e->identity_pattern == NULL))
		return load_problem(ld, AE_EINVAL, e->line, where,
				    "needs exactly one of source and "
				    "identityPattern");
	if (fp && e->source != NULL)
		return load_problem(ld, AE_EINVAL, e->line, where,
				    "firstParty entries use identityPattern, "
				    "not source");
	if (!fp && e->identity_pattern != NULL)
		return load_problem(ld, AE_EINVAL, e->line, where,
				    "%s entries use source (a 32-hex slug), "
				    "not identityPattern",
				    al_class_name(e->cls));
	if (e->source != NULL && !ae_is_lower_hex(e->source, 32))
		return load_problem(
			ld, AE_EINVAL, e->line, where,
			"source must be 32 lowercase hex (aicr-"
			"evidence slug), got %s",
			ae_repr(r, sizeof(r), e->source, strlen(e->source)));
	if (e->identity_pattern == NULL)
		return 0;
	snprintf(w, sizeof(w), "%s.identityPattern", where);
	if (strlen(e->identity_pattern) > AL_PATTERN_MAX)
		return load_problem(
			ld, AE_ETOOBIG, e->line, w, "%zu bytes, cap %d",
			strlen(e->identity_pattern), AL_PATTERN_MAX);
	if (!al__pattern_check(why, sizeof(why), e->identity_pattern))
		return load_problem(ld, AE_EINVAL, e->line, w, "%s %s",
				    ae_repr(r, sizeof(r), e->identity_pattern,
					    strlen(e->identity_pattern)),
				    why);
	return load_compile(ld, e->identity_pattern, e->line, w);
}

/* Grows the entry arrays by one slot. */
static int load_grow(al_list *l)
{
	al_entry *e = realloc(l->entries, (l->n + 1) * sizeof(*e));
	ae_re **re;

	if (e == NULL)
		return AE_ERR;
	l->entries = e;
	re = realloc(l->re, (l->n + 1) * sizeof(*re));
	if (re == NULL)
		return AE_ERR;
	l->re = re;
	memset(&l->entries[l->n], 0, sizeof(*e));
	l->re[l->n] = NULL;
	return 0;
}

/* One entry of class `cls` at position `idx`. */
static int load_entry(al_loader *ld, al_class cls, const char *key, size_t idx,
		      const ae_yaml_node *m)
{
	char where[64];
	al_entry *e;
	size_t before = ld->pr->n;
	int rc;

	snprintf(where, sizeof(where), "%s[%zu]", key, idx);
	if (m->kind != AE_YAML_MAP)
		return load_problem(ld, AE_EINVAL, m->line, where,
				    "must be a mapping, not a %s",
				    load_kind(m));
	if (ld->l->n >= AL_MAX_ENTRIES) {
		ld->full = true;
		return load_problem(ld, AE_ETOOBIG, m->line, where,
				    "more than %d entries", AL_MAX_ENTRIES);
	}
	if (load_grow(ld->l) < 0)
		return AE_ERR;
	e = &ld->l->entries[ld->l->n];
	e->cls = cls;
	e->index = idx;
	e->line = m->line;
	rc = load_entry_keys(ld, m, where);
	if (rc == 0)
		rc = load_field(&e->label, ld, m, where, "label");
	if (rc == 0)
		rc = load_field(&e->issuer, ld, m, where, "issuer");
	if (rc == 0)
		rc = load_field(&e->source, ld, m, where, "source");
	if (rc == 0)
		rc = load_field(&e->identity_pattern, ld, m, where,
				"identityPattern");
	if (rc == 0 && ld->pr->n == before)
		rc = load_entry_rules(ld, e, where);
	ld->l->n++; /* kept even when broken: duplicates are still found */
	return rc;
}

/* One class list: absent or null is empty; anything but a list is a
 * problem. */
static int load_class(al_loader *ld, const ae_yaml_node *root, size_t k)
{
	const ae_yaml_node *s = ae_yaml_map_get(root, load_classes[k].key);
	int rc = 0;

	if (ae_yaml_is_null(s))
		return 0;
	if (s->kind != AE_YAML_SEQ)
		return load_problem(ld, AE_EINVAL, s->line, load_classes[k].key,
				    "must be a list, not a %s", load_kind(s));
	for (size_t i = 0; i < s->n && rc == 0 && !ld->full; i++)
		rc = load_entry(ld, load_classes[k].cls, load_classes[k].key, i,
				s->items[i]);
	return rc;
}

/* schemaVersion: "1.0" or "1.0.<digits>" (reference §3.1). */
static bool load_version_ok(const char *s)
{
	if (strcmp(s, "1.0") == 0)
		return true;
	if (strncmp(s, "1.0.", 4) != 0 || s[4] == '\0')
		return false;
	return strspn(s + 4, "0123456789") == strlen(s + 4);
}

/* The top level: known keys only, a supported schemaVersion, the three
 * class lists. */
static int load_root(al_loader *ld, const ae_yaml_node *root)
{
	const ae_yaml_node *v = ae_yaml_map_get(root, "schemaVersion");
	char r[AE_REPR_BUF];
	int rc = 0;

	for (size_t i = 0; i < root->n && rc == 0; i++) {
		const char *k = root->keys[i];
		if (strcmp(k, "schemaVersion") != 0 &&
		    strcmp(k, "firstParty") != 0 &&
		    strcmp(k, "community") != 0 && strcmp(k, "partner") != 0)
			rc = load_problem(ld, AE_EINVAL, root->items[i]->line,
					  "allowlist",
					  "unknown key %s (allowed: "
					  "schemaVersion, firstParty, "
					  "community, partner)",
					  ae_repr(r, sizeof(r), k, strlen(k)));
	}
	if (rc == 0 && ae_yaml_is_null(v))
		rc = load_problem(ld, AE_EINVAL, root->line, "schemaVersion",
				  "missing");
	else if (rc == 0 && v->kind != AE_YAML_SCALAR)
		rc = load_problem(ld, AE_EINVAL, v->line, "schemaVersion",
				  "must be a string, not a %s", load_kind(v));
	else if (rc == 0 && !load_version_ok(v->scalar))
		rc = load_problem(
			ld, AE_EINVAL, v->line, "schemaVersion",
			"unsupported schemaVersion %s (want 1.0 or "
			"1.0.x)",
			ae_repr(r, sizeof(r), v->scalar, v->scalar_len));
	for (size_t k = 0; k < 3 && rc == 0; k++)
		rc = load_class(ld, root, k);
	return rc;
}

/* Names entry `e` for messages: "community[2]". */
static const char *load_where(char *buf, size_t sz, const al_entry *e)
{
	const char *key = e->cls == AL_CLASS_FIRST_PARTY ? "firstParty"
			  : e->cls == AL_CLASS_COMMUNITY ? "community"
							 : "partner";

	snprintf(buf, sz, "%s[%zu]", key, e->index);
	return buf;
}

/* Whole-file rules (reference §3.3): no label or source twice, anywhere;
 * no two patterns of one issuer with the same literal account part. With
 * the pattern rules (pattern.c) that makes first-party patterns disjoint:
 * every identity a pattern matches is its account, an '@', and the rest,
 * and the account holds no '@' -- so it is the identity's text before its
 * first '@', and two patterns of one issuer that both match an identity
 * have equal accounts, which this refuses. It does not say anything of a
 * slug entry and a pattern (a slug is one-way): classify puts slugs
 * first, as the reference does. */
static int load_disjoint(al_loader *ld)
{
	char w[64], r[AE_REPR_BUF];
	char la[AL_PATTERN_MAX + 1], lb[AL_PATTERN_MAX + 1];
	const al_list *l = ld->l;
	int rc = 0;

	for (size_t j = 1; j < l->n && rc == 0; j++) {
		const al_entry *b = &l->entries[j];
		for (size_t i = 0; i < j && rc == 0; i++) {
			const al_entry *a = &l->entries[i];
			if (a->label && b->label &&
			    strcmp(a->label, b->label) == 0)
				rc = load_problem(
					ld, AE_EINVAL, b->line,
					load_where(w, sizeof(w), b),
					"duplicate label %s (also line %zu)",
					ae_repr(r, sizeof(r), b->label,
						strlen(b->label)),
					a->line);
			else if (a->source && b->source &&
				 strcmp(a->source, b->source) == 0)
				rc = load_problem(
					ld, AE_EINVAL, b->line,
					load_where(w, sizeof(w), b),
					"duplicate source %s (also line %zu)",
					b->source, a->line);
			if (rc < 0 || l->re[i] == NULL || l->re[j] == NULL ||
			    strcmp(a->issuer, b->issuer) != 0)
				continue;
			al__pattern_literal(la, sizeof(la),
					    a->identity_pattern);
			al__pattern_literal(lb, sizeof(lb),
					    b->identity_pattern);
			if (strcmp(la, lb) == 0)
				rc = load_problem(
					ld, AE_EINVAL, b->line,
					load_where(w, sizeof(w), b),
					"identityPattern overlaps line %zu: "
					"same issuer and account %s",
					a->line,
					ae_repr(r, sizeof(r), la, strlen(la)));
		}
	}
	return rc;
}

void al_list_free(al_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = l->n; i-- > 0;)
		ae_re_free(l->re[i]);
	for (size_t i = l->nowned; i-- > 0;)
		free(l->owned[i]);
	free(l->owned);
	free(l->re);
	free(l->entries);
	free(l);
}

int al_list_check(al_list **out, ae_problems *problems,
		  const unsigned char *buf, size_t len, ae_err *err)
{
	ae_yaml_node *root = NULL;
	al_loader ld = {0};
	ae_err yerr = {0};
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(problems != NULL && (buf != NULL || len == 0), err);
	ld.pr = problems;
	ld.before = problems->n;
	ld.l = calloc(1, sizeof(*ld.l));
	if (ld.l == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (len > AL_MAX_BYTES) {
		rc = load_problem(&ld, AE_ETOOBIG, 0, "allowlist",
				  "%zu bytes, cap %u", len, AL_MAX_BYTES);
		goto done;
	}
	rc = ae_yaml_parse(&root, buf, len, &yerr);
	if (rc == AE_ERR)
		goto done;
	if (rc < 0) {
		rc = load_problem(&ld, rc, 0, "allowlist", "%s", yerr.msg);
		goto done;
	}
	if (root == NULL) /* an empty document is an empty allowlist */
		goto done;
	if (root->kind != AE_YAML_MAP)
		rc = load_problem(&ld, AE_EINVAL, root->line, "allowlist",
				  "must be a YAML mapping, not a %s",
				  load_kind(root));
	else
		rc = load_root(&ld, root);
	if (rc == 0)
		rc = load_disjoint(&ld);
done:
	ae_yaml_free(root);
	if (rc < 0 || problems->n > ld.before) {
		al_list_free(ld.l);
		return rc < 0 ? ae_fail(err, AE_ERR, "out of memory") : 0;
	}
	*out = ld.l;
	return 0;
}

int al_list_parse(al_list **out, const unsigned char *buf, size_t len,
		  ae_err *err)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	int rc;

	rc = al_list_check(out, &pr, buf, len, err);
	if (rc == 0)
		rc = ae_problems_fail(&pr, err);
	ae_problems_dispose(&pr);
	return rc;
}

int al_list_load(al_list **out, int dirfd, const char *name, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ae_read_file(&b, dirfd, name, AL_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = al_list_parse(out, b.data, b.len, err);
	ae_buf_dispose(&b);
	return rc;
}

size_t al_list_count(const al_list *l)
{
	return l ? l->n : 0;
}

const al_entry *al_list_entry(const al_list *l, size_t i)
{
	return l && i < l->n ? &l->entries[i] : NULL;
}
