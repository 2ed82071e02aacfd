/* cmd/sign_login.c -- where a signing command gets its OIDC token from
 * (issue 21)
 *
 * The library reads no environment and prints nothing, so this file does
 * both: it gathers the sources (flags, CI variables, the Buildkite agent on
 * PATH, Google Cloud's metadata server), and for a person it runs the
 * browser or device login of evidence/signer/login.h, showing the URL or the
 * code between _begin and _finish and opening the browser when there is
 * one. Order and rules: docs/signing.md "Token".
 */
#include "cmd/cmd.h"
#include "evidence/signer/login.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOGIN_CLIENT_ID_MAX 256
#define LOGIN_PATH_MAX	    4096
/* Longest --oidc-timeout: an hour is plenty for a person. */
#define LOGIN_TIMEOUT_MAX_S 3600

extern char **environ;

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

enum { LOGIN_NONE, LOGIN_BROWSER, LOGIN_DEVICE };

/* Which login --oidc-provider/--oidc-device force (LOGIN_NONE: none). */
static int login_forced(const cmd_sign_flags *f)
{
	if (f->oidc_device ||
	    (f->oidc_provider && strcmp(f->oidc_provider, "device") == 0))
		return LOGIN_DEVICE;
	if (f->oidc_provider && strcmp(f->oidc_provider, "browser") == 0)
		return LOGIN_BROWSER;
	return LOGIN_NONE;
}

/* The ambient source --oidc-provider forces; EV_TOKEN_AUTO for none, -1
 * for an unknown name. */
static int login_source(const char *name)
{
	if (name == NULL || strcmp(name, "browser") == 0 ||
	    strcmp(name, "device") == 0)
		return EV_TOKEN_AUTO;
	for (size_t i = 0;
	     i < sizeof(login_providers) / sizeof(login_providers[0]); i++)
		if (strcmp(name, login_providers[i].name) == 0)
			return (int)login_providers[i].src;
	return -1;
}

