/* evidence/sigstore/tsa.c -- RFC 3161 timestamps of a bundle
 *
 * A timestamp proves that the signature existed at genTime: a TSA from the
 * trusted root signed (CMS, RFC 3161 §2.4.2) a TSTInfo whose message imprint
 * is the hash of the signature bytes. We check, in this order: the DER
 * parses (a TimeStampResp, or a bare token); the status is granted; genTime
 * parses (any number of fraction digits); the imprint equals the hash of
 * `signed_bytes` under the TSTInfo's own algorithm; then, for each TSA of
 * the trusted root whose validFor contains genTime and whose signing
 * certificate is the one the SignerInfo names, OpenSSL's TS verifier checks
 * the CMS signature, the ESS signing-certificate attribute and the chain at
 * genTime (sigstore.md §7.4). Certificates embedded in the token only fill
 * the path; the anchor is always the last certificate of the TSA's chain.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <string.h>

/* A parsed timestamp: the token and its TSTInfo. When it came as a
 * TimeStampResp, `resp` owns both and they are borrowed from it (copying
 * them would re-decode the embedded certificates, which OpenSSL 3.0 makes
 * slow); a bare token owns `token` and `info` itself. */
typedef struct tsa_token {
	TS_RESP *resp;
	PKCS7 *token;
	TS_TST_INFO *info;
} tsa_token;

static void tsa_token_dispose(tsa_token *t)
{
	if (t->resp != NULL) {
		TS_RESP_free(t->resp);
	} else {
		TS_TST_INFO_free(t->info);
		PKCS7_free(t->token);
	}
	t->resp = NULL;
	t->info = NULL;
	t->token = NULL;
}

/* Parses a DER TimeStampResp whose status is granted (or grantedWithMods)
 * into `t`. Returns 1, with no message and `t` empty, when the bytes are not
 * exactly one TimeStampResp (the caller then tries a bare token); AE_EINVAL
 * for a response without token, AE_EVERIFY when the TSA refused. */
static int tsa_parse_resp(tsa_token *t, const unsigned char *der, size_t len,
			  ae_err *err)
{
	const unsigned char *p = der;
	long status;

	t->resp = d2i_TS_RESP(NULL, &p, (long)len);
	if (t->resp == NULL || p != der + len) {
		tsa_token_dispose(t);
		return 1;
	}
	status = ASN1_INTEGER_get(
		TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(t->resp)));
	if (status != 0 && status != 1)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp status is %ld, not granted", status);
	t->token = TS_RESP_get_token(t->resp);
	t->info = TS_RESP_get_tst_info(t->resp);
	if (t->token == NULL || t->info == NULL)
		return ae_fail(err, AE_EINVAL,
			       "timestamp response has no token");
	return 0;
}

/* Parses a bare TimeStampToken (a CMS ContentInfo) into `t`. */
static int tsa_parse_token(tsa_token *t, const unsigned char *der, size_t len,
			   ae_err *err)
{
	const unsigned char *p = der;

	t->token = d2i_PKCS7(NULL, &p, (long)len);
	if (t->token == NULL || p != der + len)
		goto bad;
	t->info = PKCS7_to_TS_TST_INFO(t->token);
	if (t->info == NULL)
		goto bad;
	return 0;
bad:
	tsa_token_dispose(t);
	return ae_fail(err, AE_EINVAL,
		       "timestamp is neither a TimeStampResp nor a token");
}

/* Parses `der` as a TimeStampResp, else as a bare token (sigstore.md §1.4
 * says a response; @sigstore/mock and old bundles hold tokens). */
static int tsa_parse(tsa_token *t, const unsigned char *der, size_t len,
		     ae_err *err)
{
	int rc;

	rc = tsa_parse_resp(t, der, len, err);
	if (rc == 1)
		rc = tsa_parse_token(t, der, len, err);
	ERR_clear_error();
	return rc;
}

/* The imprint must be the hash of `signed_bytes` under the algorithm the
 * TSTInfo names; only the SHA-2 family is accepted. */
static int tsa_check_imprint(TS_TST_INFO *info,
			     const unsigned char *signed_bytes,
			     size_t signed_len, ae_err *err)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
	const ASN1_OBJECT *alg = NULL;
	const ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
	unsigned char got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	const EVP_MD *md;
	int nid;

	X509_ALGOR_get0(&alg, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	nid = OBJ_obj2nid(alg);
	if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp imprint algorithm is not SHA-2");
	md = EVP_get_digestbynid(nid);
	if (md == NULL || EVP_Digest(signed_bytes, signed_len, got, &got_len,
				     md, NULL) != 1) {
		ERR_clear_error();
		return ae_fail(err, AE_ERR, "cannot hash the signature");
	}
	if (want == NULL || (unsigned int)ASN1_STRING_length(want) != got_len ||
	    memcmp(ASN1_STRING_get0_data(want), got, got_len) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp imprint does not match the "
			       "signature");
	return 0;
}

/* True iff the token's only SignerInfo names `cert` by issuer and serial:
 * the TSA's signing certificate, from the trusted root, signed it. */
static bool tsa_signer_is(PKCS7 *token, X509 *cert)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(token);
	PKCS7_ISSUER_AND_SERIAL *ias;

	if (sk_PKCS7_SIGNER_INFO_num(sis) != 1)
		return false;
	ias = sk_PKCS7_SIGNER_INFO_value(sis, 0)->issuer_and_serial;
	return ias != NULL &&
	       X509_NAME_cmp(ias->issuer, X509_get_issuer_name(cert)) == 0 &&
	       ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(cert)) == 0;
}

