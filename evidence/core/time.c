/* evidence/core/time.c -- the one RFC 3339 reader (issue 17)
 *
 * Every date the tool reads -- TUF "expires", the Sigstore trusted root's
 * and signing config's validFor, a predicate's and a pointer's attestedAt,
 * a snapshot's timestamp, `trust --at` -- goes through
 * ae_time_parse_rfc3339; the formats differ only in the flags each caller
 * passes (docs/formats.md "Dates"). Calendar arithmetic is Howard
 * Hinnant's days_from_civil / civil_from_days: exact for every year, with
 * no dependence on timegm, mktime or TZ (tests/lint.sh refuses those
 * anywhere else).
 */
#include "evidence/core/ae.h"

#include <stdio.h>
#include <string.h>

int64_t ae_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ae_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The cursor over the `len` bytes being read. */
typedef struct time_rd {
	const char *s;
	size_t len, i;
} time_rd;

/* Reads exactly `n` ASCII digits into *v. */
static bool time_num(time_rd *r, size_t n, int *v)
{
	*v = 0;
	if (r->len - r->i < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = r->s[r->i + k];

		if (c < '0' || c > '9')
			return false;
		*v = *v * 10 + (c - '0');
	}
	r->i += n;
	return true;
}

/* Takes `c` (or its lower case when `lower`) at the cursor. */
static bool time_lit(time_rd *r, char c, bool lower)
{
	if (r->i >= r->len)
		return false;
	if (r->s[r->i] != c && !(lower && r->s[r->i] == c + ('a' - 'A')))
		return false;
	r->i++;
	return true;
}

static bool time_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int time_mdays(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};

	return mdays[m - 1] + (m == 2 && time_leap_year(y));
}

/* The fraction after '.': its digits (at least one, at most 9 unless
 * AE_TIME_FRAC), the first 9 as nanoseconds. */
static bool time_frac(time_rd *r, unsigned flags, int32_t *nsec)
{
	size_t n = 0;
	int32_t v = 0;

	r->i++; /* '.' */
	while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
		if (n < 9)
			v = v * 10 + (r->s[r->i] - '0');
		n++;
		r->i++;
	}
	if (n == 0 || (n > 9 && !(flags & AE_TIME_FRAC)))
		return false;
	for (size_t k = n; k < 9; k++)
		v *= 10;
	*nsec = v;
	return true;
}

/* The zone: 'Z', or an offset the flags allow; *off east of UTC. */
static bool time_zone(time_rd *r, unsigned flags, int64_t *off)
{
	int oh, om, sign;

	*off = 0;
	if (time_lit(r, 'Z', flags & AE_TIME_LOWER))
		return true;
	if (r->i >= r->len || (r->s[r->i] != '+' && r->s[r->i] != '-') ||
	    !(flags & (AE_TIME_OFFSET | AE_TIME_UTC_OFFSET)))
		return false;
	sign = r->s[r->i++] == '-' ? -1 : 1;
	if (!time_num(r, 2, &oh) || !time_lit(r, ':', false) ||
	    !time_num(r, 2, &om) || oh > 23 || om > 59)
		return false;
	if (!(flags & AE_TIME_OFFSET) && (sign < 0 || oh != 0 || om != 0))
		return false;
	*off = sign * (oh * 3600 + om * 60);
	return true;
}

int ae_time_parse_rfc3339(ae_time *out, const char *s, size_t len,
			  unsigned flags, ae_err *err)
{
	time_rd r = {s, len, 0};
	bool lower = flags & AE_TIME_LOWER;
	int y, mo, d, h, mi, se;
	int32_t nsec = 0;
	int64_t off = 0;

	out->sec = 0;
	out->nsec = 0;
	if (s == NULL)
		return ae_fail(err, AE_EINVAL, "not an RFC 3339 date-time");
	if (!time_num(&r, 4, &y) || !time_lit(&r, '-', false) ||
	    !time_num(&r, 2, &mo) || !time_lit(&r, '-', false) ||
	    !time_num(&r, 2, &d) || !time_lit(&r, 'T', lower) ||
	    !time_num(&r, 2, &h) || !time_lit(&r, ':', false) ||
	    !time_num(&r, 2, &mi) || !time_lit(&r, ':', false) ||
	    !time_num(&r, 2, &se))
		goto bad;
	if (r.i < r.len && r.s[r.i] == '.' &&
	    (!(flags & (AE_TIME_FRAC | AE_TIME_FRAC9)) ||
	     !time_frac(&r, flags, &nsec)))
		goto bad;
	if (!time_zone(&r, flags, &off) || r.i != r.len)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > time_mdays(y, mo) || h > 23 ||
	    mi > 59 || se > ((flags & AE_TIME_LEAP) ? 60 : 59))
		goto bad;
	out->sec = ae_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
		   (int64_t)mi * 60 + se - off;
	out->nsec = nsec;
	return 0;
bad:
	return ae_fail(err, AE_EINVAL, "not an RFC 3339 date-time");
}

int ae_time_format(char out[AE_TIME_MAX], ae_time t)
{
	int64_t days, secs, y;
	int m, d, n;
	char frac[11] = "";

	out[0] = '\0';
	if (t.nsec < 0 || t.nsec > 999999999)
		return AE_EINVAL;
	days = t.sec / 86400;
	secs = t.sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	ae_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return AE_EINVAL;
	if (t.nsec != 0) {
		snprintf(frac, sizeof(frac), ".%09d", (int)t.nsec);
		for (n = 9; frac[n] == '0'; n--)
			frac[n] = '\0';
	}
	snprintf(out, AE_TIME_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", (int)y,
		 m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		 (int)(secs % 60), frac);
	return 0;
}
