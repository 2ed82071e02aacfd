/* tests/unit/test_evidence_sigstore.c -- the Sigstore bundle verifier:
 * parsers, SET, Merkle, checkpoints, body cross-check, policy, pipeline
 *
 * Every input is generated here: the Fulcio-like CA, leaf, SCT and TSA come
 * from pki_fixture (OpenSSL), the Rekor log key, SET, Merkle tree and
 * checkpoint from the helpers below. Each failing case changes exactly one
 * thing of a bundle that otherwise verifies (bspec fields), so each check
 * is shown to exist on its own.
 */
#include "t.h"
#include "pki_fixture.h"

#include "evidence/evidence.h"
#include "evidence/sigstore/internal.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#define IDENTITY                                                               \
	"https://github.com/o/r/.github/workflows/w.yml@refs/heads/main"
#define ISSUER	 "https://v2.example"
#define LOG_NAME "rekor.test"
#define ARTIFACT "hello, artifact\n"
#define TREE	 5 /* leaves in the generated log; ours is LEAF_AT */
#define LEAF_AT	 3

static pki P;
static EVP_PKEY *LOGKEY; /* the Rekor v1 log (P-256) */
static ev__log LOG;
static ev__log CTLOG_OTHER; /* a CT log the leaf's SCT is not from */
static ev_trust TRUST;

/* ---- small generators ---- */

static char *b64(const void *d, size_t n)
{
	char *s = NULL;

	T_ASSERT(ae_base64_encode(&s, d, n, NULL) == 0);
	return s;
}

/* Signs (d, n) with `k` hashing with `md` (NULL: SHA-256; pure Ed25519
 * ignores it). */
static unsigned char *sign_md(size_t *len, EVP_PKEY *k, const EVP_MD *md,
			      const void *d, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char *sig;

	if (EVP_PKEY_id(k) == EVP_PKEY_ED25519)
		md = NULL;
	else if (md == NULL)
		md = EVP_sha256();
	*len = 0;
	T_ASSERT(EVP_DigestSignInit(c, NULL, md, NULL, k) == 1);
	T_ASSERT(EVP_DigestSign(c, NULL, len, d, n) == 1);
	sig = malloc(*len);
	T_ASSERT(EVP_DigestSign(c, sig, len, d, n) == 1);
	EVP_MD_CTX_free(c);
	return sig;
}

static unsigned char *sign(size_t *len, EVP_PKEY *k, const void *d, size_t n)
{
	return sign_md(len, k, NULL, d, n);
}

static char *pem_of_leaf(void)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	T_ASSERT(PEM_write_bio_X509(b, P.leaf) == 1);
	n = BIO_get_mem_data(b, &p);
	out = b64(p, (size_t)n);
	BIO_free(b);
	return out;
}

static char *pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	T_ASSERT(PEM_write_bio_PUBKEY(b, k) == 1);
	n = BIO_get_mem_data(b, &p);
	out = strndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

static void spki_id(unsigned char out[32], EVP_PKEY *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	ae_sha256(out, der, (size_t)n);
	OPENSSL_free(der);
}

/* ---- RFC 6962 Merkle tree over leaf hashes ---- */

static void leaf_hash(unsigned char out[32], const void *d, size_t n)
{
	unsigned char *buf = malloc(n + 1);

	buf[0] = 0;
	memcpy(buf + 1, d, n);
	ae_sha256(out, buf, n + 1);
	free(buf);
}

