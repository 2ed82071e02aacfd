/* tests/unit/test_core_time.c -- one RFC 3339 routine (issue 17)
 *
 * Every caller that reads an RFC 3339 date-time, on the same edge cases:
 *
 *   T  tuf_time_parse         TUF "expires", `trust --at` (evidence/tuf)
 *   S  ev__rfc3339_parse      the Sigstore trusted root's validFor
 *   C  ev_signing_config_parse the signing config's validFor
 *   A  ev_time_utc_seconds    a predicate's attestedAt, in UTC
 *   V  ev__value_ok(TIMESTAMP) a snapshot's timestamp kept by redaction
 *   P  ld_pointer_check       a pointer's attestedAt
 *
 * `today` is what each accepted before the one routine (057e4cb); `now`,
 * where given, is what changed and why (docs/formats.md "Dates"):
 * calendar nonsense the shape-only or timegm-based readers let through,
 * and S and C -- the same protobuf Timestamp JSON -- reading it alike.
 */
#include "t.h"
#include "evidence/core/ae.h"
#include "evidence/evidence.h"
#include "evidence/internal.h"
#include "evidence/signer/signer.h"
#include "evidence/sigstore/internal.h"
#include "evidence/tuf/tuf.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct time_case {
	const char *s;
	const char *today; /* the callers that accepted it before */
	const char *now;   /* NULL: as today */
	int64_t sec;	   /* Unix seconds when accepted */
} time_case;

#define B 1717243200 /* 2024-06-01T12:00:00Z */
#define NOSEC INT64_MIN  /* no value: refused (now) */

static const time_case cases[] = {
	{"2024-06-01T12:00:00Z", "TSCAVP", NULL, B},
	{"1970-01-01T00:00:00Z", "TSCAVP", NULL, 0},
	{"2024-02-29T12:34:56Z", "TSCAVP", NULL, 1709210096},
	{"2000-02-29T00:00:00Z", "TSCAVP", NULL, 951782400},
	/* not a leap year: the calendar-blind readers took it (bug) */
	{"2023-02-29T12:34:56Z", "SCV", "", NOSEC},
	{"2100-02-29T00:00:00Z", "SCV", "", NOSEC},
	{"2023-02-31T00:00:00Z", "SCV", "", NOSEC},
	{"2024-04-31T00:00:00Z", "SCV", "", NOSEC},
	{"2024-06-00T00:00:00Z", "V", "", NOSEC},
	{"2024-00-01T00:00:00Z", "V", "", NOSEC},
	{"2024-13-01T00:00:00Z", "V", "", NOSEC},
	{"2024-01-01T24:00:00Z", "V", "", NOSEC},
	{"2024-06-01T12:60:00Z", "V", "", NOSEC},
	{"2024-01-01T00:00:61Z", "V", "", NOSEC},
	/* a leap second: TUF and the Sigstore documents count it as :59+1;
	 * Go (the predicate, the snapshot, the pointer) refuses it */
	{"2016-12-31T23:59:60Z", "TSCV", "TSC", 1483228800},
	{"0000-01-01T00:00:00Z", "TSCAVP", NULL, -62167219200},
	{"9999-12-31T23:59:59Z", "TSCAVP", NULL, 253402300799},
	{"2024-06-01t12:00:00Z", "T", NULL, B},
	{"2024-06-01T12:00:00z", "T", NULL, B},
	{"2024-06-01t12:00:00.5z", "T", NULL, B},
	/* offsets; S and C read the same format: "+00:00" for both */
	{"2024-06-01T12:00:00+00:00", "TCAV", "TSCAV", B},
	{"2024-06-01T12:00:00-00:00", "TAV", NULL, B},
	{"2024-06-01T12:00:00+14:00", "TAV", NULL, B - 14 * 3600},
	{"2024-06-01T12:00:00-23:59", "TAV", NULL, B + 23 * 3600 + 59 * 60},
	{"2024-06-01T12:00:00+24:00", "V", "", NOSEC},
	{"2024-06-01T12:00:00+01:60", "V", "", NOSEC},
	{"2024-06-01T12:00:00+0100", "", NULL, NOSEC},
	{"2024-06-01T12:00:00+1:00", "", NULL, NOSEC},
	{"2024-06-01T12:00:00+01", "", NULL, NOSEC},
	/* an offset past year 0000 or 9999 in UTC */
	{"0000-01-01T00:00:00+00:01", "TV", NULL, -62167219260},
	{"9999-12-31T23:59:59-00:01", "TV", NULL, 253402300859},
	/* fractions, 1 to 10 digits; S and C read the same format: 1-9 */
	{"2024-06-01T12:00:00.5Z", "TSCAV", NULL, B},
	{"2024-06-01T12:00:00.12Z", "TSCAV", NULL, B},
	{"2024-06-01T12:00:00.123456Z", "TSCAV", NULL, B},
	{"2024-06-01T12:00:00.123456789Z", "TSCAV", NULL, B},
	{"2024-06-01T12:00:00.000000000Z", "TSCAV", NULL, B},
	{"2024-06-01T12:00:00.1234567890Z", "TSA", "TAV", B},
	{"2024-06-01T12:00:00.99999999999999999999Z", "TSA", "TA", B}, /* V: 41 bytes, over its cap */
	{"2024-06-01T12:00:00.5+01:00", "TAV", NULL, B - 3600},
	{"2024-06-01T12:00:00.Z", "", NULL, NOSEC},
	{"2024-06-01T12:00:00.-5Z", "", NULL, NOSEC},
	{"2024-06-01T12:00:00,5Z", "", NULL, NOSEC},
	/* shape */
	{"2024-06-01T12:00:00", "", NULL, NOSEC},
	{"2024-06-01T12:00:00Zx", "", NULL, NOSEC},
	{"2024-06-01T12:00:00Z ", "", NULL, NOSEC},
	{" 2024-06-01T12:00:00Z", "", NULL, NOSEC},
	{"2024-06-01 12:00:00Z", "", NULL, NOSEC},
	{"2024-06-01", "", NULL, NOSEC},
	{"24-06-01T12:00:00Z", "", NULL, NOSEC},
	{"+2024-06-01T12:00:00Z", "", NULL, NOSEC},
	{"12024-06-01T12:00:00Z", "", NULL, NOSEC},
	{"2024-6-01T12:00:00Z", "", NULL, NOSEC},
	{"2024-06-01T1:00:00Z", "", NULL, NOSEC},
	{"2024-06-01T12:00:00\n", "", NULL, NOSEC},
	{"2024-06-01T12:00:00Z\n", "", NULL, NOSEC},
	{"２024-06-01T12:00:00Z", "", NULL, NOSEC},
	{"", "", NULL, NOSEC},
};

