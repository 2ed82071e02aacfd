/* evidence/core/http.c -- the URL policy, deadlines and libcurl failure
 * reading every HTTP client of the tool shares (contract in http.h)
 *
 * Every URL is parsed by libcurl's URL API, the parser libcurl then uses
 * for the request, and judged on what that parse found: the real host,
 * the real scheme, any userinfo. The normalised URL libcurl prints back is
 * what the request is made with, so the text judged and the text sent
 * cannot differ.
 */
#include "evidence/core/http.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

/* ---- URLs ---- */

bool ae_host_is_loopback(const char *host)
{
	static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (strncasecmp(host, names[i], n) == 0 &&
		    (host[n] == '\0' || host[n] == ':'))
			return true;
	}
	return false;
}

/* The metadata server of a cloud VM: a link-local address (RFC 3927,
 * never routed off the host's link) and the name Google's images resolve
 * to it. Exactly these. */
static bool url_host_is_metadata(const char *host)
{
	return strcmp(host, "metadata.google.internal") == 0 ||
	       strcmp(host, "169.254.169.254") == 0;
}

/* True iff every byte is printable ASCII (no space: curl would refuse it
 * anyway, and a URL with one was never meant for us). */
static bool url_text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

/* Copies and lower-cases a host; false when it holds anything but a DNS
 * name's letters, digits, '.', '-', '_' or a bracketed IPv6 address (no
 * percent-encoding, no IDN, no zone). */
static bool url_host_take(char out[AE_URL_HOST_MAX], const char *host)
{
	size_t n = strlen(host);
	bool v6 = n > 2 && host[0] == '[' && host[n - 1] == ']';

	if (n == 0 || n >= AE_URL_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)host[i];
		bool ok = isalnum(ch) || ch == '.' || ch == '-' || ch == '_';

		if (v6)
			ok = isxdigit(ch) || ch == ':' || ch == '.' ||
			     ((i == 0 || i == n - 1) &&
			      (ch == '[' || ch == ']'));
		if (!ok)
			return false;
		out[i] = (char)tolower(ch);
	}
	out[n] = '\0';
	return true;
}

/* True iff `part` is present in the parsed URL. */
static bool url_has(CURLU *h, CURLUPart part)
{
	char *v = NULL;
	CURLUcode uc = curl_url_get(h, part, &v, 0);

	curl_free(v);
	return uc == CURLUE_OK;
}

/* Fills `out` from a parsed handle: scheme, host, port, normalised URL. */
static int url_describe(ae_url *out, CURLU *h, const char *what, ae_err *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *full = NULL;
	unsigned long p = 0;
	int rc = 0;

	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		rc = ae_fail(err, AE_EINVAL, "%s has no host", what);
		goto done;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		rc = ae_fail(err, AE_EINVAL, "%s is not http or https", what);
		goto done;
	}
	if (!url_host_take(out->host, host)) {
		rc = ae_fail(err, AE_EINVAL,
			     "%s host is not a plain ASCII name or address",
			     what);
		goto done;
	}
	for (const char *q = port; *q >= '0' && *q <= '9' && p < 65536; q++)
		p = p * 10 + (unsigned long)(*q - '0');
	if (strlen(full) >= sizeof(out->url) || p == 0 || p > 65535) {
		rc = ae_fail(err,
			     strlen(full) >= sizeof(out->url) ? AE_ETOOBIG
							      : AE_EINVAL,
			     "%s is too long or has a bad port", what);
		goto done;
	}
	snprintf(out->url, sizeof(out->url), "%s", full);
	out->port = (unsigned)p;
	out->https = strcmp(scheme, "https") == 0;
	out->loopback = ae_host_is_loopback(out->host);
	out->metadata = url_host_is_metadata(out->host);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(full);
	return rc;
}

/* Parses `url` (relative to `base` when given) into `out`. */
static int url_parse(ae_url *out, const char *url, const ae_url *base,
		     const char *what, ae_err *err)
{
	CURLU *h = NULL;
	int rc = 0;

	if (url == NULL || strlen(url) >= AE_URL_MAX)
		return ae_fail(err, AE_ETOOBIG, "%s is missing or too long",
			       what);
	if (!url_text_ok(url))
		return ae_fail(err, AE_EINVAL,
			       "%s holds a space, control or non-ASCII byte",
			       what);
	h = curl_url();
	if (h == NULL)
		return ae_fail(err, AE_ERR, "libcurl URL API unavailable");
	if ((base != NULL &&
	     curl_url_set(h, CURLUPART_URL, base->url, 0) != CURLUE_OK) ||
	    curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK) {
		rc = ae_fail(err, AE_EINVAL, "%s is not a URL libcurl accepts",
			     what);
		goto done;
	}
	/* user:password@, ;options and %zone: none of ours has them, and
	 * text before '@' is what fooled the old prefix test */
	if (url_has(h, CURLUPART_USER) || url_has(h, CURLUPART_PASSWORD) ||
	    url_has(h, CURLUPART_OPTIONS)) {
		rc = ae_fail(err, AE_EINVAL,
			     "%s carries userinfo (user@host): refused", what);
		goto done;
	}
	if (url_has(h, CURLUPART_ZONEID)) {
		rc = ae_fail(err, AE_EINVAL, "%s names an IPv6 zone", what);
		goto done;
	}
	rc = url_describe(out, h, what, err);
done:
	curl_url_cleanup(h);
	return rc;
}