static size_t split(size_t n)
{
	size_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void mth(unsigned char out[32], unsigned char (*l)[32], size_t n)
{
	unsigned char buf[65], a[32], b[32];
	size_t k;

	if (n == 1) {
		memcpy(out, l[0], 32);
		return;
	}
	k = split(n);
	mth(a, l, k);
	mth(b, l + k, n - k);
	buf[0] = 1;
	memcpy(buf + 1, a, 32);
	memcpy(buf + 33, b, 32);
	ae_sha256(out, buf, 65);
}

/* PATH(m, D[n]) of RFC 6962 §2.1.1, leaf to root; returns the count. */
static size_t path(unsigned char (*out)[32], size_t m, unsigned char (*l)[32],
		   size_t n)
{
	size_t k, c;

	if (n == 1)
		return 0;
	k = split(n);
	if (m < k) {
		c = path(out, m, l, k);
		mth(out[c], l + k, n - k);
	} else {
		c = path(out, m - k, l + k, n - k);
		mth(out[c], l, k);
	}
	return c + 1;
}

/* ---- bundles: one valid recipe, one knob per defect ---- */

typedef struct bspec {
	bool dsse;
	bool key_mode;	      /* publicKey material, signed by P.leaf_key */
	bool no_set;	      /* Rekor v2 style: proof only */
	bool index_unproven;  /* no_set, and a logIndex the proof does not prove
			       */
	bool set_wrong_bytes; /* SET signed over another logIndex */
	bool flip_proof;      /* one proof hash bit flipped */
	bool wrong_hint;      /* checkpoint key hint differs */
	const char *origin;   /* checkpoint origin, default LOG_NAME " - 1" */
	int64_t itime;	      /* integratedTime, default T0 + 60 */
	const char *subject;  /* DSSE subject hex, default sha256(ARTIFACT) */
	bool body_other_sig;  /* the log body records another signature */
	bool tsa;	      /* attach an RFC 3161 timestamp of the sig */
	bool tsa_other;	      /* ... over other bytes than the sig */
	bool dsse_hr;	      /* DSSE logged as hashedrekord 0.0.1 (PAE) */
	bool hr_other_pae;    /* ... recording the PAE of another payload */
	const char *stmt_type; /* statement _type, default Statement/v1;
				  "" leaves the field out */
	EVP_PKEY *key;	       /* key_mode's signing key, default P.leaf_key */
	const char *hash;      /* message signature hash, "sha384"...; default
				  sha256 (messageDigest and hashedrekord name it) */
	bool no_digest;	       /* leave messageDigest out */
} bspec;

/* The OpenSSL digest of a bspec hash name. */
static const EVP_MD *spec_md(const bspec *s)
{
	if (s->hash == NULL)
		return EVP_sha256();
	return EVP_get_digestbyname(s->hash);
}

/* H(ARTIFACT) under the spec's hash: bytes into d, length returned. */
static size_t art_digest(unsigned char d[64], const bspec *s)
{
	unsigned int n = 0;

	T_ASSERT(EVP_Digest(ARTIFACT, strlen(ARTIFACT), d, &n, spec_md(s),
			    NULL) == 1);
	return n;
}

static char *statement(const char *subject_hex, const char *type)
{
	ae_buf b = AE_BUF_INIT(1 << 16);

	if (type == NULL)
		type = "https://in-toto.io/Statement/v1";
	if (*type != '\0')
		T_ASSERT(ae_buf_printf(&b, NULL, "{\"_type\":\"%s\",", type) ==
			 0);
	else
		T_ASSERT(ae_buf_puts(&b, "{", NULL) == 0);
	T_ASSERT(ae_buf_printf(&b, NULL,
			       "\"subject\":[{\"name\":\"a\",\"digest\":"
			       "{\"sha256\":\"%s\"}}],\"predicateType\":"
			       "\"https://example/p\",\"predicate\":{}}",
			       subject_hex) == 0);
	return (char *)ae_buf_detach(&b, NULL);
}

/* Hex SHA-256 of the DSSE PAE of an in-toto `payload`. */
static void pae_hex(char hex[65], const char *payload)
{
	ae_buf pae = AE_BUF_INIT(1 << 16);
	unsigned char d[32];

	T_ASSERT(ae_buf_printf(&pae, NULL,
			       "DSSEv1 28 application/vnd.in-toto+json %zu %s",
			       strlen(payload), payload) == 0);
	ae_sha256(d, pae.data, pae.len);
	ae_hex_encode(hex, d, 32);
	ae_buf_dispose(&pae);
}

static void art_hex(char hex[65])
{
	unsigned char d[32];

	ae_sha256(d, ARTIFACT, strlen(ARTIFACT));
	ae_hex_encode(hex, d, 32);
}

/* The signature over the artifact or PAE, and the body recording it. */
static char *make_body(ae_buf *body, unsigned char **sig, size_t *sig_len,
		       const bspec *s, const char *payload)
{
	char hex[65], *verifier, *sig64;
	unsigned char ph[32];
	ae_buf pae = AE_BUF_INIT(1 << 16);

	if (s->dsse) {
		T_ASSERT(ae_buf_printf(&pae, NULL,
				       "DSSEv1 28 application/vnd.in-toto+json "
				       "%zu %s",
				       strlen(payload), payload) == 0);
		*sig = sign(sig_len, s->key ? s->key : P.leaf_key, pae.data,
			    pae.len);
		ae_buf_dispose(&pae);
	} else {
		*sig = sign_md(sig_len, s->key ? s->key : P.leaf_key,
			       spec_md(s), ARTIFACT, strlen(ARTIFACT));
	}
	if (s->key_mode) {
		char *pem = pem_of_key(s->key ? s->key : P.leaf_key);
		verifier = b64(pem, strlen(pem));
		free(pem);
	} else {
		verifier = pem_of_leaf();
	}
	if (s->body_other_sig) {
		size_t n;
		unsigned char *o = sign(&n, P.leaf_key, "other", 5);
		sig64 = b64(o, n);
		free(o);
	} else {
		sig64 = b64(*sig, *sig_len);
	}
	if (s->dsse && s->dsse_hr)
		pae_hex(hex, s->hr_other_pae ? "{\"other\":1}" : payload);
	if (s->dsse && !s->dsse_hr) {
		ae_sha256(ph, payload, strlen(payload));
		ae_hex_encode(hex, ph, 32);
		T_ASSERT(ae_buf_printf(
				 body, NULL,
				 "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\","
				 "\"spec\":{\"payloadHash\":{\"algorithm\":"
				 "\"sha256\",\"value\":\"%s\"},\"signatures\":"
				 "[{\"signature\":\"%s\",\"verifier\":\"%s\"}]}"
				 "}",
				 hex, sig64, verifier) == 0);
	} else {
		char hx[129];
		if (!s->dsse) {
			unsigned char d[64];
			size_t dn = art_digest(d, s);
			ae_hex_encode(hx, d, dn);
		} else {
			memcpy(hx, hex, 65);
		}
		T_ASSERT(
			ae_buf_printf(
				body, NULL,
				"{\"apiVersion\":\"0.0.1\",\"kind\":"
				"\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
				"{\"algorithm\":\"%s\",\"value\":\"%s\"}},"
				"\"signature\":{\"content\":\"%s\","
				"\"publicKey\":{\"content\":\"%s\"}}}}",
				s->hash ? s->hash : "sha256", hx, sig64,
				verifier) == 0);
	}
	free(sig64);
	free(verifier);
	return s->dsse && !s->dsse_hr ? "dsse" : "hashedrekord";
}

/* Proof hashes as a JSON array body and the root, for our body. */
static void make_proof(ae_buf *hashes, unsigned char root[32],
		       const ae_buf *body, bool flip)
{
	unsigned char leaves[TREE][32], proof[8][32];
	size_t n;

	for (int i = 0; i < TREE; i++) {
		char other[16];
		int k = snprintf(other, sizeof(other), "entry %d", i);
		leaf_hash(leaves[i], other, (size_t)k);
	}
	leaf_hash(leaves[LEAF_AT], body->data, body->len);
	mth(root, leaves, TREE);
	n = path(proof, LEAF_AT, leaves, TREE);
	if (flip)
		proof[0][5] ^= 0x01;
	for (size_t i = 0; i < n; i++) {
		char *h = b64(proof[i], 32);
		T_ASSERT(ae_buf_printf(hashes, NULL, "%s\"%s\"", i ? "," : "",
				       h) == 0);
		free(h);
	}
}

static char *make_checkpoint(const unsigned char root[32], const bspec *s)
{
	ae_buf note = AE_BUF_INIT(1 << 16), out = AE_BUF_INIT(1 << 16);
	unsigned char *sig, blob[256];
	size_t sl;
	char *r64 = b64(root, 32), *blob64;

	T_ASSERT(ae_buf_printf(&note, NULL, "%s\n%d\n%s\n",
			       s->origin ? s->origin : LOG_NAME " - 1", TREE,
			       r64) == 0);
	sig = sign(&sl, LOGKEY, note.data, note.len);
	memcpy(blob, LOG.log_id, 4);
	if (s->wrong_hint)
		blob[0] ^= 0xff;
	memcpy(blob + 4, sig, sl);
	blob64 = b64(blob, sl + 4);
	T_ASSERT(ae_buf_printf(&out, NULL, "%s\n\xe2\x80\x94 %s %s\n",
			       (char *)note.data, LOG_NAME, blob64) == 0);
	free(sig);
	free(blob64);
	free(r64);
	ae_buf_dispose(&note);
	return (char *)ae_buf_detach(&out, NULL);
}

/* JSON-escapes a checkpoint note (newlines only need escaping). */
static char *json_escape_note(const char *note)
{
	ae_buf o = AE_BUF_INIT(1 << 16);

	for (const char *p = note; *p; p++)
		T_ASSERT(ae_buf_puts(&o, *p == '\n' ? "\\n" : (char[]){*p, 0},
				     NULL) == 0);
	return (char *)ae_buf_detach(&o, NULL);
}

static char *make_set(const ae_buf *body, int64_t itime, int64_t index)
{
	ae_buf c = AE_BUF_INIT(1 << 16);
	char *body64 = b64(body->data, body->len), logid[65], *out;
	unsigned char *sig;
	size_t sl;

	ae_hex_encode(logid, LOG.log_id, 32);
	T_ASSERT(ae_buf_printf(&c, NULL,
			       "{\"body\":\"%s\",\"integratedTime\":%lld,"
			       "\"logID\":\"%s\",\"logIndex\":%lld}",
			       body64, (long long)itime, logid,
			       (long long)index) == 0);
	sig = sign(&sl, LOGKEY, c.data, c.len);
	out = b64(sig, sl);
	free(sig);
	free(body64);
	ae_buf_dispose(&c);
	return out;
}

/* The whole bundle JSON for `s` (caller frees). */
static char *bundle_json(const bspec *s)
{
	ae_buf body = AE_BUF_INIT(1 << 20), hashes = AE_BUF_INIT(1 << 16);
	ae_buf j = AE_BUF_INIT(1 << 20), mat = AE_BUF_INIT(1 << 20);
	ae_buf content = AE_BUF_INIT(1 << 20), extra = AE_BUF_INIT(1 << 16);
	unsigned char root[32], *sig = NULL, *der = NULL;
	char hex[65], *payload = NULL, *cp, *cpj, *r64, *id64, *body64, *s64;
	int64_t itime = s->itime ? s->itime : PKI_T0 + 60;
	const char *kind;
	size_t sl = 0;
	int dl;

	art_hex(hex);
	if (s->dsse)
		payload =
			statement(s->subject ? s->subject : hex, s->stmt_type);
	kind = make_body(&body, &sig, &sl, s, payload);
	make_proof(&hashes, root, &body, s->flip_proof);
	cp = make_checkpoint(root, s);
	cpj = json_escape_note(cp);
	r64 = b64(root, 32);
	id64 = b64(LOG.log_id, 32);
	body64 = b64(body.data, body.len);
	s64 = b64(sig, sl);
	if (s->key_mode) {
		T_ASSERT(ae_buf_puts(&mat, "\"publicKey\":{\"hint\":\"k\"}",
				     NULL) == 0);
	} else {
		char *l64;
		dl = i2d_X509(P.leaf, &der);
		l64 = b64(der, (size_t)dl);
		T_ASSERT(ae_buf_printf(&mat, NULL,
				       "\"certificate\":{\"rawBytes\":\"%s\"}",
				       l64) == 0);
		free(l64);
		OPENSSL_free(der);
	}
	if (!s->no_set) {
		char *set =
			make_set(&body, itime, s->set_wrong_bytes ? 43 : 42);
		T_ASSERT(ae_buf_printf(&extra, NULL,
				       "\"integratedTime\":\"%lld\","
				       "\"inclusionPromise\":{"
				       "\"signedEntryTimestamp\":\"%s\"},",
				       (long long)itime, set) == 0);
		free(set);
	}
	if (s->tsa) {
		pki_tsa_spec ts = s->tsa_other
					  ? pki_tsa_spec_default(&P, "other", 5)
					  : pki_tsa_spec_default(&P, sig, sl);
		size_t tl = 0;
		unsigned char *tsr = pki_tsa_make(&tl, &ts);
		char *t64;
		T_ASSERT(tsr != NULL);
		t64 = b64(tsr, tl);
		free(tsr);
		T_ASSERT(ae_buf_printf(&mat, NULL,
				       ",\"timestampVerificationData\":{"
				       "\"rfc3161Timestamps\":[{"
				       "\"signedTimestamp\":\"%s\"}]}",
				       t64) == 0);
		free(t64);
	}
	if (s->dsse) {
		char *p64 = b64(payload, strlen(payload));
		T_ASSERT(ae_buf_printf(&content, NULL,
				       "\"dsseEnvelope\":{\"payload\":\"%s\","
				       "\"payloadType\":"
				       "\"application/vnd.in-toto+json\","
				       "\"signatures\":[{\"sig\":\"%s\"}]}",
				       p64, s64) == 0);
		free(p64);
	} else if (s->no_digest) {
		T_ASSERT(ae_buf_printf(&content, NULL,
				       "\"messageSignature\":{\"signature\":"
				       "\"%s\"}",
				       s64) == 0);
	} else {
		unsigned char d[64];
		size_t dn = art_digest(d, s);
		char *d64 = b64(d, dn);
		T_ASSERT(
			ae_buf_printf(&content, NULL,
				      "\"messageSignature\":{\"messageDigest\":"
				      "{\"algorithm\":\"SHA2_%zu\",\"digest\":"
				      "\"%s\"},\"signature\":\"%s\"}",
				      dn * 8, d64, s64) == 0);
		free(d64);
	}
	T_ASSERT(ae_buf_printf(
			 &j, NULL,
			 "{\"mediaType\":"
			 "\"application/vnd.dev.sigstore.bundle.v0.3+json\","
			 "\"verificationMaterial\":{%s,\"tlogEntries\":[{"
			 "\"logIndex\":\"%d\",\"logId\":{\"keyId\":\"%s\"},"
			 "\"kindVersion\":{\"kind\":\"%s\",\"version\":"
			 "\"0.0.1\"},%s\"inclusionProof\":{\"logIndex\":\"%d\","
			 "\"rootHash\":\"%s\",\"treeSize\":\"%d\",\"hashes\":"
			 "[%s],\"checkpoint\":{\"envelope\":\"%s\"}},"
			 "\"canonicalizedBody\":\"%s\"}]},%s}",
			 (char *)mat.data,
			 /* a SET signs 42; without one only the proof's
			  * index is proven (Rekor v2: the two are equal) */
			 !s->no_set	     ? 42
			 : s->index_unproven ? 987654321
					     : LEAF_AT,
			 id64, kind, extra.data ? (char *)extra.data : "",
			 LEAF_AT, r64, TREE, (char *)hashes.data, cpj, body64,
			 (char *)content.data) == 0);
	free(payload);
	free(sig);
	free(cp);
	free(cpj);
	free(r64);
	free(id64);
	free(body64);
	free(s64);
	ae_buf_dispose(&body);
	ae_buf_dispose(&hashes);
	ae_buf_dispose(&mat);
	ae_buf_dispose(&content);
	ae_buf_dispose(&extra);
	return (char *)ae_buf_detach(&j, NULL);
}

/* Replaces the first `from` in *json by `to`; the case fails if absent. */
static void mutate(char **json, const char *from, const char *to)
{
	char *at = strstr(*json, from), *o;
	size_t a, fl = strlen(from), tl = strlen(to), n = strlen(*json);

	T_ASSERT(at != NULL);
	a = (size_t)(at - *json);
	o = malloc(n - fl + tl + 1);
	memcpy(o, *json, a);
	memcpy(o + a, to, tl);
	memcpy(o + a + tl, at + fl, n - a - fl + 1);
	free(*json);
	*json = o;
}

static int parse(ev_bundle **b, const char *json, ae_err *err)
{
	return ev_bundle_parse(b, (const unsigned char *)json, strlen(json),
			       err);
}

/* Parses and verifies `json` against TRUST and a policy; returns rc. */
static int verify_with(const char *json, const ev_policy *pol,
		       const ev_artifact *art, ev_signer **signer, ae_err *err)
{
	ev_bundle *b = NULL;
	int rc = parse(&b, json, err);

	if (rc == 0)
		rc = ev_bundle_verify(signer, b, &TRUST, pol, art, err);
	ev_bundle_free(b);
	return rc;
}

static int verify_spec(const bspec *s, ae_err *err)
{
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	char *json = bundle_json(s), *pem = NULL;
	int rc;

	if (s->key_mode) {
		pem = pem_of_key(s->key ? s->key : P.leaf_key);
		pol = (ev_policy){NULL,	       NULL, NULL, (unsigned char *)pem,
				  strlen(pem), false};
	}
	rc = verify_with(json, &pol, &art, &signer, err);
	T_ASSERT(rc == 0 ? signer != NULL : signer == NULL);
	ev_signer_free(signer);
	free(json);
	free(pem);
	return rc;
}

void test_evidence_sigstore__initialize(void)
{
	T_ASSERT(pki_init(&P) == 0);
	LOGKEY = pki_key_new();
	spki_id(LOG.log_id, LOGKEY);
	LOG.key = LOGKEY;
	LOG.valid.start = PKI_T0 - 86400;
	LOG.base_url = "https://" LOG_NAME;
	LOG.origin = LOG_NAME;
	CTLOG_OTHER = P.ctlog;
	CTLOG_OTHER.key = pki_key_new();
	spki_id(CTLOG_OTHER.log_id, CTLOG_OTHER.key);
	TRUST.cas = &P.ca;
	TRUST.ncas = 1;
	TRUST.tsas = &P.tsa;
	TRUST.ntsas = 1;
	TRUST.tlogs = &LOG;
	TRUST.ntlogs = 1;
	TRUST.ctlogs = &P.ctlog;
	TRUST.nctlogs = 1;
}

void test_evidence_sigstore__cleanup(void)
{
	EVP_PKEY_free(LOGKEY);
	EVP_PKEY_free(CTLOG_OTHER.key);
	pki_dispose(&P);
}

/* ---- the whole pipeline ---- */

void test_evidence_sigstore__a_message_bundle_verifies_and_names_its_signer(
	void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT_STR(signer->issuer, ISSUER);
	T_ASSERT_STR(signer->identity, IDENTITY);
	T_ASSERT_INT(signer->log_index, 42);
	T_ASSERT_INT(signer->integrated_time, PKI_T0 + 60);
	T_ASSERT(signer->payload == NULL);
	ev_signer_free(signer);
	free(json);
}

/* docs/ledger.md "One bundle, one vote" orders the signers of one bundle
 * on what each signature proves: its earliest verified time (every SET,
 * every RFC 3161 timestamp) and its log entry named by log id, because an
 * index means nothing outside its own log (review findings 06, 07). */
void test_evidence_sigstore__the_signed_time_is_the_earliest_verified_time_and_the_log_is_named(
	void)
{
	bspec later_set = {.tsa = true, .itime = PKI_T0 + 120};
	bspec proof_only = {.no_set = true, .tsa = true};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&later_set);

	/* a SET at +120 and a timestamp at +60: the timestamp is earlier */
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT_INT(signer->integrated_time, PKI_T0 + 120);
	T_ASSERT_INT(signer->timestamp_time, PKI_T0 + 60);
	T_ASSERT_INT(signer->signed_time, PKI_T0 + 60);
	T_ASSERT(signer->logged);
	T_ASSERT(memcmp(signer->log_id, LOG.log_id, 32) == 0);
	T_ASSERT_INT(signer->log_index, 42);
	ev_signer_free(signer);
	signer = NULL;
	free(json);
	/* a Rekor v2 entry: no SET, the timestamp is the time; the index is
	 * the proven one, in its log */
	json = bundle_json(&proof_only);
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT_INT(signer->integrated_time, 0);
	T_ASSERT_INT(signer->signed_time, PKI_T0 + 60);
	T_ASSERT(signer->logged);
	T_ASSERT(memcmp(signer->log_id, LOG.log_id, 32) == 0);
	T_ASSERT_INT(signer->log_index, LEAF_AT);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__a_digest_only_artifact_verifies(void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {NULL, 0, {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	ae_sha256(art.sha256, ARTIFACT, strlen(ARTIFACT));
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	ev_signer_free(signer);
	art.sha256[0] ^= 1;
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "message digest differs");
	free(json);
}

void test_evidence_sigstore__a_dsse_bundle_verifies_and_returns_its_payload(
	void)
{
	bspec s = {.dsse = true};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT_STR(signer->payload_type, "application/vnd.in-toto+json");
	T_ASSERT(signer->payload_len > 0 &&
		 memcmp(signer->payload, "{\"_type\"", 8) == 0);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__a_dsse_subject_digest_that_differs_fails(void)
{
	bspec s = {.dsse = true,
		   .subject = "00000000000000000000000000000000"
			      "00000000000000000000000000000000"};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "subjects do not include the artifact");
}

/* "hashedrekord over DSSE" (client spec, upstream
 * dsse-with-hashedrekord-happy-path): the entry records the envelope
 * signature and SHA-256(PAE). */
void test_evidence_sigstore__a_dsse_envelope_logged_as_hashedrekord_verifies(
	void)
{
	bspec s = {.dsse = true, .dsse_hr = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), 0);
}

void test_evidence_sigstore__a_hashedrekord_of_another_envelope_fails(void)
{
	bspec s = {.dsse = true, .dsse_hr = true, .hr_other_pae = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "digest differs from the signed digest");
}

void test_evidence_sigstore__a_hashedrekord_of_another_envelope_signature_fails(
	void)
{
	bspec s = {.dsse = true, .dsse_hr = true, .body_other_sig = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "signature differs");
}

/* in-toto statements: only the known _type values mean a statement
 * (upstream dsse-statement-unknown-type_fail, -missing-type_fail). */
void test_evidence_sigstore__an_unknown_statement_type_fails(void)
{
	bspec s = {.dsse = true,
		   .stmt_type = "https://in-toto.io/Statement/v2"};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "not an in-toto statement");
}

