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

int ae_buf_put_esc(ae_buf *b, const char *s, ae_err *err)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', 0, 0};
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0;
	     p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			rc = ae_buf_put(b, p, 1, err);
			continue;
		}
		e[2] = hex[*p >> 4];
		e[3] = hex[*p & 15];
		rc = ae_buf_put(b, e, sizeof(e), err);
	}
	return rc;
}

char *ae_esc_dup(const char *s, size_t max)
{
	ae_buf b = AE_BUF_INIT(max);

	if (ae_buf_put_esc(&b, s, NULL) < 0 ||
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

int ae_buf_put_esc_value(ae_buf *b, const char *s, ae_err *err)
{
	ae_buf t = AE_BUF_INIT(AE_ESC_VALUE_MAX);
	int rc;

	if (s == NULL)
		return 0;
	if (ae_buf_put_esc(&t, s, NULL) < 0 || ae_buf_put(&t, "", 1, NULL) < 0)
		rc = ae_buf_puts(b, "(unprintable)", err);
	else
		rc = ae_buf_put(b, t.data, t.len - 1, err);
	ae_buf_dispose(&t);
	return rc;
}
