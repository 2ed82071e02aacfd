/* evidence/signer/signer.h -- keyless Sigstore signing (sigstore.md §11)
 *
 * OIDC token -> ephemeral P-256 key -> Fulcio v2 certificate -> signature
 * (DSSE over an in-toto statement, or a message signature) -> Rekor v1 or
 * v2 entry (inclusion proof checked here) -> optional RFC 3161 timestamp ->
 * a v0.3 bundle. The token and the private key never appear in messages
 * and are wiped when freed. Nothing here prints, prompts or reads the
 * environment: cmd/ gathers the token sources and asks the user.
 *
 * A module of its own: it stands on evidence/core/ and reads the verifier
 * (the self-check of every bundle it makes) only through
 * evidence/sigstore/sigstore.h; the verifier never links it.
 */
#ifndef AE_EVIDENCE_SIGNER_H
#define AE_EVIDENCE_SIGNER_H

#include "evidence/core/ae.h"
#include "evidence/sigstore/sigstore.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An OIDC token is a few KiB; GitHub's are ~1.5 KiB. */
#define EV_TOKEN_MAX_BYTES (64u << 10)
/* Latest exp we read: 9999-12-31T23:59:59Z (a larger number is no time). */
#define EV_TOKEN_EXP_MAX 253402300799LL
/* The audience Fulcio's public-good instance takes (its OIDC client id):
 * a token whose aud lacks it was minted for another service. */
#define EV_TOKEN_AUDIENCE "sigstore"
/* A SigningConfig lists a handful of services. */
#define EV_SIGNING_CONFIG_MAX_BYTES (1u << 20)
/* Fulcio, Rekor, TSA and token-endpoint answers are a few KiB each. */
#define EV_SIGN_RESPONSE_MAX_BYTES (1u << 20)
/* The largest DSSE payload (in-toto statement) signed. The bundle carries
 * it in base64 and must stay within EV_BUNDLE_MAX_BYTES, the cap of the
 * self-check and of every verifier of ours; the rest of the bundle
 * (certificate, log entries, timestamps) gets EV_SIGN_BUNDLE_RESERVE_BYTES.
 * One cap, checked before the first request: a statement is never
 * certified, logged and timestamped only to be refused (issue 25). */
#define EV_SIGN_BUNDLE_RESERVE_BYTES (128u << 10)
#define EV_SIGN_PAYLOAD_MAX_BYTES                                              \
	((EV_BUNDLE_MAX_BYTES - EV_SIGN_BUNDLE_RESERVE_BYTES) / 4 * 3)
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
/* Per-request time limit: the engine's for a small exchange
 * (AE_HTTP_BASE_MS, evidence/core/http.h). */
#define EV_SIGN_HTTP_TIMEOUT_S 30
/* The default deadline of a whole signing run, token fetch included
 * (--timeout; cosign's default). */
#define EV_SIGN_TIMEOUT_DEFAULT_S 180

/* Public-good services (used when neither flags nor a SigningConfig name
 * one). No TSA by default: Rekor v1 gives the SET time. */
#define EV_SIGN_DEFAULT_FULCIO "https://fulcio.sigstore.dev"
#define EV_SIGN_DEFAULT_REKOR  "https://rekor.sigstore.dev"

/* An OIDC identity token and its (unverified) claims. Opaque: it holds a
 * secret. */
typedef struct ev_token ev_token;

/* The ambient token sources, in the order an automatic choice tries them
 * (issue 21); each can also be forced. */
typedef enum ev_token_source {
	EV_TOKEN_AUTO = 0,  /* the first available, in the order below */
	EV_TOKEN_GITHUB,    /* GitHub Actions ID-token endpoint */
	EV_TOKEN_GITLAB,    /* GitLab CI id_tokens: SIGSTORE_ID_TOKEN */
	EV_TOKEN_BUILDKITE, /* buildkite-agent oidc request-token */
	EV_TOKEN_GOOGLE,    /* Google Cloud metadata server identity */
	EV_TOKEN_ENV,	    /* SIGSTORE_ID_TOKEN anywhere */
} ev_token_source;

/* Where a token may come from (SPEC §4 signing flags, issue 21): an
 * explicit token (--identity-token or its file) wins over all; then, in
 * order, GitHub Actions ambient credentials (a GET of gha_url with
 * audience=sigstore and "Authorization: bearer gha_request_token"), GitLab
 * CI (`gitlab` and env_token), Buildkite (`buildkite_agent` run as
 * "oidc request-token --audience sigstore"), Google Cloud (the metadata
 * server at `gcp_metadata_host`), and env_token (SIGSTORE_ID_TOKEN) as the
 * generic fallback. `force` takes one source only. NULL or "" = absent.
 * cmd/ fills it from argv and the environment: the library reads none. */
