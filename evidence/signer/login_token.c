/* evidence/signer/login_token.c -- what the browser and device logins share:
 * form bodies, random values, the token endpoint request, and the checks on the
 * ID token that comes back (contracts in evidence/signer/login.h)
 */
#include "evidence/core/http.h"
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

static bool token_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* Appends `s` percent-encoded (RFC 3986 §2.3 unreserved kept). */
static int token_form_enc(ae_buf *b, const char *s, ae_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0;
	     p++) {
		char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		rc = token_unreserved(*p) ? ae_buf_put(b, p, 1, err)
					  : ae_buf_put(b, e, 3, err);
	}
	return rc;
}

int ev__login_form_add(ae_buf *b, const char *key, const char *value,
		       ae_err *err)
{
	int rc = 0;

	if (b->len > 0)
		rc = ae_buf_put(b, "&", 1, err);
	if (rc == 0)
		rc = token_form_enc(b, key, err);
	if (rc == 0)
		rc = ae_buf_put(b, "=", 1, err);
	if (rc == 0)
		rc = token_form_enc(b, value, err);
	return rc;
}

int ev__login_random(char *out, size_t outsz, size_t n, ae_err *err)
{
	unsigned char raw[64];
	char *b64 = NULL;
	size_t k = 0;
	int rc;

	out[0] = '\0';
	if (n > sizeof(raw) || outsz < 4 * n / 3 + 3)
		return ae_fail(err, AE_ERR, "random value too long");
	if (RAND_bytes(raw, (int)n) != 1)
		return ae_fail(err, AE_ERR, "random generator failed");
	rc = ae_base64_encode(&b64, raw, n, err);
	OPENSSL_cleanse(raw, sizeof(raw));
	if (rc < 0)
		return rc;
	for (const char *p = b64; *p && *p != '='; p++)
		out[k++] = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out[k] = '\0';
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	return 0;
}

/* "Authorization: Basic base64(enc(id):enc(secret))" (RFC 6749 §2.3.1:
 * both form-encoded first) into `line`. */
static int token_basic(ae_buf *line, const ev_login_opts *o, ae_err *err)
{
	ae_buf cred = AE_BUF_INIT(2 * 3 * EV_LOGIN_SECRET_MAX_BYTES);
	char *b64 = NULL;
	int rc;

	rc = token_form_enc(&cred, o->client_id, err);
	if (rc == 0)
		rc = ae_buf_put(&cred, ":", 1, err);
	if (rc == 0)
		rc = token_form_enc(&cred, o->client_secret, err);
	if (rc == 0)
		rc = ae_base64_encode(&b64, cred.data, cred.len, err);
	if (rc == 0)
		rc = ae_buf_printf(line, err, "Authorization: Basic %s", b64);
	if (b64 != NULL)
		OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	if (cred.data != NULL)
		OPENSSL_cleanse(cred.data, cred.len);
	ae_buf_dispose(&cred);
	return rc;
}

int ev__login_post(long *status_out, ae_buf *body_out, const char *what,
		   const char *url, const ae_buf *form, const ev_login_opts *o,
		   ae_http_kind kind, ae_err *err)
{
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	ae_buf basic = AE_BUF_INIT(4 * 3 * EV_LOGIN_SECRET_MAX_BYTES);
	int rc = 0;

	*status_out = 0;
	ae_buf_init(body_out, EV_SIGN_RESPONSE_MAX_BYTES);
	if (o->client_secret != NULL)
		rc = token_basic(&basic, o, err);
	rq.what = what;
	rq.url = url;
	rq.content_type = "application/x-www-form-urlencoded";
	rq.body = form->data;
	rq.body_len = form->len;
	rq.header = basic.len ? (const char *)basic.data : NULL;
	/* the code and verifier, a device code, maybe a client secret */
	rq.carries_secret = true;
	rq.kind = kind;
	rq.deadline_ms = o->deadline_ms;
	if (rc == 0)
		rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0) {
		*status_out = resp.status;
		*body_out = resp.body; /* moved */
		ae_buf_init(&resp.body, 1);
	}
	ev__http_resp_dispose(&resp);
	if (basic.data != NULL)
		OPENSSL_cleanse(basic.data, basic.len);
	ae_buf_dispose(&basic);
	return rc;
}

int ev__login_token_post(ev_oidc_answer *out, const char *url,
			 const ae_buf *form, const ev_login_opts *o,
			 ae_http_kind kind, ae_err *err)
{
	ae_buf body;
	long status = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ev__login_post(&status, &body, "token endpoint", url, form, o,
			    kind, err);
	if (rc == 0)
		rc = ev_oidc_answer_parse(out, status, body.data, body.len,
					  err);
	if (body.data != NULL)
		OPENSSL_cleanse(body.data, body.len);
	ae_buf_dispose(&body);
	return rc;
}

int ev__login_refused(const ev_oidc_answer *a, const char *why, ae_err *err)
{
	char code[AE_REPR_BUF], desc[AE_REPR_BUF];
	const char *d = a->error_description;

	return ae_fail(err, AE_EAUTH, "%s: %s%s%s%s", why,
		       ae_repr(code, sizeof(code), a->error, strlen(a->error)),
		       d ? " (" : "",
		       d ? ae_repr(desc, sizeof(desc), d, strlen(d)) : "",
		       d ? ")" : "");
}

int ev__login_token(ev_token **out, const char *jwt, const ev_login_opts *o,
		    const char *nonce, ae_err *err)
{
	ev_token_expect x = {0};
	int rc;

	*out = NULL;
	rc = ev_token_parse(out, jwt, strlen(jwt), err);
	if (rc < 0)
		return rc;
	x.now = o->now;
	x.issuer = o->issuer;
	x.audience = o->client_id;
	x.nonce = nonce;
	/* the provider answered the email scope: OIDC Core §5.1 has it say
	 * whether the address is verified */
	x.email_verified = true;
	rc = ev_token_check(*out, &x, err);
	if (rc < 0) {
		ev_token_free(*out);
		*out = NULL;
	}
	return rc;
}

int ev_oidc_discover(ev_oidc_provider *out, const char *issuer,
		     int64_t deadline_ms, ae_err *err)
{
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	ae_buf url = AE_BUF_INIT(AE_URL_MAX);
	size_t n = strlen(issuer);
	int rc;

	memset(out, 0, sizeof(*out));
	/* OIDC Discovery §4: the issuer, less a trailing '/', plus the
	 * well-known path */
	while (n > 0 && issuer[n - 1] == '/')
		n--;
	rc = ae_buf_printf(&url, err, "%.*s/.well-known/openid-configuration",
			   (int)n, issuer);
	rq.what = "OIDC provider";
	rq.url = (const char *)url.data;
	rq.deadline_ms = deadline_ms;
	if (rc == 0)
		rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0 && resp.status == 404)
		rc = ae_fail(err, AE_ENOTFOUND,
			     "the issuer has no OpenID configuration (HTTP 404 "
			     "for /.well-known/openid-configuration)");
	else if (rc == 0 && resp.status != 200)
		rc = ae_fail(err, AE_EINVAL,
			     "unexpected HTTP %ld from the OIDC provider's "
			     "configuration",
			     resp.status);
	if (rc == 0)
		rc = ev_oidc_provider_parse(out, issuer, resp.body.data,
					    resp.body.len, err);
	ev__http_resp_dispose(&resp);
	ae_buf_dispose(&url);
	return rc;
}
