/* evidence/signer/fulcio.c -- a signing certificate from Fulcio v2
 *
 * Keyless signing binds an ephemeral key to an OIDC identity: Fulcio checks
 * the token, checks that we hold the key (a signature over the token's
 * subject, the proof of possession) and returns a short-lived leaf that
 * names the identity in its SAN and the issuer in a Sigstore extension
 * (sigstore.md §7.2, §11.2). We accept only an answer that certifies our
 * own key in a non-CA leaf with an embedded SCT list, since a v0.3 bundle
 * has nowhere to carry a detached SCT.
 */
#include "evidence/signer/internal.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#define FULCIO_OID_ISSUER_V1 "1.3.6.1.4.1.57264.1.1"
#define FULCIO_OID_ISSUER_V2 "1.3.6.1.4.1.57264.1.8"
#define FULCIO_OID_USERNAME  "1.3.6.1.4.1.57264.1.7"
#define FULCIO_VALUE_MAX     4096 /* SAN / issuer strings we copy */

void ev__cert_dispose(ev__cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->leaf);
	free(cert->der);
	free(cert->pem);
	free(cert->identity);
	free(cert->issuer);
	memset(cert, 0, sizeof(*cert));
}

/* Copies `len` bytes of an ASN.1 string into a new C string, refusing
 * NULs and oversize values. */
static char *fulcio_strdup(const unsigned char *data, int len)
{
	if (len < 0 || len > FULCIO_VALUE_MAX || ae_has_nul(data, (size_t)len))
		return NULL;
	return strndup((const char *)data, (size_t)len);
}

/* The first SAN value: URI, email, or the Fulcio username otherName;
 * *is_email tells which. */
static char *fulcio_san(X509 *leaf, bool *is_email)
{
	GENERAL_NAMES *names =
		X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	char *out = NULL;

	for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && !out; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		ASN1_STRING *s = NULL;
		char oid[64];

		if (g->type == GEN_URI || g->type == GEN_EMAIL)
			s = g->d.ia5;
		else if (g->type == GEN_OTHERNAME &&
			 OBJ_obj2txt(oid, sizeof(oid), g->d.otherName->type_id,
				     1) > 0 &&
			 strcmp(oid, FULCIO_OID_USERNAME) == 0 &&
			 g->d.otherName->value->type == V_ASN1_UTF8STRING)
			s = g->d.otherName->value->value.utf8string;
		if (s != NULL)
			out = fulcio_strdup(ASN1_STRING_get0_data(s),
					    ASN1_STRING_length(s));
		*is_email = g->type == GEN_EMAIL;
	}
	GENERAL_NAMES_free(names);
	return out;
}

/* The OIDC issuer: extension .1.8 (DER UTF8String), else .1.1 (raw). */
static char *fulcio_issuer(X509 *leaf)
{
	const char *oids[] = {FULCIO_OID_ISSUER_V2, FULCIO_OID_ISSUER_V1};

	for (size_t k = 0; k < 2; k++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(oids[k], 1);
		int pos = obj ? X509_get_ext_by_OBJ(leaf, obj, -1) : -1;
		ASN1_OCTET_STRING *v;
		const unsigned char *p;
		char *out = NULL;

		ASN1_OBJECT_free(obj);
		if (pos < 0)
			continue;
		v = X509_EXTENSION_get_data(X509_get_ext(leaf, pos));
		p = ASN1_STRING_get0_data(v);
		if (k == 0) {
			ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(
				NULL, &p, ASN1_STRING_length(v));

			if (u != NULL)
				out = fulcio_strdup(ASN1_STRING_get0_data(u),
						    ASN1_STRING_length(u));
			ASN1_UTF8STRING_free(u);
		} else {
			out = fulcio_strdup(p, ASN1_STRING_length(v));
		}
		if (out != NULL)
			return out;
	}
	return NULL;
}

/* Signs SHA-256(data) with `key`; *sig_out is a base64 string (free()). */
static int fulcio_pop(char **sig_out, EVP_PKEY *key, const char *subject,
		      ae_err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[160];
	size_t sig_len = sizeof(sig);
	int rc = 0;

	*sig_out = NULL;
	if (md == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)subject,
			   strlen(subject)) != 1)
		rc = ae_fail(err, AE_ERR,
			     "cannot sign the proof of possession");
	EVP_MD_CTX_free(md);
	if (rc == 0)
		rc = ae_base64_encode(sig_out, sig, sig_len, err);
	return rc;
}

