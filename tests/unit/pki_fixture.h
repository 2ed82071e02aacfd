/* tests/unit/pki_fixture.h -- generated Sigstore PKI for tests: a Fulcio-like
 * CA hierarchy and leaf with embedded SCTs, a CT log key, and an RFC 3161
 * TSA whose responses are made with OpenSSL's TS_RESP_CTX
 *
 * Everything is generated per process, so no key or certificate is committed.
 * Shared by the unit cases (test_evidence_pki.c) and the TSA fuzz target.
 */
#ifndef AE_TESTS_PKI_FIXTURE_H
#define AE_TESTS_PKI_FIXTURE_H

#include "evidence/sigstore/internal.h"

#include <openssl/ts.h>

/* The reference time of every fixture: 2023-11-14T22:13:20Z. */
#define PKI_T0 1700000000LL

/* What a generated certificate looks like. Zeroed fields are absent. */
typedef struct pki_cert_spec {
	const char *cn;
	EVP_PKEY *key;	      /* subject key */
	X509 *issuer;	      /* NULL: self-signed with key */
	EVP_PKEY *issuer_key; /* signs the certificate */
	int64_t not_before, not_after;
	long serial;
	bool ca;
	const char *bc;	 /* basicConstraints config value (overrides ca) */
	const char *nc;	 /* nameConstraints config value */
	const char *ku;	 /* keyUsage config value, e.g. "critical,..." */
	const char *eku; /* extendedKeyUsage config value */
	const char *san; /* subjectAltName config value */
	const char *issuer_v1;	 /* raw .1.1 value */
	const char *issuer_v2;	 /* .1.8 value, DER UTF8String-wrapped */
	const unsigned char *v2_raw; /* .1.8 raw content (overrides) */
	size_t v2_raw_len;
} pki_cert_spec;

/* How to make one SCT for a leaf. */
typedef struct pki_sct_spec {
	EVP_PKEY *log_key;    /* signs */
	const unsigned char *log_id; /* 32 bytes; NULL: SHA-256 of log_key */
	uint64_t timestamp_ms;
	const unsigned char *ext;
	size_t ext_len;
	X509 *issuer; /* whose key hash is signed */
} pki_sct_spec;

/* How to make one timestamp. */
typedef struct pki_tsa_spec {
	X509 *signer;
	EVP_PKEY *key;
	STACK_OF(X509) * extra; /* embedded besides the signer, may be NULL */
	const unsigned char *data; /* the imprint is SHA-256 of it */
	size_t data_len;
	int64_t gen_time;
	long usec;
	int precision; /* fraction digits of genTime */
	bool no_certs; /* certReq false: no certificates embedded */
	bool bare;     /* a bare token instead of a TimeStampResp */
	long serial;   /* may be negative */
} pki_tsa_spec;

typedef struct pki {
	EVP_PKEY *root_key, *inter_key, *leaf_key, *ct_key;
	X509 *root, *inter, *leaf;
	ev__ca ca;
	ev__log ctlog;
	EVP_PKEY *tsa_root_key, *tsa_inter_key, *tsa_key;
	X509 *tsa_root, *tsa_inter, *tsa_cert;
	ev__ca tsa;
} pki;

EVP_PKEY *pki_key_new(void);
X509 *pki_cert_new(const pki_cert_spec *s);
/* Adds an SCT list holding one SCT per spec to *leaf, re-signing it with
 * `issuer_key` (*leaf is replaced by its DER round trip). Returns 0 or -1. */
int pki_leaf_add_scts(X509 **leaf, EVP_PKEY *issuer_key,
		      const pki_sct_spec *scts, size_t n);
void pki_log_id(unsigned char out[32], EVP_PKEY *key);
STACK_OF(X509) * pki_chain(X509 *a, X509 *b, X509 *c);
/* The standard Fulcio-like leaf spec (one SAN: a GitHub workflow URI;
 * both issuer extensions), valid [T0, T0+600]. */
pki_cert_spec pki_leaf_spec(const pki *p);
/* Builds everything; the leaf carries one valid SCT. Returns 0 or -1. */
int pki_init(pki *p);
void pki_dispose(pki *p);
/* A DER timestamp per spec (free()), NULL on failure. */
unsigned char *pki_tsa_make(size_t *len_out, const pki_tsa_spec *s);
/* The default timestamp spec over `data` by the fixture's TSA at T0+60. */
pki_tsa_spec pki_tsa_spec_default(const pki *p, const void *data, size_t len);

#endif
