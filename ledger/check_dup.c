/* ledger/check_dup.c -- one bundle, one vote, as the gate sees it
 *
 * The ledger credits one signer per bundle (docs/ledger.md "One bundle,
 * one vote"): a pointer naming a bundle that another pointer already
 * names -- someone else's bundle re-signed, or the same bundle pointed at
 * again -- adds no vote. The reference does not refuse such a pointer, so
 * the gate does not either; it tells the reviewer, as a note on the added
 * pointer naming the other pointer and the digest.
 *
 * The digests of the added pointers are the ones their workers read
 * (st->keys). The base is searched without reading every pointer it
 * holds: the placement rule makes a pointer's file name its digest, so a
 * name "sha256-<hex>.yaml" is read only when <hex> is the digest of an
 * added pointer, and a *.yaml of any other name (which only a commit past
 * the gate can hold, and which `ledger` reads too) is always read. The
 * cost follows the change and the odd files of the base, not its size.
 */
#include "ledger/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True iff s[0..7) is "sha256:" or "sha256-" in any ASCII case. */
static bool has_algo(const char *s)
{
	static const char want[] = "sha256";

	for (size_t i = 0; i < 6; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != want[i])
			return false;
	}
	return s[6] == ':' || s[6] == '-';
}

bool ld__digest_key(char out[AE_DIGEST_STR_LEN], const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *h;

	out[0] = '\0';
	if (s == NULL)
		return false;
	h = strlen(s) == 7 + AE_SHA256_HEX_LEN && has_algo(s) ? s + 7 : s;
	if (strlen(h) != AE_SHA256_HEX_LEN)
		return false;
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < AE_SHA256_HEX_LEN; i++) {
		int v = ae_hex_digit(h[i]);
		if (v < 0) {
			out[0] = '\0';
			return false;
		}
		out[7 + i] = hex[v];
	}
	out[7 + AE_SHA256_HEX_LEN] = '\0';
	return true;
}

/* An added pointer that names a bundle. */
typedef struct dup_item {
	const char *key; /* st->keys[job] */
	size_t order;	 /* its entry's index: path order */
	size_t job;
} dup_item;

/* The added pointers that name a bundle, sorted by key, then path order. */
typedef struct dup_set {
	dup_item *v;
	size_t n;
	bool *noted; /* by job index: already told of a base pointer */
} dup_set;

