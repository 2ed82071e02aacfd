/* evidence/signer/token_get.c -- where a signing run gets its OIDC token
 * from (issue 21; contract in evidence/signer/signer.h, ev_token_get)
 *
 * The sources in order (docs/signing.md "Token"): --identity-token or its
 * file; else the ambient CI sources (or the one --oidc-provider forces);
 * else, for a person at a terminal or when forced, the browser or device
 * login at --oidc-issuer, the signing config's issuer or public good's.
 * The signer prints nothing and reads no process environment: what a
 * person must be shown (the login URL, the device code) goes to the
 * caller's prompt callback, and the caller passes its environment.
 */
#include "evidence/signer/internal.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#define LOGIN_CLIENT_ID_MAX 256
#define LOGIN_PATH_MAX	    4096

/* --oidc-provider values; "browser" and "device" are the logins. */
static const struct {
	const char *name;
	ev_token_source src;
} login_providers[] = {
	{"github-actions", EV_TOKEN_GITHUB},
	{"gitlab", EV_TOKEN_GITLAB},
	{"buildkite", EV_TOKEN_BUILDKITE},
	{"google", EV_TOKEN_GOOGLE},
	{"env", EV_TOKEN_ENV},
};

/* The --oidc-provider names: github-actions, gitlab, buildkite, google,
 * env (an ambient source into *src) or browser, device (a login into
 * *login); NULL is neither. 0, or -1 for an unknown name. */
static int login_provider_parse(ev_token_source *src, ev_login_kind *login,
				const char *name)
{
	*src = EV_TOKEN_AUTO;
	*login = EV_LOGIN_NONE;
	if (name == NULL)
		return 0;
	if (strcmp(name, "browser") == 0 || strcmp(name, "device") == 0) {
		*login = name[0] == 'b' ? EV_LOGIN_BROWSER : EV_LOGIN_DEVICE;
		return 0;
	}
	for (size_t i = 0;
	     i < sizeof(login_providers) / sizeof(login_providers[0]); i++)
		if (strcmp(name, login_providers[i].name) == 0) {
			*src = login_providers[i].src;
			return 0;
		}
	return -1;
}

