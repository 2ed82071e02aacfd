/* evidence/recipe_tree.c -- the recipe as yaml.v3 holds it
 *
 * The reference reads a recipe into gopkg.in/yaml.v3's node tree before it
 * digests it (docs/formats.md "Recipe digest"). yaml.v3's parser is a port
 * of libyaml's, and its tree keeps what the re-emission depends on: each
 * scalar's style, each collection's flow or block style and each explicit
 * tag. This file builds that tree from libyaml's events, with yaml.v3's
 * rules: the non-specific tag "!" counts as no tag, "!!x" and
 * "tag:yaml.org,2002:x" are the same tag, an empty plain scalar is null.
 *
 * What the reference would digest but we refuse, with a message naming the
 * construct: anchors and aliases (the tree would carry them into the
 * digest, and the recipe's meaning would depend on expansion), merge keys
 * (`<<` merges in the reference's decoder but not in its digest; refused
 * in any quoting, as everywhere in the product), two keys with the same
 * text, or a collection key beside another one or an empty key (yaml.v3
 * sorts a collection as "", and the reference's unstable sort would order
 * them at random), more than one document or
 * text after the first (the reference digests the first and ignores the
 * rest), a tag that yaml.v3's scanner reads further than libyaml's, NUL
 * bytes (raw, escaped in a quoted scalar, or %00 in a tag), nesting past
 * AE_YAML_MAX_DEPTH; and the few spellings libyaml and yaml.v3 read
 * differently (see the checks below).
 */
#include "evidence/internal.h"
#include "evidence/core/yaml_events.h"

#include <stdlib.h>
#include <string.h>

#define TREE_YAML_PREFIX "tag:yaml.org,2002:"

typedef struct tree_builder {
	const unsigned char *src; /* the input, for what events do not say */
	size_t src_len;
	size_t at_char; /* a libyaml mark index (characters after a BOM) */
	size_t at_byte; /* and its byte offset in src */
	ev__ynode *stack[AE_YAML_MAX_DEPTH + 1];
	size_t depth;
	size_t flow; /* open flow collections */
	size_t nodes;
	int documents;
	bool ended;	      /* the first document's end event was seen */
	size_t coll_key_line; /* the first collection key's line, or 0 */
	ev__ynode *root;
	bool have_root;
} tree_builder;

void ev__ytree_free(ev__ynode *node)
{
	size_t kids;

	if (node == NULL)
		return;
	/* A map left half-built by a failure holds a key without value. */
	kids = node->kind == EV__Y_MAP ? 2 * node->n + (node->len ? 1 : 0)
				       : node->n;
	for (size_t i = kids; i-- > 0;)
		ev__ytree_free(node->kids[i]);
	free(node->kids);
	free(node->tag);
	free(node->value);
	free(node);
}

const ev__ynode *ev__ytree_get(const ev__ynode *map, const char *key)
{
	size_t klen = strlen(key);

	if (map == NULL || map->kind != EV__Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const ev__ynode *k = map->kids[2 * i];
		if (k->kind == EV__Y_SCALAR && k->len == klen &&
		    memcmp(k->value, key, klen) == 0)
			return map->kids[2 * i + 1];
	}
	return NULL;
}

/* The tag as yaml.v3 keeps and re-emits it, or NULL for no tag: "" and
 * the non-specific "!" are no tag; "!!x" (from a verbatim !<!!x>) is
 * spelled tag:yaml.org,2002:x as the library does on the way out. */
