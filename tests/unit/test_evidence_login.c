/* tests/unit/test_evidence_login.c -- the login's readers and the token
 * checks of issue 21 (evidence/signer/login_parse.c, evidence/signer/oidc.c)
 *
 * The flows themselves run against a real provider in
 * tests/e2e/test_login.sh; here each reader's rules, one case each.
 */
#include "evidence/signer/internal.h"
#include "evidence/signer/login.h"
#include "tests/unit/t.h"
#include "tests/unit/token_fixture.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#define ISS "https://issuer.example.test"

static const char *const good_doc =
	"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
	"/auth\",\"token_endpoint\":\"" ISS "/token\","
	"\"code_challenge_methods_supported\":[\"S256\"],"
	"\"authorization_response_iss_parameter_supported\":true}";

static int redirect(ev_login_redirect *r, const char *req, ae_err *err)
{
	return ev_login_redirect_parse(r, "/auth/callback",
				       (const unsigned char *)req, strlen(req),
				       err);
}

/* The check of `claims` with `x`: its code, the message in `err`. */
static int check(const char *claims, const ev_token_expect *x, ae_err *err)
{
	char *jwt = t_jwt_of(claims);
	ev_token *tok = NULL;
	int rc;

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
	rc = ev_token_check(tok, x, err);
	ev_token_free(tok);
	free(jwt);
	return rc;
}

void test_evidence_login__a_redirect_yields_its_decoded_parameters(void)
{
	ev_login_redirect r;
	ae_err err = {0};

	T_ASSERT_INT(
		redirect(&r,
			 "GET /auth/callback?code=a%2Bb+c&state=s1&iss="
			 "https%3A%2F%2Fi.test&session_state=x HTTP/1.1\r\n"
			 "Host: 127.0.0.1:1\r\n\r\n",
			 &err),
		0);
	T_ASSERT(r.on_path);
	T_ASSERT_STR(r.code, "a+b c");
	T_ASSERT_STR(r.state, "s1");
	T_ASSERT_STR(r.iss, "https://i.test");
	T_ASSERT(r.error == NULL);
	ev_login_redirect_dispose(&r);
}

void test_evidence_login__a_request_for_another_path_is_not_the_redirect(void)
{
	ev_login_redirect r;

	T_ASSERT_INT(redirect(&r,
			      "GET /auth/callbackx?code=c&state=s HTTP/1.1\r\n"
			      "\r\n",
			      NULL),
		     0);
	T_ASSERT(!r.on_path && r.code == NULL && r.state == NULL);
	ev_login_redirect_dispose(&r);
	T_ASSERT_INT(redirect(&r, "GET /favicon.ico HTTP/1.1\r\n\r\n", NULL),
		     0);
	T_ASSERT(!r.on_path);
	ev_login_redirect_dispose(&r);
}

void test_evidence_login__a_parameter_named_twice_is_refused(void)
{
	ev_login_redirect r;
	ae_err err = {0};

	T_ASSERT_INT(redirect(&r,
			      "GET /auth/callback?code=a&state=s&code=b "
			      "HTTP/1.1\r\n\r\n",
			      &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "names 'code' twice");
	T_ASSERT(r.on_path && r.code == NULL && r.state == NULL);
	ev_login_redirect_dispose(&r);
}

void test_evidence_login__control_bytes_and_bad_escapes_are_refused(void)
{
	static const char *const bad[] = {
		"GET /auth/callback?code=a%0Ab&state=s HTTP/1.1\r\n\r\n",
		"GET /auth/callback?code=a%00&state=s HTTP/1.1\r\n\r\n",
		"GET /auth/callback?code=a%zz&state=s HTTP/1.1\r\n\r\n",
		"GET /auth/callback?code=a%2&state=s HTTP/1.1\r\n\r\n",
		"GET /auth/callback?state=%C3%A9 HTTP/1.1\r\n\r\n",
	};
	ev_login_redirect r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_ASSERT_INT(redirect(&r, bad[i], NULL), AE_EINVAL);
		T_ASSERT(r.code == NULL && r.state == NULL);
		ev_login_redirect_dispose(&r);
	}
}