/* The policy of http.h on a parsed URL. */
static int url_judge(const ae_url *u, const ae_url *origin, unsigned flags,
		     const char *what, ae_err *err)
{
	if (u->https)
		return 0;
	if ((flags & AE_URL_PLAIN_METADATA) && u->metadata)
		return 0;
	if (!(flags & AE_URL_PLAIN_LOOPBACK))
		return ae_fail(err, AE_EINVAL,
			       "%s %s is plain http: https only", what,
			       u->host);
	if (!u->loopback)
		return ae_fail(err, AE_EINVAL,
			       "%s %s is plain http to a host that is not "
			       "loopback (127.0.0.1, localhost, ::1)",
			       what, u->host);
	if ((flags & AE_URL_SECRET) && origin != NULL && origin->https)
		return ae_fail(err, AE_EINVAL,
			       "%s %s is plain http: credentials for an https "
			       "registry never go over plain http",
			       what, u->host);
	return 0;
}

int ae_url_check(ae_url *out, const char *url, const ae_url *base,
		 const ae_url *origin, unsigned flags, const char *what,
		 ae_err *err)
{
	ae_url u;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	rc = url_parse(&u, url, base, what, err);
	if (rc == 0)
		rc = url_judge(&u, origin, flags, what, err);
	if (rc == 0)
		*out = u;
	return rc;
}

bool ae_url_same_origin(const ae_url *a, const ae_url *b)
{
	return a->https == b->https && a->port == b->port &&
	       strcmp(a->host, b->host) == 0;
}

/* ---- deadlines ---- */

int64_t ae_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ae_deadline ae_deadline_in(uint64_t ms)
{
	ae_deadline d = AE_DEADLINE_NONE;

	if (ms > 0)
		d.at_ms =
			ae_clock_ms() + (int64_t)(ms > INT32_MAX * 1000ull
							  ? INT32_MAX * 1000ull
							  : ms);
	return d;
}

ae_deadline ae_deadline_min(ae_deadline a, ae_deadline b)
{
	if (a.at_ms == 0)
		return b;
	if (b.at_ms == 0)
		return a;
	return a.at_ms < b.at_ms ? a : b;
}

int64_t ae_deadline_left_ms(ae_deadline d)
{
	int64_t left;

	if (d.at_ms == 0)
		return INT64_MAX;
	left = d.at_ms - ae_clock_ms();
	return left > 0 ? left : 0;
}

/* ---- one request ---- */

int64_t ae_http_request_ms(uint64_t expected)
{
	uint64_t extra = expected / AE_HTTP_MIN_RATE * 1000;

	if (extra > (uint64_t)INT32_MAX * 1000)
		extra = (uint64_t)INT32_MAX * 1000;
	return AE_HTTP_BASE_MS + (int64_t)extra;
}

int ae_http_target(CURL *h, const ae_url *u, ae_deadline d, uint64_t expected,
		   ae_err *err)
{
	const char *proto = u->https ? "https" : "http";
	int64_t limit = ae_http_request_ms(expected);
	int64_t left = ae_deadline_left_ms(d);
	CURLcode cc = CURLE_OK;

	if (left == 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "deadline passed before "
			       "the request to %s",
			       u->host);
	if (left < limit)
		limit = left;
	cc |= curl_easy_setopt(h, CURLOPT_URL, u->url);
	cc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, proto);
	cc |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, proto);
	cc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cc |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, 0L);
	/* "" disables every proxy, environment included (CURLOPT_PROXY):
	 * loopback traffic, plain or not, stays on this machine */
	if (u->loopback || u->metadata)
		cc |= curl_easy_setopt(h, CURLOPT_PROXY, "");
	cc |= curl_easy_setopt(
		h, CURLOPT_CONNECTTIMEOUT_MS,
		(long)(left < AE_HTTP_CONNECT_MS ? left : AE_HTTP_CONNECT_MS));
	cc |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			       (long)(limit > LONG_MAX ? LONG_MAX : limit));
	cc |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cc |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
			       (long)AE_HTTP_STALL_SECONDS);
	if (cc != CURLE_OK)
		return ae_fail(err, AE_ERR, "curl option refused");
	return 0;
}

