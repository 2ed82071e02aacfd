/* evidence/signer/sign.c -- keyless signing: from a token to a v0.3 bundle
 *
 * The sequence of sigstore.md §11: check the token is still valid (before
 * any request, so an expired token costs nothing and logs nothing), pick
 * the services (flags over SigningConfig over public good), make an
 * ephemeral P-256 key, get a Fulcio certificate for it, sign (DSSE PAE or
 * the artifact digest), log the signature in every selected Rekor, add RFC
 * 3161 timestamps, assemble the bundle in protobuf JSON (sigstore.md §1.1:
 * camelCase, base64 bytes, int64 as strings, zero values omitted), and run
 * our own verifier over it before handing it out (STYLE §3.9).
 * The private key lives only inside one call and is freed (OpenSSL clears
 * key material) before returning. The result carries the signer as the
 * verifier found it, never as the token claims it.
 */
#include "evidence/signer/internal.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGN_MEDIA_TYPE "application/vnd.dev.sigstore.bundle.v0.3+json"
#define SIGN_SIG_MAX	160 /* DER ECDSA P-256 signature is at most 72 */

/* What is being signed. */
typedef struct sign_input {
	bool dsse;
	const char *payload_type;
	const unsigned char *payload;
	size_t payload_len;
	unsigned char digest[AE_SHA256_LEN]; /* artifact, or SHA-256(PAE) */
} sign_input;

/* Everything produced along the way, freed in one place. */
typedef struct sign_state {
	ev_sign_services svc;
	EVP_PKEY *key;
	ev__cert cert;
	unsigned char sig[SIGN_SIG_MAX];
	size_t sig_len;
	char *payload_b64;
	char *envelope_json;
	json_t *tlog_entries;
	json_t *timestamps;
	int64_t deadline; /* of the run, 0 = none */
} sign_state;

void ev_sign_result_free(ev_sign_result *res)
{
	if (res == NULL)
		return;
	free(res->bundle);
	free(res->issuer);
	free(res->identity);
	free(res);
}