void test_evidence_login__only_a_get_request_line_is_read(void)
{
	ev_login_redirect r;

	T_ASSERT_INT(redirect(&r, "POST /auth/callback HTTP/1.1\r\n\r\n", NULL),
		     AE_EINVAL);
	T_ASSERT(!r.on_path);
	ev_login_redirect_dispose(&r);
	T_ASSERT_INT(redirect(&r, "GET /auth/callback?code=a\r\n\r\n", NULL),
		     AE_EINVAL);
	ev_login_redirect_dispose(&r);
}

void test_evidence_login__a_redirect_request_past_its_cap_is_too_big(void)
{
	size_t n = EV_LOGIN_REQUEST_MAX_BYTES + 1;
	char *req = malloc(n + 1);
	ev_login_redirect r;

	T_ASSERT(req != NULL);
	memset(req, 'a', n);
	memcpy(req, "GET /x?", 7);
	memcpy(req + n - 15, " HTTP/1.1\r\n\r\n", 14);
	req[n] = '\0';
	T_ASSERT_INT(ev_login_redirect_parse(&r, "/x", (unsigned char *)req, n,
					     NULL),
		     AE_ETOOBIG);
	ev_login_redirect_dispose(&r);
	T_ASSERT_INT(ev_login_redirect_parse(&r, "/x", (unsigned char *)req,
					     n - 1, NULL),
		     0);
	ev_login_redirect_dispose(&r);
	free(req);
}

void test_evidence_login__a_discovery_document_must_name_the_issuer_asked(void)
{
	ev_oidc_provider p;
	ae_err err = {0};
	const char *other = "{\"issuer\":\"https://evil.test\","
			    "\"authorization_endpoint\":\"https://e.test/a\","
			    "\"token_endpoint\":\"https://e.test/t\"}";

	T_ASSERT_INT(ev_oidc_provider_parse(&p, ISS,
					    (const unsigned char *)good_doc,
					    strlen(good_doc), &err),
		     0);
	T_ASSERT_STR(p.token_endpoint, ISS "/token");
	T_ASSERT(p.iss_in_response && p.device_authorization_endpoint == NULL);
	ev_oidc_provider_dispose(&p);
	T_ASSERT_INT(ev_oidc_provider_parse(&p, ISS,
					    (const unsigned char *)other,
					    strlen(other), &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "not the one asked for");
	T_ASSERT(p.issuer == NULL);
	ev_oidc_provider_dispose(&p);
}

void test_evidence_login__a_provider_without_s256_or_with_bad_endpoints_is_refused(
	void)
{
	static const char *const bad[] = {
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a\",\"token_endpoint\":\"" ISS
		"/t\",\"code_challenge_methods_supported\":[\"plain\"]}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"http://"
		"e.test/a\",\"token_endpoint\":\"" ISS "/t\"}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a#f\",\"token_endpoint\":\"" ISS "/t\"}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a\",\"token_endpoint\":\"https://u:p@e.test/t\"}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a\"}",
		"[]",
	};
	ev_oidc_provider p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_ASSERT_INT(ev_oidc_provider_parse(
				     &p, ISS, (const unsigned char *)bad[i],
				     strlen(bad[i]), NULL),
			     AE_EINVAL);
		T_ASSERT(p.issuer == NULL && p.token_endpoint == NULL);
		ev_oidc_provider_dispose(&p);
	}
}

