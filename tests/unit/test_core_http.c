/* tests/unit/test_core_http.c -- evidence/core/http.c: the one URL policy
 * the registry client and the signer share, deadlines, fault reading
 *
 * The URLs that fooled the old prefix tests (issue 23 item 2, issue 25
 * item 1) are here: their text starts with a loopback name, libcurl reads
 * that name as userinfo and connects to 127.0.0.2 ("another host" in the
 * tests: the policy's loopback is exactly 127.0.0.1, localhost, ::1).
 */
#include "t.h"
#include "evidence/core/http.h"

#include <stdint.h>

/* The policy a signer service URL gets: plain http to loopback only. */
static int judge_service(ae_url *u, const char *url, ae_err *err)
{
	ae_err_clear(err);
	return ae_url_check(u, url, NULL, NULL,
			    AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET, "url", err);
}

void test_core_http__https_and_loopback_plain_http_pass(void)
{
	ae_err err = {0};
	ae_url u;

	T_ASSERT_INT(judge_service(&u, "https://fulcio.sigstore.dev", &err), 0);
	T_ASSERT(u.https && !u.loopback && u.port == 443);
	T_ASSERT_STR(u.host, "fulcio.sigstore.dev");
	T_ASSERT_INT(judge_service(&u, "http://127.0.0.1:8080/x", &err), 0);
	T_ASSERT(!u.https && u.loopback && u.port == 8080);
	T_ASSERT_INT(judge_service(&u, "http://LOCALHOST/x", &err), 0);
	T_ASSERT(u.loopback);
	T_ASSERT_STR(u.host, "localhost");
	T_ASSERT_INT(judge_service(&u, "http://[::1]:9/", &err), 0);
	T_ASSERT(u.loopback && u.port == 9);
}

void test_core_http__userinfo_that_hides_the_real_host_is_refused(void)
{
	static const char *const urls[] = {
		"http://localhost:1@127.0.0.2:5000/token",
		"http://localhost:x@127.0.0.2:5000/",
		"http://127.0.0.1:80@127.0.0.2/",
		"http://[::1]:x@127.0.0.2:5000/",
		"http://localhost@127.0.0.2/",
		"https://user:pass@registry.example/",
		"https://@registry.example/",
		"http://127.0.0.1;auth=x@127.0.0.2/",
	};
	ae_err err = {0};
	ae_url u;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		if (judge_service(&u, urls[i], &err) != AE_EINVAL)
			t_fail_at(__FILE__, __LINE__, "%s was accepted",
				  urls[i]);
		T_ASSERT(u.url[0] == '\0');
	}
}

void test_core_http__plain_http_to_another_host_is_refused(void)
{
	static const char *const urls[] = {
		"http://127.0.0.2:5000/", "http://127.0.0.1.evil.test/",
		"http://localhost.evil.test/", "http://fulcio.sigstore.dev/",
		"http://10.0.0.1/",	  "http://[::2]/",
		"http://127.0.0.1%2e/",	  "http://0x7f000002/",
	};
	ae_err err = {0};
	ae_url u;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (judge_service(&u, urls[i], &err) == 0)
			t_fail_at(__FILE__, __LINE__, "%s was accepted",
				  urls[i]);
}

void test_core_http__malformed_urls_and_other_schemes_are_refused(void)
{
	static const char *const urls[] = {
		"ftp://x/", "file:///etc/passwd", "https://", "https://a b/",
		"//host/x", "https://h\x01/",	  "noscheme", "https://h:99999/",
		"https://h\xc3\xa9.test/",	  "",
	};
	ae_err err = {0};
	ae_url u;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (judge_service(&u, urls[i], &err) == 0)
			t_fail_at(__FILE__, __LINE__, "%s was accepted",
				  urls[i]);
	T_ASSERT(judge_service(&u, NULL, &err) < 0);
}

