/* evidence/verdict.h -- the verify report's insides, shared by verify.c,
 * verify_claim.c and verdict.c only
 *
 * Kept apart from internal.h so the verifier's files can be read alone
 * (STYLE §3.1: verify*.c audit without sign*.c).
 */
#ifndef AE_EVIDENCE_VERDICT_H
#define AE_EVIDENCE_VERDICT_H

#include "evidence/evidence.h"

#define EV__MAX_STEPS 8
#define EV__MAX_ROWS  64 /* sub-rows kept per step; the rest add nothing */

typedef struct ev__row {
	char *key;
	char *value;
} ev__row;

typedef struct ev__step {
	int num;
	const char *name;   /* static */
	const char *status; /* static: passed, failed, skipped, error */
	char *detail;
	ev__row *rows;
	size_t nrows;
} ev__step;

struct ev_verdict {
	char *input;		/* "dir", "pointer", "oci" */
	void *pointer;		/* json_t: the pointer as claimed */
	void *predicate;	/* json_t: the predicate as parsed */
	char *predicate_type;	/* the statement's, when it parsed */
	void *signer;		/* json_t: the verified signer */
	bool has_signed_at;	/* a signature verified: */
	ev_signed_at signed_at; /* when, as it proves (typed) */
	char *recipe_name;
	char *bundle_digest;
	ev__step steps[EV__MAX_STEPS];
	size_t nsteps;
	int exit;
	bool is_unsigned;
	bool signer_claimed;
	const char *claimed_identity; /* borrowed from the opts */
	const char *claimed_issuer;
	char *cause_class;
	char *cause_detail;
	char *cause_hint;
	long cause_http_status; /* 0: none */
};

void ev__verdict_init(ev_verdict *v);
/* Starts the next step (status "passed" until told otherwise); NULL past
 * EV__MAX_STEPS. */
ev__step *ev__step_begin(ev_verdict *v, const char *name);
/* Sets status and the first detail; a failed step stays failed. */
void ev__step_status(ev__step *s, const char *status, const char *detail);
/* Adds a sub-row {key, value}; AE_ERR on OOM. */
int ev__step_row(ev__step *s, const char *key, const char *value);
/* Folds a finding into the verdict (first hard verdict wins). */
void ev__verdict_record(ev_verdict *v, int verdict, const char *cls,
			const char *detail, const char *hint);
/* Attaches the registry's HTTP status to the cause just recorded. */
void ev__verdict_http_status(ev_verdict *v, long status);

/* Binds each field of the pointer `p` (NULL: nothing to bind) to the
 * statement: recipe, predicateType, profile and attestedAt against the
 * predicate (a json_t) and its type; each mismatch fails step `s` with a
 * row and an INVALID verdict of class "schema" (verify_claim.c). */
void ev__claim_bind(ev_verdict *v, ev__step *s, const ev_pointer_claim *p,
		    const void *pred, const char *pred_type);

#endif
