/* evidence/core/yaml_simple.c -- a fast reader for the plainest block YAML
 *
 * Most YAML this tool reads is pointers: a dozen `key: value` lines of
 * block style with plain values. An audit reads a hundred thousand of
 * them, and libyaml's scanner spends about 100,000 instructions on each
 * (issue 7). This reader takes only a narrow subset:
 *
 *   - printable ASCII lines ending in '\n' (the last may lack it), indented
 *     with spaces, none empty, no trailing space, no comment;
 *   - a block mapping at the root; entries `key: value` or `key:` followed
 *     by a more indented block (or a sequence at the key's own indent);
 *     sequence items `- value`, `- key: value` or `- key:`;
 *   - keys [A-Za-z0-9][A-Za-z0-9_.-]*, values of PLAIN_CHARS starting with
 *     a letter or digit and not ending in ':' -- no quotes, flow, anchors,
 *     tags, comments, spaces or multi-line scalars.
 *
 * For a document in the subset it builds exactly the tree the libyaml path
 * (ae_yaml_parse_libyaml) builds: kinds, text, plain flags, key order and
 * line numbers. Everything else -- including every error, a duplicate key,
 * an empty value -- it declines, and ae_yaml_parse hands the document to
 * libyaml. So what is accepted and every message are libyaml's by
 * construction; tests/fuzz/yaml_fuzz.c checks that the two readers agree on
 * every document this one takes.
 */
#include "evidence/core/ae.h"

#include <stdlib.h>
#include <string.h>

/* Deeper documents go to libyaml, which applies AE_YAML_MAX_DEPTH. */
#define SIMPLE_MAX_DEPTH 16
/* Longer keys go to libyaml (its simple keys stop at 1024 characters). */
#define SIMPLE_MAX_KEY 128

/* Result of a step: OK, or DECLINE (not in the subset: leave it to
 * libyaml), or AE_ERR (out of memory). */
#define OK	0
#define DECLINE 1

/* The cursor: the current line, split into indentation and text. */
typedef struct simple {
	const char *next; /* start of the line after the current one */
	const char *end;
	size_t line;   /* 1-based number of the current line */
	size_t indent; /* columns before the text */
	const char *text;
	size_t len;
	bool eof;
	size_t nodes; /* counted as the libyaml path counts them */
} simple;

/* Character classes. */
#define C_ALNUM 1 /* letters and digits: may start a key or a value */
#define C_KEY	2 /* may follow in a key */
#define C_PLAIN 4 /* may follow in a value */

/* The classes of `c`. Those of a value after its first character: none
 * of them starts a comment, quote, flow collection, anchor, alias or tag
 * where it stands. Cannot fail. */
static unsigned simple_class(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return C_ALNUM | C_KEY | C_PLAIN;
	switch (c) {
	case '_':
		return C_KEY;
	case '.':
	case '-':
		return C_KEY | C_PLAIN;
	case '/':
	case '@':
	case '+':
	case '=':
	case '~':
	case '%':
	case ':':
		return C_PLAIN;
	default:
		return 0;
	}
}

static bool simple_is(char c, unsigned cls)
{
	return (simple_class(c) & cls) != 0;
}

/* Moves to the next line. DECLINE for a line outside the subset; at the
 * end of the input sets eof. */
static int simple_advance(simple *y)
{
	const char *p = y->next, *nl;

	y->line++;
	if (p >= y->end) {
		y->eof = true;
		y->indent = 0;
		y->len = 0;
		return OK;
	}
	nl = memchr(p, '\n', (size_t)(y->end - p));
	if (nl == NULL)
		nl = y->end;
	y->next = nl < y->end ? nl + 1 : nl;
	y->indent = 0;
	while (p + y->indent < nl && p[y->indent] == ' ')
		y->indent++;
	y->text = p + y->indent;
	y->len = (size_t)(nl - y->text);
	if (y->len == 0 || y->text[y->len - 1] == ' ')
		return DECLINE;
	for (size_t i = 0; i < y->len; i++) {
		if (y->text[i] < 0x20 || y->text[i] > 0x7e)
			return DECLINE;
	}
	return OK;
}

/* True iff (s, n) is a whole plain value of the subset. */
static bool simple_value_ok(const char *s, size_t n)
{
	if (n == 0 || !simple_is(s[0], C_ALNUM) || s[n - 1] == ':')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!simple_is(s[i], C_PLAIN))
			return false;
	}
	return true;
}

/* Length of the key when (s, n) starts "key:" followed by the end or a
 * space; 0 otherwise. */