void test_evidence_login__token_answers_give_the_id_token_or_the_error(void)
{
	const char *ok = "{\"id_token\":\"h.p.s\",\"access_token\":\"a\"}";
	const char *no = "{\"access_token\":\"a\"}";
	const char *er = "{\"error\":\"invalid_grant\",\"error_description\":"
			 "\"used\"}";
	ev_oidc_answer a;
	ae_err err = {0};

	T_ASSERT_INT(ev_oidc_answer_parse(&a, 200, (const unsigned char *)ok,
					  strlen(ok), NULL),
		     0);
	T_ASSERT_STR(a.id_token, "h.p.s");
	ev_oidc_answer_dispose(&a);
	T_ASSERT_INT(ev_oidc_answer_parse(&a, 200, (const unsigned char *)no,
					  strlen(no), &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "has no 'id_token'");
	ev_oidc_answer_dispose(&a);
	T_ASSERT_INT(ev_oidc_answer_parse(&a, 400, (const unsigned char *)er,
					  strlen(er), NULL),
		     0);
	T_ASSERT_STR(a.error, "invalid_grant");
	T_ASSERT_STR(a.error_description, "used");
	ev_oidc_answer_dispose(&a);
	T_ASSERT_INT(ev_oidc_answer_parse(&a, 302, (const unsigned char *)ok,
					  strlen(ok), NULL),
		     AE_EINVAL);
	ev_oidc_answer_dispose(&a);
}

void test_evidence_login__device_grants_hold_their_limits(void)
{
	const char *ok = "{\"device_code\":\"d\",\"user_code\":\"AB-CD\","
			 "\"verification_uri\":\"https://i.test/device\","
			 "\"expires_in\":600}";
	const char *slow = "{\"device_code\":\"d\",\"user_code\":\"AB\","
			   "\"verification_uri\":\"https://i.test/d\","
			   "\"expires_in\":600,\"interval\":61}";
	const char *js = "{\"device_code\":\"d\",\"user_code\":\"AB\","
			 "\"verification_uri\":\"javascript:x\","
			 "\"expires_in\":600}";
	ev_device_grant g;

	T_ASSERT_INT(ev_device_grant_parse(&g, (const unsigned char *)ok,
					   strlen(ok), NULL),
		     0);
	T_ASSERT_INT(g.interval, EV_DEVICE_INTERVAL_DEFAULT_S);
	T_ASSERT_INT(g.expires_in, 600);
	ev_device_grant_dispose(&g);
	T_ASSERT_INT(ev_device_grant_parse(&g, (const unsigned char *)slow,
					   strlen(slow), NULL),
		     AE_EINVAL);
	ev_device_grant_dispose(&g);
	T_ASSERT_INT(ev_device_grant_parse(&g, (const unsigned char *)js,
					   strlen(js), NULL),
		     AE_EINVAL);
	T_ASSERT(g.device_code == NULL);
	ev_device_grant_dispose(&g);
}

void test_evidence_login__a_token_from_another_issuer_or_audience_is_refused(
	void)
{
	ev_token_expect x = {0};
	ae_err err = {0};
	const char *c = "{\"iss\":\"https://a.test\",\"aud\":[\"x\",\"cli\"],"
			"\"sub\":\"s\",\"exp\":2000}";

	x.now = 1000;
	T_ASSERT_INT(check(c, &x, &err), AE_EAUTH); /* aud lacks sigstore */
	T_ASSERT_MSG(err, "audience does not include 'sigstore'");
	ae_err_clear(&err);
	x.audience = "cli";
	T_ASSERT_INT(check(c, &x, &err), 0);
	x.issuer = "https://b.test";
	T_ASSERT_INT(check(c, &x, &err), AE_EAUTH);
	T_ASSERT_MSG(err,
		     "is from issuer \"https://a.test\", not the requested");
}

void test_evidence_login__the_nonce_must_be_the_one_sent(void)
{
	ev_token_expect x = {0};
	ae_err err = {0};

	x.now = 1000;
	x.nonce = "n-1";
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
			   "\"nonce\":\"n-1\"}",
			   &x, NULL),
		     0);
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
			   "\"nonce\":\"n-2\"}",
			   &x, &err),
		     AE_EAUTH);
	T_ASSERT_MSG(err, "nonce is not the one this login sent");
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000}",
			   &x, NULL),
		     AE_EAUTH);
}

void test_evidence_login__an_unverified_email_identity_is_refused(void)
{
	ev_token_expect x = {0};
	ae_err err = {0};
	const char *absent = "{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
			     "\"email\":\"a@b.test\"}";

	x.now = 1000;
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
			   "\"email\":\"a@b.test\",\"email_verified\":false}",
			   &x, &err),
		     AE_EAUTH);
	T_ASSERT_MSG(err, "email_verified is false");
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
			   "\"email\":\"a@b.test\",\"email_verified\":1}",
			   &x, NULL),
		     AE_EAUTH);
	T_ASSERT_INT(check(absent, &x, NULL), 0); /* lenient: absent */
	x.email_verified = true;		  /* a login's own token */
	T_ASSERT_INT(check(absent, &x, NULL), AE_EAUTH);
	T_ASSERT_INT(
		check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000,"
		      "\"email\":\"a@b.test\",\"email_verified\":\"true\"}",
		      &x, NULL),
		0);
	x.email_verified = false; /* e-mail issuers always need it */
	T_ASSERT_INT(check("{\"iss\":\"https://accounts.google.com\",\"aud\":"
			   "\"sigstore\",\"exp\":2000,\"email\":\"a@b.test\"}",
			   &x, NULL),
		     AE_EAUTH);
}

