/* evidence/evidence.h -- the evidence module: Sigstore signing and
 * verification, evidence bundles
 *
 * Other engineers add the evidence bundle and predicate parts to this
 * header. The signing part (evidence/sign*.c) talks to Fulcio,
 * Rekor and a TSA over HTTP; the verifier links without it (STYLE §3.1).
 *
 * The bundle part (evidence/emit.c, verify.c and their helpers) turns a
 * validation run (recipe, cluster snapshot, CTRF reports) into a minimized
 * bundle directory with a deterministic manifest and an in-toto statement,
 * and tells whether such a bundle is intact. It never reads pointers (that
 * is ledger/) and never talks to a registry (oci/).
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
/* Per-request time limit. */
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

/* ---- Sigstore bundle verification (evidence/sigstore_*.c) ----
 *
 * Verifies a Sigstore bundle (sigstore.md) offline, against one trusted
 * root -- the embedded public-good root, or the caller's, which replaces it
 * (docs/sigstore-verify.md "Policy") -- and an identity policy or a managed
 * key. It returns who signed (only verified
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

/* The embedded public-good trusted_root.json (the bytes behind
 * ev_trust_new_default), for callers that show or hash it. Borrowed,
 * static. Cannot fail. */
const unsigned char *ev_trust_public_good_json(size_t *len_out);

/* A new, empty trust set (tests, or callers that build their own). */
int ev_trust_new_empty(ev_trust **out, ae_err *err);

/* A new trust set holding exactly the trusted_root.json in (buf, len) and
 * nothing of the embedded root: what --trusted-root means everywhere (as
 * in cosign, sigstore-go and sigstore-js). Codes of ev_trust_add_json;
 * *out NULL on failure, else free with ev_trust_free. */
int ev_trust_new_json(ev_trust **out, const unsigned char *buf, size_t len,
		      ae_err *err);

/* Adds every CA, log and TSA of a trusted_root.json (sigstore.md §2) to
 * `trust`: a union. No command does this implicitly (a given root
 * replaces the default, ev_trust_new_json). AE_EINVAL for a malformed root
 * (unknown media type, missing validFor.start, bad key, bad base64),
 * AE_ETOOBIG past EV_TRUSTED_ROOT_MAX_BYTES or the per-list cap. On
 * failure `trust` is unchanged. */
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
 * `identity` (exact SAN) or `identity_regex` (RE2, Go's regexp dialect,
 * matched against the whole SAN: ae_re_match). Managed-key mode: `key_pem` set
 * (PEM SubjectPublicKeyInfo), the rest NULL. `ignore_tlog` (cosign's
 * --insecure-ignore-tlog, never the default) skips every transparency-log
 * check: no entry is needed, none is verified, and no SET time is
 * trusted, so a certificate then needs an RFC 3161 timestamp. */
typedef struct ev_policy {
	const char *issuer;
	const char *identity;
	const char *identity_regex;
	const unsigned char *key_pem;
	size_t key_pem_len;
	bool ignore_tlog;
} ev_policy;

