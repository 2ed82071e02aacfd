/* oci/http.c -- the registry's side of HTTP: authentication rounds,
 * redirects of blob GETs, the retry budget, OCI's reading of statuses
 *
 * The transfer itself is the one engine's (evidence/core/http.h: the URL
 * policy, deadlines, TLS, the table of what may be tried again, one
 * backoff); each client keeps one engine connection alive. Every request
 * goes through oci__send (STYLE §3.8): it performs the exchange, turns a
 * 401 into one authentication round (Basic: send the configured
 * credentials; Bearer: fetch a token from the challenge's realm, oci.md
 * §4.2) and, for idempotent steps, retries what the engine's table allows
 * (connection faults, cut bodies, 408/429/500/502/503/504) with the
 * engine's backoff, honouring Retry-After inside the time budget. The
 * callers switch on the exact status they expect. Response bodies are
 * counted in the write callback against a cap, because Content-Length can
 * lie or be absent.
 */
#include "oci/internal.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HTTP_TOKEN_MAX (64u * 1024u) /* a bearer token */
/* What is read of an error answer's body, which nothing uses: past it the
 * answer is its status (a 503 whose body never ends is still a 503) */
#define HTTP_ERROR_BODY_MAX (64u * 1024u)
/* libcurl's buffers for a layer going up or a blob coming down: the
 * defaults (64 KiB up, 16 KiB down) cost a callback, a syscall and a
 * write(2) each, some 6,400 of them per 100 MiB pulled */
#define HTTP_UP_BUF   (1024L * 1024L)
#define HTTP_DOWN_BUF (512L * 1024L)
#define HTTP_UA	      "aicr-evidence-oci/1"

