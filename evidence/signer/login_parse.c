/* evidence/signer/login_parse.c -- what an OIDC provider and a browser send a
 * login: the discovery document, the redirect request, token and device
 * answers (contracts in evidence/signer/login.h)
 *
 * All of it comes from outside: a provider we only know by its URL and a
 * browser anyone on this machine can imitate. Every value is capped, must
 * be printable ASCII (a NUL or a control byte is refused, not cut), and a
 * parameter named twice is refused (RFC 6749 §3.1) so two readers cannot
 * see two different codes or states. URLs the person is sent to or that
 * we request are judged by the one URL policy (evidence/core/http.h).
 */
#include "evidence/core/http.h"
#include "evidence/signer/login.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define PARSE_ERROR_MAX	    128	  /* an OAuth error code */
#define PARSE_USER_CODE_MAX 64	  /* RFC 8628 §6.1: short enough to type */
#define PARSE_EXPIRES_MAX   86400 /* a device code lives at most a day */

/* True iff `s` (len bytes) is printable ASCII, space included. */
static bool parse_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Copies the string member `key` of `obj` into *out (NULL when absent and
 * not `required`): a JSON string of printable ASCII of at most `cap`
 * bytes. `what` names the document in messages. */
static int parse_json_str(char **out, json_t *obj, const char *key,
			  bool required, size_t cap, const char *what,
			  ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return ae_fail(err, AE_EINVAL, "%s has no '%s'", what, key);
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > cap ||
	    !parse_printable(json_string_value(v), json_string_length(v)))
		return ae_fail(err, AE_EINVAL,
			       "%s '%s' is not a printable string of at most "
			       "%zu bytes",
			       what, key, cap);
	*out = strdup(json_string_value(v));
	return *out ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* parse_json_str for a URL that must also pass the URL policy. With
 * `origin` (the issuer's URL) the endpoint is one we send secrets to (the
 * code and verifier, a device code, the client secret): an https issuer's
 * endpoints are never plain http, even to loopback. */
static int parse_json_url(char **out, json_t *obj, const char *key,
			  bool required, const ae_url *origin, const char *what,
			  ae_err *err)
{
	ae_url u;
	int rc;

	rc = parse_json_str(out, obj, key, required, AE_URL_MAX - 1, what, err);
	if (rc < 0 || *out == NULL)
		return rc;
	rc = ae_url_check(&u, *out, NULL, origin,
			  AE_URL_PLAIN_LOOPBACK |
				  (origin != NULL ? AE_URL_SECRET : 0),
			  key, err);
	/* a query is extended with ours; a fragment would swallow it */
	if (rc == 0 && strchr(*out, '#') != NULL)
		rc = ae_fail(err, AE_EINVAL, "%s '%s' has a fragment", what,
			     key);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Parses `buf` as one JSON object into *out. */
static int parse_object(json_t **out, const unsigned char *buf, size_t len,
			size_t cap, const char *what, ae_err *err)
{
	*out = NULL;
	if (len > cap)
		return ae_fail(err, AE_ETOOBIG, "%s is %zu bytes, cap %zu",
			       what, len, cap);
	if (ae_json_parse((void **)out, buf, len, NULL) < 0 ||
	    !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ae_fail(err, AE_EINVAL, "%s is not a JSON object", what);
	}
	return 0;
}

/* ---- discovery ---- */

/* code_challenge_methods_supported: absent (many providers omit it), or a
 * list that names S256. A list without it would make us send a challenge
 * the provider ignores: no PKCE at all. */
static int parse_pkce(json_t *doc, ae_err *err)
{
	json_t *l = json_object_get(doc, "code_challenge_methods_supported");
	json_t *v;
	size_t i;

	if (l == NULL)
		return 0;
	if (!json_is_array(l))
		return ae_fail(err, AE_EINVAL,
			       "provider's code_challenge_methods_supported "
			       "is not a list");
	json_array_foreach(l, i, v)
	{
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "S256") == 0)
			return 0;
	}
	return ae_fail(err, AE_EINVAL,
		       "provider does not support PKCE S256 "
		       "(code_challenge_methods_supported)");
}

int ev_oidc_provider_parse(ev_oidc_provider *out, const char *issuer,
			   const unsigned char *buf, size_t len, ae_err *err)
{
	const char *what = "provider configuration";
	char rbuf[AE_REPR_BUF];
	json_t *doc = NULL, *v;
	ae_url iu;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ae_url_check(&iu, issuer, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
			  "issuer", err);
	if (rc == 0)
		rc = parse_object(&doc, buf, len, EV_LOGIN_DOC_MAX_BYTES, what,
				  err);
	if (rc == 0)
		rc = parse_json_str(&out->issuer, doc, "issuer", true,
				    AE_URL_MAX - 1, what, err);
	/* OIDC Discovery §4.3: exactly the issuer asked; a document for
	 * another issuer would have us accept its tokens as this one's */
	if (rc == 0 && strcmp(out->issuer, issuer) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "provider configuration names issuer %s, not "
			     "the one asked for",
			     ae_repr(rbuf, sizeof(rbuf), out->issuer,
				     strlen(out->issuer)));
	if (rc == 0)
		rc = parse_json_url(&out->authorization_endpoint, doc,
				    "authorization_endpoint", true, &iu, what,
				    err);
	if (rc == 0)
		rc = parse_json_url(&out->token_endpoint, doc, "token_endpoint",
				    true, &iu, what, err);
	if (rc == 0)
		rc = parse_json_url(&out->device_authorization_endpoint, doc,
				    "device_authorization_endpoint", false, &iu,
				    what, err);
	if (rc == 0)
		rc = parse_pkce(doc, err);
	v = rc == 0 ? json_object_get(doc,
				      "authorization_response_iss_parameter_"
				      "supported")
		    : NULL;
	out->iss_in_response = json_is_true(v);
	json_decref(doc);
	if (rc < 0)
		ev_oidc_provider_dispose(out);
	return rc;
}

