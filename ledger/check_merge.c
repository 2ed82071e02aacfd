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
 * contains head: nothing changes. Otherwise the merge is computed here.
 * With one merge base it is a three-way merge of trees, path by path, that
 * skips every subtree the two sides did not both change -- its cost is the
 * change's, not the ledger's (SPEC §7) -- and computes only what the gate
 * judges: the whole evidence root, and on each directory above it the
 * entry leading down and any .gitattributes; the rest of the judged
 * top-level tree is the target's. A file changed on both sides is merged
 * as text, as git does; what cannot be merged is a conflict. With several
 * merge bases (criss-cross) git_merge_commits builds the whole merge,
 * recursively over the bases as `git merge` does: rare, and correct by
 * construction. A conflict refuses the check (the merge cannot happen as
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
#include <stdio.h>
#include <stdlib.h>
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

/* ---- the three-way merge of trees, for one merge base ---- */

/* Blobs merged as text at most this large; larger ones are a conflict. */
#define MERGE_TEXT_MAX (1u << 20)
/* Names of one directory merged at once (a wider one is a conflict). */
#define MERGE_NAMES_MAX 1000000u

typedef struct merge3 {
	git_repository *repo;
	const char *root; /* the evidence root: full merge at and below it */
	size_t conflicts;
	char first[LD__PATH_MAX]; /* the first conflicting path */
} merge3;

/* One side of one name: absent, or a mode and an object. */
typedef struct mside {
	bool has;
	uint32_t mode;
	git_oid id;
} mside;

static mside merge_side(const git_tree *t, const char *name)
{
	const git_tree_entry *e = t ? git_tree_entry_byname(t, name) : NULL;
	mside s;

	memset(&s, 0, sizeof(s));
	if (e != NULL) {
		s.has = true;
		s.mode = (uint32_t)git_tree_entry_filemode_raw(e);
		git_oid_cpy(&s.id, git_tree_entry_id(e));
	}
	return s;
}

static bool merge_same(const mside *a, const mside *b)
{
	if (!a->has || !b->has)
		return a->has == b->has;
	return a->mode == b->mode && git_oid_equal(&a->id, &b->id);
}

static void merge_conflict(merge3 *m, const char *path)
{
	if (m->conflicts++ == 0)
		snprintf(m->first, sizeof(m->first), "%s", path);
}

/* The text of blob `s` (an empty input when absent). */
static int merge_input(git_blob **blob, git_merge_file_input *in,
		       git_repository *repo, const mside *s)
{
	git_merge_file_input_init(in, GIT_MERGE_FILE_INPUT_VERSION);
	if (!s->has)
		return 0;
	if (git_blob_lookup(blob, repo, &s->id) < 0)
		return -1;
	if (git_blob_rawsize(*blob) > MERGE_TEXT_MAX)
		return 1;
	in->ptr = git_blob_rawcontent(*blob);
	in->size = (size_t)git_blob_rawsize(*blob);
	in->mode = s->mode;
	return 0;
}

/* A file both sides changed, merged as text as git does: *res is the
 * merged blob, or absent with a conflict recorded. */
static int merge_text(mside *res, merge3 *m, const mside *b, const mside *o,
		      const mside *t, const char *path, ae_err *err)
{
	git_blob *bb = NULL, *ob = NULL, *tb = NULL;
	git_merge_file_input bi, oi, ti;
	git_merge_file_result r;
	git_odb *odb = NULL;
	int rc = 0, k;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	k = merge_input(&bb, &bi, m->repo, b);
	if (k == 0)
		k = merge_input(&ob, &oi, m->repo, o);
	if (k == 0)
		k = merge_input(&tb, &ti, m->repo, t);
	if (k < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a file to merge");
		goto done;
	}
	if (k > 0 || git_merge_file(&r, &bi, &oi, &ti, NULL) < 0 ||
	    !r.automergeable || r.mode == 0) {
		git_error_clear();
		merge_conflict(m, path);
		goto done;
	}
	if (git_repository_odb(&odb, m->repo) < 0 ||
	    git_odb_write(&res->id, odb, r.ptr, r.len, GIT_OBJECT_BLOB) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot write a merged file");
		goto done;
	}
	res->has = true;
	res->mode = r.mode;
done:
	git_merge_file_result_free(&r);
	git_odb_free(odb);
	git_blob_free(bb);
	git_blob_free(ob);
	git_blob_free(tb);
	return rc;
}

static bool merge_is_tree(const mside *s)
{
	return s->has && s->mode == LD__MODE_TREE;
}

static bool merge_is_file(const mside *s)
{
	return s->has && (s->mode == LD__MODE_BLOB || s->mode == LD__MODE_EXEC);
}

static int merge_dir(git_oid *out, merge3 *m, const git_tree *b,
		     const git_tree *o, const git_tree *t, char *path,
		     size_t plen, int depth, ae_err *err);

/* Looks up tree `s` (NULL when `s` is not a tree). */
static int merge_lookup(git_tree **out, git_repository *repo, const mside *s,
			ae_err *err)
{
	*out = NULL;
	if (!merge_is_tree(s))
		return 0;
	if (git_tree_lookup(out, repo, &s->id) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a tree to merge");
	return 0;
}

/* The merged entry of one name (path[0..plen) its path). */
static int merge_name(mside *res, merge3 *m, const mside *b, const mside *o,
		      const mside *t, char *path, size_t plen, int depth,
		      ae_err *err)
{
	git_tree *bt = NULL, *ot = NULL, *tt = NULL;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (merge_same(o, t) || merge_same(b, t)) {
		*res = *o;
		return 0;
	}
	if (merge_same(b, o)) {
		*res = *t;
		return 0;
	}
	if (merge_is_file(o) && merge_is_file(t) &&
	    (!b->has || merge_is_file(b)))
		return merge_text(res, m, b, o, t, path, err);
	if (!merge_is_tree(o) || !merge_is_tree(t) ||
	    depth + 1 >= LD__TREE_MAX_DEPTH) {
		merge_conflict(m, path);
		return 0;
	}
	rc = merge_lookup(&bt, m->repo, b, err);
	if (rc == 0)
		rc = merge_lookup(&ot, m->repo, o, err);
	if (rc == 0)
		rc = merge_lookup(&tt, m->repo, t, err);
	if (rc == 0) {
		res->has = true;
		res->mode = LD__MODE_TREE;
		rc = merge_dir(&res->id, m, bt, ot, tt, path, plen, depth + 1,
			       err);
	}
	git_tree_free(bt);
	git_tree_free(ot);
	git_tree_free(tt);
	return rc;
}

/* True iff the directory `path` (plen bytes) is the root or below it: all
 * its names are merged. Above it only the way down and .gitattributes are
 * (the rest is the target's: the gate judges nothing else). */
static bool merge_all_names(const merge3 *m, const char *path, size_t plen)
{
	size_t rl = strlen(m->root);

	return plen >= rl && memcmp(path, m->root, rl) == 0 &&
	       (plen == rl || path[rl] == '/');
}

static bool merge_wanted(const merge3 *m, const char *dir, size_t dlen,
			 const char *name)
{
	size_t rl = strlen(m->root), nl = strlen(name);

	if (merge_all_names(m, dir, dlen) ||
	    ld__name_is_gitattributes(name, nl))
		return true;
	/* the next element of the root's path below `dir` */
	if (dlen > 0)
		dlen++; /* the '/' after dir */
	return dlen + nl <= rl && memcmp(m->root + dlen, name, nl) == 0 &&
	       (dlen + nl == rl || m->root[dlen + nl] == '/') &&
	       (dlen == 0 || memcmp(m->root, dir, dlen - 1) == 0);
}

/* The names of the three trees that `dir` merges, sorted, unique;
 * borrowed from the trees. */
static int merge_names(const char ***out, size_t *n_out, const merge3 *m,
		       const git_tree *const *trees, const char *dir,
		       size_t dlen, ae_err *err)
{
	size_t n = 0, cap = 0, k = 0;
	const char **v;

	*out = NULL;
	*n_out = 0;
	for (int i = 0; i < 3; i++)
		cap += trees[i] ? git_tree_entrycount(trees[i]) : 0;
	if (cap > MERGE_NAMES_MAX)
		return ae_fail(err, AE_ETOOBIG,
			       "a directory to merge has %zu entries", cap);
	v = calloc(cap ? cap : 1, sizeof(*v));
	if (v == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (int i = 0; i < 3; i++)
		for (size_t j = 0;
		     trees[i] && j < git_tree_entrycount(trees[i]); j++) {
			const char *nm = git_tree_entry_name(
				git_tree_entry_byindex(trees[i], j));
			if (merge_wanted(m, dir, dlen, nm))
				v[n++] = nm;
		}
	if (n > 1)
		qsort(v, n, sizeof(*v), ae_strptr_cmp);
	for (size_t j = 0; j < n; j++)
		if (k == 0 || strcmp(v[k - 1], v[j]) != 0)
			v[k++] = v[j];
	*out = v;
	*n_out = k;
	return 0;
}

/* Merges the directory `path` (plen bytes; a scratch of LD__PATH_MAX):
 * the target's tree `o` with the names merge_wanted picks merged in. */
static int merge_dir(git_oid *out, merge3 *m, const git_tree *b,
		     const git_tree *o, const git_tree *t, char *path,
		     size_t plen, int depth, ae_err *err)
{
	const git_tree *trees[3] = {b, o, t};
	git_treebuilder *bld = NULL;
	const char **names = NULL;
	bool changed = false;
	size_t n = 0;
	int rc;

	rc = merge_names(&names, &n, m, trees, path, plen, err);
	if (rc == 0 && git_treebuilder_new(&bld, m->repo, o) < 0)
		rc = ld__git_fail(err, AE_ERR, "cannot build a merged tree");
	for (size_t i = 0; i < n && rc == 0; i++) {
		mside sb = merge_side(b, names[i]),
		      so = merge_side(o, names[i]);
		mside st = merge_side(t, names[i]), res;
		size_t len = 0;
		rc = ld__path_push(&len, path, plen, names[i], err);
		if (rc == 0)
			rc = merge_name(&res, m, &sb, &so, &st, path, len,
					depth, err);
		path[plen] = '\0';
		if (rc < 0 || merge_same(&res, &so))
			continue;
		changed = true;
		if (!res.has)
			git_treebuilder_remove(bld, names[i]);
		else if (git_treebuilder_insert(NULL, bld, names[i], &res.id,
						(git_filemode_t)res.mode) < 0)
			rc = ld__git_fail(err, AE_EIO,
					  "cannot build a merged tree");
	}
	if (rc == 0 && !changed && o != NULL)
		git_oid_cpy(out, git_tree_id(o));
	else if (rc == 0 && git_treebuilder_write(out, bld) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot write a merged tree");
	git_error_clear();
	git_treebuilder_free(bld);
	free(names);
	return rc;
}

/* The merge of `head` into `base` from their one merge base `mb`. */
static int merge_single(git_tree **out, git_repository *repo, const char *root,
			const git_oid *mb, git_commit *base, git_commit *head,
			ae_err *err)
{
	git_commit *mbc = NULL;
	git_tree *bt = NULL, *ot = NULL, *tt = NULL;
	merge3 m;
	git_oid id;
	char *path = NULL;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	m.repo = repo;
	m.root = root;
	if (git_commit_lookup(&mbc, repo, mb) < 0 ||
	    git_commit_tree(&bt, mbc) < 0 || git_commit_tree(&ot, base) < 0 ||
	    git_commit_tree(&tt, head) < 0) {
		rc = ld__git_fail(err, AE_EIO,
				  "cannot read the trees to merge");
		goto done;
	}
	path = calloc(1, LD__PATH_MAX);
	if (path == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rc = merge_dir(&id, &m, bt, ot, tt, path, 0, 0, err);
	if (rc == 0 && m.conflicts > 0) {
		char repr[AE_REPR_BUF];
		rc = ae_fail(
			err, AE_EINVAL,
			"head does not merge cleanly into base: %zu "
			"conflicting path%s, first %s; what the merge would "
			"hold is unknown until the conflict is resolved in "
			"the PR",
			m.conflicts, m.conflicts == 1 ? "" : "s",
			ae_repr(repr, sizeof(repr), m.first, strlen(m.first)));
	}
	if (rc == 0 && git_tree_lookup(out, repo, &id) < 0)
		rc = ld__git_fail(err, AE_EIO, "cannot read the merged tree");
done:
	free(path);
	git_tree_free(bt);
	git_tree_free(ot);
	git_tree_free(tt);
	git_commit_free(mbc);
	return rc;
}

/* The history between base and head cannot be walked: in a shallow
 * clone the merge base lies past the cut (CI's actions/checkout fetches
 * one commit by default). */
static int merge_walk_fail(git_repository *repo, ae_err *err)
{
	if (git_repository_is_shallow(repo) == 1) {
		git_error_clear();
		return ae_fail(err, AE_EINVAL,
			       "shallow clone: fetch the full history "
			       "(fetch-depth: 0)");
	}
	return ld__git_fail(err, AE_EIO, "cannot walk the history");
}

/* ---- several merge bases: libgit2's recursive merge ---- */

/* The recursive merge of base and head, in memory. */
static int merge_compute(git_tree **out, size_t *n_bases, git_repository *repo,
			 const char *root, git_commit *base, git_commit *head,
			 ae_err *err)
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
		return merge_walk_fail(repo, err);
	*n_bases = bases.count;
	if (bases.count == 1) {
		git_oid mb = bases.ids[0];
		git_oidarray_dispose(&bases);
		rc = merge_mempack_attach(repo, err);
		if (rc == 0)
			rc = merge_single(out, repo, root, &mb, base, head,
					  err);
		return rc;
	}
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
		   const char *root, git_commit *base, git_commit *head,
		   ae_err *err)
{
	const git_oid *b = git_commit_id(base), *h = git_commit_id(head);
	git_commit *result = head;
	int rc;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	info->kind = LD__MERGE_FAST_FORWARD;
	if (!git_oid_equal(b, h) && git_repository_is_shallow(repo) == 1)
		return merge_walk_fail(repo, err); /* libgit2 leaks on a cut */
	if (!git_oid_equal(b, h)) {
		/* One merge-base walk answers both "head contains base" and
		 * "base contains head" (git_graph_descendant_of twice walked
		 * twice, and leaked on a cut-off history). */
		git_oid mb;

		rc = git_merge_base(&mb, repo, b, h);
		if (rc == GIT_ENOTFOUND) {
			git_error_clear();
			rc = 0; /* merge_compute names it */
		} else if (rc < 0) {
			return merge_walk_fail(repo, err);
		} else if (git_oid_equal(&mb, b)) {
			rc = 1;
		} else if (git_oid_equal(&mb, h)) {
			info->kind = LD__MERGE_UP_TO_DATE;
			result = base;
			rc = 1;
		} else {
			rc = 0;
		}
		if (rc == 0) {
			info->kind = LD__MERGE_THREE_WAY;
			return merge_compute(out, &info->n_bases, repo, root,
					     base, head, err);
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
