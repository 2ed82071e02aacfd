/* cmd/sign_common.c -- the signing flags every signing command shares
 *
 * `sigstore sign-bundle`, `emit --sign` and `sign` take the same signing
 * flags (SPEC §4 "Signing flags"). This file parses them, gathers the OIDC
 * token from the flag, the environment or GitHub Actions (the library reads
 * no environment), asks once on a terminal before an identity is published
 * in the transparency log, and loads the SigningConfig and trusted root
 * files into the library's options.
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* trusted_root.json cap, matching the verifier's (sigstore.md §2). */
#define CMD_SIGN_TRUSTED_ROOT_MAX (1u << 20)
/* Longest --timeout: a day. */
#define CMD_SIGN_TIMEOUT_MAX_S 86400

void cmd_sign_flags_init(cmd_sign_flags *f)
{
	memset(f, 0, sizeof(*f));
}

int cmd_sign_flag(cmd_sign_flags *f, int argc, char **argv, int *i)
{
	const cmd_flag valued[] = {
		{"--identity-token", &f->identity_token},
		{"--fulcio-url", &f->fulcio_url},
		{"--rekor-url", &f->rekor_url},
		{"--rekor-version", &f->rekor_version},
		{"--tsa-url", &f->tsa_url},
		{"--signing-config", &f->signing_config},
		{"--trusted-root", &f->trusted_root},
		{"--timeout", &f->timeout},
		{"--identity-token-file", &f->identity_token_file},
		{"--oidc-issuer", &f->oidc_issuer},
		{"--oidc-client-id", &f->oidc_client_id},
		{"--oidc-client-secret-file", &f->oidc_client_secret_file},
		{"--oidc-redirect-url", &f->oidc_redirect_url},
		{"--oidc-provider", &f->oidc_provider},
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
		f->oidc_device = true;
		return 1;
	}
	/* a secret on argv is visible to every user in ps: taken only to be
	 * refused by cmd_sign_login_flags_check (64) */
	k = cmd_flag_take(refused, argc, argv, i);
	if (k != 0) {
		f->oidc_secret_on_argv = true;
		return 1;
	}
	return cmd_flag_take(valued, argc, argv, i);
}

int cmd_sign_flags_check(cmd_sign_flags *f, const char *command)
{
	uint64_t ms = 0;

	f->timeout_s = EV_SIGN_TIMEOUT_DEFAULT_S;
	if (cmd_sign_login_flags_check(f, command) != 0)
		return cmd_exit_code(CMD_USAGE);
	if (f->timeout == NULL)
		return 0;
	/* the one duration syntax of every --timeout (cmd_duration_parse:
	 * "180", "180s", "3m"), rounded up to whole seconds */
	if (cmd_duration_parse(&ms, f->timeout) < 0 ||
	    ms > (uint64_t)CMD_SIGN_TIMEOUT_MAX_S * 1000)
		return cmd_usage_error(command,
				       "--timeout wants a duration such as "
				       "90s or 5m, at most %d s (0: none)",
				       CMD_SIGN_TIMEOUT_MAX_S);
	f->timeout_s = (int64_t)((ms + 999) / 1000);
	return 0;
}

int cmd_sign_confirm(const ev_token *tok, bool yes)
{
	char line[16], left[64];
	cmd_esc_set e = {0};

	if (yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
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

/* What a flag does not name comes from the TUF cache when its documents
 * are in force (docs/trust.md): the trusted root of the self-check
 * without --trusted-root, the services without --signing-config or any
 * service URL (explicit URLs are the user's whole choice). Signing never
 * fetches trust itself: `trust update` does. */
static int sign_load_tuf(ev_sign_opts *opts, cmd_sign_files *files,
			 const cmd_sign_flags *f, ae_err *err)
{
	bool want_root = f->trusted_root == NULL;
	bool want_sc = f->signing_config == NULL && f->fulcio_url == NULL &&
		       f->rekor_url == NULL && f->tsa_url == NULL;
	tuf_trust t;
	ae_err e = {0};
	int rc = 0;

	if (!want_root && !want_sc)
		return 0;
	if (cmd_trust_in_force(&t, NULL, CMD_TRUST_REFRESH_NEVER, &e) < 0)
		return 0; /* no cache directory at all: the built-in defaults */
	if (t.source == TUF_TRUST_CACHE && want_root) {
		rc = ae_buf_put(&files->trusted_root, t.root, t.root_len, err);
		opts->trusted_root = files->trusted_root.data;
		opts->trusted_root_len = files->trusted_root.len;
	}
	if (rc == 0 && t.source == TUF_TRUST_CACHE && want_sc && t.sc != NULL) {
		rc = ae_buf_put(&files->signing_config, t.sc, t.sc_len, err);
		opts->signing_config = files->signing_config.data;
		opts->signing_config_len = files->signing_config.len;
	}
	tuf_trust_dispose(&t);
	return rc;
}

int cmd_sign_load(ev_sign_opts *opts, cmd_sign_files *files,
		  const cmd_sign_flags *f, const ev_token *tok,
		  int64_t deadline, ae_err *err)
{
	int rc = 0;

	opts->deadline_ms = deadline;
	ae_buf_init(&files->signing_config, EV_SIGNING_CONFIG_MAX_BYTES);
	ae_buf_init(&files->trusted_root, CMD_SIGN_TRUSTED_ROOT_MAX);
	opts->token = tok;
	opts->audience = f->oidc_client_id;
	opts->fulcio_url = f->fulcio_url;
	opts->rekor_url = f->rekor_url;
	opts->tsa_url = f->tsa_url;
	if (f->rekor_version != NULL) {
		if (strcmp(f->rekor_version, "1") == 0)
			opts->rekor_version = 1;
		else if (strcmp(f->rekor_version, "2") == 0)
			opts->rekor_version = 2;
		else
			return ae_fail(err, AE_EINVAL,
				       "--rekor-version must be 1 or 2");
	}
	if (f->signing_config != NULL) {
		rc = ae_read_file(&files->signing_config, AT_FDCWD,
				  f->signing_config,
				  EV_SIGNING_CONFIG_MAX_BYTES, err);
		opts->signing_config = files->signing_config.data;
		opts->signing_config_len = files->signing_config.len;
	}
	if (rc == 0 && f->trusted_root != NULL) {
		rc = ae_read_file(&files->trusted_root, AT_FDCWD,
				  f->trusted_root, CMD_SIGN_TRUSTED_ROOT_MAX,
				  err);
		opts->trusted_root = files->trusted_root.data;
		opts->trusted_root_len = files->trusted_root.len;
	}
	if (rc == 0)
		rc = sign_load_tuf(opts, files, f, err);
	return rc;
}

void cmd_sign_files_dispose(cmd_sign_files *files)
{
	ae_buf_dispose(&files->signing_config);
	ae_buf_dispose(&files->trusted_root);
}