static size_t simple_key_len(const char *s, size_t n)
{
	size_t k = 0;

	if (n == 0 || !simple_is(s[0], C_ALNUM))
		return 0;
	while (k < n && k <= SIMPLE_MAX_KEY && simple_is(s[k], C_KEY))
		k++;
	if (k > SIMPLE_MAX_KEY || k >= n || s[k] != ':')
		return 0;
	if (k + 1 < n && s[k + 1] != ' ')
		return 0;
	return k;
}

static bool simple_is_item(const simple *y)
{
	return !y->eof && y->len >= 2 && y->text[0] == '-' && y->text[1] == ' ';
}

/* A plain scalar node for (s, n); NULL on out of memory. */
static ae_yaml_node *simple_scalar(const char *s, size_t n, size_t line)
{
	ae_yaml_node *node = ae_yaml_node_new(AE_YAML_SCALAR, line);

	if (node == NULL)
		return NULL;
	node->scalar = malloc(n + 1);
	if (node->scalar == NULL) {
		free(node);
		return NULL;
	}
	memcpy(node->scalar, s, n);
	node->scalar[n] = '\0';
	node->scalar_len = n;
	node->plain = true;
	return node;
}

/* True iff the arrays of a collection with `n` children are full: they
 * grow 4, 8, 16, ... so that building a mapping is not a realloc per key.
 * Cannot fail. */
