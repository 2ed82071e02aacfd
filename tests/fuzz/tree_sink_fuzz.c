/* tests/fuzz/tree_sink_fuzz.c -- libFuzzer differential of the tar
 * reader's two sinks (issue 17): the in-memory tree (ae_tree, what
 * `ledger --verify`, `check --verify-signatures` and `verify REF` read a
 * cached bundle from) against the directory (what `pull` writes).
 *
 * Any bytes as a plain tar layer go to both:
 * - the directory sink (oci_tar_extract_mem into a fresh directory);
 * - the tree sink, the layer lent in uneven pieces (oci__tar_extract_tree);
 * - gzipped, the directory sink reading a descriptor against the tree
 *   sink inflating the layer lent from memory.
 * It aborts when they disagree: the same result code and the same message
 * (the messages name the entry, not the sink), and on acceptance the same
 * set of names, each the same type (file or directory: anything else on
 * disk is a disagreement, the tree holds no other kind) and a file the
 * same bytes -- the directory is read back from disk.
 * Seeds in tests/fuzz/corpus/tree_sink/: real bundle layers (gunzipped),
 * the cases of tests/unit/test_bundle_mem.c, the tar target's seeds.
 */
#include "oci/internal.h"
#include "oci/oci.h"

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "untar_fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Far above what a fuzz input can make the files hold (never more than
 * the input): the tree's cap is not what is under test here. */
#define TS_TREE_CAP (1u << 26)

/* The whole input lent at once. */
typedef struct ts_whole {
	const unsigned char *p;
	size_t n;
	bool done;
} ts_whole;

static int ts_lend_whole(void *ctx, const unsigned char **p, size_t *got,
			 ae_err *err)
{
	ts_whole *w = ctx;

	(void)err;
	*p = w->p;
	*got = w->done ? 0 : w->n;
	w->done = true;
	return 0;
}

static const ae_tree *ts_tree; /* compared against the walked directory */
static size_t ts_skip;	       /* length of the walked root + '/' */
static size_t ts_seen;	       /* entries found on disk */

/* Each entry on disk is in the tree, the same kind and bytes. */
static int ts_cmp_one(const char *path, const struct stat *sb, int flag,
		      struct FTW *f)
{
	const char *rel;
	const unsigned char *want;
	size_t len = 0;
	ae_buf b = AE_BUF_INIT(TS_TREE_CAP);
	ae_err err = {0};

	(void)f;
	if (f->level == 0)
		return 0; /* the root itself */
	rel = path + ts_skip;
	ts_seen++;
	switch (sb->st_mode & S_IFMT) {
	case S_IFDIR:
		if (flag != FTW_D ||
		    ae_tree_kind_of(ts_tree, rel) != AE_TREE_DIR)
			abort(); /* a directory on disk, not in the tree */
		return 0;
	case S_IFREG:
		want = ae_tree_get(ts_tree, rel, &len);
		if (want == NULL)
			abort(); /* a file on disk, not in the tree */
		if (ae_read_file(&b, AT_FDCWD, path, TS_TREE_CAP, &err) != 0)
			abort();
		if (b.len != len || (len > 0 && memcmp(b.data, want, len)))
			abort(); /* the same name, other bytes */
		ae_buf_dispose(&b);
		return 0;
	default:
		abort(); /* a link, a device, a fifo: the tree holds none */
	}
}

/* Aborts unless directory `dir` holds exactly the entries of `t`. */
static void ts_same(const char *dir, const ae_tree *t)
{
	const char **paths = NULL;
	ae_tree_kind *kinds = NULL;
	size_t n = 0;
	ae_err err = {0};

	ts_tree = t;
	ts_skip = strlen(dir) + 1;
	ts_seen = 0;
	if (nftw(dir, ts_cmp_one, 16, FTW_PHYS) != 0)
		abort();
	if (ae_tree_list(&paths, &kinds, &n, t, &err) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (kinds[i] != AE_TREE_FILE && kinds[i] != AE_TREE_DIR)
			abort();
	if (n != ts_seen)
		abort(); /* the tree holds an entry the directory lacks */
	free(paths);
	free(kinds);
}

/* Aborts unless the two outcomes are one: code and message. */
static void ts_agree(int rc1, const ae_err *e1, int rc2, const ae_err *e2)
{
	if (rc1 != rc2 || strcmp(e1->msg, e2->msg) != 0) {
		fprintf(stderr, "disk %d \"%s\", memory %d \"%s\"\n", rc1,
			e1->msg, rc2, e2->msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oci__untar_opts o = {NULL, false};
	ae_err e1 = {0}, e2 = {0}, e3 = {0};
	ae_tree *t = NULL, *tz = NULL;
	unsigned char *gz;
	size_t gzn = 0;
	int rc1, rc2, rc3, fd;

	uf_init();
	rc1 = oci_tar_extract_mem(data, size, uf_dir(0), &e1);
	uf_check_contained();

	if (ae_tree_new(&t, TS_TREE_CAP, &e2) != 0)
		abort();
	{
		uf_lender l = uf_lender_of(data, size);

		rc2 = oci__tar_extract_tree(uf_lend, &l, false, t, &o, &e2);
		free(l.piece);
	}
	ts_agree(rc1, &e1, rc2, &e2);
	if (rc1 == 0)
		ts_same(uf_dir(0), t);

	/* gzipped: the directory sink reading a descriptor, the tree sink
	 * the layer lent whole (the inflater on lent memory) */
	gz = uf_gzip(data, size, &gzn);
	fd = uf_memfd(gz, gzn);
	ae_err_clear(&e1);
	rc1 = oci_tar_extract_fd(fd, true, uf_dir(1), &e1);
	close(fd);
	uf_check_contained();
	if (ae_tree_new(&tz, TS_TREE_CAP, &e3) != 0)
		abort();
	{
		ts_whole w = {gz, gzn, false};
		rc3 = oci__tar_extract_tree(ts_lend_whole, &w, true, tz, &o,
					    &e3);
	}
	ts_agree(rc1, &e1, rc3, &e3);
	if (rc1 == 0)
		ts_same(uf_dir(1), tz);

	free(gz);
	ae_tree_free(tz);
	ae_tree_free(t);
	uf_check_contained();
	uf_clean();
	return 0;
}
