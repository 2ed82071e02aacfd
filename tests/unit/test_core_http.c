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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
		"http://127.0.0.2:5000/",
		"http://127.0.0.1.evil.test/",
		"http://localhost.evil.test/",
		"http://fulcio.sigstore.dev/",
		"http://10.0.0.1/",
		"http://[::2]/",
		"http://127.0.0.1%2e/",
		"http://0x7f000002/",
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
		"ftp://x/",
		"file:///etc/passwd",
		"https://",
		"https://a b/",
		"//host/x",
		"https://h\x01/",
		"noscheme",
		"https://h:99999/",
		"https://h\xc3\xa9.test/",
		"",
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

	T_ASSERT_INT(ae_url_check(&base,
				  "https://reg.example:5000/v2/r/blobs/x", NULL,
				  NULL, 0, "base", &err),
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

/* ---- the engine's table: what may be tried again ---- */

/* An attempt that ended with `cc` (and `status` when answered). */
static ae_http_try try_of(CURLcode cc, long status, bool sent)
{
	ae_http_try t;

	memset(&t, 0, sizeof(t));
	t.cc = cc;
	t.status = status;
	t.sent = sent;
	t.retry_after_ms = -1;
	return t;
}

void test_core_http__one_table_of_transient_statuses(void)
{
	static const long yes[] = {408, 429, 500, 502, 503, 504};
	static const long no[] = {200, 201, 202, 204, 301, 307, 400, 401,
				  403, 404, 409, 410, 413, 501, 505, 599};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		T_ASSERT(ae_http_status_transient(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (ae_http_status_transient(no[i]))
			t_fail_at(__FILE__, __LINE__, "%ld is transient",
				  no[i]);
}

/* ae_http_may_retry(KIND, SECRET, an attempt that ended with CC, STATUS
 * when answered, SENT when request bytes left) answers WANT. */
#define retry_is(want, kind, secret, cc, status, sent)                         \
	retry_is_at(__LINE__, want, kind, secret, cc, status, sent)
static void retry_is_at(int line, bool want, ae_http_kind kind, bool secret,
			CURLcode cc, long status, bool sent)
{
	ae_http_try t = try_of(cc, status, sent);

	if (ae_http_may_retry(kind, secret, &t) != want)
		t_fail_at(__FILE__, line,
			  "kind %d, secret %d, curl code %d, status %ld, sent "
			  "%d: retried %d, want %d",
			  (int)kind, secret, (int)cc, status, sent, !want,
			  want);
}

void test_core_http__idempotent_requests_retry_every_transient_fault(void)
{
	retry_is(true, AE_HTTP_IDEMPOTENT, false, CURLE_OK, 503, true);
	retry_is(true, AE_HTTP_IDEMPOTENT, true, CURLE_OK, 429, true);
	retry_is(true, AE_HTTP_IDEMPOTENT, true, CURLE_COULDNT_CONNECT, 0,
		 false);
	retry_is(true, AE_HTTP_IDEMPOTENT, false, CURLE_COULDNT_RESOLVE_HOST, 0,
		 false);
	/* cut mid-answer: the bytes are sent again, the answer read anew */
	retry_is(true, AE_HTTP_IDEMPOTENT, false, CURLE_RECV_ERROR, 0, true);
	retry_is(true, AE_HTTP_IDEMPOTENT, false, CURLE_OPERATION_TIMEDOUT, 0,
		 true);
	/* answers are answers */
	retry_is(false, AE_HTTP_IDEMPOTENT, false, CURLE_OK, 200, true);
	retry_is(false, AE_HTTP_IDEMPOTENT, false, CURLE_OK, 404, true);
	retry_is(false, AE_HTTP_IDEMPOTENT, false, CURLE_OK, 409, true);
	/* and so are TLS and local faults */
	retry_is(false, AE_HTTP_IDEMPOTENT, false,
		 CURLE_PEER_FAILED_VERIFICATION, 0, false);
	retry_is(false, AE_HTTP_IDEMPOTENT, false, CURLE_FILESIZE_EXCEEDED, 0,
		 true);
	retry_is(false, AE_HTTP_IDEMPOTENT, false, CURLE_WRITE_ERROR, 0, true);
}

void test_core_http__a_secret_is_not_sent_again_to_a_server_that_stalled(void)
{
	retry_is(false, AE_HTTP_IDEMPOTENT, true, CURLE_OPERATION_TIMEDOUT, 0,
		 true);
	retry_is(false, AE_HTTP_IDEMPOTENT, true, CURLE_RECV_ERROR, 0, true);
	retry_is(false, AE_HTTP_IDEMPOTENT, true, CURLE_GOT_NOTHING, 0, true);
	/* it never left: nothing was delivered */
	retry_is(true, AE_HTTP_IDEMPOTENT, true, CURLE_OPERATION_TIMEDOUT, 0,
		 false);
	/* a server that answered 5xx did not stall */
	retry_is(true, AE_HTTP_IDEMPOTENT, true, CURLE_OK, 502, true);
}

void test_core_http__a_request_that_may_act_twice_is_retried_only_unsent(void)
{
	static const long acted[] = {500, 502, 503, 504};

	/* it may have reached the server: never again */
	for (size_t i = 0; i < sizeof(acted) / sizeof(acted[0]); i++)
		retry_is(false, AE_HTTP_ONCE, false, CURLE_OK, acted[i], true);
	retry_is(false, AE_HTTP_ONCE, false, CURLE_RECV_ERROR, 0, true);
	retry_is(false, AE_HTTP_ONCE, false, CURLE_OPERATION_TIMEDOUT, 0, true);
	/* the server said it did not take it, or it never left */
	retry_is(true, AE_HTTP_ONCE, true, CURLE_OK, 408, true);
	retry_is(true, AE_HTTP_ONCE, true, CURLE_OK, 429, true);
	retry_is(true, AE_HTTP_ONCE, true, CURLE_COULDNT_CONNECT, 0, false);
	retry_is(true, AE_HTTP_ONCE, false, CURLE_COULDNT_RESOLVE_HOST, 0,
		 false);
}

void test_core_http__a_no_retry_request_is_never_tried_again_here(void)
{
	retry_is(false, AE_HTTP_NO_RETRY, false, CURLE_COULDNT_CONNECT, 0,
		 false);
	retry_is(false, AE_HTTP_NO_RETRY, false, CURLE_OK, 503, true);
	retry_is(false, AE_HTTP_NO_RETRY, false, CURLE_OK, 429, false);
}

/* ---- one backoff ---- */

void test_core_http__backoff_doubles_with_jitter_up_to_its_cap(void)
{
	for (int i = 0; i < 200; i++) {
		uint64_t w1 = ae_http_backoff_ms(1, 200, -1);
		uint64_t w2 = ae_http_backoff_ms(2, 200, -1);
		uint64_t w9 = ae_http_backoff_ms(9, 200, -1);
		uint64_t w99 = ae_http_backoff_ms(99, 200, -1);

		T_ASSERT(w1 >= 150 && w1 <= 250);
		T_ASSERT(w2 >= 300 && w2 <= 500);
		T_ASSERT(w9 >= AE_HTTP_BACKOFF_CAP_MS * 3 / 4 &&
			 w9 <= AE_HTTP_BACKOFF_CAP_MS * 5 / 4);
		T_ASSERT(w99 <= AE_HTTP_BACKOFF_CAP_MS * 5 / 4);
	}
}

void test_core_http__retry_after_replaces_the_backoff(void)
{
	T_ASSERT(ae_http_backoff_ms(1, 200, 1000) == 1000);
	T_ASSERT(ae_http_backoff_ms(3, 200, 0) == 0);
	T_ASSERT(ae_http_backoff_ms(1, 200, 90000) == 90000);
}

/* ---- redirects ---- */

void test_core_http__redirects_are_judged_like_the_first_url_and_counted(void)
{
	ae_err err = {0};
	ae_url reg, from, next;
	unsigned hops = 0;

	T_ASSERT_INT(ae_url_check(&reg, "http://127.0.0.1:5000", NULL, NULL,
				  AE_URL_PLAIN_LOOPBACK, "registry", &err),
		     0);
	from = reg;
	/* plain http off loopback, userinfo, another scheme: refused */
	T_ASSERT_INT(ae_http_redirect(&next, &from, "http://127.0.0.2:5000/b",
				      &hops, &reg, AE_URL_PLAIN_LOOPBACK, &err),
		     AE_EINVAL);
	T_ASSERT_INT(ae_http_redirect(&next, &from,
				      "http://localhost:1@127.0.0.2/b", &hops,
				      &reg, AE_URL_PLAIN_LOOPBACK, &err),
		     AE_EINVAL);
	T_ASSERT_INT(ae_http_redirect(&next, &from, "file:///etc/passwd", &hops,
				      &reg, AE_URL_PLAIN_LOOPBACK, &err),
		     AE_EINVAL);
	T_ASSERT_INT(ae_http_redirect(&next, &from, "", &hops, &reg,
				      AE_URL_PLAIN_LOOPBACK, &err),
		     AE_EINVAL);
	/* a loop ends at the hop limit */
	hops = 0;
	for (int i = 0; i < AE_HTTP_MAX_REDIRS; i++) {
		T_ASSERT_INT(ae_http_redirect(&next, &from, "/v2/loop", &hops,
					      &reg, AE_URL_PLAIN_LOOPBACK,
					      &err),
			     0);
		T_ASSERT_STR(next.url, "http://127.0.0.1:5000/v2/loop");
		from = next;
	}
	ae_err_clear(&err);
	T_ASSERT_INT(ae_http_redirect(&next, &from, "/v2/loop", &hops, &reg,
				      AE_URL_PLAIN_LOOPBACK, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "redirects");
}

/* ---- the engine against a port nothing listens on ---- */

/* A loopback port that refuses connections (bound, never listening). */
static int closed_port(int *fd_out)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &n) != 0)
		return -1;
	*fd_out = fd;
	return ntohs(a.sin_port);
}

void test_core_http__an_unreachable_service_is_tried_its_attempts(void)
{
	static const ae_http_kind kinds[] = {AE_HTTP_IDEMPOTENT, AE_HTTP_ONCE,
					     AE_HTTP_NO_RETRY};
	static const int want[] = {3, 3, 1};
	char url[64];
	ae_err err = {0};
	ae_http_request rq;
	ae_http_answer a;
	ae_url u;
	int fd = -1, port = closed_port(&fd);

	T_ASSERT(port > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", port);
	T_ASSERT_INT(ae_url_check(&u, url, NULL, NULL, AE_URL_PLAIN_LOOPBACK,
				  "url", &err),
		     0);
	for (size_t i = 0; i < 3; i++) {
		memset(&rq, 0, sizeof(rq));
		rq.who = "test service";
		rq.url = &u;
		rq.kind = kinds[i];
		rq.secret = true;
		rq.body = "x";
		rq.body_len = 1;
		rq.resp_max = 1024;
		rq.backoff_ms = 1;
		ae_err_clear(&err);
		T_ASSERT_INT(ae_http_exchange(&a, &rq, &err), AE_ETRANSIENT);
		T_ASSERT_INT(a.attempts, want[i]);
		T_ASSERT(!a.last.sent);
		T_ASSERT_MSG(err, "127.0.0.1");
		ae_http_answer_dispose(&a);
	}
	close(fd);
}