int oci_client_new(oci_client **out, const oci_ref *ref,
		   const oci_client_opts *opts, ae_err *err)
{
	static const oci_client_opts none = OCI_CLIENT_OPTS_INIT;
	oci_client *c = NULL;
	const char *host;
	int rc = 0;

	*out = NULL;
	if (opts == NULL)
		opts = &none;
	host = strcmp(ref->registry, "docker.io") == 0 ? "registry-1.docker.io"
						       : ref->registry;
	if (opts->plain_http && !ae_host_is_loopback(host))
		return ae_fail(err, AE_EINVAL,
			       "--registry-plain-http is only allowed for a "
			       "loopback registry (127.0.0.1, localhost, ::1)");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_http_conn_new(&c->conn, err);
	if (rc < 0)
		goto done;
	snprintf(c->base, sizeof(c->base), "%s://%s",
		 opts->plain_http ? "http" : "https", host);
	rc = ae_url_check(&c->origin, c->base, NULL, NULL,
			  opts->plain_http ? AE_URL_PLAIN_LOOPBACK : 0,
			  "registry", err);
	if (rc < 0)
		goto done;
	c->deadline = opts->deadline;
	snprintf(c->host, sizeof(c->host), "%s", ref->registry);
	snprintf(c->repo, sizeof(c->repo), "%s", ref->repo);
	c->plain_http = opts->plain_http;
	c->insecure_tls = opts->insecure_tls;
	c->push = opts->push;
	c->attempts = opts->attempts ? opts->attempts : OCI_RETRY_ATTEMPTS;
	c->base_ms = opts->base_ms ? opts->base_ms : OCI_RETRY_BASE_MS;
	c->budget_ms = opts->budget_ms ? opts->budget_ms : OCI_RETRY_BUDGET_MS;
	c->chunk_min = opts->chunk_min ? opts->chunk_min : OCI_CHUNK_MIN;
	c->progress = opts->progress;
	c->progress_ctx = opts->progress_ctx;
	if (opts->ca_file != NULL) {
		c->ca_file = strdup(opts->ca_file);
		if (c->ca_file == NULL) {
			rc = ae_fail(err, AE_ERR, "out of memory");
			goto done;
		}
	}
	if (opts->username != NULL) {
		c->creds.user = strdup(opts->username);
		c->creds.pass = strdup(opts->password ? opts->password : "");
		if (c->creds.user == NULL || c->creds.pass == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	} else {
		rc = oci__creds_from_docker_config(
			&c->creds, opts->docker_config, ref->registry, err);
	}
done:
	if (rc < 0) {
		oci_client_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

long oci_client_last_status(const oci_client *c)
{
	return c == NULL ? 0 : c->last_status;
}

void oci_client_free(oci_client *c)
{
	if (c == NULL)
		return;
	ae_http_conn_free(c->conn);
	oci__creds_dispose(&c->creds);
	if (c->bearer != NULL) {
		memset(c->bearer, 0, strlen(c->bearer));
		free(c->bearer);
	}
	free(c->ca_file);
	free(c);
}

/* Points `r` at `url` (relative to `base`) as the registry policy
 * allows: plain http only with --registry-plain-http, to loopback. */
static int http_req_target(oci_req *r, const oci_client *c, const char *url,
			   const ae_url *base, const char *what, ae_err *err)
{
	int rc = ae_url_check(&r->target, url, base, &c->origin,
			      c->plain_http ? AE_URL_PLAIN_LOOPBACK : 0, what,
			      err);

	if (rc < 0)
		return rc;
	snprintf(r->url, sizeof(r->url), "%s", r->target.url);
	r->foreign = !ae_url_same_origin(&r->target, &c->origin);
	return 0;
}

int oci__req_init(oci_req *r, oci_client *c, const char *method,
		  const char *path, ae_err *err)
{
	memset(r, 0, sizeof(*r));
	r->client = c;
	r->method = method;
	r->resp_fd = -1;
	return http_req_target(r, c, path, &c->origin, "request URL", err);
}

/* Copies a header value (after "name:") without surrounding blanks. */
static void http_hdr_value(char *out, size_t outsz, const char *v, size_t n,
			   bool *too_big)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' ||
			 v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= outsz) {
		if (too_big != NULL)
			*too_big = true;
		n = outsz - 1;
	}
	memcpy(out, v, n);
	out[n] = '\0';
}

/* Keeps the target of a Link header value `<url>; rel="next"` (OCI 1.1
 * referrers pagination, RFC 8288); anything else, or a target that does
 * not fit, is ignored. */
static void http_link_next(oci_req *r, const char *v, size_t n)
{
	const char *lt = memchr(v, '<', n), *gt;
	size_t rest;

	if (lt == NULL)
		return;
	gt = memchr(lt, '>', n - (size_t)(lt - v));
	if (gt == NULL || (size_t)(gt - lt - 1) >= sizeof(r->link))
		return;
	rest = n - (size_t)(gt + 1 - v);
	if (memmem(gt + 1, rest, "rel=\"next\"", 10) == NULL &&
	    memmem(gt + 1, rest, "rel=next", 8) == NULL)
		return;
	memcpy(r->link, lt + 1, (size_t)(gt - lt - 1));
	r->link[gt - lt - 1] = '\0';
}

static bool http_hdr_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

static size_t http_on_header(char *line, size_t size, size_t nitems, void *ud)
{
	oci_req *r = ud;
	size_t n = size * nitems;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue or a redirect) */
		const char *sp = memchr(line, ' ', n);
		r->status = 0;
		for (const char *p = sp ? sp + 1 : line + n;
		     p < line + n && *p >= '0' && *p <= '9'; p++)
			r->status = r->status * 10 + (*p - '0');
		r->location[0] = r->digest[0] = r->www_auth[0] = '\0';
		r->link[0] = '\0';
		r->oci_subject = false;
	} else if (http_hdr_is(line, n, "link")) {
		http_link_next(r, line + 5, n - 5);
	} else if (http_hdr_is(line, n, "location")) {
		http_hdr_value(r->location, sizeof(r->location), line + 9,
			       n - 9, NULL);
	} else if (http_hdr_is(line, n, "docker-content-digest")) {
		http_hdr_value(r->digest, sizeof(r->digest), line + 22, n - 22,
			       NULL);
	} else if (http_hdr_is(line, n, "www-authenticate")) {
		http_hdr_value(r->www_auth, sizeof(r->www_auth), line + 17,
			       n - 17, &r->www_auth_big);
	} else if (http_hdr_is(line, n, "oci-subject")) {
		r->oci_subject = true;
	}
	return n;
}

/* Writes all of data to fd; 0 or an errno. */
static int http_write_all(int fd, const unsigned char *p, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		off += (size_t)w;
	}
	return 0;
}

