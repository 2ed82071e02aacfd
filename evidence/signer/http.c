/* evidence/signer/http.c -- HTTP to Fulcio, Rekor, TSAs and token endpoints
 *
 * The Sigstore services speak small JSON (or DER) over HTTPS. One function
 * does one exchange the way STYLE §3.8 asks of network code: bodies counted
 * against a cap in the write callback, no redirects (a bearer token must
 * never follow one), https only except to loopback, transient failures
 * retried a bounded number of times with doubling backoff, every other
 * status handed back to the caller, who switches on what it expects.
 * (oci/ is the registry client; these services are not registries.)
 *
 * Two limits protect the run from a service that stalls (issue 25): one
 * deadline for the whole run (--timeout) clips every attempt, backoff and
 * Retry-After, and past it the exchange fails as transient; and a request
 * that carries a secret (the identity token in Fulcio's body, the GitHub
 * request token as bearer) is never sent again once it has left, when the
 * server then stalled or cut the line: a server that took the token and
 * hung gets it once, not once per attempt.
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_LOCATION_MAX	EV_SIGN_URL_MAX_BYTES

static pthread_once_t http_once = PTHREAD_ONCE_INIT;

static void http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

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

/* libcurl write callback: appends to the capped buffer; a failed append
 * (cap hit) makes curl abort the transfer with CURLE_WRITE_ERROR. */
static size_t http_write(char *ptr, size_t size, size_t nmemb, void *userp)
{
	ae_buf *b = userp;
	size_t n = size * nmemb;

	if (ae_buf_put(b, ptr, n, NULL) < 0)
		return 0;
	return n;
}

/* libcurl header callback: keeps the Location header's value (the place
 * Rekor names for an entry it already holds); longer than
 * HTTP_LOCATION_MAX, or with a control byte, it is dropped. */
static size_t http_header(char *ptr, size_t size, size_t nmemb, void *userp)
{
	ev__http_resp *r = userp;
	size_t n = size * nmemb, k = 9; /* strlen("location:") */

	if (n <= k || strncasecmp(ptr, "location:", k) != 0)
		return n;
	while (k < n && (ptr[k] == ' ' || ptr[k] == '\t'))
		k++;
	while (n > k &&
	       (ptr[n - 1] == '\r' || ptr[n - 1] == '\n' || ptr[n - 1] == ' '))
		n--;
	free(r->location);
	r->location = NULL;
	if (n - k == 0 || n - k > HTTP_LOCATION_MAX)
		return size * nmemb;
	for (size_t i = k; i < n; i++)
		if ((unsigned char)ptr[i] < 0x21 ||
		    (unsigned char)ptr[i] > 0x7e)
			return size * nmemb;
	r->location = strndup(ptr + k, n - k);
	return size * nmemb;
}

static bool http_status_transient(long status)
{
	return status == 408 || status == 429 || status == 500 ||
	       status == 502 || status == 503 || status == 504;
}

static bool http_curl_transient(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT ||
	       cc == CURLE_COULDNT_RESOLVE_HOST ||
	       cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_RECV_ERROR ||
	       cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE;
}

static void http_sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* The run's deadline is the shared kind (evidence/core: ae_deadline, the
 * registry client's --timeout too), carried here as its instant. */
int64_t ev_sign_deadline(int64_t timeout_s)
{
	if (timeout_s <= 0)
		return 0;
	return ae_deadline_in((uint64_t)timeout_s * 1000).at_ms;
}

/* Milliseconds left before `deadline` (INT64_MAX without one, 0 once it
 * has passed). */
static int64_t http_left_ms(int64_t deadline)
{
	ae_deadline d = {deadline};

	return ae_deadline_left_ms(d);
}

static long http_clip_ms(long limit, int64_t left)
{
	return left < (int64_t)limit ? (long)(left > 0 ? left : 1) : limit;
}

/* What one attempt left behind, besides the answer. */
typedef struct http_attempt {
	CURLcode cc;
	curl_off_t retry_after; /* seconds, 0 when absent */
	bool sent;		/* request bytes left us (the secret with it) */
	char errbuf[CURL_ERROR_SIZE];
} http_attempt;

