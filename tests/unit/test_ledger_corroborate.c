/* tests/unit/test_ledger_corroborate.c -- the consensus model, CTRF
 * reading and the three renderers (SPEC §6, reference §4.4, issue 8) */
#include "t.h"

#include "ledger/ledger.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ISS_GH	  "https://github.com/login/oauth"
#define ISS_GHA	  "https://token.actions.githubusercontent.com"
#define RECIPE	  "h100-eks-ubuntu-training"
#define SLUG_A	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SLUG_B	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SLUG_C	  "cccccccccccccccccccccccccccccccc"
#define DIGEST(c) "sha256:" c c c c c c c c c c c c c c c c

static const ld_check_input pass1[] = {
	{"deployment", "gpu-operator", "passed"}};
static const ld_check_input fail1[] = {
	{"deployment", "gpu-operator", "failed"}};
static const ld_check_input skip1[] = {
	{"deployment", "gpu-operator", "skipped"}};

/* A verified run of signer `who` (a, b or c) with `checks`. */
static ld_run run_of(char who, ld_class cls, const ld_check_input *checks,
		     size_t n)
{
	ld_run r = {0};

	r.recipe = RECIPE;
	r.issuer = ISS_GH;
	r.identity = who == 'a'	  ? "alice@example.com"
		     : who == 'b' ? "bob@example.com"
				  : "carol@example.com";
	r.slug = who == 'a' ? SLUG_A : who == 'b' ? SLUG_B : SLUG_C;
	r.label = who == 'a' ? "alice" : who == 'b' ? "bob" : NULL;
	r.cls = cls;
	r.vote = LD_VOTE_VERIFIED;
	r.digest = who == 'a' ? DIGEST("a1a1") : DIGEST("b2b2");
	r.attested_at = "2026-11-01T10:00:00Z";
	r.checks = checks;
	r.n_checks = n;
	return r;
}

/* Computes the report of `runs` and returns it; fails the case on error. */
static ld_corroboration *compute(const ld_run *runs, size_t n, bool verified)
{
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = NULL;
	ae_err err = {0};

	in.runs = runs;
	in.n_runs = n;
	in.verified = verified;
	T_ASSERT_INT(ld_corroboration_compute(&c, &in, &err), 0);
	T_ASSERT(c != NULL);
	return c;
}

/* The state of the only check of the only recipe. */
static ld_state only_check_state(const ld_run *runs, size_t n)
{
	ld_corroboration *c = compute(runs, n, true);
	ld_state s;

	T_ASSERT_INT(c->n_recipes, 1);
	T_ASSERT_INT(c->recipes[0].n_checks, 1);
	s = c->recipes[0].checks[0].state;
	ld_corroboration_free(c);
	return s;
}

void test_ledger_corroborate__two_allowlisted_passes_confirm(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('b', LD_CLASS_PARTNER, pass1, 1)};

	T_ASSERT_INT(only_check_state(runs, 2), LD_STATE_CONFIRMED);
}

void test_ledger_corroborate__one_pass_is_single(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1)};

	T_ASSERT_INT(only_check_state(runs, 1), LD_STATE_SINGLE);
}

void test_ledger_corroborate__pass_and_fail_is_contested(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('b', LD_CLASS_FIRST_PARTY, fail1, 1)};

	T_ASSERT_INT(only_check_state(runs, 2), LD_STATE_CONTESTED);
}

void test_ledger_corroborate__only_fails_is_failing(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, fail1, 1),
			 run_of('b', LD_CLASS_COMMUNITY, fail1, 1)};

	T_ASSERT_INT(only_check_state(runs, 2), LD_STATE_FAILING);
}