void test_evidence_sigstore__a_statement_without_a_type_fails(void)
{
	bspec s = {.dsse = true, .stmt_type = ""};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "not an in-toto statement");
}

void test_evidence_sigstore__an_identity_mismatch_fails(void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, IDENTITY "x", NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "identity");
	T_ASSERT(signer == NULL);
	free(json);
}

void test_evidence_sigstore__an_issuer_mismatch_fails(void)
{
	bspec s = {0};
	ev_policy pol = {"https://v1.example", IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "issuer");
	free(json);
}

void test_evidence_sigstore__an_identity_regex_is_anchored(void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, NULL, "https://github\\.com/o/r/.*",
			 NULL,	 0,    false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT_STR(signer->identity, IDENTITY);
	ev_signer_free(signer);
	signer = NULL;
	pol.identity_regex = "github\\.com/o/r";
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	free(json);
}

void test_evidence_sigstore__a_set_over_wrong_bytes_fails(void)
{
	bspec s = {.set_wrong_bytes = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "signed entry timestamp does not verify");
}

void test_evidence_sigstore__an_inclusion_proof_with_a_flipped_hash_fails(void)
{
	bspec s = {.flip_proof = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "inclusion proof does not reproduce the root");
}

void test_evidence_sigstore__a_checkpoint_with_a_wrong_key_hint_fails(void)
{
	bspec s = {.wrong_hint = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no signature from the log's key");
}

void test_evidence_sigstore__a_checkpoint_whose_origin_differs_fails(void)
{
	bspec s = {.origin = "rekor.other - 1"};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "checkpoint origin");
}

void test_evidence_sigstore__a_certificate_expired_at_the_integrated_time_fails(
	void)
{
	bspec s = {.itime = PKI_T0 + 601};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "expired");
}

void test_evidence_sigstore__an_sct_from_an_unknown_log_fails(void)
{
	bspec s = {0};
	ae_err err = {0};

	TRUST.ctlogs = &CTLOG_OTHER;
	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT(strstr(err.msg, "SCT") != NULL ||
		 strstr(err.msg, "sct") != NULL);
}

void test_evidence_sigstore__a_log_body_for_another_signature_fails(void)
{
	bspec s = {.body_other_sig = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "tlog body signature differs");
}

void test_evidence_sigstore__an_entry_from_a_log_not_in_the_root_fails(void)
{
	bspec s = {0};
	ae_err err = {0};

	TRUST.ntlogs = 0;
	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "not in the trusted root");
}

void test_evidence_sigstore__a_proof_only_entry_needs_a_timestamp(void)
{
	bspec s = {.no_set = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no verified time");
}

void test_evidence_sigstore__a_proof_only_entry_verifies_with_a_tsa_time(void)
{
	bspec s = {.no_set = true, .tsa = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), 0);
}

/* Issue 25 item 2: without a SET only the inclusion proof proves an index;
 * an entry stating another logIndex (a hostile log, an edited bundle)
 * fails rather than having that index reported. */
void test_evidence_sigstore__an_unproven_log_index_fails(void)
{
	bspec s = {.no_set = true, .tsa = true, .index_unproven = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "logIndex 987654321 is not the index its inclusion "
			  "proof proves (3)");
}

void test_evidence_sigstore__a_timestamp_over_other_bytes_fails(void)
{
	bspec s = {.tsa = true, .tsa_other = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
}

void test_evidence_sigstore__managed_key_mode_verifies_with_the_key(void)
{
	bspec s = {.key_mode = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), 0);
}

/* A managed key has no validity window, so no verified time is needed;
 * the entry's proof still is (upstream intoto-canonical-log-entry). */
void test_evidence_sigstore__a_managed_key_entry_with_only_a_proof_verifies(
	void)
{
	bspec s = {.key_mode = true, .no_set = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), 0);
}

void test_evidence_sigstore__a_managed_key_proof_needs_a_verified_checkpoint(
	void)
{
	bspec s = {.key_mode = true, .no_set = true, .wrong_hint = true};
	ae_err err = {0};

	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
}

/* With no verified time nothing dates the entry: the log key must be
 * valid now. */
