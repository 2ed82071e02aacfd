/* evidence/evidence.h -- the evidence module: Sigstore signing and
 * verification, evidence bundles
 *
 * Other engineers add the evidence bundle and predicate parts to this
 * header. The signing part (evidence/sign*.c) talks to Fulcio,
 * Rekor and a TSA over HTTP; the verifier links without it (STYLE §3.1).
 */
#ifndef AE_EVIDENCE_H
#define AE_EVIDENCE_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- keyless signing (evidence/sign*.c, sigstore.md §11) ----
 *
 * OIDC token -> ephemeral P-256 key -> Fulcio v2 certificate -> signature
 * (DSSE over an in-toto statement, or a message signature) -> Rekor v1 or
 * v2 entry (inclusion proof checked here) -> optional RFC 3161 timestamp ->
 * a v0.3 bundle. The token and the private key never appear in messages
 * and are wiped when freed. Nothing here prints, prompts or reads the
 * environment: cmd/ gathers the token sources and asks the user.
 */

/* An OIDC token is a few KiB; GitHub's are ~1.5 KiB. */
#define EV_TOKEN_MAX_BYTES (64u << 10)
/* A SigningConfig lists a handful of services. */
#define EV_SIGNING_CONFIG_MAX_BYTES (1u << 20)
/* Fulcio, Rekor, TSA and token-endpoint answers are a few KiB each. */
#define EV_SIGN_RESPONSE_MAX_BYTES (1u << 20)
/* A DSSE payload (in-toto statement) signed in memory. */
#define EV_SIGN_PAYLOAD_MAX_BYTES (16u << 20)
/* Service URLs taken from flags or a SigningConfig. */
#define EV_SIGN_URL_MAX_BYTES 2048
/* Rekor logs / TSAs a SigningConfig may select at once ("ALL"). */
#define EV_SIGN_MAX_SERVICES 4
/* HTTP attempts per request (5xx, 429, connection faults) and the first
 * backoff, doubled after each attempt. */
#define EV_SIGN_HTTP_ATTEMPTS	3
#define EV_SIGN_HTTP_BACKOFF_MS 200
/* Longest Retry-After we wait for; a longer one ends the attempts. */
#define EV_SIGN_HTTP_RETRY_AFTER_MAX_S 10
/* Per-request time limit. */
#define EV_SIGN_HTTP_TIMEOUT_S 30

/* Public-good services (used when neither flags nor a SigningConfig name
 * one). No TSA by default: Rekor v1 gives the SET time. */
#define EV_SIGN_DEFAULT_FULCIO "https://fulcio.sigstore.dev"
#define EV_SIGN_DEFAULT_REKOR  "https://rekor.sigstore.dev"

/* An OIDC identity token and its (unverified) claims. Opaque: it holds a
 * secret. */
typedef struct ev_token ev_token;

/* Where a token may come from, in the order tried (SPEC §4 signing flags):
 * an explicit token (--identity-token), SIGSTORE_ID_TOKEN, then GitHub
 * Actions ambient credentials (a GET of gha_url with audience=sigstore and
 * "Authorization: bearer gha_request_token"). NULL or "" = absent. cmd/
 * fills it from argv and the environment. */
typedef struct ev_token_sources {
	const char *explicit_token;
	const char *env_token;
	const char *gha_url;
	const char *gha_request_token;
} ev_token_sources;

#define EV_TOKEN_SOURCES_INIT                                                  \
	{                                                                      \
		NULL, NULL, NULL, NULL                                         \
	}

/* Parses a JWT's claims without verifying its signature (that is the CA's
 * job): iss (required), sub, email, exp. AE_EINVAL for a malformed token,
 * AE_ETOOBIG past EV_TOKEN_MAX_BYTES. *out NULL on failure; free with
 * ev_token_free. The message never contains the token. */
int ev_token_parse(ev_token **out, const char *jwt, size_t len, ae_err *err);

/* Takes the first available source (see ev_token_sources) and parses it.
 * AE_ENOTFOUND when no source is set, AE_EAUTH when the GitHub endpoint
 * refuses the request token, AE_ETRANSIENT when it stays unreachable, and
 * the codes of ev_token_parse. *out NULL on failure. */
int ev_token_acquire(ev_token **out, const ev_token_sources *src, ae_err *err);

/* AE_EAUTH "identity token expired ..." when exp <= now (a token without
 * exp is accepted). Cannot fail otherwise. */
int ev_token_check_fresh(const ev_token *tok, int64_t now, ae_err *err);

/* Borrowed claims, valid until the token is freed; NULL when absent. */
const char *ev_token_issuer(const ev_token *tok);
const char *ev_token_subject(const ev_token *tok);
const char *ev_token_email(const ev_token *tok);
/* The identity Fulcio will certify, as far as the claims tell (GitHub
 * Actions workflow URI, else email, else sub); for the confirmation prompt
 * only: the signer reported after signing comes from the certificate. */
const char *ev_token_identity_hint(const ev_token *tok);
/* exp claim, 0 when absent. */
int64_t ev_token_expiry(const ev_token *tok);

