/* evidence/signer/internal.h -- what the files of evidence/signer/ share
 *
 * Names use the double underscore (ev__) of libgit2's semi-private
 * functions: callable across the files of evidence/signer/, never from
 * another folder. The signer reads the verifier only through its public
 * header (evidence/sigstore/sigstore.h); the verifier never links these.
 */
#ifndef AE_EVIDENCE_SIGNER_INTERNAL_H
#define AE_EVIDENCE_SIGNER_INTERNAL_H

#include "evidence/core/ae.h"
#include "evidence/core/http.h"
#include "evidence/signer/login.h"
#include "evidence/signer/signer.h"
#include "evidence/sigstore/sigstore.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* True iff `url` may be used for a Sigstore service: https, or plain http
 * to a loopback host (127.0.0.1, localhost, [::1]) for local stacks.
 * Cannot fail. */
bool ev__sign_url_allowed(const char *url);

/* 0 when `trust` lists, valid at `now`, the Fulcio (unless NULL), each
 * Rekor log and each TSA of `svc` (ev_trust_lists); AE_EVERIFY naming the first
 * it lacks (preflight.c). Called before any request, so a setup whose bundle
 * the self-check would reject publishes nothing. */
int ev__sign_preflight(const ev_sign_services *svc, const ev_trust *trust,
		       int64_t now, ae_err *err);

/* One request to a Sigstore service or token endpoint. */
typedef struct ev__http_req {
	const char *what;	  /* names the service in messages ("fulcio") */
	const char *url;	  /* checked by ev__sign_url_allowed */
	const char *content_type; /* of `body`; NULL for a GET */
	const void *body;	  /* POST body, or NULL for a GET */
	size_t body_len;
	const char *bearer; /* "Authorization: bearer" value, or NULL */
	/* The request carries a secret (the identity token in the body, a
	 * bearer): once sent, it is not sent again to a server that then
	 * stalls or cuts the line. */
	bool carries_secret;
	int64_t deadline_ms; /* ev_sign_deadline(), 0 = none */
	/* One more request header line ("Metadata-Flavor: Google",
	 * "Authorization: Basic ..."), wiped after use; NULL = none. */
	const char *header;
	/* More of the URL policy's AE_URL_* flags (AE_URL_PLAIN_METADATA
	 * for the cloud metadata server); 0 = none. */
	unsigned url_flags;
	/* What sending it again would do (evidence/core/http.h): 0 is
	 * AE_HTTP_IDEMPOTENT, which a Rekor upload is too (a repeat gets
	 * 409 naming the entry); AE_HTTP_ONCE for an authorization code. */
	ae_http_kind kind;
} ev__http_req;

/* A service's answer. */
typedef struct ev__http_resp {
	ae_buf body; /* capped at EV_SIGN_RESPONSE_MAX_BYTES */
	long status;
	char *location; /* the Location header, or NULL */
} ev__http_resp;

/* One HTTP exchange with a Sigstore service: POST `body` (with
 * `content_type`) or GET, optional bearer, no redirects, body capped at
 * EV_SIGN_RESPONSE_MAX_BYTES. Transient failures (connection, timeout,
 * 408, 429, 5xx) are retried up to EV_SIGN_HTTP_ATTEMPTS with doubling
 * backoff (a Retry-After up to EV_SIGN_HTTP_RETRY_AFTER_MAX_S is obeyed, a
 * longer one stops at once), except a request carrying a secret that was
 * sent and then met a stall or a cut line; the last one gives
 * AE_ETRANSIENT "<what> answered HTTP 503 after 3 attempts". Every attempt
 * ends by the deadline; past it AE_ETRANSIENT "... deadline passed ...".
 * Any other status is returned in `out` (zeroed and initialised here) for
 * the caller to switch on; dispose it with ev__http_resp_dispose in every
 * case. */
int ev__sign_http(ev__http_resp *out, const ev__http_req *rq, ae_err *err);
/* Frees an answer's body and Location. NULL is a no-op. */
void ev__http_resp_dispose(ev__http_resp *r);

/* The JWT text of a token (a secret: never in messages). Cannot fail. */
const char *ev__token_jwt(const ev_token *tok);
/* The claim Fulcio's proof of possession signs: email for the e-mail
 * issuers, else sub (sigstore-js extractJWTSubject). NULL when absent. */
const char *ev__token_pop_subject(const ev_token *tok);
/* The SAN Fulcio writes for this token where its rule is known
 * (fulcio/pkg/identity): the workflow URI for GitHub Actions, the email
 * claim for the e-mail issuers (Google, sigstore.dev); NULL where the
 * issuer's rule is not predictable from the claims. Borrowed. */
const char *ev__token_expected_san(const ev_token *tok);

/* A Fulcio leaf certificate for the signing key, with what it certifies. */
typedef struct ev__cert {
	X509 *leaf;
	unsigned char *der;
	size_t der_len;
	char *pem;	/* leaf PEM, for Rekor v1 verifiers */
	char *identity; /* first SAN: URI, email or otherName username */
	bool identity_is_email; /* the SAN is an rfc822Name */
	char *issuer;		/* OIDC issuer extension (.1.8, else .1.1) */
} ev__cert;

/* Requests a certificate for `key` from Fulcio v2 (sigstore.md §11.2) with
 * proof of possession over the token subject, by `deadline` (0 = none).
 * AE_EINVAL for a malformed answer (no leaf, bad PEM, a CA leaf, a leaf for
 * another key, a detached SCT), AE_EVERIFY for a certificate that names
 * another issuer or identity than the token (or one with control
 * characters), AE_EAUTH for 401/403, other codes from ev__sign_http. On
 * failure `out` is zeroed. */
