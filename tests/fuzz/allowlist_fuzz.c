/* tests/fuzz/allowlist_fuzz.c -- libFuzzer target for the allowlist loader,
 * validator, pattern rules and classifier (allowlist/)
 *
 * Any input goes through al_list_check; a valid list is walked and asked
 * to classify fixed signers (the SPEC §3 goldens and a look-alike) and
 * signers taken from its own entries, which must never crash and must be
 * consistent: a source entry classifies nothing but its own issuer. Seeds
 * in tests/fuzz/corpus/allowlist/.
 */
#include "allowlist/allowlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void allowlist_fuzz_classify(const al_list *l, const char *issuer,
				    const char *identity)
{
	const char *label = NULL;
	al_class c = AL_CLASS_NONE;

	if (al_list_classify(&c, &label, l, issuer, identity, NULL) != 0)
		abort();
	if (c == AL_CLASS_NONE && label != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	al_problems pr = AL_PROBLEMS_INIT;
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
	}
	al_list_free(l);
	al_problems_dispose(&pr);
	return 0;
}