/* Writes all of data to r->resp_fd, hashes it into r->resp_hash and
 * lends it to r->reader (an extractor: it inflates these very bytes,
 * never the file, while they are written and hashed); false with
 * r->io_errno when the write fails. With `keep` the extractor is through
 * with them before this returns (libcurl's own buffer, reused once we
 * return); without, they stay lent until the next lend or
 * http_reader_back (a gather buffer of ours, not touched meanwhile). */
static bool http_write_fd(oci_req *r, const void *data, size_t n, bool keep)
{
	if (r->reader != NULL)
		oci__untar_stream_lend(r->reader, data, n);
	r->io_errno = http_write_all(r->resp_fd, data, n);
	if (r->resp_hash != NULL)
		ae_sha256_update(r->resp_hash, data, n);
	if (r->reader != NULL && keep)
		oci__untar_stream_wait(r->reader);
	return r->io_errno == 0;
}

/* Takes back what is lent to the extractor: before the gather buffers
 * are freed. */
static void http_reader_back(oci_req *r)
{
	if (r->reader != NULL)
		oci__untar_stream_wait(r->reader);
}

/* Writes the bytes gathered in the current buffer out, hashed and lent
 * to the extractor, which reads them while the next ones gather in the
 * other buffer (lending those waits until it is through with these);
 * false on failure. */
static bool http_flush(oci_req *r)
{
	bool ok = r->wlen == 0 ||
		  http_write_fd(r, r->wbuf[r->wcur], r->wlen, false);

	if (r->wlen > 0)
		r->wcur ^= 1;
	r->wlen = 0;
	return ok;
}

/* Sends a piece of the body to the file, hashed: gathered in a buffer
 * (libcurl hands over at most its receive buffer at a time, less when
 * the socket has less), or directly when it fills a buffer. */
static bool http_to_fd(oci_req *r, const char *data, size_t n)
{
	if (r->wbuf[0] == NULL || n >= HTTP_DOWN_BUF)
		return http_flush(r) && http_write_fd(r, data, n, true);
	if (r->wlen + n > HTTP_DOWN_BUF && !http_flush(r))
		return false;
	memcpy(r->wbuf[r->wcur] + r->wlen, data, n);
	r->wlen += n;
	return true;
}

/* Bodies are written to the file only for a success status; error bodies
 * go to a small discard counter (the caller reads the status). */
static size_t http_on_body(char *data, size_t size, size_t nitems, void *ud)
{
	oci_req *r = ud;
	size_t n = size * nitems;

	if (r->status < 200 || r->status > 299) {
		r->err_body += n;
		if (r->err_body <= HTTP_ERROR_BODY_MAX)
			return n;
		r->resp_cut = true; /* read as its status, below */
		return 0;
	}
	if (r->resp_fd >= 0) {
		if (r->got + n > r->resp_max) {
			r->resp_over = true;
			return 0;
		}
		if (!http_to_fd(r, data, n))
			return 0;
	} else if (r->resp != NULL && r->resp_cut_ok &&
		   r->resp->len + n > r->resp->max) {
		/* a listing read up to its cap: keep what fits, stop */
		size_t fit = r->resp->max - r->resp->len;
		if (fit > 0 && ae_buf_put(r->resp, data, fit, NULL) < 0)
			r->resp_over = true;
		r->resp_cut = true;
		return 0;
	} else if (r->resp != NULL) {
		if (ae_buf_put(r->resp, data, n, NULL) < 0) {
			r->resp_over = true;
			return 0;
		}
	}
	r->got += n;
	return n;
}

static size_t http_on_read(char *buf, size_t size, size_t nitems, void *ud)
{
	oci_req *r = ud;
	size_t want = size * nitems;
	uint64_t left = r->body_len - r->body_off;
	ssize_t got;

	if (left == 0)
		return 0;
	if (want > left)
		want = (size_t)left;
	if (r->body != NULL) {
		memcpy(buf, r->body + r->body_off, want);
		got = (ssize_t)want;
	} else {
		got = r->body_layer != NULL
			      ? oci__layer_pread(r->body_layer, buf, want,
						 r->body_off)
			      : -1;
		if (got <= 0) {
			r->io_errno = got < 0 ? errno : EIO;
			return CURL_READFUNC_ABORT;
		}
	}
	if (r->body_hash != NULL)
		ae_sha256_update(r->body_hash, buf, (size_t)got);
	r->body_off += (uint64_t)got;
	return (size_t)got;
}

