/* evidence/signer/oidc.c -- OIDC identity tokens for keyless signing
 *
 * The token is a JWT whose claims say who is signing. We read the claims
 * without checking the JWT signature: Fulcio verifies the token against
 * its issuer before certifying anything, so a forged token gains nothing,
 * while reading the claims early lets us refuse an expired token before
 * any request and tell the user which identity will become public.
 * The token is a bearer credential: it is wiped on free and never appears
 * in a message (STYLE §3.9).
 */
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_GHA_ISSUER "https://token.actions.githubusercontent.com"
#define TOKEN_CLAIM_MAX	 4096 /* one claim value we keep */

struct ev_token {
	char *jwt;
	size_t jwt_len;
	char *issuer;
	char *subject;
	char *email;
	char *workflow_ref; /* GitHub Actions job_workflow_ref */
	char *identity_hint;
	char *nonce; /* OIDC Core §2: echoes the authentication request */
	json_t *aud; /* the aud claim as given (a string or a list) */
	int64_t exp; /* 0 when absent */
	int email_verified; /* TOKEN_EV_* */
};

/* The email_verified claim (OIDC Core §5.1): a boolean, or the string
 * "true"/"false" some providers send (Fulcio reads both). */
enum { TOKEN_EV_ABSENT, TOKEN_EV_TRUE, TOKEN_EV_FALSE, TOKEN_EV_MALFORMED };

int ev__b64url_decode(unsigned char **out, size_t *out_len, const char *in,
		      size_t in_len, ae_err *err)
{
	ae_buf std = AE_BUF_INIT(in_len + 4);
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	for (size_t i = 0; i < in_len && rc == 0; i++) {
		char c = in[i];

		/* '+' and '/' are not base64url: map them to a byte the
		 * strict decoder refuses. */
		if (c == '+' || c == '/')
			c = '!';
		else if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		rc = ae_buf_put(&std, &c, 1, err);
	}
	while (rc == 0 && std.len % 4 != 0)
		rc = ae_buf_put(&std, "=", 1, err);
	if (rc == 0)
		rc = ae_base64_decode(out, out_len, (const char *)std.data,
				      std.len, NULL);
	if (rc < 0 && rc != AE_ERR)
		rc = ae_fail(err, AE_EINVAL, "not base64url");
	ae_buf_dispose(&std);
	return rc;
}

/* Copies the string claim `key` into *out (NULL when absent). AE_EINVAL
 * when present but not a string, too long or holding a NUL. */
