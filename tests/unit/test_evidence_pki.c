/* tests/unit/test_evidence_pki.c -- evidence/: Fulcio chain at a time, leaf
 * profile, identity, embedded SCTs, RFC 3161 timestamps, time helpers
 *
 * Every certificate, SCT and timestamp is generated per case (pki_fixture.c);
 * each failing case changes exactly one thing from the fixture that passes.
 */
#include "t.h"
#include "tests/unit/pki_fixture.c"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static pki P;
static const unsigned char SIG[] = "the signature bytes";

void test_evidence_pki__initialize(void)
{
	T_ASSERT_INT(pki_init(&P), 0);
}

void test_evidence_pki__cleanup(void)
{
	pki_dispose(&P);
}

static int chain_at(X509 *leaf, STACK_OF(X509) * untrusted, const ev__ca *ca,
		    int64_t at, ae_err *err)
{
	X509 *issuer = NULL;
	int rc;

	rc = ev__cert_chain_verify(&issuer, leaf, untrusted, ca, 1, at, err);
	if (rc == 0)
		T_ASSERT(X509_cmp(issuer, P.inter) == 0);
	else
		T_ASSERT(issuer == NULL);
	X509_free(issuer);
	return rc;
}

/* A leaf per the standard spec, changed by `edit`, with one valid SCT. */
static X509 *leaf_with(void (*edit)(pki_cert_spec *))
{
	pki_cert_spec s = pki_leaf_spec(&P);
	X509 *x;

	edit(&s);
	x = pki_cert_new(&s);
	T_ASSERT(x != NULL);
	return x;
}

/* ---- chain at a time ---- */

void test_evidence_pki__the_chain_verifies_at_a_time_inside_the_leaf_validity(void)
{
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 300, &err), 0);
	/* Both ends of the leaf's ten minutes count. */
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0, &err), 0);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 600, &err), 0);
}

void test_evidence_pki__a_leaf_expired_at_the_time_is_rejected(void)
{
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 601, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "expired");
}

void test_evidence_pki__a_leaf_not_yet_valid_at_the_time_is_rejected(void)
{
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 - 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not yet valid");
}

void test_evidence_pki__a_leaf_from_an_untrusted_ca_is_rejected(void)
{
	ev__ca other = {0};
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec s = {0};
	X509 *root;
	ae_err err = {0};

	s.cn = "sigstore"; /* same name, other key */
	s.key = k;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ca = true;
	root = pki_cert_new(&s);
	other.chain = pki_chain(root, NULL, NULL);
	other.valid.start = 0;
	T_ASSERT_INT(chain_at(P.leaf, NULL, &other, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "does not verify");
	sk_X509_pop_free(other.chain, X509_free);
	X509_free(root);
	EVP_PKEY_free(k);
}

void test_evidence_pki__a_ca_whose_window_excludes_the_time_is_not_an_anchor(void)
{
	ae_err err = {0};

	P.ca.valid.has_end = true;
	P.ca.valid.end = PKI_T0 - 1;
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "no certificate authority is valid");
	/* The window's end is inclusive. */
	P.ca.valid.end = PKI_T0 + 1;
	ae_err_clear(&err);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
}