void test_ledger_corroborate__nobody_ran_it_is_untested(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, skip1, 1)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	const char *names[] = {"no-pointers-recipe"};
	ld_corroboration *c = NULL;
	ae_err err = {0};

	/* A skipped check counts as not run. */
	T_ASSERT_INT(only_check_state(runs, 1), LD_STATE_UNTESTED);
	/* A recipe asked for with no pointer at all. */
	in.recipes = names;
	in.n_recipes = 1;
	T_ASSERT_INT(ld_corroboration_compute(&c, &in, &err), 0);
	T_ASSERT_INT(c->n_recipes, 1);
	T_ASSERT_STR(c->recipes[0].name, "no-pointers-recipe");
	T_ASSERT_INT(c->recipes[0].state, LD_STATE_UNTESTED);
	T_ASSERT_INT(c->recipes[0].n_checks, 0);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__unlisted_pass_does_not_confirm(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('c', LD_CLASS_REPORTED, pass1, 1)};
	ld_corroboration *c = compute(runs, 2, true);
	const ld_check *ck = &c->recipes[0].checks[0];

	T_ASSERT_INT(ck->state, LD_STATE_SINGLE);
	T_ASSERT_INT(ck->pass, 1);
	T_ASSERT_INT(ck->reported, 1);
	T_ASSERT_INT(c->n_signers, 2);
	T_ASSERT_INT(c->signers[1].cls, LD_CLASS_REPORTED);
	T_ASSERT(!c->signers[1].counts);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__an_unlisted_pass_alone_is_untested(void)
{
	ld_run runs[] = {run_of('c', LD_CLASS_REPORTED, pass1, 1)};

	T_ASSERT_INT(only_check_state(runs, 1), LD_STATE_UNTESTED);
}

void test_ledger_corroborate__the_same_signer_twice_is_one_vote(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('a', LD_CLASS_COMMUNITY, pass1, 1)};
	ld_corroboration *c;

	runs[1].digest = DIGEST("b2b2");
	runs[1].attested_at = "2026-11-02T10:00:00Z";
	c = compute(runs, 2, true);
	T_ASSERT_INT(c->n_signers, 1);
	T_ASSERT_INT(c->recipes[0].checks[0].pass, 1);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_SINGLE);
	T_ASSERT_INT(c->recipes[0].n_entries, 2);
	T_ASSERT_INT(c->recipes[0].cells[0].pointers, 2);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__a_signer_speaks_through_its_latest_run(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, fail1, 1),
			 run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('b', LD_CLASS_COMMUNITY, pass1, 1)};
	ld_corroboration *c;

	runs[1].attested_at = "2026-11-03T10:00:00Z"; /* the newer pass */
	c = compute(runs, 3, true);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_CONFIRMED);
	/* The same time twice: the runs merge and the fail wins. */
	runs[1].attested_at = runs[0].attested_at;
	ld_corroboration_free(c);
	c = compute(runs, 3, true);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_CONTESTED);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__an_unverified_bundle_does_not_count(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('b', LD_CLASS_COMMUNITY, pass1, 1)};
	ld_corroboration *c;

	/* The squatter claims bob's slug; its bundle did not verify. Even
	 * with check results handed in, it must not vote. */
	runs[1].vote = LD_VOTE_UNVERIFIABLE;
	runs[1].reason = "certificate identity differs from the claim";
	c = compute(runs, 2, true);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_SINGLE);
	T_ASSERT_INT(c->recipes[0].checks[0].pass, 1);
	T_ASSERT_INT(c->recipes[0].checks[0].reported, 0);
	T_ASSERT_INT(c->recipes[0].n_cols, 2);
	T_ASSERT_INT(c->recipes[0].cells[1].kind, LD_CELL_UNVERIFIABLE);
	T_ASSERT_STR(c->recipes[0].entries[1].reason,
		     "certificate identity differs from the claim");
	ld_corroboration_free(c);
}

