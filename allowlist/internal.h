/* allowlist/internal.h -- what the files of allowlist/ share, nobody else */
#ifndef AE_ALLOWLIST_INTERNAL_H
#define AE_ALLOWLIST_INTERNAL_H

#include "allowlist/allowlist.h"

#include <regex.h>

/* The list: entries in file order, the strings they point into, and one
 * compiled matcher per pattern entry. */
struct al_list {
	al_entry *entries;
	regex_t *re;   /* re[i] valid iff entries[i].identity_pattern */
	bool *has_re;  /* re[i] was compiled and must be regfree'd */
	char **owned;  /* every string the entries point to */
	size_t n;      /* entries */
	size_t nowned; /* owned strings */
};

/* Checks identityPattern `pat` against the anchoring rules (reference §3.2)
 * and our dialect rules (docs/formats.md). Returns true, or false with the
 * reason in `why` (one line, size `whysz`). Cannot fail otherwise. */
bool al__pattern_check(char *why, size_t whysz, const char *pat);

/* Compiles a checked pattern for whole-string matching: "^(" + body + ")$"
 * with REG_EXTENDED | REG_NOSUB, so the match is anchored whatever the
 * body holds. Returns true, or false with regerror's text in `why`. */
bool al__pattern_compile(regex_t *re, const char *pat, char *why, size_t whysz);

/* Writes the unescaped literal account part of a checked pattern (the text
 * between the leading '^' and the first unescaped '@') into `out`; two
 * patterns of one issuer overlap iff these are equal (reference §3.3).
 * Cannot fail; cut at `outsz`. */
void al__pattern_literal(char *out, size_t outsz, const char *pat);

/* The 32-hex slug of (issuer, identity), reference §2 (the same function
 * as ledger's ld_slug_from_signer, which allowlist/ may not include). */
void al__slug(char out[33], const char *issuer, const char *identity);

#endif /* AE_ALLOWLIST_INTERNAL_H */
