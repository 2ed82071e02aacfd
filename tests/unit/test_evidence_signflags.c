/* tests/unit/test_evidence_signflags.c -- the signing flags as words
 * (evidence/signer/flags.c) and what a person is shown during a signing
 * run (evidence/signer/prompt.c), reached before only through the
 * `sign`, `emit --sign` and `sigstore sign-bundle` e2e runs
 */
#include "evidence/signer/signer.h"
#include "tests/unit/t.h"
#include "tests/unit/token_fixture.h"

#include <stdio.h>
#include <stdlib.h>

/* Sets the value flag `name` of `f` to `v`, as cmd/ does from argv. */
static void set_flag(ev_sign_flags *f, const char *name, const char *v)
{
	for (size_t i = 0; ev_sign_flag_name(i) != NULL; i++)
		if (strcmp(ev_sign_flag_name(i), name) == 0) {
			*ev_sign_flag_value(f, i) = v;
			return;
		}
	t_fail_at(__FILE__, __LINE__, "no signing flag %s", name);
}

void test_evidence_signflags__each_name_has_its_own_place(void)
{
	ev_sign_flags f;
	size_t n = 0;

	memset(&f, 0, sizeof(f));
	while (ev_sign_flag_name(n) != NULL)
		n++;
	T_ASSERT_INT(n, EV_SIGN_NFLAGS);
	T_ASSERT(ev_sign_flag_value(&f, n) == NULL);
	set_flag(&f, "--identity-token", "t");
	set_flag(&f, "--fulcio-url", "f");
	set_flag(&f, "--rekor-version", "2");
	set_flag(&f, "--trusted-root", "tr");
	set_flag(&f, "--identity-token-file", "tf");
	set_flag(&f, "--oidc-client-secret-file", "sf");
	set_flag(&f, "--oidc-timeout", "5m");
	set_flag(&f, "--timeout", "90s");
	T_ASSERT_STR(f.run.token.token, "t");
	T_ASSERT_STR(f.run.fulcio_url, "f");
	T_ASSERT_STR(f.run.rekor_version, "2");
	T_ASSERT_STR(f.run.trusted_root_path, "tr");
	T_ASSERT_STR(f.run.token.token_file, "tf");
	T_ASSERT_STR(f.run.token.client_secret_file, "sf");
	T_ASSERT_STR(f.oidc_timeout, "5m");
	T_ASSERT_STR(f.timeout, "90s");
	T_ASSERT(f.oidc_secret == NULL && f.run.rekor_url == NULL);
	/* every place is a distinct string of the struct */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			T_ASSERT(ev_sign_flag_value(&f, i) !=
				 ev_sign_flag_value(&f, j));
	T_ASSERT(ev_sign_flag_switch(&f, "-y") && f.yes);
	T_ASSERT(ev_sign_flag_switch(&f, "--oidc-device") &&
		 f.run.token.device);
	T_ASSERT(!ev_sign_flag_switch(&f, "--yes=1"));
	T_ASSERT(!ev_sign_flag_switch(&f, "--identity-token"));
}

void test_evidence_signflags__the_durations_and_their_defaults(void)
{
	ev_sign_flags f;
	ae_err err = {0};

	memset(&f, 0, sizeof(f));
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), 0);
	T_ASSERT_INT(f.run.token.timeout_s, EV_SIGN_TIMEOUT_DEFAULT_S);
	T_ASSERT_INT(f.run.token.login_timeout_s, 300);
	f.timeout = "90500ms"; /* rounded up */
	f.oidc_timeout = "2m";
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), 0);
	T_ASSERT_INT(f.run.token.timeout_s, 91);
	T_ASSERT_INT(f.run.token.login_timeout_s, 120);
	f.timeout = "0";
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), 0);
	T_ASSERT_INT(f.run.token.timeout_s, 0);
	f.timeout = "24h";
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), 0);
	f.timeout = "86400001ms"; /* a day and a millisecond */
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--timeout wants a duration such as 90s or 5m, "
			      "at most 86400 s (0: none)");
	f.timeout = "25h";
	T_ASSERT_INT(ev_sign_flags_check(&f, NULL), AE_EINVAL);
	f.timeout = "3 m";
	T_ASSERT_INT(ev_sign_flags_check(&f, NULL), AE_EINVAL);
	f.timeout = NULL;
	f.oidc_timeout = "0";
	ae_err_clear(&err);
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--oidc-timeout wants a duration such as 90s or "
			      "5m, more than 0, at most 3600 s");
	f.oidc_timeout = "61m";
	T_ASSERT_INT(ev_sign_flags_check(&f, NULL), AE_EINVAL);
	f.oidc_timeout = "3600s";
	T_ASSERT_INT(ev_sign_flags_check(&f, NULL), 0);
	T_ASSERT_INT(f.run.token.login_timeout_s, 3600);
}

