/* ledger/corroborate_ctrf.c -- CTRF reports in, check statuses out; the
 * corroboration model's vocabulary (buckets, roll-up, names)
 *
 * A CTRF report (reference §6.3) is untrusted bytes from a bundle: it is
 * parsed strictly (ae_json_parse: duplicate keys and deep nesting refused),
 * size-capped, and only results.tests[].name/.status are kept. The status
 * string is kept raw; ld_result_from_ctrf buckets it (an unknown status
 * fails closed, so a garbled report never reads as a pass).
 */
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct ld_ctrf {
	json_t *root; /* owns the strings the checks point into */
	char *phase;
	ld_check_input *checks;
	size_t n;
};

static const char *const phase_names[LD_PHASE_COUNT] = {
	"deployment", "performance", "conformance"};

int ld_phase_index(const char *phase)
{
	for (int i = 0; phase && i < LD_PHASE_COUNT; i++) {
		if (strcmp(phase, phase_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *ld_phase_name(int index)
{
	return index >= 0 && index < LD_PHASE_COUNT ? phase_names[index] : "?";
}

ld_result ld_result_from_ctrf(const char *status)
{
	if (status == NULL)
		return LD_RESULT_FAIL;
	if (strcmp(status, "passed") == 0)
		return LD_RESULT_PASS;
	if (strcmp(status, "skipped") == 0 || strcmp(status, "pending") == 0)
		return LD_RESULT_NOT_RUN;
	return LD_RESULT_FAIL; /* failed, other, and anything unknown */
}

ld_state ld_state_rollup(const ld_state *states, size_t n)
{
	ld_state worst = LD_STATE_CONFIRMED;
	bool positive = false;

	if (n == 0)
		return LD_STATE_UNTESTED;
	for (size_t i = 0; i < n; i++) {
		/* The enum is declared worst first; PARTIAL never occurs
		 * among check states and is ignored if passed in. */
		if (states[i] == LD_STATE_PARTIAL)
			continue;
		if (states[i] < worst)
			worst = states[i];
		if (states[i] == LD_STATE_CONFIRMED ||
		    states[i] == LD_STATE_SINGLE)
			positive = true;
	}
	/* Worst-first would drag a half-covered recipe to UNTESTED and hide
	 * the coverage it has (reference §4.4). */
	if (worst == LD_STATE_UNTESTED && positive)
		return LD_STATE_PARTIAL;
	return worst;
}

const char *ld_state_name(ld_state s)
{
	static const char *const names[LD_STATE_COUNT] = {
		"CONTESTED", "FAILING",	  "UNTESTED",
		"SINGLE",    "CONFIRMED", "PARTIAL"};

	return (unsigned)s < LD_STATE_COUNT ? names[s] : "?";
}

const char *ld_class_name(ld_class c)
{
	switch (c) {
	case LD_CLASS_FIRST_PARTY:
		return "first-party";
	case LD_CLASS_PARTNER:
		return "partner";
	case LD_CLASS_COMMUNITY:
		return "community";
	case LD_CLASS_REPORTED:
		return "reported";
	}
	return "?";
}

const char *ld_vote_name(ld_vote v)
{
	switch (v) {
	case LD_VOTE_VERIFIED:
		return "verified";
	case LD_VOTE_CLAIMED:
		return "claimed";
	case LD_VOTE_UNVERIFIABLE:
		return "unverifiable";
	}
	return "?";
}

const char *ld_result_name(ld_result r)
{
	switch (r) {
	case LD_RESULT_PASS:
		return "pass";
	case LD_RESULT_FAIL:
		return "fail";
	case LD_RESULT_NOT_RUN:
		return "not-run";
	}
	return "?";
}

const char *ld_cell_name(ld_cell_kind k)
{
	switch (k) {
	case LD_CELL_NONE:
		return "none";
	case LD_CELL_PASS:
		return "pass";
	case LD_CELL_FAIL:
		return "fail";
	case LD_CELL_NOT_RUN:
		return "not-run";
	case LD_CELL_CLAIMED:
		return "claimed";
	case LD_CELL_UNVERIFIABLE:
		return "unverifiable";
	}
	return "?";
}

/* Borrowed string member `key` of `obj`, refusing embedded NULs and names
 * past LD_CTRF_MAX_NAME. */
static int ctrf_string(const char **out, json_t *obj, const char *key, size_t i,
		       ae_err *err)
{
	json_t *v = json_object_get(obj, key);
	size_t len;

	*out = NULL;
	if (!json_is_string(v))
		return ae_fail(err, AE_EINVAL,
			       "results.tests[%zu].%s is not a string", i, key);
	len = json_string_length(v);
	if (len > LD_CTRF_MAX_NAME)
		return ae_fail(err, AE_ETOOBIG,
			       "results.tests[%zu].%s is %zu bytes, cap %u", i,
			       key, len, (unsigned)LD_CTRF_MAX_NAME);
	if (strlen(json_string_value(v)) != len)
		return ae_fail(err, AE_EINVAL,
			       "results.tests[%zu].%s holds a NUL", i, key);
	*out = json_string_value(v);
	return 0;
}

/* Fills c->checks from the parsed report. */
static int ctrf_collect(ld_ctrf *c, ae_err *err)
{
	json_t *results = json_object_get(c->root, "results");
	json_t *tests = json_object_get(results, "tests");
	size_t n;
	int rc = 0;

	if (!json_is_object(c->root) || !json_is_object(results))
		return ae_fail(err, AE_EINVAL, "no results object");
	if (!json_is_array(tests))
		return ae_fail(err, AE_EINVAL, "results.tests is not an array");
	n = json_array_size(tests);
	if (n > LD_CTRF_MAX_TESTS)
		return ae_fail(err, AE_ETOOBIG, "%zu tests, cap %u", n,
			       (unsigned)LD_CTRF_MAX_TESTS);
	c->checks = calloc(n ? n : 1, sizeof(*c->checks));
	if (c->checks == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *t = json_array_get(tests, i);
		ld_check_input *ci = &c->checks[i];
		if (!json_is_object(t))
			return ae_fail(err, AE_EINVAL,
				       "results.tests[%zu] is not an object",
				       i);
		ci->phase = c->phase;
		rc = ctrf_string(&ci->name, t, "name", i, err);
		if (rc == 0)
			rc = ctrf_string(&ci->status, t, "status", i, err);
		if (rc == 0 && ci->name[0] == '\0')
			rc = ae_fail(err, AE_EINVAL,
				     "results.tests[%zu].name is empty", i);
	}
	if (rc == 0)
		c->n = n;
	return rc;
}

int ld_ctrf_parse(ld_ctrf **out, const char *phase, const unsigned char *buf,
		  size_t len, ae_err *err)
{
	ld_ctrf *c = NULL;
	void *root = NULL;
	int rc;

	AE_ASSERT_ARG(out != NULL && phase != NULL, err);
	*out = NULL;
	AE_ASSERT_ARG(buf != NULL || len == 0, err);
	if (ld_phase_index(phase) < 0) {
		char r[AE_REPR_BUF];
		return ae_fail(err, AE_EINVAL,
			       "phase %s is not deployment, performance or "
			       "conformance",
			       ae_repr(r, sizeof(r), phase, strlen(phase)));
	}
	if (len > LD_CTRF_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG, "ctrf is %zu bytes, cap %u",
			       len, (unsigned)LD_CTRF_MAX_BYTES);
	rc = ae_json_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		json_decref(root);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	c->root = root;
	c->phase = strdup(phase);
	rc = c->phase ? ctrf_collect(c, err)
		      : ae_fail(err, AE_ERR, "out of memory");
	if (rc < 0) {
		ld_ctrf_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ld_ctrf_free(ld_ctrf *c)
{
	if (c == NULL)
		return;
	free(c->checks);
	free(c->phase);
	json_decref(c->root);
	free(c);
}

const ld_check_input *ld_ctrf_checks(const ld_ctrf *c, size_t *n_out)
{
	*n_out = c ? c->n : 0;
	return c ? c->checks : NULL;
}