static int tree_tag(char **out, const yaml_char_t *tag, ae_err *err)
{
	const char *t = (const char *)tag;
	size_t n;

	*out = NULL;
	if (t == NULL || t[0] == '\0' || strcmp(t, "!") == 0)
		return 0;
	n = strlen(t);
	if (strncmp(t, "!!", 2) == 0) {
		size_t p = sizeof(TREE_YAML_PREFIX) - 1;
		*out = malloc(p + n - 2 + 1);
		if (*out != NULL) {
			memcpy(*out, TREE_YAML_PREFIX, p);
			memcpy(*out + p, t + 2, n - 2 + 1);
		}
	} else {
		*out = strdup(t);
	}
	return *out != NULL ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

/* True iff the key's text is `<<`, whatever its style or tag. yaml.v3's
 * decoder merges only a plain untagged `<<` or one tagged !!merge, and
 * reads a quoted "<<" as a string; we refuse every spelling, as the core
 * loader does for every other YAML (evidence/core/yaml.c): one rule for
 * the product, failing closed. The cost: a recipe with a literal quoted
 * "<<" key, which the reference would digest, is refused here. */
static bool tree_is_merge(const ev__ynode *k)
{
	return k->kind == EV__Y_SCALAR && k->len == 2 &&
	       memcmp(k->value, "<<", 2) == 0;
}

static int tree_add_kid(ev__ynode *parent, ev__ynode *kid, ae_err *err)
{
	size_t have = parent->kind == EV__Y_MAP
			      ? 2 * parent->n + (parent->len ? 1 : 0)
			      : parent->n;
	ev__ynode **kids = realloc(parent->kids, (have + 1) * sizeof(*kids));

	if (kids == NULL) {
		ev__ytree_free(kid);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	parent->kids = kids;
	kids[have] = kid;
	return 0;
}

/* Places a finished node as the root, a sequence item, a key or a value.
 * A map's `len` is 1 while it holds a key awaiting its value. Takes
 * `node`. */
static int tree_place(tree_builder *b, ev__ynode *node, ae_err *err)
{
	ev__ynode *parent;
	int rc;

	if (b->depth == 0) {
		b->root = node;
		b->have_root = true;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == EV__Y_SEQ) {
		rc = tree_add_kid(parent, node, err);
		if (rc == 0)
			parent->n++;
		return rc;
	}
	if (parent->len == 0) {
		size_t line = node->line;
		/* A collection key is kept (yaml.v3 keeps and re-emits it);
		 * tree_check_unique refuses one that would tie in the sort. */
		if (node->kind != EV__Y_SCALAR && b->coll_key_line == 0)
			b->coll_key_line = line;
		if (tree_is_merge(node)) {
			ev__ytree_free(node);
			return ae_fail(err, AE_EINVAL,
				       "line %zu: merge keys (<<) are not "
				       "allowed",
				       line);
		}
		rc = tree_add_kid(parent, node, err);
		if (rc == 0)
			parent->len = 1;
		return rc;
	}
	rc = tree_add_kid(parent, node, err);
	if (rc == 0) {
		parent->len = 0;
		parent->n++;
	}
	return rc;
}

/* Compares two key nodes by text, bytewise, shorter first on a tie of
 * the common part (Go's string order). A collection's text is "" (its
 * yaml.v3 Value), so it sorts first. */
static int tree_key_cmp(const ev__ynode *a, const ev__ynode *b)
{
	size_t al = a->kind == EV__Y_SCALAR ? a->len : 0;
	size_t bl = b->kind == EV__Y_SCALAR ? b->len : 0;
	size_t n = al < bl ? al : bl;
	int c = n > 0 ? memcmp(a->value, b->value, n) : 0;

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

static int tree_pair_cmp(const void *x, const void *y)
{
	ev__ynode *const *a = x, *const *b = y;

	return tree_key_cmp(a[0], b[0]);
}

/* Sorts one map's (key, value) pairs in place. */
static void tree_sort_map(ev__ynode *m)
{
	if (m->n < 2)
		return;
	qsort(m->kids, m->n, 2 * sizeof(*m->kids), tree_pair_cmp);
}

/* Refuses a finished map with two keys of the same text: sorted, equal
 * keys are neighbours. A collection key ties with another one and with
 * an empty scalar key (all sort as ""). The map keeps its document
 * order. */
static int tree_check_unique(const ev__ynode *m, ae_err *err)
{
	ev__ynode **keys;
	int rc = 0;

	if (m->n < 2)
		return 0;
	keys = malloc(m->n * sizeof(*keys));
	if (keys == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	for (size_t i = 0; i < m->n; i++)
		keys[i] = m->kids[2 * i];
	qsort(keys, m->n, sizeof(*keys), tree_pair_cmp);
	for (size_t i = 1; i < m->n; i++) {
		char r[AE_REPR_BUF];
		if (tree_key_cmp(keys[i - 1], keys[i]) != 0)
			continue;
		if (keys[i - 1]->kind != EV__Y_SCALAR ||
		    keys[i]->kind != EV__Y_SCALAR) {
			rc = ae_fail(err, AE_EINVAL,
				     "line %zu: a mapping key that is not a "
				     "scalar beside another key sorting as "
				     "\"\" (yaml.v3 would order the two by "
				     "chance)",
				     keys[i - 1]->line > keys[i]->line
					     ? keys[i - 1]->line
					     : keys[i]->line);
			break;
		}
		rc = ae_fail(
			err, AE_EINVAL, "line %zu: duplicate key %s",
			keys[i - 1]->line > keys[i]->line ? keys[i - 1]->line
							  : keys[i]->line,
			ae_repr(r, sizeof(r), keys[i]->value, keys[i]->len));
		break;
	}
	free(keys);
	return rc;
}

/* Byte offset in the input of libyaml mark index `index`, which counts
 * characters after the byte order mark. Marks arrive in order, so the
 * walk resumes where the last one stopped. */
static size_t tree_offset(tree_builder *b, size_t index)
{
	if (index < b->at_char || b->at_byte == 0) {
		b->at_char = 0;
		b->at_byte = b->src_len >= 3 && memcmp(b->src, "\xEF\xBB\xBF",
						       3) == 0
				     ? 3
				     : 0;
	}
	while (b->at_char < index && b->at_byte < b->src_len) {
		b->at_byte++;
		while (b->at_byte < b->src_len &&
		       (b->src[b->at_byte] & 0xC0) == 0x80)
			b->at_byte++;
		b->at_char++;
	}
	return b->at_byte;
}

/* yaml.v3 reads ',', '[' and ']' as part of a tag (libyaml 0.2.5 ends the
 * tag there), so `[!!str,a]` is one item there and two here: a tag whose
 * text runs into one of them is refused. A verbatim !<...> tag is read
 * alike by both. In either form the escape %00 is a NUL byte: libyaml's
 * tag string ends there while yaml.v3 keeps the rest and writes it back,
 * so such a tag is refused like a NUL anywhere else. */
static int tree_check_tag_text(tree_builder *b, const yaml_event_t *ev,
			       ae_err *err)
{
	size_t i = tree_offset(b, ev->start_mark.index);
	bool verbatim;

	if (i >= b->src_len || b->src[i] != '!')
		return 0;
	verbatim = i + 1 < b->src_len && b->src[i + 1] == '<';
	for (; i < b->src_len; i++) {
		unsigned char c = b->src[i];
		if (verbatim && c == '>')
			break;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == 0xC2 || c == 0xE2)
			break; /* blanks and breaks (NEL, LS, PS) end it */
		if (c == '%' && i + 2 < b->src_len && b->src[i + 1] == '0' &&
		    b->src[i + 2] == '0')
			return ae_fail(err, AE_EINVAL,
				       "line %zu: a NUL (%%00) in a tag",
				       (size_t)ev->start_mark.line + 1);
		if (!verbatim && (c == ',' || c == '[' || c == ']'))
			return ae_fail(err, AE_EINVAL,
				       "line %zu: a tag running into '%c' "
				       "(the reference's parser reads it into "
				       "the tag)",
				       (size_t)ev->start_mark.line + 1, c);
	}
	return 0;
}

/* libyaml 0.2.5 reads the YAML 1.2 escape "\/" in a double-quoted
 * scalar; yaml.v3 refuses it ("found unknown escape character"), so a
 * recipe using it has no reference digest. The event holds only the
 * unescaped text: the source between the event's marks is scanned. */
static int tree_check_escapes(tree_builder *b, const yaml_event_t *ev,
			      ae_err *err)
{
	size_t i = tree_offset(b, ev->start_mark.index);
	size_t end = tree_offset(b, ev->end_mark.index);

	while (i < end && b->src[i] != '"')
		i++; /* past a tag */
	for (i++; i < end && b->src[i] != '"'; i++) {
		if (b->src[i] != '\\')
			continue;
		if (i + 1 < end && b->src[i + 1] == '/')
			return ae_fail(err, AE_EINVAL,
				       "line %zu: the escape \\/ in a "
				       "double-quoted scalar (the reference's "
				       "parser refuses it)",
				       (size_t)ev->start_mark.line + 1);
		i++;
	}
	return 0;
}

/* A new node for a node-starting event, after the anchor, tag and cap
 * checks. */
static int tree_new(ev__ynode **out, tree_builder *b, const yaml_event_t *ev,
		    ae_err *err)
{
	size_t line = ev->start_mark.line + 1;
	const yaml_char_t *anchor, *tag;
	ev__ynode *n;

	*out = NULL;
	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (anchor != NULL)
		return ae_fail(err, AE_EINVAL,
			       "line %zu: YAML anchors are not allowed", line);
	if (++b->nodes > AE_YAML_MAX_NODES)
		return ae_fail(err, AE_ETOOBIG, "more than %d YAML nodes",
			       AE_YAML_MAX_NODES);
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	n->line = line;
	if (tree_tag(&n->tag, tag, err) < 0) {
		free(n);
		return AE_ERR;
	}
	if (n->tag != NULL)
		n->style |= EV__YS_TAGGED;
	/* Even the non-specific "!", which counts as no tag. */
	if (tag != NULL && tree_check_tag_text(b, ev, err) < 0) {
		ev__ytree_free(n);
		return AE_EINVAL;
	}
	*out = n;
	return 0;
}

static unsigned tree_scalar_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return EV__YS_DOUBLE;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return EV__YS_SINGLE;
	case YAML_LITERAL_SCALAR_STYLE:
		return EV__YS_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return EV__YS_FOLDED;
	default:
		return 0;
	}
}

static int tree_scalar(tree_builder *b, const yaml_event_t *ev, ae_err *err)
{
	ev__ynode *n;
	int rc = tree_new(&n, b, ev, err);

	if (rc < 0)
		return rc;
	n->kind = EV__Y_SCALAR;
	n->style |= tree_scalar_style(ev->data.scalar.style);
	if ((n->style & EV__YS_DOUBLE) && tree_check_escapes(b, ev, err) < 0) {
		ev__ytree_free(n);
		return AE_EINVAL;
	}
	n->len = ev->data.scalar.length;
	n->value = malloc(n->len + 1);
	if (n->value == NULL) {
		ev__ytree_free(n);
		return ae_fail(err, AE_ERR, "out of memory");
	}
	memcpy(n->value, ev->data.scalar.value, n->len);
	n->value[n->len] = '\0';
	/* An escaped \0 is text to yaml.v3, but no name, version or
	 * criterion of a recipe holds one, and every reader of the tree
	 * would have to carry lengths: refused like a raw NUL. */
	if (ae_has_nul(n->value, n->len)) {
		size_t line = n->line;
		ev__ytree_free(n);
		return ae_fail(err, AE_EINVAL, "line %zu: NUL in a scalar",
			       line);
	}
	/* In a flow collection yaml.v3 ends a plain scalar at '?' (and
	 * reads a key indicator there) where libyaml 0.2.5 reads on. */
	if (b->flow > 0 &&
	    !(n->style & (EV__YS_DOUBLE | EV__YS_SINGLE | EV__YS_LITERAL |
			  EV__YS_FOLDED)) &&
	    memchr(n->value, '?', n->len)) {
		size_t line = n->line;
		ev__ytree_free(n);
		return ae_fail(err, AE_EINVAL,
			       "line %zu: '?' inside a plain scalar in a flow "
			       "collection (the reference's parser ends the "
			       "scalar there)",
			       line);
	}
	/* yaml.v3 tags a plain << as a merge key and, since its resolver
	 * does not map "<<" back to that tag, writes the tag out: a plain <<
	 * value comes back as "!!merge <<". */
	if (n->style == 0 && n->len == 2 && memcmp(n->value, "<<", 2) == 0) {
		n->tag = strdup(TREE_YAML_PREFIX "merge");
		if (n->tag == NULL) {
			ev__ytree_free(n);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		n->style |= EV__YS_TAGGED;
	}
	return tree_place(b, n, err);
}

static int tree_open(tree_builder *b, const yaml_event_t *ev, ae_err *err)
{
	ev__ynode *n;
	bool flow;
	int rc;

	if (b->depth >= AE_YAML_MAX_DEPTH)
		return ae_fail(
			err, AE_EINVAL, "line %zu: nesting deeper than %d",
			(size_t)ev->start_mark.line + 1, AE_YAML_MAX_DEPTH);
	rc = tree_new(&n, b, ev, err);
	if (rc < 0)
		return rc;
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		n->kind = EV__Y_SEQ;
		flow = ev->data.sequence_start.style ==
		       YAML_FLOW_SEQUENCE_STYLE;
	} else {
		n->kind = EV__Y_MAP;
		flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
	}
	if (flow) {
		n->style |= EV__YS_FLOW;
		b->flow++;
	}
	b->stack[b->depth++] = n;
	return 0;
}

static int tree_close(tree_builder *b, ae_err *err)
{
	ev__ynode *n = b->stack[--b->depth];
	int rc = 0;

	b->stack[b->depth] = NULL;
	if (n->style & EV__YS_FLOW)
		b->flow--;
	if (n->kind == EV__Y_MAP)
		rc = tree_check_unique(n, err);
	if (rc < 0) {
		ev__ytree_free(n);
		return rc;
	}
	return tree_place(b, n, err);
}

/* Handles one parser event; returns 1 when the stream ended. */
static int tree_event(void *ctx, const yaml_event_t *ev, ae_err *err)
{
	tree_builder *b = ctx;
	size_t line = ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		b->ended = true;
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return ae_fail(err, AE_EINVAL,
				       "line %zu: more than one YAML document "
				       "(the reference would digest only the "
				       "first)",
				       line);
		return 0;
	case YAML_ALIAS_EVENT:
		return ae_fail(err, AE_EINVAL,
			       "line %zu: YAML aliases are not allowed", line);
	case YAML_SCALAR_EVENT:
		return tree_scalar(b, ev, err);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return tree_open(b, ev, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return tree_close(b, err);
	default:
		return ae_fail(err, AE_EINVAL,
			       "line %zu: unexpected YAML event", line);
	}
}

/* Where the flow collection that is the document's root ends: the byte
 * offset just past its closing bracket, or 0 when the root does not open
 * with '[' or '{' (after blanks, comments and a "---" marker) or its end
 * is not found. Quoted scalars are skipped; a plain scalar in a flow
 * holds no bracket. libyaml may fail on what follows the collection
 * before it has said the collection began (its scanner looks ahead for a
 * ':'), so the source is read here. */
static size_t tree_flow_root_end(const unsigned char *src, size_t len,
				 size_t *line_out)
{
	size_t i = len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t line = 1, depth = 0;

	for (; i < len; i++) {
		unsigned char c = src[i];
		if (c == '\n')
			line++;
		else if (c == '#')
			while (i + 1 < len && src[i + 1] != '\n')
				i++;
		else if (c == '-' && i + 3 <= len &&
			 memcmp(src + i, "---", 3) == 0 &&
			 (i + 3 == len || src[i + 3] == ' ' ||
			  src[i + 3] == '\t' || src[i + 3] == '\r' ||
			  src[i + 3] == '\n'))
			i += 2;
		else if (c == '[' || c == '{')
			break;
		else if (c != ' ' && c != '\t' && c != '\r')
			return 0;
	}
	*line_out = line;
	for (; i < len; i++) {
		unsigned char c = src[i];
		if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (--depth == 0)
				return i + 1;
		} else if (c == '\'') {
			for (i++; i < len; i++) {
				if (src[i] != '\'')
					continue;
				if (i + 1 < len && src[i + 1] == '\'')
					i++;
				else
					break;
			}
		} else if (c == '"') {
			for (i++; i < len && src[i] != '"'; i++)
				if (src[i] == '\\')
					i++;
		} else if (c == '#' &&
			   (src[i - 1] == ' ' || src[i - 1] == '\t' ||
			    src[i - 1] == '\n')) {
			while (i + 1 < len && src[i + 1] != '\n')
				i++;
		}
	}
	return 0;
}