void test_ledger_corroborate__a_squatted_claim_gets_its_own_column(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('a', LD_CLASS_COMMUNITY, fail1, 1)};
	ld_corroboration *c;

	runs[1].vote = LD_VOTE_UNVERIFIABLE;
	runs[1].reason = "signature does not verify";
	runs[1].attested_at = "2026-12-01T00:00:00Z"; /* newer, still void */
	c = compute(runs, 2, true);
	T_ASSERT_INT(c->n_signers, 2);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_SINGLE);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__claimed_signers_never_vote(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, NULL, 0),
			 run_of('b', LD_CLASS_COMMUNITY, NULL, 0)};
	ld_corroboration *c;

	runs[0].vote = runs[1].vote = LD_VOTE_CLAIMED;
	c = compute(runs, 2, false);
	T_ASSERT(!c->verified);
	T_ASSERT_INT(c->recipes[0].state, LD_STATE_UNTESTED);
	T_ASSERT_INT(c->recipes[0].n_cols, 2);
	T_ASSERT_INT(c->recipes[0].cells[0].kind, LD_CELL_CLAIMED);
	T_ASSERT(!c->signers[0].counts);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__roll_up_is_partial_with_gaps(void)
{
	static const ld_check_input two_a[] = {
		{"deployment", "gpu-operator", "passed"},
		{"conformance", "dra", "passed"}};
	static const ld_check_input two_c[] = {
		{"deployment", "gpu-operator", "passed"},
		{"conformance", "nccl", "passed"}};
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, two_a, 2),
			 run_of('b', LD_CLASS_COMMUNITY, pass1, 1),
			 run_of('c', LD_CLASS_REPORTED, two_c, 2)};
	ld_corroboration *c = compute(runs, 3, true);
	const ld_recipe *r = &c->recipes[0];

	/* deployment/gpu-operator CONFIRMED, conformance/dra SINGLE,
	 * conformance/nccl UNTESTED (only the unlisted signer ran it). */
	T_ASSERT_INT(r->n_checks, 3);
	T_ASSERT_STR(r->checks[0].name, "gpu-operator");
	T_ASSERT_INT(r->checks[0].state, LD_STATE_CONFIRMED);
	T_ASSERT_STR(r->checks[1].name, "dra");
	T_ASSERT_INT(r->checks[1].state, LD_STATE_SINGLE);
	T_ASSERT_STR(r->checks[2].name, "nccl");
	T_ASSERT_INT(r->checks[2].state, LD_STATE_UNTESTED);
	T_ASSERT_INT(r->state, LD_STATE_PARTIAL);
	T_ASSERT_INT(r->phase_state[0], LD_STATE_CONFIRMED);
	T_ASSERT_INT(r->phase_state[1], LD_STATE_UNTESTED);
	T_ASSERT_INT(r->phase_state[2], LD_STATE_PARTIAL);
	T_ASSERT_INT(r->counts[LD_STATE_UNTESTED], 1);
	ld_corroboration_free(c);
}

void test_ledger_corroborate__roll_up_priority_is_worst_first(void)
{
	ld_state contested[] = {LD_STATE_CONFIRMED, LD_STATE_CONTESTED,
				LD_STATE_FAILING, LD_STATE_UNTESTED};
	ld_state failing[] = {LD_STATE_UNTESTED, LD_STATE_FAILING,
			      LD_STATE_SINGLE};
	ld_state single[] = {LD_STATE_CONFIRMED, LD_STATE_SINGLE};
	ld_state untested[] = {LD_STATE_UNTESTED, LD_STATE_UNTESTED};

	T_ASSERT_INT(ld_state_rollup(contested, 4), LD_STATE_CONTESTED);
	T_ASSERT_INT(ld_state_rollup(failing, 3), LD_STATE_FAILING);
	T_ASSERT_INT(ld_state_rollup(single, 2), LD_STATE_SINGLE);
	T_ASSERT_INT(ld_state_rollup(single, 1), LD_STATE_CONFIRMED);
	T_ASSERT_INT(ld_state_rollup(untested, 2), LD_STATE_UNTESTED);
	T_ASSERT_INT(ld_state_rollup(NULL, 0), LD_STATE_UNTESTED);
}

void test_ledger_corroborate__ctrf_statuses_bucket_as_the_reference(void)
{
	T_ASSERT_INT(ld_result_from_ctrf("passed"), LD_RESULT_PASS);
	T_ASSERT_INT(ld_result_from_ctrf("failed"), LD_RESULT_FAIL);
	T_ASSERT_INT(ld_result_from_ctrf("other"), LD_RESULT_FAIL);
	T_ASSERT_INT(ld_result_from_ctrf("skipped"), LD_RESULT_NOT_RUN);
	T_ASSERT_INT(ld_result_from_ctrf("pending"), LD_RESULT_NOT_RUN);
	T_ASSERT_INT(ld_result_from_ctrf("Passed"), LD_RESULT_FAIL);
	T_ASSERT_INT(ld_result_from_ctrf(""), LD_RESULT_FAIL);
}

