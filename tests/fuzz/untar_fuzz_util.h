/* tests/fuzz/untar_fuzz_util.h -- what tar_fuzz, targz_fuzz and
 * tree_sink_fuzz share: scratch directories (on /dev/shm when it can be
 * written: file creation there costs no disk), a containment check, tree
 * comparison, a memfd, the input gzipped, a lender of the input in pieces.
 * Functions are static: each target is one translation unit. */
#ifndef UNTAR_FUZZ_UTIL_H
#define UNTAR_FUZZ_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define UF_DIRS 6

static char uf_root[128];
static char uf_paths[UF_DIRS][160];
static int uf_made;

static void uf_init(void)
{
	if (uf_root[0] == '\0') {
		const char *base =
			access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(uf_root, sizeof(uf_root), "%s/tar-fuzz-XXXXXX", base);
		if (mkdtemp(uf_root) == NULL)
			abort();
	}
	uf_made = 0;
}

/* The i-th scratch directory, created empty on first use. */
static const char *uf_dir(int i)
{
	snprintf(uf_paths[i], sizeof(uf_paths[i]), "%s/x%d", uf_root, i);
	if ((uf_made & (1 << i)) == 0) {
		if (mkdir(uf_paths[i], 0700) != 0)
			abort();
		uf_made |= 1 << i;
	}
	return uf_paths[i];
}

/* Aborts unless the root holds only our scratch directories. */
static void uf_check_contained(void)
{
	DIR *d = opendir(uf_root);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_name[0] != 'x' || de->d_name[1] < '0' ||
		    de->d_name[1] >= '0' + UF_DIRS || de->d_name[2] != '\0')
			abort(); /* something escaped a destination */
		n++;
	}
	closedir(d);
	if (n != __builtin_popcount((unsigned)uf_made))
		abort();
}

static uint64_t uf_bytes;

static int uf_add_size(const char *p, const struct stat *sb, int flag,
		       struct FTW *f)
{
	(void)p;
	(void)f;
	if (flag == FTW_F)
		uf_bytes += (uint64_t)sb->st_size;
	return 0;
}

/* The bytes of all regular files under dir. */
static uint64_t uf_tree_bytes(const char *dir)
{
	uf_bytes = 0;
	nftw(dir, uf_add_size, 16, FTW_PHYS);
	return uf_bytes;
}

static const char *uf_other; /* the tree compared against */
static size_t uf_skip;	     /* length of the walked root */
static int uf_diff;

static int uf_same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ca, cb, same = fa != NULL && fb != NULL;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static int uf_cmp_one(const char *p, const struct stat *sb, int flag,
		      struct FTW *f)
{
	char q[8192];
	struct stat st;

	(void)f;
	snprintf(q, sizeof(q), "%s%s", uf_other, p + uf_skip);
	if (lstat(q, &st) != 0 || (st.st_mode & S_IFMT) != (sb->st_mode & S_IFMT))
		uf_diff = 1;
	else if (flag == FTW_F && !uf_same_file(p, q))
		uf_diff = 1;
	return uf_diff;
}

/* True iff the trees hold the same names, types and file bytes. */
static int uf_trees_equal(const char *a, const char *b)
{
	uf_diff = 0;
	uf_other = b;
	uf_skip = strlen(a);
	nftw(a, uf_cmp_one, 16, FTW_PHYS);
	uf_other = a;
	uf_skip = strlen(b);
	if (!uf_diff)
		nftw(b, uf_cmp_one, 16, FTW_PHYS);
	return !uf_diff;
}

static int uf_rm_one(const char *p, const struct stat *sb, int flag,
		     struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void uf_clean(void)
{
	for (int i = 0; i < UF_DIRS; i++)
		if (uf_made & (1 << i))
			nftw(uf_paths[i], uf_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	uf_made = 0;
}

/* `n` bytes in a new memfd, rewound. */
static int uf_memfd(const void *data, size_t n)
{
	int fd = memfd_create("layer", MFD_CLOEXEC);

	if (fd < 0 || (n > 0 && write(fd, data, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* The input gzipped (level 1, one member) into a new buffer of *n bytes. */
static unsigned char *uf_gzip(const uint8_t *data, size_t size, size_t *n)
{
	uLong cap = compressBound((uLong)size) + 64;
	unsigned char *out = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (out == NULL ||
	    deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*n = z.total_out;
	deflateEnd(&z);
	return out;
}

/* An oci__lend_fn over the input in pieces of uneven sizes (1 to 4099
 * bytes), each a copy of its own that is freed when the next is asked
 * for: an extractor that reads a piece after giving it back reads freed
 * memory (AddressSanitizer). */
typedef struct uf_lender {
	const uint8_t *p;
	size_t n, off, step;
	unsigned char *piece;
} uf_lender;

static int uf_lend(void *ctx, const unsigned char **p, size_t *got,
		   ae_err *err)
{
	uf_lender *l = ctx;
	size_t k = l->n - l->off;

	(void)err;
	free(l->piece);
	l->piece = NULL;
	l->step = l->step % 4099 + 1;
	if (k > l->step)
		k = l->step;
	*got = k;
	if (k == 0)
		return 0;
	l->piece = malloc(k);
	if (l->piece == NULL)
		abort();
	memcpy(l->piece, l->p + l->off, k);
	l->off += k;
	*p = l->piece;
	return 0;
}

/* A lender of the input whose first piece's size depends on the size. */
static uf_lender uf_lender_of(const uint8_t *data, size_t size)
{
	uf_lender l = {data, size, 0, (size * 13) % 4099, NULL};

	return l;
}

/* Extracts the input lent in pieces into `dir`; the result. */
static int uf_extract_lent(const uint8_t *data, size_t size, bool gzip,
			   const char *dir, ae_err *err)
{
	uf_lender l = uf_lender_of(data, size);
	int rc = oci__tar_extract_lent(uf_lend, &l, gzip, dir, NULL, NULL, err);

	free(l.piece);
	return rc;
}

#endif /* UNTAR_FUZZ_UTIL_H */
