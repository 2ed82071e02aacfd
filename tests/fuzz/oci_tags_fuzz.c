/* tests/fuzz/oci_tags_fuzz.c -- libFuzzer target for oci_tags_parse: any
 * bytes as one page of a registry's tag list; every tag kept must be a tag
 * (oci_tag_is_valid: it goes into a URL), and no more than the maximum */
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **tags = NULL;
	size_t n = 0, page = 0;
	ae_err err = {0};
	int rc = oci_tags_parse(&tags, &n, 8, data, size, &page, &err);

	if (rc < 0 && err.msg[0] == '\0')
		abort();
	if (n > 8)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!oci_tag_is_valid(tags[i]))
			abort();
	}
	oci_tags_free(tags, n);
	return 0;
}