int ev_token_opts_check(const ev_token_get_opts *o, ae_err *err)
{
	const char *id = o->client_id;
	ev_token_source src;
	ev_login_kind login;

	if (o->token != NULL && o->token_file != NULL)
		return ae_fail(err, AE_EINVAL,
			       "--identity-token and --identity-token-file "
			       "exclude each other");
	if (login_provider_parse(&src, &login, o->provider) < 0)
		return ae_fail(err, AE_EINVAL,
			       "--oidc-provider wants github-actions, gitlab, "
			       "buildkite, google, env, browser or device");
	if (o->device && o->provider != NULL &&
	    strcmp(o->provider, "device") != 0)
		return ae_fail(err, AE_EINVAL,
			       "--oidc-device and --oidc-provider %s exclude "
			       "each other",
			       o->provider);
	if (id != NULL &&
	    (id[0] == '\0' || strlen(id) > LOGIN_CLIENT_ID_MAX ||
	     strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789-._~:/@") != strlen(id)))
		return ae_fail(err, AE_EINVAL,
			       "--oidc-client-id wants letters, digits and "
			       "-._~:/@ only");
	return 0;
}

/* Which login the options force (EV_LOGIN_NONE: none). */
static ev_login_kind login_forced(const ev_token_get_opts *o)
{
	ev_token_source src;
	ev_login_kind k;

	if (o->device)
		return EV_LOGIN_DEVICE;
	if (login_provider_parse(&src, &k, o->provider) < 0)
		return EV_LOGIN_NONE;
	return k;
}

/* The ambient source the options force; EV_TOKEN_AUTO for none. */
static ev_token_source login_source(const ev_token_get_opts *o)
{
	ev_token_source src;
	ev_login_kind k;

	if (login_provider_parse(&src, &k, o->provider) < 0)
		return EV_TOKEN_AUTO;
	return src;
}

/* ---- the person's login ---- */

/* The issuer to log in at: o->issuer, else the oidcUrls of the signing
 * config in force (the file o->signing_config_path, else the bytes
 * o->signing_config), else public good's. */
static int login_issuer(char **out, const ev_token_get_opts *o, ae_err *err)
{
	ev_sign_services svc;
	ae_buf sc = AE_BUF_INIT(EV_SIGNING_CONFIG_MAX_BYTES);
	int rc = 0;

	memset(&svc, 0, sizeof(svc));
	*out = NULL;
	if (o->issuer != NULL)
		*out = strdup(o->issuer);
	else if (o->signing_config_path != NULL)
		rc = ae_read_file(&sc, AT_FDCWD, o->signing_config_path,
				  EV_SIGNING_CONFIG_MAX_BYTES, err);
	else if (o->signing_config != NULL)
		rc = ae_buf_put(&sc, o->signing_config, o->signing_config_len,
				err);
	if (rc == 0 && *out == NULL && sc.len > 0)
		rc = ev_signing_config_parse(&svc, sc.data, sc.len,
					     (int64_t)time(NULL), err);
	if (rc == 0 && *out == NULL)
		*out = strdup(svc.oidc_url ? svc.oidc_url
					   : EV_LOGIN_DEFAULT_ISSUER);
	if (rc == 0 && *out == NULL)
		rc = ae_fail(err, AE_ERR, "out of memory");
	ev_sign_services_dispose(&svc);
	ae_buf_dispose(&sc);
	return rc;
}

/* Tells the caller what a person must see; nothing without a callback. */
static void login_show(const ev_token_get_opts *o, const ev_prompt *p)
{
	if (o->on_prompt != NULL)
		o->on_prompt(o->ctx, p);
}

static int login_browser(ev_token **out, const ev_login_opts *lo,
			 const ev_token_get_opts *o, ae_err *err)
{
	ev_prompt p = {0};
	ev_login *l = NULL;
	pid_t pid;
	int rc;

	rc = ev_login_begin(&l, lo, err);
	if (rc < 0)
		return rc;
	p.kind = EV_PROMPT_BROWSER_URL;
	p.issuer = lo->issuer;
	p.url = ev_login_url(l);
	login_show(o, &p);
	pid = ev_login_browser_open(l, o->envp);
	p.kind = EV_PROMPT_BROWSER_WAIT;
	p.opened = pid > 0;
	p.wait_s = o->login_timeout_s;
	login_show(o, &p);
	rc = ev_login_finish(out, l, err);
	if (pid > 0)
		(void)waitpid(pid, NULL, WNOHANG);
	ev_login_free(l);
	return rc;
}

static int login_device(ev_token **out, const ev_login_opts *lo,
			const ev_token_get_opts *o, ae_err *err)
{
	ev_prompt p = {0};
	ev_device *d = NULL;
	int rc;

	rc = ev_device_begin(&d, lo, err);
	if (rc < 0)
		return rc;
	p.kind = EV_PROMPT_DEVICE_CODE;
	p.issuer = lo->issuer;
	p.url = ev_device_uri(d);
	p.url_complete = ev_device_uri_complete(d);
	p.code = ev_device_user_code(d);
	p.wait_s = ev_device_expires_in(d);
	login_show(o, &p);
	rc = ev_device_finish(out, d, err);
	ev_device_free(d);
	return rc;
}

/* Runs the browser or device login. */
static int login_person(ev_token **out, ev_login_kind which,
			const ev_token_get_opts *o, ae_err *err)
{
	ev_login_opts lo = EV_LOGIN_OPTS_INIT;
	ae_buf secret = AE_BUF_INIT(EV_LOGIN_SECRET_MAX_BYTES + 1);
	char *issuer = NULL;
	int rc;

	rc = login_issuer(&issuer, o, err);
	if (rc == 0)
		rc = ev_login_secret_load(&secret, o->client_secret_file,
					  o->envp, err);
	if (rc < 0)
		goto done;
	lo.issuer = issuer;
	lo.client_id = o->client_id;
	lo.client_secret = secret.len ? (const char *)secret.data : NULL;
	lo.redirect_url = o->redirect_url;
	lo.deadline_ms = ev_sign_deadline(o->login_timeout_s);
	rc = which == EV_LOGIN_DEVICE ? login_device(out, &lo, o, err)
				      : login_browser(out, &lo, o, err);
done:
	if (secret.data != NULL)
		OPENSSL_cleanse(secret.data, secret.alloc);
	ae_buf_dispose(&secret);
	free(issuer);
	return rc;
}

/* ---- the token ---- */

/* Gets a token without a person: the flag or its file, else the ambient
 * sources. AE_ENOTFOUND when there is none. */
static int login_ambient(ev_token **out, const ev_token_get_opts *o,
			 int64_t deadline, ae_err *err)
{
	ev_token_sources src = EV_TOKEN_SOURCES_INIT;
	ae_buf file = AE_BUF_INIT(EV_TOKEN_MAX_BYTES);
	char agent[LOGIN_PATH_MAX];
	int rc = 0;

	ev_token_sources_from_env(&src, agent, sizeof(agent), o->envp);
	src.force = login_source(o);
	src.deadline_ms = deadline;
	src.explicit_token = o->token;
	if (o->token_file != NULL) {
		rc = ae_read_file(&file, AT_FDCWD, o->token_file,
				  EV_TOKEN_MAX_BYTES, err);
		if (rc == 0 && file.len == 0)
			rc = ae_fail(err, AE_EINVAL, "the token file is empty");
		if (rc == 0)
			rc = ev_token_parse(out, (const char *)file.data,
					    file.len, err);
	} else {
		rc = ev_token_acquire(out, &src, err);
	}
	if (file.data != NULL)
		OPENSSL_cleanse(file.data, file.len);
	ae_buf_dispose(&file);
	return rc;
}

int ev_token_get(ev_token **out, int64_t *deadline_out,
		 const ev_token_get_opts *o, ae_err *err)
{
	ev_token_expect x = {0};
	ev_login_kind which = login_forced(o);
	int rc;

	*out = NULL;
	*deadline_out = ev_sign_deadline(o->timeout_s);
	if (which == EV_LOGIN_NONE || o->token != NULL || o->token_file != NULL)
		rc = login_ambient(out, o, *deadline_out, err);
	else
		rc = AE_ENOTFOUND;
	/* nothing ambient: a person at a terminal logs in (the browser
	 * unless --oidc-device); without one, the error stands */
	if (rc == AE_ENOTFOUND && o->token == NULL && o->token_file == NULL &&
	    (which != EV_LOGIN_NONE ||
	     (o->interactive && login_source(o) == EV_TOKEN_AUTO))) {
		ae_err_clear(err);
		rc = login_person(
			out, which != EV_LOGIN_NONE ? which : EV_LOGIN_BROWSER,
			o, err);
		/* the run's own time starts once the person is done */
		*deadline_out = ev_sign_deadline(o->timeout_s);
	}
	/* exp, issuer, audience: refused before the prompt and before any
	 * request */
	x.now = (int64_t)time(NULL);
	x.issuer = o->issuer;
	x.audience = o->client_id;
	if (rc == 0)
		rc = ev_token_check(*out, &x, err);
	if (rc < 0) {
		ev_token_free(*out);
		*out = NULL;
	}
	return rc;
}
