/* ledger/check_diff.c -- what a pull request changes under the evidence root
 *
 * Rule 1 (add-only, SPEC §5) needs every change, and none may hide: there
 * is no rename or copy detection, so a renamed pointer is a deletion plus
 * an addition and a pointer rewritten in place cannot pass as a "rename
 * with edits"; type changes (blob <-> symlink <-> submodule) are named as
 * such. The walk merges the two trees' sorted entry lists itself instead
 * of calling git_diff_tree_to_tree, which expands every subtree: here two
 * subtrees with the same id are equal by construction (git's content
 * addressing) and skipped unread, so a PR adding one pointer to a ledger of
 * 100,000 reads a handful of trees -- the check costs what the change
 * costs, not what the ledger holds (SPEC §7).
 */
#include "ledger/internal.h"

#include <stdlib.h>

/* The kind of a non-tree entry: a change between kinds is a type change,
 * within a kind (content, or 100644 <-> 100755) a modification. */
static int diff_kind(uint32_t mode)
{
	if (mode == LD__MODE_LINK)
		return 1;
	if (mode == LD__MODE_GITLINK)
		return 2;
	return 0;
}

static int diff_trees(ld__entries *out, git_repository *repo,
		      const git_tree *base, const git_tree *head, char *path,
		      size_t plen, int depth, ae_err *err);

/* Lists a path present on one side only: a leaf, or every leaf below a
 * tree. */
static int diff_side(ld__entries *out, git_repository *repo,
		     const git_tree_entry *te, char *path, size_t len,
		     int depth, int status, ae_err *err)
{
	uint32_t mode = (uint32_t)git_tree_entry_filemode_raw(te);
	git_tree *sub = NULL;
	int rc;

	if (git_tree_entry_type(te) != GIT_OBJECT_TREE ||
	    depth + 1 >= LD__TREE_MAX_DEPTH)
		return ld__entries_add(out, path, mode,
				       status == LD__CHANGE_ADDED ? 0 : mode,
				       git_tree_entry_id(te), status, err);
	if (git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
		/* one libgit2 will not parse: git fsck's verdict */
		rc = out->sink != NULL && status == LD__CHANGE_ADDED
			     ? ld__tree_sink_unparsed(out->sink,
						      git_tree_entry_id(te),
						      path, err)
			     : 1;
		return rc > 0 ? ld__git_fail(err, AE_ENOTFOUND,
					     "cannot read a tree of the ledger")
			      : rc;
	}
	rc = ld__tree_walk(out, repo, sub, path, len, depth + 1, status, err);
	git_tree_free(sub);
	return rc;
}

/* Compares one name present on both sides (same tree-ness: git orders a
 * tree "a" as "a/", so a file and a directory of one name never pair). */
static int diff_pair(ld__entries *out, git_repository *repo,
		     const git_tree_entry *b, const git_tree_entry *h,
		     char *path, size_t len, int depth, ae_err *err)
{
	uint32_t bm = (uint32_t)git_tree_entry_filemode_raw(b);
	uint32_t hm = (uint32_t)git_tree_entry_filemode_raw(h);
	git_tree *bt = NULL, *ht = NULL;
	int rc;

	if (git_oid_equal(git_tree_entry_id(b), git_tree_entry_id(h)) &&
	    bm == hm)
		return 0;
	if (git_tree_entry_type(h) != GIT_OBJECT_TREE ||
	    depth + 1 >= LD__TREE_MAX_DEPTH)
		return ld__entries_add(out, path, hm, bm, git_tree_entry_id(h),
				       diff_kind(bm) == diff_kind(hm)
					       ? LD__CHANGE_MODIFIED
					       : LD__CHANGE_TYPECHANGE,
				       err);
	if (git_tree_lookup(&bt, repo, git_tree_entry_id(b)) < 0) {
		rc = ld__git_fail(err, AE_ENOTFOUND,
				  "cannot read a tree of the ledger");
		goto done;
	}
	if (git_tree_lookup(&ht, repo, git_tree_entry_id(h)) < 0) {
		/* one libgit2 will not parse: git fsck's verdict */
		rc = out->sink != NULL
			     ? ld__tree_sink_unparsed(out->sink,
						      git_tree_entry_id(h),
						      path, err)
			     : 1;
		if (rc > 0)
			rc = ld__git_fail(err, AE_ENOTFOUND,
					  "cannot read a tree of the ledger");
		goto done;
	}
	/* a tree of the judged side the base lacks: held to git fsck */
	rc = out->sink ? ld__tree_sink_check(out->sink, ht, path, err) : 0;
	if (rc == 0)
		rc = diff_trees(out, repo, bt, ht, path, len, depth + 1, err);
done:
	git_tree_free(bt);
	git_tree_free(ht);
	return rc;
}

/* Merges the sorted entries of `base` (may be NULL) and `head`. */
static int diff_trees(ld__entries *out, git_repository *repo,
		      const git_tree *base, const git_tree *head, char *path,
		      size_t plen, int depth, ae_err *err)
{
	size_t nb = base ? git_tree_entrycount(base) : 0;
	size_t nh = git_tree_entrycount(head), i = 0, j = 0;
	int rc = 0;

	while (rc == 0 && (i < nb || j < nh)) {
		const git_tree_entry *b =
			i < nb ? git_tree_entry_byindex(base, i) : NULL;
		const git_tree_entry *h =
			j < nh ? git_tree_entry_byindex(head, j) : NULL;
		int c = b == NULL   ? 1
			: h == NULL ? -1
				    : git_tree_entry_cmp(b, h);
		const git_tree_entry *te = c > 0 ? h : b;
		size_t len = 0;

		rc = ld__path_push(&len, path, plen, git_tree_entry_name(te),
				   err);
		if (rc < 0)
			break;
		if (c < 0)
			rc = diff_side(out, repo, b, path, len, depth,
				       LD__CHANGE_DELETED, err);
		else if (c > 0)
			rc = diff_side(out, repo, h, path, len, depth,
				       LD__CHANGE_ADDED, err);
		else
			rc = diff_pair(out, repo, b, h, path, len, depth, err);
		path[plen] = '\0';
		i += c <= 0;
		j += c >= 0;
	}
	return rc;
}

int ld__diff_list(ld__entries *out, git_repository *repo, const git_tree *base,
		  const git_tree *head, ae_err *err)
{
	char *path;
	int rc;

	AE_ASSERT_ARG(out != NULL && repo != NULL && head != NULL, err);
	path = malloc(LD__PATH_MAX);
	if (path == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	path[0] = '\0';
	rc = 0;
	if (out->sink != NULL &&
	    (base == NULL ||
	     !git_oid_equal(git_tree_id(base), git_tree_id(head))))
		rc = ld__tree_sink_check(out->sink, head, path, err);
	if (rc == 0)
		rc = diff_trees(out, repo, base, head, path, 0, 0, err);
	free(path);
	return rc;
}
