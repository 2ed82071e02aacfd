/* ledger/check_case.c -- paths that are one path on a case-insensitive
 * checkout
 *
 * macOS (APFS, HFS+) and Windows (NTFS) fold ASCII case by default, and
 * git there (core.ignorecase) writes `RECIPES/evidence/x` and
 * `recipes/evidence/x` to one file: a PR adding a case variant of the
 * evidence root, of a directory on the path to it, or of an existing
 * pointer overwrites or governs (a `.gitattributes` inside) the real
 * files for those readers. The rule is decided here once: two path
 * elements are the same when they are equal after ASCII case folding,
 * as git compares them with core.ignorecase; a byte-different spelling
 * of a name the judged tree already holds is refused.
 */
#include "ledger/internal.h"

#include <string.h>
#include <strings.h>

bool ld__name_case_twin(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn || memcmp(a, b, an) == 0)
		return false;
	for (size_t i = 0; i < an; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* True iff the tree holds, below `t`, a path equal to `rel` after case
 * folding, other than `rel` itself (`diff`: a byte already differed). */
static int case_find(bool *out, git_repository *repo, const git_tree *t,
		     const char *rel, bool diff, int depth, ae_err *err)
{
	size_t n = strcspn(rel, "/");
	size_t count = git_tree_entrycount(t);

	for (size_t i = 0; i < count && !*out; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(te);
		size_t len = strlen(name);
		bool twin = ld__name_case_twin(name, len, rel, n);
		git_tree *sub = NULL;
		int rc;

		if (!twin && !(len == n && memcmp(name, rel, n) == 0))
			continue;
		if (rel[n] == '\0') {
			*out = diff || twin;
			continue;
		}
		if (git_tree_entry_type(te) != GIT_OBJECT_TREE ||
		    depth + 1 >= LD__TREE_MAX_DEPTH)
			continue;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0)
			return ld__git_fail(err, AE_EIO,
					    "cannot read a tree of the ledger");
		rc = case_find(out, repo, sub, rel + n + 1, diff || twin,
			       depth + 1, err);
		git_tree_free(sub);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ld__path_case_twin(bool *out, git_repository *repo, const git_tree *root,
		       const char *rel, ae_err *err)
{
	*out = false;
	if (root == NULL)
		return 0;
	return case_find(out, repo, root, rel, false, 0, err);
}