static void http_set_request(CURL *h, const ae_url *u, const ev__http_req *rq,
			     struct curl_slist *hdrs, int64_t left)
{
	/* the judged URL, its scheme only, no redirect (a bearer token
	 * must never follow one), no proxy for loopback; the time limits
	 * below then replace the generic ones */
	(void)ae_http_target(h, u, (ae_deadline)AE_DEADLINE_NONE, rq->body_len,
			     NULL);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 http_clip_ms(EV_SIGN_HTTP_TIMEOUT_S * 1000L, left));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 http_clip_ms(HTTP_CONNECT_TIMEOUT_MS, left));
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)EV_SIGN_RESPONSE_MAX_BYTES);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "aicr-evidence");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (rq->body != NULL) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)rq->body_len);
	}
}

/* One attempt: the answer into `resp` (status, body, Location) on
 * CURLE_OK; what happened into `at`. */
static void http_once_attempt(http_attempt *at, ev__http_resp *resp,
			      const ae_url *u, const ev__http_req *rq,
			      struct curl_slist *hdrs, int64_t left)
{
	CURL *h = curl_easy_init();
	long req_size = 0;

	at->errbuf[0] = '\0';
	at->retry_after = 0;
	at->sent = false;
	if (h == NULL) {
		at->cc = CURLE_OUT_OF_MEMORY;
		return;
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, at->errbuf);
	http_set_request(h, u, rq, hdrs, left);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	at->cc = curl_easy_perform(h);
	if (curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &req_size) == CURLE_OK)
		at->sent = req_size > 0;
	if (at->cc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &at->retry_after);
	}
	curl_easy_cleanup(h);
}

/* Builds the request headers; the bearer line is wiped by the caller via
 * http_headers_free. */
static struct curl_slist *http_headers(const char *content_type,
				       const char *bearer, const char *extra,
				       ae_err *err)
{
	struct curl_slist *hdrs = NULL, *tmp;
	ae_buf line = AE_BUF_INIT(EV_TOKEN_MAX_BYTES + 64);

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (hdrs != NULL && content_type != NULL) {
		char ct[128];

		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		tmp = curl_slist_append(hdrs, ct);
		if (tmp == NULL)
			goto oom;
		hdrs = tmp;
	}
	if (hdrs != NULL && bearer != NULL) {
		if (ae_buf_printf(&line, NULL, "Authorization: bearer %s",
				  bearer) < 0)
			goto oom;
		tmp = curl_slist_append(hdrs, (char *)line.data);
		OPENSSL_cleanse(line.data, line.len);
		ae_buf_dispose(&line);
		if (tmp == NULL)
			goto oom;
		hdrs = tmp;
	}
	if (hdrs != NULL && extra != NULL) {
		tmp = curl_slist_append(hdrs, extra);
		if (tmp == NULL)
			goto oom;
		hdrs = tmp;
	}
	if (hdrs != NULL)
		return hdrs;
oom:
	ae_buf_dispose(&line);
	curl_slist_free_all(hdrs);
	ae_fail(err, AE_ERR, "out of memory building request headers");
	return NULL;
}