void ev_oidc_provider_dispose(ev_oidc_provider *p)
{
	if (p == NULL)
		return;
	free(p->issuer);
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->device_authorization_endpoint);
	memset(p, 0, sizeof(*p));
}

/* ---- the redirect ---- */

/* Decodes application/x-www-form-urlencoded text (`s`, `n` bytes) into a
 * new string: %XX and '+' for space. A bad escape, a result that is not
 * printable ASCII or longer than EV_LOGIN_PARAM_MAX_BYTES is AE_EINVAL. */
static int parse_form_decode(char **out, const char *s, size_t n, ae_err *err)
{
	char *d;
	size_t k = 0;

	*out = NULL;
	if (n > 3 * EV_LOGIN_PARAM_MAX_BYTES)
		return ae_fail(err, AE_EINVAL, "redirect parameter too long");
	d = malloc(n + 1);
	if (d == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '+') {
			d[k++] = ' ';
			continue;
		}
		if (s[i] != '%') {
			d[k++] = s[i];
			continue;
		}
		hi = i + 2 < n ? ae_hex_digit(s[i + 1]) : -1;
		lo = i + 2 < n ? ae_hex_digit(s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(d, n + 1);
			free(d);
			return ae_fail(
				err, AE_EINVAL,
				"redirect parameter has a bad %%-escape");
		}
		d[k++] = (char)(hi * 16 + lo);
		i += 2;
	}
	d[k] = '\0';
	if (k > EV_LOGIN_PARAM_MAX_BYTES || !parse_printable(d, k)) {
		OPENSSL_cleanse(d, n + 1);
		free(d);
		return ae_fail(err, AE_EINVAL,
			       "redirect parameter is not printable text of at "
			       "most %u bytes",
			       EV_LOGIN_PARAM_MAX_BYTES);
	}
	*out = d;
	return 0;
}

/* The slot of `key` (n bytes) in `r`, or NULL for a parameter we ignore
 * (providers add session_state, scope, authuser...). */
static char **parse_slot(ev_login_redirect *r, const char *key, size_t n)
{
	static const char *const names[] = {"code", "state", "iss", "error",
					    "error_description"};
	char **slots[] = {&r->code, &r->state, &r->iss, &r->error,
			  &r->error_description};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], key, n) == 0)
			return slots[i];
	return NULL;
}

/* Reads the query `q` (n bytes) into `r`. */
static int parse_query(ev_login_redirect *r, const char *q, size_t n,
		       ae_err *err)
{
	size_t i = 0;

	while (i < n) {
		const char *amp = memchr(q + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - q) : n;
		const char *eq = memchr(q + i, '=', end - i);
		size_t klen = eq ? (size_t)(eq - q) - i : end - i;
		char **slot = parse_slot(r, q + i, klen);
		int rc;

		if (slot != NULL && *slot != NULL)
			return ae_fail(err, AE_EINVAL,
				       "redirect names '%.*s' twice", (int)klen,
				       q + i);
		if (slot != NULL) {
			rc = parse_form_decode(slot, eq ? eq + 1 : q + end,
					       eq ? end - klen - i - 1 : 0,
					       err);
			if (rc < 0)
				return rc;
		}
		i = end + 1;
	}
	return 0;
}

int ev_login_redirect_parse(ev_login_redirect *out, const char *path,
			    const unsigned char *buf, size_t len, ae_err *err)
{
	const char *s = (const char *)buf, *eol, *sp, *target, *qm;
	size_t tlen, plen;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len > EV_LOGIN_REQUEST_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG,
			       "redirect request is %zu bytes, "
			       "cap %u",
			       len, EV_LOGIN_REQUEST_MAX_BYTES);
	eol = memchr(s, '\n', len);
	if (eol == NULL || len < 4 || memcmp(s, "GET ", 4) != 0)
		return ae_fail(err, AE_EINVAL,
			       "redirect request is not an HTTP GET");
	target = s + 4;
	sp = memchr(target, ' ', (size_t)(eol - target));
	if (sp == NULL || (size_t)(eol - sp) < 9 ||
	    memcmp(sp, " HTTP/1.", 8) != 0 ||
	    !parse_printable(target, (size_t)(sp - target)))
		return ae_fail(err, AE_EINVAL,
			       "redirect request line is malformed");
	tlen = (size_t)(sp - target);
	qm = memchr(target, '?', tlen);
	plen = qm ? (size_t)(qm - target) : tlen;
	out->on_path = plen == strlen(path) && memcmp(target, path, plen) == 0;
	if (out->on_path && qm != NULL)
		rc = parse_query(out, qm + 1, tlen - plen - 1, err);
	if (rc < 0) {
		bool on_path = out->on_path;

		ev_login_redirect_dispose(out);
		out->on_path = on_path;
	}
	return rc;
}

