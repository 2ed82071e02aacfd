/* evidence/internal.h -- what the files of evidence/ share, nobody else
 *
 * Names here use the double underscore (ev__) of libgit2's semi-private
 * functions: callable across the .c files of evidence/, never from another
 * folder, which goes through evidence/evidence.h.
 */
#ifndef AE_EVIDENCE_INTERNAL_H
#define AE_EVIDENCE_INTERNAL_H

#include "evidence/core/ae.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- Sigstore PKI: certificates, SCTs, RFC 3161 (sigstore.md §2, §4, §7) ----
 *
 * Plain OpenSSL types in, verdicts out, so that the certificate, CT and TSA
 * checks can be audited (and tested with generated certificates) apart from
 * the bundle and trusted-root parsers that feed them. Times are seconds since
 * the epoch (UTC).
 */

/* A validFor window of the trusted root: closed interval [start, end], end
 * open when !has_end (sigstore.md §2.1). */
typedef struct ev__window {
	int64_t start;
	int64_t end;
	bool has_end;
} ev__window;

/* True iff t lies in the window, both ends inclusive. Cannot fail. */
bool ev__window_contains(const ev__window *w, int64_t t);

/* A certificate authority of the trusted root: a Fulcio CA
 * (certificateAuthorities[]) or a TSA (timestampAuthorities[]).
 *
 * The root parser keeps the certificates as DER and decodes them on first
 * use (ev__ca_chain): decoding one certificate costs OpenSSL 3 about as much
 * as an ECDSA verification, and a verification needs one CA of the root, not
 * all of them. `chain` is that decoded cache, or set directly by a caller
 * that builds a CA in memory (then `der` is NULL). */
typedef struct ev__ca {
	STACK_OF(X509) * chain; /* issuing certificate first, anchor last */
	unsigned char *der;	/* the chain's certificates, concatenated */
	size_t der_len;
	ev__window valid;
	char *uri;
} ev__ca;

/* A log of the trusted root: a Rekor log (tlogs[]) or a CT log (ctlogs[]).
 * `key` is decoded from `key_der` on first use (ev__log_key), as for CAs. */
typedef struct ev__log {
	unsigned char log_id[32]; /* logId.keyId, exactly 32 bytes */
	EVP_PKEY *key;
	unsigned char *key_der; /* publicKey.rawBytes */
	size_t key_der_len;
	bool key_pkcs1; /* keyDetails PKCS1_RSA_*: bare RSAPublicKey */
	ev__window valid;
	char *base_url;
	char *origin; /* host of base_url: the checkpoint key name (v2) */
} ev__log;

/* Reads the header of the DER TLV at p[0..n): *hdr_out its length, *body_out
 * the length of its contents. False unless the tag number is low, the
 * length definite (X.690 §10.1) and the contents fit in n. Cannot fail. */
bool ev__der_header(size_t *hdr_out, size_t *body_out, const unsigned char *p,
		    size_t n);

/* The CA's chain, decoded from the root's DER on first use and kept in the
 * CA (borrowed: valid until the CA is disposed). Safe to call from several
 * threads at once: a decode that loses the race is freed. AE_EINVAL when
 * the DER does not decode into certificates, AE_ERR on OOM. */
int ev__ca_chain(STACK_OF(X509) * *out, const ev__ca *ca, ae_err *err);

/* The log's public key, decoded on first use as ev__ca_chain. Borrowed.
 * AE_EINVAL when the DER is no public key, AE_ERR on OOM. */
int ev__log_key(EVP_PKEY **out, const ev__log *log, ae_err *err);

/* Verifies that `leaf` chains to one of the `cas` whose validity window
 * contains `at`, with every certificate of the path valid at `at`
 * (X509_VERIFY_PARAM_set_time; never "now"). Certificates from the trusted
 * root are the only anchors; `untrusted` (from the bundle, may be NULL) is
 * used only as intermediates. On success *issuer_out is a new reference to
 * the certificate that issued the leaf (X509_free it), needed for the SCT
 * issuer key hash. AE_EVERIFY when no CA validates the leaf at `at`. */
