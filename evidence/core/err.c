/* evidence/core/err.c -- the error slot every call carries
 *
 * The first failure recorded is the cause (curl failf); later ones are the
 * fallout and are dropped. Messages are one line: a newline in a formatted
 * message is a bug in the caller, so it is replaced rather than trusted.
 */
#include "evidence/core/ae.h"

#include <stdio.h>
#include <string.h>

int ae_failv(ae_err *err, int code, const char *fmt, va_list ap)
{
	if (err == NULL || err->msg[0] != '\0') {
		if (err != NULL && err->code == 0)
			err->code = code;
		return code;
	}
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	for (char *p = err->msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	return code;
}

int ae_fail(ae_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = ae_failv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void ae_err_clear(ae_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *ae_err_name(int code)
{
	switch (code) {
	case AE_OK:
		return "ok";
	case AE_EINVAL:
		return "invalid input";
	case AE_ETOOBIG:
		return "too large";
	case AE_ENOTFOUND:
		return "not found";
	case AE_EVERIFY:
		return "verification failed";
	case AE_EAUTH:
		return "authentication failed";
	case AE_ETRANSIENT:
		return "transient failure";
	case AE_EIO:
		return "i/o error";
	case AE_EEXISTS:
		return "already exists";
	default:
		return "internal error";
	}
}

const char *ae_repr(char *out, size_t outsz, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t o = 0, take = len > AE_REPR_MAX ? AE_REPR_MAX : len;

	if (out == NULL || outsz < 8)
		return "";
	out[o++] = '"';
	for (size_t i = 0; i < take && o + 6 < outsz; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o++] = '"';
	if (take < len && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
