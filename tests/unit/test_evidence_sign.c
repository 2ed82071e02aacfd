/* tests/unit/test_evidence_sign.c -- the offline parts of keyless signing:
 * token claims and sources, SigningConfig selection, the Merkle check, URL
 * policy (the network parts run against the local stack in
 * tests/e2e/test_sign.sh)
 */
#include "evidence/signer/internal.h"
#include "tests/unit/t.h"
#include "tests/unit/token_fixture.h"

#include <stdio.h>
#include <stdlib.h>

void test_evidence_sign__a_token_yields_its_claims(void)
{
	char *jwt = t_jwt_of("{\"iss\":\"https://issuer.test\",\"sub\":\"s-1\","
			   "\"email\":\"a@b.test\",\"exp\":1900000000}");
	ev_token *tok = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), &err), 0);
	T_ASSERT_STR(ev_token_issuer(tok), "https://issuer.test");
	T_ASSERT_STR(ev_token_subject(tok), "s-1");
	T_ASSERT_STR(ev_token_email(tok), "a@b.test");
	T_ASSERT_STR(ev_token_identity_hint(tok), "a@b.test");
	T_ASSERT_INT(ev_token_expiry(tok), 1900000000);
	T_ASSERT_STR(ev__token_pop_subject(tok), "s-1");
	ev_token_free(tok);
	free(jwt);
}

void test_evidence_sign__a_github_token_hints_the_workflow_uri(void)
{
	char *jwt = t_jwt_of(
		"{\"iss\":\"https://token.actions.githubusercontent.com\","
		"\"sub\":\"repo:o/r:ref:refs/heads/main\","
		"\"job_workflow_ref\":\"o/r/.github/workflows/w.yml@refs/"
		"heads/main\"}");
	ev_token *tok = NULL;

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
	T_ASSERT_STR(ev_token_identity_hint(tok),
		     "https://github.com/o/r/.github/workflows/"
		     "w.yml@refs/heads/main");
	ev_token_free(tok);
	free(jwt);
}

void test_evidence_sign__google_tokens_prove_possession_over_the_email(void)
{
	char *jwt = t_jwt_of("{\"iss\":\"https://accounts.google.com\","
			   "\"sub\":\"1234\",\"email\":\"g@x.test\"}");
	ev_token *tok = NULL;

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
	T_ASSERT_STR(ev__token_pop_subject(tok), "g@x.test");
	ev_token_free(tok);
	free(jwt);
}

void test_evidence_sign__a_token_without_issuer_is_refused(void)
{
	char *jwt = t_jwt_of("{\"sub\":\"s\"}");
	ev_token *tok = (ev_token *)1;
	ae_err err = {0};

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), &err), AE_EINVAL);
	T_ASSERT(tok == NULL);
	T_ASSERT_MSG(err, "no 'iss' claim");
	free(jwt);
}

void test_evidence_sign__malformed_tokens_are_refused_without_echo(void)
{
	const char *bad[] = {"", "abc", "a.b", "a.b.c.d", "x.+++.y",
			     "eyJhbGciOiJub25lIn0.bm90IGpzb24.", "a.e30.b",
			     "a.e30\".b", "a.e30 .b"};
	ae_err err = {0};
	ev_token *tok = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ae_err_clear(&err);
		T_ASSERT_INT(ev_token_parse(&tok, bad[i], strlen(bad[i]), &err),
			     AE_EINVAL);
		T_ASSERT(tok == NULL);
		T_ASSERT(strstr(err.msg, "bm90") == NULL);
	}
}

void test_evidence_sign__a_token_at_the_cap_is_read_and_past_it_refused(void)
{
	char *claims = malloc(EV_TOKEN_MAX_BYTES);
	char *jwt, *big;
	size_t n;
	ev_token *tok = NULL;
	ae_err err = {0};

	/* Grow a claim until the token is exactly EV_TOKEN_MAX_BYTES long. */
	T_ASSERT(claims != NULL);
	n = EV_TOKEN_MAX_BYTES * 3 / 4 - 200;
	for (;;) {
		snprintf(claims, EV_TOKEN_MAX_BYTES, "{\"iss\":\"i\",\"x\":\"%0*d\"}",
			 (int)n, 0);
		jwt = t_jwt_of(claims);
		if (strlen(jwt) >= EV_TOKEN_MAX_BYTES)
			break;
		free(jwt);
		n++;
	}
	T_ASSERT(strlen(jwt) <= EV_TOKEN_MAX_BYTES + 2);
	jwt[EV_TOKEN_MAX_BYTES - 1] = '.'; /* trim the signature part */
	jwt[EV_TOKEN_MAX_BYTES] = '\0';
	big = jwt;
	T_ASSERT(ev_token_parse(&tok, big, EV_TOKEN_MAX_BYTES, &err) !=
		 AE_ETOOBIG);
	ev_token_free(tok);
	tok = NULL;
	ae_err_clear(&err);
	T_ASSERT_INT(ev_token_parse(&tok, big, EV_TOKEN_MAX_BYTES + 1, &err),
		     AE_ETOOBIG);
	T_ASSERT(tok == NULL);
	free(jwt);
	free(claims);
}

