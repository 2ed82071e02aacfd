/* evidence/tuf/fetch.c -- the one HTTP GET of the TUF client
 *
 * Everything the client downloads goes through tuf__http_get, so moving
 * it onto another HTTP layer is one function. It follows the URL policy
 * and deadlines of evidence/core/http.h (https; plain http to loopback
 * only; no proxy for loopback; no redirect followed; a stall or a
 * dripping server cut by the per-request and overall limits) and curl's
 * habits for retries (STYLE §3.8): transport faults and 408/429/5xx are
 * retried a few times with doubling backoff inside the deadline, every
 * other status is an answer. The body is counted against the caller's cap
 * while it streams (a Content-Length can lie or be absent) and with
 * CURLOPT_MAXFILESIZE: no endless data (spec §1.5.2).
 */
#include "evidence/core/http.h"
#include "evidence/tuf/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FETCH_ATTEMPTS	 3
#define FETCH_BACKOFF_MS 500

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The body so far and whether it went past the cap. */
typedef struct fetch_body {
	ae_buf *buf;
	bool too_big;
} fetch_body;

static size_t fetch_write(char *ptr, size_t size, size_t nmemb, void *userp)
{
	fetch_body *b = userp;
	size_t n = size * nmemb;

	if (ae_buf_put(b->buf, ptr, n, NULL) < 0) {
		b->too_big = true;
		return 0;
	}
	return n;
}

int tuf__url_check(const char *url, ae_err *err)
{
	ae_url u;

	return ae_url_check(&u, url, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			    "TUF repository URL", err);
}

/* One attempt: status into *status on CURLE_OK. */
static CURLcode fetch_once_(long *status, fetch_body *body, const ae_url *u,
			    size_t cap, ae_deadline d, const char *ca_file,
			    char errbuf[CURL_ERROR_SIZE], ae_err *err)
{
	CURL *h = curl_easy_init();
	CURLcode cc;

	*status = 0;
	errbuf[0] = '\0';
	if (h == NULL) {
		ae_fail(err, AE_ERR, "libcurl is not available");
		return CURLE_FAILED_INIT;
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (ae_http_target(h, u, d, cap, err) < 0) {
		curl_easy_cleanup(h);
		return CURLE_FAILED_INIT;
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "aicr-evidence");
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	if (ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	return cc;
}

static bool fetch_status_transient(long s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 ||
	       s == 504;
}

static void fetch_sleep(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The outcome of the last attempt as a code and message. */
static int fetch_outcome(CURLcode cc, long status, const fetch_body *body,
			 const ae_url *u, const char *path, size_t cap,
			 const char *errbuf, int attempts, ae_err *err)
{
	/* our own construct: a version, a role name that is a plain path
	 * element (meta.c) or a target name we asked for */
	const char *p = path;

	if (body->too_big || cc == CURLE_FILESIZE_EXCEEDED)
		return ae_fail(err, AE_ETOOBIG,
			       "%s: the repository sent more than %zu bytes", p,
			       cap);
	if (cc != CURLE_OK)
		return ae_http_fail(err, cc, errbuf, "TUF repository", u->host);
	switch (status) {
	case 200:
		return 0;
	case 403:
	case 404:
		return ae_fail(err, AE_ENOTFOUND, "%s: not in the repository",
			       p);
	default:
		if (fetch_status_transient(status))
			return ae_fail(err, AE_ETRANSIENT,
				       "%s: the repository at %s answered "
				       "HTTP %ld after %d attempts",
				       p, u->host, status, attempts);
		return ae_fail(err, AE_EINVAL,
			       "%s: unexpected HTTP %ld from %s", p, status,
			       u->host);
	}
}

int tuf__http_get(ae_buf *out, const char *base, const char *path, size_t cap,
		  ae_deadline deadline, const char *ca_file, ae_err *err)
{
	char url[AE_URL_MAX], errbuf[CURL_ERROR_SIZE];
	size_t bl = strlen(base);
	fetch_body body = {out, false};
	int64_t backoff = FETCH_BACKOFF_MS;
	CURLcode cc = CURLE_OK;
	long status = 0;
	ae_url u;
	int attempt, rc;

	ae_buf_init(out, cap);
	if (snprintf(url, sizeof(url), "%.*s/%s",
		     (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base,
		     path) >= (int)sizeof(url))
		return ae_fail(err, AE_ETOOBIG, "TUF URL too long");
	rc = ae_url_check(&u, url, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			  "TUF repository URL", err);
	if (rc < 0)
		return rc;
	pthread_once(&fetch_once, fetch_global_init);
	for (attempt = 1;; attempt++) {
		ae_buf_dispose(out);
		ae_buf_init(out, cap);
		body.too_big = false;
		cc = fetch_once_(&status, &body, &u, cap, deadline, ca_file,
				 errbuf, err);
		if (cc == CURLE_FAILED_INIT)
			return err && err->code ? err->code : AE_ERR;
		if (body.too_big || attempt == FETCH_ATTEMPTS)
			break;
		if (cc == CURLE_OK ? !fetch_status_transient(status)
				   : !ae_http_fault_transient(
					     ae_http_fault_of(cc, errbuf)))
			break;
		if (ae_deadline_left_ms(deadline) <= backoff)
			break;
		fetch_sleep(backoff);
		backoff *= 2;
	}
	rc = fetch_outcome(cc, status, &body, &u, path, cap, errbuf, attempt,
			   err);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
