/* ledger/check_fsck.c -- refusing the trees `git fsck` refuses
 *
 * A tree object is a list of "<octal mode> <name>\0<20-byte id>" entries,
 * sorted by name with directories compared as "name/". libgit2 parses what
 * it can and trusts the order (it finds entries by binary search); a
 * checkout writes every entry it meets. So a hostile tree says two things:
 * a tree with two entries of one name (the second with other content) has
 * the checkout write the second where the gate read the first; an entry
 * named "a/b", "..", ".GIT" or ".git\u200c" writes outside its directory
 * or into the repository itself on some file systems; a zero-padded or
 * unusual mode is read differently by different tools. A forge that runs
 * `git fsck` on push never stores such trees; one that does not, would.
 *
 * So every tree the gate reads that the target branch does not already
 * hold -- each directory on the path from the repository's top to the
 * evidence root, and every tree below the root whose id differs from the
 * base's -- is parsed here from its raw bytes, independently of libgit2,
 * and held to what `git fsck --strict` (receive.fsckObjects) refuses:
 * badTree, emptyName, fullPathname, hasDot, hasDotdot, hasDotgit (any
 * case, HFS+ ignorable code points, NTFS trailing dots and spaces, 8.3
 * short names, after a backslash), nullSha1, zeroPaddedFilemode,
 * badFilemode (100664 too: strict), treeNotSorted, duplicateEntries.
 */
#include "ledger/internal.h"

#include <stdlib.h>
#include <string.h>

#define FSCK_ID_LEN 20 /* SHA-1 object ids */

static const char *const fsck_why[LD__FSCK_COUNT] = {
	"cannot be parsed as a tree",
	"an entry has an empty name",
	"an entry name contains '/'",
	"an entry is named '.' or '..'",
	"an entry is named .git in another spelling",
	"an entry points at the null object id",
	"an entry has a zero-padded file mode",
	"an entry has an unusual file mode",
	"entries are not sorted",
	"duplicate entries (a checkout writes only one of them)",
};

const char *ld__fsck_why(int kind)
{
	return kind >= 0 && kind < LD__FSCK_COUNT ? fsck_why[kind] : "";
}

/* Length of the HFS+ ignorable code point (U+200C-U+200F, U+202A-U+202E,
 * U+206A-U+206F, U+FEFF) in UTF-8 at s[0..n), or 0. Cannot fail. */
static size_t fsck_hfs_ignorable(const unsigned char *s, size_t n)
{
	if (n < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8c && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xaa && s[2] <= 0xaf)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

static unsigned char fsck_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True iff name[0..n) is `want` on HFS+: ASCII case folded, ignorable
 * code points skipped anywhere. Cannot fail. */
static bool fsck_is_hfs(const unsigned char *name, size_t n, const char *want)
{
	size_t i = 0, k;

	for (; *want != '\0'; want++) {
		while ((k = fsck_hfs_ignorable(name + i, n - i)) > 0)
			i += k;
		if (i >= n || fsck_lower(name[i]) != (unsigned char)*want)
			return false;
		i++;
	}
	while ((k = fsck_hfs_ignorable(name + i, n - i)) > 0)
		i += k;
	return i == n;
}

/* True iff name[0..n) starts with `pre` (ASCII case folded). */
static bool fsck_iprefix(const unsigned char *name, size_t n, const char *pre)
{
	size_t k = 0;

	for (; pre[k] != '\0'; k++)
		if (k >= n || fsck_lower(name[k]) != (unsigned char)pre[k])
			return false;
	return true;
}

/* True iff name[0..n) names `want` (".git", ".gitattributes") on NTFS:
 * case folded, then only dots and spaces up to the end or a ':' (an
 * alternate stream). Its 8.3 short names too: `shortname` exactly
 * ("git~1"), or each of `prefixes` (NULL-terminated, may be NULL) with
 * ~1..~4. Cannot fail. */
static bool fsck_is_ntfs(const unsigned char *name, size_t n, const char *want,
			 const char *shortname, const char *const *prefixes)
{
	size_t i = 0;

	if (fsck_iprefix(name, n, want))
		i = strlen(want);
	else if (shortname && fsck_iprefix(name, n, shortname))
		i = strlen(shortname);
	for (size_t k = 0; i == 0 && prefixes && prefixes[k]; k++) {
		size_t pn = strlen(prefixes[k]);
		if (fsck_iprefix(name, n, prefixes[k]) && n >= pn + 2 &&
		    name[pn] == '~' && name[pn + 1] >= '1' &&
		    name[pn + 1] <= '4')
			i = pn + 2;
	}
	if (i == 0)
		return false;
	for (; i < n && name[i] != ':'; i++)
		if (name[i] != '.' && name[i] != ' ')
			return false;
	return true;
}

/* True iff an entry name[0..n) is .git on some file system, alone or
 * after a backslash (a path separator on Windows). Cannot fail. */
static bool fsck_is_dotgit(const unsigned char *name, size_t n)
{
	size_t start = 0;

	if (fsck_is_hfs(name, n, ".git"))
		return true;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && name[i] != '\\')
			continue;
		if (fsck_is_ntfs(name + start, i - start, ".git", "git~1",
				 NULL))
			return true;
		start = i + 1;
	}
	return false;
}

