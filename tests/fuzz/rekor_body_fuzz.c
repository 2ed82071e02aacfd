/* tests/fuzz/rekor_body_fuzz.c -- libFuzzer target for ev__body_check: a
 * tlog entry's canonicalizedBody (the Rekor entry body) against a bundle
 *
 * bundle_fuzz only reaches the body check when the SET or inclusion proof
 * over the body still verifies, which a mutated body never does; this target
 * feeds the body parser directly. The first input byte picks the case:
 * bits 0-2 the entry kind (hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2,
 * hashedrekord 0.0.2, dsse 0.0.2), bit 3 key mode (no leaf certificate),
 * bit 4 flips DSSE so the kind/bundle mismatch paths run too, bits 5-6 the
 * signing hash (SHA-256, SHA-384, SHA-512; issue 16) whose digest (that
 * many 0x11 bytes) a hashedrekord must record. The rest is the body; the
 * algorithm the body names is read first (ev__body_hash), as the verifier
 * does. The reference values are fixed (CERT_PEM, SIG, digest, PAYLOAD);
 * tests/fuzz/gen_rekor_body_seeds.sh writes matching bodies of every kind
 * to tests/fuzz/corpus/rekor_body/, which pass the check.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/pem.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A throwaway P-256 self-signed certificate (CN=fuzz); only its bytes are
 * compared, nothing is verified with it. */
static const char CERT_PEM[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBczCCARmgAwIBAgIUMaE8mwQ8CUwPoRZfZ358DcayI/EwCgYIKoZIzj0EAwIw\n"
	"DzENMAsGA1UEAwwEZnV6ejAeFw0yNjEyMDIxNjE2MjVaFw0zNjExMjkxNjE2MjVa\n"
	"MA8xDTALBgNVBAMMBGZ1enowWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR8gnsF\n"
	"vL860a5fTp20sqLofKaP8Lqgt3Meq294N85fFHnn1nn3JNZ/J/gBqo50ME4gVJXv\n"
	"Y9wvekYF9myRwGgEo1MwUTAdBgNVHQ4EFgQUK51Hl4k7xA3Amm0e5igd0v08tK0w\n"
	"HwYDVR0jBBgwFoAUK51Hl4k7xA3Amm0e5igd0v08tK0wDwYDVR0TAQH/BAUwAwEB\n"
	"/zAKBggqhkjOPQQDAgNIADBFAiAzoXXWw/6Q1JFyYEESb4JGdT6OGNxgKNk2B5ng\n"
	"PmLBggIhAMpCZJMTUFWxCg3y+y/j6FnWxZIvA5IKTmyUFYwFbr2d\n"
	"-----END CERTIFICATE-----\n";

static unsigned char SIG[] = "fuzz-signature";
static unsigned char PAYLOAD[] = "{\"_type\":\"x\"}";
static char PAYLOAD_TYPE[] = "application/vnd.in-toto+json";

static const char *const KINDS[5][2] = {
	{"hashedrekord", "0.0.1"}, {"dsse", "0.0.1"}, {"intoto", "0.0.2"},
	{"hashedrekord", "0.0.2"}, {"dsse", "0.0.2"},
};

static unsigned char *leaf_der, *key_der;
static int leaf_len, key_len;

/* DER of the certificate and of its public key, made once. */
static void setup(void)
{
	BIO *bio = BIO_new_mem_buf(CERT_PEM, (int)sizeof(CERT_PEM) - 1);
	X509 *c = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	if (c == NULL)
		abort();
	leaf_len = i2d_X509(c, &leaf_der);
	key_len = i2d_PUBKEY(X509_get0_pubkey(c), &key_der);
	if (leaf_len <= 0 || key_len <= 0)
		abort();
	X509_free(c);
	BIO_free(bio);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ev__hash algs[4] = {EV__HASH_SHA256, EV__HASH_SHA384,
					 EV__HASH_SHA512, EV__HASH_SHA256};
	ev__tlog_entry e;
	ev_bundle b;
	ev__body_ref ref;
	ev__hash named;
	unsigned char digest[EV__HASH_MAX_LEN];
	unsigned k;
	bool key_mode;
	ae_err err = {0};
	int rc;

	if (leaf_der == NULL)
		setup();
	if (size < 1)
		return 0;
	k = (unsigned)(data[0] & 7u) % 5u;
	key_mode = (data[0] & 8u) != 0;
	memset(&e, 0, sizeof(e));
	memset(&b, 0, sizeof(b));
	memset(digest, 0x11, sizeof(digest));
	snprintf(e.kind, sizeof(e.kind), "%s", KINDS[k][0]);
	snprintf(e.version, sizeof(e.version), "%s", KINDS[k][1]);
	/* A private copy: the parser must not read past body_len. */
	e.body_len = size - 1;
	e.body = malloc(e.body_len ? e.body_len : 1);
	if (e.body == NULL)
		return 0;
	memcpy(e.body, data + 1, e.body_len);
	b.minor = 3;
	b.dsse = (k != 0 && k != 3) != ((data[0] & 16u) != 0);
	b.sig = SIG;
	b.sig_len = sizeof(SIG) - 1;
	b.payload = b.dsse ? PAYLOAD : NULL;
	b.payload_len = b.dsse ? sizeof(PAYLOAD) - 1 : 0;
	b.payload_type = b.dsse ? PAYLOAD_TYPE : NULL;
	ref.alg = algs[(data[0] >> 5) & 3u];
	ref.signed_digest = digest;
	ref.signed_len = ev__hash_len(ref.alg);
	ref.leaf_der = key_mode ? NULL : leaf_der;
	ref.leaf_der_len = key_mode ? 0 : (size_t)leaf_len;
	ref.key_der = key_der;
	ref.key_der_len = (size_t)key_len;
	rc = ev__body_hash(&named, &e, &err);
	if (rc != 0 && (rc != err.code || err.msg[0] == '\0'))
		abort(); /* a failure always carries its code and reason */
	ae_err_clear(&err);
	rc = ev__body_check(&e, &b, &ref, &err);
	if (rc != 0 && (rc != err.code || err.msg[0] == '\0'))
		abort();
	free(e.body);
	return 0;
}