void test_evidence_sigstore__a_timeless_entry_of_an_expired_log_key_fails(void)
{
	bspec s = {.key_mode = true, .no_set = true};
	ae_err err = {0};

	LOG.valid.has_end = true;
	LOG.valid.end = PKI_T0 + 3600;
	T_ASSERT_INT(verify_spec(&s, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "log key is not valid");
}

void test_evidence_sigstore__a_key_bundle_without_a_key_fails(void)
{
	bspec s = {.key_mode = true};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no key was given");
	free(json);
}

void test_evidence_sigstore__a_certificate_bundle_given_a_key_fails(void)
{
	bspec s = {0};
	char *pem = pem_of_key(P.leaf_key);
	ev_policy pol = {NULL,	      NULL, NULL, (unsigned char *)pem,
			 strlen(pem), false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "signed by a certificate");
	free(json);
	free(pem);
}

void test_evidence_sigstore__a_wrong_artifact_fails(void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {(const unsigned char *)"other", 5, {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json = bundle_json(&s);

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	free(json);
}

/* ---- bundle parsing: one defect each, on a bundle that parses ---- */

static void parse_fails(const char *from, const char *to, int code,
			const char *why)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	ev_bundle *b = (ev_bundle *)1;
	ae_err err = {0};

	mutate(&json, from, to);
	T_ASSERT_INT(parse(&b, json, &err), code);
	T_ASSERT(b == NULL);
	T_ASSERT_MSG(err, why);
	free(json);
}

/* ---- issue 16: one identity per certificate ----
 * sigstore-js's verdicts (verify.mjs, @sigstore/verify 4.1.3) on the same
 * shapes, from tests/interop/test_policy_interop.sh: it compares the first
 * URI SAN, else the first e-mail, and ignores the rest. */

/* Replaces the fixture leaf by one whose SAN extension is `san` (same key,
 * issuer, validity and a valid SCT). */
static void leaf_with_sans(const char *san)
{
	pki_cert_spec spec = pki_leaf_spec(&P);
	pki_sct_spec sct = {0};
	X509 *x;

	spec.san = san;
	x = pki_cert_new(&spec);
	sct.log_key = P.ct_key;
	sct.timestamp_ms = (uint64_t)PKI_T0 * 1000 + 5;
	sct.issuer = P.inter;
	T_ASSERT(x != NULL && pki_leaf_add_scts(&x, P.inter_key, &sct, 1) == 0);
	X509_free(P.leaf);
	P.leaf = x;
}

/* Verifies the default message bundle with identity policy `id`. */
static int verify_identity(const char *id, ae_err *err)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, id, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	char *json = bundle_json(&s);
	int rc = verify_with(json, &pol, &art, &signer, err);

	ev_signer_free(signer);
	free(json);
	return rc;
}

/* js: URI asked -> OK, e-mail asked -> FAIL. */
void test_evidence_sigstore__a_leaf_naming_a_uri_and_an_email_is_refused(void)
{
	ae_err err = {0};

	leaf_with_sans("critical,URI:" IDENTITY ",email:alice@example.com");
	T_ASSERT_INT(verify_identity(IDENTITY, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
	ae_err_clear(&err);
	T_ASSERT_INT(verify_identity("alice@example.com", &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
}

/* js: the e-mail is compared even though it comes first -> the URI asked
 * is OK, the e-mail asked FAIL. */
void test_evidence_sigstore__a_leaf_naming_an_email_then_a_uri_is_refused(void)
{
	ae_err err = {0};

	leaf_with_sans("critical,email:alice@example.com,URI:" IDENTITY);
	T_ASSERT_INT(verify_identity("alice@example.com", &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
	ae_err_clear(&err);
	T_ASSERT_INT(verify_identity(IDENTITY, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
}

/* js: the first e-mail asked -> OK, the second -> FAIL. */
void test_evidence_sigstore__a_leaf_naming_two_emails_is_refused(void)
{
	ae_err err = {0};

	leaf_with_sans(
		"critical,email:alice@example.com,email:bob@example.com");
	T_ASSERT_INT(verify_identity("alice@example.com", &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
	ae_err_clear(&err);
	T_ASSERT_INT(verify_identity("bob@example.com", &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
}

void test_evidence_sigstore__a_regex_cannot_pick_one_of_two_identities(void)
{
	bspec s = {0};
	ev_policy pol = {ISSUER, NULL, ".*", NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};
	char *json;

	leaf_with_sans(
		"critical,email:alice@example.com,email:bob@example.com");
	json = bundle_json(&s);
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names 2 identities");
	free(json);
}

/* A DNS name names no signer: a leaf with an e-mail and a DNS SAN still has
 * one identity (Fulcio issues neither, but nothing is ambiguous). */
void test_evidence_sigstore__one_email_san_is_one_identity(void)
{
	ae_err err = {0};

	leaf_with_sans("critical,email:alice@example.com,DNS:example.com");
	T_ASSERT_INT(verify_identity("alice@example.com", &err), 0);
}

/* ---- issue 16: the signing hash comes from the bundle ---- */

static EVP_PKEY *key_on(const char *curve)
{
	EVP_PKEY *k = EVP_EC_gen(curve);

	T_ASSERT(k != NULL);
	return k;
}

/* Verifies `s` by the artifact's bytes and by its SHA-256 only; the two
 * results in *by_file and *by_digest (messages of the second in err). */
static void verify_both_forms(int *by_file, int *by_digest, const bspec *s,
			      ae_err *err)
{
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact file = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_artifact dig = {NULL, 0, {0}};
	ev_signer *signer = NULL;
	char *json = bundle_json(s), *pem = NULL;

	if (s->key_mode) {
		pem = pem_of_key(s->key ? s->key : P.leaf_key);
		pol = (ev_policy){NULL,	       NULL, NULL, (unsigned char *)pem,
				  strlen(pem), false};
	}
	ae_sha256(dig.sha256, ARTIFACT, strlen(ARTIFACT));
	*by_file = verify_with(json, &pol, &file, &signer, err);
	ev_signer_free(signer);
	signer = NULL;
	ae_err_clear(err);
	*by_digest = verify_with(json, &pol, &dig, &signer, err);
	ev_signer_free(signer);
	free(json);
	free(pem);
}

/* sigstore-js signs with SHA-256 whatever the key (js: OK both ways); the
 * file form used to pick SHA-384 from the key size and refuse it. */
void test_evidence_sigstore__a_p384_key_over_sha256_verifies_both_ways(void)
{
	bspec s = {.key_mode = true, .key = key_on("P-384")};
	int f = 0, d = 0;
	ae_err err = {0};

	verify_both_forms(&f, &d, &s, &err);
	T_ASSERT_INT(f, 0);
	T_ASSERT_INT(d, 0);
	EVP_PKEY_free(s.key);
}

/* js: FAIL (verify.mjs's own check wants messageDigest = SHA-256 of the
 * artifact; @sigstore/verify alone follows messageDigest.algorithm). The
 * digest form cannot stand for a SHA-384-signed artifact: refused, with
 * the reason. */
void test_evidence_sigstore__a_sha384_message_verifies_by_file(void)
{
	bspec s = {.hash = "sha384"};
	int f = 0, d = 0;
	ae_err err = {0};

	verify_both_forms(&f, &d, &s, &err);
	T_ASSERT_INT(f, 0);
	T_ASSERT_INT(d, AE_EVERIFY);
	T_ASSERT_MSG(err, "signs a SHA2_384 digest");
}

void test_evidence_sigstore__a_p384_key_over_sha512_verifies(void)
{
	bspec s = {.key_mode = true, .key = key_on("P-384"), .hash = "sha512"};
	int f = 0, d = 0;
	ae_err err = {0};

	verify_both_forms(&f, &d, &s, &err);
	T_ASSERT_INT(f, 0);
	EVP_PKEY_free(s.key);
}

void test_evidence_sigstore__without_message_digest_the_log_entry_names_the_hash(
	void)
{
	bspec s = {.hash = "sha384", .no_digest = true};
	int f = 0, d = 0;
	ae_err err = {0};

	verify_both_forms(&f, &d, &s, &err);
	T_ASSERT_INT(f, 0);
}

void test_evidence_sigstore__a_message_digest_of_the_wrong_length_is_refused(
	void)
{
	parse_fails("SHA2_256", "SHA2_512", AE_EINVAL, "not a SHA2_512 digest");
}

void test_evidence_sigstore__a_digest_algorithm_we_do_not_know_is_refused(void)
{
	parse_fails("SHA2_256", "SHA3_256", AE_EINVAL, "not supported");
}

void test_evidence_sigstore__a_log_entry_and_message_digest_must_agree(void)
{
	bspec s = {.hash = "sha384"};
	char *json = bundle_json(&s);
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	unsigned char d[32];
	char *d64;
	ae_err err = {0};

	/* messageDigest claims SHA-256 of the artifact; the log sha384 */
	ae_sha256(d, ARTIFACT, strlen(ARTIFACT));
	d64 = b64(d, 32);
	mutate(&json, "\"algorithm\":\"SHA2_384\"",
	       "\"algorithm\":\"SHA2_256\"");
	{
		char *at = strstr(json, "\"digest\":\"") + 10;
		char *end = strchr(at, '"');
		char *old = strndup(at, (size_t)(end - at));
		mutate(&json, old, d64);
		free(old);
	}
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "names SHA2_384 but the bundle was signed with "
			  "SHA2_256");
	free(d64);
	free(json);
}

/* ---- issue 16: proto3-JSON forms (js: OK for each accepted form) ---- */

/* Rewrites every base64 member value of the bundle: URL-safe alphabet
 * and/or no padding. */
static void b64_forms(json_t *j, bool url, bool nopad)
{
	static const char *const keys[] = {"rawBytes",
					   "keyId",
					   "canonicalizedBody",
					   "signedEntryTimestamp",
					   "rootHash",
					   "signature",
					   "digest",
					   "signedTimestamp",
					   "payload",
					   "sig"};
	const char *k;
	json_t *v;

	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			b64_forms(json_array_get(j, i), url, nopad);
		return;
	}
	json_object_foreach(j, k, v)
	{
		bool hit = strcmp(k, "hashes") == 0;
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			hit = hit ||
			      (strcmp(k, keys[i]) == 0 && json_is_string(v));
		if (!hit) {
			b64_forms(v, url, nopad);
			continue;
		}
		for (size_t i = 0;
		     i < (json_is_array(v) ? json_array_size(v) : 1); i++) {
			json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
			char *t = strdup(json_string_value(e));
			size_t n = strlen(t);
			for (size_t c = 0; url && c < n; c++)
				t[c] = t[c] == '+'   ? '-'
				       : t[c] == '/' ? '_'
						     : t[c];
			while (nopad && n > 0 && t[n - 1] == '=')
				t[--n] = '\0';
			json_string_set(e, t);
			free(t);
		}
	}
}

static int verify_forms(bool url, bool nopad, ae_err *err)
{
	bspec s = {0};
	char *json = bundle_json(&s), *out;
	json_t *j = json_loads(json, 0, NULL);
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	int rc;

	T_ASSERT(j != NULL);
	b64_forms(j, url, nopad);
	out = json_dumps(j, 0);
	rc = verify_with(out, &pol, &art, &signer, err);
	ev_signer_free(signer);
	free(out);
	free(json);
	json_decref(j);
	return rc;
}

void test_evidence_sigstore__url_safe_base64_is_read(void)
{
	ae_err err = {0};

	T_ASSERT_INT(verify_forms(true, false, &err), 0);
}

void test_evidence_sigstore__unpadded_base64_is_read(void)
{
	ae_err err = {0};

	T_ASSERT_INT(verify_forms(false, true, &err), 0);
	T_ASSERT_INT(verify_forms(true, true, &err), 0);
}

void test_evidence_sigstore__base64_outside_the_mapping_is_refused(void)
{
	unsigned char *o = NULL;
	size_t n = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__b64_proto(&o, &n, "AA-+", 4, "x", &err), AE_EINVAL);
	T_ASSERT_INT(ev__b64_proto(&o, &n, "AA=", 3, "x", &err), AE_EINVAL);
	T_ASSERT_INT(ev__b64_proto(&o, &n, "A=AA", 4, "x", &err), AE_EINVAL);
	T_ASSERT_INT(ev__b64_proto(&o, &n, "AAAAA", 5, "x", &err), AE_EINVAL);
	T_ASSERT_INT(ev__b64_proto(&o, &n, "AB", 2, "x", &err), AE_EINVAL);
	T_ASSERT(o == NULL);
	T_ASSERT_INT(ev__b64_proto(&o, &n, "_-8", 3, "x", &err), 0);
	T_ASSERT(n == 2 && o[0] == 0xff && o[1] == 0xef);
	free(o);
}

void test_evidence_sigstore__null_means_an_absent_message(void)
{
	bspec s = {.no_set = true, .tsa = true};
	char *json = bundle_json(&s);
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};

	mutate(&json, "\"inclusionProof\":",
	       "\"inclusionPromise\":null,\"inclusionProof\":");
	mutate(&json, "\"verificationMaterial\":{",
	       "\"verificationMaterial\":{\"x509CertificateChain\":null,");
	mutate(&json, "\"mediaType\":", "\"dsseEnvelope\":null,\"mediaType\":");
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__a_required_message_given_as_null_is_missing(void)
{
	parse_fails("\"inclusionProof\":{", "\"inclusionProof\":null,\"x\":{",
		    AE_EINVAL, "no inclusion proof");
}

/* Adds `"integratedTime": value` to a proof-only entry (Rekor v2: no SET,
 * so the time is in nothing signed and never trusted: only the parser
 * decides). */
static int verify_itime(const char *value, ae_err *err)
{
	bspec s = {.no_set = true, .tsa = true};
	char *json = bundle_json(&s), to[96];
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	int rc;

	snprintf(to, sizeof(to),
		 "\"integratedTime\":%s,\"inclusionProof\":", value);
	mutate(&json, "\"inclusionProof\":", to);
	ae_err_clear(err);
	rc = verify_with(json, &pol, &art, &signer, err);
	ev_signer_free(signer);
	free(json);
	return rc;
}

void test_evidence_sigstore__int64_strings_are_read_up_to_int64_max(void)
{
	bspec s = {.no_set = true, .tsa = true};
	char *json = bundle_json(&s);
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	char from[32];
	ae_err err = {0};

	T_ASSERT_INT(verify_itime("\"9223372036854775807\"", &err), 0);
	T_ASSERT_INT(verify_itime("9223372036854775807", &err), 0);
	T_ASSERT_INT(verify_itime("\"9223372036854775808\"", &err), AE_EINVAL);
	T_ASSERT_INT(verify_itime("\"10000000000000000000\"", &err), AE_EINVAL);
	T_ASSERT_INT(verify_itime("\"+42\"", &err), AE_EINVAL);
	/* 19 digits with leading zeros: the index the proof proves */
	snprintf(from, sizeof(from), "\"logIndex\":\"%d\"", LEAF_AT);
	mutate(&json, from, "\"logIndex\":\"0000000000000000003\"");
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT(signer->log_index == LEAF_AT);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__integrated_time_as_a_json_number_is_read(void)
{
	bspec s = {0};
	char *json = bundle_json(&s), from[64], to[64];
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};

	snprintf(from, sizeof(from), "\"integratedTime\":\"%lld\"",
		 PKI_T0 + 60);
	snprintf(to, sizeof(to), "\"integratedTime\":%lld", PKI_T0 + 60);
	mutate(&json, from, to);
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT(signer->integrated_time == PKI_T0 + 60);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__duplicate_keys_are_still_refused(void)
{
	parse_fails("\"mediaType\":", "\"mediaType\":\"x\",\"mediaType\":",
		    AE_EINVAL, "duplicate");
}

/* ---- issue 16: --insecure-ignore-tlog ---- */

void test_evidence_sigstore__ignoring_the_log_skips_entries_but_not_the_signature(
	void)
{
	bspec s = {.key_mode = true, .body_other_sig = true};
	char *json = bundle_json(&s), *pem = pem_of_key(P.leaf_key);
	ev_policy pol = {NULL,	      NULL, NULL, (unsigned char *)pem,
			 strlen(pem), false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_artifact other = {(const unsigned char *)"x", 1, {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	pol.ignore_tlog = true;
	ae_err_clear(&err);
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	T_ASSERT(signer->log_index == 0 && signer->integrated_time == 0);
	/* the log ignored: no entry, no log, no time proven by it */
	T_ASSERT(!signer->logged && signer->signed_time == 0);
	ev_signer_free(signer);
	signer = NULL;
	T_ASSERT_INT(verify_with(json, &pol, &other, &signer, &err),
		     AE_EVERIFY);
	free(json);
	free(pem);
}

void test_evidence_sigstore__ignoring_the_log_a_certificate_needs_a_timestamp(
	void)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, true};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};

	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no verified time");
	free(json);
	s.tsa = true;
	json = bundle_json(&s);
	T_ASSERT_INT(verify_with(json, &pol, &art, &signer, &err), 0);
	ev_signer_free(signer);
	free(json);
}

void test_evidence_sigstore__the_generated_bundle_parses(void)
{
	bspec s = {.dsse = true};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	T_ASSERT_INT(parse(&b, json, &err), 0);
	T_ASSERT(ev_bundle_is_dsse(b));
	T_ASSERT_INT(b->minor, 3);
	T_ASSERT_INT(b->entries[0].log_index, 42);
	T_ASSERT_INT(b->entries[0].nhashes, 3);
	ev_bundle_free(b);
	free(json);
}

void test_evidence_sigstore__all_four_media_types_parse(void)
{
	static const char *const types[] = {
		"application/vnd.dev.sigstore.bundle+json;version=0.1",
		"application/vnd.dev.sigstore.bundle+json;version=0.2",
		"application/vnd.dev.sigstore.bundle+json;version=0.3",
		"application/vnd.dev.sigstore.bundle.v0.3+json",
	};
	for (size_t i = 0; i < 4; i++) {
		bspec s = {0};
		char *json = bundle_json(&s);
		ev_bundle *b = NULL;
		ae_err err = {0};
		mutate(&json, "application/vnd.dev.sigstore.bundle.v0.3+json",
		       types[i]);
		T_ASSERT_INT(parse(&b, json, &err), 0);
		T_ASSERT_INT(b->minor, i == 3 ? 3 : (int)i + 1);
		ev_bundle_free(b);
		free(json);
	}
}

void test_evidence_sigstore__an_unknown_media_type_is_rejected(void)
{
	parse_fails("bundle.v0.3+json", "bundle.v9.9+json", AE_EINVAL,
		    "unknown bundle media type");
}

void test_evidence_sigstore__bad_base64_is_rejected(void)
{
	parse_fails("\"signature\":\"", "\"signature\":\"!!!", AE_EINVAL,
		    "messageSignature.signature is not valid base64");
}

void test_evidence_sigstore__a_negative_log_index_is_rejected(void)
{
	parse_fails("\"logIndex\":\"42\"", "\"logIndex\":\"-1\"", AE_EINVAL,
		    "logIndex is negative");
}

void test_evidence_sigstore__a_non_numeric_log_index_is_rejected(void)
{
	parse_fails("\"logIndex\":\"42\"", "\"logIndex\":\"4x\"", AE_EINVAL,
		    "not a non-negative integer");
}

void test_evidence_sigstore__a_missing_log_index_means_zero(void)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "\"logIndex\":\"42\",", "");
	T_ASSERT_INT(parse(&b, json, &err), 0);
	T_ASSERT_INT(b->entries[0].log_index, 0);
	ev_bundle_free(b);
	free(json);
}

void test_evidence_sigstore__a_bundle_needs_exactly_one_content(void)
{
	parse_fails("\"messageSignature\":",
		    "\"dsseEnvelope\":{},\"messageSignature\":", AE_EINVAL,
		    "exactly one of messageSignature and dsseEnvelope");
}

void test_evidence_sigstore__a_dsse_envelope_needs_exactly_one_signature(void)
{
	bspec s = {.dsse = true};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "\"signatures\":[{", "\"signatures\":[{\"sig\":\"\"},{");
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "exactly one signature");
	free(json);
}

/* Replaces the bundle's "certificate" by an x509CertificateChain holding
 * `n` copies of the leaf (0: an empty chain). */
static void to_chain(char **json, int n)
{
	char *at = strstr(*json, "\"certificate\":{"), *end, *obj, *from;
	ae_buf c = AE_BUF_INIT(1 << 20);

	T_ASSERT(at != NULL);
	end = strchr(at, '}');
	obj = strndup(at + 14, (size_t)(end - at - 13));
	T_ASSERT(ae_buf_puts(&c, "\"x509CertificateChain\":{\"certificates\":[",
			     NULL) == 0);
	for (int i = 0; i < n; i++)
		T_ASSERT(ae_buf_printf(&c, NULL, "%s%s", i ? "," : "", obj) ==
			 0);
	T_ASSERT(ae_buf_puts(&c, "]}", NULL) == 0);
	from = strndup(at, (size_t)(end - at) + 1);
	mutate(json, from, (char *)c.data);
	free(from);
	free(obj);
	ae_buf_dispose(&c);
}

void test_evidence_sigstore__a_v03_bundle_must_not_carry_a_chain(void)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	to_chain(&json, 1);
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "must not use");
	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.2");
	ae_err_clear(&err);
	T_ASSERT_INT(parse(&b, json, &err), 0);
	T_ASSERT(b->leaf != NULL);
	ev_bundle_free(b);
	free(json);
}

void test_evidence_sigstore__an_empty_certificate_chain_is_rejected(void)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.2");
	to_chain(&json, 0);
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "certificate chain is empty");
	free(json);
}

void test_evidence_sigstore__a_root_inside_the_bundle_chain_is_rejected(void)
{
	bspec s = {0};
	char *json = bundle_json(&s), *r64, *extra;
	unsigned char *der = NULL;
	int dl = i2d_X509(P.root, &der);
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.2");
	to_chain(&json, 1);
	r64 = b64(der, (size_t)dl);
	extra = malloc(strlen(r64) + 32);
	snprintf(extra, strlen(r64) + 32, "},{\"rawBytes\":\"%s\"}]}", r64);
	mutate(&json, "}]}", extra);
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "self-signed");
	OPENSSL_free(der);
	free(r64);
	free(extra);
	free(json);
}

void test_evidence_sigstore__a_v02_proof_without_checkpoint_is_rejected(void)
{
	bspec s = {0};
	char *json = bundle_json(&s);
	char *at, *end;
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.2");
	at = strstr(json, ",\"checkpoint\":{");
	end = strchr(at + 2, '}');
	memmove(at, end + 1, strlen(end + 1) + 1);
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "inclusion proof has no checkpoint");
	free(json);
}

/* A v0.1 bundle with a SET need not carry a checkpoint, but a proof it
 * does carry must still hold against its own root hash (upstream
 * inclusion-proof-corrupted-hash_fail: one proof hash bit-flipped). */
static int v01_no_checkpoint(bool flip, ae_err *err)
{
	bspec s = {.flip_proof = flip};
	ev_policy pol = {ISSUER, IDENTITY, NULL, NULL, 0, false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	char *json = bundle_json(&s), *at, *end;
	int rc;

	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.1");
	to_chain(&json, 1);
	at = strstr(json, ",\"checkpoint\":{");
	end = strchr(at + 2, '}');
	memmove(at, end + 1, strlen(end + 1) + 1);
	rc = verify_with(json, &pol, &art, &signer, err);
	ev_signer_free(signer);
	free(json);
	return rc;
}

void test_evidence_sigstore__a_v01_proof_without_checkpoint_must_still_hold(
	void)
{
	ae_err err = {0};

	T_ASSERT_INT(v01_no_checkpoint(false, &err), 0);
	T_ASSERT_INT(v01_no_checkpoint(true, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "inclusion proof");
}

void test_evidence_sigstore__a_v01_entry_needs_a_set(void)
{
	bspec s = {.no_set = true};
	char *json = bundle_json(&s);
	ev_bundle *b = NULL;
	ae_err err = {0};

	mutate(&json, "bundle.v0.3+json", "bundle+json;version=0.1");
	T_ASSERT_INT(parse(&b, json, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "no inclusion promise");
	free(json);
}

/* No entry is well-formed protobuf (an empty repeated field); the
 * verifier requires one (issue 16 moved the check there, so that
 * --insecure-ignore-tlog can waive it). */
void test_evidence_sigstore__a_bundle_without_tlog_entries_is_rejected(void)
{
	const char *j = "{\"mediaType\":"
			"\"application/vnd.dev.sigstore.bundle.v0.3+json\","
			"\"verificationMaterial\":{\"publicKey\":{},"
			"\"tlogEntries\":[]},\"messageSignature\":"
			"{\"signature\":\"AA==\"}}";
	char *pem = pem_of_key(P.leaf_key);
	ev_policy pol = {NULL,	      NULL, NULL, (unsigned char *)pem,
			 strlen(pem), false};
	ev_artifact art = {
		(const unsigned char *)ARTIFACT, strlen(ARTIFACT), {0}};
	ev_signer *signer = NULL;
	ae_err err = {0};

	T_ASSERT_INT(verify_with(j, &pol, &art, &signer, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no tlog entries");
	free(pem);
}

void test_evidence_sigstore__a_bundle_at_the_cap_is_read_past_it_refused(void)
{
	size_t n = EV_BUNDLE_MAX_BYTES + 1;
	unsigned char *big = malloc(n);
	ev_bundle *b = NULL;
	ae_err err = {0};

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 2] = '}';
	/* at the cap: parsed (and refused for content, not size) */
	T_ASSERT_INT(ev_bundle_parse(&b, big, n - 1, &err), AE_EINVAL);
	T_ASSERT(strstr(err.msg, "cap") == NULL);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_bundle_parse(&b, big, n, &err), AE_ETOOBIG);
	T_ASSERT(b == NULL);
	free(big);
}

/* ---- trusted roots ---- */

static int add_root(ev_trust *t, const char *json, ae_err *err)
{
	return ev_trust_add_json(t, (const unsigned char *)json, strlen(json),
				 err);
}

static char *public_good(void)
{
	return strndup(ev__public_good_root, ev__public_good_root_len);
}

void test_evidence_sigstore__the_embedded_root_is_the_committed_file(void)
{
	ae_buf f = AE_BUF_INIT(0);
	ae_err err = {0};

	T_ASSERT_INT(ae_read_file(&f, AT_FDCWD,
				  "evidence/data/public-good-trusted_root.json",
				  EV_TRUSTED_ROOT_MAX_BYTES, &err),
		     0);
	T_ASSERT_INT(f.len, ev__public_good_root_len);
	T_ASSERT(memcmp(f.data, ev__public_good_root, f.len) == 0);
	ae_buf_dispose(&f);
}

void test_evidence_sigstore__the_default_root_holds_the_public_good_instance(
	void)
{
	ev_trust *t = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	T_ASSERT_INT(t->ntlogs, 2);
	T_ASSERT_INT(t->nctlogs, 2);
	T_ASSERT_INT(t->ncas, 2);
	T_ASSERT_INT(t->ntsas, 1);
	T_ASSERT_STR(t->tlogs[0].origin, "rekor.sigstore.dev");
	T_ASSERT_STR(t->tlogs[1].origin, "log2025-1.rekor.sigstore.dev");
	T_ASSERT_INT(t->tlogs[0].valid.start,
		     1610452407); /* 2021-01-12T11:53:27Z */
	T_ASSERT(!t->tlogs[0].valid.has_end);
	T_ASSERT(t->ctlogs[0].valid.has_end);
	T_ASSERT_INT(t->ctlogs[0].valid.end, 1667260799); /* ...59.999Z */
	ev_trust_free(t);
}

/* Counts the links of `cas` (each certificate under the next of its
 * chain) and checks each: its signature verifies under the next one's
 * key, and the chain memo starts out knowing it (chain_memo.c's seeds). */
static size_t root_links_check(const ev__ca *cas, size_t n, size_t *nseeds)
{
	size_t links = 0;
	ae_err err = {0};

	for (size_t i = 0; i < n; i++) {
		STACK_OF(X509) *chain = NULL;

		T_ASSERT_INT(ev__ca_chain(&chain, &cas[i], &err), 0);
		for (int j = 0; j + 1 < sk_X509_num(chain); j++) {
			X509 *c = sk_X509_value(chain, j);
			X509 *issuer = sk_X509_value(chain, j + 1);

			T_ASSERT_INT(X509_verify(c, X509_get0_pubkey(issuer)),
				     1);
			T_ASSERT(ev__chain_memo_seeded(c, issuer, nseeds));
			links++;
		}
	}
	return links;
}

/* The memo's seeds are the embedded root's own links, each verified here,
 * and no link of the embedded root is missing from them: a root embedded
 * anew (evidence/data/embed.sh) fails this until its links are seeded. */
void test_evidence_sigstore__the_embedded_root_links_are_seeded_and_verify(
	void)
{
	ev_trust *t = NULL;
	size_t nseeds = 0, links;
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	links = root_links_check(t->cas, t->ncas, &nseeds);
	links += root_links_check(t->tsas, t->ntsas, &nseeds);
	T_ASSERT_INT(links, 2); /* Fulcio's intermediate, the TSA's leaf */
	T_ASSERT_INT(nseeds, links);
	ev_trust_free(t);
}

/* A seed is used: the first chain through Fulcio's intermediate in a
 * process does not verify the intermediate under the root again (a memo
 * hit before anything was remembered). */
void test_evidence_sigstore__a_seeded_link_is_not_verified_again(void)
{
	ev_trust *t = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *issuer = NULL;
	size_t hits = ev__chain_memo_hits();
	ae_err err = {0};

	T_ASSERT_INT(hits, 0);
	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	T_ASSERT_INT(ev__ca_chain(&chain, &t->cas[1], &err), 0);
	/* the intermediate as the path's first certificate, in its window */
	T_ASSERT_INT(ev__cert_chain_verify(&issuer, sk_X509_value(chain, 0),
					   NULL, &t->cas[1], 1,
					   1700000000, &err),
		     0);
	T_ASSERT_INT(ev__chain_memo_hits(), 1);
	X509_free(issuer);
	ev_trust_free(t);
}

/* A seed names exact bytes: the seeded intermediate under a root of the
 * same name and another key is not known, and fails its signature. */
void test_evidence_sigstore__a_seed_is_not_a_link_under_another_key(void)
{
	ev_trust *t = NULL;
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *k = pki_key_new();
	pki_cert_spec s = {0};
	X509 *root;
	size_t nseeds = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	T_ASSERT_INT(ev__ca_chain(&chain, &t->cas[1], &err), 0);
	T_ASSERT_INT(sk_X509_num(chain), 2);
	s.cn = "sigstore";
	s.key = k;
	s.not_before = PKI_T0 - 86400;
	s.not_after = PKI_T0 + 86400;
	s.ca = true;
	root = pki_cert_new(&s);
	T_ASSERT(ev__chain_memo_seeded(sk_X509_value(chain, 0),
				       sk_X509_value(chain, 1), &nseeds));
	T_ASSERT(!ev__chain_memo_seeded(sk_X509_value(chain, 0), root,
					&nseeds));
	T_ASSERT(X509_verify(sk_X509_value(chain, 0), k) != 1);
	X509_free(root);
	EVP_PKEY_free(k);
	ev_trust_free(t);
}

void test_evidence_sigstore__a_second_root_is_a_union(void)
{
	ev_trust *t = NULL;
	char *root = public_good();
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), 0);
	T_ASSERT_INT(t->ntlogs, 4);
	T_ASSERT_INT(t->ncas, 4);
	ev_trust_free(t);
	free(root);
}

void test_evidence_sigstore__a_validity_without_start_rejects_the_root(void)
{
	ev_trust *t = NULL;
	char *root = public_good();
	ae_err err = {0};

	mutate(&root, "\"start\": \"2021-01-12T11:53:27Z\"",
	       "\"begin\": \"2021-01-12T11:53:27Z\"");
	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "validFor has no start");
	T_ASSERT_INT(t->ntlogs + t->ncas + t->nctlogs + t->ntsas, 0);
	ev_trust_free(t);
	free(root);
}

/* X509CertificateChain holds "one or more" certificates (protobuf-specs):
 * an authority without any is a malformed root, not one to skip
 * (upstream rekor2-timestamp-wrong-tsa-validity-borrow_fail adds one). */
void test_evidence_sigstore__an_authority_without_certificates_rejects_the_root(
	void)
{
	ev_trust *t = NULL;
	char *root = public_good();
	ae_err err = {0};

	mutate(&root, "\"timestampAuthorities\": [",
	       "\"timestampAuthorities\": [{\"uri\":\"https://u.invalid\","
	       "\"certChain\":{\"certificates\":[]},\"validFor\":{"
	       "\"start\":\"2025-06-01T00:00:00Z\"}},");
	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "has no certificates");
	T_ASSERT_INT(t->ntlogs + t->ncas + t->nctlogs + t->ntsas, 0);
	ev_trust_free(t);
	free(root);
}

