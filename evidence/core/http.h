/* evidence/core/http.h -- what every HTTP client of the tool shares: one
 * URL policy, deadlines, and one reading of libcurl's failures
 *
 * Two clients speak HTTP: the registry client (oci/http.c) and the
 * signer's service client (evidence/signer/http.c). Both send secrets --
 * registry Basic credentials and bearer tokens, the OIDC identity token,
 * the GitHub Actions request token -- so both must agree on where a
 * request may go. That judgement lives here, once, and is made on the URL
 * as libcurl itself parses it (curl_url), never on its text: a prefix
 * test on "http://localhost" passes "http://localhost:1@127.0.0.2/",
 * whose real host is 127.0.0.2 (issue 23 item 2, issue 25 item 1).
 *
 * The policy (docs/threat-model.md "Network"):
 *   - http and https only; no userinfo ("user:pass@") in any URL;
 *   - plain http only where the caller allows it, and then only to a
 *     loopback host: 127.0.0.1, localhost or [::1] (exactly these; any
 *     other address, 127.0.0.2 included, is "another host");
 *   - a request carrying a secret goes over plain http only when the
 *     origin the secret belongs to is itself plain-http loopback: never
 *     over http when that origin is https;
 *   - a loopback host is never reached through a proxy (http_proxy and
 *     friends are ignored for it), and libcurl follows no redirect on its
 *     own: a caller that follows one judges the target with the same rules;
 *   - one exception, asked for by name (AE_URL_PLAIN_METADATA): a cloud
 *     VM's metadata server, which speaks plain http only, on the VM's own
 *     link -- metadata.google.internal or 169.254.169.254 exactly, never
 *     through a proxy (issue 21: Google Cloud identity tokens).
 *
 * Deadlines are CLOCK_MONOTONIC instants shared by every request of one
 * operation (a command's --timeout, a pointer's --fetch-timeout); each
 * request also gets its own limit scaled to the bytes it is expected to
 * move, so a server dripping bytes cannot hold a small request for long.
 * Nothing here prints or exits.
 */
#ifndef AE_CORE_HTTP_H
#define AE_CORE_HTTP_H

#include "evidence/core/ae.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- URLs ---- */

#define AE_URL_MAX	4096 /* a URL we request, after normalisation */
#define AE_URL_HOST_MAX 256  /* a host name or bracketed IPv6 address */

/* A URL as libcurl parsed it, with the facts the policy looks at. Plain
 * data. */
typedef struct ae_url {
	char url[AE_URL_MAX]; /* libcurl's normalised form: what is sent */
	char host[AE_URL_HOST_MAX]; /* lower case; IPv6 in brackets */
	unsigned port;		    /* explicit, else the scheme's default */
	bool https;		    /* else plain http */
	bool loopback;		    /* 127.0.0.1, localhost or [::1] */
	bool metadata; /* the cloud metadata server (AE_URL_PLAIN_METADATA) */
} ae_url;

/* ae_url_check flags */
#define AE_URL_PLAIN_LOOPBACK 0x1u /* plain http allowed (loopback only) */
#define AE_URL_SECRET	      0x2u /* the request carries a credential */
/* plain http allowed to the link-local metadata server as well */
#define AE_URL_PLAIN_METADATA 0x4u

/* Parses `url` with libcurl's URL API -- relative to `base` when `base` is
 * not NULL (a redirect's Location, an upload session's) -- and judges it
 * by the policy above. `origin` is where the secret belongs (the registry
 * for its credentials and tokens); NULL means the URL is its own origin
 * (a Sigstore service). `what` names the URL in the message ("token
 * realm", "redirect target"). AE_EINVAL for anything refused: not http(s),
 * userinfo, no host, a host that is not plain ASCII, plain http where not
 * allowed or to a host that is not loopback, a secret over http when the
 * origin is https; AE_ETOOBIG past AE_URL_MAX. `out` is zeroed on
 * failure. */
int ae_url_check(ae_url *out, const char *url, const ae_url *base,
		 const ae_url *origin, unsigned flags, const char *what,
		 ae_err *err);

/* True iff two URLs share scheme, host and port: credentials for one may
 * go to the other. Cannot fail. */
bool ae_url_same_origin(const ae_url *a, const ae_url *b);

/* True iff `host` (as in ae_url.host, or with a ":port") is a loopback
 * host the policy lets plain http reach. Cannot fail. */
bool ae_host_is_loopback(const char *host);

/* ---- one request ---- */

/* Per-request limits: AE_HTTP_BASE_MS for the exchange itself plus the
 * expected bytes at AE_HTTP_MIN_RATE (a 1 GiB layer: about 4.6 hours;
 * a manifest or token: about half a minute). */