static int token_claim(char **out, json_t *claims, const char *key, ae_err *err)
{
	json_t *v = json_object_get(claims, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) > TOKEN_CLAIM_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return ae_fail(err, AE_EINVAL,
			       "identity token claim '%s' is not a usable "
			       "string",
			       key);
	/* These claims become the identity shown, certified and written into
	 * a pointer: a control byte is refused before any request. */
	for (const char *p = json_string_value(v); *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return ae_fail(err, AE_EINVAL,
				       "identity token claim '%s' holds a "
				       "control character",
				       key);
	*out = strdup(json_string_value(v));
	if (*out == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	return 0;
}

/* exp, a NumericDate (RFC 7519 §2): a JSON integer in 1..EV_TOKEN_EXP_MAX.
 * A real, even 1e300, is refused before any conversion: no float-to-int
 * cast of an out-of-range value. Absent leaves 0 (refused before use by
 * ev_token_check_fresh). */
static int token_exp(ev_token *tok, json_t *claims, ae_err *err)
{
	json_t *exp = json_object_get(claims, "exp");
	json_int_t v;

	if (exp == NULL)
		return 0;
	if (!json_is_integer(exp))
		return ae_fail(err, AE_EINVAL,
			       "identity token claim 'exp' is not an integer "
			       "time");
	v = json_integer_value(exp);
	if (v < 1 || v > EV_TOKEN_EXP_MAX)
		return ae_fail(err, AE_EINVAL,
			       "identity token claim 'exp' %lld is outside "
			       "1..%lld",
			       (long long)v, (long long)EV_TOKEN_EXP_MAX);
	tok->exp = (int64_t)v;
	return 0;
}

/* aud, a string or a list of strings (RFC 7519 §4.1.3): kept to be
 * matched against the audience wanted (token_aud_names). Another shape is
 * AE_EINVAL. */
static int token_aud(ev_token *tok, json_t *claims, ae_err *err)
{
	json_t *aud = json_object_get(claims, "aud"), *v;
	size_t i;

	if (aud == NULL)
		return 0;
	if (!json_is_string(aud) && !json_is_array(aud))
		return ae_fail(err, AE_EINVAL,
			       "identity token claim 'aud' is neither a string "
			       "nor a list");
	json_array_foreach(aud, i, v)
	{
		if (!json_is_string(v))
			return ae_fail(err, AE_EINVAL,
				       "identity token claim 'aud' holds a "
				       "non-string");
	}
	tok->aud = json_incref(aud);
	return 0;
}

/* True iff the aud claim names `want` (exactly, embedded NUL excluded). */
static bool token_aud_names(const ev_token *tok, const char *want)
{
	json_t *v;
	size_t i;

	if (json_is_string(tok->aud))
		return strcmp(json_string_value(tok->aud), want) == 0;
	json_array_foreach(tok->aud, i, v)
	{
		if (strcmp(json_string_value(v), want) == 0)
			return true;
	}
	return false;
}

/* email_verified: true or "true" (TOKEN_EV_TRUE), false or "false"
 * (TOKEN_EV_FALSE), absent, or anything else (TOKEN_EV_MALFORMED, never
 * taken for verified). */
static void token_email_verified(ev_token *tok, json_t *claims)
{
	json_t *v = json_object_get(claims, "email_verified");

	if (v == NULL)
		tok->email_verified = TOKEN_EV_ABSENT;
	else if (json_is_true(v) || (json_is_string(v) &&
				     strcmp(json_string_value(v), "true") == 0))
		tok->email_verified = TOKEN_EV_TRUE;
	else if (json_is_false(v) ||
		 (json_is_string(v) &&
		  strcmp(json_string_value(v), "false") == 0))
		tok->email_verified = TOKEN_EV_FALSE;
	else
		tok->email_verified = TOKEN_EV_MALFORMED;
}

/* Reads the claims we use from the decoded payload segment. */
static int token_claims(ev_token *tok, const unsigned char *payload, size_t len,
			ae_err *err)
{
	json_t *claims = NULL;
	int rc;

	rc = ae_json_parse((void **)&claims, payload, len, NULL);
	if (rc < 0 || !json_is_object(claims)) {
		rc = ae_fail(err, AE_EINVAL,
			     "identity token claims are not a JSON object");
		goto done;
	}
	rc = token_claim(&tok->issuer, claims, "iss", err);
	if (rc == 0)
		rc = token_claim(&tok->subject, claims, "sub", err);
	if (rc == 0)
		rc = token_claim(&tok->email, claims, "email", err);
	if (rc == 0)
		rc = token_claim(&tok->workflow_ref, claims, "job_workflow_ref",
				 err);
	if (rc == 0)
		rc = token_claim(&tok->nonce, claims, "nonce", err);
	if (rc == 0 && (tok->issuer == NULL || tok->issuer[0] == '\0'))
		rc = ae_fail(err, AE_EINVAL,
			     "identity token has no 'iss' claim");
	if (rc == 0)
		rc = token_exp(tok, claims, err);
	if (rc == 0)
		rc = token_aud(tok, claims, err);
	if (rc == 0)
		token_email_verified(tok, claims);
done:
	json_decref(claims);
	return rc;
}

/* The identity Fulcio will put in the SAN (fulcio/pkg/identity): the
 * workflow URI for GitHub Actions, else the email, else the subject. */
static int token_hint(ev_token *tok, ae_err *err)
{
	ae_buf b = AE_BUF_INIT(TOKEN_CLAIM_MAX + 64);
	int rc;

	if (tok->workflow_ref != NULL &&
	    strcmp(tok->issuer, TOKEN_GHA_ISSUER) == 0)
		rc = ae_buf_printf(&b, err, "https://github.com/%s",
				   tok->workflow_ref);
	else
		rc = ae_buf_puts(&b,
				 tok->email	? tok->email
				 : tok->subject ? tok->subject
						: "",
				 err);
	if (rc < 0)
		return rc;
	tok->identity_hint = (char *)ae_buf_detach(&b, NULL);
	if (tok->identity_hint == NULL)
		tok->identity_hint = strdup("");
	return tok->identity_hint ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* base64url alphabet plus the segment separator. */
static bool jwt_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int ev_token_parse(ev_token **out, const char *jwt, size_t len, ae_err *err)
{
	ev_token *tok = NULL;
	unsigned char *payload = NULL;
	size_t payload_len = 0;
	const char *dot1, *dot2;
	int rc;

	*out = NULL;
	if (len > EV_TOKEN_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "identity token is %zu bytes, cap %u", len,
			       EV_TOKEN_MAX_BYTES);
	while (len > 0 && (jwt[len - 1] == '\n' || jwt[len - 1] == '\r' ||
			   jwt[len - 1] == ' '))
		len--;
	/* A compact JWS is base64url segments and dots only (RFC 7515 §7.1);
	 * refusing anything else also keeps the token safe to place in JSON
	 * and HTTP headers without escaping. */
	for (size_t i = 0; i < len; i++)
		if (!jwt_char_ok(jwt[i]))
			return ae_fail(err, AE_EINVAL,
				       "identity token has a byte outside the "
				       "JWT alphabet at offset %zu",
				       i);
	dot1 = memchr(jwt, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jwt))
		    : NULL;
	if (len == 0 || dot1 == NULL || dot2 == NULL || ae_has_nul(jwt, len) ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - jwt)) != NULL)
		return ae_fail(err, AE_EINVAL,
			       "identity token is not a JWT "
			       "(header.payload.signature)");
	tok = calloc(1, sizeof(*tok));
	if (tok == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ev__b64url_decode(&payload, &payload_len, dot1 + 1,
			       (size_t)(dot2 - dot1 - 1), NULL);
	if (rc < 0) {
		rc = ae_fail(err, AE_EINVAL,
			     "identity token payload is not base64url");
		goto done;
	}
	rc = token_claims(tok, payload, payload_len, err);
	if (rc == 0)
		rc = token_hint(tok, err);
	if (rc < 0)
		goto done;
	tok->jwt = strndup(jwt, len);
	tok->jwt_len = len;
	if (tok->jwt == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	*out = tok;
	tok = NULL;
done:
	if (payload != NULL)
		OPENSSL_cleanse(payload, payload_len);
	free(payload);
	ev_token_free(tok);
	return rc;
}

void ev_duration_human(char *out, size_t outsz, int64_t s)
{
	static const struct {
		int64_t secs;
		const char *unit;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}};

	if (s < 0)
		s = 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s >= 2 * units[i].secs) {
			snprintf(out, outsz, "%lld %ss",
				 (long long)(s / units[i].secs), units[i].unit);
			return;
		}
	snprintf(out, outsz, "%lld second%s", (long long)s, s == 1 ? "" : "s");
}

