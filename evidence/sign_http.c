/* evidence/sign_http.c -- HTTP to Fulcio, Rekor, TSAs and token endpoints
 *
 * The Sigstore services speak small JSON (or DER) over HTTPS. One function
 * does one exchange the way STYLE §3.8 asks of network code: bodies counted
 * against a cap in the write callback, no redirects (a bearer token must
 * never follow one), https only except to loopback, transient failures
 * retried a bounded number of times with doubling backoff, every other
 * status handed back to the caller, who switches on what it expects.
 * (oci/ is the registry client; these services are not registries.)
 */
#include "evidence/core/http.h"
#include "evidence/internal.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

static pthread_once_t http_once = PTHREAD_ONCE_INIT;

static void http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The one URL policy (evidence/core/http.h): https, or plain http to a
 * loopback host as libcurl parses it -- 127.0.0.1, localhost, [::1] --
 * never userinfo. Every service request carries a secret (the identity
 * token, the Actions request token) or leads to one being sent. */
static int http_url_judge(ae_url *out, const char *url, ae_err *err)
{
	if (url == NULL || strlen(url) > EV_SIGN_URL_MAX_BYTES)
		return ae_fail(err, AE_EINVAL, "service url too long");
	return ae_url_check(out, url, NULL, NULL,
			    AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET,
			    "service url", err);
}

bool ev__sign_url_allowed(const char *url)
{
	ae_url u;

	return http_url_judge(&u, url, NULL) == 0;
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

static void http_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* One attempt. Returns the CURLcode; the status, body and Retry-After
 * seconds (0 when absent) on CURLE_OK. */
static CURLcode http_once_attempt(ae_buf *body, long *status,
				  curl_off_t *retry_after, char *errbuf,
				  const ae_url *url, struct curl_slist *hdrs,
				  const void *req, size_t req_len)
{
	CURL *h = curl_easy_init();
	CURLcode cc;

	if (h == NULL)
		return CURLE_OUT_OF_MEMORY;
	errbuf[0] = '\0';
	/* the judged URL, its scheme only, no redirect (a bearer token
	 * must never follow one), no proxy for loopback, time limits */
	if (ae_http_target(h, url, (ae_deadline)AE_DEADLINE_NONE, req_len,
			   NULL) < 0) {
		curl_easy_cleanup(h);
		return CURLE_FAILED_INIT;
	}
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)EV_SIGN_RESPONSE_MAX_BYTES);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "aicr-evidence");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	if (req != NULL) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)req_len);
	}
	cc = curl_easy_perform(h);
	*retry_after = 0;
	if (cc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, retry_after);
	}
	curl_easy_cleanup(h);
	return cc;
}

/* Builds the request headers; the bearer line is wiped by the caller via
 * http_headers_free. */
static struct curl_slist *http_headers(const char *content_type,
				       const char *bearer, ae_err *err)
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

int ev__sign_http(ae_buf *body_out, long *status_out, const char *what,
		  const char *url, const char *content_type, const void *req,
		  size_t req_len, const char *bearer, ae_err *err)
{
	char errbuf[CURL_ERROR_SIZE];
	char rbuf[AE_REPR_BUF];
	struct curl_slist *hdrs = NULL;
	ae_url u;
	long status = 0, backoff = EV_SIGN_HTTP_BACKOFF_MS;
	curl_off_t retry_after = 0;
	CURLcode cc = CURLE_OK;
	int rc = 0;

	ae_buf_init(body_out, EV_SIGN_RESPONSE_MAX_BYTES);
	*status_out = 0;
	if (http_url_judge(&u, url, NULL) < 0)
		return ae_fail(err, AE_EINVAL,
			       "%s url %s is not https (plain http only to "
			       "loopback, no userinfo)",
			       what,
			       ae_repr(rbuf, sizeof(rbuf), url,
				       url ? strlen(url) : 0));
	pthread_once(&http_once, http_global_init);
	hdrs = http_headers(content_type, bearer, err);
	if (hdrs == NULL)
		return AE_ERR;
	for (int attempt = 1; attempt <= EV_SIGN_HTTP_ATTEMPTS; attempt++) {
		ae_buf_dispose(body_out);
		status = 0;
		cc = http_once_attempt(body_out, &status, &retry_after, errbuf,
				       &u, hdrs, req, req_len);
		if (cc == CURLE_OK && !http_status_transient(status))
			break;
		if (cc != CURLE_OK && !http_curl_transient(cc))
			break;
		/* Retry-After is obeyed only inside our budget (curl
		 * retrycheck): a longer wait ends the attempts now. */
		if (retry_after > EV_SIGN_HTTP_RETRY_AFTER_MAX_S)
			break;
		if (attempt < EV_SIGN_HTTP_ATTEMPTS) {
			http_sleep_ms(retry_after * 1000 > backoff
					      ? (long)retry_after * 1000
					      : backoff);
			backoff *= 2;
		}
	}
	if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED)
		rc = ae_fail(err, AE_ETOOBIG, "%s answer exceeds %u bytes",
			     what, EV_SIGN_RESPONSE_MAX_BYTES);
	else if (cc != CURLE_OK)
		rc = ae_fail(err,
			     http_curl_transient(cc) ? AE_ETRANSIENT : AE_EIO,
			     "%s unreachable after %d attempts: %s", what,
			     EV_SIGN_HTTP_ATTEMPTS,
			     errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else if (http_status_transient(status) &&
		 retry_after > EV_SIGN_HTTP_RETRY_AFTER_MAX_S)
		rc = ae_fail(err, AE_ETRANSIENT,
			     "%s answered HTTP %ld with Retry-After %lld s, "
			     "beyond the %d s budget",
			     what, status, (long long)retry_after,
			     EV_SIGN_HTTP_RETRY_AFTER_MAX_S);
	else if (http_status_transient(status))
		rc = ae_fail(err, AE_ETRANSIENT,
			     "%s answered HTTP %ld after %d attempts", what,
			     status, EV_SIGN_HTTP_ATTEMPTS);
	http_headers_free(hdrs);
	if (rc < 0) {
		ae_buf_dispose(body_out);
		return rc;
	}
	*status_out = status;
	return 0;
}