int ev__cert_chain_verify(X509 **issuer_out, X509 *leaf,
			  STACK_OF(X509) * untrusted, const ev__ca *cas,
			  size_t ncas, int64_t at, ae_err *err);

/* Fulcio leaf profile: not a CA, keyUsage digitalSignature, extendedKeyUsage
 * codeSigning. AE_EVERIFY otherwise. */
int ev__cert_leaf_check(X509 *leaf, ae_err *err);

/* Cap on the SAN entries of one leaf (Fulcio issues exactly one); a leaf
 * with more has no identity (AE_EVERIFY). */
#define EV__CERT_MAX_SANS 64

/* The signer identity of a Fulcio leaf (sigstore.md §7.2): every SAN value
 * (URI, rfc822Name, otherName 1.3.6.1.4.1.57264.1.7 UTF8String) as a
 * NUL-terminated string array, and the OIDC issuer from extension .1.8 (DER
 * UTF8String), falling back to .1.1 (raw bytes). *sans_out is an array of
 * *nsans_out malloc'd strings (free each, then the array); *issuer_out is
 * malloc'd. AE_EVERIFY when the leaf has no SAN or no issuer extension, or a
 * value holds a NUL. All outputs NULL/0 on failure. */
int ev__cert_identity(char ***sans_out, size_t *nsans_out, char **issuer_out,
		      X509 *leaf, ae_err *err);

/* Verifies the leaf's embedded SCTs (RFC 6962 §3.2, sigstore.md §7.3): at
 * least one SCT whose log_id is one of `ctlogs`, whose timestamp lies in
 * that log's window, and whose signature over the precert entry (issuer key
 * hash of `issuer`, leaf TBS without the SCT extension, SCT extensions
 * verbatim) verifies. AE_EVERIFY otherwise (no SCT, unknown log, bad
 * signature). */
int ev__sct_verify(X509 *leaf, X509 *issuer, const ev__log *ctlogs,
		   size_t nctlogs, ae_err *err);

/* An X509_STORE verify callback that makes notAfter inclusive, as RFC 5280
 * §4.1.2.5 and the reference verifiers have it: OpenSSL reports "expired"
 * when the check time equals notAfter; this forgives exactly that case and
 * passes every other verdict through. Cannot fail. */
int ev__x509_verify_cb(int ok, X509_STORE_CTX *ctx);

/* Cap on one DER timestamp: Sigstore's are about 1-3 KiB with embedded
 * certificates; more is not a timestamp. Past it: AE_ETOOBIG. */
#define EV__TSA_MAX_BYTES (64u * 1024)

/* Verifies one RFC 3161 timestamp of a bundle (sigstore.md §7.4): `der` is
 * the decoded `signedTimestamp` (a TimeStampResp, or a bare TimeStampToken
 * ContentInfo), `signed_bytes` the signature it must cover (the message
 * signature, or the DSSE signature). The token's signer must chain to one of
 * `tsas` whose window contains genTime, with the chain valid at genTime, and
 * the message imprint must equal the hash of `signed_bytes`. On success
 * *gen_time_out is genTime (fractions truncated). AE_EINVAL for an
 * unparsable token, AE_ETOOBIG past EV__TSA_MAX_BYTES, AE_EVERIFY for a
 * failed check. */
int ev__tsa_verify(int64_t *gen_time_out, const unsigned char *der,
		   size_t der_len, const unsigned char *signed_bytes,
		   size_t signed_len, const ev__ca *tsas, size_t ntsas,
		   ae_err *err);

/* Converts an ASN1_TIME / GeneralizedTime to seconds since the epoch. */
int ev__asn1_time_to_unix(int64_t *out, const ASN1_TIME *t, ae_err *err);

/* ---- keyless signing internals (evidence/sign*.c) ----
 *
 * Only the signing files use these; the verifier never links them.
 */
#include "evidence/evidence.h"

#include <jansson.h>

/* True iff `url` may be used for a Sigstore service: https, or plain http
 * to a loopback host (127.0.0.1, localhost, [::1]) for local stacks.
 * Cannot fail. */