void test_evidence_pki__a_root_supplied_by_the_bundle_is_not_trusted(void)
{
	EVP_PKEY *rk = pki_key_new(), *ik = pki_key_new();
	pki_cert_spec s = {0};
	X509 *root, *inter, *leaf, *issuer = NULL;
	STACK_OF(X509) *bundle;
	ae_err err = {0};

	s.cn = "evil root";
	s.key = rk;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ca = true;
	root = pki_cert_new(&s);
	s.cn = "evil intermediate";
	s.key = ik;
	s.issuer = root;
	s.issuer_key = rk;
	inter = pki_cert_new(&s);
	s = pki_leaf_spec(&P);
	s.issuer = inter;
	s.issuer_key = ik;
	leaf = pki_cert_new(&s);
	bundle = pki_chain(inter, root, NULL);
	T_ASSERT_INT(ev__cert_chain_verify(&issuer, leaf, bundle, &P.ca, 1,
					   PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT(issuer == NULL);
	sk_X509_pop_free(bundle, X509_free);
	X509_free(leaf);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
}

void test_evidence_pki__bundle_certificates_may_serve_as_intermediates(void)
{
	ev__ca root_only = {0};
	STACK_OF(X509) *bundle = pki_chain(P.inter, NULL, NULL);
	ae_err err = {0};

	root_only.chain = pki_chain(P.root, NULL, NULL);
	root_only.valid.start = 0;
	T_ASSERT_INT(chain_at(P.leaf, NULL, &root_only, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	ae_err_clear(&err);
	T_ASSERT_INT(chain_at(P.leaf, bundle, &root_only, PKI_T0 + 1, &err),
		     0);
	sk_X509_pop_free(bundle, X509_free);
	sk_X509_pop_free(root_only.chain, X509_free);
}

void test_evidence_pki__a_non_ca_bundle_certificate_cannot_issue_the_leaf(void)
{
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec s = {0};
	X509 *fake, *leaf, *issuer = NULL;
	STACK_OF(X509) *bundle;
	ae_err err = {0};

	/* A certificate the trusted intermediate issued, but not as a CA. */
	s.cn = "not a ca";
	s.key = k;
	s.issuer = P.inter;
	s.issuer_key = P.inter_key;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ku = "critical,digitalSignature,keyCertSign";
	fake = pki_cert_new(&s);
	s = pki_leaf_spec(&P);
	s.issuer = fake;
	s.issuer_key = k;
	leaf = pki_cert_new(&s);
	bundle = pki_chain(fake, NULL, NULL);
	T_ASSERT_INT(ev__cert_chain_verify(&issuer, leaf, bundle, &P.ca, 1,
					   PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT(issuer == NULL);
	sk_X509_pop_free(bundle, X509_free);
	X509_free(leaf);
	X509_free(fake);
	EVP_PKEY_free(k);
}

void test_evidence_pki__a_null_error_slot_is_allowed(void)
{
	static const unsigned char junk[] = {0x30, 0x00};
	int64_t t = 0;

	T_ASSERT_INT(ev__tsa_verify(&t, junk, sizeof(junk), SIG, sizeof(SIG),
				    &P.tsa, 1, NULL),
		     AE_EINVAL);
}

void test_evidence_pki__an_intermediate_anchor_suffices(void)
{
	ev__ca inter_only = {0};
	ae_err err = {0};

	inter_only.chain = pki_chain(P.inter, NULL, NULL);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &inter_only, PKI_T0 + 1, &err), 0);
	sk_X509_pop_free(inter_only.chain, X509_free);
}

void test_evidence_pki__the_second_of_two_cas_may_validate(void)
{
	ev__ca cas[2] = {{0}, {0}};
	X509 *issuer = NULL;
	ae_err err = {0};

	cas[0].chain = pki_chain(P.tsa_root, NULL, NULL);
	cas[1] = P.ca;
	T_ASSERT_INT(ev__cert_chain_verify(&issuer, P.leaf, NULL, cas, 2,
					   PKI_T0 + 1, &err),
		     0);
	X509_free(issuer);
	sk_X509_pop_free(cas[0].chain, X509_free);
}

/* ---- leaf profile ---- */

void test_evidence_pki__the_fulcio_leaf_profile_passes(void)
{
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_leaf_check(P.leaf, &err), 0);
}

/* A leaf changed by EDIT fails the Fulcio leaf profile (AE_EVERIFY), the
 * message holding NEEDLE (NULL: any message). */
static void leaf_refused(void (*edit)(pki_cert_spec *), const char *needle)
{
	X509 *x = leaf_with(edit);
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_leaf_check(x, &err), AE_EVERIFY);
	if (needle != NULL)
		T_ASSERT_MSG(err, needle);
	X509_free(x);
}

static void edit_ca(pki_cert_spec *s)
{
	s->ca = true;
}

void test_evidence_pki__a_ca_certificate_is_rejected_as_leaf(void)
{
	leaf_refused(edit_ca, "certificate authority");
}

static void edit_no_codesigning(pki_cert_spec *s)
{
	s->eku = "emailProtection";
}

void test_evidence_pki__a_leaf_without_codesigning_is_rejected(void)
{
	leaf_refused(edit_no_codesigning, "codeSigning");
}

static void edit_no_eku(pki_cert_spec *s)
{
	s->eku = NULL;
}

void test_evidence_pki__a_leaf_without_extended_key_usage_is_rejected(void)
{
	leaf_refused(edit_no_eku, NULL);
}

static void edit_ku_no_digsig(pki_cert_spec *s)
{
	s->ku = "critical,keyEncipherment";
}

void test_evidence_pki__a_leaf_without_digital_signature_usage_is_rejected(void)
{
	leaf_refused(edit_ku_no_digsig, "digitalSignature");
}

/* ---- identity ---- */

static void identity_free(char **sans, size_t n, char *issuer)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(sans[i]);
	free(sans);
	free(issuer);
}

/* A leaf changed by EDIT has an identity whose issuer is WANT. */
static void issuer_is(void (*edit)(pki_cert_spec *), const char *want)
{
	X509 *x = leaf_with(edit);
	char **sans = NULL, *issuer = NULL;
	size_t n = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, x, &err), 0);
	T_ASSERT_STR(issuer, want);
	identity_free(sans, n, issuer);
	X509_free(x);
}

/* A leaf changed by EDIT has no identity (AE_EVERIFY, the message holding
 * NEEDLE, NULL: any) and none is handed back. */
static void identity_refused(void (*edit)(pki_cert_spec *),
			     const char *needle)
{
	X509 *x = leaf_with(edit);
	char **sans = NULL, *issuer = NULL;
	size_t n = 7;
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, x, &err),
		     AE_EVERIFY);
	if (needle != NULL)
		T_ASSERT_MSG(err, needle);
	T_ASSERT(sans == NULL && issuer == NULL && n == 0);
	X509_free(x);
}

static void edit_all_san_kinds(pki_cert_spec *s)
{
	s->san = "critical,URI:https://github.com/o/r/.github/workflows/"
		 "w.yml@refs/heads/main,email:alice@example.com,"
		 "otherName:1.3.6.1.4.1.57264.1.7;UTF8:alice";
}

/* The parser reads every identity SAN; refusing a leaf with more than one
 * is the verifier's policy (test_evidence_sigstore.c). */
void test_evidence_pki__every_san_kind_is_returned(void)
{
	X509 *x = leaf_with(edit_all_san_kinds);
	char **sans = NULL, *issuer = NULL;
	size_t n = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, x, &err), 0);
	T_ASSERT_INT(n, 3);
	T_ASSERT_STR(sans[0], "https://github.com/o/r/.github/workflows/"
			      "w.yml@refs/heads/main");
	T_ASSERT_STR(sans[1], "alice@example.com");
	T_ASSERT_STR(sans[2], "alice");
	identity_free(sans, n, issuer);
	X509_free(x);
}

void test_evidence_pki__issuer_v2_is_preferred_over_v1(void)
{
	char **sans = NULL, *issuer = NULL;
	size_t n = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, P.leaf, &err), 0);
	T_ASSERT_STR(issuer, "https://v2.example");
	identity_free(sans, n, issuer);
}