/* Frees the header list, wiping each line first (one holds the bearer). */
static void http_headers_free(struct curl_slist *hdrs)
{
	for (struct curl_slist *l = hdrs; l != NULL; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(hdrs);
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

/* Empties the answer of an abandoned attempt. */
static void http_resp_reset(ev__http_resp *r)
{
	ev__http_resp_dispose(r);
	ae_buf_init(&r->body, EV_SIGN_RESPONSE_MAX_BYTES);
}

/* True iff the attempt may be made again: a transient status or transport
 * fault, and no secret already delivered to a server that then stalled
 * (an answered status is no stall). */
static bool http_may_retry(const http_attempt *at, const ev__http_resp *resp,
			   const ev__http_req *rq)
{
	if (at->cc == CURLE_OK)
		return http_status_transient(resp->status);
	if (!http_curl_transient(at->cc))
		return false;
	return !(rq->carries_secret && at->sent);
}

/* The error for the last attempt; 0 when it brought an answer to hand
 * back. `attempts` is how many were made. */
static int http_outcome(const http_attempt *at, const ev__http_resp *resp,
			const ev__http_req *rq, int attempts, bool late,
			ae_err *err)
{
	const char *what = rq->what;

	if (at->cc == CURLE_WRITE_ERROR || at->cc == CURLE_FILESIZE_EXCEEDED)
		return ae_fail(err, AE_ETOOBIG, "%s answer exceeds %u bytes",
			       what, EV_SIGN_RESPONSE_MAX_BYTES);
	if (late && (at->cc != CURLE_OK || http_status_transient(resp->status)))
		return ae_fail(err, AE_ETRANSIENT,
			       "%s: the run's deadline passed (%d attempt%s, "
			       "last: %s)",
			       what, attempts, attempts == 1 ? "" : "s",
			       at->cc != CURLE_OK
				       ? (at->errbuf[0]
						  ? at->errbuf
						  : curl_easy_strerror(at->cc))
				       : "a transient HTTP status");
	if (at->cc != CURLE_OK && rq->carries_secret && at->sent &&
	    http_curl_transient(at->cc))
		return ae_fail(err, AE_ETRANSIENT,
			       "%s took the credential and then failed (%s); "
			       "not sent again",
			       what,
			       at->errbuf[0] ? at->errbuf
					     : curl_easy_strerror(at->cc));
	if (at->cc != CURLE_OK)
		return ae_fail(err,
			       http_curl_transient(at->cc) ? AE_ETRANSIENT
							   : AE_EIO,
			       "%s unreachable after %d attempt%s: %s", what,
			       attempts, attempts == 1 ? "" : "s",
			       at->errbuf[0] ? at->errbuf
					     : curl_easy_strerror(at->cc));
	if (http_status_transient(resp->status) &&
	    at->retry_after > EV_SIGN_HTTP_RETRY_AFTER_MAX_S)
		return ae_fail(err, AE_ETRANSIENT,
			       "%s answered HTTP %ld with Retry-After %lld s, "
			       "beyond the %d s budget",
			       what, resp->status, (long long)at->retry_after,
			       EV_SIGN_HTTP_RETRY_AFTER_MAX_S);
	if (http_status_transient(resp->status))
		return ae_fail(err, AE_ETRANSIENT,
			       "%s answered HTTP %ld after %d attempts", what,
			       resp->status, attempts);
	return 0;
}

int ev__sign_http(ev__http_resp *out, const ev__http_req *rq, ae_err *err)
{
	char rbuf[AE_REPR_BUF];
	struct curl_slist *hdrs = NULL;
	http_attempt at;
	ae_url u;
	int64_t backoff = EV_SIGN_HTTP_BACKOFF_MS, wait;
	int attempt, rc;
	bool late = false;

	memset(out, 0, sizeof(*out));
	ae_buf_init(&out->body, EV_SIGN_RESPONSE_MAX_BYTES);
	memset(&at, 0, sizeof(at));
	if (http_url_judge(&u, rq->url, rq->url_flags, NULL) < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s url %s is not https (plain http only to "
			       "loopback, no userinfo)",
			       rq->what,
			       ae_repr(rbuf, sizeof(rbuf), rq->url,
				       rq->url ? strlen(rq->url) : 0));
	if (http_left_ms(rq->deadline_ms) <= 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "%s: the run's deadline passed before the "
			       "request",
			       rq->what);
	pthread_once(&http_once, http_global_init);
	hdrs = http_headers(rq->content_type, rq->bearer, rq->header, err);
	if (hdrs == NULL)
		return AE_ERR;
	for (attempt = 1;; attempt++) {
		http_resp_reset(out);
		http_once_attempt(&at, out, &u, rq, hdrs,
				  http_left_ms(rq->deadline_ms));
		if (!http_may_retry(&at, out, rq) ||
		    attempt == EV_SIGN_HTTP_ATTEMPTS)
			break;
		/* Retry-After is obeyed only inside our budget (curl
		 * retrycheck): a longer wait ends the attempts now, and so
		 * does a wait that would end past the run's deadline. */
		if (at.retry_after > EV_SIGN_HTTP_RETRY_AFTER_MAX_S)
			break;
		wait = at.retry_after * 1000 > backoff ? at.retry_after * 1000
						       : backoff;
		if (wait >= http_left_ms(rq->deadline_ms)) {
			late = true;
			break;
		}
		http_sleep_ms(wait);
		backoff *= 2;
	}
	if (http_left_ms(rq->deadline_ms) <= 0)
		late = true;
	rc = http_outcome(&at, out, rq, attempt, late, err);
	http_headers_free(hdrs);
	if (rc < 0)
		ev__http_resp_dispose(out);
	return rc;
}