static int http_on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
			    curl_off_t ultotal, curl_off_t ulnow)
{
	oci_req *r = ud;
	oci_client *c = r->client;

	if (c->progress == NULL || r->what == NULL)
		return 0;
	if (ultotal > 0)
		c->progress(c->progress_ctx, r->what,
			    r->progress_base + (uint64_t)ulnow,
			    r->progress_total);
	else if (dltotal > 0)
		c->progress(c->progress_ctx, r->what, (uint64_t)dlnow,
			    (uint64_t)dltotal);
	return 0;
}

/* The request's own header lines into `lines` (storage in `buf`): the
 * engine adds the credentials for the registry's origin. */
typedef struct http_lines {
	const char *v[8];
	char accept[2048];
	char ctype[512];
	char range[96];
} http_lines;

static void http_lines_build(http_lines *l, const oci_req *r)
{
	size_t n = 0;

	l->v[n++] = "Expect:";
	if (strcmp(r->method, "POST") == 0 && !r->has_body) {
		l->v[n++] = "Content-Length: 0";
		l->v[n++] = "Content-Type:";
	}
	if (r->accept != NULL) {
		snprintf(l->accept, sizeof(l->accept), "Accept: %s", r->accept);
		l->v[n++] = l->accept;
	}
	if (r->content_type != NULL) {
		snprintf(l->ctype, sizeof(l->ctype), "Content-Type: %s",
			 r->content_type);
		l->v[n++] = l->ctype;
	}
	if (r->content_range[0] != '\0') {
		snprintf(l->range, sizeof(l->range), "Content-Range: %s",
			 r->content_range);
		l->v[n++] = l->range;
	}
	l->v[n] = NULL;
}

/* Words a transfer failure (issue 20 items 2, 3): DNS, refused and
 * broken connections and timeouts are transient and name the host; TLS
 * spoken to a plain-HTTP registry and an untrusted certificate say which
 * flag fixes them; the operation's deadline passing says so. */
static int http_transfer_fail(oci_client *c, const oci_req *r, CURLcode cc,
			      ae_err *err)
{
	char host[AE_URL_HOST_MAX + 8];
	const char *eb = c->last_try.errbuf;
	ae_http_fault f = ae_http_fault_of(cc, eb);

	c->last_fault = f;
	snprintf(host, sizeof(host), "%s:%u", r->target.host, r->target.port);
	if (f == AE_HTTP_FAULT_TIMEOUT && c->deadline.at_ms != 0 &&
	    ae_deadline_left_ms(c->deadline) == 0)
		return ae_fail(err, AE_ETRANSIENT,
			       "the time limit passed while waiting for the "
			       "registry at %s (transient)",
			       host);
	if (f == AE_HTTP_FAULT_PLAIN)
		return ae_fail(err, AE_EINVAL,
			       "the registry at %s answered plain HTTP: use "
			       "--registry-plain-http (loopback only) or fix "
			       "its TLS",
			       host);
	if (f == AE_HTTP_FAULT_CERT)
		return ae_fail(err, AE_EINVAL,
			       "the TLS certificate of the registry at %s is "
			       "not trusted (%s): pass its CA with "
			       "--registry-ca-file FILE",
			       host, eb[0] ? eb : "-");
	return ae_http_fail(err, cc, eb, "registry", host);
}

/* Maps a libcurl failure: transport faults are transient, the rest (TLS
 * verification, protocol refusals) are not. */
static int http_curl_fail(oci_client *c, oci_req *r, CURLcode cc, ae_err *err)
{
	if (r->resp_over)
		return ae_fail(err, AE_ETOOBIG,
			       "response body over its cap of %llu bytes",
			       (unsigned long long)(r->resp_fd >= 0
							    ? r->resp_max
							    : r->resp->max));
	if (r->io_errno != 0 && r->body_layer != NULL &&
	    oci__layer_error(r->body_layer)[0] != '\0')
		return ae_fail(err, AE_EIO, "reading the bundle: %s",
			       oci__layer_error(r->body_layer));
	if (r->io_errno != 0)
		return ae_fail(err, AE_EIO, "local I/O during transfer: %s",
			       strerror(r->io_errno));
	return http_transfer_fail(c, r, cc, err);
}

