/* ledger/check_trees.c -- the trees on the way to the evidence root and
 * below it
 *
 * Two things decide what a checkout of the ledger holds besides the
 * pointer blobs themselves (issue 15):
 *
 *  - the tree objects: each is judged by ld__tree_fsck (check_fsck.c) when
 *    the target branch does not already hold it -- every directory from
 *    the repository's top down to the root, and every tree below the root
 *    whose id differs from the base's (rule "tree");
 *  - .gitattributes files on that path: `working-tree-encoding`, `filter`,
 *    `eol`/`text` for a pointer path change the bytes a clone writes for
 *    an existing pointer, so a consumer reading the work tree drops it --
 *    a deletion in effect. A change to one in a directory from the top down
 *    to the root's parent is refused here (rule "gitattributes"); inside
 *    the root every such file is refused by placement (check_place.c).
 *
 * On the path to the root the trees are read raw from the object database
 * and walked by their own entries, so libgit2's reading of a malformed
 * tree never decides what is judged. Below the root the diff and the
 * audit already hold each tree they read parsed (check_diff.c,
 * check_tree.c): ld__tree_sink_check judges those entries as the raw
 * reader would, plus the raw size from the object's header (a parse
 * forgets how a mode was written; a size past git's own encoding of the
 * entries is a padded or signed mode), and reads raw only a tree it
 * refuses, to report the raw verdict -- no second inflate of every tree.
 * A tree libgit2 will not parse at all is judged from its raw bytes
 * (ld__tree_sink_unparsed): git fsck refuses it too, so it is the PR's
 * (rule "tree"), and the walk goes on beside it. For a
 * three-way merge the trees judged below the root are the PR head's,
 * walked raw here (the merge result is libgit2's own, well formed by
 * construction); the .gitattributes compared are the merge result's.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tree's raw bytes, or none. */
typedef struct trees_raw {
	git_odb_object *obj;
	const unsigned char *data;
	size_t len;
} trees_raw;

