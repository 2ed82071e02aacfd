/* tests/fuzz/tar_fuzz.c -- libFuzzer target for safe extraction: any bytes
 * as a tar layer, extracted into a fresh directory; nothing may be created
 * outside it (checked: the parent holds only that directory) */
#include "oci/oci.h"

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char root[64];
	char dest[128];
	ae_err err = {0};
	DIR *d;
	struct dirent *de;
	int entries = 0;

	if (root[0] == '\0') {
		snprintf(root, sizeof(root), "/tmp/tar-fuzz-XXXXXX");
		if (mkdtemp(root) == NULL)
			abort();
	}
	snprintf(dest, sizeof(dest), "%s/x", root);
	if (mkdir(dest, 0700) != 0)
		abort();
	(void)oci_tar_extract_mem(data, size, dest, &err);
	d = opendir(root);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(d);
	if (entries != 1)
		abort(); /* something escaped the destination */
	nftw(dest, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
