/* tests/fuzz/targz_fuzz.c -- libFuzzer target for the gzip side of
 * extraction (issue 23 items 3 and 8): any bytes as a tar+gzip layer, read
 * from a file descriptor as a pull reads one. Holds it to:
 * - nothing is created outside the directory;
 * - a layer that extracts is exactly one gzip member whose trailer (CRC-32,
 *   ISIZE) zlib accepts, with no byte after it (checked with zlib alone),
 *   and its inflated tar extracts from memory to the same files;
 * - as unverified input (a layer still downloading) it either extracts to
 *   the same files, or fails as the verified read does, or gives up having
 *   written at most OCI__UNVERIFIED_RATIO times the input plus the slack;
 * - read through a callback in pieces of uneven sizes (as the extractor
 *   reads a download's file while it grows, oci__tar_extract_from), it
 *   reads exactly as from the descriptor;
 * - lent in pieces of uneven sizes (as a download's buffers are lent to
 *   the extractor, oci__tar_extract_lent), each freed once given back, it
 *   reads exactly as from the descriptor and never reads a piece it gave
 *   back (the trailer check keeps its own copy of the last bytes). */
#include "oci/internal.h"
#include "oci/oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "untar_fuzz_util.h"

#define TF_INFLATE_MAX (64u << 20) /* inflated bytes this check looks at */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inflates data as one gzip member with zlib alone: the member must end
 * (trailer checked) exactly at the end of the input. The plain bytes are
 * returned (free()); NULL when the input is not such a member, with
 * *big set when it inflates past what this check looks at. */
static unsigned char *tf_inflate(const uint8_t *data, size_t size,
				 size_t *n_out, bool *big)
{
	z_stream z;
	unsigned char *out = malloc(TF_INFLATE_MAX);
	int zrc;

	memset(&z, 0, sizeof(z));
	if (out == NULL || inflateInit2(&z, 31) != Z_OK)
		abort();
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = TF_INFLATE_MAX;
	zrc = inflate(&z, Z_FINISH);
	*n_out = z.total_out;
	*big = zrc == Z_BUF_ERROR && z.avail_out == 0;
	inflateEnd(&z);
	if (zrc != Z_STREAM_END || z.avail_in != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* A growing input: pieces of 1, 2, ... up to 4099 bytes, then over. */
typedef struct tf_piecewise {
	const uint8_t *p;
	size_t n, off, step;
} tf_piecewise;

static int tf_read(void *ctx, unsigned char *buf, size_t n, size_t *got,
		   ae_err *err)
{
	tf_piecewise *w = ctx;
	size_t k = w->n - w->off;

	(void)err;
	w->step = w->step % 4099 + 1;
	if (k > w->step)
		k = w->step;
	if (k > n)
		k = n;
	memcpy(buf, w->p + w->off, k);
	w->off += k;
	*got = k;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tf_piecewise w = {data, size, 0, (size * 7) % 4099};
	oci__untar_opts o = {NULL, true};
	unsigned char *plain;
	ae_err err = {0}, uerr = {0};
	bool gave_up = false, big = false;
	size_t n = 0;
	int fd, rc, urc;

	uf_init();
	fd = uf_memfd(data, size);
	rc = oci_tar_extract_fd(fd, true, uf_dir(0), &err);
	uf_check_contained();
	if (rc == 0) {
		plain = tf_inflate(data, size, &n, &big);
		if (plain == NULL && !big)
			abort(); /* accepted: not one clean gzip member */
		if (plain != NULL &&
		    (oci_tar_extract_mem(plain, n, uf_dir(1), &err) != 0 ||
		     !uf_trees_equal(uf_dir(0), uf_dir(1))))
			abort(); /* the inflated tar reads otherwise */
		free(plain);
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	urc = oci__tar_extract(fd, true, uf_dir(2), &o, &gave_up, &uerr);
	if (gave_up && (urc != AE_ETOOBIG ||
			uf_tree_bytes(uf_dir(2)) >
				(uint64_t)size * OCI__UNVERIFIED_RATIO +
					OCI__UNVERIFIED_SLACK))
		abort(); /* gave up late */
	if (!gave_up && (urc == 0) != (rc == 0))
		abort(); /* unverified and verified reads disagree */
	if (urc == 0 && !uf_trees_equal(uf_dir(0), uf_dir(2)))
		abort();
	urc = oci__tar_extract_from(tf_read, &w, true, uf_dir(3), NULL, NULL,
				    &uerr);
	if ((urc == 0) != (rc == 0) ||
	    (urc == 0 && !uf_trees_equal(uf_dir(0), uf_dir(3))))
		abort(); /* a piecewise read reads otherwise */
	ae_err_clear(&uerr);
	urc = uf_extract_lent(data, size, true, uf_dir(4), &uerr);
	if ((urc == 0) != (rc == 0) ||
	    (urc == 0 && !uf_trees_equal(uf_dir(0), uf_dir(4))))
		abort(); /* lent pieces read otherwise */
	close(fd);
	uf_check_contained();
	uf_clean();
	return 0;
}