ae_http_fault ae_http_fault_of(CURLcode cc, const char *errbuf)
{
	const char *e = errbuf ? errbuf : "";

	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return AE_HTTP_FAULT_DNS;
	case CURLE_COULDNT_CONNECT:
		return AE_HTTP_FAULT_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return AE_HTTP_FAULT_TIMEOUT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SEND_FAIL_REWIND:
		return AE_HTTP_FAULT_RESET;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return AE_HTTP_FAULT_CERT;
	case CURLE_SSL_CONNECT_ERROR:
		/* OpenSSL's words for a TLS record that is really an HTTP
		 * answer ("HTTP/1.1 400" read as a record header) */
		if (strstr(e, "wrong version number") != NULL ||
		    strstr(e, "packet length too long") != NULL ||
		    strstr(e, "record layer failure") != NULL ||
		    strstr(e, "http request") != NULL)
			return AE_HTTP_FAULT_PLAIN;
		if (strstr(e, "certificate") != NULL)
			return AE_HTTP_FAULT_CERT;
		return AE_HTTP_FAULT_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return AE_HTTP_FAULT_TOO_LARGE;
	default:
		return AE_HTTP_FAULT_OTHER;
	}
}

bool ae_http_fault_transient(ae_http_fault f)
{
	return f == AE_HTTP_FAULT_DNS || f == AE_HTTP_FAULT_REFUSED ||
	       f == AE_HTTP_FAULT_RESET || f == AE_HTTP_FAULT_TIMEOUT;
}

int ae_http_fail(ae_err *err, CURLcode cc, const char *errbuf, const char *who,
		 const char *host)
{
	const char *why = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(cc);
	ae_http_fault f = ae_http_fault_of(cc, errbuf);
	int code = ae_http_fault_transient(f) ? AE_ETRANSIENT : AE_EINVAL;

	switch (f) {
	case AE_HTTP_FAULT_DNS:
		return ae_fail(err, code, "cannot resolve the %s host %s (%s)",
			       who, host, why);
	case AE_HTTP_FAULT_REFUSED:
		return ae_fail(err, code, "cannot connect to the %s at %s (%s)",
			       who, host, why);
	case AE_HTTP_FAULT_RESET:
		return ae_fail(err, code,
			       "connection to the %s at %s broke (%s)", who,
			       host, why);
	case AE_HTTP_FAULT_TIMEOUT:
		return ae_fail(err, code, "the %s at %s timed out (%s)", who,
			       host, why);
	case AE_HTTP_FAULT_PLAIN:
		return ae_fail(err, code,
			       "the %s at %s answered plain HTTP to TLS (%s)",
			       who, host, why);
	case AE_HTTP_FAULT_CERT:
		return ae_fail(err, code,
			       "the TLS certificate of the %s at %s is not "
			       "trusted (%s)",
			       who, host, why);
	default:
		return ae_fail(err, code, "%s at %s: %s", who, host, why);
	}
}

/* ---- what may be tried again ---- */

bool ae_http_status_transient(long status)
{
	switch (status) {
	case 408:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		return true;
	default:
		return false;
	}
}

/* 408 and 429 say the server did not act on the request. */
static bool http_status_not_taken(long status)
{
	return status == 408 || status == 429;
}

bool ae_http_may_retry(ae_http_kind kind, bool secret, const ae_http_try *t)
{
	if (kind == AE_HTTP_NO_RETRY)
		return false;
	if (t->cc == CURLE_OK) {
		if (kind == AE_HTTP_ONCE)
			return http_status_not_taken(t->status);
		return ae_http_status_transient(t->status);
	}
	if (!ae_http_fault_transient(ae_http_fault_of(t->cc, t->errbuf)))
		return false;
	if (!t->sent)
		return true;
	return kind == AE_HTTP_IDEMPOTENT && !secret;
}

/* ---- one backoff ---- */

uint64_t ae_http_backoff_ms(unsigned attempt, unsigned base_ms,
			    int64_t retry_after_ms)
{
	unsigned char rnd[2] = {0, 0};
	unsigned shift = attempt > 1 ? attempt - 1 : 0;
	uint64_t wait;

	if (retry_after_ms >= 0)
		return (uint64_t)retry_after_ms;
	if (shift > 16)
		shift = 16;
	wait = (uint64_t)base_ms << shift;
	if (wait > AE_HTTP_BACKOFF_CAP_MS)
		wait = AE_HTTP_BACKOFF_CAP_MS;
	/* +-25 % jitter so clients do not retry in lockstep */
	RAND_bytes(rnd, sizeof(rnd));
	return wait * 3 / 4 +
	       (wait / 2) * (uint64_t)((rnd[0] << 8) | rnd[1]) / 65535;
}

void ae_http_sleep_ms(uint64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- redirects ---- */

int ae_http_redirect(ae_url *next, const ae_url *from, const char *location,
		     unsigned *hops, const ae_url *origin, unsigned flags,
		     ae_err *err)
{
	memset(next, 0, sizeof(*next));
	if (location == NULL || location[0] == '\0')
		return ae_fail(err, AE_EINVAL, "a redirect without Location");
	if (++*hops > AE_HTTP_MAX_REDIRS)
		return ae_fail(err, AE_EINVAL,
			       "more than %d redirects: refused",
			       AE_HTTP_MAX_REDIRS);
	return ae_url_check(next, location, from, origin, flags,
			    "redirect target", err);
}
