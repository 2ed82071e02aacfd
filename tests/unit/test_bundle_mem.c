/* tests/unit/test_bundle_mem.c -- a bundle verified from memory answers as
 * the same bundle on disk (issue 17)
 *
 * Two differentials: the tar reader with the tree as its sink against the
 * same reader writing a directory (the same result, the same message, the
 * same files), and ev_evidence_verify of a bundle held in an ae_tree
 * against the same bundle in a directory, intact and tampered with in the
 * ways the inventory judges (a changed, stray, missing or misplaced file,
 * a directory where a file belongs, nesting past the walk's bound): the
 * rendered verdicts must be the same bytes.
 */
#include "evidence/evidence.h"
#include "evidence/internal.h"
#include "oci/internal.h"
#include "t.h"
#include "tests/unit/tar_fixture.h"

#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the tar reader's two sinks ---- */


typedef struct mem_in {
	const unsigned char *p;
	size_t len, off;
} mem_in;

static int mem_in_lend(void *ctx, const unsigned char **p, size_t *got,
		       ae_err *err)
{
	mem_in *m = ctx;

	(void)err;
	*p = m->p + m->off;
	*got = m->len - m->off;
	m->off = m->len;
	return 0;
}

static const ae_tree *cmp_tree;
static const char *cmp_root;
static size_t cmp_files;

/* Each regular file on disk is the same bytes in cmp_tree. */
static int cmp_one(const char *path, const struct stat *sb, int flag,
		   struct FTW *f)
{
	const char *rel = path + strlen(cmp_root) + 1;
	ae_buf b;
	ae_err err = {0};
	const unsigned char *data;
	size_t len = 0;

	(void)sb;
	(void)f;
	if (flag == FTW_D) {
		if (strlen(path) > strlen(cmp_root) &&
		    ae_tree_kind_of(cmp_tree, rel) != AE_TREE_DIR)
			t_fail_at(__FILE__, __LINE__, "dir %s not in tree",
				  rel);
		return 0;
	}
	T_ASSERT_INT(ae_read_file(&b, AT_FDCWD, path, 1 << 20, &err), 0);
	data = ae_tree_get(cmp_tree, rel, &len);
	if (data == NULL || len != b.len || memcmp(data, b.data, len) != 0)
		t_fail_at(__FILE__, __LINE__, "file %s differs in tree", rel);
	ae_buf_dispose(&b);
	cmp_files++;
	return 0;
}

static size_t tree_files(const ae_tree *t)
{
	const char **paths = NULL;
	ae_tree_kind *kinds = NULL;
	size_t n = 0, files = 0;
	ae_err err = {0};

	T_ASSERT_INT(ae_tree_list(&paths, &kinds, &n, t, &err), 0);
	for (size_t i = 0; i < n; i++)
		files += kinds[i] == AE_TREE_FILE;
	free(paths);
	free(kinds);
	return files;
}

void test_bundle_mem__the_tree_sink_reads_as_the_directory_sink(void)
{
	/* each case: entries "name\ttype\tdata" */
	static const char *const cases[][5] = {
		{"recipe.yaml\t0\tr: 1\n", "ctrf/\t5\t",
		 "ctrf/deployment.json\t0\t{}", "./x/y.txt\t0\tyy", NULL},
		{"a\t0\tone", "a\t0\ttwo", NULL},
		{"a\t0\tone", "a/b\t0\tinner", NULL},
		{"a/b\t0\tinner", "a\t0\tone", NULL},
		{"a/b\t0\tinner", "a/\t5\t", "a/c\t0\t", NULL},
		{"../x\t0\tout", NULL},
		{"l\t2\t", NULL},
		{"/abs\t0\tx", NULL},
		{"d/\t5\t", "d\t0\tx", NULL},
		{"e\t0\t", NULL},
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		static unsigned char buf[16384];
		size_t off = 0;
		ae_err e1 = {0}, e2 = {0};
		ae_tree *t = NULL;
		char dir[256];
		int rc1, rc2;

		memset(buf, 0, sizeof(buf));
		for (size_t i = 0; i < 5 && cases[c][i] != NULL; i++) {
			char ent[256], *type, *data;
			snprintf(ent, sizeof(ent), "%s", cases[c][i]);
			type = strchr(ent, '\t');
			*type++ = '\0';
			data = strchr(type, '\t');
			*data++ = '\0';
			t_tar_add(buf, &off, ent, type[0], data, NULL);
		}
		off += 1024; /* the end-of-archive marker */
		snprintf(dir, sizeof(dir), "%s/c%zu", t_tmpdir(), c);
		T_ASSERT_INT(mkdir(dir, 0700), 0);
		rc1 = oci_tar_extract_mem(buf, off, dir, &e1);
		T_ASSERT_INT(ae_tree_new(&t, 1 << 20, &e2), 0);
		{
			mem_in m = {buf, off, 0};
			oci__untar_opts o = {NULL, false};
			rc2 = oci__tar_extract_tree(mem_in_lend, &m, false, t,
						    &o, &e2);
		}
		if (rc1 != rc2 || strcmp(e1.msg, e2.msg) != 0)
			t_fail_at(__FILE__, __LINE__,
				  "case %zu: disk %d \"%s\", memory %d \"%s\"",
				  c, rc1, e1.msg, rc2, e2.msg);
		if (rc1 == 0) {
			cmp_tree = t;
			cmp_root = dir;
			cmp_files = 0;
			T_ASSERT_INT(nftw(dir, cmp_one, 16, FTW_PHYS), 0);
			T_ASSERT_INT(cmp_files, tree_files(t));
		}
		ae_tree_free(t);
	}
}

