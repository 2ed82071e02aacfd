/* evidence/sigstore/trust_urls.c -- which services a trusted root lists
 *
 * The signer asks, before it sends anything, whether the trusted root its
 * self-check will use lists the Fulcio, Rekor and TSA it is about to call
 * (evidence/signer/preflight.c). Only URLs are known then: a certificate
 * authority's or timestamp authority's `uri`, a tlog's `baseUrl`. URLs
 * are compared with the scheme and host lowercased, a default port (:443,
 * :80) and trailing slashes dropped.
 */
#include "evidence/sigstore/internal.h"

#include <ctype.h>
#include <string.h>

/* Longest URL compared; a longer one never matches. */
#define PREFLIGHT_URL_MAX 1024

/* Removes the default `port` of `scheme` ending the host part (which ends
 * at *host_end) of the NUL-terminated url. */
static void trust_url_drop_port(char *url, size_t *len, size_t host_end,
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
static bool trust_url_norm(char *out, size_t n, const char *url)
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
	trust_url_drop_port(out, &len, host_end, "https://", ":443");
	trust_url_drop_port(out, &len, host_end, "http://", ":80");
	while (len > 0 && out[len - 1] == '/')
		len--;
	out[len] = '\0';
	return true;
}

static bool trust_url_same(const char *a, const char *b)
{
	char na[PREFLIGHT_URL_MAX], nb[PREFLIGHT_URL_MAX];

	return a != NULL && b != NULL && trust_url_norm(na, sizeof(na), a) &&
	       trust_url_norm(nb, sizeof(nb), b) && strcmp(na, nb) == 0;
}

static bool trust_url_valid(const ev__window *w, int64_t now)
{
	return w->start <= now && (!w->has_end || now <= w->end);
}

static bool trust_url_has_ca(const ev__ca *cas, size_t n, const char *url,
			     int64_t now)
{
	for (size_t i = 0; i < n; i++)
		if (trust_url_same(cas[i].uri, url) &&
		    trust_url_valid(&cas[i].valid, now))
			return true;
	return false;
}

bool ev_trust_lists(const ev_trust *trust, ev_trust_service kind,
		    const char *url, int64_t now)
{
	if (trust == NULL || url == NULL)
		return false;
	if (kind == EV_TRUST_CA)
		return trust_url_has_ca(trust->cas, trust->ncas, url, now);
	if (kind == EV_TRUST_TSA)
		return trust_url_has_ca(trust->tsas, trust->ntsas, url, now);
	for (size_t i = 0; i < trust->ntlogs; i++)
		if (trust_url_same(trust->tlogs[i].base_url, url) &&
		    trust_url_valid(&trust->tlogs[i].valid, now))
			return true;
	return false;
}
