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
 * internal_verify) with the same walk that consults the memo first.
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

static bool memo_has(const memo_key *k)
{
	bool hit = false;

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