void test_evidence_login__expiry_is_told_in_human_units(void)
{
	char b[64];
	ev_token_expect x = {0};
	ae_err err = {0};

	ev_duration_human(b, sizeof(b), 1);
	T_ASSERT_STR(b, "1 second");
	ev_duration_human(b, sizeof(b), 119);
	T_ASSERT_STR(b, "119 seconds");
	ev_duration_human(b, sizeof(b), 120);
	T_ASSERT_STR(b, "2 minutes");
	ev_duration_human(b, sizeof(b), 3 * 3600 + 5);
	T_ASSERT_STR(b, "3 hours");
	ev_duration_human(b, sizeof(b), 9 * 86400);
	T_ASSERT_STR(b, "9 days");
	x.now = 2000 + 7200;
	T_ASSERT_INT(check("{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":2000}",
			   &x, &err),
		     AE_EAUTH);
	T_ASSERT_MSG(err, "expired 2 hours ago");
}

void test_evidence_login__form_values_are_percent_encoded(void)
{
	ae_buf b = AE_BUF_INIT(1024);

	T_ASSERT_INT(ev__login_form_add(&b, "redirect_uri",
					"http://127.0.0.1:8/a b", NULL),
		     0);
	T_ASSERT_INT(ev__login_form_add(&b, "scope", "openid email", NULL), 0);
	T_ASSERT_INT(ae_buf_put(&b, "", 1, NULL), 0);
	T_ASSERT_STR((const char *)b.data,
		     "redirect_uri=http%3A%2F%2F127.0.0.1%3A8%2Fa%20b&scope="
		     "openid%20email");
	ae_buf_dispose(&b);
}

void test_evidence_login__a_redirect_url_off_loopback_is_refused_before_any_request(
	void)
{
	static const char *const bad[] = {
		"http://0.0.0.0:1/cb",	       "https://127.0.0.1:1/cb",
		"http://127.0.0.2:1/",	       "http://[::1]:1/",
		"http://127.0.0.1:1/a?b",      "http://127.0.0.1:99999/",
		"http://localhost.evil.test/",
	};
	ev_login_opts o = EV_LOGIN_OPTS_INIT;
	ev_login *l = NULL;
	ae_err err = {0};

	/* an issuer nobody answers at: the refusal must come first */
	o.issuer = "http://127.0.0.1:1";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ae_err_clear(&err);
		o.redirect_url = bad[i];
		T_ASSERT_INT(ev_login_begin(&l, &o, &err), AE_EINVAL);
		T_ASSERT(l == NULL);
		T_ASSERT_MSG(err, "--oidc-redirect-url");
	}
}

void test_evidence_login__an_https_issuer_never_sends_secrets_over_plain_http(
	void)
{
	static const char *const down[] = {
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a\",\"token_endpoint\":\"http://127.0.0.1:9/t\"}",
		"{\"issuer\":\"" ISS "\",\"authorization_endpoint\":\"" ISS
		"/a\",\"token_endpoint\":\"" ISS "/t\","
		"\"device_authorization_endpoint\":\"http://localhost/d\"}",
	};
	const char *plain = "{\"issuer\":\"http://127.0.0.1:8\","
			    "\"authorization_endpoint\":\"http://127.0.0.1:8/a"
			    "\",\"token_endpoint\":\"http://127.0.0.1:8/t\"}";
	ev_oidc_provider p;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(down) / sizeof(down[0]); i++) {
		ae_err_clear(&err);
		T_ASSERT_INT(ev_oidc_provider_parse(
				     &p, ISS, (const unsigned char *)down[i],
				     strlen(down[i]), &err),
			     AE_EINVAL);
		T_ASSERT_MSG(err, "plain http");
		T_ASSERT(p.token_endpoint == NULL);
		ev_oidc_provider_dispose(&p);
	}
	/* a loopback test issuer over plain http keeps its endpoints */
	T_ASSERT_INT(ev_oidc_provider_parse(&p, "http://127.0.0.1:8",
					    (const unsigned char *)plain,
					    strlen(plain), NULL),
		     0);
	ev_oidc_provider_dispose(&p);
}

