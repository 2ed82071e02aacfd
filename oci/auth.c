/* oci/auth.c -- WWW-Authenticate challenges and docker config.json lookup
 *
 * A registry answers 401 with `WWW-Authenticate: Basic realm="..."` or
 * `Bearer realm="...",service="...",scope="..."[,error="..."]` (oci.md §4).
 * The value comes from the network, so the parser is strict and bounded:
 * RFC 7235 auth-params (token = token / quoted-string), one challenge,
 * known parameters at most once, every field capped. It is fuzzed
 * (tests/fuzz/www_authenticate_fuzz.c).
 */
#include "oci/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7230 tchar. */
static bool auth_is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') ||
	       (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static void auth_skip_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Appends c to the value in out[outsz] (n bytes so far), leaving room for
 * its NUL. */
static int auth_put(char *out, size_t outsz, size_t *n, char c, ae_err *err)
{
	if (*n + 1 >= outsz)
		return ae_fail(err, AE_ETOOBIG,
			       "challenge parameter over %zu bytes", outsz - 1);
	out[(*n)++] = c;
	return 0;
}

/* Reads a token or quoted-string value into out[outsz]; advances *p only on
 * success. */
static int auth_value(char *out, size_t outsz, const char **p, const char *end,
		      ae_err *err)
{
	const char *q = *p;
	size_t n = 0;
	int rc;

	if (q < end && *q == '"') {
		q++;
		while (q < end && *q != '"') {
			if (*q == '\\') {
				q++;
				if (q >= end)
					break;
			}
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				return ae_fail(err, AE_EINVAL,
					       "control byte in challenge");
			rc = auth_put(out, outsz, &n, *q++, err);
			if (rc < 0)
				return rc;
		}
		if (q >= end)
			return ae_fail(err, AE_EINVAL,
				       "unterminated quoted string in "
				       "challenge");
		q++;
	} else {
		while (q < end && (auth_is_tchar(*q) || *q == '/' ||
				   *q == '=' || *q == ':')) {
			rc = auth_put(out, outsz, &n, *q++, err);
			if (rc < 0)
				return rc;
		}
		if (n == 0)
			return ae_fail(err, AE_EINVAL,
				       "empty challenge parameter value");
	}
	out[n] = '\0';
	*p = q;
	return 0;
}

/* Where a known parameter goes; NULL for one we skip. */
static char *auth_slot(oci_challenge *c, const char *name, size_t n,
		       size_t *size_out, unsigned *bit_out)
{
	static const char *names[] = {"realm", "service", "scope", "error"};
	char *slots[] = {c->realm, c->service, c->scope, c->error};
	size_t sizes[] = {sizeof(c->realm), sizeof(c->service),
			  sizeof(c->scope), sizeof(c->error)};

	for (unsigned i = 0; i < 4; i++) {
		if (strlen(names[i]) == n &&
		    strncasecmp(name, names[i], n) == 0) {
			*size_out = sizes[i];
			*bit_out = 1u << i;
			return slots[i];
		}
	}
	return NULL;
}

static int auth_params(oci_challenge *out, const char *p, const char *end,
		       ae_err *err)
{
	unsigned seen = 0;
	char skip[OCI_AUTH_HEADER_MAX + 1];

	for (;;) {
		const char *name = p;
		size_t size = 0;
		unsigned bit = 0;
		char *slot;
		int rc;

		auth_skip_ws(&p, end);
		name = p;
		while (p < end && auth_is_tchar(*p))
			p++;
		if (p == name)
			return ae_fail(err, AE_EINVAL,
				       "challenge parameter name expected");
		slot = auth_slot(out, name, (size_t)(p - name), &size, &bit);
		auth_skip_ws(&p, end);
		if (p >= end || *p != '=')
			return ae_fail(err, AE_EINVAL,
				       "'=' expected after challenge "
				       "parameter");
		p++;
		auth_skip_ws(&p, end);
		if (slot != NULL && (seen & bit))
			return ae_fail(err, AE_EINVAL,
				       "duplicate challenge parameter");
		seen |= bit;
		rc = slot ? auth_value(slot, size, &p, end, err)
			  : auth_value(skip, sizeof(skip), &p, end, err);
		if (rc < 0)
			return rc;
		auth_skip_ws(&p, end);
		if (p == end)
			return 0;
		if (*p != ',')
			return ae_fail(err, AE_EINVAL,
				       "',' expected between challenge "
				       "parameters");
		p++;
	}
}

int oci_challenge_parse(oci_challenge *out, const char *value, size_t len,
			ae_err *err)
{
	const char *p = value, *end = value + len, *scheme;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > OCI_AUTH_HEADER_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "WWW-Authenticate is %zu bytes, cap %d", len,
			       OCI_AUTH_HEADER_MAX);
	if (ae_has_nul(value, len))
		return ae_fail(err, AE_EINVAL, "NUL in WWW-Authenticate");
	auth_skip_ws(&p, end);
	scheme = p;
	while (p < end && auth_is_tchar(*p))
		p++;
	n = (size_t)(p - scheme);
	if (n == 5 && strncasecmp(scheme, "basic", 5) == 0)
		out->scheme = OCI_AUTH_BASIC;
	else if (n == 6 && strncasecmp(scheme, "bearer", 6) == 0)
		out->scheme = OCI_AUTH_BEARER;
	else
		return ae_fail(err, AE_EINVAL,
			       "unsupported authentication scheme");
	auth_skip_ws(&p, end);
	rc = p < end ? auth_params(out, p, end, err) : 0;
	if (rc == 0 && out->scheme == OCI_AUTH_BEARER && out->realm[0] == '\0')
		rc = ae_fail(err, AE_EINVAL, "bearer challenge without realm");
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		out->scheme = OCI_AUTH_NONE;
	}
	return rc;
}