void test_core_http__a_url_at_its_cap_passes_and_one_byte_more_does_not(void)
{
	static char url[AE_URL_MAX + 1];
	ae_err err = {0};
	ae_url u;
	size_t head = strlen("https://h/");

	memcpy(url, "https://h/", head);
	memset(url + head, 'a', AE_URL_MAX - 1 - head);
	url[AE_URL_MAX - 1] = '\0';
	T_ASSERT_INT(judge_service(&u, url, &err), 0);
	url[AE_URL_MAX - 1] = 'a';
	url[AE_URL_MAX] = '\0';
	T_ASSERT_INT(judge_service(&u, url, &err), AE_ETOOBIG);
}

void test_core_http__a_secret_never_goes_over_http_for_an_https_origin(void)
{
	ae_err err = {0};
	ae_url https_reg, plain_reg, u;

	T_ASSERT_INT(ae_url_check(&https_reg, "https://reg.example", NULL, NULL,
				  0, "registry", &err),
		     0);
	T_ASSERT_INT(ae_url_check(&plain_reg, "http://127.0.0.1:5000", NULL,
				  NULL, AE_URL_PLAIN_LOOPBACK, "registry",
				  &err),
		     0);
	/* a loopback plain-http realm with credentials: only for a
	 * plain-http loopback registry */
	T_ASSERT_INT(ae_url_check(&u, "http://127.0.0.1:5001/token", NULL,
				  &https_reg,
				  AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET,
				  "token realm", &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "never go over plain http");
	ae_err_clear(&err);
	T_ASSERT_INT(ae_url_check(&u, "http://127.0.0.1:5001/token", NULL,
				  &plain_reg,
				  AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET,
				  "token realm", &err),
		     0);
	/* without a secret the same realm may be asked anonymously */
	T_ASSERT_INT(ae_url_check(&u, "http://127.0.0.1:5001/token", NULL,
				  &https_reg, AE_URL_PLAIN_LOOPBACK,
				  "token realm", &err),
		     0);
	/* an https realm on any host is the protocol (auth.docker.io) */
	T_ASSERT_INT(ae_url_check(&u, "https://auth.example/token", NULL,
				  &https_reg,
				  AE_URL_PLAIN_LOOPBACK | AE_URL_SECRET,
				  "token realm", &err),
		     0);
	/* a registry that is not plain never gets a plain target */
	T_ASSERT_INT(ae_url_check(&u, "http://127.0.0.1:5000/v2/", NULL,
				  &https_reg, 0, "redirect target", &err),
		     AE_EINVAL);
}

void test_core_http__relative_targets_resolve_against_their_base(void)
{
	ae_err err = {0};
	ae_url base, u;

	T_ASSERT_INT(ae_url_check(&base, "https://reg.example:5000/v2/r/blobs/x",
				  NULL, NULL, 0, "base", &err),
		     0);
	T_ASSERT_INT(ae_url_check(&u, "/store/x?sig=1", &base, &base, 0,
				  "redirect target", &err),
		     0);
	T_ASSERT_STR(u.url, "https://reg.example:5000/store/x?sig=1");
	T_ASSERT(ae_url_same_origin(&u, &base));
	T_ASSERT_INT(ae_url_check(&u, "//cdn.example/x", &base, &base, 0,
				  "redirect target", &err),
		     0);
	T_ASSERT_STR(u.host, "cdn.example");
	T_ASSERT(!ae_url_same_origin(&u, &base));
	T_ASSERT_INT(ae_url_check(&u, "https://REG.example:5000/x", &base,
				  &base, 0, "redirect target", &err),
		     0);
	T_ASSERT(ae_url_same_origin(&u, &base));
	T_ASSERT_INT(ae_url_check(&u, "https://reg.example/x", &base, &base, 0,
				  "redirect target", &err),
		     0);
	T_ASSERT(!ae_url_same_origin(&u, &base)); /* another port */
	T_ASSERT_INT(ae_url_check(&u, "http://localhost:1@127.0.0.2/", &base,
				  &base, AE_URL_PLAIN_LOOPBACK,
				  "redirect target", &err),
		     AE_EINVAL);
}

void test_core_http__deadlines_count_down_and_combine(void)
{
	ae_deadline none = AE_DEADLINE_NONE;
	ae_deadline soon = ae_deadline_in(50), later = ae_deadline_in(60000);

	T_ASSERT(ae_deadline_left_ms(none) == INT64_MAX);
	T_ASSERT(ae_deadline_in(0).at_ms == 0);
	T_ASSERT(ae_deadline_left_ms(soon) <= 50);
	T_ASSERT(ae_deadline_min(soon, later).at_ms == soon.at_ms);
	T_ASSERT(ae_deadline_min(none, later).at_ms == later.at_ms);
	T_ASSERT(ae_deadline_min(later, none).at_ms == later.at_ms);
	soon.at_ms = ae_clock_ms() - 1;
	T_ASSERT_INT(ae_deadline_left_ms(soon), 0);
}

void test_core_http__a_request_limit_grows_with_its_size(void)
{
	T_ASSERT_INT(ae_http_request_ms(0), AE_HTTP_BASE_MS);
	T_ASSERT_INT(ae_http_request_ms(640u * 1024u), AE_HTTP_BASE_MS + 10000);
	T_ASSERT(ae_http_request_ms(UINT64_MAX) > 0);
}

void test_core_http__a_passed_deadline_stops_a_request_before_it_starts(void)
{
	ae_err err = {0};
	ae_deadline past = {ae_clock_ms() - 1};
	ae_url u;
	CURL *h = curl_easy_init();

	T_ASSERT(h != NULL);
	T_ASSERT_INT(judge_service(&u, "http://127.0.0.1:9/", &err), 0);
	T_ASSERT_INT(ae_http_target(h, &u, past, 0, &err), AE_ETRANSIENT);
	T_ASSERT_MSG(err, "deadline passed");
	curl_easy_cleanup(h);
}

void test_core_http__faults_are_read_from_libcurl_codes(void)
{
	T_ASSERT_INT(ae_http_fault_of(CURLE_COULDNT_RESOLVE_HOST, ""),
		     AE_HTTP_FAULT_DNS);
	T_ASSERT_INT(ae_http_fault_of(CURLE_COULDNT_CONNECT, ""),
		     AE_HTTP_FAULT_REFUSED);
	T_ASSERT_INT(ae_http_fault_of(CURLE_RECV_ERROR, ""),
		     AE_HTTP_FAULT_RESET);
	T_ASSERT_INT(ae_http_fault_of(CURLE_SSL_CONNECT_ERROR,
				      "error:0A00010B:SSL routines::wrong "
				      "version number"),
		     AE_HTTP_FAULT_PLAIN);
	T_ASSERT_INT(ae_http_fault_of(CURLE_PEER_FAILED_VERIFICATION, "x"),
		     AE_HTTP_FAULT_CERT);
	T_ASSERT(ae_http_fault_transient(AE_HTTP_FAULT_DNS));
	T_ASSERT(ae_http_fault_transient(AE_HTTP_FAULT_RESET));
	T_ASSERT(!ae_http_fault_transient(AE_HTTP_FAULT_CERT));
	T_ASSERT(!ae_http_fault_transient(AE_HTTP_FAULT_PLAIN));
}

void test_core_http__a_dns_failure_is_transient_and_names_the_host(void)
{
	ae_err err = {0};

	T_ASSERT_INT(ae_http_fail(&err, CURLE_COULDNT_RESOLVE_HOST, "",
				  "registry", "nosuch.invalid:443"),
		     AE_ETRANSIENT);
	T_ASSERT_MSG(err, "nosuch.invalid");
	T_ASSERT_MSG(err, "resolve");
}
