/* tests/fuzz/token_fuzz.c -- libFuzzer target for ev_token_parse: arbitrary
 * bytes as an OIDC identity token
 *
 * Tokens come from flags, the environment and the GitHub Actions endpoint;
 * the claims are decoded without verification, so the JWT splitter, the
 * base64url decoder and the claims reader must refuse anything malformed
 * without crashing or leaking. Seeds in tests/fuzz/corpus/token/.
 */
#include "evidence/signer/signer.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev_token *tok = NULL;
	ae_err err = {0};

	if (ev_token_parse(&tok, (const char *)data, size, &err) == 0) {
		if (ev_token_issuer(tok) == NULL ||
		    ev_token_identity_hint(tok) == NULL)
			abort(); /* a parsed token always has both */
		ev_token_check_fresh(tok, 1767225600, &err);
		ev_token_free(tok);
	} else if (tok != NULL) {
		abort();
	}
	return 0;
}
