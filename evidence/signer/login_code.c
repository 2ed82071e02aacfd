/* evidence/signer/login_code.c -- the browser login: OAuth 2.0 authorization
 * code with PKCE and a loopback redirect (contract in evidence/signer/login.h)
 *
 * _begin discovers the provider, binds a listener on 127.0.0.1 (a random
 * port unless --oidc-redirect-url names one; RFC 8252 §7.3: the loopback
 * address, not a name some resolver could answer for) and builds the
 * authorization URL with fresh state, nonce and PKCE S256 challenge.
 * _finish serves connections side by side (up to CODE_CONN_MAX at once):
 * each must come from and to 127.0.0.1 (anything on this machine can
 * connect, so nothing about the request is trusted) and send its request
 * head within EV_LOGIN_CONN_TIMEOUT_S and EV_LOGIN_REQUEST_MAX_BYTES; a
 * connection that sends nothing holds nobody up. Past CODE_CONN_MAX a new
 * connection takes the slot of the oldest one that has sent nothing yet,
 * else of the oldest one (what has arrived is read before anything is
 * accepted): a flood of idle connections pushes out only its own, a flood
 * of half requests only its oldest half request, never a browser's
 * request that has arrived (code_slot). A request for
 * another path is answered 404, and one on the redirect path that is
 * malformed or lacks this login's state (compared in constant time) is
 * answered 400: both are waited past, so another local user cannot end
 * the login by sending the listener a callback of their own. The first
 * complete request on the redirect path with our state decides: an error
 * or another issuer ends the login, a code is exchanged once (with the
 * verifier, so a code seen by someone else is useless to them) and the ID
 * token checked; every other connection is then closed with the
 * listener. The page the browser shows echoes nothing it was sent.
 *
 * The browser is started on a page file (ev_login_start_page), never on a
 * URL that leads to the authorization URL: a command line is public
 * (/proc/PID/cmdline), and the authorization URL carries the state, nonce
 * and PKCE challenge -- with them another local user can log in as
 * themselves and deliver their own code to our listener (login CSRF). The
 * page is 0600 in a fresh 0700 directory, so the path on the command line
 * tells another user nothing; it refreshes to the authorization URL and is
 * removed with the login.
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CODE_RANDOM_BYTES 32 /* state, nonce, verifier: 256 bits each */
#define CODE_RANDOM_MAX	  64 /* their base64url text, with room */
#define CODE_PATH_MAX	  512
#define CODE_CONN_MAX	  16 /* connections served side by side */
#define CODE_PAGE_NAME	  "login.html"

struct ev_login {
	ev_login_opts o; /* strings below are our copies */
	char *issuer, *client_id, *client_secret;
	ev_oidc_provider prov;
	int fd;	 /* the listener, -1 once closed */
	int fd6; /* [::1] for a localhost redirect, else -1 */
	char redirect_uri[AE_URL_MAX];
	char path[CODE_PATH_MAX];
	char page_dir[PATH_MAX];  /* the start page's directory, or "" */
	char page[PATH_MAX + 16]; /* the start page, or "" */
	int page_base;		  /* the directory page_dir is in, or -1 */
	int page_slot;		  /* page_dir's ae_tmp_claim_end slot, or -1 */
	char state[CODE_RANDOM_MAX], nonce[CODE_RANDOM_MAX];
	char verifier[CODE_RANDOM_MAX];
	ae_buf url;	  /* the authorization URL */
	unsigned refused; /* callbacks answered 400 and waited past */
};

/* ---- the redirect URL and the listener ---- */

/* Splits --oidc-redirect-url: http, host 127.0.0.1 or localhost, an
 * optional port, an optional path without query or fragment. `host_out`
 * gets the host as written (it is what the provider compares). */