bool ev__sign_url_allowed(const char *url);

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

/* RFC 9162 §2.1.3.2 inclusion check of `leaf` (32-byte leaf hash) at
 * `index` in a tree of `size` with `hashes` (n x 32 bytes, leaf to root)
 * against `root`. AE_EVERIFY when it does not reproduce the root. */
int ev__merkle_check(const unsigned char leaf[32], uint64_t index,
		     uint64_t size, const unsigned char *hashes, size_t n,
		     const unsigned char root[32], ae_err *err);

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

/* ---- Sigstore bundle verifier: parsed forms shared by sigstore_*.c ----
 *
 * The bundle and trusted-root parsers (sigstore_bundle.c, sigstore_root.c)
 * turn hostile JSON into these plain structs once, strictly; the checks
 * (sigstore_tlog.c, sigstore_checkpoint.c, sigstore_verify.c) read only
 * these, never JSON. sigstore.md §1, §2.
 */

/* Caps on what a bundle or root may hold (beyond the byte caps of
 * evidence.h). Real bundles carry one tlog entry, at most a few timestamps,
 * proofs of at most 64 hashes (a tree of 2^64 leaves). */
#define EV__MAX_TLOG_ENTRIES 8
#define EV__MAX_TIMESTAMPS   8
#define EV__MAX_PROOF_HASHES 64
#define EV__MAX_CHAIN_CERTS  8
#define EV__MAX_ROOT_ITEMS   64 /* per list of a trusted root */

/* One transparencyLogEntry (sigstore.md §1.5). Missing numbers are 0. */
typedef struct ev__tlog_entry {
	int64_t log_index;
	unsigned char log_id[32];
	char kind[32];
	char version[16];
	int64_t integrated_time;
	unsigned char *set; /* inclusionPromise.signedEntryTimestamp or NULL */
	size_t set_len;
	bool has_proof;
	int64_t proof_index;
	int64_t tree_size;
	unsigned char root_hash[32];
	unsigned char (*hashes)[32];
	size_t nhashes;
	char *checkpoint; /* inclusionProof.checkpoint.envelope or NULL */
	size_t checkpoint_len;
	unsigned char *body; /* canonicalizedBody, decoded */
	size_t body_len;
} ev__tlog_entry;

/* The digest algorithm a bundle names for what was signed
 * (messageSignature.messageDigest, a hashedrekord entry): protobuf
 * HashAlgorithm SHA2_256/384/512, Rekor "sha256"/"sha384"/"sha512" (the
 * hashedrekord schemas allow no other). UNSPECIFIED: the bundle names
 * none (proto3's zero value); the verifier then uses SHA-256, what every
 * Sigstore client signs with by default. */
typedef enum ev__hash {
	EV__HASH_UNSPECIFIED = 0,
	EV__HASH_SHA256,
	EV__HASH_SHA384,
	EV__HASH_SHA512
} ev__hash;
#define EV__HASH_MAX_LEN 64

/* The OpenSSL digest (SHA-256 for UNSPECIFIED), its length, and its
 * protobuf ("SHA2_384") and Rekor v1 ("sha384") names. Cannot fail. */
const EVP_MD *ev__hash_md(ev__hash h);
size_t ev__hash_len(ev__hash h);
const char *ev__hash_proto_name(ev__hash h);
const char *ev__hash_rekor_name(ev__hash h);
/* The algorithm a protobuf name ("SHA2_256", "HASH_ALGORITHM_UNSPECIFIED")
 * or a Rekor v1 name ("sha256") stands for. False for any other (SHA3_*,
 * unknown). Cannot fail. */
bool ev__hash_from_name(ev__hash *out, const char *name);

typedef enum ev__material {
	EV__MAT_CERT,  /* certificate or x509CertificateChain */
	EV__MAT_PUBKEY /* publicKey: the key comes out of band */
} ev__material;

