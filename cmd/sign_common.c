/* cmd/sign_common.c -- the signing flags every signing command shares
 *
 * `sigstore sign-bundle`, `emit --sign` and `sign` take the same signing
 * flags (SPEC §4 "Signing flags"). This file parses and checks them, and
 * is the signing run's face: it passes the environment and the trust in
 * force to ev_sign_run (evidence/signer/run.c), shows a person the login
 * URL or device code it reports, and asks once on a terminal before an
 * identity is published in the transparency log.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"
#include "evidence/signer/login.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Longest --timeout: a day. */
#define CMD_SIGN_TIMEOUT_MAX_S 86400
/* Longest --oidc-timeout: an hour is plenty for a person. */
#define LOGIN_TIMEOUT_MAX_S 3600

extern char **environ;

void cmd_sign_flags_init(cmd_sign_flags *f)
{
	memset(f, 0, sizeof(*f));
}

int cmd_sign_flag(cmd_sign_flags *f, int argc, char **argv, int *i)
{
	ev_sign_run_opts *o = &f->run;
	const cmd_flag valued[] = {
		{"--identity-token", &o->token.token},
		{"--fulcio-url", &o->fulcio_url},
		{"--rekor-url", &o->rekor_url},
		{"--rekor-version", &o->rekor_version},
		{"--tsa-url", &o->tsa_url},
		{"--signing-config", &o->signing_config_path},
		{"--trusted-root", &o->trusted_root_path},
		{"--timeout", &f->timeout},
		{"--identity-token-file", &o->token.token_file},
		{"--oidc-issuer", &o->token.issuer},
		{"--oidc-client-id", &o->token.client_id},
		{"--oidc-client-secret-file", &o->token.client_secret_file},
		{"--oidc-redirect-url", &o->token.redirect_url},
		{"--oidc-provider", &o->token.provider},
		{"--oidc-timeout", &f->oidc_timeout},
		{NULL, NULL},
	};
	const char *secret = NULL;
	const cmd_flag refused[] = {
		{"--oidc-client-secret", &secret},
		{NULL, NULL},
	};
	const char *a = argv[*i];
	int k;

	if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
		f->yes = true;
		return 1;
	}
	if (strcmp(a, "--oidc-device") == 0) {
		o->token.device = true;
		return 1;
	}
	/* a secret on argv is visible to every user in ps: taken only to be
	 * refused by sign_login_flags_check (64) */
	k = cmd_flag_take(refused, argc, argv, i);
	if (k != 0) {
		f->oidc_secret_on_argv = true;
		return 1;
	}
	return cmd_flag_take(valued, argc, argv, i);
}

int cmd_sign_flags_check(cmd_sign_flags *f, const char *command)
{
	ev_token_get_opts *t = &f->run.token;
	uint64_t ms = 0;
	ae_err err = {0};

	t->timeout_s = EV_SIGN_TIMEOUT_DEFAULT_S;
	t->login_timeout_s = EV_LOGIN_TIMEOUT_DEFAULT_S;
	if (f->oidc_secret_on_argv)
		return cmd_usage_error(
			command,
			"--oidc-client-secret is never taken on "
			"the command line (every user can read "
			"it there): use --oidc-client-secret-file "
			"F or %s",
			EV_LOGIN_SECRET_ENV);
	if (ev_token_opts_check(t, &err) < 0)
		return cmd_usage_error(command, "%s", err.msg);
	/* the one duration syntax of every --timeout (cmd_duration_parse:
	 * "180", "180s", "3m"), rounded up to whole seconds */
	if (f->oidc_timeout != NULL &&
	    (cmd_duration_parse(&ms, f->oidc_timeout) < 0 || ms == 0 ||
	     ms > (uint64_t)LOGIN_TIMEOUT_MAX_S * 1000))
		return cmd_usage_error(
			command,
			"--oidc-timeout wants a duration such as "
			"90s or 5m, more than 0, at most %d s",
			LOGIN_TIMEOUT_MAX_S);
	if (f->oidc_timeout != NULL)
		t->login_timeout_s = (int64_t)((ms + 999) / 1000);
	if (f->timeout == NULL)
		return 0;
	if (cmd_duration_parse(&ms, f->timeout) < 0 ||
	    ms > (uint64_t)CMD_SIGN_TIMEOUT_MAX_S * 1000)
		return cmd_usage_error(command,
				       "--timeout wants a duration such as "
				       "90s or 5m, at most %d s (0: none)",
				       CMD_SIGN_TIMEOUT_MAX_S);
	t->timeout_s = (int64_t)((ms + 999) / 1000);
	return 0;
}

