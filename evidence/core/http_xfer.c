/* evidence/core/http_xfer.c -- the HTTP engine: one transfer, and a small
 * exchange with its retries (contract in http.h)
 *
 * The only file that sets libcurl options. A client says what it wants as
 * data (ae_http_xfer): the URL it had judged, the method, headers,
 * credentials and the origin they belong to, where the body comes from and
 * where the answer goes. The engine adds what every request of the tool
 * gets: the URL policy's target (its scheme only, no redirect followed by
 * libcurl, no proxy for loopback), the per-request and per-operation time
 * limits, the stall cut, the size cap, TLS, and credentials only for their
 * own origin.
 */
#include "evidence/core/http.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XFER_UA		  "aicr-evidence"
#define XFER_TOKEN_MAX	  (64u * 1024u) /* a bearer value */
#define XFER_LOCATION_MAX AE_URL_MAX

struct ae_http_conn {
	CURL *h;
};

static pthread_once_t xfer_once = PTHREAD_ONCE_INIT;
static CURLcode xfer_init_rc = CURLE_OK;

static void xfer_global_init(void)
{
	xfer_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int ae_http_conn_new(ae_http_conn **out, ae_err *err)
{
	ae_http_conn *c;

	*out = NULL;
	pthread_once(&xfer_once, xfer_global_init);
	if (xfer_init_rc != CURLE_OK)
		return ae_fail(err, AE_ERR, "libcurl is not available (%s)",
			       curl_easy_strerror(xfer_init_rc));
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	c->h = curl_easy_init();
	if (c->h == NULL) {
		free(c);
		return ae_fail(err, AE_ERR, "libcurl is not available");
	}
	*out = c;
	return 0;
}

void ae_http_conn_free(ae_http_conn *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->h);
	free(c);
}

int ae_url_escape(char *out, size_t outsz, const char *s, size_t n, ae_err *err)
{
	char *e;
	int rc = 0;

	pthread_once(&xfer_once, xfer_global_init);
	e = curl_easy_escape(NULL, s, (int)(n ? n : strlen(s)));
	if (e == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (strlen(e) >= outsz)
		rc = ae_fail(err, AE_ETOOBIG, "escaped text too long");
	else
		snprintf(out, outsz, "%s", e);
	curl_free(e);
	return rc;
}

/* Appends `line` to *l; false when memory runs out (*l freed). */
static bool xfer_hdr_add(struct curl_slist **l, const char *line)
{
	struct curl_slist *n = curl_slist_append(*l, line);

	if (n == NULL) {
		curl_slist_free_all(*l);
		*l = NULL;
		return false;
	}
	*l = n;
	return true;
}

/* Frees the header list, wiping each line first (one may hold a bearer). */
static void xfer_hdrs_free(struct curl_slist *hdrs)
{
	for (struct curl_slist *l = hdrs; l != NULL; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(hdrs);
}

/* True iff credentials may go with `x`: its URL is on the origin they
 * belong to (or is its own origin). */
static bool xfer_creds_ok(const ae_http_xfer *x)
{
	return x->cred_origin == NULL ||
	       ae_url_same_origin(x->url, x->cred_origin);
}

/* The header list of `x`: its lines, then the bearer for its origin. */
static int xfer_headers(struct curl_slist **out, const ae_http_xfer *x,
			ae_err *err)
{
	struct curl_slist *l = NULL;

	*out = NULL;
	for (size_t i = 0; x->headers != NULL && x->headers[i] != NULL; i++)
		if (!xfer_hdr_add(&l, x->headers[i]))
			return ae_fail(err, AE_ERR, "out of memory");
	if (x->bearer != NULL && xfer_creds_ok(x)) {
		ae_buf line = AE_BUF_INIT(XFER_TOKEN_MAX + 64);
		bool ok = ae_buf_printf(&line, NULL, "Authorization: %s %s",
					x->bearer_scheme ? x->bearer_scheme
							 : "Bearer",
					x->bearer) == 0 &&
			  xfer_hdr_add(&l, (const char *)line.data);

		if (line.data != NULL)
			OPENSSL_cleanse(line.data, line.len);
		ae_buf_dispose(&line);
		if (!ok) {
			xfer_hdrs_free(l);
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	*out = l;
	return 0;
}

/* The method and the body source. */
static CURLcode xfer_method(CURL *h, const ae_http_xfer *x)
{
	const char *m = x->method ? x->method : "GET";
	CURLcode cc = CURLE_OK;

	if (strcmp(m, "HEAD") == 0)
		return curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (strcmp(m, "GET") == 0)
		return curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	if (x->read != NULL) {
		/* CURLOPT_UPLOAD streams from the read callback with a known
		 * length; never POSTFIELDS, whose form Content-Type makes a
		 * registry drop the body (oci.md §3.4) */
		cc |= curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		cc |= curl_easy_setopt(h, CURLOPT_READFUNCTION, x->read);
		cc |= curl_easy_setopt(h, CURLOPT_READDATA, x->read_ud);
		cc |= curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
				       (curl_off_t)x->body_len);
		if (x->upload_buffer > 0)
			cc |= curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE,
					       x->upload_buffer);
	} else if (x->body != NULL) {
		cc |= curl_easy_setopt(h, CURLOPT_POST, 1L);
		cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
		cc |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)x->body_len);
		if (strcmp(m, "POST") == 0)
			return cc;
	}
	cc |= curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
	return cc;
}