#define AE_HTTP_BASE_MS	      30000
#define AE_HTTP_MIN_RATE      (64u * 1024u) /* bytes per second */
#define AE_HTTP_CONNECT_MS    10000
#define AE_HTTP_STALL_SECONDS 30 /* < 1 byte/s for this long: cut */
#define AE_HTTP_MAX_REDIRS    5	 /* hops a caller follows, at most */

/* The time one request moving about `expected` bytes may take. Cannot
 * fail. */
int64_t ae_http_request_ms(uint64_t expected);

/* Points `h` at `u` the way the policy requires: the normalised URL, its
 * scheme as the only protocol (redirects included), no redirect followed
 * by libcurl (CURLOPT_FOLLOWLOCATION 0, CURLOPT_MAXREDIRS 0), and no proxy
 * for a loopback host. Then the timeouts: connect, stall, and the request
 * limit for `expected` bytes, cut to what is left of `d`. AE_ETRANSIENT
 * when `d` has passed; AE_ERR when libcurl refuses an option. */
int ae_http_target(CURL *h, const ae_url *u, ae_deadline d, uint64_t expected,
		   ae_err *err);

/* What went wrong with a transfer, as far as the user can act on it. */
typedef enum ae_http_fault {
	AE_HTTP_FAULT_OTHER,	 /* protocol or local: not transient */
	AE_HTTP_FAULT_DNS,	 /* the host name did not resolve */
	AE_HTTP_FAULT_REFUSED,	 /* no connection (refused, unreachable) */
	AE_HTTP_FAULT_RESET,	 /* the connection broke mid-exchange */
	AE_HTTP_FAULT_TIMEOUT,	 /* a time limit passed */
	AE_HTTP_FAULT_PLAIN,	 /* TLS spoken, plain HTTP answered */
	AE_HTTP_FAULT_CERT,	 /* the server's certificate is not trusted */
	AE_HTTP_FAULT_TLS,	 /* another TLS handshake failure */
	AE_HTTP_FAULT_TOO_LARGE, /* over CURLOPT_MAXFILESIZE */
} ae_http_fault;

/* Classifies a libcurl failure (`errbuf` is the CURLOPT_ERRORBUFFER
 * text, which tells plain HTTP apart from other TLS failures). Cannot
 * fail. */
ae_http_fault ae_http_fault_of(CURLcode cc, const char *errbuf);

/* True iff the fault may pass on retry (DNS, refused, reset, timeout).
 * Cannot fail. */
bool ae_http_fault_transient(ae_http_fault f);

/* Records a failed transfer to `host` in `err`: "cannot resolve HOST",
 * "HOST refused the connection", "connection to HOST reset", ..., with
 * libcurl's detail; AE_ETRANSIENT for transient faults, AE_EINVAL for the
 * rest. `who` names the peer ("registry", "fulcio"). Returns the code. */
int ae_http_fail(ae_err *err, CURLcode cc, const char *errbuf, const char *who,
		 const char *host);

/* ---- what may be tried again: one table ----
 *
 * Every request says what repeating it would do. The table
 * (ae_http_may_retry) is the one place that reads that together with what
 * happened to the last attempt:
 *
 *   what happened            IDEMPOTENT        ONCE           NO_RETRY
 *   never reached the server  retry             retry          no
 *     (DNS, refused, nothing sent)
 *   cut or stalled after the  retry (not when   no             no
 *     request left us         it carries a
 *                             secret)
 *   408 or 429 (not taken)    retry             retry          no
 *   500, 502, 503, 504        retry             no             no
 *   any other status, TLS,    no: an answer for the caller
 *     policy or local fault
 *
 * A request carrying a secret (a bearer, Basic credentials, the identity
 * token in a body) is never sent again to a server that took it and then
 * stalled or cut the line: it gets the secret once, not once per attempt
 * (issue 25 item 8). */
typedef enum ae_http_kind {
	/* GET, HEAD, a PUT of content by digest, and a POST whose repetition
	 * does no harm (Fulcio issues another certificate, a TSA another
	 * timestamp, a device-code poll asks again) or that the server
	 * recognises (Rekor answers 409 naming the entry it holds) */
	AE_HTTP_IDEMPOTENT = 0,
	/* a POST that may act twice (an OAuth authorization code is spent
	 * by the first exchange that reaches the provider) */
	AE_HTTP_ONCE,
	/* the caller starts over at a larger step (a blob upload's session:
	 * its hash already holds the bytes sent) */
	AE_HTTP_NO_RETRY,
} ae_http_kind;

