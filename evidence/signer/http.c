/* evidence/signer/http.c -- requests to Fulcio, Rekor, TSAs and token
 * endpoints, on the one HTTP engine (evidence/core/http.h)
 *
 * The Sigstore services speak small JSON (or DER) over HTTPS. The engine
 * does the exchange the way STYLE §3.8 asks of network code (bodies
 * counted against a cap, no redirects -- a bearer token must never follow
 * one --, https only except to loopback, retries as the one table allows,
 * one backoff); this file adds the service's policy and its words:
 * every service URL carries a secret or leads to one being sent, a
 * Retry-After past EV_SIGN_HTTP_RETRY_AFTER_MAX_S ends the attempts, and
 * the messages the signer's users know ("fulcio answered HTTP 503 after 3
 * attempts"). (oci/ is the registry client; these services are not
 * registries.)
 *
 * Two limits protect the run from a service that stalls (issue 25): one
 * deadline for the whole run (--timeout) clips every attempt, backoff and
 * Retry-After, and past it the exchange fails as transient; and a request
 * that carries a secret (the identity token in Fulcio's body, the GitHub
 * request token as bearer) is never sent again once it has left, when the
 * server then stalled or cut the line.
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* The one URL policy (evidence/core/http.h): https, or plain http to a
 * loopback host as libcurl parses it -- 127.0.0.1, localhost, [::1] --
 * never userinfo (issue 25 item 1: "http://localhost:x@127.0.0.2/" passed
 * a prefix test and took the token to 127.0.0.2). Every service request
 * carries a secret (the identity token, the Actions request token) or
 * leads to one being sent. */
static int http_url_judge(ae_url *out, const char *url, unsigned more,
			  ae_err *err)
{
	if (url == NULL || strlen(url) > EV_SIGN_URL_MAX_BYTES)
		return ae_fail(err, AE_EINVAL, "service url too long");
	return ae_url_check(out, url, NULL, NULL,
			    AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET | more,
			    "service url", err);
}

bool ev__sign_url_allowed(const char *url)
{
	ae_url u;

	return http_url_judge(&u, url, 0, NULL) == 0;
}

/* The run's deadline is the shared kind (evidence/core: ae_deadline, the
 * registry client's --timeout too), carried here as its instant. */
int64_t ev_sign_deadline(int64_t timeout_s)
{
	if (timeout_s <= 0)
		return 0;
	return ae_deadline_in((uint64_t)timeout_s * 1000).at_ms;
}

void ev__http_resp_dispose(ev__http_resp *r)
{
	if (r == NULL)
		return;
	ae_buf_dispose(&r->body);
	free(r->location);
	r->location = NULL;
	r->status = 0;
}

/* The libcurl words of the last attempt. */
static const char *http_why(const ae_http_answer *a)
{
	return ae_http_try_why(&a->last);
}

/* The signer's words for an exchange that ended without an answer to
 * hand back; 0 when it did. */
static int http_outcome(const ae_http_answer *a, const ev__http_req *rq, int rc,
			ae_err *err)
{
	const char *what = rq->what;
	int n = a->attempts;

	if (rc == AE_ETOOBIG || a->end == AE_HTTP_END_TOO_BIG) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETOOBIG, "%s answer exceeds %u bytes",
			       what, EV_SIGN_RESPONSE_MAX_BYTES);
	}
	if (a->end == AE_HTTP_END_LATE) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETRANSIENT,
			       "%s: the run's deadline passed (%d attempt%s, "
			       "last: %s)",
			       what, n, n == 1 ? "" : "s",
			       a->last.cc != CURLE_OK
				       ? http_why(a)
				       : "a transient HTTP status");
	}
	if (rc < 0 && a->last.cc == CURLE_FAILED_INIT)
		return rc;
	if (rc < 0 && rq->carries_secret && a->last.sent &&
	    ae_http_fault_transient(
		    ae_http_fault_of(a->last.cc, a->last.errbuf))) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETRANSIENT,
			       "%s took the credential and then failed (%s); "
			       "not sent again",
			       what, http_why(a));
	}
	if (rc < 0) {
		bool tr = ae_http_fault_transient(
			ae_http_fault_of(a->last.cc, a->last.errbuf));

		ae_err_clear(err);
		return ae_fail(err, tr ? AE_ETRANSIENT : AE_EIO,
			       "%s unreachable after %d attempt%s: %s", what, n,
			       n == 1 ? "" : "s", http_why(a));
	}
	if (a->end == AE_HTTP_END_RETRY_AFTER)
		return ae_fail(err, AE_ETRANSIENT,
			       "%s answered HTTP %ld with Retry-After %lld s, "
			       "beyond the %d s budget",
			       what, a->status,
			       (long long)(a->last.retry_after_ms / 1000),
			       EV_SIGN_HTTP_RETRY_AFTER_MAX_S);
	if (a->end == AE_HTTP_END_NOT_AGAIN)
		return ae_fail(err, AE_ETRANSIENT,
			       "%s answered HTTP %ld; the request may have "
			       "been acted on, so it is not sent again",
			       what, a->status);
	if (ae_http_status_transient(a->status))
		return ae_fail(err, AE_ETRANSIENT,
			       "%s answered HTTP %ld after %d attempts", what,
			       a->status, n);
	return 0;
}

int ev__sign_http(ev__http_resp *out, const ev__http_req *rq, ae_err *err)
{
	char rbuf[AE_REPR_BUF], ct[128];
	const char *hdrs[4] = {"Accept: application/json", NULL, NULL, NULL};
	size_t nh = 1;
	ae_http_request hr;
	ae_http_answer a;
	ae_url u;
	int rc;

	memset(out, 0, sizeof(*out));
	ae_buf_init(&out->body, EV_SIGN_RESPONSE_MAX_BYTES);
	if (http_url_judge(&u, rq->url, rq->url_flags, NULL) < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s url %s is not https (plain http only to "
			       "loopback, no userinfo)",
			       rq->what,
			       ae_repr(rbuf, sizeof(rbuf), rq->url,
				       rq->url ? strlen(rq->url) : 0));
	if (ae_deadline_left_ms((ae_deadline){rq->deadline_ms}) == 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "%s: the run's deadline passed before the "
			       "request",
			       rq->what);
	if (rq->content_type != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", rq->content_type);
		hdrs[nh++] = ct;
	}
	if (rq->header != NULL)
		hdrs[nh++] = rq->header;
	memset(&hr, 0, sizeof(hr));
	hr.who = rq->what;
	hr.url = &u;
	hr.kind = rq->kind;
	hr.secret = rq->carries_secret;
	hr.headers = hdrs;
	hr.bearer = rq->bearer;
	hr.bearer_scheme = "bearer"; /* as GitHub's documentation spells it */
	hr.body = rq->body;
	hr.body_len = rq->body_len;
	hr.resp_max = EV_SIGN_RESPONSE_MAX_BYTES;
	hr.deadline = (ae_deadline){rq->deadline_ms};
	hr.attempts = EV_SIGN_HTTP_ATTEMPTS;
	hr.backoff_ms = EV_SIGN_HTTP_BACKOFF_MS;
	hr.retry_after_max_ms = EV_SIGN_HTTP_RETRY_AFTER_MAX_S * 1000;
	hr.keep_location = true;
	rc = ae_http_exchange(&a, &hr, err);
	rc = http_outcome(&a, rq, rc, err);
	if (rc < 0) {
		ae_http_answer_dispose(&a);
		return rc;
	}
	ae_buf_dispose(&out->body);
	out->body = a.body;
	out->status = a.status;
	out->location = a.location;
	return 0;
}