/* ---- the browser's environment (login_browser.c) ---- */

void test_evidence_login__browser_env_has_no_token_variable(void)
{
	char *envp[] = {
		"PATH=/usr/bin",
		"DISPLAY=:0",
		"XDG_ACTIVATION_TOKEN=kept-for-the-desktop",
		"SIGSTORE_ID_TOKEN=x",
		"ACTIONS_ID_TOKEN_REQUEST_URL=http://x/?t=1",
		"CI_JOB_JWT_V2=x",
		"MY_GITLAB_ID_TOKEN=opaque",
		"deploy_jwt=opaque",
		"SIGSTORE_OIDC_CLIENT_SECRET=s",
		"CUSTOM_NAME=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		"PLAIN=eyJhbGciOiJub25lIn0",
		"HOME=/home/u",
		NULL,
	};
	char **env = ev_login_env_clean(envp);
	size_t n = 0;

	T_ASSERT(env != NULL);
	while (env[n] != NULL)
		n++;
	T_ASSERT_INT(n, 5);
	T_ASSERT_STR(env[0], "PATH=/usr/bin");
	T_ASSERT_STR(env[1], "DISPLAY=:0");
	T_ASSERT_STR(env[2], "XDG_ACTIVATION_TOKEN=kept-for-the-desktop");
	T_ASSERT_STR(env[3], "PLAIN=eyJhbGciOiJub25lIn0");
	T_ASSERT_STR(env[4], "HOME=/home/u");
	free(env);
	T_ASSERT(ev_login_env_is_secret("A=eyJa.b.c"));
	T_ASSERT(!ev_login_env_is_secret("A=eyJa.b c.d"));
	T_ASSERT(!ev_login_env_is_secret("LANG=C.UTF-8"));
}

/* ---- the sources an environment offers (login_env.c) ---- */

void test_evidence_login__sources_come_from_the_environment_given(void)
{
	char agent[4096], path[4200];
	char *envp[] = {
		"SIGSTORE_ID_TOKEN=tok",
		"ACTIONS_ID_TOKEN_REQUEST_URL=https://gha/x",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN=req",
		"GITLAB_CI=true",
		"BUILDKITE=true",
		path,
		"GCE_METADATA_HOST=127.0.0.1:9",
		"SIGSTORE_OIDC_CLIENT_SECRET=s3cret\n",
		NULL,
	};
	ev_token_sources src = EV_TOKEN_SOURCES_INIT;
	ae_buf sec = AE_BUF_INIT(EV_LOGIN_SECRET_MAX_BYTES + 1);
	ae_err err = {0};

	snprintf(path, sizeof(path), "PATH=/nonexistent::%s", t_tmpdir());
	t_write_file(t_path("buildkite-agent"), "#!/bin/sh\n", 10);
	T_ASSERT_INT(chmod(t_path("buildkite-agent"), 0755), 0);
	ev_token_sources_from_env(&src, agent, sizeof(agent), envp);
	T_ASSERT_STR(src.env_token, "tok");
	T_ASSERT_STR(src.gha_url, "https://gha/x");
	T_ASSERT_STR(src.gha_request_token, "req");
	T_ASSERT(src.gitlab);
	T_ASSERT_STR(src.buildkite_agent, t_path("buildkite-agent"));
	T_ASSERT_STR(src.gcp_metadata_host, "127.0.0.1:9");
	T_ASSERT_INT(ev_login_secret_load(&sec, NULL, envp, &err), 0);
	T_ASSERT_STR((const char *)sec.data, "s3cret");
	ae_buf_dispose(&sec);
	/* nothing from an empty environment (no agent found without PATH) */
	{
		char *none[] = {"BUILDKITE=true", "GITLAB_CI=1", NULL};
		ev_token_sources s2 = EV_TOKEN_SOURCES_INIT;

		ev_token_sources_from_env(&s2, agent, sizeof(agent), none);
		T_ASSERT(s2.env_token == NULL && !s2.gitlab &&
			 s2.buildkite_agent == NULL);
	}
	T_ASSERT_INT(ev_login_secret_load(&sec, NULL, NULL, &err), 0);
	T_ASSERT_INT(sec.len, 0);
	ae_buf_dispose(&sec);
}
