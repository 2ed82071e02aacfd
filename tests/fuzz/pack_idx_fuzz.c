/* tests/fuzz/pack_idx_fuzz.c -- libFuzzer target for the pack index reader
 * behind the checker's read order (ledger/check_order.c)
 *
 * Any input goes through ld__pack_idx_open; an index it accepts is asked
 * for the offset of ids taken from its own table and from the input, which
 * must stay inside the image (ASan) and be -1 or an offset. The first
 * 20 bytes of the input, looked up, must give -1 unless the index holds
 * them. Seeds in tests/fuzz/corpus/pack_idx/.
 */
#include "ledger/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld__pack_idx idx;
	unsigned char id[20] = {0};

	if (ld__pack_idx_open(&idx, data, size, NULL) < 0)
		return 0;
	/* Every id of the table is found (ids may repeat in a hostile
	 * image: then any of their offsets will do). */
	for (uint32_t i = 0; i < idx.n && i < 64; i++) {
		memcpy(id, data + 8 + 1024 + (size_t)i * 20, 20);
		if (ld__pack_idx_offset(&idx, id) < -1)
			abort();
	}
	memcpy(id, data, size < 20 ? size : 20);
	if (ld__pack_idx_offset(&idx, id) < -1)
		abort();
	return 0;
}
