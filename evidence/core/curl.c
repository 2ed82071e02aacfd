/* evidence/core/curl.c -- libcurl, loaded when the first request is made
 *
 * libcurl pulls about thirty shared libraries into the process (GnuTLS,
 * LDAP, Kerberos, SSH, IDN, nghttp2, ...), and every one of them is mapped
 * and relocated at startup whether or not the command touches the network:
 * 3.4 ms of CPU per process on the reference machine, a third of what a
 * `sigstore verify-bundle` costs. So the tool does not link libcurl; this
 * file defines the sixteen curl_* functions oci/ and evidence/ call
 * (the URL API among them: evidence/core/http.c judges every URL with it), and
 * the first call dlopen()s libcurl.so.4 and forwards to it. Call sites are
 * plain libcurl code. Offline commands never load it.
 *
 * The two variadic calls forward their one argument by the type libcurl's
 * own CURLOPTTYPE ranges give it (curl.h), as curl's setopt reads it.
 * When libcurl cannot be loaded, curl_global_init answers
 * CURLE_FAILED_INIT and curl_easy_init NULL, which the callers already
 * treat as a failure to start a transfer.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#define CURL_SONAME "libcurl.so.4"

/* The real functions, resolved once. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	void (*easy_reset)(CURL *);
	char *(*easy_escape)(CURL *, const char *, int);
	const char *(*easy_strerror)(CURLcode);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	int ok;
} lc;

static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

/* dlsym into a function pointer without an object-pointer cast. */
#define LC_SYM(h, field, name)                                                 \
	do {                                                                   \
		void *p_ = dlsym((h), (name));                                 \
		ok = ok && p_ != NULL;                                         \
		if (p_ != NULL)                                                \
			memcpy(&lc.field, &p_, sizeof(p_));                    \
	} while (0)

static void lc_load(void)
{
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	int ok = h != NULL;

	if (h == NULL)
		return;
	LC_SYM(h, global_init, "curl_global_init");
	LC_SYM(h, easy_init, "curl_easy_init");
	LC_SYM(h, easy_setopt, "curl_easy_setopt");
	LC_SYM(h, easy_perform, "curl_easy_perform");
	LC_SYM(h, easy_getinfo, "curl_easy_getinfo");
	LC_SYM(h, easy_cleanup, "curl_easy_cleanup");
	LC_SYM(h, easy_reset, "curl_easy_reset");
	LC_SYM(h, easy_escape, "curl_easy_escape");
	LC_SYM(h, easy_strerror, "curl_easy_strerror");
	LC_SYM(h, free, "curl_free");
	LC_SYM(h, slist_append, "curl_slist_append");
	LC_SYM(h, slist_free_all, "curl_slist_free_all");
	LC_SYM(h, url, "curl_url");
	LC_SYM(h, url_cleanup, "curl_url_cleanup");
	LC_SYM(h, url_set, "curl_url_set");
	LC_SYM(h, url_get, "curl_url_get");
	lc.ok = ok; /* the handle stays open for the process */
}

/* True once libcurl is loaded with every function. */
static int lc_ready(void)
{
	pthread_once(&lc_once, lc_load);
	return lc.ok;
}

CURLcode curl_global_init(long flags)
{
	return lc_ready() ? lc.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
	return lc_ready() ? lc.easy_init() : NULL;
}

/* The parentheses keep curl's type-checking macro of the same name out. */
CURLcode(curl_easy_setopt)(CURL *h, CURLoption opt, ...)
{
	CURLcode rc;
	va_list ap;

	if (!lc_ready())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = lc.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = lc.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = lc.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = lc.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = lc.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *h)
{
	return lc_ready() ? lc.easy_perform(h) : CURLE_FAILED_INIT;
}

/* Every CURLINFO takes one pointer to where the answer goes. */
CURLcode(curl_easy_getinfo)(CURL *h, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	if (!lc_ready())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = lc.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void curl_easy_cleanup(CURL *h)
{
	if (h != NULL && lc_ready())
		lc.easy_cleanup(h);
}

void curl_easy_reset(CURL *h)
{
	if (h != NULL && lc_ready())
		lc.easy_reset(h);
}

char *curl_easy_escape(CURL *h, const char *s, int n)
{
	return lc_ready() ? lc.easy_escape(h, s, n) : NULL;
}

const char *curl_easy_strerror(CURLcode rc)
{
	return lc_ready() ? lc.easy_strerror(rc)
			  : "libcurl (" CURL_SONAME ") could not be loaded";
}

void curl_free(void *p)
{
	if (p != NULL && lc_ready())
		lc.free(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return lc_ready() ? lc.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (l != NULL && lc_ready())
		lc.slist_free_all(l);
}

CURLU *curl_url(void)
{
	return lc_ready() ? lc.url() : NULL;
}

void curl_url_cleanup(CURLU *u)
{
	if (u != NULL && lc_ready())
		lc.url_cleanup(u);
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part,
		       unsigned int flags)
{
	return lc_ready() ? lc.url_set(u, what, part, flags)
			  : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part,
		       unsigned int flags)
{
	if (part != NULL)
		*part = NULL;
	return lc_ready() ? lc.url_get(u, what, part, flags)
			  : CURLUE_OUT_OF_MEMORY;
}