int ev__fulcio_cert_request(ev__cert *out, const char *url, const ev_token *tok,
			    EVP_PKEY *key, int64_t deadline, ae_err *err);
void ev__cert_dispose(ev__cert *cert);

/* What a transparency-log entry records about one signature. */
typedef struct ev__tlog_req {
	bool dsse;
	const unsigned char *sig; /* raw DER ECDSA signature */
	size_t sig_len;
	/* hashedrekord: the digest that was signed (artifact, or PAE for a
	 * DSSE bundle on Rekor v2) */
	unsigned char digest[AE_SHA256_LEN];
	const char *envelope_json; /* dsse: the envelope as submitted */
	const char *payload_b64;   /* dsse: base64 payload */
	const char *payload_type;  /* dsse */
	const ev__cert *cert;
} ev__tlog_req;

/* Uploads to Rekor v1 (`hashedrekord` or `dsse` 0.0.1) or v2
 * (`hashedrekord` / `dsse` 0.0.2), checks that the logged body carries our
 * signature and that the inclusion proof reproduces the root and the
 * checkpoint, and returns the bundle's TransparencyLogEntry (a new
 * reference) and its logIndex, by `deadline` (0 = none). A v1 409 (our
 * entry logged by an attempt whose answer was lost) fetches the entry its
 * Location names and checks it the same way. A v2 logIndex must be the
 * index its inclusion proof proves. AE_EEXISTS for a 409 that names no
 * entry, AE_EVERIFY for a proof, index or body that does not check,
 * AE_EINVAL for a malformed answer. */
int ev__rekor_upload(json_t **entry_out, int64_t *log_index_out,
		     const char *url, int version, const ev__tlog_req *req,
		     int64_t deadline, ae_err *err);

/* The answer-checking half of ev__rekor_upload, on its own so it can be
 * fuzzed (tests/fuzz/rekor_answer_fuzz.c): `body` is what the log answered
 * to a 2xx. Same outputs and codes; *entry_out NULL on failure. */
int ev__rekor_answer_parse(json_t **entry_out, int64_t *log_index_out,
			   const unsigned char *body, size_t len, int version,
			   const ev__tlog_req *req, ae_err *err);

/* The entry UUID a Rekor 409's Location names (the header's value, from
 * outside): what follows ".../api/v1/log/entries/", exactly 64 or 80
 * lowercase hex, into `uuid`. Only the UUID is taken: the entry is fetched
 * from the log we asked, whatever host the header names. AE_EINVAL
 * otherwise. */
int ev__rekor_location_uuid(char uuid[81], const char *location, ae_err *err);

/* Asks a TSA for an RFC 3161 timestamp over `sig` (sigstore.md §11.6) and
 * checks the answer is a granted TimeStampResp whose imprint is
 * SHA-256(sig). *der_out (free()) is the DER TimeStampResp. AE_EINVAL for a
 * malformed or refused answer. */
int ev__tsa_request(unsigned char **der_out, size_t *der_len_out,
		    const char *url, const unsigned char *sig, size_t sig_len,
		    int64_t deadline, ae_err *err);

/* Decodes base64url without padding (JWT segments) into a new buffer. */
int ev__b64url_decode(unsigned char **out, size_t *out_len, const char *in,
		      size_t in_len, ae_err *err);

/* ---- shared by the login files (evidence/signer/login_token.c) ---- */

/* Appends `key`=`value` to a form body (application/x-www-form-urlencoded,
 * RFC 3986 unreserved bytes kept, the rest %XX), '&' first when not
 * empty. Codes of ae_buf_put. */
int ev__login_form_add(ae_buf *b, const char *key, const char *value,
		       ae_err *err);

/* `n` random bytes from OpenSSL as base64url without padding into `out`
 * (at least 4 * n / 3 + 2 bytes). AE_ERR when the generator fails. */
int ev__login_random(char *out, size_t outsz, size_t n, ae_err *err);

/* POSTs the form `form` to `url` (the client secret, when given, as HTTP
 * Basic: RFC 6749 §2.3.1) and hands back the status and body (`body_out`
 * initialised here; wipe and dispose it in every case). `what` names the
 * endpoint. Codes of ev__sign_http. */
int ev__login_post(long *status_out, ae_buf *body_out, const char *what,
		   const char *url, const ae_buf *form, const ev_login_opts *o,
		   ae_http_kind kind, ae_err *err);

/* ev__login_post to the token endpoint, the answer parsed into `out`
 * (ev_oidc_answer_parse). `kind`: AE_HTTP_ONCE for an authorization code
 * (spent by the first exchange that reaches the provider), AE_HTTP_IDEMPOTENT
 * for a device-code poll. */
int ev__login_token_post(ev_oidc_answer *out, const char *url,
			 const ae_buf *form, const ev_login_opts *o,
			 ae_http_kind kind, ae_err *err);

/* Turns an OAuth error answer into the caller's message: AE_EAUTH naming
 * the code (escaped) and `why`. Returns the code. */
int ev__login_refused(const ev_oidc_answer *a, const char *why, ae_err *err);

/* Parses the ID token and holds it to `x` (issuer, audience = client id,
 * nonce, a verified e-mail). *out NULL on failure. */
int ev__login_token(ev_token **out, const char *jwt, const ev_login_opts *o,
		    const char *nonce, ae_err *err);

#endif /* AE_EVIDENCE_SIGNER_INTERNAL_H */