/* The docker config path: $DOCKER_CONFIG/config.json, else
 * $HOME/.docker/config.json. 0 with out[0] = '\0' when neither is set. */
static int auth_config_path(char *out, size_t outsz, ae_err *err)
{
	const char *d = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	int n;

	out[0] = '\0';
	if (d != NULL && *d != '\0')
		n = snprintf(out, outsz, "%s/config.json", d);
	else if (home != NULL && *home != '\0')
		n = snprintf(out, outsz, "%s/.docker/config.json", home);
	else
		return 0;
	if (n < 0 || (size_t)n >= outsz)
		return ae_fail(err, AE_ETOOBIG, "docker config path too long");
	return 0;
}

/* True iff a config.json `auths` key names `host` ("host", "https://host",
 * "http://host", with or without a trailing "/..."). */
static bool auth_key_matches(const char *key, const char *host)
{
	size_t hn = strlen(host);

	/* docker login records Docker Hub as https://index.docker.io/v1/ */
	if (strcmp(host, "docker.io") == 0 &&
	    strstr(key, "index.docker.io") != NULL)
		return true;
	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	if (strncmp(key, host, hn) != 0)
		return false;
	return key[hn] == '\0' || key[hn] == '/';
}

/* The credential helper for `host`: `credHelpers.<host>`, else
 * `credsStore`; NULL for none (an empty name is none, as in docker). */
static const char *auth_helper_for(const json_t *root, const char *host)
{
	const json_t *helpers = json_object_get(root, "credHelpers"), *v;
	const char *key, *s;

	json_object_foreach((json_t *)helpers, key, v)
	{
		s = json_string_value(v);
		if (s != NULL && *s != '\0' && auth_key_matches(key, host))
			return s;
	}
	s = json_string_value(json_object_get(root, "credsStore"));
	return s != NULL && *s != '\0' ? s : NULL;
}

/* Splits base64("user:pass") into the creds. */
static int auth_decode_entry(oci_creds *out, const char *b64, ae_err *err)
{
	unsigned char *raw = NULL;
	size_t n = 0;
	unsigned char *colon;
	int rc;

	rc = ae_base64_decode(&raw, &n, b64, strlen(b64), err);
	if (rc < 0)
		return ae_fail(err, AE_EINVAL,
			       "docker config: auth is not base64");
	colon = memchr(raw, ':', n);
	if (colon == NULL || ae_has_nul(raw, n)) {
		rc = ae_fail(err, AE_EINVAL,
			     "docker config: auth is not user:password");
		goto done;
	}
	*colon = '\0';
	out->user = strdup((char *)raw);
	out->pass = strndup((char *)colon + 1, (size_t)(raw + n - colon - 1));
	if (out->user == NULL || out->pass == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
done:
	if (raw != NULL) {
		memset(raw, 0, n);
		free(raw);
	}
	return rc;
}

int oci__creds_from_docker_config(oci_creds *out, const char *path,
				  const char *host, ae_err *err)
{
	char defpath[4096];
	ae_buf buf = AE_BUF_INIT(OCI_DOCKER_CONFIG_MAX);
	json_t *root = NULL, *auths, *entry;
	const char *key, *helper;
	int rc;

	if (path == NULL) {
		rc = auth_config_path(defpath, sizeof(defpath), err);
		if (rc < 0 || defpath[0] == '\0')
			return rc;
		path = defpath;
	}
	rc = ae_read_file(&buf, AT_FDCWD, path, OCI_DOCKER_CONFIG_MAX, err);
	if (rc == AE_ENOTFOUND) {
		ae_err_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	rc = ae_json_parse((void **)&root, buf.data, buf.len, err);
	if (rc < 0)
		goto done;
	helper = auth_helper_for(root, host);
	if (helper != NULL) {
		/* the helper is authoritative for the host, as in docker:
		 * `auths` then only lists which hosts were logged in to */
		rc = oci__creds_from_helper(
			out, helper,
			strcmp(host, "docker.io") == 0
				? "https://index.docker.io/v1/"
				: host,
			err);
		goto done;
	}
	auths = json_object_get(root, "auths");
	json_object_foreach(auths, key, entry)
	{
		const char *a =
			json_string_value(json_object_get(entry, "auth"));
		if (a != NULL && *a != '\0' && auth_key_matches(key, host)) {
			rc = auth_decode_entry(out, a, err);
			break;
		}
	}
done:
	json_decref(root);
	if (buf.data != NULL)
		memset(buf.data, 0, buf.len);
	ae_buf_dispose(&buf);
	return rc;
}