static void edit_v1_only(pki_cert_spec *s)
{
	s->issuer_v2 = NULL;
}

void test_evidence_pki__issuer_v1_is_the_fallback_as_raw_bytes(void)
{
	issuer_is(edit_v1_only, "https://v1.example");
}

static void edit_v2_only(pki_cert_spec *s)
{
	s->issuer_v1 = NULL;
}

void test_evidence_pki__issuer_v2_alone_is_read_as_der_utf8string(void)
{
	issuer_is(edit_v2_only, "https://v2.example");
}

static void edit_v2_raw(pki_cert_spec *s)
{
	/* The .1.1 encoding put in .1.8: raw bytes, not a UTF8String. */
	s->v2_raw = (const unsigned char *)"https://v2.example";
	s->v2_raw_len = 18;
}

void test_evidence_pki__issuer_v2_that_is_not_der_is_rejected(void)
{
	identity_refused(edit_v2_raw, "UTF8String");
}

static void edit_no_issuer(pki_cert_spec *s)
{
	s->issuer_v1 = NULL;
	s->issuer_v2 = NULL;
}

void test_evidence_pki__a_leaf_without_issuer_extension_has_no_identity(void)
{
	identity_refused(edit_no_issuer, "issuer");
}

static void edit_dns_san(pki_cert_spec *s)
{
	s->san = "DNS:example.com";
}

void test_evidence_pki__a_leaf_with_only_a_dns_san_has_no_identity(void)
{
	identity_refused(edit_dns_san, NULL);
}

/* A standard leaf whose SAN holds `n` URIs. */
static X509 *leaf_sans(size_t n)
{
	pki_cert_spec s = pki_leaf_spec(&P);
	char *conf = calloc(n, 32);
	size_t i, at = 0;
	X509 *x;

	for (i = 0; i < n; i++)
		at += (size_t)snprintf(conf + at, 32, "%sURI:https://e/%zu",
				       i ? "," : "", i);
	s.san = conf;
	x = pki_cert_new(&s);
	free(conf);
	T_ASSERT(x != NULL);
	return x;
}

void test_evidence_pki__sans_at_the_cap_are_read_and_past_it_refused(void)
{
	X509 *at = leaf_sans(EV__CERT_MAX_SANS);
	X509 *past = leaf_sans(EV__CERT_MAX_SANS + 1);
	char **sans = NULL, *issuer = NULL;
	size_t n = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, at, &err), 0);
	T_ASSERT_INT(n, EV__CERT_MAX_SANS);
	T_ASSERT_STR(sans[EV__CERT_MAX_SANS - 1], "https://e/63");
	identity_free(sans, n, issuer);
	T_ASSERT_INT(ev__cert_identity(&sans, &n, &issuer, past, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "cap 64");
	T_ASSERT(sans == NULL && issuer == NULL && n == 0);
	X509_free(at);
	X509_free(past);
}

static void edit_nul_v1(pki_cert_spec *s)
{
	s->issuer_v2 = NULL;
	s->v2_raw = NULL;
	s->issuer_v1 = NULL;
	/* .1.8 holding "a\0b" as a UTF8String */
	s->v2_raw = (const unsigned char *)"\x0c\x03" "a\0b";
	s->v2_raw_len = 5;
}

void test_evidence_pki__an_issuer_holding_a_nul_is_rejected(void)
{
	identity_refused(edit_nul_v1, "NUL");
}

/* ---- SCT ---- */

void test_evidence_pki__an_embedded_sct_from_a_trusted_log_verifies(void)
{
	ae_err err = {0};

	T_ASSERT_INT(ev__sct_verify(P.leaf, P.inter, &P.ctlog, 1, &err), 0);
}

/* A fresh standard leaf carrying the SCTs of `scts`. */
static X509 *leaf_scts(const pki_sct_spec *scts, size_t n)
{
	pki_cert_spec s = pki_leaf_spec(&P);
	X509 *x = pki_cert_new(&s);

	T_ASSERT(x != NULL);
	T_ASSERT_INT(pki_leaf_add_scts(&x, P.inter_key, scts, n), 0);
	return x;
}

static pki_sct_spec sct_default(void)
{
	pki_sct_spec s = {0};

	s.log_key = P.ct_key;
	s.timestamp_ms = (uint64_t)PKI_T0 * 1000 + 5;
	s.issuer = P.inter;
	return s;
}

void test_evidence_pki__an_sct_from_an_unknown_log_is_rejected(void)
{
	EVP_PKEY *k = pki_key_new();
	pki_sct_spec s = sct_default();
	X509 *x;
	ae_err err = {0};

	s.log_key = k;
	x = leaf_scts(&s, 1);
	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "unknown CT log");
	X509_free(x);
	EVP_PKEY_free(k);
}

void test_evidence_pki__an_sct_with_a_bad_signature_is_rejected(void)
{
	EVP_PKEY *k = pki_key_new();
	pki_sct_spec s = sct_default();
	X509 *x;
	ae_err err = {0};

	/* The trusted log's id, another key's signature. */
	s.log_key = k;
	s.log_id = P.ctlog.log_id;
	x = leaf_scts(&s, 1);
	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "signature does not verify");
	X509_free(x);
	EVP_PKEY_free(k);
}

