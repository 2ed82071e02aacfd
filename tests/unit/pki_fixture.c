/* tests/unit/pki_fixture.c -- the generated PKI of pki_fixture.h
 *
 * Not a test file of its own (the Makefile compiles tests/unit/test_*.c):
 * test_evidence_pki.c and tests/fuzz/tsa_fuzz.c include it, so the unit
 * runner and the single-file fuzz build both get it.
 */
#include "tests/unit/pki_fixture.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#define PKI_YEAR (365LL * 86400)

EVP_PKEY *pki_key_new(void)
{
	return EVP_EC_gen("P-256");
}

static int pki_ext_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (e == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

static int pki_ext_raw(X509 *x, const char *oid, const void *data,
		       size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int rc = -1;

	if (obj != NULL && os != NULL &&
	    ASN1_OCTET_STRING_set(os, data, (int)len))
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	if (e != NULL && X509_add_ext(x, e, -1))
		rc = 0;
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return rc;
}

static int pki_cert_exts(X509 *x, X509 *issuer, const pki_cert_spec *s)
{
	unsigned char v2[130];
	size_t n;

	if ((s->bc || s->ca) &&
	    pki_ext_conf(x, issuer, NID_basic_constraints,
			 s->bc ? s->bc : "critical,CA:TRUE") < 0)
		return -1;
	if (s->nc && pki_ext_conf(x, issuer, NID_name_constraints, s->nc) < 0)
		return -1;
	if (s->ku && pki_ext_conf(x, issuer, NID_key_usage, s->ku) < 0)
		return -1;
	if (s->eku && pki_ext_conf(x, issuer, NID_ext_key_usage, s->eku) < 0)
		return -1;
	if (s->san && pki_ext_conf(x, issuer, NID_subject_alt_name, s->san) < 0)
		return -1;
	if (s->issuer_v1 && pki_ext_raw(x, "1.3.6.1.4.1.57264.1.1",
					s->issuer_v1,
					strlen(s->issuer_v1)) < 0)
		return -1;
	if (s->v2_raw)
		return pki_ext_raw(x, "1.3.6.1.4.1.57264.1.8", s->v2_raw,
				   s->v2_raw_len);
	if (s->issuer_v2) {
		n = strlen(s->issuer_v2);
		if (n > 127)
			return -1;
		v2[0] = 0x0c; /* UTF8String */
		v2[1] = (unsigned char)n;
		memcpy(v2 + 2, s->issuer_v2, n);
		return pki_ext_raw(x, "1.3.6.1.4.1.57264.1.8", v2, n + 2);
	}
	return 0;
}

/* Replaces *x by its DER round trip, so tests see certificates exactly as
 * a verifier parses them (fresh extension cache, cached encoding). */
static int pki_reparse(X509 **x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *y = NULL;
	int n = i2d_X509(*x, &der);

	p = der;
	if (n > 0)
		y = d2i_X509(NULL, &p, n);
	OPENSSL_free(der);
	if (y == NULL)
		return -1;
	X509_free(*x);
	*x = y;
	return 0;
}

X509 *pki_cert_new(const pki_cert_spec *s)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509 *issuer;

	if (x == NULL || name == NULL)
		goto bad;
	issuer = s->issuer ? s->issuer : x;
	if (s->cn && !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						 (const unsigned char *)s->cn,
						 -1, -1, 0))
		goto bad;
	if (!X509_set_version(x, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x),
			      s->serial ? s->serial : 1) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after) ||
	    !X509_set_pubkey(x, s->key) || pki_cert_exts(x, issuer, s) < 0 ||
	    !X509_sign(x, s->issuer ? s->issuer_key : s->key, EVP_sha256()) ||
	    pki_reparse(&x) < 0)
		goto bad;
	X509_NAME_free(name);
	return x;
bad:
	X509_NAME_free(name);
	X509_free(x);
	return NULL;
}

void pki_log_id(unsigned char out[32], EVP_PKEY *key)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);

	ae_sha256(out, der, n > 0 ? (size_t)n : 0);
	OPENSSL_free(der);
}

