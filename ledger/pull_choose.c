/* ledger/pull_choose.c -- which of an artifact's signatures `pull` writes
 *
 * oci_pull writes the first signature referrer it found; when the
 * artifact has several, the one kept is the first that verifies (the
 * whole bundle, as `verify DIR` would) for --expected-issuer and
 * --expected-identity-regexp when given, for any signer otherwise
 * (ld_referrers_choose), and the report lists the others (issue 23 item
 * 5). A listing read only in part that held no signature is no verdict,
 * never "unsigned" (oci.md, Referrers).
 */
#include "ledger/ledger.h"

#include <string.h>

/* The index of the referrer oci_pull wrote, (size_t)-1 for none. */
static size_t pull_written(const oci_pull_result *res)
{
	for (size_t i = 0; res->referrers != NULL && i < res->referrers->n; i++)
		if (memcmp(res->referrers->items[i].desc.digest,
			   res->referrer_digest, AE_DIGEST_STR_LEN) == 0)
			return i;
	return (size_t)-1;
}

int ld_pull_choose(size_t *chosen, oci_pull_result *res, const char *digest,
		   const char *root, const ld_pull_choice *c, tuf_trust *trust,
		   ae_err *err)
{
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	char source[2048];
	int rc;

	*chosen = pull_written(res);
	if (ld_referrers_candidates(res->referrers) == 0)
		return ld_referrers_cut(res->referrers, false, err);
	if (ld_referrers_candidates(res->referrers) < 2)
		return 0;
	vo.dir = c->to;
	vo.input_kind = EV_INPUT_OCI;
	vo.expected_issuer = c->expected_issuer;
	vo.expected_identity_re = c->expected_identity_re;
	vo.trusted_root = c->trusted_root;
	vo.artifact_digest = digest;
	/* no --trusted-root: the TUF-cached root when in force (never
	 * fetched here), else the embedded one (docs/trust.md) */
	rc = c->trusted_root != NULL
		     ? 0
		     : ld_trust_in_force(trust, c->cache,
					 LD_TRUST_REFRESH_NEVER, NULL, err);
	vo.trusted_root_json =
		tuf_trust_root_override(trust, &vo.trusted_root_json_len);
	if (rc == 0)
		rc = ld_referrers_choose(&v, chosen, root, res->referrers, &vo,
					 source, sizeof(source), "pulled", err);
	ev_verdict_free(v);
	if (rc == 0 && *chosen != (size_t)-1)
		memcpy(res->referrer_digest,
		       res->referrers->items[*chosen].desc.digest,
		       AE_DIGEST_STR_LEN);
	return rc;
}
