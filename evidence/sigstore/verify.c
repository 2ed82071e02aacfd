/* evidence/sigstore/verify.c -- the Sigstore bundle verification pipeline
 *
 * ev_bundle_verify runs the checks of sigstore.md §3 in the reference's
 * order, each a hard failure: verified times (Rekor v1 SETs, RFC 3161
 * timestamps), every transparency log entry (SET, inclusion proof under a
 * verified checkpoint, body cross-check), the signing key (the Fulcio leaf
 * chained to the trusted root at *every* verified time, its SCT, its
 * profile; or the managed key given out of band), the artifact signature,
 * then the policy (exact issuer, SAN equality or anchored regex; for DSSE
 * the in-toto type and the artifact among the statement subjects).
 * Certificate, SCT and TSA internals are the ev__cert_..., ev__sct and ev__tsa
 * functions of evidence/internal.h.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define INTOTO_TYPE "application/vnd.in-toto+json"
/* SET times later than now by more than this are forged or a broken
 * clock (sigstore.md §4, integrated-time-in-future_fail). */
#define FUTURE_SKEW_SECONDS 300

/* Everything one verification computes; freed in one place. */
typedef struct vstate {
	const ev_bundle *b;
	const ev_trust *t;
	const ev_policy *p;
	const ev_artifact *a;
	EVP_PKEY *key; /* borrowed from the leaf, or owned (managed key) */
	bool key_owned;
	unsigned char *leaf_der, *key_der;
	int leaf_len, key_len;
	unsigned char art[32]; /* artifact SHA-256 (statement subjects) */
	ev__hash alg;	       /* the hash the signature was made with */
	bool alg_named;	       /* ... as the bundle names it (else default) */
	unsigned char signed_[EV__HASH_MAX_LEN]; /* what a hashedrekord
						    records: H(artifact) or
						    H(PAE) */
	size_t signed_len;
	int64_t times[EV__MAX_TLOG_ENTRIES + EV__MAX_TIMESTAMPS];
	size_t ntimes;
	int64_t integrated, tsa_time;
	char **sans;
	size_t nsans;
	char *issuer;
	const char *matched;
	json_t *statement; /* the DSSE payload parsed (statement_check) */
} vstate;

void ev_signer_free(ev_signer *s)
{
	if (s == NULL)
		return;
	free(s->issuer);
	free(s->identity);
	free(s->payload_type);
	free(s->payload);
	json_decref(s->statement);
	free(s);
}

/* DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP
 * LEN(payload) SP payload (sigstore.md §8.3). */
static int pae_build(ae_buf *out, const ev_bundle *b, ae_err *err)
{
	int rc = ae_buf_printf(out, err, "DSSEv1 %zu %s %zu ",
			       strlen(b->payload_type), b->payload_type,
			       b->payload_len);

	if (rc == 0)
		rc = ae_buf_put(out, b->payload, b->payload_len, err);
	return rc;
}