/* Wipes and frees a secret string. */
static void parse_free_secret(char *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void ev_login_redirect_dispose(ev_login_redirect *r)
{
	if (r == NULL)
		return;
	parse_free_secret(r->code);
	free(r->state);
	free(r->iss);
	free(r->error);
	free(r->error_description);
	memset(r, 0, sizeof(*r));
}

/* ---- token endpoint answers ---- */

int ev_oidc_answer_parse(ev_oidc_answer *out, long status,
			 const unsigned char *buf, size_t len, ae_err *err)
{
	const char *what = "token endpoint answer";
	json_t *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (status != 200 && status != 400 && status != 401)
		return ae_fail(err, AE_EINVAL,
			       "unexpected HTTP %ld from the token endpoint",
			       status);
	rc = parse_object(&doc, buf, len, EV_SIGN_RESPONSE_MAX_BYTES, what,
			  err);
	if (rc == 0 && status == 200)
		rc = parse_json_str(&out->id_token, doc, "id_token", true,
				    EV_TOKEN_MAX_BYTES, what, err);
	if (rc == 0 && status != 200)
		rc = parse_json_str(&out->error, doc, "error", true,
				    PARSE_ERROR_MAX, what, err);
	if (rc == 0 && status != 200)
		rc = parse_json_str(&out->error_description, doc,
				    "error_description", false,
				    EV_LOGIN_PARAM_MAX_BYTES, what, err);
	if (doc != NULL && status == 200) {
		/* jansson's copies of the tokens: wiped before freed */
		json_t *v;
		const char *k;

		json_object_foreach(doc, k, v)
		{
			if (json_is_string(v))
				OPENSSL_cleanse((char *)json_string_value(v),
						json_string_length(v));
		}
	}
	json_decref(doc);
	if (rc < 0)
		ev_oidc_answer_dispose(out);
	return rc;
}

void ev_oidc_answer_dispose(ev_oidc_answer *a)
{
	if (a == NULL)
		return;
	parse_free_secret(a->id_token);
	free(a->error);
	free(a->error_description);
	memset(a, 0, sizeof(*a));
}

/* ---- device authorization answers ---- */

/* An integer member in lo..hi, or `dflt` when absent (dflt < 0: required). */
static int parse_json_int(int64_t *out, json_t *obj, const char *key,
			  int64_t dflt, int64_t lo, int64_t hi, ae_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = dflt;
	if (v == NULL && dflt >= 0)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return ae_fail(err, AE_EINVAL,
			       "device authorization answer '%s' is not an "
			       "integer in %lld..%lld",
			       key, (long long)lo, (long long)hi);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

int ev_device_grant_parse(ev_device_grant *out, const unsigned char *buf,
			  size_t len, ae_err *err)
{
	const char *what = "device authorization answer";
	json_t *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = parse_object(&doc, buf, len, EV_LOGIN_DOC_MAX_BYTES, what, err);
	if (rc == 0)
		rc = parse_json_str(&out->device_code, doc, "device_code", true,
				    EV_LOGIN_PARAM_MAX_BYTES, what, err);
	if (rc == 0)
		rc = parse_json_str(&out->user_code, doc, "user_code", true,
				    PARSE_USER_CODE_MAX, what, err);
	if (rc == 0)
		rc = parse_json_url(&out->verification_uri, doc,
				    "verification_uri", true, NULL, what, err);
	if (rc == 0)
		rc = parse_json_url(&out->verification_uri_complete, doc,
				    "verification_uri_complete", false, NULL,
				    what, err);
	if (rc == 0)
		rc = parse_json_int(&out->expires_in, doc, "expires_in", -1, 1,
				    PARSE_EXPIRES_MAX, err);
	if (rc == 0)
		rc = parse_json_int(&out->interval, doc, "interval",
				    EV_DEVICE_INTERVAL_DEFAULT_S, 1,
				    EV_DEVICE_INTERVAL_MAX_S, err);
	if (doc != NULL) {
		json_t *dc = json_object_get(doc, "device_code");

		if (json_is_string(dc))
			OPENSSL_cleanse((char *)json_string_value(dc),
					json_string_length(dc));
	}
	json_decref(doc);
	if (rc < 0)
		ev_device_grant_dispose(out);
	return rc;
}

void ev_device_grant_dispose(ev_device_grant *g)
{
	if (g == NULL)
		return;
	parse_free_secret(g->device_code);
	free(g->user_code);
	free(g->verification_uri);
	free(g->verification_uri_complete);
	memset(g, 0, sizeof(*g));
}
