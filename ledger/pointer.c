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
 * `fingerprint`, `phaseSummary`, ...) and never kept, so never written;
 * the first one is named (ld_pointer_unknown_key) for the contract checker,
 * which refuses them in a committed pointer. A
 * plain scalar that YAML reads as null (`null`, `~`, empty) counts as
 * absent, as yaml.v3 decodes it into the reference's struct; any other
 * scalar, quoted or plain, is taken as its text.
 */
#include "ledger/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(const ae_yaml_node *n)
{
	return n->kind == AE_YAML_MAP	? "mapping"
	       : n->kind == AE_YAML_SEQ ? "list"
					: "scalar";
}

/* Takes string field `f` from `map[key]`: absent or null leaves it NULL; a
 * non-scalar is a type problem. `dflt` (may be NULL) is stored when absent.
 * AE_ERR on out of memory. */
static int take_string(ld__pointer_reader *rd, int f, const ae_yaml_node *map,
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
		return LD__PROBLEM(rd, f, "must be a string, not a %s",
				   kind_name(n));
	}
	p->s[f] = strdup(n->scalar);
	return p->s[f] == NULL ? AE_ERR : 0;
}

/* Marks fields [from, to] as already reported (their parent is broken). */
static void mark_bad(ld__pointer_reader *rd, int from, int to)
{
	for (int f = from; f <= to; f++)
		rd->bad[f] = true;
}

/* rekorLogIndex: an int64 >= 0 written as a plain decimal scalar (yaml.v3
 * would refuse a quoted string for the reference's *int64). Leading zeros
 * are refused: YAML 1.1 readers take them as octal. */
static int take_rekor(ld__pointer_reader *rd, const ae_yaml_node *signer)
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
		return LD__PROBLEM(rd, PF_REKOR, "must be an integer, not a %s",
				   kind_name(n));
	return LD__PROBLEM(
		rd, PF_REKOR,
		"must be a plain decimal integer 0..2^63-1, got %s%s",
		n->plain ? "" : "quoted ",
		ae_repr(r, sizeof(r), n->scalar, n->scalar_len));
}

/* Takes a mapping-valued field: absent leaves `*out` NULL and, when
 * `required`, reports it; a non-mapping is a type problem. Either way the
 * children [kids_from, kids_to] are marked reported when it is unusable. */
static int take_map(const ae_yaml_node **out, ld__pointer_reader *rd, int f,
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
		return LD__PROBLEM(rd, f, "missing");
	}
	if (n->kind != AE_YAML_MAP) {
		mark_bad(rd, f, kids_to);
		return LD__PROBLEM(rd, f, "must be a mapping, not a %s",
				   kind_name(n));
	}
	*out = n;
	return 0;
}

/* The signer mapping: optional (absent = unsigned, reference §1.1). */
static int take_signer(ld__pointer_reader *rd, const ae_yaml_node *entry)
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
static int take_entry(ld__pointer_reader *rd, const ae_yaml_node *entry)
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
static int take_attestations(ld__pointer_reader *rd, const ae_yaml_node *root)
{
	const ae_yaml_node *a = ae_yaml_map_get(root, "attestations");
	ld_pointer *p = rd->p;
	int rc = 0;

	p->line[PF_ATTS] = a ? a->line : root->line;
	if (ae_yaml_is_null(a) || a->kind != AE_YAML_SEQ || a->n == 0) {
		mark_bad(rd, PF_ENTRY, PF_ATTESTED);
		if (ae_yaml_is_null(a))
			return LD__PROBLEM(rd, PF_ATTS, "missing");
		if (a->kind != AE_YAML_SEQ)
			return LD__PROBLEM(rd, PF_ATTS,
					   "must be a list, not a %s",
					   kind_name(a));
		return LD__PROBLEM(rd, PF_ATTS,
				   "must hold exactly one attestation, got 0");
	}
	if (a->n != 1)
		rc = LD__PROBLEM(rd, PF_ATTS,
				 "must hold exactly one attestation, got %zu "
				 "(the multi-attestation schema 2.0 is not "
				 "supported)",
				 a->n);
	p->line[PF_ENTRY] = a->items[0]->line;
	if (rc == 0 && a->items[0]->kind != AE_YAML_MAP) {
		mark_bad(rd, PF_ENTRY, PF_ATTESTED);
		return LD__PROBLEM(rd, PF_ENTRY, "must be a mapping, not a %s",
				   kind_name(a->items[0]));
	}
	return rc < 0 ? rc : take_entry(rd, a->items[0]);
}

/* Counts the keys of `map` outside `known` (NULL-terminated) and keeps the
 * first one as "<where>.<key>". AE_ERR on out of memory. */
static int note_unknown(ld_pointer *p, const ae_yaml_node *map,
			const char *where, const char *const *known)
{
	for (size_t i = 0; map && map->kind == AE_YAML_MAP && i < map->n; i++) {
		size_t k = 0;
		while (known[k] && strcmp(known[k], map->keys[i]) != 0)
			k++;
		if (known[k] != NULL)
			continue;
		if (p->n_unknown++ == 0 &&
		    asprintf(&p->unknown, "%s%s%s", where, *where ? "." : "",
			     map->keys[i]) < 0) {
			p->unknown = NULL;
			return AE_ERR;
		}
	}
	return 0;
}

