/* ledger/pull.c -- `pull REF --to DIR`: the sequence (contract in
 * ledger/ledger.h, ld_pull)
 *
 * The cache, the client, REF's digest, the pull by digest into DIR
 * (every byte verified, oci_pull), the signature into the bundle's
 * summary root and the one kept among several (ledger/pull_choose.c).
 * DIR is the pull's alone: a failure once it is written removes it, so
 * no signature in place means no pull. cmd/pull.c prints the report.
 */
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>

int ld_pull(ld_pulled *out, const oci_ref *ref, const ld_pull_choice *c,
	    bool offline, ld_client_fn client, void *ctx, ae_err *err)
{
	char cache[4096], root[4200];
	int rc;

	memset(out, 0, sizeof(*out));
	out->chosen = (size_t)-1;
	rc = c->cache ? 0 : oci_cache_default(cache, sizeof(cache), err);
	if (rc == 0 && c->cache)
		snprintf(cache, sizeof(cache), "%s", c->cache);
	if (rc == 0 && !offline)
		rc = client(&out->c, ref, ctx, err);
	if (rc == 0)
		rc = oci_ref_digest(out->digest, out->c, ref, err);
	if (rc == 0)
		rc = oci_pull(&out->res, out->c, ref, out->digest, cache, c->to,
			      err);
	if (rc < 0)
		return rc;
	rc = ld_pulled_root(root, sizeof(root), c->to, out->res.signed_, err);
	if (rc == 0)
		rc = ld_pull_choose(&out->chosen, &out->res, out->digest, root,
				    c, &out->trust, err);
	if (rc < 0)
		ld_scratch_remove(c->to);
	return rc;
}

void ld_pulled_dispose(ld_pulled *p)
{
	oci_pull_result_dispose(&p->res);
	tuf_trust_dispose(&p->trust);
	oci_client_free(p->c);
	p->c = NULL;
}