/* Replaces a service list by one URL given on the command line. */
static int sign_override(char **urls, size_t *n, const char *url, ae_err *err)
{
	for (size_t i = 0; i < *n; i++) {
		free(urls[i]);
		urls[i] = NULL;
	}
	*n = 0;
	urls[0] = strdup(url);
	if (urls[0] == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*n = 1;
	return 0;
}

/* Every URL must be https (or loopback http) before the first request. */
static int sign_urls_check(const ev_sign_services *s, ae_err *err)
{
	char rbuf[AE_REPR_BUF];
	const char *bad = NULL;

	if (!ev__sign_url_allowed(s->fulcio_url))
		bad = s->fulcio_url;
	for (size_t i = 0; i < s->nrekor && bad == NULL; i++)
		if (!ev__sign_url_allowed(s->rekor_url[i]))
			bad = s->rekor_url[i];
	for (size_t i = 0; i < s->ntsa && bad == NULL; i++)
		if (!ev__sign_url_allowed(s->tsa_url[i]))
			bad = s->tsa_url[i];
	if (bad == NULL)
		return 0;
	return ae_fail(err, AE_EINVAL,
		       "service url %s is not https (plain http only to "
		       "loopback)",
		       ae_repr(rbuf, sizeof(rbuf), bad, strlen(bad)));
}

/* Resolves the services: flags over SigningConfig over public good. */
static int sign_services(ev_sign_services *s, const ev_sign_opts *o,
			 int64_t now, ae_err *err)
{
	int rc = 0;

	if (o->signing_config != NULL)
		rc = ev_signing_config_parse(s, o->signing_config,
					     o->signing_config_len, now, err);
	if (rc == 0 && o->fulcio_url != NULL) {
		free(s->fulcio_url);
		s->fulcio_url = strdup(o->fulcio_url);
	} else if (rc == 0 && s->fulcio_url == NULL) {
		s->fulcio_url = o->signing_config
					? NULL
					: strdup(EV_SIGN_DEFAULT_FULCIO);
	}
	if (rc == 0 && o->rekor_url != NULL) {
		rc = sign_override(s->rekor_url, &s->nrekor, o->rekor_url, err);
		s->rekor_version = o->rekor_version ? o->rekor_version : 1;
	} else if (rc == 0 && s->nrekor == 0 && o->signing_config == NULL) {
		rc = sign_override(s->rekor_url, &s->nrekor,
				   EV_SIGN_DEFAULT_REKOR, err);
		s->rekor_version = 1;
	}
	if (rc == 0 && o->tsa_url != NULL)
		rc = sign_override(s->tsa_url, &s->ntsa, o->tsa_url, err);
	if (rc < 0)
		return rc;
	if (s->fulcio_url == NULL)
		return ae_fail(
			err, AE_EINVAL,
			"no usable fulcio: the signing config lists none "
			"valid now");
	if (s->nrekor == 0)
		return ae_fail(err, AE_EINVAL,
			       "no usable rekor log: the signing config lists "
			       "none valid now");
	if (s->rekor_version != 1 && s->rekor_version != 2)
		return ae_fail(err, AE_EINVAL,
			       "rekor api version %d is not 1 "
			       "or 2",
			       s->rekor_version);
	if (s->rekor_version == 2 && s->ntsa == 0)
		return ae_fail(err, AE_EINVAL,
			       "rekor v2 entries carry no time: a timestamp "
			       "authority is needed (--tsa-url, or tsaUrls in "
			       "the signing config)");
	return sign_urls_check(s, err);
}

/* DSSE pre-authentication encoding (sigstore.md §8.3), hashed. */
static int sign_pae_digest(unsigned char out[AE_SHA256_LEN], const char *type,
			   const unsigned char *payload, size_t len,
			   ae_err *err)
{
	ae_sha256_ctx *ctx = NULL;
	char head[128];
	int n, rc;

	n = snprintf(head, sizeof(head), "DSSEv1 %zu ", strlen(type));
	rc = ae_sha256_new(&ctx, err);
	if (rc < 0)
		return rc;
	ae_sha256_update(ctx, head, (size_t)n);
	ae_sha256_update(ctx, type, strlen(type));
	n = snprintf(head, sizeof(head), " %zu ", len);
	ae_sha256_update(ctx, head, (size_t)n);
	ae_sha256_update(ctx, payload, len);
	ae_sha256_final(ctx, out);
	ae_sha256_free(ctx);
	return 0;
}

/* Makes the ephemeral key and signs the prehashed digest (ECDSA P-256 with
 * SHA-256: the same signature as signing the message itself). */
static int sign_key_and_sign(sign_state *st, const sign_input *in, ae_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	int rc = 0;

	st->key = EVP_EC_gen("P-256");
	if (st->key == NULL)
		return ae_fail(err, AE_ERR, "cannot generate a P-256 key");
	st->sig_len = sizeof(st->sig);
	ctx = EVP_PKEY_CTX_new(st->key, NULL);
	if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_sign(ctx, st->sig, &st->sig_len, in->digest,
			  AE_SHA256_LEN) != 1)
		rc = ae_fail(err, AE_ERR, "cannot sign with the ephemeral key");
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* The DSSE envelope JSON as submitted to Rekor v1 (its envelopeHash is
 * over exactly this string). */
static int sign_envelope(sign_state *st, const sign_input *in, ae_err *err)
{
	char *sig_b64 = NULL;
	json_t *env = NULL;
	int rc;

	rc = ae_base64_encode(&st->payload_b64, in->payload, in->payload_len,
			      err);
	if (rc == 0)
		rc = ae_base64_encode(&sig_b64, st->sig, st->sig_len, err);
	if (rc < 0)
		goto done;
	env = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "payload", st->payload_b64,
			"payloadType", in->payload_type, "signatures", "keyid",
			"", "sig", sig_b64);
	st->envelope_json = env ? json_dumps(env, JSON_COMPACT) : NULL;
	if (st->envelope_json == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	json_decref(env);
	free(sig_b64);
	return rc;
}

/* Logs the signature in every selected Rekor and timestamps it. */
static int sign_log_and_stamp(sign_state *st, const sign_input *in, ae_err *err)
{
	ev__tlog_req req = {0};
	json_t *entry = NULL;
	int64_t idx = 0;
	int rc = 0;

	req.dsse = in->dsse;
	req.sig = st->sig;
	req.sig_len = st->sig_len;
	memcpy(req.digest, in->digest, AE_SHA256_LEN);
	req.envelope_json = st->envelope_json;
	req.payload_b64 = st->payload_b64;
	req.payload_type = in->payload_type;
	req.cert = &st->cert;
	for (size_t i = 0; i < st->svc.nrekor && rc == 0; i++) {
		rc = ev__rekor_upload(&entry, &idx, st->svc.rekor_url[i],
				      st->svc.rekor_version, &req, st->deadline,
				      err);
		if (rc == 0)
			rc = json_array_append_new(st->tlog_entries, entry)
				     ? ae_fail(err, AE_ERR, "out of memory")
				     : 0;
	}
	for (size_t i = 0; i < st->svc.ntsa && rc == 0; i++) {
		unsigned char *der = NULL;
		size_t der_len = 0;
		char *b64 = NULL;

		rc = ev__tsa_request(&der, &der_len, st->svc.tsa_url[i],
				     st->sig, st->sig_len, st->deadline, err);
		if (rc == 0)
			rc = ae_base64_encode(&b64, der, der_len, err);
		if (rc == 0)
			json_array_append_new(
				st->timestamps,
				json_pack("{s:s}", "signedTimestamp", b64));
		free(b64);
		free(der);
	}
	return rc;
}

/* Assembles the v0.3 bundle (sigstore.md §1.3-1.5) as compact JSON. */
static int sign_bundle_json(char **out, sign_state *st, const sign_input *in,
			    ae_err *err)
{
	char *cert_b64 = NULL, *sig_b64 = NULL, *dig_b64 = NULL;
	json_t *b = NULL, *vm = NULL, *content = NULL;
	int rc;

	*out = NULL;
	rc = ae_base64_encode(&cert_b64, st->cert.der, st->cert.der_len, err);
	if (rc == 0)
		rc = ae_base64_encode(&sig_b64, st->sig, st->sig_len, err);
	if (rc == 0)
		rc = ae_base64_encode(&dig_b64, in->digest, AE_SHA256_LEN, err);
	if (rc < 0)
		goto done;
	vm = json_pack("{s:{s:s},s:O}", "certificate", "rawBytes", cert_b64,
		       "tlogEntries", st->tlog_entries);
	if (vm != NULL && json_array_size(st->timestamps) > 0)
		json_object_set_new(vm, "timestampVerificationData",
				    json_pack("{s:O}", "rfc3161Timestamps",
					      st->timestamps));
	if (in->dsse)
		content = json_pack("{s:s,s:s,s:[{s:s}]}", "payload",
				    st->payload_b64, "payloadType",
				    in->payload_type, "signatures", "sig",
				    sig_b64);
	else
		content = json_pack("{s:{s:s,s:s},s:s}", "messageDigest",
				    "algorithm", "SHA2_256", "digest", dig_b64,
				    "signature", sig_b64);
	if (vm != NULL && content != NULL)
		b = json_pack("{s:s,s:O,s:O}", "mediaType", SIGN_MEDIA_TYPE,
			      "verificationMaterial", vm,
			      in->dsse ? "dsseEnvelope" : "messageSignature",
			      content);
	*out = b ? json_dumps(b, JSON_COMPACT) : NULL;
	if (*out == NULL)
		rc = ae_fail(err, AE_ERR, "cannot assemble the bundle");
done:
	json_decref(b);
	json_decref(vm);
	json_decref(content);
	free(dig_b64);
	free(sig_b64);
	free(cert_b64);
	return rc;
}

/* The trust the self-check uses: the caller's trusted_root.json alone,
 * else the embedded public-good root, as `sigstore verify-bundle` and
 * `verify` load it, so a bundle we write is one our consumers accept. */
static int sign_trust(ev_trust **out, const ev_sign_opts *o, ae_err *err)
{
	if (o->trusted_root == NULL)
		return ev_trust_new_default(out, err);
	return ev_trust_new_json(out, o->trusted_root, o->trusted_root_len,
				 err);
}

/* Checks, before any request, that the self-check's trusted root covers
 * the services selected (preflight.c). */
static int sign_preflight(const ev_sign_services *svc, const ev_sign_opts *o,
			  int64_t now, ae_err *err)
{
	ev_sign_services named = *svc;
	ev_trust *trust = NULL;
	int rc;

	/* Only what a signing config chose: a URL given by flag is the
	 * operator's own choice (a gateway, a mirror), listed or not. */
	if (o->signing_config == NULL)
		return 0;
	if (o->fulcio_url != NULL)
		named.fulcio_url = NULL;
	if (o->rekor_url != NULL)
		named.nrekor = 0;
	if (o->tsa_url != NULL)
		named.ntsa = 0;
	rc = sign_trust(&trust, o, err);
	if (rc == 0)
		rc = ev__sign_preflight(&named, trust, now, err);
	ev_trust_free(trust);
	return rc;
}

/* Runs our own verifier over the new bundle (STYLE §3.9, minisign `sign`:
 * check your own output) with the certificate's identity as policy and,
 * for a message, the signed digest as artifact; for DSSE the returned
 * payload must be exactly ours. On success *signer_out holds the verified
 * signer, whose fields the result reports. AE_EVERIFY when it fails. */
static int sign_self_check(ev_signer **signer_out, const char *bundle,
			   const ev_sign_opts *o, const sign_input *in,
			   const ev__cert *cert, ae_err *err)
{
	ev_policy pol = EV_POLICY_INIT;
	ev_artifact art = {0};
	ev_trust *trust = NULL;
	ev_bundle *b = NULL;
	ae_err why = {0};
	int rc;

	*signer_out = NULL;
	pol.issuer = cert->issuer;
	pol.identity = cert->identity;
	memcpy(art.sha256, in->digest, AE_SHA256_LEN);
	rc = sign_trust(&trust, o, err);
	if (rc < 0)
		return rc;
	rc = ev_bundle_parse(&b, (const unsigned char *)bundle, strlen(bundle),
			     &why);
	if (rc == 0)
		rc = ev_bundle_verify(signer_out, b, trust, &pol,
				      in->dsse ? NULL : &art, &why);
	if (rc == 0 && in->dsse &&
	    ((*signer_out)->payload_len != in->payload_len ||
	     memcmp((*signer_out)->payload, in->payload, in->payload_len) != 0))
		rc = ae_fail(&why, AE_EVERIFY, "payload differs");
	if (rc < 0) {
		ev_signer_free(*signer_out);
		*signer_out = NULL;
		rc = ae_fail(err, AE_EVERIFY,
			     "self-check: our verifier rejects the new bundle "
			     "(%s)",
			     why.msg[0] ? why.msg : ae_err_name(rc));
	}
	ev_bundle_free(b);
	ev_trust_free(trust);
	return rc;
}

/* Moves what the caller needs into a new result. */
static int sign_result(ev_sign_result **out, char *bundle, sign_state *st,
		       ev_signer *signer, ae_err *err)
{
	ev_sign_result *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	r->bundle = (unsigned char *)bundle;
	r->bundle_len = strlen(bundle);
	r->issuer = signer->issuer;
	r->identity = signer->identity;
	signer->issuer = NULL;
	signer->identity = NULL;
	r->log_index = signer->log_index;
	r->rekor_version = st->svc.rekor_version;
	r->has_timestamp = json_array_size(st->timestamps) > 0;
	*out = r;
	return 0;
}

static int sign_run(ev_sign_result **out, const ev_sign_opts *opts,
		    const sign_input *in, ae_err *err)
{
	sign_state st;
	ev_signer *signer = NULL;
	ev_token_expect x = {0};
	int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
	char *bundle = NULL;
	int rc;

	memset(&st, 0, sizeof(st));
	st.deadline = opts->deadline_ms;
	st.tlog_entries = json_array();
	st.timestamps = json_array();
	x.now = now;
	x.audience = opts->audience;
	rc = ev_token_check(opts->token, &x, err);
	if (rc == 0)
		rc = sign_services(&st.svc, opts, now, err);
	if (rc == 0)
		rc = sign_preflight(&st.svc, opts, now, err);
	if (rc == 0 && (st.tlog_entries == NULL || st.timestamps == NULL))
		rc = ae_fail(err, AE_ERR, "out of memory");
	if (rc == 0)
		rc = sign_key_and_sign(&st, in, err);
	if (rc == 0)
		rc = ev__fulcio_cert_request(&st.cert, st.svc.fulcio_url,
					     opts->token, st.key, st.deadline,
					     err);
	if (rc == 0 && in->dsse)
		rc = sign_envelope(&st, in, err);
	if (rc == 0)
		rc = sign_log_and_stamp(&st, in, err);
	if (rc == 0)
		rc = sign_bundle_json(&bundle, &st, in, err);
	if (rc == 0)
		rc = sign_self_check(&signer, bundle, opts, in, &st.cert, err);
	if (rc == 0)
		rc = sign_result(out, bundle, &st, signer, err);
	if (rc < 0)
		free(bundle);
	ev_signer_free(signer);
	OPENSSL_cleanse(st.sig, sizeof(st.sig));
	EVP_PKEY_free(st.key);
	ev__cert_dispose(&st.cert);
	free(st.payload_b64);
	free(st.envelope_json);
	json_decref(st.tlog_entries);
	json_decref(st.timestamps);
	ev_sign_services_dispose(&st.svc);
	return rc;
}

int ev_sign_dsse(ev_sign_result **out, const ev_sign_opts *opts,
		 const char *payload_type, const unsigned char *payload,
		 size_t payload_len, ae_err *err)
{
	sign_input in = {0};
	int rc;

	*out = NULL;
	AE_ASSERT_ARG(opts != NULL && opts->token != NULL, err);
	AE_ASSERT_ARG(payload_type != NULL && payload != NULL, err);
	if (payload_len > EV_SIGN_PAYLOAD_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "statement is %zu bytes, cap %u", payload_len,
			       EV_SIGN_PAYLOAD_MAX_BYTES);
	if (strlen(payload_type) > 100)
		return ae_fail(err, AE_EINVAL, "payload type is too long");
	in.dsse = true;
	in.payload_type = payload_type;
	in.payload = payload;
	in.payload_len = payload_len;
	rc = sign_pae_digest(in.digest, payload_type, payload, payload_len,
			     err);
	if (rc == 0)
		rc = sign_run(out, opts, &in, err);
	return rc;
}

int ev_sign_message(ev_sign_result **out, const ev_sign_opts *opts,
		    const unsigned char sha256[AE_SHA256_LEN], ae_err *err)
{
	sign_input in = {0};

	*out = NULL;
	AE_ASSERT_ARG(opts != NULL && opts->token != NULL, err);
	AE_ASSERT_ARG(sha256 != NULL, err);
	memcpy(in.digest, sha256, AE_SHA256_LEN);
	return sign_run(out, opts, &in, err);
}
