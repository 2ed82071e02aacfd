/* evidence/sigstore/root.c -- trusted_root.json into CA and log arrays
 *
 * A trust set holds the CAs, logs and TSAs of one trusted root
 * (sigstore.md §2): the embedded public-good root by default, or exactly
 * the root given with --trusted-root, which replaces it as it does in
 * cosign, sigstore-go and sigstore-js (a private stack must not be
 * vouched for by the public-good CT log, nor a public-good bundle by a
 * private root: issue 16). ev_trust_add_json still builds a union for a
 * caller that asks for one. Each root is parsed in full into a scratch set
 * and appended only when every part of it is valid, so a bad root never
 * half-applies. A validFor without start rejects the whole root
 * (sigstore.md §2.1, §10 item 1).
 *
 * Keys and certificates are checked to be well-formed DER when the root is
 * loaded but decoded into OpenSSL objects only when a verification first
 * needs them (ev__log_key, ev__ca_chain): OpenSSL 3 builds a decoder
 * context for every public key it parses (about the cost of an ECDSA
 * verification), the public-good root holds nine keys and certificates,
 * and one bundle uses three or four of them.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static const char *const root_media_types[] = {
	"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
	"application/vnd.dev.sigstore.trustedroot.v0.1+json",
	"application/vnd.dev.sigstore.trustedroot.v0.2+json",
};

void ev__ca_dispose(ev__ca *ca)
{
	sk_X509_pop_free(ca->chain, X509_free);
	free(ca->der);
	free(ca->uri);
	memset(ca, 0, sizeof(*ca));
}

void ev__log_dispose(ev__log *log)
{
	EVP_PKEY_free(log->key);
	free(log->key_der);
	free(log->base_url);
	free(log->origin);
	memset(log, 0, sizeof(*log));
}

const ev__log *ev__log_find(const ev__log *logs, size_t n,
			    const unsigned char id[32])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(logs[i].log_id, id, 32) == 0)
			return &logs[i];
	return NULL;
}

bool ev__der_header(size_t *hdr_out, size_t *body_out, const unsigned char *p,
		    size_t n)
{
	size_t k, len = 0, i;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return false; /* high tag numbers occur in no key or cert */
	if (p[1] < 0x80) {
		*hdr_out = 2;
		len = p[1];
	} else {
		k = p[1] & 0x7fu;
		if (k == 0 || k > 4 || n < 2 + k)
			return false; /* indefinite, or over 4 GiB */
		for (i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		*hdr_out = 2 + k;
	}
	if (len > n - *hdr_out)
		return false;
	*body_out = len;
	return true;
}

/* True iff p[0..n) is a sequence of TLVs, each constructed one's contents
 * again such a sequence, at most DER_MAX_DEPTH deep. */
#define DER_MAX_DEPTH 32 /* certificates nest about 10 deep */
static bool der_walk(const unsigned char *p, size_t n, int depth)
{
	size_t hdr = 0, body = 0;

	while (n > 0) {
		if (!ev__der_header(&hdr, &body, p, n))
			return false;
		if ((p[0] & 0x20) != 0 && (depth >= DER_MAX_DEPTH ||
					   !der_walk(p + hdr, body, depth + 1)))
			return false;
		p += hdr + body;
		n -= hdr + body;
	}
	return true;
}

/* True iff p[0..n) is exactly one well-formed DER SEQUENCE: the shape of
 * an SPKI, an RSAPublicKey and a certificate. */
static bool der_sequence(const unsigned char *p, size_t n)
{
	size_t hdr = 0, body = 0;

	return ev__der_header(&hdr, &body, p, n) && p[0] == 0x30 &&
	       hdr + body == n && der_walk(p, n, 0);
}

/* Publishes a decoded object in *slot unless another thread did first;
 * returns the one that stays there (the caller frees the other). */