struct ev_bundle {
	int minor; /* 1, 2 or 3: bundle v0.<minor> */
	ev__material material;
	X509 *leaf;		/* EV__MAT_CERT */
	STACK_OF(X509) * extra; /* chain certificates after the leaf */
	bool dsse;
	unsigned char *sig; /* message signature or the DSSE sig */
	size_t sig_len;
	/* messageSignature.messageDigest: an unauthenticated hint of the
	 * artifact digest and the algorithm it was signed with */
	ev__hash digest_alg;
	unsigned char digest[EV__HASH_MAX_LEN];
	size_t digest_len;
	bool has_digest;
	unsigned char *payload; /* DSSE */
	size_t payload_len;
	char *payload_type;
	ev__tlog_entry *entries;
	size_t nentries;
	unsigned char **tsr; /* rfc3161Timestamps[].signedTimestamp */
	size_t *tsr_len;
	size_t ntsr;
};

/* A trusted root: union of every root added (sigstore.md §2). */
struct ev_trust {
	ev__ca *cas;
	size_t ncas;
	ev__ca *tsas;
	size_t ntsas;
	ev__log *tlogs;
	size_t ntlogs;
	ev__log *ctlogs;
	size_t nctlogs;
};

/* JSON field readers for protobuf-JSON (sigstore.md §1.1). `what` names the
 * field in messages. Each returns AE_EINVAL with a precise reason. */

/* A protobuf-JSON `bytes` value (s, n): standard or URL-safe base64 (one
 * alphabet, not both), with or without padding, CR/LF skipped; the padding
 * bits must be zero. New buffer in *out. AE_EINVAL naming `what`. */
int ev__b64_proto(unsigned char **out, size_t *len, const char *s, size_t n,
		  const char *what, ae_err *err);
/* ev__b64_proto of object member `key` into a new buffer; a missing
 * member is AE_EINVAL when `required`, else *out NULL and *len 0. */
int ev__json_b64(unsigned char **out, size_t *len, json_t *obj, const char *key,
		 bool required, const char *what, ae_err *err);
/* Removes every object member whose value is null, at any depth: in the
 * proto3 JSON mapping `null` means the field is absent (its default). Array
 * elements are kept (a null element is no message: the reader refuses
 * it). Cannot fail. */
void ev__json_drop_nulls(json_t *j);
/* Non-negative int64 given as a decimal string (at most 19 digits, up to
 * INT64_MAX) or a JSON integer; missing means 0 (proto3 zero values are
 * omitted). */
int ev__json_int64(int64_t *out, json_t *obj, const char *key, const char *what,
		   ae_err *err);
/* Borrowed string member; missing is AE_EINVAL when `required`, else NULL. */
int ev__json_str(const char **out, json_t *obj, const char *key, bool required,
		 const char *what, ae_err *err);
/* Length of "YYYY-MM-DDTHH:MM:SSZ". */
#define EV_TIME_UTC_LEN 20
/* An RFC 3339 time (fraction and zone optional: "Z" or "+HH:MM") written
 * in UTC, truncated to whole seconds, as the reference's pointer writer
 * records the predicate's attestedAt (verify_claim.c). AE_EINVAL for
 * anything else; `out` is then "". */
int ev__time_utc_seconds(char out[EV_TIME_UTC_LEN + 1], const char *s,
			 ae_err *err);
/* RFC 3339 UTC timestamp (optional fraction, truncated) to Unix seconds. */
int ev__rfc3339_parse(int64_t *out, const char *s, ae_err *err);

/* The embedded public-good trusted_root.json (sigstore_root_data.c,
 * generated by evidence/data/embed.sh). */
extern const char ev__public_good_root[];
extern const size_t ev__public_good_root_len;

/* Frees the insides of one CA / log entry. Cannot fail. */
void ev__ca_dispose(ev__ca *ca);
void ev__log_dispose(ev__log *log);

/* Finds the log whose logId equals `id`, or NULL. Borrowed. */
const ev__log *ev__log_find(const ev__log *logs, size_t n,
			    const unsigned char id[32]);

/* ---- transparency log checks (sigstore_tlog.c, sigstore_checkpoint.c) */