/* PEM SubjectPublicKeyInfo of `key` (free()). */
static int fulcio_pubkey_pem(char **out, EVP_PKEY *key, ae_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	*out = NULL;
	if (bio == NULL || PEM_write_bio_PUBKEY(bio, key) != 1) {
		BIO_free(bio);
		return ae_fail(err, AE_ERR, "cannot encode the public key");
	}
	n = BIO_get_mem_data(bio, &data);
	*out = strndup(data, (size_t)n);
	BIO_free(bio);
	return *out ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* The JSON request of sigstore.md §11.2 (free() after wiping: it holds the
 * token). Built as text rather than with jansson so that no copy of the
 * token outlives the request: the token is JWT-alphabet only (checked by
 * ev_token_parse), the PEM and base64 need no escaping but newlines. */
static int fulcio_request_json(char **out, const ev_token *tok, EVP_PKEY *key,
			       ae_err *err)
{
	const char *subject = ev__token_pop_subject(tok);
	char *pem = NULL, *pop = NULL, *pem_json = NULL;
	ae_buf req = AE_BUF_INIT(EV_TOKEN_MAX_BYTES + 4096);
	json_t *js;
	int rc;

	*out = NULL;
	if (subject == NULL)
		return ae_fail(err, AE_EINVAL,
			       "identity token has neither 'sub' nor 'email' "
			       "for the proof of possession");
	rc = fulcio_pubkey_pem(&pem, key, err);
	if (rc == 0)
		rc = fulcio_pop(&pop, key, subject, err);
	if (rc < 0)
		goto done;
	js = json_string(pem);
	pem_json = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
	json_decref(js);
	if (pem_json == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = ae_buf_printf(&req, err,
			   "{\"credentials\":{\"oidcIdentityToken\":\"%s\"},"
			   "\"publicKeyRequest\":{\"publicKey\":{\"algorithm\":"
			   "\"ECDSA\",\"content\":%s},\"proofOfPossession\":"
			   "\"%s\"}}",
			   ev__token_jwt(tok), pem_json, pop);
	if (rc == 0)
		*out = (char *)ae_buf_detach(&req, NULL);
done:
	if (req.data != NULL)
		OPENSSL_cleanse(req.data, req.len);
	ae_buf_dispose(&req);
	free(pem_json);
	free(pem);
	free(pop);
	return rc;
}

/* Parses one PEM certificate string. */
static X509 *fulcio_pem_cert(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	return x;
}

/* Takes the leaf out of the answer after checking every certificate of
 * the chain parses (a malformed chain is a broken CA, not a detail). */
static int fulcio_parse_answer(ev__cert *out, const ae_buf *body, EVP_PKEY *key,
			       ae_err *err)
{
	json_t *doc = NULL, *certs;
	X509 *x;
	int rc;

	rc = ae_json_parse((void **)&doc, body->data, body->len, err);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL, "fulcio answer is not JSON");
	if (json_object_get(doc, "signedCertificateDetachedSct") != NULL) {
		rc = ae_fail(err, AE_EINVAL,
			     "fulcio returned a detached SCT; a v0.3 bundle "
			     "needs the SCT embedded in the certificate");
		goto done;
	}
	certs = json_object_get(
		json_object_get(
			json_object_get(doc, "signedCertificateEmbeddedSct"),
			"chain"),
		"certificates");
	if (!json_is_array(certs) || json_array_size(certs) == 0) {
		rc = ae_fail(err, AE_EINVAL,
			     "fulcio answer has no certificate chain");
		goto done;
	}
	for (size_t i = 0; i < json_array_size(certs); i++) {
		json_t *c = json_array_get(certs, i);

		x = json_is_string(c) ? fulcio_pem_cert(json_string_value(c))
				      : NULL;
		if (x == NULL) {
			rc = ae_fail(err, AE_EINVAL,
				     "fulcio chain certificate %zu is not a "
				     "PEM certificate",
				     i);
			goto done;
		}
		if (i == 0) {
			out->leaf = x;
			out->pem = strdup(json_string_value(c));
		} else {
			X509_free(x);
		}
	}
	if (X509_check_ca(out->leaf) != 0)
		rc = ae_fail(err, AE_EINVAL, "fulcio leaf is a CA certificate");
	else if (EVP_PKEY_eq(X509_get0_pubkey(out->leaf), key) != 1)
		rc = ae_fail(err, AE_EINVAL,
			     "fulcio certified a key that is not ours");
done:
	json_decref(doc);
	return rc;
}

/* Fills der, identity and issuer from the leaf. */
static int fulcio_describe(ev__cert *c, ae_err *err)
{
	unsigned char *p;
	int n = i2d_X509(c->leaf, NULL);

	if (c->pem == NULL || n <= 0)
		return ae_fail(err, AE_ERR, "cannot encode the leaf");
	c->der = malloc((size_t)n);
	if (c->der == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	p = c->der;
	c->der_len = (size_t)i2d_X509(c->leaf, &p);
	c->identity = fulcio_san(c->leaf, &c->identity_is_email);
	c->issuer = fulcio_issuer(c->leaf);
	if (c->identity == NULL || c->issuer == NULL)
		return ae_fail(err, AE_EINVAL,
			       "fulcio leaf lacks a SAN identity or the OIDC "
			       "issuer extension");
	return 0;
}

/* True iff `s` holds a control byte (C0 or DEL): such a value would forge
 * lines wherever the identity is shown (a GitHub Actions "::error"). */
static bool fulcio_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* The certificate must name the identity the token is for (issue 25):
 * Fulcio copies the token's issuer into the certificate, and for the
 * issuers whose rule is known the SAN too (ev__token_expected_san); an
 * e-mail SAN is always the token's email claim. A CA in the trusted root
 * that certifies our key for someone else is refused here, before that
 * identity is reported or written into a pointer. AE_EVERIFY. */
static int fulcio_identity_check(const ev__cert *c, const ev_token *tok,
				 ae_err *err)
{
	char a[AE_REPR_BUF], b[AE_REPR_BUF];
	const char *want = ev__token_expected_san(tok);
	const char *iss = ev_token_issuer(tok), *email = ev_token_email(tok);

	if (fulcio_has_control(c->identity) || fulcio_has_control(c->issuer))
		return ae_fail(err, AE_EVERIFY,
			       "fulcio certified an identity or issuer with "
			       "control characters: %s",
			       ae_repr(a, sizeof(a), c->identity,
				       strlen(c->identity)));
	if (strcmp(c->issuer, iss) != 0)
		return ae_fail(
			err, AE_EVERIFY,
			"fulcio certified issuer %s, but the token's "
			"issuer is %s",
			ae_repr(a, sizeof(a), c->issuer, strlen(c->issuer)),
			ae_repr(b, sizeof(b), iss, strlen(iss)));
	if (c->identity_is_email && want == NULL)
		want = email != NULL ? email : "";
	if (want != NULL && strcmp(c->identity, want) != 0)
		return ae_fail(
			err, AE_EVERIFY,
			"fulcio certified %s, but the token is for %s",
			ae_repr(a, sizeof(a), c->identity, strlen(c->identity)),
			ae_repr(b, sizeof(b), want, strlen(want)));
	return 0;
}

int ev__fulcio_cert_request(ev__cert *out, const char *url, const ev_token *tok,
			    EVP_PKEY *key, int64_t deadline, ae_err *err)
{
	ae_buf full = AE_BUF_INIT(EV_SIGN_URL_MAX_BYTES + 32);
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	char rbuf[AE_REPR_BUF];
	char *req = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = fulcio_request_json(&req, tok, key, err);
	if (rc == 0)
		rc = ae_buf_printf(&full, err, "%s/api/v2/signingCert", url);
	if (rc < 0)
		goto done;
	rq.what = "fulcio";
	rq.url = (const char *)full.data;
	rq.content_type = "application/json";
	rq.body = req;
	rq.body_len = strlen(req);
	rq.carries_secret = true; /* the identity token */
	rq.deadline_ms = deadline;
	rc = ev__sign_http(&resp, &rq, err);
	if (rc < 0)
		goto done;
	if (resp.status == 401 || resp.status == 403)
		rc = ae_fail(err, AE_EAUTH,
			     "fulcio refused the identity token (HTTP %ld): %s",
			     resp.status,
			     ae_repr(rbuf, sizeof(rbuf), resp.body.data,
				     resp.body.len));
	else if (resp.status < 200 || resp.status > 299)
		rc = ae_fail(err, AE_EINVAL,
			     "unexpected HTTP %ld from fulcio: %s", resp.status,
			     ae_repr(rbuf, sizeof(rbuf), resp.body.data,
				     resp.body.len));
	if (rc == 0)
		rc = fulcio_parse_answer(out, &resp.body, key, err);
	if (rc == 0)
		rc = fulcio_describe(out, err);
	if (rc == 0)
		rc = fulcio_identity_check(out, tok, err);
done:
	if (req != NULL)
		OPENSSL_cleanse(req, strlen(req));
	free(req);
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&full);
	if (rc < 0)
		ev__cert_dispose(out);
	return rc;
}