/* Everything but the method: target and limits, TLS, callbacks. */
static int xfer_setup(CURL *h, const ae_http_xfer *x, ae_http_try *t,
		      struct curl_slist *hdrs, ae_err *err)
{
	CURLcode cc = CURLE_OK;
	int rc;

	rc = ae_http_target(h, x->url, x->deadline, x->expected, err);
	if (rc < 0)
		return rc;
	cc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
	cc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cc |= curl_easy_setopt(h, CURLOPT_USERAGENT,
			       x->user_agent ? x->user_agent : XFER_UA);
	if (x->tls != NULL && x->tls->ca_file != NULL)
		cc |= curl_easy_setopt(h, CURLOPT_CAINFO, x->tls->ca_file);
	if (x->tls != NULL && x->tls->insecure) {
		cc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		cc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	cc |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (x->header != NULL) {
		cc |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, x->header);
		cc |= curl_easy_setopt(h, CURLOPT_HEADERDATA, x->header_ud);
	}
	if (x->write != NULL) {
		cc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, x->write);
		cc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, x->write_ud);
	}
	if (x->progress != NULL) {
		cc |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		cc |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION,
				       x->progress);
		cc |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, x->progress_ud);
	}
	if (x->resp_max > 0)
		cc |= curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
				       (curl_off_t)x->resp_max);
	/* a hint only: libcurl 7.88 refuses a new size on a handle whose
	 * last transfer failed (a DNS failure made every retry "curl option
	 * refused", issue 20 item 2), and the default size works */
	if (x->download_buffer > 0)
		(void)curl_easy_setopt(h, CURLOPT_BUFFERSIZE,
				       x->download_buffer);
	if (x->basic_user != NULL && xfer_creds_ok(x)) {
		cc |= curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		cc |= curl_easy_setopt(h, CURLOPT_USERNAME, x->basic_user);
		cc |= curl_easy_setopt(h, CURLOPT_PASSWORD,
				       x->basic_pass ? x->basic_pass : "");
	}
	cc |= xfer_method(h, x);
	if (cc != CURLE_OK)
		return ae_fail(err, AE_ERR, "curl option refused");
	return 0;
}

/* An answer whose status says the request failed or went elsewhere (not
 * 2xx): a size cap is a success body's, so such an answer cut at its cap is
 * still its status. */
static bool xfer_error_status(long status)
{
	return status >= 100 && (status < 200 || status > 299);
}

