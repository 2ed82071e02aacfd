/* evidence/sigstore_root.c -- trusted_root.json into CA and log arrays
 *
 * A trust set is the union of trusted roots (sigstore.md §2): the embedded
 * public-good root, plus any root the caller adds with --trusted-root, as
 * the reference verifier does for private Sigstore stacks. Each root is
 * parsed in full into a scratch set and appended only when every part of it
 * is valid, so a bad root never half-applies. A validFor without start
 * rejects the whole root (sigstore.md §2.1, §10 item 1).
 */
#include "evidence/internal.h"

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
	free(ca->uri);
	memset(ca, 0, sizeof(*ca));
}

void ev__log_dispose(ev__log *log)
{
	EVP_PKEY_free(log->key);
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

int ev_trust_new_default(ev_trust **out, ae_err *err)
{
	ev_trust *t = NULL;
	int rc;

	*out = NULL;
	rc = ev_trust_new_empty(&t, err);
	if (rc == 0)
		rc = ev_trust_add_json(
			t, (const unsigned char *)ev__public_good_root,
			ev__public_good_root_len, err);
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
	const unsigned char *p;
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
	p = der;
	log->key = d2i_PUBKEY(NULL, &p, (long)dl);
	if (log->key == NULL && json_is_string(kd) &&
	    strncmp(json_string_value(kd), "PKCS1_RSA", 9) == 0) {
		/* PKCS1_RSA_* keys are a bare RSAPublicKey, not SPKI */
		EVP_PKEY_free(log->key);
		ERR_clear_error();
		p = der;
		log->key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)dl);
	}
	if (log->key == NULL || p != der + dl) {
		rc = ae_fail(err, AE_EINVAL, "%s public key is not DER SPKI",
			     what);
		goto done;
	}
	log->base_url = strdup(url);
	log->origin = url_host(url);
	if (log->base_url == NULL || log->origin == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	free(der);
	free(id);
	return rc;
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
	ca->chain = sk_X509_new_null();
	if (ca->uri == NULL || ca->chain == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < json_array_size(certs); i++) {
		unsigned char *der = NULL;
		const unsigned char *p;
		size_t dl = 0;
		X509 *c;

		rc = ev__json_b64(&der, &dl, json_array_get(certs, i),
				  "rawBytes", true, "certChain rawBytes", err);
		if (rc < 0)
			return rc;
		p = der;
		c = d2i_X509(NULL, &p, (long)dl);
		if (c == NULL || p != der + dl || !sk_X509_push(ca->chain, c)) {
			X509_free(c);
			free(der);
			return ae_fail(err, AE_EINVAL,
				       "%s certificate %zu is not DER", what,
				       i);
		}
		free(der);
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