/* True iff an HTTP status may pass on retry: 408, 429, 500, 502, 503,
 * 504 (STYLE §3.8). Cannot fail. */
bool ae_http_status_transient(long status);

/* What one attempt came to, as the table reads it. */
typedef struct ae_http_try {
	CURLcode cc;		   /* CURLE_OK: an answer with `status` */
	long status;		   /* the HTTP status when answered, else 0 */
	bool sent;		   /* request bytes left us */
	int64_t retry_after_ms;	   /* Retry-After of the answer, -1 when none */
	curl_off_t content_length; /* of the answer, -1 when unknown */
	char errbuf[CURL_ERROR_SIZE];
} ae_http_try;

/* The table above: true iff an attempt like `t` may be made again for a
 * request of `kind` (`secret`: it carries a credential). Says nothing of
 * counts or time (the caller's budget). Cannot fail. */
bool ae_http_may_retry(ae_http_kind kind, bool secret, const ae_http_try *t);

/* libcurl's words for a failed attempt: its error buffer, else the
 * code's text. Cannot fail. */
const char *ae_http_try_why(const ae_http_try *t);

/* ---- one backoff ---- */

#define AE_HTTP_BACKOFF_CAP_MS 4000 /* the doubling stops here */

/* The wait before attempt `attempt` + 1 (`attempt` failures so far, from
 * 1): the server's Retry-After when it gave one (ms >= 0), else `base_ms`
 * doubled per failure up to AE_HTTP_BACKOFF_CAP_MS with +-25 % jitter so
 * clients do not retry in lockstep. Cannot fail. */
uint64_t ae_http_backoff_ms(unsigned attempt, unsigned base_ms,
			    int64_t retry_after_ms);

/* Sleeps `ms` milliseconds, resuming after a signal. */
void ae_http_sleep_ms(uint64_t ms);

/* ---- redirects ---- */

/* Judges a redirect of `from` to `location` (resolved against `from`)
 * with the same policy as the first URL (`origin`, `flags` as for
 * ae_url_check), and counts the hop in *hops: past AE_HTTP_MAX_REDIRS,
 * AE_EINVAL. A redirect may be followed by a caller only; libcurl follows
 * none, and credentials never go to a target on another origin
 * (ae_http_xfer.cred_origin). */
int ae_http_redirect(ae_url *next, const ae_url *from, const char *location,
		     unsigned *hops, const ae_url *origin, unsigned flags,
		     ae_err *err);

/* ---- the engine: one transfer ---- */

/* A reusable connection (libcurl's easy handle: connections and TLS
 * sessions are kept between transfers). One thread at a time. */
typedef struct ae_http_conn ae_http_conn;

/* AE_ERR when libcurl cannot be loaded or started. */
int ae_http_conn_new(ae_http_conn **out, ae_err *err);
void ae_http_conn_free(ae_http_conn *c);

/* TLS settings of a client: one place. */
typedef struct ae_http_tls {
	const char *ca_file; /* PEM bundle replacing the system's, or NULL */
	bool insecure;	     /* no peer or host check (registry opt-in) */
} ae_http_tls;

typedef size_t (*ae_http_data_fn)(char *ptr, size_t size, size_t nmemb,
				  void *ud);
typedef int (*ae_http_progress_fn)(void *ud, curl_off_t dltotal,
				   curl_off_t dlnow, curl_off_t ultotal,
				   curl_off_t ulnow);

/* One transfer, as data. Nothing outside evidence/core sets a libcurl
 * option: what a client may ask for is here. */
typedef struct ae_http_xfer {
	const ae_url *url;  /* judged by ae_url_check */
	const char *method; /* GET, HEAD, POST, PUT, PATCH, DELETE */
	/* header lines ("Accept: x"), NULL-terminated; NULL for none */
	const char *const *headers;
	/* credentials: an "Authorization: Bearer" value and Basic user and
	 * password; sent only when `url` is on `cred_origin` (NULL: the URL
	 * is its own origin) -- never across hosts */
	const char *bearer;
	const char *bearer_scheme; /* NULL: "Bearer" */
	const char *basic_user, *basic_pass;
	const ae_url *cred_origin;
	/* a body from memory (POST form: `body`, `body_len`) or streamed
	 * through `read` (`body_len` bytes, CURLOPT_UPLOAD) */
	const void *body;
	uint64_t body_len;
	ae_http_data_fn read;
	void *read_ud;
	long upload_buffer; /* 0: libcurl's */
	/* the answer: body pieces, header lines, progress */
	ae_http_data_fn write;
	void *write_ud;
	ae_http_data_fn header;
	void *header_ud;
	ae_http_progress_fn progress;
	void *progress_ud;
	uint64_t resp_max;	/* CURLOPT_MAXFILESIZE; 0: the writer's cap */
	long download_buffer;	/* a hint; 0: libcurl's */
	uint64_t expected;	/* bytes it should move: its time limit */
	ae_deadline deadline;	/* the operation's */
	const ae_http_tls *tls; /* NULL: the system's CAs */
	const char *user_agent; /* NULL: "aicr-evidence" */
} ae_http_xfer;

