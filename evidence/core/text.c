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
