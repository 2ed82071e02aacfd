/* evidence/core/text.c -- checks on names and text from outside */
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
