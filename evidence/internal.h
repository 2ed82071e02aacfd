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
 * (certificateAuthorities[]) or a TSA (timestampAuthorities[]). */
typedef struct ev__ca {
	STACK_OF(X509) * chain; /* issuing certificate first, anchor last */
	ev__window valid;
	char *uri;
} ev__ca;

/* A log of the trusted root: a Rekor log (tlogs[]) or a CT log (ctlogs[]). */
typedef struct ev__log {
	unsigned char log_id[32]; /* logId.keyId, exactly 32 bytes */
	EVP_PKEY *key;
	ev__window valid;
	char *base_url;
	char *origin; /* host of base_url: the checkpoint key name (v2) */
} ev__log;

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

#endif /* AE_EVIDENCE_INTERNAL_H */