STACK_OF(X509) * pki_chain(X509 *a, X509 *b, X509 *c)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *all[3] = {a, b, c};
	int i;

	for (i = 0; i < 3 && sk != NULL; i++)
		if (all[i] != NULL)
			X509_add_cert(sk, all[i], X509_ADD_FLAG_UP_REF);
	return sk;
}

static void pki_put(ae_buf *b, uint64_t v, int n)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	ae_buf_put(b, c, (size_t)n, NULL);
}

/* One TLS-encoded SCT over the precert entry of `tbs`. */
static int pki_sct_one(ae_buf *out, const pki_sct_spec *s,
		       const unsigned char *tbs, size_t tbs_len)
{
	ae_buf msg = AE_BUF_INIT(1 << 20);
	unsigned char id[32], khash[32], sig[256], *spki = NULL;
	size_t sig_len = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int n, rc = -1;

	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(s->issuer), &spki);
	ae_sha256(khash, spki, n > 0 ? (size_t)n : 0);
	OPENSSL_free(spki);
	pki_put(&msg, 0, 1);
	pki_put(&msg, 0, 1);
	pki_put(&msg, s->timestamp_ms, 8);
	pki_put(&msg, 1, 2);
	ae_buf_put(&msg, khash, 32, NULL);
	pki_put(&msg, tbs_len, 3);
	ae_buf_put(&msg, tbs, tbs_len, NULL);
	pki_put(&msg, s->ext_len, 2);
	ae_buf_put(&msg, s->ext, s->ext_len, NULL);
	if (md == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, s->log_key) != 1 ||
	    EVP_DigestSign(md, sig, &sig_len, msg.data, msg.len) != 1)
		goto done;
	if (s->log_id)
		memcpy(id, s->log_id, 32);
	else
		pki_log_id(id, s->log_key);
	pki_put(out, 0, 1);
	ae_buf_put(out, id, 32, NULL);
	pki_put(out, s->timestamp_ms, 8);
	pki_put(out, s->ext_len, 2);
	ae_buf_put(out, s->ext, s->ext_len, NULL);
	pki_put(out, 4, 1);
	pki_put(out, 3, 1);
	pki_put(out, sig_len, 2);
	ae_buf_put(out, sig, sig_len, NULL);
	rc = 0;
done:
	EVP_MD_CTX_free(md);
	ae_buf_dispose(&msg);
	return rc;
}

int pki_leaf_add_scts(X509 **leafp, EVP_PKEY *issuer_key,
		      const pki_sct_spec *scts, size_t n)
{
	ae_buf list = AE_BUF_INIT(1 << 20), one = AE_BUF_INIT(1 << 20);
	unsigned char *tbs = NULL, *ext = NULL;
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509 *leaf = *leafp;
	int tbs_len, ext_len, rc = -1;
	size_t i;

	/* Sign first so the TBS holds its final signature algorithm. */
	if (os == NULL || !X509_sign(leaf, issuer_key, EVP_sha256()))
		goto done;
	tbs_len = i2d_re_X509_tbs(leaf, &tbs);
	if (tbs_len <= 0)
		goto done;
	for (i = 0; i < n; i++) {
		ae_buf_dispose(&one);
		if (pki_sct_one(&one, &scts[i], tbs, (size_t)tbs_len) < 0)
			goto done;
		pki_put(&list, one.len, 2);
		ae_buf_put(&list, one.data, one.len, NULL);
	}
	ae_buf_dispose(&one);
	pki_put(&one, list.len, 2);
	ae_buf_put(&one, list.data, list.len, NULL);
	if (!ASN1_OCTET_STRING_set(os, one.data, (int)one.len))
		goto done;
	ext_len = i2d_ASN1_OCTET_STRING(os, &ext);
	if (ext_len <= 0 ||
	    pki_ext_raw(leaf, "1.3.6.1.4.1.11129.2.4.2", ext,
			(size_t)ext_len) < 0 ||
	    !X509_sign(leaf, issuer_key, EVP_sha256()))
		goto done;
	rc = pki_reparse(leafp);
done:
	OPENSSL_free(tbs);
	OPENSSL_free(ext);
	ASN1_OCTET_STRING_free(os);
	ae_buf_dispose(&list);
	ae_buf_dispose(&one);
	return rc;
}

