/* tests/fuzz/rekor_answer_fuzz.c -- libFuzzer target for
 * ev__rekor_answer_parse: arbitrary bytes as a Rekor v1 or v2 answer
 *
 * The first input byte picks the case (bit 0: Rekor v2, bit 1: DSSE), the
 * rest is the answer; with bit 2 set the rest is instead the Location of a
 * Rekor 409 (ev__rekor_location_uuid). The request is fixed (SIG, DIGEST,
 * PAYLOAD below), so the seeds in tests/fuzz/corpus/rekor_answer/ -- real
 * answers of tests/sigstore-stack for exactly these values, made by
 * tests/fuzz/gen_rekor_seeds.sh -- reach the body and proof checks.
 */
#include "evidence/signer/internal.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char SIG[] = "fuzz-signature";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev__tlog_req req = {0};
	json_t *entry = NULL;
	int64_t idx = 0;
	ae_err err = {0};

	if (size < 1)
		return 0;
	if (data[0] & 4) {
		char uuid[81], *loc = strndup((const char *)data + 1, size - 1);

		if (loc != NULL && ev__rekor_location_uuid(uuid, loc, &err) == 0 &&
		    strlen(uuid) != 64 && strlen(uuid) != 80)
			abort();
		free(loc);
		return 0;
	}
	req.dsse = (data[0] & 2) != 0;
	req.sig = SIG;
	req.sig_len = sizeof(SIG) - 1;
	memset(req.digest, 0x11, sizeof(req.digest));
	req.payload_b64 = "eyJfdHlwZSI6IngifQ=="; /* {"_type":"x"} */
	req.payload_type = "application/vnd.in-toto+json";
	if (ev__rekor_answer_parse(&entry, &idx, data + 1, size - 1,
				   (data[0] & 1) ? 2 : 1, &req, &err) == 0) {
		if (entry == NULL || idx < 0)
			abort();
		json_decref(entry);
	} else if (entry != NULL) {
		abort();
	}
	return 0;
}