/* The public key in `pem`, or NULL with the reason in `err`. */
static EVP_PKEY *key_from_pem(const unsigned char *pem, size_t len, ae_err *err)
{
	EVP_PKEY *key;
	BIO *bio;

	if (len > EV_KEY_MAX_BYTES) {
		ae_fail(err, AE_EINVAL, "key is over %u bytes",
			EV_KEY_MAX_BYTES);
		return NULL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	if (key == NULL)
		ae_fail(err, AE_EINVAL, "key is not a PEM public key");
	return key;
}

int ev_key_check(const unsigned char *pem, size_t len, ae_err *err)
{
	EVP_PKEY *key;

	AE_ASSERT_ARG(pem != NULL || len == 0, err);
	key = key_from_pem(pem ? pem : (const unsigned char *)"", len, err);
	if (key == NULL)
		return AE_EINVAL;
	EVP_PKEY_free(key);
	return 0;
}

/* Checks the policy's shape and resolves the verifying key. */
static int key_resolve(vstate *s, ae_err *err)
{
	const ev_policy *p = s->p;

	if (s->b->material == EV__MAT_PUBKEY) {
		if (p->key_pem == NULL)
			return ae_fail(err, AE_EVERIFY,
				       "bundle is signed by a managed key and "
				       "no key was given");
		s->key = key_from_pem(p->key_pem, p->key_pem_len, err);
		if (s->key == NULL)
			return AE_EINVAL;
		s->key_owned = true;
	} else {
		if (p->key_pem != NULL)
			return ae_fail(err, AE_EVERIFY,
				       "a key was given but the bundle is "
				       "signed by a certificate");
		if (p->issuer == NULL ||
		    (p->identity == NULL) == (p->identity_regex == NULL))
			return ae_fail(err, AE_EINVAL,
				       "policy needs an issuer and exactly one "
				       "of identity and identity regex");
		if (strlen(p->issuer) > EV_POLICY_MAX_BYTES ||
		    strlen(p->identity ? p->identity : p->identity_regex) >
			    EV_POLICY_MAX_BYTES)
			return ae_fail(err, AE_ETOOBIG,
				       "policy string over %d bytes",
				       EV_POLICY_MAX_BYTES);
		s->key = X509_get0_pubkey(s->b->leaf);
		if (s->key == NULL)
			return ae_fail(err, AE_EVERIFY,
				       "certificate key is unreadable");
		s->leaf_len = i2d_X509(s->b->leaf, &s->leaf_der);
		if (s->leaf_len <= 0)
			return ae_fail(err, AE_ERR, "cannot encode the leaf");
	}
	/* The certificate's SubjectPublicKeyInfo re-encoded as parsed: the
	 * same bytes as i2d_PUBKEY without OpenSSL 3's encoder lookup. */
	if (s->b->material == EV__MAT_PUBKEY)
		s->key_len = i2d_PUBKEY(s->key, &s->key_der);
	else
		s->key_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(s->b->leaf),
					     &s->key_der);
	if (s->key_len <= 0)
		return ae_fail(err, AE_ERR, "cannot encode the key");
	return 0;
}

/* Settles `h` as the signing hash, or fails when the bundle already named
 * another: messageDigest and every hashedrekord entry must agree. */
static int hash_settle(vstate *s, ev__hash h, const char *where, ae_err *err)
{
	if (h == EV__HASH_UNSPECIFIED)
		return 0;
	if (s->alg_named && s->alg != h)
		return ae_fail(err, AE_EVERIFY,
			       "%s names %s but the bundle was signed with %s",
			       where, ev__hash_proto_name(h),
			       ev__hash_proto_name(s->alg));
	s->alg = h;
	s->alg_named = true;
	return 0;
}

/* The hash the artifact signature was made with, from the bundle, never
 * from the key (issue 16): messageDigest.algorithm, and the algorithm of
 * each hashedrekord entry (Rekor's schemas allow sha256, sha384, sha512),
 * which must all agree; SHA-256 when none names one (sigstore.md §8.1:
 * what Sigstore clients sign with by default, sigstore-js for any key). */
static int hash_choose(vstate *s, ae_err *err)
{
	ev__hash h;
	int rc = 0;

	s->alg = EV__HASH_SHA256;
	if (s->b->has_digest)
		rc = hash_settle(s, s->b->digest_alg, "messageDigest", err);
	for (size_t i = 0; rc == 0 && !s->p->ignore_tlog && i < s->b->nentries;
	     i++) {
		rc = ev__body_hash(&h, &s->b->entries[i], err);
		if (rc == 0)
			rc = hash_settle(s, h, "the tlog entry", err);
	}
	if (rc == 0 && s->b->has_digest &&
	    s->b->digest_len != ev__hash_len(s->alg))
		rc = ae_fail(err, AE_EVERIFY,
			     "messageDigest is %zu bytes, not a %s digest",
			     s->b->digest_len, ev__hash_proto_name(s->alg));
	return rc;
}

/* H(data) under the chosen hash into s->signed_. */
static int signed_digest(vstate *s, const void *data, size_t len, ae_err *err)
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, s->signed_, &n, ev__hash_md(s->alg), NULL) !=
	    1) {
		ERR_clear_error();
		return ae_fail(err, AE_ERR, "cannot hash the signed bytes");
	}
	s->signed_len = n;
	return 0;
}