void test_evidence_pki__an_sct_outside_the_log_window_is_rejected(void)
{
	ae_err err = {0};

	P.ctlog.valid.has_end = true;
	P.ctlog.valid.end = PKI_T0 - 1;
	T_ASSERT_INT(ev__sct_verify(P.leaf, P.inter, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "outside");
	/* The end second is inclusive; the SCT is at T0 + 5 ms. */
	P.ctlog.valid.end = PKI_T0;
	ae_err_clear(&err);
	T_ASSERT_INT(ev__sct_verify(P.leaf, P.inter, &P.ctlog, 1, &err), 0);
}

void test_evidence_pki__a_ct_log_without_key_fails_closed(void)
{
	ev__log keyless = P.ctlog;
	ae_err err = {0};

	keyless.key = NULL;
	T_ASSERT_INT(ev__sct_verify(P.leaf, P.inter, &keyless, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "no key");
}

void test_evidence_pki__an_sct_with_extensions_verifies(void)
{
	static const unsigned char ext[] = {0, 5, 0, 0, 0, 0, 0, 0, 42, 1};
	pki_sct_spec s = sct_default();
	X509 *x;
	ae_err err = {0};

	s.ext = ext;
	s.ext_len = sizeof(ext);
	x = leaf_scts(&s, 1);
	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err), 0);
	X509_free(x);
}

void test_evidence_pki__one_good_sct_among_bad_ones_is_enough(void)
{
	EVP_PKEY *k = pki_key_new();
	pki_sct_spec s[2];
	X509 *x;
	ae_err err = {0};

	s[0] = sct_default();
	s[0].log_key = k;
	s[1] = sct_default();
	x = leaf_scts(s, 2);
	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err), 0);
	X509_free(x);
	EVP_PKEY_free(k);
}

void test_evidence_pki__an_sct_checked_with_the_wrong_issuer_fails(void)
{
	ae_err err = {0};

	/* The issuer key hash is part of the signed entry. */
	T_ASSERT_INT(ev__sct_verify(P.leaf, P.root, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "signature");
}

void test_evidence_pki__a_leaf_without_sct_is_rejected(void)
{
	pki_cert_spec s = pki_leaf_spec(&P);
	X509 *x = pki_cert_new(&s);
	ae_err err = {0};

	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "no embedded SCT");
	X509_free(x);
}

void test_evidence_pki__a_leaf_changed_after_its_sct_fails(void)
{
	X509 *x = X509_dup(P.leaf);
	ae_err err = {0};

	/* Another serial: the TBS the log signed is no longer this one. */
	ASN1_INTEGER_set(X509_get_serialNumber(x), 8);
	X509_sign(x, P.inter_key, EVP_sha256());
	T_ASSERT(pki_reparse(&x) == 0);
	T_ASSERT_INT(ev__sct_verify(x, P.inter, &P.ctlog, 1, &err),
		     AE_EVERIFY);
	X509_free(x);
}

/* The TLS SCT list of the fixture leaf (RFC 6962 §3.3 layout: u16 list
 * length, u16 SCT length, u8 version at [4], log id, u64 time, u16 ext
 * length at [45], u8 hash at [47], u8 signature at [48], ...). */
static size_t leaf_sct_list(unsigned char *out, size_t cap)
{
	int at = X509_get_ext_by_NID(P.leaf, NID_ct_precert_scts, -1);
	const ASN1_OCTET_STRING *v;
	const unsigned char *p;
	ASN1_OCTET_STRING *inner;
	size_t n;

	T_ASSERT(at >= 0);
	v = X509_EXTENSION_get_data(X509_get_ext(P.leaf, at));
	p = ASN1_STRING_get0_data(v);
	inner = d2i_ASN1_OCTET_STRING(NULL, &p, ASN1_STRING_length(v));
	T_ASSERT(inner != NULL);
	n = (size_t)ASN1_STRING_length(inner);
	T_ASSERT(n <= cap);
	memcpy(out, ASN1_STRING_get0_data(inner), n);
	ASN1_OCTET_STRING_free(inner);
	return n;
}

/* The fixture leaf with its SCT list replaced by `list`, re-signed by the
 * intermediate: the precert TBS, hence the SCT signature, is unchanged. */
static X509 *leaf_sct_bytes(const unsigned char *list, size_t len)
{
	X509 *x = X509_dup(P.leaf);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	unsigned char *der = NULL;
	int at, n;

	at = X509_get_ext_by_NID(x, NID_ct_precert_scts, -1);
	X509_EXTENSION_free(X509_delete_ext(x, at));
	T_ASSERT(ASN1_OCTET_STRING_set(os, list, (int)len));
	n = i2d_ASN1_OCTET_STRING(os, &der);
	T_ASSERT(pki_ext_raw(x, "1.3.6.1.4.1.11129.2.4.2", der, (size_t)n) ==
		 0);
	T_ASSERT(X509_sign(x, P.inter_key, EVP_sha256()) > 0);
	T_ASSERT(pki_reparse(&x) == 0);
	OPENSSL_free(der);
	ASN1_OCTET_STRING_free(os);
	return x;
}

static int sct_bytes_verify(const unsigned char *list, size_t len,
			    ae_err *err)
{
	X509 *x = leaf_sct_bytes(list, len);
	int rc = ev__sct_verify(x, P.inter, &P.ctlog, 1, err);

	X509_free(x);
	return rc;
}

void test_evidence_pki__a_re_embedded_sct_list_still_verifies(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	T_ASSERT_INT(sct_bytes_verify(l, n, &err), 0);
}

