/* evidence/core/re.c -- regular expressions: RE2, read as Go reads them
 *
 * The C side of the RE2 shim (re2shim.h): limits, messages, and the two
 * places where RE2 in C++ and Go's regexp part ways. Go has no `\C` (one
 * byte), so it is refused here. And Go decodes text that is not valid
 * UTF-8 one malformed byte at a time, each as U+FFFD (utf8.DecodeRune),
 * while RE2 walks bytes: `.` in RE2 skips a stray 0xff that Go's `.`
 * matches, and accepts an encoded surrogate as one character where Go
 * sees three. So malformed text is rewritten into exactly what Go sees
 * before RE2 looks at it.
 */
#include "evidence/core/ae.h"
#include "evidence/core/re2shim.h"

#include <stdlib.h>
#include <string.h>

struct ae_re {
	void *re2;
};

/* True iff the pattern holds the escape \C outside \Q...\E. A `\` always
 * takes the next character with it, in brackets too, as in both parsers;
 * \Q quotes up to the next \E or the end (Go's strings.Cut). */
static bool re_has_byte_escape(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] == 'C')
			return true;
		if (p[i + 1] == 'Q') {
			const char *e = memmem(p + i + 2, n - i - 2, "\\E", 2);
			if (e == NULL)
				return false;
			i = (size_t)(e - p);
		}
		i++;
	}
	return false;
}

int ae_re_new(ae_re **out, const char *pattern, long max_mem, ae_err *err)
{
	char why[128], arg[AE_RE_MAX_BYTES + 1], r[AE_REPR_BUF];
	size_t n;
	int code = 0;
	void *h;

	*out = NULL;
	AE_ASSERT_ARG(pattern != NULL && max_mem > 0, err);
	n = strlen(pattern);
	if (n > AE_RE_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG, "pattern of %zu bytes, cap %d",
			       n, AE_RE_MAX_BYTES);
	if (re_has_byte_escape(pattern, n))
		return ae_fail(err, AE_EINVAL,
			       "invalid escape sequence: \\C (one byte: RE2 "
			       "has it, Go's regexp does not)");
	h = ae__re2_new(&code, why, sizeof(why), arg, sizeof(arg), pattern, n,
			max_mem);
	if (h == NULL && code == AE__RE2_TOOBIG)
		return ae_fail(err, AE_ETOOBIG,
			       "pattern too large: its compiled program "
			       "exceeds %ld KiB",
			       max_mem / 1024);
	if (h == NULL && code == AE__RE2_SYNTAX)
		return ae_fail(
			err, AE_EINVAL, "%s%s%s", why, arg[0] ? ": " : "",
			arg[0] ? ae_repr(r, sizeof(r), arg, strlen(arg)) : "");
	if (h == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	*out = malloc(sizeof(**out));
	if (*out == NULL) {
		ae__re2_free(h);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	(*out)->re2 = h;
	return 0;
}

size_t ae_re_cost(const ae_re *re)
{
	return re ? ae__re2_cost(re->re2) : 0;
}

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes left), as
 * Go's utf8.DecodeRune accepts one: shortest form, no surrogate, at most
 * U+10FFFF (RFC 3629 §4); 0 when malformed. */
static size_t re_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t k;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	k = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return k;
}

/* The offset of the first malformed byte of (s, n), or n. */
static size_t re_utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && (k = re_utf8_len(s + i, n - i)) > 0)
		i += k;
	return i;
}

bool ae_utf8_valid(const char *s, size_t len)
{
	return re_utf8_valid_prefix((const unsigned char *)s, len) == len;
}

/* Writes (s, n) with every malformed byte replaced by U+FFFD (EF BF BD)
 * into a new buffer (free()) of *outlen bytes; NULL when out of memory. */
static char *re_utf8_as_go(size_t *outlen, const unsigned char *s, size_t n)
{
	char *o;
	size_t j = 0, k;

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	o = malloc(n * 3 + 1);
	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i += k) {
		k = re_utf8_len(s + i, n - i);
		if (k == 0) {
			memcpy(o + j, "\xef\xbf\xbd", 3);
			j += 3;
			k = 1;
		} else {
			memcpy(o + j, s + i, k);
			j += k;
		}
	}
	*outlen = j;
	return o;
}

int ae_re_match(bool *match, const ae_re *re, const char *s, size_t len,
		ae_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	char *go = NULL;
	size_t golen = 0;
	int m;

	*match = false;
	AE_ASSERT_ARG(re != NULL && (s != NULL || len == 0), err);
	if (len == 0)
		s = "";
	if (re_utf8_valid_prefix(u, len) == len) {
		m = ae__re2_full_match(re->re2, s, len);
	} else {
		go = re_utf8_as_go(&golen, u, len);
		if (go == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		m = ae__re2_full_match(re->re2, go, golen);
		free(go);
	}
	if (m < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	*match = m == 1;
	return 0;
}

void ae_re_free(ae_re *re)
{
	if (re == NULL)
		return;
	ae__re2_free(re->re2);
	free(re);
}
