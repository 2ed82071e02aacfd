/* evidence/core/yaml_node.c -- the YAML tree both readers build
 *
 * The node type's constructor, destructor and readers. The strict reader
 * (yaml.c, over libyaml) and the fast reader (yaml_simple.c) build the same
 * tree, so what they share sits here, below both.
 */
#include "evidence/core/ae.h"

#include <stdlib.h>
#include <string.h>

void ae_yaml_free(ae_yaml_node *node)
{
	if (node == NULL)
		return;
	for (size_t i = node->n; i-- > 0;) {
		if (node->keys != NULL)
			free(node->keys[i]);
		if (node->items != NULL)
			ae_yaml_free(node->items[i]);
	}
	free(node->keys);
	free(node->items);
	free(node->scalar);
	free(node);
}

const ae_yaml_node *ae_yaml_map_get(const ae_yaml_node *map, const char *key)
{
	if (map == NULL || map->kind != AE_YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i], key) == 0)
			return map->items[i];
	}
	return NULL;
}

bool ae_yaml_is_null(const ae_yaml_node *node)
{
	if (node == NULL)
		return true;
	if (node->kind != AE_YAML_SCALAR || !node->plain)
		return false;
	return node->scalar_len == 0 || strcmp(node->scalar, "~") == 0 ||
	       strcmp(node->scalar, "null") == 0 ||
	       strcmp(node->scalar, "Null") == 0 ||
	       strcmp(node->scalar, "NULL") == 0;
}

ae_yaml_node *ae_yaml_node_new(ae_yaml_kind kind, size_t line)
{
	ae_yaml_node *n = calloc(1, sizeof(*n));

	if (n != NULL) {
		n->kind = kind;
		n->line = line;
	}
	return n;
}

bool ae_yaml_equal(const ae_yaml_node *a, const ae_yaml_node *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->n != b->n)
		return false;
	if (a->kind == AE_YAML_SCALAR)
		return a->plain == b->plain && a->scalar_len == b->scalar_len &&
		       memcmp(a->scalar, b->scalar, a->scalar_len) == 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->kind == AE_YAML_MAP &&
		    strcmp(a->keys[i], b->keys[i]) != 0)
			return false;
		if (!ae_yaml_equal(a->items[i], b->items[i]))
			return false;
	}
	return true;
}