/* True iff `sig` verifies over `data` with `key`, hashing as the key
 * implies (a log or checkpoint key, whose keyDetails name the pair):
 * SHA-256 for P-256 and RSA, SHA-384 for P-384, SHA-512 for P-521, pure
 * Ed25519. Cannot fail (the OpenSSL error queue is cleared). */
bool ev__pkey_verify(EVP_PKEY *key, const unsigned char *data, size_t len,
		     const unsigned char *sig, size_t sig_len);
/* The same with the digest `md` chosen by the caller (an artifact
 * signature: the bundle names the hash, not the key; issue 16). Ed25519
 * ignores `md` (pure EdDSA). Cannot fail. */
bool ev__pkey_verify_md(EVP_PKEY *key, const EVP_MD *md,
			const unsigned char *data, size_t len,
			const unsigned char *sig, size_t sig_len);
/* The digest `key` implies (see ev__pkey_verify); NULL for Ed25519. */
const EVP_MD *ev__pkey_default_md(EVP_PKEY *key);

/* Verifies the Rekor v1 SET of `e` with `log` (sigstore.md §5.1): ECDSA
 * over the RFC 8785 canonical JSON of body, integratedTime, logID, logIndex,
 * and the log's window contains integratedTime. AE_EVERIFY otherwise. */
int ev__set_verify(const ev__tlog_entry *e, const ev__log *log, ae_err *err);

/* RFC 6962 / RFC 9162 §2.1.3.2 inclusion: recomputes the root from the leaf
 * (SHA-256(0x00 || leaf)) and `hashes`, and compares it with `root`.
 * AE_EVERIFY on any mismatch or malformed index/size. */
int ev__merkle_verify(const unsigned char *leaf, size_t leaf_len, int64_t index,
		      int64_t size, const unsigned char (*hashes)[32],
		      size_t nhashes, const unsigned char root[32],
		      ae_err *err);

/* A parsed C2SP signed note / tlog checkpoint. */
#define EV__CHECKPOINT_MAX_BYTES (64u << 10) /* a note is a few hundred */
#define EV__CHECKPOINT_MAX_SIGS	 32
typedef struct ev__note_sig {
	char *name;
	unsigned char key_id[4];
	unsigned char *sig; /* signature bytes after the 4-byte key ID */
	size_t sig_len;
} ev__note_sig;

typedef struct ev__checkpoint {
	char *origin;
	int64_t size;
	unsigned char root[32];
	size_t text_len; /* signed bytes: text[0, text_len), final '\n' kept */
	char *text;
	ev__note_sig *sigs;
	size_t nsigs;
} ev__checkpoint;

/* Parses a checkpoint note (sigstore.md §5.3). AE_EINVAL with the reason
 * (missing origin/size/root hash, no signature line, bad base64, ...),
 * AE_ETOOBIG past the caps. *out NULL on failure; free with
 * ev__checkpoint_free. */
int ev__checkpoint_parse(ev__checkpoint **out, const char *note, size_t len,
			 ae_err *err);
void ev__checkpoint_free(ev__checkpoint *cp);

/* Verifies the note against `log`: the origin line names the log (Rekor v2:
 * origin == host; Rekor v1: "<host> - <tree id>"), at least one signature
 * line with key name == host and key ID == logId[0:4] verifies with the
 * log key (ECDSA-SHA256 or Ed25519), and none such fails. AE_EVERIFY. */
int ev__checkpoint_verify(const ev__checkpoint *cp, const ev__log *log,
			  ae_err *err);

/* What a body cross-check compares the entry with. */
typedef struct ev__body_ref {
	ev__hash alg;			    /* the algorithm of signed_digest */
	const unsigned char *signed_digest; /* what a hashedrekord records */
	size_t signed_len;
	const unsigned char *leaf_der; /* NULL in key mode */
	size_t leaf_der_len;
	const unsigned char *key_der; /* SPKI of the verifying key */
	size_t key_der_len;
} ev__body_ref;