/* The message signature's signed digest: H(artifact bytes), or the
 * caller's SHA-256 when only that is given -- which can stand for the
 * artifact only when SHA-256 is what was signed. The messageDigest hint
 * must equal it (message-digest-mismatch_fail). */
static int message_digest(vstate *s, ae_err *err)
{
	int rc = 0;

	if (s->a == NULL)
		return ae_fail(err, AE_EINVAL,
			       "a message signature needs the artifact");
	if (s->a->data != NULL)
		rc = signed_digest(s, s->a->data, s->a->len, err);
	else if (s->alg != EV__HASH_SHA256 && s->alg != EV__HASH_UNSPECIFIED)
		return ae_fail(err, AE_EVERIFY,
			       "the bundle signs a %s digest of the artifact; "
			       "a sha256: digest cannot be checked against "
			       "it (give the artifact file)",
			       ev__hash_proto_name(s->alg));
	else {
		memcpy(s->signed_, s->a->sha256, 32);
		s->signed_len = 32;
	}
	if (rc == 0 && s->b->has_digest &&
	    (s->b->digest_len != s->signed_len ||
	     memcmp(s->b->digest, s->signed_, s->signed_len) != 0))
		rc = ae_fail(err, AE_EVERIFY,
			     "bundle message digest differs from the "
			     "artifact's");
	return rc;
}

/* Fixes the artifact digest and the digest a hashedrekord must record. */
static int digests_compute(vstate *s, ae_err *err)
{
	ae_buf pae = AE_BUF_INIT(EV_BUNDLE_MAX_BYTES + 256);
	int rc = 0;

	if (s->a != NULL && s->a->data != NULL)
		ae_sha256(s->art, s->a->data, s->a->len);
	else if (s->a != NULL)
		memcpy(s->art, s->a->sha256, 32);
	if (!s->b->dsse)
		return message_digest(s, err);
	rc = pae_build(&pae, s->b, err);
	if (rc == 0)
		rc = signed_digest(s, pae.data, pae.len, err);
	ae_buf_dispose(&pae);
	return rc;
}

/* Collects verified times: each SET (after verifying it) and each RFC 3161
 * timestamp over the signature (sigstore.md §4). A certificate needs at
 * least one: the time is what its chain is validated at (client spec §4.2,
 * §4.3). A managed key has no validity window to place the signature in,
 * so it needs none (upstream `intoto-canonical-log-entry`: a key, a proof,
 * no SET, no TSA); its log entries must still verify. */
static int times_collect(vstate *s, ae_err *err)
{
	const ev_bundle *b = s->b;
	int64_t now = (int64_t)time(NULL);
	int rc;

	for (size_t i = 0; !s->p->ignore_tlog && i < b->nentries; i++) {
		const ev__tlog_entry *e = &b->entries[i];
		const ev__log *log =
			ev__log_find(s->t->tlogs, s->t->ntlogs, e->log_id);
		if (log == NULL)
			return ae_fail(err, AE_EVERIFY,
				       "tlog entry's log is not in the trusted "
				       "root");
		if (e->set == NULL)
			continue;
		rc = ev__set_verify(e, log, err);
		if (rc < 0)
			return rc;
		if (e->integrated_time > now + FUTURE_SKEW_SECONDS)
			return ae_fail(err, AE_EVERIFY,
				       "integrated time is in the future");
		if (s->integrated == 0)
			s->integrated = e->integrated_time;
		s->times[s->ntimes++] = e->integrated_time;
	}
	for (size_t i = 0; i < b->ntsr; i++) {
		int64_t gen = 0;
		rc = ev__tsa_verify(&gen, b->tsr[i], b->tsr_len[i], b->sig,
				    b->sig_len, s->t->tsas, s->t->ntsas, err);
		if (rc < 0)
			return rc;
		if (s->tsa_time == 0)
			s->tsa_time = gen;
		s->times[s->ntimes++] = gen;
	}
	if (s->ntimes == 0 && b->material == EV__MAT_CERT)
		return ae_fail(err, AE_EVERIFY,
			       s->p->ignore_tlog
				       ? "no verified time: the transparency "
					 "log is ignored and there is no RFC "
					 "3161 timestamp"
				       : "no verified time: no SET and no RFC "
					 "3161 timestamp");
	return 0;
}

