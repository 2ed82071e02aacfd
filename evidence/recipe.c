/* evidence/recipe.c -- recipe identity: canonical form, digest, name
 *
 * The predicate names the recipe by a digest of its canonical form (SPEC §3,
 * reference §5.6): comments dropped, mapping keys sorted bytewise at every
 * level, and for v3 the top-level metadata.version (the version of the tool
 * that generated the recipe) removed so that two builds agree. The reference
 * hashes the bytes Go's yaml.v3 writes for the recipe's node tree, and so do
 * we: the recipe read as yaml.v3 reads it (recipe_tree.c) and written as
 * it writes it (recipe_emit.c), so that a digest computed here verifies
 * there and back (docs/formats.md "Recipe digest").
 */
#include "evidence/internal.h"
#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

int ev_recipe_canonical(ae_buf *out, const unsigned char *buf, size_t len,
			bool drop_version, ae_err *err)
{
	ev__ynode *root = NULL;
	int rc;

	ae_buf_init(out, EV_RECIPE_CANON_MAX_BYTES);
	if (len > EV_RECIPE_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG, "recipe is %zu bytes, cap %u",
			       len, EV_RECIPE_MAX_BYTES);
	/* The reference refuses no bytes at all, and digests a document of
	 * only comments as its zero node ("null"). */
	if (len == 0)
		return ae_fail(err, AE_EINVAL, "recipe is empty");
	rc = ev__ytree_parse(&root, buf, len, err);
	if (rc < 0)
		return rc;
	ev__ytree_sort(root);
	if (drop_version)
		ev__ytree_drop_version(root);
	rc = ev__ytree_emit(out, root, err);
	ev__ytree_free(root);
	if (rc < 0)
		ae_buf_dispose(out);
	return rc;
}

/* Whether `predicate_type` drops metadata.version (v3) or keeps it (v1,
 * v2); AE_EINVAL for any other type. NULL means v3. */
static int recipe_type_drops(bool *drop, const char *predicate_type,
			     ae_err *err)
{
	char r[AE_REPR_BUF];

	*drop = true;
	if (predicate_type == NULL ||
	    strcmp(predicate_type, EV_PREDICATE_V3) == 0)
		return 0;
	*drop = false;
	if (strcmp(predicate_type, EV_PREDICATE_V1) == 0 ||
	    strcmp(predicate_type, EV_PREDICATE_V2) == 0)
		return 0;
	return ae_fail(
		err, AE_EINVAL, "unexpected predicateType %s",
		ae_repr(r, sizeof(r), predicate_type, strlen(predicate_type)));
}

int ev_recipe_canonical_for(ae_buf *out, const unsigned char *buf, size_t len,
			    const char *predicate_type, ae_err *err)
{
	bool drop;
	int rc = recipe_type_drops(&drop, predicate_type, err);

	if (rc < 0) {
		ae_buf_init(out, 0);
		return rc;
	}
	return ev_recipe_canonical(out, buf, len, drop, err);
}

int ev_recipe_digest(char out[AE_SHA256_HEX_LEN + 1], const unsigned char *buf,
		     size_t len, const char *predicate_type, ae_err *err)
{
	unsigned char sha[AE_SHA256_LEN];
	ae_buf canon;
	int rc;

	out[0] = '\0';
	rc = ev_recipe_canonical_for(&canon, buf, len, predicate_type, err);
	if (rc < 0)
		return rc;
	ae_sha256(sha, canon.data, canon.len);
	ae_hex_encode(out, sha, sizeof(sha));
	ae_buf_dispose(&canon);
	return 0;
}

/* Appends one criteria value to the name unless empty or `any`. */
static int recipe_name_part(ae_buf *name, const ev__ynode *criteria,
			    const char *key, ae_err *err)
{
	const ev__ynode *v = ev__ytree_get(criteria, key);
	char r[AE_REPR_BUF];

	if (v == NULL ||
	    (v->kind == EV__Y_SCALAR && v->style == 0 &&
	     (v->len == 0 || strcmp(v->value, "~") == 0 ||
	      strcmp(v->value, "null") == 0 || strcmp(v->value, "Null") == 0 ||
	      strcmp(v->value, "NULL") == 0)))
		return 0;
	if (v->kind != EV__Y_SCALAR)
		return ae_fail(err, AE_EINVAL, "criteria.%s is not a scalar",
			       key);
	if (v->len == 0 || strcmp(v->value, "any") == 0)
		return 0;
	if (!ae_path_element_is_plain(v->value) ||
	    strchr(v->value, ' ') != NULL)
		return ae_fail(err, AE_EINVAL,
			       "criteria.%s %s is not a plain name", key,
			       ae_repr(r, sizeof(r), v->value, v->len));
	if (name->len > 0 && ae_buf_put(name, "-", 1, err) < 0)
		return AE_ETOOBIG;
	return ae_buf_put(name, v->value, v->len, err);
}