/* Body cross-check (sigstore.md §6): the entry's canonicalizedBody must
 * describe this bundle's signature, digest/payload and signer. The signed
 * digest is the artifact digest for a message signature, H(PAE) for a DSSE
 * envelope logged as a hashedrekord, under `ref->alg`, which the entry
 * must name too. AE_EVERIFY. */
int ev__body_check(const ev__tlog_entry *e, const ev_bundle *b,
		   const ev__body_ref *ref, ae_err *err);

/* The digest algorithm a hashedrekord entry names (0.0.1
 * spec.data.hash.algorithm, 0.0.2 data.algorithm); UNSPECIFIED for the
 * other kinds and for a body that is not JSON (ev__body_check rejects
 * that). AE_EVERIFY for a hashedrekord naming one we do not know. */
int ev__body_hash(ev__hash *out, const ev__tlog_entry *e, ae_err *err);

/* ---- the recipe as yaml.v3 holds it (recipe_tree.c, recipe_emit.c) ----
 *
 * The reference digests a recipe by re-emitting Go's gopkg.in/yaml.v3 node
 * tree (docs/formats.md "Recipe digest"). That output depends on more than
 * the values: each node's style (plain, quoted, block scalar, flow) and its
 * explicit tag survive, so this tree keeps them, built from libyaml's events
 * the way yaml.v3 builds its nodes from the same events.
 */

/* Style bits of a node, as yaml.v3 records them. */
#define EV__YS_TAGGED  0x01u /* an explicit tag (not "!") */
#define EV__YS_DOUBLE  0x02u
#define EV__YS_SINGLE  0x04u
#define EV__YS_LITERAL 0x08u
#define EV__YS_FOLDED  0x10u
#define EV__YS_FLOW    0x20u

typedef enum ev__ykind {
	EV__Y_SCALAR,
	EV__Y_SEQ,
	EV__Y_MAP,
} ev__ykind;

/* A node of the tree. Plain result data; owned by its root, freed with
 * ev__ytree_free. A map's kids are its key and value nodes, alternating
 * (2n of them); a sequence's are its n items. */
typedef struct ev__ynode {
	ev__ykind kind;
	unsigned style;
	char *tag;   /* EV__YS_TAGGED: the full tag as yaml.v3 re-emits it */
	char *value; /* scalars: the text, NUL-terminated (no NUL inside) */
	size_t len;
	size_t line; /* 1-based */
	size_t n;
	struct ev__ynode **kids;
} ev__ynode;

/* Parses the first and only document of (buf, len). *out is NULL for a
 * stream without a document (only comments or blanks), which yaml.v3 holds
 * as a zero node. Refused with AE_EINVAL, naming the construct and its line:
 * anchors, aliases, merge keys (`<<`), keys that are not scalars, two keys
 * with the same text, several documents or text after the first, a tag
 * yaml.v3 would read further, NUL (raw or escaped), nesting deeper than
 * AE_YAML_MAX_DEPTH, the spellings the two parsers read differently, and
 * whatever libyaml refuses; AE_ETOOBIG past AE_YAML_MAX_NODES. The caller
 * frees *out. */
int ev__ytree_parse(ev__ynode **out, const unsigned char *buf, size_t len,
		    ae_err *err);
void ev__ytree_free(ev__ynode *node);

/* Borrowed value of the scalar key `key` in a map node; NULL when absent or
 * `map` is not a map. Cannot fail. */
const ev__ynode *ev__ytree_get(const ev__ynode *map, const char *key);

/* Sorts every mapping's pairs by the bytes of the key's text (the parser
 * has refused ties). Cannot fail. */
void ev__ytree_sort(ev__ynode *node);

/* v3: removes metadata.version from the root mapping, and metadata itself
 * when that leaves it empty. Cannot fail. */
void ev__ytree_drop_version(ev__ynode *root);

/* Appends yaml.Marshal's bytes for the document whose root is `root`
 * (NULL: the zero node, "null\n") to `out`: 4-space indent, no line
 * folding, styles and explicit tags kept (recipe_emit.c). AE_ETOOBIG past
 * the buffer's cap. */
