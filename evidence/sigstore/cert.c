/* evidence/sigstore/cert.c -- Fulcio certificates: chain at a time, leaf
 * profile, signer identity
 *
 * A Fulcio leaf lives about ten minutes, so its chain is never checked at
 * "now" but at each verified signing time (sigstore.md §4, §7.1). Trust comes
 * only from the trusted root: the last certificate of a CA's chain is the
 * anchor placed in the store, the others are intermediates; certificates
 * from the bundle may fill the path but are never anchors (sigstore.md §1.4).
 * The identity is read from the SAN and the Fulcio issuer extensions
 * (sigstore.md §7.2, Fulcio docs/oid-info.md).
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

/* Fulcio OIDs (sigstore.md §7.2 table). */
#define CERT_OID_ISSUER_V1 "1.3.6.1.4.1.57264.1.1" /* raw string bytes */
#define CERT_OID_USERNAME  "1.3.6.1.4.1.57264.1.7" /* otherName type-id */
#define CERT_OID_ISSUER_V2 "1.3.6.1.4.1.57264.1.8" /* DER UTF8String */

/* Pushes copies of every certificate of `from` onto `to`. AE_ERR on OOM, `to`
 * then holds a prefix (the caller frees the whole stack). */
static int cert_stack_add(STACK_OF(X509) * to, STACK_OF(X509) * from, int count,
			  ae_err *err)
{
	int i;

	for (i = 0; i < count; i++) {
		if (!X509_add_cert(to, sk_X509_value(from, i),
				   X509_ADD_FLAG_UP_REF)) {
			ERR_clear_error();
			return ae_fail(err, AE_ERR, "out of memory");
		}
	}
	return 0;
}

/* Verifies `leaf` against one CA at time `at`. rc 0 and *issuer_out set
 * (new reference) when the path verifies; AE_EVERIFY with OpenSSL's reason
 * otherwise; AE_ERR on OOM. */
static int cert_chain_try(X509 **issuer_out, X509 *leaf,
			  STACK_OF(X509) * untrusted, const ev__ca *ca,
			  int64_t at, ae_err *err)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *inter = NULL;
	STACK_OF(X509) * path, *chain = NULL;
	int n, rc;

	*issuer_out = NULL;
	rc = ev__ca_chain(&chain, ca, err);
	if (rc < 0)
		return rc;
	n = sk_X509_num(chain);
	if (n < 1)
		return ae_fail(err, AE_EVERIFY,
			       "certificate authority has "
			       "no certificates");
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	inter = sk_X509_new_null();
	if (store == NULL || ctx == NULL || inter == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	/* Anchor: the last certificate, even when it is not self-signed
	 * (custom roots, TSA chains), hence PARTIAL_CHAIN; the store holds
	 * nothing else, so partial chains cannot end anywhere but here. */
	if (!X509_STORE_add_cert(store, sk_X509_value(chain, n - 1))) {
		rc = ae_fail(err, AE_ERR, "cannot add trust anchor");
		goto done;
	}
	rc = cert_stack_add(inter, chain, n - 1, err);
	if (rc == 0 && untrusted != NULL)
		rc = cert_stack_add(inter, untrusted, sk_X509_num(untrusted),
				    err);
	if (rc < 0)
		goto done;
	if (!X509_STORE_CTX_init(ctx, store, leaf, inter)) {
		rc = ae_fail(err, AE_ERR, "cannot initialise verification");
		goto done;
	}
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_CTX_set_verify_cb(ctx, ev__x509_verify_cb);
	X509_STORE_CTX_set_verify(ctx, ev__x509_chain_verify);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at);
	if (X509_verify_cert(ctx) != 1) {
		rc = ae_fail(err, AE_EVERIFY,
			     "certificate chain does not verify at %lld: %s",
			     (long long)at,
			     X509_verify_cert_error_string(
				     X509_STORE_CTX_get_error(ctx)));
		goto done;
	}
	path = X509_STORE_CTX_get0_chain(ctx);
	if (sk_X509_num(path) < 2) {
		rc = ae_fail(err, AE_EVERIFY, "certificate is its own anchor");
		goto done;
	}
	*issuer_out = sk_X509_value(path, 1);
	X509_up_ref(*issuer_out);
	rc = 0;