void test_ledger_corroborate__a_run_without_a_signer_is_refused(void)
{
	ld_run runs[] = {run_of('a', LD_CLASS_COMMUNITY, pass1, 1)};
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = (ld_corroboration *)&in;
	ae_err err = {0};

	runs[0].identity = NULL;
	in.runs = runs;
	in.n_runs = 1;
	T_ASSERT_INT(ld_corroboration_compute(&c, &in, &err), AE_EINVAL);
	T_ASSERT(c == NULL);
	T_ASSERT_MSG(err, "lacks recipe, issuer, identity");
}

void test_ledger_corroborate__runs_are_capped(void)
{
	ld_run *runs = calloc(LD_CORROB_MAX_RUNS + 1, sizeof(*runs));
	ld_corroboration_input in = LD_CORROBORATION_INPUT_INIT;
	ld_corroboration *c = NULL;
	ae_err err = {0};

	T_ASSERT(runs != NULL);
	for (size_t i = 0; i <= LD_CORROB_MAX_RUNS; i++)
		runs[i] =
			run_of(i % 2 ? 'a' : 'b', LD_CLASS_COMMUNITY, pass1, 1);
	in.runs = runs;
	in.n_runs = LD_CORROB_MAX_RUNS;
	T_ASSERT_INT(ld_corroboration_compute(&c, &in, &err), 0);
	T_ASSERT_INT(c->recipes[0].checks[0].state, LD_STATE_CONFIRMED);
	ld_corroboration_free(c);
	c = NULL;
	in.n_runs = LD_CORROB_MAX_RUNS + 1;
	T_ASSERT_INT(ld_corroboration_compute(&c, &in, &err), AE_ETOOBIG);
	T_ASSERT(c == NULL);
	free(runs);
}

/* ---- CTRF ---- */

/* A CTRF report with `n` tests named t<i>, status `status`. */
static char *ctrf_doc(size_t n, const char *status, size_t *len_out)
{
	ae_buf b = AE_BUF_INIT(64u << 20);

	T_ASSERT_INT(ae_buf_puts(&b,
				 "{\"reportFormat\":\"CTRF\",\"results\":"
				 "{\"tool\":{\"name\":\"aicr\"},\"tests\":[",
				 NULL),
		     0);
	for (size_t i = 0; i < n; i++)
		T_ASSERT_INT(ae_buf_printf(&b, NULL,
					   "%s{\"name\":\"t%zu\",\"status\":"
					   "\"%s\",\"duration\":1}",
					   i ? "," : "", i, status),
			     0);
	T_ASSERT_INT(ae_buf_puts(&b, "]}}", NULL), 0);
	return (char *)ae_buf_detach(&b, len_out);
}

void test_ledger_corroborate__ctrf_tests_are_read_with_their_status(void)
{
	static const char doc[] =
		"{\"results\":{\"tests\":[{\"name\":\"gpu-operator\","
		"\"status\":\"passed\"},{\"name\":\"dra\",\"status\":"
		"\"failed\",\"message\":\"x\"}]}}";
	const ld_check_input *ck;
	ld_ctrf *c = NULL;
	ae_err err = {0};
	size_t n = 0;

	T_ASSERT_INT(ld_ctrf_parse(&c, "conformance",
				   (const unsigned char *)doc, strlen(doc),
				   &err),
		     0);
	ck = ld_ctrf_checks(c, &n);
	T_ASSERT_INT(n, 2);
	T_ASSERT_STR(ck[0].phase, "conformance");
	T_ASSERT_STR(ck[0].name, "gpu-operator");
	T_ASSERT_STR(ck[1].status, "failed");
	ld_ctrf_free(c);
}

void test_ledger_corroborate__malformed_ctrf_is_refused(void)
{
	static const char *const bad[] = {
		"[]",
		"{\"results\":{}}",
		"{\"results\":{\"tests\":[1]}}",
		"{\"results\":{\"tests\":[{\"name\":\"a\"}]}}",
		"{\"results\":{\"tests\":[{\"name\":\"\",\"status\":\"passed\"}"
		"]}}",
		("{\"results\":{\"tests\":[{\"name\":\"a\\u0000b\",\"status\":"
		 "\"passed\"}]}}"),
		"{\"results\":{\"tests\":[],\"tests\":[]}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ld_ctrf *c = (ld_ctrf *)bad;
		ae_err err = {0};
		T_ASSERT_INT(ld_ctrf_parse(&c, "deployment",
					   (const unsigned char *)bad[i],
					   strlen(bad[i]), &err),
			     AE_EINVAL);
		T_ASSERT(c == NULL);
	}
}

