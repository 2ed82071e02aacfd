/* tests/unit/test_ledger_pull.c -- which signature `pull` writes
 * (ledger/pull_choose.c): the one oci_pull wrote when it is the only
 * candidate, no verdict for a truncated listing without one, and the
 * trust in force resolved only when there is a choice to make (issue 17;
 * before, only e2e tests against a registry reached it) */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>

#define DIG(c)                                                                 \
	"sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
		c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
			c c c

static const char *huge_cache(void)
{
	static char huge[5000];

	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	return huge;
}

/* A pull's outcome as ld_pull_choose sees it, and what it answers. */
typedef struct pull_case {
	oci_referrer items[3];
	oci_referrers r;
	oci_pull_result res;
	ld_pull_choice c;
	tuf_trust trust;
	size_t chosen;
	ae_err err;
} pull_case;

/* A pull into t_tmpdir() whose referrers listing holds N items in the
 * states ST (digests DIG("1"), DIG("2"), ...), WRITTEN the digest of the
 * signature oci_pull wrote (NULL: none); nothing chosen yet (7). */
static void pull_case_init(pull_case *p, const oci_referrer_state *st, size_t n,
			   const char *written)
{
	static const char *const digs[] = {DIG("1"), DIG("2"), DIG("3")};

	T_ASSERT(n <= sizeof(p->items) / sizeof(p->items[0]));
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		snprintf(p->items[i].desc.digest,
			 sizeof(p->items[i].desc.digest), "%s", digs[i]);
		p->items[i].state = st[i];
	}
	p->r.items = p->items;
	p->r.n = n;
	p->res.referrers = &p->r;
	if (written != NULL)
		snprintf(p->res.referrer_digest, sizeof(p->res.referrer_digest),
			 "%s", written);
	p->c.to = t_tmpdir();
	p->chosen = 7;
}

/* ld_pull_choose for the artifact DIG("9") pulled into t_tmpdir(). */
static int pull_choose(pull_case *p)
{
	return ld_pull_choose(&p->chosen, &p->res, DIG("9"), t_tmpdir(), &p->c,
			      &p->trust, &p->err);
}

void test_ledger_pull__the_only_signature_is_the_one_written(void)
{
	static const oci_referrer_state st[] = {OCI_REFERRER_SKIPPED,
						OCI_REFERRER_CANDIDATE,
						OCI_REFERRER_SKIPPED};
	pull_case p;

	pull_case_init(&p, st, 3, DIG("2"));
	/* one candidate: no choice, so no trust resolved (a --cache past
	 * the limit would fail its resolution) */
	p.c.cache = huge_cache();
	T_ASSERT_INT(pull_choose(&p), 0);
	T_ASSERT_INT(p.chosen, 1);
	T_ASSERT(p.trust.docs == NULL);
	T_ASSERT_STR(p.res.referrer_digest, DIG("2"));
}

void test_ledger_pull__no_signature_in_a_cut_listing_is_no_verdict(void)
{
	static const oci_referrer_state st[] = {OCI_REFERRER_SKIPPED};
	pull_case p;

	pull_case_init(&p, st, 1, NULL);
	/* read whole: unsigned, which is no error here */
	T_ASSERT_INT(pull_choose(&p), 0);
	T_ASSERT(p.chosen == (size_t)-1);
	/* read in part: a signature may lie past the cut */
	p.r.truncated = true;
	snprintf(p.r.registry, sizeof(p.r.registry), "reg.example");
	T_ASSERT_INT(pull_choose(&p), AE_ETRANSIENT);
	T_ASSERT_MSG(p.err, "registry reg.example: the referrers listing was "
			    "truncated");
	T_ASSERT_MSG(p.err, "the part read holds no signature");
	/* no listing at all */
	p.res.referrers = NULL;
	ae_err_clear(&p.err);
	T_ASSERT_INT(pull_choose(&p), 0);
	T_ASSERT(p.chosen == (size_t)-1);
}

void test_ledger_pull__a_choice_resolves_the_trust_in_force_first(void)
{
	static const oci_referrer_state st[] = {OCI_REFERRER_CANDIDATE,
						OCI_REFERRER_CANDIDATE};
	pull_case p;

	pull_case_init(&p, st, 2, DIG("1"));
	p.c.cache = huge_cache();
	T_ASSERT_INT(pull_choose(&p), AE_ETOOBIG);
	T_ASSERT_MSG(p.err, "cache path too long");
	/* the written one stays named */
	T_ASSERT_INT(p.chosen, 0);
	T_ASSERT_STR(p.res.referrer_digest, DIG("1"));
	tuf_trust_dispose(&p.trust);
}
