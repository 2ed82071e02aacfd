/* evidence/sigstore/sct.c -- embedded Signed Certificate Timestamps
 *
 * A Fulcio leaf carries, in extension 1.3.6.1.4.1.11129.2.4.2, the SCTs that
 * CT logs issued for its precertificate (RFC 6962 §3.3). Each SCT is a log's
 * signature over the precert entry: the hash of the issuer's key and the
 * leaf's TBSCertificate without that extension (RFC 6962 §3.2). We parse the
 * TLS encoding ourselves, strictly, and verify with the CT log keys of the
 * trusted root only (sigstore.md §7.3).
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#define SCT_LOG_ID_LEN	  32
#define SCT_HASH_SHA256	  4 /* RFC 5246 §7.4.1.4.1 HashAlgorithm */
#define SCT_SIG_RSA	  1 /* SignatureAlgorithm */
#define SCT_SIG_ECDSA	  3
#define SCT_ENTRY_PRECERT 1 /* RFC 6962 §3.1 LogEntryType */

/* One SCT, its fields borrowed from the extension bytes. */
typedef struct sct {
	const unsigned char *log_id;
	uint64_t timestamp_ms;
	const unsigned char *ext;
	size_t ext_len;
	int hash_alg;
	int sig_alg;
	const unsigned char *sig;
	size_t sig_len;
} sct;

/* A cursor over TLS bytes: reads advance only when they fit. */
typedef struct sct_cur {
	const unsigned char *p;
	size_t left;
} sct_cur;