void test_ledger_corroborate__ctrf_of_an_unknown_phase_is_refused(void)
{
	ld_ctrf *c = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ld_ctrf_parse(&c, "../etc", (const unsigned char *)"{}", 2,
				   &err),
		     AE_EINVAL);
	T_ASSERT(c == NULL);
	T_ASSERT_MSG(err, "is not deployment");
}

void test_ledger_corroborate__ctrf_tests_are_capped(void)
{
	size_t len = 0;
	char *doc = ctrf_doc(LD_CTRF_MAX_TESTS, "passed", &len);
	ld_ctrf *c = NULL;
	ae_err err = {0};
	size_t n = 0;

	T_ASSERT_INT(ld_ctrf_parse(&c, "deployment", (unsigned char *)doc, len,
				   &err),
		     0);
	ld_ctrf_checks(c, &n);
	T_ASSERT_INT(n, LD_CTRF_MAX_TESTS);
	ld_ctrf_free(c);
	free(doc);
	doc = ctrf_doc(LD_CTRF_MAX_TESTS + 1, "passed", &len);
	c = NULL;
	T_ASSERT_INT(ld_ctrf_parse(&c, "deployment", (unsigned char *)doc, len,
				   &err),
		     AE_ETOOBIG);
	T_ASSERT(c == NULL);
	free(doc);
}

void test_ledger_corroborate__ctrf_names_and_bytes_are_capped(void)
{
	char *doc = malloc(LD_CTRF_MAX_NAME + 128);
	ld_ctrf *c = NULL;
	ae_err err = {0};
	int n;

	T_ASSERT(doc != NULL);
	for (int extra = 0; extra <= 1; extra++) {
		n = snprintf(doc, LD_CTRF_MAX_NAME + 128,
			     "{\"results\":{\"tests\":[{\"name\":\"%0*d\","
			     "\"status\":\"passed\"}]}}",
			     LD_CTRF_MAX_NAME + extra, 7);
		c = NULL;
		T_ASSERT_INT(ld_ctrf_parse(&c, "deployment",
					   (unsigned char *)doc, (size_t)n,
					   &err),
			     extra ? AE_ETOOBIG : 0);
		T_ASSERT((c == NULL) == (extra == 1));
		ld_ctrf_free(c);
	}
	free(doc);
	c = NULL;
	T_ASSERT_INT(ld_ctrf_parse(&c, "deployment", (unsigned char *)"{}",
				   LD_CTRF_MAX_BYTES + 1, &err),
		     AE_ETOOBIG);
	T_ASSERT(c == NULL);
}

/* ---- renderers ---- */

static const ld_check_input hostile[] = {
	{"deployment", "<script>alert(1)</script>\x1b[31m", "passed"}};

/* Three signers on one recipe: community alice passes, first-party bob
 * passes, unlisted carol passes, plus an unverifiable claim. */
static ld_corroboration *sample(void)
{
	static ld_run runs[4];

	runs[0] = run_of('a', LD_CLASS_COMMUNITY, hostile, 1);
	runs[1] = run_of('b', LD_CLASS_FIRST_PARTY, hostile, 1);
	runs[2] = run_of('c', LD_CLASS_REPORTED, hostile, 1);
	runs[3] = run_of('c', LD_CLASS_COMMUNITY, NULL, 0);
	runs[3].vote = LD_VOTE_UNVERIFIABLE;
	runs[3].identity = "mallory@example.com";
	runs[3].reason = "signature <b>does not</b> verify";
	return compute(runs, 4, true);
}

static char *render(int (*fn)(ae_buf *, const ld_corroboration *,
			      const ld_render_opts *, ae_err *),
		    bool show_identities)
{
	ld_corroboration *c = sample();
	ld_render_opts opts = LD_RENDER_OPTS_INIT;
	ae_buf b = AE_BUF_INIT(1u << 20);
	ae_err err = {0};
	char *s;

	opts.generated_at = "2026-11-22T08:00:00Z";
	opts.show_identities = show_identities;
	T_ASSERT_INT(fn(&b, c, &opts, &err), 0);
	ld_corroboration_free(c);
	s = (char *)ae_buf_detach(&b, NULL);
	T_ASSERT(s != NULL);
	return s;
}