void test_evidence_sign__an_expired_token_is_refused(void)
{
	char *jwt = t_jwt_of("{\"iss\":\"i\",\"aud\":\"sigstore\",\"sub\":\"s\","
			   "\"exp\":1000}");
	ev_token *tok = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
	T_ASSERT_INT(ev_token_check_fresh(tok, 999, &err), 0);
	T_ASSERT_INT(ev_token_check_fresh(tok, 1000, &err), AE_EAUTH);
	T_ASSERT_MSG(err, "expired 0 seconds ago");
	ev_token_free(tok);
	free(jwt);
}

/* Each of the N claim sets, as an unsigned token, is refused by
 * ev_token_parse: AE_EINVAL, no token, a message holding NEEDLE. */
static void tokens_refused(const char *const *claims, size_t n,
			   const char *needle)
{
	ev_token *tok = NULL;
	ae_err err = {0};

	for (size_t i = 0; i < n; i++) {
		char *jwt = t_jwt_of(claims[i]);

		ae_err_clear(&err);
		if (ev_token_parse(&tok, jwt, strlen(jwt), &err) != AE_EINVAL ||
		    tok != NULL || strstr(err.msg, needle) == NULL)
			t_fail_at(__FILE__, __LINE__,
				  "%s: not refused naming \"%s\" (%s)", claims[i],
				  needle, err.msg);
		free(jwt);
	}
}

/* Issue 25 item 9: exp is an integer NumericDate in range, parsed without
 * a float-to-int cast; a token without exp, with exp 0 or a real, or
 * minted for another audience is never sent. */
void test_evidence_sign__token_exp_must_be_an_integer_time_in_range(void)
{
	const char *bad[] = {
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":1e300}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":-1e300}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":1900000000.5}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":\"1900000000\"}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":0}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":-5}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":253402300800}",
		"{\"iss\":\"i\",\"aud\":\"sigstore\",\"exp\":9223372036854775807}",
	};

	tokens_refused(bad, sizeof(bad) / sizeof(bad[0]), "'exp'");
}

void test_evidence_sign__a_token_without_exp_is_never_sent(void)
{
	char *jwt = t_jwt_of("{\"iss\":\"i\",\"aud\":\"sigstore\",\"sub\":\"s\"}");
	ev_token *tok = NULL;
	ae_err err = {0};

	T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), &err), 0);
	T_ASSERT_INT(ev_token_expiry(tok), 0);
	T_ASSERT_INT(ev_token_check_fresh(tok, 1000, &err), AE_EAUTH);
	T_ASSERT_MSG(err, "no 'exp' claim");
	ev_token_free(tok);
	free(jwt);
}

void test_evidence_sign__a_token_for_another_audience_is_never_sent(void)
{
	const char *claims[] = {
		"{\"iss\":\"i\",\"exp\":1900000000}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":\"registry\"}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":[\"a\",\"b\"]}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":\"sigstorex\"}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":[]}",
	};
	ev_token *tok = NULL;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		char *jwt = t_jwt_of(claims[i]);

		ae_err_clear(&err);
		T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), &err), 0);
		T_ASSERT_INT(ev_token_check_fresh(tok, 1000, &err), AE_EAUTH);
		T_ASSERT_MSG(err, "audience does not include 'sigstore'");
		ev_token_free(tok);
		tok = NULL;
		free(jwt);
	}
}

void test_evidence_sign__aud_may_be_a_string_or_a_list_naming_sigstore(void)
{
	const char *ok[] = {
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":\"sigstore\"}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":[\"x\",\"sigstore\"]}",
	};
	const char *malformed[] = {
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":5}",
		"{\"iss\":\"i\",\"exp\":1900000000,\"aud\":[\"sigstore\",5]}",
	};
	ev_token *tok = NULL;
	ae_err err = {0};

	for (size_t i = 0; i < 2; i++) {
		char *jwt = t_jwt_of(ok[i]);

		T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), &err), 0);
		T_ASSERT_INT(ev_token_check_fresh(tok, 1000, &err), 0);
		ev_token_free(tok);
		tok = NULL;
		free(jwt);
	}
	tokens_refused(malformed, 2, "'aud'");
}

