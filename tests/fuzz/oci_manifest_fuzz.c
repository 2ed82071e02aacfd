/* tests/fuzz/oci_manifest_fuzz.c -- libFuzzer target for the registry's
 * JSON: oci_manifest_parse, oci_index_find and oci_index_add on any bytes
 * (all three read documents a registry or another client wrote) */
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *d = "sha256:"
			       "0123456789abcdef0123456789abcdef"
			       "0123456789abcdef0123456789abcdef";
	oci_manifest m;
	oci_desc found[8];
	size_t n = 0, len = 0, n2 = 0;
	unsigned char *out = NULL;
	bool changed = false;
	ae_err err = {0};

	if (oci_manifest_parse(&m, data, size, &err) == 0 &&
	    m.nlayers > OCI_MANIFEST_LAYERS_MAX)
		abort();
	ae_err_clear(&err);
	if (oci_index_find(found, 8, &n, data, size, OCI_SIGSTORE_TYPE,
			   &err) < 0)
		return 0;
	ae_err_clear(&err);
	if (size == 0 || oci_index_add(&out, &len, &changed, data, size, d, 5,
				       OCI_SIGSTORE_TYPE, &err) < 0)
		return 0;
	/* what we write must read back and list the entry we added */
	if (oci_index_find(found, 8, &n2, out, len, OCI_SIGSTORE_TYPE, &err) <
	    0)
		abort();
	free(out);
	return 0;
}
