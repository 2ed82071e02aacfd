/* tests/fuzz/manifest_fuzz.c -- libFuzzer target for manifest.json as the
 * verifier reads it (reference §5.3, §9.2): every accepted entry must be a
 * local path, and rendering the accepted entries must parse back to the
 * same list. */
#include "evidence/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ev__mfile *f = NULL, *g = NULL;
	size_t n = 0, m = 0;
	ae_buf out = AE_BUF_INIT(EV_MANIFEST_MAX_BYTES * 4);
	ae_err err = {0};

	if (size > EV_MANIFEST_MAX_BYTES ||
	    ev__manifest_parse(&f, &n, data, size, &err) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!ev__path_is_local(f[i].path) ||
		    !ae_digest_is_valid(f[i].sha256))
			abort();
	}
	if (ev__manifest_render(&out, f, n, &err) == 0) {
		if (ev__manifest_parse(&g, &m, out.data, out.len, &err) != 0 ||
		    m != n)
			abort();
		for (size_t i = 0; i < n; i++) {
			if (strcmp(f[i].path, g[i].path) != 0 ||
			    f[i].size != g[i].size)
				abort();
		}
		ev__mfiles_free(g, m);
	}
	ae_buf_dispose(&out);
	ev__mfiles_free(f, n);
	return 0;
}
