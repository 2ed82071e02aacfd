/* evidence/sigstore/trust_load.c -- the trust set a verification uses
 * (contract in evidence/sigstore/sigstore.h, ev_trust_load)
 *
 * A trusted-root file given by the user replaces the default (as the
 * conformance suite requires, and as cosign, sigstore-go and sigstore-js
 * do); else the root the caller found in force (a TUF cache, docs/trust.md:
 * the verifier never learns where the bytes came from, nor fetches them);
 * else the embedded public-good root.
 */
#include "evidence/sigstore/internal.h"

#include <fcntl.h>

int ev_trust_load(ev_trust **out, const char *path, const unsigned char *root,
		  size_t root_len, ae_err *err)
{
	ae_buf buf = AE_BUF_INIT(0);
	int rc;

	*out = NULL;
	if (path == NULL && root != NULL)
		return ev_trust_new_json(out, root, root_len, err);
	if (path == NULL)
		return ev_trust_new_default(out, err);
	rc = ae_read_file(&buf, AT_FDCWD, path, EV_TRUSTED_ROOT_MAX_BYTES, err);
	if (rc == 0)
		rc = ev_trust_new_json(out, buf.data, buf.len, err);
	ae_buf_dispose(&buf);
	return rc;
}