/* Performs one exchange on the engine; 0 with r->status, or a failure
 * code. */
static int http_once(oci_client *c, oci_req *r, ae_err *err)
{
	ae_http_tls tls = {c->ca_file, c->insecure_tls};
	ae_http_try *t = &c->last_try;
	ae_http_xfer x;
	http_lines lines;
	CURLcode cc;
	int rc;

	http_lines_build(&lines, r);
	memset(&x, 0, sizeof(x));
	x.url = &r->target;
	x.method = r->method;
	x.headers = lines.v;
	/* the registry's credentials go to its own origin only (the engine
	 * checks the URL against cred_origin); a token request carries the
	 * Basic credentials to the realm, which is what the realm is for,
	 * and never the previous token */
	x.cred_origin = r->token_req ? NULL : &c->origin;
	if (!r->foreign && !r->token_req)
		x.bearer = c->bearer;
	if ((c->send_basic || r->token_req) && c->creds.user != NULL &&
	    !r->foreign) {
		x.basic_user = c->creds.user;
		x.basic_pass = c->creds.pass;
	}
	if (r->has_body) {
		x.read = http_on_read;
		x.read_ud = r;
		x.body_len = r->body_len - r->body_start;
		if (r->body_layer != NULL)
			x.upload_buffer = HTTP_UP_BUF;
	}
	x.write = http_on_body;
	x.write_ud = r;
	x.header = http_on_header;
	x.header_ud = r;
	x.progress = http_on_progress;
	x.progress_ud = r;
	if (r->resp_fd >= 0)
		x.resp_max = r->resp_max;
	if (r->resp_fd >= 0 && r->resp_max > (uint64_t)HTTP_DOWN_BUF)
		x.download_buffer = HTTP_DOWN_BUF;
	x.expected = r->expected   ? r->expected
		     : r->has_body ? r->body_len - r->body_start
				   : 0;
	x.deadline = c->deadline;
	x.tls = &tls;
	x.user_agent = HTTP_UA;
	if (r->resp_fd >= 0) /* NULL: unbuffered writes */
		r->wbuf[0] = malloc(2 * (size_t)HTTP_DOWN_BUF);
	r->wbuf[1] = r->wbuf[0] ? r->wbuf[0] + HTTP_DOWN_BUF : NULL;
	r->wlen = 0;
	r->wcur = 0;
	rc = ae_http_perform(c->conn, &x, t, err);
	cc = t->cc;
	if (rc == 0 && cc == CURLE_OK && r->resp_fd >= 0 && !http_flush(r))
		cc = CURLE_WRITE_ERROR;
	http_reader_back(r); /* nothing of ours stays lent */
	free(r->wbuf[0]);
	r->wbuf[0] = r->wbuf[1] = NULL;
	if (rc < 0)
		return rc;
	r->content_length = t->content_length;
	r->retry_after_ms = t->retry_after_ms;
	if (cc == CURLE_FILESIZE_EXCEEDED)
		r->resp_over = true;
	if (cc == CURLE_WRITE_ERROR && r->resp_cut && !r->resp_over)
		cc = CURLE_OK; /* we stopped reading, by design */
	c->last_status = 0;
	c->last_fault = AE_HTTP_FAULT_OTHER;
	if (cc != CURLE_OK)
		return http_curl_fail(c, r, cc, err);
	r->status = t->status;
	c->last_status = r->status;
	return 0;
}

