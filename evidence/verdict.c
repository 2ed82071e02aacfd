/* evidence/verdict.c -- the verify report: steps, sub-rows, the verdict
 *
 * verify records what each step found instead of stopping at the first
 * problem (signify -C, STYLE §3.5), and folds the findings into one verdict
 * by the reference's rules (§9.3): the first hard verdict wins and is never
 * downgraded; "no verdict" (a transient fault) never masks an invalid one,
 * and a later integrity failure upgrades it. The JSON and text renderings
 * live here too, so the report's shape is defined in one file
 * (docs/verify-report.md).
 */
#include "evidence/internal.h"
#include "evidence/verdict.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void ev__verdict_init(ev_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->exit = EV_VERDICT_VALID;
}

void ev_verdict_free(ev_verdict *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nsteps; i++) {
		ev__step *s = &v->steps[i];
		free(s->detail);
		for (size_t j = 0; j < s->nrows; j++) {
			free(s->rows[j].key);
			free(s->rows[j].value);
		}
		free(s->rows);
	}
	json_decref(v->pointer);
	json_decref(v->predicate);
	free(v->predicate_type);
	json_decref(v->signer);
	free(v->recipe_name);
	free(v->bundle_digest);
	free(v->cause_class);
	free(v->cause_detail);
	free(v->cause_hint);
	free(v->input);
	free(v);
}

ev__step *ev__step_begin(ev_verdict *v, const char *name)
{
	ev__step *s;

	if (v->nsteps >= EV__MAX_STEPS)
		return NULL;
	s = &v->steps[v->nsteps];
	memset(s, 0, sizeof(*s));
	s->num = (int)v->nsteps + 1;
	s->name = name;
	s->status = "passed";
	v->nsteps++;
	return s;
}

void ev__step_status(ev__step *s, const char *status, const char *detail)
{
	if (s == NULL)
		return;
	/* A failed step stays failed; its first detail is the cause. */
	if (strcmp(s->status, "failed") == 0)
		return;
	s->status = status;
	if (detail != NULL && s->detail == NULL)
		s->detail = strdup(detail);
}

int ev__step_row(ev__step *s, const char *key, const char *value)
{
	ev__row *g;

	if (s == NULL || s->nrows >= EV__MAX_ROWS)
		return 0; /* further rows add nothing to a failed step */
	g = realloc(s->rows, (s->nrows + 1) * sizeof(*g));
	if (g == NULL)
		return AE_ERR;
	s->rows = g;
	g[s->nrows].key = strdup(key);
	g[s->nrows].value = strdup(value);
	if (g[s->nrows].key == NULL || g[s->nrows].value == NULL) {
		free(g[s->nrows].key);
		free(g[s->nrows].value);
		return AE_ERR;
	}
	s->nrows++;
	return 0;
}

static int verdict_set_cause(ev_verdict *v, const char *cls, const char *detail,
			     const char *hint)
{
	free(v->cause_class);
	free(v->cause_detail);
	free(v->cause_hint);
	v->cause_class = strdup(cls);
	v->cause_detail = strdup(detail ? detail : "");
	v->cause_hint = hint ? strdup(hint) : NULL;
	return v->cause_class && v->cause_detail ? 0 : AE_ERR;
}

void ev__verdict_record(ev_verdict *v, int verdict, const char *cls,
			const char *detail, const char *hint)
{
	if (v->exit == EV_VERDICT_INVALID)
		return; /* first hard verdict wins, never downgraded */
	if (verdict == EV_VERDICT_INVALID ||
	    (verdict == EV_VERDICT_NONE && v->exit != EV_VERDICT_NONE)) {
		v->exit = verdict;
		v->cause_http_status = 0;
		verdict_set_cause(v, cls, detail, hint);
	}
}

void ev__verdict_http_status(ev_verdict *v, long status)
{
	if (v->cause_class != NULL)
		v->cause_http_status = status;
}

int ev_verdict_exit(const ev_verdict *v)
{
	return v->exit;
}

bool ev_verdict_pending(const ev_verdict *v)
{
	return v->exit == EV_VERDICT_VALID && v->is_unsigned &&
	       !v->signer_claimed;
}

const char *ev_verdict_step_status(const ev_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nsteps; i++) {
		if (strcmp(v->steps[i].name, name) == 0)
			return v->steps[i].status;
	}
	return NULL;
}

const char *ev_verdict_predicate_type(const ev_verdict *v)
{
	return v ? v->predicate_type : NULL;
}

