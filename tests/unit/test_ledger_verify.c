/* tests/unit/test_ledger_verify.c -- the verifier of a run (ledger/verify.c)
 * reached directly: a claim in, a verdict out, no cmd/ in between */
#include "t.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <sys/stat.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIGEST                                                                 \
	"sha256:"                                                              \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static ld_verifier *verifier(bool offline, ae_deadline deadline)
{
	ld_verifier_opts o;
	ld_verifier *v = NULL;
	ae_err err = {0};

	memset(&o, 0, sizeof(o));
	o.cache = t_path("cache");
	o.offline = offline;
	o.what = "unit";
	o.co.deadline = deadline;
	/* a root that does not exist: no check here gets as far as the
	 * signature, so none reads it */
	o.trusted_root = t_path("no-such-root.json");
	T_ASSERT_INT(ld_verifier_new(&v, &o, &err), 0);
	return v;
}

static void claim_init(ev_pointer_claim *c, const char *oci)
{
	memset(c, 0, sizeof(*c));
	c->path = "recipes/evidence/r/x/sha256-0123.yaml";
	c->recipe = "r";
	c->oci = oci;
	c->digest = DIGEST;
	c->has_signer = true;
	c->signer_issuer = "https://issuer.example";
	c->signer_identity = "alice@example.test";
}

void test_ledger_verify__a_bundle_absent_from_the_offline_cache_is_a_violation(
	void)
{
	ld_verifier *v = verifier(true, (ae_deadline)AE_DEADLINE_NONE);
	ev_pointer_claim c;
	ld_verdict vd;
	ae_err err = {0};

	claim_init(&c, "registry.example/evidence/r:tag");
	T_ASSERT_INT(ld_verifier_check(&vd, v, &c, NULL, NULL, &err), 0);
	T_ASSERT_INT(vd.status, AE_EVERIFY);
	T_ASSERT_MSG(vd.cause, "cannot be fetched");
	T_ASSERT(vd.fetch_rc < 0);
	T_ASSERT(vd.fetch_error[0] != '\0');
	T_ASSERT(vd.issuer == NULL && vd.identity == NULL);
	ld_verifier_free(v);
}

void test_ledger_verify__a_bundle_oci_that_is_no_reference_is_a_violation(void)
{
	ld_verifier *v = verifier(true, (ae_deadline)AE_DEADLINE_NONE);
	ev_pointer_claim c;
	ld_verdict vd;
	ae_err err = {0};

	claim_init(&c, "not a reference");
	T_ASSERT_INT(ld_verifier_check(&vd, v, &c, NULL, NULL, &err), 0);
	T_ASSERT_INT(vd.status, AE_EVERIFY);
	T_ASSERT_MSG(vd.cause, "is not a registry reference");
	T_ASSERT(vd.fetch_rc < 0);
	ld_verifier_free(v);
}

void test_ledger_verify__past_the_runs_deadline_no_pointer_is_tried(void)
{
	ae_deadline d = ae_deadline_in(1);
	ld_verifier *v = verifier(false, d);
	ev_pointer_claim c;
	ld_verdict vd;
	ae_err err = {0};

	while (ae_deadline_left_ms(d) > 0)
		usleep(1000);
	claim_init(&c, "127.0.0.1:9/evidence/r:tag");
	T_ASSERT_INT(ld_verifier_check(&vd, v, &c, NULL, NULL, &err), 0);
	T_ASSERT_INT(vd.status, AE_ETRANSIENT);
	T_ASSERT_MSG(vd.cause, "--deadline passed");
	T_ASSERT_INT(vd.fetch_rc, AE_ETRANSIENT);
	ld_verifier_free(v);
}

void test_ledger_verify__the_contract_fn_gives_the_verdicts_code_and_cause(void)
{
	ld_verifier *v = verifier(true, (ae_deadline)AE_DEADLINE_NONE);
	ev_pointer_claim it;
	ae_err err = {0};

	memset(&it, 0, sizeof(it));
	it.path = "recipes/evidence/r/x/sha256-0123.yaml";
	it.recipe = "r";
	it.digest = DIGEST;
	it.oci = "registry.example/evidence/r:tag";
	it.has_signer = true;
	it.signer_issuer = "https://issuer.example";
	it.signer_identity = "alice@example.test";
	T_ASSERT_INT(ld_verifier_contract_fn(&it, v, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "cannot be fetched");
	ld_verifier_free(v);
}

typedef struct each_count {
	atomic_int hits[1000];
} each_count;

static void each_hit(size_t i, void *ctx)
{
	each_count *c = ctx;

	atomic_fetch_add(&c->hits[i], 1);
}

void test_ledger_verify__the_pool_runs_every_index_exactly_once(void)
{
	each_count *c = calloc(1, sizeof(*c));
	unsigned jobs[] = {1, 3, 64, 200};

	T_ASSERT(c != NULL);
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
		memset(c, 0, sizeof(*c));
		ld_each(1000, jobs[j], each_hit, c);
		for (size_t i = 0; i < 1000; i++)
			T_ASSERT_INT(atomic_load(&c->hits[i]), 1);
	}
	ld_each(0, 4, each_hit, c); /* nothing to do: no call */
	for (size_t i = 0; i < 1000; i++)
		T_ASSERT_INT(atomic_load(&c->hits[i]), 1);
	free(c);
}