/* Wipes the token and frees it. NULL is a no-op. */
void ev_token_free(ev_token *tok);

/* Which Sigstore services to use. Explicit URLs win over the SigningConfig;
 * without either, the public-good Fulcio and Rekor v1. */
typedef struct ev_sign_opts {
	const ev_token *token; /* required, borrowed */
	const char *fulcio_url;
	const char *rekor_url;
	int rekor_version; /* 1 or 2 for rekor_url; 0 = 1 */
	const char *tsa_url;
	/* SigningConfig v0.2 JSON bytes, or NULL */
	const unsigned char *signing_config;
	size_t signing_config_len;
	/* trusted_root.json added to the embedded public-good root for the
	 * self-check (a private stack), or NULL */
	const unsigned char *trusted_root;
	size_t trusted_root_len;
	int64_t now; /* 0 = time(NULL); for validity windows and token exp */
} ev_sign_opts;

#define EV_SIGN_OPTS_INIT                                                      \
	{                                                                      \
		NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, 0, 0                 \
	}

/* What signing produced: plain result data owned by the caller. The
 * signer fields are those our verifier confirmed in the self-check (the
 * certificate's SAN and issuer, the Rekor entry), not the token's claims. */
typedef struct ev_sign_result {
	unsigned char *bundle; /* v0.3 bundle JSON */
	size_t bundle_len;
	char *issuer;	    /* OIDC issuer of the certificate */
	char *identity;	    /* SAN of the certificate */
	int64_t log_index;  /* Rekor logIndex of the first entry */
	int rekor_version;  /* 1 or 2 */
	bool has_timestamp; /* an RFC 3161 timestamp is in the bundle */
} ev_sign_result;

/* Signs `payload` (an in-toto statement) as a DSSE envelope with payload
 * type `payload_type` and returns the bundle. Fails before any request when
 * the token has expired (AE_EAUTH). Service failures: AE_ETRANSIENT after
 * EV_SIGN_HTTP_ATTEMPTS (5xx, 429, unreachable), AE_EAUTH (token refused),
 * AE_EEXISTS (Rekor 409), AE_EINVAL (a malformed answer: certificate
 * chain, entry, timestamp), AE_EVERIFY (an inclusion proof or the
 * self-check by ev_bundle_verify failed: nothing is returned). *out NULL on
 * failure; free with ev_sign_result_free. */
int ev_sign_dsse(ev_sign_result **out, const ev_sign_opts *opts,
		 const char *payload_type, const unsigned char *payload,
		 size_t payload_len, ae_err *err);

/* Signs an artifact given by its SHA-256 (message signature, the
 * conformance `sign-bundle` without --in-toto). Codes as ev_sign_dsse. */
int ev_sign_message(ev_sign_result **out, const ev_sign_opts *opts,
		    const unsigned char sha256[AE_SHA256_LEN], ae_err *err);

/* Frees a result. NULL is a no-op. */
void ev_sign_result_free(ev_sign_result *res);

/* The services a SigningConfig selects (sigstore.md §11.8). */
typedef struct ev_sign_services {
	char *fulcio_url; /* NULL when the config lists none valid */
	size_t nrekor;
	char *rekor_url[EV_SIGN_MAX_SERVICES];
	int rekor_version; /* the one major version all selected logs share */
	size_t ntsa;
	char *tsa_url[EV_SIGN_MAX_SERVICES];
} ev_sign_services;

/* Parses SigningConfig v0.2 JSON and selects, among services valid at
 * `now`: the first Fulcio with API v1; the Rekor logs of the highest API
 * version we speak (2, else 1) per rekorTlogConfig (ANY = 1, EXACT = count,
 * ALL = every one); TSAs per tsaConfig. AE_EINVAL for a malformed or
 * unknown-media-type config, AE_ETOOBIG past EV_SIGNING_CONFIG_MAX_BYTES
 * or EV_SIGN_MAX_SERVICES. On failure *out is zeroed. Free the inside with
 * ev_sign_services_dispose. */
int ev_signing_config_parse(ev_sign_services *out, const unsigned char *buf,
			    size_t len, int64_t now, ae_err *err);

/* Frees the URLs and zeroes the struct. Cannot fail. */
void ev_sign_services_dispose(ev_sign_services *svc);

/* ---- Sigstore bundle verification (evidence/sigstore_*.c) ----
 *
 * Verifies a Sigstore bundle (sigstore.md) offline, against a trusted root
 * that is the embedded public-good root plus any root the caller adds, and
 * an identity policy or a managed key. It returns who signed (only verified
 * fields) and the DSSE payload; it never fetches anything and never trusts
 * a key or certificate named by the bundle itself. It links without the
 * signing files (STYLE §3.1).
 */

/* Caps on outside input (STYLE §3.7). */