const char *ev_verdict_signer_issuer(const ev_verdict *v)
{
	return json_string_value(json_object_get(v->signer, "issuer"));
}

const char *ev_verdict_signer_identity(const ev_verdict *v)
{
	return json_string_value(json_object_get(v->signer, "identity"));
}

bool ev_verdict_signed_at(const ev_verdict *v, ev_signed_at *out)
{
	memset(out, 0, sizeof(*out));
	if (v == NULL || !v->has_signed_at)
		return false;
	*out = v->signed_at;
	return true;
}

/* As the JSON report: failureCause only for exit 2 and 3. */
const char *ev_verdict_cause_class(const ev_verdict *v)
{
	return v->exit >= EV_VERDICT_INVALID ? v->cause_class : NULL;
}

const char *ev_verdict_cause_detail(const ev_verdict *v)
{
	return v->exit >= EV_VERDICT_INVALID && v->cause_class != NULL
		       ? v->cause_detail
		       : NULL;
}

const void *ev_verdict_predicate(const ev_verdict *v)
{
	return v->predicate;
}

/* steps[] of the JSON report. */
static json_t *verdict_steps_json(const ev_verdict *v)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < v->nsteps; i++) {
		const ev__step *s = &v->steps[i];
		json_t *o = json_pack("{sissss}", "step", s->num, "name",
				      s->name, "status", s->status);
		json_t *rows = s->nrows ? json_array() : NULL;
		int bad = o == NULL;
		if (!bad && s->detail != NULL)
			bad = json_object_set_new(o, "detail",
						  json_string(s->detail));
		for (size_t j = 0; !bad && j < s->nrows; j++)
			bad = rows == NULL ||
			      json_array_append_new(
				      rows,
				      json_pack("{ssss}", "key", s->rows[j].key,
						"value", s->rows[j].value));
		if (!bad && rows != NULL)
			bad = json_object_set(o, "subRows", rows);
		json_decref(rows);
		if (bad || json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int ev_verdict_json(ae_buf *out, const ev_verdict *v, ae_err *err)
{
	json_t *r = json_object();
	int bad = r == NULL, rc;

	ae_buf_init(out, 64u << 20);
	if (!bad)
		bad = json_object_set_new(r, "input", json_string(v->input));
	if (!bad && v->pointer)
		bad = json_object_set(r, "pointer", v->pointer);
	if (!bad && v->predicate)
		bad = json_object_set(r, "predicate", v->predicate);
	if (!bad && v->signer)
		bad = json_object_set(r, "signer", v->signer);
	if (!bad && v->recipe_name)
		bad = json_object_set_new(r, "recipeName",
					  json_string(v->recipe_name));
	if (!bad && v->bundle_digest)
		bad = json_object_set_new(r, "bundleDigest",
					  json_string(v->bundle_digest));
	if (!bad)
		bad = json_object_set_new(r, "steps", verdict_steps_json(v));
	if (!bad)
		bad = json_object_set_new(r, "exit", json_integer(v->exit));
	if (!bad && ev_verdict_pending(v))
		bad = json_object_set_new(r, "pending", json_true());
	/* failureCause only for exit 2 and 3 (reference §9.3). */
	if (!bad && v->exit >= EV_VERDICT_INVALID && v->cause_class) {
		json_t *c = json_pack("{ssss}", "class", v->cause_class,
				      "detail", v->cause_detail);
		if (c != NULL && v->cause_http_status > 0)
			json_object_set_new(c, "httpStatus",
					    json_integer(v->cause_http_status));
		if (c != NULL && v->cause_hint)
			json_object_set_new(c, "hint",
					    json_string(v->cause_hint));
		bad = c == NULL || json_object_set_new(r, "failureCause", c);
	}
	if (bad) {
		json_decref(r);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	rc = ev__json_dump(out, r, err);
	json_decref(r);
	return rc;
}

/* The words for a verdict in the text report's first line. */
static const char *verdict_words(const ev_verdict *v)
{
	switch (v->exit) {
	case EV_VERDICT_VALID:
		return ev_verdict_pending(v)
			       ? "bundle valid, unsigned (pending signature)"
			       : "bundle valid";
	case EV_VERDICT_PHASE_FAILED:
		return "bundle valid, but a phase recorded failures";
	case EV_VERDICT_INVALID:
		return "INVALID";
	default:
		return "no verdict (try again)";
	}
}

/* Appends prefix, `value` escaped (ae_buf_put_esc: it comes from a
 * certificate, a pointer or the command line) and suffix. */
static int verdict_put(ae_buf *b, const char *prefix, const char *value,
		       const char *suffix, ae_err *err)
{
	int rc = ae_buf_puts(b, prefix, err);

	if (rc == 0)
		rc = ae_buf_put_esc(b, value ? value : "", err);
	if (rc == 0)
		rc = ae_buf_puts(b, suffix, err);
	return rc;
}

/* The signer lines: verified (from the certificate) apart from claimed
 * (from the pointer), STYLE §3.6. */
static int verdict_text_signer(ae_buf *b, const ev_verdict *v, ae_err *err)
{
	const char *id =
		json_string_value(json_object_get(v->signer, "identity"));
	const char *iss =
		json_string_value(json_object_get(v->signer, "issuer"));
	const char *key =
		json_string_value(json_object_get(v->signer, "publicKey"));
	int rc;

	if (id != NULL) {
		rc = verdict_put(b, "  signer:   ", id, " (", err);
		if (rc == 0)
			rc = verdict_put(b, "", iss, ") [verified]\n", err);
	} else if (key != NULL)
		rc = verdict_put(b, "  signer:   key ", key,
				 " (--key) [verified]\n", err);
	else if (v->is_unsigned)
		rc = ae_buf_puts(b, "  signer:   none: unsigned bundle\n", err);
	else if (v->nsteps > 1 && strcmp(v->steps[1].status, "skipped") == 0)
		rc = ae_buf_puts(b, "  signer:   not checked: no bundle\n",
				 err);
	else
		rc = ae_buf_puts(b,
				 "  signer:   signature verification "
				 "failed\n",
				 err);
	if (rc == 0 && v->signer_claimed)
		rc = verdict_put(b, "  claimed:  ", v->claimed_identity, " (",
				 err);
	if (rc == 0 && v->signer_claimed)
		rc = verdict_put(b, "", v->claimed_issuer,
				 ") [from the pointer, unverified]\n", err);
	return rc;
}

int ev_verdict_text(ae_buf *out, const ev_verdict *v, ae_err *err)
{
	bool details = false;
	int rc;

	ae_buf_init(out, 64u << 20);
	rc = ae_buf_printf(out, err, "Evidence verification: %s\n",
			   verdict_words(v));
	if (rc == 0)
		rc = verdict_put(out, "  input:    ", v->input, "\n", err);
	if (rc == 0 && v->recipe_name)
		rc = verdict_put(out, "  recipe:   ", v->recipe_name, "\n",
				 err);
	if (rc == 0)
		rc = verdict_text_signer(out, v, err);
	if (rc == 0)
		rc = ae_buf_puts(out, "\nVerification steps\n", err);
	for (size_t i = 0; rc == 0 && i < v->nsteps; i++) {
		const ev__step *s = &v->steps[i];
		if (s->detail != NULL)
			rc = ae_buf_printf(out, err, "  %d. %-20s %-8s %s\n",
					   s->num, s->name, s->status,
					   s->detail);
		else
			rc = ae_buf_printf(out, err, "  %d. %-20s %s\n", s->num,
					   s->name, s->status);
		details |= s->nrows > 0;
	}
	if (rc == 0 && details)
		rc = ae_buf_puts(out, "\nFailed check details\n", err);
	for (size_t i = 0; rc == 0 && details && i < v->nsteps; i++) {
		const ev__step *s = &v->steps[i];
		for (size_t j = 0; rc == 0 && j < s->nrows; j++)
			rc = ae_buf_printf(out, err, "  %s: %s: %s\n", s->name,
					   s->rows[j].key, s->rows[j].value);
	}
	if (rc == 0 && v->exit >= EV_VERDICT_INVALID && v->cause_class &&
	    v->cause_http_status > 0)
		rc = ae_buf_printf(out, err, "\nCause: %s (HTTP %ld): %s\n",
				   v->cause_class, v->cause_http_status,
				   v->cause_detail);
	else if (rc == 0 && v->exit >= EV_VERDICT_INVALID && v->cause_class)
		rc = ae_buf_printf(out, err, "\nCause: %s: %s\n",
				   v->cause_class, v->cause_detail);
	if (rc == 0 && v->exit >= EV_VERDICT_INVALID && v->cause_hint)
		rc = ae_buf_printf(out, err, "hint: %s\n", v->cause_hint);
	if (rc == 0)
		rc = ae_buf_printf(out, err, "\nexit %d\n", v->exit);
	return rc;
}
