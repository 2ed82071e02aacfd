/* evidence/emit_opts.c -- the emit options given as words: the redaction
 * policy and the attestation time (contract in evidence/evidence.h)
 */
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

int ev_emit_policy_set(ev_emit_opts *o, const char *policy, ae_err *err)
{
	if (policy == NULL)
		return 0;
	if (strcmp(policy, "minimal") == 0)
		o->policy = EV_REDACT_MINIMAL;
	else if (strcmp(policy, "reference-v4") == 0)
		o->policy = EV_REDACT_REFERENCE_V4;
	else
		return ae_fail(err, AE_EINVAL,
			       "--policy is minimal or reference-v4");
	if (o->full)
		return ae_fail(err, AE_EINVAL,
			       "--full ships raw files: it takes no --policy");
	return 0;
}

int ev_emit_attested_at(ev_emit_opts *o, const char *source_date_epoch,
			int64_t now, ae_err *err)
{
	const char *s = source_date_epoch;
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0') {
		o->attested_at = now;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v < 0)
		return ae_fail(err, AE_EINVAL,
			       "SOURCE_DATE_EPOCH is not a number of seconds");
	o->attested_at = v;
	return 0;
}