/* The transparency-log threshold: one entry at least (sigstore.md §1.5),
 * unless the caller chose to ignore the log (cosign's
 * --insecure-ignore-tlog): then entries are not looked at. */
static int tlog_required(const vstate *s, ae_err *err)
{
	if (s->p->ignore_tlog || s->b->nentries > 0)
		return 0;
	return ae_fail(err, AE_EVERIFY, "bundle has no tlog entries");
}

/* True iff the key of `log` was valid when entry `e` was logged: at its
 * verified integrated time (the SET carries it), else at every verified
 * time; with none (managed key, no SET, no TSA) nothing places the entry
 * in the past, so the key must be valid now. */
static bool log_window_ok(const vstate *s, const ev__tlog_entry *e,
			  const ev__log *log)
{
	if (e->set != NULL)
		return true; /* ev__set_verify checked the window */
	if (s->ntimes == 0)
		return ev__window_contains(&log->valid, (int64_t)time(NULL));
	for (size_t k = 0; k < s->ntimes; k++)
		if (!ev__window_contains(&log->valid, s->times[k]))
			return false;
	return true;
}

/* Inclusion proof under a verified checkpoint (sigstore.md §5.2, §5.3).
 * The path must reproduce the proof's root hash even when no checkpoint is
 * there to vouch for that root (a v0.1 entry with a SET): a proof carried
 * is a claim, and a broken one fails the bundle (upstream
 * inclusion-proof-corrupted-hash_fail). */
static int proof_check(const ev__tlog_entry *e, const ev__log *log, ae_err *err)
{
	ev__checkpoint *cp = NULL;
	int rc;

	rc = ev__merkle_verify(e->body, e->body_len, e->proof_index,
			       e->tree_size,
			       (const unsigned char(*)[32])e->hashes,
			       e->nhashes, e->root_hash, err);
	if (rc < 0 || e->checkpoint == NULL)
		return rc;
	if (rc == 0)
		rc = ev__checkpoint_parse(&cp, e->checkpoint, e->checkpoint_len,
					  err);
	if (rc == 0)
		rc = ev__checkpoint_verify(cp, log, err);
	if (rc == 0 && (cp->size != e->tree_size ||
			memcmp(cp->root, e->root_hash, 32) != 0))
		rc = ae_fail(err, AE_EVERIFY,
			     "checkpoint size or root hash differs from the "
			     "inclusion proof");
	ev__checkpoint_free(cp);
	if (rc == AE_EINVAL || rc == AE_ETOOBIG) {
		/* a malformed checkpoint is a failed proof, not bad input */
		if (err != NULL)
			err->code = AE_EVERIFY;
		rc = AE_EVERIFY;
	}
	return rc;
}

/* A logIndex no SET signs (a Rekor v2 entry has none) is proven only by
 * the inclusion proof, which proves the proof's own index: the two must be
 * equal, or a log or an editor could state any index and have it reported
 * and compared with a pointer's rekorLogIndex (issue 25). With a SET the
 * logIndex is signed, and a Rekor v1 shard's proof index may differ. */
static int index_check(const ev__tlog_entry *e, ae_err *err)
{
	if (e->set != NULL || !e->has_proof || e->log_index == e->proof_index)
		return 0;
	return ae_fail(
		err, AE_EVERIFY,
		"tlog entry logIndex %lld is not the index its inclusion "
		"proof proves (%lld)",
		(long long)e->log_index, (long long)e->proof_index);
}