typedef struct ev_token_sources {
	const char *explicit_token;
	const char *env_token;
	const char *gha_url;
	const char *gha_request_token;
	int64_t deadline_ms; /* ev_sign_deadline() of the run, 0 = none */
	ev_token_source force;
	bool gitlab; /* GITLAB_CI=true: env_token is GitLab's id_token */
	/* buildkite-agent's path when BUILDKITE=true, else NULL */
	const char *buildkite_agent;
	/* host[:port] of the metadata server on Google Cloud, else NULL */
	const char *gcp_metadata_host;
} ev_token_sources;

#define EV_TOKEN_SOURCES_INIT                                                  \
	{                                                                      \
		NULL, NULL, NULL, NULL, 0, EV_TOKEN_AUTO, false, NULL, NULL    \
	}

/* The deadline of a run that may take `timeout_s` seconds from now
 * (CLOCK_MONOTONIC milliseconds; 0 for timeout_s <= 0: no deadline), for
 * ev_token_sources and ev_sign_opts: every request of the run ends by it,
 * and past it signing fails with AE_ETRANSIENT. Cannot fail. */
int64_t ev_sign_deadline(int64_t timeout_s);

/* Parses a JWT's claims without verifying its signature (that is the CA's
 * job): iss (required), sub, email, exp (an integer NumericDate within
 * EV_TOKEN_EXP_MAX), aud (a string or a list of strings). AE_EINVAL for a
 * malformed token or claim, AE_ETOOBIG past EV_TOKEN_MAX_BYTES. *out NULL on
 * failure; free with ev_token_free. The message never contains the token. */
int ev_token_parse(ev_token **out, const char *jwt, size_t len, ae_err *err);

/* Takes the first available source (see ev_token_sources) and parses it;
 * `*used_out` (may be NULL) names the source taken. AE_ENOTFOUND when no
 * source is set (or the forced one is absent), AE_EAUTH when a token
 * service refuses us, AE_ETRANSIENT when one stays unreachable, and the
 * codes of ev_token_parse. *out NULL on failure. */
int ev_token_acquire(ev_token **out, const ev_token_sources *src, ae_err *err);
int ev_token_acquire_from(ev_token **out, ev_token_source *used_out,
			  const ev_token_sources *src, ae_err *err);

/* What a token must be before it is used (issue 21). */
typedef struct ev_token_expect {
	int64_t now;	      /* seconds since the epoch */
	const char *issuer;   /* iss must equal it; NULL: any */
	const char *audience; /* aud must name it; NULL: EV_TOKEN_AUDIENCE */
	const char *nonce;    /* the nonce claim must equal it; NULL: none */
	/* when the identity is an e-mail, email_verified must be true (an
	 * absent claim is refused too); without it only an explicit false or
	 * a non-boolean is refused, except for the issuers whose Fulcio
	 * identity is the e-mail, which always need it */
	bool email_verified;
} ev_token_expect;

/* The checks made before the token is shown or sent anywhere (issues 21,
 * 25): AE_EAUTH when it has no exp, when it has expired ("identity token
 * expired 3 minutes ago"), when iss is not `x->issuer`, when aud does not
 * name the audience (a token minted for another service is not forwarded
 * to Fulcio), when the nonce differs, or when an e-mail identity is not
 * verified. Cannot fail otherwise. */
int ev_token_check(const ev_token *tok, const ev_token_expect *x, ae_err *err);

/* ev_token_check with only `now` set. */
int ev_token_check_fresh(const ev_token *tok, int64_t now, ae_err *err);

/* "42 seconds", "3 minutes", "5 hours", "2 days": `s` seconds in the
 * largest unit that keeps a count of at least 2, rounded down, into
 * `out`. Cannot fail. */
void ev_duration_human(char *out, size_t outsz, int64_t s);

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
/* The nonce claim (NULL when absent). Borrowed. */
const char *ev_token_nonce(const ev_token *tok);

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
	/* trusted_root.json the self-check trusts instead of the embedded
	 * public-good root (a private stack), or NULL for the default */
	const unsigned char *trusted_root;
	size_t trusted_root_len;
	int64_t now; /* 0 = time(NULL); for validity windows and token exp */
	int64_t deadline_ms; /* ev_sign_deadline() of the run, 0 = none */
	/* the OAuth client id the token must be for (Fulcio's client id of
	 * that issuer); NULL: EV_TOKEN_AUDIENCE */
	const char *audience;
} ev_sign_opts;

