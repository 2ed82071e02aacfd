/* evidence/signer/flags.c -- the signing flags as given on the command
 * line (SPEC §4 "Signing flags"; contract in evidence/signer/signer.h,
 * ev_sign_flags)
 *
 * `sigstore sign-bundle`, `emit --sign` and `sign` take the same signing
 * flags. This file names them, says where each value goes in the run's
 * options, and checks the words once they are all read: the token's
 * rules (ev_token_opts_check), a client secret never taken on the command
 * line, and the two durations. cmd/ matches argv against the names.
 */
#include "evidence/signer/internal.h"

#include <stddef.h>
#include <string.h>

/* Longest --timeout: a day. */
#define SIGN_TIMEOUT_MAX_S 86400
/* Longest --oidc-timeout: an hour is plenty for a person. */
#define LOGIN_TIMEOUT_MAX_S 3600
/* Every --timeout of the tool is first read with a week's cap (cmd/'s
 * duration syntax), then held to its own. */
#define SIGN_DURATION_READ_MAX_S (7u * 24u * 3600u)

/* The value flags, in the order cmd/ has always matched them. */
static const struct {
	const char *name;
	size_t off;
} sign_flags[EV_SIGN_NFLAGS] = {
	{"--identity-token", offsetof(ev_sign_flags, run.token.token)},
	{"--fulcio-url", offsetof(ev_sign_flags, run.fulcio_url)},
	{"--rekor-url", offsetof(ev_sign_flags, run.rekor_url)},
	{"--rekor-version", offsetof(ev_sign_flags, run.rekor_version)},
	{"--tsa-url", offsetof(ev_sign_flags, run.tsa_url)},
	{"--signing-config", offsetof(ev_sign_flags, run.signing_config_path)},
	{"--trusted-root", offsetof(ev_sign_flags, run.trusted_root_path)},
	{"--timeout", offsetof(ev_sign_flags, timeout)},
	{"--identity-token-file",
	 offsetof(ev_sign_flags, run.token.token_file)},
	{"--oidc-issuer", offsetof(ev_sign_flags, run.token.issuer)},
	{"--oidc-client-id", offsetof(ev_sign_flags, run.token.client_id)},
	{"--oidc-client-secret-file",
	 offsetof(ev_sign_flags, run.token.client_secret_file)},
	{"--oidc-redirect-url",
	 offsetof(ev_sign_flags, run.token.redirect_url)},
	{"--oidc-provider", offsetof(ev_sign_flags, run.token.provider)},
	{"--oidc-timeout", offsetof(ev_sign_flags, oidc_timeout)},
	/* a secret on argv is visible to every user in ps: taken only to
	 * be refused by ev_sign_flags_check */
	{"--oidc-client-secret", offsetof(ev_sign_flags, oidc_secret)},
};

const char *ev_sign_flag_name(size_t i)
{
	return i < EV_SIGN_NFLAGS ? sign_flags[i].name : NULL;
}

const char **ev_sign_flag_value(ev_sign_flags *f, size_t i)
{
	if (i >= EV_SIGN_NFLAGS)
		return NULL;
	return (const char **)(void *)((char *)f + sign_flags[i].off);
}

bool ev_sign_flag_switch(ev_sign_flags *f, const char *arg)
{
	if (strcmp(arg, "--yes") == 0 || strcmp(arg, "-y") == 0)
		f->yes = true;
	else if (strcmp(arg, "--oidc-device") == 0)
		f->run.token.device = true;
	else
		return false;
	return true;
}

int ev_sign_flags_check(ev_sign_flags *f, ae_err *err)
{
	ev_token_get_opts *t = &f->run.token;
	uint64_t ms = 0;

	t->timeout_s = EV_SIGN_TIMEOUT_DEFAULT_S;
	t->login_timeout_s = EV_LOGIN_TIMEOUT_DEFAULT_S;
	if (f->oidc_secret != NULL)
		return ae_fail(err, AE_EINVAL,
			       "--oidc-client-secret is never taken on the "
			       "command line (every user can read it there): "
			       "use --oidc-client-secret-file F or %s",
			       EV_LOGIN_SECRET_ENV);
	if (ev_token_opts_check(t, err) < 0)
		return AE_EINVAL;
	/* the one duration syntax of every --timeout (ae_duration_parse:
	 * "180", "180s", "3m"), rounded up to whole seconds */
	if (f->oidc_timeout != NULL &&
	    (ae_duration_parse(&ms, f->oidc_timeout, SIGN_DURATION_READ_MAX_S) <
		     0 ||
	     ms == 0 || ms > (uint64_t)LOGIN_TIMEOUT_MAX_S * 1000))
		return ae_fail(err, AE_EINVAL,
			       "--oidc-timeout wants a duration such as 90s or "
			       "5m, more than 0, at most %d s",
			       LOGIN_TIMEOUT_MAX_S);
	if (f->oidc_timeout != NULL)
		t->login_timeout_s = (int64_t)((ms + 999) / 1000);
	if (f->timeout == NULL)
		return 0;
	if (ae_duration_parse(&ms, f->timeout, SIGN_DURATION_READ_MAX_S) < 0 ||
	    ms > (uint64_t)SIGN_TIMEOUT_MAX_S * 1000)
		return ae_fail(err, AE_EINVAL,
			       "--timeout wants a duration such as 90s or 5m, "
			       "at most %d s (0: none)",
			       SIGN_TIMEOUT_MAX_S);
	t->timeout_s = (int64_t)((ms + 999) / 1000);
	return 0;
}
