/* tests/fuzz/credhelper_fuzz.c -- libFuzzer target for
 * oci__creds_from_helper_output: arbitrary bytes as a docker credential
 * helper's answer
 *
 * The helper is a program named by a config file and its stdout is not
 * trusted: the strict JSON reader and the Username/Secret checks must
 * refuse anything malformed without crashing or leaking, and whatever they
 * accept must be a user without ':' or control bytes and a non-empty
 * secret. Seeds in tests/fuzz/corpus/credhelper/.
 */
#include "oci/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oci_creds c;
	ae_err err = {0};

	if (oci__creds_from_helper_output(&c, "fuzz", data, size, &err) == 0) {
		if (c.user == NULL || c.pass == NULL || c.pass[0] == '\0' ||
		    strchr(c.user, ':') != NULL)
			abort();
		for (const char *p = c.pass; *p; p++)
			if ((unsigned char)*p < 0x20)
				abort();
		oci__creds_dispose(&c);
	} else if (c.user != NULL || c.pass != NULL) {
		abort();
	}
	return 0;
}
