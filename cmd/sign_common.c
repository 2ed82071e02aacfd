/* cmd/sign_common.c -- the signing flags every signing command shares
 *
 * `sigstore sign-bundle`, `emit --sign` and `sign` take the same signing
 * flags (SPEC §4 "Signing flags"). Their names, where their values go and
 * their checks are the signer's (evidence/signer/flags.c); this file
 * matches argv against them, and is the signing run's face: it passes the
 * environment and the trust in force to ev_sign_run
 * (evidence/signer/run.c), shows a person the login URL or device code it
 * reports, and asks once on a terminal before an identity is published
 * in the transparency log (the texts: evidence/signer/prompt.c).
 */
#include "cmd/cmd.h"
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int cmd_sign_flag(ev_sign_flags *f, int argc, char **argv, int *i)
{
	cmd_flag valued[EV_SIGN_NFLAGS + 1] = {{NULL, NULL}};
	int k;

	if (ev_sign_flag_switch(f, argv[*i]))
		return 1;
	for (size_t j = 0; j < EV_SIGN_NFLAGS; j++)
		valued[j] = (cmd_flag){ev_sign_flag_name(j),
				       ev_sign_flag_value(f, j)};
	k = cmd_flag_take(valued, argc, argv, i);
	/* a secret on argv is refused by ev_sign_flags_check, also without
	 * its value */
	if (k < 0 && strcmp(argv[*i], "--oidc-client-secret") == 0) {
		f->oidc_secret = "";
		return 1;
	}
	return k;
}

int cmd_sign_flags_check(ev_sign_flags *f, const char *command)
{
	ae_err err = {0};

	if (ev_sign_flags_check(f, &err) < 0)
		return cmd_usage_error(command, "%s", err.msg);
	return 0;
}

/* ev_sign_run's confirm: on a terminal and without --yes, says that the
 * token's identity will be published in the transparency log and asks
 * once; -1 when the user declined (already told). Off a terminal it goes
 * on: CI has no one to ask. */
static int sign_confirm(const ev_token *tok, void *ctx)
{
	const ev_sign_flags *f = ctx;
	char line[16];
	ae_buf q = AE_BUF_INIT(4 * AE_ESC_VALUE_MAX);

	if (f->yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 0;
	(void)ev_sign_consent_render(&q, tok, (int64_t)time(NULL), NULL);
	fwrite(q.data, 1, q.len, stderr);
	ae_buf_dispose(&q);
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
	ae_buf b = AE_BUF_INIT(4 * AE_ESC_VALUE_MAX);

	(void)ctx;
	(void)ev_prompt_render(&b, p, NULL);
	fwrite(b.data, 1, b.len, stderr);
	ae_buf_dispose(&b);
}

void cmd_sign_opts(ev_sign_run_opts *o, tuf_trust *trust,
		   const ev_sign_flags *f)
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
