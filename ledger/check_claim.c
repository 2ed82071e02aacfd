/* ledger/check_claim.c -- TEMPORARY adapter until ledger/pointer.c and
 * allowlist/ land (issue 2); replaced by calls to their APIs. */
#include "ledger/internal.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

int ld__claim_parse(ld__claim *out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	int64_t ri;
	int rc;

	memset(out, 0, sizeof(*out));
	out->rekor_index = -1;
	rc = ld_pointer_check(&out->owner, &out->problems, buf, len, err);
	if (rc < 0 || out->owner == NULL)
		return rc;
	out->recipe = ld_pointer_recipe(out->owner);
	out->digest = ld_pointer_bundle_digest(out->owner);
	out->oci = ld_pointer_bundle_oci(out->owner);
	out->predicate_type = ld_pointer_predicate_type(out->owner);
	out->issuer = ld_pointer_signer_issuer(out->owner);
	out->identity = ld_pointer_signer_identity(out->owner);
	out->is_signed = ld_pointer_is_signed(out->owner);
	ri = ld_pointer_rekor_log_index(out->owner);
	out->rekor_index = ri > 0 ? ri : -1; /* 0 is absent, reference §1.1 */
	return 0;
}

void ld__claim_dispose(ld__claim *c)
{
	ld_pointer_free(c->owner);
	ld_problems_dispose(&c->problems);
	memset(c, 0, sizeof(*c));
}

int ld__claim_slug(char out[33], const char *issuer, const char *identity,
		   ae_err *err)
{
	return ld_slug_from_signer(out, issuer, identity, err);
}

static const char *claim_str(const ae_yaml_node *m, const char *k)
{
	const ae_yaml_node *v = ae_yaml_map_get(m, k);

	return v && v->kind == AE_YAML_SCALAR && !ae_yaml_is_null(v)
		       ? v->scalar
		       : NULL;
}

int ld__allow_parse(ld__allow *a, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	ae_yaml_node *root = NULL;
	int rc = ae_yaml_parse(&root, buf, len, err);

	if (rc < 0)
		return ae_fail(err, rc, "invalid allowlist");
	a->list = root;
	return 0;
}

static bool allow_in(const ae_yaml_node *seq, const char *issuer,
		     const char *slug, const char *identity)
{
	for (size_t i = 0; seq && seq->kind == AE_YAML_SEQ && i < seq->n; i++) {
		const char *is = claim_str(seq->items[i], "issuer");
		const char *src = claim_str(seq->items[i], "source");
		const char *pat = claim_str(seq->items[i], "identityPattern");
		if (!is || strcmp(is, issuer))
			continue;
		if (src && slug && strcmp(src, slug) == 0)
			return true;
		if (pat && identity) {
			regex_t re;
			bool m = false;
			if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) == 0) {
				m = regexec(&re, identity, 0, NULL, 0) == 0;
				regfree(&re);
			}
			if (m)
				return true;
		}
	}
	return false;
}

ld__class ld__allow_classify(const ld__allow *a, const char *issuer,
			     const char *identity)
{
	char slug[33];
	const ae_yaml_node *root = a->list;

	if (ld__claim_slug(slug, issuer, identity, NULL) < 0)
		return LD__CLASS_UNLISTED;
	if (allow_in(ae_yaml_map_get(root, "firstParty"), issuer, NULL,
		     identity))
		return LD__CLASS_FIRST_PARTY;
	if (allow_in(ae_yaml_map_get(root, "community"), issuer, slug, NULL))
		return LD__CLASS_COMMUNITY;
	if (allow_in(ae_yaml_map_get(root, "partner"), issuer, slug, NULL))
		return LD__CLASS_PARTNER;
	return LD__CLASS_UNLISTED;
}

void ld__allow_dispose(ld__allow *a)
{
	ae_yaml_free(a->list);
	a->list = NULL;
}
