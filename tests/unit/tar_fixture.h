/* tests/unit/tar_fixture.h -- tar layers written by hand for the tar
 * reader's unit cases (test_oci: safe extraction; test_bundle_mem: the
 * in-memory sink): one copy of the ustar header writer each file had.
 * Included by the test file; the function is static, one per file.
 */
#ifndef AE_TESTS_TAR_FIXTURE_H
#define AE_TESTS_TAR_FIXTURE_H

#include <stdio.h>
#include <string.h>

/* Appends to buf at *off one ustar header of type `type` (mode 0644, uid
 * and gid 0, mtime 0) naming `name`, with `link` as its link name (or
 * none), followed by `data` (or nothing) padded to 512 bytes. The caller's
 * buffer is zeroed and large enough. */
static inline void t_tar_add(unsigned char *buf, size_t *off, const char *name,
			     char type, const char *data, const char *link)
{
	unsigned char *h = buf + *off;
	size_t len = data ? strlen(data) : 0;
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (unsigned char)type;
	if (link != NULL)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	*off += 512;
	if (len > 0) {
		memcpy(buf + *off, data, len);
		*off += (len + 511) / 512 * 512;
	}
}

#endif
