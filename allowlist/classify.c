/* allowlist/classify.c -- which class, if any, a signer belongs to
 *
 * As the reference's Classify (§4.1): slug entries first -- the slug is
 * SHA-256(issuer "\n" identity), so it already names the issuer and the
 * entry's own `issuer` field is not compared -- then first-party patterns
 * of the signer's exact issuer, matched against the *whole* identity by
 * RE2 (`...uat-aws.yaml.evil@refs/heads/main` must not match the uat-aws
 * pattern). No two slug entries and no two patterns can claim one signer
 * (load.c); a signer both slug-listed and pattern-matched is slug-listed.
 */
#include "allowlist/internal.h"

#include <stdlib.h>
#include <string.h>

const char *al_class_name(al_class c)
{
	switch (c) {
	case AL_CLASS_FIRST_PARTY:
		return "first-party";
	case AL_CLASS_COMMUNITY:
		return "community";
	case AL_CLASS_PARTNER:
		return "partner";
	case AL_CLASS_NONE:
		break;
	}
	return "not listed";
}

void al__slug(char out[33], const char *issuer, const char *identity)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	ae_sha256_ctx *ctx = NULL;

	/* SHA-256(issuer "\n" identity), first 32 hex (reference §2). */
	out[0] = '\0';
	if (ae_sha256_new(&ctx, NULL) < 0)
		return;
	ae_sha256_update(ctx, issuer, strlen(issuer));
	ae_sha256_update(ctx, "\n", 1);
	ae_sha256_update(ctx, identity, strlen(identity));
	ae_sha256_final(ctx, sha);
	ae_sha256_free(ctx);
	ae_hex_encode(hex, sha, sizeof(sha));
	memcpy(out, hex, 32);
	out[32] = '\0';
}

/* The first entry matching the signer, slug entries first (reference
 * §4.1 Classify). `*hit` is its index or l->n. AE_ERR out of memory. */
static int classify_find(size_t *hit, const al_list *l, const char *issuer,
			 const char *identity, const char *slug, ae_err *err)
{
	size_t len = strlen(identity);
	bool m;

	for (*hit = 0; *hit < l->n; (*hit)++) {
		const al_entry *e = &l->entries[*hit];
		if (e->source != NULL && strcmp(e->source, slug) == 0)
			return 0;
	}
	for (*hit = 0; *hit < l->n; (*hit)++) {
		if (l->re[*hit] == NULL ||
		    strcmp(l->entries[*hit].issuer, issuer) != 0)
			continue;
		if (ae_re_match(&m, l->re[*hit], identity, len, err) < 0)
			return AE_ERR;
		if (m)
			return 0;
	}
	return 0;
}

int al_list_classify(al_class *class_out, const char **label_out,
		     const al_list *l, const char *issuer, const char *identity,
		     ae_err *err)
{
	char slug[33];
	size_t hit;

	*class_out = AL_CLASS_NONE;
	*label_out = NULL;
	AE_ASSERT_ARG(l != NULL, err);
	if (issuer == NULL || issuer[0] == '\0')
		return ae_fail(err, AE_EINVAL, "signer issuer is empty");
	if (identity == NULL || identity[0] == '\0')
		return ae_fail(err, AE_EINVAL, "signer identity is empty");
	al__slug(slug, issuer, identity);
	if (slug[0] == '\0')
		return ae_fail(err, AE_ERR, "out of memory");
	if (classify_find(&hit, l, issuer, identity, slug, err) < 0)
		return AE_ERR;
	if (hit < l->n) {
		*class_out = l->entries[hit].cls;
		*label_out = l->entries[hit].label;
	}
	return 0;
}