void test_ledger_corroborate__text_is_a_table_without_control_bytes(void)
{
	char *s = render(ld_corroboration_render_text, false);

	T_ASSERT(strstr(s, "basis: verified signatures") != NULL);
	T_ASSERT(strstr(s, "CONFIRMED") != NULL);
	T_ASSERT(strstr(s, "RECIPE") != NULL);
	/* Uncounted runs say why, in the open (issue 20 item 12). */
	T_ASSERT(strstr(s, "not counted: could not be verified: signature "
			   "<b>does not</b> verify") != NULL);
	T_ASSERT(strstr(s, "not counted: signer not in the allowlist "
			   "(reported)") != NULL);
	T_ASSERT(strstr(s, ":pass*") != NULL);
	T_ASSERT(strchr(s, '\x1b') == NULL);
	T_ASSERT(strstr(s, "alice@example.com") == NULL);
	T_ASSERT(strstr(s, "bob@example.com") != NULL); /* first-party */
	free(s);
}

void test_ledger_corroborate__json_follows_the_documented_schema(void)
{
	char *s = render(ld_corroboration_render_json, false);
	void *root = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ae_json_parse(&root, (unsigned char *)s, strlen(s), &err),
		     0);
	json_decref(root);
	T_ASSERT(strstr(s, "\"schemaVersion\": \"aicr-evidence-ledger/v1\"") !=
		 NULL);
	T_ASSERT(strstr(s, "\"generatedAt\": \"2026-11-22T08:00:00Z\"") !=
		 NULL);
	T_ASSERT(strstr(s, "\"basis\": \"verified\"") != NULL);
	T_ASSERT(strstr(s, "\"state\": \"CONFIRMED\"") != NULL);
	T_ASSERT(strstr(s, "\"class\": \"reported\"") != NULL);
	T_ASSERT(
		strstr(s, "\"reason\": \"signature <b>does not</b> verify\"") !=
		NULL);
	T_ASSERT(strstr(s, "alice@example.com") == NULL);
	T_ASSERT(strstr(s, "mallory@example.com") == NULL);
	free(s);
}

void test_ledger_corroborate__identities_need_show_identities(void)
{
	char *s = render(ld_corroboration_render_json, true);

	T_ASSERT(strstr(s, "alice@example.com") != NULL);
	T_ASSERT(strstr(s, "carol@example.com") != NULL);
	/* A claim is never printed, even when asked: it is not verified. */
	T_ASSERT(strstr(s, "mallory@example.com") == NULL);
	free(s);
}

/* The page has exactly one <script>, inline (no src), and its
 * Content-Security-Policy allows exactly that script by SHA-256. */
static void script_is_inline_and_pinned(const char *s)
{
	const char *open = strstr(s, "<script>"), *close;
	unsigned char d[AE_SHA256_LEN];
	char *b64 = NULL, want[128];
	ae_err err = {0};

	T_ASSERT(open != NULL);
	T_ASSERT(strstr(open + 1, "<script") == NULL);
	close = strstr(open, "</script>");
	T_ASSERT(close != NULL);
	ae_sha256(d, open + 8, (size_t)(close - open - 8));
	T_ASSERT_INT(ae_base64_encode(&b64, d, sizeof(d), &err), 0);
	snprintf(want, sizeof(want), "script-src 'sha256-%s'", b64);
	free(b64);
	T_ASSERT(strstr(s, want) != NULL);
	T_ASSERT(strstr(s, "default-src 'none'") != NULL);
}

