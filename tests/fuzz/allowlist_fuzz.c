/* tests/fuzz/allowlist_fuzz.c -- libFuzzer target for the allowlist loader,
 * validator, pattern rules and classifier (allowlist/, RE2 underneath)
 *
 * Any input goes through al_list_check; a valid list is walked and asked
 * to classify fixed signers (the SPEC §3 goldens and a look-alike), signers
 * taken from its own entries and one taken from the input's last bytes
 * (any bytes: malformed UTF-8, control characters). Nothing may crash,
 * and what the rules promise must hold (docs/formats.md):
 *   - classification is deterministic;
 *   - a first-party verdict means the identity starts with the account
 *     of a pattern entry of that issuer followed by '@' -- the property
 *     that makes the overlap rule sound;
 *   - no two pattern entries of one issuer have the same account.
 * Seeds in tests/fuzz/corpus/allowlist/.
 */
#include "allowlist/allowlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The unescaped text of a pattern between '^' and its first unescaped
 * '@' (written here again, not taken from allowlist/). */
static void fuzz_account(char *out, size_t outsz, const char *pat)
{
	size_t o = 0;

	for (size_t i = 1; pat[i] != '\0' && pat[i] != '@' && o + 1 < outsz;
	     i++) {
		if (pat[i] == '\\' && pat[i + 1] != '\0')
			i++;
		out[o++] = pat[i];
	}
	out[o] = '\0';
}

/* True iff some pattern entry of `issuer` has an account A with
 * identity = A "@" ... */
static bool fuzz_account_prefix(const al_list *l, const char *issuer,
				const char *identity)
{
	char acct[AL_PATTERN_MAX + 2];

	for (size_t i = 0; i < al_list_count(l); i++) {
		const al_entry *e = al_list_entry(l, i);
		size_t n;
		if (e->identity_pattern == NULL ||
		    strcmp(e->issuer, issuer) != 0)
			continue;
		fuzz_account(acct, sizeof(acct) - 1, e->identity_pattern);
		n = strlen(acct);
		acct[n] = '@';
		acct[n + 1] = '\0';
		if (strncmp(identity, acct, n + 1) == 0)
			return true;
	}
	return false;
}

static void allowlist_fuzz_classify(const al_list *l, const char *issuer,
				    const char *identity)
{
	const char *label = NULL, *label2 = NULL;
	al_class c = AL_CLASS_NONE, c2 = AL_CLASS_NONE;

	if (al_list_classify(&c, &label, l, issuer, identity, NULL) != 0)
		abort();
	if (c == AL_CLASS_NONE && label != NULL)
		abort();
	if (al_list_classify(&c2, &label2, l, issuer, identity, NULL) != 0 ||
	    c2 != c || label2 != label)
		abort();
	if (c == AL_CLASS_FIRST_PARTY &&
	    !fuzz_account_prefix(l, issuer, identity))
		abort();
}

/* No two pattern entries of one issuer share an account. */
static void allowlist_fuzz_disjoint(const al_list *l)
{
	char a[AL_PATTERN_MAX + 1], b[AL_PATTERN_MAX + 1];

	for (size_t j = 0; j < al_list_count(l); j++) {
		const al_entry *y = al_list_entry(l, j);
		for (size_t i = 0; y->identity_pattern && i < j; i++) {
			const al_entry *x = al_list_entry(l, i);
			if (x->identity_pattern == NULL ||
			    strcmp(x->issuer, y->issuer) != 0)
				continue;
			fuzz_account(a, sizeof(a), x->identity_pattern);
			fuzz_account(b, sizeof(b), y->identity_pattern);
			if (strcmp(a, b) == 0)
				abort();
		}
	}
}

/* The input's last bytes, up to a NUL or 64 bytes back, as an identity. */
static void allowlist_fuzz_tail(const al_list *l, const uint8_t *data,
				size_t size)
{
	char id[65];
	size_t n = 0;

	while (n < 64 && n < size && data[size - 1 - n] != '\0')
		n++;
	if (n == 0)
		return;
	memcpy(id, data + size - n, n);
	id[n] = '\0';
	for (size_t i = 0; i < al_list_count(l); i++)
		allowlist_fuzz_classify(l, al_list_entry(l, i)->issuer, id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	al_list *l = NULL;

	if (al_list_check(&l, &pr, data, size, NULL) != 0)
		abort();
	if ((l == NULL) == (pr.n == 0))
		abort();
	for (size_t i = 0; i < pr.n; i++) {
		if (pr.v[i].msg == NULL || strchr(pr.v[i].msg, '\n') != NULL)
			abort();
	}
	if (l != NULL) {
		allowlist_fuzz_disjoint(l);
		allowlist_fuzz_classify(l, "https://github.com/login/oauth",
					"yuanchen97@gmail.com");
		allowlist_fuzz_classify(
			l, "https://token.actions.githubusercontent.com",
			"https://github.com/NVIDIA/aicr/.github/workflows/"
			"uat-aws.yaml.evil@refs/heads/main");
		for (size_t i = 0; i < al_list_count(l); i++) {
			const al_entry *e = al_list_entry(l, i);
			if (e == NULL || e->issuer == NULL ||
			    (e->source == NULL) == (e->identity_pattern == NULL))
				abort();
			allowlist_fuzz_classify(l, e->issuer,
						e->label ? e->label : "x@y");
			allowlist_fuzz_classify(l, e->issuer,
						e->identity_pattern
							? e->identity_pattern + 1
							: e->source);
		}
		allowlist_fuzz_tail(l, data, size);
	}
	al_list_free(l);
	ae_problems_dispose(&pr);
	return 0;
}
