/* ledger/corroborate_source.c -- where `ledger` reads the ledger from
 *
 * A checkout is not the ledger: .gitattributes (working-tree-encoding,
 * filter, eol) and the checkout itself decide the bytes of each file, so
 * the same commit can give two readers two ledgers (issue 15). When the
 * evidence root sits in a git work tree, `ledger` therefore reads what the
 * contract checker judged: the root's tree at HEAD, from the object
 * database -- every pointer byte for byte as committed, whatever the work
 * tree holds. The files are read instead when there is no repository, or
 * when the caller asks for the work tree (`--worktree`: uncommitted
 * pointers, or a ledger copied out of git).
 *
 * Both sources list the same shape (ld_tree_list's): plain recipe and
 * source directory names, every `*.yaml` entry of a source directory
 * whatever it is, so a symlink or a directory there is reported as not
 * counted instead of vanishing. Neither follows a symlink.
 */
#include "ledger/internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ld_source {
	char *root;	      /* as given */
	int rootfd;	      /* files: the root, opened; -1 for git */
	git_repository *repo; /* git: the repository; NULL for files */
	git_tree *tree;	      /* git: the evidence root at HEAD */
	char commit[GIT_OID_HEXSZ + 1];
	bool git_inited;
};

void ld_source_free(ld_source *s)
{
	if (s == NULL)
		return;
	git_tree_free(s->tree);
	git_repository_free(s->repo);
	if (s->git_inited)
		git_libgit2_shutdown();
	if (s->rootfd >= 0)
		close(s->rootfd);
	free(s->root);
	free(s);
}

/* The root relative to the repository's work tree, both resolved, into
 * rel[PATH_MAX]; false when the root is not inside it. */
static bool source_rel(char *rel, const char *root, const char *workdir)
{
	char r[PATH_MAX], w[PATH_MAX];
	size_t wl;

	if (realpath(root, r) == NULL || realpath(workdir, w) == NULL)
		return false;
	wl = strlen(w);
	if (strncmp(r, w, wl) != 0 || (r[wl] != '/' && r[wl] != '\0'))
		return false;
	snprintf(rel, PATH_MAX, "%s", r[wl] == '/' ? r + wl + 1 : "");
	return true;
}

/* The evidence root's tree at HEAD. AE_ENOTFOUND, with what to do, when
 * HEAD has no commit or no such directory. */
