/* tests/fuzz/pack_entry_fuzz.c -- libFuzzer target for the pack entry
 * reader behind the audit's blob sizes (ledger/check_pack.c)
 *
 * The input is a pack image; ld__pack_entry_size is asked for the entry at
 * each of its first offsets, with one reader reused as the audit reuses
 * it. Reads must stay inside the image (ASan), an answer must be one of the
 * three kinds, and asking twice must give the same answer. Seeds in
 * tests/fuzz/corpus/pack_entry/.
 */
#include "ledger/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld__packs packs;
	ld__pack_reader pr;
	unsigned char *img;

	if (size == 0)
		return 0;
	/* an exact-size copy, so ASan sees a read past the image */
	img = malloc(size);
	if (img == NULL)
		return 0;
	memcpy(img, data, size);
	memset(&packs, 0, sizeof(packs));
	packs.n = 1;
	packs.v[0].map = img;
	packs.v[0].len = size;
	ld__pack_reader_init(&pr, &packs);
	for (uint64_t off = 0; off < size && off < 512; off++) {
		ld__pack_kind k1 = LD__PACK_OTHER, k2 = LD__PACK_OTHER;
		uint64_t s1 = 0, s2 = 0;
		int r1 = ld__pack_entry_size(&s1, &k1, &pr, 0, off);
		int r2 = ld__pack_entry_size(&s2, &k2, &pr, 0, off);
		if (r1 != r2 || (r1 == 0 && (s1 != s2 || k1 != k2)))
			abort();
		if (r1 == 0 && k1 != LD__PACK_BLOB && k1 != LD__PACK_OTHER &&
		    k1 != LD__PACK_DELTA)
			abort();
	}
	ld__pack_reader_dispose(&pr);
	free(img);
	return 0;
}
