/* ledger/credit.c -- one bundle, one vote: whose vote a bundle is
 *
 * Several signers may verify on one bundle (anyone can sign its statement
 * again and push the same bytes). One of them is credited (docs/ledger.md
 * "One bundle, one vote"), on what each verified signature proves: a
 * first-party signer first; then a signer who may vote (allowlisted, and
 * first-party when ingested: a signer whose run would not count never
 * takes a bundle from one whose run would); then the earliest verified
 * signing time (a
 * Rekor SET's integratedTime, an RFC 3161 genTime: a re-signature is made
 * after the bundle it copies was published, so its every verified time is
 * later). A log index orders entries of its own log only: a Rekor v1 shard
 * and a Rekor v2 log of one trusted root count from their own zero, so an
 * index is compared only at the same second and in the same log. A
 * pointer's rekorLogIndex is a claim (optional, absent for an entry at
 * index 0) and is never read here.
 */
#include "ledger/ledger.h"

#include <string.h>

/* a < b: -1, a > b: 1, else 0 */
#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

int ld_credit_cmp(const ld_credit_key *a, const ld_credit_key *b)
{
	int c;

	if (a->first_party != b->first_party)
		return a->first_party ? -1 : 1;
	/* one who may not vote (unlisted, an ingested non-first-party) would
	 * only erase the vote of one who may */
	if (a->may_vote != b->may_vote)
		return a->may_vote ? -1 : 1;
	/* a signature with no verified time proves no order: last */
	if ((a->time > 0) != (b->time > 0))
		return a->time > 0 ? -1 : 1;
	c = CMP(a->time, b->time);
	if (c != 0)
		return c;
	if (a->logged != b->logged)
		return a->logged ? -1 : 1;
	if (a->logged) {
		c = memcmp(a->log_id, b->log_id, sizeof(a->log_id));
		if (c != 0)
			return c < 0 ? -1 : 1;
		c = CMP(a->log_index, b->log_index);
		if (c != 0)
			return c;
	}
	if (a->origin != b->origin)
		return a->origin == LD_ORIGIN_POINTER ? -1 : 1;
	c = strcmp(a->slug ? a->slug : "", b->slug ? b->slug : "");
	return c < 0 ? -1 : c > 0;
}
