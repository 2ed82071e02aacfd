/* tests/unit/test_ledger_credit.c -- one bundle, one vote: which of several
 * signers verified on one bundle is credited (ledger/credit.c,
 * docs/ledger.md "One bundle, one vote"), on what each verified signature
 * proves. Review findings 06 (indices of two logs compared as one) and 07
 * (a pointer without the optional rekorLogIndex sorted last). */
#include "t.h"
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

static ld_credit_key key(int64_t time, unsigned char log, int64_t index,
			 const char *slug)
{
	ld_credit_key k;

	memset(&k, 0, sizeof(k));
	k.time = time;
	k.logged = log != 0;
	memset(k.log_id, log, sizeof(k.log_id));
	k.log_index = index;
	k.origin = LD_ORIGIN_POINTER;
	k.slug = slug;
	k.may_vote = true;
	return k;
}

static int sign_of(int c)
{
	return c < 0 ? -1 : c > 0;
}

void test_ledger_credit__the_earlier_signature_wins_whatever_its_index_in_another_log(
	void)
{
	/* bob in Rekor v1 at index 1002, alice a second later at index 1 of
	 * a Rekor v2 log; and the converse: bob at index 0 of the v2 log */
	ld_credit_key bob = key(1000, 1, 1002, "b"),
		      alice = key(1001, 2, 1, "a");
	ld_credit_key bob0 = key(1000, 2, 0, "b"),
		      alice1000 = key(1001, 1, 1000, "a");

	T_ASSERT(ld_credit_cmp(&bob, &alice) < 0);
	T_ASSERT(ld_credit_cmp(&alice, &bob) > 0);
	T_ASSERT(ld_credit_cmp(&bob0, &alice1000) < 0);
	T_ASSERT(ld_credit_cmp(&alice1000, &bob0) > 0);
}

void test_ledger_credit__first_party_comes_before_any_time(void)
{
	ld_credit_key early = key(10, 1, 0, "a"), fp = key(5000, 1, 9, "z");

	fp.first_party = true;
	T_ASSERT(ld_credit_cmp(&fp, &early) < 0);
	T_ASSERT(ld_credit_cmp(&early, &fp) > 0);
}

/* review finding 06, upgraded: an unlisted signer (or an ingested one
 * who is not first-party) whose run would not count never takes the
 * bundle from one whose run would -- it would only erase that vote */
void test_ledger_credit__a_signer_who_may_not_vote_never_takes_the_bundle(void)
{
	ld_credit_key unlisted = key(10, 2, 0, "a"),
		      bob = key(5000, 1, 1002, "z");

	unlisted.may_vote = false;
	T_ASSERT(ld_credit_cmp(&bob, &unlisted) < 0);
	T_ASSERT(ld_credit_cmp(&unlisted, &bob) > 0);
}

void test_ledger_credit__at_the_same_second_one_log_orders_by_index(void)
{
	ld_credit_key a = key(1000, 1, 7, "z"), b = key(1000, 1, 8, "a");

	T_ASSERT(ld_credit_cmp(&a, &b) < 0);
	T_ASSERT(ld_credit_cmp(&b, &a) > 0);
}

void test_ledger_credit__at_the_same_second_two_logs_order_by_log_id_not_index(
	void)
{
	ld_credit_key a = key(1000, 1, 900, "z"), b = key(1000, 2, 0, "a");

	T_ASSERT(ld_credit_cmp(&a, &b) < 0);
	T_ASSERT(ld_credit_cmp(&b, &a) > 0);
}

void test_ledger_credit__a_signature_without_a_verified_time_comes_last(void)
{
	ld_credit_key timed = key(999999, 1, 5, "z"), none = key(0, 0, 0, "a");

	T_ASSERT(ld_credit_cmp(&timed, &none) < 0);
	T_ASSERT(ld_credit_cmp(&none, &timed) > 0);
}

void test_ledger_credit__equal_proofs_fall_to_the_pointer_then_the_slug(void)
{
	ld_credit_key p = key(1000, 1, 5, "z"), i = key(1000, 1, 5, "a"),
		      q = key(1000, 1, 5, "y");

	i.origin = LD_ORIGIN_INGEST;
	T_ASSERT(ld_credit_cmp(&p, &i) < 0);
	T_ASSERT(ld_credit_cmp(&q, &p) < 0);
	T_ASSERT_INT(ld_credit_cmp(&p, &p), 0);
}

/* qsort needs a total order: antisymmetric and transitive over every
 * combination of the fields that decide (a non-transitive comparator is
 * undefined behaviour for qsort). */
void test_ledger_credit__the_order_is_total(void)
{
	enum { N = 2 * 2 * 3 * 2 * 3 * 2 * 2 };
	static const char *slugs[2] = {"a", "b"};
	ld_credit_key *k = calloc(N, sizeof(*k));
	size_t n = 0;

	T_ASSERT(k != NULL);
	for (int fp = 0; fp < 4; fp++)
		for (int t = 0; t < 3; t++)
			for (int lg = 0; lg < 2; lg++)
				for (int ix = 0; ix < 3; ix++)
					for (int o = 0; o < 2; o++)
						for (int s = 0; s < 2; s++) {
							k[n] = key(
								t * 1000,
								(unsigned char)(lg +
										1),
								ix, slugs[s]);
							k[n].first_party =
								fp & 1;
							k[n].may_vote = fp >> 1;
							k[n].logged = t != 0 ||
								      ix != 0;
							k[n].origin =
								o ? LD_ORIGIN_INGEST
								  : LD_ORIGIN_POINTER;
							n++;
						}
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++) {
			int ab = sign_of(ld_credit_cmp(&k[a], &k[b]));
			T_ASSERT_INT(ab, -sign_of(ld_credit_cmp(&k[b], &k[a])));
			for (size_t c = 0; ab <= 0 && c < n; c++)
				if (sign_of(ld_credit_cmp(&k[b], &k[c])) <= 0)
					T_ASSERT(ld_credit_cmp(&k[a], &k[c]) <=
						 0);
		}
	free(k);
}
