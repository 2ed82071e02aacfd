/* evidence/sigstore/bundle.c -- strict parser for Sigstore bundle JSON
 *
 * Turns bundle v0.1, v0.2 and v0.3 JSON (sigstore.md §1) into struct
 * ev_bundle. Everything structural is decided here, before any
 * cryptography: media type, exactly one content and one key material,
 * strict base64, non-negative integers, one DSSE signature, a chain that is
 * non-empty and carries no self-signed certificate, the per-version tlog
 * requirements (§1.5 table) and no duplicate entries. Nothing parsed here
 * is trusted yet; verify.c decides that.
 */
#include "evidence/sigstore/internal.h"

#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* Media types and the minor version they mean (sigstore.md §1.2). */
static const struct {
	const char *type;
	int minor;
} media_types[] = {
	{"application/vnd.dev.sigstore.bundle+json;version=0.1", 1},
	{"application/vnd.dev.sigstore.bundle+json;version=0.2", 2},
	{"application/vnd.dev.sigstore.bundle+json;version=0.3", 3},
	{"application/vnd.dev.sigstore.bundle.v0.3+json", 3},
};

static void entry_dispose(ev__tlog_entry *e)
{
	free(e->set);
	free(e->hashes);
	free(e->checkpoint);
	free(e->body);
}

void ev_bundle_free(ev_bundle *b)
{
	if (b == NULL)
		return;
	X509_free(b->leaf);
	sk_X509_pop_free(b->extra, X509_free);
	free(b->sig);
	free(b->payload);
	free(b->payload_type);
	for (size_t i = 0; i < b->nentries; i++)
		entry_dispose(&b->entries[i]);
	free(b->entries);
	for (size_t i = 0; i < b->ntsr; i++)
		free(b->tsr[i]);
	free(b->tsr);
	free(b->tsr_len);
	free(b);
}

bool ev_bundle_is_dsse(const ev_bundle *b)
{
	return b->dsse;
}

bool ev_bundle_has_cert(const ev_bundle *b)
{
	return b->leaf != NULL;
}

int ev_bundle_cert_identity(char ***sans_out, size_t *nsans_out,
			    char **issuer_out, const ev_bundle *b, ae_err *err)
{
	*sans_out = NULL;
	*nsans_out = 0;
	*issuer_out = NULL;
	if (b->leaf == NULL)
		return ae_fail(err, AE_EVERIFY,
			       "the bundle has no certificate");
	return ev__cert_identity(sans_out, nsans_out, issuer_out, b->leaf, err);
}

/* Decodes one DER certificate from {"rawBytes": b64}. */
static int cert_parse(X509 **out, json_t *obj, const char *what, ae_err *err)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!json_is_object(obj))
		return ae_fail(err, AE_EINVAL, "%s is not an object", what);
	rc = ev__json_b64(&der, &len, obj, "rawBytes", true, what, err);
	if (rc < 0)
		return rc;
	p = der;
	*out = d2i_X509(NULL, &p, (long)len);
	if (*out == NULL || p != der + len) {
		X509_free(*out);
		*out = NULL;
		rc = ae_fail(err, AE_EINVAL, "%s is not a DER certificate",
			     what);
	}
	free(der);
	return rc;
}

/* True iff `c` names itself as issuer and its signature verifies with its
 * own key: a root, which a bundle must never carry (sigstore.md §1.4). */
static bool cert_is_self_signed(X509 *c)
{
	EVP_PKEY *k = X509_get0_pubkey(c);

	if (X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)))
		return false;
	return k != NULL && X509_verify(c, k) == 1;
}

/* Reads x509CertificateChain (v0.1/v0.2): leaf first, the rest are
 * untrusted hints; an empty chain or one holding a root is rejected. */
