/* tests/fuzz/signing_config_fuzz.c -- libFuzzer target for
 * ev_signing_config_parse: arbitrary bytes as a SigningConfig v0.2
 *
 * The file comes from the user or a conformance harness (--signing-config),
 * so the parser must refuse anything malformed without crashing, leaking or
 * selecting more than EV_SIGN_MAX_SERVICES. Seeds in
 * tests/fuzz/corpus/signing_config/: the configs our local stack writes
 * (Rekor v1, v2, no TSA), public-good-shaped ones, selectors and windows.
 */
#include "evidence/signer/signer.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev_sign_services s;
	ae_err err = {0};

	/* 2026-01-01T00:00:00Z: a fixed "now" keeps runs reproducible. */
	if (ev_signing_config_parse(&s, data, size, 1767225600, &err) == 0) {
		if (s.nrekor > EV_SIGN_MAX_SERVICES ||
		    s.ntsa > EV_SIGN_MAX_SERVICES)
			abort();
		ev_sign_services_dispose(&s);
	} else if (s.fulcio_url != NULL || s.nrekor != 0 || s.ntsa != 0) {
		abort(); /* a failed parse must leave nothing behind */
	}
	return 0;
}
