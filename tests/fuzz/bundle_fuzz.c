/* tests/fuzz/bundle_fuzz.c -- libFuzzer target for ev_bundle_parse and, for
 * inputs that parse, the whole ev_bundle_verify pipeline against the
 * embedded public-good root
 *
 * Seeds in tests/fuzz/corpus/bundle/ are sigstore-conformance bundles
 * (test/assets/bundle-verify, Apache-2.0)
 * (public-good cases: message, DSSE, v0.1-v0.3), so mutations reach the
 * tlog, checkpoint, Merkle, body and signature checks, and variants of
 * them in the other proto3-JSON forms the parser reads (issue 16:
 * proto3-*.json with URL-safe and unpadded base64, nulls, an int64 at
 * INT64_MAX, integratedTime as a number; sha384-digest-algorithm.json).
 */
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ev_trust *trust;
	static const char artifact[] = "123\n";
	ev_policy pol = {"https://token.actions.githubusercontent.com",
			 NULL, "https://github\\.com/.*", NULL, 0, false};
	ev_artifact art = {(const unsigned char *)artifact,
			   sizeof(artifact) - 1, {0}};
	ev_bundle *b = NULL;
	ev_signer *s = NULL;
	ae_err err = {0};

	if (trust == NULL && ev_trust_new_default(&trust, &err) < 0)
		abort();
	if (ev_bundle_parse(&b, data, size, &err) == 0) {
		ae_err_clear(&err);
		ev_bundle_verify(&s, b, trust, &pol, &art, &err);
		ae_err_clear(&err);
		art.data = NULL; /* digest-only path too */
		ev_signer_free(s);
		s = NULL;
		ev_bundle_verify(&s, b, trust, &pol, &art, &err);
	}
	ev_signer_free(s);
	ev_bundle_free(b);
	return 0;
}