pki_cert_spec pki_leaf_spec(const pki *p)
{
	pki_cert_spec s = {0};

	s.key = p->leaf_key;
	s.issuer = p->inter;
	s.issuer_key = p->inter_key;
	s.not_before = PKI_T0;
	s.not_after = PKI_T0 + 600;
	s.serial = 7;
	s.ku = "critical,digitalSignature";
	s.eku = "codeSigning";
	/* one identity, as Fulcio issues (the verifier refuses more) */
	s.san = "critical,URI:https://github.com/o/r/.github/workflows/"
		"w.yml@refs/heads/main";
	s.issuer_v1 = "https://v1.example";
	s.issuer_v2 = "https://v2.example";
	return s;
}

/* A self-signed root CA (ROOT_CN, ROOT_KEY; valid from a year before
 * PKI_T0 to ten years after) and an intermediate CA it issues (INTER_CN,
 * INTER_KEY, serial 2, extended key usage EKU, NULL: none); both sign
 * certificates and CRLs. */
static void pki_ca_pair(X509 **root, X509 **inter, const char *root_cn,
			EVP_PKEY *root_key, const char *inter_cn,
			EVP_PKEY *inter_key, const char *eku)
{
	pki_cert_spec s = {0};

	s.cn = root_cn;
	s.key = root_key;
	s.not_before = PKI_T0 - PKI_YEAR;
	s.not_after = PKI_T0 + 10 * PKI_YEAR;
	s.ca = true;
	s.ku = "critical,keyCertSign,cRLSign";
	*root = pki_cert_new(&s);
	s.cn = inter_cn;
	s.key = inter_key;
	s.issuer = *root;
	s.issuer_key = root_key;
	s.serial = 2;
	s.eku = eku;
	*inter = pki_cert_new(&s);
}

static int pki_tsa_init(pki *p)
{
	pki_cert_spec s = {0};

	p->tsa_root_key = pki_key_new();
	p->tsa_inter_key = pki_key_new();
	p->tsa_key = pki_key_new();
	pki_ca_pair(&p->tsa_root, &p->tsa_inter, "tsa root", p->tsa_root_key,
		    "tsa intermediate", p->tsa_inter_key, NULL);
	s.cn = "tsa";
	s.key = p->tsa_key;
	s.issuer = p->tsa_inter;
	s.issuer_key = p->tsa_inter_key;
	s.serial = 3;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ku = "critical,digitalSignature";
	s.eku = "critical,timeStamping";
	p->tsa_cert = pki_cert_new(&s);
	if (p->tsa_cert == NULL)
		return -1;
	p->tsa.chain = pki_chain(p->tsa_cert, p->tsa_inter, p->tsa_root);
	p->tsa.valid.start = PKI_T0 - PKI_YEAR;
	return 0;
}

int pki_init(pki *p)
{
	pki_cert_spec s = {0};
	pki_sct_spec sct = {0};

	memset(p, 0, sizeof(*p));
	p->root_key = pki_key_new();
	p->inter_key = pki_key_new();
	p->leaf_key = pki_key_new();
	p->ct_key = pki_key_new();
	pki_ca_pair(&p->root, &p->inter, "sigstore", p->root_key,
		    "sigstore-intermediate", p->inter_key, "codeSigning");
	if (p->inter == NULL)
		return -1;
	s = pki_leaf_spec(p);
	p->leaf = pki_cert_new(&s);
	sct.log_key = p->ct_key;
	sct.timestamp_ms = (uint64_t)PKI_T0 * 1000 + 5;
	sct.issuer = p->inter;
	if (p->leaf == NULL ||
	    pki_leaf_add_scts(&p->leaf, p->inter_key, &sct, 1) < 0)
		return -1;
	p->ca.chain = pki_chain(p->inter, p->root, NULL);
	p->ca.valid.start = PKI_T0 - PKI_YEAR;
	pki_log_id(p->ctlog.log_id, p->ct_key);
	p->ctlog.key = p->ct_key;
	EVP_PKEY_up_ref(p->ct_key);
	p->ctlog.valid.start = PKI_T0 - PKI_YEAR;
	return pki_tsa_init(p);
}

