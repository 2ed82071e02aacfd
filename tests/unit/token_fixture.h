/* tests/unit/token_fixture.h -- the unsigned ID tokens the signer's unit
 * cases build (test_evidence_sign, test_evidence_login,
 * test_evidence_signrun): one copy of what each file had its own of.
 * Included by the test file; the function is static, one per file.
 */
#ifndef AE_TESTS_TOKEN_FIXTURE_H
#define AE_TESTS_TOKEN_FIXTURE_H

#include "evidence/core/ae.h"
#include "tests/unit/t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An unsigned JWT ("alg":"none") whose payload is `claims` (base64url, no
 * padding) and whose signature part is empty. Free it. */
static inline char *t_jwt_of(const char *claims)
{
	char *b64 = NULL, *out;
	size_t n;

	T_ASSERT(ae_base64_encode(&b64, claims, strlen(claims), NULL) == 0);
	n = strlen(b64);
	while (n > 0 && b64[n - 1] == '=')
		b64[--n] = '\0';
	for (char *p = b64; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out = malloc(n + 64);
	T_ASSERT(out != NULL);
	snprintf(out, n + 64, "eyJhbGciOiJub25lIn0.%s.", b64);
	free(b64);
	return out;
}

#endif
