/* tests/fuzz/oci_ref_fuzz.c -- libFuzzer target for oci_ref_parse: any
 * bytes as a reference; an accepted one must format and re-parse to itself
 */
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[OCI_REF_MAX + 64], again[OCI_REF_MAX + 64];
	oci_ref r, r2;
	ae_err err = {0};

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (oci_ref_parse(&r, s, &err) < 0)
		return 0;
	if (oci_ref_format(again, sizeof(again), &r, &err) < 0)
		abort();
	if (oci_ref_parse(&r2, again, &err) < 0 ||
	    memcmp(&r, &r2, sizeof(r)) != 0)
		abort(); /* format/parse must round-trip */
	(void)oci_ref_require_pinned(&r, false, &err);
	return 0;
}