void test_ledger_corroborate__html_is_escaped_and_self_contained(void)
{
	char *s = render(ld_corroboration_render_html, false);

	T_ASSERT(strncmp(s, "<!DOCTYPE html>", 15) == 0);
	/* Scripts only inline (issue 22 item 6): one, allowed by its hash. */
	script_is_inline_and_pinned(s);
	T_ASSERT(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	T_ASSERT(strstr(s, "&lt;b&gt;does not&lt;/b&gt;") != NULL);
	T_ASSERT(strchr(s, '\x1b') == NULL);
	T_ASSERT(strstr(s, "src=") == NULL);
	T_ASSERT(strstr(s, "<link") == NULL);
	T_ASSERT(strstr(s, "url(") == NULL);
	T_ASSERT(strstr(s, "id=\"matrix\"") != NULL);
	T_ASSERT(strstr(s, "cellv cell-pass") != NULL);
	T_ASSERT(strstr(s, "cellv cell-unverifiable nc") != NULL);
	T_ASSERT(strstr(s, "state-CONFIRMED") != NULL);
	/* A section per recipe with its deep link, open, not collapsed. */
	T_ASSERT(strstr(s, "<section class=\"recipe\" id=\"/" RECIPE "\">") !=
		 NULL);
	T_ASSERT(strstr(s, "id=\"/" RECIPE "/" SLUG_A "\"") != NULL);
	T_ASSERT(strstr(s, "datetime=\"2026-11-22T08:00:00Z\"") != NULL);
	T_ASSERT(strstr(s, "alice@example.com") == NULL);
	free(s);
}

/* Text from bundles and pointers is shown as text, never as a direction
 * or a line break: Unicode bidi controls (which reorder what follows: a
 * check named "\u202Eliaf" reads as "fail"), C1 controls, line and
 * paragraph separators and bytes that are not UTF-8 become U+FFFD; other
 * non-ASCII text is kept. */
void test_ledger_corroborate__html_neutralises_bidi_and_bad_utf8(void)
{
	static const ld_check_input spoof[] = {
		{"deployment",
		 "ok \xe2\x80\xae"
		 "deliaf \xe2\x81\xa6x\xe2\x81\xa9",
		 "passed"},
		{"deployment", "nel\xc2\x85 ls\xe2\x80\xa8 lrm\xe2\x80\x8f",
		 "passed"},
		{"deployment", "bad\xff \xc0\xaf \xed\xa0\x80 \xe2\x80",
		 "passed"},
		{"deployment",
		 "gr\xc3\xbc\xc3\x9f \xe6\x97\xa5 \xf0\x9f\x98\x80", "passed"}};
	ld_run runs[1];
	ld_corroboration *c;
	ae_buf b = AE_BUF_INIT(1u << 20);
	ae_err err = {0};
	char *s;

	runs[0] = run_of('a', LD_CLASS_COMMUNITY, spoof, 4);
	c = compute(runs, 1, true);
	T_ASSERT_INT(ld_corroboration_render_html(&b, c, NULL, &err), 0);
	ld_corroboration_free(c);
	s = (char *)ae_buf_detach(&b, NULL);
	T_ASSERT(s != NULL);
	T_ASSERT(strstr(s, "\xe2\x80\xae") == NULL); /* RLO */
	T_ASSERT(strstr(s, "\xe2\x81\xa6") == NULL); /* LRI */
	T_ASSERT(strstr(s, "\xe2\x81\xa9") == NULL); /* PDI */
	T_ASSERT(strstr(s, "\xe2\x80\x8f") == NULL); /* RLM */
	T_ASSERT(strstr(s, "\xe2\x80\xa8") == NULL); /* LINE SEPARATOR */
	T_ASSERT(strstr(s, "\xc2\x85") == NULL);     /* NEL (C1) */
	T_ASSERT(strstr(s, "\xff") == NULL);
	T_ASSERT(strstr(s, "\xc0\xaf") == NULL);     /* overlong '/' */
	T_ASSERT(strstr(s, "\xed\xa0\x80") == NULL); /* a surrogate */
	T_ASSERT(strstr(s, "ok \xef\xbf\xbd"
			   "deliaf") != NULL);
	T_ASSERT(strstr(s, "bad\xef\xbf\xbd") != NULL);
	T_ASSERT(
		strstr(s, "gr\xc3\xbc\xc3\x9f \xe6\x97\xa5 \xf0\x9f\x98\x80") !=
		NULL);
	T_ASSERT(ae_utf8_valid(s, strlen(s)));
	free(s);
}

/* ---- tree walk ---- */

static void mk(const char *rel, bool dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", t_tmpdir(), rel);
	if (dir)
		T_ASSERT_INT(mkdir(path, 0755), 0);
	else
		t_write_file(path, "x: 1\n", 5);
}

void test_ledger_corroborate__the_walk_lists_pointers_sorted(void)
{
	ld_pointer_paths p = {NULL, 0};
	char target[4096], link[4096];
	ae_err err = {0};

	mk("r2", true);
	mk("r2/" SLUG_B, true);
	mk("r2/" SLUG_B "/sha256-b.yaml", false);
	mk("r1", true);
	mk("r1/" SLUG_A, true);
	mk("r1/" SLUG_A "/sha256-a.yaml", false);
	mk("r1/" SLUG_A "/notes.txt", false);	 /* not .yaml */
	mk("r1/" SLUG_A "/.hidden.yaml", false); /* not plain */
	mk("r1/stray.yaml", false);		 /* wrong depth */
	mk("allowlist.yaml", false);		 /* not a recipe */
	snprintf(target, sizeof(target), "%s/r2/" SLUG_B, t_tmpdir());
	snprintf(link, sizeof(link), "%s/r1/linked", t_tmpdir());
	T_ASSERT_INT(symlink(target, link), 0); /* never followed */
	T_ASSERT_INT(ld_tree_list(&p, t_tmpdir(), NULL, 0, &err), 0);
	T_ASSERT_INT(p.n, 2);
	T_ASSERT_STR(p.v[0], "r1/" SLUG_A "/sha256-a.yaml");
	T_ASSERT_STR(p.v[1], "r2/" SLUG_B "/sha256-b.yaml");
	ld_pointer_paths_dispose(&p);
}

void test_ledger_corroborate__the_walk_takes_named_recipes_only(void)
{
	const char *named[] = {"r2", "absent"};
	const char *evil[] = {".."};
	ld_pointer_paths p = {NULL, 0};
	ae_err err = {0};

	mk("r1", true);
	mk("r1/" SLUG_A, true);
	mk("r1/" SLUG_A "/sha256-a.yaml", false);
	mk("r2", true);
	mk("r2/" SLUG_B, true);
	mk("r2/" SLUG_B "/sha256-b.yaml", false);
	T_ASSERT_INT(ld_tree_list(&p, t_tmpdir(), named, 2, &err), 0);
	T_ASSERT_INT(p.n, 1);
	T_ASSERT_STR(p.v[0], "r2/" SLUG_B "/sha256-b.yaml");
	ld_pointer_paths_dispose(&p);
	T_ASSERT_INT(ld_tree_list(&p, t_tmpdir(), evil, 1, &err), AE_EINVAL);
	T_ASSERT_INT(p.n, 0);
	ae_err_clear(&err);
	T_ASSERT_INT(ld_tree_list(&p, t_path("missing"), NULL, 0, &err),
		     AE_ENOTFOUND);
}

void test_ledger_corroborate__the_walk_lists_a_pointer_that_is_no_file(void)
{
	ld_pointer_paths p = {NULL, 0};
	char target[4096], link[4096];
	ae_err err = {0};

	mk("r1", true);
	mk("r1/" SLUG_A, true);
	mk("r1/" SLUG_A "/sha256-a.yaml", false);
	mk("r1/" SLUG_A "/sha256-d.yaml", true); /* a directory */
	snprintf(target, sizeof(target), "%s/r1/" SLUG_A "/sha256-a.yaml",
		 t_tmpdir());
	snprintf(link, sizeof(link), "%s/r1/" SLUG_A "/sha256-l.yaml",
		 t_tmpdir());
	T_ASSERT_INT(symlink(target, link), 0);
	/* listed, so the reader reports them as not counted (never read) */
	T_ASSERT_INT(ld_tree_list(&p, t_tmpdir(), NULL, 0, &err), 0);
	T_ASSERT_INT(p.n, 3);
	T_ASSERT_STR(p.v[0], "r1/" SLUG_A "/sha256-a.yaml");
	T_ASSERT_STR(p.v[1], "r1/" SLUG_A "/sha256-d.yaml");
	T_ASSERT_STR(p.v[2], "r1/" SLUG_A "/sha256-l.yaml");
	ld_pointer_paths_dispose(&p);
}
