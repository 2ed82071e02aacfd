/* evidence/tuf/keys.c -- keys, signatures, thresholds, hashes (spec §4.2)
 *
 * The schemes the Sigstore repository has used: ecdsa-sha2-nistp256 with
 * the key as PEM SubjectPublicKeyInfo (roots 5 and later) or as the hex of
 * the uncompressed point (roots 1-4), keytype "ecdsa-sha2-nistp256" or
 * "ecdsa", signatures the hex of a DER ECDSA-Sig-Value over the SHA-256 of
 * the canonical "signed"; and ed25519 (hex key, hex signature), which the
 * spec names and test repositories use. A key of another scheme is not an
 * error -- it is never counted -- as python-tuf and tuf-js do.
 *
 * A key counts only when its id is the SHA-256 of its canonical form (spec
 * §4.3: "Clients MUST calculate each KEYID"), checked when the key is
 * used: root 11 of the real history lists an online key whose URI field
 * was edited after its id was computed, and that key signs nothing any
 * client needs (root 12 replaced it before it was used), so a check at
 * parse time would break the real chain while a check at use loses
 * nothing. A threshold counts distinct keys: two signatures by one key,
 * under one id or two, count once.
 */
#include "evidence/tuf/internal.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#define KEY_PUBLIC_MAX 8192 /* a PEM P-256 key is 178 bytes */
#define SIG_MAX_BYTES  512  /* DER P-256 is <= 72, ed25519 64 */

/* Decodes lowercase or uppercase hex of even length into `out` (cap `max`);
 * false for anything else. */
static bool key_unhex(unsigned char *out, size_t *n_out, const char *hex,
		      size_t max)
{
	size_t n = strlen(hex);

	*n_out = 0;
	if (n == 0 || n % 2 != 0 || n / 2 > max)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int v = 0;

		for (int j = 0; j < 2; j++) {
			int d = ae_hex_digit(hex[i + j]);
			if (d < 0)
				return false;
			v = v * 16 + d;
		}
		out[i / 2] = (unsigned char)v;
	}
	*n_out = n / 2;
	return true;
}

/* A P-256 key from 65 bytes 04||X||Y. NULL when not a point on the curve. */
static EVP_PKEY *key_p256_point(const unsigned char *pt, size_t n)
{
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;

	if (n != 65 || pt[0] != 0x04)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      (void *)pt, n);
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

/* True iff `pk` is an EC key on P-256. */
static bool key_is_p256(EVP_PKEY *pk)
{
	char group[64];
	size_t n = 0;

	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
		return false;
	if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
					   group, sizeof(group), &n) != 1)
		return false;
	return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

/* The key of a key object, or NULL (reason in *why) when it is of a
 * scheme we do not speak or does not decode. */
static EVP_PKEY *key_load(json_t *k, const char **why)
{
	const char *type = json_string_value(json_object_get(k, "keytype"));
	const char *scheme = json_string_value(json_object_get(k, "scheme"));
	const char *pub = json_string_value(
		json_object_get(json_object_get(k, "keyval"), "public"));
	unsigned char raw[KEY_PUBLIC_MAX];
	size_t n = 0;
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;

	if (strlen(pub) >= KEY_PUBLIC_MAX) {
		*why = "a key is too long";
		return NULL;
	}
	if (strcmp(scheme, "ed25519") == 0 && strcmp(type, "ed25519") == 0) {
		if (key_unhex(raw, &n, pub, sizeof(raw)) && n == 32)
			pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
							 raw, n);
	} else if (strcmp(scheme, "ecdsa-sha2-nistp256") == 0 &&
		   (strcmp(type, "ecdsa") == 0 ||
		    strcmp(type, "ecdsa-sha2-nistp256") == 0)) {
		if (strncmp(pub, "-----BEGIN PUBLIC KEY-----", 26) == 0) {
			bio = BIO_new_mem_buf(pub, (int)strlen(pub));
			pk = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)
				 : NULL;
			BIO_free(bio);
		} else if (key_unhex(raw, &n, pub, sizeof(raw))) {
			pk = key_p256_point(raw, n);
		}
		if (pk != NULL && !key_is_p256(pk)) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	} else {
		*why = "a key is of a scheme this client does not speak";
		return NULL;
	}
	ERR_clear_error();
	if (pk == NULL)
		*why = "a key does not decode";
	return pk;
}

