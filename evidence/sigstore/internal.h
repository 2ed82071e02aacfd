/* evidence/sigstore/internal.h -- what the files of evidence/sigstore/ share
 *
 * Names use the double underscore (ev__) of libgit2's semi-private
 * functions: callable across the files of evidence/sigstore/, never from
 * another folder, which goes through evidence/sigstore/sigstore.h.
 */
#ifndef AE_EVIDENCE_SIGSTORE_INTERNAL_H
#define AE_EVIDENCE_SIGSTORE_INTERNAL_H

#include "evidence/core/ae.h"
#include "evidence/sigstore/sigstore.h"

#include <jansson.h>
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

/* X509_verify_cert's last step (OpenSSL's internal_verify: each
 * certificate's signature under its issuer's key, each validity window at
 * the check time, the verify callback at every depth) for our stores,
 * which hold one anchor, allow a partial chain and always set a check
 * time (anything else fails closed). A signature that verified once for
 * the exact certificate DER and issuer SubjectPublicKeyInfo is not
 * verified again in this process, nor a link of the embedded root's own
 * chains (chain_memo.c); everything else runs on every call. Installed with
 * X509_STORE_CTX_set_verify / X509_STORE_set_verify. */
int ev__x509_chain_verify(X509_STORE_CTX *ctx);

/* How many signatures the memo has answered so far (for tests). */
size_t ev__chain_memo_hits(void);

/* True iff the memo starts out knowing that `cert` verifies under the key
 * of `issuer` (a link of the embedded root, chain_memo.c); *nseeds is how
 * many such links it holds (for tests). */
bool ev__chain_memo_seeded(X509 *cert, X509 *issuer, size_t *nseeds);

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

/* ---- Sigstore bundle verifier: parsed forms shared by its files ----
 *
 * The bundle and trusted-root parsers (bundle.c, root.c)
 * turn hostile JSON into these plain structs once, strictly; the checks
 * (tlog.c, checkpoint.c, verify.c) read only
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
/* RFC 3339 UTC timestamp (optional fraction, truncated) to Unix seconds. */
int ev__rfc3339_parse(int64_t *out, const char *s, ae_err *err);

/* The embedded public-good trusted_root.json (root_data.c,
 * generated by evidence/data/embed.sh). */
extern const char ev__public_good_root[];
extern const size_t ev__public_good_root_len;

/* Frees the insides of one CA / log entry. Cannot fail. */
void ev__ca_dispose(ev__ca *ca);
void ev__log_dispose(ev__log *log);

/* Finds the log whose logId equals `id`, or NULL. Borrowed. */
const ev__log *ev__log_find(const ev__log *logs, size_t n,
			    const unsigned char id[32]);

/* ---- transparency log checks (tlog.c, checkpoint.c) */

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

#endif /* AE_EVIDENCE_SIGSTORE_INTERNAL_H */
