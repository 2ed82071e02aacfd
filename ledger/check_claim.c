/* ledger/check_claim.c -- the checker's one door to the pointer reader
 * (ledger/pointer.c) and the allowlist (allowlist/)
 *
 * The contract rules in check_pointer.c see a pointer as a handful of
 * claimed fields and the allowlist as one classify call; this file maps
 * those onto ld_pointer_check (every schema problem, reference §1.3) and
 * al_list_parse / al_list_classify (reference §3, §4.1), so that the rules
 * read the same whatever those APIs grow.
 */
#include "ledger/internal.h"

#include "allowlist/allowlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ld__claim_parse(ld__claim *out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
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
	out->profile = ld_pointer_profile(out->owner);
	out->attested_at = ld_pointer_attested_at(out->owner);
	out->unknown = ld_pointer_unknown_key(out->owner, &out->n_unknown);
	return 0;
}

void ld__claim_dispose(ld__claim *c)
{
	ld_pointer_free(c->owner);
	ae_problems_dispose(&c->problems);
	memset(c, 0, sizeof(*c));
}

int ld__claim_slug(char out[33], const char *issuer, const char *identity,
		   ae_err *err)
{
	return ld_slug_from_signer(out, issuer, identity, err);
}

int ld__allow_parse(ld__allow *a, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	al_list *l = NULL;
	int rc;

	a->list = NULL;
	rc = al_list_parse(&l, buf, len, err);
	if (rc < 0)
		return rc;
	a->list = l;
	return 0;
}

ld__class ld__allow_classify(const ld__allow *a, const char *issuer,
			     const char *identity)
{
	al_class cls = AL_CLASS_NONE;
	const char *label = NULL;

	/* Empty fields are schema problems reported elsewhere; they match
	 * nothing here. */
	if (al_list_classify(&cls, &label, a->list, issuer, identity, NULL) < 0)
		return LD__CLASS_UNLISTED;
	switch (cls) {
	case AL_CLASS_FIRST_PARTY:
		return LD__CLASS_FIRST_PARTY;
	case AL_CLASS_COMMUNITY:
		return LD__CLASS_COMMUNITY;
	case AL_CLASS_PARTNER:
		return LD__CLASS_PARTNER;
	default:
		return LD__CLASS_UNLISTED;
	}
}

void ld__allow_dispose(ld__allow *a)
{
	al_list_free(a->list);
	a->list = NULL;
}

/* FNV-1a over issuer "\n" identity: the slot the probe starts at. Cannot
 * fail. */
static size_t signer_hash(const char *issuer, const char *identity)
{
	uint64_t h = 0xcbf29ce484222325u;
	const char *parts[3] = {issuer, "\n", identity};

	for (size_t i = 0; i < 3; i++) {
		for (const char *p = parts[i]; *p != '\0'; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3u;
		}
	}
	return (size_t)(h % LD__SIGNERS_MAX);
}

/* True iff `key` is issuer "\n" identity. Cannot fail. */
static bool signer_is(const char *key, const char *issuer, const char *identity)
{
	size_t ni = strlen(issuer);

	return strncmp(key, issuer, ni) == 0 && key[ni] == '\n' &&
	       strcmp(key + ni + 1, identity) == 0;
}

int ld__signer_judge(char slug_out[33], ld__class *cls_out, ld__signers *memo,
		     const ld__allow *a, const char *issuer,
		     const char *identity, ae_err *err)
{
	ld__signer *s;
	size_t i;
	int rc;

	for (i = signer_hash(issuer, identity); memo->v[i].key != NULL;
	     i = (i + 1) % LD__SIGNERS_MAX) {
		if (signer_is(memo->v[i].key, issuer, identity)) {
			memcpy(slug_out, memo->v[i].slug, 33);
			*cls_out = memo->v[i].cls;
			return 0;
		}
	}
	rc = ld__claim_slug(slug_out, issuer, identity, err);
	if (rc < 0)
		return rc;
	*cls_out = ld__allow_classify(a, issuer, identity);
	/* The probe stopped at a free slot; the table stays 1/4 empty so
	 * that every probe ends. A failed copy only skips remembering. */
	if (memo->n >= LD__SIGNERS_MAX / 4 * 3)
		return 0;
	s = &memo->v[i];
	if (asprintf(&s->key, "%s\n%s", issuer, identity) < 0) {
		s->key = NULL;
		return 0;
	}
	memcpy(s->slug, slug_out, 33);
	s->cls = *cls_out;
	memo->n++;
	return 0;
}

void ld__signers_dispose(ld__signers *memo)
{
	for (size_t i = 0; i < LD__SIGNERS_MAX; i++)
		free(memo->v[i].key);
	memset(memo, 0, sizeof(*memo));
}
