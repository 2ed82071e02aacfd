/* evidence/signer/preflight.c -- the trusted root must cover the services
 * before anything is sent
 *
 * Signing publishes: Fulcio logs the certificate (with the identity) to
 * CT, Rekor logs the entry. The self-check after signing verifies the new
 * bundle against the trusted root, so a private signing config without a
 * trusted root that lists its CA, log and TSA used to fail only after the
 * identity was public, with nothing to show for it. So the services
 * a signing config selected (a URL given by --fulcio-url, --rekor-url or
 * --tsa-url is the operator's choice, a gateway or a mirror) are compared with
 * the trusted root the self-check will use before the first request
 * (ev_trust_lists: by URL, valid now). The keys cannot be compared: they are
 * only known once the services have answered.
 */
#include "evidence/signer/internal.h"

#include <string.h>

int ev__sign_preflight(const ev_sign_services *svc, const ev_trust *trust,
		       int64_t now, ae_err *err)
{
	const char *hint = "pass the --trusted-root that lists it (the one "
			   "published with the signing config); nothing was "
			   "sent";
	char r[AE_REPR_BUF];

	if (svc->fulcio_url != NULL &&
	    !ev_trust_lists(trust, EV_TRUST_CA, svc->fulcio_url, now))
		return ae_fail(err, AE_EVERIFY,
			       "the trusted root has no certificate authority "
			       "for fulcio %s valid now: %s",
			       ae_repr(r, sizeof(r), svc->fulcio_url,
				       strlen(svc->fulcio_url)),
			       hint);
	for (size_t i = 0; i < svc->nrekor; i++)
		if (!ev_trust_lists(trust, EV_TRUST_TLOG, svc->rekor_url[i],
				    now))
			return ae_fail(err, AE_EVERIFY,
				       "the trusted root has no transparency "
				       "log %s valid now: %s",
				       ae_repr(r, sizeof(r), svc->rekor_url[i],
					       strlen(svc->rekor_url[i])),
				       hint);
	for (size_t i = 0; i < svc->ntsa; i++)
		if (!ev_trust_lists(trust, EV_TRUST_TSA, svc->tsa_url[i], now))
			return ae_fail(err, AE_EVERIFY,
				       "the trusted root has no timestamp "
				       "authority %s valid now: %s",
				       ae_repr(r, sizeof(r), svc->tsa_url[i],
					       strlen(svc->tsa_url[i])),
				       hint);
	return 0;
}