void test_evidence_pki__an_sct_list_with_a_wrong_length_is_rejected(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	l[1]++;
	T_ASSERT_INT(sct_bytes_verify(l, n, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "length");
}

void test_evidence_pki__an_empty_sct_list_is_rejected(void)
{
	static const unsigned char l[] = {0, 0};
	ae_err err = {0};

	T_ASSERT_INT(sct_bytes_verify(l, sizeof(l), &err), AE_EVERIFY);
}

void test_evidence_pki__an_sct_of_another_version_is_rejected(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	l[4] = 1;
	T_ASSERT_INT(sct_bytes_verify(l, n, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "not v1");
}

void test_evidence_pki__an_sct_with_another_hash_is_rejected(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	l[47] = 5; /* sha384 */
	T_ASSERT_INT(sct_bytes_verify(l, n, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "algorithm");
}

void test_evidence_pki__an_sct_with_trailing_bytes_is_rejected(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	/* One more byte inside the SCT, both lengths grown to cover it. */
	l[n] = 0;
	l[1]++;
	l[3]++;
	T_ASSERT_INT(sct_bytes_verify(l, n + 1, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "trailing");
}

void test_evidence_pki__a_truncated_sct_is_rejected(void)
{
	unsigned char l[1024];
	size_t n = leaf_sct_list(l, sizeof(l));
	ae_err err = {0};

	/* Cut the signature short and shrink both lengths to match. */
	l[1] -= 4;
	l[3] -= 4;
	T_ASSERT_INT(sct_bytes_verify(l, n - 4, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "truncated");
}

/* ---- RFC 3161 ---- */

static int tsa_check(const pki_tsa_spec *s, int64_t *t, ae_err *err)
{
	unsigned char *der;
	size_t len = 0;
	int rc;

	der = pki_tsa_make(&len, s);
	T_ASSERT(der != NULL);
	rc = ev__tsa_verify(t, der, len, SIG, sizeof(SIG), &P.tsa, 1, err);
	free(der);
	return rc;
}

void test_evidence_pki__a_timestamp_response_verifies_and_gives_gen_time(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
	T_ASSERT_INT(t, PKI_T0 + 60);
}

void test_evidence_pki__a_bare_token_verifies(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	s.bare = true;
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
	T_ASSERT_INT(t, PKI_T0 + 60);
}

void test_evidence_pki__a_token_without_embedded_certificates_verifies(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	s.no_certs = true;
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
}

void test_evidence_pki__a_timestamp_over_other_bytes_is_rejected(void)
{
	static const unsigned char other[] = "other signature";
	pki_tsa_spec s = pki_tsa_spec_default(&P, other, sizeof(other));
	int64_t t = 9;
	ae_err err = {0};

	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "imprint");
	T_ASSERT_INT(t, 0);
}

void test_evidence_pki__a_timestamp_from_an_untrusted_tsa_is_rejected(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec c = {0};
	X509 *evil;
	int64_t t = 0;
	ae_err err = {0};

	/* Same name and serial as the trusted TSA, self-signed. */
	c.cn = "tsa";
	c.key = k;
	c.serial = 3;
	c.not_before = PKI_T0 - 86400;
	c.not_after = PKI_T0 + 86400;
	c.ku = "critical,digitalSignature";
	c.eku = "critical,timeStamping";
	evil = pki_cert_new(&c);
	s.signer = evil;
	s.key = k;
	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	s.no_certs = true;
	ae_err_clear(&err);
	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	X509_free(evil);
	EVP_PKEY_free(k);
}

void test_evidence_pki__a_gen_time_outside_the_tsa_certificate_is_rejected(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	s.gen_time = PKI_T0 + 86401; /* the TSA certificate ends at +86400 */
	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "timestamp signature does not verify");
}

void test_evidence_pki__a_chain_that_expired_after_gen_time_passes(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	/* Everything generated here expired long before today. */
	s.gen_time = PKI_T0 + 86400;
	if (tsa_check(&s, &t, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "%s", err.msg);
	T_ASSERT_INT(t, PKI_T0 + 86400);
}

void test_evidence_pki__a_tsa_whose_window_excludes_gen_time_is_rejected(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	P.tsa.valid.has_end = true;
	P.tsa.valid.end = PKI_T0 + 59;
	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no timestamp authority is valid");
	/* genTime == end passes (trust-root-tsa-validity-end-inclusive). */
	P.tsa.valid.end = PKI_T0 + 60;
	ae_err_clear(&err);
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
}

/* A TSA's window vouches only for timestamps that TSA signed: another
 * trusted authority whose window covers genTime lends it nothing
 * (upstream rekor2-timestamp-wrong-tsa-validity-borrow_fail). */
void test_evidence_pki__a_tsa_window_is_not_borrowed_from_another_authority(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	ev__ca tsas[2];
	unsigned char *der;
	size_t len = 0;
	int64_t t = 0;
	ae_err err = {0};

	tsas[0] = P.tsa;
	tsas[0].valid.has_end = true;
	tsas[0].valid.end = PKI_T0 + 59;
	tsas[1] = P.ca; /* trusted, other certificates, window covers T0+60 */
	tsas[1].valid.start = PKI_T0;
	tsas[1].valid.has_end = false;
	der = pki_tsa_make(&len, &s);
	T_ASSERT(der != NULL);
	T_ASSERT_INT(ev__tsa_verify(&t, der, len, SIG, sizeof(SIG), tsas, 2,
				    &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not signed by a trusted authority");
	T_ASSERT_INT(t, 0);
	/* With its own window reopened, the signing TSA verifies. */
	tsas[0].valid.has_end = false;
	ae_err_clear(&err);
	T_ASSERT_INT(ev__tsa_verify(&t, der, len, SIG, sizeof(SIG), tsas, 2,
				    &err),
		     0);
	free(der);
}

void test_evidence_pki__fractional_gen_times_of_any_length_parse(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};
	int digits;

	s.usec = 123456;
	for (digits = 1; digits <= 6; digits++) {
		s.precision = digits;
		T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
		T_ASSERT_INT(t, PKI_T0 + 60);
	}
}

void test_evidence_pki__a_negative_serial_is_accepted(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	int64_t t = 0;
	ae_err err = {0};

	s.serial = -0x21524111; /* @sigstore/mock's DEADBEEF */
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
}

void test_evidence_pki__a_tsa_anchored_at_an_intermediate_verifies(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	STACK_OF(X509) *full = P.tsa.chain;
	int64_t t = 0;
	ae_err err = {0};

	P.tsa.chain = pki_chain(P.tsa_cert, P.tsa_inter, NULL);
	s.no_certs = true;
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
	sk_X509_pop_free(P.tsa.chain, X509_free);
	P.tsa.chain = full;
}

void test_evidence_pki__a_tsa_certificate_without_timestamping_is_rejected(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	unsigned char *der;
	size_t len = 0;
	pki_cert_spec c = {0};
	X509 *plain;
	int64_t t = 0;
	ae_err err = {0};

	/* Sign a good token, then trust a certificate with the TSA's key,
	 * name and serial but no timeStamping purpose. */
	der = pki_tsa_make(&len, &s);
	c.cn = "tsa";
	c.key = P.tsa_key;
	c.issuer = P.tsa_inter;
	c.issuer_key = P.tsa_inter_key;
	c.serial = 3;
	c.not_before = PKI_T0 - 86400;
	c.not_after = PKI_T0 + 86400;
	c.ku = "critical,digitalSignature";
	plain = pki_cert_new(&c);
	sk_X509_pop_free(P.tsa.chain, X509_free);
	P.tsa.chain = pki_chain(plain, P.tsa_inter, P.tsa_root);
	T_ASSERT_INT(ev__tsa_verify(&t, der, len, SIG, sizeof(SIG), &P.tsa, 1,
				    &err),
		     AE_EVERIFY);
	free(der);
	X509_free(plain);
}

void test_evidence_pki__garbage_is_not_a_timestamp(void)
{
	static const unsigned char junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	int64_t t = 5;
	ae_err err = {0};

	T_ASSERT_INT(ev__tsa_verify(&t, junk, sizeof(junk), SIG, sizeof(SIG),
				    &P.tsa, 1, &err),
		     AE_EINVAL);
	T_ASSERT_INT(t, 0);
	ae_err_clear(&err);
	T_ASSERT_INT(ev__tsa_verify(&t, junk, 0, SIG, sizeof(SIG), &P.tsa, 1,
				    &err),
		     AE_EINVAL);
}

void test_evidence_pki__a_timestamp_at_the_cap_is_parsed_and_past_it_refused(void)
{
	unsigned char *big = calloc(1, EV__TSA_MAX_BYTES + 1);
	int64_t t = 0;
	ae_err err = {0};

	T_ASSERT(big != NULL);
	T_ASSERT_INT(ev__tsa_verify(&t, big, EV__TSA_MAX_BYTES, SIG,
				    sizeof(SIG), &P.tsa, 1, &err),
		     AE_EINVAL);
	ae_err_clear(&err);
	T_ASSERT_INT(ev__tsa_verify(&t, big, EV__TSA_MAX_BYTES + 1, SIG,
				    sizeof(SIG), &P.tsa, 1, &err),
		     AE_ETOOBIG);
	free(big);
}

void test_evidence_pki__a_token_with_trailing_bytes_is_refused(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	unsigned char *der, *longer;
	size_t len = 0;
	int64_t t = 0;
	ae_err err = {0};

	der = pki_tsa_make(&len, &s);
	longer = calloc(1, len + 1);
	memcpy(longer, der, len);
	T_ASSERT_INT(ev__tsa_verify(&t, longer, len + 1, SIG, sizeof(SIG),
				    &P.tsa, 1, &err),
		     AE_EINVAL);
	free(longer);
	free(der);
}

/* ---- time ---- */

void test_evidence_pki__windows_include_both_ends_and_may_be_open(void)
{
	ev__window w = {10, 20, true};
	ev__window open = {10, 0, false};

	T_ASSERT(!ev__window_contains(&w, 9));
	T_ASSERT(ev__window_contains(&w, 10));
	T_ASSERT(ev__window_contains(&w, 20));
	T_ASSERT(!ev__window_contains(&w, 21));
	T_ASSERT(!ev__window_contains(&open, 9));
	T_ASSERT(ev__window_contains(&open, INT64_MAX));
}

static int64_t gtime(const char *s, int *rc)
{
	ASN1_GENERALIZEDTIME *g = ASN1_GENERALIZEDTIME_new();
	int64_t t = -1;
	ae_err err = {0};

	ASN1_STRING_set(g, s, -1);
	*rc = ev__asn1_time_to_unix(&t, g, &err);
	ASN1_GENERALIZEDTIME_free(g);
	return t;
}

void test_evidence_pki__asn1_times_convert_to_unix_seconds(void)
{
	ASN1_TIME *u = ASN1_TIME_new();
	int64_t t = 0;
	int rc = 0;
	ae_err err = {0};

	ASN1_TIME_set(u, (time_t)PKI_T0);
	T_ASSERT_INT(ev__asn1_time_to_unix(&t, u, &err), 0);
	T_ASSERT_INT(t, PKI_T0);
	ASN1_TIME_free(u);
	T_ASSERT_INT(gtime("20231114221320Z", &rc), PKI_T0);
	T_ASSERT_INT(gtime("20231114221320.5Z", &rc), PKI_T0);
	T_ASSERT_INT(gtime("20231114221320.123456789Z", &rc), PKI_T0);
	T_ASSERT_INT(gtime("20231114231320+0100", &rc), PKI_T0);
	T_ASSERT_INT(gtime("19700101000000Z", &rc), 0);
	T_ASSERT_INT(gtime("20240229120000Z", &rc), 1709208000);
	T_ASSERT_INT(rc, 0);
	gtime("20231114221320.Z", &rc);
	T_ASSERT_INT(rc, AE_EINVAL);
	gtime("2023111422", &rc);
	T_ASSERT_INT(rc, AE_EINVAL);
	T_ASSERT_INT(ev__asn1_time_to_unix(&t, NULL, &err), AE_EINVAL);
}

/* ---- the signature memo (chain_memo.c): never a pass for other bytes ---- */

/* A copy of `x` with the last byte of its signature changed. */
static X509 *cert_bad_signature(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int len = i2d_X509(x, &der);
	X509 *y;

	T_ASSERT(len > 0);
	der[len - 1] ^= 1; /* the last byte of the ECDSA signature's s */
	p = der;
	y = d2i_X509(NULL, &p, len);
	OPENSSL_free(der);
	T_ASSERT(y != NULL);
	return y;
}

void test_evidence_pki__a_remembered_chain_is_not_checked_again(void)
{
	size_t hits = ev__chain_memo_hits();
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	T_ASSERT_INT(ev__chain_memo_hits(), hits);
	/* the leaf under the intermediate, the intermediate under the root */
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 2, &err), 0);
	T_ASSERT_INT(ev__chain_memo_hits(), hits + 2);
}

void test_evidence_pki__a_remembered_chain_does_not_pass_a_bad_leaf_signature(void)
{
	X509 *bad = cert_bad_signature(P.leaf);
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	T_ASSERT_INT(chain_at(bad, NULL, &P.ca, PKI_T0 + 1, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "signature failure");
	/* and the good one still passes after the bad one */
	ae_err_clear(&err);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	X509_free(bad);
}

void test_evidence_pki__a_remembered_chain_still_checks_every_time(void)
{
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 601, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "expired");
	ae_err_clear(&err);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 - 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not yet valid");
	/* notAfter itself still counts (ev__x509_verify_cb) */
	ae_err_clear(&err);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 600, &err), 0);
}

void test_evidence_pki__a_remembered_chain_does_not_pass_another_root(void)
{
	ev__ca other = {0};
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec s = {0};
	X509 *root, *inter;
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	/* the same intermediate under a root of the same name, other key */
	s.cn = "sigstore";
	s.key = k;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ca = true;
	root = pki_cert_new(&s);
	inter = sk_X509_value(P.ca.chain, 0);
	other.chain = pki_chain(inter, root, NULL);
	T_ASSERT_INT(chain_at(P.leaf, NULL, &other, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "does not verify");
	sk_X509_pop_free(other.chain, X509_free);
	X509_free(root);
	EVP_PKEY_free(k);
}

void test_evidence_pki__a_remembered_chain_does_not_pass_a_leaf_of_another_key(void)
{
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec s = pki_leaf_spec(&P);
	X509 *leaf;
	ae_err err = {0};

	T_ASSERT_INT(chain_at(P.leaf, NULL, &P.ca, PKI_T0 + 1, &err), 0);
	/* the fixture's leaf, word for word, signed by a key not the
	 * intermediate's */
	s.issuer_key = k;
	leaf = pki_cert_new(&s);
	T_ASSERT(leaf != NULL);
	T_ASSERT_INT(chain_at(leaf, NULL, &P.ca, PKI_T0 + 1, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "signature failure");
	X509_free(leaf);
	EVP_PKEY_free(k);
}

void test_evidence_pki__a_remembered_tsa_chain_still_checks_the_token(void)
{
	pki_tsa_spec s = pki_tsa_spec_default(&P, SIG, sizeof(SIG));
	size_t hits;
	int64_t t = 0;
	ae_err err = {0};

	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
	hits = ev__chain_memo_hits();
	T_ASSERT_INT(tsa_check(&s, &t, &err), 0);
	T_ASSERT(ev__chain_memo_hits() > hits);
	/* a time outside the TSA certificate's day, the chain remembered */
	s.gen_time = PKI_T0 + 2 * 86400;
	T_ASSERT_INT(tsa_check(&s, &t, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "expired");
}

/* ---- the memo against issuers of the intermediate's name and key ----
 * (moved from tests/e2e/test_attack_verifier.sh's memo harness, review
 * atk5: each was a chain remembered good, then a look-alike in the same
 * process) */

/* The intermediate's name and key under the root, with `bc`, `ku`, `nc`
 * and the validity given (NULL: the fixture's). */
static X509 *memo_issuer(const char *bc, const char *ku, const char *nc,
			 int64_t not_after)
{
	pki_cert_spec s = {0};
	X509 *x;

	s.cn = "sigstore-intermediate";
	s.key = P.inter_key;
	s.issuer = P.root;
	s.issuer_key = P.root_key;
	s.serial = 99;
	s.not_before = PKI_T0 - PKI_YEAR;
	s.not_after = not_after ? not_after : PKI_T0 + 10 * PKI_YEAR;
	s.bc = bc ? bc : "critical,CA:TRUE";
	s.ku = ku ? ku : "critical,keyCertSign,cRLSign";
	s.nc = nc;
	s.eku = "codeSigning";
	x = pki_cert_new(&s);
	T_ASSERT(x != NULL);
	return x;
}

/* The leaf verified with the chain `a`, `b` (b may be NULL) as anchors. */
static int memo_chain(X509 *leaf, X509 *a, X509 *b, int64_t at, ae_err *err)
{
	ev__ca ca = {0};
	X509 *issuer = NULL;
	int rc;

	ca.chain = pki_chain(a, b, NULL);
	ca.valid.start = PKI_T0 - PKI_YEAR;
	rc = ev__cert_chain_verify(&issuer, leaf, NULL, &ca, 1, at, err);
	X509_free(issuer);
	sk_X509_pop_free(ca.chain, X509_free);
	ae_err_clear(err);
	return rc;
}

void test_evidence_pki__a_remembered_chain_does_not_pass_a_look_alike_issuer(void)
{
	X509 *noks = memo_issuer(NULL, "critical,digitalSignature", NULL, 0);
	X509 *noca = memo_issuer("critical,CA:FALSE", NULL, NULL, 0);
	X509 *nc = memo_issuer(NULL, NULL, "critical,excluded;URI:github.com",
			       0);
	X509 *old = memo_issuer(NULL, NULL, NULL, PKI_T0 + 300);
	X509 *same = memo_issuer(NULL, NULL, NULL, 0);
	ae_err err = {0};

	/* remembered: the chain twice */
	T_ASSERT_INT(memo_chain(P.leaf, P.inter, P.root, PKI_T0 + 1, &err), 0);
	T_ASSERT_INT(memo_chain(P.leaf, P.inter, P.root, PKI_T0 + 1, &err), 0);
	/* control: a look-alike with nothing changed passes */
	T_ASSERT_INT(memo_chain(P.leaf, same, P.root, PKI_T0 + 1, &err), 0);
	/* the same leaf, under the same name and key, but: */
	T_ASSERT_INT(memo_chain(P.leaf, noks, P.root, PKI_T0 + 1, &err),
		     AE_EVERIFY); /* without keyCertSign */
	T_ASSERT_INT(memo_chain(P.leaf, noca, P.root, PKI_T0 + 1, &err),
		     AE_EVERIFY); /* CA:FALSE */
	T_ASSERT_INT(memo_chain(P.leaf, nc, P.root, PKI_T0 + 1, &err),
		     AE_EVERIFY); /* a name constraint excluding the leaf */
	T_ASSERT_INT(memo_chain(P.leaf, old, P.root, PKI_T0 + 400, &err),
		     AE_EVERIFY); /* expired at the time of the check */
	T_ASSERT_INT(memo_chain(P.leaf, P.inter, P.root, PKI_T0 + 400, &err),
		     0);
	X509_free(noks);
	X509_free(noca);
	X509_free(nc);
	X509_free(old);
	X509_free(same);
}

void test_evidence_pki__a_remembered_chain_anchors_only_at_a_ca(void)
{
	X509 *noks = memo_issuer(NULL, "critical,digitalSignature", NULL, 0);
	X509 *noca = memo_issuer("critical,CA:FALSE", NULL, NULL, 0);
	ae_err err = {0};

	T_ASSERT_INT(memo_chain(P.leaf, P.inter, P.root, PKI_T0 + 1, &err), 0);
	/* anchored at its intermediate alone (a partial chain) */
	T_ASSERT_INT(memo_chain(P.leaf, P.inter, NULL, PKI_T0 + 1, &err), 0);
	/* at a look-alike that is no CA, alone */
	T_ASSERT_INT(memo_chain(P.leaf, noca, NULL, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_INT(memo_chain(P.leaf, noks, NULL, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	/* directly under the root: the wrong issuer */
	T_ASSERT_INT(memo_chain(P.leaf, P.root, NULL, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	X509_free(noks);
	X509_free(noca);
}

#define MEMO_LEAVES  70
#define MEMO_THREADS 4

static X509 *memo_leaves[MEMO_LEAVES];

static void *memo_flood(void *arg)
{
	size_t failed = 0;

	for (long n = (long)(intptr_t)arg; n < MEMO_LEAVES; n += MEMO_THREADS) {
		ae_err err = {0};

		failed += memo_chain(memo_leaves[n], P.inter, P.root,
				     PKI_T0 + 1, &err) != 0;
	}
	return (void *)(uintptr_t)failed;
}

void test_evidence_pki__a_flood_of_distinct_leaves_from_threads_leaves_the_memo_sound(void)
{
	X509 *bad = cert_bad_signature(P.leaf);
	X509 *noks = memo_issuer(NULL, "critical,digitalSignature", NULL, 0);
	pthread_t t[MEMO_THREADS];
	size_t failed = 0;
	ae_err err = {0};

	for (int n = 0; n < MEMO_LEAVES; n++) {
		pki_cert_spec s = pki_leaf_spec(&P);

		s.serial = 100 + n;
		memo_leaves[n] = pki_cert_new(&s);
		T_ASSERT(memo_leaves[n] != NULL);
	}
	for (long i = 0; i < MEMO_THREADS; i++)
		T_ASSERT_INT(pthread_create(&t[i], NULL, memo_flood,
					    (void *)(intptr_t)i),
			     0);
	for (int i = 0; i < MEMO_THREADS; i++) {
		void *r = NULL;

		T_ASSERT_INT(pthread_join(t[i], &r), 0);
		failed += (size_t)(uintptr_t)r;
	}
	T_ASSERT_INT(failed, 0); /* all 70 verify */
	/* and after it the memo still refuses what it must */
	T_ASSERT_INT(memo_chain(bad, P.inter, P.root, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_INT(memo_chain(P.leaf, noks, P.root, PKI_T0 + 1, &err),
		     AE_EVERIFY);
	T_ASSERT_INT(memo_chain(P.leaf, P.inter, P.root, PKI_T0 + 1, &err), 0);
	for (int n = 0; n < MEMO_LEAVES; n++)
		X509_free(memo_leaves[n]);
	X509_free(bad);
	X509_free(noks);
}