static int source_head_tree(ld_source *s, const char *rel, ae_err *err)
{
	git_object *obj = NULL;
	git_commit *head = NULL;
	git_tree *top = NULL;
	git_tree_entry *te = NULL;
	char repr[AE_REPR_BUF];
	int rc = 0;

	if (git_revparse_single(&obj, s->repo, "HEAD") < 0 ||
	    git_object_peel((git_object **)&head, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = ld__git_fail(err, AE_ENOTFOUND,
				  "the repository has no commit at HEAD "
				  "(--worktree reads the files)");
		goto done;
	}
	git_oid_tostr(s->commit, sizeof(s->commit), git_commit_id(head));
	if (git_commit_tree(&top, head) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read HEAD's tree");
		goto done;
	}
	if (*rel == '\0') {
		s->tree = top;
		top = NULL;
		goto done;
	}
	if (git_tree_entry_bypath(&te, top, rel) < 0 ||
	    git_tree_entry_type(te) != GIT_OBJECT_TREE) {
		rc = ae_fail(err, AE_ENOTFOUND,
			     "%s is not a directory committed at HEAD %.12s "
			     "(commit the ledger, or --worktree reads the "
			     "files)",
			     ae_repr(repr, sizeof(repr), rel, strlen(rel)),
			     s->commit);
		goto done;
	}
	if (git_tree_lookup(&s->tree, s->repo, git_tree_entry_id(te)) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot read the evidence root");
done:
	git_error_clear();
	git_tree_entry_free(te);
	git_tree_free(top);
	git_commit_free(head);
	git_object_free(obj);
	return rc;
}

/* Opens the root in git when it sits in a work tree; *used false (rc 0)
 * when it does not. */
static int source_open_git(ld_source *s, bool *used, ae_err *err)
{
	char rel[PATH_MAX];
	const char *wd;
	int rc;

	*used = false;
	if (git_libgit2_init() < 0)
		return ld__git_fail(err, AE_ERR, "cannot initialise libgit2");
	s->git_inited = true;
	rc = git_repository_open_ext(&s->repo, s->root, 0, NULL);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	/* Any other failure (an unsafe owner, a damaged repository) must not
	 * fall back to the work tree silently. */
	if (rc < 0)
		return ld__git_fail(err, AE_EIO,
				    "cannot open the repository around the "
				    "ledger (--worktree reads the files)");
	wd = git_repository_workdir(s->repo);
	if (wd == NULL || !source_rel(rel, s->root, wd)) {
		git_repository_free(s->repo);
		s->repo = NULL;
		return 0;
	}
	*used = true;
	return source_head_tree(s, rel, err);
}

int ld_source_open(ld_source **out, const char *root, bool worktree,
		   ae_err *err)
{
	ld_source *s;
	bool used = false;
	int rc = 0;

	AE_ASSERT_ARG(out != NULL && root != NULL, err);
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->root = strdup(root)) == NULL) {
		free(s);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	s->rootfd = -1;
	if (!worktree)
		rc = source_open_git(s, &used, err);
	/* Files: a root that cannot be opened is ld_tree_list's to word. */
	if (rc == 0 && !used)
		s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rc < 0) {
		ld_source_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *ld_source_commit(const ld_source *s)
{
	return s && s->repo ? s->commit : NULL;
}

/* Appends "recipe/src/name" to `out`, capped at LD_CORROB_MAX_RUNS. */
static int source_add(ld_pointer_paths *out, size_t *alloc, const char *a,
		      const char *b, const char *c, ae_err *err)
{
	if (out->n >= LD_CORROB_MAX_RUNS)
		return ae_fail(err, AE_ETOOBIG, "more than %u pointers",
			       (unsigned)LD_CORROB_MAX_RUNS);
	if (out->n == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 64;
		char **v = realloc(out->v, n * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		out->v = v;
		*alloc = n;
	}
	if (asprintf(&out->v[out->n], "%s/%s/%s", a, b, c) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	out->n++;
	return 0;
}

static bool source_is_yaml(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* Lists the pointers of one recipe directory entry of the root tree. */
static int source_recipe(ld_pointer_paths *out, size_t *alloc,
			 git_repository *repo, const git_tree_entry *re,
			 ae_err *err)
{
	const char *recipe = git_tree_entry_name(re);
	git_tree *rt = NULL;
	int rc = 0;

	if (git_tree_entry_type(re) != GIT_OBJECT_TREE ||
	    !ae_path_element_is_plain(recipe))
		return 0;
	if (git_tree_lookup(&rt, repo, git_tree_entry_id(re)) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a recipe tree");
	for (size_t i = 0; i < git_tree_entrycount(rt) && rc == 0; i++) {
		const git_tree_entry *se = git_tree_entry_byindex(rt, i);
		const char *src = git_tree_entry_name(se);
		git_tree *st = NULL;
		if (git_tree_entry_type(se) != GIT_OBJECT_TREE ||
		    !ae_path_element_is_plain(src))
			continue;
		if (git_tree_lookup(&st, repo, git_tree_entry_id(se)) < 0) {
			rc = ld__git_fail(err, AE_EIO,
					  "cannot read a source tree");
			break;
		}
		for (size_t j = 0; j < git_tree_entrycount(st) && rc == 0;
		     j++) {
			const char *f = git_tree_entry_name(
				git_tree_entry_byindex(st, j));
			if (ae_path_element_is_plain(f) && source_is_yaml(f))
				rc = source_add(out, alloc, recipe, src, f,
						err);
		}
		git_tree_free(st);
	}
	git_tree_free(rt);
	return rc;
}

int ld_source_list(ld_pointer_paths *out, ld_source *s,
		   const char *const *recipes, size_t n_recipes, ae_err *err)
{
	size_t alloc = 0;
	int rc = 0;

	AE_ASSERT_ARG(out != NULL && s != NULL, err);
	if (s->repo == NULL)
		return ld_tree_list(out, s->root, recipes, n_recipes, err);
	out->v = NULL;
	out->n = 0;
	rc = ld__recipes_plain(recipes, n_recipes, err);
	if (rc < 0)
		return rc;
	if (n_recipes == 0)
		for (size_t i = 0; i < git_tree_entrycount(s->tree) && rc == 0;
		     i++)
			rc = source_recipe(out, &alloc, s->repo,
					   git_tree_entry_byindex(s->tree, i),
					   err);
	for (size_t i = 0; i < n_recipes && rc == 0; i++) {
		const git_tree_entry *re =
			git_tree_entry_byname(s->tree, recipes[i]);
		if (re != NULL)
			rc = source_recipe(out, &alloc, s->repo, re, err);
	}
	return ld__pointer_paths_end(out, rc);
}

/* Reads blob `te` (a file of the ledger) into `out`, capped. */
static int source_blob(ae_buf *out, git_repository *repo,
		       const git_tree_entry *te, const char *r, size_t cap,
		       ae_err *err)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size = 0;
	int rc = 0;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a blob");
		goto done;
	}
	if (type != GIT_OBJECT_BLOB) {
		rc = ae_fail(err, AE_EINVAL, "%s: not a regular file", r);
		goto done;
	}
	if (size > cap) {
		rc = ae_fail(err, AE_ETOOBIG, "%s is %zu bytes, cap %zu", r,
			     size, cap);
		goto done;
	}
	if (git_odb_read(&obj, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a blob");
		goto done;
	}
	rc = ae_buf_put(out, git_odb_object_data(obj), git_odb_object_size(obj),
			err);
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

int ld_source_read(ae_buf *out, ld_source *s, const char *rel, size_t cap,
		   ae_err *err)
{
	git_tree_entry *te = NULL;
	char r[AE_REPR_BUF];
	int rc;

	AE_ASSERT_ARG(out != NULL && s != NULL && rel != NULL, err);
	if (s->repo == NULL && s->rootfd < 0)
		return ae_fail(err, AE_EIO, "cannot open the evidence root");
	if (s->repo == NULL)
		return ae_read_file(out, s->rootfd, rel, cap, err);
	ae_buf_init(out, cap);
	ae_repr(r, sizeof(r), rel, strlen(rel));
	if (git_tree_entry_bypath(&te, s->tree, rel) < 0) {
		git_error_clear();
		return ae_fail(err, AE_ENOTFOUND, "%s: no such file", r);
	}
	switch (git_tree_entry_filemode_raw(te)) {
	case LD__MODE_BLOB:
	case LD__MODE_EXEC:
		rc = source_blob(out, s->repo, te, r, cap, err);
		break;
	case LD__MODE_LINK:
		rc = ae_fail(err, AE_EINVAL, "%s: is a symlink (not followed)",
			     r);
		break;
	default:
		rc = ae_fail(err, AE_EINVAL, "%s: not a regular file%s", r,
			     git_tree_entry_type(te) == GIT_OBJECT_TREE
				     ? " (a directory)"
				     : "");
	}
	git_tree_entry_free(te);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}