/* Reads tree `id` raw. AE_EIO when it is missing or not a tree. */
static int trees_read(trees_raw *out, git_odb *odb, const git_oid *id,
		      ae_err *err)
{
	memset(out, 0, sizeof(*out));
	if (git_odb_read(&out->obj, odb, id) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a tree");
	if (git_odb_object_type(out->obj) != GIT_OBJECT_TREE) {
		git_odb_object_free(out->obj);
		out->obj = NULL;
		return ae_fail(err, AE_EIO,
			       "an entry of mode 040000 is not "
			       "a tree");
	}
	out->data = git_odb_object_data(out->obj);
	out->len = git_odb_object_size(out->obj);
	return 0;
}

static void trees_dispose(trees_raw *t)
{
	git_odb_object_free(t->obj);
	memset(t, 0, sizeof(*t));
}

/* The id of the first subtree `name` of raw tree `t` (NULL: none). */
static bool trees_child(git_oid *out, const trees_raw *t, const char *name,
			size_t n)
{
	const unsigned char *p = t->data, *end;
	ld__rawent e;

	if (t->obj == NULL)
		return false;
	end = t->data + t->len;
	while (ld__rawtree_next(&e, &p, end) == 1) {
		if (e.mode == LD__MODE_TREE && e.name_len == n &&
		    memcmp(e.name, name, n) == 0) {
			git_oid_fromraw(out, e.id);
			return true;
		}
	}
	return false;
}

/* Reports one kind `git fsck` refuses, found in the tree shown as `dir`. */
static int trees_note(ld_report *r, const char *dir, const ld__fsck *f, int k,
		      ae_err *err)
{
	char repr[AE_REPR_BUF], mode[32] = "";

	if (f->name[k] != NULL)
		ae_repr(repr, sizeof(repr), f->name[k], f->name_len[k]);
	if (k == LD__FSCK_BAD_MODE)
		snprintf(mode, sizeof(mode), " (mode %06o)", f->mode[k]);
	return ld__report_add_at(
		r, 0, dir, LD_RULE_TREE, err,
		"malformed tree (git fsck refuses it): %s%s%s%s",
		ld__fsck_why(k), f->name[k] ? ": " : "", f->name[k] ? repr : "",
		mode);
}

/* Reports every kind `git fsck` refuses in raw tree `t`, shown as `dir`;
 * the verdict is left in *out. */
static int trees_report(ld__fsck *out, ld_report *r, const char *dir,
			const trees_raw *t, ae_err *err)
{
	int rc = 0;

	if (ld__tree_fsck(out, t->data, t->len) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (int k = 0; k < LD__FSCK_COUNT && rc == 0; k++)
		if (out->found & (1u << k))
			rc = trees_note(r, dir, out, k, err);
	return rc;
}

/* Walks head's trees below `dir` (a scratch buffer of LD__PATH_MAX, its
 * length `dlen`, ending in '/'), judging each that base (NULL: none) does
 * not hold. */
static int trees_walk(ld_report *r, git_odb *odb, const git_oid *head,
		      const git_oid *base, char *dir, size_t dlen, int depth,
		      ae_err *err)
{
	trees_raw h = {0}, b = {0};
	const unsigned char *p, *end;
	ld__rawent e;
	ld__fsck f = {0};
	int rc;

	if (base != NULL && git_oid_equal(head, base))
		return 0;
	rc = trees_read(&h, odb, head, err);
	if (rc == 0 && base != NULL)
		rc = trees_read(&b, odb, base, err);
	if (rc == 0)
		rc = trees_report(&f, r, dir, &h, err);
	if (rc < 0 || (f.found & (1u << LD__FSCK_BAD_TREE)) ||
	    depth + 1 >= LD__TREE_MAX_DEPTH)
		goto done;
	p = h.data;
	end = h.data + h.len;
	while (rc == 0 && ld__rawtree_next(&e, &p, end) == 1) {
		git_oid child, bchild;
		bool has_b;
		if (e.mode != LD__MODE_TREE || e.name_len == 0 ||
		    dlen + e.name_len + 2 > LD__PATH_MAX ||
		    memchr(e.name, '\0', e.name_len) != NULL)
			continue;
		git_oid_fromraw(&child, e.id);
		has_b = trees_child(&bchild, &b, e.name, e.name_len);
		memcpy(dir + dlen, e.name, e.name_len);
		dir[dlen + e.name_len] = '/';
		dir[dlen + e.name_len + 1] = '\0';
		rc = trees_walk(r, odb, &child, has_b ? &bchild : NULL, dir,
				dlen + e.name_len + 1, depth + 1, err);
		dir[dlen] = '\0';
	}
done:
	trees_dispose(&h);
	trees_dispose(&b);
	return rc;
}

/* The entry `name` of raw tree `t`, the first of that name. */
static bool trees_find(ld__rawent *out, const trees_raw *t, const char *name,
		       size_t n)
{
	const unsigned char *p = t->data, *end;

	if (t->obj == NULL)
		return false;
	end = t->data + t->len;
	while (ld__rawtree_next(out, &p, end) == 1)
		if (out->name_len == n && memcmp(out->name, name, n) == 0)
			return true;
	return false;
}

/* Reports .gitattributes entry `e` of directory `dir` as `what`. */
static int trees_attr_note(ld_report *r, const char *dir, const ld__rawent *e,
			   const char *what, ae_err *err)
{
	char shown[LD__PATH_MAX + 256];

	/* The report escapes every byte of a path when it prints it. */
	snprintf(shown, sizeof(shown), "%s%.*s", dir,
		 (int)(e->name_len < 255 ? e->name_len : 255), e->name);
	return ld__report_add_at(
		r, 0, shown, LD_RULE_ATTRIBUTES, err,
		"%s on the path to the evidence root: attributes "
		"(working-tree-encoding, filter, eol, text) change what a "
		"checkout writes for the ledger's files, so a PR may not "
		"change them",
		what);
}

/* Reports each .gitattributes (in any spelling) that merged tree `m` holds
 * and base tree `b` does not hold alike, and each of `b` that `m` lacks.
 * Either tree may be empty. */
static int trees_attributes(ld_report *r, const char *dir, const trees_raw *m,
			    const trees_raw *b, ae_err *err)
{
	const unsigned char *p;
	ld__rawent e, x;
	int rc = 0;

	for (p = m->data; m->obj && rc == 0 &&
			  ld__rawtree_next(&e, &p, m->data + m->len) == 1;) {
		if (!ld__name_is_gitattributes(e.name, e.name_len))
			continue;
		if (!trees_find(&x, b, e.name, e.name_len))
			rc = trees_attr_note(r, dir, &e, "added", err);
		else if (x.mode != e.mode || memcmp(x.id, e.id, 20) != 0)
			rc = trees_attr_note(r, dir, &e, "changed", err);
	}
	for (p = b->data; b->obj && rc == 0 &&
			  ld__rawtree_next(&e, &p, b->data + b->len) == 1;) {
		if (ld__name_is_gitattributes(e.name, e.name_len) &&
		    !trees_find(&x, m, e.name, e.name_len))
			rc = trees_attr_note(r, dir, &e, "removed", err);
	}
	return rc;
}

/* Reports each entry of merged tree `m` that is a case variant of the
 * next element `el` (n bytes) of the root's path and that base tree `b`
 * does not hold alike: on a case-insensitive checkout it is that
 * directory, so what it holds lands beside (or over) the ledger's files,
 * a .gitattributes in it included (check_case.c). */
static int trees_case(ld_report *r, const char *dir, const trees_raw *m,
		      const trees_raw *b, const char *el, size_t n, ae_err *err)
{
	char shown[LD__PATH_MAX + 256];
	const unsigned char *p;
	ld__rawent e, x;
	int rc = 0;

	for (p = m->data; m->obj && rc == 0 &&
			  ld__rawtree_next(&e, &p, m->data + m->len) == 1;) {
		if (!ld__name_case_twin(e.name, e.name_len, el, n))
			continue;
		if (trees_find(&x, b, e.name, e.name_len) && x.mode == e.mode &&
		    memcmp(x.id, e.id, 20) == 0)
			continue;
		snprintf(shown, sizeof(shown), "%s%.*s", dir,
			 (int)(e.name_len < 255 ? e.name_len : 255), e.name);
		rc = ld__report_add_at(
			r, 0, shown, LD_RULE_PLACEMENT, err,
			"differs from %.*s on the path to the evidence root "
			"only by case: a case-insensitive checkout (macOS, "
			"Windows) writes both to one directory",
			(int)n, el);
	}
	return rc;
}

/* The directories from the top down to the root's parent: each tree of
 * head that base lacks is judged, and .gitattributes compared between the
 * merge result and base. Leaves the root's ids in *hroot / *broot. */
static int trees_path(ld__state *st, git_odb *odb, git_oid *hroot, bool *has_h,
		      git_oid *broot, bool *has_b, ae_err *err)
{
	git_oid h = *git_tree_id(st->pr_top), m = *git_tree_id(st->head_top);
	git_oid b;
	bool hb = true, mb = true, bb = st->base_top != NULL;
	char dir[LD__PATH_MAX] = "";
	const char *el = st->root;
	ld__fsck f;
	int rc = 0;

	if (bb)
		b = *git_tree_id(st->base_top);
	while (rc == 0 && *el != '\0') {
		size_t n = strcspn(el, "/");
		trees_raw th = {0}, tm = {0}, tb = {0};
		if (hb && (!bb || !git_oid_equal(&h, &b)))
			rc = trees_read(&th, odb, &h, err);
		if (rc == 0 && hb && th.obj != NULL)
			rc = trees_report(&f, st->report, *dir ? dir : "./",
					  &th, err);
		if (rc == 0 && mb)
			rc = trees_read(&tm, odb, &m, err);
		if (rc == 0 && bb)
			rc = trees_read(&tb, odb, &b, err);
		if (rc == 0 && st->base_top != NULL)
			rc = trees_attributes(st->report, dir, &tm, &tb, err);
		if (rc == 0 && st->base_top != NULL)
			rc = trees_case(st->report, dir, &tm, &tb, el, n, err);
		if (rc == 0 && hb && th.obj == NULL) /* base's: read it */
			rc = trees_read(&th, odb, &h, err);
		hb = hb && trees_child(&h, &th, el, n);
		mb = mb && trees_child(&m, &tm, el, n);
		bb = bb && trees_child(&b, &tb, el, n);
		trees_dispose(&th);
		trees_dispose(&tm);
		trees_dispose(&tb);
		snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "%.*s/",
			 (int)n, el);
		el += n + (el[n] == '/');
	}
	*hroot = h;
	*has_h = hb;
	if (bb)
		*broot = b;
	*has_b = bb;
	return rc;
}

int ld__tree_sink_check(ld__tree_sink *s, const git_tree *t, const char *rel,
			ae_err *err)
{
	char dir[LD__PATH_MAX + LD__ROOT_MAX + 2];
	trees_raw raw = {0};
	git_object_t type;
	size_t size = 0;
	ld__fsck f;
	int rc;

	/* The raw size from the object's header (for a delta, its result's:
	 * the first bytes of the delta, no inflating of the whole). */
	if (git_odb_read_header(&size, &type, s->odb, git_tree_id(t)) < 0)
		return ld__git_fail(err, AE_EIO, "cannot read a tree's header");
	if (ld__tree_fsck_parsed(&f, t, size) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	if (f.found == 0)
		return 0;
	/* A refused tree (rare) is read raw to name every entry exactly,
	 * a padded mode's too. */
	snprintf(dir, sizeof(dir), "%s/%s%s", s->root, rel, *rel ? "/" : "");
	rc = trees_read(&raw, s->odb, git_tree_id(t), err);
	if (rc == 0)
		rc = trees_report(&f, s->report, dir, &raw, err);
	trees_dispose(&raw);
	return rc;
}

int ld__tree_sink_unparsed(ld__tree_sink *s, const git_oid *id, const char *rel,
			   ae_err *err)
{
	char dir[LD__PATH_MAX + LD__ROOT_MAX + 2];
	trees_raw raw = {0};
	ld__fsck f;
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s%s", s->root, rel, *rel ? "/" : "");
	rc = trees_read(&raw, s->odb, id, err);
	if (rc == 0)
		rc = trees_report(&f, s->report, dir, &raw, err);
	if (rc == 0 && f.found == 0)
		rc = 1;
	trees_dispose(&raw);
	return rc;
}

int ld__trees_check(ld__state *st, ae_err *err)
{
	git_odb *odb = NULL;
	git_oid h, b;
	bool has_h = false, has_b = false;
	char *dir = NULL;
	int rc;

	if (git_repository_odb(&odb, st->repo) < 0)
		return ld__git_fail(err, AE_EIO, "cannot open the objects");
	rc = trees_path(st, odb, &h, &has_h, &b, &has_b, err);
	/* Below the root the diff and the audit walk the judged trees and
	 * hold each to git fsck as they read it (ld__tree_sink); a three-way
	 * merge judges trees of its own making, so the PR head's are walked
	 * here. */
	if (rc == 0 && has_h && st->merge.kind == LD__MERGE_THREE_WAY) {
		dir = malloc(LD__PATH_MAX);
		if (dir == NULL)
			rc = ae_fail(err, AE_ERR, "out of memory");
	}
	if (rc == 0 && dir != NULL) {
		snprintf(dir, LD__PATH_MAX, "%s/", st->root);
		rc = trees_walk(st->report, odb, &h, has_b ? &b : NULL, dir,
				strlen(dir), 0, err);
	}
	free(dir);
	git_odb_free(odb);
	return rc;
}