static bool sct_take(const unsigned char **out, sct_cur *c, size_t n)
{
	if (c->left < n)
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static bool sct_uint(uint64_t *out, sct_cur *c, size_t n)
{
	const unsigned char *p;
	size_t i;

	*out = 0;
	if (!sct_take(&p, c, n))
		return false;
	for (i = 0; i < n; i++)
		*out = (*out << 8) | p[i];
	return true;
}

/* Parses one v1 SCT filling `s` exactly (RFC 6962 §3.2 struct). */
static int sct_parse(sct *s, const unsigned char *data, size_t len, ae_err *err)
{
	sct_cur c = {data, len};
	const unsigned char *ver;
	uint64_t v;

	memset(s, 0, sizeof(*s));
	if (!sct_take(&ver, &c, 1) || ver[0] != 0)
		return ae_fail(err, AE_EVERIFY, "SCT version is not v1");
	if (!sct_take(&s->log_id, &c, SCT_LOG_ID_LEN) ||
	    !sct_uint(&s->timestamp_ms, &c, 8) || !sct_uint(&v, &c, 2) ||
	    !sct_take(&s->ext, &c, (size_t)v))
		return ae_fail(err, AE_EVERIFY, "SCT is truncated");
	s->ext_len = (size_t)v;
	if (!sct_uint(&v, &c, 1))
		return ae_fail(err, AE_EVERIFY, "SCT is truncated");
	s->hash_alg = (int)v;
	if (!sct_uint(&v, &c, 1))
		return ae_fail(err, AE_EVERIFY, "SCT is truncated");
	s->sig_alg = (int)v;
	if (!sct_uint(&v, &c, 2) || !sct_take(&s->sig, &c, (size_t)v))
		return ae_fail(err, AE_EVERIFY, "SCT is truncated");
	s->sig_len = (size_t)v;
	if (c.left != 0)
		return ae_fail(err, AE_EVERIFY, "SCT has %zu trailing bytes",
			       c.left);
	return 0;
}

/* The SignedCertificateTimestampList of the leaf: the content of the OCTET
 * STRING inside the extension's extnValue. *out is a new string (free with
 * ASN1_OCTET_STRING_free). AE_EVERIFY when absent, doubled or malformed. */
static int sct_list_get(ASN1_OCTET_STRING **out, X509 *leaf, ae_err *err)
{
	const ASN1_OCTET_STRING *v;
	const unsigned char *p;
	ASN1_OCTET_STRING *inner;
	int at;

	*out = NULL;
	at = X509_get_ext_by_NID(leaf, NID_ct_precert_scts, -1);
	if (at < 0)
		return ae_fail(err, AE_EVERIFY, "leaf has no embedded SCT");
	if (X509_get_ext_by_NID(leaf, NID_ct_precert_scts, at) >= 0)
		return ae_fail(err, AE_EVERIFY,
			       "leaf has several SCT list extensions");
	v = X509_EXTENSION_get_data(X509_get_ext(leaf, at));
	p = ASN1_STRING_get0_data(v);
	inner = d2i_ASN1_OCTET_STRING(NULL, &p, ASN1_STRING_length(v));
	if (inner == NULL ||
	    p != ASN1_STRING_get0_data(v) + ASN1_STRING_length(v)) {
		ERR_clear_error();
		ASN1_OCTET_STRING_free(inner);
		return ae_fail(err, AE_EVERIFY,
			       "SCT list extension is not one OCTET STRING");
	}
	*out = inner;
	return 0;
}

/* The DER of the SCT list extension's OID, 1.3.6.1.4.1.11129.2.4.2. */
static const unsigned char sct_oid[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
					0x01, 0xd6, 0x79, 0x02, 0x04, 0x02};

/* Writes a DER length; returns its size. */
static size_t sct_der_len(unsigned char *out, size_t n)
{
	size_t k = 0;

	if (n < 0x80) {
		out[0] = (unsigned char)n;
		return 1;
	}
	for (size_t m = n; m > 0; m >>= 8)
		k++;
	out[0] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		out[1 + i] = (unsigned char)(n >> (8 * (k - 1 - i)));
	return 1 + k;
}

/* Finds, in the DER certificate c[0..n), the TBSCertificate, its [3]
 * extensions field and the SCT list extension inside (whole TLVs); false
 * when the certificate has another shape. */
typedef struct sct_cut {
	const unsigned char *tbs, *a3, *sct;
	size_t tbs_hdr, tbs_len, a3_hdr, a3_len, seq_hdr, seq_len, sct_len;
} sct_cut;

static bool sct_cut_find(sct_cut *x, const unsigned char *c, size_t n)
{
	const unsigned char *p, *end;
	size_t h = 0, b = 0;

	memset(x, 0, sizeof(*x));
	if (!ev__der_header(&h, &b, c, n) || c[0] != 0x30)
		return false;
	x->tbs = c + h;
	if (!ev__der_header(&x->tbs_hdr, &x->tbs_len, x->tbs, b) ||
	    x->tbs[0] != 0x30)
		return false;
	end = x->tbs + x->tbs_hdr + x->tbs_len;
	for (p = x->tbs + x->tbs_hdr; p < end && x->a3 == NULL; p += h + b) {
		if (!ev__der_header(&h, &b, p, (size_t)(end - p)))
			return false;
		if (p[0] == 0xa3) {
			x->a3 = p;
			x->a3_hdr = h;
			x->a3_len = b;
		}
	}
	if (x->a3 == NULL ||
	    !ev__der_header(&x->seq_hdr, &x->seq_len, x->a3 + x->a3_hdr,
			    x->a3_len) ||
	    x->a3[x->a3_hdr] != 0x30 || x->seq_hdr + x->seq_len != x->a3_len)
		return false;
	p = x->a3 + x->a3_hdr + x->seq_hdr;
	for (end = p + x->seq_len; p < end && x->sct == NULL; p += h + b) {
		if (!ev__der_header(&h, &b, p, (size_t)(end - p)) ||
		    p[0] != 0x30)
			return false;
		if (b >= sizeof(sct_oid) &&
		    memcmp(p + h, sct_oid, sizeof(sct_oid)) == 0) {
			x->sct = p;
			x->sct_len = h + b;
		}
	}
	return x->sct != NULL;
}

/* DER of the leaf's TBSCertificate without the SCT list extension, the
 * precert TBS the log signed (RFC 6962 §3.2). *out is OPENSSL_malloc'd.
 * Cut from the certificate's own bytes: decoding a copy of the leaf to
 * delete the extension costs OpenSSL 3.0 a public-key decode. */
static int sct_precert_tbs(unsigned char **out, size_t *len_out, X509 *leaf,
			   ae_err *err)
{
	unsigned char *c = NULL, *o = NULL, l1[9], l2[9], l3[9];
	size_t seq, a3, tbs, n1, n2, n3, at = 0;
	sct_cut x;
	int n;

	*out = NULL;
	*len_out = 0;
	n = i2d_X509(leaf, &c);
	if (n <= 0 || !sct_cut_find(&x, c, (size_t)n)) {
		OPENSSL_free(c);
		ERR_clear_error();
		return ae_fail(err, AE_EVERIFY,
			       "leaf certificate has no extensions to cut the "
			       "SCT list from");
	}
	seq = x.seq_len - x.sct_len;
	n1 = sct_der_len(l1, seq);
	a3 = 1 + n1 + seq;
	n2 = sct_der_len(l2, a3);
	tbs = x.tbs_len - (x.a3_hdr + x.a3_len) + 1 + n2 + a3;
	n3 = sct_der_len(l3, tbs);
	o = OPENSSL_malloc(1 + n3 + tbs);
	if (o == NULL) {
		OPENSSL_free(c);
		return ae_fail(err, AE_ERR, "out of memory");
	}
#define SCT_PUT(src, len)                                                      \
	do {                                                                   \
		memcpy(o + at, (src), (len));                                  \
		at += (len);                                                   \
	} while (0)
	SCT_PUT("\x30", 1);
	SCT_PUT(l3, n3);
	SCT_PUT(x.tbs + x.tbs_hdr, (size_t)(x.a3 - (x.tbs + x.tbs_hdr)));
	SCT_PUT("\xa3", 1);
	SCT_PUT(l2, n2);
	SCT_PUT("\x30", 1);
	SCT_PUT(l1, n1);
	SCT_PUT(x.a3 + x.a3_hdr + x.seq_hdr,
		(size_t)(x.sct - (x.a3 + x.a3_hdr + x.seq_hdr)));
	SCT_PUT(x.sct + x.sct_len,
		(size_t)(x.a3 + x.a3_hdr + x.a3_len - (x.sct + x.sct_len)));
	SCT_PUT(x.a3 + x.a3_hdr + x.a3_len,
		(size_t)(x.tbs + x.tbs_hdr + x.tbs_len -
			 (x.a3 + x.a3_hdr + x.a3_len)));
#undef SCT_PUT
	OPENSSL_free(c);
	*out = o;
	*len_out = at;
	return 0;
}

/* The digitally-signed struct of RFC 6962 §3.2 for a precert entry. */
static int sct_signed_data(ae_buf *b, const sct *s,
			   const unsigned char key_hash[AE_SHA256_LEN],
			   const unsigned char *tbs, size_t tbs_len,
			   ae_err *err)
{
	unsigned char head[2 + 8 + 2];
	unsigned char len3[3], len2[2];
	int i, rc;

	if (tbs_len > 0xffffff)
		return ae_fail(err, AE_EVERIFY, "precert TBS too long for CT");
	head[0] = 0; /* sct_version v1 */
	head[1] = 0; /* signature_type certificate_timestamp */
	for (i = 0; i < 8; i++)
		head[2 + i] = (unsigned char)(s->timestamp_ms >> (56 - 8 * i));
	head[10] = 0;
	head[11] = SCT_ENTRY_PRECERT;
	len3[0] = (unsigned char)(tbs_len >> 16);
	len3[1] = (unsigned char)(tbs_len >> 8);
	len3[2] = (unsigned char)tbs_len;
	len2[0] = (unsigned char)(s->ext_len >> 8);
	len2[1] = (unsigned char)s->ext_len;
	rc = ae_buf_put(b, head, sizeof(head), err);
	if (rc == 0)
		rc = ae_buf_put(b, key_hash, AE_SHA256_LEN, err);
	if (rc == 0)
		rc = ae_buf_put(b, len3, 3, err);
	if (rc == 0)
		rc = ae_buf_put(b, tbs, tbs_len, err);
	if (rc == 0)
		rc = ae_buf_put(b, len2, 2, err);
	/* The SCT's own extensions are signed verbatim, whatever they hold
	 * (bundle-with-sct-with-extensions). */
	if (rc == 0 && s->ext_len > 0)
		rc = ae_buf_put(b, s->ext, s->ext_len, err);
	return rc;
}

/* Checks one SCT against the trusted CT logs: known log, time in the log's
 * window, algorithm matching the key, signature over the precert entry. */
static int sct_check(const sct *s, const unsigned char key_hash[AE_SHA256_LEN],
		     const unsigned char *tbs, size_t tbs_len,
		     const ev__log *ctlogs, size_t nctlogs, ae_err *err)
{
	const ev__log *log = NULL;
	ae_buf msg = AE_BUF_INIT((size_t)1 << 25);
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *key = NULL;
	size_t i;
	int rc;

	for (i = 0; i < nctlogs && log == NULL; i++)
		if (memcmp(ctlogs[i].log_id, s->log_id, SCT_LOG_ID_LEN) == 0)
			log = &ctlogs[i];
	if (log == NULL)
		return ae_fail(err, AE_EVERIFY,
			       "SCT is from an unknown CT log");
	rc = ev__log_key(&key, log, err);
	if (rc < 0)
		return rc;
	if (s->timestamp_ms > (uint64_t)INT64_MAX ||
	    !ev__window_contains(&log->valid,
				 (int64_t)(s->timestamp_ms / 1000)))
		return ae_fail(err, AE_EVERIFY,
			       "SCT time %llu ms is outside the CT log's "
			       "validity",
			       (unsigned long long)s->timestamp_ms);
	if (s->hash_alg != SCT_HASH_SHA256 ||
	    !((s->sig_alg == SCT_SIG_ECDSA && EVP_PKEY_is_a(key, "EC")) ||
	      (s->sig_alg == SCT_SIG_RSA && EVP_PKEY_is_a(key, "RSA"))))
		return ae_fail(err, AE_EVERIFY,
			       "SCT algorithm %d/%d does not fit the log key",
			       s->hash_alg, s->sig_alg);
	rc = sct_signed_data(&msg, s, key_hash, tbs, tbs_len, err);
	if (rc < 0)
		goto done;
	md = EVP_MD_CTX_new();
	if (md == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1) {
		rc = ae_fail(err, AE_ERR, "cannot set up SCT verification");
		goto done;
	}
	if (EVP_DigestVerify(md, s->sig, s->sig_len, msg.data, msg.len) != 1) {
		rc = ae_fail(err, AE_EVERIFY, "SCT signature does not verify");
		goto done;
	}
	rc = 0;
done:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	ae_buf_dispose(&msg);
	return rc;
}

/* SHA-256 of the DER SubjectPublicKeyInfo of `issuer` (RFC 6962 §3.2
 * issuer_key_hash). */
static int sct_issuer_key_hash(unsigned char out[AE_SHA256_LEN], X509 *issuer,
			       ae_err *err)
{
	unsigned char *der = NULL;
	int n;

	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &der);
	if (n <= 0) {
		ERR_clear_error();
		return ae_fail(err, AE_ERR, "cannot encode issuer key");
	}
	ae_sha256(out, der, (size_t)n);
	OPENSSL_free(der);
	return 0;
}