int ae_http_perform(ae_http_conn *c, const ae_http_xfer *x, ae_http_try *t,
		    ae_err *err)
{
	struct curl_slist *hdrs = NULL;
	curl_off_t ra = -1;
	long req_size = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	t->retry_after_ms = -1;
	curl_easy_reset(c->h);
	rc = xfer_headers(&hdrs, x, err);
	if (rc == 0)
		rc = xfer_setup(c->h, x, t, hdrs, err);
	if (rc < 0) {
		xfer_hdrs_free(hdrs);
		t->cc = CURLE_FAILED_INIT;
		return rc;
	}
	t->cc = curl_easy_perform(c->h);
	xfer_hdrs_free(hdrs);
	(void)curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	if (curl_easy_getinfo(c->h, CURLINFO_REQUEST_SIZE, &req_size) ==
	    CURLE_OK)
		t->sent = req_size > 0;
	t->content_length = -1;
	(void)curl_easy_getinfo(c->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
				&t->content_length);
	/* the status of an answer whose body was cut too (a writer that
	 * stopped reading on purpose) */
	(void)curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &t->status);
	/* The size cap is a success body's (a blob's declared size, an
	 * answer's cap): an error or redirect whose body would pass it is
	 * still its status -- a 429 on a 2-byte blob is retried, never "too
	 * big". Its body is not read. */
	if (t->cc == CURLE_FILESIZE_EXCEEDED && xfer_error_status(t->status))
		t->cc = CURLE_OK;
	if (t->cc == CURLE_OK) {
		/* delta-seconds or an HTTP date, as libcurl reads it */
		if (curl_easy_getinfo(c->h, CURLINFO_RETRY_AFTER, &ra) ==
			    CURLE_OK &&
		    ra > 0)
			t->retry_after_ms = ra > INT32_MAX
						    ? (int64_t)INT32_MAX * 1000
						    : (int64_t)ra * 1000;
	}
	return 0;
}

const char *ae_http_try_why(const ae_http_try *t)
{
	return t->errbuf[0] ? t->errbuf : curl_easy_strerror(t->cc);
}

/* ---- a small exchange with its retries ---- */

/* The answer being read: its body capped, its Location. */
typedef struct xfer_sink {
	ae_http_answer *a;
	bool keep_location;
	bool too_big;
} xfer_sink;

static size_t xfer_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	xfer_sink *s = ud;
	size_t n = size * nmemb;

	if (ae_buf_put(&s->a->body, ptr, n, NULL) < 0) {
		s->too_big = true;
		return 0;
	}
	return n;
}

/* Keeps the Location header's value (the place Rekor names for an entry
 * it already holds); longer than XFER_LOCATION_MAX, or with a control
 * byte, it is dropped. */
static size_t xfer_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	xfer_sink *s = ud;
	size_t n = size * nmemb, k = 9; /* strlen("location:") */

	if (!s->keep_location || n <= k ||
	    strncasecmp(ptr, "location:", k) != 0)
		return size * nmemb;
	while (k < n && (ptr[k] == ' ' || ptr[k] == '\t'))
		k++;
	while (n > k &&
	       (ptr[n - 1] == '\r' || ptr[n - 1] == '\n' || ptr[n - 1] == ' '))
		n--;
	free(s->a->location);
	s->a->location = NULL;
	if (n - k == 0 || n - k > XFER_LOCATION_MAX)
		return size * nmemb;
	for (size_t i = k; i < n; i++)
		if ((unsigned char)ptr[i] < 0x21 ||
		    (unsigned char)ptr[i] > 0x7e)
			return size * nmemb;
	s->a->location = strndup(ptr + k, n - k);
	return size * nmemb;
}

void ae_http_answer_dispose(ae_http_answer *a)
{
	if (a == NULL)
		return;
	ae_buf_dispose(&a->body);
	free(a->location);
	a->location = NULL;
	a->status = 0;
}

/* Empties the answer before an attempt. */
static void xfer_answer_reset(ae_http_answer *a, size_t cap)
{
	ae_http_answer_dispose(a);
	ae_buf_init(&a->body, cap);
}

/* The code for the last attempt: 0 with an answer, else a failure. */
static int xfer_outcome(ae_http_answer *a, const ae_http_request *rq,
			bool too_big, ae_err *err)
{
	const ae_http_try *t = &a->last;

	if (too_big || t->cc == CURLE_FILESIZE_EXCEEDED ||
	    (t->cc == CURLE_WRITE_ERROR && too_big)) {
		a->end = AE_HTTP_END_TOO_BIG;
		return ae_fail(err, AE_ETOOBIG,
			       "the %s answer exceeds %zu bytes", rq->who,
			       rq->resp_max);
	}
	if (t->cc == CURLE_OK)
		return 0;
	if (a->end == AE_HTTP_END_LATE)
		return ae_fail(
			err, AE_ETRANSIENT,
			"%s: the deadline passed (%d attempt%s, last: "
			"%s)",
			rq->who, a->attempts, a->attempts == 1 ? "" : "s",
			t->errbuf[0] ? t->errbuf : curl_easy_strerror(t->cc));
	return ae_http_fail(err, t->cc, t->errbuf, rq->who, rq->url->host);
}