/* True iff `keyid` is the SHA-256 hex of the key's canonical form. */
static bool key_id_ok(json_t *k, const char *keyid)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];
	ae_buf c = AE_BUF_INIT(0);
	bool ok;

	if (tuf_canonical_json(&c, k, NULL) < 0)
		return false;
	ae_sha256(sha, c.data, c.len);
	ae_hex_encode(hex, sha, sizeof(sha));
	ok = strcmp(hex, keyid) == 0;
	ae_buf_dispose(&c);
	return ok;
}

/* Verifies one signature `sig_hex` over `msg` with `pk`. */
static bool key_verify(EVP_PKEY *pk, const char *sig_hex,
		       const unsigned char *msg, size_t len)
{
	unsigned char sig[SIG_MAX_BYTES];
	size_t n = 0;
	EVP_MD_CTX *ctx = NULL;
	bool ed = EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519;
	bool ok;

	if (!key_unhex(sig, &n, sig_hex, sizeof(sig)))
		return false;
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL &&
	     EVP_DigestVerifyInit(ctx, NULL, ed ? NULL : EVP_sha256(), NULL,
				  pk) == 1 &&
	     EVP_DigestVerify(ctx, sig, n, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* The key's public bytes (SubjectPublicKeyInfo DER), which tell two key
 * ids naming one key apart from two keys. Caller frees. */
static unsigned char *key_spki(EVP_PKEY *pk, int *n_out)
{
	unsigned char *der = NULL;

	*n_out = i2d_PUBKEY(pk, &der);
	if (*n_out <= 0) {
		OPENSSL_free(der);
		der = NULL;
	}
	return der;
}

/* Keeps the first reason a signature did not count. */
static void note(const char **why, const char *reason)
{
	if (*why == NULL)
		*why = reason;
}

/* Whether signature `i` of `m` counts for `role`; when it does, its key's
 * SPKI goes into spki[*nspki]. */
static void verify_one(const tuf__meta *m, size_t i, const tuf__role *role,
		       json_t *keys, unsigned char **spki, int *spki_len,
		       size_t *nspki, const char **why)
{
	const char *kid = m->sig_keyid[i];
	bool listed = false;
	json_t *k = NULL;
	EVP_PKEY *pk = NULL;
	unsigned char *der = NULL;
	int n = 0;

	for (size_t j = 0; j < role->nkeyids && !listed; j++)
		listed = strcmp(role->keyids[j], kid) == 0;
	k = listed ? json_object_get(keys, kid) : NULL;
	if (!listed || k == NULL) {
		note(why, listed ? "a signing key is not in the key list"
				 : "a signature is by a key the role does "
				   "not list");
		return;
	}
	if (!key_id_ok(k, kid)) {
		note(why, "a key id is not the SHA-256 of its key");
		return;
	}
	pk = key_load(k, why);
	if (pk == NULL)
		return;
	if (!key_verify(pk, m->sig_hex[i], m->canon.data, m->canon.len)) {
		note(why, "a signature does not verify");
		goto done;
	}
	der = key_spki(pk, &n);
	for (size_t j = 0; der != NULL && j < *nspki; j++)
		if (spki_len[j] == n && memcmp(spki[j], der, (size_t)n) == 0) {
			note(why, "two signatures are by one key");
			goto done;
		}
	if (der != NULL) {
		spki[*nspki] = der;
		spki_len[(*nspki)++] = n;
		der = NULL;
	}
done:
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
}

int tuf__verify_role(const tuf__meta *m, const tuf__role *role, json_t *keys,
		     const char *what, ae_err *err)
{
	unsigned char **spki = calloc(m->nsigs + 1, sizeof(*spki));
	int *spki_len = calloc(m->nsigs + 1, sizeof(*spki_len));
	const char *why = NULL;
	size_t good = 0;
	int rc = 0;

	if (spki == NULL || spki_len == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < m->nsigs; i++)
		verify_one(m, i, role, keys, spki, spki_len, &good, &why);
	if ((int64_t)good < role->threshold)
		rc = ae_fail(err, AE_EVERIFY,
			     "%s: signature threshold not met: %zu of %lld "
			     "required valid signatures%s%s",
			     what, good, (long long)role->threshold,
			     why ? " (" : "", why ? why : "");
	if (rc < 0 && why != NULL && err != NULL) {
		size_t l = strlen(err->msg);

		if (l + 1 < sizeof(err->msg))
			snprintf(err->msg + l, sizeof(err->msg) - l, ")");
	}
done:
	for (size_t i = 0; spki != NULL && i < good; i++)
		OPENSSL_free(spki[i]);
	free(spki);
	free(spki_len);
	return rc;
}

bool tuf__role_same(const tuf__role *a, const tuf__role *b)
{
	if (a->threshold != b->threshold || a->nkeyids != b->nkeyids)
		return false;
	for (size_t i = 0; i < a->nkeyids; i++) {
		bool found = false;

		for (size_t j = 0; j < b->nkeyids && !found; j++)
			found = strcmp(a->keyids[i], b->keyids[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* ---- file checks ---- */

static const EVP_MD *hash_md(const char *alg)
{
	if (strcmp(alg, "sha256") == 0)
		return EVP_sha256();
	if (strcmp(alg, "sha384") == 0)
		return EVP_sha384();
	if (strcmp(alg, "sha512") == 0)
		return EVP_sha512();
	return NULL;
}

int tuf__file_check(const tuf__file *f, const unsigned char *data, size_t len,
		    const char *what, ae_err *err)
{
	const char *alg;
	json_t *v;

	if (f->length >= 0 && (uint64_t)f->length != len)
		return ae_fail(err, AE_EVERIFY,
			       "%s: length %zu, the trusted metadata says %lld",
			       what, len, (long long)f->length);
	if (f->hashes == NULL)
		return 0;
	json_object_foreach(f->hashes, alg, v)
	{
		const EVP_MD *md = hash_md(alg);
		unsigned char d[EVP_MAX_MD_SIZE];
		char hex[2 * EVP_MAX_MD_SIZE + 1];
		unsigned int n = 0;
		char rbuf[AE_REPR_BUF];

		if (md == NULL)
			return ae_fail(
				err, AE_EVERIFY,
				"%s: unsupported hash algorithm %s", what,
				ae_repr(rbuf, sizeof(rbuf), alg, strlen(alg)));
		if (EVP_Digest(data, len, d, &n, md, NULL) != 1)
			return ae_fail(err, AE_ERR, "digest failed");
		ae_hex_encode(hex, d, n);
		if (strcmp(hex, json_string_value(v)) != 0)
			return ae_fail(err, AE_EVERIFY,
				       "%s: %s does not match the trusted "
				       "metadata",
				       what, alg);
	}
	return 0;
}

const char *tuf__file_sha256(const tuf__file *f)
{
	const char *h = json_string_value(json_object_get(f->hashes, "sha256"));

	return h != NULL && strlen(h) == AE_SHA256_HEX_LEN ? h : NULL;
}

/* Matches one path segment [s, se) against one pattern segment [p, pe):
 * '*' any run, '?' any one byte, no bracket expressions. The iterative
 * form with one backtrack point: linear in practice, never exponential. */
static bool glob_segment(const char *p, const char *pe, const char *s,
			 const char *se)
{
	const char *star_p = NULL, *star_s = NULL;

	while (s < se) {
		if (p < pe && *p == '*') {
			star_p = ++p;
			star_s = s;
		} else if (p < pe && (*p == '?' || *p == *s)) {
			p++;
			s++;
		} else if (star_p != NULL) {
			p = star_p;
			s = ++star_s;
		} else {
			return false;
		}
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* A PATHPATTERN against a target path: as many segments in both, each
 * matched alone, so '*' and '?' never match '/' (spec §4.5; python-tuf
 * matches the same way). */
static bool glob_match(const char *p, const char *s)
{
	for (;;) {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');

		if (pe == NULL)
			pe = p + strlen(p);
		if (se == NULL)
			se = s + strlen(s);
		if (!glob_segment(p, pe, s, se))
			return false;
		if (*pe == '\0' || *se == '\0')
			return *pe == '\0' && *se == '\0';
		p = pe + 1;
		s = se + 1;
	}
}

bool tuf__role_matches(const tuf__role *role, const char *path)
{
	unsigned char sha[AE_SHA256_LEN];
	char hex[AE_SHA256_HEX_LEN + 1];

	if (role->has_prefixes) {
		ae_sha256(sha, path, strlen(path));
		ae_hex_encode(hex, sha, sizeof(sha));
	}
	for (size_t i = 0; i < role->npaths; i++) {
		const char *x = role->paths[i];

		if (role->has_prefixes ? strncmp(hex, x, strlen(x)) == 0
				       : glob_match(x, path))
			return true;
	}
	return false;
}
