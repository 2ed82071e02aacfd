/* evidence/signer/rekor.c -- logging a signature in Rekor v1 or v2
 *
 * A keyless signature is only worth something once it is in the
 * transparency log: the bundle carries the logged body, its inclusion proof
 * and the checkpoint it reaches (sigstore.md §1.5, §11.4-5). Before we put
 * the log's answer in a bundle we check what we can without the log's key:
 * the body is the one we asked for (our signature, our digest) and the
 * proof really reproduces the root the checkpoint states. The signatures
 * on SET and checkpoint are left to the verifier's self-check, which holds
 * the trusted root.
 */
#include "evidence/signer/internal.h"

#include <stdlib.h>
#include <string.h>

#define REKOR_MAX_PROOF_HASHES 64 /* a tree of 2^64 leaves needs 64 */
#define REKOR_KEY_DETAILS      "PKIX_ECDSA_P256_SHA_256"

/* An inclusion proof, decoded. */
typedef struct rekor_proof {
	uint64_t index, size;
	unsigned char root[32];
	unsigned char hashes[REKOR_MAX_PROOF_HASHES * 32];
	size_t n;
	const char *checkpoint; /* borrowed from the answer */
} rekor_proof;

/* A non-negative integer given as a JSON number or decimal string;
 * absent = 0 (protobuf JSON omits zero values). */
static int rekor_u64(uint64_t *out, json_t *v, const char *what, ae_err *err)
{
	const char *s;
	uint64_t x = 0;

	*out = 0;
	if (v == NULL)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	s = json_string_value(v);
	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return ae_fail(err, AE_EINVAL, "rekor %s is not an integer",
			       what);
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ae_fail(err, AE_EINVAL,
				       "rekor %s is not an integer", what);
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*out = x;
	return 0;
}

/* Decodes exactly 32 bytes from hex (v1) or base64 (v2). */
static int rekor_hash(unsigned char out[32], json_t *v, bool hex,
		      const char *what, ae_err *err)
{
	const char *s = json_string_value(v);
	unsigned char *raw = NULL;
	size_t len = 0;

	if (s != NULL && hex && ae_is_lower_hex(s, 64)) {
		for (size_t i = 0; i < 32; i++)
			out[i] = (unsigned char)(ae_hex_digit(s[2 * i]) << 4 |
						 ae_hex_digit(s[2 * i + 1]));
		return 0;
	}
	if (s != NULL && !hex &&
	    ae_base64_decode(&raw, &len, s, strlen(s), NULL) == 0 &&
	    len == 32) {
		memcpy(out, raw, 32);
		free(raw);
		return 0;
	}
	free(raw);
	return ae_fail(err, AE_EINVAL, "rekor %s is not a 32-byte hash", what);
}

/* Reads the proof object (v1: hex hashes, checkpoint string; v2: base64,
 * checkpoint.envelope). */
static int rekor_proof_read(rekor_proof *p, json_t *proof, bool v1, ae_err *err)
{
	json_t *hashes = json_object_get(proof, "hashes");
	json_t *cp = json_object_get(proof, "checkpoint");
	int rc;

	if (!json_is_object(proof))
		return ae_fail(err, AE_EINVAL,
			       "rekor answer has no inclusion proof");
	rc = rekor_u64(&p->index, json_object_get(proof, "logIndex"),
		       "proof logIndex", err);
	if (rc == 0)
		rc = rekor_u64(&p->size, json_object_get(proof, "treeSize"),
			       "proof treeSize", err);
	if (rc == 0)
		rc = rekor_hash(p->root, json_object_get(proof, "rootHash"), v1,
				"rootHash", err);
	if (rc < 0)
		return rc;
	if (hashes != NULL && !json_is_array(hashes))
		return ae_fail(err, AE_EINVAL, "rekor proof hashes not a list");
	p->n = json_array_size(hashes);
	if (p->n > REKOR_MAX_PROOF_HASHES)
		return ae_fail(err, AE_ETOOBIG,
			       "rekor proof has %zu hashes, cap %d", p->n,
			       REKOR_MAX_PROOF_HASHES);
	for (size_t i = 0; i < p->n && rc == 0; i++)
		rc = rekor_hash(p->hashes + 32 * i, json_array_get(hashes, i),
				v1, "proof hash", err);
	p->checkpoint =
		json_string_value(v1 ? cp : json_object_get(cp, "envelope"));
	if (rc == 0 && p->checkpoint == NULL)
		rc = ae_fail(err, AE_EINVAL, "rekor proof has no checkpoint");
	return rc;
}