bool ld__name_is_gitattributes(const char *name, size_t n)
{
	static const char *const shorts[] = {"gitatt", "gi7d29", NULL};
	const unsigned char *s = (const unsigned char *)name;

	/* Every spelling starts with '.', 'g', 'G' or an ignorable code
	 * point (0xe2, 0xef): most names are out at their first byte. */
	if (n == 0 || (s[0] != '.' && s[0] != 'g' && s[0] != 'G' &&
		       s[0] != 0xe2 && s[0] != 0xef))
		return false;

	return fsck_is_hfs(s, n, ".gitattributes") ||
	       fsck_is_ntfs(s, n, ".gitattributes", NULL, shorts);
}

/* git's tree order: names compared bytewise, a directory as if "name/".
 * <0, 0 (the same name: a duplicate) or >0. Cannot fail. */
static int fsck_order(const ld__rawent *a, const ld__rawent *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	unsigned ca, cb;

	if (c != 0)
		return c;
	if (a->name_len == b->name_len)
		return 0;
	ca = a->name_len > n		? (unsigned char)a->name[n]
	     : a->mode == LD__MODE_TREE ? '/'
					: 0;
	cb = b->name_len > n		? (unsigned char)b->name[n]
	     : b->mode == LD__MODE_TREE ? '/'
					: 0;
	return ca < cb ? -1 : ca > cb ? 1 : 0;
}

int ld__rawtree_next(ld__rawent *e, const unsigned char **p,
		     const unsigned char *end)
{
	const unsigned char *s = *p, *nul;
	uint32_t mode = 0;

	if (s == end)
		return 0;
	memset(e, 0, sizeof(*e));
	e->zero_padded = s < end && *s == '0';
	for (; s < end && *s != ' '; s++) {
		if (*s < '0' || *s > '7' || mode > 07777777)
			return -1;
		mode = mode * 8 + (uint32_t)(*s - '0');
	}
	if (s == *p || s == end)
		return -1;
	s++;
	nul = memchr(s, '\0', (size_t)(end - s));
	if (nul == NULL || (size_t)(end - nul) < 1 + FSCK_ID_LEN)
		return -1;
	e->mode = mode;
	e->name = (const char *)s;
	e->name_len = (size_t)(nul - s);
	e->id = nul + 1;
	*p = nul + 1 + FSCK_ID_LEN;
	return 1;
}

/* Records the first entry of a kind. */
static void fsck_found(ld__fsck *out, int kind, const ld__rawent *e)
{
	if (out->found & (1u << kind))
		return;
	out->found |= 1u << kind;
	out->name[kind] = e ? e->name : NULL;
	out->name_len[kind] = e ? e->name_len : 0;
	out->mode[kind] = e ? e->mode : 0;
}

/* The checks on one entry alone. */
static void fsck_entry(ld__fsck *out, const ld__rawent *e)
{
	static const unsigned char zero[FSCK_ID_LEN];
	const unsigned char *name = (const unsigned char *)e->name;

	if (e->name_len == 0)
		fsck_found(out, LD__FSCK_EMPTY_NAME, e);
	if (memchr(e->name, '/', e->name_len) != NULL)
		fsck_found(out, LD__FSCK_FULL_PATH, e);
	if ((e->name_len == 1 && name[0] == '.') ||
	    (e->name_len == 2 && name[0] == '.' && name[1] == '.'))
		fsck_found(out, LD__FSCK_DOT, e);
	if (fsck_is_dotgit(name, e->name_len))
		fsck_found(out, LD__FSCK_DOTGIT, e);
	if (memcmp(e->id, zero, FSCK_ID_LEN) == 0)
		fsck_found(out, LD__FSCK_NULL_ID, e);
	if (e->zero_padded)
		fsck_found(out, LD__FSCK_ZERO_PAD, e);
	switch (e->mode) {
	case LD__MODE_BLOB:
	case LD__MODE_EXEC:
	case LD__MODE_LINK:
	case LD__MODE_TREE:
	case LD__MODE_GITLINK:
		break;
	default: /* 100664 included: git fsck --strict refuses it */
		fsck_found(out, LD__FSCK_BAD_MODE, e);
	}
}