static bool simple_full(size_t n)
{
	return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

/* Appends `child` (and `key` for a map) to `parent`; takes both, frees
 * both on failure. AE_ERR on out of memory. */
static int simple_attach(ae_yaml_node *parent, char *key, ae_yaml_node *child)
{
	size_t want = parent->n < 4 ? 4 : parent->n * 2;
	ae_yaml_node **items = parent->items;
	char **keys = parent->keys;

	if (simple_full(parent->n)) {
		items = realloc(parent->items, want * sizeof(*items));
		if (items != NULL)
			parent->items = items;
		if (items != NULL && parent->kind == AE_YAML_MAP) {
			keys = realloc(parent->keys, want * sizeof(*keys));
			if (keys != NULL)
				parent->keys = keys;
			else
				items = NULL;
		}
	}
	if (items == NULL) {
		free(key);
		ae_yaml_free(child);
		return AE_ERR;
	}
	if (parent->kind == AE_YAML_MAP)
		parent->keys[parent->n] = key;
	parent->items[parent->n++] = child;
	return OK;
}

static int simple_map(ae_yaml_node **out, simple *y, size_t col, int depth);
static int simple_seq(ae_yaml_node **out, simple *y, size_t col, int depth);

/* The block after `key:` at column `col`: a deeper mapping or sequence, or
 * a sequence at `col` itself (YAML's indentless sequence). An empty value
 * is declined: its line number in libyaml depends on what follows. */
static int simple_nested(ae_yaml_node **out, simple *y, size_t col, int depth)
{
	int rc = simple_advance(y);

	if (rc != OK)
		return rc;
	if (y->eof || y->indent < col ||
	    (y->indent == col && !simple_is_item(y)))
		return DECLINE;
	if (simple_is_item(y))
		return simple_seq(out, y, y->indent, depth + 1);
	return simple_map(out, y, y->indent, depth + 1);
}

/* Maps up to this many keys are checked for a duplicate by a scan; longer
 * ones keep their keys in `seen`, so the check stays linear (issue 24). */
#define SIMPLE_KEYSET_MIN 16

/* True iff `key` repeats a key of `map`; -1 out of memory. */
static int simple_key_repeats(const ae_yaml_node *map, ae_strset *seen,
			      const char *key)
{
	if (map->n < SIMPLE_KEYSET_MIN)
		return ae_yaml_map_get(map, key) != NULL;
	for (size_t i = seen->n; i < map->n; i++) {
		if (ae_strset_add(seen, map->keys[i], NULL) < 0)
			return -1;
	}
	return ae_strset_has(seen, key);
}

/* Adds the entry `key: value` / `key:` that starts the current text to
 * `map` (keys at column `col`; `seen` the set of its keys once it is
 * long). */
static int simple_entry(ae_yaml_node *map, ae_strset *seen, simple *y,
			size_t col, int depth)
{
	size_t k = simple_key_len(y->text, y->len);
	ae_yaml_node *value = NULL;
	char *key;
	int rc;

	if (k == 0)
		return DECLINE;
	if (k + 1 < y->len && !simple_value_ok(y->text + k + 2, y->len - k - 2))
		return DECLINE;
	key = strndup(y->text, k);
	if (key == NULL)
		return AE_ERR;
	rc = simple_key_repeats(map, seen, key);
	if (rc != 0) {
		free(key); /* libyaml's path names the duplicate */
		return rc < 0 ? AE_ERR : DECLINE;
	}
	y->nodes++; /* the key; a nested value counts itself */
	if (k + 1 < y->len) {
		y->nodes++;
		value = simple_scalar(y->text + k + 2, y->len - k - 2, y->line);
		rc = value != NULL ? simple_advance(y) : AE_ERR;
	} else {
		rc = simple_nested(&value, y, col, depth);
	}
	if (rc != OK) {
		free(key);
		ae_yaml_free(value);
		return rc;
	}
	return simple_attach(map, key, value);
}

/* A block mapping whose keys sit at column `col`, starting at the current
 * text (which may follow a "- " on its line). */
static int simple_map(ae_yaml_node **out, simple *y, size_t col, int depth)
{
	ae_yaml_node *map = NULL;
	ae_strset seen = AE_STRSET_INIT;
	int rc = OK;

	*out = NULL;
	if (depth > SIMPLE_MAX_DEPTH)
		return DECLINE;
	map = ae_yaml_node_new(AE_YAML_MAP, y->line);
	if (map == NULL)
		return AE_ERR;
	y->nodes++;
	while (rc == OK && !y->eof && y->indent >= col) {
		if (y->indent > col || simple_is_item(y))
			rc = DECLINE;
		else
			rc = simple_entry(map, &seen, y, col, depth);
	}
	ae_strset_dispose(&seen);
	if (rc != OK) {
		ae_yaml_free(map);
		return rc;
	}
	*out = map;
	return OK;
}

/* One item after "- ": a mapping starting on the same line, or a value. */
static int simple_item(ae_yaml_node *seq, simple *y, size_t col, int depth)
{
	ae_yaml_node *item = NULL;
	int rc;

	y->text += 2;
	y->len -= 2;
	y->indent = col + 2;
	if (simple_key_len(y->text, y->len) > 0) {
		rc = simple_map(&item, y, col + 2, depth + 1);
	} else if (simple_value_ok(y->text, y->len)) {
		y->nodes++;
		item = simple_scalar(y->text, y->len, y->line);
		rc = item != NULL ? simple_advance(y) : AE_ERR;
	} else {
		rc = DECLINE;
	}
	if (rc != OK) {
		ae_yaml_free(item);
		return rc;
	}
	return simple_attach(seq, NULL, item);
}

/* A block sequence whose dashes sit at column `col`. It ends at the first
 * line that is less indented or, at `col`, not an item: an indentless
 * sequence gives way to its mapping's next key; after any other the
 * caller sees a line it cannot place and declines. */
static int simple_seq(ae_yaml_node **out, simple *y, size_t col, int depth)
{
	ae_yaml_node *seq = NULL;
	int rc = OK;

	*out = NULL;
	if (depth > SIMPLE_MAX_DEPTH)
		return DECLINE;
	seq = ae_yaml_node_new(AE_YAML_SEQ, y->line);
	if (seq == NULL)
		return AE_ERR;
	y->nodes++;
	while (rc == OK && !y->eof && y->indent >= col) {
		if (y->indent > col)
			rc = DECLINE;
		else if (!simple_is_item(y))
			break;
		else
			rc = simple_item(seq, y, col, depth);
	}
	if (rc != OK) {
		ae_yaml_free(seq);
		return rc;
	}
	*out = seq;
	return OK;
}

int ae_yaml_parse_simple(ae_yaml_node **out, bool *handled,
			 const unsigned char *buf, size_t len, ae_err *err)
{
	simple y;
	ae_yaml_node *root = NULL;
	int rc;

	*out = NULL;
	*handled = false;
	AE_ASSERT_ARG(buf != NULL || len == 0, err);
	memset(&y, 0, sizeof(y));
	y.next = (const char *)buf;
	y.end = (const char *)buf + len;
	rc = simple_advance(&y);
	if (rc == OK && (y.eof || y.indent != 0))
		rc = DECLINE;
	if (rc == OK)
		rc = simple_map(&root, &y, 0, 0);
	/* Anything left over is a line the subset cannot place. */
	if (rc == OK && (!y.eof || y.nodes > AE_YAML_MAX_NODES))
		rc = DECLINE;
	if (rc != OK) {
		ae_yaml_free(root);
		return rc == DECLINE ? 0
				     : ae_fail(err, AE_ERR, "out of memory");
	}
	*out = root;
	*handled = true;
	return 0;
}
