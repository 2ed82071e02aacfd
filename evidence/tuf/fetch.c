/* evidence/tuf/fetch.c -- the one HTTP GET of the TUF client
 *
 * Everything the client downloads goes through tuf__http_get, on the one
 * HTTP engine (evidence/core/http.h): its URL policy (https; plain http to
 * loopback only; no proxy for loopback; no redirect followed), its
 * deadlines (a stall or a dripping server cut by the per-request and
 * overall limits) and its table of retries (transport faults and
 * 408/429/5xx tried again a few times with one backoff inside the
 * deadline; every other status is an answer). The body is counted against
 * the caller's cap while it streams (a Content-Length can lie or be
 * absent) and with CURLOPT_MAXFILESIZE: no endless data (spec §1.5.2).
 *
 * A path is requested with each of its segments percent-encoded (every
 * byte but RFC 3986's unreserved A-Z a-z 0-9 - . _ ~, as python-tuf's
 * quote(name, "") does; tuf-js's encodeURIComponent also leaves !*'()
 * as they are, which a server decodes to the same name): a role or target
 * named "a?b", "a#b" or "50%" is the file of that name, never a query, a
 * fragment or an escape the server decodes into another name.
 */
#include "evidence/core/http.h"
#include "evidence/tuf/internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FETCH_ATTEMPTS	 3
#define FETCH_BACKOFF_MS 500

int tuf__url_check(const char *url, ae_err *err)
{
	ae_url u;

	return ae_url_check(&u, url, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			    "TUF repository URL", err);
}

/* Appends `path` to `url` (n bytes used of cap) with every byte of each
 * segment but the unreserved ones as %XX; '/' stays the separator.
 * False when it does not fit. */
static bool fetch_put_path(char *url, size_t n, size_t cap, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		bool plain = (*p >= 'A' && *p <= 'Z') ||
			     (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' ||
			     *p == '.' || *p == '_' || *p == '~' || *p == '/';

		if (n + (plain ? 1 : 3) >= cap)
			return false;
		if (plain) {
			url[n++] = (char)*p;
		} else {
			url[n++] = '%';
			url[n++] = hex[*p >> 4];
			url[n++] = hex[*p & 15];
		}
	}
	url[n] = '\0';
	return true;
}

int tuf__http_get(ae_buf *out, const char *base, const char *path, size_t cap,
		  ae_deadline deadline, const char *ca_file, ae_err *err)
{
	char url[AE_URL_MAX];
	size_t bl = strlen(base);
	int n;
	ae_http_tls tls = {ca_file, false};
	ae_http_request rq;
	ae_http_answer a;
	ae_url u;
	int rc;

	ae_buf_init(out, cap);
	n = snprintf(url, sizeof(url), "%.*s/",
		     (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base);
	if (n < 0 || n >= (int)sizeof(url) ||
	    !fetch_put_path(url, (size_t)n, sizeof(url), path))
		return ae_fail(err, AE_ETOOBIG, "TUF URL too long");
	rc = ae_url_check(&u, url, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			  "TUF repository URL", err);
	if (rc < 0)
		return rc;
	memset(&rq, 0, sizeof(rq));
	rq.who = "TUF repository";
	rq.url = &u;
	rq.kind = AE_HTTP_IDEMPOTENT;
	rq.resp_max = cap;
	rq.expected = cap; /* a large target gets the time its size needs */
	rq.deadline = deadline;
	rq.tls = &tls;
	rq.attempts = FETCH_ATTEMPTS;
	rq.backoff_ms = FETCH_BACKOFF_MS;
	rc = ae_http_exchange(&a, &rq, err);
	/* our own construct in messages: a version, a role name that is a
	 * plain path element (meta.c) or a target name we asked for */
	if (rc == AE_ETOOBIG) {
		ae_err_clear(err);
		rc = ae_fail(err, AE_ETOOBIG,
			     "%s: the repository sent more than %zu bytes",
			     path, cap);
	} else if (rc == 0 && a.status == 200) {
		ae_buf_dispose(out);
		*out = a.body;
		return 0;
	} else if (rc == 0 && (a.status == 403 || a.status == 404)) {
		rc = ae_fail(err, AE_ENOTFOUND, "%s: not in the repository",
			     path);
	} else if (rc == 0 && ae_http_status_transient(a.status)) {
		rc = ae_fail(err, AE_ETRANSIENT,
			     "%s: the repository at %s answered HTTP %ld after "
			     "%d attempts",
			     path, u.host, a.status, a.attempts);
	} else if (rc == 0) {
		rc = ae_fail(err, AE_EINVAL, "%s: unexpected HTTP %ld from %s",
			     path, a.status, u.host);
	}
	ae_http_answer_dispose(&a);
	ae_buf_dispose(out);
	return rc;
}