/* Records the keys pointer V1 does not define (reference §1.1): tolerated
 * on read, never kept; the contract checker refuses them in a committed
 * pointer, where nothing binds them to the signed bundle. */
static int pointer_unknown(ld_pointer *p, const ae_yaml_node *root)
{
	static const char *const top[] = {"schemaVersion", "recipe", "profile",
					  "attestations", NULL};
	static const char *const entry[] = {"attestedAt", "bundle", "signer",
					    NULL};
	static const char *const bundle[] = {"oci", "digest", "predicateType",
					     NULL};
	static const char *const signer[] = {"identity", "issuer",
					     "rekorLogIndex", NULL};
	const ae_yaml_node *a = ae_yaml_map_get(root, "attestations");
	const ae_yaml_node *e = NULL;
	int rc;

	if (a != NULL && a->kind == AE_YAML_SEQ && a->n > 0)
		e = a->items[0];
	rc = note_unknown(p, root, "", top);
	if (rc == 0)
		rc = note_unknown(p, e, "attestations[0]", entry);
	if (rc == 0)
		rc = note_unknown(p, ae_yaml_map_get(e, "bundle"),
				  "attestations[0].bundle", bundle);
	if (rc == 0)
		rc = note_unknown(p, ae_yaml_map_get(e, "signer"),
				  "attestations[0].signer", signer);
	return rc;
}

/* First pass: the YAML tree into `rd->p`, wrong types reported. */
static int pointer_take(ld__pointer_reader *rd, const ae_yaml_node *root)
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
	if (rc == 0)
		rc = pointer_unknown(rd->p, root);
	return rc;
}

/* ---- public ---- */

void ld_pointer_free(ld_pointer *p)
{
	if (p == NULL)
		return;
	free(p->unknown);
	for (int f = PF_COUNT; f-- > 0;)
		free(p->s[f]);
	free(p);
}

int ld_pointer_check(ld_pointer **out, ae_problems *problems,
		     const unsigned char *buf, size_t len, ae_err *err)
{
	ae_yaml_node *root = NULL;
	ld__pointer_reader rd = {0};
	ae_err yerr = {0};
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(problems != NULL && (buf != NULL || len == 0), err);
	rd.pr = problems;
	if (len > LD_POINTER_MAX_BYTES) {
		rc = ae_problem_add(problems, AE_ETOOBIG, 0, "pointer",
				    "%zu bytes, cap %u", len,
				    LD_POINTER_MAX_BYTES);
		goto done;
	}
	rc = ae_yaml_parse(&root, buf, len, &yerr);
	if (rc == AE_ERR)
		goto done;
	if (rc < 0) {
		/* Malformed YAML, aliases, tags, duplicate keys: findings. */
		rc = ae_problem_add(problems, rc, 0, "pointer", "%s", yerr.msg);
		goto done;
	}
	if (root == NULL || root->kind != AE_YAML_MAP) {
		rc = ae_problem_add(problems, AE_EINVAL, root ? root->line : 0,
				    "pointer", "must be a YAML mapping, not %s",
				    root ? kind_name(root)
					 : "an empty document");
		goto done;
	}
	rd.p = calloc(1, sizeof(*rd.p));
	if (rd.p == NULL) {
		rc = AE_ERR;
		goto done;
	}
	rd.p->rekor = LD_REKOR_ABSENT;
	{
		size_t before = problems->n;
		rc = pointer_take(&rd, root);
		if (rc == 0)
			rc = ld__pointer_judge(&rd);
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

int ld_pointer_parse(ld_pointer **out, const unsigned char *buf, size_t len,
		     ae_err *err)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	int rc;

	*out = NULL;
	rc = ld_pointer_check(&p, &pr, buf, len, err);
	if (rc == 0 && pr.n > 0)
		rc = ae_problems_fail(&pr, err);
	ae_problems_dispose(&pr);
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

int ld_pointer_load(ld_pointer **out, ae_problems *pr, int dirfd,
		    const char *name, ae_err *err)
{
	ae_buf b;
	int rc;

	*out = NULL;
	rc = ae_read_file(&b, dirfd, name, LD_POINTER_MAX_BYTES, err);
	if (rc < 0)
		return rc;
	rc = ld_pointer_check(out, pr, b.data, b.len, err);
	ae_buf_dispose(&b);
	if (rc < 0 || pr->n > 0) {
		ld_pointer_free(*out);
		*out = NULL;
	}
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
	ae_problems pr = AE_PROBLEMS_INIT;
	ld__pointer_reader rd = {0};
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
		rc = ld__pointer_judge(&rd) < 0
			     ? ae_fail(err, AE_ERR, "out of memory")
			     : 0;
	if (rc == 0 && pr.n > 0)
		rc = ae_problems_fail(&pr, err);
	ae_problems_dispose(&pr);
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

void ld_pointer_fields_signer(ld_pointer_fields *f, const char *identity,
			      const char *issuer, int64_t log_index)
{
	f->signer_identity = identity;
	f->signer_issuer = issuer;
	f->rekor_log_index = log_index == 0 ? LD_REKOR_ABSENT : log_index;
}

const char *ld_pointer_unknown_key(const ld_pointer *p, size_t *n_out)
{
	if (n_out != NULL)
		*n_out = p->n_unknown;
	return p->unknown;
}