static int fsck_name_cmp(const void *a, const void *b)
{
	const ld__rawent *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c != 0)
		return c;
	return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* Every check on the entries v[0..n), in stored order: each alone, each
 * against the one before (order, adjacent duplicates), then duplicates
 * that tree order leaves apart ("a" file, "a.b", "a" tree). `v` may be
 * sorted in place. */
static void fsck_entries(ld__fsck *out, ld__rawent *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fsck_entry(out, &v[i]);
		if (i > 0) {
			int c = fsck_order(&v[i - 1], &v[i]);
			if (c == 0)
				fsck_found(out, LD__FSCK_DUPLICATE, &v[i]);
			else if (c > 0)
				fsck_found(out, LD__FSCK_UNSORTED, &v[i]);
		}
	}
	if (out->found & (1u << LD__FSCK_UNSORTED)) {
		/* no order to lean on: sort plainly and compare neighbours */
		if (n > 1)
			qsort(v, n, sizeof(*v), fsck_name_cmp);
		for (size_t i = 1; i < n; i++)
			if (fsck_name_cmp(&v[i - 1], &v[i]) == 0)
				fsck_found(out, LD__FSCK_DUPLICATE, &v[i]);
		return;
	}
	/* In tree order a file "a" sorts before "a.b" before the directory
	 * "a" ("a/"): look back from each directory over the names that
	 * extend its own with a byte below '/'. */
	for (size_t i = 1; i < n; i++) {
		if (v[i].mode != LD__MODE_TREE)
			continue;
		for (size_t j = i; j-- > 0;) {
			size_t l = v[i].name_len;
			if (v[j].name_len < l ||
			    memcmp(v[j].name, v[i].name, l) != 0)
				break;
			if (v[j].name_len == l) {
				fsck_found(out, LD__FSCK_DUPLICATE, &v[i]);
				break;
			}
			if ((unsigned char)v[j].name[l] >= '/')
				break;
		}
	}
}

int ld__tree_fsck(ld__fsck *out, const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end;
	ld__rawent e, *v = NULL;
	size_t n = 0, k = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0; /* the empty tree */
	end = buf + len;
	while ((rc = ld__rawtree_next(&e, &p, end)) == 1)
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (v == NULL)
		return AE_ERR;
	for (p = buf; k < n && ld__rawtree_next(&v[k], &p, end) == 1;)
		k++;
	fsck_entries(out, v, k);
	if (rc < 0)
		fsck_found(out, LD__FSCK_BAD_TREE, NULL);
	free(v);
	return 0;
}

/* Digits of `mode` written in octal, as git writes it (no leading 0). */
static size_t fsck_octal_len(uint32_t mode)
{
	size_t n = 1;

	while (mode >= 8) {
		mode /= 8;
		n++;
	}
	return n;
}

int ld__tree_fsck_parsed(ld__fsck *out, const git_tree *t, uint64_t raw_size)
{
	size_t n = git_tree_entrycount(t);
	ld__rawent *v = calloc(n ? n : 1, sizeof(*v));
	uint64_t canonical = 0;

	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return AE_ERR;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		v[i].mode = (uint32_t)git_tree_entry_filemode_raw(te);
		v[i].name = git_tree_entry_name(te);
		v[i].name_len = strlen(v[i].name);
		v[i].id = git_tree_entry_id(te)->id;
		canonical += fsck_octal_len(v[i].mode) + 1 + v[i].name_len + 1 +
			     FSCK_ID_LEN;
	}
	fsck_entries(out, v, n);
	/* The parse keeps no trace of how a mode was written: a tree whose
	 * bytes outnumber git's own encoding of its entries wrote one with
	 * leading zeros (or a NUL inside a name, which the parse cut). */
	if (canonical != raw_size)
		fsck_found(out, LD__FSCK_ZERO_PAD, NULL);
	free(v);
	return 0;
}