static int code_redirect_split(char host_out[16], unsigned *port_out,
			       char path_out[CODE_PATH_MAX], const char *url,
			       ae_err *err)
{
	const char *p, *slash;
	unsigned long port = 0;
	size_t hl;

	if (strncmp(url, "http://", 7) != 0)
		return ae_fail(
			err, AE_EINVAL,
			"--oidc-redirect-url must be http://127.0.0.1 or "
			"http://localhost (the listener is on this "
			"machine's loopback)");
	p = url + 7;
	slash = strchr(p, '/');
	hl = slash ? (size_t)(slash - p) : strlen(p);
	if (hl >= 9 && strncmp(p, "127.0.0.1", 9) == 0)
		memcpy(host_out, "127.0.0.1", 10), p += 9;
	else if (hl >= 9 && strncmp(p, "localhost", 9) == 0)
		memcpy(host_out, "localhost", 10), p += 9;
	else
		return ae_fail(err, AE_EINVAL,
			       "--oidc-redirect-url host must be 127.0.0.1 or "
			       "localhost: the listener binds 127.0.0.1 only "
			       "(and [::1] for localhost)");
	if (*p == ':')
		for (p++; *p >= '0' && *p <= '9' && port <= 65535; p++)
			port = port * 10 + (unsigned long)(*p - '0');
	if ((*p != '\0' && *p != '/') || port > 65535)
		return ae_fail(err, AE_EINVAL,
			       "--oidc-redirect-url has a bad port");
	if (*p == '\0')
		p = EV_LOGIN_REDIRECT_PATH;
	if (strlen(p) >= CODE_PATH_MAX || strpbrk(p, "?#%") != NULL ||
	    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789-._~/") != strlen(p))
		return ae_fail(err, AE_EINVAL,
			       "--oidc-redirect-url path must be plain "
			       "(letters, digits, -._~/), no query");
	memcpy(path_out, p, strlen(p) + 1);
	*port_out = (unsigned)port;
	return 0;
}

/* A listening socket on loopback `v6` ? [::1] : 127.0.0.1, port `port`
 * (0: any), into *fd_out; the port bound into *port_out. -errno-ish < 0
 * with errno set on failure. */
static int code_bind(int *fd_out, unsigned *port_out, bool v6, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, e;

	*fd_out = -1;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				 sizeof(one));
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*port_out = v6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
		       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return 0;
}

/* Binds and listens on 127.0.0.1:`port` (0: any free port) and, for a
 * localhost redirect, on [::1] at the same port too: a browser tries
 * localhost's ::1 first, so nobody else may hold it (a host without IPv6
 * loopback has no [::1] for anyone). Builds the redirect URI with the port
 * bound. */
static int code_listen(ev_login *l, ae_err *err)
{
	char host[16];
	unsigned port = 0, bound = 0;
	int rc;

	rc = code_redirect_split(host, &port, l->path,
				 l->o.redirect_url ? l->o.redirect_url
						   : "http://127.0.0.1",
				 err);
	if (rc < 0)
		return rc;
	for (int tries = 0;; tries++) {
		if (code_bind(&l->fd, &bound, false, port) < 0)
			return ae_fail(err, AE_EIO,
				       "cannot listen on 127.0.0.1:%u for the "
				       "login redirect: %s",
				       port, strerror(errno));
		if (strcmp(host, "localhost") != 0 ||
		    code_bind(&l->fd6, &bound, true, bound) == 0)
			break;
		if (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)
			break; /* no IPv6 loopback on this host */
		if (port != 0 || tries >= 16 || errno != EADDRINUSE)
			return ae_fail(err, AE_EIO,
				       "cannot listen on [::1]:%u for the "
				       "login redirect (localhost is ::1 "
				       "too, and a browser tries it first): "
				       "%s",
				       bound, strerror(errno));
		close(l->fd); /* a random port taken on ::1: another */
		l->fd = -1;
	}
	snprintf(l->redirect_uri, sizeof(l->redirect_uri), "http://%s:%u%s",
		 host, bound, l->path);
	return 0;
}

