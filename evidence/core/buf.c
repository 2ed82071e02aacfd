/* evidence/core/buf.c -- growable byte buffers that carry their own ceiling
 *
 * Modelled on curl's dynbuf: a buffer is born with a maximum, and an append
 * past it empties the buffer and reports AE_ETOOBIG, so a caller can never
 * keep working on a silently truncated value.
 */
#include "evidence/core/ae.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ae_buf_init(ae_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void ae_buf_dispose(ae_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* Grows the allocation to hold `need` bytes plus the trailing NUL. */
static int buf_grow(ae_buf *b, size_t need, ae_err *err)
{
	size_t n = b->alloc ? b->alloc : 256;
	unsigned char *p;

	while (n < need + 1) {
		if (n > SIZE_MAX / 2) {
			n = need + 1;
			break;
		}
		n *= 2;
	}
	p = realloc(b->data, n);
	if (p == NULL) {
		ae_buf_dispose(b);
		return ae_fail(err, AE_ERR, "out of memory (%zu bytes)", n);
	}
	b->data = p;
	b->alloc = n;
	return 0;
}

int ae_buf_put(ae_buf *b, const void *data, size_t len, ae_err *err)
{
	size_t need;
	int rc;

	if (__builtin_add_overflow(b->len, len, &need) || need > b->max) {
		size_t had = b->len;
		ae_buf_dispose(b);
		return ae_fail(err, AE_ETOOBIG,
			       "data exceeds %zu bytes (had %zu, adding %zu)",
			       b->max, had, len);
	}
	if (need + 1 > b->alloc) {
		rc = buf_grow(b, need, err);
		if (rc < 0)
			return rc;
	}
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len = need;
	b->data[b->len] = '\0';
	return 0;
}

int ae_buf_puts(ae_buf *b, const char *s, ae_err *err)
{
	return ae_buf_put(b, s, strlen(s), err);
}

int ae_buf_vprintf(ae_buf *b, ae_err *err, const char *fmt, va_list ap)
{
	char small[512];
	char *big = NULL;
	va_list again;
	int n, rc;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0 || (size_t)n < sizeof(small)) {
		va_end(again);
		return n < 0 ? ae_fail(err, AE_ERR, "formatting failed")
			     : ae_buf_put(b, small, (size_t)n, err);
	}
	big = malloc((size_t)n + 1);
	if (big != NULL)
		vsnprintf(big, (size_t)n + 1, fmt, again);
	va_end(again);
	if (big == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	rc = ae_buf_put(b, big, (size_t)n, err);
	free(big);
	return rc;
}

int ae_buf_printf(ae_buf *b, ae_err *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ae_buf_vprintf(b, err, fmt, ap);
	va_end(ap);
	return rc;
}

unsigned char *ae_buf_detach(ae_buf *b, size_t *len_out)
{
	unsigned char *p = b->data;

	if (len_out != NULL)
		*len_out = b->len;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
