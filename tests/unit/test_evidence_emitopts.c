/* tests/unit/test_evidence_emitopts.c -- emit's options given as words
 * (evidence/emit_opts.c), reached before only through `emit` e2e runs
 */
#include "evidence/evidence.h"
#include "tests/unit/t.h"

void test_evidence_emitopts__a_policy_is_named_and_full_takes_none(void)
{
	ev_emit_opts o = EV_EMIT_OPTS_INIT;
	ae_err err = {0};

	T_ASSERT_INT(ev_emit_policy_set(&o, NULL, &err), 0);
	T_ASSERT_INT(o.policy, EV_REDACT_MINIMAL);
	T_ASSERT_INT(ev_emit_policy_set(&o, "reference-v4", &err), 0);
	T_ASSERT_INT(o.policy, EV_REDACT_REFERENCE_V4);
	T_ASSERT_INT(ev_emit_policy_set(&o, "Minimal", &err), AE_EINVAL);
	T_ASSERT(strcmp(err.msg, "--policy is minimal or reference-v4") == 0);
	o.full = true;
	T_ASSERT_INT(ev_emit_policy_set(&o, "minimal", NULL), AE_EINVAL);
	T_ASSERT_INT(ev_emit_policy_set(&o, NULL, NULL), 0);
}

void test_evidence_emitopts__source_date_epoch_is_whole_seconds(void)
{
	ev_emit_opts o = EV_EMIT_OPTS_INIT;

	T_ASSERT_INT(ev_emit_attested_at(&o, NULL, 77, NULL), 0);
	T_ASSERT_INT(o.attested_at, 77);
	T_ASSERT_INT(ev_emit_attested_at(&o, "", 78, NULL), 0);
	T_ASSERT_INT(o.attested_at, 78);
	T_ASSERT_INT(ev_emit_attested_at(&o, "1700000000", 78, NULL), 0);
	T_ASSERT_INT(o.attested_at, 1700000000);
	T_ASSERT_INT(ev_emit_attested_at(&o, "-1", 78, NULL), AE_EINVAL);
	T_ASSERT_INT(ev_emit_attested_at(&o, "12s", 78, NULL), AE_EINVAL);
}
