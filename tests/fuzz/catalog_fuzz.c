/* tests/fuzz/catalog_fuzz.c -- libFuzzer target for the validator catalog
 * reader (evidence/catalog.c, emit --validator-catalog)
 *
 * Any input goes through ev_catalog_version. A version it accepts must be
 * what can travel in the signed predicate: 0..64 bytes of [0-9A-Za-z.+-],
 * NUL-terminated inside the buffer; a refusal leaves it empty. Seeds in
 * tests/fuzz/corpus/catalog/.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char v[EV_CATALOG_VERSION_MAX + 1];
	ae_err err = {0};
	size_t n;
	int rc;

	memset(v, 'x', sizeof(v));
	rc = ev_catalog_version(v, data, size, &err);
	n = strnlen(v, sizeof(v));
	if (n > EV_CATALOG_VERSION_MAX || (rc < 0 && n != 0))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (strchr("0123456789.+-", v[i]) == NULL &&
		    !((v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= 'a' && v[i] <= 'z')))
			abort();
	}
	/* the check names (issue 24 item 3): read from the same document
	 * exactly when its version was */
	{
		ev__checks c;
		int rc2;
		memset(&c, 0, sizeof(c));
		ae_err_clear(&err);
		rc2 = ev__checks_add_catalog(&c, data, size, &err);
		if ((rc2 == 0) != (rc == 0) && rc2 != AE_ERR)
			abort();
		ev__checks_dispose(&c);
	}
	return 0;
}