void test_evidence_sigstore__a_null_validity_end_is_open(void)
{
	ev_trust *t = NULL;
	char *root = public_good();
	ae_err err = {0};

	mutate(&root, "\"start\": \"2021-01-12T11:53:27Z\"",
	       "\"start\": \"2021-01-12T11:53:27Z\", \"end\": null");
	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), 0);
	T_ASSERT(!t->tlogs[0].valid.has_end);
	ev_trust_free(t);
	free(root);
}

void test_evidence_sigstore__an_unknown_root_media_type_is_rejected(void)
{
	ev_trust *t = NULL;
	char *root = public_good();
	ae_err err = {0};

	mutate(&root, "trustedroot+json;version=0.1",
	       "trustedroot+json;version=9");
	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "unknown trusted root media type");
	ev_trust_free(t);
	free(root);
}

void test_evidence_sigstore__a_root_past_the_cap_is_refused(void)
{
	ev_trust *t = NULL;
	unsigned char *big = calloc(1, EV_TRUSTED_ROOT_MAX_BYTES + 1);
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(
		ev_trust_add_json(t, big, EV_TRUSTED_ROOT_MAX_BYTES + 1, &err),
		AE_ETOOBIG);
	ae_err_clear(&err);
	T_ASSERT_INT(ev_trust_add_json(t, big, EV_TRUSTED_ROOT_MAX_BYTES, &err),
		     AE_EINVAL);
	ev_trust_free(t);
	free(big);
}