int ev__sct_verify(X509 *leaf, X509 *issuer, const ev__log *ctlogs,
		   size_t nctlogs, ae_err *err)
{
	ASN1_OCTET_STRING *list = NULL;
	unsigned char *tbs = NULL, key_hash[AE_SHA256_LEN];
	size_t tbs_len = 0;
	sct_cur c;
	const unsigned char *item;
	uint64_t n;
	ae_err why = {0};
	sct s;
	int rc;

	AE_ASSERT_ARG(leaf != NULL && issuer != NULL, err);
	rc = sct_list_get(&list, leaf, err);
	if (rc == 0)
		rc = sct_issuer_key_hash(key_hash, issuer, err);
	if (rc == 0)
		rc = sct_precert_tbs(&tbs, &tbs_len, leaf, err);
	if (rc < 0)
		goto done;
	c.p = ASN1_STRING_get0_data(list);
	c.left = (size_t)ASN1_STRING_length(list);
	if (!sct_uint(&n, &c, 2) || n != c.left || n == 0) {
		rc = ae_fail(err, AE_EVERIFY, "SCT list length is wrong");
		goto done;
	}
	/* Threshold 1: one SCT that verifies is enough (sigstore.md §7.3);
	 * the reason kept is the first SCT's. */
	rc = AE_EVERIFY;
	while (c.left > 0 && rc != 0) {
		if (!sct_uint(&n, &c, 2) || n == 0 ||
		    !sct_take(&item, &c, (size_t)n)) {
			ae_fail(&why, AE_EVERIFY, "SCT list is truncated");
			break;
		}
		rc = sct_parse(&s, item, (size_t)n, &why);
		if (rc == 0)
			rc = sct_check(&s, key_hash, tbs, tbs_len, ctlogs,
				       nctlogs, &why);
		if (rc == AE_ERR)
			break;
	}
	if (rc != 0)
		rc = ae_fail(err, rc == AE_ERR ? AE_ERR : AE_EVERIFY, "%s",
			     why.msg);
done:
	OPENSSL_free(tbs);
	ASN1_OCTET_STRING_free(list);
	return rc;
}
