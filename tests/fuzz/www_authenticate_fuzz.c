/* tests/fuzz/www_authenticate_fuzz.c -- libFuzzer target for
 * oci_challenge_parse: any bytes as a WWW-Authenticate value; accepted
 * fields must be NUL-terminated within their buffers */
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oci_challenge c;
	ae_err err = {0};

	if (oci_challenge_parse(&c, (const char *)data, size, &err) < 0) {
		if (c.scheme != OCI_AUTH_NONE || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (strnlen(c.realm, sizeof(c.realm)) == sizeof(c.realm) ||
	    strnlen(c.scope, sizeof(c.scope)) == sizeof(c.scope) ||
	    strnlen(c.service, sizeof(c.service)) == sizeof(c.service) ||
	    strnlen(c.error, sizeof(c.error)) == sizeof(c.error))
		abort();
	if (c.scheme == OCI_AUTH_BEARER && c.realm[0] == '\0')
		abort();
	return 0;
}