/* Appends "&scope=<escaped>" for each space-separated scope in `scopes`. */
static int http_add_scopes(ae_buf *url, const char *scopes, ae_err *err)
{
	char e[4096];
	const char *p = scopes;
	int rc = 0;

	while (*p != '\0' && rc == 0) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (n > 0) {
			rc = ae_url_escape(e, sizeof(e), p, n, err);
			if (rc == 0)
				rc = ae_buf_printf(url, err, "&scope=%s", e);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return rc;
}

/* The scope to ask for: the challenge's, widened to pull,push for our own
 * repository when pushing (saves a second round), or ours when absent. */
static void http_scope(char *out, size_t outsz, const oci_client *c,
		       const char *challenged)
{
	char pull[300];

	snprintf(pull, sizeof(pull), "repository:%s:pull", c->repo);
	if (challenged[0] == '\0' || (c->push && strcmp(challenged, pull) == 0))
		snprintf(out, outsz, "repository:%s:%s", c->repo,
			 c->push ? "pull,push" : "pull");
	else
		snprintf(out, outsz, "%s", challenged);
}

/* Reads the token out of the token server's JSON (`token` or
 * `access_token`, oci.md §4.2) into c->bearer. */
static int http_token_take(oci_client *c, const ae_buf *body, ae_err *err)
{
	json_t *root = NULL;
	const char *tok;
	int rc;

	rc = ae_json_parse((void **)&root, body->data, body->len, err);
	if (rc < 0)
		return ae_fail(err, AE_EAUTH, "token response is not JSON");
	tok = json_string_value(json_object_get(root, "token"));
	if (tok == NULL || *tok == '\0')
		tok = json_string_value(json_object_get(root, "access_token"));
	if (tok == NULL || *tok == '\0' || strlen(tok) > HTTP_TOKEN_MAX) {
		json_decref(root);
		return ae_fail(err, AE_EAUTH, "token response has no token");
	}
	for (const char *p = tok; *p; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			json_decref(root);
			return ae_fail(err, AE_EAUTH,
				       "token holds a byte not allowed in a "
				       "header");
		}
	if (c->bearer != NULL) {
		OPENSSL_cleanse(c->bearer, strlen(c->bearer));
		free(c->bearer);
	}
	c->bearer = strdup(tok);
	json_decref(root);
	return c->bearer ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* The URL policy for the token realm (issue 23 item 2): https, or plain
 * http to loopback -- and then, when credentials go along, only for a
 * registry that is itself plain-http loopback; never userinfo. Judged on
 * the realm as libcurl parses it, not on its text. */
static int http_token_policy(ae_url *out, const oci_client *c, const char *url,
			     ae_err *err)
{
	unsigned flags = AE_URL_PLAIN_LOOPBACK;

	if (c->creds.user != NULL)
		flags |= AE_URL_SECRET;
	return ae_url_check(out, url, NULL, &c->origin, flags, "token realm",
			    err);
}

/* Builds the token URL: realm?service=..&scope=.. (oci.md §4.2), the
 * realm judged by http_token_policy first. */
static int http_token_url(ae_buf *url, oci_client *c, const oci_challenge *ch,
			  ae_err *err)
{
	char scope[1400], svc[4096];
	ae_url realm;
	int rc;

	rc = http_token_policy(&realm, c, ch->realm, err);
	if (rc < 0)
		return rc;
	http_scope(scope, sizeof(scope), c, ch->scope);
	rc = ae_buf_printf(url, err, "%s%s", ch->realm,
			   strchr(ch->realm, '?') ? "&" : "?");
	if (rc == 0 && ch->service[0] != '\0') {
		rc = ae_url_escape(svc, sizeof(svc), ch->service, 0, err);
		if (rc == 0)
			rc = ae_buf_printf(url, err, "service=%s", svc);
	}
	if (rc == 0)
		rc = http_add_scopes(url, scope, err);
	return rc;
}

/* Prepares the GET of the token URL: judged again as a whole (the query
 * we added cannot change the host, but the check is cheap), the registry
 * credentials as Basic (that is the protocol), never the previous token. */
static int http_token_req_init(oci_req *r, oci_client *c, const char *url,
			       ae_err *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->client = c;
	r->method = "GET";
	r->resp_fd = -1;
	r->token_req = true;
	rc = http_token_policy(&r->target, c, url, err);
	if (rc == 0)
		snprintf(r->url, sizeof(r->url), "%s", r->target.url);
	return rc;
}

/* One bearer round: GET the realm (Basic credentials if configured),
 * retried like any idempotent GET. */
static int http_token_fetch(oci_client *c, const oci_challenge *ch, ae_err *err)
{
	ae_buf url = AE_BUF_INIT(8192);
	ae_buf body = AE_BUF_INIT(OCI_TOKEN_RESPONSE_MAX);
	oci_req *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = http_token_url(&url, c, ch, err);
	if (rc == 0)
		rc = http_token_req_init(r, c, (const char *)url.data, err);
	if (rc < 0)
		goto done;
	r->resp = &body;
	rc = oci__send(c, r, true, err);
	if (rc < 0)
		goto done;
	switch (r->status) {
	case 200:
		rc = http_token_take(c, &body, err);
		break;
	case 401:
	case 403:
		rc = ae_fail(err, AE_EAUTH,
			     "token server refused the credentials (HTTP %ld)",
			     r->status);
		break;
	default:
		rc = oci__status_fail(r, "token server", err);
	}
done:
	ae_buf_dispose(&url);
	ae_buf_dispose(&body);
	free(r);
	return rc;
}

/* Answers a 401 once: Basic → send credentials; Bearer → fetch a token. */
static int http_auth_round(oci_client *c, oci_req *r, ae_err *err)
{
	oci_challenge ch;
	int rc;

	if (r->www_auth[0] == '\0' || r->www_auth_big)
		return ae_fail(err, AE_EAUTH,
			       "registry answered 401 without a usable "
			       "WWW-Authenticate challenge");
	rc = oci_challenge_parse(&ch, r->www_auth, strlen(r->www_auth), err);
	if (rc < 0)
		return ae_fail(err, AE_EAUTH, "bad WWW-Authenticate challenge");
	if (ch.scheme == OCI_AUTH_BASIC) {
		if (c->creds.user == NULL)
			return ae_fail(err, AE_EAUTH,
				       "registry requires credentials: use "
				       "--registry-username with "
				       "--registry-password-stdin or docker "
				       "login");
		if (c->send_basic)
			return ae_fail(err, AE_EAUTH,
				       "registry refused the credentials");
		c->send_basic = true;
		return 0;
	}
	return http_token_fetch(c, &ch, err);
}

int oci__retry_wait(oci_client *c, unsigned attempt, int64_t retry_after_ms,
		    uint64_t *waited_ms, const char *why, ae_err *err)
{
	uint64_t wait;
	char cause[AE_ERR_MSG_MAX];

	snprintf(cause, sizeof(cause), "%s", why);
	if (attempt >= c->attempts) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETRANSIENT,
			       "%s after %u attempts (transient: retry later)",
			       cause, attempt);
	}
	wait = ae_http_backoff_ms(attempt, c->base_ms, retry_after_ms);
	if (c->deadline.at_ms != 0 &&
	    (int64_t)wait >= ae_deadline_left_ms(c->deadline)) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETRANSIENT,
			       "%s; the time limit leaves no room for "
			       "attempt %u (transient: retry later)",
			       cause, attempt + 1);
	}
	if (*waited_ms + wait > c->budget_ms) {
		ae_err_clear(err);
		return ae_fail(err, AE_ETRANSIENT,
			       "%s; retry budget of %u ms spent after %u "
			       "attempts (transient: retry later)",
			       cause, c->budget_ms, attempt);
	}
	ae_http_sleep_ms(wait);
	*waited_ms += wait;
	ae_err_clear(err);
	return 0;
}