/* Checks the proof for `body` and the checkpoint it reaches. */
static int rekor_proof_check(const rekor_proof *p, const unsigned char *body,
			     size_t body_len, ae_err *err)
{
	unsigned char leaf[32];
	/* the verifier's own checks (evidence/sigstore): one copy of each */
	int rc = ev_merkle_leaf_hash(leaf, body, body_len, err);

	if (rc < 0)
		return rc;
	rc = ev_merkle_inclusion_check(leaf, p->index, p->size, p->hashes, p->n,
				       p->root, err);
	if (rc == 0)
		rc = ev_checkpoint_check(p->checkpoint, strlen(p->checkpoint),
					 p->size, p->root, err);
	if (rc < 0)
		ae_fail(err, AE_EVERIFY,
			"rekor inclusion proof does not verify");
	return rc < 0 ? AE_EVERIFY : 0;
}

/* Looks up a dotted path of object keys. */
static json_t *rekor_get(json_t *v, const char *path)
{
	char key[64];

	while (v != NULL && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

static bool rekor_str_is(json_t *v, const char *want)
{
	return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* The logged body must record our signature over our digest or payload
 * (sigstore.md §6): a log that logged something else cannot vouch for
 * this signature. */
static int rekor_body_check(const unsigned char *body, size_t len, int version,
			    const ev__tlog_req *req, const char *sig_b64,
			    ae_err *err)
{
	json_t *doc = NULL, *sig, *hash;
	char hex[65], *digest_b64 = NULL;
	unsigned char ph[32];
	bool ok;
	int rc;

	rc = ae_json_parse((void **)&doc, body, len, NULL);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL, "rekor entry body is not JSON");
	if (req->dsse && version == 1) {
		sig = rekor_get(doc, "spec.signatures");
		hash = rekor_get(doc, "spec.payloadHash.value");
	} else if (req->dsse) {
		sig = rekor_get(doc, "spec.dsseV002.signatures");
		hash = rekor_get(doc, "spec.dsseV002.payloadHash.digest");
	} else if (version == 1) {
		sig = rekor_get(doc, "spec.signature.content");
		hash = rekor_get(doc, "spec.data.hash.value");
	} else {
		sig = rekor_get(doc, "spec.hashedRekordV002.signature.content");
		hash = rekor_get(doc, "spec.hashedRekordV002.data.digest");
	}
	if (req->dsse)
		sig = json_array_size(sig) == 1
			      ? json_object_get(json_array_get(sig, 0),
						version == 1 ? "signature"
							     : "content")
			      : NULL;
	if (req->dsse) {
		unsigned char *payload = NULL;
		size_t plen = 0;

		rc = ae_base64_decode(&payload, &plen, req->payload_b64,
				      strlen(req->payload_b64), err);
		if (rc < 0)
			goto done;
		ae_sha256(ph, payload, plen);
		free(payload);
	} else {
		memcpy(ph, req->digest, 32);
	}
	ae_hex_encode(hex, ph, 32);
	rc = ae_base64_encode(&digest_b64, ph, 32, err);
	if (rc < 0)
		goto done;
	ok = rekor_str_is(rekor_get(doc, "kind"),
			  req->dsse ? "dsse" : "hashedrekord") &&
	     rekor_str_is(sig, sig_b64) &&
	     rekor_str_is(hash, version == 1 ? hex : digest_b64);
	if (!ok)
		rc = ae_fail(err, AE_EVERIFY,
			     "rekor logged a body that does not record our "
			     "signature");
done:
	free(digest_b64);
	json_decref(doc);
	return rc;
}

/* Wraps a non-negative integer as the protobuf-JSON decimal string. */
static json_t *rekor_int64(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return json_string(s);
}

static json_t *rekor_b64(const unsigned char *data, size_t len)
{
	char *s = NULL;
	json_t *j;

	if (ae_base64_encode(&s, data, len, NULL) < 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

/* Builds the bundle TransparencyLogEntry from checked values (zero values
 * omitted, sigstore.md §1.1). `set` may be NULL (v2). */
static json_t *rekor_entry(uint64_t log_index, const unsigned char log_id[32],
			   const char *kind, const char *version,
			   int64_t integrated_time, json_t *set,
			   const rekor_proof *p, const char *body_b64)
{
	json_t *e = json_object(), *proof = json_object();
	json_t *hashes = json_array();

	if (e == NULL || proof == NULL || hashes == NULL)
		goto fail;
	if (log_index != 0)
		json_object_set_new(e, "logIndex", rekor_int64(log_index));
	json_object_set_new(e, "logId",
			    json_pack("{s:o}", "keyId", rekor_b64(log_id, 32)));
	json_object_set_new(
		e, "kindVersion",
		json_pack("{s:s,s:s}", "kind", kind, "version", version));
	if (integrated_time != 0)
		json_object_set_new(e, "integratedTime",
				    rekor_int64((uint64_t)integrated_time));
	if (set != NULL)
		json_object_set_new(
			e, "inclusionPromise",
			json_pack("{s:O}", "signedEntryTimestamp", set));
	if (p->index != 0)
		json_object_set_new(proof, "logIndex", rekor_int64(p->index));
	json_object_set_new(proof, "rootHash", rekor_b64(p->root, 32));
	json_object_set_new(proof, "treeSize", rekor_int64(p->size));
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(hashes,
				      rekor_b64(p->hashes + 32 * i, 32));
	if (p->n > 0)
		json_object_set(proof, "hashes", hashes);
	json_object_set_new(proof, "checkpoint",
			    json_pack("{s:s}", "envelope", p->checkpoint));
	json_object_set(e, "inclusionProof", proof);
	json_object_set_new(e, "canonicalizedBody", json_string(body_b64));
	json_decref(hashes);
	json_decref(proof);
	return e;
fail:
	json_decref(e);
	json_decref(proof);
	json_decref(hashes);
	return NULL;
}

/* The proposed entry or create request (sigstore.md §11.4-5). */
static json_t *rekor_request(int version, const ev__tlog_req *req,
			     const char *sig_b64, const char *pem_b64,
			     const char *der_b64, const char *digest)
{
	json_t *verifier;

	if (version == 1 && req->dsse)
		return json_pack("{s:s,s:s,s:{s:{s:s,s:[s]}}}", "apiVersion",
				 "0.0.1", "kind", "dsse", "spec",
				 "proposedContent", "envelope",
				 req->envelope_json, "verifiers", pem_b64);
	if (version == 1)
		return json_pack(
			"{s:s,s:s,s:{s:{s:{s:s,s:s}},s:{s:s,s:{s:s}}}}",
			"apiVersion", "0.0.1", "kind", "hashedrekord", "spec",
			"data", "hash", "algorithm", "sha256", "value", digest,
			"signature", "content", sig_b64, "publicKey", "content",
			pem_b64);
	verifier = json_pack("{s:{s:s},s:s}", "x509Certificate", "rawBytes",
			     der_b64, "keyDetails", REKOR_KEY_DETAILS);
	if (req->dsse)
		return json_pack("{s:{s:{s:s,s:s,s:[{s:s,s:s}]},s:[o]}}",
				 "dsseRequestV002", "envelope", "payload",
				 req->payload_b64, "payloadType",
				 req->payload_type, "signatures", "sig",
				 sig_b64, "keyid", "", "verifiers", verifier);
	return json_pack("{s:{s:s,s:{s:s,s:o}}}", "hashedRekordRequestV002",
			 "digest", digest, "signature", "content", sig_b64,
			 "verifier", verifier);
}

/* The entry a v1 answer is keyed by must be the body's: its UUID ends in
 * the 64 hex of the body's leaf hash (a tree ID may come first). */
static int rekor_uuid_check(const char *uuid, const unsigned char *body,
			    size_t body_len, ae_err *err)
{
	unsigned char leaf[32];
	char hex[65];
	size_t n = strlen(uuid);
	int rc = ev_merkle_leaf_hash(leaf, body, body_len, err);

	if (rc < 0)
		return rc;
	ae_hex_encode(hex, leaf, 32);
	if (n < 64 || strcmp(uuid + n - 64, hex) != 0)
		return ae_fail(err, AE_EVERIFY,
			       "rekor entry uuid is not its body's leaf hash");
	return 0;
}

/* Parses a Rekor v1 answer {"<uuid>": {...}} into the bundle entry; with
 * `check_uuid`, the key must be the body's UUID (an entry fetched by
 * UUID after a 409). */
static int rekor_v1_answer(json_t **out, int64_t *log_index, json_t *doc,
			   const ev__tlog_req *req, const char *sig_b64,
			   bool check_uuid, ae_err *err)
{
	json_t *e = NULL;
	const char *body_b64;
	unsigned char *body = NULL, log_id[32];
	size_t body_len = 0;
	uint64_t idx = 0, itime = 0;
	rekor_proof *p = calloc(1, sizeof(*p));
	int rc = p ? 0 : ae_fail(err, AE_ERR, "out of memory");

	if (rc == 0 && (!json_is_object(doc) || json_object_size(doc) != 1))
		rc = ae_fail(err, AE_EINVAL,
			     "rekor answer is not one entry keyed by uuid");
	if (rc < 0)
		goto done;
	e = json_object_iter_value(json_object_iter(doc));
	body_b64 = json_string_value(json_object_get(e, "body"));
	if (body_b64 == NULL || ae_base64_decode(&body, &body_len, body_b64,
						 strlen(body_b64), NULL) < 0) {
		rc = ae_fail(err, AE_EINVAL, "rekor entry has no base64 body");
		goto done;
	}
	rc = rekor_u64(&idx, json_object_get(e, "logIndex"), "logIndex", err);
	if (rc == 0)
		rc = rekor_u64(&itime, json_object_get(e, "integratedTime"),
			       "integratedTime", err);
	if (rc == 0)
		rc = rekor_hash(log_id, json_object_get(e, "logID"), true,
				"logID", err);
	if (rc == 0 &&
	    !json_is_string(rekor_get(e, "verification.signedEntryTimestamp")))
		rc = ae_fail(err, AE_EINVAL,
			     "rekor entry has no signed entry timestamp");
	if (rc == 0)
		rc = rekor_proof_read(
			p, rekor_get(e, "verification.inclusionProof"), true,
			err);
	if (rc == 0)
		rc = rekor_body_check(body, body_len, 1, req, sig_b64, err);
	if (rc == 0 && check_uuid)
		rc = rekor_uuid_check(
			json_object_iter_key(json_object_iter(doc)), body,
			body_len, err);
	if (rc == 0)
		rc = rekor_proof_check(p, body, body_len, err);
	if (rc < 0)
		goto done;
	*out = rekor_entry(idx, log_id, req->dsse ? "dsse" : "hashedrekord",
			   "0.0.1", (int64_t)itime,
			   rekor_get(e, "verification.signedEntryTimestamp"), p,
			   body_b64);
	*log_index = (int64_t)idx;
	if (*out == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	free(body);
	free(p);
	return rc;
}

/* Parses a Rekor v2 answer (a TransparencyLogEntry) into the bundle
 * entry, rebuilt from the checked values. */
static int rekor_v2_answer(json_t **out, int64_t *log_index, json_t *e,
			   const ev__tlog_req *req, const char *sig_b64,
			   ae_err *err)
{
	const char *body_b64 =
		json_string_value(json_object_get(e, "canonicalizedBody"));
	const char *kind = req->dsse ? "dsse" : "hashedrekord";
	unsigned char *body = NULL, log_id[32];
	size_t body_len = 0;
	uint64_t idx = 0;
	rekor_proof *p = calloc(1, sizeof(*p));
	int rc = p ? 0 : ae_fail(err, AE_ERR, "out of memory");

	if (rc == 0 &&
	    (body_b64 == NULL || ae_base64_decode(&body, &body_len, body_b64,
						  strlen(body_b64), NULL) < 0))
		rc = ae_fail(err, AE_EINVAL,
			     "rekor v2 entry has no base64 canonicalizedBody");
	if (rc == 0 &&
	    (!rekor_str_is(rekor_get(e, "kindVersion.kind"), kind) ||
	     !rekor_str_is(rekor_get(e, "kindVersion.version"), "0.0.2")))
		rc = ae_fail(err, AE_EINVAL, "rekor v2 entry is not %s 0.0.2",
			     kind);
	if (rc == 0)
		rc = rekor_u64(&idx, json_object_get(e, "logIndex"), "logIndex",
			       err);
	if (rc == 0)
		rc = rekor_hash(log_id, rekor_get(e, "logId.keyId"), false,
				"logId", err);
	if (rc == 0)
		rc = rekor_proof_read(p, json_object_get(e, "inclusionProof"),
				      false, err);
	if (rc == 0)
		rc = rekor_body_check(body, body_len, 2, req, sig_b64, err);
	if (rc == 0)
		rc = rekor_proof_check(p, body, body_len, err);
	/* A v2 entry has no SET: its logIndex is covered by nothing but the
	 * inclusion proof, which proves the proof's own index. */
	if (rc == 0 && idx != p->index)
		rc = ae_fail(err, AE_EVERIFY,
			     "rekor v2 logIndex %llu is not the index its "
			     "inclusion proof proves (%llu)",
			     (unsigned long long)idx,
			     (unsigned long long)p->index);
	if (rc < 0)
		goto done;
	*out = rekor_entry(idx, log_id, kind, "0.0.2", 0, NULL, p, body_b64);
	*log_index = (int64_t)idx;
	if (*out == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	free(body);
	free(p);
	return rc;
}

/* Encodings the requests need; all free()d by the caller. */
static int rekor_encodings(char **sig_b64, char **pem_b64, char **der_b64,
			   char **digest, int version, const ev__tlog_req *req,
			   ae_err *err)
{
	int rc;

	rc = ae_base64_encode(sig_b64, req->sig, req->sig_len, err);
	if (rc == 0)
		rc = ae_base64_encode(pem_b64, req->cert->pem,
				      strlen(req->cert->pem), err);
	if (rc == 0)
		rc = ae_base64_encode(der_b64, req->cert->der,
				      req->cert->der_len, err);
	if (rc < 0)
		return rc;
	if (version == 1) {
		*digest = malloc(65);
		if (*digest == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		ae_hex_encode(*digest, req->digest, 32);
		return 0;
	}
	return ae_base64_encode(digest, req->digest, 32, err);
}

/* Maps the Rekor status to an error: 0 for 200/201, 1 for a v1 409 that
 * names the entry it holds (Location), to be fetched. */
static int rekor_status(const ev__http_resp *resp, int version, ae_err *err)
{
	char rbuf[AE_REPR_BUF];

	switch (resp->status) {
	case 200:
	case 201:
		return 0;
	case 409:
		if (version == 1 && resp->location != NULL)
			return 1;
		return ae_fail(err, AE_EEXISTS,
			       "rekor already holds this entry (HTTP 409) and "
			       "does not say where");
	default:
		return ae_fail(err, AE_EINVAL,
			       "unexpected HTTP %ld from rekor: %s",
			       resp->status,
			       ae_repr(rbuf, sizeof(rbuf), resp->body.data,
				       resp->body.len));
	}
}

static int rekor_parse(json_t **entry_out, int64_t *log_index_out,
		       const unsigned char *body, size_t len, int version,
		       const ev__tlog_req *req, bool check_uuid, ae_err *err)
{
	json_t *doc = NULL;
	char *sig_b64 = NULL;
	int rc;

	*entry_out = NULL;
	*log_index_out = 0;
	rc = ae_base64_encode(&sig_b64, req->sig, req->sig_len, err);
	if (rc == 0 && ae_json_parse((void **)&doc, body, len, NULL) < 0)
		rc = ae_fail(err, AE_EINVAL, "rekor answer is not JSON");
	if (rc == 0)
		rc = version == 1
			     ? rekor_v1_answer(entry_out, log_index_out, doc,
					       req, sig_b64, check_uuid, err)
			     : rekor_v2_answer(entry_out, log_index_out, doc,
					       req, sig_b64, err);
	json_decref(doc);
	free(sig_b64);
	return rc;
}

int ev__rekor_answer_parse(json_t **entry_out, int64_t *log_index_out,
			   const unsigned char *body, size_t len, int version,
			   const ev__tlog_req *req, ae_err *err)
{
	return rekor_parse(entry_out, log_index_out, body, len, version, req,
			   false, err);
}

int ev__rekor_location_uuid(char uuid[81], const char *location, ae_err *err)
{
	static const char path[] = "/api/v1/log/entries/";
	const char *p = strstr(location, path);
	char rbuf[AE_REPR_BUF];
	size_t n;

	if (p != NULL) {
		p += sizeof(path) - 1;
		n = strlen(p);
		if ((n == 64 || n == 80) && ae_is_lower_hex(p, n)) {
			memcpy(uuid, p, n + 1);
			return 0;
		}
	}
	return ae_fail(err, AE_EINVAL,
		       "rekor answered 409 with a Location that names no "
		       "entry: %s",
		       ae_repr(rbuf, sizeof(rbuf), location, strlen(location)));
}

/* After a 409 (our entry was logged by an attempt whose answer we lost,
 * issue 17): fetches the entry Rekor names and checks it as an answer to
 * our upload, bound to the UUID asked for. */
static int rekor_fetch_existing(json_t **entry_out, int64_t *log_index_out,
				const char *url, const char *location,
				const ev__tlog_req *req, int64_t deadline,
				ae_err *err)
{
	ae_buf full = AE_BUF_INIT(EV_SIGN_URL_MAX_BYTES + 128);
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	char uuid[81], rbuf[AE_REPR_BUF];
	int rc = ev__rekor_location_uuid(uuid, location, err);

	if (rc == 0)
		rc = ae_buf_printf(&full, err, "%s/api/v1/log/entries/%s", url,
				   uuid);
	if (rc < 0)
		goto done;
	rq.what = "rekor";
	rq.url = (const char *)full.data;
	rq.deadline_ms = deadline;
	rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0 && resp.status != 200)
		rc = ae_fail(err, AE_EINVAL,
			     "rekor answered 409 but HTTP %ld for the entry it "
			     "named: %s",
			     resp.status,
			     ae_repr(rbuf, sizeof(rbuf), resp.body.data,
				     resp.body.len));
	if (rc == 0)
		rc = rekor_parse(entry_out, log_index_out, resp.body.data,
				 resp.body.len, 1, req, true, err);
done:
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&full);
	return rc;
}

int ev__rekor_upload(json_t **entry_out, int64_t *log_index_out,
		     const char *url, int version, const ev__tlog_req *req,
		     int64_t deadline, ae_err *err)
{
	char *sig_b64 = NULL, *pem_b64 = NULL, *der_b64 = NULL;
	char *digest = NULL, *reqs = NULL;
	ae_buf full = AE_BUF_INIT(EV_SIGN_URL_MAX_BYTES + 32);
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	json_t *rj = NULL;
	int rc;

	*entry_out = NULL;
	*log_index_out = 0;
	rc = rekor_encodings(&sig_b64, &pem_b64, &der_b64, &digest, version,
			     req, err);
	if (rc < 0)
		goto done;
	rj = rekor_request(version, req, sig_b64, pem_b64, der_b64, digest);
	reqs = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
	if (reqs == NULL) {
		rc = ae_fail(err, AE_ERR, "cannot build the rekor request");
		goto done;
	}
	rc = ae_buf_printf(&full, err, "%s/api/v%d/log/entries", url, version);
	if (rc < 0)
		goto done;
	rq.what = "rekor";
	rq.url = (const char *)full.data;
	rq.content_type = "application/json";
	rq.body = reqs;
	rq.body_len = strlen(reqs);
	rq.deadline_ms = deadline;
	rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0)
		rc = rekor_status(&resp, version, err);
	if (rc == 1)
		rc = rekor_fetch_existing(entry_out, log_index_out, url,
					  resp.location, req, deadline, err);
	else if (rc == 0)
		rc = ev__rekor_answer_parse(entry_out, log_index_out,
					    resp.body.data, resp.body.len,
					    version, req, err);
done:
	json_decref(rj);
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&full);
	free(reqs);
	free(digest);
	free(der_b64);
	free(pem_b64);
	free(sig_b64);
	return rc;
}