#ifdef TIME_TABLE_TODAY
#define WANT(c) ((c)->today)
#else
#define WANT(c) ((c)->now ? (c)->now : (c)->today)
#endif

/* The signing config with one CA whose validFor.start is `t`. */
static int time_config(const char *t)
{
	ev_sign_services s;
	ae_err err = {0};
	json_t *j;
	char *doc;
	int rc;

	j = json_pack("{s:s, s:[{s:s, s:i, s:{s:s}}]}", "mediaType",
		      "application/vnd.dev.sigstore.signingconfig.v0.2+json",
		      "caUrls", "url", "https://ca.test", "majorApiVersion", 1,
		      "validFor", "start", t);
	T_ASSERT(j != NULL);
	doc = json_dumps(j, 0);
	json_decref(j);
	T_ASSERT(doc != NULL);
	rc = ev_signing_config_parse(&s, (const unsigned char *)doc,
				     strlen(doc), 1767225600, &err);
	free(doc);
	if (rc == 0) {
		ev_sign_services_dispose(&s);
		return 1;
	}
	if (strstr(err.msg, "not RFC 3339") == NULL)
		t_fail_at(__FILE__, __LINE__, "%s: signing config: %s", t,
			  err.msg);
	return 0;
}

/* The pointer `attestedAt: "t"`: 1 when no problem names attestedAt. */
static int time_pointer(const char *t)
{
	ae_problems pr = AE_PROBLEMS_INIT;
	ld_pointer *p = NULL;
	ae_err err = {0};
	char doc[1024];
	int ok = 1;

	snprintf(doc, sizeof(doc),
		 "schemaVersion: 1.0.0\nrecipe: r\nattestations:\n"
		 "  - bundle:\n      oci: ghcr.io/o/r:t\n      digest: "
		 "sha256:%064d\n      predicateType: "
		 "https://aicr.run/recipe-evidence/v3\n"
		 "    signer:\n      identity: a@b\n      issuer: "
		 "https://github.com/login/oauth\n    attestedAt: \"%s\"\n",
		 0, t);
	T_ASSERT_INT(ld_pointer_check(&p, &pr, (const unsigned char *)doc,
				      strlen(doc), &err),
		     0);
	for (size_t i = 0; i < pr.n; i++) {
		if (strstr(pr.v[i].msg, "attestedAt") == NULL)
			t_fail_at(__FILE__, __LINE__, "%s: pointer: %s", t,
				  pr.v[i].msg);
		ok = 0;
	}
	ld_pointer_free(p);
	ae_problems_dispose(&pr);
	return ok;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of `sec` (years 0000-9999), by gmtime here only
 * to check the routine against the C library. */
static void time_utc(char out[64], int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;

	T_ASSERT(gmtime_r(&t, &tm) != NULL);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void test_core_time__every_caller_accepts_what_its_format_says(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const time_case *c = &cases[i];
		const char *want = WANT(c);
		char got[8] = "", norm[EV_TIME_UTC_LEN + 1], utc[64];
		int64_t t = 0;
		size_t n = 0;

		if (tuf_time_parse(&t, c->s, NULL) == 0) {
			got[n++] = 'T';
			if (c->sec != NOSEC && t != c->sec)
				t_fail_at(__FILE__, __LINE__, "%s: T %lld",
					  c->s, (long long)t);
		}
		if (ev__rfc3339_parse(&t, c->s, NULL) == 0) {
			got[n++] = 'S';
			if (c->sec != NOSEC && t != c->sec)
				t_fail_at(__FILE__, __LINE__, "%s: S %lld",
					  c->s, (long long)t);
		}
		if (time_config(c->s))
			got[n++] = 'C';
		if (ev_time_utc_seconds(norm, c->s, NULL) == 0) {
			got[n++] = 'A';
			if (c->sec != NOSEC)
				time_utc(utc, c->sec);
			if (c->sec != NOSEC && strcmp(norm, utc) != 0)
				t_fail_at(__FILE__, __LINE__, "%s: A %s",
					  c->s, norm);
		}
		if (ev__value_ok(EV__V_TIMESTAMP, c->s))
			got[n++] = 'V';
		if (time_pointer(c->s))
			got[n++] = 'P';
		got[n] = '\0';
		if (strcmp(got, want) != 0)
			t_fail_at(__FILE__, __LINE__,
				  "\"%s\": accepted by \"%s\", want \"%s\"",
				  c->s, got, want);
	}
}

void test_core_time__a_date_is_read_within_its_length_only(void)
{
	static const char s[] = "2024-06-01T12:00:00Z\0junk";
	ae_time t;
	ae_err err = {0};

	T_ASSERT_INT(ae_time_parse_rfc3339(&t, s, 20, 0, &err), 0);
	T_ASSERT(t.sec == B && t.nsec == 0);
	/* a NUL inside the length is refused, not an end */
	T_ASSERT_INT(ae_time_parse_rfc3339(&t, s, sizeof(s) - 1, 0, &err),
		     AE_EINVAL);
	T_ASSERT_MSG(err, "not an RFC 3339 date-time");
	T_ASSERT(t.sec == 0 && t.nsec == 0);
	/* every prefix is refused, none read past its end */
	for (size_t n = 0; n < 20; n++)
		T_ASSERT_INT(ae_time_parse_rfc3339(&t, s, n, 0, NULL),
			     AE_EINVAL);
	T_ASSERT_INT(ae_time_parse_rfc3339(&t, NULL, 0, 0, NULL), AE_EINVAL);
}

void test_core_time__each_flag_lets_in_its_own_form_only(void)
{
	static const struct {
		const char *s;
		unsigned need; /* the one flag it needs */
		int64_t sec;
		int32_t nsec;
	} rows[] = {
		{"2024-06-01t12:00:00Z", AE_TIME_LOWER, B, 0},
		{"2024-06-01T12:00:00.25Z", AE_TIME_FRAC9, B, 250000000},
		{"2024-06-01T12:00:00.123456789Z", AE_TIME_FRAC9, B, 123456789},
		{"2024-06-01T12:00:00.0000000019Z", AE_TIME_FRAC, B, 1},
		{"2024-06-01T12:00:00-01:30", AE_TIME_OFFSET, B + 5400, 0},
		{"2024-06-01T12:00:00+00:00", AE_TIME_UTC_OFFSET, B, 0},
		{"2016-12-31T23:59:60Z", AE_TIME_LEAP, 1483228800, 0},
	};
	ae_time t;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *s = rows[i].s;

		if (ae_time_parse_rfc3339(&t, s, strlen(s), 0, NULL) == 0)
			t_fail_at(__FILE__, __LINE__, "%s without flags", s);
		if (ae_time_parse_rfc3339(&t, s, strlen(s), rows[i].need,
					  NULL) != 0 ||
		    t.sec != rows[i].sec || t.nsec != rows[i].nsec)
			t_fail_at(__FILE__, __LINE__, "%s: %lld.%09d", s,
				  (long long)t.sec, (int)t.nsec);
	}
	/* FRAC takes what FRAC9 does; the UTC offset is not any offset */
	T_ASSERT_INT(ae_time_parse_rfc3339(&t, "2024-06-01T12:00:00.5Z", 22,
					   AE_TIME_FRAC, NULL),
		     0);
	T_ASSERT_INT(ae_time_parse_rfc3339(&t, "2024-06-01T12:00:00-00:00",
					   25, AE_TIME_UTC_OFFSET, NULL),
		     AE_EINVAL);
	T_ASSERT_INT(ae_time_parse_rfc3339(&t, "2024-06-01T12:00:00+01:00",
					   25, AE_TIME_UTC_OFFSET, NULL),
		     AE_EINVAL);
}