/* Resets the response half before an attempt; rewinds bodies and output. */
static int http_rewind(oci_req *r, ae_err *err)
{
	r->status = 0;
	r->resp_over = false;
	r->resp_cut = false;
	r->err_body = 0;
	r->io_errno = 0;
	r->location[0] = r->digest[0] = r->www_auth[0] = '\0';
	r->link[0] = '\0';
	r->retry_after_ms = -1;
	r->www_auth_big = false;
	r->body_off = r->body_start;
	if (r->got > 0 && r->reader != NULL) { /* its reader cannot rewind */
		oci__untar_stream_cut(r->reader);
		r->reader = NULL;
		r->tee_cut = true;
	}
	r->got = 0;
	if (r->resp != NULL)
		ae_buf_dispose(r->resp);
	if (r->resp_hash != NULL) {
		/* the partial body of a failed attempt is not hashed twice */
		ae_sha256_free(r->resp_hash);
		r->resp_hash = NULL;
		if (ae_sha256_new(&r->resp_hash, err) < 0)
			return AE_ERR;
	}
	if (r->resp_fd >= 0 && (ftruncate(r->resp_fd, 0) != 0 ||
				lseek(r->resp_fd, 0, SEEK_SET) != 0))
		return ae_fail(err, AE_EIO, "truncate download: %s",
			       strerror(errno));
	return 0;
}

