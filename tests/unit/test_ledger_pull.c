/* tests/unit/test_ledger_pull.c -- which signature `pull` writes
 * (ledger/pull_choose.c): the one oci_pull wrote when it is the only
 * candidate, no verdict for a truncated listing without one, and the
 * trust in force resolved only when there is a choice to make (issue 17;
 * before, only e2e tests against a registry reached it); and the
 * sequence around it (ledger/pull.c) */
#include "t.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the sequence (ledger/pull.c, ld_pull) ---- */

/* An ld_client_fn that counts its calls and fails as a registry would
 * before any request (the password could not be read). */
static int pull_no_client(oci_client **out, const oci_ref *ref, void *ctx,
			  ae_err *err)
{
	(*(int *)ctx)++;
	*out = NULL;
	T_ASSERT_STR(ref->repo, "ev/art");
	return ae_fail(err, AE_EIO, "no client here");
}

void test_ledger_pull__offline_asks_no_client_and_writes_nothing(void)
{
	ld_pull_choice c = {0};
	ld_pulled p;
	oci_ref ref;
	ae_err err = {0};
	int calls = 0;

	T_ASSERT_INT(oci_ref_parse(&ref, "127.0.0.1:1/ev/art@" DIG("a"), &err),
		     0);
	c.to = t_path("dest");
	c.cache = t_path("cache");
	T_ASSERT_INT(ld_pull(&p, &ref, &c, true, pull_no_client, &calls, &err),
		     AE_ENOTFOUND);
	T_ASSERT_MSG(err, "offline");
	T_ASSERT_INT(calls, 0);
	T_ASSERT_STR(p.digest, DIG("a"));
	T_ASSERT(p.chosen == (size_t)-1);
	T_ASSERT(access(c.to, F_OK) != 0);
	ld_pulled_dispose(&p);
	/* a tag is the registry's word: offline there is none to ask */
	T_ASSERT_INT(oci_ref_parse(&ref, "127.0.0.1:1/ev/art:v1", &err), 0);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_pull(&p, &ref, &c, true, pull_no_client, &calls, &err),
		     AE_EINVAL);
	T_ASSERT_INT(calls, 0);
	T_ASSERT_STR(p.digest, "");
	ld_pulled_dispose(&p);
}

void test_ledger_pull__the_client_comes_first_and_its_failure_ends_it(void)
{
	ld_pull_choice c = {0};
	ld_pulled p;
	oci_ref ref;
	ae_err err = {0};
	int calls = 0;

	T_ASSERT_INT(oci_ref_parse(&ref, "127.0.0.1:1/ev/art:v1", &err), 0);
	c.to = t_path("dest");
	c.cache = t_path("cache");
	T_ASSERT_INT(ld_pull(&p, &ref, &c, false, pull_no_client, &calls, &err),
		     AE_EIO);
	T_ASSERT_STR(err.msg, "no client here");
	T_ASSERT_INT(calls, 1);
	T_ASSERT(p.c == NULL);
	T_ASSERT(access(c.to, F_OK) != 0);
	ld_pulled_dispose(&p);
	/* a cache path that does not fit fails before the client */
	c.cache = huge_cache();
	ae_err_clear(&err);
	T_ASSERT_INT(oci_ref_parse(&ref, "127.0.0.1:1/ev/art@" DIG("b"), &err),
		     0);
	T_ASSERT(ld_pull(&p, &ref, &c, true, pull_no_client, &calls, &err) < 0);
	T_ASSERT_INT(calls, 1);
	ld_pulled_dispose(&p);
}

void test_ledger_pull__a_pin_is_the_digest(void)
{
	char d[AE_DIGEST_STR_LEN];
	oci_ref ref;
	ae_err err = {0};

	T_ASSERT_INT(oci_ref_parse(&ref, "r.example/ev/art:v1@" DIG("c"), &err),
		     0);
	T_ASSERT_INT(oci_ref_digest(d, NULL, &ref, &err), 0);
	T_ASSERT_STR(d, DIG("c"));
	T_ASSERT_INT(oci_ref_parse(&ref, "r.example/ev/art", &err), 0);
	T_ASSERT_INT(oci_ref_digest(d, NULL, &ref, &err), AE_EINVAL);
}