/* Verifies the token's CMS signature, ESS signing-certificate and chain at
 * `gen_time` against one TSA. AE_EVERIFY with OpenSSL's reason. */
static int tsa_verify_with(PKCS7 *token, STACK_OF(X509) * chain,
			   int64_t gen_time, ae_err *err)
{
	TS_VERIFY_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	STACK_OF(X509) *certs = NULL;
	int n = sk_X509_num(chain), i, rc = 0, eflags = 0;
	const char *data = NULL;
	unsigned long e;

	ctx = TS_VERIFY_CTX_new();
	store = X509_STORE_new();
	certs = sk_X509_new_null();
	if (ctx == NULL || store == NULL || certs == NULL ||
	    !X509_STORE_add_cert(store, sk_X509_value(chain, n - 1))) {
		rc = ae_fail(err, AE_ERR, "cannot set up timestamp check");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!X509_add_cert(certs, sk_X509_value(chain, i),
				   X509_ADD_FLAG_UP_REF)) {
			rc = ae_fail(err, AE_ERR, "out of memory");
			goto done;
		}
	}
	/* The anchor may be an intermediate (sigstore.md §2); the chain is
	 * judged at genTime, never now (§7.4). The context copies the store's
	 * parameters when TS verification starts. */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_set_verify_cb(store, ev__x509_verify_cb);
	X509_STORE_set_verify(store, ev__x509_chain_verify);
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store),
				   (time_t)gen_time);
	TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE);
	/* The setters take ownership; NULL our pointers at once. */
	TS_VERIFY_CTX_set_store(ctx, store);
	store = NULL;
	TS_VERIFY_CTX_set_certs(ctx, certs);
	certs = NULL;
	if (TS_RESP_verify_token(ctx, token) != 1) {
		/* The TS layer puts the X509 reason in the error's data. */
		e = ERR_peek_last_error_data(&data, &eflags);
		rc = ae_fail(err, AE_EVERIFY,
			     "timestamp signature does not verify: %s%s%s",
			     e ? ERR_reason_error_string(e) : "unknown reason",
			     (eflags & ERR_TXT_STRING) && data ? ": " : "",
			     (eflags & ERR_TXT_STRING) && data ? data : "");
	}
done:
	ERR_clear_error();
	sk_X509_pop_free(certs, X509_free);
	X509_STORE_free(store);
	TS_VERIFY_CTX_free(ctx);
	return rc;
}

/* Tries every TSA whose window contains genTime and whose signing
 * certificate signed the token. */
static int tsa_verify_trusted(PKCS7 *token, int64_t gen_time,
			      const ev__ca *tsas, size_t ntsas, ae_err *err)
{
	ae_err why = {0};
	bool in_window = false, tried = false;
	STACK_OF(X509) *chain = NULL;
	size_t i;
	int rc;

	for (i = 0; i < ntsas; i++) {
		if (!ev__window_contains(&tsas[i].valid, gen_time))
			continue;
		ae_err_clear(&why);
		rc = ev__ca_chain(&chain, &tsas[i], &why);
		if (rc == AE_EVERIFY || (rc == 0 && sk_X509_num(chain) < 1))
			continue; /* a TSA without certificates */
		if (rc < 0)
			return ae_fail(err, rc, "%s", why.msg);
		in_window = true;
		if (!tsa_signer_is(token, sk_X509_value(chain, 0)))
			continue;
		tried = true;
		ae_err_clear(&why);
		rc = tsa_verify_with(token, chain, gen_time, &why);
		if (rc == 0)
			return 0;
		if (rc != AE_EVERIFY)
			return ae_fail(err, rc, "%s", why.msg);
	}
	if (!in_window)
		return ae_fail(err, AE_EVERIFY,
			       "no timestamp authority is valid at %lld",
			       (long long)gen_time);
	if (!tried)
		return ae_fail(err, AE_EVERIFY,
			       "timestamp is not signed by a trusted "
			       "authority");
	return ae_fail(err, AE_EVERIFY, "%s", why.msg);
}

int ev__tsa_verify(int64_t *gen_time_out, const unsigned char *der,
		   size_t der_len, const unsigned char *signed_bytes,
		   size_t signed_len, const ev__ca *tsas, size_t ntsas,
		   ae_err *err)
{
	tsa_token t = {NULL, NULL, NULL};
	int64_t gen_time = 0;
	int rc;

	*gen_time_out = 0;
	AE_ASSERT_ARG(der != NULL || der_len == 0, err);
	AE_ASSERT_ARG(signed_bytes != NULL || signed_len == 0, err);
	if (der_len > EV__TSA_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "timestamp is %zu bytes, cap %u", der_len,
			       (unsigned)EV__TSA_MAX_BYTES);
	rc = tsa_parse(&t, der, der_len, err);
	if (rc < 0)
		goto done;
	if (TS_TST_INFO_get_version(t.info) != 1) {
		rc = ae_fail(err, AE_EINVAL, "TSTInfo version is not 1");
		goto done;
	}
	rc = ev__asn1_time_to_unix(&gen_time, TS_TST_INFO_get_time(t.info),
				   err);
	if (rc == 0)
		rc = tsa_check_imprint(t.info, signed_bytes, signed_len, err);
	if (rc == 0)
		rc = tsa_verify_trusted(t.token, gen_time, tsas, ntsas, err);
	if (rc == 0)
		*gen_time_out = gen_time;
done:
	tsa_token_dispose(&t);
	return rc;
}