#define EV_POLICY_INIT                                                         \
	{                                                                      \
		NULL, NULL, NULL, NULL, 0, false                               \
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

/* Checks that `pem` is a public key ev_bundle_verify can use (PEM
 * SubjectPublicKeyInfo, at most EV_KEY_MAX_BYTES), so that a caller can
 * name the key file in the error before any bundle is looked at.
 * AE_EINVAL otherwise. */
int ev_key_check(const unsigned char *pem, size_t len, ae_err *err);

/* Frees a signer. NULL is a no-op. */
void ev_signer_free(ev_signer *signer);

/* ==== bundles: emit and verify (issue 5) ==== */

/* Predicate types (reference §0). New bundles are always v3; v1/v2 are
 * accepted on verify only (STYLE §3.9). */
#define EV_PREDICATE_V1	  "https://aicr.run/recipe-evidence/v1"
#define EV_PREDICATE_V2	  "https://aicr.run/recipe-evidence/v2"
#define EV_PREDICATE_V3	  "https://aicr.run/recipe-evidence/v3"
#define EV_STATEMENT_TYPE "https://in-toto.io/Statement/v1"

/* Read caps (reference §0 unless noted). */
#define EV_RECIPE_MAX_BYTES (1u << 20) /* recipe.yaml */
/* The canonical form of a recipe at the cap: yaml.v3's 4-space indent,
 * escapes (4 bytes for 1) and doubled folded breaks stay well under 16x. */
#define EV_RECIPE_CANON_MAX_BYTES (16u << 20)
#define EV_MANIFEST_MAX_BYTES	  (1u << 20)  /* manifest.json */
#define EV_STATEMENT_MAX_BYTES	  (10u << 20) /* statement.intoto.json */
#define EV_CTRF_MAX_BYTES	  (10u << 20) /* one CTRF report read to parse */
#define EV_BOM_MAX_BYTES	  (8u << 20)  /* operator-supplied --bom */
/* A snapshot is not capped by the reference; 16 MiB is ~40x a large real
 * one and keeps the YAML tree well under AE_YAML_MAX_NODES. */
#define EV_SNAPSHOT_MAX_BYTES (16u << 20)
/* Files listed in one manifest: a bundle has at most 7 fixed files plus
 * three CTRF reports; 4096 leaves room for legacy layouts. */
#define EV_MANIFEST_MAX_FILES 4096
/* CTRF inputs given to one emit (files, or files found in directories). */
#define EV_CTRF_MAX_INPUTS 256

/* The three phases, in canonical order (reference §0). */
#define EV_PHASE_COUNT 3
extern const char *const ev_phase_names[EV_PHASE_COUNT];

/* ---- recipe identity (reference §5.6, docs/formats.md) ---- */

/* Re-emits the recipe YAML canonically into `out` (initialised here):
 * comments dropped, mapping keys sorted bytewise at every level, and with
 * `drop_version` the top-level metadata.version removed (v3). AE_EINVAL for
 * malformed or empty YAML. On failure `out` is empty. */
int ev_recipe_canonical(ae_buf *out, const unsigned char *buf, size_t len,
			bool drop_version, ae_err *err);

/* ev_recipe_canonical with the metadata.version rule of `predicate_type`
 * (v3, or NULL: dropped; v1/v2: kept). AE_EINVAL for another type. */
int ev_recipe_canonical_for(ae_buf *out, const unsigned char *buf, size_t len,
			    const char *predicate_type, ae_err *err);

/* SHA-256 hex (64 lowercase + NUL) of the canonical recipe for
 * `predicate_type` (v3 drops metadata.version, v1/v2 keep it). AE_EINVAL for
 * an unknown predicate type or bad YAML. */
int ev_recipe_digest(char out[AE_SHA256_HEX_LEN + 1], const unsigned char *buf,
		     size_t len, const char *predicate_type, ae_err *err);

/* ---- profiles (reference ADR-015, docs/formats.md "Profiles") ---- */

#define EV_PROFILE_PART_MAX	       128 /* a profile name or value */
#define EV_PROFILE_ADVERTISER_EXTERNAL "external"

/* What names a recipe in its evidence. Plain result data. */
typedef struct ev_recipe_id {
	/* RecipeNameFor: the criteria part, plus "-<name>-<value>"
	 * lowercased for a profiled recipe */
	char name[256];
	/* false: the recipe has no criteria mapping, so the reference
	 * derives no name ("") and never compares one; `name` is then
	 * "recipe" (or "recipe-<segment>") */
	bool has_criteria;
	bool profiled; /* metadata.selectedProfile present */
	char selection[2 * EV_PROFILE_PART_MAX + 2]; /* "name=value" */
	char advertiser[16];			     /* "" or "external" */
	char identity[AE_SHA256_HEX_LEN + 1]; /* policyDescriptorIdentity */
} ev_recipe_id;

/* Splits a `name=value` selection (the pointer's and --profile's form)
 * into its parts; false unless both match [A-Za-z0-9._-]+ and fit
 * EV_PROFILE_PART_MAX. Cannot fail. */
bool ev_profile_selection_parse(char name[EV_PROFILE_PART_MAX + 1],
				char value[EV_PROFILE_PART_MAX + 1],
				const char *sel);

/* The recipe's name and profile identity (reference RecipeNameFor,
 * ProfileSelectionString, allocpolicy.IdentityFor over the recipe's
 * closure): fills *out. AE_EINVAL when the recipe is not a mapping, a
 * criteria part is not a plain path element, or metadata.selectedProfile
 * is malformed (name or value outside [A-Za-z0-9._-]+, an advertiser other
 * than "external"); the parser's codes. */
int ev_recipe_identify(ev_recipe_id *out, const unsigned char *buf, size_t len,
		       ae_err *err);

/* The recipe name alone (ev_recipe_identify's `name`). New string in *out
 * (free()). */
int ev_recipe_name(char **out, const unsigned char *buf, size_t len,
		   ae_err *err);

/* ---- minimization, policy `minimal` v4 (reference §6) ---- */

#define EV_REDACTION_POLICY  "minimal"
#define EV_REDACTION_VERSION "v4"

/* Snapshot allowlist (§6.2): writes the redacted snapshot YAML into `out`
 * (initialised here). On failure `out` is empty. */
int ev_snapshot_redact(ae_buf *out, const unsigned char *buf, size_t len,
		       ae_err *err);

/* CTRF scrub (§6.4) of one report: writes the scrubbed JSON into `out`
 * (initialised here). AE_EINVAL for a report that is not CTRF. */
int ev_ctrf_redact(ae_buf *out, const unsigned char *buf, size_t len,
		   ae_err *err);

/* ---- the validator catalog (reference §5.5 validatorCatalogVersion) ---- */

#define EV_CATALOG_MAX_BYTES   (1u << 20) /* --validator-catalog file */
#define EV_CATALOG_VERSION_MAX 64	  /* metadata.version, SemVer text */
#define EV_CATALOG_API_VERSION "aicr.nvidia.com/v1"

/* Reads a validator catalog (`kind: ValidatorCatalog`, apiVersion
 * EV_CATALOG_API_VERSION; strict YAML) for its metadata.version into `out`:
 * "" when the catalog has none (legacy). AE_EINVAL for another document,
 * a version that is not [0-9A-Za-z.+-]{1,64}; codes of ae_yaml_parse.
 * `out` is "" on failure. */
int ev_catalog_version(char out[EV_CATALOG_VERSION_MAX + 1],
		       const unsigned char *buf, size_t len, ae_err *err);

/* ---- emit ---- */

typedef struct ev_emit_opts {
	const char *recipe_path;
	const char *snapshot_path;
	const char *const *ctrf_paths; /* files or directories */
	size_t nctrf;
	const char *bom_path; /* NULL: generate CycloneDX 1.6 */
	const char *out_dir;  /* summary-bundle/ is created inside */
	bool full;	      /* ship raw files, no redaction block */
	bool allow_mutable_validator_tags;
	int64_t attested_at;	  /* seconds since the epoch, UTC */
	const char *tool_version; /* predicate aicrVersion */
	/* the validator catalog the run used, for validatorCatalogVersion;
	 * NULL: "" (the version is not known) */
	const char *catalog_path;
	/* --profile name=value: the selection the recipe must carry in
	 * metadata.selectedProfile (a recipe is hydrated with its profile
	 * when it is generated; emit attests it as it is). NULL: any. */
	const char *profile;
} ev_emit_opts;

#define EV_EMIT_OPTS_INIT                                                      \
	{                                                                      \
		NULL, NULL, NULL, 0, NULL, NULL, false, false, 0, NULL, NULL,  \
			NULL                                                   \
	}

/* What emit produced: plain result data. */
typedef struct ev_emit_result {
	char recipe_name[256];
	char recipe_digest[AE_SHA256_HEX_LEN + 1];
	/* the recipe's profile selection "name=value" (the pointer's
	 * `profile`), "" for an unprofiled recipe */
	char profile[2 * EV_PROFILE_PART_MAX + 2];
	char manifest_digest[AE_DIGEST_STR_LEN];
	char attested_at[32]; /* RFC 3339, whole seconds, Z */
	size_t file_count;
	int phase_failed; /* sum of failed counts over the phases */
	bool created_out; /* OUT did not exist before: emit made it */
} ev_emit_result;

/* Builds OUT/summary-bundle (reference §5.2) from the inputs: the recipe in
 * its canonical yaml.v3 form with metadata.version (as the reference's
 * builder writes it; the v3 digest is computed from those bytes), redacted
 * (or raw with opts->full) snapshot, BOM, CTRF per phase, manifest.json and
 * the unsigned statement.intoto.json, whose v3 predicate carries the
 * profile block of a profiled recipe. The bundle is assembled in a
 * temporary directory inside OUT and renamed into place last, so a failure
 * leaves no summary-bundle behind. Validator images with mutable tags are
 * refused (AE_EINVAL naming the image) before anything is written. An
 * existing OUT/summary-bundle is AE_EEXISTS. Streams CTRF copies and hashes:
 * memory is bounded by one CTRF report, not by their total. */
int ev_evidence_emit(ev_emit_result *out, const ev_emit_opts *opts,
		     ae_err *err);

/* Undoes a successful ev_evidence_emit whose later steps (signing, push,
 * the pointer) failed: removes OUT/summary-bundle and, when `remove_out`,
 * OUT itself if it is then empty. Best effort, cannot fail: it removes only
 * what emit made. */
void ev_evidence_emit_discard(const char *out_dir, bool remove_out);

/* The statement to sign (reference §5.4, SPEC §3): the local statement
 * `stmt` with its subject replaced by {name, digest: {sha256: hex}}, where
 * `name` is the OCI repository the bundle goes to and `digest`
 * ("sha256:<hex>") its deterministic artifact manifest digest (oci/), so
 * signing needs no registry. Writes JSON into `out` (initialised here).
 * AE_EINVAL for an empty name, a malformed digest, or a statement without
 * predicate.recipe. */
int ev_statement_for_artifact(ae_buf *out, const unsigned char *stmt,
			      size_t len, const char *name, const char *digest,
			      ae_err *err);

/* The recipe name a statement's predicate records (predicate.recipe.name),
 * as a new string in *out (free()). AE_EINVAL for a statement without one.
 * The name is not validated here: whoever puts it somewhere public checks
 * it (oci_tag_derive). */
int ev_statement_recipe_name(char **out, const unsigned char *stmt, size_t len,
			     ae_err *err);

/* ---- verify (reference §9) ---- */

/* What the caller knows from a pointer (parsed by ledger/ or cmd/): claims,
 * never trusted (STYLE §3.6). Transparent plain data. */
typedef struct ev_pointer_claim {
	const char *path;	    /* the pointer file, for the report */
	const char *recipe;	    /* required */
	const char *profile;	    /* NULL when absent */
	const char *oci;	    /* "" before push */
	const char *digest;	    /* "" before push */
	const char *predicate_type; /* required */
	const char *attested_at;    /* may be NULL */
	bool has_signer;
	const char *signer_identity;
	const char *signer_issuer;
	bool has_rekor_index;
	int64_t rekor_index;
} ev_pointer_claim;

/* ---- the summary root (evidence/bundle_root.c) ---- */

#define EV_SUMMARY_DIR	    "summary-bundle"
#define EV_ATTESTATION_FILE "attestation.intoto.jsonl"

/* The summary root of the bundle directory `top` (reference §5.2): `top`
 * itself when it holds the markers (regular files recipe.yaml and
 * manifest.json), else its summary-bundle/ when that does (*nested_out).
 * The bundle's signature, in every layout, is EV_ATTESTATION_FILE there.
 * *fd_out is a new descriptor of the root; AE_ENOTFOUND (no message) when
 * neither holds the markers, AE_EIO when no descriptor is left. */
int ev_summary_root_at(int *fd_out, bool *nested_out, int top);

/* The same for a path: `dir` or `dir`/summary-bundle into `out`.
 * AE_ENOTFOUND when `dir` is not a bundle directory, AE_ETOOBIG when the
 * path does not fit. */
int ev_summary_root(char *out, size_t outsz, const char *dir, ae_err *err);

typedef enum ev_input_kind {
	EV_INPUT_DIR,
	EV_INPUT_POINTER,
	EV_INPUT_OCI,
} ev_input_kind;

/* Input detection (reference §9.1). AE_EINVAL for an empty input, an
 * http(s) URL, a file that is neither a directory nor a .yaml/.yml pointer,
 * or a string that looks like nothing. */
int ev_input_detect(ev_input_kind *out, const char *input, ae_err *err);

typedef struct ev_verify_opts {
	const char *dir; /* the bundle directory (parent or summary-bundle) */
	ev_input_kind input_kind;
	const ev_pointer_claim *pointer; /* NULL for a directory input */
	const char *expected_issuer;	 /* NULL: any */
	const char *expected_identity_re;
	const char *trusted_root; /* path: replaces the embedded root */
	/* A managed key the attestation must be signed with (PEM SPKI,
	 * checked by the caller with ev_key_check), instead of a Fulcio
	 * certificate; NULL: keyless. Excludes the expected_* pins. */
	const unsigned char *key_pem;
	size_t key_pem_len;
	/* cosign's --insecure-ignore-tlog (ev_policy.ignore_tlog) */
	bool ignore_tlog;
	/* "sha256:<hex>" of the bundle's deterministic OCI artifact manifest
	 * (computed by cmd/ with oci/), which a signed statement's subject
	 * must name; NULL: not checked. */
	const char *artifact_digest;
	/* How the caller materialized the bundle (reference §9.2 step 1:
	 * "pulled reg/repo@sha256:..."), the step's detail; NULL for a
	 * directory given as the input. */
	const char *source;
	/* The caller could not materialize it (a failed pull): the AE_E*
	 * code, its reason, a hint, and the registry's HTTP status when one
	 * answered (0: none). materialize-bundle fails with the class the
	 * code maps to (reference §9.3: AE_ETRANSIENT/AE_EIO transient → no
	 * verdict; AE_EAUTH registry-forbidden, AE_ENOTFOUND not-found,
	 * AE_EVERIFY integrity, others registry → invalid) and the other
	 * steps are skipped; `dir` may be NULL. 0: materialized. */
	int fetch_rc;
	const char *fetch_detail;
	const char *fetch_hint;
	long fetch_http_status;
	/* The trusted_root.json bytes in force when `trusted_root` is NULL
	 * (the TUF-cached root, docs/trust.md): they replace the embedded
	 * root as a --trusted-root file does. NULL: the embedded root. */
	const unsigned char *trusted_root_json;
	size_t trusted_root_json_len;
} ev_verify_opts;

#define EV_VERIFY_OPTS_INIT                                                    \
	{                                                                      \
		NULL, EV_INPUT_DIR, NULL, NULL, NULL, NULL, NULL, 0, false,    \
			NULL, NULL, 0, NULL, NULL, 0, NULL, 0                  \
	}

/* Verdicts (reference §9.3): the process exit of `verify`. */
enum {
	EV_VERDICT_VALID = 0,
	EV_VERDICT_PHASE_FAILED = 1,
	EV_VERDICT_INVALID = 2,
	EV_VERDICT_NONE = 3,
};

typedef struct ev_verdict ev_verdict;

/* Runs materialize → signature → predicate → inventory → summary on the
 * bundle and records every step. Findings (tampering, stray files, a signer
 * claim that differs) are results in *out with rc 0; rc < 0 only when no
 * report could be built at all (out of memory). Caller frees *out. */
int ev_evidence_verify(ev_verdict **out, const ev_verify_opts *opts,
		       ae_err *err);
void ev_verdict_free(ev_verdict *v);

/* The verdict (EV_VERDICT_*). Cannot fail. */
int ev_verdict_exit(const ev_verdict *v);
/* True iff exit is 0 and the bundle is unsigned with no signer claim. */
bool ev_verdict_pending(const ev_verdict *v);
/* Status of the step named `name` ("passed", "failed", "skipped", "error"),
 * NULL if it never ran. Borrowed. Cannot fail. */
const char *ev_verdict_step_status(const ev_verdict *v, const char *name);

/* Renders the JSON report (reference §9.3 key order, 2-space indent,
 * trailing newline) or the text report into `out` (initialised here). */
int ev_verdict_json(ae_buf *out, const ev_verdict *v, ae_err *err);
int ev_verdict_text(ae_buf *out, const ev_verdict *v, ae_err *err);

#endif /* AE_EVIDENCE_H */
