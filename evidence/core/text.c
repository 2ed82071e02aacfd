/* evidence/core/text.c -- checks on names and text from outside, and the
 * one escape for showing it to a human */
#include "evidence/core/ae.h"

#include <string.h>

bool ae_path_element_is_plain(const char *s)
{
	size_t n;

	if (s == NULL || s[0] == '\0' || s[0] == '.')
		return false;
	n = strlen(s);
	if (n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == '/' || c == '\\')
			return false;
	}
	return true;
}

bool ae_has_nul(const void *data, size_t len)
{
	return len > 0 && memchr(data, '\0', len) != NULL;
}

/* Whether ae_buf_put_esc keeps byte `c` as it is. */
int ae_strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool esc_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

int ae_buf_put_esc(ae_buf *b, const char *s, ae_err *err)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;

	while (*p && rc == 0) {
		size_t run = 0;

		while (p[run] && esc_plain(p[run]))
			run++;
		if (run > 0) {
			rc = ae_buf_put(b, p, run, err);
			p += run;
			continue;
		}
		char e[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
		rc = ae_buf_put(b, e, sizeof(e), err);
		p++;
	}
	return rc;
}

/* The length of ae_buf_put_esc's escape of `s`, counted until it reaches
 * `cap` (a longer one returns some n >= cap). */
static size_t esc_len(const char *s, size_t cap)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && n < cap;
	     p++)
		n += esc_plain(*p) ? 1 : 4;
	return n;
}

/* The one capped escape of a value: every display of untrusted text that
 * is cut at a size goes through here (tests/lint.sh keeps the marker to
 * this file). */
int ae_buf_put_esc_value(ae_buf *b, const char *s, ae_err *err)
{
	if (s == NULL)
		return 0;
	/* with its NUL the escape must fit AE_ESC_VALUE_MAX */
	if (esc_len(s, AE_ESC_VALUE_MAX) >= AE_ESC_VALUE_MAX)
		return ae_buf_puts(b, AE_ESC_UNPRINTABLE, err);
	return ae_buf_put_esc(b, s, err);
}

char *ae_esc_value_dup(const char *s)
{
	ae_buf b = AE_BUF_INIT(AE_ESC_VALUE_MAX);

	if (ae_buf_put_esc_value(&b, s, NULL) < 0 ||
	    ae_buf_put(&b, "", 1, NULL) < 0) {
		ae_buf_dispose(&b);
		return NULL;
	}
	return (char *)ae_buf_detach(&b, NULL);
}

size_t ae_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[AE_EDIT_MAX + 1];

	if (la > AE_EDIT_MAX || lb > AE_EDIT_MAX)
		return cap;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j],
			       best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb] < cap ? row[lb] : cap;
}
