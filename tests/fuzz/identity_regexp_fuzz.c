/* tests/fuzz/identity_regexp_fuzz.c -- libFuzzer target for the identity
 * regexp check and matcher (evidence/core/re.c and the RE2 shim), as
 * `verify --expected-identity-regexp` and `sigstore verify-bundle
 * --certificate-identity-regexp` use them
 *
 * The input is PATTERN NUL TEXT (no NUL: the whole input is the pattern,
 * the text empty). A pattern is compiled as given; a refusal must carry a
 * one-line message, and a compiled pattern must match TEXT -- any bytes --
 * exactly as the explicitly anchored "^(?:" PATTERN ")$" does, which
 * must compile too -- or, when PATTERN ends inside a \Q quote that would
 * swallow the wrapper's ")$" (the very hazard of pasting), "^(?:" PATTERN
 * "\E)$" must (issue 16 item 3). Seeds in
 * tests/fuzz/corpus/identity_regexp/.
 */
#include "evidence/core/ae.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - data) : size;
	char *pat = NULL, *wrapped = NULL;
	ae_re *re = NULL, *re2 = NULL;
	ae_err err = {0};
	bool m1 = false, m2 = false;
	const char *text = nul ? (const char *)nul + 1 : "";
	size_t tlen = nul ? size - plen - 1 : 0;

	if (plen > AE_RE_MAX_BYTES - 8)
		return 0;
	pat = malloc(plen + 1);
	wrapped = malloc(plen + 10);
	if (pat == NULL || wrapped == NULL)
		abort();
	memcpy(pat, data, plen);
	pat[plen] = '\0';
	memcpy(wrapped, "^(?:", 4);
	memcpy(wrapped + 4, pat, plen);
	memcpy(wrapped + 4 + plen, ")$", 3);
	if (ae_re_new(&re, pat, 1L << 20, &err) < 0) {
		if (re != NULL || err.msg[0] == '\0' ||
		    strchr(err.msg, '\n') != NULL)
			abort();
		goto done;
	}
	/* the pattern compiled: the wrapper must, with one more group */
	if (ae_re_new(&re2, wrapped, 1L << 20, &err) < 0 &&
	    err.code == AE_EINVAL) {
		memcpy(wrapped + 4 + plen, "\\E)$", 5);
		ae_err_clear(&err);
		ae_re_new(&re2, wrapped, 1L << 20, &err);
	}
	if (re2 == NULL) {
		if (err.code != AE_ETOOBIG)
			abort();
		goto done;
	}
	if (ae_re_match(&m1, re, text, tlen, NULL) < 0 ||
	    ae_re_match(&m2, re2, text, tlen, NULL) < 0 || m1 != m2)
		abort();
done:
	ae_re_free(re);
	ae_re_free(re2);
	free(pat);
	free(wrapped);
	return 0;
}