/* Refuses input the two parsers decode differently: UTF-16 (a recipe is
 * UTF-8), and U+FEFF after the start, which libyaml skips at the start of
 * a line while yaml.v3 skips whatever character sits there when its read
 * buffer happens to begin with the mark. */
static int tree_check_encoding(const unsigned char *buf, size_t len,
			       ae_err *err)
{
	size_t from = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	const unsigned char *bom;

	if (len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) ||
			 (buf[0] == 0xFE && buf[1] == 0xFF)))
		return ae_fail(err, AE_EINVAL,
			       "UTF-16 YAML is not supported: a recipe is "
			       "UTF-8");
	bom = memmem(buf + from, len - from, "\xEF\xBB\xBF", 3);
	if (bom != NULL) {
		size_t line = 1;
		for (const unsigned char *p = buf; p < bom; p++)
			line += *p == '\n';
		return ae_fail(err, AE_EINVAL,
			       "line %zu: a byte order mark (U+FEFF) inside "
			       "the text",
			       line);
	}
	return 0;
}

/* libyaml refused the text: the refusal as the reference's parser would
 * see it (ae_yaml_refused_fn). */
static int tree_refused(void *ctx, const yaml_parser_t *parser, ae_err *err)
{
	tree_builder *b = ctx;
	/* yaml.v3 stops reading at the end of the first
	 * document; we read on, and refuse what follows it
	 * as we refuse a second document. */
	const char *why = parser->problem ? parser->problem : "malformed YAML";
	/* libyaml refuses "a:" before a flow indicator in a
	 * flow collection; yaml.v3 reads the ':' into the
	 * scalar. */
	if (strcmp(why, "found unexpected ':'") == 0)
		why = "found unexpected ':' (a plain scalar "
		      "ending in ':' inside a flow collection, "
		      "which the reference's parser reads into "
		      "the scalar)";
	/* ... and ends a tag at ',', '[' or ']', where
	 * yaml.v3 reads on (tree_check_tag_text). */
	if (parser->context != NULL &&
	    (strcmp(parser->context, "while scanning a tag") == 0 ||
	     strcmp(parser->context, "while parsing a tag") == 0))
		why = "a tag running into a character libyaml "
		      "does not read as part of it (the "
		      "reference's parser reads ',', '[' and "
		      "']' "
		      "into the tag)";
	/* libyaml 0.2.5 may take a collection as a key where
	 * yaml.v3 ends the document after it (`[] x: 1` is
	 * `[]` there): a document that fails after one is
	 * refused for it, as before collection keys were
	 * read. */
	if (!b->ended && b->coll_key_line != 0) {
		return ae_fail(err, AE_EINVAL,
			       "line %zu: %s, after a mapping key "
			       "that is not a scalar (line %zu; "
			       "the reference's parser may read "
			       "the collection as the whole "
			       "document)",
			       parser->problem_mark.line + 1, why,
			       b->coll_key_line);
	}
	/* A flow collection as the root: libyaml's scanner
	 * reads past its closing bracket, looking for a ':'
	 * that would make it a key, before the collection's
	 * end reaches us; yaml.v3 looks ahead less, stops at
	 * the root and ignores the rest (`[] [>` is `[]`
	 * there). A failure past the root's end is text
	 * after the document, refused as such. */
	if (!b->ended) {
		size_t root_line = 0;
		size_t end = tree_flow_root_end(b->src, b->src_len, &root_line);
		if (end != 0 &&
		    tree_offset(b, parser->problem_mark.index) >= end) {
			return ae_fail(err, AE_EINVAL,
				       "line %zu: text after the end "
				       "of the YAML document (the "
				       "flow collection on line "
				       "%zu): %s",
				       parser->problem_mark.line + 1, root_line,
				       why);
		}
	}
	return ae_fail(err, AE_EINVAL, "line %zu: %s%s",
		       parser->problem_mark.line + 1,
		       b->ended || (b->have_root && b->depth == 0)
			       ? "text after the end of the YAML "
				 "document: "
			       : "",
		       why);
}