void pki_dispose(pki *p)
{
	sk_X509_pop_free(p->ca.chain, X509_free);
	sk_X509_pop_free(p->tsa.chain, X509_free);
	EVP_PKEY_free(p->ctlog.key);
	X509_free(p->root);
	X509_free(p->inter);
	X509_free(p->leaf);
	X509_free(p->tsa_root);
	X509_free(p->tsa_inter);
	X509_free(p->tsa_cert);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->inter_key);
	EVP_PKEY_free(p->leaf_key);
	EVP_PKEY_free(p->ct_key);
	EVP_PKEY_free(p->tsa_root_key);
	EVP_PKEY_free(p->tsa_inter_key);
	EVP_PKEY_free(p->tsa_key);
	memset(p, 0, sizeof(*p));
}

static int pki_tsa_time_cb(TS_RESP_CTX *ctx, void *data, long *sec,
			   long *usec)
{
	const pki_tsa_spec *s = data;

	(void)ctx;
	*sec = (long)s->gen_time;
	*usec = s->usec;
	return 1;
}

static ASN1_INTEGER *pki_tsa_serial_cb(TS_RESP_CTX *ctx, void *data)
{
	const pki_tsa_spec *s = data;
	ASN1_INTEGER *i = ASN1_INTEGER_new();

	(void)ctx;
	if (i != NULL && !ASN1_INTEGER_set(i, s->serial ? s->serial : 42)) {
		ASN1_INTEGER_free(i);
		i = NULL;
	}
	return i;
}

static BIO *pki_tsa_request(const pki_tsa_spec *s)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	unsigned char h[32];
	BIO *bio = BIO_new(BIO_s_mem());
	int ok;

	ae_sha256(h, s->data, s->data_len);
	ok = req && mi && alg && bio &&
	     X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL,
			     NULL) &&
	     TS_MSG_IMPRINT_set_algo(mi, alg) &&
	     TS_MSG_IMPRINT_set_msg(mi, h, 32) && TS_REQ_set_version(req, 1) &&
	     TS_REQ_set_msg_imprint(req, mi) &&
	     TS_REQ_set_cert_req(req, !s->no_certs) &&
	     i2d_TS_REQ_bio(bio, req) > 0;
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	if (!ok) {
		BIO_free(bio);
		return NULL;
	}
	return bio;
}

unsigned char *pki_tsa_make(size_t *len_out, const pki_tsa_spec *s)
{
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.3.6.1.4.1.57264.2", 1);
	BIO *req = pki_tsa_request(s);
	TS_RESP *resp = NULL;
	unsigned char *der = NULL, *out = NULL;
	int n = 0;

	*len_out = 0;
	if (ctx == NULL || policy == NULL || req == NULL ||
	    !TS_RESP_CTX_set_signer_cert(ctx, s->signer) ||
	    !TS_RESP_CTX_set_signer_key(ctx, s->key) ||
	    !TS_RESP_CTX_set_def_policy(ctx, policy) ||
	    !TS_RESP_CTX_add_md(ctx, EVP_sha256()) ||
	    (s->extra && !TS_RESP_CTX_set_certs(ctx, s->extra)) ||
	    !TS_RESP_CTX_set_clock_precision_digits(ctx,
						    (unsigned)s->precision))
		goto done;
	TS_RESP_CTX_set_time_cb(ctx, pki_tsa_time_cb, (void *)s);
	TS_RESP_CTX_set_serial_cb(ctx, pki_tsa_serial_cb, (void *)s);
	resp = TS_RESP_create_response(ctx, req);
	if (resp == NULL || ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
				    TS_RESP_get_status_info(resp))) != 0)
		goto done;
	n = s->bare ? i2d_PKCS7(TS_RESP_get_token(resp), &der)
		    : i2d_TS_RESP(resp, &der);
	if (n <= 0)
		goto done;
	out = malloc((size_t)n);
	if (out != NULL) {
		memcpy(out, der, (size_t)n);
		*len_out = (size_t)n;
	}
done:
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(req);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(ctx);
	return out;
}

pki_tsa_spec pki_tsa_spec_default(const pki *p, const void *data, size_t len)
{
	pki_tsa_spec s = {0};

	s.signer = p->tsa_cert;
	s.key = p->tsa_key;
	s.data = data;
	s.data_len = len;
	s.gen_time = PKI_T0 + 60;
	return s;
}