int ev__ytree_emit(ae_buf *out, const ev__ynode *root, ae_err *err);

/* The same document as the plain tree the rest of evidence/ reads (keys in
 * document order; `plain` for untagged plain scalars). */
int ev__ytree_to_plain(ae_yaml_node **out, const ev__ynode *root, ae_err *err);

/* The profile part of *id (profiled, selection, advertiser, identity)
 * from the recipe tree (recipe_profile.c). AE_EINVAL for a malformed
 * metadata.selectedProfile. */
int ev__recipe_profile(ev_recipe_id *id, const ev__ynode *root, ae_err *err);

/* The recipe as the plain tree (recipe name, criteria, BOM), read by the
 * same parser as its digest so that both accept the same recipes: a
 * mapping, or AE_EINVAL. *out is freed with ae_yaml_free. */
int ev__recipe_tree(ae_yaml_node **out, const unsigned char *buf, size_t len,
		    ae_err *err);

/* ---- bundles: shared by the emit and verify files (issue 5) ---- */

/* The one YAML emitter of the project's bundle formats (docs/formats.md):
 * libyaml, block style, 2-space indent, unbounded width, UTF-8, LF, no
 * document markers; scalars plain when the input was plain (libyaml falls
 * back to quoting when plain is not allowed), else double-quoted; keys
 * requested plain. With `sort_keys` every mapping is emitted in bytewise key
 * order. Appends to `out` (which must be initialised). */
int ev__yaml_emit(ae_buf *out, const ae_yaml_node *root, bool sort_keys,
		  ae_err *err);

/* Dumps a json_t (passed as void *) with 2-space indent and a trailing
 * newline, keys in insertion order. Appends to `out`. */
int ev__json_dump(ae_buf *out, const void *json, ae_err *err);

/* Media type of a bundle file by suffix (reference §0); "" for none. */
const char *ev__media_type(const char *path);

/* The phase index of `name`, -1 if it is not one of ev_phase_names. */
int ev__phase_index(const char *name);

/* Writes (data, len) to a new file `name` under `dirfd` (O_EXCL,
 * O_NOFOLLOW, 0644). AE_EIO on failure, the partial file removed. */
int ev__write_new(int dirfd, const char *name, const void *data, size_t len,
		  ae_err *err);

/* One manifest entry (reference §5.3). */
typedef struct ev__mfile {
	char *path;
	uint64_t size;
	char sha256[AE_DIGEST_STR_LEN];
} ev__mfile;

/* Walks every regular file under `dirfd` (a summary-bundle), skipping
 * manifest.json, statement.intoto.json and attestation.intoto.jsonl at the
 * top, hashing each by streaming; symlinks and special files are AE_EINVAL.
 * Sorted by path bytewise. With !hash only paths are listed (sha256 "",
 * size 0). Caller frees with ev__mfiles_free. */
int ev__manifest_walk(ev__mfile **files_out, size_t *n_out, int dirfd,
		      bool hash, ae_err *err);
void ev__mfiles_free(ev__mfile *files, size_t n);

/* Serialises the manifest (schemaVersion 1.0.0, files sorted, 2-space
 * indent, trailing newline) into `out` (appended). */
int ev__manifest_render(ae_buf *out, const ev__mfile *files, size_t n,
			ae_err *err);

/* Parses manifest.json bytes: schemaVersion 1.0.x, each entry a local
 * relative path ("not a local path"), size, "sha256:<hex>". Entries in file
 * order. AE_EINVAL on any rule broken. */
int ev__manifest_parse(ev__mfile **files_out, size_t *n_out,
		       const unsigned char *buf, size_t len, ae_err *err);

/* True iff `path` is a relative slash path whose every element is plain
 * (ae_path_element_is_plain): no "..", no leading "/", no empty element. */
bool ev__path_is_local(const char *path);

/* Counts of one phase (reference §5.5). */
typedef struct ev__phase {
	bool present;
	int64_t passed, failed, skipped;
	char ctrf_digest[AE_DIGEST_STR_LEN];
} ev__phase;

