/* evidence/sigstore/tlog.c -- Rekor entry checks: SET and Merkle inclusion
 *
 * The two proofs that an entry is in a transparency log (sigstore.md §5):
 * the Rekor v1 Signed Entry Timestamp, a signature over RFC 8785 canonical
 * JSON, and the RFC 6962 inclusion proof, recomputed bit by bit per
 * RFC 9162 §2.1.3.2. The checkpoint that signs the proof's root is in
 * checkpoint.c; the body cross-check in body.c.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* The digest algorithms a bundle may name, in ev__hash order. */
static const struct {
	const char *proto, *rekor;
	size_t len;
} hash_names[] = {
	{"HASH_ALGORITHM_UNSPECIFIED", NULL, 32},
	{"SHA2_256", "sha256", 32},
	{"SHA2_384", "sha384", 48},
	{"SHA2_512", "sha512", 64},
};

const EVP_MD *ev__hash_md(ev__hash h)
{
	switch (h) {
	case EV__HASH_SHA384:
		return EVP_sha384();
	case EV__HASH_SHA512:
		return EVP_sha512();
	default:
		return EVP_sha256();
	}
}

size_t ev__hash_len(ev__hash h)
{
	return hash_names[h].len;
}

const char *ev__hash_proto_name(ev__hash h)
{
	return hash_names[h == EV__HASH_UNSPECIFIED ? EV__HASH_SHA256 : h]
		.proto;
}

const char *ev__hash_rekor_name(ev__hash h)
{
	return hash_names[h == EV__HASH_UNSPECIFIED ? EV__HASH_SHA256 : h]
		.rekor;
}

bool ev__hash_from_name(ev__hash *out, const char *name)
{
	for (size_t i = 0; i < sizeof(hash_names) / sizeof(*hash_names); i++)
		if (strcmp(name, hash_names[i].proto) == 0 ||
		    (hash_names[i].rekor != NULL &&
		     strcmp(name, hash_names[i].rekor) == 0)) {
			*out = (ev__hash)i;
			return true;
		}
	return false;
}

/* SHA-384 for P-384, SHA-512 for P-521 (the PKIX_ECDSA_P384_SHA_384 and
 * P521_SHA_512 pairs of the Sigstore algorithm registry), none for Ed25519
 * (pure EdDSA), SHA-256 otherwise (P-256, RSA). */
const EVP_MD *ev__pkey_default_md(EVP_PKEY *key)
{
	if (EVP_PKEY_id(key) == EVP_PKEY_ED25519)
		return NULL;
	if (EVP_PKEY_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 384)
		return EVP_sha384();
	if (EVP_PKEY_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 521)
		return EVP_sha512();
	return EVP_sha256();
}

bool ev__pkey_verify_md(EVP_PKEY *key, const EVP_MD *md,
			const unsigned char *data, size_t len,
			const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = false;

	if (EVP_PKEY_id(key) == EVP_PKEY_ED25519)
		md = NULL;
	if (ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1)
		ok = true;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

bool ev__pkey_verify(EVP_PKEY *key, const unsigned char *data, size_t len,
		     const unsigned char *sig, size_t sig_len)
{
	return ev__pkey_verify_md(key, ev__pkey_default_md(key), data, len, sig,
				  sig_len);
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

int ev_merkle_inclusion_check(const unsigned char leaf_hash[32], uint64_t index,
			      uint64_t size, const unsigned char *hashes,
			      size_t nhashes, const unsigned char root[32],
			      ae_err *err)
{
	unsigned char r[32];
	uint64_t fn, sn;

	if (size == 0 || index >= size)
		return ae_fail(err, AE_EVERIFY,
			       "inclusion proof index %llu is not inside tree "
			       "size %llu",
			       (unsigned long long)index,
			       (unsigned long long)size);
	memcpy(r, leaf_hash, 32);
	fn = index;
	sn = size - 1;
	for (size_t i = 0; i < nhashes; i++) {
		const unsigned char *h = hashes + 32 * i;

		if (sn == 0)
			return ae_fail(err, AE_EVERIFY,
				       "inclusion proof has too many hashes");
		if ((fn & 1) || fn == sn) {
			node_hash(r, h, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(r, r, h);
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

int ev_merkle_leaf_hash(unsigned char out[32], const unsigned char *entry,
			size_t len, ae_err *err)
{
	ae_sha256_ctx *ctx = NULL;
	int rc = ae_sha256_new(&ctx, err);

	if (rc < 0)
		return rc;
	ae_sha256_update(ctx, "\0", 1);
	ae_sha256_update(ctx, entry, len);
	ae_sha256_final(ctx, out);
	ae_sha256_free(ctx);
	return 0;
}

int ev__merkle_verify(const unsigned char *leaf, size_t leaf_len, int64_t index,
		      int64_t size, const unsigned char (*hashes)[32],
		      size_t nhashes, const unsigned char root[32], ae_err *err)
{
	unsigned char r[32];
	int rc;

	if (index < 0 || size <= 0 || index >= size)
		return ae_fail(err, AE_EVERIFY,
			       "inclusion proof index %lld is not inside tree "
			       "size %lld",
			       (long long)index, (long long)size);
	rc = ev_merkle_leaf_hash(r, leaf, leaf_len, err);
	if (rc < 0)
		return rc;
	return ev_merkle_inclusion_check(r, (uint64_t)index, (uint64_t)size,
					 nhashes ? hashes[0] : NULL, nhashes,
					 root, err);
}
