/* evidence/sigstore/chain_memo.c -- certificate signatures checked once per
 * process
 *
 * `ledger --verify` and `check --verify-signatures` verify hundreds of
 * bundles against one trusted root: the same intermediate under the same
 * root, the same TSA certificate under the same TSA root, and each leaf at
 * every verified time of its bundle (a SET and a timestamp: twice). The
 * signature of a certificate under a key is a function of the exact bytes
 * of both, so it is verified once and remembered: a positive answer only,
 * keyed by SHA-256 of the certificate's DER and SHA-256 of the issuer's
 * SubjectPublicKeyInfo DER. Everything else -- path building, extensions,
 * key usage, every validity window at this check's time, name constraints
 * -- is OpenSSL's and runs on every check: ev__x509_chain_verify replaces
 * only X509_verify_cert's last step (signatures and times, OpenSSL's
 * internal_verify) with the same walk that consults the memo first. The
 * memo starts with the embedded root's own links (memo_seed).
 */
#include "evidence/sigstore/internal.h"

#include <openssl/sha.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>

#define MEMO_SLOTS 64 /* distinct (certificate, key) pairs remembered */

typedef struct memo_key {
	unsigned char cert[SHA256_DIGEST_LENGTH];
	unsigned char key[SHA256_DIGEST_LENGTH];
} memo_key;

/* The links of the embedded public-good root's own chains (root_data.c),
 * each verified when that root was embedded. Whether a certificate's
 * signature verifies under a key is a fact about their bytes, so it is
 * known before the process starts; a one-shot `sigstore verify-bundle`
 * would otherwise spend a P-384 verification (about an eighth of the
 * process) proving the intermediate under the root again. A root refreshed
 * by TUF or given with --trusted-root that holds the same certificates
 * meets the same facts; every other link is verified. test_evidence_pki
 * (embedded_root_links_are_seeded) verifies each seed and checks that the
 * embedded root has no link missing here. */
static const memo_key memo_seed[] = {
	/* CN=sigstore-intermediate under CN=sigstore (Fulcio) */
	{{
		 0x15, 0xd7, 0x95, 0x34, 0x82, 0x26, 0xb4, 0x64,
		 0x9f, 0x75, 0x0f, 0x58, 0x02, 0x59, 0x2c, 0x39,
		 0x3b, 0xee, 0x7c, 0xc5, 0x3c, 0x3b, 0x86, 0x98,
		 0x21, 0x75, 0xb7, 0xad, 0x08, 0x7e, 0xfe, 0x47,
	 },
	 {
		 0xfe, 0xf4, 0xe9, 0xbe, 0xb1, 0x7f, 0xaa, 0x47,
		 0x73, 0x52, 0x77, 0xcc, 0xa7, 0x63, 0x3a, 0xe5,
		 0xe6, 0x70, 0xb8, 0xd8, 0x3d, 0xce, 0x91, 0x50,
		 0x83, 0x42, 0x39, 0x71, 0x48, 0xf4, 0xe1, 0x3a,
	 }},
	/* CN=sigstore-tsa under CN=sigstore-tsa-selfsigned (timestamps) */
	{{
		 0x85, 0xf9, 0x27, 0xbc, 0x07, 0xab, 0x62, 0xca,
		 0xc3, 0xb4, 0x43, 0x56, 0xc1, 0x0e, 0xfc, 0x81,
		 0xb2, 0xc6, 0x88, 0x3f, 0xda, 0x7a, 0xb9, 0xe6,
		 0xd8, 0x70, 0xd9, 0xd1, 0x3a, 0xcd, 0x05, 0xb7,
	 },
	 {
		 0xc0, 0xf1, 0xea, 0xa4, 0x5f, 0x39, 0x20, 0xc6,
		 0xeb, 0xec, 0x22, 0xa3, 0xa8, 0x86, 0x5a, 0x11,
		 0x6b, 0x04, 0xaa, 0xbb, 0x54, 0xeb, 0x2a, 0x2f,
		 0x5c, 0x05, 0xa6, 0x26, 0xf5, 0x8e, 0xa4, 0x6b,
	 }},
};

static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static memo_key memo_slot[MEMO_SLOTS];
static size_t memo_used, memo_next, memo_hits;

/* The memo's key for `cert` signed by the key of `issuer`; false when
 * either cannot be encoded (then the signature is simply verified). */
static bool memo_key_of(memo_key *k, X509 *cert, X509 *issuer)
{
	unsigned char *der = NULL;
	unsigned int n = 0;
	int len;

	if (X509_digest(cert, EVP_sha256(), k->cert, &n) != 1 ||
	    n != SHA256_DIGEST_LENGTH)
		return false;
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &der);
	if (len <= 0)
		return false;
	SHA256(der, (size_t)len, k->key);
	OPENSSL_free(der);
	return true;
}

static bool memo_seeded(const memo_key *k)
{
	for (size_t i = 0; i < sizeof(memo_seed) / sizeof(*memo_seed); i++)
		if (memcmp(&memo_seed[i], k, sizeof(*k)) == 0)
			return true;
	return false;
}

static bool memo_has(const memo_key *k)
{
	bool hit = memo_seeded(k);

	pthread_mutex_lock(&memo_mu);
	for (size_t i = 0; i < memo_used && !hit; i++)
		hit = memcmp(&memo_slot[i], k, sizeof(*k)) == 0;
	memo_hits += hit;
	pthread_mutex_unlock(&memo_mu);
	return hit;
}