int ev__ytree_parse(ev__ynode **out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	tree_builder b;
	int rc;

	*out = NULL;
	if (ae_has_nul(buf, len))
		return ae_fail(err, AE_EINVAL, "YAML contains a NUL byte");
	rc = tree_check_encoding(buf, len, err);
	if (rc < 0)
		return rc;
	memset(&b, 0, sizeof(b));
	b.src = buf;
	b.src_len = len;
	rc = ae_yaml_events(buf, len, tree_event, tree_refused, &b, err);
	while (b.depth > 0)
		ev__ytree_free(b.stack[--b.depth]);
	if (rc < 0) {
		ev__ytree_free(b.root);
		return rc;
	}
	*out = b.root;
	return 0;
}

void ev__ytree_sort(ev__ynode *node)
{
	size_t kids;

	if (node == NULL || node->kind == EV__Y_SCALAR)
		return;
	kids = node->kind == EV__Y_MAP ? 2 * node->n : node->n;
	for (size_t i = 0; i < kids; i++)
		ev__ytree_sort(node->kids[i]);
	if (node->kind == EV__Y_MAP)
		tree_sort_map(node);
}

/* Removes pair i of map m. */
static void tree_remove_pair(ev__ynode *m, size_t i)
{
	ev__ytree_free(m->kids[2 * i]);
	ev__ytree_free(m->kids[2 * i + 1]);
	memmove(&m->kids[2 * i], &m->kids[2 * i + 2],
		(2 * (m->n - i - 1)) * sizeof(*m->kids));
	m->n--;
}

