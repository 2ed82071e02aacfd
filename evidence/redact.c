/* evidence/redact.c -- what of a CTRF report is published, and the
 * redaction rule ids (reference §6.4, §6.5; issue 24 items 3 and 9)
 *
 * A report is rebuilt from an allowlist, never cleaned by a denylist: each
 * published test is a new object holding name, status, duration, suite,
 * the allowlisted `extra` and the bounded runtimeProvenance, and nothing
 * else -- so trace, stderr, attachments, parameters, retry attempts, case
 * variants (`Message`, `STDOUT`) and whatever a test tool adds tomorrow
 * never pass. The header is rebuilt the same way. Under the minimal policy
 * every kept value must also have its field's shape (evidence/values.c);
 * under reference-v4 the fields the reference's typed CTRF reader knows
 * pass as given, which is the reference's own output. The snapshot side is
 * evidence/redact_snapshot.c.
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Rule ids in sorted order, one bit each (EV__RULE_*): the reference's six
 * (§6.5) and the minimal policy's own (docs/formats.md). */
static const struct {
	unsigned bit;
	const char *id;
} redact_rule_ids[] = {
	{EV__RULE_BOM_IMAGES, "bom.observedImages.omit"},
	{EV__RULE_CTRF_HEADER, "ctrf.header.allowlist"},
	{EV__RULE_CTRF_SUMMARY, "ctrf.summary.fromTests"},
	{EV__RULE_CTRF_TESTS, "ctrf.tests.allowlist"},
	{EV__RULE_CTRF_EXTRA, "ctrf.tests.extra.allowlist"},
	{EV__RULE_CTRF_MESSAGE, "ctrf.tests.omit:message"},
	{EV__RULE_CTRF_STDOUT, "ctrf.tests.omit:stdout"},
	{EV__RULE_CTRF_PROVENANCE, "ctrf.tests.runtimeProvenance.bound"},
	{EV__RULE_PREDICATE_FINGERPRINT, "predicate.fingerprint.allowlist"},
	{EV__RULE_PREDICATE_IMAGES, "predicate.validatorImages.public"},
	{EV__RULE_SNAPSHOT_FINGERPRINT, "snapshot.fingerprint.allowlist"},
	{EV__RULE_SNAPSHOT_HEADER, "snapshot.header.allowlist"},
	{EV__RULE_SNAPSHOT_MEAS, "snapshot.measurements.allowlist"},
	{EV__RULE_SNAPSHOT_VALUES, "snapshot.values.validate"},
};

#define REDACT_REFERENCE_RULES                                                 \
	(EV__RULE_SNAPSHOT_HEADER | EV__RULE_SNAPSHOT_MEAS |                   \
	 EV__RULE_CTRF_EXTRA | EV__RULE_CTRF_MESSAGE | EV__RULE_CTRF_STDOUT |  \
	 EV__RULE_CTRF_PROVENANCE)

unsigned ev__redaction_rules(ev_redaction policy)
{
	switch (policy) {
	case EV_REDACT_MINIMAL:
		return REDACT_REFERENCE_RULES | EV__RULE_CTRF_HEADER |
		       EV__RULE_CTRF_TESTS | EV__RULE_CTRF_SUMMARY |
		       EV__RULE_SNAPSHOT_FINGERPRINT |
		       EV__RULE_SNAPSHOT_VALUES |
		       EV__RULE_PREDICATE_FINGERPRINT |
		       EV__RULE_PREDICATE_IMAGES | EV__RULE_BOM_IMAGES;
	case EV_REDACT_REFERENCE_V4:
		return REDACT_REFERENCE_RULES;
	case EV_REDACT_FULL:
		break;
	}
	return 0;
}

