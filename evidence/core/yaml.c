/* evidence/core/yaml.c -- strict YAML into a small tree
 *
 * Pointers and allowlists are written by people and arrive in pull requests,
 * so the YAML reader is strict where YAML itself is generous: no anchors or
 * aliases (the "billion laughs" bomb needs them), no tags, no duplicate keys
 * and no merge keys `<<` (two readers could see two different values), one
 * document only, bounded depth and node count. libyaml's event API is used so
 * that every one of these is seen before any value is built.
 *
 * ae_yaml_parse first offers the document to the fast reader of
 * yaml_simple.c, which builds the same tree for the plainest block YAML
 * (most pointers) and declines everything else, errors included: what is
 * accepted, and every message, stay libyaml's.
 */
#include "evidence/core/ae.h"
#include "evidence/core/yaml_events.h"

#include <stdlib.h>
#include <string.h>

/* Maps up to this many keys are checked for a duplicate by a scan; longer
 * ones get a set (ae_strset), so the check stays linear (issue 24). */
#define YAML_KEYSET_MIN 16

typedef struct yaml_builder {
	ae_yaml_node *stack[AE_YAML_MAX_DEPTH + 1];
	char *pending_key[AE_YAML_MAX_DEPTH + 1]; /* map awaiting its value */
	ae_strset keys[AE_YAML_MAX_DEPTH + 1];	  /* keys of a long open map */
	size_t depth;
	size_t nodes;
	ae_yaml_node *root;
	int documents;
} yaml_builder;

/* True iff a node holding `n` entries has no room for one more: arrays
 * grow 4, 8, 16, ... (as yaml_simple.c's), so building a long mapping is
 * not a realloc per key -- which is quadratic where realloc copies (issue
 * 24: 99,000 keys). Cannot fail. */
static bool yaml_full(size_t n)
{
	return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

/* Appends `child` (and its key, for maps) to `parent`; takes both. */
static int yaml_attach(ae_yaml_node *parent, char *key, ae_yaml_node *child,
		       ae_err *err)
{
	size_t want = parent->n < 4 ? 4 : parent->n * 2;
	ae_yaml_node **items;
	char **keys;

	if (yaml_full(parent->n)) {
		items = realloc(parent->items, want * sizeof(*items));
		if (items == NULL)
			goto oom;
		parent->items = items;
		if (parent->kind == AE_YAML_MAP) {
			keys = realloc(parent->keys, want * sizeof(*keys));
			if (keys == NULL)
				goto oom;
			parent->keys = keys;
		}
	}
	if (parent->kind == AE_YAML_MAP)
		parent->keys[parent->n] = key;
	parent->items[parent->n++] = child;
	return 0;
oom:
	free(key);
	ae_yaml_free(child);
	return ae_fail(err, AE_ERR, "out of memory");
}

/* Whether `key` repeats a key of `map` (open at `level`): 1 it does, 0 it
 * is new (and now recorded), AE_ERR out of memory. Linear over a document:
 * short maps are scanned, long ones keep their keys in a set. */
static int yaml_key_repeats(yaml_builder *b, size_t level,
			    const ae_yaml_node *map, const char *key,
			    ae_err *err)
{
	ae_strset *set = &b->keys[level];
	int rc;

	if (map->n < YAML_KEYSET_MIN)
		return ae_yaml_map_get(map, key) != NULL;
	for (size_t i = set->n; i < map->n; i++) {
		rc = ae_strset_add(set, map->keys[i], err);
		if (rc < 0)
			return rc;
	}
	return ae_strset_has(set, key);
}

/* Places a finished node: as the root, as a map key or value, or as a
 * sequence item. Takes `node`. */
static int yaml_place(yaml_builder *b, ae_yaml_node *node, ae_err *err)
{
	ae_yaml_node *parent;
	char *key;
	int rc;

	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == AE_YAML_SEQ)
		return yaml_attach(parent, NULL, node, err);
	if (b->pending_key[b->depth - 1] == NULL) {
		if (node->kind != AE_YAML_SCALAR) {
			size_t line = node->line;
			ae_yaml_free(node);
			return ae_fail(err, AE_EINVAL,
				       "line %zu: mapping keys must be scalars",
				       line);
		}
		/* `? ` with nothing after it is a null key: no format of ours
		 * has one, and the canonical emitter would write it as the
		 * key "null", which sorts elsewhere (recipe_fuzz). */
		if (node->plain && node->scalar_len == 0) {
			size_t line = node->line;
			ae_yaml_free(node);
			return ae_fail(err, AE_EINVAL,
				       "line %zu: empty (null) mapping key",
				       line);
		}
		rc = yaml_key_repeats(b, b->depth - 1, parent, node->scalar,
				      err);
		if (rc != 0) {
			char r[AE_REPR_BUF];
			if (rc < 0) {
				ae_yaml_free(node);
				return rc;
			}
			rc = ae_fail(err, AE_EINVAL,
				     "line %zu: duplicate key %s", node->line,
				     ae_repr(r, sizeof(r), node->scalar,
					     node->scalar_len));
			ae_yaml_free(node);
			return rc;
		}
		/* `<<` is YAML 1.1's merge key: yaml.v3 (the reference's
		 * reader) copies the merged mapping's keys into this one, so
		 * two readers would see two documents (issue 15). Refused in
		 * every style, as aliases are. */
		if (strcmp(node->scalar, "<<") == 0) {
			size_t line = node->line;
			ae_yaml_free(node);
			return ae_fail(err, AE_EINVAL,
				       "line %zu: YAML merge keys (<<) are not "
				       "allowed",
				       line);
		}
		b->pending_key[b->depth - 1] = node->scalar;
		node->scalar = NULL;
		ae_yaml_free(node);
		return 0;
	}
	key = b->pending_key[b->depth - 1];
	b->pending_key[b->depth - 1] = NULL;
	return yaml_attach(parent, key, node, err);
}