/* The issuers whose certificates name the e-mail claim (Fulcio's
 * public-good config, type "email"). */
static bool token_email_issuer(const char *iss)
{
	return strcmp(iss, "https://accounts.google.com") == 0 ||
	       strcmp(iss, "https://oauth2.sigstore.dev/auth") == 0;
}

/* True iff the identity shown and certified is the e-mail claim. */
static bool token_identity_is_email(const ev_token *tok)
{
	return tok->email != NULL &&
	       strcmp(tok->identity_hint, tok->email) == 0;
}

/* email_verified, when the identity is an e-mail (OIDC Core §5.1: only a
 * verified address may be relied on; Fulcio refuses the rest). */
static int token_check_email(const ev_token *tok, bool strict, ae_err *err)
{
	if (!token_identity_is_email(tok) ||
	    tok->email_verified == TOKEN_EV_TRUE)
		return 0;
	if (tok->email_verified == TOKEN_EV_ABSENT && !strict &&
	    !token_email_issuer(tok->issuer))
		return 0;
	return ae_fail(err, AE_EAUTH,
		       "identity token's e-mail is not verified by the "
		       "provider (email_verified is %s)",
		       tok->email_verified == TOKEN_EV_ABSENT  ? "absent"
		       : tok->email_verified == TOKEN_EV_FALSE ? "false"
							       : "malformed");
}