/* Issue 25 item 6: a claim that becomes the identity never holds a control
 * character (a forged CI log line, an unreadable pointer). */
void test_evidence_sign__claims_with_control_characters_are_refused(void)
{
	const char *bad[] = {
		"{\"iss\":\"i\",\"email\":\"a@b.test\\n::error::x\"}",
		"{\"iss\":\"i\",\"sub\":\"s\\u001b[2J\"}",
		"{\"iss\":\"i\\r\"}",
		"{\"iss\":\"i\",\"job_workflow_ref\":\"o/r\\u007f\"}",
	};

	tokens_refused(bad, sizeof(bad) / sizeof(bad[0]), "control character");
}

/* Issue 25 item 5: the SAN Fulcio must write, where the issuer's rule is
 * known. */
void test_evidence_sign__the_expected_san_follows_fulcio_rules(void)
{
	struct {
		const char *claims, *want;
	} c[] = {
		{"{\"iss\":\"https://token.actions.githubusercontent.com\","
		 "\"sub\":\"repo:o/r\",\"email\":\"x@y.test\","
		 "\"job_workflow_ref\":\"o/r/.github/workflows/w.yml@refs/heads/"
		 "main\"}",
		 "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main"},
		{"{\"iss\":\"https://accounts.google.com\",\"sub\":\"1\","
		 "\"email\":\"g@x.test\"}",
		 "g@x.test"},
		{"{\"iss\":\"https://oauth2.sigstore.dev/auth\",\"sub\":\"1\"}",
		 ""},
		{"{\"iss\":\"https://issuer.test\",\"sub\":\"s\","
		 "\"email\":\"a@b.test\"}",
		 NULL},
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *jwt = t_jwt_of(c[i].claims);
		ev_token *tok = NULL;

		T_ASSERT_INT(ev_token_parse(&tok, jwt, strlen(jwt), NULL), 0);
		if (c[i].want == NULL)
			T_ASSERT(ev__token_expected_san(tok) == NULL);
		else
			T_ASSERT_STR(ev__token_expected_san(tok), c[i].want);
		ev_token_free(tok);
		free(jwt);
	}
}

void test_evidence_sign__token_sources_are_tried_in_order(void)
{
	char *a = t_jwt_of("{\"iss\":\"explicit\"}");
	char *b = t_jwt_of("{\"iss\":\"env\"}");
	ev_token_sources src = EV_TOKEN_SOURCES_INIT;
	ev_token *tok = NULL;
	ae_err err = {0};

	src.explicit_token = a;
	src.env_token = b;
	T_ASSERT_INT(ev_token_acquire(&tok, &src, NULL), 0);
	T_ASSERT_STR(ev_token_issuer(tok), "explicit");
	ev_token_free(tok);
	src.explicit_token = "";
	T_ASSERT_INT(ev_token_acquire(&tok, &src, NULL), 0);
	T_ASSERT_STR(ev_token_issuer(tok), "env");
	ev_token_free(tok);
	src.env_token = NULL;
	src.gha_url = "http://127.0.0.1:1/token";
	T_ASSERT_INT(ev_token_acquire(&tok, &src, &err), AE_ENOTFOUND);
	T_ASSERT(tok == NULL);
	free(a);
	free(b);
}

void test_evidence_sign__only_https_or_loopback_http_urls_are_allowed(void)
{
	T_ASSERT(ev__sign_url_allowed("https://fulcio.sigstore.dev"));
	T_ASSERT(ev__sign_url_allowed("http://127.0.0.1:8080"));
	T_ASSERT(ev__sign_url_allowed("http://localhost/x"));
	T_ASSERT(ev__sign_url_allowed("http://[::1]:9"));
	T_ASSERT(!ev__sign_url_allowed("http://127.0.0.1.evil.test"));
	T_ASSERT(!ev__sign_url_allowed("http://fulcio.sigstore.dev"));
	T_ASSERT(!ev__sign_url_allowed("ftp://x"));
	T_ASSERT(!ev__sign_url_allowed("https://"));
	T_ASSERT(!ev__sign_url_allowed("https://a b"));
	T_ASSERT(!ev__sign_url_allowed(NULL));
}