/* A root with one tlog whose key is `key64` and one CA whose only
 * certificate is `cert64` (both base64 rawBytes). */
static char *small_root(const char *key64, const char *cert64)
{
	static const char fmt[] =
		"{\"mediaType\": "
		"\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
		"\"tlogs\": [{\"baseUrl\": \"https://log.test\","
		"\"publicKey\": {\"rawBytes\": \"%s\", \"validFor\": "
		"{\"start\": \"2021-01-01T00:00:00Z\"}},"
		"\"logId\": {\"keyId\": "
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}}],"
		"\"certificateAuthorities\": [{\"uri\": \"https://ca.test\","
		"\"certChain\": {\"certificates\": [{\"rawBytes\": \"%s\"}]},"
		"\"validFor\": {\"start\": \"2021-01-01T00:00:00Z\"}}]}";
	size_t n = sizeof(fmt) + strlen(key64) + strlen(cert64);
	char *s = malloc(n);

	T_ASSERT(s != NULL);
	snprintf(s, n, fmt, key64, cert64);
	return s;
}

#define DER_NOT_A_KEY "MAMCAQA=" /* 30 03 02 01 00: SEQUENCE { 0 } */
#define DER_BROKEN    "MAU="	 /* 30 05 and no contents */
#define NOT_DER	      "AAEC"	 /* 00 01 02 */

