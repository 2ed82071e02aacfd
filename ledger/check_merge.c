/* ledger/check_merge.c -- the tree that merging head into base produces
 *
 * The gate judges what a merge does to the target branch (SPEC §5, issue
 * 15): the difference between the target's tip and the merge result, not
 * what the PR changed since some merge base. The two differ when history
 * is criss-crossed (an earlier PR merged with a merge commit while the
 * target moved on): there are then several best merge bases, and `git
 * merge` -- like a forge's merge or squash -- merges from a virtual base
 * built by merging those bases, so a pointer present in one base but not
 * in the one `git merge-base` prints is deleted by the real merge while a
 * diff from that base shows nothing.
 *
 * Three cases. Head contains base: the merge is head itself (a
 * fast-forward, or a merge commit or squash with head's tree). Base
 * contains head: nothing changes. Otherwise the merge is computed here
 * with git_merge_commits, recursively over the merge bases as `git merge`
 * does; a conflict anywhere refuses the check (the merge cannot happen as
 * is, and what its resolution holds is unknown until it is committed).
 * Rename detection is off, as everywhere in the gate: then every path the
 * merge adds under the root holds head's blob, and a rename is a deletion
 * plus an addition (or a conflict) that rule 1 refuses either way. What the
 * merge writes -- virtual bases, merged blobs, trees -- goes to an
 * in-memory object database layered above the repository's, so a check
 * never adds objects to the repository.
 */
#include "ledger/internal.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <string.h>

/* Priority of the in-memory backend: above libgit2's loose (1) and pack
 * (2) backends, so that writes land in it. */
#define MERGE_MEMPACK_PRIORITY 1000

/* Layers an in-memory backend above the repository's object database. The
 * odb owns it from then on (freed with the repository). */
static int merge_mempack_attach(git_repository *repo, ae_err *err)
{
	git_odb *odb = NULL;
	git_odb_backend *mp = NULL;
	int rc = 0;

	if (git_repository_odb(&odb, repo) < 0 || git_mempack_new(&mp) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot prepare the merge");
		goto done;
	}
	if (git_odb_add_backend(odb, mp, MERGE_MEMPACK_PRIORITY) < 0) {
		mp->free(mp);
		rc = ld__git_fail(err, AE_EIO, "cannot prepare the merge");
	}
done:
	git_odb_free(odb);
	return rc;
}

/* Names the first conflict of `index` and counts them all. */
static int merge_conflict_fail(git_index *index, ae_err *err)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	char repr[AE_REPR_BUF] = "?";
	size_t n = 0;

	if (git_index_conflict_iterator_new(&it, index) == 0) {
		while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours	    ? ours
						   : theirs ? theirs
							    : anc;
			if (n++ == 0 && e != NULL)
				ae_repr(repr, sizeof(repr), e->path,
					strlen(e->path));
		}
	}
	git_index_conflict_iterator_free(it);
	git_error_clear();
	return ae_fail(err, AE_EINVAL,
		       "head does not merge cleanly into base: %zu conflicting "
		       "path%s, first %s; what the merge would hold is unknown "
		       "until the conflict is resolved in the PR",
		       n, n == 1 ? "" : "s", repr);
}

/* The three-way (or recursive) merge of base and head, in memory. */
static int merge_compute(git_tree **out, size_t *n_bases, git_repository *repo,
			 git_commit *base, git_commit *head, ae_err *err)
{
	git_merge_options mo;
	git_oidarray bases = {NULL, 0};
	git_index *index = NULL;
	git_oid tree_id;
	int rc;

	rc = git_merge_bases(&bases, repo, git_commit_id(base),
			     git_commit_id(head));
	if (rc == GIT_ENOTFOUND)
		return ld__git_fail(err, AE_EINVAL,
				    "base and head share no history");
	if (rc < 0)
		return ld__git_fail(err, AE_EIO, "cannot find the merge base");
	*n_bases = bases.count;
	git_oidarray_dispose(&bases);
	if (*n_bases > LD_CONTRACT_MAX_MERGE_BASES)
		return ae_fail(err, AE_ETOOBIG,
			       "base and head have %zu merge bases, at most %u "
			       "are merged: merge base into the PR first",
			       *n_bases, LD_CONTRACT_MAX_MERGE_BASES);
	rc = merge_mempack_attach(repo, err);
	if (rc < 0)
		return rc;
	if (git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION) < 0)
		return ld__git_fail(err, AE_ERR, "cannot prepare the merge");
	mo.flags = 0; /* no rename detection: see the file comment */
	if (git_merge_commits(&index, repo, base, head, &mo) < 0)
		return ld__git_fail(err, AE_EIO, "cannot merge head into base");
	if (git_index_has_conflicts(index))
		rc = merge_conflict_fail(index, err);
	else if (git_index_write_tree_to(&tree_id, index, repo) < 0 ||
		 git_tree_lookup(out, repo, &tree_id) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot write the merged tree");
	git_index_free(index);
	return rc;
}

int ld__merge_tree(git_tree **out, ld__merge *info, git_repository *repo,
		   git_commit *base, git_commit *head, ae_err *err)
{
	const git_oid *b = git_commit_id(base), *h = git_commit_id(head);
	git_commit *result = head;
	int rc;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	info->kind = LD__MERGE_FAST_FORWARD;
	if (!git_oid_equal(b, h)) {
		rc = git_graph_descendant_of(repo, h, b);
		if (rc == 0 && git_graph_descendant_of(repo, b, h) == 1) {
			info->kind = LD__MERGE_UP_TO_DATE;
			result = base;
			rc = 1;
		}
		if (rc < 0)
			return ld__git_fail(err, AE_EIO,
					    "cannot walk the history");
		if (rc == 0) {
			info->kind = LD__MERGE_THREE_WAY;
			return merge_compute(out, &info->n_bases, repo, base,
					     head, err);
		}
	}
	info->n_bases = 1;
	if (git_commit_tree(out, result) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a commit's tree");
	return 0;
}

const char *ld__merge_name(int kind)
{
	switch (kind) {
	case LD__MERGE_FAST_FORWARD:
		return "fast-forward";
	case LD__MERGE_UP_TO_DATE:
		return "up-to-date";
	case LD__MERGE_THREE_WAY:
		return "three-way";
	default:
		return "";
	}
}