#define SC_HEAD                                                                \
	"{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+"   \
	"json\","
#define SC_SVC(url, v, start, end)                                             \
	"{\"url\":\"" url "\",\"majorApiVersion\":" #v                         \
	",\"validFor\":{\"start\":\"" start "\"" end "}}"
#define SC_NOW 1767225600 /* 2026-01-01T00:00:00Z */

static int sc_parse(ev_sign_services *s, const char *json, ae_err *err)
{
	return ev_signing_config_parse(s, (const unsigned char *)json,
				       strlen(json), SC_NOW, err);
}

void test_evidence_sign__a_signing_config_selects_valid_services(void)
{
	ev_sign_services s;
	const char *json = SC_HEAD
		"\"caUrls\":[" SC_SVC("https://old.test", 1, "2020-01-01T00:00:00Z",
				      ",\"end\":\"2021-01-01T00:00:00Z\"") "," SC_SVC(
			"https://ca.test/", 1, "2025-01-01T00:00:00.123Z", "") "],"
		"\"rekorTlogUrls\":[" SC_SVC("https://r1.test", 1,
					     "2025-01-01T00:00:00Z",
					     "") "," SC_SVC("https://r2.test", 2,
							    "2025-01-01T00:00:00Z",
							    "") "],"
		"\"tsaUrls\":[" SC_SVC("https://tsa.test/api/v1/timestamp", 1,
				       "2025-01-01T00:00:00Z", "") "],"
		"\"rekorTlogConfig\":{\"selector\":\"ANY\"},"
		"\"tsaConfig\":{\"selector\":\"ANY\"}}";

	T_ASSERT_INT(sc_parse(&s, json, NULL), 0);
	T_ASSERT_STR(s.fulcio_url, "https://ca.test");
	T_ASSERT_INT(s.nrekor, 1);
	T_ASSERT_STR(s.rekor_url[0], "https://r2.test");
	T_ASSERT_INT(s.rekor_version, 2);
	T_ASSERT_INT(s.ntsa, 1);
	T_ASSERT_STR(s.tsa_url[0], "https://tsa.test/api/v1/timestamp");
	ev_sign_services_dispose(&s);
}

void test_evidence_sign__all_and_exact_selectors_pick_counts(void)
{
	ev_sign_services s;
	ae_err err = {0};
	const char *all = SC_HEAD "\"caUrls\":[],\"rekorTlogUrls\":[" SC_SVC(
		"https://a.test", 1, "2025-01-01T00:00:00Z",
		"") "," SC_SVC("https://b.test", 1, "2025-01-01T00:00:00Z",
			       "") "],\"rekorTlogConfig\":{\"selector\":\"ALL\"}}";
	const char *exact = SC_HEAD "\"rekorTlogUrls\":[" SC_SVC(
		"https://a.test", 1, "2025-01-01T00:00:00Z",
		"") "],\"rekorTlogConfig\":{\"selector\":\"EXACT\",\"count\":2}}";

	T_ASSERT_INT(sc_parse(&s, all, NULL), 0);
	T_ASSERT(s.fulcio_url == NULL);
	T_ASSERT_INT(s.nrekor, 2);
	T_ASSERT_STR(s.rekor_url[1], "https://b.test");
	ev_sign_services_dispose(&s);
	T_ASSERT_INT(sc_parse(&s, exact, &err), AE_EINVAL);
	T_ASSERT_MSG(err, "asks for 2 of rekorTlogUrls, 1 usable");
	T_ASSERT(s.nrekor == 0 && s.rekor_url[0] == NULL);
}

void test_evidence_sign__malformed_signing_configs_are_refused(void)
{
	const char *bad[] = {
		"[]",
		"{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig."
		"v0.1+json\"}",
		SC_HEAD "\"caUrls\":{}}",
		SC_HEAD "\"caUrls\":[{\"url\":\"https://x\"}]}",
		SC_HEAD "\"caUrls\":[" SC_SVC("https://x", 1, "2025-13-01T00:00:00Z",
					      "") "]}",
		SC_HEAD "\"caUrls\":[" SC_SVC("https://x", 1, "2025-01-01 00:00:00",
					      "") "]}",
		SC_HEAD "\"caUrls\":[" SC_SVC("https://x", "1", "2025-01-01T00:00:00Z",
					      "") "]}",
		SC_HEAD "\"rekorTlogUrls\":[],\"rekorTlogConfig\":{\"selector\":"
			"\"SOME\"}}",
	};
	ev_sign_services s;
	ae_err err = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ae_err_clear(&err);
		T_ASSERT_INT(sc_parse(&s, bad[i], &err), AE_EINVAL);
		T_ASSERT(s.fulcio_url == NULL && s.nrekor == 0);
	}
}