void test_bundle_mem__a_file_past_the_cap_fills_the_tree(void)
{
	static unsigned char buf[8192];
	size_t off = 0;
	ae_tree *t = NULL;
	ae_err err = {0};
	mem_in m;
	oci__untar_opts o = {NULL, false};

	t_tar_add(buf, &off, "small", '0', "0123456789", NULL);
	t_tar_add(buf, &off, "big", '0', "0123456789abcdef0123456789", NULL);
	off += 1024;
	m = (mem_in){buf, off, 0};
	T_ASSERT_INT(ae_tree_new(&t, 20, &err), 0);
	T_ASSERT_INT(oci__tar_extract_tree(mem_in_lend, &m, false, t, &o, &err),
		     AE_ETOOBIG);
	T_ASSERT(ae_tree_full(t));
	ae_tree_free(t);
}

/* ---- the verifier's two sources ---- */

static ae_tree *load_tree;
static const char *load_root;

static int load_one(const char *path, const struct stat *sb, int flag,
		    struct FTW *f)
{
	const char *rel = path + strlen(load_root);
	ae_buf b;
	ae_err err = {0};
	unsigned char *copy;
	size_t len;

	(void)sb;
	(void)f;
	if (*rel == '\0')
		return 0;
	rel++;
	if (flag == FTW_D)
		return ae_tree_mkdir(load_tree, rel, &err) == 0 ? 0 : 1;
	if (ae_read_file(&b, AT_FDCWD, path, 1 << 24, &err) != 0)
		return 1;
	len = b.len;
	copy = malloc(len + 1);
	memcpy(copy, b.data, len);
	ae_buf_dispose(&b);
	return ae_tree_add(load_tree, rel, copy, len, false, &err) == 0 ? 0 : 1;
}

/* The verdict of the bundle at `dir` as JSON, read from the directory
 * (mem false) or from a tree of its files. */
static char *verdict_of(const char *dir, bool mem)
{
	ev_verify_opts o = EV_VERIFY_OPTS_INIT;
	ev_verdict *v = NULL;
	ae_tree *t = NULL;
	ae_err err = {0};
	ae_buf b = AE_BUF_INIT(1 << 24);
	char *s;

	if (mem) {
		T_ASSERT_INT(ae_tree_new(&t, 1 << 24, &err), 0);
		load_tree = t;
		load_root = dir;
		T_ASSERT_INT(nftw(dir, load_one, 16, FTW_PHYS), 0);
		o.tree = t;
	} else {
		o.dir = dir;
	}
	if (ev_evidence_verify(&v, &o, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "verify: %s", err.msg);
	T_ASSERT_INT(ev_verdict_json(&b, v, &err), 0);
	s = strndup((const char *)b.data, b.len);
	ae_buf_dispose(&b);
	ev_verdict_free(v);
	ae_tree_free(t);
	return s;
}

static void emit_into(const char *out)
{
	const char *ctrf_dir[] = {"recipes/examples/ctrf"};
	ev_emit_opts o = EV_EMIT_OPTS_INIT;
	ev_emit_result r;
	ae_err err = {0};

	o.recipe_path = "recipes/examples/recipe.yaml";
	o.snapshot_path = "recipes/examples/snapshot.yaml";
	o.ctrf_paths = ctrf_dir;
	o.nctrf = 1;
	o.out_dir = out;
	o.attested_at = 1763650000;
	o.tool_version = "1.2.3";
	if (ev_evidence_emit(&r, &o, &err) != 0)
		t_fail_at(__FILE__, __LINE__, "emit: %s", err.msg);
}

/* Runs a shell line with $B the bundle's top directory. */
static void sh(const char *line, const char *dir)
{
	setenv("B", dir, 1);
	if (system(line) != 0)
		t_fail_at(__FILE__, __LINE__, "%s failed", line);
}

void test_bundle_mem__a_bundle_verifies_the_same_from_memory(void)
{
	/* shell lines run on a fresh emitted bundle in $B (the top) */
	static const char *const tamper[] = {
		"true",
		"printf x >>$B/summary-bundle/ctrf/deployment.json",
		"echo stray >$B/summary-bundle/extra.txt",
		"rm $B/summary-bundle/snapshot.yaml",
		"rm $B/summary-bundle/bom.cdx.json && mkdir "
		"$B/summary-bundle/bom.cdx.json && echo x "
		">$B/summary-bundle/bom.cdx.json/x",
		"mkdir -p $B/summary-bundle/a/b/c/d/e/f/g/h/i && echo x "
		">$B/summary-bundle/a/b/c/d/e/f/g/h/i/x",
		"rm $B/summary-bundle/ctrf/deployment.json && mkdir "
		"$B/summary-bundle/ctrf/deployment.json",
		"echo x >$B/attestation.intoto.jsonl",
		"mv $B/summary-bundle/ctrf $B/summary-bundle/ctrf2",
		"rm -r $B/summary-bundle/ctrf && echo x >$B/summary-bundle/ctrf",
		"echo '{}' >$B/summary-bundle/attestation.intoto.jsonl",
		"rm $B/summary-bundle/manifest.json",
	};

	for (size_t i = 0; i < sizeof(tamper) / sizeof(tamper[0]); i++) {
		char dir[512], *a, *b;
		snprintf(dir, sizeof(dir), "%s/b%zu", t_tmpdir(), i);
		emit_into(dir);
		sh(tamper[i], dir);
		a = verdict_of(dir, false);
		b = verdict_of(dir, true);
		/* the intact bundle passes, every tampered one fails */
		T_ASSERT((strstr(a, "\"exit\": 0") != NULL) == (i == 0));
		if (strcmp(a, b) != 0)
			t_fail_at(__FILE__, __LINE__,
				  "tamper %zu (%s): disk\n%s\nmemory\n%s", i,
				  tamper[i], a, b);
		free(a);
		free(b);
	}
}