void test_core_time__format_and_parse_are_a_fixed_point(void)
{
	static const struct {
		int64_t sec;
		int32_t nsec;
		const char *want;
	} rows[] = {
		{0, 0, "1970-01-01T00:00:00Z"},
		{-1, 0, "1969-12-31T23:59:59Z"},
		{-62167219200, 0, "0000-01-01T00:00:00Z"},
		{253402300799, 999999999, "9999-12-31T23:59:59.999999999Z"},
		{B, 500000000, "2024-06-01T12:00:00.5Z"},
		{B, 1, "2024-06-01T12:00:00.000000001Z"},
		{951782400, 0, "2000-02-29T00:00:00Z"},
	};
	char out[AE_TIME_MAX];
	ae_time t, u;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		t.sec = rows[i].sec;
		t.nsec = rows[i].nsec;
		T_ASSERT_INT(ae_time_format(out, t), 0);
		T_ASSERT_STR(out, rows[i].want);
		T_ASSERT_INT(ae_time_parse_rfc3339(&u, out, strlen(out),
						   AE_TIME_FRAC9, NULL),
			     0);
		T_ASSERT(u.sec == t.sec && u.nsec == t.nsec);
	}
	t.sec = -62167219201; /* year -1 */
	t.nsec = 0;
	T_ASSERT_INT(ae_time_format(out, t), AE_EINVAL);
	T_ASSERT_STR(out, "");
	t.sec = 253402300800; /* year 10000 */
	T_ASSERT_INT(ae_time_format(out, t), AE_EINVAL);
	t.sec = 0;
	t.nsec = 1000000000;
	T_ASSERT_INT(ae_time_format(out, t), AE_EINVAL);
}

void test_core_time__days_from_civil_and_back_agree_every_day(void)
{
	int64_t y;
	int m, d;

	/* 0000-03-01 .. 9999-12-31 and a stretch of negative years */
	for (int64_t days = -800000; days <= 2932896; days += 1) {
		ae_civil_from_days(days, &y, &m, &d);
		if (ae_days_from_civil(y, m, d) != days)
			t_fail_at(__FILE__, __LINE__, "day %lld",
				  (long long)days);
	}
	ae_civil_from_days(0, &y, &m, &d);
	T_ASSERT(y == 1970 && m == 1 && d == 1);
	ae_civil_from_days(19782, &y, &m, &d); /* 2024-02-29 */
	T_ASSERT(y == 2024 && m == 2 && d == 29);
}