/* A bundle is a few KiB; the biggest conformance bundle is ~16 KiB. */
#define EV_BUNDLE_MAX_BYTES (1u << 20)
/* The public-good root is 6.8 KiB; private stacks are similar. */
#define EV_TRUSTED_ROOT_MAX_BYTES (1u << 20)
/* A managed public key (PEM SubjectPublicKeyInfo). */
#define EV_KEY_MAX_BYTES (64u << 10)
/* An artifact verified by its bytes (signify caps messages at 1 GiB). */
#define EV_ARTIFACT_MAX_BYTES (1ull << 30)
/* Identity policy strings (SAN, issuer, regex). */
#define EV_POLICY_MAX_BYTES 4096

/* ---- trusted root ---- */

/* The set of trust anchors: Fulcio CAs, Rekor logs, CT logs, TSAs. */
typedef struct ev_trust ev_trust;

/* A new trust set holding the embedded Sigstore public-good root
 * (evidence/data/public-good-trusted_root.json). The caller frees *out with
 * ev_trust_free. AE_ERR only (the embedded root is tested). */
int ev_trust_new_default(ev_trust **out, ae_err *err);

/* A new, empty trust set (tests, or callers that want only their root). */
int ev_trust_new_empty(ev_trust **out, ae_err *err);

/* Adds every CA, log and TSA of a trusted_root.json (sigstore.md §2) to
 * `trust`: a union, as the reference does for private Sigstore stacks.
 * AE_EINVAL for a malformed root (unknown media type, missing
 * validFor.start, bad key, bad base64), AE_ETOOBIG past
 * EV_TRUSTED_ROOT_MAX_BYTES or the per-list cap. On failure `trust` is
 * unchanged. */
int ev_trust_add_json(ev_trust *trust, const unsigned char *buf, size_t len,
		      ae_err *err);

/* Frees the set. NULL is a no-op. */
void ev_trust_free(ev_trust *trust);

/* ---- bundle ---- */

/* A parsed, not yet verified, Sigstore bundle. */
typedef struct ev_bundle ev_bundle;

/* Parses bundle JSON v0.1, v0.2, v0.3 (both media type spellings),
 * strictly (sigstore.md §1). AE_EINVAL with a precise reason, AE_ETOOBIG
 * past EV_BUNDLE_MAX_BYTES. *out NULL on failure; free with
 * ev_bundle_free. */
int ev_bundle_parse(ev_bundle **out, const unsigned char *buf, size_t len,
		    ae_err *err);

/* Frees the bundle. NULL is a no-op. */
void ev_bundle_free(ev_bundle *bundle);

/* True iff the bundle carries a DSSE envelope (else a message signature).
 * Cannot fail. */
bool ev_bundle_is_dsse(const ev_bundle *bundle);

/* ---- verification ---- */

/* What must have signed. Certificate mode: `issuer` (exact) and either
 * `identity` (exact SAN) or `identity_regex` (POSIX extended regex,
 * anchored as ^(...)$ by the verifier). Managed-key mode: `key_pem` set
 * (PEM SubjectPublicKeyInfo), the rest NULL. */
typedef struct ev_policy {
	const char *issuer;
	const char *identity;
	const char *identity_regex;
	const unsigned char *key_pem;
	size_t key_pem_len;
} ev_policy;

#define EV_POLICY_INIT                                                         \
	{                                                                      \
		NULL, NULL, NULL, NULL, 0                                      \
	}

/* The artifact the bundle must cover: its bytes, or its SHA-256 digest only
 * (sigstore.md §8.2). For DSSE it names a statement subject. */
typedef struct ev_artifact {
	const unsigned char *data; /* NULL: digest-only */
	size_t len;
	unsigned char sha256[AE_SHA256_LEN]; /* used when data is NULL */
} ev_artifact;

/* The verified signer: only fields that passed verification. */
typedef struct ev_signer {
	char *issuer;	/* OIDC issuer (cert mode), NULL in key mode */
	char *identity; /* the SAN that matched the policy, NULL in key mode */
	int64_t log_index;	 /* Rekor logIndex of the first entry */
	int64_t integrated_time; /* from a verified SET, 0 when none */
	int64_t timestamp_time;	 /* first verified RFC 3161 genTime, or 0 */
	char *payload_type;	 /* DSSE only, else NULL */
	unsigned char *payload;	 /* DSSE payload bytes, else NULL */
	size_t payload_len;
} ev_signer;

/* Verifies `bundle` against `trust`, `policy` and `artifact`
 * (sigstore.md §3): verified times (SET, RFC 3161), the certificate chain at
 * each time, SCTs, every tlog entry (SET, inclusion proof, checkpoint, body
 * cross-check), the artifact signature, the identity policy, and for DSSE
 * the in-toto payload type and the artifact among the statement subjects.
 * `artifact` may be NULL for a DSSE bundle: the subject is then left to the
 * caller, who reads the returned payload. On success *out is the verified
 * signer (free with ev_signer_free). AE_EVERIFY with the failed check's
 * reason; AE_EINVAL for an unusable policy or key. *out NULL on failure. */
int ev_bundle_verify(ev_signer **out, const ev_bundle *bundle,
		     const ev_trust *trust, const ev_policy *policy,
		     const ev_artifact *artifact, ae_err *err);

/* Frees a signer. NULL is a no-op. */
void ev_signer_free(ev_signer *signer);

#endif /* AE_EVIDENCE_H */