static int chain_parse(ev_bundle *b, json_t *chain, ae_err *err)
{
	json_t *certs = json_object_get(chain, "certificates");
	X509 *c = NULL;
	size_t i, n;
	int rc;

	if (!json_is_array(certs) || json_array_size(certs) == 0)
		return ae_fail(err, AE_EINVAL, "certificate chain is empty");
	n = json_array_size(certs);
	if (n > EV__MAX_CHAIN_CERTS)
		return ae_fail(err, AE_ETOOBIG,
			       "certificate chain has %zu certificates, cap %d",
			       n, EV__MAX_CHAIN_CERTS);
	b->extra = sk_X509_new_null();
	if (b->extra == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (i = 0; i < n; i++) {
		rc = cert_parse(&c, json_array_get(certs, i),
				"chain certificate", err);
		if (rc < 0)
			return rc;
		if (cert_is_self_signed(c)) {
			X509_free(c);
			return ae_fail(err, AE_EINVAL,
				       "certificate chain contains a "
				       "self-signed (root) certificate");
		}
		if (i == 0) {
			b->leaf = c;
		} else if (!sk_X509_push(b->extra, c)) {
			X509_free(c);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		c = NULL;
	}
	return 0;
}

/* Reads verificationMaterial's key material: exactly one of certificate,
 * x509CertificateChain (not in v0.3), publicKey. */
static int material_parse(ev_bundle *b, json_t *vm, ae_err *err)
{
	json_t *cert = json_object_get(vm, "certificate");
	json_t *chain = json_object_get(vm, "x509CertificateChain");
	json_t *pk = json_object_get(vm, "publicKey");
	int n = (cert != NULL) + (chain != NULL) + (pk != NULL);

	if (n != 1)
		return ae_fail(err, AE_EINVAL,
			       "verification material must hold exactly one "
			       "of certificate, x509CertificateChain, "
			       "publicKey (has %d)",
			       n);
	if (pk != NULL) {
		if (!json_is_object(pk))
			return ae_fail(err, AE_EINVAL,
				       "publicKey is not an object");
		b->material = EV__MAT_PUBKEY;
		return 0;
	}
	b->material = EV__MAT_CERT;
	if (chain != NULL) {
		if (b->minor >= 3)
			return ae_fail(err, AE_EINVAL,
				       "a v0.3 bundle must not use "
				       "x509CertificateChain");
		return chain_parse(b, chain, err);
	}
	return cert_parse(&b->leaf, cert, "certificate", err);
}

/* Reads inclusionProof into `e` (sigstore.md §1.5). */
static int proof_parse(ev__tlog_entry *e, json_t *p, ae_err *err)
{
	json_t *hs = json_object_get(p, "hashes");
	json_t *cp = json_object_get(p, "checkpoint");
	unsigned char *h = NULL;
	size_t hl = 0, n;
	const char *env = NULL;
	int rc;

	if (!json_is_object(p))
		return ae_fail(err, AE_EINVAL,
			       "inclusionProof is not an object");
	e->has_proof = true;
	rc = ev__json_int64(&e->proof_index, p, "logIndex",
			    "inclusionProof.logIndex", err);
	if (rc == 0)
		rc = ev__json_int64(&e->tree_size, p, "treeSize",
				    "inclusionProof.treeSize", err);
	if (rc == 0)
		rc = ev__json_b64(&h, &hl, p, "rootHash", true,
				  "inclusionProof.rootHash", err);
	if (rc < 0)
		return rc;
	if (hl != 32) {
		free(h);
		return ae_fail(err, AE_EINVAL,
			       "inclusionProof.rootHash is %zu bytes, want 32",
			       hl);
	}
	memcpy(e->root_hash, h, 32);
	free(h);
	h = NULL;
	if (hs != NULL && !json_is_array(hs))
		return ae_fail(err, AE_EINVAL,
			       "inclusionProof.hashes is not an array");
	n = hs ? json_array_size(hs) : 0;
	if (n > EV__MAX_PROOF_HASHES)
		return ae_fail(err, AE_ETOOBIG,
			       "inclusion proof has %zu hashes, cap %d", n,
			       EV__MAX_PROOF_HASHES);
	e->hashes = calloc(n ? n : 1, 32);
	if (e->hashes == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(hs, i);
		if (!json_is_string(v) ||
		    ev__b64_proto(&h, &hl, json_string_value(v),
				  json_string_length(v), "inclusion proof hash",
				  NULL) < 0)
			return ae_fail(err, AE_EINVAL,
				       "inclusion proof hash %zu is not base64",
				       i);
		if (hl != 32) {
			free(h);
			return ae_fail(err, AE_EINVAL,
				       "inclusion proof hash %zu is %zu bytes",
				       i, hl);
		}
		memcpy(e->hashes[i], h, 32);
		free(h);
		e->nhashes++;
	}
	if (cp == NULL)
		return 0; /* v0.1 may omit it; the verifier decides */
	if (!json_is_object(cp))
		return ae_fail(err, AE_EINVAL, "checkpoint is not an object");
	rc = ev__json_str(&env, cp, "envelope", true, "checkpoint.envelope",
			  err);
	if (rc < 0)
		return rc;
	e->checkpoint_len = strlen(env);
	e->checkpoint = strdup(env);
	if (e->checkpoint == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* Copies a short string member into a fixed field. */
static int short_str(char *dst, size_t cap, json_t *obj, const char *key,
		     const char *what, ae_err *err)
{
	const char *s = NULL;
	int rc = ev__json_str(&s, obj, key, true, what, err);

	if (rc < 0)
		return rc;
	if (strlen(s) >= cap || s[0] == '\0')
		return ae_fail(err, AE_EINVAL, "%s has a bad length", what);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* Reads one transparencyLogEntry. */
static int entry_parse(ev__tlog_entry *e, json_t *j, ae_err *err)
{
	json_t *lid = json_object_get(j, "logId");
	json_t *kv = json_object_get(j, "kindVersion");
	json_t *ip = json_object_get(j, "inclusionPromise");
	json_t *pr = json_object_get(j, "inclusionProof");
	unsigned char *id = NULL;
	size_t idl = 0;
	int rc;

	if (!json_is_object(j) || !json_is_object(lid) || !json_is_object(kv))
		return ae_fail(err, AE_EINVAL,
			       "tlog entry lacks logId or kindVersion");
	rc = ev__json_int64(&e->log_index, j, "logIndex", "logIndex", err);
	if (rc == 0)
		rc = ev__json_int64(&e->integrated_time, j, "integratedTime",
				    "integratedTime", err);
	if (rc == 0)
		rc = short_str(e->kind, sizeof(e->kind), kv, "kind",
			       "kindVersion.kind", err);
	if (rc == 0)
		rc = short_str(e->version, sizeof(e->version), kv, "version",
			       "kindVersion.version", err);
	if (rc == 0)
		rc = ev__json_b64(&id, &idl, lid, "keyId", true, "logId.keyId",
				  err);
	if (rc < 0)
		return rc;
	if (idl != 32) {
		free(id);
		return ae_fail(err, AE_EINVAL, "logId.keyId is %zu bytes", idl);
	}
	memcpy(e->log_id, id, 32);
	free(id);
	rc = ev__json_b64(&e->body, &e->body_len, j, "canonicalizedBody", true,
			  "canonicalizedBody", err);
	if (rc == 0 && ip != NULL) {
		if (!json_is_object(ip))
			return ae_fail(err, AE_EINVAL,
				       "inclusionPromise is not an object");
		rc = ev__json_b64(&e->set, &e->set_len, ip,
				  "signedEntryTimestamp", true,
				  "signedEntryTimestamp", err);
	}
	if (rc == 0 && pr != NULL)
		rc = proof_parse(e, pr, err);
	return rc;
}

/* Per-version requirements (sigstore.md §1.5 table) and no duplicates. */
static int entries_check(const ev_bundle *b, ae_err *err)
{
	for (size_t i = 0; i < b->nentries; i++) {
		const ev__tlog_entry *e = &b->entries[i];
		if (b->minor == 1 && e->set == NULL)
			return ae_fail(err, AE_EINVAL,
				       "v0.1 tlog entry has no inclusion "
				       "promise");
		if (b->minor >= 2 && !e->has_proof)
			return ae_fail(err, AE_EINVAL,
				       "tlog entry has no inclusion proof");
		if (b->minor >= 2 && e->checkpoint == NULL)
			return ae_fail(err, AE_EINVAL,
				       "inclusion proof has no checkpoint");
		for (size_t k = 0; k < i; k++) {
			const ev__tlog_entry *o = &b->entries[k];
			if (memcmp(o->log_id, e->log_id, 32) == 0 &&
			    o->body_len == e->body_len &&
			    memcmp(o->body, e->body, e->body_len) == 0)
				return ae_fail(err, AE_EINVAL,
					       "duplicate tlog entry");
		}
	}
	return 0;
}

/* Reads tlogEntries (at least one) and the RFC 3161 timestamps. */
static int vm_lists_parse(ev_bundle *b, json_t *vm, ae_err *err)
{
	json_t *tl = json_object_get(vm, "tlogEntries");
	json_t *tvd = json_object_get(vm, "timestampVerificationData");
	json_t *ts = tvd ? json_object_get(tvd, "rfc3161Timestamps") : NULL;
	size_t n;
	int rc;

	/* None is well-formed (proto3: an absent repeated field is empty);
	 * the verifier requires one unless the caller ignores the log. */
	if (tl != NULL && !json_is_array(tl))
		return ae_fail(err, AE_EINVAL, "tlogEntries is not an array");
	n = tl ? json_array_size(tl) : 0;
	if (n > EV__MAX_TLOG_ENTRIES)
		return ae_fail(err, AE_ETOOBIG, "%zu tlog entries, cap %d", n,
			       EV__MAX_TLOG_ENTRIES);
	b->entries = calloc(n ? n : 1, sizeof(*b->entries));
	if (b->entries == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		b->nentries++;
		rc = entry_parse(&b->entries[i], json_array_get(tl, i), err);
		if (rc < 0)
			return rc;
	}
	if (ts != NULL && !json_is_array(ts))
		return ae_fail(err, AE_EINVAL,
			       "rfc3161Timestamps is not an array");
	n = ts ? json_array_size(ts) : 0;
	if (n > EV__MAX_TIMESTAMPS)
		return ae_fail(err, AE_ETOOBIG, "%zu timestamps, cap %d", n,
			       EV__MAX_TIMESTAMPS);
	b->tsr = calloc(n ? n : 1, sizeof(*b->tsr));
	b->tsr_len = calloc(n ? n : 1, sizeof(*b->tsr_len));
	if (b->tsr == NULL || b->tsr_len == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(ts, i);
		if (!json_is_object(t))
			return ae_fail(err, AE_EINVAL,
				       "timestamp is not an object");
		b->ntsr++;
		rc = ev__json_b64(&b->tsr[i], &b->tsr_len[i], t,
				  "signedTimestamp", true, "signedTimestamp",
				  err);
		if (rc < 0)
			return rc;
	}
	return entries_check(b, err);
}

/* Reads messageDigest {algorithm, digest}: SHA2_256/384/512, or no
 * algorithm (proto3's zero value, HASH_ALGORITHM_UNSPECIFIED: the log
 * entry or the default then decides, the verifier checks the length). */
static int digest_parse(ev_bundle *b, json_t *md, ae_err *err)
{
	const char *alg = NULL;
	unsigned char *d = NULL;
	char rb[AE_REPR_BUF];
	size_t dl = 0;
	int rc;

	if (!json_is_object(md))
		return ae_fail(err, AE_EINVAL,
			       "messageDigest is not an object");
	rc = ev__json_str(&alg, md, "algorithm", false,
			  "messageDigest.algorithm", err);
	if (rc == 0 && alg != NULL && !ev__hash_from_name(&b->digest_alg, alg))
		rc = ae_fail(err, AE_EINVAL,
			     "messageDigest algorithm %s is not supported "
			     "(SHA2_256, SHA2_384, SHA2_512)",
			     ae_repr(rb, sizeof(rb), alg, strlen(alg)));
	if (rc == 0)
		rc = ev__json_b64(&d, &dl, md, "digest", true,
				  "messageDigest.digest", err);
	if (rc == 0 && (dl == 0 || dl > EV__HASH_MAX_LEN ||
			(b->digest_alg != EV__HASH_UNSPECIFIED &&
			 dl != ev__hash_len(b->digest_alg))))
		rc = ae_fail(err, AE_EINVAL,
			     "messageDigest is %zu bytes, not a %s digest", dl,
			     ev__hash_proto_name(b->digest_alg));
	if (rc == 0) {
		memcpy(b->digest, d, dl);
		b->digest_len = dl;
		b->has_digest = true;
	}
	free(d);
	return rc;
}

/* Reads messageSignature: signature over the artifact, digest hint. */
static int message_parse(ev_bundle *b, json_t *ms, ae_err *err)
{
	json_t *md = json_object_get(ms, "messageDigest");
	int rc;

	if (!json_is_object(ms))
		return ae_fail(err, AE_EINVAL,
			       "messageSignature is not an object");
	rc = ev__json_b64(&b->sig, &b->sig_len, ms, "signature", true,
			  "messageSignature.signature", err);
	if (rc < 0 || md == NULL)
		return rc;
	return digest_parse(b, md, err);
}

/* Reads dsseEnvelope: payload, payloadType, exactly one signature. */
static int dsse_parse(ev_bundle *b, json_t *env, ae_err *err)
{
	json_t *sigs = json_object_get(env, "signatures");
	const char *pt = NULL;
	int rc;

	if (!json_is_object(env))
		return ae_fail(err, AE_EINVAL, "dsseEnvelope is not an object");
	b->dsse = true;
	rc = ev__json_b64(&b->payload, &b->payload_len, env, "payload", true,
			  "dsseEnvelope.payload", err);
	if (rc == 0)
		rc = ev__json_str(&pt, env, "payloadType", true,
				  "dsseEnvelope.payloadType", err);
	if (rc < 0)
		return rc;
	b->payload_type = strdup(pt);
	if (b->payload_type == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (!json_is_array(sigs) || json_array_size(sigs) != 1)
		return ae_fail(err, AE_EINVAL,
			       "DSSE envelope must have exactly one signature");
	if (!json_is_object(json_array_get(sigs, 0)))
		return ae_fail(err, AE_EINVAL,
			       "DSSE signature is not an object");
	return ev__json_b64(&b->sig, &b->sig_len, json_array_get(sigs, 0),
			    "sig", true, "DSSE signature", err);
}

/* Reads the top level of an already loaded bundle document. */
static int bundle_from_json(ev_bundle *b, json_t *root, ae_err *err)
{
	json_t *vm = json_object_get(root, "verificationMaterial");
	json_t *ms = json_object_get(root, "messageSignature");
	json_t *de = json_object_get(root, "dsseEnvelope");
	const char *mt = NULL;
	char rb[AE_REPR_BUF];
	int rc;

	if (!json_is_object(root))
		return ae_fail(err, AE_EINVAL, "bundle is not a JSON object");
	rc = ev__json_str(&mt, root, "mediaType", true, "mediaType", err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < sizeof(media_types) / sizeof(media_types[0]);
	     i++)
		if (strcmp(mt, media_types[i].type) == 0)
			b->minor = media_types[i].minor;
	if (b->minor == 0)
		return ae_fail(err, AE_EINVAL, "unknown bundle media type %s",
			       ae_repr(rb, sizeof(rb), mt, strlen(mt)));
	if (!json_is_object(vm))
		return ae_fail(err, AE_EINVAL,
			       "bundle has no verificationMaterial");
	if ((ms != NULL) == (de != NULL))
		return ae_fail(err, AE_EINVAL,
			       "bundle must hold exactly one of "
			       "messageSignature and dsseEnvelope");
	rc = material_parse(b, vm, err);
	if (rc == 0)
		rc = vm_lists_parse(b, vm, err);
	if (rc == 0)
		rc = ms ? message_parse(b, ms, err) : dsse_parse(b, de, err);
	return rc;
}

int ev_bundle_parse(ev_bundle **out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	ev_bundle *b = NULL;
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if (len > EV_BUNDLE_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG, "bundle is %zu bytes, cap %u",
			       len, EV_BUNDLE_MAX_BYTES);
	rc = ae_json_parse((void **)&root, buf, len, err);
	if (rc < 0)
		return rc;
	ev__json_drop_nulls(root); /* proto3: null = absent */
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = bundle_from_json(b, root, err);
	if (rc < 0)
		goto done;
	*out = b;
	b = NULL;
done:
	ev_bundle_free(b);
	json_decref(root);
	return rc;
}