void *ev__redaction_applied(unsigned applied)
{
	json_t *arr = json_array();

	for (size_t i = 0;
	     arr != NULL &&
	     i < sizeof(redact_rule_ids) / sizeof(redact_rule_ids[0]);
	     i++) {
		if ((applied & redact_rule_ids[i].bit) &&
		    json_array_append_new(arr,
					  json_string(redact_rule_ids[i].id))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static bool redact_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, s) == 0)
			return true;
	}
	return false;
}

/* True iff s is 1 to 5 ASCII digits (§6.4 count values). */
static bool redact_is_count(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* Whether extra[key] = value survives (§6.4 key + value allowlist). */
static bool redact_extra_ok(const char *key, const char *value)
{
	static const char *const skip[] = {
		"no-gpu-nodes", "no-schedulable-gpu-nodes", "nodes-busy",
		"named-in-skip-checks", NULL};
	static const char *const source[] = {"delivered-artifact",
					     "recipe-supplied-runtime",
					     "cluster-capability", NULL};

	if (strcmp(key, "nodesValidated") == 0 ||
	    strcmp(key, "nodesTotal") == 0)
		return redact_is_count(value);
	if (strcmp(key, "skipReason") == 0)
		return redact_in(skip, value);
	if (strcmp(key, "runtimeSource") == 0)
		return redact_in(source, value);
	return false;
}

/* dst.extra = src.extra rebuilt from the allowlist; absent when nothing
 * survives (reference §6.4: no empty `extra: {}` ships). */
static int redact_extra(json_t *dst, const json_t *src, ae_err *err)
{
	json_t *extra = json_object_get(src, "extra"), *kept;
	const char *k;
	json_t *v;

	if (extra == NULL)
		return 0;
	kept = json_object();
	if (kept == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (json_is_object(extra)) {
		json_object_foreach(extra, k, v)
		{
			if (json_is_string(v) &&
			    redact_extra_ok(k, json_string_value(v)) &&
			    json_object_set(kept, k, v) != 0) {
				json_decref(kept);
				return ae_fail(err, AE_ERR, "out of memory");
			}
		}
	}
	if (json_object_size(kept) == 0) {
		json_decref(kept);
		return 0;
	}
	if (json_object_set_new(dst, "extra", kept) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

static int redact_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define REDACT_MAX_PATHS 1024 /* §6.4: paths kept per provenance list */

/* Bounds one provenance path list: each path through ev__provenance_path
 * (charset, selectors, operator keys, schema fields), then deduped, sorted
 * and capped. */
static json_t *redact_paths(const json_t *list)
{
	char **v = NULL;
	size_t n = 0, cap = json_array_size(list);
	json_t *out = json_array();
	ae_err err = {0};

	if (out == NULL)
		return NULL;
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (v == NULL)
		goto fail;
	for (size_t i = 0; i < cap; i++) {
		const json_t *s = json_array_get(list, i);
		if (!json_is_string(s))
			continue;
		if (ev__provenance_path(&v[n], json_string_value(s), &err) < 0)
			goto fail;
		if (v[n] != NULL)
			n++;
	}
	qsort(v, n, sizeof(*v), redact_strcmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		if (json_array_size(out) >= REDACT_MAX_PATHS)
			break;
		if (json_array_append_new(out, json_string(v[i])) != 0)
			goto fail;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return out;
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	json_decref(out);
	return NULL;
}

/* dst.runtimeProvenance: kept only with two bare 64-hex digests, its
 * path lists bounded (§6.4). */
static int redact_provenance(json_t *dst, const json_t *src, ae_err *err)
{
	static const char *const lists[] = {"overriddenPaths",
					    "inheritedPaths"};
	json_t *p = json_object_get(src, "runtimeProvenance"), *kept;
	const json_t *s, *d;

	if (p == NULL)
		return 0;
	s = json_object_get(p, "shippedDigest");
	d = json_object_get(p, "derivedDigest");
	if (!json_is_string(s) || !json_is_string(d) ||
	    !ae_is_lower_hex(json_string_value(s), AE_SHA256_HEX_LEN) ||
	    !ae_is_lower_hex(json_string_value(d), AE_SHA256_HEX_LEN))
		return 0;
	kept = json_pack("{sOsO}", "shippedDigest", s, "derivedDigest", d);
	if (kept == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < 2; i++) {
		const json_t *l = json_object_get(p, lists[i]);
		json_t *b;
		if (!json_is_array(l))
			continue;
		b = redact_paths(l);
		if (b == NULL || json_object_set_new(kept, lists[i], b) != 0) {
			json_decref(kept);
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	if (json_object_set_new(dst, "runtimeProvenance", kept) != 0)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* Sets dst[key] = a copy of src[key] when it is a string (and, with a
 * kind, of that shape). Out of memory only. */
static int redact_str(json_t *dst, const json_t *src, const char *key,
		      const ev__vkind *kind, ae_err *err)
{
	const json_t *v = json_object_get(src, key);

	if (!json_is_string(v) ||
	    (kind != NULL && !ev__value_ok(*kind, json_string_value(v))))
		return 0;
	if (json_object_set_new(dst, key, json_string(json_string_value(v))))
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* The published status: one of CTRF's five; minimal turns any other into
 * "other" (it is counted there: issue 24 item 1). */
static const char *redact_status(const char *st, ev_redaction policy)
{
	static const char *const known[] = {"passed",  "failed", "skipped",
					    "pending", "other",	 NULL};

	if (policy == EV_REDACT_MINIMAL && !redact_in(known, st))
		return "other";
	return st;
}

/* dst.suite: the strings of src.suite; absent when none. Minimal keeps
 * only phase names: the reference's writer puts the phase there
 * (pkg/validator/ctrf Builder: Suite []string{phase}), and a free name
 * there can be a host's (review finding 01). */
static int redact_suite(json_t *dst, const json_t *src, ev_redaction policy,
			ae_err *err)
{
	const json_t *suite = json_object_get(src, "suite");
	json_t *kept = json_array();

	if (kept == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < json_array_size(suite); i++) {
		const char *s = json_string_value(json_array_get(suite, i));
		if (s == NULL ||
		    (policy == EV_REDACT_MINIMAL && ev__phase_index(s) < 0))
			continue;
		if (json_array_append_new(kept, json_string(s)) != 0) {
			json_decref(kept);
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	if (json_array_size(kept) == 0) {
		json_decref(kept);
		return 0;
	}
	return json_object_set_new(dst, "suite", kept) == 0
		       ? 0
		       : ae_fail(err, AE_ERR, "out of memory");
}

/* Milliseconds a test ran: a non-negative integer below 2^53 (a double
 * holds it exactly), else 0 (the reference's decoder needs an integer). */
static json_int_t redact_duration(const json_t *test)
{
	const json_t *d = json_object_get(test, "duration");
	json_int_t v = json_integer_value(d);

	return json_is_integer(d) && v >= 0 && v < (1ll << 53) ? v : 0;
}

int ev__ctrf_test_publish(void **out, const void *test_v, ev_redaction policy,
			  ae_err *err)
{
	const json_t *test = test_v;
	const char *name = json_string_value(json_object_get(test, "name"));
	const char *st = json_string_value(json_object_get(test, "status"));
	json_t *t = NULL;
	char r[AE_REPR_BUF];
	int rc = 0;

	*out = NULL;
	if (!json_is_object(test) || name == NULL || st == NULL)
		return ae_fail(err, AE_EINVAL,
			       "a CTRF test is not an object with a name and "
			       "a status");
	if (policy == EV_REDACT_MINIMAL && !ev__value_ok(EV__V_TEST_NAME, name))
		return ae_fail(err, AE_EINVAL,
			       "test name %s is not publishable",
			       ae_repr(r, sizeof(r), name, strlen(name)));
	/* The reference's field order (pkg/validator/ctrf TestResult). */
	t = json_pack("{sssssI}", "name", name, "status",
		      redact_status(st, policy), "duration",
		      redact_duration(test));
	if (t == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = redact_suite(t, test, policy, err);
	if (rc == 0)
		rc = redact_extra(t, test, err);
	if (rc == 0)
		rc = redact_provenance(t, test, err);
	if (rc < 0) {
		json_decref(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* Copies every member of `src` but the `skip` keys into a new object. */
static json_t *redact_copy_but(const json_t *src, const char *const *skip)
{
	json_t *dst = json_object();
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)src, k, v)
	{
		if (dst != NULL && !redact_in(skip, k) &&
		    json_object_set(dst, k, v) != 0) {
			json_decref(dst);
			return NULL;
		}
	}
	return dst;
}

/* The header the reference's typed reader keeps (pkg/validator/ctrf
 * Report, Tool, Environment), strings only; minimal validates each value
 * and keeps no environment and no tool beyond name and version. */
static int redact_head_fields(json_t *top, json_t *res, const json_t *report,
			      ev_redaction policy, ae_err *err)
{
	static const ev__vkind spec = EV__V_SPEC_VERSION, ts = EV__V_TIMESTAMP,
			       gen = EV__V_GENERATOR, tname = EV__V_TOOL_NAME,
			       tver = EV__V_VERSION;
	const bool min = policy == EV_REDACT_MINIMAL;
	const json_t *results = json_object_get(report, "results");
	const json_t *tool = json_object_get(results, "tool");
	const json_t *env = json_object_get(results, "environment");
	json_t *t = json_object(), *e = NULL;
	int rc = t == NULL ? ae_fail(err, AE_ERR, "out of memory") : 0;

	if (rc == 0 &&
	    json_object_set_new(top, "reportFormat", json_string("CTRF")) != 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = redact_str(top, report, "specVersion", min ? &spec : NULL,
				err);
	if (rc == 0)
		rc = redact_str(top, report, "timestamp", min ? &ts : NULL,
				err);
	if (rc == 0)
		rc = redact_str(top, report, "generatedBy", min ? &gen : NULL,
				err);
	if (rc == 0)
		rc = redact_str(t, tool, "name", min ? &tname : NULL, err);
	if (rc == 0)
		rc = redact_str(t, tool, "version", min ? &tver : NULL, err);
	if (rc == 0 && json_object_set_new(res, "tool", t) != 0)
		rc = ae_fail(err, AE_ERR, "out of memory");
	t = NULL;
	if (rc == 0 && !min && json_is_object(env)) {
		static const char *const keys[] = {"appName", "appVersion",
						   "testEnvironment"};
		e = json_object();
		for (size_t i = 0; rc == 0 && i < 3; i++)
			rc = e ? redact_str(e, env, keys[i], NULL, err)
			       : ae_fail(err, AE_ERR, "out of memory");
		if (rc == 0 && json_object_set_new(res, "environment", e) != 0)
			rc = ae_fail(err, AE_ERR, "out of memory");
		e = NULL;
	}
	json_decref(t);
	json_decref(e);
	return rc;
}

int ev__ctrf_head_publish(void **top_out, void **results_out,
			  const void *report_v, ev_redaction policy,
			  ae_err *err)
{
	static const char *const top_skip[] = {"results", NULL};
	static const char *const res_skip[] = {"tests", "summary", NULL};
	const json_t *report = report_v;
	json_t *top = NULL, *res = NULL;
	int rc = 0;

	*top_out = NULL;
	*results_out = NULL;
	if (policy == EV_REDACT_FULL) {
		top = redact_copy_but(report, top_skip);
		res = redact_copy_but(json_object_get(report, "results"),
				      res_skip);
		if (top == NULL || res == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	} else {
		top = json_object();
		res = json_object();
		rc = top && res
			     ? redact_head_fields(top, res, report, policy, err)
			     : ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc < 0) {
		json_decref(top);
		json_decref(res);
		return rc;
	}
	*top_out = top;
	*results_out = res;
	return 0;
}