/* True iff `status` is a redirect we may follow (blob GETs only). */
static bool http_is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

/* Follows a redirect of a blob GET by hand (issue 23 item 7): the
 * engine's rule (ae_http_redirect: at most AE_HTTP_MAX_REDIRS hops, each
 * target resolved against the URL that answered and judged by the
 * registry's URL policy -- https only, or plain http to loopback with
 * --registry-plain-http, no userinfo), credentials only to the registry's
 * own origin. */
static int http_redirect(oci_client *c, oci_req *r, ae_err *err)
{
	ae_url next;
	int rc;

	if (r->location[0] == '\0')
		return ae_fail(err, AE_EINVAL,
			       "registry answered HTTP %ld without Location",
			       r->status);
	rc = ae_http_redirect(&next, &r->target, r->location, &r->hops,
			      &c->origin,
			      c->plain_http ? AE_URL_PLAIN_LOOPBACK : 0, err);
	if (rc < 0)
		return rc;
	r->target = next;
	snprintf(r->url, sizeof(r->url), "%s", next.url);
	r->foreign = !ae_url_same_origin(&next, &c->origin);
	return 0;
}

int oci__send(oci_client *c, oci_req *r, bool retry, ae_err *err)
{
	bool authed = false;
	unsigned attempt = 0, stalls = 0;
	uint64_t waited = 0;
	char why[AE_ERR_MSG_MAX + 32];
	int rc;

	for (;;) {
		rc = http_rewind(r, err);
		if (rc == 0)
			rc = http_once(c, r, err);
		if (rc == 0 && r->follow && http_is_redirect(r->status)) {
			rc = http_redirect(c, r, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (rc == 0 && r->status == 401 && r->body_hash != NULL)
			/* the hash already holds the body: restart the upload
			 * (its POST will authenticate) rather than re-send */
			return ae_fail(err, AE_ETRANSIENT,
				       "upload answered 401 mid-session");
		if (rc == 0 && r->status == 401 && !authed && !r->foreign &&
		    !r->token_req) {
			authed = true;
			rc = http_auth_round(c, r, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (rc == 0 && r->status == 401 && !r->foreign && !r->token_req)
			return ae_fail(err, AE_EAUTH,
				       "registry refused the credentials "
				       "(HTTP 401 after authenticating)");
		/* the engine's table (a registry's own token is no secret
		 * kept from it); our transient words for a transfer that
		 * failed are the table's transient faults */
		if (rc != AE_ETRANSIENT &&
		    !(rc == 0 && oci__status_transient(r->status)))
			return rc;
		if (!ae_http_may_retry(retry ? AE_HTTP_IDEMPOTENT
					     : AE_HTTP_NO_RETRY,
				       false, &c->last_try))
			return rc;
		if (!retry || (c->deadline.at_ms != 0 &&
			       ae_deadline_left_ms(c->deadline) == 0))
			return rc;
		/* a small answer that stalled (the low-speed abort) is tried
		 * once more, not c->attempts times: a drip would hold each
		 * try for the whole stall window */
		if (rc == AE_ETRANSIENT && r->resp != NULL &&
		    c->last_fault == AE_HTTP_FAULT_TIMEOUT && ++stalls > 1)
			return rc;
		if (rc == 0)
			snprintf(why, sizeof(why), "registry answered HTTP %ld",
				 r->status);
		else
			snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		attempt++;
		rc = oci__retry_wait(c, attempt, r->retry_after_ms, &waited,
				     why, err);
		if (rc < 0)
			return rc;
	}
}

int oci__status_fail(const oci_req *r, const char *what, ae_err *err)
{
	switch (r->status) {
	case 401:
	case 403:
		return ae_fail(err, AE_EAUTH, "%s: HTTP %ld (access denied)",
			       what, r->status);
	case 404:
		return ae_fail(err, AE_ENOTFOUND, "%s: HTTP 404 (not found)",
			       what);
	default:
		if (oci__status_transient(r->status))
			return ae_fail(err, AE_ETRANSIENT,
				       "%s: HTTP %ld (transient)", what,
				       r->status);
		return ae_fail(err, AE_EINVAL, "unexpected HTTP %ld from %s",
			       r->status, what);
	}
}