#define EV_SIGN_OPTS_INIT                                                      \
	{                                                                      \
		NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, 0, 0, 0, NULL        \
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
	/* the OIDC issuer a person logs in at (oidcUrls, the first valid
	 * with API v1); NULL when the config lists none (issue 21) */
	char *oidc_url;
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

/* Checks that a trusted root (the verifier's parser) and a signing config
 * (ev_signing_config_parse at `now`; NULL: none) are what they claim to
 * be: the check a TUF cache's documents pass before they are trusted
 * (tuf_trust_docs.check). Codes of the parsers. */
int ev_trust_documents_check(const unsigned char *root, size_t root_len,
			     const unsigned char *sc, size_t sc_len,
			     int64_t now, ae_err *err);

/* ---- one signing run (evidence/signer/token_get.c, run.c) ---- */

/* Which person's login a run may take. */
typedef enum ev_login_kind {
	EV_LOGIN_NONE = 0,
	EV_LOGIN_BROWSER,
	EV_LOGIN_DEVICE,
} ev_login_kind;

/* What a person must see during a login, given to the caller's prompt
 * callback (the signer prints nothing). Strings are the servers': the
 * caller escapes them. */
typedef enum ev_prompt_kind {
	EV_PROMPT_BROWSER_URL,	/* log in at issuer: url */
	EV_PROMPT_BROWSER_WAIT, /* opened (a browser was started), wait_s */
	EV_PROMPT_DEVICE_CODE,	/* url, code, url_complete (or NULL), wait_s */
} ev_prompt_kind;

typedef struct ev_prompt {
	ev_prompt_kind kind;
	const char *issuer, *url, *url_complete, *code;
	bool opened;
	int64_t wait_s;
} ev_prompt;

/* Where the token of a run comes from (the token flags of SPEC §4; NULL
 * or false: absent). */
typedef struct ev_token_get_opts {
	const char *token;	/* --identity-token */
	const char *token_file; /* --identity-token-file */
	const char *provider;	/* --oidc-provider: github-actions, gitlab,
				   buildkite, google, env (an ambient source)
				   or browser, device (a login) */
	bool device;		/* --oidc-device */
	bool interactive;	/* a person at a terminal may log in */
	const char *issuer;	/* --oidc-issuer: the token must be its */
	const char *client_id;	/* --oidc-client-id: the audience too */
	const char *client_secret_file;
	const char *redirect_url;
	int64_t login_timeout_s; /* --oidc-timeout of a login */
	int64_t timeout_s;	 /* --timeout of the run (0: none) */
	/* the signing config whose oidcUrls name the login's issuer: a file,
	 * else bytes; neither: public good's (ev_sign_run sets both) */
	const char *signing_config_path;
	const unsigned char *signing_config;
	size_t signing_config_len;
	char *const *envp; /* the CI sources, the client secret, the browser */
	void (*on_prompt)(void *ctx, const ev_prompt *p); /* NULL: none */
	void *ctx;
} ev_token_get_opts;

/* Refuses token options that contradict each other or name what does not
 * exist, before anything is read (the flags' names in the message):
 * both a token and a token file, an unknown provider, a device login
 * with another provider, a client id beyond 1 to 256 letters, digits and
 * -._~:/@. 0 or AE_EINVAL. */
int ev_token_opts_check(const ev_token_get_opts *o, ae_err *err);

/* Starts the run's deadline (ev_sign_deadline of o->timeout_s) in
 * *deadline_out and gets the token (docs/signing.md "Token"): o->token or
 * o->token_file; else the ambient sources of o->envp in order (GitHub
 * Actions, GitLab CI, Buildkite, Google Cloud, SIGSTORE_ID_TOKEN) or the
 * one o->provider forces; else, when interactive or forced, the browser
 * login (device: the device login) at o->issuer, the signing config's
 * issuer or public good's -- the deadline then starts once the person has
 * logged in. Then refuses a token without exp, expired, from another
 * issuer than o->issuer, or for another audience than o->client_id
 * (AE_EAUTH) before it is shown or sent. Codes of ev_token_acquire and
 * the logins. *out NULL on failure. */
int ev_token_get(ev_token **out, int64_t *deadline_out,
		 const ev_token_get_opts *o, ae_err *err);

/* One signing run (ev_sign_run): the token, the services, what to sign
 * and the caller's checks. */
typedef struct ev_sign_run_opts {
	ev_token_get_opts token;
	const char *fulcio_url, *rekor_url, *tsa_url;
	const char *rekor_version; /* "1", "2" or NULL */
	const char *signing_config_path, *trusted_root_path;
	/* the TUF cache's documents when they are in force (docs/trust.md),
	 * else NULL: used for what no path or service URL names */
	const unsigned char *cached_root, *cached_sc;
	size_t cached_root_len, cached_sc_len;
	/* a DSSE envelope of payload_type over `payload`, or with a NULL
	 * payload_type a message signature over `sha256` */
	const char *payload_type;
	const unsigned char *payload;
	size_t payload_len;
	unsigned char sha256[AE_SHA256_LEN];
	/* called with the identity the token predicts before any request,
	 * and with the verified signer after signing, with `ctx`; NULL:
	 * none */
	int (*signer_ok)(const char *identity, const char *issuer, void *ctx,
			 ae_err *err);
	/* the person's consent once the token is known, with token.ctx (the
	 * face's, as on_prompt): -1 declines (AE_EAUTH "signing declined");
	 * NULL: none asked */
	int (*confirm)(const ev_token *tok, void *ctx);
	void *ctx;
} ev_sign_run_opts;

/* Sets what the run signs from the file at `path`, read before any
 * request: with `in_toto` its bytes as the in-toto statement of a DSSE
 * envelope (held in `stmt`, capped at EV_SIGN_PAYLOAD_MAX_BYTES), else
 * its SHA-256 for a message signature (the conformance `sign-bundle`).
 * Codes of ae_read_file, ae_open_regular and ae_sha256_fd. */
int ev_sign_run_input(ev_sign_run_opts *o, ae_buf *stmt, const char *path,
		      bool in_toto, ae_err *err);

/* True iff a document the run needs is left to the cache: no trusted
 * root file, or neither a signing config file nor a service URL
 * (explicit URLs are the user's whole choice). Cannot fail. */
bool ev_sign_run_wants_cache(const ev_sign_run_opts *o);

/* Gets the token (ev_token_get), runs signer_ok and confirm, reads the
 * signing config and trusted root the options name (else the cached
 * ones), signs (ev_sign_dsse or ev_sign_message) and runs signer_ok on
 * the verified signer. Writes nothing. AE_EINVAL for a rekor_version
 * other than "1" or "2"; codes of the steps and the callbacks. *out NULL
 * on failure; free with ev_sign_result_free. */
int ev_sign_run(ev_sign_result **out, const ev_sign_run_opts *o, ae_err *err);

/* ---- the signing flags as given (evidence/signer/flags.c) ---- */

/* The signing flags of SPEC §4, which `sigstore sign-bundle`, `emit
 * --sign` and `sign` all take, as given on the command line: what the run
 * takes (borrowed strings, NULL when absent) and the words
 * ev_sign_flags_check reads into it. Zero it before the first flag. */
typedef struct ev_sign_flags {
	ev_sign_run_opts run;	  /* the token's flags in run.token */
	const char *timeout;	  /* --timeout: run.token.timeout_s */
	const char *oidc_timeout; /* --oidc-timeout: login_timeout_s */
	const char *oidc_secret;  /* --oidc-client-secret: refused */
	bool yes;		  /* --yes, -y: no question on a terminal */
} ev_sign_flags;

/* The value flags: the i-th's name ("--fulcio-url") and where its value
 * goes in `f`; NULL past the last. Cannot fail. */
#define EV_SIGN_NFLAGS 16
const char *ev_sign_flag_name(size_t i);
const char **ev_sign_flag_value(ev_sign_flags *f, size_t i);

/* Sets the switch `arg` names (--yes, -y, --oidc-device): true, or false
 * when `arg` is none of them. Cannot fail. */
bool ev_sign_flag_switch(ev_sign_flags *f, const char *arg);

/* Checks the words once every flag is read and fills run.token's
 * timeouts (--timeout: whole seconds up to a day, EV_SIGN_TIMEOUT_DEFAULT_S
 * when absent, 0 none; --oidc-timeout: up to an hour, more than 0,
 * EV_LOGIN_TIMEOUT_DEFAULT_S when absent): a client secret on the command
 * line, then ev_token_opts_check's rules, then the durations. 0 or
 * AE_EINVAL, the message naming the flag. */
int ev_sign_flags_check(ev_sign_flags *f, ae_err *err);

/* ---- what a person is shown (evidence/signer/prompt.c) ---- */

/* Appends what a person must see to log in (the browser's URL, the wait,
 * the device code), the servers' strings escaped. Codes of ae_buf_put. */
int ev_prompt_render(ae_buf *b, const ev_prompt *p, ae_err *err);
/* Appends the question asked once on a terminal before the identity of
 * `tok` is published in the transparency log (its validity left at
 * `now`), ending in "Continue? [y/N] ". Codes of ae_buf_put. */
int ev_sign_consent_render(ae_buf *b, const ev_token *tok, int64_t now,
			   ae_err *err);
/* Appends the line `sigstore sign-bundle` prints of a signature made
 * ("aicr-evidence: signed as ID (issuer I), rekor vN log index K"). Codes
 * of ae_buf_put. */
int ev_sign_result_render(ae_buf *b, const ev_sign_result *r, ae_err *err);

#endif /* AE_EVIDENCE_SIGNER_H */
