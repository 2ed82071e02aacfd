/* allowlist/internal.h -- what the files of allowlist/ share, nobody else */
#ifndef AE_ALLOWLIST_INTERNAL_H
#define AE_ALLOWLIST_INTERNAL_H

#include "allowlist/allowlist.h"

/* The list: entries in file order, the strings they point into, and one
 * compiled matcher per pattern entry. */
struct al_list {
	al_entry *entries;
	ae_re **re;    /* re[i]: entries[i]'s compiled pattern, or NULL */
	char **owned;  /* every string the entries point to */
	size_t n;      /* entries */
	size_t nowned; /* owned strings */
	size_t cost;   /* RE2 instructions of the patterns, all together */
};

/* Checks identityPattern `pat` against the anchoring rules (reference §3.2)
 * and ours (pattern.c, docs/formats.md), before it is compiled. Returns
 * true, or false with the reason in `why` (one line, size `whysz`).
 * Cannot fail otherwise. */
bool al__pattern_check(char *why, size_t whysz, const char *pat);

/* Compiles a checked pattern with RE2 within `max_mem` bytes (ae_re_new:
 * matching is of the whole identity). 0, or the ae_re_new code with its
 * message in `why`; `*out` NULL then. */
int al__pattern_compile(ae_re **out, const char *pat, long max_mem, char *why,
			size_t whysz);

/* Writes the unescaped literal account part of a checked pattern (the text
 * between the leading '^' and the first unescaped '@') into `out`: every
 * identity the pattern matches starts with it and an '@' (pattern.c), so
 * two patterns of one issuer can match one identity only if these are
 * equal (reference §3.3). Cannot fail; cut at `outsz`. */
void al__pattern_literal(char *out, size_t outsz, const char *pat);

/* The 32-hex slug of (issuer, identity), reference §2 (the same function
 * as ledger's ld_slug_from_signer, which allowlist/ may not include). */
void al__slug(char out[33], const char *issuer, const char *identity);

#endif /* AE_ALLOWLIST_INTERNAL_H */