/* Every tlog entry: proof (or a v0.1 SET alone), index, log window, body. */
static int entries_verify(vstate *s, ae_err *err)
{
	const ev_bundle *b = s->b;
	ev__body_ref ref = {s->alg,
			    s->signed_,
			    s->signed_len,
			    s->leaf_der,
			    (size_t)(s->leaf_der ? s->leaf_len : 0),
			    s->key_der,
			    (size_t)s->key_len};
	int rc;

	for (size_t i = 0; i < b->nentries; i++) {
		const ev__tlog_entry *e = &b->entries[i];
		const ev__log *log =
			ev__log_find(s->t->tlogs, s->t->ntlogs, e->log_id);
		if (e->set == NULL && !e->has_proof)
			return ae_fail(err, AE_EVERIFY,
				       "tlog entry has neither SET nor proof");
		if (e->has_proof && e->checkpoint == NULL &&
		    !(b->minor == 1 && e->set != NULL))
			return ae_fail(err, AE_EVERIFY,
				       "inclusion proof has no checkpoint");
		if (e->has_proof) {
			rc = proof_check(e, log, err);
			if (rc < 0)
				return rc;
		}
		rc = index_check(e, err);
		if (rc < 0)
			return rc;
		if (!log_window_ok(s, e, log))
			return ae_fail(err, AE_EVERIFY,
				       "log key is not valid at the signing "
				       "time");
		rc = ev__body_check(e, b, &ref, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The Fulcio leaf: chain at every verified time, profile, SCT. */
static int cert_verify(vstate *s, ae_err *err)
{
	X509 *issuer = NULL, *other = NULL;
	int rc = ev__cert_leaf_check(s->b->leaf, err);

	for (size_t i = 0; rc == 0 && i < s->ntimes; i++) {
		rc = ev__cert_chain_verify(i == 0 ? &issuer : &other,
					   s->b->leaf, NULL, s->t->cas,
					   s->t->ncas, s->times[i], err);
		X509_free(other);
		other = NULL;
	}
	if (rc == 0)
		rc = ev__sct_verify(s->b->leaf, issuer, s->t->ctlogs,
				    s->t->nctlogs, err);
	if (rc == 0)
		rc = ev__cert_identity(&s->sans, &s->nsans, &s->issuer,
				       s->b->leaf, err);
	X509_free(issuer);
	return rc;
}

/* Verifies a signature over a digest made with `md` (sigstore.md §8.2):
 * the digest form of the artifact. Impossible for pure Ed25519. */
static bool prehash_verify(EVP_PKEY *key, const EVP_MD *md,
			   const unsigned char *d, size_t n,
			   const unsigned char *sig, size_t sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(key, NULL);
	bool ok = c != NULL && EVP_PKEY_verify_init(c) == 1 &&
		  EVP_PKEY_CTX_set_signature_md(c, md) == 1 &&
		  EVP_PKEY_verify(c, sig, sig_len, d, n) == 1;

	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return ok;
}

/* A DSSE signature over PAE. The envelope names no hash: a hashedrekord
 * entry may (then that one), else SHA-256 -- what sigstore-js and
 * sigstore-python sign with for any key -- or the hash the Sigstore
 * algorithm registry pairs with the key (P-384: SHA-384, as cosign and
 * sigstore-go sign), either being the signer's own reading. */
static bool dsse_verify(vstate *s, const ae_buf *pae)
{
	const EVP_MD *dflt = ev__pkey_default_md(s->key);
	const ev_bundle *b = s->b;

	if (ev__pkey_verify_md(s->key, ev__hash_md(s->alg), pae->data, pae->len,
			       b->sig, b->sig_len))
		return true;
	return !s->alg_named && dflt != NULL && dflt != EVP_sha256() &&
	       ev__pkey_verify_md(s->key, dflt, pae->data, pae->len, b->sig,
				  b->sig_len);
}

/* The artifact signature: message over the bytes (or their digest), DSSE
 * over PAE (sigstore.md §8), with the hash the bundle names. */
static int signature_verify(vstate *s, ae_err *err)
{
	const ev_bundle *b = s->b;
	ae_buf pae = AE_BUF_INIT(EV_BUNDLE_MAX_BYTES + 256);
	bool ok;
	int rc = 0;

	if (b->dsse) {
		rc = pae_build(&pae, b, err);
		if (rc < 0)
			return rc;
		ok = dsse_verify(s, &pae);
		ae_buf_dispose(&pae);
	} else if (s->a->data != NULL) {
		ok = ev__pkey_verify_md(s->key, ev__hash_md(s->alg), s->a->data,
					s->a->len, b->sig, b->sig_len);
	} else {
		ok = prehash_verify(s->key, ev__hash_md(s->alg), s->signed_,
				    s->signed_len, b->sig, b->sig_len);
	}
	if (!ok)
		return ae_fail(err, AE_EVERIFY,
			       "artifact signature does not verify");
	return 0;
}

/* True iff `san` satisfies the policy: exact, or the regex (RE2, Go's
 * dialect, compiled as given -- never pasted into a wrapper, which
 * `a)|(.*` would escape) matches the whole string, so "a.com" cannot
 * match "evil-a.com.x". */
static int san_matches(bool *match, const ev_policy *p, const char *san,
		       ae_err *err)
{
	ae_re *re = NULL;
	ae_err why = {0};
	int rc;

	*match = false;
	if (p->identity != NULL) {
		*match = strcmp(san, p->identity) == 0;
		return 0;
	}
	if (ae_re_new(&re, p->identity_regex, AE_RE_MAX_MEM, &why) < 0)
		return ae_fail(err, why.code == AE_ERR ? AE_ERR : AE_EINVAL,
			       "identity regex: %s", why.msg);
	rc = ae_re_match(match, re, san, strlen(san), err);
	ae_re_free(re);
	return rc;
}

/* True iff `t` holds a control byte (C0 or DEL). */
static bool has_control(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t < 0x20 || (unsigned char)*t == 0x7f)
			return true;
	return false;
}

/* Identity policy (sigstore.md §9): exact issuer, and the certificate's
 * one identity matching. Fulcio certifies exactly one identity per leaf;
 * a leaf naming several (URI and e-mail, two e-mails, ...) is refused
 * whatever the policy, so that no pin is met by a second name riding along
 * (issue 16; sigstore-go and sigstore-js would read the first URI, else
 * the first e-mail, cosign any: docs/sigstore-verify.md "Policy"). */
static int identity_check(vstate *s, ae_err *err)
{
	char rb[AE_REPR_BUF];
	bool m = false;
	int rc;

	if (s->nsans != 1)
		return ae_fail(err, AE_EVERIFY,
			       "certificate names %zu identities (subject "
			       "alternative names); Fulcio certifies exactly "
			       "one",
			       s->nsans);
	if (strcmp(s->issuer, s->p->issuer) != 0)
		return ae_fail(
			err, AE_EVERIFY,
			"certificate issuer %s is not the expected "
			"issuer",
			ae_repr(rb, sizeof(rb), s->issuer, strlen(s->issuer)));
	rc = san_matches(&m, s->p, s->sans[0], err);
	if (rc < 0)
		return rc;
	if (!m)
		return ae_fail(err, AE_EVERIFY,
			       "certificate identity %s does not match the "
			       "policy",
			       ae_repr(rb, sizeof(rb), s->sans[0],
				       strlen(s->sans[0])));
	/* An identity is shown and compared as text: one with a control
	 * byte could forge lines in a CI log (issue 25). */
	if (has_control(s->sans[0]) || has_control(s->issuer))
		return ae_fail(err, AE_EVERIFY,
			       "certificate identity %s holds control "
			       "characters",
			       ae_repr(rb, sizeof(rb), s->sans[0],
				       strlen(s->sans[0])));
	s->matched = s->sans[0];
	return 0;
}

/* True iff some subject[].digest.sha256 equals `hex` (case-insensitive:
 * producers differ on hex case, the value is the same). */
static bool subject_has(json_t *subj, const char *hex)
{
	for (size_t i = 0; i < json_array_size(subj); i++) {
		json_t *d = json_object_get(
			json_object_get(json_array_get(subj, i), "digest"),
			"sha256");
		if (json_is_string(d) &&
		    strcasecmp(json_string_value(d), hex) == 0)
			return true;
	}
	return false;
}

/* DSSE policy: an in-toto statement whose subjects include the artifact
 * (sigstore.md §8.3; sigstore-js skips this, §10 item 5). */
static int statement_check(vstate *s, ae_err *err)
{
	json_t *st = NULL, *subj, *type;
	const char *ts;
	char hex[65];
	int rc = 0;

	if (strcmp(s->b->payload_type, INTOTO_TYPE) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "DSSE payload type is not " INTOTO_TYPE);
	if (ae_json_parse((void **)&st, s->b->payload, s->b->payload_len,
			  NULL) < 0)
		return ae_fail(err, AE_EVERIFY,
			       "DSSE payload is not a JSON statement");
	type = json_object_get(st, "_type");
	subj = json_object_get(st, "subject");
	ts = json_is_string(type) ? json_string_value(type) : "";
	ae_hex_encode(hex, s->art, 32);
	if ((strcmp(ts, "https://in-toto.io/Statement/v1") != 0 &&
	     strcmp(ts, "https://in-toto.io/Statement/v0.1") != 0) ||
	    !json_is_array(subj))
		rc = ae_fail(err, AE_EVERIFY,
			     "DSSE payload is not an in-toto statement");
	else if (s->a != NULL && !subject_has(subj, hex))
		rc = ae_fail(err, AE_EVERIFY,
			     "statement subjects do not include the artifact "
			     "digest");
	if (rc == 0)
		s->statement = st; /* handed to the signer: parsed once */
	else
		json_decref(st);
	return rc;
}

/* Builds the result from verified fields only. */
static int signer_build(ev_signer **out, const vstate *s, ae_err *err)
{
	ev_signer *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	/* verified fields only: no index when the log was ignored */
	if (!s->p->ignore_tlog && s->b->nentries > 0) {
		r->log_index = s->b->entries[0].log_index;
		r->logged = true;
		memcpy(r->log_id, s->b->entries[0].log_id, sizeof(r->log_id));
	}
	r->integrated_time = s->integrated;
	r->timestamp_time = s->tsa_time;
	for (size_t i = 0; i < s->ntimes; i++)
		if (r->signed_time == 0 || s->times[i] < r->signed_time)
			r->signed_time = s->times[i];
	if (s->issuer != NULL) {
		r->issuer = strdup(s->issuer);
		r->identity = strdup(s->matched);
		if (r->issuer == NULL || r->identity == NULL)
			goto oom;
	}
	if (s->b->dsse) {
		r->payload_type = strdup(s->b->payload_type);
		r->payload = malloc(s->b->payload_len ? s->b->payload_len : 1);
		if (r->payload_type == NULL || r->payload == NULL)
			goto oom;
		memcpy(r->payload, s->b->payload, s->b->payload_len);
		r->payload_len = s->b->payload_len;
		r->statement = json_incref(s->statement);
	}
	*out = r;
	return 0;
oom:
	ev_signer_free(r);
	return ae_fail(err, AE_ERR, "out of memory");
}

static void vstate_dispose(vstate *s)
{
	if (s->key_owned)
		EVP_PKEY_free(s->key);
	OPENSSL_free(s->leaf_der);
	OPENSSL_free(s->key_der);
	for (size_t i = 0; i < s->nsans; i++)
		free(s->sans[i]);
	free(s->sans);
	free(s->issuer);
	json_decref(s->statement);
}

int ev_bundle_verify(ev_signer **out, const ev_bundle *bundle,
		     const ev_trust *trust, const ev_policy *policy,
		     const ev_artifact *artifact, ae_err *err)
{
	vstate s = {0};
	int rc;

	AE_ASSERT_ARG(out != NULL && bundle != NULL && trust != NULL &&
			      policy != NULL,
		      err);
	*out = NULL;
	s.b = bundle;
	s.t = trust;
	s.p = policy;
	s.a = artifact;
	rc = tlog_required(&s, err);
	if (rc == 0)
		rc = key_resolve(&s, err);
	if (rc == 0)
		rc = hash_choose(&s, err);
	if (rc == 0)
		rc = digests_compute(&s, err);
	if (rc == 0)
		rc = times_collect(&s, err);
	if (rc == 0 && bundle->material == EV__MAT_CERT)
		rc = cert_verify(&s, err);
	if (rc == 0 && !policy->ignore_tlog)
		rc = entries_verify(&s, err);
	if (rc == 0)
		rc = signature_verify(&s, err);
	if (rc == 0 && bundle->material == EV__MAT_CERT)
		rc = identity_check(&s, err);
	if (rc == 0 && bundle->dsse)
		rc = statement_check(&s, err);
	if (rc == 0)
		rc = signer_build(out, &s, err);
	vstate_dispose(&s);
	return rc;
}