int ev_token_check(const ev_token *tok, const ev_token_expect *x, ae_err *err)
{
	char rbuf[AE_REPR_BUF], rbuf2[AE_REPR_BUF], when[64];
	const char *aud = x && x->audience ? x->audience : EV_TOKEN_AUDIENCE;

	AE_ASSERT_ARG(tok != NULL && x != NULL, err);
	if (tok->exp == 0)
		return ae_fail(err, AE_EAUTH,
			       "identity token has no 'exp' claim: a token "
			       "that never expires is not sent");
	if (tok->exp <= x->now) {
		ev_duration_human(when, sizeof(when), x->now - tok->exp);
		return ae_fail(err, AE_EAUTH,
			       "identity token expired %s ago; get a fresh one",
			       when);
	}
	if (x->issuer != NULL && strcmp(tok->issuer, x->issuer) != 0)
		return ae_fail(err, AE_EAUTH,
			       "identity token is from issuer %s, not the "
			       "requested %s",
			       ae_repr(rbuf, sizeof(rbuf), tok->issuer,
				       strlen(tok->issuer)),
			       ae_repr(rbuf2, sizeof(rbuf2), x->issuer,
				       strlen(x->issuer)));
	if (!token_aud_names(tok, aud))
		return ae_fail(err, AE_EAUTH,
			       "identity token audience does not include '%s' "
			       "(Fulcio's client id): it was minted for "
			       "another service",
			       aud);
	if (x->nonce != NULL &&
	    (tok->nonce == NULL || strcmp(tok->nonce, x->nonce) != 0))
		return ae_fail(err, AE_EAUTH,
			       "identity token nonce is not the one this login "
			       "sent: the token was not issued for it");
	return token_check_email(tok, x->email_verified, err);
}

int ev_token_check_fresh(const ev_token *tok, int64_t now, ae_err *err)
{
	ev_token_expect x = {0};

	x.now = now;
	return ev_token_check(tok, &x, err);
}

const char *ev_token_issuer(const ev_token *tok)
{
	return tok ? tok->issuer : NULL;
}

const char *ev_token_subject(const ev_token *tok)
{
	return tok ? tok->subject : NULL;
}

const char *ev_token_email(const ev_token *tok)
{
	return tok ? tok->email : NULL;
}

const char *ev_token_identity_hint(const ev_token *tok)
{
	return tok ? tok->identity_hint : NULL;
}

int64_t ev_token_expiry(const ev_token *tok)
{
	return tok ? tok->exp : 0;
}

const char *ev_token_nonce(const ev_token *tok)
{
	return tok ? tok->nonce : NULL;
}

const char *ev__token_jwt(const ev_token *tok)
{
	return tok->jwt;
}

const char *ev__token_pop_subject(const ev_token *tok)
{
	if (token_email_issuer(tok->issuer))
		return tok->email;
	return tok->subject ? tok->subject : tok->email;
}

const char *ev__token_expected_san(const ev_token *tok)
{
	if (strcmp(tok->issuer, TOKEN_GHA_ISSUER) == 0 &&
	    tok->workflow_ref != NULL)
		return tok->identity_hint;
	if (token_email_issuer(tok->issuer))
		return tok->email ? tok->email : "";
	return NULL;
}

void ev_token_free(ev_token *tok)
{
	if (tok == NULL)
		return;
	if (tok->jwt != NULL)
		OPENSSL_cleanse(tok->jwt, tok->jwt_len);
	free(tok->jwt);
	free(tok->identity_hint);
	free(tok->nonce);
	json_decref(tok->aud);
	free(tok->workflow_ref);
	free(tok->email);
	free(tok->subject);
	free(tok->issuer);
	OPENSSL_cleanse(tok, sizeof(*tok));
	free(tok);
}