/* ev_sign_run's confirm: on a terminal and without --yes, says that the
 * token's identity will be published in the transparency log and asks
 * once; -1 when the user declined (already told). Off a terminal it goes
 * on: CI has no one to ask. */
static int sign_confirm(const ev_token *tok, void *ctx)
{
	const cmd_sign_flags *f = ctx;
	char line[16], left[64];
	cmd_esc_set e = {0};

	if (f->yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 0;
	ev_duration_human(left, sizeof(left),
			  ev_token_expiry(tok) - (int64_t)time(NULL));
	fprintf(stderr,
		"The identity '%s' (issuer %s) will be written to the public "
		"Sigstore\ntransparency log: it becomes public in Rekor and in "
		"the evidence pointer\n(signer.identity, in the ledger's git "
		"history once committed), and cannot\nbe removed. (The token "
		"is valid for %s more.) Continue? [y/N] ",
		cmd_esc(&e, ev_token_identity_hint(tok)),
		cmd_esc(&e, ev_token_issuer(tok)), left);
	cmd_esc_free(&e);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL ||
	    (line[0] != 'y' && line[0] != 'Y')) {
		fputs("aicr-evidence: not signing\n", stderr);
		return -1;
	}
	return 0;
}

/* ev_token_get_opts.on_prompt: what a person must see to log in. */
static void sign_prompt(void *ctx, const ev_prompt *p)
{
	char wait[64];
	cmd_esc_set e = {0};

	(void)ctx;
	ev_duration_human(wait, sizeof(wait), p->wait_s);
	if (p->kind == EV_PROMPT_BROWSER_URL)
		fprintf(stderr,
			"aicr-evidence: to sign, log in at %s in your "
			"browser:\n\n    %s\n\n",
			cmd_esc(&e, p->issuer), cmd_esc(&e, p->url));
	else if (p->kind == EV_PROMPT_BROWSER_WAIT)
		fprintf(stderr,
			"aicr-evidence: %s; waiting up to %s for the login "
			"(no browser here? use --oidc-device)\n",
			p->opened ? "a browser was opened"
				  : "open the URL above yourself",
			wait);
	else
		fprintf(stderr,
			"aicr-evidence: to sign, open %s on any device and "
			"enter the code\n\n    %s\n\n",
			cmd_esc(&e, p->url), cmd_esc(&e, p->code));
	if (p->kind == EV_PROMPT_DEVICE_CODE && p->url_complete != NULL)
		fprintf(stderr, "aicr-evidence: (or open %s)\n",
			cmd_esc(&e, p->url_complete));
	if (p->kind == EV_PROMPT_DEVICE_CODE)
		fprintf(stderr,
			"aicr-evidence: the code is valid for %s; waiting\n",
			wait);
	cmd_esc_free(&e);
}

void cmd_sign_opts(ev_sign_run_opts *o, tuf_trust *trust,
		   const cmd_sign_flags *f)
{
	ae_err e = {0};

	*o = f->run;
	o->token.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	o->token.envp = environ;
	o->token.on_prompt = sign_prompt;
	o->token.ctx = (void *)f;
	o->confirm = sign_confirm;
	/* what no flag names comes from the TUF cache when its documents are
	 * in force (docs/trust.md); signing never fetches trust itself:
	 * `trust update` does. Without a cache directory at all, the
	 * built-in defaults. */
	memset(trust, 0, sizeof(*trust));
	if (ev_sign_run_wants_cache(o) &&
	    cmd_trust_in_force(trust, NULL, LD_TRUST_REFRESH_NEVER, &e) == 0 &&
	    trust->source == TUF_TRUST_CACHE) {
		o->cached_root = trust->root;
		o->cached_root_len = trust->root_len;
		o->cached_sc = trust->sc;
		o->cached_sc_len = trust->sc ? trust->sc_len : 0;
	}
}