void test_evidence_sigstore__root_keys_and_certs_decode_on_first_use_once(void)
{
	ev_trust *t = NULL;
	EVP_PKEY *k1 = NULL, *k2 = NULL;
	STACK_OF(X509) *c1 = NULL, *c2 = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	for (size_t i = 0; i < t->ntlogs; i++)
		T_ASSERT(t->tlogs[i].key == NULL && t->tlogs[i].key_der);
	for (size_t i = 0; i < t->ncas; i++)
		T_ASSERT(t->cas[i].chain == NULL && t->cas[i].der);
	T_ASSERT_INT(ev__log_key(&k1, &t->tlogs[0], &err), 0);
	T_ASSERT_INT(ev__log_key(&k2, &t->tlogs[0], &err), 0);
	T_ASSERT(k1 != NULL && k1 == k2 && t->tlogs[0].key == k1);
	T_ASSERT(EVP_PKEY_is_a(k1, "EC"));
	T_ASSERT(t->tlogs[1].key == NULL);
	T_ASSERT_INT(ev__ca_chain(&c1, &t->cas[1], &err), 0);
	T_ASSERT_INT(ev__ca_chain(&c2, &t->cas[1], &err), 0);
	T_ASSERT(c1 != NULL && c1 == c2 && sk_X509_num(c1) == 2);
	T_ASSERT(t->cas[0].chain == NULL);
	ev_trust_free(t);
}

/* ev__log_key on a log holding `der` (copied); the log is disposed. */
static int log_key_of(EVP_PKEY **dup_out, const unsigned char *der, size_t n,
		      ae_err *err)
{
	ev__log l = {0};
	EVP_PKEY *k = NULL;
	int rc;

	l.key_der = malloc(n);
	memcpy(l.key_der, der, n);
	l.key_der_len = n;
	rc = ev__log_key(&k, &l, err);
	*dup_out = NULL;
	if (rc == 0 && EVP_PKEY_up_ref(k) == 1)
		*dup_out = k;
	ev__log_dispose(&l);
	return rc;
}

void test_evidence_sigstore__root_keys_decode_as_d2i_pubkey_would(void)
{
	const char *groups[] = {"P-256", "P-384"};
	ev_trust *t = NULL;
	EVP_PKEY *k = NULL, *want = NULL, *gen;
	const unsigned char *p;
	unsigned char *der;
	ae_err err = {0};
	int n;

	/* every key of the public-good root (ECDSA P-256, Ed25519) */
	T_ASSERT_INT(ev_trust_new_default(&t, &err), 0);
	for (size_t i = 0; i < t->ntlogs + t->nctlogs; i++) {
		ev__log *l = i < t->ntlogs ? &t->tlogs[i]
					   : &t->ctlogs[i - t->ntlogs];
		p = l->key_der;
		want = d2i_PUBKEY(NULL, &p, (long)l->key_der_len);
		T_ASSERT(want != NULL);
		T_ASSERT_INT(ev__log_key(&k, l, &err), 0);
		T_ASSERT_INT(EVP_PKEY_eq(k, want), 1);
		EVP_PKEY_free(want);
	}
	ev_trust_free(t);
	/* P-384 too; a point off the curve is no key */
	for (size_t i = 0; i < 2; i++) {
		gen = EVP_EC_gen(groups[i]);
		der = NULL;
		n = i2d_PUBKEY(gen, &der);
		T_ASSERT(n > 0);
		T_ASSERT_INT(log_key_of(&k, der, (size_t)n, &err), 0);
		T_ASSERT_INT(EVP_PKEY_eq(k, gen), 1);
		EVP_PKEY_free(k);
		der[n - 1] ^= 1;
		T_ASSERT_INT(log_key_of(&k, der, (size_t)n, &err), AE_EINVAL);
		T_ASSERT(k == NULL);
		ae_err_clear(&err);
		OPENSSL_free(der);
		EVP_PKEY_free(gen);
	}
}

void test_evidence_sigstore__a_root_key_or_cert_that_is_not_der_is_rejected(
	void)
{
	const char *bad[][2] = {{NOT_DER, DER_NOT_A_KEY},
				{DER_BROKEN, DER_NOT_A_KEY},
				{DER_NOT_A_KEY, NOT_DER},
				{DER_NOT_A_KEY, DER_BROKEN}};
	ev_trust *t = NULL;
	char *root;
	ae_err err = {0};

	for (size_t i = 0; i < 4; i++) {
		root = small_root(bad[i][0], bad[i][1]);
		T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
		T_ASSERT_INT(add_root(t, root, &err), AE_EINVAL);
		T_ASSERT_MSG(err, i < 2 ? "public key is not DER SPKI"
					: "certificate 0 is not DER");
		T_ASSERT_INT(t->ntlogs + t->ncas, 0);
		ev_trust_free(t);
		free(root);
		ae_err_clear(&err);
	}
}

void test_evidence_sigstore__root_der_that_is_no_key_or_cert_fails_at_use(void)
{
	ev_trust *t = NULL;
	EVP_PKEY *k = NULL;
	STACK_OF(X509) *c = NULL;
	char *root = small_root(DER_NOT_A_KEY, DER_NOT_A_KEY);
	ae_err err = {0};

	T_ASSERT_INT(ev_trust_new_empty(&t, &err), 0);
	T_ASSERT_INT(add_root(t, root, &err), 0);
	T_ASSERT_INT(ev__log_key(&k, &t->tlogs[0], &err), AE_EINVAL);
	T_ASSERT(k == NULL);
	T_ASSERT_MSG(err, "is not a public key");
	ae_err_clear(&err);
	T_ASSERT_INT(ev__ca_chain(&c, &t->cas[0], &err), AE_EINVAL);
	T_ASSERT(c == NULL);
	T_ASSERT_MSG(err, "does not decode");
	/* failing twice: nothing half-decoded was kept */
	ae_err_clear(&err);
	T_ASSERT_INT(ev__log_key(&k, &t->tlogs[0], &err), AE_EINVAL);
	T_ASSERT(t->tlogs[0].key == NULL && t->cas[0].chain == NULL);
	ev_trust_free(t);
	free(root);
}

void test_evidence_sigstore__rfc3339_times_parse_with_fractions(void)
{
	int64_t t = 0;
	ae_err err = {0};

	T_ASSERT_INT(ev__rfc3339_parse(&t, "1970-01-01T00:00:00Z", &err), 0);
	T_ASSERT_INT(t, 0);
	T_ASSERT_INT(ev__rfc3339_parse(&t, "2022-12-31T23:59:59.999Z", &err),
		     0);
	T_ASSERT_INT(t, 1672531199);
	T_ASSERT_INT(ev__rfc3339_parse(&t, "2022-12-31T23:59:59.999000Z", &err),
		     0);
	T_ASSERT_INT(ev__rfc3339_parse(&t, "2022-12-31T23:59:59+01:00", &err),
		     AE_EINVAL);
	T_ASSERT_INT(ev__rfc3339_parse(&t, "2022-12-31T23:59:59.Z", &err),
		     AE_EINVAL);
}

/* ---- the low-level proofs on their own ---- */

void test_evidence_sigstore__merkle_proofs_verify_for_every_leaf_and_size(void)
{
	unsigned char leaves[9][32], proof[8][32], root[32];
	ae_err err = {0};

	for (int i = 0; i < 9; i++)
		leaf_hash(leaves[i], &i, sizeof(i));
	for (size_t n = 1; n <= 9; n++) {
		mth(root, leaves, n);
		for (size_t m = 0; m < n; m++) {
			int v = (int)m;
			size_t c = path(proof, m, leaves, n);
			T_ASSERT_INT(ev__merkle_verify(
					     (unsigned char *)&v, sizeof(v),
					     (int64_t)m, (int64_t)n,
					     (const unsigned char(*)[32])proof,
					     c, root, &err),
				     0);
			if (c > 0) /* one hash fewer never verifies */
				T_ASSERT_INT(
					ev__merkle_verify(
						(unsigned char *)&v, sizeof(v),
						(int64_t)m, (int64_t)n,
						(const unsigned char(*)[32])
							proof,
						c - 1, root, &err),
					AE_EVERIFY);
		}
	}
}

void test_evidence_sigstore__a_merkle_index_outside_the_tree_fails(void)
{
	unsigned char root[32] = {0};
	ae_err err = {0};

	T_ASSERT_INT(ev__merkle_verify((unsigned char *)"x", 1, 5, 5, NULL, 0,
				       root, &err),
		     AE_EVERIFY);
	T_ASSERT_MSG(err, "not inside tree size");
}

