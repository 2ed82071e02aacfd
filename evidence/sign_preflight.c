/* evidence/sign_preflight.c -- the trusted root must cover the services
 * before anything is sent
 *
 * Signing publishes: Fulcio logs the certificate (with the identity) to
 * CT, Rekor logs the entry. The self-check after signing verifies the new
 * bundle against the trusted root, so a private signing config without a
 * trusted root that lists its CA, log and TSA used to fail only after the
 * identity was public, with nothing to show for it. So the services
 * selected (from --signing-config, the flags or the defaults) are
 * compared with the trusted root the self-check will use before the first
 * request: the Fulcio URL must be the `uri` of a certificate authority,
 * each Rekor URL the `baseUrl` of a tlog, each TSA URL the `uri` of a
 * timestamp authority, each valid at `now`. URLs are compared with the
 * scheme and host lowercased, a default port (:443, :80) and trailing
 * slashes dropped. The keys cannot be compared: they are only known once
 * the services have answered.
 */
#include "evidence/internal.h"

#include <ctype.h>
#include <string.h>

/* Longest URL compared; a longer one never matches. */
#define PREFLIGHT_URL_MAX 1024

/* Removes the default `port` of `scheme` ending the host part (which ends
 * at *host_end) of the NUL-terminated url. */
static void preflight_drop_port(char *url, size_t *len, size_t host_end,
				const char *scheme, const char *port)
{
	size_t pn = strlen(port);

	if (strncmp(url, scheme, strlen(scheme)) != 0 || host_end < pn ||
	    memcmp(url + host_end - pn, port, pn) != 0)
		return;
	memmove(url + host_end - pn, url + host_end, *len - host_end + 1);
	*len -= pn;
}

/* Lowercases scheme://host, drops a default port and drops trailing '/' into
 * out; false when it does not fit. */
static bool preflight_norm(char *out, size_t n, const char *url)
{
	const char *p = strstr(url, "://");
	size_t len = strlen(url), host_end;

	if (len >= n)
		return false;
	host_end = p ? (size_t)(p - url) + 3 : 0;
	host_end += strcspn(url + host_end, "/");
	for (size_t i = 0; i < len; i++)
		out[i] = i < host_end ? (char)tolower((unsigned char)url[i])
				      : url[i];
	out[len] = '\0';
	preflight_drop_port(out, &len, host_end, "https://", ":443");
	preflight_drop_port(out, &len, host_end, "http://", ":80");
	while (len > 0 && out[len - 1] == '/')
		len--;
	out[len] = '\0';
	return true;
}

static bool preflight_same(const char *a, const char *b)
{
	char na[PREFLIGHT_URL_MAX], nb[PREFLIGHT_URL_MAX];

	return a != NULL && b != NULL && preflight_norm(na, sizeof(na), a) &&
	       preflight_norm(nb, sizeof(nb), b) && strcmp(na, nb) == 0;
}

static bool preflight_valid(const ev__window *w, int64_t now)
{
	return w->start <= now && (!w->has_end || now <= w->end);
}

static bool preflight_has_ca(const ev__ca *cas, size_t n, const char *url,
			     int64_t now)
{
	for (size_t i = 0; i < n; i++)
		if (preflight_same(cas[i].uri, url) &&
		    preflight_valid(&cas[i].valid, now))
			return true;
	return false;
}

int ev__sign_preflight(const ev_sign_services *svc, const ev_trust *trust,
		       int64_t now, ae_err *err)
{
	const char *hint = "pass the --trusted-root that lists it (the one "
			   "published with the signing config); nothing was "
			   "sent";
	char r[AE_REPR_BUF];

	if (!preflight_has_ca(trust->cas, trust->ncas, svc->fulcio_url, now))
		return ae_fail(err, AE_EVERIFY,
			       "the trusted root has no certificate authority "
			       "for fulcio %s valid now: %s",
			       ae_repr(r, sizeof(r), svc->fulcio_url,
				       strlen(svc->fulcio_url)),
			       hint);
	for (size_t i = 0; i < svc->nrekor; i++) {
		bool found = false;
		for (size_t j = 0; j < trust->ntlogs && !found; j++)
			found = preflight_same(trust->tlogs[j].base_url,
					       svc->rekor_url[i]) &&
				preflight_valid(&trust->tlogs[j].valid, now);
		if (!found)
			return ae_fail(err, AE_EVERIFY,
				       "the trusted root has no transparency "
				       "log %s valid now: %s",
				       ae_repr(r, sizeof(r), svc->rekor_url[i],
					       strlen(svc->rekor_url[i])),
				       hint);
	}
	for (size_t i = 0; i < svc->ntsa; i++)
		if (!preflight_has_ca(trust->tsas, trust->ntsas,
				      svc->tsa_url[i], now))
			return ae_fail(err, AE_EVERIFY,
				       "the trusted root has no timestamp "
				       "authority %s valid now: %s",
				       ae_repr(r, sizeof(r), svc->tsa_url[i],
					       strlen(svc->tsa_url[i])),
				       hint);
	return 0;
}
