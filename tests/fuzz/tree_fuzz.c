/* tests/fuzz/tree_fuzz.c -- libFuzzer target for the raw tree reader
 * behind the checker's `git fsck` rules (ledger/check_fsck.c)
 *
 * Any input goes through ld__tree_fsck. Every entry ld__rawtree_next
 * returns lies inside the input (ASan); every name a finding points at is
 * one of those entries. A tree judged clean must be what git writes: each
 * entry a standard mode without leading zero, a non-empty name without
 * '/', not "." or "..", a non-null id, and the names strictly increasing in
 * git's order (checked here pairwise by a plain second implementation).
 * Seeds in tests/fuzz/corpus/tree/.
 */
#include "ledger/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CHECKED 256

/* git's order, written out plainly: a directory compares as "name/". */
static int slow_order(const ld__rawent *a, const ld__rawent *b)
{
	char x[1024], y[1024];
	size_t nx = a->name_len < 1000 ? a->name_len : 1000;
	size_t ny = b->name_len < 1000 ? b->name_len : 1000;

	memcpy(x, a->name, nx);
	memcpy(y, b->name, ny);
	if (a->mode == LD__MODE_TREE)
		x[nx++] = '/';
	if (b->mode == LD__MODE_TREE)
		y[ny++] = '/';
	for (size_t i = 0; i < nx && i < ny; i++)
		if (x[i] != y[i])
			return (unsigned char)x[i] < (unsigned char)y[i] ? -1 : 1;
	return nx < ny ? -1 : nx > ny;
}

static bool standard_mode(uint32_t m)
{
	return m == LD__MODE_BLOB || m == LD__MODE_EXEC || m == LD__MODE_LINK ||
	       m == LD__MODE_TREE || m == LD__MODE_GITLINK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ld__rawent v[MAX_CHECKED];
	const unsigned char *p = data, *end = data + size;
	ld__fsck f;
	size_t n = 0;
	int rc;

	ld__tree_fsck(&f, data, size);
	while ((rc = ld__rawtree_next(&v[n % MAX_CHECKED], &p, end)) == 1) {
		const ld__rawent *e = &v[n % MAX_CHECKED];
		if ((const uint8_t *)e->name < data ||
		    (const uint8_t *)e->name + e->name_len + 21 > end)
			abort();
		n++;
	}
	if ((rc < 0) != !!(f.found & (1u << LD__FSCK_BAD_TREE)))
		abort();
	for (int k = 0; k < LD__FSCK_COUNT; k++)
		if (f.name[k] != NULL && ((const uint8_t *)f.name[k] < data ||
					  (const uint8_t *)f.name[k] +
							  f.name_len[k] >
						  end))
			abort();
	if (f.found != 0 || n > MAX_CHECKED)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const ld__rawent *e = &v[i];
		static const unsigned char zero[20];
		if (!standard_mode(e->mode) || e->zero_padded ||
		    e->name_len == 0 || memchr(e->name, '/', e->name_len) ||
		    (e->name_len <= 2 && memcmp(e->name, "..", e->name_len) == 0) ||
		    memcmp(e->id, zero, 20) == 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (slow_order(&v[j], e) >= 0 ||
			    (v[j].name_len == e->name_len &&
			     memcmp(v[j].name, e->name, e->name_len) == 0))
				abort();
	}
	return 0;
}
