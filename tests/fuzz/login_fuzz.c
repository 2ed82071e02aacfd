/* tests/fuzz/login_fuzz.c -- libFuzzer target for what an OIDC provider
 * and a browser send a login (evidence/signer/login_parse.c)
 *
 * The first byte picks the reader, the rest is its input: 0 the redirect
 * request head the loopback listener reads (anything on the machine can
 * send one), 1 the discovery document, 2 and 3 token endpoint answers
 * (HTTP 200 and 400), 4 a device authorization answer. Each must refuse
 * anything malformed without crashing or leaking, and what it accepts
 * must hold its contract: printable ASCII values, a code only on the
 * redirect path, an issuer equal to the one asked, endpoints that pass
 * the URL policy. Seeds in tests/fuzz/corpus/login/.
 */
#include "evidence/signer/login.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ISSUER "https://issuer.example.test"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_printable(const char *s)
{
	for (; s != NULL && *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

static void fuzz_redirect(const uint8_t *d, size_t n)
{
	ev_login_redirect r;
	ae_err err = {0};

	if (ev_login_redirect_parse(&r, "/auth/callback", d, n, &err) == 0) {
		if (!r.on_path && (r.code || r.state || r.error))
			abort(); /* parameters only from the redirect path */
		fuzz_printable(r.code);
		fuzz_printable(r.state);
		fuzz_printable(r.iss);
		fuzz_printable(r.error);
		fuzz_printable(r.error_description);
	} else if (r.code != NULL || r.state != NULL) {
		abort();
	}
	ev_login_redirect_dispose(&r);
}

static void fuzz_provider(const uint8_t *d, size_t n)
{
	ev_oidc_provider p;
	ae_err err = {0};

	if (ev_oidc_provider_parse(&p, FUZZ_ISSUER, d, n, &err) == 0) {
		if (p.issuer == NULL || strcmp(p.issuer, FUZZ_ISSUER) != 0 ||
		    p.authorization_endpoint == NULL ||
		    p.token_endpoint == NULL)
			abort();
		fuzz_printable(p.authorization_endpoint);
		fuzz_printable(p.token_endpoint);
		fuzz_printable(p.device_authorization_endpoint);
	} else if (p.issuer != NULL) {
		abort();
	}
	ev_oidc_provider_dispose(&p);
}

static void fuzz_answer(const uint8_t *d, size_t n, long status)
{
	ev_oidc_answer a;
	ae_err err = {0};

	if (ev_oidc_answer_parse(&a, status, d, n, &err) == 0) {
		if ((status == 200) != (a.id_token != NULL) ||
		    (status != 200) != (a.error != NULL))
			abort();
		fuzz_printable(a.id_token);
		fuzz_printable(a.error);
		fuzz_printable(a.error_description);
	}
	ev_oidc_answer_dispose(&a);
}

static void fuzz_device(const uint8_t *d, size_t n)
{
	ev_device_grant g;
	ae_err err = {0};

	if (ev_device_grant_parse(&g, d, n, &err) == 0) {
		if (g.device_code == NULL || g.user_code == NULL ||
		    g.verification_uri == NULL || g.expires_in < 1 ||
		    g.interval < 1 || g.interval > EV_DEVICE_INTERVAL_MAX_S)
			abort();
		fuzz_printable(g.user_code);
		fuzz_printable(g.verification_uri);
	}
	ev_device_grant_dispose(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0:
		fuzz_redirect(data + 1, size - 1);
		break;
	case 1:
		fuzz_provider(data + 1, size - 1);
		break;
	case 2:
		fuzz_answer(data + 1, size - 1, 200);
		break;
	case 3:
		fuzz_answer(data + 1, size - 1, 400);
		break;
	default:
		fuzz_device(data + 1, size - 1);
		break;
	}
	return 0;
}