static void memo_add(const memo_key *k)
{
	pthread_mutex_lock(&memo_mu);
	memo_slot[memo_next] = *k;
	memo_next = (memo_next + 1) % MEMO_SLOTS;
	if (memo_used < MEMO_SLOTS)
		memo_used++;
	pthread_mutex_unlock(&memo_mu);
}

bool ev__chain_memo_seeded(X509 *cert, X509 *issuer, size_t *nseeds)
{
	memo_key k;

	*nseeds = sizeof(memo_seed) / sizeof(*memo_seed);
	return memo_key_of(&k, cert, issuer) && memo_seeded(&k);
}

size_t ev__chain_memo_hits(void)
{
	size_t n;

	pthread_mutex_lock(&memo_mu);
	n = memo_hits;
	pthread_mutex_unlock(&memo_mu);
	return n;
}

/* 1 when `cert` verifies under `pkey` (the key of `issuer`): remembered,
 * or verified now and remembered. */
static int memo_verify(X509 *cert, X509 *issuer, EVP_PKEY *pkey)
{
	memo_key k;
	bool keyed = memo_key_of(&k, cert, issuer);

	if (keyed && memo_has(&k))
		return 1;
	if (X509_verify(cert, pkey) <= 0)
		return 0;
	if (keyed)
		memo_add(&k);
	return 1;
}

/* Reports `err` on `cert` at `depth` to the verify callback as OpenSSL's
 * own walk does; 0 means stop (the callback did not forgive it). */
static int chain_fail(X509_STORE_CTX *ctx, X509 *cert, int depth, int err)
{
	X509_STORE_CTX_set_error_depth(ctx, depth);
	X509_STORE_CTX_set_current_cert(ctx, cert);
	if (err != X509_V_OK)
		X509_STORE_CTX_set_error(ctx, err);
	return X509_STORE_CTX_get_verify_cb(ctx)(0, ctx);
}

/* The validity window of `cert` at the check time (never "now": every
 * caller sets one). */
static int chain_time(X509_STORE_CTX *ctx, X509 *cert, int depth)
{
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	time_t at = X509_VERIFY_PARAM_get_time(vp);
	int i;

	if (!(X509_VERIFY_PARAM_get_flags(vp) & X509_V_FLAG_USE_CHECK_TIME))
		return chain_fail(ctx, cert, depth, X509_V_ERR_UNSPECIFIED);
	i = X509_cmp_time(X509_get0_notBefore(cert), &at);
	if (i == 0 && !chain_fail(ctx, cert, depth,
				  X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD))
		return 0;
	if (i > 0 &&
	    !chain_fail(ctx, cert, depth, X509_V_ERR_CERT_NOT_YET_VALID))
		return 0;
	i = X509_cmp_time(X509_get0_notAfter(cert), &at);
	if (i == 0 && !chain_fail(ctx, cert, depth,
				  X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD))
		return 0;
	if (i < 0 && !chain_fail(ctx, cert, depth, X509_V_ERR_CERT_HAS_EXPIRED))
		return 0;
	return 1;
}

/* May `issuer` sign `subject` (RFC 5280 §6.1.4 (n)): keyCertSign, or
 * digitalSignature for a proxy certificate, when it has a key usage. */
static int chain_signing_allowed(X509 *issuer, X509 *subject)
{
	uint32_t ku = X509_get_key_usage(issuer); /* all bits when absent */

	if (X509_get_extension_flags(subject) & EXFLAG_PROXY)
		return ku & KU_DIGITAL_SIGNATURE
			       ? X509_V_OK
			       : X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE;
	return ku & KU_KEY_CERT_SIGN ? X509_V_OK
				     : X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
}

int ev__x509_chain_verify(X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	int n = sk_X509_num(chain) - 1;
	X509 *xi, *xs;

	/* Our stores hold one anchor and always allow a partial chain: the
	 * top certificate is trusted as it is, its signature unchecked (as
	 * OpenSSL does for a self-signed one), its time checked below. */
	if (n < 0 ||
	    !(X509_VERIFY_PARAM_get_flags(vp) & X509_V_FLAG_PARTIAL_CHAIN) ||
	    (X509_VERIFY_PARAM_get_flags(vp) &
	     X509_V_FLAG_CHECK_SS_SIGNATURE)) {
		chain_fail(ctx, NULL, 0, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	xi = xs = sk_X509_value(chain, n);
	X509_STORE_CTX_set_error_depth(ctx, n);
	while (n >= 0) {
		if (xs != xi) {
			EVP_PKEY *pkey = X509_get0_pubkey(xi);
			int ret = chain_signing_allowed(xi, xs);

			if (ret != X509_V_OK &&
			    !chain_fail(ctx, xi, n + 1, ret))
				return 0;
			if (pkey == NULL &&
			    !chain_fail(
				    ctx, xi, n + 1,
				    X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY))
				return 0;
			if (pkey != NULL && !memo_verify(xs, xi, pkey) &&
			    !chain_fail(ctx, xs, n,
					X509_V_ERR_CERT_SIGNATURE_FAILURE))
				return 0;
		}
		if (!chain_time(ctx, xs, n))
			return 0;
		X509_STORE_CTX_set_current_cert(ctx, xs);
		X509_STORE_CTX_set_error_depth(ctx, n);
		if (!X509_STORE_CTX_get_verify_cb(ctx)(1, ctx))
			return 0;
		if (--n >= 0) {
			xi = xs;
			xs = sk_X509_value(chain, n);
		}
	}
	return 1;
}
