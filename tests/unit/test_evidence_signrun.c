/* tests/unit/test_evidence_signrun.c -- one signing run's order
 * (evidence/signer/token_get.c, run.c: ev_token_get, ev_sign_run)
 *
 * What only the e2e tests of `sign`, `emit --sign` and `sigstore
 * sign-bundle` reached before the run moved out of cmd/: where the token
 * comes from, and that every refusal that needs no service (the token's
 * own checks, the caller's signer check, a declined consent, a bad Rekor
 * version) comes before the first request. No service is reachable here:
 * the URLs point at a closed port, so a run that got past its checks
 * would fail transient instead.
 */
#include "evidence/signer/internal.h"
#include "tests/unit/t.h"
#include "tests/unit/token_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ISS "https://issuer.example.test"

/* A token for `sub` at ISS expiring `exp_in` seconds from now. */
static char *token_for(const char *sub, long exp_in)
{
	char claims[512];

	snprintf(claims, sizeof(claims),
		 "{\"iss\":\"" ISS "\",\"aud\":\"sigstore\",\"sub\":\"%s\","
		 "\"exp\":%lld}",
		 sub, (long long)time(NULL) + exp_in);
	return t_jwt_of(claims);
}

typedef struct seen {
	int signer_calls, confirm_calls, prompts;
	char identity[128];
	bool refuse, decline;
} seen;

static int signer_ok(const char *identity, const char *issuer, void *ctx,
		     ae_err *err)
{
	seen *s = ctx;

	s->signer_calls++;
	snprintf(s->identity, sizeof(s->identity), "%s", identity);
	T_ASSERT(strcmp(issuer, ISS) == 0);
	return s->refuse ? ae_fail(err, AE_EINVAL, "not this signer") : 0;
}

static int confirm(const ev_token *tok, void *ctx)
{
	seen *s = ctx;

	(void)tok;
	s->confirm_calls++;
	return s->decline ? -1 : 0;
}

static void prompt(void *ctx, const ev_prompt *p)
{
	(void)p;
	((seen *)ctx)->prompts++;
}

/* A run over a closed port: every request would fail. */
static void run_opts(ev_sign_run_opts *o, seen *s, char *const *envp)
{
	static const unsigned char stmt[] = "{}";

	memset(o, 0, sizeof(*o));
	o->token.envp = envp;
	o->token.timeout_s = 5;
	o->token.on_prompt = prompt;
	o->token.ctx = s;
	o->fulcio_url = "http://127.0.0.1:9/fulcio";
	o->rekor_url = "http://127.0.0.1:9/rekor";
	o->payload_type = "application/vnd.in-toto+json";
	o->payload = stmt;
	o->payload_len = 2;
	o->signer_ok = signer_ok;
	o->confirm = confirm;
	o->ctx = s;
}

void test_evidence_signrun__contradicting_token_options_are_refused(void)
{
	ev_token_get_opts o = {0};
	ae_err err = {0};

	o.provider = "gitlab";
	o.client_id = "sigstore";
	T_ASSERT_INT(ev_token_opts_check(&o, &err), 0);
	o.provider = "Gitlab";
	T_ASSERT_INT(ev_token_opts_check(&o, &err), AE_EINVAL);
	T_ASSERT(strstr(err.msg, "--oidc-provider wants") != NULL);
	ae_err_clear(&err);
	o.provider = "browser";
	o.device = true;
	T_ASSERT_INT(ev_token_opts_check(&o, &err), AE_EINVAL);
	T_ASSERT(strstr(err.msg, "exclude each other") != NULL);
	o.provider = "device";
	T_ASSERT_INT(ev_token_opts_check(&o, NULL), 0);
	o.client_id = "a b";
	T_ASSERT_INT(ev_token_opts_check(&o, NULL), AE_EINVAL);
	o.client_id = "";
	T_ASSERT_INT(ev_token_opts_check(&o, NULL), AE_EINVAL);
	o.client_id = NULL;
	o.token = "t";
	o.token_file = "f";
	T_ASSERT_INT(ev_token_opts_check(&o, NULL), AE_EINVAL);
}

void test_evidence_signrun__the_environment_given_is_the_token_source(void)
{
	char *jwt = token_for("ci-job", 600), env[4096];
	char *envp[] = {env, NULL};
	ev_token_get_opts o = {0};
	ev_token *tok = NULL;
	int64_t deadline = 0;
	ae_err err = {0};

	snprintf(env, sizeof(env), "SIGSTORE_ID_TOKEN=%s", jwt);
	o.envp = envp;
	o.timeout_s = 30;
	T_ASSERT_INT(ev_token_get(&tok, &deadline, &o, &err), 0);
	T_ASSERT(strcmp(ev_token_identity_hint(tok), "ci-job") == 0);
	T_ASSERT(deadline > 0);
	ev_token_free(tok);
	/* no source, nobody at a terminal: not found, no login tried */
	envp[0] = NULL;
	T_ASSERT_INT(ev_token_get(&tok, &deadline, &o, &err), AE_ENOTFOUND);
	T_ASSERT(tok == NULL);
	free(jwt);
}

void test_evidence_signrun__an_expired_token_ends_the_run_before_any_check(
	void)
{
	char *jwt = token_for("late", -120);
	ev_sign_run_opts o;
	ev_sign_result *res = NULL;
	seen s = {0};
	ae_err err = {0};

	run_opts(&o, &s, NULL);
	o.token.token = jwt;
	T_ASSERT_INT(ev_sign_run(&res, &o, &err), AE_EAUTH);
	T_ASSERT(strstr(err.msg, "expired") != NULL);
	T_ASSERT(res == NULL);
	T_ASSERT_INT(s.signer_calls, 0);
	T_ASSERT_INT(s.confirm_calls, 0);
	free(jwt);
}

void test_evidence_signrun__the_signer_check_and_consent_come_before_requests(
	void)
{
	char *jwt = token_for("person@example.test", 600);
	ev_sign_run_opts o;
	ev_sign_result *res = NULL;
	seen s = {0};
	ae_err err = {0};

	run_opts(&o, &s, NULL);
	o.token.token = jwt;
	s.refuse = true;
	T_ASSERT_INT(ev_sign_run(&res, &o, &err), AE_EINVAL);
	T_ASSERT(strcmp(err.msg, "not this signer") == 0);
	T_ASSERT(strcmp(s.identity, "person@example.test") == 0);
	T_ASSERT_INT(s.confirm_calls, 0);
	s.refuse = false;
	s.decline = true;
	ae_err_clear(&err);
	T_ASSERT_INT(ev_sign_run(&res, &o, &err), AE_EAUTH);
	T_ASSERT(strcmp(err.msg, "signing declined") == 0);
	T_ASSERT_INT(s.confirm_calls, 1);
	s.decline = false;
	o.rekor_version = "3";
	ae_err_clear(&err);
	T_ASSERT_INT(ev_sign_run(&res, &o, &err), AE_EINVAL);
	T_ASSERT(strstr(err.msg, "--rekor-version") != NULL);
	T_ASSERT(res == NULL);
	T_ASSERT_INT(s.prompts, 0); /* an explicit token: no login shown */
	free(jwt);
}
