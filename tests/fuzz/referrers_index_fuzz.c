/* tests/fuzz/referrers_index_fuzz.c -- libFuzzer target for oci_index_scan:
 * any bytes as a referrers listing, read whole and as a cut prefix; what
 * is kept must be within the caps and every kept digest well formed */
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const oci_referrers *r, int rc, const ae_err *err)
{
	size_t others = 0;

	if (rc < 0 && err->msg[0] == '\0')
		abort();
	if (r->n > OCI_REFERRERS_MAX || r->n > r->total ||
	    r->others > OCI_REFERRERS_OTHER_MAX)
		abort();
	for (size_t i = 0; i < r->n; i++) {
		const oci_desc *d = &r->items[i].desc;
		if (!ae_digest_is_valid(d->digest) ||
		    strnlen(d->artifact_type, sizeof(d->artifact_type)) ==
			    sizeof(d->artifact_type))
			abort();
		others += d->artifact_type[0] != '\0' &&
			  strcmp(d->artifact_type, OCI_SIGSTORE_TYPE) != 0;
	}
	if (others != r->others)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int cut = 0; cut < 2; cut++) {
		oci_referrers *r = NULL;
		ae_err err = {0};
		int rc;

		if (oci_referrers_new(&r, &err) < 0)
			abort();
		rc = oci_index_scan(r, data, size, cut == 1, &err);
		check(r, rc, &err);
		oci_referrers_free(r);
	}
	return 0;
}