int ae_http_exchange(ae_http_answer *out, const ae_http_request *rq,
		     ae_err *err)
{
	ae_http_conn *c = NULL;
	xfer_sink sink = {out, rq->keep_location, false};
	unsigned attempts = rq->attempts ? rq->attempts : AE_HTTP_ATTEMPTS;
	unsigned base = rq->backoff_ms ? rq->backoff_ms : AE_HTTP_BACKOFF_MS;
	ae_http_xfer x;
	uint64_t wait;
	int rc;

	memset(out, 0, sizeof(*out));
	ae_buf_init(&out->body, rq->resp_max);
	memset(&x, 0, sizeof(x));
	x.url = rq->url;
	x.method = rq->method ? rq->method : rq->body ? "POST" : "GET";
	x.headers = rq->headers;
	x.bearer = rq->bearer;
	x.bearer_scheme = rq->bearer_scheme;
	x.body = rq->body;
	x.body_len = rq->body_len;
	x.write = xfer_write;
	x.write_ud = &sink;
	x.header = xfer_header;
	x.header_ud = &sink;
	x.resp_max = rq->resp_max;
	x.expected = rq->expected;
	x.deadline = rq->deadline;
	x.tls = rq->tls;
	if (ae_deadline_left_ms(rq->deadline) == 0) {
		out->end = AE_HTTP_END_LATE;
		return ae_fail(err, AE_ETRANSIENT,
			       "%s: the deadline passed before the request",
			       rq->who);
	}
	rc = ae_http_conn_new(&c, err);
	if (rc < 0)
		return rc;
	for (;;) {
		xfer_answer_reset(out, rq->resp_max);
		sink.too_big = false;
		out->attempts++;
		rc = ae_http_perform(c, &x, &out->last, err);
		if (rc < 0)
			break;
		/* an error answer whose body passes the cap is its status,
		 * its body cut there (a 503 whose body never ends is still a
		 * 503, retried): the cap is a success body's */
		if (sink.too_big && xfer_error_status(out->last.status)) {
			sink.too_big = false;
			out->last.cc = CURLE_OK;
		}
		out->status = out->last.cc == CURLE_OK ? out->last.status : 0;
		if (sink.too_big)
			break;
		if (!ae_http_may_retry(rq->kind, rq->secret, &out->last)) {
			out->end = ae_http_may_retry(AE_HTTP_IDEMPOTENT, false,
						     &out->last)
					   ? AE_HTTP_END_NOT_AGAIN
					   : AE_HTTP_END_ANSWER;
			break;
		}
		if (out->attempts >= (int)attempts) {
			out->end = AE_HTTP_END_SPENT;
			break;
		}
		/* Retry-After is obeyed only inside the budget (curl
		 * retrycheck): a longer wait ends the attempts now, and so
		 * does a wait that would end past the deadline */
		if (out->last.retry_after_ms >
		    (rq->retry_after_max_ms > 0 ? rq->retry_after_max_ms
						: AE_HTTP_RETRY_AFTER_MAX_MS)) {
			out->end = AE_HTTP_END_RETRY_AFTER;
			break;
		}
		wait = ae_http_backoff_ms((unsigned)out->attempts, base,
					  out->last.retry_after_ms);
		if ((int64_t)wait >= ae_deadline_left_ms(rq->deadline)) {
			out->end = AE_HTTP_END_LATE;
			break;
		}
		ae_http_sleep_ms(wait);
	}
	ae_http_conn_free(c);
	if (rc == 0 && out->end != AE_HTTP_END_LATE &&
	    ae_deadline_left_ms(rq->deadline) == 0 &&
	    (out->last.cc != CURLE_OK || ae_http_status_transient(out->status)))
		out->end = AE_HTTP_END_LATE;
	if (rc == 0)
		rc = xfer_outcome(out, rq, sink.too_big, err);
	if (rc < 0) {
		ae_http_answer_dispose(out);
		ae_buf_init(&out->body, 1);
	}
	return rc;
}
