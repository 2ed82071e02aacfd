/* ledger/check_commits.c -- rule 1 for each commit a pull request brings
 *
 * The merge result is not all a forge may land: "Rebase and merge"
 * replays every non-merge commit of the PR onto the target, and a commit
 * that deletes or rewrites a pointer the target holds deletes or rewrites
 * it there, even when the merge of the whole PR keeps the pointer (a PR
 * that adds a copy of the target's pointer, then deletes it). So every
 * non-merge commit reachable from head and not from the target's tip is
 * diffed against its first parent, under the evidence root only, and a
 * path it deletes or modifies (a rename is a deletion) that the target's
 * tip holds as a file is an add-only violation naming the commit. The
 * diff skips subtrees with equal ids (check_diff.c), so a commit that does
 * not touch the root costs two tree-entry lookups.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <string.h>

/* The root's tree in commit `c`; NULL when absent or not a tree. */
static int commits_root(git_tree **out, git_repository *repo,
			const git_commit *c, const char *root, ae_err *err)
{
	git_tree *top = NULL;
	git_tree_entry *te = NULL;
	int rc = 0;

	*out = NULL;
	if (git_commit_tree(&top, c) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a commit's tree");
	if (git_tree_entry_bypath(&te, top, root) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, repo, git_tree_entry_id(te)) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot read the evidence root");
	git_error_clear();
	git_tree_entry_free(te);
	git_tree_free(top);
	return rc;
}

/* True iff `rel` is a file (not a tree) in the target's root tree that
 * the merge result keeps as it is: one the merge result deletes or
 * changes is already refused by rule 1 on the merge result (check.c),
 * once. */
static bool commits_on_target(const ld__state *st, const char *rel)
{
	git_tree_entry *te = NULL, *me = NULL;
	bool on;

	if (st->base_tree == NULL ||
	    git_tree_entry_bypath(&te, st->base_tree, rel) < 0) {
		git_error_clear();
		return false;
	}
	on = git_tree_entry_type(te) != GIT_OBJECT_TREE;
	if (on && st->head_tree != NULL &&
	    git_tree_entry_bypath(&me, st->head_tree, rel) == 0)
		on = git_tree_entry_filemode_raw(me) ==
			     git_tree_entry_filemode_raw(te) &&
		     git_oid_equal(git_tree_entry_id(me),
				   git_tree_entry_id(te));
	else
		on = false;
	git_error_clear();
	git_tree_entry_free(me);
	git_tree_entry_free(te);
	return on;
}

/* Judges one non-merge commit against its first parent. */
static int commits_one(ld__state *st, git_commit *c, ae_err *err)
{
	git_commit *parent = NULL;
	git_tree *old = NULL, *new = NULL;
	ld__entries list;
	char hex[GIT_OID_HEXSZ + 1], *shown = NULL;
	int rc;

	memset(&list, 0, sizeof(list));
	list.max = LD_CONTRACT_MAX_ENTRIES;
	if (git_commit_parent(&parent, c, 0) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a parent commit");
	rc = commits_root(&old, st->repo, parent, st->root, err);
	if (rc == 0 && old != NULL)
		rc = commits_root(&new, st->repo, c, st->root, err);
	if (rc < 0 || old == NULL ||
	    (new != NULL &&git_oid_equal(git_tree_id(old), git_tree_id(new))))
		goto done;
	/* the root vanished: everything it held is deleted */
	rc = new != NULL ? ld__diff_list(&list, st->repo, old, new, err)
			 : ld__tree_list(&list, st->repo, old, err);
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if (rc == AE_ENOTFOUND) {
		/* A tree libgit2 will not parse, which git may still read
		 * (a 300644 mode is a file to it) and a rebase merge replay:
		 * what the commit deletes or rewrites cannot be judged, so
		 * the commit is refused (git fsck refuses it too), whether
		 * or not the merge result still holds the tree. */
		ae_err_clear(err);
		rc = ld__report_add_at(
			st->report, 0, st->root, LD_RULE_TREE, err,
			"commit %.12s holds a tree under the evidence root "
			"that cannot be parsed (git fsck refuses it): what it "
			"deletes or changes cannot be judged, and a rebase "
			"merge replays it",
			hex);
		goto done;
	}
	for (size_t i = 0; i < list.n && rc == 0; i++) {
		const ld__entry *e = &list.v[i];
		bool gone = new == NULL || e->status == LD__CHANGE_DELETED;

		if ((new != NULL && e->status == LD__CHANGE_ADDED) ||
		    strcmp(e->path, LD_CONTRACT_ALLOWLIST_NAME) == 0 ||
		    !commits_on_target(st, e->path))
			continue;
		if (asprintf(&shown, "%s/%s", st->root, e->path) < 0) {
			rc = ae_fail(err, AE_ERR, "out of memory");
			break;
		}
		rc = ld__report_add_at(
			st->report, 0, shown, LD_RULE_ADD_ONLY, err,
			"pointers are immutable (add-only): commit %.12s "
			"%s this existing file (a rebase merge replays it "
			"onto the target)",
			hex, gone ? "deletes" : "modifies");
		free(shown);
		shown = NULL;
	}
done:
	ld__entries_dispose(&list);
	git_tree_free(old);
	git_tree_free(new);
	git_commit_free(parent);
	return rc;
}

int ld__commits_check(ld__state *st, const git_commit *base,
		      const git_commit *head, ae_err *err)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int rc = 0, w = 0;

	if (git_revwalk_new(&walk, st->repo) < 0 ||
	    git_revwalk_push(walk, git_commit_id(head)) < 0 ||
	    git_revwalk_hide(walk, git_commit_id(base)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot walk the PR's commits");
		goto done;
	}
	while (rc == 0 && (w = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, st->repo, &id) < 0) {
			rc = ld__git_fail(err, AE_EIO, "cannot read a commit");
			break;
		}
		if (git_commit_parentcount(c) == 1)
			rc = commits_one(st, c, err);
		git_commit_free(c);
	}
	if (rc == 0 && w != GIT_ITEROVER)
		rc = ld__git_fail(err, AE_EIO, "cannot walk the PR's commits");
done:
	git_revwalk_free(walk);
	return rc;
}
