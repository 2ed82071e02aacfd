/* allowlist/classify.c -- which class, if any, a signer belongs to
 *
 * Classification is exact (reference §4.1): a slug entry matches only its
 * own issuer (the same slug under another issuer is another signer), a
 * pattern entry only its own issuer and only the *whole* identity
 * (`...uat-aws.yaml.evil@refs/heads/main` must not match the uat-aws
 * pattern). Classes are disjoint by construction (load.c), so the first
 * match is the only one.
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

/* True iff `s` holds a control character. */
static bool classify_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

int al_list_classify(al_class *class_out, const char **label_out,
		     const al_list *l, const char *issuer, const char *identity,
		     ae_err *err)
{
	char slug[33];
	bool matchable;

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
	matchable = !classify_has_control(identity);
	for (size_t i = 0; i < l->n; i++) {
		const al_entry *e = &l->entries[i];
		bool hit = false;
		if (strcmp(e->issuer, issuer) != 0)
			continue;
		if (e->source != NULL)
			hit = strcmp(e->source, slug) == 0;
		else if (l->has_re[i] && matchable)
			hit = regexec(&l->re[i], identity, 0, NULL, 0) == 0;
		if (hit) {
			*class_out = e->cls;
			*label_out = e->label;
			return 0;
		}
	}
	return 0;
}