/* ---- the authorization URL ---- */

/* BASE64URL(SHA-256(verifier)), RFC 7636 §4.2. */
static int code_challenge(char out[CODE_RANDOM_MAX], const char *verifier,
			  ae_err *err)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *b64 = NULL;
	size_t k = 0;
	int rc;

	SHA256((const unsigned char *)verifier, strlen(verifier), md);
	rc = ae_base64_encode(&b64, md, sizeof(md), err);
	if (rc < 0)
		return rc;
	for (const char *p = b64; *p && *p != '=' && k + 1 < CODE_RANDOM_MAX;
	     p++)
		out[k++] = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out[k] = '\0';
	free(b64);
	return 0;
}

static int code_build_url(ev_login *l, ae_err *err)
{
	char challenge[CODE_RANDOM_MAX];
	ae_buf q = AE_BUF_INIT(AE_URL_MAX);
	const char *ep = l->prov.authorization_endpoint;
	int rc;

	rc = code_challenge(challenge, l->verifier, err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "response_type", "code", err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "client_id", l->client_id, err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "redirect_uri", l->redirect_uri,
					err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "scope", "openid email", err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "code_challenge", challenge, err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "code_challenge_method", "S256",
					err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "state", l->state, err);
	if (rc == 0)
		rc = ev__login_form_add(&q, "nonce", l->nonce, err);
	if (rc == 0)
		rc = ae_buf_printf(&l->url, err, "%s%c%.*s", ep,
				   strchr(ep, '?') ? '&' : '?', (int)q.len,
				   (const char *)q.data);
	ae_buf_dispose(&q);
	return rc;
}

/* Copies the options, filling the defaults. */
static int code_opts(ev_login *l, const ev_login_opts *o, ae_err *err)
{
	l->o = *o;
	l->issuer = strdup(o->issuer ? o->issuer : EV_LOGIN_DEFAULT_ISSUER);
	l->client_id = strdup(o->client_id ? o->client_id
					   : EV_LOGIN_DEFAULT_CLIENT_ID);
	l->client_secret = o->client_secret ? strdup(o->client_secret) : NULL;
	if (l->issuer == NULL || l->client_id == NULL ||
	    (o->client_secret != NULL && l->client_secret == NULL))
		return ae_fail(err, AE_ERR, "out of memory");
	l->o.issuer = l->issuer;
	l->o.client_id = l->client_id;
	l->o.client_secret = l->client_secret;
	if (l->o.now == 0)
		l->o.now = (int64_t)time(NULL);
	return 0;
}