/* Handles one parser event; returns 1 when the stream ended. */
static int yaml_event(void *ctx, const yaml_event_t *ev, ae_err *err)
{
	yaml_builder *b = ctx;
	size_t line = ev->start_mark.line + 1;
	ae_yaml_node *n;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return ae_fail(err, AE_EINVAL,
				       "line %zu: more than one YAML document",
				       line);
		return 0;
	case YAML_ALIAS_EVENT:
		return ae_fail(err, AE_EINVAL,
			       "line %zu: YAML aliases are not allowed", line);
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		b->stack[b->depth] = NULL;
		ae_strset_dispose(&b->keys[b->depth]);
		return yaml_place(b, n, err);
	default:
		return ae_fail(err, AE_EINVAL,
			       "line %zu: unexpected YAML event", line);
	}
	/* Node-starting events share the anchor/tag/cap checks. */
	{
		const yaml_char_t *anchor =
			ev->type == YAML_SCALAR_EVENT ? ev->data.scalar.anchor
			: ev->type == YAML_MAPPING_START_EVENT
				? ev->data.mapping_start.anchor
				: ev->data.sequence_start.anchor;
		const yaml_char_t *tag = ev->type == YAML_SCALAR_EVENT
						 ? ev->data.scalar.tag
					 : ev->type == YAML_MAPPING_START_EVENT
						 ? ev->data.mapping_start.tag
						 : ev->data.sequence_start.tag;
		if (anchor != NULL)
			return ae_fail(err, AE_EINVAL,
				       "line %zu: YAML anchors are not allowed",
				       line);
		if (tag != NULL)
			return ae_fail(err, AE_EINVAL,
				       "line %zu: YAML tags are not allowed",
				       line);
	}
	if (++b->nodes > AE_YAML_MAX_NODES)
		return ae_fail(err, AE_ETOOBIG, "more than %d YAML nodes",
			       AE_YAML_MAX_NODES);
	if (ev->type == YAML_SCALAR_EVENT) {
		n = ae_yaml_node_new(AE_YAML_SCALAR, line);
		if (n == NULL)
			return ae_fail(err, AE_ERR, "out of memory");
		n->scalar_len = ev->data.scalar.length;
		n->scalar = malloc(n->scalar_len + 1);
		if (n->scalar == NULL) {
			ae_yaml_free(n);
			return ae_fail(err, AE_ERR, "out of memory");
		}
		memcpy(n->scalar, ev->data.scalar.value, n->scalar_len);
		n->scalar[n->scalar_len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (ae_has_nul(n->scalar, n->scalar_len)) {
			ae_yaml_free(n);
			return ae_fail(err, AE_EINVAL,
				       "line %zu: NUL in a scalar", line);
		}
		return yaml_place(b, n, err);
	}
	if (b->depth >= AE_YAML_MAX_DEPTH)
		return ae_fail(err, AE_EINVAL,
			       "line %zu: nesting deeper than %d", line,
			       AE_YAML_MAX_DEPTH);
	n = ae_yaml_node_new(ev->type == YAML_MAPPING_START_EVENT ? AE_YAML_MAP
								  : AE_YAML_SEQ,
			     line);
	if (n == NULL)
		return ae_fail(err, AE_ERR, "out of memory");
	b->pending_key[b->depth] = NULL;
	b->stack[b->depth++] = n;
	return 0;
}