void test_evidence_sign__signing_config_caps_are_enforced(void)
{
	ev_sign_services s;
	ae_err err = {0};
	ae_buf b = AE_BUF_INIT(1u << 20);
	unsigned char *big = calloc(1, EV_SIGNING_CONFIG_MAX_BYTES + 1);

	/* EV_SIGN_MAX_SERVICES usable logs with ALL is fine, one more is not */
	for (int extra = 0; extra < 2; extra++) {
		ae_buf_dispose(&b);
		T_ASSERT(ae_buf_puts(&b, SC_HEAD "\"rekorTlogUrls\":[", NULL) ==
			 0);
		for (int i = 0; i < EV_SIGN_MAX_SERVICES + extra; i++)
			T_ASSERT(ae_buf_printf(&b, NULL, "%s" SC_SVC("https://%d.test", 1,
								    "2025-01-01T00:00:00Z", ""),
					       i ? "," : "", i) == 0);
		T_ASSERT(ae_buf_puts(&b, "],\"rekorTlogConfig\":{\"selector\":"
					 "\"ALL\"}}",
				     NULL) == 0);
		ae_err_clear(&err);
		T_ASSERT_INT(ev_signing_config_parse(&s, b.data, b.len, SC_NOW,
						     &err),
			     extra ? AE_ETOOBIG : 0);
		T_ASSERT_INT(s.nrekor, extra ? 0 : EV_SIGN_MAX_SERVICES);
		ev_sign_services_dispose(&s);
	}
	T_ASSERT(big != NULL);
	T_ASSERT_INT(ev_signing_config_parse(&s, big,
					     EV_SIGNING_CONFIG_MAX_BYTES + 1,
					     SC_NOW, &err),
		     AE_ETOOBIG);
	T_ASSERT(ev_signing_config_parse(&s, big, EV_SIGNING_CONFIG_MAX_BYTES,
					 SC_NOW, &err) != AE_ETOOBIG);
	free(big);
	ae_buf_dispose(&b);
}

/* RFC 6962 tree hash over leaves[lo, hi). */
static void mth(unsigned char out[32], unsigned char (*leaves)[32], size_t lo,
		size_t hi)
{
	unsigned char l[32], r[32], buf[65];
	size_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaves[lo], 32);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(l, leaves, lo, lo + k);
	mth(r, leaves, lo + k, hi);
	buf[0] = 1;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	ae_sha256(out, buf, 65);
}

/* Audit path of leaf m in leaves[lo, hi), appended to path. */
static void audit(unsigned char (*path)[32], size_t *n, size_t m,
		  unsigned char (*leaves)[32], size_t lo, size_t hi)
{
	size_t k = 1;

	if (hi - lo <= 1)
		return;
	while (k * 2 < hi - lo)
		k *= 2;
	if (m < k) {
		audit(path, n, m, leaves, lo, lo + k);
		mth(path[(*n)++], leaves, lo + k, hi);
	} else {
		audit(path, n, m - k, leaves, lo + k, hi);
		mth(path[(*n)++], leaves, lo, lo + k);
	}
}

void test_evidence_sign__merkle_proofs_verify_for_every_leaf_and_size(void)
{
	unsigned char leaves[13][32], root[32], path[8][32];
	ae_err err = {0};

	for (int i = 0; i < 13; i++)
		ae_sha256(leaves[i], &i, sizeof(i));
	for (size_t size = 1; size <= 13; size++) {
		mth(root, leaves, 0, size);
		for (size_t m = 0; m < size; m++) {
			size_t n = 0;

			audit(path, &n, m, leaves, 0, size);
			T_ASSERT_INT(ev_merkle_inclusion_check(leaves[m], m, size,
						      &path[0][0], n, root,
						      &err),
				     0);
			if (n > 0) {
				path[0][5] ^= 1;
				T_ASSERT_INT(ev_merkle_inclusion_check(leaves[m], m, size,
							      &path[0][0], n,
							      root, &err),
					     AE_EVERIFY);
			}
			T_ASSERT_INT(ev_merkle_inclusion_check(leaves[m], size, size,
						      &path[0][0], n, root,
						      &err),
				     AE_EVERIFY);
		}
	}
}