int ev_login_begin(ev_login **out, const ev_login_opts *opts, ae_err *err)
{
	ev_login *l = NULL;
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(opts != NULL, err);
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	l->fd = -1;
	l->fd6 = -1;
	l->page_base = l->page_slot = -1;
	ae_buf_init(&l->url, 2 * AE_URL_MAX);
	rc = code_opts(l, opts, err);
	if (rc == 0)
		rc = ev__login_random(l->state, sizeof(l->state),
				      CODE_RANDOM_BYTES, err);
	if (rc == 0)
		rc = ev__login_random(l->nonce, sizeof(l->nonce),
				      CODE_RANDOM_BYTES, err);
	if (rc == 0)
		rc = ev__login_random(l->verifier, sizeof(l->verifier),
				      CODE_RANDOM_BYTES, err);
	/* the listener first: a bad --oidc-redirect-url is refused before
	 * any request */
	if (rc == 0)
		rc = code_listen(l, err);
	if (rc == 0)
		rc = ev_oidc_discover(&l->prov, l->issuer, l->o.deadline_ms,
				      err);
	if (rc == 0)
		rc = code_build_url(l, err);
	if (rc < 0) {
		ev_login_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

const char *ev_login_url(const ev_login *l)
{
	return l && l->url.data ? (const char *)l->url.data : "";
}

/* ---- the start page ---- */

/* Appends `s` with the five HTML-special characters as references. */
static int code_html_put(ae_buf *b, const char *s, ae_err *err)
{
	int rc = 0;

	for (; *s && rc == 0; s++) {
		const char *r = *s == '&'    ? "&amp;"
				: *s == '"'  ? "&quot;"
				: *s == '\'' ? "&#39;"
				: *s == '<'  ? "&lt;"
				: *s == '>'  ? "&gt;"
					     : NULL;

		rc = r ? ae_buf_puts(b, r, err) : ae_buf_put(b, s, 1, err);
	}
	return rc;
}

/* The page: a refresh to the authorization URL and a link to it, no
 * script, no referrer. */
static int code_page_text(ae_buf *b, const ev_login *l, ae_err *err)
{
	int rc;

	rc = ae_buf_puts(b,
			 "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
			 "<meta name=\"referrer\" content=\"no-referrer\">"
			 "<meta http-equiv=\"refresh\" content=\"0; url=",
			 err);
	if (rc == 0)
		rc = code_html_put(b, ev_login_url(l), err);
	if (rc == 0)
		rc = ae_buf_puts(b,
				 "\"><title>aicr-evidence: log in</title>"
				 "</head><body><p><a href=\"",
				 err);
	if (rc == 0)
		rc = code_html_put(b, ev_login_url(l), err);
	if (rc == 0)
		rc = ae_buf_puts(b,
				 "\">Continue to the login</a> (aicr-evidence "
				 "is waiting for it).</p></body></html>\n",
				 err);
	return rc;
}

/* True iff `fd` is a directory of ours that nobody else may enter. */
static bool code_dir_private(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid() && (st.st_mode & 077) == 0;
}

static void code_page_remove(ev_login *l);

int ev_login_start_page(const char **path_out, ev_login *l, const char *base,
			ae_err *err)
{
	ae_buf page = AE_BUF_INIT(8 * AE_URL_MAX);
	ae_tmp_claim claim;
	bool made;
	int dfd = -1, rc = 0, e;

	*path_out = NULL;
	AE_ASSERT_ARG(l != NULL, err);
	if (l->page[0] != '\0') {
		*path_out = l->page;
		return 0;
	}
	if (base == NULL || base[0] != '/')
		base = "/tmp";
	char why[256];

	if (ae_path_guarded(base, why, sizeof(why)) < 0)
		return ae_fail(err, AE_EVERIFY,
			       "no private place for the login page: %s", why);
	if ((size_t)snprintf(l->page_dir, sizeof(l->page_dir),
			     "%s/aicr-evidence-login-XXXXXX",
			     base) >= sizeof(l->page_dir) - 16) {
		l->page_dir[0] = '\0';
		return ae_fail(err, AE_EINVAL,
			       "the directory for the login page is too long");
	}
	/* mkdtemp: a new directory, 0700, never one that was there; an
	 * interrupt (^C at the prompt) removes it too, so it is claimed
	 * before it is made */
	l->page_base = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ae_tmp_claim_begin(&claim);
	made = mkdtemp(l->page_dir) != NULL;
	e = errno;
	l->page_slot = ae_tmp_claim_end(&claim, l->page_base,
					made && l->page_base >= 0
						? strrchr(l->page_dir, '/') + 1
						: NULL,
					true);
	if (!made) {
		l->page_dir[0] = '\0';
		if (l->page_base >= 0)
			close(l->page_base);
		l->page_base = -1;
		return ae_fail(err, AE_EIO,
			       "cannot make a private directory for the login "
			       "page under %s: %s",
			       base, strerror(e));
	}
	dfd = open(l->page_dir,
		   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || !code_dir_private(dfd))
		rc = ae_fail(err, AE_EIO,
			     "the login page's directory %s is not private",
			     l->page_dir);
	if (rc == 0)
		rc = code_page_text(&page, l, err);
	if (rc == 0)
		rc = ae_write_new(dfd, CODE_PAGE_NAME, page.data, page.len,
				  0600, err);
	if (dfd >= 0)
		close(dfd);
	if (page.data != NULL)
		OPENSSL_cleanse(page.data, page.len);
	ae_buf_dispose(&page);
	if (rc < 0) {
		code_page_remove(l);
		return rc;
	}
	snprintf(l->page, sizeof(l->page), "%s/%s", l->page_dir,
		 CODE_PAGE_NAME);
	*path_out = l->page;
	return 0;
}

/* Removes the start page and its directory. */
static void code_page_remove(ev_login *l)
{
	if (l->page[0] != '\0')
		(void)unlink(l->page);
	if (l->page_dir[0] != '\0')
		(void)rmdir(l->page_dir);
	l->page[0] = l->page_dir[0] = '\0';
	ae_tmp_forget(l->page_slot);
	l->page_slot = -1;
	if (l->page_base >= 0)
		close(l->page_base);
	l->page_base = -1;
}

/* ---- waiting for the redirect ---- */

/* Milliseconds to `deadline` (INT32_MAX-ish without one), at least 0. */
static int code_left_ms(int64_t deadline)
{
	ae_deadline d = {deadline};
	int64_t left = ae_deadline_left_ms(d);

	return left > 1000000000 ? 1000000000 : (int)left;
}

/* True iff two strings are equal, in time independent of where they
 * differ (the state is a secret of this login). */
static bool code_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* One browser connection being read. */
typedef struct code_conn {
	int fd;	     /* -1: a free slot */
	int64_t end; /* CLOCK_MONOTONIC ms by which its head must be in */
	ae_buf head;
} code_conn;

/* Reads what `c` has to give without waiting: 1 when its head is whole,
 * 0 when more may come, -1 when it ended, failed or went past the cap. */
static int code_conn_read(code_conn *c)
{
	char chunk[1024];
	ssize_t n;

	n = recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n <= 0 || ae_buf_put(&c->head, chunk, (size_t)n, NULL) < 0)
		return -1;
	if (c->head.len >= 2 &&
	    (memmem(c->head.data, c->head.len, "\r\n\r\n", 4) ||
	     memmem(c->head.data, c->head.len, "\n\n", 2)))
		return 1;
	return 0;
}

/* Answers the browser and closes the connection. The pages echo nothing
 * from the request. */
static void code_answer(int fd, int status, const char *text)
{
	char body[512], msg[1024];
	int nb, n;

	nb = snprintf(body, sizeof(body),
		      "<!DOCTYPE html><html><head><title>aicr-evidence"
		      "</title></head><body><p>%s</p><p>Return to the "
		      "terminal.</p></body></html>\n",
		      text);
	n = snprintf(msg, sizeof(msg),
		     "HTTP/1.1 %d %s\r\nContent-Type: text/html; "
		     "charset=utf-8\r\nCache-Control: no-store\r\n"
		     "Referrer-Policy: no-referrer\r\nConnection: close\r\n"
		     "Content-Length: %d\r\n\r\n%s",
		     status,
		     status == 200   ? "OK"
		     : status == 404 ? "Not Found"
				     : "Bad Request",
		     nb, body);
	if (nb > 0 && n > 0 && (size_t)n < sizeof(msg))
		(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

/* Closes a connection's slot, answering `status` first when not 0. */
static void code_conn_drop(code_conn *c, int status)
{
	if (c->fd < 0)
		return;
	if (status != 0)
		code_answer(c->fd, status, "Not found.");
	else
		close(c->fd);
	c->fd = -1;
	ae_buf_dispose(&c->head);
}

/* True iff `fd` was accepted from and on loopback: 127.0.0.1, or ::1
 * for the localhost redirect's second listener (the listeners bind no
 * other address; a check that fails closed if that ever changes). */
static bool code_conn_local(int fd, const struct sockaddr_storage *peer)
{
	struct sockaddr_storage me;
	socklen_t sl = sizeof(me);

	if (getsockname(fd, (struct sockaddr *)&me, &sl) < 0 ||
	    me.ss_family != peer->ss_family)
		return false;
	if (me.ss_family == AF_INET)
		return ((struct sockaddr_in *)&me)->sin_addr.s_addr ==
			       htonl(INADDR_LOOPBACK) &&
		       ((const struct sockaddr_in *)peer)->sin_addr.s_addr ==
			       htonl(INADDR_LOOPBACK);
	if (me.ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			       &((struct sockaddr_in6 *)&me)->sin6_addr) &&
		       IN6_IS_ADDR_LOOPBACK(
			       &((const struct sockaddr_in6 *)peer)->sin6_addr);
	return false;
}

/* True iff connection `c` may give its slot to a new one: it has sent
 * nothing -- no byte read, none waiting -- or its peer has gone. A
 * connection with part of a request (or all of one not yet read) is
 * never pushed out: it ends by its own deadline or its request. */
static bool code_conn_idle(const code_conn *c)
{
	char b;
	ssize_t n;

	if (c->head.len > 0)
		return false;
	n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n <= 0; /* nothing waiting, gone, or failed */
}

/* The slot a new connection would take: a free one, else the oldest idle
 * one (code_conn_idle), else the oldest of all. A flood of idle
 * connections thus pushes out only its own; a flood of half requests
 * pushes out the oldest half request, never a whole one, because what has
 * arrived is read before anything is accepted (and one accept per
 * listener per round): a browser's request is served the round it
 * arrives. Never waiting in the backlog is what keeps a flood of half
 * requests from holding the listener shut. */
static int code_slot(const code_conn *c)
{
	int idle = -1, oldest = 0;

	for (int i = 0; i < CODE_CONN_MAX; i++) {
		if (c[i].fd < 0)
			return i;
		if ((idle < 0 || c[i].end < c[idle].end) &&
		    code_conn_idle(&c[i]))
			idle = i;
		if (c[i].end < c[oldest].end)
			oldest = i;
	}
	return idle >= 0 ? idle : oldest;
}

/* Accepts one connection on `lfd` into slot `slot` of `c` (code_slot),
 * closing what held it. */
static void code_accept(code_conn *c, int slot, int lfd)
{
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);
	int cfd;

	cfd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (!code_conn_local(cfd, &peer)) {
		close(cfd);
		return;
	}
	code_conn_drop(&c[slot], 0);
	c[slot].fd = cfd;
	c[slot].end = ae_clock_ms() + EV_LOGIN_CONN_TIMEOUT_S * 1000;
	ae_buf_init(&c[slot].head, EV_LOGIN_REQUEST_MAX_BYTES);
}

/* Judges one whole request head: 1 when it is the redirect with this
 * login's state (`r` filled; the caller answers on `fd`), else 0 after
 * answering and closing `fd`: 404 for another path, 400 for a redirect
 * that is malformed or carries another or no state (counted in
 * l->refused). Neither ends the login: anyone on this machine may send
 * the listener a request, only the provider's redirect knows the state. */
static int code_take_one(ev_login_redirect *r, ev_login *l, int fd,
			 const ae_buf *head)
{
	int rc;

	rc = ev_login_redirect_parse(r, l->path, head->data, head->len, NULL);
	if (rc == 0 && r->on_path && r->state != NULL &&
	    code_equal(r->state, l->state))
		return 1;
	if (r->on_path) {
		l->refused++;
		code_answer(fd, 400,
			    rc < 0 ? "The login answer was malformed."
				   : "That is not the answer to this login.");
	} else {
		code_answer(fd, 404, "Not found.");
	}
	ev_login_redirect_dispose(r);
	memset(r, 0, sizeof(*r));
	return 0;
}

/* Waits for the redirect with this login's state, serving every
 * connection side by side; the connection it came on into *cfd_out,
 * still open, all others closed. AE_EAUTH when the deadline passes
 * first. In each round what has arrived is read before anything new is
 * accepted, so a connection's waiting request is taken before a flood
 * could claim its slot. */
static int code_wait(ev_login_redirect *r, int *cfd_out, ev_login *l,
		     ae_err *err)
{
	code_conn c[CODE_CONN_MAX];
	int rc = 1;

	*cfd_out = -1;
	for (int i = 0; i < CODE_CONN_MAX; i++)
		c[i].fd = -1;
	while (rc == 1) {
		struct pollfd pfd[2 + CODE_CONN_MAX];
		int idx[2 + CODE_CONN_MAX];
		int left = code_left_ms(l->o.deadline_ms), n = 0, wait = left;
		int64_t now = ae_clock_ms();

		if (left == 0) {
			char why[96] = "";

			if (l->refused > 0)
				snprintf(why, sizeof(why),
					 " (%u callback%s without this "
					 "login's state or malformed, refused)",
					 l->refused,
					 l->refused == 1 ? "" : "s");
			rc = ae_fail(err, AE_EAUTH,
				     "no login answer arrived before the "
				     "login's deadline (--oidc-timeout): the "
				     "login was not completed%s",
				     why);
			break;
		}
		for (int i = 0; i < CODE_CONN_MAX; i++) {
			if (c[i].fd < 0)
				continue;
			if (c[i].end <= now) { /* too slow: not ours */
				code_conn_drop(&c[i], 404);
				continue;
			}
			if (c[i].end - now < wait)
				wait = (int)(c[i].end - now);
			pfd[n].fd = c[i].fd, pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		pfd[n].fd = l->fd, pfd[n].events = POLLIN;
		idx[n++] = -1;
		if (l->fd6 >= 0)
			pfd[n].fd = l->fd6, pfd[n].events = POLLIN,
			idx[n++] = -2;
		if (poll(pfd, (nfds_t)n, wait) <= 0)
			continue;
		for (int k = 0; k < n && rc == 1; k++) {
			int i = idx[k], got;

			if (pfd[k].revents == 0 || i < 0)
				continue;
			got = code_conn_read(&c[i]);
			if (got < 0)
				code_conn_drop(&c[i], 404);
			if (got <= 0)
				continue;
			got = code_take_one(r, l, c[i].fd, &c[i].head);
			if (got == 1) {
				*cfd_out = c[i].fd;
				rc = 0;
			}
			/* answered and closed by code_take_one, or the
			 * caller's now */
			c[i].fd = -1;
			ae_buf_dispose(&c[i].head);
		}
		/* then the new connections, one per listener per round */
		for (int k = 0; k < n && rc == 1; k++) {
			int slot;

			if (pfd[k].revents == 0 || idx[k] >= 0)
				continue;
			slot = code_slot(c);
			code_accept(c, slot, pfd[k].fd);
		}
	}
	for (int i = 0; i < CODE_CONN_MAX; i++)
		code_conn_drop(&c[i], 0);
	return rc;
}

/* The checks on the redirect (RFC 6749 §4.1.2, §10.12; RFC 9207 §2.4):
 * our state, the issuer when the provider names it, then an error or a
 * code. */
static int code_judge(const ev_login_redirect *r, const ev_login *l,
		      ae_err *err)
{
	char rb[AE_REPR_BUF], rb2[AE_REPR_BUF];

	if (r->state == NULL || !code_equal(r->state, l->state))
		return ae_fail(err, AE_EVERIFY,
			       "the login answer carries %s state: it is not "
			       "the answer to this login (refused)",
			       r->state ? "another" : "no");
	if (r->iss != NULL ? strcmp(r->iss, l->issuer) != 0
			   : l->prov.iss_in_response)
		return ae_fail(
			err, AE_EVERIFY,
			"the login answer names issuer %s, not %s "
			"(refused)",
			r->iss ? ae_repr(rb, sizeof(rb), r->iss, strlen(r->iss))
			       : "none",
			ae_repr(rb2, sizeof(rb2), l->issuer,
				strlen(l->issuer)));
	if (r->error != NULL) {
		ev_oidc_answer a = {0};

		a.error = r->error;
		a.error_description = r->error_description;
		return ev__login_refused(
			&a,
			strcmp(r->error, "access_denied") == 0
				? "the login was refused at the provider "
				  "(consent denied)"
				: "the provider ended the login",
			err);
	}
	if (r->code == NULL)
		return ae_fail(err, AE_EINVAL,
			       "the login answer has neither a code nor an "
			       "error");
	return 0;
}

/* Exchanges the code (RFC 6749 §4.1.3, RFC 7636 §4.5) for the ID token. */
static int code_exchange(ev_token **out, ev_login *l, const char *code,
			 ae_err *err)
{
	ae_buf body = AE_BUF_INIT(4 * AE_URL_MAX);
	ev_oidc_answer a = {0};
	int rc;

	rc = ev__login_form_add(&body, "grant_type", "authorization_code", err);
	if (rc == 0)
		rc = ev__login_form_add(&body, "code", code, err);
	if (rc == 0)
		rc = ev__login_form_add(&body, "redirect_uri", l->redirect_uri,
					err);
	if (rc == 0)
		rc = ev__login_form_add(&body, "client_id", l->client_id, err);
	if (rc == 0)
		rc = ev__login_form_add(&body, "code_verifier", l->verifier,
					err);
	if (rc == 0)
		rc = ev__login_token_post(&a, l->prov.token_endpoint, &body,
					  &l->o, AE_HTTP_ONCE, err);
	if (rc == 0 && a.error != NULL)
		rc = ev__login_refused(
			&a,
			strcmp(a.error, "invalid_grant") == 0
				? "the provider refused the code (used "
				  "already, expired, or not issued for this "
				  "login)"
				: "the provider refused the code exchange",
			err);
	if (rc == 0)
		rc = ev__login_token(out, a.id_token, &l->o, l->nonce, err);
	ev_oidc_answer_dispose(&a);
	if (body.data != NULL)
		OPENSSL_cleanse(body.data, body.len);
	ae_buf_dispose(&body);
	return rc;
}

int ev_login_finish(ev_token **out, ev_login *l, ae_err *err)
{
	ev_login_redirect r = {0};
	int cfd = -1, rc;

	*out = NULL;
	AE_ASSERT_ARG(l != NULL && l->fd >= 0, err);
	rc = code_wait(&r, &cfd, l, err);
	close(l->fd);
	l->fd = -1;
	if (l->fd6 >= 0)
		close(l->fd6);
	l->fd6 = -1;
	code_page_remove(l); /* the browser has come and gone */
	if (rc == 0)
		rc = code_judge(&r, l, err);
	if (rc == 0)
		rc = code_exchange(out, l, r.code, err);
	if (cfd >= 0)
		code_answer(cfd, rc == 0 ? 200 : 400,
			    rc == 0 ? "Logged in: aicr-evidence goes on "
				      "signing."
				    : "The login failed.");
	ev_login_redirect_dispose(&r);
	return rc;
}

void ev_login_free(ev_login *l)
{
	if (l == NULL)
		return;
	if (l->fd >= 0)
		close(l->fd);
	if (l->fd6 >= 0)
		close(l->fd6);
	code_page_remove(l);
	ev_oidc_provider_dispose(&l->prov);
	ae_buf_dispose(&l->url);
	free(l->issuer);
	free(l->client_id);
	if (l->client_secret != NULL)
		OPENSSL_cleanse(l->client_secret, strlen(l->client_secret));
	free(l->client_secret);
	OPENSSL_cleanse(l, sizeof(*l));
	free(l);
}
