/* evidence/sigstore/body.c -- the Rekor entry body must describe the bundle
 *
 * The SET and the inclusion proof only show that *some* body is in the log;
 * this file shows that the body is about this bundle (sigstore.md §6): same
 * signature bytes, same digest or payload hash, same signer. Without it a
 * valid log entry of another signature could vouch for this one
 * (`dsse-mismatch-sig_fail` is a valid second signature caught only here).
 * Supported kinds: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2 (Rekor v1),
 * hashedrekord 0.0.2 and dsse 0.0.2 (Rekor v2); a hashedrekord of either
 * version may log a DSSE envelope, recording SHA-256(PAE).
 */
#include "evidence/sigstore/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

/* What the body is compared with. */
typedef struct body_ref {
	const ev_bundle *b;
	ev__hash alg;		     /* of `digest` */
	const unsigned char *digest; /* signed digest (hashedrekord) */
	size_t digest_len;
	const unsigned char *leaf_der;
	size_t leaf_len;
	const unsigned char *key_der;
	size_t key_len;
} body_ref;

/* Walks a path of object keys; NULL if any step is missing. Borrowed. */
static json_t *path(json_t *j, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n && j != NULL; i++)
		j = json_object_get(j, keys[i]);
	return j;
}
#define PATH(j, ...)                                                           \
	path((j), (const char *const[]){__VA_ARGS__},                          \
	     sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

/* True iff the string `s` base64-decodes to exactly (want, n). */
static bool b64_equals(json_t *s, const unsigned char *want, size_t n)
{
	unsigned char *d = NULL;
	size_t dl = 0;
	bool eq;

	if (!json_is_string(s) ||
	    ae_base64_decode(&d, &dl, json_string_value(s),
			     json_string_length(s), NULL) < 0)
		return false;
	eq = dl == n && memcmp(d, want, n) == 0;
	free(d);
	return eq;
}

/* True iff `alg`/`val` name the Rekor algorithm `name` with lowercase hex
 * of (want, n). */
static bool hex_digest_equals(json_t *alg, json_t *val, const char *name,
			      const unsigned char *want, size_t n)
{
	char hex[2 * EV__HASH_MAX_LEN + 1];

	if (n > EV__HASH_MAX_LEN)
		return false;
	ae_hex_encode(hex, want, n);
	return json_is_string(alg) &&
	       strcmp(json_string_value(alg), name) == 0 &&
	       json_is_string(val) && strcmp(json_string_value(val), hex) == 0;
}

/* True iff the base64 string `s` holds a PEM certificate or public key
 * equal to the bundle's signer (Rekor v1 bodies, sigstore.md §6). */
static bool pem_signer_equals(json_t *s, const body_ref *r)
{
	unsigned char *pem = NULL, *der = NULL;
	size_t pl = 0;
	BIO *bio = NULL;
	EVP_PKEY *k = NULL;
	char *name = NULL, *header = NULL;
	long n = 0;
	int dl = -1;
	bool eq = false;

	if (!json_is_string(s) ||
	    ae_base64_decode(&pem, &pl, json_string_value(s),
			     json_string_length(s), NULL) < 0)
		return false;
	bio = BIO_new_mem_buf(pem, (int)pl);
	if (bio != NULL && r->leaf_der != NULL) {
		/* The certificate's bytes, compared as they are: decoding
		 * them into an X509 would only re-encode the same DER. */
		eq = PEM_read_bio(bio, &name, &header, &der, &n) == 1 &&
		     (strcmp(name, PEM_STRING_X509) == 0 ||
		      strcmp(name, PEM_STRING_X509_OLD) == 0) &&
		     header[0] == '\0' && n > 0 && (size_t)n == r->leaf_len &&
		     memcmp(der, r->leaf_der, r->leaf_len) == 0;
	} else if (bio != NULL) {
		k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		dl = k ? i2d_PUBKEY(k, &der) : -1;
		eq = dl > 0 && (size_t)dl == r->key_len &&
		     memcmp(der, r->key_der, r->key_len) == 0;
	}
	OPENSSL_free(der);
	OPENSSL_free(name);
	OPENSSL_free(header);
	EVP_PKEY_free(k);
	BIO_free(bio);
	free(pem);
	ERR_clear_error();
	return eq;
}

/* Rekor v2 verifier {"x509Certificate"|"publicKey": {"rawBytes"}}. */
static bool v2_signer_equals(json_t *v, const body_ref *r)
{
	if (r->leaf_der != NULL)
		return b64_equals(PATH(v, "x509Certificate", "rawBytes"),
				  r->leaf_der, r->leaf_len);
	return b64_equals(PATH(v, "publicKey", "rawBytes"), r->key_der,
			  r->key_len);
}

/* hashedrekord 0.0.1. For DSSE content ("hashedrekord over DSSE", client
 * spec "Bundle content vs. Rekor entry kind") the entry records the
 * envelope signature and H(PAE), the bytes that signature covers:
 * `r->digest` is that signed digest for both contents, under `r->alg`
 * (sha256, sha384 or sha512: the schema's enum). */
static int hashedrekord_v1(json_t *spec, const body_ref *r, ae_err *err)
{
	if (!b64_equals(PATH(spec, "signature", "content"), r->b->sig,
			r->b->sig_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signature differs from the bundle's");
	if (!hex_digest_equals(PATH(spec, "data", "hash", "algorithm"),
			       PATH(spec, "data", "hash", "value"),
			       ev__hash_rekor_name(r->alg), r->digest,
			       r->digest_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body digest differs from the signed "
			       "digest");
	if (!pem_signer_equals(PATH(spec, "signature", "publicKey", "content"),
			       r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signer differs from the bundle's");
	return 0;
}

static int dsse_v1(json_t *spec, const body_ref *r, ae_err *err)
{
	json_t *sigs = json_object_get(spec, "signatures");
	unsigned char ph[32];

	if (!r->b->dsse)
		return ae_fail(err, AE_EVERIFY,
			       "dsse entry for a message bundle");
	if (!json_is_array(sigs) || json_array_size(sigs) != 1)
		return ae_fail(err, AE_EVERIFY,
			       "tlog dsse body must hold one signature");
	if (!b64_equals(PATH(json_array_get(sigs, 0), "signature"), r->b->sig,
			r->b->sig_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signature differs from the bundle's");
	if (!pem_signer_equals(PATH(json_array_get(sigs, 0), "verifier"), r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signer differs from the bundle's");
	ae_sha256(ph, r->b->payload, r->b->payload_len);
	if (!hex_digest_equals(PATH(spec, "payloadHash", "algorithm"),
			       PATH(spec, "payloadHash", "value"), "sha256", ph,
			       32))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body payload hash differs from the "
			       "envelope's");
	return 0;
}

/* intoto 0.0.2: `sig` is base64 of the signature, or (older entries) base64
 * of its base64; both are accepted, compared exactly. */
static bool intoto_sig_equals(json_t *s, const body_ref *r)
{
	unsigned char *once = NULL;
	size_t ol = 0;
	json_t *inner;
	bool eq;

	if (b64_equals(s, r->b->sig, r->b->sig_len))
		return true;
	if (!json_is_string(s) ||
	    ae_base64_decode(&once, &ol, json_string_value(s),
			     json_string_length(s), NULL) < 0)
		return false;
	inner = json_stringn((const char *)once, ol);
	eq = inner != NULL && b64_equals(inner, r->b->sig, r->b->sig_len);
	json_decref(inner);
	free(once);
	return eq;
}

static int intoto_v2(json_t *spec, const body_ref *r, ae_err *err)
{
	json_t *sigs = PATH(spec, "content", "envelope", "signatures");
	unsigned char ph[32];

	if (!r->b->dsse)
		return ae_fail(err, AE_EVERIFY,
			       "intoto entry for a message bundle");
	if (!json_is_array(sigs) || json_array_size(sigs) != 1)
		return ae_fail(err, AE_EVERIFY,
			       "tlog intoto body must hold one signature");
	if (!intoto_sig_equals(PATH(json_array_get(sigs, 0), "sig"), r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signature differs from the bundle's");
	if (!pem_signer_equals(PATH(json_array_get(sigs, 0), "publicKey"), r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signer differs from the bundle's");
	ae_sha256(ph, r->b->payload, r->b->payload_len);
	if (!hex_digest_equals(
		    PATH(spec, "content", "payloadHash", "algorithm"),
		    PATH(spec, "content", "payloadHash", "value"), "sha256", ph,
		    32))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body payload hash differs from the "
			       "envelope's");
	return 0;
}

static int hashedrekord_v2(json_t *spec, const body_ref *r, ae_err *err)
{
	json_t *h = json_object_get(spec, "hashedRekordV002");
	json_t *alg = PATH(h, "data", "algorithm");

	if (!json_is_string(alg) ||
	    strcmp(json_string_value(alg), ev__hash_proto_name(r->alg)) != 0 ||
	    !b64_equals(PATH(h, "data", "digest"), r->digest, r->digest_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body digest differs from the signed "
			       "digest");
	if (!b64_equals(PATH(h, "signature", "content"), r->b->sig,
			r->b->sig_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signature differs from the bundle's");
	if (!v2_signer_equals(PATH(h, "signature", "verifier"), r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signer differs from the bundle's");
	return 0;
}

static int dsse_v2(json_t *spec, const body_ref *r, ae_err *err)
{
	json_t *d = json_object_get(spec, "dsseV002");
	json_t *sigs = json_object_get(d, "signatures");
	json_t *alg = PATH(d, "payloadHash", "algorithm");
	unsigned char ph[32];

	if (!r->b->dsse)
		return ae_fail(err, AE_EVERIFY,
			       "dsse entry for a message bundle");
	ae_sha256(ph, r->b->payload, r->b->payload_len);
	if (!json_is_string(alg) ||
	    strcmp(json_string_value(alg), "SHA2_256") != 0 ||
	    !b64_equals(PATH(d, "payloadHash", "digest"), ph, 32))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body payload hash differs from the "
			       "envelope's");
	if (!json_is_array(sigs) || json_array_size(sigs) != 1)
		return ae_fail(err, AE_EVERIFY,
			       "tlog dsse body must hold one signature");
	if (!b64_equals(PATH(json_array_get(sigs, 0), "content"), r->b->sig,
			r->b->sig_len))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signature differs from the bundle's");
	if (!v2_signer_equals(PATH(json_array_get(sigs, 0), "verifier"), r))
		return ae_fail(err, AE_EVERIFY,
			       "tlog body signer differs from the bundle's");
	return 0;
}

/* True iff the entry is a hashedrekord of `version`. */
static bool is_hashedrekord(const ev__tlog_entry *e, const char *version)
{
	return strcmp(e->kind, "hashedrekord") == 0 &&
	       strcmp(e->version, version) == 0;
}

int ev__body_hash(ev__hash *out, const ev__tlog_entry *e, ae_err *err)
{
	json_t *body = NULL, *alg = NULL;
	char rb[AE_REPR_BUF];
	int rc = 0;

	*out = EV__HASH_UNSPECIFIED;
	if (!is_hashedrekord(e, "0.0.1") && !is_hashedrekord(e, "0.0.2"))
		return 0;
	if (ae_json_parse((void **)&body, e->body, e->body_len, NULL) < 0)
		return 0; /* ev__body_check says why */
	if (is_hashedrekord(e, "0.0.1"))
		alg = PATH(body, "spec", "data", "hash", "algorithm");
	else
		alg = PATH(body, "spec", "hashedRekordV002", "data",
			   "algorithm");
	if (json_is_string(alg) &&
	    (!ev__hash_from_name(out, json_string_value(alg)) ||
	     *out == EV__HASH_UNSPECIFIED))
		rc = ae_fail(err, AE_EVERIFY,
			     "tlog body names digest algorithm %s, not one of "
			     "sha256, sha384, sha512",
			     ae_repr(rb, sizeof(rb), json_string_value(alg),
				     json_string_length(alg)));
	json_decref(body);
	return rc;
}

int ev__body_check(const ev__tlog_entry *e, const ev_bundle *b,
		   const ev__body_ref *ref, ae_err *err)
{
	body_ref r = {b,
		      ref->alg,
		      ref->signed_digest,
		      ref->signed_len,
		      ref->leaf_der,
		      ref->leaf_der_len,
		      ref->key_der,
		      ref->key_der_len};
	json_t *body = NULL, *spec;
	json_t *kind, *ver;
	int rc;

	rc = ae_json_parse((void **)&body, e->body, e->body_len, NULL);
	if (rc < 0)
		return ae_fail(err, AE_EVERIFY, "tlog body is not JSON");
	kind = json_object_get(body, "kind");
	ver = json_object_get(body, "apiVersion");
	spec = json_object_get(body, "spec");
	if (!json_is_string(kind) || !json_is_string(ver) ||
	    strcmp(json_string_value(kind), e->kind) != 0 ||
	    strcmp(json_string_value(ver), e->version) != 0 ||
	    !json_is_object(spec)) {
		rc = ae_fail(err, AE_EVERIFY,
			     "tlog body kind/apiVersion differ from "
			     "kindVersion");
		goto done;
	}
	if (strcmp(e->kind, "hashedrekord") == 0 &&
	    strcmp(e->version, "0.0.1") == 0)
		rc = hashedrekord_v1(spec, &r, err);
	else if (strcmp(e->kind, "dsse") == 0 &&
		 strcmp(e->version, "0.0.1") == 0)
		rc = dsse_v1(spec, &r, err);
	else if (strcmp(e->kind, "intoto") == 0 &&
		 strcmp(e->version, "0.0.2") == 0)
		rc = intoto_v2(spec, &r, err);
	else if (strcmp(e->kind, "hashedrekord") == 0 &&
		 strcmp(e->version, "0.0.2") == 0)
		rc = hashedrekord_v2(spec, &r, err);
	else if (strcmp(e->kind, "dsse") == 0 &&
		 strcmp(e->version, "0.0.2") == 0)
		rc = dsse_v2(spec, &r, err);
	else
		rc = ae_fail(err, AE_EVERIFY,
			     "unsupported tlog entry kind %s %s", e->kind,
			     e->version);
done:
	json_decref(body);
	return rc;
}