static int item_cmp(const void *a, const void *b)
{
	const dup_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The first index of v[] whose key is `key`, or s->n. */
static size_t dup_find(const dup_set *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && strcmp(s->v[lo].key, key) == 0 ? lo : s->n;
}

/* Two added pointers naming one bundle: each after the first (path
 * order) is noted, naming the first. */
static int dup_within(ld__state *st, const dup_set *s, ae_err *err)
{
	size_t first = 0;
	int rc = 0;

	for (size_t i = 1; i < s->n && rc == 0; i++) {
		const ld__job *j = &st->jobs.v[s->v[i].job];
		if (strcmp(s->v[i].key, s->v[first].key) != 0) {
			first = i;
			continue;
		}
		rc = ld__report_note_at(
			st->report, j->order, j->shown, LD_NOTE_SAME_BUNDLE,
			err,
			"bundle %s is also named by %s, added in this change: "
			"one bundle, one vote -- the ledger credits it to one "
			"signer, so this pointer adds no vote",
			s->v[i].key, st->jobs.v[s->v[first].job].shown);
	}
	return rc;
}

/* The digest key of the pointer blob `te` (at `rel` under the root) into
 * key[AE_DIGEST_STR_LEN]: "" when it is no regular file, is past the cap
 * or names no digest (the ledger does not count it). */
static int base_key(char *key, ld__state *st, const git_tree_entry *te,
		    ae_err *err)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t size = 0;
	ld__claim c;
	int rc = 0;

	key[0] = '\0';
	/* `ledger` reads no symlink, directory or submodule as a pointer */
	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode_raw(te) == LD__MODE_LINK)
		return 0;
	if (git_repository_odb(&odb, st->repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a base pointer");
		goto done;
	}
	if (type != GIT_OBJECT_BLOB || size > LD_CONTRACT_POINTER_MAX_BYTES)
		goto done;
	if (git_odb_read(&obj, odb, git_tree_entry_id(te)) < 0) {
		rc = ld__git_fail(err, AE_EIO, "cannot read a base pointer");
		goto done;
	}
	rc = ld__claim_parse(&c, git_odb_object_data(obj),
			     git_odb_object_size(obj), err);
	if (rc == 0)
		(void)ld__digest_key(key, c.digest);
	ld__claim_dispose(&c);
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

/* True iff `name` is "<something>.yaml" (the ledger's pointer files);
 * the stem's key into key[] when the stem is a digest, else "". */
static bool yaml_name(char *key, const char *name)
{
	size_t n = strlen(name);
	char stem[AE_DIGEST_STR_LEN + 1];

	key[0] = '\0';
	if (n <= 5 || strcmp(name + n - 5, ".yaml") != 0)
		return false;
	if (n - 5 < sizeof(stem)) {
		memcpy(stem, name, n - 5);
		stem[n - 5] = '\0';
		(void)ld__digest_key(key, stem);
	}
	return true;
}

/* One file of a base source directory: noted against every added pointer
 * naming its bundle (once per added pointer). */
static int base_file(ld__state *st, dup_set *s, const git_tree_entry *te,
		     const char *recipe, const char *src, ae_err *err)
{
	const char *name = git_tree_entry_name(te);
	char key[AE_DIGEST_STR_LEN];
	char *shown = NULL;
	size_t i;
	int rc;

	if (!ae_path_element_is_plain(name) || !yaml_name(key, name))
		return 0;
	/* named by its digest: read only when an added pointer names it */
	if (key[0] != '\0' && dup_find(s, key) == s->n)
		return 0;
	rc = base_key(key, st, te, err);
	if (rc < 0 || key[0] == '\0')
		return rc;
	i = dup_find(s, key);
	if (i == s->n)
		return 0;
	if (asprintf(&shown, "%s/%s/%s/%s", st->root, recipe, src, name) < 0)
		return ae_fail(err, AE_ERR, "out of memory");
	for (; i < s->n && rc == 0 && strcmp(s->v[i].key, key) == 0; i++) {
		const ld__job *j = &st->jobs.v[s->v[i].job];
		if (s->noted[s->v[i].job])
			continue;
		s->noted[s->v[i].job] = true;
		rc = ld__report_note_at(
			st->report, j->order, j->shown, LD_NOTE_SAME_BUNDLE,
			err,
			"bundle %s is already named by %s, committed on the "
			"base: one bundle, one vote -- the ledger credits it "
			"to one signer, so this pointer adds no vote",
			key, shown);
	}
	free(shown);
	return rc;
}

/* Every recipe/source/NAME.yaml of the base root, as `ledger` lists them
 * (plain names, directories only above the files). */
static int dup_base(ld__state *st, dup_set *s, ae_err *err)
{
	const git_tree *root = st->base_tree;
	int rc = 0;

	for (size_t i = 0; i < git_tree_entrycount(root) && rc == 0; i++) {
		const git_tree_entry *re = git_tree_entry_byindex(root, i);
		const char *recipe = git_tree_entry_name(re);
		git_tree *rt = NULL;
		if (git_tree_entry_type(re) != GIT_OBJECT_TREE ||
		    !ae_path_element_is_plain(recipe))
			continue;
		if (git_tree_lookup(&rt, st->repo, git_tree_entry_id(re)) < 0)
			return ld__git_fail(err, AE_EIO,
					    "cannot read a base recipe tree");
		for (size_t k = 0; k < git_tree_entrycount(rt) && rc == 0;
		     k++) {
			const git_tree_entry *se =
				git_tree_entry_byindex(rt, k);
			const char *src = git_tree_entry_name(se);
			git_tree *srt = NULL;
			if (git_tree_entry_type(se) != GIT_OBJECT_TREE ||
			    !ae_path_element_is_plain(src))
				continue;
			if (git_tree_lookup(&srt, st->repo,
					    git_tree_entry_id(se)) < 0) {
				rc = ld__git_fail(err, AE_EIO,
						  "cannot read a base source "
						  "tree");
				break;
			}
			for (size_t f = 0;
			     f < git_tree_entrycount(srt) && rc == 0; f++)
				rc = base_file(st, s,
					       git_tree_entry_byindex(srt, f),
					       recipe, src, err);
			git_tree_free(srt);
		}
		git_tree_free(rt);
	}
	return rc;
}

int ld__dup_check(ld__state *st, ae_err *err)
{
	dup_set s = {NULL, 0, NULL};
	int rc = 0;

	if (st->keys == NULL || st->jobs.n == 0)
		return 0;
	s.v = calloc(st->jobs.n, sizeof(*s.v));
	s.noted = calloc(st->jobs.n, sizeof(*s.noted));
	if (s.v == NULL || s.noted == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < st->jobs.n; i++)
		if (st->keys[i][0] != '\0')
			s.v[s.n++] =
				(dup_item){st->keys[i], st->jobs.v[i].order, i};
	if (s.n == 0)
		goto done;
	qsort(s.v, s.n, sizeof(*s.v), item_cmp);
	if (st->base_tree != NULL)
		rc = dup_base(st, &s, err);
	if (rc == 0)
		rc = dup_within(st, &s, err);
done:
	free(s.v);
	free(s.noted);
	return rc;
}
