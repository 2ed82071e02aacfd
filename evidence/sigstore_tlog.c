/* evidence/sigstore_tlog.c -- Rekor entry checks: SET and Merkle inclusion
 *
 * The two proofs that an entry is in a transparency log (sigstore.md §5):
 * the Rekor v1 Signed Entry Timestamp, a signature over RFC 8785 canonical
 * JSON, and the RFC 6962 inclusion proof, recomputed bit by bit per
 * RFC 9162 §2.1.3.2. The checkpoint that signs the proof's root is in
 * sigstore_checkpoint.c; the body cross-check in sigstore_body.c.
 */
#include "evidence/internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* The digest a key signs with: SHA-384 for P-384, none for Ed25519 (pure
 * EdDSA), SHA-256 otherwise (P-256, RSA). */
static const EVP_MD *key_md(EVP_PKEY *key)
{
	if (EVP_PKEY_id(key) == EVP_PKEY_ED25519)
		return NULL;
	if (EVP_PKEY_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 384)
		return EVP_sha384();
	return EVP_sha256();
}

bool ev__pkey_verify(EVP_PKEY *key, const unsigned char *data, size_t len,
		     const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = false;

	if (ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, key_md(key), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1)
		ok = true;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

int ev__set_verify(const ev__tlog_entry *e, const ev__log *log, ae_err *err)
{
	char *body64 = NULL;
	char logid[65];
	ae_buf canon = AE_BUF_INIT(EV_BUNDLE_MAX_BYTES * 2);
	EVP_PKEY *key = NULL;
	int rc;

	if (e->set == NULL)
		return ae_fail(err, AE_EVERIFY, "tlog entry has no SET");
	if (!ev__window_contains(&log->valid, e->integrated_time))
		return ae_fail(err, AE_EVERIFY,
			       "integrated time %lld is outside the log key's "
			       "validity",
			       (long long)e->integrated_time);
	rc = ev__log_key(&key, log, err);
	if (rc == 0)
		rc = ae_base64_encode(&body64, e->body, e->body_len, err);
	if (rc < 0)
		return rc;
	ae_hex_encode(logid, e->log_id, 32);
	/* RFC 8785: keys sorted by code unit, no whitespace; the values are
	 * base64 and hex (no escapes needed) and non-negative integers. */
	rc = ae_buf_printf(&canon, err,
			   "{\"body\":\"%s\",\"integratedTime\":%lld,"
			   "\"logID\":\"%s\",\"logIndex\":%lld}",
			   body64, (long long)e->integrated_time, logid,
			   (long long)e->log_index);
	if (rc < 0)
		goto done;
	if (!ev__pkey_verify(key, canon.data, canon.len, e->set, e->set_len))
		rc = ae_fail(err, AE_EVERIFY,
			     "signed entry timestamp does not verify");
done:
	free(body64);
	ae_buf_dispose(&canon);
	return rc;
}

/* SHA-256(0x01 || l || r) into out (may alias l or r). */
static void node_hash(unsigned char out[32], const unsigned char l[32],
		      const unsigned char r[32])
{
	unsigned char buf[65];

	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	ae_sha256(out, buf, sizeof(buf));
}

int ev__merkle_verify(const unsigned char *leaf, size_t leaf_len, int64_t index,
		      int64_t size, const unsigned char (*hashes)[32],
		      size_t nhashes, const unsigned char root[32], ae_err *err)
{
	unsigned char r[32];
	uint64_t fn, sn;
	ae_sha256_ctx *ctx = NULL;
	int rc;

	if (index < 0 || size <= 0 || index >= size)
		return ae_fail(err, AE_EVERIFY,
			       "inclusion proof index %lld is not inside tree "
			       "size %lld",
			       (long long)index, (long long)size);
	rc = ae_sha256_new(&ctx, err);
	if (rc < 0)
		return rc;
	ae_sha256_update(ctx, "\0", 1);
	ae_sha256_update(ctx, leaf, leaf_len);
	ae_sha256_final(ctx, r);
	ae_sha256_free(ctx);
	fn = (uint64_t)index;
	sn = (uint64_t)size - 1;
	for (size_t i = 0; i < nhashes; i++) {
		if (sn == 0)
			return ae_fail(err, AE_EVERIFY,
				       "inclusion proof has too many hashes");
		if ((fn & 1) || fn == sn) {
			node_hash(r, hashes[i], r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(r, r, hashes[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return ae_fail(err, AE_EVERIFY,
			       "inclusion proof has too few hashes");
	if (memcmp(r, root, 32) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "inclusion proof does not reproduce the root "
			       "hash");
	return 0;
}
