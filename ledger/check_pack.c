/* ledger/check_pack.c -- a pointer blob's size from its pack entry
 *
 * A blob past the pointer cap must be refused unread: a small delta can
 * claim gigabytes (reference §0). libgit2 answers "how large is it?" by
 * walking the object's whole delta chain down to its base, to learn the
 * base's type as well; in a repacked ledger chains are ~25 deep, and that
 * walk cost as much as reading the blob (a third of an audit's reads).
 * The size alone is cheaper to learn: it is in the entry's header for a
 * whole object, and in the first bytes of the delta for a delta (git's
 * pack format: a type-and-size header; for OFS_DELTA a base offset, for
 * REF_DELTA a base id; then a zlib stream; a delta opens with the base's
 * size and the result's size, both base-128 varints). The type is learnt
 * when libgit2 reads the object, and checked then.
 *
 * The packs are the files behind the indexes that ordered the jobs
 * (check_order.c), mapped read-only. Anything not understood here -- a
 * truncated entry, a type outside the format, a stream that does not
 * inflate -- is "no answer", and the caller asks libgit2 as before; an
 * answer that disagrees with what libgit2 then reads is an error.
 */
#include "ledger/internal.h"

#include <string.h>
#include <sys/mman.h>

#define PACK_HEADER  12u /* "PACK", version, object count */
#define PACK_TRAILER 20u /* SHA-1 of the pack */
#define PACK_ID	     20u /* a REF_DELTA's base id */
#define PACK_VARINT  10u /* bytes of a varint we read at most */

enum { OBJ_COMMIT = 1, OBJ_TREE, OBJ_BLOB, OBJ_TAG, OBJ_OFS = 6, OBJ_REF };

void ld__packs_dispose(ld__packs *packs)
{
	for (size_t i = 0; i < packs->n; i++)
		if (packs->v[i].map != NULL)
			munmap(packs->v[i].map, packs->v[i].len);
	memset(packs, 0, sizeof(*packs));
}

void ld__pack_reader_init(ld__pack_reader *pr, const ld__packs *packs)
{
	memset(pr, 0, sizeof(*pr));
	pr->packs = packs;
}

void ld__pack_reader_dispose(ld__pack_reader *pr)
{
	if (pr->zs_ready)
		inflateEnd(&pr->zs);
	memset(pr, 0, sizeof(*pr));
}

/* A base-128 varint, low bits first, from p[0..n): *used bytes. Fails
 * past PACK_VARINT bytes or at the end of the input. */
static int pack_varint(uint64_t *out, size_t *used, const unsigned char *p,
		       size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < PACK_VARINT; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			*out = v;
			*used = i + 1;
			return 0;
		}
	}
	return -1;
}

/* The result size at the head of a delta's zlib stream at p[0..n). */
static int pack_delta_size(uint64_t *size, ld__pack_reader *pr,
			   const unsigned char *p, size_t n)
{
	unsigned char head[2 * PACK_VARINT];
	uint64_t base = 0;
	size_t used = 0, got, used2 = 0;
	int zrc;

	if (!pr->zs_ready) {
		if (inflateInit(&pr->zs) != Z_OK)
			return -1;
		pr->zs_ready = true;
	} else if (inflateReset(&pr->zs) != Z_OK) {
		return -1;
	}
	/* A stream's first bytes come out of its first block; 4 KiB of input
	 * holds any block header that deflate writes. */
	pr->zs.next_in = (unsigned char *)(uintptr_t)p;
	pr->zs.avail_in = (uInt)(n < 4096 ? n : 4096);
	pr->zs.next_out = head;
	pr->zs.avail_out = sizeof(head);
	zrc = inflate(&pr->zs, Z_SYNC_FLUSH);
	if (zrc != Z_OK && zrc != Z_STREAM_END)
		return -1;
	got = sizeof(head) - pr->zs.avail_out;
	if (pack_varint(&base, &used, head, got) < 0 ||
	    pack_varint(size, &used2, head + used, got - used) < 0)
		return -1;
	return 0;
}

int ld__pack_entry_size(uint64_t *size, ld__pack_kind *kind,
			ld__pack_reader *pr, uint32_t pack, uint64_t offset)
{
	const ld__pack_map *m;
	const unsigned char *p, *end;
	unsigned char c;
	unsigned type, shift = 4;
	uint64_t sz;

	if (pr == NULL || pr->packs == NULL || pack >= pr->packs->n)
		return -1;
	m = &pr->packs->v[pack];
	if (m->map == NULL || m->len < PACK_HEADER + PACK_TRAILER ||
	    offset < PACK_HEADER || offset >= m->len - PACK_TRAILER)
		return -1;
	p = m->map + offset;
	end = m->map + m->len - PACK_TRAILER;
	c = *p++;
	type = (c >> 4) & 7u;
	sz = c & 15u;
	while (c & 0x80) {
		if (p == end || shift > 60)
			return -1;
		c = *p++;
		sz |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	switch (type) {
	case OBJ_BLOB:
		*kind = LD__PACK_BLOB;
		*size = sz;
		return 0;
	case OBJ_COMMIT:
	case OBJ_TREE:
	case OBJ_TAG:
		*kind = LD__PACK_OTHER;
		*size = sz;
		return 0;
	case OBJ_OFS:
		for (unsigned i = 0;; i++) {
			if (p == end || i == PACK_VARINT)
				return -1;
			if ((*p++ & 0x80) == 0)
				break;
		}
		break;
	case OBJ_REF:
		if ((size_t)(end - p) < PACK_ID)
			return -1;
		p += PACK_ID;
		break;
	default:
		return -1;
	}
	if (p == end || pack_delta_size(size, pr, p, (size_t)(end - p)) < 0)
		return -1;
	*kind = LD__PACK_DELTA;
	return 0;
}