void test_evidence_sigstore__a_set_over_wrong_bytes_fails_on_its_own(void)
{
	ae_buf body = AE_BUF_INIT(64);
	ev__tlog_entry e = {0};
	char *set;
	ae_err err = {0};

	T_ASSERT(ae_buf_puts(&body, "{\"kind\":\"x\"}", NULL) == 0);
	e.body = body.data;
	e.body_len = body.len;
	e.integrated_time = PKI_T0;
	e.log_index = 7;
	memcpy(e.log_id, LOG.log_id, 32);
	set = make_set(&body, PKI_T0, 7);
	T_ASSERT(ae_base64_decode(&e.set, &e.set_len, set, strlen(set), NULL) ==
		 0);
	T_ASSERT_INT(ev__set_verify(&e, &LOG, &err), 0);
	e.log_index = 8; /* the SET now covers other bytes */
	T_ASSERT_INT(ev__set_verify(&e, &LOG, &err), AE_EVERIFY);
	e.log_index = 7;
	e.integrated_time = PKI_T0 - 2 * 86400; /* before the log's key */
	ae_err_clear(&err);
	T_ASSERT_INT(ev__set_verify(&e, &LOG, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "outside the log key's validity");
	free(e.set);
	free(set);
	ae_buf_dispose(&body);
}

/* A Rekor v2 style log: Ed25519, key ID = SHA-256(name \n 0x01 key). */
static EVP_PKEY *ed_log(ev__log *log, const char *name)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	unsigned char raw[32], buf[300];
	size_t rl = sizeof(raw), n = strlen(name);

	T_ASSERT(EVP_PKEY_get_raw_public_key(k, raw, &rl) == 1);
	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = 0x01;
	memcpy(buf + n + 2, raw, 32);
	memset(log, 0, sizeof(*log));
	ae_sha256(log->log_id, buf, n + 34);
	log->key = k;
	log->origin = (char *)name;
	return k;
}

/* A note with body `body` and one line "— name hint||sig(key)". */
static char *note(const char *body, const char *name, const unsigned char *hint,
		  EVP_PKEY *key, const char *extra_lines)
{
	ae_buf o = AE_BUF_INIT(1 << 16);
	unsigned char *sig, blob[128];
	size_t sl;
	char *b;

	sig = sign(&sl, key, body, strlen(body));
	memcpy(blob, hint, 4);
	memcpy(blob + 4, sig, sl);
	b = b64(blob, sl + 4);
	T_ASSERT(ae_buf_printf(&o, NULL, "%s\n%s\xe2\x80\x94 %s %s\n", body,
			       extra_lines, name, b) == 0);
	free(b);
	free(sig);
	return (char *)ae_buf_detach(&o, NULL);
}

static int cp_check(const char *text, const ev__log *log, ae_err *err)
{
	ev__checkpoint *cp = NULL;
	int rc = ev__checkpoint_parse(&cp, text, strlen(text), err);

	if (rc == 0)
		rc = ev__checkpoint_verify(cp, log, err);
	ev__checkpoint_free(cp);
	return rc;
}

#define V2BODY "log2.test\n12\n" ROOT64 "\n"
#define ROOT64 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

void test_evidence_sigstore__an_ed25519_checkpoint_verifies(void)
{
	ev__log log;
	EVP_PKEY *k = ed_log(&log, "log2.test");
	char *n = note(V2BODY, "log2.test", log.log_id, k, "");
	ae_err err = {0};

	T_ASSERT_INT(cp_check(n, &log, &err), 0);
	free(n);
	EVP_PKEY_free(k);
}

void test_evidence_sigstore__witness_cosignatures_are_ignored(void)
{
	ev__log log;
	EVP_PKEY *k = ed_log(&log, "log2.test");
	char *n = note(V2BODY, "log2.test", log.log_id, k,
		       "\xe2\x80\x94 witness.example AAAAAAAAAAAAAAA=\n");
	ae_err err = {0};

	T_ASSERT_INT(cp_check(n, &log, &err), 0);
	free(n);
	EVP_PKEY_free(k);
}

void test_evidence_sigstore__a_checkpoint_key_hint_mismatch_fails_on_its_own(
	void)
{
	ev__log log;
	EVP_PKEY *k = ed_log(&log, "log2.test");
	unsigned char hint[4] = {0xde, 0xad, 0xbe, 0xef};
	char *n = note(V2BODY, "log2.test", hint, k, "");
	ae_err err = {0};

	T_ASSERT_INT(cp_check(n, &log, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "no signature from the log's key");
	free(n);
	EVP_PKEY_free(k);
}

void test_evidence_sigstore__a_checkpoint_origin_mismatch_fails_on_its_own(void)
{
	ev__log log;
	EVP_PKEY *k = ed_log(&log, "log2.test");
	char *n = note("log3.test\n12\n" ROOT64 "\n", "log2.test", log.log_id,
		       k, "");
	ae_err err = {0};

	T_ASSERT_INT(cp_check(n, &log, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "checkpoint origin");
	free(n);
	EVP_PKEY_free(k);
}

void test_evidence_sigstore__a_bad_signature_from_the_log_key_fails(void)
{
	ev__log log;
	EVP_PKEY *k = ed_log(&log, "log2.test");
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *n = note(V2BODY, "log2.test", log.log_id, other, "");
	ae_err err = {0};

	T_ASSERT_INT(cp_check(n, &log, &err), AE_EVERIFY);
	T_ASSERT_MSG(err, "does not verify");
	free(n);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

void test_evidence_sigstore__malformed_checkpoints_say_what_is_missing(void)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{"12\n" ROOT64 "\n\n\xe2\x80\x94 a AAAAAAAA\n", "tree size"},
		{"o\n" ROOT64 "\n\n\xe2\x80\x94 a AAAAAAAA\n", "tree size"},
		{"o\n12\n\n\xe2\x80\x94 a AAAAAAAA\n", "root hash"},
		{"o\n12\n" ROOT64 "\n\n", "no signature"},
		{"o\n12\n" ROOT64 "\n\n- a AAAAAAAA\n", "em dash"},
		{"o\n12\n" ROOT64 "\n\xe2\x80\x94 a AAAAAAAA\n", "blank line"},
		{"o\n12\n" ROOT64 "\n\n\xe2\x80\x94 a AAAA\n", "key id"},
		{"o\n-1\n" ROOT64 "\n\n\xe2\x80\x94 a AAAAAAAA\n", "tree size"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev__checkpoint *cp = NULL;
		ae_err err = {0};
		T_ASSERT_INT(ev__checkpoint_parse(&cp, cases[i].text,
						  strlen(cases[i].text), &err),
			     AE_EINVAL);
		T_ASSERT(cp == NULL);
		T_ASSERT_MSG(err, cases[i].why);
	}
}

void test_evidence_sigstore__a_checkpoint_past_the_cap_is_refused(void)
{
	size_t n = EV__CHECKPOINT_MAX_BYTES + 1;
	char *big = malloc(n);
	ev__checkpoint *cp = NULL;
	ae_err err = {0};

	memset(big, 'a', n);
	T_ASSERT_INT(ev__checkpoint_parse(&cp, big, n, &err), AE_ETOOBIG);
	ae_err_clear(&err);
	T_ASSERT_INT(ev__checkpoint_parse(&cp, big, n - 1, &err), AE_EINVAL);
	free(big);
}

/* Which services a trusted root lists, for the check before signing
 * (evidence/signer/preflight.c): URLs match with scheme and host case, a
 * default port and trailing slashes aside; another path, another host, a
 * window that ended or a missing kind do not. */
void test_evidence_sigstore__a_trusted_root_lists_services_by_url(void)
{
	ev__ca ca = {.uri = (char *)"https://Fulcio.example.test:443/"};
	ev__ca tsa = {
		.uri = (char *)"https://tsa.example.test/api/v1/timestamp"};
	ev__log log = {.base_url = (char *)"https://rekor.example.test"};
	ev_trust t = {.cas = &ca, .ncas = 1, .tlogs = &log, .ntlogs = 1};

	T_ASSERT(ev_trust_lists(&t, EV_TRUST_CA, "HTTPS://fulcio.example.test",
				1000));
	T_ASSERT(ev_trust_lists(&t, EV_TRUST_TLOG,
				"https://rekor.example.test/", 1000));
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_TLOG,
				 "https://rekor.example.test/other", 1000));
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_TSA,
				 "https://tsa.example.test/api/v1/timestamp",
				 1000));
	t.tsas = &tsa;
	t.ntsas = 1;
	T_ASSERT(ev_trust_lists(&t, EV_TRUST_TSA,
				"https://tsa.example.test/api/v1/timestamp",
				1000));
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_CA,
				 "https://fulcio.example.test.evil", 1000));
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_CA, "http://fulcio.example.test",
				 1000));
	ca.valid.has_end = true;
	ca.valid.end = 999;
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_CA, "https://fulcio.example.test",
				 1000));
	ca.valid.start = 2000;
	ca.valid.has_end = false;
	T_ASSERT(!ev_trust_lists(&t, EV_TRUST_CA, "https://fulcio.example.test",
				 1000));
}

/* ---- by paths (verify_files.c): what `sigstore verify-bundle` runs ---- */

void test_evidence_sigstore__a_bundle_named_by_paths_verifies(void)
{
	bspec s = {0};
	ev_verify_files f = {0};
	ev_signer *signer = NULL;
	const char *what = NULL;
	unsigned char h[AE_SHA256_LEN];
	char dg[AE_DIGEST_STR_LEN];
	ae_err err = {0};
	char *json = bundle_json(&s);

	t_write_file(t_path("b.json"), json, strlen(json));
	t_write_file(t_path("a.txt"), ARTIFACT, strlen(ARTIFACT));
	f.bundle = t_path("b.json");
	f.artifact = t_path("a.txt");
	f.policy = (ev_policy){ISSUER, IDENTITY, NULL, NULL, 0, false};
	T_ASSERT_INT(ev_bundle_verify_files(&signer, &what, &TRUST, &f, &err),
		     0);
	T_ASSERT_STR(signer->identity, IDENTITY);
	ev_signer_free(signer);
	/* a digest where no file has that name */
	ae_sha256(h, ARTIFACT, strlen(ARTIFACT));
	ae_digest_format(dg, h);
	f.artifact = dg;
	T_ASSERT_INT(ev_bundle_verify_files(&signer, &what, &TRUST, &f, &err),
		     0);
	ev_signer_free(signer);
	dg[7] = dg[7] == '0' ? '1' : '0';
	T_ASSERT_INT(ev_bundle_verify_files(&signer, &what, &TRUST, &f, &err),
		     AE_EVERIFY);
	T_ASSERT(signer == NULL && strcmp(what, f.bundle) == 0);
	ae_err_clear(&err);
	/* a failure names its input */
	f.artifact = t_path("no-such-artifact");
	T_ASSERT_INT(ev_bundle_verify_files(&signer, &what, &TRUST, &f, &err),
		     AE_ENOTFOUND);
	T_ASSERT(strcmp(what, f.artifact) == 0);
	ae_err_clear(&err);
	f.artifact = t_path("a.txt");
	f.key = t_path("no-such-key");
	T_ASSERT_INT(ev_bundle_verify_files(&signer, &what, &TRUST, &f, &err),
		     AE_ENOTFOUND);
	T_ASSERT(strcmp(what, f.key) == 0);
	free(json);
}
