/* evidence/sigstore/sigstore.h -- the Sigstore bundle verifier
 *
 * Verifies a Sigstore bundle (sigstore.md) offline, against one trusted
 * root -- the embedded public-good root, or the caller's, which replaces it
 * (docs/sigstore-verify.md "Policy") -- and an identity policy or a managed
 * key. It returns who signed (only verified
 * fields) and the DSSE payload; it never fetches anything and never trusts
 * a key or certificate named by the bundle itself. It links without the
 * signing files (STYLE §3.1).
 *
 * A module of its own, auditable alone: it stands on evidence/core/ and
 * nothing else of the project (tests/lint.sh holds the arrow). Its files
 * share evidence/sigstore/internal.h.
 */

#ifndef AE_EVIDENCE_SIGSTORE_H
#define AE_EVIDENCE_SIGSTORE_H

#include "evidence/core/ae.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The services of a trusted root, as ev_trust_lists names them. */
typedef enum ev_trust_service {
	EV_TRUST_CA,   /* certificateAuthorities[].uri: Fulcio */
	EV_TRUST_TLOG, /* tlogs[].baseUrl: Rekor */
	EV_TRUST_TSA,  /* timestampAuthorities[].uri */
} ev_trust_service;

/* True iff `trust` lists a service of `kind` at `url` whose validity
 * window holds `now` (seconds since the epoch). URLs match with scheme and
 * host case, a default port and trailing '/' aside. Cannot fail. */
bool ev_trust_lists(const ev_trust *trust, ev_trust_service kind,
		    const char *url, int64_t now);

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

/* The trust set of a verification: the trusted_root.json file at `path`
 * alone when given (read capped at EV_TRUSTED_ROOT_MAX_BYTES), else the
 * root in (root, root_len) when not NULL (the caller's cached root), else
 * the embedded public-good root. Codes of ae_read_file and
 * ev_trust_new_json; *out NULL on failure. */
int ev_trust_load(ev_trust **out, const char *path, const unsigned char *root,
		  size_t root_len, ae_err *err);

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
	/* DSSE only: the payload as ae_json_parse read it when the statement
	 * was checked (a jansson json_t *, owned: ev_signer_free drops it),
	 * so a caller reads the verified statement without parsing it again;
	 * NULL otherwise */
	void *statement;
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

/* A bundle and its artifact named by paths (evidence/sigstore/
 * verify_files.c): `artifact` is a file, or "sha256:<64 hex>" when no file
 * has that name; `key` a PEM public key file (managed-key mode) or NULL;
 * `policy` as for ev_bundle_verify (its key fields are filled from
 * `key`). */
typedef struct ev_verify_files {
	const char *bundle;
	const char *artifact;
	const char *key;
	ev_policy policy;
} ev_verify_files;

/* Refuses files and a policy the conformance protocol cannot mean, before
 * anything is read (the flags' names in the message): no bundle or
 * artifact, a key beside certificate fields, neither a key nor an issuer
 * with exactly one of identity and identity regexp. 0 or AE_EINVAL. */
int ev_verify_files_check(const ev_verify_files *f, ae_err *err);

/* Reads the bundle (EV_BUNDLE_MAX_BYTES), the key (EV_KEY_MAX_BYTES,
 * ev_key_check) and the artifact (EV_ARTIFACT_MAX_BYTES) and runs
 * ev_bundle_verify. *what names the input a failure is about. Codes of
 * ae_read_file, ev_bundle_parse and ev_bundle_verify. */
int ev_bundle_verify_files(ev_signer **out, const char **what,
			   const ev_trust *trust, const ev_verify_files *f,
			   ae_err *err);

/* Frees a signer. NULL is a no-op. */
void ev_signer_free(ev_signer *signer);

/* True iff the bundle is signed with a certificate (else with a managed
 * key, verified with ev_policy.key_pem). Cannot fail. */
bool ev_bundle_has_cert(const ev_bundle *bundle);

/* The signer identity the bundle's certificate names, unverified (the
 * bundle verifier checks it against a policy): every SAN value and the
 * OIDC issuer, as ev_signer names them. *sans_out is an array of
 * *nsans_out malloc'd strings (free each, then the array); *issuer_out is
 * malloc'd. AE_EVERIFY for a bundle without a certificate, a leaf without
 * SAN or issuer, or a value holding a NUL. All outputs NULL/0 on failure. */
int ev_bundle_cert_identity(char ***sans_out, size_t *nsans_out,
			    char **issuer_out, const ev_bundle *bundle,
			    ae_err *err);

/* ---- transparency-log proofs (sigstore.md §5.2, §5.3): the checks the
 * signer makes of a log's answer, the verifier's own ---- */

/* RFC 9162 §2.1.1: the leaf hash of log entry `entry`, SHA-256(0x00 ||
 * entry), into out. AE_ERR only when memory runs out. */
int ev_merkle_leaf_hash(unsigned char out[32], const unsigned char *entry,
			size_t len, ae_err *err);

/* RFC 9162 §2.1.3.2: true iff `hashes` (nhashes x 32 bytes, leaf to root)
 * lead from the leaf hash `leaf_hash` (SHA-256(0x00 || entry)) at `index`
 * in a tree of `size` to `root`. AE_EVERIFY otherwise (index outside the
 * tree, too many or too few hashes, another root). */
int ev_merkle_inclusion_check(const unsigned char leaf_hash[32], uint64_t index,
			      uint64_t size, const unsigned char *hashes,
			      size_t nhashes, const unsigned char root[32],
			      ae_err *err);

/* A checkpoint note (C2SP signed note, at most 64 KiB) that states tree
 * `size` and `root`. Its signatures are not checked here (the bundle
 * verifier checks them against the trusted root). AE_EINVAL for a note
 * that does not parse, AE_EVERIFY for another size or root. */
int ev_checkpoint_check(const char *note, size_t len, uint64_t size,
			const unsigned char root[32], ae_err *err);

#endif /* AE_EVIDENCE_SIGSTORE_H */
