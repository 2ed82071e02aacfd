/* tests/interop/pki_driver.c -- runs the PKI checks of evidence/internal.h
 * on a real bundle and trusted root, for test_pki_realdata.sh
 *
 * usage: pki_driver TRUSTED_ROOT.json BUNDLE.json
 * Prints one line per check: "leaf: ok", "identity: ok SAN | ISSUER",
 * "chain@T: ok", "sct: ok", "tsa[i]: ok GENTIME", or "<check>: fail
 * <reason>". The integratedTime is used unverified (the SET is not this
 * piece's job), so only the PKI verdicts are meaningful. Test code: it
 * parses just enough of both formats and trusts its input to be JSON.
 */
#include "evidence/sigstore/internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Strict base64 after dropping line breaks: one conformance bundle
 * (rekor2-timestamp-with-incorrect-time_fail) wraps its timestamp at 76
 * columns, which protobuf JSON decoders accept. */
static unsigned char *b64(const char *s, size_t *n)
{
	unsigned char *out = NULL;
	char *flat;
	size_t i, k = 0;
	ae_err err = {0};

	*n = 0;
	if (s == NULL)
		return NULL;
	flat = malloc(strlen(s) + 1);
	if (flat == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != '\n' && s[i] != '\r')
			flat[k++] = s[i];
	if (ae_base64_decode(&out, n, flat, k, &err) < 0)
		out = NULL;
	free(flat);
	return out;
}

static X509 *der_cert(json_t *o)
{
	size_t n;
	unsigned char *d = b64(json_string_value(json_object_get(o, "rawBytes")),
			       &n);
	const unsigned char *p = d;
	X509 *x = d ? d2i_X509(NULL, &p, (long)n) : NULL;

	free(d);
	return x;
}

static int64_t rfc3339(const char *s)
{
	struct tm tm = {0};

	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return -1;
	return (int64_t)timegm(&tm);
}

static void window(ev__window *w, json_t *vf)
{
	const char *end = json_string_value(json_object_get(vf, "end"));

	w->start = rfc3339(json_string_value(json_object_get(vf, "start")));
	w->has_end = end != NULL;
	w->end = end ? rfc3339(end) : 0;
}

static ev__ca *load_cas(json_t *arr, size_t *n)
{
	ev__ca *cas = calloc(json_array_size(arr) + 1, sizeof(*cas));
	size_t i, j;
	json_t *certs;

	for (i = 0; i < json_array_size(arr); i++) {
		json_t *ca = json_array_get(arr, i);

		certs = json_object_get(json_object_get(ca, "certChain"),
					"certificates");
		cas[i].chain = sk_X509_new_null();
		for (j = 0; j < json_array_size(certs); j++)
			sk_X509_push(cas[i].chain,
				     der_cert(json_array_get(certs, j)));
		window(&cas[i].valid, json_object_get(ca, "validFor"));
	}
	*n = json_array_size(arr);
	return cas;
}

static ev__log *load_logs(json_t *arr, size_t *n)
{
	ev__log *logs = calloc(json_array_size(arr) + 1, sizeof(*logs));
	size_t i, len;

	for (i = 0; i < json_array_size(arr); i++) {
		json_t *l = json_array_get(arr, i);
		json_t *pk = json_object_get(l, "publicKey");
		unsigned char *id = b64(json_string_value(json_object_get(
						json_object_get(l, "logId"),
						"keyId")),
					&len);
		unsigned char *der = b64(
			json_string_value(json_object_get(pk, "rawBytes")), &len);
		const unsigned char *p = der;

		if (id != NULL)
			memcpy(logs[i].log_id, id, 32);
		logs[i].key = der ? d2i_PUBKEY(NULL, &p, (long)len) : NULL;
		window(&logs[i].valid, json_object_get(pk, "validFor"));
		free(id);
		free(der);
	}
	*n = json_array_size(arr);
	return logs;
}

