/* evidence/core/b64.c -- strict base64 (RFC 4648 §4)
 *
 * Sigstore bundles carry signatures, certificates and proofs in base64; a
 * lenient decoder would let two different strings stand for one value. So
 * decoding is canonical only: padding required, no whitespace, and the
 * unused low bits of the last quantum must be zero.
 */
#include "evidence/core/ae.h"

#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int ae_base64_decode(unsigned char **out, size_t *out_len, const char *in,
		     size_t in_len, ae_err *err)
{
	unsigned char *buf;
	size_t pad = 0, o = 0;

	*out = NULL;
	*out_len = 0;
	if (in_len % 4 != 0)
		return ae_fail(err, AE_EINVAL,
			       "base64 length %zu is not a multiple of 4",
			       in_len);
	if (in_len > 0 && in[in_len - 1] == '=')
		pad++;
	if (in_len > 1 && in[in_len - 2] == '=')
		pad++;
	buf = malloc(in_len / 4 * 3 + 1);
	if (buf == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < in_len; i += 4) {
		int v[4];
		bool last = i + 4 == in_len;
		for (int k = 0; k < 4; k++) {
			bool padpos = last && k >= 4 - (int)pad;
			v[k] = padpos ? 0 : b64_value(in[i + (size_t)k]);
			if (v[k] < 0) {
				free(buf);
				return ae_fail(err, AE_EINVAL,
					       "invalid base64 character at "
					       "offset %zu",
					       i + (size_t)k);
			}
		}
		unsigned int q = ((unsigned)v[0] << 18) |
				 ((unsigned)v[1] << 12) |
				 ((unsigned)v[2] << 6) | (unsigned)v[3];
		if (last && ((pad == 1 && (q & 0xff) != 0) ||
			     (pad == 2 && (q & 0xffff) != 0))) {
			free(buf);
			return ae_fail(err, AE_EINVAL,
				       "non-canonical base64 padding bits");
		}
		buf[o++] = (unsigned char)(q >> 16);
		if (!(last && pad == 2))
			buf[o++] = (unsigned char)(q >> 8);
		if (!(last && pad >= 1))
			buf[o++] = (unsigned char)q;
	}
	buf[o] = 0;
	*out = buf;
	*out_len = o;
	return 0;
}

int ae_base64_encode(char **out, const void *data, size_t len, ae_err *err)
{
	const unsigned char *p = data;
	size_t n = (len + 2) / 3 * 4, o = 0;
	char *s;

	*out = NULL;
	s = malloc(n + 1);
	if (s == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < len; i += 3) {
		unsigned int q = (unsigned)p[i] << 16;
		if (i + 1 < len)
			q |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			q |= p[i + 2];
		s[o++] = b64_alphabet[(q >> 18) & 63];
		s[o++] = b64_alphabet[(q >> 12) & 63];
		s[o++] = i + 1 < len ? b64_alphabet[(q >> 6) & 63] : '=';
		s[o++] = i + 2 < len ? b64_alphabet[q & 63] : '=';
	}
	s[o] = '\0';
	*out = s;
	return 0;
}
