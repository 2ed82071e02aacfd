/* evidence/verify_claim.c -- every field of a pointer bound to what was
 * signed
 *
 * A pointer is a claim about a bundle; only the bundle is signed. Whatever
 * a pointer says that a consumer acts on must therefore equal what the
 * signed statement says, or anyone could commit a victim's signed bundle
 * under a pointer that lies about it (issue 15: a victim's older failing
 * run re-dated `attestedAt: 2099-01-01T00:00:00Z` would speak for the
 * victim forever in an add-only ledger). The pointer fields and what binds
 * each (docs/formats.md has the table):
 *
 *   recipe                 predicate.recipe.name
 *   profile                predicate.profile.selection (absent iff absent)
 *   bundle.predicateType   the statement's predicateType
 *   attestedAt             predicate.attestedAt, in UTC, truncated to whole
 *                          seconds (the reference's writer: BuildPointer)
 *   bundle.digest          the statement's subject (verify.c)
 *   signer.*               the certificate and the Rekor entry (verify.c)
 *
 * bundle.oci is a location, not a claim: the bytes it leads to are pinned
 * by bundle.digest. schemaVersion is the pointer format's own version.
 */
#include "evidence/internal.h"
#include "evidence/verdict.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int ev__time_utc_seconds(char out[EV_TIME_UTC_LEN + 1], const char *s,
			 ae_err *err)
{
	char repr[AE_REPR_BUF];
	char w[AE_TIME_MAX];
	ae_time t;

	out[0] = '\0';
	/* Go's time.Time, as the reference reads attestedAt; in UTC and
	 * truncated to whole seconds, as its BuildPointer writes it. Year
	 * 0001 is Go's zero time, which the reference writes for an unset
	 * one. */
	if (s == NULL ||
	    ae_time_parse_rfc3339(&t, s, strlen(s), AE_TIME_GO, NULL) < 0)
		goto bad;
	t.nsec = 0;
	if (ae_time_format(w, t) < 0 || strlen(w) != EV_TIME_UTC_LEN)
		goto bad;
	memcpy(out, w, EV_TIME_UTC_LEN + 1);
	return 0;
bad:
	return ae_fail(err, AE_EINVAL, "%s is not an RFC 3339 time",
		       s ? ae_repr(repr, sizeof(repr), s, strlen(s)) : "null");
}

int ev_time_utc_seconds(char out[EV_TIME_UTC_LEN + 1], const char *s,
			ae_err *err)
{
	return ev__time_utc_seconds(out, s, err);
}

/* Records one field the pointer claims differently from the statement. */
static void claim_mismatch(ev_verdict *v, ev__step *s, const char *field,
			   const char *claimed, const char *why)
{
	ev__step_status(s, "failed", why);
	ev__step_row(s, field, claimed ? claimed : "(absent)");
	ev__verdict_record(v, EV_VERDICT_INVALID, "schema", why, NULL);
}

/* profile: the pointer's `name=value` is the predicate's selection; a
 * pointer without one binds to a predicate without a profile block. */
static void claim_profile(ev_verdict *v, ev__step *s, const ev_pointer_claim *p,
			  const json_t *pred)
{
	const json_t *prof = json_object_get(pred, "profile");
	const char *sel = json_string_value(json_object_get(prof, "selection"));

	if (prof == NULL || json_is_null(prof)) {
		if (p->profile != NULL)
			claim_mismatch(v, s, "profile", p->profile,
				       "pointer profile is not in the signed "
				       "predicate");
		return;
	}
	if (p->profile == NULL || sel == NULL || strcmp(p->profile, sel) != 0)
		claim_mismatch(v, s, "profile", p->profile,
			       "pointer profile differs from the signed "
			       "predicate's selection");
}

/* attestedAt: the predicate's, normalised as the reference's writer does
 * (UTC, whole seconds). A predicate without one cannot vouch for it. */
static void claim_attested_at(ev_verdict *v, ev__step *s,
			      const ev_pointer_claim *p, const json_t *pred)
{
	const char *at = json_string_value(json_object_get(pred, "attestedAt"));
	char norm[EV_TIME_UTC_LEN + 1];

	if (p->attested_at == NULL)
		return;
	if (at == NULL || ev__time_utc_seconds(norm, at, NULL) < 0) {
		claim_mismatch(v, s, "attestedAt", p->attested_at,
			       "the signed predicate has no valid attestedAt "
			       "to bind the pointer's");
		return;
	}
	if (strcmp(norm, p->attested_at) != 0)
		claim_mismatch(v, s, "attestedAt", p->attested_at,
			       "pointer attestedAt differs from the signed "
			       "predicate");
}

void ev__claim_bind(ev_verdict *v, ev__step *s, const ev_pointer_claim *p,
		    const void *pred_json, const char *pred_type)
{
	const json_t *pred = pred_json;
	const char *name;

	name = json_string_value(
		json_object_get(json_object_get(pred, "recipe"), "name"));
	if (p == NULL)
		return;
	if (p->recipe != NULL && (name == NULL || strcmp(p->recipe, name)))
		claim_mismatch(v, s, "recipe", p->recipe,
			       "pointer recipe differs from the predicate");
	if (p->predicate_type != NULL &&
	    (pred_type == NULL || strcmp(p->predicate_type, pred_type) != 0))
		claim_mismatch(v, s, "predicateType", p->predicate_type,
			       "pointer predicateType differs");
	claim_profile(v, s, p, pred);
	claim_attested_at(v, s, p, pred);
}