static void *cache_publish(void *const *slot, void *mine)
{
	void *expected = NULL;

	if (__atomic_compare_exchange_n((void **)slot, &expected, mine, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return mine;
	return expected;
}

/* The exact SPKI encodings of the keys Sigstore logs use: an uncompressed
 * P-256 or P-384 point (RFC 5480) and Ed25519 (RFC 8410); the key bytes
 * follow the prefix. */
static const struct spki_form {
	const char *group; /* NULL: Ed25519 */
	size_t len;	   /* whole SPKI */
	size_t prefix_len;
	unsigned char prefix[26];
} spki_forms[] = {
	{"P-256", 91, 26, {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
			   0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
			   0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00}},
	{"P-384", 120, 23, {0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
			    0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
			    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00}},
	{NULL,
	 44,
	 12,
	 {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
	  0x00}},
};

/* A key in one of spki_forms built from its parameters, or NULL (any
 * other form, or a point not on the curve). d2i_PUBKEY would give the
 * same key, but OpenSSL 3.0 builds a decoder context for each call, six
 * times the cost of importing the parameters. */
static EVP_PKEY *spki_fixed_key(const unsigned char *der, size_t len)
{
	const struct spki_form *f = NULL;
	const unsigned char *key;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	OSSL_PARAM ps[3];

	for (size_t i = 0; i < sizeof(spki_forms) / sizeof(*spki_forms); i++)
		if (len == spki_forms[i].len &&
		    memcmp(der, spki_forms[i].prefix,
			   spki_forms[i].prefix_len) == 0)
			f = &spki_forms[i];
	if (f == NULL)
		return NULL;
	key = der + f->prefix_len;
	if (f->group == NULL)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key,
						   len - f->prefix_len);
	ps[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						 (char *)f->group, 0);
	ps[1] = OSSL_PARAM_construct_octet_string(
		OSSL_PKEY_PARAM_PUB_KEY, (void *)key, len - f->prefix_len);
	ps[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, ps) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

int ev__log_key(EVP_PKEY **out, const ev__log *log, ae_err *err)
{
	EVP_PKEY *k = __atomic_load_n(&log->key, __ATOMIC_ACQUIRE), *won;
	const unsigned char *p = log->key_der;

	*out = k;
	if (k != NULL)
		return 0;
	if (p == NULL)
		return ae_fail(err, AE_EVERIFY, "log has no key");
	k = spki_fixed_key(p, log->key_der_len);
	if (k != NULL)
		p += log->key_der_len;
	else
		k = d2i_PUBKEY(NULL, &p, (long)log->key_der_len);
	if (k == NULL && log->key_pkcs1) {
		/* PKCS1_RSA_* keys are a bare RSAPublicKey, not SPKI */
		p = log->key_der;
		k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p,
				  (long)log->key_der_len);
	}
	ERR_clear_error();
	if (k == NULL || p != log->key_der + log->key_der_len) {
		EVP_PKEY_free(k);
		return ae_fail(err, AE_EINVAL,
			       "trusted root key of log %s is not a public key",
			       log->base_url ? log->base_url : "(unnamed)");
	}
	won = cache_publish((void *const *)&log->key, k);
	if (won != k)
		EVP_PKEY_free(k);
	*out = won;
	return 0;
}

/* Decodes the concatenated certificates of `ca` into a new stack. */
static int ca_decode(STACK_OF(X509) * *out, const ev__ca *ca, ae_err *err)
{
	const unsigned char *p = ca->der, *end = ca->der + ca->der_len;
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *c = NULL;

	*out = NULL;
	if (chain == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	while (p < end) {
		c = d2i_X509(NULL, &p, (long)(end - p));
		if (c == NULL || !sk_X509_push(chain, c)) {
			X509_free(c);
			sk_X509_pop_free(chain, X509_free);
			ERR_clear_error();
			return ae_fail(err, AE_EINVAL,
				       "trusted root certificate of %s does "
				       "not decode",
				       ca->uri ? ca->uri : "(unnamed)");
		}
	}
	*out = chain;
	return 0;
}

int ev__ca_chain(STACK_OF(X509) * *out, const ev__ca *ca, ae_err *err)
{
	STACK_OF(X509) *chain = __atomic_load_n(&ca->chain, __ATOMIC_ACQUIRE);
	STACK_OF(X509) * won;
	int rc;

	*out = chain;
	if (chain != NULL)
		return 0;
	if (ca->der == NULL)
		return ae_fail(err, AE_EVERIFY,
			       "certificate authority has no certificates");
	rc = ca_decode(&chain, ca, err);
	if (rc < 0)
		return rc;
	won = cache_publish((void *const *)&ca->chain, chain);
	if (won != chain)
		sk_X509_pop_free(chain, X509_free);
	*out = won;
	return 0;
}

/* Frees the insides of a set (the lists), leaving it empty. */
static void trust_dispose(ev_trust *t)
{
	for (size_t i = 0; i < t->ncas; i++)
		ev__ca_dispose(&t->cas[i]);
	for (size_t i = 0; i < t->ntsas; i++)
		ev__ca_dispose(&t->tsas[i]);
	for (size_t i = 0; i < t->ntlogs; i++)
		ev__log_dispose(&t->tlogs[i]);
	for (size_t i = 0; i < t->nctlogs; i++)
		ev__log_dispose(&t->ctlogs[i]);
	free(t->cas);
	free(t->tsas);
	free(t->tlogs);
	free(t->ctlogs);
	memset(t, 0, sizeof(*t));
}

void ev_trust_free(ev_trust *t)
{
	if (t == NULL)
		return;
	trust_dispose(t);
	free(t);
}

int ev_trust_new_empty(ev_trust **out, ae_err *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

const unsigned char *ev_trust_public_good_json(size_t *len_out)
{
	*len_out = ev__public_good_root_len;
	return (const unsigned char *)ev__public_good_root;
}

int ev_trust_new_default(ev_trust **out, ae_err *err)
{
	return ev_trust_new_json(out,
				 (const unsigned char *)ev__public_good_root,
				 ev__public_good_root_len, err);
}

int ev_trust_new_json(ev_trust **out, const unsigned char *buf, size_t len,
		      ae_err *err)
{
	ev_trust *t = NULL;
	int rc;

	*out = NULL;
	rc = ev_trust_new_empty(&t, err);
	if (rc == 0)
		rc = ev_trust_add_json(t, buf, len, err);
	if (rc < 0) {
		ev_trust_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* Reads a TimeRange {"start": ..., "end": ...?}; start is required. */
static int window_parse(ev__window *w, json_t *vf, const char *what,
			ae_err *err)
{
	const char *s = NULL, *e = NULL;
	int rc;

	memset(w, 0, sizeof(*w));
	if (!json_is_object(vf))
		return ae_fail(err, AE_EINVAL, "%s has no validFor", what);
	rc = ev__json_str(&s, vf, "start", false, "validFor.start", err);
	if (rc == 0 && s == NULL)
		rc = ae_fail(err, AE_EINVAL, "%s validFor has no start", what);
	if (rc == 0)
		rc = ev__rfc3339_parse(&w->start, s, err);
	/* "end": null is written by some exporters for an open end */
	if (rc == 0 && !json_is_null(json_object_get(vf, "end")))
		rc = ev__json_str(&e, vf, "end", false, "validFor.end", err);
	if (rc == 0 && e != NULL) {
		w->has_end = true;
		rc = ev__rfc3339_parse(&w->end, e, err);
	}
	return rc;
}

/* The host[:port] of a baseUrl: scheme and path dropped (sigstore.md
 * §5.3: the checkpoint key name). */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/");
	return strndup(p, n);
}

/* Reads one TransparencyLogInstance (tlogs[] or ctlogs[]). */
static int log_parse(ev__log *log, json_t *j, const char *what, ae_err *err)
{
	json_t *pk = json_object_get(j, "publicKey");
	json_t *lid = json_object_get(j, "logId");
	json_t *kd = json_object_get(pk, "keyDetails");
	unsigned char *der = NULL, *id = NULL;
	const char *url = NULL;
	size_t dl = 0, il = 0;
	int rc;

	if (!json_is_object(j) || !json_is_object(pk) || !json_is_object(lid))
		return ae_fail(err, AE_EINVAL, "%s lacks publicKey or logId",
			       what);
	rc = ev__json_str(&url, j, "baseUrl", true, "baseUrl", err);
	if (rc == 0)
		rc = window_parse(&log->valid, json_object_get(pk, "validFor"),
				  what, err);
	if (rc == 0)
		rc = ev__json_b64(&der, &dl, pk, "rawBytes", true,
				  "publicKey.rawBytes", err);
	if (rc == 0)
		rc = ev__json_b64(&id, &il, lid, "keyId", true, "logId.keyId",
				  err);
	if (rc < 0)
		goto done;
	if (il != 32) {
		rc = ae_fail(err, AE_EINVAL, "%s logId is %zu bytes", what, il);
		goto done;
	}
	memcpy(log->log_id, id, 32);
	if (!der_sequence(der, dl)) {
		rc = ae_fail(err, AE_EINVAL, "%s public key is not DER SPKI",
			     what);
		goto done;
	}
	log->key_pkcs1 = json_is_string(kd) &&
			 strncmp(json_string_value(kd), "PKCS1_RSA", 9) == 0;
	log->key_der = der;
	log->key_der_len = dl;
	der = NULL;
	log->base_url = strdup(url);
	log->origin = url_host(url);
	if (log->base_url == NULL || log->origin == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	free(der);
	free(id);
	return rc;
}

/* Appends certificate `i` of a certChain, checked to be one DER SEQUENCE,
 * to ca->der. On failure ca->der is unchanged or grown by whole certs. */
static int ca_cert_append(ev__ca *ca, json_t *cert, const char *what, size_t i,
			  ae_err *err)
{
	unsigned char *der = NULL, *grown;
	size_t dl = 0;
	int rc;

	rc = ev__json_b64(&der, &dl, cert, "rawBytes", true,
			  "certChain rawBytes", err);
	if (rc < 0)
		return rc;
	if (!der_sequence(der, dl)) {
		free(der);
		return ae_fail(err, AE_EINVAL, "%s certificate %zu is not DER",
			       what, i);
	}
	grown = realloc(ca->der, ca->der_len + dl);
	if (grown == NULL) {
		free(der);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	memcpy(grown + ca->der_len, der, dl);
	ca->der = grown;
	ca->der_len += dl;
	free(der);
	return 0;
}

/* Reads one CertificateAuthority (Fulcio or TSA). */
static int ca_parse(ev__ca *ca, json_t *j, const char *what, ae_err *err)
{
	json_t *cc = json_object_get(j, "certChain");
	json_t *certs = cc ? json_object_get(cc, "certificates") : NULL;
	const char *uri = NULL;
	int rc;

	if (!json_is_object(j) || !json_is_array(certs) ||
	    json_array_size(certs) == 0)
		return ae_fail(err, AE_EINVAL, "%s has no certificates", what);
	if (json_array_size(certs) > EV__MAX_CHAIN_CERTS)
		return ae_fail(err, AE_ETOOBIG, "%s chain over %d certificates",
			       what, EV__MAX_CHAIN_CERTS);
	rc = window_parse(&ca->valid, json_object_get(j, "validFor"), what,
			  err);
	if (rc == 0)
		rc = ev__json_str(&uri, j, "uri", false, "uri", err);
	if (rc < 0)
		return rc;
	ca->uri = strdup(uri ? uri : "");
	if (ca->uri == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < json_array_size(certs); i++) {
		rc = ca_cert_append(ca, json_array_get(certs, i), what, i, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Parses the list `key` of the root with `one` into a new array. */
static int list_parse(void **arr, size_t *n, size_t elem, json_t *root,
		      const char *key,
		      int (*one)(void *, json_t *, const char *, ae_err *),
		      ae_err *err)
{
	json_t *l = json_object_get(root, key);
	size_t count;
	int rc;

	if (l == NULL)
		return 0;
	if (!json_is_array(l))
		return ae_fail(err, AE_EINVAL, "%s is not an array", key);
	count = json_array_size(l);
	if (count > EV__MAX_ROOT_ITEMS)
		return ae_fail(err, AE_ETOOBIG, "%s has %zu items, cap %d", key,
			       count, EV__MAX_ROOT_ITEMS);
	*arr = calloc(count ? count : 1, elem);
	if (*arr == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < count; i++) {
		*n = i + 1;
		rc = one((char *)*arr + i * elem, json_array_get(l, i), key,
			 err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int log_parse_v(void *l, json_t *j, const char *w, ae_err *err)
{
	return log_parse(l, j, w, err);
}

static int ca_parse_v(void *c, json_t *j, const char *w, ae_err *err)
{
	return ca_parse(c, j, w, err);
}

/* Parses a whole trusted root into the empty scratch set `t`. */
static int root_from_json(ev_trust *t, json_t *root, ae_err *err)
{
	const char *mt = NULL;
	char rb[AE_REPR_BUF];
	bool known = false;
	int rc;

	if (!json_is_object(root))
		return ae_fail(err, AE_EINVAL, "trusted root is not an object");
	rc = ev__json_str(&mt, root, "mediaType", true, "mediaType", err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < 3; i++)
		known = known || strcmp(mt, root_media_types[i]) == 0;
	if (!known)
		return ae_fail(err, AE_EINVAL,
			       "unknown trusted root media type %s",
			       ae_repr(rb, sizeof(rb), mt, strlen(mt)));
	rc = list_parse((void **)&t->tlogs, &t->ntlogs, sizeof(ev__log), root,
			"tlogs", log_parse_v, err);
	if (rc == 0)
		rc = list_parse((void **)&t->ctlogs, &t->nctlogs,
				sizeof(ev__log), root, "ctlogs", log_parse_v,
				err);
	if (rc == 0)
		rc = list_parse((void **)&t->cas, &t->ncas, sizeof(ev__ca),
				root, "certificateAuthorities", ca_parse_v,
				err);
	if (rc == 0)
		rc = list_parse((void **)&t->tsas, &t->ntsas, sizeof(ev__ca),
				root, "timestampAuthorities", ca_parse_v, err);
	return rc;
}

/* Moves the `n` items of `src` onto the end of the array *dst of *dn. */
static int append(void **dst, size_t *dn, void **src, size_t *sn, size_t elem,
		  ae_err *err)
{
	void *grown;

	if (*sn == 0)
		return 0;
	if (*dn + *sn > 4 * EV__MAX_ROOT_ITEMS)
		return ae_fail(err, AE_ETOOBIG, "trust set over %d items",
			       4 * EV__MAX_ROOT_ITEMS);
	grown = realloc(*dst, (*dn + *sn) * elem);
	if (grown == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy((char *)grown + *dn * elem, *src, *sn * elem);
	*dst = grown;
	*dn += *sn;
	free(*src);
	*src = NULL;
	*sn = 0;
	return 0;
}

int ev_trust_add_json(ev_trust *trust, const unsigned char *buf, size_t len,
		      ae_err *err)
{
	ev_trust scratch = {0};
	json_t *root = NULL;
	int rc;

	if (len > EV_TRUSTED_ROOT_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "trusted root is %zu bytes, cap %u", len,
			       EV_TRUSTED_ROOT_MAX_BYTES);
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	ev__json_drop_nulls(root); /* proto3: null = absent */
	rc = root_from_json(&scratch, root, err);
	if (rc < 0)
		goto done;
	/* Capacity first, so the moves below cannot fail halfway. */
	if (trust->ncas + scratch.ncas > 4 * EV__MAX_ROOT_ITEMS ||
	    trust->ntsas + scratch.ntsas > 4 * EV__MAX_ROOT_ITEMS ||
	    trust->ntlogs + scratch.ntlogs > 4 * EV__MAX_ROOT_ITEMS ||
	    trust->nctlogs + scratch.nctlogs > 4 * EV__MAX_ROOT_ITEMS) {
		rc = ae_fail(err, AE_ETOOBIG, "trust set over %d items",
			     4 * EV__MAX_ROOT_ITEMS);
		goto done;
	}
	rc = append((void **)&trust->cas, &trust->ncas, (void **)&scratch.cas,
		    &scratch.ncas, sizeof(ev__ca), err);
	if (rc == 0)
		rc = append((void **)&trust->tsas, &trust->ntsas,
			    (void **)&scratch.tsas, &scratch.ntsas,
			    sizeof(ev__ca), err);
	if (rc == 0)
		rc = append((void **)&trust->tlogs, &trust->ntlogs,
			    (void **)&scratch.tlogs, &scratch.ntlogs,
			    sizeof(ev__log), err);
	if (rc == 0)
		rc = append((void **)&trust->ctlogs, &trust->nctlogs,
			    (void **)&scratch.ctlogs, &scratch.nctlogs,
			    sizeof(ev__log), err);
done:
	trust_dispose(&scratch);
	json_decref(root);
	return rc;
}