void ev__ytree_drop_version(ev__ynode *root)
{
	if (root == NULL || root->kind != EV__Y_MAP)
		return;
	for (size_t i = 0; i < root->n; i++) {
		const ev__ynode *k = root->kids[2 * i];
		ev__ynode *meta = root->kids[2 * i + 1];
		bool removed = false;
		if (k->len != 8 || memcmp(k->value, "metadata", 8) != 0 ||
		    meta->kind != EV__Y_MAP)
			continue;
		for (size_t j = 0; j < meta->n; j++) {
			const ev__ynode *mk = meta->kids[2 * j];
			if (mk->len == 7 &&
			    memcmp(mk->value, "version", 7) == 0) {
				tree_remove_pair(meta, j);
				removed = true;
				break; /* keys are unique */
			}
		}
		if (removed && meta->n == 0)
			tree_remove_pair(root, i);
		return;
	}
}

/* Converts one node; keys in document order. */
static int tree_plain_node(ae_yaml_node **out, const ev__ynode *n, ae_err *err)
{
	ae_yaml_node *p;
	size_t count = n->n;

	*out = NULL;
	p = ae_yaml_node_new(n->kind == EV__Y_SCALAR ? AE_YAML_SCALAR
			     : n->kind == EV__Y_MAP  ? AE_YAML_MAP
						     : AE_YAML_SEQ,
			     n->line);
	if (p == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	if (n->kind == EV__Y_SCALAR) {
		p->scalar = strdup(n->value);
		p->scalar_len = n->len;
		p->plain = n->style == 0;
		if (p->scalar == NULL)
			goto oom;
		*out = p;
		return 0;
	}
	p->items = calloc(count ? count : 1, sizeof(*p->items));
	if (n->kind == EV__Y_MAP)
		p->keys = calloc(count ? count : 1, sizeof(*p->keys));
	if (p->items == NULL || (n->kind == EV__Y_MAP && p->keys == NULL))
		goto oom;
	for (size_t i = 0; i < count; i++) {
		const ev__ynode *v =
			n->kind == EV__Y_MAP ? n->kids[2 * i + 1] : n->kids[i];
		int rc;
		if (n->kind == EV__Y_MAP) {
			const ev__ynode *k = n->kids[2 * i];
			if (k->kind != EV__Y_SCALAR) {
				/* the recipe's fields are read from plain
				 * trees, which hold scalar keys only */
				size_t line = k->line;
				ae_yaml_free(p);
				return ae_fail(err, AE_EINVAL,
					       "line %zu: a mapping key that "
					       "is not a scalar",
					       line);
			}
			p->keys[i] = strdup(k->value);
			if (p->keys[i] == NULL)
				goto oom;
		}
		p->n = i + 1;
		rc = tree_plain_node(&p->items[i], v, err);
		if (rc < 0) {
			ae_yaml_free(p);
			return rc;
		}
	}
	*out = p;
	return 0;
oom:
	ae_yaml_free(p);
	return ae_fail(err, AE_ERR, "out of memory");
}

int ev__ytree_to_plain(ae_yaml_node **out, const ev__ynode *root, ae_err *err)
{
	*out = NULL;
	if (root == NULL)
		return 0;
	return tree_plain_node(out, root, err);
}