/* RecipeNameFor: the criteria part, then the lowercased profile segment. */
static int recipe_name_of(ev_recipe_id *id, const ev__ynode *root, ae_err *err)
{
	static const char *const parts[] = {"accelerator", "service", "os",
					    "intent", "platform"};
	const ev__ynode *criteria = ev__ytree_get(root, "criteria");
	ae_buf name = AE_BUF_INIT(sizeof(id->name) - 1);
	char r[AE_REPR_BUF];
	int rc = 0;

	id->has_criteria = criteria != NULL && criteria->kind == EV__Y_MAP;
	if (criteria != NULL && !id->has_criteria &&
	    !(criteria->kind == EV__Y_SCALAR && criteria->style == 0 &&
	      (criteria->len == 0 || strcmp(criteria->value, "null") == 0 ||
	       strcmp(criteria->value, "~") == 0)))
		return ae_fail(err, AE_EINVAL, "criteria is not a mapping");
	for (size_t i = 0; rc == 0 && i < sizeof(parts) / sizeof(parts[0]); i++)
		rc = recipe_name_part(&name, criteria, parts[i], err);
	if (rc == 0 && name.len == 0)
		rc = ae_buf_puts(&name, "recipe", err);
	if (rc == 0 && id->profiled) {
		/* ProfileSegment: "-" + lower(name) + "-" + lower(value) */
		size_t at = name.len;
		rc = ae_buf_puts(&name, "-", err);
		if (rc == 0)
			rc = ae_buf_puts(&name, id->selection, err);
		for (size_t i = at; rc == 0 && i < name.len; i++) {
			unsigned char c = name.data[i];
			if (c == '=')
				name.data[i] = '-';
			else if (c >= 'A' && c <= 'Z')
				name.data[i] = (unsigned char)(c - 'A' + 'a');
		}
	}
	if (rc == 0 && !ae_path_element_is_plain((const char *)name.data))
		rc = ae_fail(err, AE_EINVAL,
			     "recipe name %s is not a plain path element",
			     ae_repr(r, sizeof(r), name.data, name.len));
	if (rc == 0)
		memcpy(id->name, name.data, name.len + 1);
	ae_buf_dispose(&name);
	if (rc == AE_ETOOBIG) {
		ae_err_clear(err);
		rc = ae_fail(err, AE_EINVAL, "recipe name over %zu bytes",
			     sizeof(id->name) - 1);
	}
	return rc;
}

/* The recipe read as yaml.v3 reads it, a mapping at its root, within the
 * recipe cap. On failure *root is NULL. */
static int recipe_map(ev__ynode **root, const unsigned char *buf, size_t len,
		      ae_err *err)
{
	int rc;

	*root = NULL;
	if (len > EV_RECIPE_MAX_BYTES)
		return ae_fail(err, AE_ETOOBIG, "recipe is %zu bytes, cap %u",
			       len, EV_RECIPE_MAX_BYTES);
	rc = ev__ytree_parse(root, buf, len, err);
	if (rc == 0 && (*root == NULL || (*root)->kind != EV__Y_MAP))
		rc = ae_fail(err, AE_EINVAL, "recipe is not a YAML mapping");
	if (rc < 0) {
		ev__ytree_free(*root);
		*root = NULL;
	}
	return rc;
}

int ev_recipe_identify(ev_recipe_id *out, const unsigned char *buf, size_t len,
		       ae_err *err)
{
	ev__ynode *root = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = recipe_map(&root, buf, len, err);
	if (rc == 0)
		rc = ev__recipe_profile(out, root, err);
	if (rc == 0)
		rc = recipe_name_of(out, root, err);
	ev__ytree_free(root);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int ev_recipe_name(char **out, const unsigned char *buf, size_t len,
		   ae_err *err)
{
	ev_recipe_id id;
	int rc = ev_recipe_identify(&id, buf, len, err);

	*out = NULL;
	if (rc < 0)
		return rc;
	*out = strdup(id.name);
	return *out != NULL ? 0 : ae_fail(err, AE_ERR, "out of memory");
}

int ev__recipe_tree(ae_yaml_node **out, const unsigned char *buf, size_t len,
		    ae_err *err)
{
	ev__ynode *root = NULL;
	int rc;

	*out = NULL;
	rc = recipe_map(&root, buf, len, err);
	if (rc == 0)
		rc = ev__ytree_to_plain(out, root, err);
	ev__ytree_free(root);
	return rc;
}
