/* tests/fuzz/tar_fuzz.c -- libFuzzer target for safe extraction: any bytes
 * as a plain tar layer, extracted into a fresh directory. Holds it to:
 * - nothing is created outside the directory (the parent holds only it);
 * - the files written are never larger in total than the input;
 * - an archive that extracts ends at its end-of-archive marker: the same
 *   bytes followed by a non-zero block are refused (issue 23: nothing is
 *   hidden after the first zero block, no trailing garbage);
 * - through gzip it extracts to the same files, and with its gzip CRC-32
 *   or ISIZE broken it is refused (the trailer is checked);
 * - lent in pieces (oci__tar_extract_lent) it reads as from memory. */
#include "oci/internal.h"
#include "oci/oci.h"

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "untar_fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input gzipped into a memfd, the trailer's byte `at` (0-3 CRC-32,
 * 4-7 ISIZE) xor `x`, rewound. */
static int gz_memfd(const uint8_t *data, size_t size, unsigned x, size_t at)
{
	size_t n = 0;
	unsigned char *out = uf_gzip(data, size, &n);
	int fd;

	out[n - 8 + at] ^= (unsigned char)x;
	fd = uf_memfd(out, n);
	free(out);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *more;
	ae_err err = {0};
	int fd, rc;

	uf_init();
	rc = oci_tar_extract_mem(data, size, uf_dir(0), &err);
	uf_check_contained();
	if (rc == 0 && uf_tree_bytes(uf_dir(0)) > size)
		abort(); /* files hold more than the archive did */
	if (rc == 0) {
		/* the same archive followed by a non-zero block */
		more = malloc(size + 512);
		if (more == NULL)
			abort();
		memcpy(more, data, size);
		memset(more + size, 'A', 512);
		ae_err_clear(&err);
		if (oci_tar_extract_mem(more, size + 512, uf_dir(1), &err) ==
		    0)
			abort(); /* something after the end was accepted */
		free(more);
		/* through gzip: the same files; a broken CRC: refused */
		fd = gz_memfd(data, size, 0, 0);
		ae_err_clear(&err);
		if (oci_tar_extract_fd(fd, true, uf_dir(2), &err) != 0 ||
		    !uf_trees_equal(uf_dir(0), uf_dir(2)))
			abort();
		close(fd);
		fd = gz_memfd(data, size, 1u << (size % 8), size % 4);
		if (oci_tar_extract_fd(fd, true, uf_dir(3), &err) == 0)
			abort(); /* a wrong CRC-32 was accepted */
		close(fd);
		fd = gz_memfd(data, size, 1u << (size % 8), 4 + size % 4);
		if (oci_tar_extract_fd(fd, true, uf_dir(5), &err) == 0)
			abort(); /* a wrong ISIZE was accepted */
		close(fd);
	}
	{
		ae_err lerr = {0};
		int lrc = uf_extract_lent(data, size, false, uf_dir(4), &lerr);
		if ((lrc == 0) != (rc == 0) ||
		    (lrc == 0 && !uf_trees_equal(uf_dir(0), uf_dir(4))))
			abort(); /* lent pieces read otherwise */
	}
	uf_check_contained();
	uf_clean();
	return 0;
}