/* Progress from the pool (issue 20 item 11): called once at the start
 * with 0 of n, then once per index, from the workers; each `done` is
 * told exactly once and the last is n. */
typedef struct each_seen {
	atomic_int told[1001];
	atomic_int calls;
	atomic_size_t bad_total;
} each_seen;

static void each_progress(void *ctx, size_t done, size_t total)
{
	each_seen *s = ctx;

	if (total != 1000 || done > 1000)
		atomic_fetch_add(&s->bad_total, 1);
	else
		atomic_fetch_add(&s->told[done], 1);
	atomic_fetch_add(&s->calls, 1);
}

void test_ledger_verify__the_pool_tells_its_progress_once_per_index(void)
{
	each_count *c = calloc(1, sizeof(*c));
	each_seen *s = calloc(1, sizeof(*s));
	unsigned jobs[] = {1, 8};

	T_ASSERT(c != NULL && s != NULL);
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
		memset(c, 0, sizeof(*c));
		memset(s, 0, sizeof(*s));
		ld_each_progress(1000, jobs[j], each_hit, c, each_progress, s);
		T_ASSERT_INT(atomic_load(&s->calls), 1001);
		T_ASSERT(atomic_load(&s->bad_total) == 0);
		for (size_t i = 0; i <= 1000; i++)
			T_ASSERT_INT(atomic_load(&s->told[i]), 1);
	}
	free(s);
	free(c);
}

/* The typed accessors say what the rendered report says (the callers no
 * longer parse it back). */
void test_ledger_verify__verdict_accessors_agree_with_the_json_report(void)
{
	ev_verify_opts o = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	ae_err err = {0};
	ae_buf j;
	json_t *root = NULL;
	const char *dir = t_path("not-a-bundle");

	T_ASSERT_INT(mkdir(dir, 0755), 0);
	o.dir = dir;
	T_ASSERT_INT(ev_evidence_verify(&v, &o, &err), 0);
	T_ASSERT_INT(ev_verdict_exit(v), EV_VERDICT_INVALID);
	T_ASSERT_INT(ev_verdict_json(&j, v, &err), 0);
	T_ASSERT_INT(ae_json_parse((void **)&root, j.data, j.len, &err), 0);
	T_ASSERT(ev_verdict_cause_class(v) != NULL);
	T_ASSERT_STR(ev_verdict_cause_class(v),
		     json_string_value(json_object_get(
			     json_object_get(root, "failureCause"), "class")));
	T_ASSERT_STR(ev_verdict_cause_detail(v),
		     json_string_value(json_object_get(
			     json_object_get(root, "failureCause"), "detail")));
	T_ASSERT(ev_verdict_signer_issuer(v) == NULL);
	T_ASSERT(ev_verdict_signer_identity(v) == NULL);
	T_ASSERT(json_object_get(root, "signer") == NULL);
	T_ASSERT(ev_verdict_predicate(v) == NULL);
	json_decref(root);
	ae_buf_dispose(&j);
	ev_verdict_free(v);
}

void test_ledger_verify__a_failed_fetch_still_gives_verify_its_verdict(void)
{
	ld_verifier_opts o;
	ld_verifier *v = NULL;
	ev_verify_opts vo = EV_VERIFY_OPTS_INIT;
	ev_verdict *vd = NULL;
	ev_pointer_claim c;
	ld_check_req req;
	ld_verdict out;
	ae_err err = {0};

	memset(&o, 0, sizeof(o));
	o.cache = t_path("cache");
	o.offline = true; /* the embedded root */
	T_ASSERT_INT(ld_verifier_new(&v, &o, &err), 0);
	claim_init(&c, "registry.example/evidence/r:tag");
	memset(&req, 0, sizeof(req));
	req.claim = &c;
	req.vo = &vo;
	req.verdict = &vd;
	T_ASSERT_INT(ld_verifier_run(&out, v, &req, &err), 0);
	/* what check and ledger read */
	T_ASSERT_INT(out.status, AE_EVERIFY);
	T_ASSERT(out.fetch_rc < 0);
	/* what verify prints: the failure on the materialize step */
	T_ASSERT(vd != NULL);
	T_ASSERT_INT(ev_verdict_exit(vd), EV_VERDICT_INVALID);
	T_ASSERT_INT(vo.fetch_rc, out.fetch_rc);
	T_ASSERT(vo.fetch_hint != NULL && strstr(vo.fetch_hint, "--offline"));
	T_ASSERT(vo.pointer == &c);
	ev_verdict_free(vd);
	ld_verifier_free(v);
}

void test_ledger_verify__a_bundle_no_pointer_claims_is_fetched_by_its_ref(void)
{
	ld_verifier *v = verifier(true, (ae_deadline)AE_DEADLINE_NONE);
	ld_check_req req;
	ld_verdict out;
	ae_err err = {0};

	memset(&req, 0, sizeof(req));
	req.oci = "registry.example/evidence/r@" DIGEST;
	req.digest = "";
	T_ASSERT_INT(ld_verifier_run(&out, v, &req, &err), 0);
	T_ASSERT_INT(out.status, AE_EVERIFY);
	T_ASSERT_MSG(out.cause, DIGEST);
	ld_verifier_free(v);
}