/* Performs one transfer on `c` with the policy of this header (its
 * scheme only, no redirect followed by libcurl, no proxy for loopback,
 * the per-request limit cut to the deadline, the stall cut, TLS as
 * asked). 0 when libcurl ran it: `t` tells what came of it (cc, status,
 * sent, Retry-After, errbuf); AE_ETRANSIENT when the deadline passed
 * before; AE_ERR when an option is refused or memory runs out. */
int ae_http_perform(ae_http_conn *c, const ae_http_xfer *x, ae_http_try *t,
		    ae_err *err);

/* libcurl's escaping of `n` bytes of `s` for a query (n 0: strlen) into
 * `out`; AE_ERR when libcurl cannot, AE_ETOOBIG past `outsz`. */
int ae_url_escape(char *out, size_t outsz, const char *s, size_t n,
		  ae_err *err);

/* ---- the engine: a request with its retries ----
 *
 * A small exchange read into memory (a Sigstore service, a token
 * endpoint, a TUF file): the table above decides each retry, the backoff
 * spaces them, every attempt ends by the deadline. */
typedef struct ae_http_request {
	const char *who;    /* the peer, in messages ("fulcio") */
	const ae_url *url;  /* judged */
	const char *method; /* NULL: GET, or POST with a body */
	ae_http_kind kind;
	bool secret; /* carries a credential (bearer, token in body) */
	const char *const *headers;
	const char *bearer;
	const char *bearer_scheme; /* NULL: "Bearer" */
	const void *body;	   /* POST body, or NULL */
	size_t body_len;
	size_t resp_max;      /* the answer's cap */
	uint64_t expected;    /* bytes it may move (its time limit); 0: small */
	ae_deadline deadline; /* the operation's */
	const ae_http_tls *tls;	    /* NULL: the system's CAs */
	unsigned attempts;	    /* at most; 0: AE_HTTP_ATTEMPTS */
	unsigned backoff_ms;	    /* first wait; 0: AE_HTTP_BACKOFF_MS */
	int64_t retry_after_max_ms; /* a longer Retry-After stops; 0:
				       AE_HTTP_RETRY_AFTER_MAX_MS, never
				       unbounded */
	bool keep_location;	    /* keep the Location header */
} ae_http_request;

/* The longest Retry-After any request obeys: a server's word never puts
 * the process to sleep without bound (a date in the year 9999 with
 * --timeout 0 slept for ever). */
#define AE_HTTP_RETRY_AFTER_MAX_MS 60000
#define AE_HTTP_ATTEMPTS	   3
#define AE_HTTP_BACKOFF_MS	   200

/* Why the attempts ended without a plain answer. */
typedef enum ae_http_end {
	AE_HTTP_END_ANSWER = 0,	 /* an answer the table does not retry */
	AE_HTTP_END_SPENT,	 /* attempts spent on transient faults */
	AE_HTTP_END_LATE,	 /* the deadline passed (or leaves no room) */
	AE_HTTP_END_RETRY_AFTER, /* Retry-After beyond the budget */
	AE_HTTP_END_NOT_AGAIN,	 /* the table forbids another attempt */
	AE_HTTP_END_TOO_BIG,	 /* the answer passed its cap */
} ae_http_end;

/* An exchange's outcome. */
typedef struct ae_http_answer {
	long status;	/* of the last answer, 0 when none */
	ae_buf body;	/* capped at resp_max */
	char *location; /* the Location header when kept, or NULL */
	int attempts;
	ae_http_end end;
	ae_http_try last; /* the last attempt */
} ae_http_answer;

/* Runs `rq` with its retries. 0 whenever the last attempt brought an
 * answer (its status may still be transient: `end` says why no more
 * attempts were made, for the caller's message); AE_ETOOBIG past
 * resp_max; for a transfer that failed, ae_http_fail's code and message
 * (or AE_ETRANSIENT when the deadline passed). `out` is initialised here
 * in every case: dispose it with ae_http_answer_dispose. */
int ae_http_exchange(ae_http_answer *out, const ae_http_request *rq,
		     ae_err *err);
void ae_http_answer_dispose(ae_http_answer *a);

#endif /* AE_CORE_HTTP_H */