int cmd_sign_login_flags_check(cmd_sign_flags *f, const char *command)
{
	uint64_t ms = 0;
	const char *id = f->oidc_client_id;

	f->oidc_timeout_s = EV_LOGIN_TIMEOUT_DEFAULT_S;
	if (f->oidc_secret_on_argv)
		return cmd_usage_error(
			command,
			"--oidc-client-secret is never taken on "
			"the command line (every user can read "
			"it there): use --oidc-client-secret-file "
			"F or %s",
			EV_LOGIN_SECRET_ENV);
	if (f->identity_token != NULL && f->identity_token_file != NULL)
		return cmd_usage_error(command,
				       "--identity-token and "
				       "--identity-token-file exclude each "
				       "other");
	if (login_source(f->oidc_provider) < 0)
		return cmd_usage_error(
			command, "--oidc-provider wants github-actions, "
				 "gitlab, buildkite, google, env, browser "
				 "or device");
	if (f->oidc_device && f->oidc_provider != NULL &&
	    strcmp(f->oidc_provider, "device") != 0)
		return cmd_usage_error(command,
				       "--oidc-device and "
				       "--oidc-provider %s exclude each "
				       "other",
				       f->oidc_provider);
	if (id != NULL &&
	    (id[0] == '\0' || strlen(id) > LOGIN_CLIENT_ID_MAX ||
	     strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789-._~:/@") != strlen(id)))
		return cmd_usage_error(command,
				       "--oidc-client-id wants letters, digits "
				       "and -._~:/@ only");
	if (f->oidc_timeout == NULL)
		return 0;
	if (cmd_duration_parse(&ms, f->oidc_timeout) < 0 || ms == 0 ||
	    ms > (uint64_t)LOGIN_TIMEOUT_MAX_S * 1000)
		return cmd_usage_error(
			command,
			"--oidc-timeout wants a duration such as "
			"90s or 5m, more than 0, at most %d s",
			LOGIN_TIMEOUT_MAX_S);
	f->oidc_timeout_s = (int64_t)((ms + 999) / 1000);
	return 0;
}

/* --identity-token-file: the token, capped, into `buf`. */
static int login_token_file(ae_buf *buf, const char *path, ae_err *err)
{
	return ae_read_file(buf, AT_FDCWD, path, EV_TOKEN_MAX_BYTES, err);
}

/* ---- the person's login ---- */

/* The issuer to log in at: --oidc-issuer, else the oidcUrls of the
 * signing config in force (--signing-config, or the TUF cache's when no
 * service is named on the command line), else public good's. `buf` holds
 * the string. */
static int login_issuer(char **out, const cmd_sign_flags *f, ae_err *err)
{
	ev_sign_services svc;
	cmd_trust_set t;
	ae_buf sc = AE_BUF_INIT(EV_SIGNING_CONFIG_MAX_BYTES);
	ae_err e = {0};
	int rc = 0;

	memset(&svc, 0, sizeof(svc));
	*out = NULL;
	if (f->oidc_issuer != NULL)
		*out = strdup(f->oidc_issuer);
	else if (f->signing_config != NULL)
		rc = ae_read_file(&sc, AT_FDCWD, f->signing_config,
				  EV_SIGNING_CONFIG_MAX_BYTES, err);
	else if (f->fulcio_url == NULL && f->rekor_url == NULL &&
		 f->tsa_url == NULL &&
		 cmd_trust_in_force(&t, NULL, CMD_TRUST_REFRESH_NEVER, &e) ==
			 0) {
		if (t.source == CMD_TRUST_TUF && t.sc != NULL)
			rc = ae_buf_put(&sc, t.sc, t.sc_len, err);
		cmd_trust_dispose(&t);
	}
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

static int login_browser(ev_token **out, const ev_login_opts *o,
			 const cmd_sign_flags *f, ae_err *err)
{
	char wait[64];
	cmd_esc_set e = {0};
	ev_login *l = NULL;
	pid_t pid;
	int rc;

	rc = ev_login_begin(&l, o, err);
	if (rc < 0)
		return rc;
	ev_duration_human(wait, sizeof(wait), f->oidc_timeout_s);
	fprintf(stderr,
		"aicr-evidence: to sign, log in at %s in your browser:\n"
		"\n    %s\n\n",
		cmd_esc(&e, o->issuer), cmd_esc(&e, ev_login_url(l)));
	pid = ev_login_browser_open(l, environ);
	fprintf(stderr,
		"aicr-evidence: %s; waiting up to %s for the login "
		"(no browser here? use --oidc-device)\n",
		pid > 0 ? "a browser was opened"
			: "open the URL above yourself",
		wait);
	cmd_esc_free(&e);
	rc = ev_login_finish(out, l, err);
	if (pid > 0)
		(void)waitpid(pid, NULL, WNOHANG);
	ev_login_free(l);
	return rc;
}

static int login_device(ev_token **out, const ev_login_opts *o, ae_err *err)
{
	char wait[64];
	cmd_esc_set e = {0};
	ev_device *d = NULL;
	int rc;

	rc = ev_device_begin(&d, o, err);
	if (rc < 0)
		return rc;
	ev_duration_human(wait, sizeof(wait), ev_device_expires_in(d));
	fprintf(stderr,
		"aicr-evidence: to sign, open %s on any device and enter the "
		"code\n\n    %s\n\n",
		cmd_esc(&e, ev_device_uri(d)),
		cmd_esc(&e, ev_device_user_code(d)));
	if (ev_device_uri_complete(d) != NULL)
		fprintf(stderr, "aicr-evidence: (or open %s)\n",
			cmd_esc(&e, ev_device_uri_complete(d)));
	fprintf(stderr, "aicr-evidence: the code is valid for %s; waiting\n",
		wait);
	cmd_esc_free(&e);
	rc = ev_device_finish(out, d, err);
	ev_device_free(d);
	return rc;
}

/* Runs the browser or device login. */
static int login_person(ev_token **out, int which, const cmd_sign_flags *f,
			ae_err *err)
{
	ev_login_opts o = EV_LOGIN_OPTS_INIT;
	ae_buf secret = AE_BUF_INIT(EV_LOGIN_SECRET_MAX_BYTES + 1);
	char *issuer = NULL;
	int rc;

	rc = login_issuer(&issuer, f, err);
	if (rc == 0)
		rc = ev_login_secret_load(&secret, f->oidc_client_secret_file,
					  environ, err);
	if (rc < 0)
		goto done;
	o.issuer = issuer;
	o.client_id = f->oidc_client_id;
	o.client_secret = secret.len ? (const char *)secret.data : NULL;
	o.redirect_url = f->oidc_redirect_url;
	o.deadline_ms = ev_sign_deadline(f->oidc_timeout_s);
	rc = which == LOGIN_DEVICE ? login_device(out, &o, err)
				   : login_browser(out, &o, f, err);
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
static int login_ambient(ev_token **out, const cmd_sign_flags *f,
			 int64_t deadline, ae_err *err)
{
	ev_token_sources src = EV_TOKEN_SOURCES_INIT;
	ae_buf file = AE_BUF_INIT(EV_TOKEN_MAX_BYTES);
	char agent[LOGIN_PATH_MAX];
	int rc = 0;

	ev_token_sources_from_env(&src, agent, sizeof(agent), environ);
	src.force = (ev_token_source)login_source(f->oidc_provider);
	src.deadline_ms = deadline;
	src.explicit_token = f->identity_token;
	if (f->identity_token_file != NULL) {
		rc = login_token_file(&file, f->identity_token_file, err);
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

int cmd_sign_token(ev_token **out, int64_t *deadline_out,
		   const cmd_sign_flags *f, ae_err *err)
{
	ev_token_expect x = {0};
	int which = login_forced(f), rc;
	bool tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);

	*out = NULL;
	*deadline_out = ev_sign_deadline(f->timeout_s);
	if (which == LOGIN_NONE || f->identity_token != NULL ||
	    f->identity_token_file != NULL)
		rc = login_ambient(out, f, *deadline_out, err);
	else
		rc = AE_ENOTFOUND;
	/* nothing ambient: a person at a terminal logs in (the browser
	 * unless --oidc-device); without one, the error stands */
	if (rc == AE_ENOTFOUND && f->identity_token == NULL &&
	    f->identity_token_file == NULL &&
	    (which != LOGIN_NONE ||
	     (tty && login_source(f->oidc_provider) == EV_TOKEN_AUTO))) {
		ae_err_clear(err);
		rc = login_person(out,
				  which != LOGIN_NONE ? which : LOGIN_BROWSER,
				  f, err);
		/* the run's own time starts once the person is done */
		*deadline_out = ev_sign_deadline(f->timeout_s);
	}
	/* exp, issuer, audience: refused before the prompt and before any
	 * request */
	x.now = (int64_t)time(NULL);
	x.issuer = f->oidc_issuer;
	x.audience = f->oidc_client_id;
	if (rc == 0)
		rc = ev_token_check(*out, &x, err);
	if (rc < 0) {
		ev_token_free(*out);
		*out = NULL;
	}
	return rc;
}
