/* ledger/corroborate_walk.c -- finding the pointers a corroboration reads
 *
 * SPEC §6: `ledger` reads `<root>/<recipe>/<src>/<name>.yaml`. The walk opens
 * every directory relative to its parent's fd with O_NOFOLLOW, so a symlink
 * anywhere under the root is skipped rather than followed out of the
 * ledger, and it takes only plain path elements (no leading '.', no
 * control bytes). It does not judge placement: that is the contract
 * checker's job (SPEC §5); here a stray file is simply not a pointer. A
 * `*.yaml` entry in a source directory that is not a regular file (a
 * symlink, a FIFO, a directory) is listed all the same, so the reader
 * reports it as not counted instead of it vanishing from the report.
 */
#include "ledger/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens directory `name` under `dirfd` without following a symlink. */
static int dir_open(int *fd_out, int dirfd, const char *name, ae_err *err)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char r[AE_REPR_BUF];

	*fd_out = -1;
	if (fd >= 0) {
		*fd_out = fd;
		return 0;
	}
	if (errno == ENOENT)
		return ae_fail(err, AE_ENOTFOUND, "%s does not exist",
			       ae_repr(r, sizeof(r), name, strlen(name)));
	if (errno == ELOOP || errno == ENOTDIR)
		return ae_fail(err, AE_EINVAL, "%s is not a directory",
			       ae_repr(r, sizeof(r), name, strlen(name)));
	return ae_fail(err, AE_EIO, "cannot open %s: %s",
		       ae_repr(r, sizeof(r), name, strlen(name)),
		       strerror(errno));
}

/* True iff `name` in `dirfd` is a directory (symlinks are not) or, with
 * `want_dir` false, exists at all (the reader refuses what is not a
 * regular file, with the reason). */
static bool entry_is(int dirfd, const char *name, bool want_dir)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	return !want_dir || S_ISDIR(st.st_mode);
}

static bool name_is_pointer(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* Appends "a/b/c" to the list, AE_ETOOBIG past LD_CORROB_MAX_RUNS. */
static int paths_add(ld_pointer_paths *p, const char *a, const char *b,
		     const char *c, ae_err *err)
{
	size_t len = strlen(a) + strlen(b) + strlen(c) + 3;
	char **v;

	if (p->n >= LD_CORROB_MAX_RUNS)
		return ae_fail(err, AE_ETOOBIG, "more than %u pointers",
			       (unsigned)LD_CORROB_MAX_RUNS);
	if ((p->n & (p->n - 1)) == 0) { /* grow at powers of two */
		v = realloc(p->v, (p->n ? p->n * 2 : 1) * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		p->v = v;
	}
	p->v[p->n] = malloc(len);
	if (p->v[p->n] == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	snprintf(p->v[p->n], len, "%s/%s/%s", a, b, c);
	p->n++;
	return 0;
}

/* Lists the entries of directory `fd` that are plain names of the wanted
 * kind; calls `fn` for each. Takes ownership of `fd`. */
static int dir_each(int fd, bool want_dir,
		    int (*fn)(void *ctx, int dirfd, const char *name,
			      ae_err *err),
		    void *ctx, ae_err *err)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		close(fd);
		return ae_fail(err, AE_EIO, "cannot list a directory: %s",
			       strerror(errno));
	}
	errno = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!ae_path_element_is_plain(de->d_name) ||
		    !entry_is(dirfd(d), de->d_name, want_dir))
			continue;
		if (!want_dir && !name_is_pointer(de->d_name))
			continue;
		rc = fn(ctx, dirfd(d), de->d_name, err);
	}
	closedir(d);
	return rc;
}

typedef struct walk {
	ld_pointer_paths *out;
	const char *recipe;
	const char *src;
} walk;

static int walk_file(void *ctx, int dirfd, const char *name, ae_err *err)
{
	walk *w = ctx;

	(void)dirfd;
	return paths_add(w->out, w->recipe, w->src, name, err);
}

static int walk_src(void *ctx, int dirfd, const char *name, ae_err *err)
{
	walk *w = ctx;
	int fd, rc = dir_open(&fd, dirfd, name, err);

	if (rc < 0)
		return rc;
	w->src = name;
	return dir_each(fd, false, walk_file, w, err);
}

static int walk_recipe(void *ctx, int dirfd, const char *name, ae_err *err)
{
	walk *w = ctx;
	int fd, rc = dir_open(&fd, dirfd, name, err);

	if (rc == AE_ENOTFOUND) {
		/* A named recipe without a directory has no pointers: it is
		 * reported UNTESTED, not an error. */
		ae_err_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	w->recipe = name;
	rc = dir_each(fd, true, walk_src, w, err);
	w->recipe = NULL;
	return rc;
}

int ld__recipes_plain(const char *const *recipes, size_t n, ae_err *err)
{
	char r[AE_REPR_BUF];

	for (size_t i = 0; i < n; i++)
		if (!ae_path_element_is_plain(recipes[i]))
			return ae_fail(err, AE_EINVAL,
				       "recipe %s is not a plain name",
				       ae_repr(r, sizeof(r), recipes[i],
					       strlen(recipes[i])));
	return 0;
}

int ld__pointer_paths_end(ld_pointer_paths *out, int rc)
{
	if (rc < 0) {
		ld_pointer_paths_dispose(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), ae_strptr_cmp);
	return 0;
}

int ld_tree_list(ld_pointer_paths *out, const char *root,
		 const char *const *recipes, size_t n_recipes, ae_err *err)
{
	walk w = {out, NULL, NULL};
	int fd = -1, rc;

	AE_ASSERT_ARG(out != NULL && root != NULL, err);
	out->v = NULL;
	out->n = 0;
	rc = ld__recipes_plain(recipes, n_recipes, err);
	if (rc < 0)
		return rc;
	rc = dir_open(&fd, AT_FDCWD, root, err);
	if (rc < 0)
		return rc;
	if (n_recipes == 0) {
		rc = dir_each(fd, true, walk_recipe, &w, err);
		fd = -1;
	}
	for (size_t i = 0; rc == 0 && i < n_recipes; i++)
		rc = walk_recipe(&w, fd, recipes[i], err);
	if (fd >= 0)
		close(fd);
	return ld__pointer_paths_end(out, rc);
}

void ld_pointer_paths_dispose(ld_pointer_paths *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