/* Validates a parsed CTRF report (json_t as void *) and adds its summary
 * counts to `ph` (the summary block when present, else the tests' statuses).
 * AE_EINVAL when it is not CTRF. */
int ev__ctrf_count(ev__phase *ph, const void *report, ae_err *err);

/* Scrubs one CTRF test object in place (reference §6.4); `applied` gets the
 * bit of each rule that fired (EV__RULE_*). */
enum {
	EV__RULE_SNAPSHOT_HEADER = 1 << 0,
	EV__RULE_SNAPSHOT_MEAS = 1 << 1,
	EV__RULE_CTRF_EXTRA = 1 << 2,
	EV__RULE_CTRF_MESSAGE = 1 << 3,
	EV__RULE_CTRF_STDOUT = 1 << 4,
	EV__RULE_CTRF_PROVENANCE = 1 << 5,
};
int ev__ctrf_scrub_test(void *test, unsigned *applied, ae_err *err);
/* One runtimeProvenance path under the §6.4 bound (evidence/redact_paths.c):
 * *out is the path with selectors and operator keys collapsed (caller
 * frees), or NULL when the path is dropped (charset, unbalanced selector,
 * a segment that is no PodTemplateSpec field). AE_ERR on OOM only. */
int ev__provenance_path(char **out, const char *path, ae_err *err);
/* True iff the path tables are strictly sorted (bsearch). For tests. */
bool ev__provenance_tables_sorted(void);

/* The ids of the rules in `applied`, sorted (reference §6.5). Returns a new
 * json array (void *) or NULL on OOM. */
void *ev__redaction_applied(unsigned applied);

/* From the raw snapshot tree: the predicate fingerprint object and the
 * observed container images (registry-stripped name:tag, sorted, unique),
 * both new json_t (void *). */
int ev__snapshot_fingerprint(void **out, const ae_yaml_node *snap, ae_err *err);
int ev__snapshot_images(void **out, const ae_yaml_node *snap, ae_err *err);

/* criteriaMatch (reference §5.5) of the recipe criteria against the
 * fingerprint. New json_t in *out. */
int ev__criteria_match(void **out, const ae_yaml_node *recipe,
		       const void *fingerprint, ae_err *err);

/* Generates the CycloneDX 1.6 BOM for the recipe's enabled componentRefs
 * and the observed images. New json_t in *out. */
int ev__bom_generate(void **out, const ae_yaml_node *recipe, const void *images,
		     ae_err *err);

/* A CTRF input of emit: a file and the phase it belongs to. */
typedef struct ev__ctrf_input {
	char *path;
	int phase;
} ev__ctrf_input;

/* Expands files and directories into CTRF inputs (reference §6.3): a
 * directory contributes its *.json files and those of its sub-directories
 * named after a phase, sorted by name. The phase of a file is its name
 * (`conformance.json`), the part of it before the first `-`, `_` or `.`,
 * or its directory's name. AE_EINVAL when a file has no phase,
 * AE_ETOOBIG past EV_CTRF_MAX_INPUTS. Free with ev__ctrf_inputs_free. */
int ev__ctrf_collect(ev__ctrf_input **out, size_t *n_out,
		     const char *const *paths, size_t npaths, ae_err *err);
void ev__ctrf_inputs_free(ev__ctrf_input *in, size_t n);

/* Reads and checks one CTRF input (capped at EV_CTRF_MAX_BYTES), adds its
 * counts to `ph` and appends the validator images it names
 * (results.tool.image) to the json array `images`. */
int ev__ctrf_scan(ev__phase *ph, void *images, const char *path, ae_err *err);

/* Writes `name` under `dirfd`: the phase file merged from the `n` inputs
 * of one phase, scrubbed unless `full`. One input with `full` is copied
 * byte for byte. Streams: one report is held in memory at a time. Sets
 * *applied bits of the rules used. */
int ev__ctrf_write_phase(unsigned *applied, int dirfd, const char *name,
			 const ev__ctrf_input *in, size_t n, bool full,
			 ae_err *err);

#endif /* AE_EVIDENCE_INTERNAL_H */