static void check_chain(X509 *leaf, STACK_OF(X509) * untrusted,
			const ev__ca *cas, size_t ncas, int64_t at,
			const ev__log *ct, size_t nct)
{
	X509 *issuer = NULL;
	ae_err err = {0};

	if (ev__cert_chain_verify(&issuer, leaf, untrusted, cas, ncas, at,
				  &err) < 0) {
		printf("chain@%lld: fail %s\n", (long long)at, err.msg);
		return;
	}
	printf("chain@%lld: ok\n", (long long)at);
	if (ev__sct_verify(leaf, issuer, ct, nct, &err) < 0)
		printf("sct: fail %s\n", err.msg);
	else
		printf("sct: ok\n");
	X509_free(issuer);
}

static void check_identity(X509 *leaf)
{
	char **sans = NULL, *issuer = NULL;
	size_t n = 0, i;
	ae_err err = {0};

	if (ev__cert_leaf_check(leaf, &err) < 0)
		printf("leaf: fail %s\n", err.msg);
	else
		printf("leaf: ok\n");
	ae_err_clear(&err);
	if (ev__cert_identity(&sans, &n, &issuer, leaf, &err) < 0) {
		printf("identity: fail %s\n", err.msg);
		return;
	}
	printf("identity: ok %s | %s\n", n ? sans[0] : "", issuer);
	for (i = 0; i < n; i++)
		free(sans[i]);
	free(sans);
	free(issuer);
}

static unsigned char *signature(json_t *b, size_t *n)
{
	json_t *ms = json_object_get(b, "messageSignature");
	json_t *env = json_object_get(b, "dsseEnvelope");

	if (ms != NULL)
		return b64(json_string_value(json_object_get(ms, "signature")),
			   n);
	return b64(json_string_value(json_object_get(
			   json_array_get(json_object_get(env, "signatures"), 0),
			   "sig")),
		   n);
}

int main(int argc, char **argv)
{
	json_t *root, *b, *vm, *certs, *ts;
	ev__ca *cas, *tsas;
	ev__log *ct;
	size_t ncas, ntsas, nct, i, sig_len = 0;
	unsigned char *sig;
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509 *leaf;
	json_error_t je;

	if (argc != 3)
		return 64;
	root = json_load_file(argv[1], 0, &je);
	b = json_load_file(argv[2], 0, &je);
	if (root == NULL || b == NULL)
		return 2;
	cas = load_cas(json_object_get(root, "certificateAuthorities"), &ncas);
	tsas = load_cas(json_object_get(root, "timestampAuthorities"), &ntsas);
	ct = load_logs(json_object_get(root, "ctlogs"), &nct);
	vm = json_object_get(b, "verificationMaterial");
	certs = json_object_get(json_object_get(vm, "x509CertificateChain"),
				"certificates");
	if (json_object_get(vm, "certificate") != NULL)
		leaf = der_cert(json_object_get(vm, "certificate"));
	else
		leaf = der_cert(json_array_get(certs, 0));
	for (i = 1; i < json_array_size(certs); i++)
		sk_X509_push(untrusted, der_cert(json_array_get(certs, i)));
	sig = signature(b, &sig_len);
	if (leaf != NULL)
		check_identity(leaf);
	for (i = 0; i < json_array_size(json_object_get(vm, "tlogEntries"));
	     i++) {
		json_t *e = json_array_get(json_object_get(vm, "tlogEntries"), i);
		const char *it = json_string_value(
			json_object_get(e, "integratedTime"));

		if (it != NULL && leaf != NULL)
			check_chain(leaf, untrusted, cas, ncas,
				    strtoll(it, NULL, 10), ct, nct);
	}
	ts = json_object_get(json_object_get(vm, "timestampVerificationData"),
			     "rfc3161Timestamps");
	for (i = 0; i < json_array_size(ts); i++) {
		size_t n = 0;
		unsigned char *der = b64(json_string_value(json_object_get(
						 json_array_get(ts, i),
						 "signedTimestamp")),
					 &n);
		int64_t t = 0;
		ae_err err = {0};

		if (ev__tsa_verify(&t, der, n, sig, sig_len, tsas, ntsas,
				   &err) < 0) {
			printf("tsa[%zu]: fail %s\n", i, err.msg);
		} else {
			printf("tsa[%zu]: ok %lld\n", i, (long long)t);
			if (leaf != NULL)
				check_chain(leaf, untrusted, cas, ncas, t, ct,
					    nct);
		}
		free(der);
	}
	free(sig);
	return 0;
}
