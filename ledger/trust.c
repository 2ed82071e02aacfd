/* ledger/trust.c -- the trust in force, as the commands ask for it
 *
 * The rule lives in evidence/tuf/trust.c (docs/trust.md), which never
 * learns what the documents are; here are the parts that need the
 * verifier and the signer beside the TUF cache: the embedded Sigstore
 * root and the check a cached document passes (the verifier's and the
 * signer's parsers), the cache base (--cache, else the default of every
 * command) and when to refresh. The notes are the caller's to print.
 */
#include "ledger/ledger.h"

#include <stdio.h>
#include <time.h>

static tuf_trust_docs trust_docs = {NULL, 0, ev_trust_documents_check};

const tuf_trust_docs *ld_trust_docs(void)
{
	if (trust_docs.embedded_root == NULL)
		trust_docs.embedded_root = ev_trust_public_good_json(
			&trust_docs.embedded_root_len);
	return &trust_docs;
}

int ld_trust_resolve(tuf_trust *t, const char *cache, int64_t now, ae_err *err)
{
	char base[4096];
	int rc = 0;

	/* no default cache directory (no HOME, no XDG_CACHE_HOME): no TUF
	 * cache, the embedded documents; a --cache that cannot be used is
	 * the caller's error */
	if (cache == NULL && oci_cache_default(base, sizeof(base), NULL) < 0)
		return tuf_trust_resolve(t, NULL, ld_trust_docs(), now, err);
	rc = tuf_trust_resolve(t, cache ? cache : base, ld_trust_docs(), now,
			       err);
	if (rc < 0) /* the embedded documents stay usable */
		tuf_trust_dispose(t);
	return rc;
}

int ld_trust_in_force(tuf_trust *t, const char *cache, ld_trust_refresh mode,
		      ae_err *refresh_err, ae_err *err)
{
	int64_t now = (int64_t)time(NULL);
	int rc = ld_trust_resolve(t, cache, now, err), refreshed = 0;

	if (rc < 0)
		return rc;
	/* a failed refresh leaves `t` as it was resolved */
	if (mode == LD_TRUST_REFRESH_ALWAYS ||
	    (mode == LD_TRUST_REFRESH_STALE && tuf_trust_stale(t, now)))
		refreshed = tuf_trust_refresh(t, now, refresh_err);
	if (refreshed < 0 && refresh_err != NULL)
		refresh_err->code = refreshed;
	return rc;
}

int ld_trust_cache_dir(char *base, size_t basesz, char *dir, size_t dirsz,
		       const char *cache, const char *url, ae_err *err)
{
	int rc = cache ? ((size_t)snprintf(base, basesz, "%s", cache) < basesz
				  ? 0
				  : ae_fail(err, AE_ETOOBIG,
					    "cache path too long"))
		       : oci_cache_default(base, basesz, err);

	if (rc == 0)
		rc = tuf_cache_dir(dir, dirsz, base, url, err);
	return rc;
}