void test_evidence_signflags__a_secret_on_argv_is_refused_first(void)
{
	ev_sign_flags f;
	ae_err err = {0};

	memset(&f, 0, sizeof(f));
	/* also before the token's own rules and a bad duration */
	f.oidc_secret = "";
	f.run.token.token = "t";
	f.run.token.token_file = "tf";
	f.timeout = "forever";
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--oidc-client-secret is never taken on the "
			      "command line (every user can read it there): "
			      "use --oidc-client-secret-file F or "
			      "SIGSTORE_OIDC_CLIENT_SECRET");
	f.oidc_secret = NULL;
	ae_err_clear(&err);
	T_ASSERT_INT(ev_sign_flags_check(&f, &err), AE_EINVAL);
	T_ASSERT_STR(err.msg, "--identity-token and --identity-token-file "
			      "exclude each other");
}

void test_evidence_signflags__prompts_escape_what_a_server_sent(void)
{
	ae_buf b = AE_BUF_INIT(1u << 16);
	ev_prompt p = {.kind = EV_PROMPT_BROWSER_URL,
		       .issuer = "https://idp.test",
		       .url = "https://idp.test/a?x=1\x1b[2J\n::error::"};

	T_ASSERT_INT(ev_prompt_render(&b, &p, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "aicr-evidence: to sign, log in at https://idp.test in "
		     "your browser:\n\n    https://idp.test/a?x=1\\x1b[2J\\x0a"
		     "::error::\n\n");
	b.len = 0;
	p = (ev_prompt){.kind = EV_PROMPT_BROWSER_WAIT, .wait_s = 300};
	T_ASSERT_INT(ev_prompt_render(&b, &p, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "aicr-evidence: open the URL above yourself; waiting up "
		     "to 5 minutes for the login (no browser here? use "
		     "--oidc-device)\n");
	b.len = 0;
	p = (ev_prompt){.kind = EV_PROMPT_DEVICE_CODE,
			.url = "https://idp.test/device",
			.code = "AB\rCD",
			.url_complete = "https://idp.test/device?c=AB",
			.wait_s = 600};
	T_ASSERT_INT(ev_prompt_render(&b, &p, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "aicr-evidence: to sign, open https://idp.test/device on "
		     "any device and enter the code\n\n    AB\\x0dCD\n\n"
		     "aicr-evidence: (or open https://idp.test/device?c=AB)\n"
		     "aicr-evidence: the code is valid for 10 minutes; "
		     "waiting\n");
	ae_buf_dispose(&b);
}

void test_evidence_signflags__the_question_names_the_identity_escaped(void)
{
	char *jwt = t_jwt_of("{\"iss\":\"https://issuer.test\",\"sub\":\"s\","
			   "\"email\":\"r\\u00e9n\\u202ee@b.test\","
			   "\"exp\":1900000600}");
	ev_token *tok = NULL;
	ae_buf b = AE_BUF_INIT(1u << 16);

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
	T_ASSERT_INT(ev_sign_consent_render(&b, tok, 1900000000, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "The identity 'r\\xc3\\xa9n\\xe2\\x80\\xaee@b.test' (issuer "
		     "https://issuer.test) will be written to the public "
		     "Sigstore\ntransparency log: it becomes public in Rekor "
		     "and in the evidence pointer\n(signer.identity, in the "
		     "ledger's git history once committed), and cannot\nbe "
		     "removed. (The token is valid for 10 minutes more.) "
		     "Continue? [y/N] ");
	ae_buf_dispose(&b);
	ev_token_free(tok);
	free(jwt);
}

void test_evidence_signflags__the_signed_line(void)
{
	ev_sign_result r = {.identity = "ci@x.test\n",
			    .issuer = "https://iss.test",
			    .log_index = 42,
			    .rekor_version = 2,
			    .has_timestamp = true};
	ae_buf b = AE_BUF_INIT(1u << 16);

	T_ASSERT_INT(ev_sign_result_render(&b, &r, NULL), 0);
	r.has_timestamp = false;
	T_ASSERT_INT(ev_sign_result_render(&b, &r, NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((char *)b.data,
		     "aicr-evidence: signed as ci@x.test\\x0a (issuer "
		     "https://iss.test), rekor v2 log index 42, timestamped\n"
		     "aicr-evidence: signed as ci@x.test\\x0a (issuer "
		     "https://iss.test), rekor v2 log index 42\n");
	ae_buf_dispose(&b);
}
