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

#endif /* AE_CORE_HTTP_H */
