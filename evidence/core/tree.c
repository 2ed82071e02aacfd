/* evidence/core/tree.c -- a bundle tree held in memory
 *
 * `ledger --verify` and `check --verify-signatures` verify thousands of
 * cached bundles of a few kilobytes each. Writing each one into a scratch
 * directory and reading it back cost a third of the CPU in the kernel
 * (issue 17); the extractor (oci/untar.c) can instead give each file's
 * bytes to this tree, and the verifier (evidence/verify.c, through
 * evidence/bundle_src.c) reads them from here: the very bytes the layer's
 * digest was checked over, never a file someone could change meanwhile.
 *
 * An entry is a file (its bytes, owned) or a directory. The names live in
 * an ae_strset (SipHash under the process key), each the `path` member at
 * the end of its entry, so a lookup finds the entry from the string the
 * set holds. Removing a file leaves its entry as AE_TREE_NONE (renames of
 * the signature file are the only removals).
 */
#include "evidence/core/ae.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct tree_ent {
	unsigned char *data;
	size_t len;
	ae_tree_kind kind;
	char path[]; /* the key the name set holds */
} tree_ent;

struct ae_tree {
	ae_strset names; /* borrowed tree_ent.path */
	tree_ent **v;	 /* every entry, in the order made */
	size_t n, cap;
	uint64_t bytes, max;
	bool full;
};

int ae_tree_new(ae_tree **out, uint64_t cap, ae_err *err)
{
	ae_tree *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (t == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	t->names = (ae_strset)AE_STRSET_INIT;
	t->max = cap;
	*out = t;
	return 0;
}

void ae_tree_free(ae_tree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i]->data);
		free(t->v[i]);
	}
	free(t->v);
	ae_strset_dispose(&t->names);
	free(t);
}

static tree_ent *tree_find(const ae_tree *t, const char *path)
{
	const char *p = ae_strset_get(&t->names, path);

	return p ? (tree_ent *)(void *)(p - offsetof(tree_ent, path)) : NULL;
}

ae_tree_kind ae_tree_kind_of(const ae_tree *t, const char *path)
{
	const tree_ent *e = t && path ? tree_find(t, path) : NULL;

	return e ? e->kind : AE_TREE_NONE;
}

/* The entry of `path`, made (kind NONE) when there is none. */
static int tree_entry(tree_ent **out, ae_tree *t, const char *path, ae_err *err)
{
	size_t len = strlen(path);
	tree_ent *e = tree_find(t, path);
	int rc;

	*out = e;
	if (e != NULL)
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		tree_ent **v = realloc(t->v, cap * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		t->v = v;
		t->cap = cap;
	}
	e = calloc(1, sizeof(*e) + len + 1);
	if (e == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	memcpy(e->path, path, len + 1);
	rc = ae_strset_add(&t->names, e->path, err);
	if (rc < 0) {
		free(e);
		return rc;
	}
	t->v[t->n++] = e;
	*out = e;
	return 0;
}

int ae_tree_mkdir(ae_tree *t, const char *path, ae_err *err)
{
	tree_ent *e = NULL;
	int rc;

	AE_ASSERT_ARG(t != NULL && path != NULL, err);
	rc = tree_entry(&e, t, path, err);
	if (rc < 0)
		return rc;
	if (e->kind == AE_TREE_FILE)
		return ae_fail(err, AE_EEXISTS, "a file is there");
	e->kind = AE_TREE_DIR;
	return 0;
}

int ae_tree_room(ae_tree *t, uint64_t len, ae_err *err)
{
	AE_ASSERT_ARG(t != NULL, err);
	if (t->full || len > t->max - t->bytes) {
		t->full = true;
		return ae_fail(err, AE_ETOOBIG, "over %llu bytes in memory",
			       (unsigned long long)t->max);
	}
	return 0;
}

int ae_tree_add(ae_tree *t, const char *path, unsigned char *data, size_t len,
		bool replace, ae_err *err)
{
	tree_ent *e = NULL;
	int rc = 0;

	if (t == NULL || path == NULL)
		rc = ae_fail(err, AE_ERR, "internal error: bad arguments");
	else
		rc = ae_tree_room(t, len, err);
	if (rc == 0)
		rc = tree_entry(&e, t, path, err);
	if (rc == 0 &&
	    (e->kind == AE_TREE_DIR || (e->kind == AE_TREE_FILE && !replace)))
		rc = ae_fail(err, AE_EEXISTS, "%s is there already",
			     e->kind == AE_TREE_DIR ? "a directory" : "a file");
	if (rc < 0) {
		free(data);
		return rc;
	}
	if (e->kind == AE_TREE_FILE) {
		t->bytes -= e->len;
		free(e->data);
	}
	e->data = data;
	e->len = len;
	e->kind = AE_TREE_FILE;
	t->bytes += len;
	return 0;
}

int ae_tree_rename(ae_tree *t, const char *from, const char *to, ae_err *err)
{
	tree_ent *src = t ? tree_find(t, from) : NULL, *dst = NULL;
	int rc;

	if (src == NULL || src->kind != AE_TREE_FILE)
		return ae_fail(err, AE_ENOTFOUND, "no such file");
	if (strcmp(from, to) == 0)
		return 0;
	rc = tree_entry(&dst, t, to, err);
	if (rc < 0)
		return rc;
	if (dst->kind == AE_TREE_DIR)
		return ae_fail(err, AE_EEXISTS, "a directory is there");
	if (dst->kind == AE_TREE_FILE) {
		t->bytes -= dst->len;
		free(dst->data);
	}
	dst->data = src->data;
	dst->len = src->len;
	dst->kind = AE_TREE_FILE;
	src->data = NULL;
	src->len = 0;
	src->kind = AE_TREE_NONE;
	return 0;
}

const unsigned char *ae_tree_get(const ae_tree *t, const char *path,
				 size_t *len_out)
{
	const tree_ent *e = t && path ? tree_find(t, path) : NULL;

	if (len_out != NULL)
		*len_out = 0;
	if (e == NULL || e->kind != AE_TREE_FILE)
		return NULL;
	if (len_out != NULL)
		*len_out = e->len;
	/* an empty file is there all the same */
	return e->data ? e->data : (const unsigned char *)"";
}

bool ae_tree_full(const ae_tree *t)
{
	return t != NULL && t->full;
}

static int tree_cmp(const void *a, const void *b)
{
	const tree_ent *x = *(tree_ent *const *)a, *y = *(tree_ent *const *)b;

	return strcmp(x->path, y->path);
}

int ae_tree_list(const char ***paths_out, ae_tree_kind **kinds_out,
		 size_t *n_out, const ae_tree *t, ae_err *err)
{
	tree_ent **live = calloc(t->n ? t->n : 1, sizeof(*live));
	const char **paths = calloc(t->n ? t->n : 1, sizeof(*paths));
	ae_tree_kind *kinds = calloc(t->n ? t->n : 1, sizeof(*kinds));
	size_t n = 0;

	*paths_out = NULL;
	*n_out = 0;
	if (kinds_out != NULL)
		*kinds_out = NULL;
	if (live == NULL || paths == NULL || kinds == NULL) {
		free(live);
		free(paths);
		free(kinds);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->kind != AE_TREE_NONE)
			live[n++] = t->v[i];
	qsort(live, n, sizeof(*live), tree_cmp);
	for (size_t i = 0; i < n; i++) {
		paths[i] = live[i]->path;
		kinds[i] = live[i]->kind;
	}
	free(live);
	*paths_out = paths;
	*n_out = n;
	if (kinds_out != NULL)
		*kinds_out = kinds;
	else
		free(kinds);
	return 0;
}
