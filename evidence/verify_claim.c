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
#include <time.h>

/* Reads `n` decimal digits at s[*i]; false when any is not a digit. */
static bool claim_digits(int *out, const char *s, size_t *i, int n)
{
	int v = 0;

	for (int k = 0; k < n; k++, (*i)++) {
		if (s[*i] < '0' || s[*i] > '9')
			return false;
		v = v * 10 + (s[*i] - '0');
	}
	*out = v;
	return true;
}

/* Parses the optional fraction and the zone of an RFC 3339 time from
 * s[*i]: "Z" or "+HH:MM"/"-HH:MM". Stores the zone's offset east of UTC in
 * seconds. */
static bool claim_zone(long *off_out, const char *s, size_t i)
{
	int oh = 0, om = 0;
	long sign;

	if (s[i] == '.') {
		if (s[++i] < '0' || s[i] > '9')
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++; /* truncated: the reference truncates to seconds */
	}
	*off_out = 0;
	if (s[i] == 'Z')
		return s[i + 1] == '\0';
	if (s[i] != '+' && s[i] != '-')
		return false;
	sign = s[i++] == '-' ? -1 : 1;
	if (!claim_digits(&oh, s, &i, 2) || s[i++] != ':' ||
	    !claim_digits(&om, s, &i, 2) || s[i] != '\0' || oh > 23 || om > 59)
		return false;
	*off_out = sign * (oh * 3600L + om * 60L);
	return true;
}

int ev__time_utc_seconds(char out[EV_TIME_UTC_LEN + 1], const char *s,
			 ae_err *err)
{
	struct tm tm;
	char repr[AE_REPR_BUF];
	char w[64]; /* wide enough for any int, as the compiler sees it */
	size_t i = 0;
	long off = 0;
	time_t t;
	int y, mo, d, h, mi, se;

	out[0] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (s == NULL || !claim_digits(&y, s, &i, 4) || s[i++] != '-' ||
	    !claim_digits(&mo, s, &i, 2) || s[i++] != '-' ||
	    !claim_digits(&d, s, &i, 2) || s[i++] != 'T' ||
	    !claim_digits(&h, s, &i, 2) || s[i++] != ':' ||
	    !claim_digits(&mi, s, &i, 2) || s[i++] != ':' ||
	    !claim_digits(&se, s, &i, 2) || !claim_zone(&off, s, i) || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* timegm normalises 31 February into March: refuse what moved. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		goto bad;
	t -= off;
	/* Written by hand: strftime's %Y does not pad year 1 (Go's zero
	 * time, which the reference writes as 0001-01-01T00:00:00Z). */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		goto bad;
	snprintf(w, sizeof(w), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	if (strlen(w) != EV_TIME_UTC_LEN)
		goto bad;
	memcpy(out, w, EV_TIME_UTC_LEN + 1);
	return 0;
bad:
	out[0] = '\0';
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