done:
	ERR_clear_error();
	sk_X509_pop_free(inter, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

int ev__cert_chain_verify(X509 **issuer_out, X509 *leaf,
			  STACK_OF(X509) * untrusted, const ev__ca *cas,
			  size_t ncas, int64_t at, ae_err *err)
{
	ae_err why = {0};
	bool tried = false;
	size_t i;
	int rc;

	*issuer_out = NULL;
	AE_ASSERT_ARG(leaf != NULL, err);
	for (i = 0; i < ncas; i++) {
		/* A CA outside its validFor is no anchor at `at` (§2.1). */
		if (!ev__window_contains(&cas[i].valid, at))
			continue;
		tried = true;
		ae_err_clear(&why);
		rc = cert_chain_try(issuer_out, leaf, untrusted, &cas[i], at,
				    &why);
		if (rc == 0)
			return 0;
		if (rc != AE_EVERIFY)
			return ae_fail(err, rc, "%s", why.msg);
	}
	if (!tried)
		return ae_fail(err, AE_EVERIFY,
			       "no certificate authority is valid at %lld",
			       (long long)at);
	/* The reason of the last CA tried: with one CA, the exact cause. */
	return ae_fail(err, AE_EVERIFY, "%s", why.msg);
}

int ev__cert_leaf_check(X509 *leaf, ae_err *err)
{
	uint32_t flags;

	AE_ASSERT_ARG(leaf != NULL, err);
	/* Also computes the extension cache the checks below read. */
	flags = X509_get_extension_flags(leaf);
	if (flags & EXFLAG_INVALID)
		return ae_fail(err, AE_EVERIFY,
			       "leaf certificate has invalid extensions");
	/* basicConstraints cA alone decides: X509_check_ca also wants
	 * keyCertSign, which a CA-flagged leaf need not carry. */
	if ((flags & EXFLAG_CA) || X509_check_ca(leaf) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "leaf certificate is a certificate authority");
	if (!(flags & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
		return ae_fail(err, AE_EVERIFY,
			       "leaf certificate lacks key usage "
			       "digitalSignature");
	/* codeSigning itself, not anyExtendedKeyUsage (sigstore.md §7.1). */
	if (!(flags & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN))
		return ae_fail(err, AE_EVERIFY,
			       "leaf certificate lacks extended key usage "
			       "codeSigning");
	return 0;
}

/* Copies (data, len) into a new NUL-terminated string; AE_EVERIFY when the
 * bytes hold a NUL (they could not be compared as text), AE_ERR on OOM. */
static int cert_strdup(char **out, const unsigned char *data, int len,
		       const char *what, ae_err *err)
{
	char *s;

	*out = NULL;
	if (len < 0 || ae_has_nul(data, (size_t)len))
		return ae_fail(err, AE_EVERIFY, "%s holds a NUL byte", what);
	s = malloc((size_t)len + 1);
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	*out = s;
	return 0;
}

/* The text of one SAN entry, or *out NULL for a kind Sigstore does not use
 * as an identity (DNS, IP, ...). */
static int cert_san_value(char **out, const GENERAL_NAME *gn, ae_err *err)
{
	const ASN1_STRING *s = NULL;
	ASN1_OBJECT *user = NULL;
	int rc = 0;

	*out = NULL;
	switch (gn->type) {
	case GEN_URI:
		s = gn->d.uniformResourceIdentifier;
		break;
	case GEN_EMAIL:
		s = gn->d.rfc822Name;
		break;
	case GEN_OTHERNAME:
		user = OBJ_txt2obj(CERT_OID_USERNAME, 1);
		if (user == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		if (OBJ_cmp(gn->d.otherName->type_id, user) == 0) {
			if (gn->d.otherName->value->type != V_ASN1_UTF8STRING)
				rc = ae_fail(err, AE_EVERIFY,
					     "username SAN is not a "
					     "UTF8String");
			else
				s = gn->d.otherName->value->value.utf8string;
		}
		ASN1_OBJECT_free(user);
		break;
	default:
		break;
	}
	if (rc < 0 || s == NULL)
		return rc;
	return cert_strdup(out, ASN1_STRING_get0_data(s), ASN1_STRING_length(s),
			   "subject alternative name", err);
}

/* Frees `n` strings and the array; NULL is a no-op. Cannot fail. */
static void cert_sans_free(char **sans, size_t n)
{
	size_t i;

	if (sans == NULL)
		return;
	for (i = 0; i < n; i++)
		free(sans[i]);
	free(sans);
}

/* Every identity SAN of the leaf. AE_EVERIFY when there is none. */
static int cert_sans(char ***out, size_t *n_out, X509 *leaf, ae_err *err)
{
	GENERAL_NAMES *names = NULL;
	char **sans = NULL;
	size_t n = 0;
	int crit = 0, i, rc = 0;

	*out = NULL;
	*n_out = 0;
	names = X509_get_ext_d2i(leaf, NID_subject_alt_name, &crit, NULL);
	if (names == NULL) {
		ERR_clear_error();
		return ae_fail(err, AE_EVERIFY,
			       crit == -2 ? "leaf has several SAN extensions"
					  : "leaf has no subject alternative "
					    "name");
	}
	if (sk_GENERAL_NAME_num(names) > EV__CERT_MAX_SANS) {
		rc = ae_fail(err, AE_EVERIFY, "leaf has %d SAN entries, cap %d",
			     sk_GENERAL_NAME_num(names), EV__CERT_MAX_SANS);
		goto done;
	}
	sans = calloc((size_t)sk_GENERAL_NAME_num(names) + 1, sizeof(*sans));
	if (sans == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		rc = cert_san_value(&sans[n], sk_GENERAL_NAME_value(names, i),
				    err);
		if (rc < 0)
			goto done;
		if (sans[n] != NULL)
			n++;
	}
	if (n == 0) {
		rc = ae_fail(err, AE_EVERIFY,
			     "leaf has no URI, email or "
			     "username SAN");
		goto done;
	}
	*out = sans;
	*n_out = n;
	sans = NULL;
done:
	cert_sans_free(sans, n);
	GENERAL_NAMES_free(names);
	return rc;
}

/* The extnValue content of the extension `oid`, borrowed from `leaf`, or
 * NULL when absent. AE_EVERIFY when it occurs more than once. */
static int cert_ext_find(const ASN1_OCTET_STRING **out, X509 *leaf,
			 const char *oid, ae_err *err)
{
	ASN1_OBJECT *obj;
	int at, again;

	*out = NULL;
	obj = OBJ_txt2obj(oid, 1);
	if (obj == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	at = X509_get_ext_by_OBJ(leaf, obj, -1);
	again = at >= 0 ? X509_get_ext_by_OBJ(leaf, obj, at) : -1;
	ASN1_OBJECT_free(obj);
	if (again >= 0)
		return ae_fail(err, AE_EVERIFY, "extension %s appears twice",
			       oid);
	if (at >= 0)
		*out = X509_EXTENSION_get_data(X509_get_ext(leaf, at));
	return 0;
}

/* The OIDC issuer: .1.8 (a DER UTF8String) when present, else .1.1 (the raw
 * bytes), sigstore.md §7.2. */
static int cert_issuer(char **out, X509 *leaf, ae_err *err)
{
	const ASN1_OCTET_STRING *v2 = NULL, *v1 = NULL;
	ASN1_UTF8STRING *u = NULL;
	const unsigned char *p;
	int rc;

	*out = NULL;
	rc = cert_ext_find(&v2, leaf, CERT_OID_ISSUER_V2, err);
	if (rc == 0)
		rc = cert_ext_find(&v1, leaf, CERT_OID_ISSUER_V1, err);
	if (rc < 0)
		return rc;
	if (v2 != NULL) {
		p = ASN1_STRING_get0_data(v2);
		u = d2i_ASN1_UTF8STRING(NULL, &p, ASN1_STRING_length(v2));
		if (u == NULL ||
		    p != ASN1_STRING_get0_data(v2) + ASN1_STRING_length(v2)) {
			ERR_clear_error();
			ASN1_UTF8STRING_free(u);
			return ae_fail(err, AE_EVERIFY,
				       "issuer extension (.1.8) is not one "
				       "DER UTF8String");
		}
		rc = cert_strdup(out, ASN1_STRING_get0_data(u),
				 ASN1_STRING_length(u), "issuer", err);
		ASN1_UTF8STRING_free(u);
	} else if (v1 != NULL) {
		rc = cert_strdup(out, ASN1_STRING_get0_data(v1),
				 ASN1_STRING_length(v1), "issuer", err);
	} else {
		return ae_fail(err, AE_EVERIFY,
			       "leaf has no OIDC issuer extension");
	}
	if (rc == 0 && (*out)[0] == '\0') {
		free(*out);
		*out = NULL;
		rc = ae_fail(err, AE_EVERIFY, "OIDC issuer is empty");
	}
	return rc;
}

int ev__cert_identity(char ***sans_out, size_t *nsans_out, char **issuer_out,
		      X509 *leaf, ae_err *err)
{
	char **sans = NULL;
	size_t n = 0;
	char *issuer = NULL;
	int rc;

	*sans_out = NULL;
	*nsans_out = 0;
	*issuer_out = NULL;
	AE_ASSERT_ARG(leaf != NULL, err);
	rc = cert_sans(&sans, &n, leaf, err);
	if (rc == 0)
		rc = cert_issuer(&issuer, leaf, err);
	if (rc < 0) {
		cert_sans_free(sans, n);
		return rc;
	}
	*sans_out = sans;
	*nsans_out = n;
	*issuer_out = issuer;
	return 0;
}