static void yaml_builder_dispose(yaml_builder *b)
{
	while (b->depth > 0) {
		b->depth--;
		free(b->pending_key[b->depth]);
		ae_yaml_free(b->stack[b->depth]);
		ae_strset_dispose(&b->keys[b->depth]);
	}
	ae_yaml_free(b->root);
	b->root = NULL;
}

int ae_yaml_events(const unsigned char *buf, size_t len,
		   ae_yaml_event_fn on_event, ae_yaml_refused_fn on_refused,
		   void *ctx, ae_err *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return ae_fail(err, AE_ERR, "out of memory");
	yaml_parser_set_input_string(&parser, buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = on_refused(ctx, &parser, err);
			break;
		}
		rc = on_event(ctx, &ev, err);
		yaml_event_delete(&ev);
		if (rc < 0)
			break;
		done = rc == 1;
		rc = 0;
	}
	yaml_parser_delete(&parser);
	return rc;
}

static int yaml_refused(void *b, const yaml_parser_t *parser, ae_err *err)
{
	(void)b;
	return ae_fail(err, AE_EINVAL, "line %zu: %s",
		       parser->problem_mark.line + 1,
		       parser->problem ? parser->problem : "malformed YAML");
}

int ae_yaml_parse_libyaml(ae_yaml_node **out, const unsigned char *buf,
			  size_t len, ae_err *err)
{
	yaml_builder b;
	int rc;

	*out = NULL;
	if (ae_has_nul(buf, len))
		return ae_fail(err, AE_EINVAL, "YAML contains a NUL byte");
	memset(&b, 0, sizeof(b));
	rc = ae_yaml_events(buf, len, yaml_event, yaml_refused, &b, err);
	if (rc < 0) {
		yaml_builder_dispose(&b);
		return rc;
	}
	*out = b.root;
	return 0;
}

/* The plainest documents (most pointers) take the fast reader, which builds
 * the same tree or declines; the rest, and every error, are libyaml's. */
int ae_yaml_parse(ae_yaml_node **out, const unsigned char *buf, size_t len,
		  ae_err *err)
{
	bool handled = false;
	int rc;

	*out = NULL;
	if (ae_has_nul(buf, len))
		return ae_fail(err, AE_EINVAL, "YAML contains a NUL byte");
	rc = ae_yaml_parse_simple(out, &handled, buf, len, err);
	if (rc < 0 || handled)
		return rc;
	return ae_yaml_parse_libyaml(out, buf, len, err);
}
