/* ledger/check_tree.c -- listing the files under the evidence root from a
 * git tree object
 *
 * The checker never looks at the work tree (SPEC §5): what it judges is
 * what git would merge. Every leaf is listed -- blobs, symlinks, submodules
 * -- because the placement rule forbids anything that is not a pointer,
 * and a walk that skipped odd entries (the reference ignores `.yml`,
 * `.json` and sub-directories, reference §14.2) would let them through.
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>

int ld__entries_add(ld__entries *list, const char *path, uint32_t mode,
		    uint32_t mode_old, const git_oid *oid, int status,
		    ae_err *err)
{
	ld__entry *e;
	char *copy;

	if (list->n >= list->max)
		return ae_fail(err, AE_ETOOBIG,
			       "more than %zu files under the evidence root",
			       list->max);
	if (list->n == list->alloc) {
		size_t alloc = list->alloc ? list->alloc * 2 : 64;
		ld__entry *v = realloc(list->v, alloc * sizeof(*v));
		if (v == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		list->v = v;
		list->alloc = alloc;
	}
	copy = strdup(path);
	if (copy == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	e = &list->v[list->n++];
	e->path = copy;
	e->mode = mode;
	e->mode_old = mode_old;
	if (oid != NULL)
		git_oid_cpy(&e->oid, oid);
	else
		memset(&e->oid, 0, sizeof(e->oid));
	e->status = status;
	return 0;
}

void ld__entries_dispose(ld__entries *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i].path);
	free(list->v);
	list->v = NULL;
	list->n = list->alloc = 0;
}

int ld__path_push(size_t *len_out, char *path, size_t plen, const char *name,
		  ae_err *err)
{
	size_t nlen = strlen(name), len = plen;

	if (len + 1 + nlen + 1 > LD__PATH_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "a path under the evidence root is longer than "
			       "%d bytes",
			       LD__PATH_MAX);
	if (len > 0)
		path[len++] = '/';
	memcpy(path + len, name, nlen + 1);
	*len_out = len + nlen;
	return 0;
}

int ld__tree_walk(ld__entries *out, git_repository *repo, const git_tree *tree,
		  char *path, size_t plen, int depth, int status, ae_err *err)
{
	size_t count = git_tree_entrycount(tree);
	int rc = 0;

	/* A tree added on the judged side: held to git fsck as it is read. */
	if (out->sink != NULL && status == LD__CHANGE_ADDED) {
		rc = ld__tree_sink_check(out->sink, tree, path, err);
		if (rc < 0)
			return rc;
	}

	for (size_t i = 0; i < count && rc == 0; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(tree, i);
		uint32_t mode = (uint32_t)git_tree_entry_filemode_raw(te);
		git_tree *sub = NULL;
		size_t len = 0;

		rc = ld__path_push(&len, path, plen, git_tree_entry_name(te),
				   err);
		if (rc < 0)
			break;
		if (git_tree_entry_type(te) != GIT_OBJECT_TREE ||
		    depth + 1 >= LD__TREE_MAX_DEPTH) {
			rc = ld__entries_add(
				out, path, mode,
				status == LD__CHANGE_ADDED ? 0 : mode,
				git_tree_entry_id(te), status, err);
			continue;
		}
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
			/* one libgit2 will not parse: git fsck's verdict */
			rc = out->sink != NULL && status == LD__CHANGE_ADDED
				     ? ld__tree_sink_unparsed(
					       out->sink, git_tree_entry_id(te),
					       path, err)
				     : 1;
			if (rc == 0)
				continue;
			if (rc > 0)
				rc = ld__git_fail(err, AE_ENOTFOUND,
						  "cannot read a tree of the "
						  "ledger");
			break;
		}
		rc = ld__tree_walk(out, repo, sub, path, len, depth + 1, status,
				   err);
		git_tree_free(sub);
	}
	path[plen] = '\0';
	return rc;
}

int ld__tree_list(ld__entries *out, git_repository *repo, const git_tree *tree,
		  ae_err *err)
{
	char *path;
	int rc;

	AE_ASSERT_ARG(out != NULL && repo != NULL && tree != NULL, err);
	path = malloc(LD__PATH_MAX);
	if (path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	path[0] = '\0';
	rc = ld__tree_walk(out, repo, tree, path, 0, 0, LD__CHANGE_ADDED, err);
	free(path);
	return rc;
}
