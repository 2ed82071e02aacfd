/* evidence/sigstore/time.c -- validity windows and ASN.1 times as Unix seconds
 *
 * Every Sigstore time check compares seconds since the epoch (UTC): the
 * trusted root's validFor windows (sigstore.md §2.1), certificate validity at
 * a verified time (§4) and the RFC 3161 genTime (§7.4). This file turns
 * OpenSSL's ASN1_TIME into that scale without consulting the local time zone
 * or the clock.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <time.h>

bool ev__window_contains(const ev__window *w, int64_t t)
{
	/* Both ends inclusive (trust-root-*-validity-end-inclusive). */
	if (t < w->start)
		return false;
	return !w->has_end || t <= w->end;
}

int ev__asn1_time_to_unix(int64_t *out, const ASN1_TIME *t, ae_err *err)
{
	struct tm tm = {0};
	int64_t days;

	*out = 0;
	/* ASN1_TIME_to_tm(NULL) would mean "now": never let a missing time
	 * become the current time. */
	if (t == NULL)
		return ae_fail(err, AE_EINVAL, "time is missing");
	/* OpenSSL validates the syntax here: UTCTime, or GeneralizedTime with
	 * a fraction of one or more digits (or none) and Z or an offset, which
	 * it folds into tm. */
	if (ASN1_TIME_to_tm(t, &tm) != 1) {
		ERR_clear_error();
		return ae_fail(err, AE_EINVAL,
			       "time is not a valid ASN.1 time");
	}
	days = ae_days_from_civil((int64_t)tm.tm_year + 1900,
				  (int64_t)tm.tm_mon + 1, tm.tm_mday);
	*out = days * 86400 + (int64_t)tm.tm_hour * 3600 +
	       (int64_t)tm.tm_min * 60 + tm.tm_sec;
	return 0;
}

int ev__x509_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
	int64_t end = 0;

	if (ok || X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_HAS_EXPIRED)
		return ok;
	/* Only for an explicit check time: "now" is never used here. */
	if (cert == NULL ||
	    !(X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_USE_CHECK_TIME))
		return ok;
	if (ev__asn1_time_to_unix(&end, X509_get0_notAfter(cert), NULL) < 0 ||
	    end != (int64_t)X509_VERIFY_PARAM_get_time(param))
		return ok;
	X509_STORE_CTX_set_error(ctx, X509_V_OK);
	return 1;
}
